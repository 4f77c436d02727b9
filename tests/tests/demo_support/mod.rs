//! Runs the demo server (`oauth2_server_examples::server`, the code behind
//! `cargo run --example server`) on a random loopback port for one test.

#![allow(dead_code, unreachable_pub)]

use std::net::SocketAddr;

use oauth2_server_examples::server::{build_server, router, serve, DemoConfig};
use tokio::sync::oneshot;

/// A running demo server; stopped when dropped.
pub struct Demo {
    pub addr: SocketAddr,
    pub base: String,
    stop: Option<oneshot::Sender<()>>,
}

impl Demo {
    /// Starts the server with `config` on 127.0.0.1 and a free port; the issuer is its base URL.
    pub async fn start(config: DemoConfig) -> Self {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind loopback");
        let addr = listener.local_addr().expect("local addr");
        let base = format!("http://{addr}");
        let server = build_server(&config, &base).expect("demo config builds");
        let (stop, stopped) = oneshot::channel::<()>();
        tokio::spawn(serve(listener, router(server), async {
            let _ = stopped.await;
        }));
        Self { addr, base, stop: Some(stop) }
    }

    /// `base` + `path`.
    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }
}

impl Drop for Demo {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
    }
}

/// The built-in demo config, with every client's redirect URI replaced by `redirect_uri`.
pub fn demo_config_with_redirect(redirect_uri: &str) -> DemoConfig {
    let mut config = DemoConfig::builtin();
    for client in &mut config.clients {
        client.redirect_uris = vec![redirect_uri.to_owned()];
    }
    config
}

/// An HTTP client that does not follow redirects (so tests see each `Location`).
pub fn http_client() -> reqwest::Client {
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .expect("reqwest client")
}

/// The query parameters of `url` as pairs.
pub fn query_pairs(url: &str) -> Vec<(String, String)> {
    url::Url::parse(url)
        .expect("absolute URL")
        .query_pairs()
        .map(|(k, v)| (k.into_owned(), v.into_owned()))
        .collect()
}

/// The value of `name` in `pairs`.
pub fn param<'a>(pairs: &'a [(String, String)], name: &str) -> Option<&'a str> {
    pairs.iter().find(|(k, _)| k == name).map(|(_, v)| v.as_str())
}
