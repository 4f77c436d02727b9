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

use std::pin::Pin;

use axum_core::body::Body;
use axum_core::extract::rejection::BytesRejection;
use axum_core::extract::{FromRequest, Request};
use axum_core::response::{IntoResponse, Response};
use axum_core::RequestExt as _;
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
            Self::too_large()
        } else {
            Self::unreadable()
        }
    }
}

impl OAuthRequestRejection {
    fn too_large() -> Self {
        Self {
            status: StatusCode::PAYLOAD_TOO_LARGE,
            description: "the request body is larger than this server accepts",
        }
    }

    fn unreadable() -> Self {
        Self { status: StatusCode::BAD_REQUEST, description: "the request body could not be read" }
    }

    /// What a body's read error means: over a `Limited` body's limit (`LengthLimitError`,
    /// however many `axum_core::Error`s wrap it: the extractor's limit wraps one, an
    /// application's own `Limited` body another), or any other failure.
    fn of_body_error(err: &axum_core::Error) -> Self {
        let mut cause: Option<&(dyn std::error::Error + 'static)> = Some(err);
        while let Some(e) = cause {
            if e.is::<http_body_util::LengthLimitError>() {
                return Self::too_large();
            }
            cause = e.source();
        }
        Self::unreadable()
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

    async fn from_request(req: Request, _state: &S) -> Result<Self, Self::Rejection> {
        // A body known to be empty (a GET to a resource, typically) is not read: no limited
        // body for nothing.
        let empty = req.body().size_hint().exact() == Some(0);
        // The limit the application configured (`DefaultBodyLimit`), or axum's default.
        let req = if empty { req } else { req.with_limited_body() };
        let (parts, body) = req.into_parts();
        let body = if empty { Bytes::new() } else { read_body(body).await? };
        // Built in one piece after the body's read, rather than step by step around it: no
        // request held across the await, and no moves of it between builder calls.
        Ok(OAuthRequest::from_parts(parts, body))
    }
}

/// The whole body. A body that arrives in one frame (an OAuth request's few hundred bytes,
/// usually) is that frame's `Bytes`, shared rather than copied; more frames are joined. What
/// `Bytes::from_request` does, without its collector's queue (an allocation) and copy.
async fn read_body(mut body: Body) -> Result<Bytes, OAuthRequestRejection> {
    let mut first: Option<Bytes> = None;
    let mut joined: Vec<u8> = Vec::new();
    while let Some(frame) = std::future::poll_fn(|cx| Pin::new(&mut body).poll_frame(cx)).await {
        let frame = frame.map_err(|err| OAuthRequestRejection::of_body_error(&err))?;
        // Trailers carry no form parameters.
        let Ok(data) = frame.into_data() else { continue };
        if data.is_empty() {
            continue;
        }
        match first.take() {
            None if joined.is_empty() => first = Some(data),
            earlier => {
                if let Some(earlier) = earlier {
                    joined.extend_from_slice(&earlier);
                }
                joined.extend_from_slice(&data);
            }
        }
    }
    Ok(match first {
        Some(only) => only,
        None => Bytes::from(joined),
    })
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
