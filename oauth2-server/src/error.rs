//! OAuth errors: the RFC 6749 5.2 / 4.1.2.1, RFC 6750 3.1 and RFC 7009 codes, with their HTTP
//! statuses, and the error type storage implementations return.

use std::borrow::Cow;
use std::fmt;

use http::{HeaderValue, StatusCode};

use crate::response::OAuthResponse;

/// A failure inside a model (storage) implementation: a database that is down, a row that does
/// not decode. It is never the client's fault, so it becomes `server_error` (HTTP 500); the
/// message is logged by the application, never sent to the client.
#[derive(Debug, thiserror::Error)]
#[error("model error: {message}")]
pub struct ModelError {
    message: Cow<'static, str>,
    #[source]
    source: Option<Box<dyn std::error::Error + Send + Sync + 'static>>,
}

impl ModelError {
    /// A model error with a message and no underlying cause.
    pub fn msg(message: impl Into<Cow<'static, str>>) -> Self {
        Self { message: message.into(), source: None }
    }

    /// Wraps the error of a storage driver.
    pub fn new(err: impl std::error::Error + Send + Sync + 'static) -> Self {
        Self { message: Cow::Owned(err.to_string()), source: Some(Box::new(err)) }
    }
}

/// The `error` code of an OAuth error response.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ErrorCode {
    /// RFC 6749 4.1.2.1 / 5.2: missing, repeated or malformed parameter.
    InvalidRequest,
    /// RFC 6749 5.2: client authentication failed.
    InvalidClient,
    /// RFC 6749 5.2: the code, refresh token or resource-owner credentials are invalid.
    InvalidGrant,
    /// RFC 6749 4.1.2.1 / 5.2: the client may not use this grant or response type.
    UnauthorizedClient,
    /// RFC 6749 5.2: the grant type is not supported by this server.
    UnsupportedGrantType,
    /// RFC 6749 4.1.2.1 / 5.2: the scope is invalid, unknown, or more than the client may have.
    InvalidScope,
    /// RFC 6749 4.1.2.1: the resource owner denied the request.
    AccessDenied,
    /// RFC 6749 4.1.2.1: the response type is not supported.
    UnsupportedResponseType,
    /// RFC 6749 4.1.2.1 / 5.2: the server failed (a model error); HTTP 500.
    ServerError,
    /// RFC 6749 4.1.2.1: the server is temporarily overloaded; HTTP 503.
    TemporarilyUnavailable,
    /// RFC 6750 3.1: the access token is invalid, expired or revoked.
    InvalidToken,
    /// RFC 6750 3.1: the token lacks the scope the resource needs.
    InsufficientScope,
    /// RFC 7009 2.2.1: the server does not revoke this token type.
    UnsupportedTokenType,
}

impl ErrorCode {
    /// The code as it appears in the `error` field.
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::InvalidRequest => "invalid_request",
            Self::InvalidClient => "invalid_client",
            Self::InvalidGrant => "invalid_grant",
            Self::UnauthorizedClient => "unauthorized_client",
            Self::UnsupportedGrantType => "unsupported_grant_type",
            Self::InvalidScope => "invalid_scope",
            Self::AccessDenied => "access_denied",
            Self::UnsupportedResponseType => "unsupported_response_type",
            Self::ServerError => "server_error",
            Self::TemporarilyUnavailable => "temporarily_unavailable",
            Self::InvalidToken => "invalid_token",
            Self::InsufficientScope => "insufficient_scope",
            Self::UnsupportedTokenType => "unsupported_token_type",
        }
    }

    /// The HTTP status this code is answered with (RFC 6749 5.2: 400 unless said otherwise;
    /// RFC 6750 3.1: 401 / 403). `invalid_client` is 401 only after an `Authorization` header
    /// attempt, which [`OAuthError`] tracks.
    pub const fn status(self) -> StatusCode {
        match self {
            Self::InvalidToken => StatusCode::UNAUTHORIZED,
            Self::InsufficientScope => StatusCode::FORBIDDEN,
            Self::ServerError => StatusCode::INTERNAL_SERVER_ERROR,
            Self::TemporarilyUnavailable => StatusCode::SERVICE_UNAVAILABLE,
            _ => StatusCode::BAD_REQUEST,
        }
    }
}

impl fmt::Display for ErrorCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Which `WWW-Authenticate` challenge an error carries.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Challenge {
    None,
    /// RFC 6749 5.2: the client tried HTTP Basic; `invalid_client` answers 401 + `Basic`.
    Basic,
    /// RFC 6750 3.1: a resource request; the `Bearer` challenge, with `error=` when `code` is one.
    Bearer,
    /// RFC 6750 3.1: a resource request without any credentials: 401, no `error` attribute.
    BearerNoCredentials,
}

/// An OAuth error: a code from the RFCs, a human-readable description, and how it is answered.
///
/// Convert it with [`OAuthError::into_response`] (JSON body, right status and headers). A model
/// failure keeps its [`ModelError`] as the `source` for logging; the client sees only
/// `server_error`.
#[derive(Debug, thiserror::Error)]
#[error("{code}: {description}")]
pub struct OAuthError {
    code: ErrorCode,
    description: Cow<'static, str>,
    pub(crate) challenge: Challenge,
    pub(crate) realm: Option<Cow<'static, str>>,
    retry_after: Option<u64>,
    #[source]
    source: Option<ModelError>,
}

impl OAuthError {
    /// An error with a code and a description for the client developer.
    pub fn new(code: ErrorCode, description: impl Into<Cow<'static, str>>) -> Self {
        Self {
            code,
            description: description.into(),
            challenge: Challenge::None,
            realm: None,
            retry_after: None,
            source: None,
        }
    }

    /// `invalid_request` (RFC 6749 5.2).
    pub fn invalid_request(description: impl Into<Cow<'static, str>>) -> Self {
        Self::new(ErrorCode::InvalidRequest, description)
    }
    /// `invalid_client` (RFC 6749 5.2).
    pub fn invalid_client(description: impl Into<Cow<'static, str>>) -> Self {
        Self::new(ErrorCode::InvalidClient, description)
    }
    /// `invalid_grant` (RFC 6749 5.2).
    pub fn invalid_grant(description: impl Into<Cow<'static, str>>) -> Self {
        Self::new(ErrorCode::InvalidGrant, description)
    }
    /// `invalid_scope` (RFC 6749 5.2).
    pub fn invalid_scope(description: impl Into<Cow<'static, str>>) -> Self {
        Self::new(ErrorCode::InvalidScope, description)
    }
    /// `unauthorized_client` (RFC 6749 5.2).
    pub fn unauthorized_client(description: impl Into<Cow<'static, str>>) -> Self {
        Self::new(ErrorCode::UnauthorizedClient, description)
    }
    /// `access_denied` (RFC 6749 4.1.2.1).
    pub fn access_denied(description: impl Into<Cow<'static, str>>) -> Self {
        Self::new(ErrorCode::AccessDenied, description)
    }
    /// `invalid_token` (RFC 6750 3.1), answered 401 with a `Bearer` challenge.
    pub fn invalid_token(description: impl Into<Cow<'static, str>>) -> Self {
        Self::new(ErrorCode::InvalidToken, description).with_challenge(Challenge::Bearer)
    }

    pub(crate) fn with_challenge(mut self, challenge: Challenge) -> Self {
        self.challenge = challenge;
        self
    }

    /// Marks a resource-server error (RFC 6750 3.1): the answer carries a `Bearer` challenge.
    pub(crate) fn bearer(self) -> Self {
        let challenge = if self.challenge == Challenge::BearerNoCredentials {
            Challenge::BearerNoCredentials
        } else {
            Challenge::Bearer
        };
        self.with_challenge(challenge)
    }

    /// The `server_error` that stands for a failed model call.
    pub fn server_error(source: ModelError) -> Self {
        Self {
            code: ErrorCode::ServerError,
            description: Cow::Borrowed("the authorization server failed to handle the request"),
            challenge: Challenge::None,
            realm: None,
            retry_after: None,
            source: Some(source),
        }
    }

    /// Too many failed attempts (OAuth 2.1 2.4.1): 429 with `Retry-After`.
    pub fn too_many_attempts(wait: std::time::Duration) -> Self {
        let secs = wait.as_secs().max(1);
        let mut err = Self::new(
            ErrorCode::TemporarilyUnavailable,
            format!("too many failed attempts; retry after {secs} seconds"),
        );
        err.retry_after = Some(secs);
        err
    }

    /// Seconds to wait, for a rate-limited request.
    pub fn retry_after(&self) -> Option<u64> {
        self.retry_after
    }

    /// The error code.
    pub fn code(&self) -> ErrorCode {
        self.code
    }

    /// The `error_description` sent to the client.
    pub fn description(&self) -> &str {
        &self.description
    }

    /// The description when it is a fixed text (for audit events).
    pub(crate) fn description_static(&self) -> Option<&'static str> {
        match self.description {
            Cow::Borrowed(s) => Some(s),
            Cow::Owned(_) => None,
        }
    }

    /// The HTTP status of the answer.
    pub fn status(&self) -> StatusCode {
        if self.retry_after.is_some() {
            return StatusCode::TOO_MANY_REQUESTS;
        }
        match (self.code, self.challenge) {
            // RFC 6749 5.2: after an `Authorization` header attempt, invalid_client is 401.
            (ErrorCode::InvalidClient, Challenge::Basic) => StatusCode::UNAUTHORIZED,
            (_, Challenge::BearerNoCredentials) => StatusCode::UNAUTHORIZED,
            (code, _) => code.status(),
        }
    }

    /// True when the request carried no credentials at all (RFC 6750 3.1: the challenge then
    /// has no `error` attribute).
    pub fn is_missing_credentials(&self) -> bool {
        self.challenge == Challenge::BearerNoCredentials
    }

    /// The `WWW-Authenticate` value this error is answered with, if any.
    pub fn www_authenticate(&self) -> Option<String> {
        let realm = self.realm.as_deref().unwrap_or("oauth2-server");
        match self.challenge {
            Challenge::None => None,
            Challenge::Basic if self.code == ErrorCode::InvalidClient => {
                Some(format!("Basic realm=\"{realm}\""))
            }
            Challenge::Basic => None,
            Challenge::BearerNoCredentials => Some(format!("Bearer realm=\"{realm}\"")),
            Challenge::Bearer => Some(format!(
                "Bearer realm=\"{realm}\", error=\"{}\", error_description=\"{}\"",
                self.code,
                quoted_string_safe(&self.description)
            )),
        }
    }

    /// The HTTP answer: status, JSON body `{"error", "error_description"}` (none for a request
    /// without credentials), `Cache-Control: no-store` and the `WWW-Authenticate` challenge.
    pub fn into_response(self) -> OAuthResponse {
        let mut response = if self.is_missing_credentials() {
            OAuthResponse::empty(self.status()).no_store()
        } else {
            OAuthResponse::json_no_store(self.status(), error_body(self.code, &self.description))
        };
        if let Some(secs) = self.retry_after {
            response = response.header(http::header::RETRY_AFTER, HeaderValue::from(secs));
        }
        if let Some(value) = self.www_authenticate() {
            if let Ok(value) = HeaderValue::from_str(&value) {
                response = response.header(http::header::WWW_AUTHENTICATE, value);
            }
        }
        response
    }
}

impl From<ModelError> for OAuthError {
    fn from(err: ModelError) -> Self {
        Self::server_error(err)
    }
}

/// `{"error": ..., "error_description": ...}`
pub(crate) fn error_body(code: ErrorCode, description: &str) -> String {
    serde_json::json!({ "error": code.as_str(), "error_description": description }).to_string()
}

/// RFC 6750 3: attribute values are quoted-strings; keep them to the characters RFC 6749 allows
/// in `error_description` (%x20-21 / %x23-5B / %x5D-7E).
fn quoted_string_safe(s: &str) -> String {
    s.chars().filter(|c| matches!(c, ' '..='~') && *c != '"' && *c != '\\').collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn server_error_is_500_not_503() {
        let err = OAuthError::server_error(ModelError::msg("db down"));
        assert_eq!(err.status(), StatusCode::INTERNAL_SERVER_ERROR);
        assert_eq!(err.code().as_str(), "server_error");
    }

    #[test]
    fn invalid_client_after_basic_is_401_with_basic_challenge() {
        let err = OAuthError::invalid_client("bad secret").with_challenge(Challenge::Basic);
        let resp = err.into_response();
        assert_eq!(resp.status(), StatusCode::UNAUTHORIZED);
        let header = resp.headers().get(http::header::WWW_AUTHENTICATE).unwrap();
        assert!(header.to_str().unwrap().starts_with("Basic "));
    }

    #[test]
    fn invalid_client_without_basic_is_400_without_challenge() {
        let resp = OAuthError::invalid_client("unknown").into_response();
        assert_eq!(resp.status(), StatusCode::BAD_REQUEST);
        assert!(resp.headers().get(http::header::WWW_AUTHENTICATE).is_none());
    }

    #[test]
    fn bearer_challenge_escapes_quotes_in_description() {
        let err = OAuthError::invalid_token("a \"quoted\" \\ thing");
        let value = err.www_authenticate().unwrap();
        assert_eq!(
            value,
            "Bearer realm=\"oauth2-server\", error=\"invalid_token\", error_description=\"a quoted  thing\""
        );
    }

    #[test]
    fn model_error_message_is_not_sent_to_the_client() {
        let resp = OAuthError::server_error(ModelError::msg("password=hunter2")).into_response();
        assert!(!resp.body_str().contains("hunter2"));
    }
}
