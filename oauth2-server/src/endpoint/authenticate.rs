//! Resource requests: bearer token authentication (RFC 6750).

use std::borrow::Cow;
use std::sync::OnceLock;
use std::time::SystemTime;

use http::header::HeaderName;
use http::{HeaderMap, HeaderValue, Method};

use crate::error::{Challenge, ErrorCode, OAuthError};
use crate::model::AccessTokenStore;
use crate::request::{split_scheme, OAuthRequest, Params};
use crate::scope::Scope;
use crate::server::{CoreModel, OAuthServer};
use crate::token::Token;

/// An authenticated resource request: the token's data.
#[derive(Debug, Clone)]
pub struct Authenticated<U> {
    token: Token<U>,
    /// The required scope, when `X-Accepted-OAuth-Scopes` is to be sent.
    accepted: Option<Scope>,
    /// Whether `X-OAuth-Scopes` is to be sent.
    authorized: bool,
    /// Built on first use: most resource handlers never ask.
    headers: OnceLock<HeaderMap>,
}

impl<U> Authenticated<U> {
    /// The token's data: client, user, scope, expiry.
    pub fn token(&self) -> &Token<U> {
        &self.token
    }

    /// The resource owner, if the token has one.
    pub fn user(&self) -> Option<&U> {
        self.token.user.as_ref()
    }

    /// The client the token was issued to.
    pub fn client_id(&self) -> &str {
        &self.token.client_id
    }

    /// The token's scope.
    pub fn scope(&self) -> &Scope {
        &self.token.scope
    }

    /// `X-Accepted-OAuth-Scopes` / `X-OAuth-Scopes` for a scoped check, as configured.
    pub fn scope_headers(&self) -> &HeaderMap {
        self.headers.get_or_init(|| {
            let mut headers = HeaderMap::new();
            let mut add = |name: &'static str, value: &Scope| {
                if let Ok(v) = HeaderValue::from_str(value.as_str()) {
                    headers.insert(HeaderName::from_static(name), v);
                }
            };
            if let Some(required) = &self.accepted {
                add("x-accepted-oauth-scopes", required);
            }
            if self.authorized {
                add("x-oauth-scopes", &self.token.scope);
            }
            headers
        })
    }

    /// The token's data.
    pub fn into_token(self) -> Token<U> {
        self.token
    }
}

/// RFC 6750 2.1: `b64token = 1*( ALPHA / DIGIT / "-" / "." / "_" / "~" / "+" / "/" ) *"="`.
fn is_b64token(token: &str) -> bool {
    let bytes = token.as_bytes();
    let body = &bytes[..bytes.iter().rposition(|&b| b != b'=').map_or(0, |i| i + 1)];
    // No early exit: the loop vectorizes.
    !body.is_empty()
        && body.iter().fold(true, |ok, &b| {
            ok & (b.is_ascii_alphanumeric() | matches!(b, b'-' | b'.' | b'_' | b'~' | b'+' | b'/'))
        })
}

impl<M: CoreModel> OAuthServer<M> {
    /// Authenticates a resource request by its bearer token (RFC 6750), and checks that the
    /// token covers `required_scope` if given.
    ///
    /// The token may come in the `Authorization: Bearer` header (scheme name case-insensitive),
    /// a form body `access_token` (not with GET), or the query only when enabled. Errors carry
    /// the RFC 6750 3 `WWW-Authenticate` challenge: none at all → 401 without `error`; malformed
    /// or two methods → 400 `invalid_request`; unknown, revoked or expired → 401 `invalid_token`;
    /// missing scope → 403 `insufficient_scope`.
    pub async fn authenticate(
        &self,
        req: &OAuthRequest,
        required_scope: Option<&Scope>,
    ) -> Result<Authenticated<M::User>, OAuthError> {
        self.authenticate_inner(req, required_scope).await.map_err(|mut err| {
            err.realm = Some(self.config.realm.clone().into());
            err.bearer()
        })
    }

    async fn authenticate_inner(
        &self,
        req: &OAuthRequest,
        required_scope: Option<&Scope>,
    ) -> Result<Authenticated<M::User>, OAuthError> {
        let value = self.bearer_token(req)?;
        // RFC 6750 3.1: an expired token is invalid_token. The server checks the expiry itself
        // unless the store says its lookup already does (one clock read per request).
        let trusted = <M as AccessTokenStore<M::User>>::FILTERS_EXPIRED;
        let token = self
            .model
            .get_access_token(&value)
            .await?
            .filter(|t| trusted || !t.is_expired_at(SystemTime::now()))
            .ok_or_else(|| {
                OAuthError::invalid_token("the access token is invalid, expired or revoked")
            })?;
        let Some(required) = required_scope else {
            return Ok(Authenticated {
                token,
                accepted: None,
                authorized: false,
                headers: OnceLock::new(),
            });
        };
        // RFC 6750 3.1: insufficient_scope, 403.
        if !self.model.verify_scope(&token, required) {
            return Err(OAuthError::new(
                ErrorCode::InsufficientScope,
                format!("the request requires scope \"{required}\""),
            ));
        }
        Ok(Authenticated {
            token,
            accepted: self.config.accepted_scopes_header.then(|| required.clone()),
            authorized: self.config.authorized_scopes_header,
            headers: OnceLock::new(),
        })
    }

    /// Finds the one bearer token of a request.
    fn bearer_token<'r>(&self, req: &'r OAuthRequest) -> Result<Cow<'r, str>, OAuthError> {
        let mut found: Option<Cow<'r, str>> = None;
        let mut count = 0;
        if let Some(header) = req.authorization()? {
            let (scheme, rest) = split_scheme(header);
            // RFC 6750 3.1: a request with another scheme "lacks any authentication
            // information" for this resource: no error code in the challenge.
            if !scheme.eq_ignore_ascii_case("bearer") {
                return Err(missing_credentials());
            }
            let token = rest;
            if !is_b64token(token) {
                return Err(OAuthError::invalid_request("malformed Bearer authorization header"));
            }
            found = Some(Cow::Borrowed(token));
            count += 1;
        }
        if !req.query().is_empty() {
            let query = req.query_params()?;
            if let Some(token) = query.get("access_token") {
                // RFC 9700 4.3.2 / OAuth 2.1 5.1: tokens in URLs leak; refused unless enabled.
                if !self.config.allow_bearer_in_query {
                    return Err(OAuthError::invalid_request(
                        "bearer tokens are not accepted in the query string; use the Authorization header",
                    ));
                }
                found = Some(Cow::Owned(token.to_owned()));
                count += 1;
            }
        }
        // RFC 6750 2.2: form body, not with GET.
        if req.method() != Method::GET && req.is_form() {
            let form = Params::parse(req.body())?;
            if let Some(token) = form.get("access_token") {
                found = Some(Cow::Owned(token.to_owned()));
                count += 1;
            }
        }
        // RFC 6750 2 / OAuth 2.1 5.1: "MUST NOT use more than one method".
        if count > 1 {
            return Err(OAuthError::invalid_request(
                "the access token was sent by more than one method",
            ));
        }
        found.ok_or_else(missing_credentials)
    }
}

fn missing_credentials() -> OAuthError {
    OAuthError::new(ErrorCode::InvalidRequest, "no access token in the request")
        .with_challenge(Challenge::BearerNoCredentials)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn b64token_syntax() {
        assert!(is_b64token("abc-._~+/=="));
        assert!(!is_b64token(""));
        assert!(!is_b64token("=="));
        assert!(!is_b64token("a b"));
        assert!(!is_b64token("a,b"));
        assert!(!is_b64token("a=b"));
    }
}
