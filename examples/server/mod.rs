//! The demo authorization server behind `cargo run --example server`, as a library so that the
//! end-to-end tests (`tests/tests/demo_server_e2e.rs`) run the very same code on a random port.
//!
//! Its interface is fixed by the "Demo server contract" (docs/ARCHITECTURE.md): the JSON
//! [`DemoConfig`], and these endpoints:
//!
//! | endpoint | what |
//! |---|---|
//! | `GET /oauth/authorize` | login + consent page; unknown client or bad redirect URI: 400 error page |
//! | `POST /oauth/authorize` | the page's form: `username`, `password`, `decision=approve\|deny` + the request's parameters |
//! | `POST /oauth/token` | RFC 6749 3.2 |
//! | `POST /oauth/revoke` | RFC 7009; confidential clients authenticate, public ones send `client_id` |
//! | `POST /oauth/introspect` | RFC 7662; confidential clients only |
//! | `GET /.well-known/oauth-authorization-server` | RFC 8414 metadata |
//! | `GET /protected` | `{"user", "client_id", "scope"}` for a valid bearer token, else 401 |
//! | `GET /protected/write` | as `/protected`, needs scope `write` (else 403 `insufficient_scope`) |
//!
//! ```no_run
//! # async fn run() -> Result<(), Box<dyn std::error::Error>> {
//! use oauth2_server_examples::server::{build_server, router, serve, DemoConfig};
//!
//! let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
//! let addr = listener.local_addr()?;
//! let server = build_server(&DemoConfig::builtin(), &format!("http://{addr}"))?;
//! serve(listener, router(server), std::future::pending()).await?;
//! # Ok(()) }
//! ```
//!
//! The state lives in memory by default; [`build_server_with`] runs the same server on any
//! [`DemoStore`]: SQLite, PostgreSQL or Redis, picked with `--store` (see [`store`]).

pub mod config;
mod page;
pub mod store;

use std::future::Future;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use axum::body::Body;
use axum::extract::{FromRequest as _, Request};
use axum::http::header::{ALLOW, CACHE_CONTROL, CONNECTION, CONTENT_TYPE, RETRY_AFTER};
use axum::http::{HeaderValue, Method, StatusCode};
use axum::response::{IntoResponse, Response};
use oauth2_server::rate_limit::{RateKey, TokenBucketLimiter};
use oauth2_server::{
    AuthorizationRequest, AuthorizeError, Client, ClientSecret, GrantType, MemoryStore, OAuthError,
    OAuthRequest, OAuthServer, Params, Scope,
};
use serde::Serialize;

pub use config::{ClientConfig, DemoConfig, Profile, UserConfig, BUILTIN_CONFIG};
pub use store::{DemoStore, StoreUrl};

/// The demo's model: everything in memory; a user is known by their username.
pub type DemoModel = MemoryStore<Arc<str>>;

/// The demo's authorization server.
pub type DemoServer = OAuthServer<DemoModel>;

/// The largest request body accepted (OAuth requests are a few hundred bytes).
pub const BODY_LIMIT: usize = 64 * 1024;

/// How long a client may take to send a request's headers (slowloris defence): the connection
/// is closed after that.
pub const HEADER_READ_TIMEOUT: Duration = Duration::from_secs(10);

/// How long one request may take, reading its body included: then `408 Request Timeout` and the
/// connection is closed (a slow body cannot hold a connection and its buffer open).
pub const REQUEST_TIMEOUT: Duration = Duration::from_secs(10);

/// Brute-force limits (OAuth 2.1 2.4.1) for client authentication, the password grant and the
/// login form: [`LOGIN_BURST`] failures at once per client, username or IP address, then
/// [`LOGIN_PER_MINUTE`] a minute. Successes are never limited.
pub const LOGIN_BURST: u32 = 10;
/// See [`LOGIN_BURST`].
pub const LOGIN_PER_MINUTE: u32 = 10;

/// A configuration the server cannot start with.
#[derive(Debug)]
pub struct SetupError(String);

impl std::fmt::Display for SetupError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for SetupError {}

fn grant_type(name: &str) -> Option<GrantType> {
    match GrantType::parse(name) {
        GrantType::Extension(_) => None,
        known => Some(known),
    }
}

/// Builds the authorization server for `config` in memory, with `issuer` unless the config
/// names one. Client secrets are kept as SHA-256 digests.
pub fn build_server(config: &DemoConfig, issuer: &str) -> Result<DemoServer, SetupError> {
    let store = MemoryStore::new();
    for client in config_clients(config)? {
        store.add_client(client);
    }
    for u in &config.users {
        store.add_user(&u.username, &u.password, Arc::from(u.username.as_str()));
    }
    configure(store, config, issuer)
}

/// As [`build_server`], on `store`: first loads the config's clients and users into it
/// ([`DemoStore::load`], replacing entries with the same id or username). A persistent store
/// must be migrated before (see [`store`]).
pub async fn build_server_with<M: DemoStore>(
    store: M,
    config: &DemoConfig,
    issuer: &str,
) -> Result<OAuthServer<M>, SetupError> {
    store.load(config).await?;
    configure(store, config, issuer)
}

/// The config's clients, secrets as SHA-256 digests.
fn config_clients(config: &DemoConfig) -> Result<Vec<Client>, SetupError> {
    let mut clients = Vec::with_capacity(config.clients.len());
    for c in &config.clients {
        let client = match &c.secret {
            Some(secret) => Client::confidential(c.id.as_str(), ClientSecret::sha256(secret)),
            None => Client::public(c.id.as_str()),
        };
        let grants = c
            .grants
            .iter()
            .map(|g| {
                grant_type(g).ok_or_else(|| {
                    SetupError(format!(
                        "client {:?}: unknown grant {g:?} (expected authorization_code, \
                         refresh_token, client_credentials or password)",
                        c.id
                    ))
                })
            })
            .collect::<Result<Vec<_>, _>>()?;
        let scope = Scope::from_tokens(&c.scopes)
            .map_err(|e| SetupError(format!("client {:?}: scopes: {}", c.id, e.description())))?;
        clients.push(
            client.redirect_uris(c.redirect_uris.iter().cloned()).grants(grants).with_scope(scope),
        );
    }
    Ok(clients)
}

/// The server over `store` (already holding the config's clients and users).
fn configure<M: DemoStore>(
    store: M,
    config: &DemoConfig,
    issuer: &str,
) -> Result<OAuthServer<M>, SetupError> {
    let mut builder = OAuthServer::builder(store)
        .authorization_code()
        .refresh_token()
        .client_credentials()
        .revocation()
        .introspection()
        .rate_limiter(TokenBucketLimiter::new(LOGIN_BURST, LOGIN_PER_MINUTE))
        .issuer(config.issuer.as_deref().unwrap_or(issuer));
    if let Some(d) = DemoConfig::lifetime(config.access_token_lifetime) {
        builder = builder.access_token_lifetime(d);
    }
    if let Some(d) = DemoConfig::lifetime(config.refresh_token_lifetime) {
        builder = builder.refresh_token_lifetime(d);
    }
    if let Some(d) = DemoConfig::lifetime(config.authorization_code_lifetime) {
        builder = builder.authorization_code_lifetime(d);
    }
    let built = match config.profile {
        Profile::OAuth2 => builder.password().build(),
        // OAuth 2.1: no password grant (the typestate refuses `.password()` after this);
        // PKCE with S256 for every client.
        Profile::OAuth21 => builder.profile(oauth2_server::Profile::OAuth21).build(),
    };
    built.map_err(|e| SetupError(e.to_string()))
}

struct App<M: DemoStore> {
    server: Arc<OAuthServer<M>>,
    write: Scope,
}

impl<M: DemoStore> Clone for App<M> {
    fn clone(&self) -> Self {
        Self { server: self.server.clone(), write: self.write.clone() }
    }
}

/// The authorization endpoint.
const AUTHORIZE_PATH: &str = "/oauth/authorize";

/// RFC 8414 3: where the metadata document is.
const METADATA_PATH: &str = "/.well-known/oauth-authorization-server";

/// The demo server's routes over one server (a [`DemoServer`], or one on another [`DemoStore`]
/// from [`build_server_with`]), as [`router`] makes them; [`serve`] answers requests with them,
/// and applies the body limit ([`BODY_LIMIT`]) and the timeouts.
///
/// A `match` on the path, then the method, picks the handler: seven fixed paths need no route
/// table. (axum's `Router` did this job before; on a token request it cost 11 of the 23
/// allocations and about a tenth of the instructions the whole server spent: a route-parameter
/// map, a boxed service clone and a boxed future per request. The handlers are the same: axum
/// extractors and responses.) An unknown path is `404 Not Found`, a known path with another
/// method `405 Method Not Allowed` with an `Allow` header; `HEAD` is answered wherever `GET` is
/// (hyper sends no body), as axum's `get` routes do.
pub struct Routes<M: DemoStore> {
    app: App<M>,
}

impl<M: DemoStore> Clone for Routes<M> {
    fn clone(&self) -> Self {
        Self { app: self.app.clone() }
    }
}

/// The demo server's routes over `server`: serve them with [`serve`].
pub fn router<M: DemoStore>(server: OAuthServer<M>) -> Routes<M> {
    let app = App { server: Arc::new(server), write: Scope::parse("write").expect("valid scope") };
    Routes { app }
}

/// The handler a request goes to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Route {
    Authorize,
    Token,
    Revoke,
    Introspect,
    Metadata,
    Protected,
    ProtectedWrite,
}

/// Why a request has no handler.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum NoRoute {
    /// No such path: 404.
    NotFound,
    /// The path exists for these methods (the `Allow` header's value): 405.
    Method(&'static str),
}

/// The route of `method` on `path`.
fn route(method: &Method, path: &str) -> Result<Route, NoRoute> {
    // The path's route, whether it answers GET (and HEAD), whether it answers POST.
    let (route, get, post) = match path {
        AUTHORIZE_PATH => (Route::Authorize, true, true),
        "/oauth/token" => (Route::Token, false, true),
        "/oauth/revoke" => (Route::Revoke, false, true),
        "/oauth/introspect" => (Route::Introspect, false, true),
        METADATA_PATH => (Route::Metadata, true, false),
        "/protected" => (Route::Protected, true, false),
        "/protected/write" => (Route::ProtectedWrite, true, false),
        _ => return Err(NoRoute::NotFound),
    };
    let allowed = match *method {
        Method::GET | Method::HEAD => get,
        Method::POST => post,
        _ => false,
    };
    if allowed {
        return Ok(route);
    }
    Err(NoRoute::Method(match (get, post) {
        (true, true) => "GET,HEAD,POST",
        (true, false) => "GET,HEAD",
        _ => "POST",
    }))
}

impl<M: DemoStore> Routes<M> {
    /// Answers `req`; `peer` is the client's address (the login form's per-IP limit).
    pub async fn answer(&self, req: Request, peer: Option<SocketAddr>) -> Response {
        let app = &self.app;
        let route = match route(req.method(), req.uri().path()) {
            Ok(route) => route,
            Err(NoRoute::NotFound) => return StatusCode::NOT_FOUND.into_response(),
            Err(NoRoute::Method(allow)) => {
                let mut response = StatusCode::METHOD_NOT_ALLOWED.into_response();
                response.headers_mut().insert(ALLOW, HeaderValue::from_static(allow));
                return response;
            }
        };
        if route == Route::Metadata {
            return metadata(app);
        }
        let req = match OAuthRequest::from_request(req, &()).await {
            Ok(req) => req,
            Err(rejection) => return rejection.into_response(),
        };
        match route {
            Route::Authorize => authorize(app, peer, &req).await,
            Route::Token => app.server.token_response(&req).await.into_response(),
            Route::Revoke => app.server.revoke_response(&req).await.into_response(),
            Route::Introspect => app.server.introspect_response(&req).await.into_response(),
            Route::Protected => resource(app, &req, None).await,
            Route::ProtectedWrite => resource(app, &req, Some(&app.write)).await,
            Route::Metadata => metadata(app),
        }
    }
}

/// The answer when a request (its body's upload included) outlasts [`REQUEST_TIMEOUT`].
fn timed_out() -> Response {
    let mut response = Response::new(Body::from("request timed out\n"));
    *response.status_mut() = StatusCode::REQUEST_TIMEOUT;
    response.headers_mut().insert(CONNECTION, HeaderValue::from_static("close"));
    response
}

/// Serves `routes` on `listener` until `shutdown` completes, then lets open requests finish.
///
/// HTTP/1.1 with [`HEADER_READ_TIMEOUT`] for the head and [`REQUEST_TIMEOUT`] for the whole
/// exchange; the routes get the peer's address (the login form's per-IP limit). The timeout is
/// applied here, in the one service function hyper calls, rather than as middleware: no boxed
/// service or future per request for it.
pub async fn serve<M: DemoStore>(
    listener: tokio::net::TcpListener,
    routes: Routes<M>,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    use http_body_util::Limited;
    use hyper_util::rt::{TokioIo, TokioTimer};
    use hyper_util::server::graceful::GracefulShutdown;

    let mut http = hyper::server::conn::http1::Builder::new();
    http.timer(TokioTimer::new()).header_read_timeout(HEADER_READ_TIMEOUT);
    let graceful = GracefulShutdown::new();
    let mut shutdown = std::pin::pin!(shutdown);
    loop {
        let (tcp, peer) = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok(accepted) => accepted,
                Err(_) => {
                    // Out of file descriptors and the like: back off instead of spinning.
                    tokio::time::sleep(Duration::from_millis(50)).await;
                    continue;
                }
            },
            () = &mut shutdown => break,
        };
        // Small request/response exchanges: do not wait for Nagle.
        let _ = tcp.set_nodelay(true);
        let routes = routes.clone();
        let service = hyper::service::service_fn(move |req: Request<hyper::body::Incoming>| {
            // BODY_LIMIT, as a limited body rather than a `DefaultBodyLimit` extension: that
            // would allocate an extension map per request. Over the limit, reading fails with
            // `LengthLimitError`, which the `OAuthRequest` extractor answers with 413.
            let req = req.map(|body| Body::new(Limited::new(body, BODY_LIMIT)));
            let routes = routes.clone();
            async move {
                match tokio::time::timeout(REQUEST_TIMEOUT, routes.answer(req, Some(peer))).await {
                    Ok(response) => Ok::<_, std::convert::Infallible>(response),
                    Err(_elapsed) => Ok(timed_out()),
                }
            }
        });
        let conn = http.serve_connection(TokioIo::new(tcp), service);
        let conn = graceful.watch(conn);
        tokio::spawn(async move {
            let _ = conn.await;
        });
    }
    drop(listener);
    graceful.shutdown().await;
    Ok(())
}

/// RFC 8414 3: the metadata document, JSON, cacheable.
fn metadata<M: DemoStore>(app: &App<M>) -> Response {
    // The demo server always has an issuer (from the config, or its own address).
    let body = app.server.metadata().map(|m| serde_json::to_vec(&m).unwrap_or_default());
    let mut response = Response::new(Body::from(body.unwrap_or_default()));
    response.headers_mut().insert(CONTENT_TYPE, HeaderValue::from_static("application/json"));
    response
}

#[derive(Serialize)]
struct Me<'a> {
    user: Option<&'a str>,
    client_id: &'a str,
    scope: &'a str,
}

impl Me<'_> {
    /// `{"user":..,"client_id":..,"scope":..}`, the bytes `serde_json` writes. Every /protected
    /// request builds one: when no field needs a JSON escape (the usual case) they are copied
    /// between the fixed parts, which costs a fraction of the serializer's byte-by-byte escaping
    /// loop; otherwise `serde_json` writes it.
    fn to_json(&self) -> Vec<u8> {
        let plain = |s: &str| !s.bytes().any(|b| b < 0x20 || b == b'"' || b == b'\\');
        if !(self.user.map_or(true, plain) && plain(self.client_id) && plain(self.scope)) {
            return serde_json::to_vec(self).unwrap_or_default();
        }
        // The exact length: a body whose length is its capacity becomes `Bytes` without a
        // second allocation.
        let fixed = r#"{"user":,"client_id":"","scope":""}"#.len();
        let user = self.user.map_or(4, |user| user.len() + 2);
        let mut out = Vec::with_capacity(fixed + user + self.client_id.len() + self.scope.len());
        out.extend_from_slice(b"{\"user\":");
        match self.user {
            Some(user) => push_quoted(&mut out, user),
            None => out.extend_from_slice(b"null"),
        }
        out.extend_from_slice(b",\"client_id\":");
        push_quoted(&mut out, self.client_id);
        out.extend_from_slice(b",\"scope\":");
        push_quoted(&mut out, self.scope);
        out.push(b'}');
        out
    }
}

fn push_quoted(out: &mut Vec<u8>, s: &str) {
    out.push(b'"');
    out.extend_from_slice(s.as_bytes());
    out.push(b'"');
}

async fn resource<M: DemoStore>(
    app: &App<M>,
    req: &OAuthRequest,
    scope: Option<&Scope>,
) -> Response {
    match app.server.authenticate(req, scope).await {
        Ok(auth) => {
            let me = Me {
                user: auth.user().map(|user| &**user),
                client_id: auth.client_id(),
                scope: auth.scope().as_str(),
            };
            let body = me.to_json();
            let mut response = Response::new(Body::from(body));
            let headers = response.headers_mut();
            headers.insert(CONTENT_TYPE, HeaderValue::from_static("application/json"));
            headers.insert(CACHE_CONTROL, HeaderValue::from_static("no-store"));
            for (name, value) in auth.scope_headers() {
                headers.insert(name.clone(), value.clone());
            }
            response
        }
        Err(err) => IntoResponse::into_response(err),
    }
}

/// The parameters the page carries: from the query, and on a POST from the form too.
fn carried<'a>(query: &'a Params<'a>, form: &'a Params<'a>) -> Vec<(&'static str, &'a str)> {
    page::AUTH_PARAMS
        .iter()
        .filter_map(|&name| form.get(name).or_else(|| query.get(name)).map(|v| (name, v)))
        .collect()
}

fn consent_page(
    status: StatusCode,
    req: &OAuthRequest,
    auth: &AuthorizationRequest,
    error: Option<&str>,
    username: &str,
) -> Response {
    let query = req.query_params().unwrap_or_default();
    let form = req.form_params().unwrap_or_default();
    let page = page::Consent {
        client_id: auth.client().id(),
        scopes: auth.scope().iter().collect(),
        redirect_uri: auth.redirect_uri(),
        hidden: carried(&query, &form),
        error,
        username,
    };
    page::html(status, page.render())
}

fn no_redirect_page(err: &OAuthError) -> Response {
    let status =
        if err.status().is_server_error() { err.status() } else { StatusCode::BAD_REQUEST };
    page::html(status, page::error_page(err.code().as_str(), err.description()))
}

fn authorize_error(err: AuthorizeError) -> Response {
    match err {
        AuthorizeError::NoRedirect(err) => no_redirect_page(&err),
        redirect => IntoResponse::into_response(redirect),
    }
}

/// `GET`: validate and show the page. `POST`: validate again (the form carries the request),
/// check the credentials, then approve or deny. The POST carries the user's credentials itself,
/// so it needs no session or CSRF token (the contract's choice).
async fn authorize<M: DemoStore>(
    app: &App<M>,
    peer: Option<SocketAddr>,
    req: &OAuthRequest,
) -> Response {
    let auth = match app.server.authorize(req).await {
        Ok(auth) => auth,
        Err(err) => return authorize_error(err),
    };
    if req.method() != Method::POST {
        return consent_page(StatusCode::OK, req, &auth, None, "");
    }
    let form = match req.form_params() {
        Ok(form) => form,
        Err(err) => return no_redirect_page(&err),
    };
    let username = form.get("username").unwrap_or("");
    match form.get("decision") {
        Some("deny") => app.server.deny(auth).into_response(),
        Some("approve") => {
            // Brute-force limit (OAuth 2.1 2.4.1): failed logins per username and per address.
            let ip = peer.map(|addr| addr.ip());
            let limiter = app.server.rate_limiter();
            let keys = || std::iter::once(RateKey::User(username)).chain(ip.map(RateKey::Ip));
            if let Some(limiter) = limiter {
                if let Some(wait) = keys().filter_map(|k| limiter.blocked(k)).max() {
                    let secs = wait.as_secs().max(1);
                    let msg = format!(
                        "Too many failed sign-in attempts. Please wait {secs} seconds and try again."
                    );
                    let mut page = consent_page(
                        StatusCode::TOO_MANY_REQUESTS,
                        req,
                        &auth,
                        Some(&msg),
                        username,
                    );
                    page.headers_mut().insert(RETRY_AFTER, HeaderValue::from(secs));
                    return page;
                }
            }
            let password = form.get("password").unwrap_or("");
            let user = app.server.model().get_user(username, password, auth.client()).await;
            if let (Ok(None), Some(limiter)) = (&user, limiter) {
                keys().for_each(|k| limiter.record_failure(k));
            }
            match user {
                Ok(Some(user)) => match app.server.approve(auth, user).await {
                    Ok(response) => response.into_response(),
                    Err(err) => authorize_error(err),
                },
                Ok(None) => consent_page(
                    StatusCode::UNAUTHORIZED,
                    req,
                    &auth,
                    Some("Wrong username or password. Please try again."),
                    username,
                ),
                Err(err) => no_redirect_page(&OAuthError::from(err)),
            }
        }
        _ => consent_page(
            StatusCode::BAD_REQUEST,
            req,
            &auth,
            Some("Please choose Approve or Deny."),
            username,
        ),
    }
}

/// A fixed PKCE verifier for the printed curl lines (a real client makes a random one).
pub const DEMO_CODE_VERIFIER: &str =
    "demo-verifier-use-a-fresh-random-one-in-real-clients-0123456789";

/// Shell lines a newcomer can paste to try each grant against the server at `addr`.
pub fn curl_lines(config: &DemoConfig, addr: SocketAddr) -> Vec<String> {
    let base = format!("http://{addr}");
    let mut lines = Vec::new();
    let has = |c: &ClientConfig, g: &str| c.grants.iter().any(|x| x == g);
    let confidential = |g: &str| config.clients.iter().find(|c| c.secret.is_some() && has(c, g));
    let scope = |c: &ClientConfig| c.scopes.join(" ");
    let basic = |c: &ClientConfig| format!("-u '{}:{}'", c.id, c.secret.as_deref().unwrap_or(""));
    if let Some(c) = confidential("client_credentials") {
        lines.push(format!("# client_credentials:\ncurl -s {} -d grant_type=client_credentials --data-urlencode 'scope={}' {base}/oauth/token", basic(c), scope(c)));
    }
    if let (Some(c), Some(u)) = (confidential("password"), config.users.first()) {
        if config.profile == Profile::OAuth2 {
            lines.push(format!("# password:\ncurl -s {} -d grant_type=password -d 'username={}' -d 'password={}' --data-urlencode 'scope={}' {base}/oauth/token", basic(c), u.username, u.password, scope(c)));
        }
    }
    let code_client = config
        .clients
        .iter()
        .find(|c| has(c, "authorization_code") && c.secret.is_some())
        .or_else(|| config.clients.iter().find(|c| has(c, "authorization_code")));
    if let Some(c) = code_client {
        let challenge = oauth2_server::s256_challenge(DEMO_CODE_VERIFIER);
        let redirect = c.redirect_uris.first().map(String::as_str).unwrap_or("");
        let params: String = form_pairs(&[
            ("response_type", "code"),
            ("client_id", &c.id),
            ("redirect_uri", redirect),
            ("scope", &scope(c)),
            ("state", "xyz"),
            ("code_challenge", &challenge),
            ("code_challenge_method", "S256"),
        ]);
        lines.push(format!("# authorization_code + PKCE: open in a browser and log in ({}):\n{base}/oauth/authorize?{params}", config.users.first().map(|u| format!("{} / {}", u.username, u.password)).unwrap_or_default()));
        if let Some(u) = config.users.first() {
            lines.push(format!("# ... or post the login form yourself; the code is in the Location header:\ncurl -si -d '{params}' -d 'username={}' -d 'password={}' -d decision=approve {base}/oauth/authorize | grep -i '^location'", u.username, u.password));
        }
        let auth = if c.secret.is_some() { basic(c) } else { format!("-d client_id={}", c.id) };
        lines.push(format!("# then exchange the code:\ncurl -s {auth} -d grant_type=authorization_code -d code=CODE --data-urlencode 'redirect_uri={redirect}' -d code_verifier={DEMO_CODE_VERIFIER} {base}/oauth/token"));
    }
    if let Some(c) = confidential("refresh_token") {
        lines.push(format!("# refresh_token (rotates: use the new one next time):\ncurl -s {} -d grant_type=refresh_token -d refresh_token=REFRESH_TOKEN {base}/oauth/token", basic(c)));
    }
    lines.push(format!("# the protected resource (and /protected/write, which needs scope write):\ncurl -s -H 'Authorization: Bearer ACCESS_TOKEN' {base}/protected"));
    lines
}

fn form_pairs(pairs: &[(&str, &str)]) -> String {
    let mut s = form_urlencoded::Serializer::new(String::new());
    for (k, v) in pairs {
        s.append_pair(k, v);
    }
    s.finish()
}

/// Waits for Ctrl-C or SIGTERM; then gives open connections five seconds before exiting.
pub async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = term => {},
    }
    eprintln!("shutting down");
    tokio::spawn(async {
        tokio::time::sleep(Duration::from_secs(5)).await;
        eprintln!("connections still open after 5 s; exiting");
        std::process::exit(0);
    });
}

#[cfg(test)]
mod tests {
    use super::Me;

    #[test]
    fn protected_resource_json_is_what_serde_json_writes() {
        let odd =
            ["", "alice", "a\"b", "back\\slash", "tab\there", "nl\n", "\u{1f}", "é ✓ 𝄞", "/x"];
        for user in odd.iter().map(|&u| Some(u)).chain([None]) {
            for other in odd {
                for me in [
                    Me { user, client_id: other, scope: "read write" },
                    Me { user, client_id: "demo-client", scope: other },
                ] {
                    let expected = serde_json::to_vec(&me).unwrap();
                    let json = me.to_json();
                    assert_eq!(json, expected, "{:?}", String::from_utf8_lossy(&expected));
                    if !expected.contains(&b'\\') {
                        assert_eq!(json.capacity(), json.len(), "allocated at its length");
                    }
                }
            }
        }
    }
}
