//! The `password` grant (RFC 6749 4.3).

use async_trait::async_trait;

use crate::client::Client;
use crate::error::OAuthError;
use crate::model::{OAuthModel, PasswordStore};
use crate::rate_limit::RateKey;
use crate::request::Params;
use crate::scope::Scope;
use crate::server::{CoreModel, GrantHandler, OAuthServer, Outcome};

pub(crate) struct PasswordGrant;

#[async_trait]
impl<M> GrantHandler<M> for PasswordGrant
where
    M: CoreModel + PasswordStore<<M as OAuthModel>::User>,
{
    async fn exchange(
        &self,
        server: &OAuthServer<M>,
        params: &Params<'_>,
        client: &Client,
    ) -> Result<Outcome<M::User>, OAuthError> {
        let requested = params
            .get("scope")
            .map(|raw| Scope::parse_as(raw, client.allowed_scope()))
            .transpose()?;
        let username = params
            .get("username")
            .ok_or_else(|| OAuthError::invalid_request("missing parameter: username"))?;
        let password = params
            .get("password")
            .ok_or_else(|| OAuthError::invalid_request("missing parameter: password"))?;
        // OAuth 2.1 2.4.1 / RFC 6749 4.3.2: "protect the endpoint against brute force attacks".
        if let Some(limiter) = &server.rate_limiter {
            if let Some(wait) = limiter.blocked(RateKey::User(username)) {
                return Err(OAuthError::too_many_attempts(wait));
            }
        }
        let Some(user) = server.model.get_user(username, password, client).await? else {
            if let Some(limiter) = &server.rate_limiter {
                limiter.record_failure(RateKey::User(username));
            }
            return Err(OAuthError::invalid_grant("the user credentials are invalid"));
        };
        let scope = server.validate_scope(Some(&user), client, requested.as_ref()).await?;
        Ok(Outcome {
            user: Some(user),
            scope,
            grant_id: None,
            issue_refresh_token: server.issues_refresh_tokens_to(client),
            checked_at: None,
        })
    }
}
