//! The `refresh_token` grant (RFC 6749 6), with rotation.

use std::time::SystemTime;

use async_trait::async_trait;

use crate::audit::AuditEvent;
use crate::client::Client;
use crate::error::OAuthError;
use crate::model::{OAuthModel, RefreshTokenStore};
use crate::request::Params;
use crate::scope::Scope;
use crate::server::{CoreModel, GrantHandler, OAuthServer, Outcome};

pub(crate) struct RefreshTokenGrant;

const INVALID_REFRESH: &str = "the refresh token is invalid, expired or revoked";

#[async_trait]
impl<M> GrantHandler<M> for RefreshTokenGrant
where
    M: CoreModel + RefreshTokenStore<<M as OAuthModel>::User>,
{
    async fn exchange(
        &self,
        server: &OAuthServer<M>,
        params: &Params<'_>,
        client: &Client,
    ) -> Result<Outcome<M::User>, OAuthError> {
        let value = params
            .get("refresh_token")
            .ok_or_else(|| OAuthError::invalid_request("missing parameter: refresh_token"))?;
        let now = SystemTime::now();
        let (token, grace_reuse) = match server.model.get_refresh_token(value).await? {
            Some(token) => (token, false),
            None => match server.model.get_retired_refresh_token(value).await? {
                Some(retired) if &*retired.token.client_id == client.id() => {
                    let age = now.duration_since(retired.retired_at).unwrap_or_default();
                    if age < server.config.refresh_reuse_grace {
                        // Within the grace window the client may re-present the token whose
                        // answer it lost; a new pair is issued in the same family.
                        (retired.token, true)
                    } else {
                        // RFC 9700 4.14.2: a rotated-out refresh token presented again means
                        // it leaked; revoke the whole grant (its live refresh token and its
                        // access tokens).
                        if let Some(grant) = retired.token.grant_id {
                            server.model.revoke_grant(grant).await?;
                            server.audit(AuditEvent::RefreshFamilyRevoked {
                                client_id: client.id(),
                                grant_id: grant,
                            });
                        }
                        return Err(OAuthError::invalid_grant(INVALID_REFRESH));
                    }
                }
                _ => return Err(OAuthError::invalid_grant(INVALID_REFRESH)),
            },
        };
        // RFC 6749 6: the refresh token is bound to the client it was issued to.
        if &*token.client_id != client.id() || token.is_expired_at(now) {
            return Err(OAuthError::invalid_grant(INVALID_REFRESH));
        }
        // RFC 6749 6: the requested scope "MUST NOT include any scope not originally granted",
        // and "if omitted is treated as equal to the scope originally granted". Checked before
        // the token is revoked, so a bad scope does not burn it (Node issue #757).
        let scope = match params.get("scope") {
            None => token.scope.clone(),
            Some(raw) => {
                let requested = Scope::parse(raw)?;
                if !requested.is_subset_of(&token.scope) {
                    return Err(OAuthError::invalid_scope(
                        "the requested scope exceeds the scope originally granted (RFC 6749 6)",
                    ));
                }
                requested
            }
        };
        // RFC 9700 4.14.2: refresh tokens of public clients are always rotated.
        let rotate = server.config.rotate_refresh_tokens || !client.is_confidential();
        // Rotation: the store's revoke answers true once, so two racing requests with the same
        // refresh token cannot both get new tokens.
        if rotate && !grace_reuse && !server.model.revoke_refresh_token(value).await? {
            return Err(OAuthError::invalid_grant(INVALID_REFRESH));
        }
        Ok(Outcome {
            user: token.user,
            scope,
            grant_id: token.grant_id,
            issue_refresh_token: rotate,
            checked_at: Some(now),
        })
    }
}

#[async_trait]
impl<M> crate::server::RefreshLookup<M> for RefreshTokenGrant
where
    M: CoreModel + RefreshTokenStore<<M as OAuthModel>::User>,
{
    async fn get(
        &self,
        model: &M,
        token: &str,
    ) -> Result<Option<crate::Token<M::User>>, crate::ModelError> {
        model.get_refresh_token(token).await
    }

    async fn revoke(&self, model: &M, token: &str) -> Result<bool, crate::ModelError> {
        model.revoke_refresh_token(token).await
    }
}
