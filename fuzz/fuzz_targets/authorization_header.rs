//! The `Authorization` header: arbitrary bytes as HTTP Basic client credentials at the token
//! endpoint, and as a Bearer credential at `authenticate`. Never a panic or a 5xx; a token is
//! issued only to the right credentials; an `invalid_client` after a header attempt is 401 with
//! `WWW-Authenticate: Basic`; no made-up bearer token authenticates.
#![no_main]

use base64::engine::general_purpose::STANDARD;
use base64::Engine as _;
use libfuzzer_sys::fuzz_target;
use oauth2_server::OAuthRequest;
use oauth2_server_fuzz::{block_on, check_token_answer, server, with_raw_header, APP, APP_SECRET};

fuzz_target!(|data: &[u8]| {
    let server = server();
    // As given, and as "Basic " + base64(data) so that the decoder's inside is reached too.
    let encoded = format!("Basic {}", STANDARD.encode(data));
    for value in [data, encoded.as_bytes()] {
        let req = with_raw_header(
            OAuthRequest::post_form("grant_type=client_credentials&scope=read"),
            "authorization",
            value,
        );
        let resp = block_on(server.token_response(&req));
        check_token_answer(&resp);
        if resp.status().is_success() {
            // Only app:app-secret (form-urlencoded before base64, RFC 6749 2.3.1) gets a token.
            let text = String::from_utf8_lossy(value);
            let b64 = text.split_once(' ').map(|(_, b)| b.trim()).unwrap_or_default();
            let decoded = STANDARD.decode(b64).unwrap_or_default();
            let decoded = String::from_utf8_lossy(&decoded);
            let (id, secret) = decoded.split_once(':').unwrap_or_default();
            assert_eq!(form_decode(id), APP, "token for {decoded:?}");
            assert_eq!(form_decode(secret), APP_SECRET, "token for {decoded:?}");
        } else if resp.status() == 401 {
            assert!(resp.headers().contains_key("www-authenticate"));
        }
        // Bearer: nothing the fuzzer makes up is a live token (none was issued before this).
        let bearer = with_raw_header(OAuthRequest::get(""), "authorization", value);
        let Err(err) = block_on(server.authenticate(&bearer, None)) else {
            panic!("a made-up bearer token authenticated");
        };
        assert!(err.status().is_client_error(), "{}", err.status());
    }
});

fn form_decode(s: &str) -> String {
    let pairs = format!("x={s}");
    let mut it = url::form_urlencoded::parse(pairs.as_bytes());
    it.next().map(|(_, v)| v.into_owned()).unwrap_or_default()
}
