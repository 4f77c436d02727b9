//! A real browser through the demo server's login + consent page: headless Chromium driven
//! over WebDriver (chromedriver + `fantoccini`) opens the authorization URL, fills in and
//! submits the form, lands on the client's redirect URI (a tiny callback server on another
//! loopback port) with a code, which the test exchanges with the `oauth2` client crate.
//!
//! Needs the Debian packages `chromium` and `chromium-driver`. Without them the test prints why
//! and passes, unless `OAUTH2_SERVER_REQUIRE_BROWSER=1` (set by `.ci/run`): then it fails.
//! A screenshot of the consent page is written to `target/test-artifacts/consent.png`.
//!
//! Run: `cargo test -p oauth2-server-tests --test browser_consent -- --nocapture`

mod demo_support;

use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use axum::response::Html;
use axum::routing::get;
use demo_support::{demo_config_with_redirect, http_client, param, query_pairs, Demo};
use fantoccini::{ClientBuilder, Locator};
use oauth2::basic::BasicClient;
use oauth2::{
    AuthUrl, AuthorizationCode, ClientId, CsrfToken, PkceCodeChallenge, RedirectUrl, Scope,
    TokenResponse, TokenUrl,
};

const CHROMIUM_FLAGS: [&str; 9] = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--window-size=800,900",
];

fn find_in_path(names: &[&str]) -> Option<PathBuf> {
    let path = std::env::var_os("PATH")?;
    names.iter().find_map(|name| {
        std::env::split_paths(&path).map(|dir| dir.join(name)).find(|p| p.is_file())
    })
}

/// Kills and reaps the child (chromedriver) when the test ends, however it ends.
struct ChildGuard(Child);

impl Drop for ChildGuard {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// Removes the browser profile directory at the end.
struct TempDir(PathBuf);

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}

fn wait_for_port(port: u16, timeout: Duration) -> bool {
    let start = Instant::now();
    while start.elapsed() < timeout {
        if TcpStream::connect(("127.0.0.1", port)).is_ok() {
            return true;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    false
}

fn artifacts_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..").join("target").join("test-artifacts")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn chromium_logs_in_on_the_consent_page_and_the_code_is_exchanged() {
    let required = std::env::var("OAUTH2_SERVER_REQUIRE_BROWSER").is_ok_and(|v| v == "1");
    let chromium = find_in_path(&["chromium", "chromium-browser", "google-chrome"]);
    let driver = find_in_path(&["chromedriver"]);
    let (chromium, driver) = match (chromium, driver) {
        (Some(c), Some(d)) => (c, d),
        (c, d) => {
            let reason = format!(
                "browser test skipped: {} not found in PATH (Debian: apt-get install chromium chromium-driver)",
                if c.is_none() { "chromium" } else if d.is_none() { "chromedriver" } else { "?" }
            );
            assert!(!required, "OAUTH2_SERVER_REQUIRE_BROWSER=1 but {reason}");
            eprintln!("{reason}");
            return;
        }
    };

    // The client's redirect URI: a callback page on its own loopback port.
    let cb_listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let cb_addr = cb_listener.local_addr().unwrap();
    let callback = axum::Router::new().route(
        "/cb",
        get(|| async { Html("<!DOCTYPE html><title>callback</title><p>Back at the client.</p>") }),
    );
    tokio::spawn(async move { axum::serve(cb_listener, callback).await });
    let redirect_uri = format!("http://{cb_addr}/cb");
    let demo = Demo::start(demo_config_with_redirect(&redirect_uri)).await;

    let port = free_port();
    let _driver = ChildGuard(
        Command::new(&driver)
            .arg(format!("--port={port}"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("start chromedriver"),
    );
    assert!(wait_for_port(port, Duration::from_secs(20)), "chromedriver did not start");

    let profile = TempDir(
        std::env::temp_dir().join(format!("oauth2-server-chromium-{}-{port}", std::process::id())),
    );
    let mut args: Vec<String> = CHROMIUM_FLAGS.iter().map(|s| (*s).to_owned()).collect();
    args.push(format!("--user-data-dir={}", profile.0.display()));
    let mut caps = serde_json::Map::new();
    caps.insert(
        "goog:chromeOptions".to_owned(),
        serde_json::json!({ "binary": chromium.to_string_lossy(), "args": args }),
    );
    let browser = ClientBuilder::new(hyper_util::client::legacy::connect::HttpConnector::new())
        .capabilities(caps)
        .connect(&format!("http://127.0.0.1:{port}"))
        .await
        .expect("WebDriver session");

    let result = drive(&browser, &demo, &redirect_uri).await;
    let _ = browser.close().await;
    result.unwrap();
}

async fn drive(
    browser: &fantoccini::Client,
    demo: &Demo,
    redirect_uri: &str,
) -> Result<(), String> {
    let oauth = BasicClient::new(ClientId::new("demo-spa".to_owned()))
        .set_auth_uri(AuthUrl::new(demo.url("/oauth/authorize")).unwrap())
        .set_token_uri(TokenUrl::new(demo.url("/oauth/token")).unwrap())
        .set_redirect_uri(RedirectUrl::new(redirect_uri.to_owned()).unwrap());
    let (challenge, verifier) = PkceCodeChallenge::new_random_sha256();
    let (auth_url, csrf) = oauth
        .authorize_url(CsrfToken::new_random)
        .add_scope(Scope::new("read".to_owned()))
        .set_pkce_challenge(challenge)
        .url();

    browser.goto(auth_url.as_str()).await.map_err(|e| format!("goto: {e}"))?;
    let heading = browser.find(Locator::Css("h1")).await.map_err(|e| format!("h1: {e}"))?;
    let heading = heading.text().await.map_err(|e| e.to_string())?;
    if !heading.contains("demo-spa") {
        return Err(format!("unexpected page heading {heading:?}"));
    }
    let scopes =
        browser.find(Locator::Css("ul.scopes")).await.map_err(|e| format!("scopes: {e}"))?;
    let scopes = scopes.text().await.map_err(|e| e.to_string())?;
    if !scopes.contains("read") {
        return Err(format!("the page does not show the scope: {scopes:?}"));
    }
    let png = browser.screenshot().await.map_err(|e| format!("screenshot: {e}"))?;
    let dir = artifacts_dir();
    std::fs::create_dir_all(&dir).map_err(|e| e.to_string())?;
    std::fs::write(dir.join("consent.png"), png).map_err(|e| e.to_string())?;
    eprintln!("consent page screenshot: {}", dir.join("consent.png").display());

    let field = |css: &'static str| async move {
        browser.find(Locator::Css(css)).await.map_err(|e| format!("{css}: {e}"))
    };
    field("#username").await?.send_keys("alice").await.map_err(|e| e.to_string())?;
    field("#password").await?.send_keys("wonderland").await.map_err(|e| e.to_string())?;
    field("button[name=decision][value=approve]")
        .await?
        .click()
        .await
        .map_err(|e| e.to_string())?;

    // The browser follows the 303 to the client's callback.
    let start = Instant::now();
    let landed = loop {
        let url = browser.current_url().await.map_err(|e| e.to_string())?;
        if url.as_str().starts_with(redirect_uri) {
            break url;
        }
        if start.elapsed() > Duration::from_secs(15) {
            return Err(format!("the browser did not reach the redirect URI; it is at {url}"));
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    };
    let pairs = query_pairs(landed.as_str());
    if param(&pairs, "state") != Some(csrf.secret().as_str()) {
        return Err(format!("state not returned: {landed}"));
    }
    if param(&pairs, "iss") != Some(demo.base.as_str()) {
        return Err(format!("iss missing or wrong: {landed}"));
    }
    let code = param(&pairs, "code").ok_or(format!("no code in {landed}"))?;
    let http = http_client();
    let token = oauth
        .exchange_code(AuthorizationCode::new(code.to_owned()))
        .set_pkce_verifier(verifier)
        .request_async(&http)
        .await
        .map_err(|e| format!("code exchange: {e:?}"))?;
    let me = http
        .get(demo.url("/protected"))
        .bearer_auth(token.access_token().secret())
        .send()
        .await
        .map_err(|e| e.to_string())?
        .text()
        .await
        .map_err(|e| e.to_string())?;
    let me: serde_json::Value = serde_json::from_str(&me).map_err(|e| e.to_string())?;
    if me != serde_json::json!({"user": "alice", "client_id": "demo-spa", "scope": "read"}) {
        return Err(format!("unexpected /protected answer {me}"));
    }
    Ok(())
}
