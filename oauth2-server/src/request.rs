//! [`OAuthRequest`]: the owned request every endpoint takes, and the parameter parsing rules of
//! RFC 6749 3.1 / 3.2.

use std::borrow::Cow;
use std::collections::HashSet;

use bytes::Bytes;
use http::header::{AUTHORIZATION, CONTENT_TYPE};
use http::{HeaderMap, HeaderName, HeaderValue, Method};

use crate::error::OAuthError;

/// An owned HTTP request as the OAuth endpoints see it: method, raw query string, headers and
/// the raw body. Build it by hand, or convert an `http::Request` whose body is bytes.
///
/// ```
/// use oauth2_server::OAuthRequest;
///
/// let req = OAuthRequest::post_form("grant_type=client_credentials")
///     .with_header("authorization", "Basic ZGVtbzpzZWNyZXQ=");
/// assert_eq!(req.method(), "POST");
/// ```
#[derive(Clone, Default)]
pub struct OAuthRequest {
    method: Method,
    query: String,
    headers: HeaderMap,
    /// `Bytes`, so that an adapter holding the body as `Bytes` (hyper, axum) hands it over
    /// without a copy, and a clone of the request shares it.
    body: Bytes,
}

impl std::fmt::Debug for OAuthRequest {
    // The query, the body and the `Authorization` header carry secrets: never print them.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("OAuthRequest")
            .field("method", &self.method)
            .field("query_len", &self.query.len())
            .field("headers", &self.headers.keys().collect::<Vec<_>>())
            .field("body_len", &self.body.len())
            .finish()
    }
}

impl OAuthRequest {
    /// A request with a method and nothing else.
    pub fn new(method: Method) -> Self {
        Self { method, ..Self::default() }
    }

    /// A request from an `http` request's parts and its whole body (the `From` conversion and
    /// the axum extractor).
    pub(crate) fn from_parts(parts: http::request::Parts, body: Bytes) -> Self {
        Self {
            method: parts.method,
            query: parts.uri.query().unwrap_or_default().to_owned(),
            headers: parts.headers,
            body,
        }
    }

    /// A `GET` with a query string (without the leading `?`).
    pub fn get(query: impl Into<String>) -> Self {
        Self::new(Method::GET).with_query(query)
    }

    /// A `POST` with an `application/x-www-form-urlencoded` body.
    pub fn post_form(body: impl Into<Vec<u8>>) -> Self {
        Self::new(Method::POST)
            .with_header("content-type", "application/x-www-form-urlencoded")
            .with_body(body)
    }

    /// Sets the raw query string (without the leading `?`).
    pub fn with_query(mut self, query: impl Into<String>) -> Self {
        self.query = query.into();
        self
    }

    /// Sets the raw body.
    pub fn with_body(mut self, body: impl Into<Vec<u8>>) -> Self {
        self.body = Bytes::from(body.into());
        self
    }

    /// Sets the raw body from `Bytes` (no copy).
    pub fn with_body_bytes(mut self, body: Bytes) -> Self {
        self.body = body;
        self
    }

    /// Appends a header. Names and values that are not valid HTTP are dropped; use
    /// [`OAuthRequest::headers_mut`] to handle them yourself.
    pub fn with_header(mut self, name: &str, value: &str) -> Self {
        if let (Ok(name), Ok(value)) = (HeaderName::try_from(name), HeaderValue::try_from(value)) {
            self.headers.append(name, value);
        }
        self
    }

    /// The method.
    pub fn method(&self) -> &Method {
        &self.method
    }

    /// The raw query string.
    pub fn query(&self) -> &str {
        &self.query
    }

    /// The headers.
    pub fn headers(&self) -> &HeaderMap {
        &self.headers
    }

    /// The headers, mutably.
    pub fn headers_mut(&mut self) -> &mut HeaderMap {
        &mut self.headers
    }

    /// The raw body.
    pub fn body(&self) -> &[u8] {
        &self.body
    }

    /// The query parameters. A repeated parameter is `invalid_request` (RFC 6749 3.1).
    pub fn query_params(&self) -> Result<Params<'_>, OAuthError> {
        Params::parse(self.query.as_bytes())
    }

    /// True when the body is `application/x-www-form-urlencoded` (parameters after `;` such as
    /// `charset` are allowed).
    pub fn is_form(&self) -> bool {
        const FORM: &[u8] = b"application/x-www-form-urlencoded";
        let Some(value) = self.headers.get(CONTENT_TYPE) else { return false };
        // On the bytes, in the order that settles the common case soonest: the media type
        // (an exact match first, then case-insensitive), then what may follow it (whitespace,
        // and `;` parameters that must be what `HeaderValue::to_str` accepts: visible ASCII
        // and tab).
        let is_blank = |b: &u8| *b == b' ' || *b == b'\t';
        let bytes = value.as_bytes();
        let rest = &bytes[bytes.iter().take_while(|b| is_blank(b)).count()..];
        if rest.len() < FORM.len() {
            return false;
        }
        let (media_type, tail) = rest.split_at(FORM.len());
        if media_type != FORM && !media_type.eq_ignore_ascii_case(FORM) {
            return false;
        }
        let after = &tail[tail.iter().take_while(|b| is_blank(b)).count()..];
        (after.is_empty() || after[0] == b';')
            && after.iter().all(|&b| b == b'\t' || (b' '..=b'~').contains(&b))
    }

    /// The form parameters of the body; empty when the body is not form-encoded. A repeated
    /// parameter is `invalid_request` (RFC 6749 3.1).
    pub fn form_params(&self) -> Result<Params<'_>, OAuthError> {
        if self.is_form() {
            Params::parse(&self.body)
        } else {
            Ok(Params::default())
        }
    }

    /// The single `Authorization` header, if any. Several are `invalid_request`.
    pub fn authorization(&self) -> Result<Option<&str>, OAuthError> {
        let mut values = self.headers.get_all(AUTHORIZATION).iter();
        let Some(first) = values.next() else { return Ok(None) };
        if values.next().is_some() {
            return Err(OAuthError::invalid_request("more than one Authorization header"));
        }
        first.to_str().map(Some).map_err(|_| {
            OAuthError::invalid_request("the Authorization header is not visible ASCII")
        })
    }
}

impl<B: AsRef<[u8]>> From<http::Request<B>> for OAuthRequest {
    fn from(req: http::Request<B>) -> Self {
        let (parts, body) = req.into_parts();
        Self::from_parts(parts, Bytes::copy_from_slice(body.as_ref()))
    }
}

/// Splits an `Authorization` value into its scheme and credentials (RFC 9110 11.4:
/// `auth-scheme [ 1*SP token68 ]`), the spaces between them dropped. Byte scans: the
/// headers are short and this runs on every request.
pub(crate) fn split_scheme(header: &str) -> (&str, &str) {
    let bytes = header.as_bytes();
    match bytes.iter().position(|&b| b == b' ') {
        None => (header, ""),
        Some(i) => {
            let start = bytes[i..].iter().position(|&b| b != b' ').map_or(bytes.len(), |j| i + j);
            // Both cuts are at ASCII spaces, so at character boundaries.
            (&header[..i], &header[start..])
        }
    }
}

/// Decoded `application/x-www-form-urlencoded` parameters, checked for repetition. `Debug`
/// prints the names only: values include secrets (`client_secret`, `password`, `code`).
#[derive(Default, Clone)]
pub struct Params<'a> {
    pairs: Vec<(Cow<'a, str>, Cow<'a, str>)>,
}

impl<'a> Params<'a> {
    /// Parses and rejects any parameter that appears more than once (RFC 6749 3.1: "Request
    /// and response parameters MUST NOT be included more than once").
    pub fn parse(raw: &'a [u8]) -> Result<Self, OAuthError> {
        // The same rules as `form_urlencoded::parse` (pairs split on `&`, empty pieces skipped,
        // name and value split on the first `=`, `+` is a space, `%XX` a byte, invalid escapes
        // kept, invalid UTF-8 replaced). The separators and escapes are found with `memchr`'s
        // vector scans rather than byte by byte: one exact allocation for the pairs and none
        // for a component without escapes. The input is checked for UTF-8 once: splitting
        // valid UTF-8 at the ASCII `&` and `=` leaves valid UTF-8, so such a component is
        // borrowed as it is.
        let text = std::str::from_utf8(raw).ok();
        let mut pairs = Vec::with_capacity(memchr::memchr_iter(b'&', raw).count() + 1);
        // The escapes of the whole input, found by one vector scan and consumed in order: a
        // component has escapes when the next one not before its start is before its end.
        let mut escapes = memchr::memchr2_iter(b'+', b'%', raw).peekable();
        let mut escaped = |range: &std::ops::Range<usize>| {
            while escapes.next_if(|&at| at < range.start).is_some() {}
            escapes.peek().is_some_and(|&at| at < range.end)
        };
        let mut start = 0;
        while start <= raw.len() {
            let end = memchr::memchr(b'&', &raw[start..]).map_or(raw.len(), |i| start + i);
            if end > start {
                let (name, value) = match memchr::memchr(b'=', &raw[start..end]) {
                    Some(i) => (start..start + i, start + i + 1..end),
                    None => (start..end, end..end),
                };
                let name = component(raw, text, escaped(&name), name);
                let value = component(raw, text, escaped(&value), value);
                pairs.push((name, value));
            }
            start = end + 1;
        }
        let repeated = if pairs.len() <= 16 {
            pairs.iter().enumerate().any(|(i, (k, _))| pairs[..i].iter().any(|(p, _)| p == k))
        } else {
            let mut seen = HashSet::with_capacity(pairs.len());
            !pairs.iter().all(|(k, _)| seen.insert(k.as_ref()))
        };
        if repeated {
            return Err(OAuthError::invalid_request(
                "a parameter is repeated; each may be sent at most once (RFC 6749 3.1)",
            ));
        }
        Ok(Self { pairs })
    }

    /// The value of `name`. RFC 6749 3.1: "Parameters sent without a value MUST be treated as
    /// if they were omitted", so an empty value is `None`.
    pub fn get(&self, name: &str) -> Option<&str> {
        self.pairs
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_ref())
            .filter(|v| !v.is_empty())
    }

    /// True when `name` is present, even with an empty value.
    pub fn contains(&self, name: &str) -> bool {
        self.pairs.iter().any(|(k, _)| k == name)
    }

    /// The number of parameters.
    pub fn len(&self) -> usize {
        self.pairs.len()
    }

    /// True when there are no parameters.
    pub fn is_empty(&self) -> bool {
        self.pairs.is_empty()
    }

    /// All pairs in order.
    pub fn iter(&self) -> impl Iterator<Item = (&str, &str)> {
        self.pairs.iter().map(|(k, v)| (k.as_ref(), v.as_ref()))
    }
}

impl std::fmt::Debug for Params<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Params")
            .field("names", &self.iter().map(|(k, _)| k).collect::<Vec<_>>())
            .finish()
    }
}

/// Decodes the component `raw[range]`: borrowed from `text` (all of `raw`, when it is valid
/// UTF-8) when it has no escapes (`escaped`: it holds a `+` or `%`), else unescaped (invalid
/// UTF-8 replaced).
fn component<'a>(
    raw: &'a [u8],
    text: Option<&'a str>,
    escaped: bool,
    range: std::ops::Range<usize>,
) -> Cow<'a, str> {
    match (escaped, text) {
        // `range` is cut at ASCII `&` and `=`, so at character boundaries.
        (false, Some(text)) => Cow::Borrowed(&text[range]),
        (false, None) => String::from_utf8_lossy(&raw[range]),
        (true, _) => Cow::Owned(unescape(&raw[range])),
    }
}

/// True when `bytes` hold something to unescape (`+` or `%`): for the HTTP Basic credentials
/// (`client_auth`; the form parser finds its escapes in one scan of the whole input). Those are
/// a few dozen bytes, where a plain loop beats the setup of a vector scan.
pub(crate) fn has_form_escapes(bytes: &[u8]) -> bool {
    if bytes.len() < 32 {
        bytes.iter().any(|&b| b == b'+' || b == b'%')
    } else {
        memchr::memchr2(b'+', b'%', bytes).is_some()
    }
}

/// Unescapes `raw`: runs between escapes are copied whole, `+` becomes a space, `%XX` its
/// byte, an invalid `%` stays as it is.
fn unescape(raw: &[u8]) -> String {
    let mut out = Vec::with_capacity(raw.len());
    let mut i = 0;
    while i < raw.len() {
        let run = memchr::memchr2(b'+', b'%', &raw[i..]).unwrap_or(raw.len() - i);
        out.extend_from_slice(&raw[i..i + run]);
        i += run;
        match raw.get(i) {
            None => break,
            Some(b'+') => {
                out.push(b' ');
                i += 1;
            }
            Some(_) => match (raw.get(i + 1).and_then(hex_val), raw.get(i + 2).and_then(hex_val)) {
                (Some(hi), Some(lo)) => {
                    out.push(hi << 4 | lo);
                    i += 3;
                }
                _ => {
                    out.push(b'%');
                    i += 1;
                }
            },
        }
    }
    match String::from_utf8(out) {
        Ok(s) => s,
        Err(e) => String::from_utf8_lossy(e.as_bytes()).into_owned(),
    }
}

fn hex_val(b: &u8) -> Option<u8> {
    match b {
        b'0'..=b'9' => Some(b - b'0'),
        b'a'..=b'f' => Some(b - b'a' + 10),
        b'A'..=b'F' => Some(b - b'A' + 10),
        _ => None,
    }
}

/// The parameters of a request that may come in the query or the body: the authorization
/// endpoint accepts both (RFC 6749 3.1: GET is required, POST is allowed).
#[derive(Debug, Default, Clone)]
pub(crate) struct MergedParams<'a> {
    query: Params<'a>,
    form: Params<'a>,
}

impl<'a> MergedParams<'a> {
    pub(crate) fn of(req: &'a OAuthRequest) -> Result<Self, OAuthError> {
        let merged = Self { query: req.query_params()?, form: req.form_params()? };
        // RFC 6749 3.1: the same parameter in the query and in the body is a repetition too.
        if merged.query.iter().any(|(k, _)| merged.form.contains(k)) {
            return Err(OAuthError::invalid_request(
                "a parameter is repeated; each may be sent at most once (RFC 6749 3.1)",
            ));
        }
        Ok(merged)
    }

    pub(crate) fn get(&self, name: &str) -> Option<&str> {
        self.form.get(name).or_else(|| self.query.get(name))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn split_scheme_drops_the_spaces_between_scheme_and_credentials() {
        assert_eq!(split_scheme("Bearer abc"), ("Bearer", "abc"));
        assert_eq!(split_scheme("Bearer   abc "), ("Bearer", "abc "));
        assert_eq!(split_scheme("Bearer"), ("Bearer", ""));
        assert_eq!(split_scheme("Bearer   "), ("Bearer", ""));
        assert_eq!(split_scheme(" abc"), ("", "abc"));
        assert_eq!(split_scheme("Basic é x"), ("Basic", "é x"));
    }

    #[test]
    fn repeated_parameter_is_invalid_request() {
        let err = Params::parse(b"scope=a&scope=b").unwrap_err();
        assert_eq!(err.code().as_str(), "invalid_request");
    }

    #[test]
    fn repeated_parameter_among_many_is_invalid_request() {
        let mut raw = (0..100).map(|i| format!("p{i}=v")).collect::<Vec<_>>().join("&");
        raw.push_str("&p42=again");
        assert!(Params::parse(raw.as_bytes()).is_err());
    }

    #[test]
    fn parse_agrees_with_form_urlencoded() {
        let cases: &[&[u8]] = &[
            b"",
            b"&&a=1&&b&c=&=d&e==f",
            b"scope=read%20write+x&r=http%3A%2F%2Fh%2Fcb",
            b"bad=%zz%4&pct=%&tail=%4",
            b"utf=%C3%A9&raw=caf\xc3\xa9&invalid=%FF%FE&rawbad=\xff",
            b"k%3D=v%26w",
            // Pieces invalid alone, valid together (each is replaced on its own).
            b"a=%C3&b=%A9",
            b"n%C3=%A9&x=\xc3",
        ];
        for raw in cases {
            let ours: Vec<(String, String)> = Params::parse(raw)
                .unwrap()
                .iter()
                .map(|(k, v)| (k.to_owned(), v.to_owned()))
                .collect();
            let theirs: Vec<(String, String)> = form_urlencoded::parse(raw)
                .map(|(k, v)| (k.into_owned(), v.into_owned()))
                .collect();
            assert_eq!(ours, theirs, "{:?}", String::from_utf8_lossy(raw));
        }
    }

    #[test]
    fn parse_agrees_with_form_urlencoded_on_random_input() {
        use rand::{Rng as _, SeedableRng as _};
        let alphabet: &[u8] = b"ab=&+%2f0F \xc3\xa9\xff";
        let long_alphabet: &[u8] = b"abcdefghijklmnopqrstuvwxyz==&+%2f0F \xc3\xa9\xff";
        let mut rng = rand::rngs::StdRng::seed_from_u64(6749);
        for round in 0..24_000 {
            // Mostly short inputs (every corner in few bytes), some past the 16- and 32-byte
            // vector widths of the scans; those draw from more letters, so that their names
            // rarely repeat.
            let (len, alphabet) = if round % 6 == 0 {
                (rng.gen_range(24..200), long_alphabet)
            } else {
                (rng.gen_range(0..24), alphabet)
            };
            let raw: Vec<u8> =
                (0..len).map(|_| alphabet[rng.gen_range(0..alphabet.len())]).collect();
            let theirs: Vec<(String, String)> = form_urlencoded::parse(&raw)
                .map(|(k, v)| (k.into_owned(), v.into_owned()))
                .collect();
            match Params::parse(&raw) {
                Ok(ours) => {
                    let ours: Vec<(String, String)> =
                        ours.iter().map(|(k, v)| (k.to_owned(), v.to_owned())).collect();
                    assert_eq!(ours, theirs, "{:?}", String::from_utf8_lossy(&raw));
                }
                // Refused only for a repeated name (RFC 6749 3.1).
                Err(_) => {
                    let mut names: Vec<&String> = theirs.iter().map(|(k, _)| k).collect();
                    names.sort();
                    assert!(names.windows(2).any(|w| w[0] == w[1]), "{raw:?}");
                }
            }
        }
    }

    /// Every pair is kept, in order, with decoded and borrowed components mixed.
    #[test]
    fn params_keep_every_pair_in_order() {
        for n in [7, 8, 9, 17, 40] {
            let raw = (0..n)
                .map(|i| if i % 3 == 0 { format!("k{i}=v+{i}") } else { format!("k{i}=v{i}") })
                .collect::<Vec<_>>()
                .join("&");
            let p = Params::parse(raw.as_bytes()).unwrap();
            assert_eq!(p.len(), n);
            for i in 0..n {
                let want = if i % 3 == 0 { format!("v {i}") } else { format!("v{i}") };
                assert_eq!(p.get(&format!("k{i}")), Some(want.as_str()), "{n} pairs");
            }
            let names: Vec<String> = p.iter().map(|(k, _)| k.to_owned()).collect();
            assert_eq!(names, (0..n).map(|i| format!("k{i}")).collect::<Vec<_>>());
        }
    }

    #[test]
    fn params_debug_prints_names_but_not_values() {
        let p = Params::parse(b"client_id=c&client_secret=hunter2&password=p%40ss").unwrap();
        let printed = format!("{p:?}");
        assert!(printed.contains("client_secret"), "{printed}");
        assert!(!printed.contains("hunter2") && !printed.contains("p@ss"), "{printed}");
    }

    #[test]
    fn empty_value_is_treated_as_omitted() {
        let p = Params::parse(b"state=&scope=read").unwrap();
        assert_eq!(p.get("state"), None);
        assert!(p.contains("state"));
        assert_eq!(p.get("scope"), Some("read"));
    }

    #[test]
    fn plus_and_percent_escapes_are_decoded() {
        let p = Params::parse(b"scope=read+write&x=%2Fcb").unwrap();
        assert_eq!(p.get("scope"), Some("read write"));
        assert_eq!(p.get("x"), Some("/cb"));
    }

    #[test]
    fn form_params_are_empty_without_form_content_type() {
        let req = OAuthRequest::new(Method::POST).with_body("grant_type=password");
        assert!(req.form_params().unwrap().is_empty());
    }

    #[test]
    fn content_type_with_charset_is_form() {
        let req = OAuthRequest::new(Method::POST)
            .with_header("content-type", "application/x-www-form-urlencoded; charset=UTF-8");
        assert!(req.is_form());
    }

    /// `is_form` on raw header bytes agrees with reading the value as a `str` (RFC 9110 8.3:
    /// the media type before any `;` parameters, case-insensitive, optional whitespace around).
    #[test]
    fn content_type_check_agrees_with_the_str_reading() {
        use rand::{Rng as _, SeedableRng as _};
        fn by_str(value: &HeaderValue) -> bool {
            value
                .to_str()
                .ok()
                .and_then(|v| v.split(';').next())
                .is_some_and(|v| v.trim().eq_ignore_ascii_case("application/x-www-form-urlencoded"))
        }
        let is_form = |value: &HeaderValue| {
            let mut req = OAuthRequest::new(Method::POST);
            req.headers_mut().insert(CONTENT_TYPE, value.clone());
            req.is_form()
        };
        let fixed: &[(&[u8], bool)] = &[
            (b"application/x-www-form-urlencoded", true),
            (b"Application/X-WWW-Form-URLEncoded;charset=utf-8", true),
            (b" \tapplication/x-www-form-urlencoded \t; charset=UTF-8", true),
            (b"application/x-www-form-urlencoded;", true),
            (b"application/json", false),
            (b"application/x-www-form-urlencodedx", false),
            (b"application/x-www-form-urlencoded; charset=\xff", false),
            (b"", false),
        ];
        for (raw, want) in fixed {
            let value = HeaderValue::from_bytes(raw).unwrap();
            assert_eq!(is_form(&value), *want, "{raw:?}");
            assert_eq!(by_str(&value), *want, "{raw:?}");
        }
        let mut rng = rand::rngs::StdRng::seed_from_u64(9110);
        let pieces: &[&[u8]] = &[
            b"application/x-www-form-urlencoded",
            b"APPLICATION/X-WWW-FORM-URLENCODED",
            b"application/json",
            b";",
            b" ",
            b"\t",
            b"charset=utf-8",
            b"\xe9",
            b"x",
        ];
        let mut forms = 0;
        for _ in 0..5_000 {
            let raw: Vec<u8> = (0..rng.gen_range(1..5))
                .flat_map(|_| pieces[rng.gen_range(0..pieces.len())])
                .copied()
                .collect();
            let Ok(value) = HeaderValue::from_bytes(&raw) else { continue };
            let want = by_str(&value);
            forms += usize::from(want);
            assert_eq!(is_form(&value), want, "{raw:?}");
        }
        assert!(forms > 100, "the random inputs include forms ({forms})");
    }

    #[test]
    fn two_authorization_headers_are_invalid_request() {
        let req = OAuthRequest::new(Method::GET)
            .with_header("authorization", "Bearer a")
            .with_header("authorization", "Bearer b");
        assert!(req.authorization().is_err());
    }

    #[test]
    fn same_parameter_in_query_and_body_is_invalid_request() {
        let req = OAuthRequest::post_form("client_id=a").with_query("client_id=a");
        assert!(MergedParams::of(&req).is_err());
    }

    #[test]
    fn debug_does_not_print_the_body_or_authorization_value() {
        let req = OAuthRequest::post_form("client_secret=hunter2")
            .with_header("authorization", "Basic c2VjcmV0");
        let printed = format!("{req:?}");
        assert!(!printed.contains("hunter2"));
        assert!(!printed.contains("c2VjcmV0"));
    }

    #[test]
    fn body_given_as_bytes_is_read_like_any_other() {
        let body = Bytes::from_static(b"grant_type=password&scope=a+b");
        let req = OAuthRequest::post_form("").with_body_bytes(body.clone());
        assert_eq!(req.body(), &body[..]);
        assert_eq!(req.form_params().unwrap().get("scope"), Some("a b"));
        assert_eq!(req.clone().body(), OAuthRequest::post_form(body.to_vec()).body());
    }

    #[test]
    fn from_http_request_keeps_query_headers_and_body() {
        let http_req = http::Request::post("/oauth/token?x=1")
            .header("content-type", "application/x-www-form-urlencoded")
            .body(b"grant_type=password".to_vec())
            .unwrap();
        let req = OAuthRequest::from(http_req);
        assert_eq!(req.query(), "x=1");
        assert_eq!(req.form_params().unwrap().get("grant_type"), Some("password"));
    }
}
