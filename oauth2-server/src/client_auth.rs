//! Client authentication at the token endpoint (RFC 6749 2.3): HTTP Basic or body credentials,
//! never both, never from the query.

use std::sync::Arc;

use base64::engine::general_purpose::STANDARD;
use base64::{DecodeSliceError, Engine as _};

use crate::audit::AuditEvent;
use crate::client::{Client, GrantType};
use crate::error::{Challenge, OAuthError};
use crate::rate_limit::RateKey;
use crate::request::{has_form_escapes, split_scheme, OAuthRequest, Params};
use crate::server::{CoreModel, OAuthServer};

/// The credentials a request presented. No `PartialEq`: it holds a secret, which is only ever
/// compared in constant time (`ClientSecret::verify`).
pub(crate) struct PresentedCredentials<'a> {
    via: Via<'a>,
}

enum Via<'a> {
    /// HTTP Basic: the decoded client id and secret, borrowed from a [`BasicScratch`].
    Basic { id: &'a str, secret: &'a str },
    /// `client_id` (and `client_secret`) in the form body.
    Body { id: &'a str, secret: Option<&'a str> },
}

/// How long decoded Basic credentials may be and still be decoded on the stack: a 36-character
/// client id and a generated 43-character secret take 80 bytes with their colon.
const BASIC_INLINE: usize = 128;

/// Where HTTP Basic credentials are decoded: on the stack when they fit (the usual case, no
/// allocation), else on the heap. Owned by the caller of [`presented_credentials`], which
/// borrows the client id and secret from it.
pub(crate) struct BasicScratch {
    inline: [u8; BASIC_INLINE],
    /// Base64-decoded credentials longer than `inline`.
    long: String,
    /// The id and secret when they hold form escapes (RFC 6749 2.3.1), unescaped.
    unescaped: String,
}

impl BasicScratch {
    pub(crate) fn new() -> Self {
        Self { inline: [0; BASIC_INLINE], long: String::new(), unescaped: String::new() }
    }
}

impl PresentedCredentials<'_> {
    pub(crate) fn client_id(&self) -> &str {
        match self.via {
            Via::Basic { id, .. } | Via::Body { id, .. } => id,
        }
    }

    pub(crate) fn secret(&self) -> Option<&str> {
        match self.via {
            Via::Basic { secret, .. } => Some(secret),
            Via::Body { secret, .. } => secret,
        }
    }

    pub(crate) fn via_basic(&self) -> bool {
        matches!(self.via, Via::Basic { .. })
    }
}

impl std::fmt::Debug for PresentedCredentials<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PresentedCredentials")
            .field("client_id", &self.client_id())
            .field("secret", &self.secret().map(|_| "<redacted>"))
            .field("via_basic", &self.via_basic())
            .finish()
    }
}

/// Reads the client's credentials from the `Authorization: Basic` header or the form body.
///
/// RFC 6749 2.3.1: Basic credentials are `application/x-www-form-urlencoded` before base64;
/// "The client MUST NOT use more than one authentication method in each request" (OAuth 2.1
/// 2.4): Basic plus a body secret is `invalid_request`. The query never authenticates.
pub(crate) fn presented_credentials<'a>(
    req: &'a OAuthRequest,
    form: &'a Params<'a>,
    scratch: &'a mut BasicScratch,
) -> Result<Option<PresentedCredentials<'a>>, OAuthError> {
    let basic_error =
        |msg: &'static str| OAuthError::invalid_client(msg).with_challenge(Challenge::Basic);
    if let Some(header) = req.authorization()? {
        let (scheme, rest) = split_scheme(header);
        if !scheme.eq_ignore_ascii_case("basic") {
            return Err(basic_error(
                "the token endpoint authenticates clients with HTTP Basic or client_secret_post",
            ));
        }
        let malformed = || basic_error("malformed HTTP Basic credentials");
        let BasicScratch { inline, long, unescaped } = scratch;
        let decoded = decode_basic(rest.trim(), inline, long).ok_or_else(malformed)?;
        // A byte scan: the credentials are a few dozen bytes, and `:` is ASCII, so the cut is at
        // a character boundary.
        let colon = decoded.bytes().position(|b| b == b':').ok_or_else(malformed)?;
        let (id, secret) = if has_form_escapes(decoded.as_bytes()) {
            let id = form_decode(&decoded[..colon]).ok_or_else(malformed)?;
            let secret = form_decode(&decoded[colon + 1..]).ok_or_else(malformed)?;
            *unescaped = id + &secret;
            let unescaped: &'a str = unescaped;
            unescaped.split_at(unescaped.len() - secret.len())
        } else {
            // Nothing to unescape (the usual case).
            (&decoded[..colon], &decoded[colon + 1..])
        };
        if form.contains("client_secret") {
            return Err(OAuthError::invalid_request(
                "client credentials in both the Authorization header and the body; use one method (RFC 6749 2.3)",
            ));
        }
        if form.get("client_id").is_some_and(|body_id| body_id != id) {
            return Err(OAuthError::invalid_request(
                "client_id in the body differs from the HTTP Basic client id",
            ));
        }
        if id.is_empty() {
            return Err(basic_error("HTTP Basic credentials without a client id"));
        }
        return Ok(Some(PresentedCredentials { via: Via::Basic { id, secret } }));
    }
    match form.get("client_id") {
        Some(id) => Ok(Some(PresentedCredentials {
            via: Via::Body { id, secret: form.get("client_secret") },
        })),
        None if form.contains("client_secret") => {
            Err(OAuthError::invalid_request("client_secret without client_id"))
        }
        None => Ok(None),
    }
}

/// The base64 `user-pass` of HTTP Basic (RFC 7617 2), decoded into `inline` when it fits, else
/// into `long`; `None` when it is not base64 of UTF-8.
fn decode_basic<'a>(
    encoded: &str,
    inline: &'a mut [u8; BASIC_INLINE],
    long: &'a mut String,
) -> Option<&'a str> {
    match STANDARD.decode_slice(encoded, inline) {
        Ok(len) => std::str::from_utf8(inline.get(..len)?).ok(),
        Err(DecodeSliceError::OutputSliceTooSmall) => {
            *long = String::from_utf8(STANDARD.decode(encoded).ok()?).ok()?;
            Some(long)
        }
        Err(DecodeSliceError::DecodeError(_)) => None,
    }
}

/// Decodes one `application/x-www-form-urlencoded` component: `+` is a space, `%XX` a byte.
fn form_decode(raw: &str) -> Option<String> {
    let bytes = raw.as_bytes();
    // The common case, nothing to unescape: a copy, without the byte loop and UTF-8 check.
    if !has_form_escapes(bytes) {
        return Some(raw.to_owned());
    }
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'+' => out.push(b' '),
            b'%' => {
                let hex = bytes.get(i + 1..i + 3)?;
                let hi = (hex[0] as char).to_digit(16)?;
                let lo = (hex[1] as char).to_digit(16)?;
                out.push((hi * 16 + lo) as u8);
                i += 2;
            }
            b => out.push(b),
        }
        i += 1;
    }
    String::from_utf8(out).ok()
}

impl<M: CoreModel> OAuthServer<M> {
    /// Authenticates the client of a token (or revocation, introspection) request.
    pub(crate) async fn authenticate_client(
        &self,
        req: &OAuthRequest,
        form: &Params<'_>,
        grant: Option<&GrantType>,
    ) -> Result<Arc<Client>, OAuthError> {
        let mut scratch = BasicScratch::new();
        let presented = presented_credentials(req, form, &mut scratch)?;
        let via_basic = presented.as_ref().is_some_and(PresentedCredentials::via_basic);
        let client_id = presented.as_ref().map(PresentedCredentials::client_id);
        // OAuth 2.1 2.4.1: brute-force protection of client secrets.
        if let (Some(limiter), Some(id)) = (&self.rate_limiter, client_id) {
            if let Some(wait) = limiter.blocked(RateKey::Client(id)) {
                return Err(OAuthError::too_many_attempts(wait));
            }
        }
        self.check_client(presented.as_ref(), grant).await.map_err(|err| {
            if err.code() == crate::ErrorCode::InvalidClient {
                if let (Some(limiter), Some(id)) = (&self.rate_limiter, client_id) {
                    limiter.record_failure(RateKey::Client(id));
                }
                self.audit(AuditEvent::ClientAuthenticationFailed {
                    client_id,
                    reason: err.description_static().unwrap_or("client authentication failed"),
                });
            }
            // RFC 6749 5.2: after an Authorization header attempt, invalid_client is 401 with
            // a WWW-Authenticate challenge for the scheme the client used.
            if via_basic && err.code() == crate::ErrorCode::InvalidClient {
                err.with_challenge(Challenge::Basic)
            } else {
                err
            }
        })
    }

    async fn check_client(
        &self,
        presented: Option<&PresentedCredentials<'_>>,
        grant: Option<&GrantType>,
    ) -> Result<Arc<Client>, OAuthError> {
        let presented = presented.ok_or_else(|| {
            OAuthError::invalid_client(
                "client authentication is required: send client_id (and client_secret) or HTTP Basic credentials",
            )
        })?;
        let client = self
            .model
            .get_client(presented.client_id())
            .await?
            .ok_or_else(|| OAuthError::invalid_client("client authentication failed"))?;
        match (client.secret(), presented.secret()) {
            // RFC 6749 2.3.1: constant-time check of the secret.
            (Some(secret), Some(given)) => {
                if !secret.verify(given) {
                    return Err(OAuthError::invalid_client("client authentication failed"));
                }
            }
            (Some(_), None) => {
                let optional =
                    grant.is_some_and(|g| !self.config.requires_client_authentication(g));
                if !optional {
                    return Err(OAuthError::invalid_client(
                        "client authentication is required: this client is confidential and sent no secret",
                    ));
                }
            }
            // A public client has no secret to present; presenting one is a client bug.
            (None, Some(_)) => {
                return Err(OAuthError::invalid_client("client authentication failed"));
            }
            (None, None) => {}
        }
        Ok(client)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn basic(id_secret: &str) -> String {
        format!("Basic {}", STANDARD.encode(id_secret))
    }

    #[test]
    fn basic_credentials_are_form_decoded_before_base64() {
        let req = OAuthRequest::post_form("grant_type=x")
            .with_header("authorization", &basic("my+app:s%3Ac+ret"));
        let form = req.form_params().unwrap();
        let mut scratch = BasicScratch::new();
        let creds = presented_credentials(&req, &form, &mut scratch).unwrap().unwrap();
        assert_eq!(creds.client_id(), "my app");
        assert_eq!(creds.secret(), Some("s:c ret"));
        assert!(creds.via_basic());
    }

    #[test]
    fn basic_credentials_split_at_the_first_colon() {
        // RFC 7617 2: the user-id cannot contain a colon; the password may.
        for (raw, id, secret) in [
            ("client:se:cret", "client", "se:cret"),
            ("client:", "client", ""),
            ("c:%3A", "c", ":"),
            ("%63l:s", "cl", "s"),
        ] {
            let req = OAuthRequest::post_form("").with_header("authorization", &basic(raw));
            let form = req.form_params().unwrap();
            let mut scratch = BasicScratch::new();
            let creds = presented_credentials(&req, &form, &mut scratch).unwrap().unwrap();
            assert_eq!((creds.client_id(), creds.secret()), (id, Some(secret)), "{raw}");
            if secret.len() > 2 {
                assert!(!format!("{creds:?}").contains(secret), "{raw}: {creds:?}");
            }
        }
    }

    /// Credentials short enough to be decoded inline and longer ones (decoded on the heap)
    /// read the same, on both sides of the inline size.
    #[test]
    fn basic_credentials_of_every_length_are_read_whole() {
        for len in
            [2, 3, 40, BASIC_INLINE - 2, BASIC_INLINE - 1, BASIC_INLINE, BASIC_INLINE + 1, 400]
        {
            let id = "i".repeat(len / 2);
            let secret = "s".repeat(len - len / 2);
            for (raw, want_secret) in [
                (format!("{id}:{secret}"), secret.clone()),
                (format!("{id}:{secret}%3A"), format!("{secret}:")),
            ] {
                let req = OAuthRequest::post_form("").with_header("authorization", &basic(&raw));
                let form = req.form_params().unwrap();
                let mut scratch = BasicScratch::new();
                let creds = presented_credentials(&req, &form, &mut scratch).unwrap().unwrap();
                assert_eq!(creds.client_id(), id, "{len}");
                assert_eq!(creds.secret(), Some(want_secret.as_str()), "{len}");
            }
        }
    }

    /// RFC 7617 2 leaves the charset to the server; ours is UTF-8, and bytes that are not
    /// UTF-8 are malformed credentials, inline or not.
    #[test]
    fn basic_credentials_that_are_not_utf8_are_invalid_client() {
        for tail in [1, 300] {
            let mut raw = b"client:\xff".to_vec();
            raw.extend(std::iter::repeat(b'x').take(tail));
            let header = format!("Basic {}", STANDARD.encode(&raw));
            let req = OAuthRequest::post_form("").with_header("authorization", &header);
            let form = req.form_params().unwrap();
            let err = presented_credentials(&req, &form, &mut BasicScratch::new()).unwrap_err();
            assert_eq!(err.code().as_str(), "invalid_client", "{tail}");
        }
    }

    #[test]
    fn basic_scheme_name_is_case_insensitive() {
        let header = basic("a:b").replacen("Basic", "bAsIc", 1);
        let req = OAuthRequest::post_form("").with_header("authorization", &header);
        let form = req.form_params().unwrap();
        assert!(presented_credentials(&req, &form, &mut BasicScratch::new()).unwrap().is_some());
    }

    #[test]
    fn basic_plus_body_secret_is_invalid_request() {
        let req =
            OAuthRequest::post_form("client_secret=b").with_header("authorization", &basic("a:b"));
        let form = req.form_params().unwrap();
        let err = presented_credentials(&req, &form, &mut BasicScratch::new()).unwrap_err();
        assert_eq!(err.code().as_str(), "invalid_request");
    }

    #[test]
    fn malformed_basic_is_invalid_client_with_basic_challenge() {
        for header in ["Basic !!!", "Basic Zm9v", "Bearer x"] {
            let req = OAuthRequest::post_form("").with_header("authorization", header);
            let form = req.form_params().unwrap();
            let err = presented_credentials(&req, &form, &mut BasicScratch::new()).unwrap_err();
            assert_eq!(err.code().as_str(), "invalid_client", "{header}");
            assert_eq!(err.status(), http::StatusCode::UNAUTHORIZED, "{header}");
        }
    }

    #[test]
    fn query_credentials_are_ignored() {
        let req = OAuthRequest::post_form("grant_type=x").with_query("client_id=a&client_secret=b");
        let form = req.form_params().unwrap();
        assert!(presented_credentials(&req, &form, &mut BasicScratch::new()).unwrap().is_none());
    }

    #[test]
    fn form_decode_rejects_bad_escapes() {
        assert_eq!(form_decode("a%2"), None);
        assert_eq!(form_decode("a%zz"), None);
        assert_eq!(form_decode("a%41+b").as_deref(), Some("aA b"));
    }
}
