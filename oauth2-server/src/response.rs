//! [`OAuthResponse`]: what an endpoint answers, independent of any web framework.

use std::sync::OnceLock;

use http::header::{HeaderName, CACHE_CONTROL, CONTENT_TYPE, LOCATION, PRAGMA};
use http::{HeaderMap, HeaderValue, StatusCode};

/// An owned HTTP answer: status, headers and a body (JSON, or empty for redirects).
///
/// Turn it into an `http::Response<String>` with [`OAuthResponse::into_http`] (or `From`).
///
/// The standard headers of the library's answers (`Content-Type`, `Cache-Control`, `Pragma`,
/// `Location`) are kept as a small description until a header map is asked for
/// ([`headers`](Self::headers), [`headers_mut`](Self::headers_mut), [`header`](Self::header))
/// or the answer is converted ([`into_http`](Self::into_http), [`into_parts`](Self::into_parts)):
/// an answer that is only inspected or dropped (a library-level token, a redirect whose
/// `Location` is read) builds no map. What each accessor returns is the same either way.
#[derive(Clone)]
pub struct OAuthResponse {
    status: StatusCode,
    /// The standard headers, while `map` is unset.
    preset: Preset,
    /// Every header, once built: from `preset`, then the caller's changes.
    map: OnceLock<HeaderMap>,
    body: String,
}

/// The standard header sets of the library's answers, in the order they are written.
#[derive(Clone)]
enum Preset {
    /// No header.
    None,
    /// `Content-Type: application/json`.
    Json,
    /// `Cache-Control: no-store`, `Pragma: no-cache`.
    NoStore,
    /// `Content-Type: application/json`, `Cache-Control: no-store`, `Pragma: no-cache`.
    JsonNoStore,
    /// `Location`, `Cache-Control: no-store`, `Pragma: no-cache`.
    Redirect(HeaderValue),
}

impl Preset {
    /// The headers, in a map with room for `extra` more without growing. Built rather than
    /// cloned from a template: for these three or four standard names, inserting them into a
    /// new map counted fewer instructions per HTTP request than cloning a prepared one.
    fn to_map(&self, extra: usize) -> HeaderMap {
        let (location, json, no_store) = match self {
            Self::None => (None, false, false),
            Self::Json => (None, true, false),
            Self::NoStore => (None, false, true),
            Self::JsonNoStore => (None, true, true),
            Self::Redirect(location) => (Some(location), false, true),
        };
        let count = usize::from(location.is_some()) + usize::from(json) + 2 * usize::from(no_store);
        if count + extra == 0 {
            return HeaderMap::new();
        }
        let mut map = HeaderMap::with_capacity(count + extra);
        if let Some(location) = location {
            map.insert(LOCATION, location.clone());
        }
        if json {
            map.insert(CONTENT_TYPE, HeaderValue::from_static("application/json"));
        }
        if no_store {
            map.insert(CACHE_CONTROL, HeaderValue::from_static("no-store"));
            map.insert(PRAGMA, HeaderValue::from_static("no-cache"));
        }
        map
    }
}

impl std::fmt::Debug for OAuthResponse {
    // A token response's body carries the tokens and a redirect's `Location` the code: print
    // neither, only their sizes.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("OAuthResponse")
            .field("status", &self.status)
            .field("headers", &self.headers().keys().collect::<Vec<_>>())
            .field("body_len", &self.body.len())
            .finish()
    }
}

/// Equal when status, headers (as [`OAuthResponse::headers`] shows them) and body are.
impl PartialEq for OAuthResponse {
    fn eq(&self, other: &Self) -> bool {
        self.status == other.status && self.body == other.body && self.headers() == other.headers()
    }
}

impl Eq for OAuthResponse {}

impl OAuthResponse {
    fn with_preset(status: StatusCode, preset: Preset, body: String) -> Self {
        Self { status, preset, map: OnceLock::new(), body }
    }

    /// A JSON answer with `Content-Type: application/json`.
    pub fn json(status: StatusCode, body: String) -> Self {
        Self::with_preset(status, Preset::Json, body)
    }

    /// A JSON answer with `Cache-Control: no-store` and `Pragma: no-cache` (RFC 6749 5.1):
    /// `json(..).no_store()` (every token response and token endpoint error is one of these).
    pub(crate) fn json_no_store(status: StatusCode, body: String) -> Self {
        Self::with_preset(status, Preset::JsonNoStore, body)
    }

    /// An answer without a body.
    pub fn empty(status: StatusCode) -> Self {
        Self::with_preset(status, Preset::None, String::new())
    }

    /// A `303 See Other` redirect to `location` (RFC 9700 4.12: never 307 after a credential
    /// POST), with `Cache-Control: no-store` and `Pragma: no-cache`.
    pub(crate) fn redirect(location: HeaderValue) -> Self {
        Self::with_preset(StatusCode::SEE_OTHER, Preset::Redirect(location), String::new())
    }

    /// Adds `Cache-Control: no-store` and `Pragma: no-cache` (RFC 6749 5.1).
    pub fn no_store(mut self) -> Self {
        if self.map.get().is_none() {
            match self.preset {
                Preset::None => self.preset = Preset::NoStore,
                Preset::Json => self.preset = Preset::JsonNoStore,
                Preset::NoStore | Preset::JsonNoStore | Preset::Redirect(_) => {}
            }
            return self;
        }
        let map = self.map_mut();
        map.insert(CACHE_CONTROL, HeaderValue::from_static("no-store"));
        map.insert(PRAGMA, HeaderValue::from_static("no-cache"));
        self
    }

    /// Sets a header (replacing a previous value of the same name).
    pub fn header(mut self, name: HeaderName, value: HeaderValue) -> Self {
        self.map_mut().insert(name, value);
        self
    }

    /// The status.
    pub fn status(&self) -> StatusCode {
        self.status
    }

    /// The headers.
    pub fn headers(&self) -> &HeaderMap {
        self.map.get_or_init(|| self.preset.to_map(0))
    }

    /// The headers, mutably (e.g. to add the application's own).
    pub fn headers_mut(&mut self) -> &mut HeaderMap {
        self.map_mut()
    }

    fn map_mut(&mut self) -> &mut HeaderMap {
        if self.map.get().is_none() {
            // Room for one more: the caller is about to add a header.
            let _ = self.map.set(self.preset.to_map(1));
        }
        self.map.get_mut().expect("the map was set above")
    }

    /// The body (empty for redirects and 204-like answers).
    pub fn body_str(&self) -> &str {
        &self.body
    }

    /// The `Location` header of a redirect.
    pub fn location(&self) -> Option<&str> {
        let value = match (self.map.get(), &self.preset) {
            (Some(map), _) => map.get(LOCATION),
            (None, Preset::Redirect(location)) => Some(location),
            (None, _) => None,
        };
        value.and_then(|v| v.to_str().ok())
    }

    /// Splits the answer into its parts.
    pub fn into_parts(self) -> (StatusCode, HeaderMap, String) {
        let headers = match self.map.into_inner() {
            Some(map) => map,
            None => self.preset.to_map(0),
        };
        (self.status, headers, self.body)
    }

    /// The `http` 1.x response.
    pub fn into_http(self) -> http::Response<String> {
        let (status, headers, body) = self.into_parts();
        let mut response = http::Response::new(body);
        *response.status_mut() = status;
        *response.headers_mut() = headers;
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

    /// The headers of every kind of answer, in order, whichever way they are read: the map
    /// built on first look, the parts and the `http` response (both built without it).
    #[test]
    fn preset_headers_are_the_same_whichever_way_they_are_read() {
        let location = "https://c.example/cb?code=x";
        let cases: [(OAuthResponse, &[(HeaderName, &str)]); 6] = [
            (OAuthResponse::empty(StatusCode::NO_CONTENT), &[]),
            (
                OAuthResponse::empty(StatusCode::OK).no_store(),
                &[(CACHE_CONTROL, "no-store"), (PRAGMA, "no-cache")],
            ),
            (
                OAuthResponse::json(StatusCode::OK, "{}".into()),
                &[(CONTENT_TYPE, "application/json")],
            ),
            (
                OAuthResponse::json(StatusCode::OK, "{}".into()).no_store(),
                &[
                    (CONTENT_TYPE, "application/json"),
                    (CACHE_CONTROL, "no-store"),
                    (PRAGMA, "no-cache"),
                ],
            ),
            (
                OAuthResponse::json_no_store(StatusCode::BAD_REQUEST, "{}".into()),
                &[
                    (CONTENT_TYPE, "application/json"),
                    (CACHE_CONTROL, "no-store"),
                    (PRAGMA, "no-cache"),
                ],
            ),
            (
                OAuthResponse::redirect(HeaderValue::from_static(location)).no_store(),
                &[(LOCATION, location), (CACHE_CONTROL, "no-store"), (PRAGMA, "no-cache")],
            ),
        ];
        for (response, expected) in cases {
            let listed = |map: &HeaderMap| {
                map.iter()
                    .map(|(k, v)| (k.clone(), v.to_str().unwrap().to_owned()))
                    .collect::<Vec<_>>()
            };
            let expected: Vec<_> =
                expected.iter().map(|(k, v)| (k.clone(), (*v).to_owned())).collect();
            let (_, parts, _) = response.clone().into_parts();
            let http = response.clone().into_http();
            assert_eq!(listed(&parts), expected);
            assert_eq!(listed(http.headers()), expected);
            assert_eq!(listed(response.headers()), expected);
            // Read again, now from the built map.
            assert_eq!(listed(&response.clone().into_parts().1), expected);
            assert_eq!(response.location().is_some(), expected.iter().any(|(k, _)| k == LOCATION));
        }
        assert_eq!(
            OAuthResponse::json_no_store(StatusCode::BAD_REQUEST, "{}".into()),
            OAuthResponse::json(StatusCode::BAD_REQUEST, "{}".into()).no_store()
        );
    }

    /// Headers set through `header`, `headers_mut` and a later `no_store` are kept beside the
    /// standard ones, and `location` reads a replaced `Location`.
    #[test]
    fn headers_added_to_a_preset_answer_are_kept() {
        let mut r = OAuthResponse::redirect(HeaderValue::from_static("https://c.example/a"))
            .header(HeaderName::from_static("x-one"), HeaderValue::from_static("1"));
        r.headers_mut().insert(LOCATION, HeaderValue::from_static("https://c.example/b"));
        assert_eq!(r.location(), Some("https://c.example/b"));
        let (_, headers, _) = r.into_parts();
        assert_eq!(headers.len(), 4);
        assert_eq!(headers["x-one"], "1");
        assert_eq!(headers[CACHE_CONTROL], "no-store");

        let r = OAuthResponse::json(StatusCode::OK, "{}".into());
        assert!(r.headers().get(CACHE_CONTROL).is_none(), "looked at before no_store");
        let r = r.no_store();
        assert_eq!(r.headers()[CACHE_CONTROL], "no-store");
        assert_eq!(r.into_http().headers()[PRAGMA], "no-cache");
    }

    /// `header` and `headers_mut` build the map with room for the header being added.
    #[test]
    fn a_map_built_to_be_changed_has_room_for_one_more() {
        let mut r = OAuthResponse::json_no_store(StatusCode::OK, "{}".into());
        let headers = r.headers_mut();
        assert!(headers.capacity() > headers.len(), "{} of {}", headers.len(), headers.capacity());
    }
}
