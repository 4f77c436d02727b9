//! PKCE: `CodeChallenge::verify` and `s256_challenge` on arbitrary verifiers and challenges.
//! A verifier is accepted only when it is RFC 7636 4.1 well-formed and matches the challenge
//! by the method's transform; S256 challenges are always 43 base64url characters.
#![no_main]

use arbitrary::Arbitrary;
use libfuzzer_sys::fuzz_target;
use oauth2_server::{s256_challenge, CodeChallenge, PkceMethod};

#[derive(Arbitrary, Debug)]
struct Input<'a> {
    plain: bool,
    challenge: &'a str,
    verifier: &'a str,
    /// Use the verifier's own S256 challenge instead of `challenge`.
    matching: bool,
}

fn well_formed(v: &str) -> bool {
    (43..=128).contains(&v.len())
        && v.bytes().all(|b| b.is_ascii_alphanumeric() || b"-._~".contains(&b))
}

fuzz_target!(|input: Input<'_>| {
    let computed = s256_challenge(input.verifier);
    assert_eq!(computed.len(), 43);
    assert!(computed.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_'));
    let method = if input.plain { PkceMethod::Plain } else { PkceMethod::S256 };
    assert_eq!(PkceMethod::parse(method.as_str()), Some(method));
    let challenge = if input.matching {
        match method {
            PkceMethod::S256 => computed.clone(),
            PkceMethod::Plain => input.verifier.to_owned(),
        }
    } else {
        input.challenge.to_owned()
    };
    let c = CodeChallenge { method, challenge: challenge.clone() };
    let accepted = c.verify(input.verifier).is_ok();
    let expected = well_formed(input.verifier)
        && match method {
            PkceMethod::S256 => computed == challenge,
            PkceMethod::Plain => input.verifier == challenge,
        };
    assert_eq!(accepted, expected, "verify disagrees with RFC 7636 4.6");
    if let Err(e) = c.verify(input.verifier) {
        assert_eq!(e.code().as_str(), "invalid_grant");
    }
});
