//! Adversarial HTTP against the demo server (docs/SECURITY.md): oversized bodies, 10,000
//! parameters, non-UTF-8 bytes, CR/LF injection, markup in echoed values, open-redirect
//! attempts, slow headers and slow bodies, brute force on the login form and the token
//! endpoint. After each case the server must still issue a token to a normal request.
//!
//! The server runs in this test process (demo_support), so "memory bounded" is checked on this
//! process's resident set.
//!
//! Run: `cargo test -p oauth2-server-tests --test adversarial_http`

mod demo_support;

use std::time::{Duration, Instant};

use demo_support::{http_client, Demo};
use oauth2_server_examples::server::{
    DemoConfig, BODY_LIMIT, HEADER_READ_TIMEOUT, LOGIN_BURST, REQUEST_TIMEOUT,
};
use reqwest::header::{CONTENT_TYPE, LOCATION, RETRY_AFTER};
use reqwest::StatusCode;
use serde_json::Value;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

const REDIRECT: &str = "http://127.0.0.1:9999/cb";
/// base64("demo-client:demo-secret")
const DEMO_BASIC: &str = "Basic ZGVtby1jbGllbnQ6ZGVtby1zZWNyZXQ=";
// The body limit the 1 MB / 100 MB case relies on.
const _: () = assert!(BODY_LIMIT <= 64 * 1024);

fn form(pairs: &[(&str, &str)]) -> String {
    let mut s = url::form_urlencoded::Serializer::new(String::new());
    for (k, v) in pairs {
        s.append_pair(k, v);
    }
    s.finish()
}

/// The server still serves: a client_credentials token request succeeds.
async fn assert_healthy(demo: &Demo) {
    let r = tokio::time::timeout(
        Duration::from_secs(5),
        http_client()
            .post(demo.url("/oauth/token"))
            .header("authorization", DEMO_BASIC)
            .header(CONTENT_TYPE, "application/x-www-form-urlencoded")
            .body("grant_type=client_credentials&scope=read")
            .send(),
    )
    .await
    .expect("the server answers within 5 s")
    .expect("the server answers");
    assert_eq!(r.status(), StatusCode::OK);
    let body: Value = serde_json::from_str(&r.text().await.unwrap()).unwrap();
    assert!(body["access_token"].is_string(), "{body}");
}

/// A raw HTTP answer.
struct Raw {
    status: u16,
    head: String,
    body: String,
}

impl Raw {
    fn header(&self, name: &str) -> Option<&str> {
        self.head.split("\r\n").skip(1).find_map(|line| {
            let (k, v) = line.split_once(':')?;
            k.trim().eq_ignore_ascii_case(name).then(|| v.trim())
        })
    }
}

fn parse_raw(bytes: &[u8]) -> Raw {
    let text = String::from_utf8_lossy(bytes);
    let (head, body) = text.split_once("\r\n\r\n").unwrap_or((&text, ""));
    let status = head
        .split(' ')
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| panic!("no status line in {text:?}"));
    Raw { status, head: head.to_owned(), body: body.to_owned() }
}

/// Sends `request` as is (it should say `Connection: close`) and reads the whole answer.
async fn raw(demo: &Demo, request: &[u8]) -> Raw {
    let mut tcp = TcpStream::connect(demo.addr).await.unwrap();
    tcp.write_all(request).await.unwrap();
    let mut out = Vec::new();
    tokio::time::timeout(Duration::from_secs(10), tcp.read_to_end(&mut out))
        .await
        .expect("an answer within 10 s")
        .unwrap();
    parse_raw(&out)
}

fn resident_kib() -> u64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        .unwrap_or(0)
}

/// Posts a body of `len` bytes to the token endpoint in 64 KiB writes, reading the answer at
/// the same time; returns the answer and how many body bytes the server took before it.
async fn post_huge(demo: &Demo, len: u64) -> (Raw, u64) {
    let tcp = TcpStream::connect(demo.addr).await.unwrap();
    let (mut rd, mut wr) = tcp.into_split();
    let head = format!(
        "POST /oauth/token HTTP/1.1\r\nHost: x\r\nAuthorization: {DEMO_BASIC}\r\n\
         Content-Type: application/x-www-form-urlencoded\r\nContent-Length: {len}\r\n\r\n"
    );
    let writer = tokio::spawn(async move {
        wr.write_all(head.as_bytes()).await.unwrap();
        let chunk = vec![b'a'; 64 * 1024];
        let mut sent = 0u64;
        while sent < len {
            let n = chunk.len().min((len - sent) as usize);
            if wr.write_all(&chunk[..n]).await.is_err() {
                break;
            }
            sent += n as u64;
        }
        sent
    });
    let mut out = Vec::new();
    let mut buf = [0u8; 4096];
    // Read until the end of the answer's head (and whatever body follows at once).
    let read = async {
        loop {
            match rd.read(&mut buf).await {
                Ok(0) | Err(_) => break,
                Ok(n) => {
                    out.extend_from_slice(&buf[..n]);
                    if let Some(end) = out.windows(4).position(|w| w == b"\r\n\r\n") {
                        let raw = parse_raw(&out);
                        let want: usize =
                            raw.header("content-length").map_or(0, |v| v.parse().unwrap());
                        if out.len() >= end + 4 + want {
                            break;
                        }
                    }
                }
            }
        }
    };
    tokio::time::timeout(Duration::from_secs(20), read).await.expect("an answer within 20 s");
    drop(rd);
    let sent = tokio::time::timeout(Duration::from_secs(20), writer)
        .await
        .expect("the writer stops")
        .unwrap();
    (parse_raw(&out), sent)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn one_megabyte_and_100_megabyte_bodies_are_413_early_with_memory_bounded() {
    let demo = Demo::start(DemoConfig::builtin()).await;
    let before = resident_kib();
    for len in [1024 * 1024, 100 * 1024 * 1024] {
        let started = Instant::now();
        let (answer, sent) = post_huge(&demo, len).await;
        assert_eq!(answer.status, 413, "{len} bytes: {}", answer.head);
        let error: Value = serde_json::from_str(&answer.body).unwrap();
        assert_eq!(error["error"], "invalid_request");
        // Rejected early: the server stops reading long before a 100 MB body is through.
        if len > 1024 * 1024 {
            assert!(sent < len, "the whole {len} bytes were taken");
        }
        assert!(started.elapsed() < Duration::from_secs(10), "{:?}", started.elapsed());
        assert_healthy(&demo).await;
    }
    let grown = resident_kib().saturating_sub(before);
    assert!(grown < 32 * 1024, "resident memory grew by {grown} KiB");
}

#[tokio::test]
async fn ten_thousand_parameters_are_parsed_fast_and_a_repeat_among_them_is_refused() {
    let demo = Demo::start(DemoConfig::builtin()).await;
    let http = http_client();
    // 10,000 distinct names in the body (58 KB, under the 64 KiB limit).
    let mut body: String = (0..10_000).map(|i| format!("a{i}&")).collect();
    body.push_str("grant_type=client_credentials");
    assert!(body.len() < BODY_LIMIT);
    let started = Instant::now();
    let r = http
        .post(demo.url("/oauth/token"))
        .header("authorization", DEMO_BASIC)
        .header(CONTENT_TYPE, "application/x-www-form-urlencoded")
        .body(body.clone())
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK, "unknown parameters are ignored");
    // The same with one name repeated at the end: RFC 6749 3.1.
    let r = http
        .post(demo.url("/oauth/token"))
        .header("authorization", DEMO_BASIC)
        .header(CONTENT_TYPE, "application/x-www-form-urlencoded")
        .body(format!("{body}&a5000=again"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::BAD_REQUEST);
    let body: Value = serde_json::from_str(&r.text().await.unwrap()).unwrap();
    assert_eq!(body["error"], "invalid_request");
    // 10,000 parameters in the authorization request's query.
    let query: String = (0..10_000).map(|i| format!("q{i}&")).collect();
    let url = demo.url(&format!(
        "/oauth/authorize?{query}response_type=code&client_id=demo-client&redirect_uri={}",
        url::form_urlencoded::byte_serialize(REDIRECT.as_bytes()).collect::<String>()
    ));
    let r = http.get(url).send().await.unwrap();
    // An error redirect to the registered URI (PKCE is missing), after parsing them all.
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    assert!(r.headers()[LOCATION].to_str().unwrap().starts_with(REDIRECT));
    assert!(started.elapsed() < Duration::from_secs(5), "{:?}", started.elapsed());
    assert_healthy(&demo).await;
}

#[tokio::test]
async fn non_utf8_bytes_get_4xx_errors() {
    let demo = Demo::start(DemoConfig::builtin()).await;
    let cases: Vec<Vec<u8>> = vec![
        // Raw 0xFF bytes in the form body.
        [
            &b"POST /oauth/token HTTP/1.1\r\nHost: x\r\nConnection: close\r\nAuthorization: "[..],
            DEMO_BASIC.as_bytes(),
            b"\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: 42\r\n\r\n",
            b"grant_type=client_credentials&scope=\xff\xfe\xfd\xc3\x28\xa0",
        ]
        .concat(),
        // Percent-encoded invalid UTF-8.
        [
            &b"POST /oauth/token HTTP/1.1\r\nHost: x\r\nConnection: close\r\nAuthorization: "[..],
            DEMO_BASIC.as_bytes(),
            b"\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: 51\r\n\r\n",
            b"grant_type=client_credentials&scope=%FF%FE%C3%28%A0",
        ]
        .concat(),
        // Non-ASCII bytes in the Authorization header.
        b"POST /oauth/token HTTP/1.1\r\nHost: x\r\nConnection: close\r\nAuthorization: Basic \xff\xfe\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: 29\r\n\r\ngrant_type=client_credentials".to_vec(),
        // ... and as a bearer token.
        b"GET /protected HTTP/1.1\r\nHost: x\r\nConnection: close\r\nAuthorization: Bearer \xc3\x28\xff\r\n\r\n".to_vec(),
        // Raw non-ASCII in the request target.
        b"GET /oauth/authorize?client_id=\xff\xfe HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n".to_vec(),
        // Percent-encoded invalid UTF-8 in the authorization request.
        b"GET /oauth/authorize?response_type=code&client_id=demo-client%FF&state=%C3%28 HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n".to_vec(),
    ];
    for (i, request) in cases.iter().enumerate() {
        let answer = raw(&demo, request).await;
        assert!((400..500).contains(&answer.status), "case {i}: {}\n{}", answer.head, answer.body);
        assert!(answer.header("location").is_none(), "case {i}");
    }
    assert_healthy(&demo).await;
}

#[tokio::test]
async fn cr_lf_in_state_and_redirect_uri_cannot_inject_headers() {
    let demo = Demo::start(DemoConfig::builtin()).await;
    let challenge = oauth2_server::s256_challenge("a-verifier-of-enough-length-0123456789-abcdef");
    let state = "x\r\nSet-Cookie: injected=1\r\nX-Evil: 1";
    let fields = [
        ("response_type", "code"),
        ("client_id", "demo-client"),
        ("redirect_uri", REDIRECT),
        ("state", state),
        ("code_challenge", challenge.as_str()),
        ("code_challenge_method", "S256"),
        ("username", "alice"),
        ("password", "wonderland"),
        ("decision", "approve"),
    ];
    for path_and_body in [form(&fields), form(&fields).replace("approve", "deny")] {
        let request = format!(
            "POST /oauth/authorize HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\
             Content-Type: application/x-www-form-urlencoded\r\nContent-Length: {}\r\n\r\n{}",
            path_and_body.len(),
            path_and_body
        );
        let answer = raw(&demo, request.as_bytes()).await;
        assert_eq!(answer.status, 303, "{}", answer.head);
        let location = answer.header("location").unwrap();
        assert!(location.starts_with(REDIRECT), "{location}");
        assert!(location.contains("state=x%0D%0ASet-Cookie"), "{location}");
        for header in ["set-cookie", "x-evil"] {
            assert!(answer.header(header).is_none(), "{header} injected: {}", answer.head);
        }
    }
    // CR/LF in the redirect URI: not registered, so an error page and no Location at all.
    for bad in [
        format!("{REDIRECT}\r\nSet-Cookie: injected=1"),
        format!("{REDIRECT}%0D%0ASet-Cookie:%20injected=1"),
        format!("{REDIRECT}\n"),
    ] {
        let query = form(&[
            ("response_type", "code"),
            ("client_id", "demo-client"),
            ("redirect_uri", &bad),
            ("state", "s"),
        ]);
        let request = format!(
            "GET /oauth/authorize?{query} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"
        );
        let answer = raw(&demo, request.as_bytes()).await;
        assert_eq!(answer.status, 400, "{bad:?}: {}", answer.head);
        assert!(answer.header("location").is_none());
        assert!(answer.header("set-cookie").is_none());
    }
    assert_healthy(&demo).await;
}

#[tokio::test]
async fn markup_in_client_id_scope_and_state_is_escaped() {
    let demo = Demo::start(DemoConfig::builtin()).await;
    let http = http_client();
    let challenge = oauth2_server::s256_challenge("a-verifier-of-enough-length-0123456789-abcdef");
    // A known client: state (and the user name on a failed login) are echoed on the page.
    let state = "\"><script>alert(1)</script><a href='javascript:alert(2)'>";
    let fields = [
        ("response_type", "code"),
        ("client_id", "demo-client"),
        ("redirect_uri", REDIRECT),
        ("state", state),
        ("code_challenge", challenge.as_str()),
        ("code_challenge_method", "S256"),
    ];
    let r =
        http.get(demo.url(&format!("/oauth/authorize?{}", form(&fields)))).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    let html = r.text().await.unwrap();
    assert!(!html.contains("<script") && !html.contains("<a href='javascript"), "{html}");
    assert!(html.contains("&lt;script&gt;alert(1)&lt;/script&gt;"), "{html}");
    let mut login = fields.to_vec();
    login.extend([
        ("username", "<img src=x onerror=alert(3)>"),
        ("password", "x"),
        ("decision", "approve"),
    ]);
    let r = http
        .post(demo.url("/oauth/authorize"))
        .header(CONTENT_TYPE, "application/x-www-form-urlencoded")
        .body(form(&login))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::UNAUTHORIZED);
    let html = r.text().await.unwrap();
    assert!(!html.contains("<img") && !html.contains("<script"), "{html}");
    // Markup in scope: refused (RFC 6749 3.3 characters), by redirect, URL-encoded.
    let mut bad_scope = fields.to_vec();
    bad_scope.push(("scope", "read <svg/onload=alert(4)>"));
    let r =
        http.get(demo.url(&format!("/oauth/authorize?{}", form(&bad_scope)))).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let location = r.headers()[LOCATION].to_str().unwrap();
    assert!(location.contains("error=invalid_scope") && !location.contains('<'), "{location}");
    // Markup in an unknown client_id: the error page does not reflect it raw.
    let mut bad_client = fields.to_vec();
    bad_client[1] = ("client_id", "<script>alert(5)</script>");
    let r = http
        .get(demo.url(&format!("/oauth/authorize?{}", form(&bad_client))))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::BAD_REQUEST);
    assert!(!r.text().await.unwrap().contains("<script"));
    assert_healthy(&demo).await;
}

#[tokio::test]
async fn open_redirect_attempts_never_get_a_location() {
    let demo = Demo::start(DemoConfig::builtin()).await;
    let http = http_client();
    let challenge = oauth2_server::s256_challenge("a-verifier-of-enough-length-0123456789-abcdef");
    let attacks = [
        "//evil",
        "//evil.example/cb",
        "http://127.0.0.1:9999/cb@evil",
        "http://127.0.0.1:9999/cb@evil.example",
        "http://127.0.0.1:9999@evil.example/cb",
        "http://evil.example@127.0.0.1:9999/cb",
        "http://user:pass@127.0.0.1:9999/cb",
        "http://127.0.0.1:9999/cb#@evil.example",
        "http://127.0.0.1:9999/cb#",
        "http://127.0.0.1:9999/cb/",
        "http://127.0.0.1:9999/cb/../../evil",
        "http://127.0.0.1:9999/CB",
        "HTTP://127.0.0.1:9999/cb",
        "http://127.0.0.1:9999/cb?",
        "http://127.0.0.1.evil.example:9999/cb",
        "http://127.0.0.1:99999/cb",
        "http://127.0.0.1:9999\\@evil.example/cb",
        "http://localhost:9999/cb",
        "https://127.0.0.1:9999/cb",
        "http://127.0.0.2:9999/cb",
        "javascript:alert(1)//127.0.0.1:9999/cb",
        "https://evil.example/cb",
    ];
    for evil in attacks {
        let fields = [
            ("response_type", "code"),
            ("client_id", "demo-client"),
            ("redirect_uri", evil),
            ("state", "s"),
            ("code_challenge", challenge.as_str()),
            ("code_challenge_method", "S256"),
        ];
        // The page, and the login form posted directly.
        let r = http
            .get(demo.url(&format!("/oauth/authorize?{}", form(&fields))))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::BAD_REQUEST, "GET {evil:?}");
        assert!(r.headers().get(LOCATION).is_none(), "GET {evil:?}");
        for decision in ["approve", "deny"] {
            let mut post = fields.to_vec();
            post.extend([
                ("username", "alice"),
                ("password", "wonderland"),
                ("decision", decision),
            ]);
            let r = http
                .post(demo.url("/oauth/authorize"))
                .header(CONTENT_TYPE, "application/x-www-form-urlencoded")
                .body(form(&post))
                .send()
                .await
                .unwrap();
            assert_eq!(r.status(), StatusCode::BAD_REQUEST, "POST {decision} {evil:?}");
            assert!(r.headers().get(LOCATION).is_none(), "POST {decision} {evil:?}");
        }
        // An unknown client with the attacker's URI: no redirect either.
        let mut unknown = fields.to_vec();
        unknown[1] = ("client_id", "evil-client");
        let r = http
            .get(demo.url(&format!("/oauth/authorize?{}", form(&unknown))))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::BAD_REQUEST);
        assert!(r.headers().get(LOCATION).is_none());
    }
    // The loopback port exception still works (RFC 8252 7.3), and only it.
    let fields = [
        ("response_type", "code"),
        ("client_id", "demo-client"),
        ("redirect_uri", "http://127.0.0.1:4321/cb"),
        ("state", "s"),
        ("code_challenge", challenge.as_str()),
        ("code_challenge_method", "S256"),
        ("decision", "deny"),
    ];
    let r = http
        .post(demo.url("/oauth/authorize"))
        .header(CONTENT_TYPE, "application/x-www-form-urlencoded")
        .body(form(&fields))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    assert!(r.headers()[LOCATION].to_str().unwrap().starts_with("http://127.0.0.1:4321/cb?"));
    assert_healthy(&demo).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn slow_headers_and_slow_bodies_time_out_and_do_not_block_others() {
    let demo = Demo::start(DemoConfig::builtin()).await;
    let addr = demo.addr;
    // Slowloris on the headers: one header line every second, never the end of the head.
    let slow_headers = async move {
        let started = Instant::now();
        let mut tcp = TcpStream::connect(addr).await.unwrap();
        tcp.write_all(b"POST /oauth/token HTTP/1.1\r\nHost: x\r\n").await.unwrap();
        let mut i = 0;
        loop {
            i += 1;
            if tcp.write_all(format!("X-Slow-{i}: 1\r\n").as_bytes()).await.is_err() {
                break;
            }
            let mut buf = [0u8; 512];
            match tokio::time::timeout(Duration::from_secs(1), tcp.read(&mut buf)).await {
                Ok(Ok(0)) | Ok(Err(_)) => break,
                Ok(Ok(_)) => break, // an error answer, then the close
                Err(_) => {}        // nothing yet: keep trickling
            }
            assert!(started.elapsed() < HEADER_READ_TIMEOUT + Duration::from_secs(5), "never cut");
        }
        started.elapsed()
    };
    // A slow body: the head at once, then one byte of a 100-byte body every half second.
    let slow_body = async move {
        let started = Instant::now();
        let mut tcp = TcpStream::connect(addr).await.unwrap();
        tcp.write_all(
            format!(
                "POST /oauth/token HTTP/1.1\r\nHost: x\r\nAuthorization: {DEMO_BASIC}\r\n\
                 Content-Type: application/x-www-form-urlencoded\r\nContent-Length: 100\r\n\r\n"
            )
            .as_bytes(),
        )
        .await
        .unwrap();
        let mut out = Vec::new();
        loop {
            let _ = tcp.write_all(b"a").await;
            let mut buf = [0u8; 512];
            match tokio::time::timeout(Duration::from_millis(500), tcp.read(&mut buf)).await {
                Ok(Ok(0)) | Ok(Err(_)) => break,
                Ok(Ok(n)) => out.extend_from_slice(&buf[..n]),
                Err(_) => {}
            }
            assert!(started.elapsed() < REQUEST_TIMEOUT + Duration::from_secs(5), "never cut");
        }
        (started.elapsed(), parse_raw(&out).status)
    };
    // Meanwhile 100 idle half-open connections, and normal requests go through.
    let mut idle = Vec::new();
    for _ in 0..100 {
        let mut tcp = TcpStream::connect(addr).await.unwrap();
        tcp.write_all(b"POST /oauth/token HTTP/1.1\r\n").await.unwrap();
        idle.push(tcp);
    }
    let normal = async {
        for _ in 0..5 {
            assert_healthy(&demo).await;
            tokio::time::sleep(Duration::from_secs(1)).await;
        }
    };
    let (headers_cut, (body_cut, body_status), ()) = tokio::join!(slow_headers, slow_body, normal);
    assert!(headers_cut >= HEADER_READ_TIMEOUT - Duration::from_secs(1), "{headers_cut:?}");
    assert!(body_cut >= REQUEST_TIMEOUT - Duration::from_secs(1), "{body_cut:?}");
    assert_eq!(body_status, 408, "a slow body gets 408 Request Timeout");
    // The idle connections were closed by the header timeout too.
    for mut tcp in idle {
        let mut buf = [0u8; 64];
        let n = tokio::time::timeout(Duration::from_secs(5), tcp.read(&mut buf)).await;
        assert!(matches!(n, Ok(Ok(_)) | Ok(Err(_))), "an idle connection is still open");
    }
    assert_healthy(&demo).await;
}

async fn login(
    http: &reqwest::Client,
    demo: &Demo,
    username: &str,
    password: &str,
) -> reqwest::Response {
    let challenge = oauth2_server::s256_challenge("a-verifier-of-enough-length-0123456789-abcdef");
    let fields = [
        ("response_type", "code"),
        ("client_id", "demo-client"),
        ("redirect_uri", REDIRECT),
        ("state", "s"),
        ("code_challenge", challenge.as_str()),
        ("code_challenge_method", "S256"),
        ("username", username),
        ("password", password),
        ("decision", "approve"),
    ];
    http.post(demo.url("/oauth/authorize"))
        .header(CONTENT_TYPE, "application/x-www-form-urlencoded")
        .body(form(&fields))
        .send()
        .await
        .unwrap()
}

#[tokio::test]
async fn login_form_brute_force_gets_429_with_a_page_saying_so() {
    let demo = Demo::start(DemoConfig::builtin()).await;
    let http = http_client();
    for i in 0..LOGIN_BURST {
        let r = login(&http, &demo, "alice", &format!("guess-{i}")).await;
        assert_eq!(r.status(), StatusCode::UNAUTHORIZED, "attempt {i}");
    }
    let r = login(&http, &demo, "alice", "guess-again").await;
    assert_eq!(r.status(), StatusCode::TOO_MANY_REQUESTS);
    let retry: u64 = r.headers()[RETRY_AFTER].to_str().unwrap().parse().unwrap();
    assert!(retry >= 1, "{retry}");
    assert!(r.headers().get(LOCATION).is_none());
    let html = r.text().await.unwrap();
    assert!(html.contains("Too many failed sign-in attempts"), "{html}");
    assert!(html.contains("<form"), "the page is shown again");
    // While blocked, even the right password is refused: the attacker learns nothing.
    let r = login(&http, &demo, "alice", "wonderland").await;
    assert_eq!(r.status(), StatusCode::TOO_MANY_REQUESTS);
    // The address is blocked too (per-IP key): another user name from it is refused.
    let r = login(&http, &demo, "bob", "x").await;
    assert_eq!(r.status(), StatusCode::TOO_MANY_REQUESTS);
    // Token issuance for clients is unaffected.
    assert_healthy(&demo).await;
}

#[tokio::test]
async fn token_endpoint_brute_force_gets_429_with_retry_after() {
    let demo = Demo::start(DemoConfig::builtin()).await;
    let http = http_client();
    let wrong = || {
        http.post(demo.url("/oauth/token"))
            .basic_auth("demo-client", Some("wrong"))
            .header(CONTENT_TYPE, "application/x-www-form-urlencoded")
            .body("grant_type=client_credentials")
            .send()
    };
    for _ in 0..LOGIN_BURST {
        assert_eq!(wrong().await.unwrap().status(), StatusCode::UNAUTHORIZED);
    }
    let r = wrong().await.unwrap();
    assert_eq!(r.status(), StatusCode::TOO_MANY_REQUESTS);
    assert!(r.headers().contains_key(RETRY_AFTER));
    // Password guessing at the token endpoint, per user name (a fresh server: the client is
    // blocked on this one).
    let demo = Demo::start(DemoConfig::builtin()).await;
    let guess = |p: String| {
        http.post(demo.url("/oauth/token"))
            .basic_auth("demo-client", Some("demo-secret"))
            .header(CONTENT_TYPE, "application/x-www-form-urlencoded")
            .body(form(&[("grant_type", "password"), ("username", "alice"), ("password", &p)]))
            .send()
    };
    for i in 0..LOGIN_BURST {
        assert_eq!(guess(format!("g{i}")).await.unwrap().status(), StatusCode::BAD_REQUEST);
    }
    let r = guess("g".into()).await.unwrap();
    assert_eq!(r.status(), StatusCode::TOO_MANY_REQUESTS);
    assert!(r.headers().contains_key(RETRY_AFTER));
    // A correct client authentication with another grant is still served.
    assert_healthy(&demo).await;
}
