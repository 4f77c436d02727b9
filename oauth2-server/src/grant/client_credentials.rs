//! The `client_credentials` grant (RFC 6749 4.4).

use async_trait::async_trait;

use crate::client::Client;
use crate::error::OAuthError;
use crate::model::{ClientCredentialsStore, OAuthModel};
use crate::request::Params;
use crate::scope::Scope;
use crate::server::{CoreModel, GrantHandler, OAuthServer, Outcome};

pub(crate) struct ClientCredentialsGrant;

#[async_trait]
impl<M> GrantHandler<M> for ClientCredentialsGrant
where
    M: CoreModel + ClientCredentialsStore<<M as OAuthModel>::User>,
{
    async fn exchange(
        &self,
        server: &OAuthServer<M>,
        params: &Params<'_>,
        client: &Client,
    ) -> Result<Outcome<M::User>, OAuthError> {
        // RFC 6749 4.4: "The client credentials grant type MUST only be used by confidential
        // clients."
        if !client.is_confidential() {
            return Err(OAuthError::unauthorized_client(
                "client_credentials is only for confidential clients (RFC 6749 4.4)",
            ));
        }
        let requested = params
            .get("scope")
            .map(|raw| Scope::parse_as(raw, client.allowed_scope()))
            .transpose()?;
        let user = server.model.get_user_from_client(client).await?;
        let scope = server.validate_scope(user.as_ref(), client, requested.as_ref()).await?;
        // RFC 6749 4.4.3: "A refresh token SHOULD NOT be included."
        Ok(Outcome { user, scope, grant_id: None, issue_refresh_token: false, checked_at: None })
    }
}
