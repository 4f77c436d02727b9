//! The introspection endpoint (RFC 7662).

use http::StatusCode;
use serde_json::{json, Map, Value};

use crate::endpoint::revoke::{post_form_params, TokenKind};
use crate::error::OAuthError;
use crate::model::UserClaims;
use crate::request::OAuthRequest;
use crate::response::OAuthResponse;
use crate::server::{CoreModel, OAuthServer};

fn unix(t: std::time::SystemTime) -> u64 {
    t.duration_since(std::time::UNIX_EPOCH).map(|d| d.as_secs()).unwrap_or(0)
}

impl<M: CoreModel> OAuthServer<M>
where
    M::User: UserClaims,
{
    /// The introspection endpoint (RFC 7662): `POST` form with `token` and optional
    /// `token_type_hint`, from an authenticated **confidential** client (RFC 7662 2.1; a public
    /// client gets `invalid_client`).
    ///
    /// Unknown, expired, revoked and rotated-out tokens all answer exactly `{"active": false}`
    /// (RFC 7662 2.2: nothing about why). An active answer carries `scope`, `client_id` (the
    /// token's own client), `username` and `sub` (from [`UserClaims`]), `token_type`, `exp`,
    /// `iat` and `iss`.
    pub async fn introspect(&self, req: &OAuthRequest) -> Result<OAuthResponse, OAuthError> {
        let Some(policy) = &self.grants.introspection else {
            return Err(OAuthError::invalid_request("this server does not introspect tokens"));
        };
        let params = post_form_params(req)?;
        let client = self.authenticate_client(req, &params, None).await?;
        if !client.is_confidential() {
            return Err(OAuthError::invalid_client(
                "introspection requires a confidential client (RFC 7662 2.1)",
            ));
        }
        let value = params
            .get("token")
            .ok_or_else(|| OAuthError::invalid_request("missing parameter: token"))?;
        let found = self.find_token(value, params.get("token_type_hint")).await?;
        let body = match found.filter(|(_, token)| policy(&client, token)) {
            None => json!({ "active": false }),
            Some((kind, token)) => {
                let mut body = Map::new();
                body.insert("active".into(), true.into());
                body.insert("scope".into(), token.scope.as_str().into());
                body.insert("client_id".into(), (*token.client_id).into());
                if let Some(user) = &token.user {
                    if let Some(name) = user.username() {
                        body.insert("username".into(), name.into());
                    }
                    if let Some(sub) = user.subject() {
                        body.insert("sub".into(), sub.into());
                    }
                }
                let token_type = match kind {
                    TokenKind::Access => "Bearer",
                    TokenKind::Refresh => "refresh_token",
                };
                body.insert("token_type".into(), token_type.into());
                body.insert("exp".into(), unix(token.expires_at).into());
                body.insert("iat".into(), unix(token.issued_at).into());
                if let Some(iss) = &self.config.issuer {
                    body.insert("iss".into(), iss.as_str().into());
                }
                Value::Object(body)
            }
        };
        Ok(OAuthResponse::json_no_store(StatusCode::OK, body.to_string()))
    }

    /// [`OAuthServer::introspect`], with errors turned into their responses too.
    pub async fn introspect_response(&self, req: &OAuthRequest) -> OAuthResponse {
        self.introspect(req).await.unwrap_or_else(OAuthError::into_response)
    }
}
