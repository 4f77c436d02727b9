//! The endpoints end to end over a fresh `MemoryStore` server per input: structured requests
//! (method, content type, `Authorization`, query and body parameters drawn from the names and
//! values that matter, or raw bytes) against the token endpoint, and also revoke, introspect,
//! authorize and authenticate. Live values (an authorization code with an S256 challenge, a
//! refresh token and an access token) are made before each run and can be referred to.
//!
//! Invariants: never a panic, never a 5xx (the model cannot fail); the token endpoint answers a
//! token or an RFC 6749 5.2 error JSON; a successful code or refresh token redemption replayed
//! is refused (single use, rotation); an authorization error redirect goes only to a
//! registered URI.
#![no_main]

use arbitrary::Arbitrary;
use base64::engine::general_purpose::STANDARD;
use base64::Engine as _;
use http::Method;
use libfuzzer_sys::fuzz_target;
use oauth2_server::{AuthorizeError, OAuthRequest};
use oauth2_server_fuzz::{
    block_on, check_token_answer, server, with_raw_header, Server, APP, APP_SECRET, CHALLENGE,
    PASSWORD, USERNAME, VERIFIER,
};

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
    "token",
    "token_type_hint",
    "response_type",
    "state",
    "code_challenge",
    "code_challenge_method",
    "access_token",
];
const WORDS: &[&str] = &[
    "authorization_code",
    "refresh_token",
    "client_credentials",
    "password",
    "urn:ietf:params:oauth:grant-type:device_code",
    "read",
    "write",
    "read write",
    "admin",
    "app",
    "spa",
    "plain",
    "plain-secret",
    "https://app.example/cb",
    "http://127.0.0.1:1/cb",
    "http://127.0.0.1:9999/cb",
    "code",
    "token",
    "S256",
    "plain",
    "access_token",
    "",
];

#[derive(Arbitrary, Debug)]
enum Value<'a> {
    Raw(&'a str),
    Word(u8),
    Code,
    Refresh,
    Access,
    Verifier,
    Challenge,
    AppSecret,
    Username,
    Password,
}

#[derive(Arbitrary, Debug)]
enum Key<'a> {
    Known(u8),
    Other(&'a str),
}

#[derive(Arbitrary, Debug)]
enum Params<'a> {
    Raw(&'a [u8]),
    Pairs(Vec<(Key<'a>, Value<'a>)>),
}

#[derive(Arbitrary, Debug)]
enum Auth<'a> {
    None,
    Raw(&'a [u8]),
    Basic(Value<'a>, Value<'a>),
    Bearer(Value<'a>),
}

#[derive(Arbitrary, Debug)]
struct Input<'a> {
    endpoint: u8,
    method: u8,
    content_type: u8,
    auth: Auth<'a>,
    query: Params<'a>,
    body: Params<'a>,
}

struct Live {
    code: String,
    refresh: String,
    access: String,
}

fn live(server: &Server) -> Live {
    let query = format!(
        "response_type=code&client_id={APP}&state=s&scope=read&code_challenge={CHALLENGE}&code_challenge_method=S256"
    );
    let pending = block_on(server.authorize(&OAuthRequest::get(query))).expect("authorize");
    let resp = block_on(server.approve(pending, USERNAME.to_owned())).expect("approve");
    let location = resp.location().expect("Location").to_owned();
    let code = url::Url::parse(&location)
        .expect("URL")
        .query_pairs()
        .find(|(k, _)| k == "code")
        .map(|(_, v)| v.into_owned())
        .expect("code");
    let req = OAuthRequest::post_form(format!(
        "grant_type=password&username={USERNAME}&password={PASSWORD}&scope=read+write"
    ))
    .with_header(
        "authorization",
        &format!("Basic {}", STANDARD.encode(format!("{APP}:{APP_SECRET}"))),
    );
    let resp = block_on(server.token_response(&req));
    let body: serde_json::Value = serde_json::from_str(resp.body_str()).expect("JSON");
    Live {
        code,
        refresh: body["refresh_token"].as_str().expect("refresh token").to_owned(),
        access: body["access_token"].as_str().expect("access token").to_owned(),
    }
}

impl Value<'_> {
    fn text(&self, live: &Live) -> String {
        match self {
            Value::Raw(s) => (*s).to_owned(),
            Value::Word(i) => WORDS[*i as usize % WORDS.len()].to_owned(),
            Value::Code => live.code.clone(),
            Value::Refresh => live.refresh.clone(),
            Value::Access => live.access.clone(),
            Value::Verifier => VERIFIER.to_owned(),
            Value::Challenge => CHALLENGE.to_owned(),
            Value::AppSecret => APP_SECRET.to_owned(),
            Value::Username => USERNAME.to_owned(),
            Value::Password => PASSWORD.to_owned(),
        }
    }
}

fn encode(params: &Params<'_>, live: &Live) -> Vec<u8> {
    match params {
        Params::Raw(raw) => raw.to_vec(),
        Params::Pairs(pairs) => {
            let mut ser = url::form_urlencoded::Serializer::new(String::new());
            for (k, v) in pairs.iter().take(32) {
                let k = match k {
                    Key::Known(i) => NAMES[*i as usize % NAMES.len()],
                    Key::Other(s) => s,
                };
                ser.append_pair(k, &v.text(live));
            }
            ser.finish().into_bytes()
        }
    }
}

fn request(input: &Input<'_>, live: &Live) -> OAuthRequest {
    let method = match input.method % 8 {
        0 => Method::GET,
        1 => Method::PUT,
        2 => Method::HEAD,
        3 => Method::DELETE,
        _ => Method::POST,
    };
    let mut req = OAuthRequest::new(method)
        .with_query(String::from_utf8_lossy(&encode(&input.query, live)).into_owned())
        .with_body(encode(&input.body, live));
    let content_type: &[u8] = match input.content_type % 6 {
        0 => b"",
        1 => b"application/json",
        2 => b"application/x-www-form-urlencoded; charset=ISO-8859-1",
        3 => b"multipart/form-data; boundary=x",
        _ => b"application/x-www-form-urlencoded",
    };
    if !content_type.is_empty() {
        req = with_raw_header(req, "content-type", content_type);
    }
    match &input.auth {
        Auth::None => req,
        Auth::Raw(raw) => with_raw_header(req, "authorization", raw),
        Auth::Basic(id, secret) => {
            let cred = format!("{}:{}", id.text(live), secret.text(live));
            with_raw_header(
                req,
                "authorization",
                format!("Basic {}", STANDARD.encode(cred)).as_bytes(),
            )
        }
        Auth::Bearer(v) => {
            with_raw_header(req, "authorization", format!("Bearer {}", v.text(live)).as_bytes())
        }
    }
}

fn registered_prefix(location: &str) -> bool {
    let base = location.split('?').next().unwrap_or_default();
    ["https://app.example/cb", "https://plain.example/cb", "https://plain.example/cb2"]
        .contains(&base)
        || (base.starts_with("http://127.0.0.1:") && base.ends_with("/cb"))
        || base == "http://127.0.0.1/cb"
}

fuzz_target!(|input: Input<'_>| {
    let server = server();
    let live = live(&server);
    let req = request(&input, &live);
    match input.endpoint % 5 {
        0 | 1 => {
            let resp = block_on(server.token_response(&req));
            check_token_answer(&resp);
            if resp.status().is_success() {
                let grant = req
                    .form_params()
                    .ok()
                    .and_then(|p| p.get("grant_type").map(str::to_owned))
                    .unwrap_or_default();
                if grant == "authorization_code" || grant == "refresh_token" {
                    let again = block_on(server.token_response(&req));
                    check_token_answer(&again);
                    assert!(!again.status().is_success(), "{grant} accepted twice");
                }
            }
        }
        2 => {
            let resp = block_on(server.revoke_response(&req));
            assert!(!resp.status().is_server_error(), "revoke 5xx: {}", resp.body_str());
        }
        3 => {
            let resp = block_on(server.introspect_response(&req));
            assert!(!resp.status().is_server_error(), "introspect 5xx: {}", resp.body_str());
            if resp.status().is_success() {
                let body: serde_json::Value = serde_json::from_str(resp.body_str()).expect("JSON");
                assert!(body["active"].is_boolean(), "{body}");
            }
        }
        _ => {
            match block_on(server.authorize(&req)) {
                Ok(pending) => {
                    let resp = server.deny(pending);
                    let location = resp.location().expect("a deny redirects");
                    assert!(registered_prefix(location), "redirect to {location:?}");
                }
                Err(AuthorizeError::NoRedirect(e)) => {
                    assert!(!e.status().is_server_error());
                }
                Err(err) => {
                    let resp = err.into_response();
                    let location = resp.location().expect("a redirectable error redirects");
                    assert!(registered_prefix(location), "redirect to {location:?}");
                }
            }
            match block_on(server.authenticate(&req, None)) {
                Ok(auth) => assert_eq!(auth.client_id(), APP),
                Err(e) => assert!(e.status().is_client_error(), "{}", e.status()),
            }
        }
    }
});
