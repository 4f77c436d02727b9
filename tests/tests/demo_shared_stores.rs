//! The demo server's `--store` flag across real processes: two demo server processes on
//! different loopback ports sharing one PostgreSQL schema (and, separately, one Redis key
//! prefix) are one authorization server (a token issued by one is accepted, introspected and
//! revoked by the other; of 50 concurrent redemptions of one code split across both, exactly one
//! succeeds), and with SQLite and PostgreSQL tokens and codes survive a restart (kill -9).
//!
//! The processes are the built example binary (`cargo run --example server`): the first test
//! that needs it runs `cargo build -p oauth2-server-examples --example server` into this test's
//! own target directory and profile (or set `OAUTH2_SERVER_DEMO_BIN` to a built binary). Each
//! process is killed when its handle drops, also when a test fails.
//!
//! Services as for the store tests: `OAUTH2_SERVER_TEST_POSTGRES_URL` (e.g.
//! `postgres://postgres@127.0.0.1:5432/test`) and `OAUTH2_SERVER_TEST_REDIS_URL` (e.g.
//! `redis://127.0.0.1:6379`); without one, its tests print why they skip, unless
//! `OAUTH2_SERVER_REQUIRE_SERVICES=1`. Each test uses its own schema / key prefix (the demo's
//! `?schema=NAME` / `?prefix=NAME`) and drops it at the end. The SQLite test needs nothing.
//!
//! Run: `cargo test -p oauth2-server-tests --test demo_shared_stores`

use std::io::{BufRead as _, BufReader};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::sync::OnceLock;
use std::time::Duration;

use oauth2_server::store::postgres::PostgresStore;
use oauth2_server::store::redis::RedisStore;
use reqwest::header::{CONTENT_TYPE, LOCATION};
use reqwest::StatusCode;
use serde_json::Value;

const POSTGRES_VAR: &str = "OAUTH2_SERVER_TEST_POSTGRES_URL";
const REDIS_VAR: &str = "OAUTH2_SERVER_TEST_REDIS_URL";
/// The built-in demo config's confidential client, user and redirect URI.
const CLIENT: &str = "demo-client";
const SECRET: &str = "demo-secret";
const REDIRECT: &str = "http://127.0.0.1:9999/cb";
const VERIFIER: &str = "shared-store-test-verifier-0123456789-abcdefghijklmnopqrstuvwxyz";

// ---------------------------------------------------------------------------------------------
// Services, names, clean-up

/// The URL in `var`: `None` (with a note) to skip when unset, unless
/// `OAUTH2_SERVER_REQUIRE_SERVICES=1` makes a missing service a failure.
fn service_url(var: &str) -> Option<String> {
    match std::env::var(var) {
        Ok(url) if !url.is_empty() => Some(url),
        _ => {
            if std::env::var("OAUTH2_SERVER_REQUIRE_SERVICES").as_deref() == Ok("1") {
                panic!("{var} is not set, and OAUTH2_SERVER_REQUIRE_SERVICES=1 requires it");
            }
            eprintln!("skipped: set {var} to run this test against a real service");
            None
        }
    }
}

/// A fresh schema name / key prefix for one test.
fn unique_name(what: &str) -> String {
    format!("demo_{what}_{}", &oauth2_server::GrantId::generate().to_string()[..16])
}

/// `url` with the demo's `name=value` query parameter appended.
fn with_param(url: &str, name: &str, value: &str) -> String {
    let sep = if url.contains('?') { '&' } else { '?' };
    format!("{url}{sep}{name}={value}")
}

/// Runs `f` (async) on a runtime of its own when dropped: clean-up that happens also when the
/// test panics. Declare it before the servers, so that they are killed first.
struct Cleanup(Option<Box<dyn FnOnce() + Send>>);

impl Cleanup {
    fn new<F, Fut>(f: F) -> Self
    where
        F: FnOnce() -> Fut + Send + 'static,
        Fut: std::future::Future<Output = ()>,
    {
        Self(Some(Box::new(move || {
            let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
            rt.block_on(f());
        })))
    }
}

impl Drop for Cleanup {
    fn drop(&mut self) {
        if let Some(f) = self.0.take() {
            // Not on this thread: it may be inside the test's runtime.
            let _ = std::thread::spawn(f).join();
        }
    }
}

fn postgres_cleanup(url: &str, schema: &str) -> Cleanup {
    let (url, schema) = (url.to_owned(), schema.to_owned());
    Cleanup::new(move || async move {
        match PostgresStore::<String>::connect(&url, &schema).await {
            Ok(store) => {
                if let Err(e) = store.drop_schema().await {
                    eprintln!("cannot drop schema {schema}: {e}");
                }
            }
            Err(e) => eprintln!("cannot connect to drop schema {schema}: {e}"),
        }
    })
}

fn redis_cleanup(url: &str, prefix: &str) -> Cleanup {
    let (url, prefix) = (url.to_owned(), prefix.to_owned());
    Cleanup::new(move || async move {
        match RedisStore::<String>::connect(&url, &prefix).await {
            Ok(store) => {
                if let Err(e) = store.delete_all().await {
                    eprintln!("cannot delete the keys under {prefix}: {e}");
                }
            }
            Err(e) => eprintln!("cannot connect to delete the keys under {prefix}: {e}"),
        }
    })
}

// ---------------------------------------------------------------------------------------------
// Demo server processes

/// The demo server binary: `OAUTH2_SERVER_DEMO_BIN`, or built once per test run with the cargo
/// that builds this test, into the same target directory and profile.
fn demo_binary() -> PathBuf {
    static BIN: OnceLock<PathBuf> = OnceLock::new();
    BIN.get_or_init(|| {
        if let Some(bin) = std::env::var_os("OAUTH2_SERVER_DEMO_BIN") {
            return PathBuf::from(bin);
        }
        // This test runs as <target>/<profile dir>/deps/demo_shared_stores-<hash>.
        let exe = std::env::current_exe().expect("current exe");
        let profile_dir = exe.parent().and_then(|deps| deps.parent()).expect("profile dir");
        let target_dir = profile_dir.parent().expect("target dir");
        let profile = match profile_dir.file_name().and_then(|n| n.to_str()) {
            Some("debug") | None => "dev",
            Some(other) => other,
        };
        let cargo = option_env!("CARGO").unwrap_or("cargo");
        let workspace = concat!(env!("CARGO_MANIFEST_DIR"), "/..");
        eprintln!("building the demo server: cargo build --example server --profile {profile}");
        let status = Command::new(cargo)
            .current_dir(workspace)
            .args(["build", "--quiet", "-p", "oauth2-server-examples", "--example", "server"])
            .args(["--profile", profile])
            .arg("--target-dir")
            .arg(target_dir)
            .stdin(Stdio::null())
            .status()
            .expect("run cargo");
        assert!(status.success(), "cargo build --example server failed: {status}");
        let bin =
            profile_dir.join("examples").join(format!("server{}", std::env::consts::EXE_SUFFIX));
        assert!(
            bin.exists(),
            "{} missing after the build; set OAUTH2_SERVER_DEMO_BIN",
            bin.display()
        );
        bin
    })
    .clone()
}

/// A demo server process on a loopback port; killed (and reaped) when dropped.
struct DemoProcess {
    child: Child,
    base: String,
    addr: String,
}

impl DemoProcess {
    /// Starts the demo server with `--store store` on `addr` (`127.0.0.1:0`: a free port) and
    /// waits for its `listening on http://ADDR` line.
    fn start(store: &str, addr: &str) -> Self {
        let mut child = Command::new(demo_binary())
            .args(["--addr", addr, "--store", store])
            .env("WORKERS", "2")
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("start the demo server");
        let stdout = child.stdout.take().expect("piped stdout");
        let (tx, rx) = std::sync::mpsc::channel();
        // Reads until the banner, then keeps draining so the server never blocks on stdout.
        std::thread::spawn(move || {
            let mut tx = Some(tx);
            for line in BufReader::new(stdout).lines() {
                let Ok(line) = line else { break };
                if let Some(addr) = line.strip_prefix("listening on http://") {
                    if let Some(tx) = tx.take() {
                        let _ = tx.send(addr.trim().to_owned());
                    }
                }
            }
        });
        let mut process = Self { child, base: String::new(), addr: String::new() };
        match rx.recv_timeout(Duration::from_secs(60)) {
            Ok(addr) => {
                assert!(addr.starts_with("127.0.0.1:"), "not loopback: {addr}");
                process.base = format!("http://{addr}");
                process.addr = addr;
                process
            }
            Err(_) => {
                let status = process.child.try_wait().ok().flatten();
                panic!("the demo server (--store {store}) did not start: exit status {status:?}");
            }
        }
    }

    fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    /// kill -9, as a crash would; the store must not depend on a clean shutdown.
    fn kill(mut self) -> String {
        let _ = self.child.kill();
        let _ = self.child.wait();
        std::mem::take(&mut self.addr)
    }
}

impl Drop for DemoProcess {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

// ---------------------------------------------------------------------------------------------
// HTTP

fn http() -> reqwest::Client {
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .timeout(Duration::from_secs(30))
        .build()
        .unwrap()
}

fn form(pairs: &[(&str, &str)]) -> String {
    let mut s = url::form_urlencoded::Serializer::new(String::new());
    for (k, v) in pairs {
        s.append_pair(k, v);
    }
    s.finish()
}

/// POSTs a form to `url` as `demo-client`; the status and the JSON body.
async fn post_as_client(http: &reqwest::Client, url: &str, pairs: &[(&str, &str)]) -> (u16, Value) {
    let response = http
        .post(url)
        .basic_auth(CLIENT, Some(SECRET))
        .header(CONTENT_TYPE, "application/x-www-form-urlencoded")
        .body(form(pairs))
        .send()
        .await
        .unwrap();
    let status = response.status().as_u16();
    let text = response.text().await.unwrap();
    (status, serde_json::from_str(&text).unwrap_or(Value::String(text)))
}

/// Password grant at `demo`: alice's access and refresh token.
async fn password_tokens(http: &reqwest::Client, demo: &DemoProcess) -> (String, String) {
    let (status, body) = post_as_client(
        http,
        &demo.url("/oauth/token"),
        &[
            ("grant_type", "password"),
            ("username", "alice"),
            ("password", "wonderland"),
            ("scope", "read write"),
        ],
    )
    .await;
    assert_eq!(status, 200, "{body}");
    let access = body["access_token"].as_str().expect("access_token").to_owned();
    let refresh = body["refresh_token"].as_str().expect("refresh_token").to_owned();
    (access, refresh)
}

/// Logs alice in at `demo` (posting the consent form directly) and returns the code.
async fn authorization_code(http: &reqwest::Client, demo: &DemoProcess) -> String {
    let challenge = oauth2_server::s256_challenge(VERIFIER);
    let response = http
        .post(demo.url("/oauth/authorize"))
        .header(CONTENT_TYPE, "application/x-www-form-urlencoded")
        .body(form(&[
            ("response_type", "code"),
            ("client_id", CLIENT),
            ("redirect_uri", REDIRECT),
            ("scope", "read"),
            ("state", "s1"),
            ("code_challenge", &challenge),
            ("code_challenge_method", "S256"),
            ("username", "alice"),
            ("password", "wonderland"),
            ("decision", "approve"),
        ]))
        .send()
        .await
        .unwrap();
    assert!(response.status().is_redirection(), "{}", response.status());
    let location = response.headers()[LOCATION].to_str().unwrap().to_owned();
    url::Url::parse(&location)
        .unwrap()
        .query_pairs()
        .find(|(k, _)| k == "code")
        .map(|(_, v)| v.into_owned())
        .unwrap_or_else(|| panic!("no code in {location}"))
}

/// Redeems `code` at `demo`: the status and body.
async fn redeem(http: &reqwest::Client, demo: &DemoProcess, code: &str) -> (u16, Value) {
    post_as_client(
        http,
        &demo.url("/oauth/token"),
        &[
            ("grant_type", "authorization_code"),
            ("code", code),
            ("redirect_uri", REDIRECT),
            ("code_verifier", VERIFIER),
        ],
    )
    .await
}

/// `GET /protected` at `demo` with `token`: the status and body.
async fn protected(http: &reqwest::Client, demo: &DemoProcess, token: &str) -> (StatusCode, Value) {
    let response = http.get(demo.url("/protected")).bearer_auth(token).send().await.unwrap();
    let status = response.status();
    let text = response.text().await.unwrap();
    (status, serde_json::from_str(&text).unwrap_or(Value::String(text)))
}

async fn introspect(http: &reqwest::Client, demo: &DemoProcess, token: &str) -> Value {
    let (status, body) =
        post_as_client(http, &demo.url("/oauth/introspect"), &[("token", token)]).await;
    assert_eq!(status, 200, "{body}");
    body
}

// ---------------------------------------------------------------------------------------------
// The scenarios, for any shared store URL

/// A token issued by `a` is accepted, introspected and revoked by `b`; a refresh token issued
/// by `a` rotates at `b`.
async fn token_crosses_processes(a: &DemoProcess, b: &DemoProcess) {
    let http = http();
    let (access, refresh) = password_tokens(&http, a).await;

    let (status, me) = protected(&http, b, &access).await;
    assert_eq!(status, StatusCode::OK, "{me}");
    assert_eq!(me["user"], "alice");
    assert_eq!(me["client_id"], CLIENT);

    let info = introspect(&http, b, &access).await;
    assert_eq!(info["active"], true, "{info}");
    assert_eq!(info["client_id"], CLIENT);
    assert_eq!(info["username"], "alice");

    // The refresh token from `a`, rotated at `b`: the old one is then refused at `a`.
    let (status, body) = post_as_client(
        &http,
        &b.url("/oauth/token"),
        &[("grant_type", "refresh_token"), ("refresh_token", &refresh)],
    )
    .await;
    assert_eq!(status, 200, "{body}");
    let rotated_access = body["access_token"].as_str().unwrap().to_owned();
    assert_eq!(protected(&http, a, &rotated_access).await.0, StatusCode::OK);
    let (status, body) = post_as_client(
        &http,
        &a.url("/oauth/token"),
        &[("grant_type", "refresh_token"), ("refresh_token", &refresh)],
    )
    .await;
    assert_eq!(status, 400, "rotated-out refresh token accepted by the other process: {body}");
    assert_eq!(body["error"], "invalid_grant");

    // A fresh token from `a`, revoked at `b`: refused at `a`, inactive everywhere.
    let (access, _) = password_tokens(&http, a).await;
    assert_eq!(protected(&http, a, &access).await.0, StatusCode::OK);
    let (status, body) = post_as_client(
        &http,
        &b.url("/oauth/revoke"),
        &[("token", &access), ("token_type_hint", "access_token")],
    )
    .await;
    assert_eq!(status, 200, "{body}");
    let (status, _) = protected(&http, a, &access).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED, "revoked at b, still accepted at a");
    assert_eq!(introspect(&http, a, &access).await, serde_json::json!({"active": false}));
    assert_eq!(introspect(&http, b, &access).await, serde_json::json!({"active": false}));
}

/// 50 concurrent redemptions of one code, alternating between `a` and `b`: exactly one token.
async fn code_redeemed_once_across_processes(a: &DemoProcess, b: &DemoProcess) {
    let http = http();
    let code = authorization_code(&http, a).await;
    let tasks: Vec<_> = (0..50)
        .map(|i| {
            let http = http.clone();
            let code = code.clone();
            let base = if i % 2 == 0 { a.base.clone() } else { b.base.clone() };
            tokio::spawn(async move {
                post_as_client(
                    &http,
                    &format!("{base}/oauth/token"),
                    &[
                        ("grant_type", "authorization_code"),
                        ("code", &code),
                        ("redirect_uri", REDIRECT),
                        ("code_verifier", VERIFIER),
                    ],
                )
                .await
            })
        })
        .collect();
    let mut tokens = 0;
    for task in tasks {
        let (status, body) = task.await.unwrap();
        match status {
            200 => {
                assert!(body["access_token"].is_string(), "{body}");
                tokens += 1;
            }
            400 => assert_eq!(body["error"], "invalid_grant", "{body}"),
            other => panic!("unexpected {other}: {body}"),
        }
    }
    assert_eq!(tokens, 1, "one code, {tokens} tokens across two processes");
}

/// Issue a token and a code, kill -9 the server, restart it on the same store: the token still
/// works and the code can still be redeemed.
async fn survives_restart(store: &str) {
    let http = http();
    let demo = DemoProcess::start(store, "127.0.0.1:0");
    let (access, _) = password_tokens(&http, &demo).await;
    let code = authorization_code(&http, &demo).await;
    let addr = demo.kill();

    // Same address, so the issuer is the same too.
    let demo = DemoProcess::start(store, &addr);
    let (status, me) = protected(&http, &demo, &access).await;
    assert_eq!(status, StatusCode::OK, "token lost in the restart: {me}");
    assert_eq!(me["user"], "alice");
    let (status, body) = redeem(&http, &demo, &code).await;
    assert_eq!(status, 200, "code lost in the restart: {body}");
    let (status, _) = protected(&http, &demo, body["access_token"].as_str().unwrap()).await;
    assert_eq!(status, StatusCode::OK);
}

// ---------------------------------------------------------------------------------------------
// PostgreSQL

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn postgres_two_processes_share_tokens() {
    let Some(url) = service_url(POSTGRES_VAR) else { return };
    let schema = unique_name("share");
    let _cleanup = postgres_cleanup(&url, &schema);
    let store = with_param(&url, "schema", &schema);
    let a = DemoProcess::start(&store, "127.0.0.1:0");
    let b = DemoProcess::start(&store, "127.0.0.1:0");
    assert_ne!(a.base, b.base);
    token_crosses_processes(&a, &b).await;
    token_crosses_processes(&b, &a).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn postgres_code_redeemed_once_across_two_processes() {
    let Some(url) = service_url(POSTGRES_VAR) else { return };
    let schema = unique_name("race");
    let _cleanup = postgres_cleanup(&url, &schema);
    let store = with_param(&url, "schema", &schema);
    let a = DemoProcess::start(&store, "127.0.0.1:0");
    let b = DemoProcess::start(&store, "127.0.0.1:0");
    for _ in 0..3 {
        code_redeemed_once_across_processes(&a, &b).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn postgres_tokens_and_codes_survive_a_restart() {
    let Some(url) = service_url(POSTGRES_VAR) else { return };
    let schema = unique_name("restart");
    let _cleanup = postgres_cleanup(&url, &schema);
    survives_restart(&with_param(&url, "schema", &schema)).await;
}

// ---------------------------------------------------------------------------------------------
// Redis

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn redis_two_processes_share_tokens() {
    let Some(url) = service_url(REDIS_VAR) else { return };
    let prefix = unique_name("share");
    let _cleanup = redis_cleanup(&url, &prefix);
    let store = with_param(&url, "prefix", &prefix);
    let a = DemoProcess::start(&store, "127.0.0.1:0");
    let b = DemoProcess::start(&store, "127.0.0.1:0");
    token_crosses_processes(&a, &b).await;
    token_crosses_processes(&b, &a).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn redis_code_redeemed_once_across_two_processes() {
    let Some(url) = service_url(REDIS_VAR) else { return };
    let prefix = unique_name("race");
    let _cleanup = redis_cleanup(&url, &prefix);
    let store = with_param(&url, "prefix", &prefix);
    let a = DemoProcess::start(&store, "127.0.0.1:0");
    let b = DemoProcess::start(&store, "127.0.0.1:0");
    for _ in 0..3 {
        code_redeemed_once_across_processes(&a, &b).await;
    }
}

// ---------------------------------------------------------------------------------------------
// SQLite (no service needed)

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sqlite_tokens_and_codes_survive_a_restart() {
    let path = std::env::temp_dir().join(format!("{}.db", unique_name("restart")));
    let path = path.to_str().expect("UTF-8 temp dir").to_owned();
    let _cleanup = {
        let path = path.clone();
        Cleanup::new(move || async move {
            for suffix in ["", "-wal", "-shm"] {
                let _ = std::fs::remove_file(format!("{path}{suffix}"));
            }
        })
    };
    survives_restart(&format!("sqlite://{path}")).await;
}

/// Two processes on one SQLite file also share tokens (SQLite serialises the writers).
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn sqlite_two_processes_share_one_file() {
    let path = std::env::temp_dir().join(format!("{}.db", unique_name("share")));
    let path = path.to_str().expect("UTF-8 temp dir").to_owned();
    let _cleanup = {
        let path = path.clone();
        Cleanup::new(move || async move {
            for suffix in ["", "-wal", "-shm"] {
                let _ = std::fs::remove_file(format!("{path}{suffix}"));
            }
        })
    };
    let store = format!("sqlite://{path}");
    let a = DemoProcess::start(&store, "127.0.0.1:0");
    let b = DemoProcess::start(&store, "127.0.0.1:0");
    token_crosses_processes(&a, &b).await;
    code_redeemed_once_across_processes(&a, &b).await;
}
