//! Library-level benchmarks of the core over `MemoryStore`, one thread, no HTTP:
//!
//! | bench | what one iteration does |
//! |---|---|
//! | `core/client_credentials_token` | `token()` with HTTP Basic, `grant_type=client_credentials&scope=read%20write`; the client secret is stored as `ClientSecret::sha256` |
//! | `core/password_token` | `token()` with HTTP Basic, `grant_type=password&username=alice&password=wonderland&scope=read%20write` (access + refresh token) |
//! | `core/authenticate` | `authenticate()` of a valid bearer token, required scope `read` |
//! | `core/code_issue_redeem` | `authorize()` (S256 PKCE) + `approve()`, then the `authorization_code` token request with its `code_verifier` |
//!
//! The futures are polled to completion on the bench thread (`block_on` below: `MemoryStore`
//! never waits), so the figures are the library's own cost, without a runtime.
//!
//! The token requests are built once; the code redemption request is built in the loop (the
//! code changes every time). Tokens and codes issued in the loops live 2 s (client lifetime
//! overrides), so that the sweeps keep the store bounded however long criterion runs.
//!
//! ```text
//! cargo bench -p oauth2-server --bench core -- --warm-up-time 1 --measurement-time 5
//! ```
//!
//! Instruction counts (for profiling with valgrind, without criterion): `CORE_BENCH_LOOP=N`
//! runs each operation N times and exits; `CORE_BENCH_OP=name` picks one.
//!
//! ```text
//! CORE_BENCH_LOOP=20000 CORE_BENCH_OP=client_credentials_token \
//!   valgrind --tool=callgrind target/release/deps/core-<hash>
//! ```
#![allow(missing_docs)]

use std::future::Future;
use std::sync::Arc;
use std::task::{Context, Poll, Wake, Waker};
use std::time::Duration;

use criterion::{black_box, Criterion};
use oauth2_server::{
    s256_challenge, Client, ClientSecret, GrantType, MemoryStore, OAuthRequest, OAuthServer, Scope,
};

const VERIFIER: &str = "bench-verifier-0123456789-0123456789-0123456789-abcdefgh";

struct NoopWake;

impl Wake for NoopWake {
    fn wake(self: Arc<Self>) {}
}

/// Polls a future to completion on this thread. `MemoryStore` never returns `Pending`; if a
/// future did, this would spin.
fn block_on<F: Future>(fut: F) -> F::Output {
    thread_local! {
        static WAKER: Waker = Waker::from(Arc::new(NoopWake));
    }
    WAKER.with(|waker| poll_to_end(fut, waker))
}

fn poll_to_end<F: Future>(fut: F, waker: &Waker) -> F::Output {
    let mut cx = Context::from_waker(waker);
    let mut fut = std::pin::pin!(fut);
    loop {
        if let Poll::Ready(out) = fut.as_mut().poll(&mut cx) {
            return out;
        }
    }
}

/// Users are `Arc<str>`, the cheap-to-clone user type `MemoryStore`'s docs recommend (before
/// stop 15 the bench used `String`: see docs/PERFORMANCE.md for both).
type Server = OAuthServer<MemoryStore<Arc<str>>>;

fn server() -> Server {
    let store = MemoryStore::new();
    store.add_client(
        Client::confidential("bench-client", ClientSecret::sha256("bench-secret"))
            .redirect_uri("http://127.0.0.1/cb")
            .grants([
                GrantType::ClientCredentials,
                GrantType::Password,
                GrantType::RefreshToken,
                GrantType::AuthorizationCode,
            ])
            .scopes("read write")
            .unwrap()
            .access_token_lifetime(Duration::from_secs(2))
            .refresh_token_lifetime(Duration::from_secs(2))
            .authorization_code_lifetime(Duration::from_secs(2)),
    );
    store.add_client(
        Client::confidential("long-client", ClientSecret::sha256("s"))
            .grants([GrantType::ClientCredentials])
            .scopes("read write")
            .unwrap(),
    );
    store.add_user("alice", "wonderland", Arc::from("alice"));
    OAuthServer::builder(store)
        .authorization_code()
        .refresh_token()
        .client_credentials()
        .password()
        .issuer("http://127.0.0.1:18090")
        .build()
        .unwrap()
}

/// `Basic base64("bench-client:bench-secret")`.
const BASIC: &str = "Basic YmVuY2gtY2xpZW50OmJlbmNoLXNlY3JldA==";

fn cc_request() -> OAuthRequest {
    OAuthRequest::post_form("grant_type=client_credentials&scope=read%20write")
        .with_header("authorization", BASIC)
}

fn pw_request() -> OAuthRequest {
    OAuthRequest::post_form(
        "grant_type=password&username=alice&password=wonderland&scope=read%20write",
    )
    .with_header("authorization", BASIC)
}

fn authorize_request() -> OAuthRequest {
    OAuthRequest::get(format!(
        "response_type=code&client_id=bench-client&redirect_uri=http%3A%2F%2F127.0.0.1%2Fcb\
         &scope=read&state=s1&code_challenge={}&code_challenge_method=S256",
        s256_challenge(VERIFIER)
    ))
}

/// A bearer request with a token of `long-client`, which lives an hour (the server's default):
/// it outlives the benchmark, next to the 2 s ones the loops issue.
fn bearer_request(server: &Server) -> OAuthRequest {
    let req = OAuthRequest::post_form(
        "grant_type=client_credentials&scope=read%20write&client_id=long-client&client_secret=s",
    );
    let resp = block_on(server.token_response(&req));
    assert_eq!(resp.status(), 200, "{}", resp.body_str());
    let body: serde_json::Value = serde_json::from_str(resp.body_str()).unwrap();
    let token = body["access_token"].as_str().unwrap();
    OAuthRequest::get("").with_header("authorization", &format!("Bearer {token}"))
}

/// `user` is the logged-in user the application passes to `approve`, cloned from its session.
///
/// The client's side (reading the code off the redirect, building the redemption request) is
/// kept cheap, as an adapter's would be: the code is the redirect's first parameter, and the
/// request is a clone of `redeem`, whose headers are parsed once (an adapter hands over the
/// headers hyper parsed, without validating them again).
fn code_issue_redeem(
    server: &Server,
    authorize: &OAuthRequest,
    redeem: &OAuthRequest,
    user: &Arc<str>,
) {
    let auth = block_on(server.authorize(authorize)).unwrap();
    let redirect = block_on(server.approve(auth, user.clone())).unwrap();
    let location = redirect.location().unwrap();
    let query = &location[location.find('?').unwrap() + 1..];
    let code = query.strip_prefix("code=").unwrap();
    let code = &code[..code.find('&').unwrap_or(code.len())];
    // Built with one exact allocation: the client's side of the exchange is not what is measured.
    const HEAD: &str = "grant_type=authorization_code&code=";
    const TAIL: &str = "&redirect_uri=http%3A%2F%2F127.0.0.1%2Fcb&code_verifier=";
    let mut body = String::with_capacity(HEAD.len() + code.len() + TAIL.len() + VERIFIER.len());
    for part in [HEAD, code, TAIL, VERIFIER] {
        body.push_str(part);
    }
    let req = redeem.clone().with_body(body);
    let tokens = block_on(server.token(&req)).unwrap();
    black_box(tokens);
}

/// A named operation of the bench.
type Op<'a> = (&'static str, Box<dyn Fn() + 'a>);

fn ops(server: &Server) -> Vec<Op<'_>> {
    let cc = cc_request();
    let pw = pw_request();
    let bearer = bearer_request(server);
    let authorize = authorize_request();
    let redeem = OAuthRequest::post_form(Vec::new()).with_header("authorization", BASIC);
    let read = Scope::parse("read").unwrap();
    let alice: Arc<str> = Arc::from("alice");
    vec![
        (
            "client_credentials_token",
            Box::new(move || {
                black_box(block_on(server.token(&cc)).unwrap());
            }),
        ),
        (
            "password_token",
            Box::new(move || {
                black_box(block_on(server.token(&pw)).unwrap());
            }),
        ),
        (
            "authenticate",
            Box::new(move || {
                black_box(block_on(server.authenticate(&bearer, Some(&read))).unwrap());
            }),
        ),
        (
            "code_issue_redeem",
            Box::new(move || code_issue_redeem(server, &authorize, &redeem, &alice)),
        ),
    ]
}

fn main() {
    let server = server();
    let only = std::env::var("CORE_BENCH_OP").ok();
    let selected = |name: &str| only.as_deref().map_or(true, |o| o == name);
    if let Some(n) = std::env::var("CORE_BENCH_LOOP").ok().and_then(|n| n.parse::<u64>().ok()) {
        for (name, op) in ops(&server) {
            if selected(name) {
                for _ in 0..n {
                    op();
                }
            }
        }
        return;
    }
    let mut c = Criterion::default().configure_from_args();
    let mut group = c.benchmark_group("core");
    for (name, op) in ops(&server) {
        if selected(name) {
            group.bench_function(name, |b| b.iter(&op));
        }
    }
    group.finish();
    c.final_summary();
}
