//! Property tests (proptest) over the library with `MemoryStore` (docs/SECURITY.md):
//!
//! - any token request gets a token or an RFC 6749 5.2 error JSON with a 4xx: never a panic,
//!   never a 5xx;
//! - scope strings round-trip through their normalized form;
//! - redirect matching never accepts an unregistered URI, except the port variant of a
//!   registered loopback IP literal URI, and such a variant names the same host to a browser;
//! - a code or a refresh token is never accepted twice, in sequence or concurrently.
//!
//! Case counts are moderate (the whole file runs in a few seconds); raise them with
//! `PROPTEST_CASES=N` for a longer search.

mod common;

use std::sync::Arc;

use base64::engine::general_purpose::STANDARD;
use base64::Engine as _;
use common::*;
use http::{HeaderValue, Method, StatusCode};
use oauth2_server::{resolve_redirect_uri, Client, ClientSecret, OAuthRequest, Scope};
use proptest::prelude::*;
use proptest::test_runner::Config;

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap()
}

fn config(cases: u32) -> Config {
    // PROPTEST_CASES (read by Config::default) wins over the per-test default.
    let mut config = Config::default();
    if std::env::var_os("PROPTEST_CASES").is_none() {
        config.cases = cases;
    }
    config
}

// ---------------------------------------------------------------------------------------------
// The token endpoint never panics and never answers 5xx.

const NAMES: &[&str] = &[
    "grant_type",
    "code",
    "redirect_uri",
    "client_id",
    "client_secret",
    "code_verifier",
    "refresh_token",
    "scope",
    "username",
    "password",
    "access_token",
    "state",
];

const VALUES: &[&str] = &[
    "authorization_code",
    "refresh_token",
    "client_credentials",
    "password",
    "urn:ietf:params:oauth:grant-type:jwt-bearer",
    "read",
    "write",
    "read write",
    "admin",
    APP,
    SPA,
    OTHER,
    APP_SECRET,
    OTHER_SECRET,
    USERNAME,
    PASSWORD,
    APP_REDIRECT,
    VERIFIER,
    "",
    " ",
    "%",
    "\u{0}",
    "é",
];

fn value() -> impl Strategy<Value = String> {
    prop_oneof![
        3 => proptest::sample::select(VALUES).prop_map(str::to_owned),
        1 => any::<String>(),
        1 => "[ -~]{0,80}",
    ]
}

fn name() -> impl Strategy<Value = String> {
    prop_oneof![
        4 => proptest::sample::select(NAMES).prop_map(str::to_owned),
        1 => "[a-z_]{0,12}",
    ]
}

/// A body or query: well-formed pairs (repeats possible) or arbitrary bytes.
fn params() -> impl Strategy<Value = Vec<u8>> {
    prop_oneof![
        3 => proptest::collection::vec((name(), value()), 0..8).prop_map(|pairs| {
            let mut ser = url::form_urlencoded::Serializer::new(String::new());
            for (k, v) in &pairs {
                ser.append_pair(k, v);
            }
            ser.finish().into_bytes()
        }),
        1 => proptest::collection::vec(any::<u8>(), 0..200),
        1 => "[ -~]{0,200}".prop_map(String::into_bytes),
    ]
}

fn authorization() -> impl Strategy<Value = Option<Vec<u8>>> {
    prop_oneof![
        2 => Just(None),
        3 => (value(), value()).prop_map(|(id, secret)| {
            Some(format!("Basic {}", STANDARD.encode(format!("{id}:{secret}"))).into_bytes())
        }),
        1 => value().prop_map(|t| Some(format!("Bearer {t}").into_bytes())),
        1 => proptest::collection::vec(any::<u8>(), 0..64).prop_map(Some),
        1 => "(basic|Basic|BASIC|Bearer) {0,3}[ -~]{0,40}".prop_map(|s| Some(s.into_bytes())),
    ]
}

#[derive(Debug, Clone)]
struct RawRequest {
    method: Method,
    content_type: Option<&'static str>,
    authorization: Option<Vec<u8>>,
    query: Vec<u8>,
    body: Vec<u8>,
}

fn raw_request() -> impl Strategy<Value = RawRequest> {
    let method = prop_oneof![
        6 => Just(Method::POST),
        1 => Just(Method::GET),
        1 => Just(Method::PUT),
        1 => Just(Method::HEAD),
    ];
    let content_type = proptest::option::weighted(
        0.85,
        proptest::sample::select(
            &[
                "application/x-www-form-urlencoded",
                "application/x-www-form-urlencoded; charset=UTF-8",
                "APPLICATION/X-WWW-FORM-URLENCODED",
                "application/json",
                "text/plain",
                "multipart/form-data; boundary=x",
            ][..],
        ),
    );
    (method, content_type, authorization(), params(), params()).prop_map(
        |(method, content_type, authorization, query, body)| RawRequest {
            method,
            content_type,
            authorization,
            query,
            body,
        },
    )
}

impl RawRequest {
    fn build(&self) -> OAuthRequest {
        let mut req = OAuthRequest::new(self.method.clone())
            .with_query(String::from_utf8_lossy(&self.query).into_owned())
            .with_body(self.body.clone());
        if let Some(ct) = self.content_type {
            req = req.with_header("content-type", ct);
        }
        if let Some(Ok(value)) = self.authorization.as_deref().map(HeaderValue::from_bytes) {
            req.headers_mut().insert("authorization", value);
        }
        req
    }
}

const TOKEN_ERRORS: &[&str] = &[
    "invalid_request",
    "invalid_client",
    "invalid_grant",
    "unauthorized_client",
    "unsupported_grant_type",
    "invalid_scope",
    "temporarily_unavailable",
];

proptest! {
    #![proptest_config(config(384))]

    #[test]
    fn token_endpoint_answers_a_token_or_an_rfc_error_never_5xx(raw in raw_request()) {
        let server = server();
        let resp = runtime().block_on(server.token_response(&raw.build()));
        let status = resp.status();
        prop_assert!(!status.is_server_error(), "{status}: {}", resp.body_str());
        let body: serde_json::Value = serde_json::from_str(resp.body_str())
            .map_err(|e| TestCaseError::fail(format!("not JSON ({e}): {}", resp.body_str())))?;
        if status == StatusCode::OK {
            prop_assert!(body["access_token"].is_string());
            prop_assert_eq!(&body["token_type"], "Bearer");
            prop_assert_eq!(&resp.headers()["cache-control"], "no-store");
        } else {
            prop_assert!(status.is_client_error(), "{status}");
            let code = body["error"].as_str().unwrap_or_default();
            prop_assert!(TOKEN_ERRORS.contains(&code), "error {code:?}");
            prop_assert!(body.get("access_token").is_none());
            if status == StatusCode::UNAUTHORIZED {
                prop_assert!(resp.headers().contains_key("www-authenticate"));
            }
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Scopes round-trip.

fn scope_token() -> impl Strategy<Value = String> {
    // RFC 6749 3.3: %x21 / %x23-5B / %x5D-7E
    "[!#-\\[\\]-~]{1,12}"
}

proptest! {
    #![proptest_config(config(512))]

    #[test]
    fn scope_strings_round_trip(
        tokens in proptest::collection::vec(scope_token(), 0..8),
        seps in proptest::collection::vec(" {1,3}", 8),
        lead in " {0,2}",
    ) {
        let mut raw = lead;
        for (t, sep) in tokens.iter().zip(&seps) {
            raw.push_str(t);
            raw.push_str(sep);
        }
        let s = Scope::parse(&raw).unwrap();
        prop_assert_eq!(Scope::parse(s.as_str()).unwrap(), s.clone());
        prop_assert!(!s.as_str().contains("  ") && !s.as_str().starts_with(' '));
        for t in &tokens {
            prop_assert!(s.contains(t));
        }
        prop_assert_eq!(Scope::from_tokens(s.iter()).unwrap(), s.clone());
        let json = serde_json::to_string(&s).unwrap();
        prop_assert_eq!(serde_json::from_str::<Scope>(&json).unwrap(), s);
    }

    #[test]
    fn any_string_either_fails_or_round_trips(raw in any::<String>()) {
        if let Ok(s) = Scope::parse(&raw) {
            prop_assert_eq!(Scope::parse(s.as_str()).unwrap(), s);
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Redirect matching.

fn registered_uri() -> impl Strategy<Value = String> {
    prop_oneof![
        Just("https://app.example/cb".to_owned()),
        Just("https://app.example/cb?x=1".to_owned()),
        Just("http://127.0.0.1:9999/cb".to_owned()),
        Just("http://127.0.0.1/cb".to_owned()),
        Just("http://[::1]:8080/cb".to_owned()),
        Just("com.example.app:/oauth".to_owned()),
        "https://[a-z]{1,8}\\.example/[a-z]{0,6}",
    ]
}

/// Variants of a registered URI an attacker would try.
fn mutate(uri: &str, how: u8, text: &str, at: usize) -> String {
    let mut at = at % (uri.len() + 1);
    while !uri.is_char_boundary(at) {
        at -= 1;
    }
    match how % 12 {
        0 => format!("{uri}/"),
        1 => uri.trim_end_matches('/').to_owned(),
        2 => uri.to_ascii_uppercase(),
        3 => format!("{uri}#{text}"),
        4 => uri.replacen("://", &format!("://{text}@"), 1),
        5 => format!("{uri}@evil.example"),
        6 => uri.replacen("/cb", &format!(":{}/cb", at), 1),
        7 => format!("//evil.example{}", &uri[at..]),
        8 => format!("{}{}{}", &uri[..at], text, &uri[at..]),
        9 => uri.replacen("127.0.0.1", "127.0.0.1.evil.example", 1),
        10 => format!("{uri}?{text}"),
        _ => text.to_owned(),
    }
}

/// `http://HOST[:port]REST` on a loopback IP literal: (HOST, REST), for the exception's oracle.
fn loopback_parts(uri: &str) -> Option<(url::Host<String>, String)> {
    let parsed = url::Url::parse(uri).ok()?;
    let host = parsed.host()?.to_owned();
    let loopback = match &host {
        url::Host::Ipv4(ip) => *ip == std::net::Ipv4Addr::LOCALHOST,
        url::Host::Ipv6(ip) => *ip == std::net::Ipv6Addr::LOCALHOST,
        url::Host::Domain(_) => false,
    };
    let plain = parsed.scheme() == "http"
        && parsed.username().is_empty()
        && parsed.password().is_none()
        && parsed.fragment().is_none();
    (loopback && plain).then(|| {
        let rest = format!(
            "{}{}",
            parsed.path(),
            parsed.query().map(|q| format!("?{q}")).unwrap_or_default()
        );
        (host, rest)
    })
}

proptest! {
    #![proptest_config(config(1024))]

    #[test]
    fn redirect_matching_accepts_only_registered_uris_or_a_loopback_port(
        registered in proptest::collection::vec(registered_uri(), 1..4),
        pick in any::<usize>(),
        how in any::<u8>(),
        text in "[ -~]{0,16}",
        at in any::<usize>(),
    ) {
        let base = &registered[pick % registered.len()];
        let requested = mutate(base, how, &text, at);
        let client = Client::confidential("c", ClientSecret::plain("s"))
            .redirect_uris(registered.iter().cloned());
        if let Ok(uri) = resolve_redirect_uri(&client, Some(&requested)) {
            prop_assert_eq!(uri, requested.as_str());
            if !registered.contains(&requested) {
                // Only the loopback port exception: same host and path/query to a browser.
                let req = loopback_parts(&requested);
                prop_assert!(req.is_some(), "accepted unregistered {requested:?}");
                prop_assert!(
                    registered.iter().any(|r| loopback_parts(r) == req),
                    "accepted {requested:?}, not a port variant of {registered:?}"
                );
            }
        }
    }
}

#[test]
fn redirect_attacks_from_the_issue_are_refused() {
    let client = Client::confidential("c", ClientSecret::plain("s"))
        .redirect_uris(["http://127.0.0.1:9999/cb", "https://app.example/cb"]);
    for bad in [
        "//evil",
        "//evil.example/cb",
        "http://127.0.0.1:9999/cb@evil",
        "http://127.0.0.1:9999/cb@evil.example",
        "http://127.0.0.1:9999@evil.example/cb",
        "http://user:pass@127.0.0.1:9999/cb",
        "http://127.0.0.1:9999/cb#@evil.example",
        "http://127.0.0.1:9999/cb/",
        "http://127.0.0.1:9999/CB",
        "HTTP://127.0.0.1:9999/cb",
        "https://APP.example/cb",
        "https://app.example/cb/",
        "https://app.example/cb#frag",
        "https://app.example/cb?x=1",
        "https://app.example/cb/../evil",
        "https://app.example.evil/cb",
        "http://127.0.0.1.evil.example:9999/cb",
        "http://127.0.0.1:99999/cb",
        "http://127.0.0.1:9999\\@evil.example/cb",
        "http://localhost:9999/cb",
    ] {
        assert!(resolve_redirect_uri(&client, Some(bad)).is_err(), "{bad:?} accepted");
    }
    assert!(resolve_redirect_uri(&client, Some("http://127.0.0.1:1234/cb")).is_ok());
}

// ---------------------------------------------------------------------------------------------
// Single use: codes and refresh tokens.

proptest! {
    #![proptest_config(config(48))]

    #[test]
    fn an_authorization_code_is_accepted_at_most_once(attempts in 2usize..6, concurrent in any::<bool>()) {
        let rt = tokio::runtime::Builder::new_multi_thread().worker_threads(2).build().unwrap();
        let ok = rt.block_on(async move {
            let server = Arc::new(server());
            let code = app_code(&*server).await;
            redeem_all(server, attempts, concurrent, move || app_code_request(&code)).await
        });
        prop_assert_eq!(ok, 1, "code accepted {} times of {}", ok, attempts);
    }

    #[test]
    fn a_refresh_token_is_accepted_at_most_once(attempts in 2usize..6, concurrent in any::<bool>()) {
        let rt = tokio::runtime::Builder::new_multi_thread().worker_threads(2).build().unwrap();
        let ok = rt.block_on(async move {
            let server = Arc::new(server());
            let body = token_ok(&*server, &app_request("grant_type=password&username=alice&password=wonderland")).await;
            let refresh = str_of(&body, "refresh_token").to_owned();
            redeem_all(server, attempts, concurrent, move || app_refresh_request(&refresh)).await
        });
        prop_assert_eq!(ok, 1, "refresh token accepted {} times of {}", ok, attempts);
    }
}

/// Sends `attempts` copies of a request (all at once or one after the other) and counts the
/// successes; every answer must be 200 or 400 `invalid_grant`.
async fn redeem_all(
    server: Arc<Server>,
    attempts: usize,
    concurrent: bool,
    request: impl Fn() -> OAuthRequest,
) -> usize {
    let mut statuses = Vec::new();
    if concurrent {
        let tasks: Vec<_> = (0..attempts)
            .map(|_| {
                let server = Arc::clone(&server);
                let req = request();
                tokio::spawn(async move { token(&*server, &req).await })
            })
            .collect();
        for t in tasks {
            statuses.push(t.await.unwrap());
        }
    } else {
        for _ in 0..attempts {
            statuses.push(token(&*server, &request()).await);
        }
    }
    for (status, _, body) in &statuses {
        assert!(
            *status == StatusCode::OK
                || (*status == StatusCode::BAD_REQUEST && body["error"] == "invalid_grant"),
            "{status} {body}"
        );
    }
    statuses.iter().filter(|(s, _, _)| *s == StatusCode::OK).count()
}
