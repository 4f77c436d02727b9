//! Shared fixtures of the fuzz targets: a `MemoryStore` server with the clients and user of the
//! integration tests, a runtime to drive the async endpoints, and the invariants every answer
//! must keep.

use std::sync::OnceLock;

use oauth2_server::{
    Client, ClientSecret, GrantType, MemoryStore, OAuthRequest, OAuthResponse, OAuthServer,
};

/// The fuzzed server's model.
pub type Store = MemoryStore<String>;
/// The fuzzed server.
pub type Server = OAuthServer<Store>;

/// Confidential client with every grant (SHA-256 secret).
pub const APP: &str = "app";
/// `app`'s secret.
pub const APP_SECRET: &str = "app-secret";
/// `app`'s redirect URI.
pub const APP_REDIRECT: &str = "https://app.example/cb";
/// Public client.
pub const SPA: &str = "spa";
/// The user.
pub const USERNAME: &str = "alice";
/// The user's password.
pub const PASSWORD: &str = "wonderland";
/// RFC 7636 Appendix B.
pub const VERIFIER: &str = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk";
/// RFC 7636 Appendix B.
pub const CHALLENGE: &str = "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM";

fn all_grants() -> [GrantType; 4] {
    [
        GrantType::AuthorizationCode,
        GrantType::ClientCredentials,
        GrantType::Password,
        GrantType::RefreshToken,
    ]
}

/// A fresh server: clients `app` (confidential, SHA-256 secret), `plain` (confidential, plain
/// secret `plain-secret`), `spa` (public, loopback redirect) and user alice.
pub fn server() -> Server {
    let store = Store::new();
    store.add_client(
        Client::confidential(APP, ClientSecret::sha256(APP_SECRET))
            .redirect_uri(APP_REDIRECT)
            .grants(all_grants())
            .scopes("read write")
            .expect("scopes"),
    );
    store.add_client(
        Client::confidential("plain", ClientSecret::plain("plain-secret"))
            .redirect_uris(["https://plain.example/cb", "https://plain.example/cb2?x=1"])
            .grants(all_grants())
            .scopes("read")
            .expect("scopes"),
    );
    store.add_client(
        Client::public(SPA)
            .redirect_uri("http://127.0.0.1:9999/cb")
            .grants([GrantType::AuthorizationCode, GrantType::RefreshToken])
            .scopes("read")
            .expect("scopes"),
    );
    store.add_user(USERNAME, PASSWORD, USERNAME.to_owned());
    OAuthServer::builder(store)
        .authorization_code()
        .client_credentials()
        .password()
        .refresh_token()
        .revocation()
        .introspection()
        .issuer("https://as.example")
        .build()
        .expect("server builds")
}

/// Runs a future to completion on a shared current-thread runtime.
pub fn block_on<F: std::future::Future>(f: F) -> F::Output {
    static RT: OnceLock<tokio::runtime::Runtime> = OnceLock::new();
    RT.get_or_init(|| {
        tokio::runtime::Builder::new_current_thread().enable_all().build().expect("runtime")
    })
    .block_on(f)
}

/// The invariants of a token-endpoint style answer: 200 with an access token and `no-store`,
/// or a 4xx with an RFC 6749 5.2 error JSON; never a 5xx (the model here never fails).
pub fn check_token_answer(resp: &OAuthResponse) {
    let status = resp.status();
    assert!(!status.is_server_error(), "5xx: {status} {}", resp.body_str());
    let body: serde_json::Value =
        serde_json::from_str(resp.body_str()).expect("the token endpoint always answers JSON");
    if status.is_success() {
        assert_eq!(status.as_u16(), 200);
        assert!(body["access_token"].is_string(), "{body}");
        assert_eq!(body["token_type"], "Bearer");
        assert_eq!(resp.headers()["cache-control"], "no-store");
    } else {
        assert!(status.is_client_error(), "{status}");
        let code = body["error"].as_str().expect("an error code");
        assert!(
            [
                "invalid_request",
                "invalid_client",
                "invalid_grant",
                "unauthorized_client",
                "unsupported_grant_type",
                "invalid_scope",
                "temporarily_unavailable",
            ]
            .contains(&code),
            "unexpected error code {code}"
        );
        assert!(body.get("access_token").is_none());
        if code == "invalid_client" && status.as_u16() == 401 {
            assert!(resp.headers().contains_key("www-authenticate"));
        }
    }
}

/// A request with raw header bytes (dropped by `http` when they are not a valid value).
pub fn with_raw_header(mut req: OAuthRequest, name: &'static str, value: &[u8]) -> OAuthRequest {
    if let Ok(v) = http::HeaderValue::from_bytes(value) {
        req.headers_mut().append(name, v);
    }
    req
}
