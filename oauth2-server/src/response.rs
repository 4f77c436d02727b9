//! [`OAuthResponse`]: what an endpoint answers, independent of any web framework.

use std::sync::OnceLock;

use http::header::{HeaderName, CACHE_CONTROL, CONTENT_TYPE, LOCATION, PRAGMA};
use http::{HeaderMap, HeaderValue, StatusCode};

/// An owned HTTP answer: status, headers and a body (JSON, or empty for redirects).
///
/// Turn it into an `http::Response<String>` with [`OAuthResponse::into_http`] (or `From`).
#[derive(Clone, PartialEq, Eq)]
pub struct OAuthResponse {
    status: StatusCode,
    headers: HeaderMap,
    body: String,
}

impl std::fmt::Debug for OAuthResponse {
    // A token response's body carries the tokens and a redirect's `Location` the code: print
    // neither, only their sizes.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("OAuthResponse")
            .field("status", &self.status)
            .field("headers", &self.headers.keys().collect::<Vec<_>>())
            .field("body_len", &self.body.len())
            .finish()
    }
}

impl OAuthResponse {
    /// A JSON answer with `Content-Type: application/json`.
    pub fn json(status: StatusCode, body: String) -> Self {
        let mut headers = HeaderMap::with_capacity(4);
        headers.insert(CONTENT_TYPE, HeaderValue::from_static("application/json"));
        Self { status, headers, body }
    }

    /// A JSON answer with `Cache-Control: no-store` and `Pragma: no-cache` (RFC 6749 5.1):
    /// `json(..).no_store()`, with the three headers cloned from a map built once rather than
    /// inserted one by one (every token response and token endpoint error is one of these).
    pub(crate) fn json_no_store(status: StatusCode, body: String) -> Self {
        static HEADERS: OnceLock<HeaderMap> = OnceLock::new();
        let headers =
            HEADERS.get_or_init(|| Self::json(StatusCode::OK, String::new()).no_store().headers);
        Self { status, headers: headers.clone(), body }
    }

    /// An answer without a body.
    pub fn empty(status: StatusCode) -> Self {
        Self { status, headers: HeaderMap::new(), body: String::new() }
    }

    /// A `303 See Other` redirect to `location` (RFC 9700 4.12: never 307 after a credential
    /// POST).
    pub(crate) fn redirect(location: HeaderValue) -> Self {
        // `Location` (a placeholder, replaced here), `Cache-Control: no-store`, `Pragma:
        // no-cache`: cloned from a map built once, as in `json_no_store`.
        static HEADERS: OnceLock<HeaderMap> = OnceLock::new();
        let mut headers = HEADERS
            .get_or_init(|| {
                let mut template = Self::empty(StatusCode::SEE_OTHER);
                template.headers.insert(LOCATION, HeaderValue::from_static(""));
                template.no_store().headers
            })
            .clone();
        headers.insert(LOCATION, location);
        Self { status: StatusCode::SEE_OTHER, headers, body: String::new() }
    }

    /// Adds `Cache-Control: no-store` and `Pragma: no-cache` (RFC 6749 5.1).
    pub fn no_store(mut self) -> Self {
        self.headers.insert(CACHE_CONTROL, HeaderValue::from_static("no-store"));
        self.headers.insert(PRAGMA, HeaderValue::from_static("no-cache"));
        self
    }

    /// Sets a header (replacing a previous value of the same name).
    pub fn header(mut self, name: HeaderName, value: HeaderValue) -> Self {
        self.headers.insert(name, value);
        self
    }

    /// The status.
    pub fn status(&self) -> StatusCode {
        self.status
    }

    /// The headers.
    pub fn headers(&self) -> &HeaderMap {
        &self.headers
    }

    /// The headers, mutably (e.g. to add the application's own).
    pub fn headers_mut(&mut self) -> &mut HeaderMap {
        &mut self.headers
    }

    /// The body (empty for redirects and 204-like answers).
    pub fn body_str(&self) -> &str {
        &self.body
    }

    /// The `Location` header of a redirect.
    pub fn location(&self) -> Option<&str> {
        self.headers.get(LOCATION).and_then(|v| v.to_str().ok())
    }

    /// Splits the answer into its parts.
    pub fn into_parts(self) -> (StatusCode, HeaderMap, String) {
        (self.status, self.headers, self.body)
    }

    /// The `http` 1.x response.
    pub fn into_http(self) -> http::Response<String> {
        let mut response = http::Response::new(self.body);
        *response.status_mut() = self.status;
        *response.headers_mut() = self.headers;
        response
    }
}

impl From<OAuthResponse> for http::Response<String> {
    fn from(response: OAuthResponse) -> Self {
        response.into_http()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn no_store_sets_cache_control_and_pragma() {
        let r = OAuthResponse::json(StatusCode::OK, "{}".into()).no_store();
        assert_eq!(r.headers()[CACHE_CONTROL], "no-store");
        assert_eq!(r.headers()[PRAGMA], "no-cache");
    }

    #[test]
    fn into_http_keeps_status_headers_and_body() {
        let r = OAuthResponse::json(StatusCode::CREATED, "{\"a\":1}".into()).into_http();
        assert_eq!(r.status(), StatusCode::CREATED);
        assert_eq!(r.headers()[CONTENT_TYPE], "application/json");
        assert_eq!(r.body(), "{\"a\":1}");
    }

    #[test]
    fn redirect_is_303_see_other() {
        let r = OAuthResponse::redirect(HeaderValue::from_static("https://c.example/cb?code=x"));
        assert_eq!(r.status(), StatusCode::SEE_OTHER);
        assert_eq!(r.location(), Some("https://c.example/cb?code=x"));
    }

    /// The cloned templates carry exactly what `json(..).no_store()` and an inserted
    /// `Location` would, every time (the second call reads the template the first one built).
    #[test]
    fn templated_responses_have_exactly_their_headers() {
        for i in 0..2 {
            let uri = format!("https://c.example/cb?code={i}");
            let r = OAuthResponse::redirect(HeaderValue::from_str(&uri).unwrap());
            assert_eq!(r.headers().len(), 3);
            assert_eq!(r.headers().get_all(LOCATION).iter().count(), 1);
            assert_eq!(r.location(), Some(uri.as_str()));
            assert_eq!(r.headers()[CACHE_CONTROL], "no-store");
            assert_eq!(r.headers()[PRAGMA], "no-cache");
            assert!(r.body_str().is_empty());

            let body = format!("{{\"n\":{i}}}");
            let j = OAuthResponse::json_no_store(StatusCode::BAD_REQUEST, body.clone());
            let reference = OAuthResponse::json(StatusCode::BAD_REQUEST, body).no_store();
            assert_eq!(j, reference);
        }
    }
}
