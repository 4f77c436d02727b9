//! The revocation endpoint (RFC 7009).

use async_trait::async_trait;
use http::{Method, StatusCode};

use crate::audit::AuditEvent;
use crate::client::Client;
use crate::error::{ErrorCode, ModelError, OAuthError};
use crate::model::{OAuthModel, RevocationStore};
use crate::request::{OAuthRequest, Params};
use crate::response::OAuthResponse;
use crate::server::{AccessRevoker, CoreModel, OAuthServer};
use crate::token::Token;

pub(crate) struct RevokeAccess;

#[async_trait]
impl<M> AccessRevoker<M> for RevokeAccess
where
    M: CoreModel + RevocationStore<<M as OAuthModel>::User>,
{
    async fn revoke(&self, model: &M, token: &str) -> Result<bool, ModelError> {
        model.revoke_access_token(token).await
    }
}

/// Which kind of token to look for first.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum TokenKind {
    Access,
    Refresh,
}

/// RFC 7009 2.1 / RFC 7662 2.1: `token_type_hint` orders the search but is not trusted: the
/// other type is searched too. An unknown hint is ignored.
pub(crate) fn search_order(hint: Option<&str>) -> [TokenKind; 2] {
    match hint {
        Some("refresh_token") => [TokenKind::Refresh, TokenKind::Access],
        _ => [TokenKind::Access, TokenKind::Refresh],
    }
}

/// Method and content type of the revocation and introspection endpoints (RFC 7009 2.1,
/// RFC 7662 2.1: POST with a form body), then the form, parsed once the content type passed.
pub(crate) fn post_form_params(req: &OAuthRequest) -> Result<Params<'_>, OAuthError> {
    if req.method() != Method::POST {
        return Err(OAuthError::invalid_request("this endpoint accepts only POST"));
    }
    if !req.is_form() {
        return Err(OAuthError::invalid_request(
            "the body must be application/x-www-form-urlencoded",
        ));
    }
    Params::parse(req.body())
}

impl<M: CoreModel> OAuthServer<M> {
    /// Finds a live token by value, access or refresh, in the order of the hint.
    pub(crate) async fn find_token(
        &self,
        value: &str,
        hint: Option<&str>,
    ) -> Result<Option<(TokenKind, Token<M::User>)>, OAuthError> {
        let now = std::time::SystemTime::now();
        for kind in search_order(hint) {
            let found = match kind {
                TokenKind::Access => self.model.get_access_token(value).await?,
                TokenKind::Refresh => match &self.grants.refresh_lookup {
                    Some(lookup) => lookup.get(&self.model, value).await?,
                    None => None,
                },
            };
            if let Some(token) = found.filter(|t| !t.is_expired_at(now)) {
                return Ok(Some((kind, token)));
            }
        }
        Ok(None)
    }

    /// The revocation endpoint (RFC 7009): `POST` form with `token` and optional
    /// `token_type_hint`. Clients authenticate as at the token endpoint (public clients send
    /// `client_id`).
    ///
    /// Answers 200 for unknown, already revoked and expired tokens, and for unknown hints
    /// (RFC 7009 2.2). Revoking a refresh token revokes the access tokens of its grant too.
    /// A token of another client is refused with `unauthorized_client` and stays valid
    /// (RFC 7009 2.1).
    pub async fn revoke(&self, req: &OAuthRequest) -> Result<OAuthResponse, OAuthError> {
        let Some(revoker) = &self.grants.revocation else {
            return Err(OAuthError::new(
                ErrorCode::UnsupportedTokenType,
                "this server does not revoke tokens",
            ));
        };
        let params = post_form_params(req)?;
        let client = self.authenticate_client(req, &params, None).await?;
        let value = params
            .get("token")
            .ok_or_else(|| OAuthError::invalid_request("missing parameter: token"))?;
        if let Some((kind, token)) = self.find_token(value, params.get("token_type_hint")).await? {
            check_owner(&client, &token)?;
            let token_type = match kind {
                TokenKind::Access => "access_token",
                TokenKind::Refresh => "refresh_token",
            };
            self.audit(AuditEvent::TokenRevoked { client_id: client.id(), token_type });
            match kind {
                TokenKind::Access => {
                    revoker.revoke(&self.model, value).await?;
                }
                TokenKind::Refresh => {
                    if let Some(lookup) = &self.grants.refresh_lookup {
                        lookup.revoke(&self.model, value).await?;
                    }
                    // RFC 7009 2.1: revoking a refresh token SHOULD also invalidate the access
                    // tokens of the same grant.
                    if let Some(grant) = token.grant_id {
                        self.model.revoke_grant(grant).await?;
                    }
                }
            }
        }
        Ok(OAuthResponse::empty(StatusCode::OK).no_store())
    }

    /// [`OAuthServer::revoke`], with errors turned into their responses too.
    pub async fn revoke_response(&self, req: &OAuthRequest) -> OAuthResponse {
        self.revoke(req).await.unwrap_or_else(OAuthError::into_response)
    }
}

/// RFC 7009 2.1: "the authorization server ... verifies whether the token was issued to the
/// client making the revocation request. If this validation fails, the request is refused".
fn check_owner<U>(client: &Client, token: &Token<U>) -> Result<(), OAuthError> {
    if &*token.client_id == client.id() {
        Ok(())
    } else {
        Err(OAuthError::unauthorized_client("the token was not issued to this client"))
    }
}
