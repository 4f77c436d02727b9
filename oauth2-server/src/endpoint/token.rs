//! The token endpoint (RFC 6749 3.2, 5.1, 5.2).

use http::{Method, StatusCode};

use crate::audit::AuditEvent;
use crate::client::{Client, GrantType};
use crate::error::OAuthError;
use crate::grant::ExtensionRequest;
use crate::request::{OAuthRequest, Params};
use crate::response::OAuthResponse;
use crate::server::{CoreModel, OAuthServer, Outcome};
use crate::token::NewTokens;

/// A successful token response: the tokens that were issued and saved, and the JSON answer.
#[derive(Debug)]
pub struct TokenResponse<U> {
    tokens: NewTokens<U>,
    response: OAuthResponse,
}

impl<U> TokenResponse<U> {
    /// The tokens that were issued (and saved through the model).
    pub fn tokens(&self) -> &NewTokens<U> {
        &self.tokens
    }

    /// The HTTP answer (RFC 6749 5.1): 200, JSON, `Cache-Control: no-store`, `Pragma: no-cache`.
    pub fn response(&self) -> &OAuthResponse {
        &self.response
    }

    /// The HTTP answer.
    pub fn into_response(self) -> OAuthResponse {
        self.response
    }
}

const STANDARD_MEMBERS: [&str; 5] =
    ["access_token", "token_type", "expires_in", "refresh_token", "scope"];

impl<M: CoreModel> OAuthServer<M> {
    /// The token endpoint: `POST` with an `application/x-www-form-urlencoded` body.
    ///
    /// Order of checks: method and content type, repeated parameters, `grant_type` present,
    /// client authentication, grant type supported and allowed for the client, then the grant.
    pub async fn token(&self, req: &OAuthRequest) -> Result<TokenResponse<M::User>, OAuthError> {
        // RFC 6749 3.2: "The client MUST use the HTTP POST method".
        if req.method() != Method::POST {
            return Err(OAuthError::invalid_request("the token endpoint accepts only POST"));
        }
        // RFC 6749 4.1.3 ff.: the parameters come "using the application/x-www-form-urlencoded
        // format".
        if !req.is_form() {
            return Err(OAuthError::invalid_request(
                "the body must be application/x-www-form-urlencoded",
            ));
        }
        // The content type is checked: parse the body without checking it again.
        let params = Params::parse(req.body())?;
        let grant = GrantType::parse(
            params
                .get("grant_type")
                .ok_or_else(|| OAuthError::invalid_request("missing parameter: grant_type"))?,
        );
        let client = self.authenticate_client(req, &params, Some(&grant)).await?;
        let outcome = self.run_grant(&grant, &params, &client).await?;
        let tokens = self.issue_tokens(&client, outcome).await?;
        self.audit(AuditEvent::TokenIssued {
            client_id: client.id(),
            grant_type: grant.as_str(),
            grant_id: tokens.access.data.grant_id,
        });
        let response = self.token_json(&client, &tokens);
        Ok(TokenResponse { tokens, response })
    }

    /// [`OAuthServer::token`], with errors turned into their responses too.
    pub async fn token_response(&self, req: &OAuthRequest) -> OAuthResponse {
        match self.token(req).await {
            Ok(ok) => ok.into_response(),
            Err(err) => err.into_response(),
        }
    }

    async fn run_grant(
        &self,
        grant: &GrantType,
        params: &Params<'_>,
        client: &Client,
    ) -> Result<Outcome<M::User>, OAuthError> {
        let g = &self.grants;
        let handler = match grant {
            GrantType::AuthorizationCode => g.authorization_code.as_ref().map(|(h, _)| h),
            GrantType::ClientCredentials => g.client_credentials.as_ref(),
            GrantType::Password => g.password.as_ref(),
            GrantType::RefreshToken => g.refresh_token.as_ref(),
            GrantType::Extension(uri) => {
                let ext = g.extensions.iter().find(|(u, _)| u == uri).map(|(_, e)| e);
                let ext = ext.ok_or_else(unsupported)?;
                check_client_grant(client, grant)?;
                let request = ExtensionRequest { model: &self.model, client, params };
                let decided = ext.exchange(request).await?;
                let scope = self
                    .validate_scope(decided.user.as_ref(), client, decided.scope.as_ref())
                    .await?;
                return Ok(Outcome {
                    user: decided.user,
                    scope,
                    grant_id: None,
                    issue_refresh_token: decided.refresh_token
                        && self.issues_refresh_tokens_to(client),
                    checked_at: None,
                });
            }
        };
        let handler = handler.ok_or_else(unsupported)?;
        check_client_grant(client, grant)?;
        handler.exchange(self, params, client).await
    }

    /// True when refresh tokens are issued to this client: the server has the refresh_token
    /// grant and the client may use it.
    pub(crate) fn issues_refresh_tokens_to(&self, client: &Client) -> bool {
        self.grants.refresh_token.is_some() && client.has_grant(&GrantType::RefreshToken)
    }

    /// RFC 6749 5.1: the successful response.
    fn token_json(&self, client: &Client, tokens: &NewTokens<M::User>) -> OAuthResponse {
        let access = &tokens.access;
        let expires_in = access
            .data
            .expires_at
            .duration_since(access.data.issued_at)
            .map(|d| d.as_secs())
            .unwrap_or(0);
        if !self.config.extended_token_attributes {
            // The members in the order serde_json's (sorted) map writes them, so the body is
            // byte for byte what the map path below gives, without building a map.
            let refresh = tokens.refresh.as_ref().map(|r| r.value.expose());
            let scope = access.data.scope.as_str();
            let value = access.value.expose();
            // The exact length when nothing needs escaping: a body whose length is its capacity
            // becomes `Bytes` without a second allocation (for hyper, axum and the like).
            let fixed = r#"{"access_token":"","expires_in":,"scope":"","token_type":"Bearer"}"#;
            let refresh_len = refresh.map_or(0, |r| r#","refresh_token":"""#.len() + r.len());
            let mut body = String::with_capacity(
                fixed.len() + value.len() + decimal_len(expires_in) + refresh_len + scope.len(),
            );
            body.push_str("{\"access_token\":");
            push_json_str(&mut body, value);
            body.push_str(",\"expires_in\":");
            push_u64(&mut body, expires_in);
            if let Some(refresh) = refresh {
                body.push_str(",\"refresh_token\":");
                push_json_str(&mut body, refresh);
            }
            body.push_str(",\"scope\":");
            push_json_str(&mut body, scope);
            body.push_str(",\"token_type\":\"Bearer\"}");
            return OAuthResponse::json_no_store(StatusCode::OK, body);
        }
        let mut body = serde_json::Map::with_capacity(6);
        body.insert("access_token".into(), access.value.expose().into());
        body.insert("token_type".into(), "Bearer".into());
        body.insert("expires_in".into(), expires_in.into());
        if let Some(refresh) = &tokens.refresh {
            body.insert("refresh_token".into(), refresh.value.expose().into());
        }
        // RFC 6749 5.1: scope is OPTIONAL if identical to the requested one; we always state
        // what was granted, so a client whose request omitted it learns the default.
        body.insert("scope".into(), access.data.scope.as_str().into());
        if self.config.extended_token_attributes {
            for (k, v) in self.model.extended_token_attributes(client, tokens) {
                if !STANDARD_MEMBERS.contains(&k.as_str()) {
                    body.insert(k, v);
                }
            }
        }
        OAuthResponse::json_no_store(StatusCode::OK, serde_json::Value::Object(body).to_string())
    }
}

/// Appends `value` as a JSON string: as is when nothing in it needs escaping (token values,
/// scopes), else escaped by serde_json.
fn push_json_str(out: &mut String, value: &str) {
    // No early exit: the loop vectorizes.
    let needs_escape =
        value.bytes().fold(false, |acc, b| acc | (b < 0x20) | (b == b'"') | (b == b'\\'));
    if !needs_escape {
        out.push('"');
        out.push_str(value);
        out.push('"');
    } else {
        out.push_str(&serde_json::Value::from(value).to_string());
    }
}

/// How many decimal digits `n` has.
fn decimal_len(n: u64) -> usize {
    n.checked_ilog10().map_or(1, |l| l as usize + 1)
}

fn push_u64(out: &mut String, mut n: u64) {
    let mut digits = [0u8; 20];
    let mut i = digits.len();
    loop {
        i -= 1;
        digits[i] = b'0' + (n % 10) as u8;
        n /= 10;
        if n == 0 {
            break;
        }
    }
    out.extend(digits[i..].iter().map(|&d| char::from(d)));
}

fn unsupported() -> OAuthError {
    OAuthError::new(
        crate::ErrorCode::UnsupportedGrantType,
        "the grant type is not supported by this authorization server",
    )
}

/// RFC 6749 5.2 `unauthorized_client`: "The authenticated client is not authorized to use
/// this authorization grant type."
fn check_client_grant(client: &Client, grant: &GrantType) -> Result<(), OAuthError> {
    if client.has_grant(grant) {
        Ok(())
    } else {
        Err(OAuthError::unauthorized_client("the client may not use this grant type"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_writers_agree_with_serde_json() {
        for v in ["", "abc-_~+/=", "a\"b", "a\\b", "line\nbreak", "\u{1}", "caf\u{e9}", "\u{7f}"] {
            let mut out = String::new();
            push_json_str(&mut out, v);
            assert_eq!(out, serde_json::Value::from(v).to_string(), "{v:?}");
        }
        for n in [0u64, 7, 10, 3600, u64::MAX] {
            let mut out = String::new();
            push_u64(&mut out, n);
            assert_eq!(out, n.to_string());
            assert_eq!(decimal_len(n), out.len());
        }
    }
}
