//! The authorization endpoint (RFC 6749 4.1.1-4.1.2.1, RFC 7636 4.3, RFC 9207).
//!
//! [`OAuthServer::authorize`] validates the request and hands back an [`AuthorizationRequest`];
//! login and consent are the application's. It then calls [`OAuthServer::approve`] with its
//! logged-in user, or [`OAuthServer::deny`].

use std::sync::Arc;
use std::time::SystemTime;

use http::Method;

use crate::client::{Client, GrantType};
use crate::error::{ErrorCode, OAuthError};
use crate::pkce::{CodeChallenge, PkceMethod};
use crate::redirect::{build_redirect, resolve_redirect_uri};
use crate::request::{MergedParams, OAuthRequest};
use crate::response::OAuthResponse;
use crate::scope::Scope;
use crate::server::{CoreModel, OAuthServer};
use crate::token::{AuthorizationCode, GrantId, Issued};

/// A validated authorization request, waiting for the application's decision.
///
/// Show the user [`client`](Self::client) and [`scope`](Self::scope) on the consent page, then
/// pass it to [`OAuthServer::approve`] or [`OAuthServer::deny`].
#[derive(Debug, Clone)]
pub struct AuthorizationRequest {
    client: Arc<Client>,
    redirect_uri: String,
    redirect_uri_sent: bool,
    scope: Scope,
    requested_scope: Option<Scope>,
    state: Option<String>,
    challenge: Option<CodeChallenge>,
}

impl AuthorizationRequest {
    /// The client asking.
    pub fn client(&self) -> &Client {
        &self.client
    }

    /// Where the answer goes (a registered URI).
    pub fn redirect_uri(&self) -> &str {
        &self.redirect_uri
    }

    /// The scope that will be granted (after the scope policy; shown for consent).
    pub fn scope(&self) -> &Scope {
        &self.scope
    }

    /// The `state` the client sent, returned unchanged.
    pub fn state(&self) -> Option<&str> {
        self.state.as_deref()
    }

    /// The PKCE challenge, if any.
    pub fn code_challenge(&self) -> Option<&CodeChallenge> {
        self.challenge.as_ref()
    }
}

/// Why an authorization request failed.
#[derive(Debug, thiserror::Error)]
pub enum AuthorizeError {
    /// The client or the redirect URI could not be verified. RFC 6749 4.1.2.1: "the
    /// authorization server SHOULD inform the resource owner of the error and MUST NOT
    /// automatically redirect". Show an error page.
    #[error("{0}")]
    NoRedirect(OAuthError),
    /// The client and redirect URI are good: the error goes back to the client by redirect.
    #[error("{error}")]
    Redirect {
        /// The error.
        error: OAuthError,
        /// The `303 See Other` to the redirect URI with `error`, `error_description`, `state`
        /// and `iss`.
        response: OAuthResponse,
    },
}

impl AuthorizeError {
    /// The OAuth error.
    pub fn error(&self) -> &OAuthError {
        match self {
            Self::NoRedirect(error) | Self::Redirect { error, .. } => error,
        }
    }

    /// The HTTP answer: the redirect, or a 400 JSON error (render your own page instead where
    /// a person is looking).
    pub fn into_response(self) -> OAuthResponse {
        match self {
            Self::NoRedirect(error) => error.into_response(),
            Self::Redirect { response, .. } => response,
        }
    }
}

impl<M: CoreModel> OAuthServer<M> {
    /// Validates an authorization request (`GET` with a query, or `POST` with a form).
    ///
    /// Order: client_id and redirect_uri first (failures are never redirected); then, redirected
    /// with `state` and `iss`: state, response_type, the client's grant, scope, PKCE.
    pub async fn authorize(
        &self,
        req: &OAuthRequest,
    ) -> Result<AuthorizationRequest, AuthorizeError> {
        let no_redirect = AuthorizeError::NoRedirect;
        if req.method() != Method::GET && req.method() != Method::POST {
            return Err(no_redirect(OAuthError::invalid_request(
                "the authorization endpoint accepts GET and POST",
            )));
        }
        let params = MergedParams::of(req).map_err(no_redirect)?;
        let client_id = params.get("client_id").ok_or_else(|| {
            no_redirect(OAuthError::invalid_request("missing parameter: client_id"))
        })?;
        let client = self
            .model
            .get_client(client_id)
            .await
            .map_err(|e| no_redirect(e.into()))?
            .ok_or_else(|| no_redirect(OAuthError::invalid_client("unknown client_id")))?;
        let requested_uri = params.get("redirect_uri");
        // RFC 9700 4.1.3: exact match against the registered URIs.
        let redirect_uri = resolve_redirect_uri(&client, requested_uri)
            .map_err(|problem| no_redirect(OAuthError::invalid_request(problem.describe())))?
            .to_owned();
        // From here on, errors are redirected to a verified URI.
        let state = params.get("state").map(str::to_owned);
        let fail = |error: OAuthError| self.error_redirect(&redirect_uri, state.as_deref(), error);

        // Node's default: state is required unless allow_empty_state (CSRF defence, RFC 6749 10.12).
        if state.is_none() && !self.config.allow_empty_state {
            return Err(fail(OAuthError::invalid_request("missing parameter: state")));
        }
        match params.get("response_type") {
            None => {
                return Err(fail(OAuthError::invalid_request("missing parameter: response_type")))
            }
            Some("code") if self.grants.authorization_code.is_some() => {}
            Some(_) => {
                return Err(fail(OAuthError::new(
                    ErrorCode::UnsupportedResponseType,
                    "only response_type=code is supported",
                )))
            }
        }
        if !client.has_grant(&GrantType::AuthorizationCode) {
            return Err(fail(OAuthError::unauthorized_client(
                "the client may not use the authorization_code grant",
            )));
        }
        let requested_scope = match params
            .get("scope")
            .map(|raw| Scope::parse_as(raw, client.allowed_scope()))
            .transpose()
        {
            Ok(scope) => scope,
            Err(err) => return Err(fail(err)),
        };
        // Validated now for the consent page, and again with the user in `approve`.
        let scope = match self.validate_scope(None, &client, requested_scope.as_ref()).await {
            Ok(scope) => scope,
            Err(err) => return Err(fail(err)),
        };
        let challenge = self.read_challenge(
            &client,
            params.get("code_challenge"),
            params.get("code_challenge_method"),
        );
        let challenge = match challenge {
            Ok(c) => c,
            Err(err) => return Err(fail(err)),
        };
        Ok(AuthorizationRequest {
            client,
            redirect_uri,
            redirect_uri_sent: requested_uri.is_some(),
            scope,
            requested_scope,
            state,
            challenge,
        })
    }

    /// RFC 7636 4.3 and RFC 9700 2.1.1: S256 always; `plain` only when enabled; PKCE required
    /// for public clients (and for all when `require_pkce`).
    fn read_challenge(
        &self,
        client: &Client,
        challenge: Option<&str>,
        method: Option<&str>,
    ) -> Result<Option<CodeChallenge>, OAuthError> {
        let Some(challenge) = challenge else {
            if method.is_some() {
                return Err(OAuthError::invalid_request(
                    "code_challenge_method without code_challenge",
                ));
            }
            if !client.is_confidential() || self.config.require_pkce {
                return Err(OAuthError::invalid_request(
                    "code_challenge is required (PKCE with S256, RFC 7636; RFC 9700 2.1.1)",
                ));
            }
            return Ok(None);
        };
        // RFC 7636 4.3: an absent method means `plain`.
        let method = match method {
            None => PkceMethod::Plain,
            Some(m) => PkceMethod::parse(m).ok_or_else(|| {
                OAuthError::invalid_request("code_challenge_method must be S256 (RFC 7636 4.3)")
            })?,
        };
        if method == PkceMethod::Plain && !self.config.allow_plain_pkce {
            return Err(OAuthError::invalid_request(
                "code_challenge_method must be S256; plain is not accepted (RFC 9700 2.1.1)",
            ));
        }
        CodeChallenge::new(method, challenge).map(Some)
    }

    /// Approves a request for the logged-in `user`: issues and saves a code and answers with a
    /// `303 See Other` to the redirect URI carrying `code`, `state` and `iss`.
    pub async fn approve(
        &self,
        mut request: AuthorizationRequest,
        user: M::User,
    ) -> Result<OAuthResponse, AuthorizeError> {
        // Moved into the code rather than copied.
        let challenge = request.challenge.take();
        let fail = |error: OAuthError| {
            self.error_redirect(&request.redirect_uri, request.state.as_deref(), error)
        };
        let Some((_, saver)) = &self.grants.authorization_code else {
            return Err(fail(OAuthError::new(
                ErrorCode::UnsupportedResponseType,
                "only response_type=code is supported",
            )));
        };
        // The scope policy sees the user now.
        let scope = self
            .validate_scope(Some(&user), &request.client, request.requested_scope.as_ref())
            .await
            .map_err(fail)?;
        let now = SystemTime::now();
        let lifetime = request
            .client
            .authorization_code_lifetime_override()
            .unwrap_or(self.config.authorization_code_lifetime);
        let code = Issued {
            value: self.model.generate_authorization_code(&request.client, &user, &scope),
            data: AuthorizationCode {
                client_id: request.client.id_arc().clone(),
                user,
                scope,
                redirect_uri: request.redirect_uri_sent.then(|| request.redirect_uri.clone()),
                challenge,
                grant_id: GrantId::generate(),
                issued_at: now,
                expires_at: now + lifetime,
            },
        };
        // The answer is built before the code goes to the store, which takes it by value.
        let mut params = [("code", code.value.expose()), ("", ""), ("", "")];
        let mut n = 1;
        for (name, value) in
            [("state", request.state.as_deref()), ("iss", self.config.issuer.as_deref())]
        {
            if let Some(value) = value {
                params[n] = (name, value);
                n += 1;
            }
        }
        let Some(location) = build_redirect(&request.redirect_uri, &params[..n]) else {
            return Err(AuthorizeError::NoRedirect(OAuthError::server_error(
                crate::ModelError::msg("the registered redirect URI is not a valid header value"),
            )));
        };
        saver.save(&self.model, code).await.map_err(|e| fail(e.into()))?;
        Ok(OAuthResponse::redirect(location))
    }

    /// The user said no: `303` to the redirect URI with `error=access_denied`, `state`, `iss`.
    pub fn deny(&self, request: AuthorizationRequest) -> OAuthResponse {
        self.error_redirect(
            &request.redirect_uri,
            request.state.as_deref(),
            OAuthError::access_denied("the resource owner denied the request"),
        )
        .into_response()
    }

    /// RFC 6749 4.1.2.1: the error response, redirected, with `state` if the client sent one;
    /// RFC 9207 2: with `iss`.
    fn error_redirect(&self, uri: &str, state: Option<&str>, error: OAuthError) -> AuthorizeError {
        let mut params =
            vec![("error", error.code().as_str()), ("error_description", error.description())];
        if let Some(state) = state {
            params.push(("state", state));
        }
        if let Some(iss) = self.config.issuer.as_deref() {
            params.push(("iss", iss));
        }
        match build_redirect(uri, &params) {
            Some(location) => {
                AuthorizeError::Redirect { response: OAuthResponse::redirect(location), error }
            }
            None => AuthorizeError::NoRedirect(error),
        }
    }
}
