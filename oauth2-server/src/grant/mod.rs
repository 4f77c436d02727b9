//! Grant types: one file per grant, and the [`ExtensionGrant`] trait for your own (RFC 6749 4.5).

use async_trait::async_trait;

use crate::client::Client;
use crate::error::OAuthError;
use crate::model::OAuthModel;
use crate::request::Params;
use crate::scope::Scope;

pub(crate) mod authorization_code;
pub(crate) mod client_credentials;
pub(crate) mod password;
pub(crate) mod refresh_token;

/// An extension grant (RFC 6749 4.5), registered with
/// [`ServerBuilder::extension_grant`](crate::ServerBuilder::extension_grant).
///
/// The server authenticates the client, checks that the client may use the grant, runs
/// the scope policy on the scope you return, and generates and saves the tokens: the
/// grant only decides who the token is for.
///
/// ```
/// use async_trait::async_trait;
/// use oauth2_server::{ExtensionGrant, ExtensionOutcome, ExtensionRequest, OAuthError, OAuthModel};
///
/// struct ApiKeyExchange;
///
/// #[async_trait]
/// impl<M: OAuthModel<User = String>> ExtensionGrant<M> for ApiKeyExchange {
///     async fn exchange(&self, req: ExtensionRequest<'_, M>) -> Result<ExtensionOutcome<String>, OAuthError> {
///         let key = req.param("api_key").ok_or_else(|| OAuthError::invalid_request("missing api_key"))?;
///         if key != "k-123" {
///             return Err(OAuthError::invalid_grant("unknown api_key"));
///         }
///         Ok(ExtensionOutcome::for_user("alice".to_owned()).with_requested_scope(&req)?)
///     }
/// }
/// ```
#[async_trait]
pub trait ExtensionGrant<M: OAuthModel>: Send + Sync + 'static {
    /// Decides the token request. Errors are answered as they are (use `invalid_grant` for
    /// bad credentials, `invalid_request` for a malformed request).
    async fn exchange(
        &self,
        request: ExtensionRequest<'_, M>,
    ) -> Result<ExtensionOutcome<M::User>, OAuthError>;
}

/// What an [`ExtensionGrant`] sees: the model, the authenticated client and the form.
pub struct ExtensionRequest<'a, M: OAuthModel> {
    pub(crate) model: &'a M,
    pub(crate) client: &'a Client,
    pub(crate) params: &'a Params<'a>,
}

impl<'a, M: OAuthModel> ExtensionRequest<'a, M> {
    /// The model.
    pub fn model(&self) -> &'a M {
        self.model
    }

    /// The authenticated client.
    pub fn client(&self) -> &'a Client {
        self.client
    }

    /// A form parameter (empty values count as absent, RFC 6749 3.1).
    pub fn param(&self, name: &str) -> Option<&'a str> {
        self.params.get(name)
    }

    /// The parsed `scope` parameter.
    pub fn requested_scope(&self) -> Result<Option<Scope>, OAuthError> {
        self.params.get("scope").map(Scope::parse).transpose()
    }
}

/// What an [`ExtensionGrant`] decided.
#[derive(Debug, Clone)]
pub struct ExtensionOutcome<U> {
    pub(crate) user: Option<U>,
    pub(crate) scope: Option<Scope>,
    pub(crate) refresh_token: bool,
}

impl<U> ExtensionOutcome<U> {
    /// A token for `user`.
    pub fn for_user(user: U) -> Self {
        Self { user: Some(user), scope: None, refresh_token: false }
    }

    /// A token for the client itself, without a user.
    pub fn for_client() -> Self {
        Self { user: None, scope: None, refresh_token: false }
    }

    /// Asks for this scope; the model's scope policy still decides (`None` = the default).
    pub fn with_scope(mut self, scope: Option<Scope>) -> Self {
        self.scope = scope;
        self
    }

    /// Asks for the scope of the request's `scope` parameter.
    pub fn with_requested_scope<M: OAuthModel>(
        self,
        request: &ExtensionRequest<'_, M>,
    ) -> Result<Self, OAuthError> {
        Ok(self.with_scope(request.requested_scope()?))
    }

    /// Issues a refresh token too (when the server has the refresh_token grant and the client
    /// may use it).
    pub fn with_refresh_token(mut self) -> Self {
        self.refresh_token = true;
        self
    }
}
