//! axum integration (feature `axum`, on `axum-core` 0.5): [`OAuthRequest`] is an extractor,
//! and [`OAuthResponse`], [`OAuthError`], [`AuthorizeError`] and [`TokenResponse`] are
//! responses.
//!
//! ```ignore
//! // (Compiled and run as `doc_example_router_works` in tests/tests/axum_integration.rs: the
//! // library itself has no dev-dependency on axum.)
//! use std::sync::Arc;
//!
//! use axum::{extract::DefaultBodyLimit, extract::State, routing::{get, post}, Json, Router};
//! use oauth2_server::{
//!     Client, ClientSecret, GrantType, MemoryStore, OAuthError, OAuthRequest, OAuthResponse,
//!     OAuthServer,
//! };
//!
//! type Server = Arc<OAuthServer<MemoryStore<String>>>;
//!
//! // The token endpoint: the library answers with the right status, headers and JSON.
//! async fn token(State(server): State<Server>, req: OAuthRequest) -> OAuthResponse {
//!     server.token_response(&req).await
//! }
//!
//! // A protected resource: an `Err(OAuthError)` becomes 401/403 with `WWW-Authenticate`.
//! async fn me(State(server): State<Server>, req: OAuthRequest) -> Result<Json<String>, OAuthError> {
//!     let auth = server.authenticate(&req, None).await?;
//!     Ok(Json(auth.client_id().to_owned()))
//! }
//!
//! let store = MemoryStore::new();
//! store.add_client(
//!     Client::confidential("svc", ClientSecret::sha256("s3cret"))
//!         .grants([GrantType::ClientCredentials])
//!         .scopes("read")
//!         .unwrap(),
//! );
//! let server: Server = Arc::new(OAuthServer::builder(store).client_credentials().build().unwrap());
//! let app: Router = Router::new()
//!     .route("/oauth/token", post(token))
//!     .route("/me", get(me))
//!     // OAuth requests are small: refuse bodies over 16 KiB with 413.
//!     .layer(DefaultBodyLimit::max(16 * 1024))
//!     .with_state(server);
//! ```
//!
//! # Body size limit
//!
//! The [`OAuthRequest`] extractor buffers the body through axum's limited body, so it honours
//! `axum::extract::DefaultBodyLimit` (2 MB unless configured; OAuth requests need a few KiB, so
//! set a lower one) and `tower_http::limit::RequestBodyLimitLayer`. A body over the limit is
//! refused with `413 Payload Too Large` and a JSON `invalid_request` error
//! ([`OAuthRequestRejection`]).
//!
//! # Naming
//!
//! [`OAuthError::into_response`] and [`AuthorizeError::into_response`] are inherent methods that
//! return an [`OAuthResponse`]; they take precedence over `IntoResponse::into_response` in method
//! calls. Returning the error from a handler uses the trait, as do
//! `IntoResponse::into_response(err)` and `err.into_response().into_response()`.

use axum_core::body::Body;
use axum_core::extract::rejection::BytesRejection;
use axum_core::extract::{FromRequest, Request};
use axum_core::response::{IntoResponse, Response};
use bytes::Bytes;
use http::header::{CACHE_CONTROL, CONTENT_TYPE, PRAGMA};
use http::{HeaderValue, StatusCode};
use http_body::Body as _;

use crate::endpoint::authorize::AuthorizeError;
use crate::endpoint::token::TokenResponse;
use crate::error::{error_body, ErrorCode, OAuthError};
use crate::request::OAuthRequest;
use crate::response::OAuthResponse;

/// Why a request could not be read as an [`OAuthRequest`]: its body was over the configured
/// limit (`413`), or could not be read (`400`). Answered as a JSON `invalid_request` error with
/// `Cache-Control: no-store`.
#[derive(Debug)]
pub struct OAuthRequestRejection {
    status: StatusCode,
    description: &'static str,
}

impl OAuthRequestRejection {
    /// The HTTP status of the answer: `413 Payload Too Large` or `400 Bad Request`.
    pub fn status(&self) -> StatusCode {
        self.status
    }

    /// The `error_description` of the answer.
    pub fn description(&self) -> &str {
        self.description
    }
}

impl std::fmt::Display for OAuthRequestRejection {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.description)
    }
}

impl std::error::Error for OAuthRequestRejection {}

impl From<BytesRejection> for OAuthRequestRejection {
    fn from(rejection: BytesRejection) -> Self {
        if rejection.status() == StatusCode::PAYLOAD_TOO_LARGE {
            Self {
                status: StatusCode::PAYLOAD_TOO_LARGE,
                description: "the request body is larger than this server accepts",
            }
        } else {
            Self {
                status: StatusCode::BAD_REQUEST,
                description: "the request body could not be read",
            }
        }
    }
}

impl IntoResponse for OAuthRequestRejection {
    fn into_response(self) -> Response {
        let mut response =
            Response::new(Body::from(error_body(ErrorCode::InvalidRequest, self.description)));
        *response.status_mut() = self.status;
        let headers = response.headers_mut();
        headers.insert(CONTENT_TYPE, HeaderValue::from_static("application/json"));
        headers.insert(CACHE_CONTROL, HeaderValue::from_static("no-store"));
        headers.insert(PRAGMA, HeaderValue::from_static("no-cache"));
        response
    }
}

/// Reads method, query, headers and the whole body (within the body limit, see the
/// [module docs](self)). Any route may use it: `GET` requests simply have an empty body.
impl<S> FromRequest<S> for OAuthRequest
where
    S: Send + Sync,
{
    type Rejection = OAuthRequestRejection;

    async fn from_request(mut req: Request, state: &S) -> Result<Self, Self::Rejection> {
        let method = req.method().clone();
        let query = req.uri().query().map(str::to_owned);
        // The limited body needs the request's extensions (where the limit is), not its headers.
        let headers = std::mem::take(req.headers_mut());
        let mut request = OAuthRequest::new(method);
        // A body known to be empty (a GET to a resource, typically) is not read: no limited,
        // collected body for nothing.
        if req.body().size_hint().exact() != Some(0) {
            let body = Bytes::from_request(req, state).await?;
            request = request.with_body_bytes(body);
        }
        if let Some(query) = query {
            request = request.with_query(query);
        }
        *request.headers_mut() = headers;
        Ok(request)
    }
}

impl IntoResponse for OAuthResponse {
    fn into_response(self) -> Response {
        self.into_http().map(Body::from)
    }
}

/// The JSON error answer of [`OAuthError::into_response`](OAuthError::into_response).
impl IntoResponse for OAuthError {
    fn into_response(self) -> Response {
        OAuthError::into_response(self).into_response()
    }
}

/// The redirect back to the client, or a 400 JSON error when the client or redirect URI could
/// not be verified. Where a person is looking, render an HTML page for
/// [`AuthorizeError::NoRedirect`] instead.
impl IntoResponse for AuthorizeError {
    fn into_response(self) -> Response {
        AuthorizeError::into_response(self).into_response()
    }
}

/// The `200` JSON token answer.
impl<U> IntoResponse for TokenResponse<U> {
    fn into_response(self) -> Response {
        TokenResponse::into_response(self).into_response()
    }
}
