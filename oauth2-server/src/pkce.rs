//! PKCE (RFC 7636): code challenges, verifiers and their checks.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;

use crate::error::OAuthError;
use crate::secret::{ct_eq_bytes, ct_eq_str, sha256};

/// A `code_challenge_method` (RFC 7636 4.3).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum PkceMethod {
    /// `S256`: the challenge is `BASE64URL(SHA256(verifier))`.
    S256,
    /// `plain`: the challenge is the verifier (RFC 9700 2.1.1: do not use; off by default).
    Plain,
}

impl PkceMethod {
    /// The method's name.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::S256 => "S256",
            Self::Plain => "plain",
        }
    }

    /// Parses a method name (case-sensitive, as RFC 7636 4.3 defines it).
    pub fn parse(value: &str) -> Option<Self> {
        match value {
            "S256" => Some(Self::S256),
            "plain" => Some(Self::Plain),
            _ => None,
        }
    }
}

/// A stored PKCE challenge.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CodeChallenge {
    /// The method.
    pub method: PkceMethod,
    /// The challenge value as the client sent it.
    pub challenge: String,
}

/// RFC 7636 4.1: `code-verifier = 43*128unreserved`, unreserved = ALPHA / DIGIT / "-" / "." /
/// "_" / "~". RFC 7636 4.2 gives the challenge the same alphabet and length.
pub(crate) fn is_valid_verifier(value: &str) -> bool {
    (43..=128).contains(&value.len())
        && value
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~'))
}

/// The S256 challenge of a verifier: `BASE64URL-ENCODE(SHA256(ASCII(code_verifier)))`.
pub fn s256_challenge(verifier: &str) -> String {
    String::from_utf8_lossy(&s256(verifier)).into_owned()
}

/// BASE64URL-ENCODE(SHA256(ASCII(code_verifier))) (RFC 7636 4.2): always 43 characters, so
/// on the stack.
fn s256(verifier: &str) -> [u8; 43] {
    let mut encoded = [0u8; 43];
    // 32 bytes in unpadded base64url are exactly 43 characters: the slice always fits.
    let _ = URL_SAFE_NO_PAD.encode_slice(sha256(verifier.as_bytes()), &mut encoded);
    encoded
}

impl CodeChallenge {
    /// Checks a `code_challenge` sent to the authorization endpoint (RFC 7636 4.2 / 4.3).
    pub(crate) fn new(method: PkceMethod, challenge: &str) -> Result<Self, OAuthError> {
        let well_formed = match method {
            // An S256 challenge is 32 bytes in base64url: exactly 43 characters.
            PkceMethod::S256 => challenge.len() == 43 && is_valid_verifier(challenge),
            PkceMethod::Plain => is_valid_verifier(challenge),
        };
        if !well_formed {
            return Err(OAuthError::invalid_request(
                "code_challenge must be 43-128 characters of [A-Za-z0-9-._~] (RFC 7636 4.2)",
            ));
        }
        Ok(Self { method, challenge: challenge.to_owned() })
    }

    /// RFC 7636 4.6: checks the verifier against the challenge, in constant time.
    pub fn verify(&self, verifier: &str) -> Result<(), OAuthError> {
        // RFC 7636 4.1: a verifier outside the ABNF is malformed (CVE-2026-41213: without this
        // check short verifiers could be brute-forced online).
        if !is_valid_verifier(verifier) {
            return Err(OAuthError::invalid_grant(
                "code_verifier must be 43-128 characters of [A-Za-z0-9-._~] (RFC 7636 4.1)",
            ));
        }
        let ok = match self.method {
            PkceMethod::S256 => ct_eq_bytes(&s256(verifier), self.challenge.as_bytes()),
            PkceMethod::Plain => ct_eq_str(verifier, &self.challenge),
        };
        if ok {
            Ok(())
        } else {
            Err(OAuthError::invalid_grant("code_verifier does not match the code_challenge"))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    // RFC 7636 Appendix B.
    const VERIFIER: &str = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk";
    const CHALLENGE: &str = "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM";

    #[test]
    fn s256_matches_rfc7636_appendix_b() {
        assert_eq!(s256_challenge(VERIFIER), CHALLENGE);
        let c = CodeChallenge::new(PkceMethod::S256, CHALLENGE).unwrap();
        assert!(c.verify(VERIFIER).is_ok());
    }

    #[test]
    fn wrong_verifier_is_invalid_grant() {
        let c = CodeChallenge::new(PkceMethod::S256, CHALLENGE).unwrap();
        let wrong = VERIFIER.replace('d', "e");
        assert_eq!(c.verify(&wrong).unwrap_err().code().as_str(), "invalid_grant");
    }

    #[test]
    fn short_verifier_is_rejected_by_rfc7636_4_1_abnf() {
        let c = CodeChallenge::new(PkceMethod::Plain, &"a".repeat(43)).unwrap();
        assert!(c.verify(&"a".repeat(42)).is_err());
        assert!(c.verify(&"a".repeat(43)).is_ok());
        assert!(c.verify(&"a".repeat(129)).is_err());
    }

    #[test]
    fn malformed_challenge_is_invalid_request() {
        assert!(CodeChallenge::new(PkceMethod::S256, "short").is_err());
        assert!(CodeChallenge::new(PkceMethod::S256, &"a".repeat(44)).is_err());
        assert!(CodeChallenge::new(PkceMethod::Plain, &"%".repeat(50)).is_err());
    }

    #[test]
    fn method_names_are_case_sensitive() {
        assert_eq!(PkceMethod::parse("S256"), Some(PkceMethod::S256));
        assert_eq!(PkceMethod::parse("s256"), None);
        assert_eq!(PkceMethod::parse("plain"), Some(PkceMethod::Plain));
    }
}
