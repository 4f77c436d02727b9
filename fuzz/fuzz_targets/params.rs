//! Form and query parsing: `Params::parse` and `OAuthRequest::{query_params, form_params}` on
//! arbitrary bytes. Never panics; an accepted parameter set has no repeated name, and `get`
//! never returns an empty value (RFC 6749 3.1).
#![no_main]

use libfuzzer_sys::fuzz_target;
use oauth2_server::{OAuthRequest, Params};

fn check(params: &Params<'_>) {
    let names: Vec<&str> = params.iter().map(|(k, _)| k).collect();
    for (i, k) in names.iter().enumerate() {
        assert!(!names[..i].contains(k), "repeated parameter {k:?} accepted");
        assert!(params.contains(k));
        if let Some(v) = params.get(k) {
            assert!(!v.is_empty());
        }
    }
    assert_eq!(params.len(), names.len());
}

fuzz_target!(|data: &[u8]| {
    if let Ok(p) = Params::parse(data) {
        check(&p);
    }
    // First 0xFF splits query | body; a content type from the first byte.
    let (query, body) = match data.iter().position(|&b| b == 0xFF) {
        Some(i) => (&data[..i], &data[i + 1..]),
        None => (data, &[][..]),
    };
    let content_type = match data.first().map(|b| b % 4) {
        Some(0) => "application/x-www-form-urlencoded",
        Some(1) => "Application/X-WWW-Form-URLencoded ; charset=utf-8",
        Some(2) => "application/json",
        _ => "",
    };
    let req = OAuthRequest::post_form(body.to_vec())
        .with_query(String::from_utf8_lossy(query).into_owned())
        .with_header("content-type", content_type);
    if let Ok(p) = req.query_params() {
        check(&p);
    }
    if let Ok(p) = req.form_params() {
        check(&p);
        if !req.is_form() {
            assert!(p.is_empty());
        }
    }
    let _ = req.authorization();
});
