//! The `authorization_code` grant, token side (RFC 6749 4.1.3, RFC 7636 4.5-4.6).

use std::time::SystemTime;

use async_trait::async_trait;

use crate::audit::AuditEvent;
use crate::client::Client;
use crate::error::{ModelError, OAuthError};
use crate::model::{AuthorizationCodeStore, OAuthModel};
use crate::request::Params;
use crate::server::{CodeSaver, CoreModel, GrantHandler, OAuthServer, Outcome};
use crate::token::{AuthorizationCode, CodeRedemption, Issued};

pub(crate) struct AuthorizationCodeGrant;

const INVALID_CODE: &str = "the authorization code is invalid, expired or already used";

#[async_trait]
impl<M> GrantHandler<M> for AuthorizationCodeGrant
where
    M: CoreModel + AuthorizationCodeStore<<M as OAuthModel>::User>,
{
    async fn exchange(
        &self,
        server: &OAuthServer<M>,
        params: &Params<'_>,
        client: &Client,
    ) -> Result<Outcome<M::User>, OAuthError> {
        let code = params
            .get("code")
            .ok_or_else(|| OAuthError::invalid_request("missing parameter: code"))?;
        // The code is consumed before anything else is checked, so a failed PKCE or
        // redirect_uri attempt burns it too: no online guessing (CVE-2026-41213).
        let data = match server.model.take_authorization_code(code).await? {
            CodeRedemption::Redeemed(data) => data,
            CodeRedemption::Replayed { client_id, grant_id } => {
                // RFC 6749 4.1.2: a code used twice is denied and the tokens issued from it
                // are revoked. OAuth 2.1 4.1.3 / 7.5.2: only on a replay by the code's own
                // client, so that nobody else can revoke a victim's tokens.
                if &*client_id == client.id() {
                    server.model.revoke_grant(grant_id).await?;
                    server
                        .audit(AuditEvent::CodeReplayDetected { client_id: client.id(), grant_id });
                }
                return Err(OAuthError::invalid_grant(INVALID_CODE));
            }
            CodeRedemption::Unknown => return Err(OAuthError::invalid_grant(INVALID_CODE)),
        };
        // RFC 6749 4.1.3: "ensure that the authorization code was issued to the authenticated
        // confidential client, or if the client is public, ensure that the code was issued to
        // client_id in the request".
        if &*data.client_id != client.id() {
            return Err(OAuthError::invalid_grant(INVALID_CODE));
        }
        let now = SystemTime::now();
        if data.expires_at <= now {
            return Err(OAuthError::invalid_grant(INVALID_CODE));
        }
        server.audit(AuditEvent::CodeConsumed { client_id: client.id(), grant_id: data.grant_id });
        check_redirect_uri(&data, client, params.get("redirect_uri"))?;
        check_pkce(&data, params.get("code_verifier"))?;
        Ok(Outcome {
            user: Some(data.user),
            scope: data.scope,
            grant_id: Some(data.grant_id),
            issue_refresh_token: server.issues_refresh_tokens_to(client),
            checked_at: Some(now),
        })
    }
}

/// RFC 6749 4.1.3: `redirect_uri` is "REQUIRED, if the redirect_uri parameter was included in
/// the authorization request ... and their values MUST be identical". A code obtained without
/// it is redeemed without it; if one is sent anyway it must be a registered URI.
fn check_redirect_uri<U>(
    data: &AuthorizationCode<U>,
    client: &Client,
    sent: Option<&str>,
) -> Result<(), OAuthError> {
    let ok = match (&data.redirect_uri, sent) {
        (Some(stored), Some(sent)) => stored == sent,
        (Some(_), None) => false,
        (None, Some(sent)) => client.registered_redirect_uris().iter().any(|r| r == sent),
        (None, None) => true,
    };
    if ok {
        Ok(())
    } else {
        Err(OAuthError::invalid_grant(
            "redirect_uri does not match the one of the authorization request",
        ))
    }
}

/// RFC 7636 4.6, and the downgrade defence of RFC 9700 2.1.1 / 4.8.2: a `code_verifier`
/// for a code issued without a challenge is refused.
fn check_pkce<U>(data: &AuthorizationCode<U>, verifier: Option<&str>) -> Result<(), OAuthError> {
    match (&data.challenge, verifier) {
        (Some(challenge), Some(verifier)) => challenge.verify(verifier),
        (Some(_), None) => Err(OAuthError::invalid_grant(
            "code_verifier is required: the authorization request carried a code_challenge",
        )),
        (None, Some(_)) => Err(OAuthError::invalid_grant(
            "code_verifier sent, but the authorization request carried no code_challenge",
        )),
        (None, None) => Ok(()),
    }
}

#[async_trait]
impl<M> CodeSaver<M> for AuthorizationCodeGrant
where
    M: CoreModel + AuthorizationCodeStore<<M as OAuthModel>::User>,
{
    async fn save(
        &self,
        model: &M,
        code: Issued<AuthorizationCode<M::User>>,
    ) -> Result<(), ModelError> {
        model.save_authorization_code(code).await
    }
}
