//! Redirect URI matching: `resolve_redirect_uri` accepts a requested URI only when it is one of
//! the registered URIs exactly, or the port variant of a registered `http` loopback IP literal
//! URI (RFC 8252 7.3). For such a variant, a WHATWG URL parser (what browsers use) must see the
//! same scheme and host as the registered URI, no userinfo, and a valid port: never an open
//! redirect.
#![no_main]

use arbitrary::Arbitrary;
use libfuzzer_sys::fuzz_target;
use oauth2_server::{resolve_redirect_uri, Client, ClientSecret, RedirectUriProblem};

#[derive(Arbitrary, Debug)]
enum Requested<'a> {
    Omitted,
    Raw(&'a str),
    /// A registered URI (by index) with text spliced in at a position.
    Spliced {
        index: u8,
        at: u16,
        text: &'a str,
    },
    /// A registered URI with its ASCII case flipped at a position.
    CaseFlip {
        index: u8,
        at: u16,
    },
}

#[derive(Arbitrary, Debug)]
struct Input<'a> {
    registered: Vec<&'a str>,
    loopback: bool,
    requested: Requested<'a>,
}

fn split_loopback(uri: &str) -> Option<(&str, &str)> {
    let after = uri.strip_prefix("http://")?;
    let host = ["127.0.0.1", "[::1]"].into_iter().find(|h| after.starts_with(h))?;
    let mut rest = &after[host.len()..];
    if let Some(p) = rest.strip_prefix(':') {
        let digits = p.bytes().take_while(u8::is_ascii_digit).count();
        if digits == 0 {
            return None;
        }
        rest = &p[digits..];
    }
    (rest.is_empty() || rest.starts_with('/') || rest.starts_with('?')).then_some((host, rest))
}

fuzz_target!(|input: Input<'_>| {
    let mut registered: Vec<String> =
        input.registered.iter().take(4).map(|s| (*s).to_owned()).collect();
    if input.loopback {
        registered.push("http://127.0.0.1:9999/cb".to_owned());
        registered.push("http://[::1]/cb?x=1".to_owned());
    }
    let pick = |i: u8| registered.get(i as usize % registered.len().max(1)).cloned();
    let requested: Option<String> = match input.requested {
        Requested::Omitted => None,
        Requested::Raw(s) => Some(s.to_owned()),
        Requested::Spliced { index, at, text } => pick(index).map(|mut r| {
            let mut at = (at as usize).min(r.len());
            while !r.is_char_boundary(at) {
                at -= 1;
            }
            r.insert_str(at, text);
            r
        }),
        Requested::CaseFlip { index, at } => pick(index).map(|r| {
            let mut bytes = r.into_bytes();
            if !bytes.is_empty() {
                let i = at as usize % bytes.len();
                if bytes[i].is_ascii_alphabetic() {
                    bytes[i] ^= 0x20;
                }
            }
            String::from_utf8(bytes).expect("ASCII case flip keeps UTF-8")
        }),
    };
    let client =
        Client::confidential("c", ClientSecret::plain("s")).redirect_uris(registered.clone());
    let result = resolve_redirect_uri(&client, requested.as_deref());
    match (requested.as_deref(), result) {
        (None, Ok(uri)) => assert!(registered.len() == 1 && uri == registered[0]),
        (None, Err(p)) => assert!(registered.len() != 1, "{p:?}"),
        (Some(req), Ok(uri)) => {
            assert_eq!(uri, req);
            if registered.iter().any(|r| r == req) {
                return;
            }
            let (host, rest) = split_loopback(req).expect("a non-exact match is a loopback URI");
            let reg = registered
                .iter()
                .find(|r| split_loopback(r) == Some((host, rest)))
                .expect("the port variant of a registered loopback URI");
            let parsed = url::Url::parse(req).unwrap_or_else(|e| {
                panic!("accepted {req:?} (variant of {reg:?}), not a URL: {e}")
            });
            assert_eq!(parsed.scheme(), "http");
            assert!(parsed.username().is_empty() && parsed.password().is_none());
            let reg_parsed = url::Url::parse(reg).expect("registered loopback URI parses");
            assert_eq!(parsed.host(), reg_parsed.host(), "{req:?} vs {reg:?}");
            assert_eq!(parsed.path(), reg_parsed.path());
            assert_eq!(parsed.query(), reg_parsed.query());
            assert_eq!(parsed.fragment(), reg_parsed.fragment());
        }
        (Some(req), Err(p)) => {
            assert!(!registered.iter().any(|r| r == req), "registered {req:?} refused");
            if registered.is_empty() {
                assert_eq!(p, RedirectUriProblem::NoneRegistered);
            } else {
                assert_eq!(p, RedirectUriProblem::NotRegistered);
            }
        }
    }
});
