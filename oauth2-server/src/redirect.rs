//! Redirect URIs: matching a requested URI against the registered ones, and building the
//! authorization response's redirect.

use http::HeaderValue;

use crate::client::Client;

/// Why a redirect URI was not accepted. None of these may be redirected to (RFC 6749 4.1.2.1,
/// RFC 9700 4.11.2): the user is shown an error instead.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RedirectUriProblem {
    /// The client has no registered redirect URI.
    NoneRegistered,
    /// `redirect_uri` was omitted while the client has several (RFC 6749 3.1.2.3).
    Ambiguous,
    /// `redirect_uri` matches no registered URI.
    NotRegistered,
}

impl RedirectUriProblem {
    /// A sentence for the error page.
    pub fn describe(self) -> &'static str {
        match self {
            Self::NoneRegistered => "the client has no registered redirect_uri",
            Self::Ambiguous => "redirect_uri is required because the client has several registered",
            Self::NotRegistered => "redirect_uri is not registered for this client",
        }
    }
}

/// Picks the redirect URI for an authorization request.
///
/// RFC 9700 4.1.3 / 2.1: exact string comparison; the only exception is the port of a loopback
/// IP literal redirect URI (`http://127.0.0.1:PORT/...`, `http://[::1]:PORT/...`), which native
/// apps choose at run time (RFC 8252 7.3). The name `localhost` gets no exception.
pub fn resolve_redirect_uri<'a>(
    client: &'a Client,
    requested: Option<&'a str>,
) -> Result<&'a str, RedirectUriProblem> {
    let registered = client.registered_redirect_uris();
    match requested {
        None => match registered {
            [] => Err(RedirectUriProblem::NoneRegistered),
            [only] => Ok(only.as_str()),
            _ => Err(RedirectUriProblem::Ambiguous),
        },
        Some(uri) => {
            if registered.is_empty() {
                return Err(RedirectUriProblem::NoneRegistered);
            }
            if registered.iter().any(|r| r == uri || loopback_port_variant(r, uri)) {
                Ok(uri)
            } else {
                Err(RedirectUriProblem::NotRegistered)
            }
        }
    }
}

/// True when `requested` equals `registered` except for the port, and `registered` is an
/// `http` URI on a loopback IP literal.
fn loopback_port_variant(registered: &str, requested: &str) -> bool {
    let (Some(reg), Some(req)) = (split_loopback(registered), split_loopback(requested)) else {
        return false;
    };
    reg.host == req.host && reg.rest == req.rest
}

struct Loopback<'a> {
    host: &'a str,
    rest: &'a str,
}

/// `http://127.0.0.1[:port]/rest` or `http://[::1][:port]/rest`, with a numeric port if any.
fn split_loopback(uri: &str) -> Option<Loopback<'_>> {
    let after = uri.strip_prefix("http://")?;
    let host = ["127.0.0.1", "[::1]"].into_iter().find(|h| after.starts_with(h))?;
    let after_host = &after[host.len()..];
    let rest = match after_host.strip_prefix(':') {
        Some(port_and_rest) => {
            let end =
                port_and_rest.find(|c: char| !c.is_ascii_digit()).unwrap_or(port_and_rest.len());
            // A port is 1-5 digits of at most 65535 (RFC 3986 3.2.3 allows more digits, but no
            // browser or URL parser takes `:99999`).
            if end == 0 || end > 5 || port_and_rest[..end].parse::<u16>().is_err() {
                return None;
            }
            &port_and_rest[end..]
        }
        None => after_host,
    };
    // The authority must end here: `http://127.0.0.1.evil.example/` or `http://127.0.0.1@evil/`
    // are other hosts.
    if !(rest.is_empty() || rest.starts_with('/') || rest.starts_with('?')) {
        return None;
    }
    Some(Loopback { host, rest })
}

/// Builds the redirect `Location`: the redirect URI with its own query kept, and `params`
/// appended, form-urlencoded (RFC 6749 4.1.2: "retaining any existing query component").
/// `None` when the result is not a valid header value (a registered URI with raw non-ASCII).
pub(crate) fn build_redirect(uri: &str, params: &[(&str, &str)]) -> Option<HeaderValue> {
    let mut out = String::with_capacity(uri.len() + 96);
    out.push_str(uri);
    if !params.is_empty() {
        match uri.find('?') {
            None => out.push('?'),
            Some(i) if i + 1 == uri.len() || uri.ends_with('&') => {}
            Some(_) => out.push('&'),
        }
        for (i, (k, v)) in params.iter().enumerate() {
            if i > 0 {
                out.push('&');
            }
            push_form_encoded(&mut out, k);
            out.push('=');
            push_form_encoded(&mut out, v);
        }
    }
    // From a `String`, the header value takes the buffer over instead of copying it.
    HeaderValue::try_from(out).ok()
}

/// The bytes `application/x-www-form-urlencoded` keeps as they are: ASCII alphanumerics and
/// `*-._` (the WHATWG URL standard's serializer, as `form_urlencoded::byte_serialize`).
const FORM_KEEP: [bool; 256] = {
    let mut keep = [false; 256];
    let mut b = 0;
    while b < 256 {
        keep[b] = (b as u8).is_ascii_alphanumeric() || matches!(b as u8, b'*' | b'-' | b'.' | b'_');
        b += 1;
    }
    keep
};

/// Appends `value` form-urlencoded: kept bytes are copied in runs, a space becomes `+`, any
/// other byte `%XX` (upper-case hex). Byte for byte what `form_urlencoded` writes, without
/// its per-piece iterator (the codes, `state` and `iss` of every redirect go through here).
fn push_form_encoded(out: &mut String, value: &str) {
    const HEX: &[u8; 16] = b"0123456789ABCDEF";
    let bytes = value.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        let run =
            bytes[i..].iter().position(|&b| !FORM_KEEP[b as usize]).unwrap_or(bytes.len() - i);
        if run > 0 {
            // A run of ASCII bytes starts and ends at character boundaries (`i` may be inside
            // a character whose first bytes were just escaped, but then the run is empty).
            out.push_str(&value[i..i + run]);
            i += run;
        }
        let Some(&b) = bytes.get(i) else { break };
        if b == b' ' {
            out.push('+');
        } else {
            out.push('%');
            out.push(char::from(HEX[usize::from(b >> 4)]));
            out.push(char::from(HEX[usize::from(b & 0xf)]));
        }
        i += 1;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::secret::ClientSecret;

    #[test]
    fn form_encoding_agrees_with_form_urlencoded() {
        use rand::{Rng as _, SeedableRng as _};
        let mut rng = rand::rngs::StdRng::seed_from_u64(3986);
        let fixed =
            ["", "abc", "a b", "http://127.0.0.1:18090", "*-._~!'()", "caf\u{e9} \u{1F600}%&=+"];
        let random = (0..5_000).map(|_| {
            let len = rng.gen_range(0..16);
            (0..len).map(|_| char::from_u32(rng.gen_range(0..0x300)).unwrap_or('x')).collect()
        });
        for value in fixed.iter().map(|s| s.to_string()).chain(random) {
            let mut ours = String::new();
            push_form_encoded(&mut ours, &value);
            let theirs: String = form_urlencoded::byte_serialize(value.as_bytes()).collect();
            assert_eq!(ours, theirs, "{value:?}");
        }
    }

    fn client(uris: &[&str]) -> Client {
        Client::confidential("c", ClientSecret::plain("s")).redirect_uris(uris.iter().copied())
    }

    #[test]
    fn redirect_uri_exact_match_is_accepted() {
        let c = client(&["https://app.example/cb"]);
        assert_eq!(
            resolve_redirect_uri(&c, Some("https://app.example/cb")),
            Ok("https://app.example/cb")
        );
    }

    #[test]
    fn redirect_uri_variants_are_rejected() {
        let c = client(&["https://app.example/cb"]);
        for bad in [
            "https://app.example/cb/",
            "https://APP.example/cb",
            "https://app.example/CB",
            "https://app.example/cb?x=1",
            "https://app.example/cb#frag",
            "https://app.example/cb@evil.example",
            "https://app.example:443/cb",
            "http://app.example/cb",
            "//evil.example",
            "https://app.example.evil.example/cb",
        ] {
            assert_eq!(
                resolve_redirect_uri(&c, Some(bad)),
                Err(RedirectUriProblem::NotRegistered),
                "{bad} was accepted"
            );
        }
    }

    #[test]
    fn loopback_ip_redirect_uri_may_change_port_only() {
        let c = client(&["http://127.0.0.1:9999/cb", "http://[::1]/cb"]);
        assert!(resolve_redirect_uri(&c, Some("http://127.0.0.1:51234/cb")).is_ok());
        assert!(resolve_redirect_uri(&c, Some("http://127.0.0.1/cb")).is_ok());
        assert!(resolve_redirect_uri(&c, Some("http://[::1]:8080/cb")).is_ok());
        assert!(resolve_redirect_uri(&c, Some("http://127.0.0.1:51234/other")).is_err());
        assert!(resolve_redirect_uri(&c, Some("http://127.0.0.1.evil.example:1/cb")).is_err());
        assert!(resolve_redirect_uri(&c, Some("http://127.0.0.1:1@evil.example/cb")).is_err());
        assert!(resolve_redirect_uri(&c, Some("https://127.0.0.1:51234/cb")).is_err());
        // Not a port (found by tests/tests/adversarial_http.rs): never a loopback variant.
        assert!(resolve_redirect_uri(&c, Some("http://127.0.0.1:99999/cb")).is_err());
        assert!(resolve_redirect_uri(&c, Some("http://127.0.0.1:65536/cb")).is_err());
        assert!(resolve_redirect_uri(&c, Some("http://127.0.0.1:65535/cb")).is_ok());
    }

    #[test]
    fn localhost_name_gets_no_port_exception() {
        let c = client(&["http://localhost:9999/cb"]);
        assert!(resolve_redirect_uri(&c, Some("http://localhost:1234/cb")).is_err());
    }

    #[test]
    fn omitted_redirect_uri_uses_the_only_registered_one() {
        assert_eq!(resolve_redirect_uri(&client(&["https://a/cb"]), None), Ok("https://a/cb"));
        assert_eq!(
            resolve_redirect_uri(&client(&["https://a/cb", "https://b/cb"]), None),
            Err(RedirectUriProblem::Ambiguous)
        );
        assert_eq!(
            resolve_redirect_uri(&client(&[]), None),
            Err(RedirectUriProblem::NoneRegistered)
        );
    }

    #[test]
    fn redirect_keeps_the_registered_query() {
        let v = build_redirect("https://a/cb?x=1", &[("code", "abc"), ("state", "s t")]).unwrap();
        assert_eq!(v, "https://a/cb?x=1&code=abc&state=s+t");
        let v = build_redirect("https://a/cb", &[("error", "access_denied")]).unwrap();
        assert_eq!(v, "https://a/cb?error=access_denied");
    }

    #[test]
    fn redirect_params_cannot_inject_headers_or_params() {
        let v =
            build_redirect("https://a/cb", &[("state", "x\r\nSet-Cookie: a=b&code=evil")]).unwrap();
        assert_eq!(v, "https://a/cb?state=x%0D%0ASet-Cookie%3A+a%3Db%26code%3Devil");
    }
}
