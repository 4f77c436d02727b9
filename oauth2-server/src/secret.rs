//! Secret values (tokens, codes, client secrets): random generation, hashing for storage,
//! constant-time comparison, and a `Debug` that never prints them.

use std::fmt;

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;
use rand::RngCore as _;
use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq as _;

/// A secret string (access token, refresh token, authorization code). `Debug` and `Display`
/// are redacted; read the value with [`Secret::expose`].
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(String);

impl Secret {
    /// Wraps a value.
    pub fn new(value: impl Into<String>) -> Self {
        Self(value.into())
    }

    /// 256 bits from the operating system's CSPRNG (via `rand::thread_rng`, a reseeding
    /// ChaCha), base64url without padding: 43 characters. RFC 6749 10.10 asks for at most
    /// 2^-128 guessing odds; OAuth 2.1 7.7 recommends 2^-160.
    pub fn generate() -> Self {
        let mut bytes = [0u8; 32];
        rand::thread_rng().fill_bytes(&mut bytes);
        Self(URL_SAFE_NO_PAD.encode(bytes))
    }

    /// The value itself. Handle with care: never log it.
    pub fn expose(&self) -> &str {
        &self.0
    }

    /// The storage key of this value: see [`TokenHash`].
    pub fn hash(&self) -> TokenHash {
        TokenHash::of(&self.0)
    }

    /// Constant-time comparison with another value.
    pub fn ct_eq(&self, other: &str) -> bool {
        ct_eq_str(&self.0, other)
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Secret(<redacted>)")
    }
}

impl From<String> for Secret {
    fn from(value: String) -> Self {
        Self(value)
    }
}

/// SHA-256 of a token or code value: the key under which a store can keep it, so that a leak
/// of the store yields no usable token. Tokens are 256-bit random, so a fast unsalted hash is
/// enough (no dictionary to attack).
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct TokenHash([u8; 32]);

impl TokenHash {
    /// Hashes a value.
    pub fn of(value: &str) -> Self {
        Self(sha256(value.as_bytes()))
    }

    /// The raw digest.
    pub fn as_bytes(&self) -> &[u8; 32] {
        &self.0
    }

    /// Rebuilds a hash from a stored digest.
    pub fn from_bytes(bytes: [u8; 32]) -> Self {
        Self(bytes)
    }

    /// Lower-case hex, e.g. for a database column or a Redis key.
    pub fn to_hex(&self) -> String {
        hex(&self.0)
    }
}

impl fmt::Debug for TokenHash {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "TokenHash({}…)", &self.to_hex()[..8])
    }
}

/// Constant-time equality of two strings (the length is not hidden; the contents are).
pub fn ct_eq_str(a: &str, b: &str) -> bool {
    ct_eq_bytes(a.as_bytes(), b.as_bytes())
}

/// Constant-time equality of two byte strings (the length is not hidden; the contents are).
///
/// The differences are OR-ed together eight bytes at a time, without a branch, and only their
/// total is tested, by `subtle`'s constant-time `u64` comparison. (`subtle`'s slice comparison
/// passes every byte through its optimization barrier: 32 calls for one SHA-256 digest.)
pub(crate) fn ct_eq_bytes(a: &[u8], b: &[u8]) -> bool {
    if a.len() != b.len() {
        return false;
    }
    let (a_words, b_words) = (a.chunks_exact(8), b.chunks_exact(8));
    let mut diff = a_words
        .remainder()
        .iter()
        .zip(b_words.remainder())
        .fold(0u64, |diff, (x, y)| diff | u64::from(x ^ y));
    for (x, y) in a_words.zip(b_words) {
        diff |= word(x) ^ word(y);
    }
    bool::from(diff.ct_eq(&0))
}

/// Eight bytes (a `chunks_exact(8)` chunk) as a `u64`.
fn word(bytes: &[u8]) -> u64 {
    let mut w = [0u8; 8];
    w.copy_from_slice(bytes);
    u64::from_ne_bytes(w)
}

pub(crate) fn hex(bytes: &[u8]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut out = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        out.push(DIGITS[(b >> 4) as usize] as char);
        out.push(DIGITS[(b & 15) as usize] as char);
    }
    out
}

/// A password-grant user's password as the built-in stores keep it
/// ([`MemoryStore`](crate::MemoryStore) and the persistent ones): a random 16-byte salt and
/// SHA-256(salt || password). Fine for machine accounts and demos; for human passwords delegate
/// `#[oauth(password)]` to a `PasswordStore` over a slow hash (Argon2).
pub(crate) struct PasswordDigest {
    pub(crate) salt: [u8; 16],
    pub(crate) digest: [u8; 32],
}

impl PasswordDigest {
    pub(crate) fn new(password: &str) -> Self {
        let mut salt = [0u8; 16];
        rand::thread_rng().fill_bytes(&mut salt);
        Self { salt, digest: password_digest(&salt, password) }
    }

    /// Checks a presented password in constant time; a corrupt record never matches.
    pub(crate) fn verify(salt: &[u8], digest: &[u8], password: &str) -> bool {
        let Ok(salt) = <[u8; 16]>::try_from(salt) else { return false };
        ct_eq_bytes(&password_digest(&salt, password), digest)
    }

    /// Spends the same hashing work for unknown users as for known ones.
    pub(crate) fn burn(password: &str) {
        let _ = password_digest(&[0; 16], password);
    }
}

fn password_digest(salt: &[u8; 16], password: &str) -> [u8; 32] {
    sha256_concat(salt, password.as_bytes())
}

/// SHA-256 (FIPS 180-4) of `data`.
pub(crate) fn sha256(data: &[u8]) -> [u8; 32] {
    sha256_concat(data, &[])
}

/// SHA-256 of `a` followed by `b`.
///
/// Most of what the library hashes fits one 64-byte block (tokens, codes and generated secrets
/// are 43 bytes, a salt and a password a few dozen): then the block is padded here (FIPS 180-4
/// 5.1.1: a 1 bit, zeros, the length in bits) and `sha2`'s compression function runs once,
/// SHA-NI included, without the `Digest` machinery's buffering, which cost a quarter of a
/// one-block digest. Longer input goes through `Sha256` as usual.
pub(crate) fn sha256_concat(a: &[u8], b: &[u8]) -> [u8; 32] {
    const IV: [u32; 8] = [
        0x6a09_e667,
        0xbb67_ae85,
        0x3c6e_f372,
        0xa54f_f53a,
        0x510e_527f,
        0x9b05_688c,
        0x1f83_d9ab,
        0x5be0_cd19,
    ];
    let len = a.len() + b.len();
    // One block holds the data, the 0x80 byte and the 8-byte length.
    if len > 64 - 1 - 8 {
        let mut h = Sha256::new();
        h.update(a);
        h.update(b);
        return h.finalize().into();
    }
    let mut block = [0u8; 64];
    block[..a.len()].copy_from_slice(a);
    block[a.len()..len].copy_from_slice(b);
    block[len] = 0x80;
    block[56..].copy_from_slice(&(len as u64 * 8).to_be_bytes());
    let mut state = IV;
    let block = sha2::digest::generic_array::GenericArray::from_slice(&block);
    sha2::compress256(&mut state, std::slice::from_ref(block));
    let mut out = [0u8; 32];
    for (bytes, word) in out.chunks_exact_mut(4).zip(state) {
        bytes.copy_from_slice(&word.to_be_bytes());
    }
    out
}

/// A client secret as a [`Client`](crate::Client) keeps it.
///
/// Which to use when:
/// - [`ClientSecret::sha256`] (the default to reach for): machine-generated, high-entropy
///   secrets (e.g. [`Secret::generate`]). A fast hash is enough because there is no dictionary
///   to attack, and it keeps the token endpoint fast. Store the hex digest.
/// - a slow password hash (Argon2, bcrypt) belongs to *human-chosen* passwords, i.e. the
///   password grant's users, never to client secrets you generate: it costs ~100 ms of CPU per
///   request.
/// - [`ClientSecret::plain`]: only for tests and demos; still compared in constant time.
#[derive(Clone, PartialEq, Eq)]
pub enum ClientSecret {
    /// SHA-256 digest of the secret.
    Sha256([u8; 32]),
    /// The secret itself.
    Plain(String),
}

impl ClientSecret {
    /// Hashes `secret` with SHA-256 for storage.
    pub fn sha256(secret: &str) -> Self {
        Self::Sha256(sha256(secret.as_bytes()))
    }

    /// A stored SHA-256 digest in hex (64 characters); `None` when it is not one.
    pub fn from_sha256_hex(digest: &str) -> Option<Self> {
        let bytes = digest.as_bytes();
        if bytes.len() != 64 {
            return None;
        }
        let mut out = [0u8; 32];
        for (i, pair) in bytes.chunks_exact(2).enumerate() {
            let hi = (pair[0] as char).to_digit(16)?;
            let lo = (pair[1] as char).to_digit(16)?;
            out[i] = (hi * 16 + lo) as u8;
        }
        Some(Self::Sha256(out))
    }

    /// Keeps the secret as is (tests, demos).
    pub fn plain(secret: impl Into<String>) -> Self {
        Self::Plain(secret.into())
    }

    /// Checks a presented secret, in constant time.
    pub fn verify(&self, presented: &str) -> bool {
        match self {
            Self::Sha256(digest) => {
                let presented = sha256(presented.as_bytes());
                ct_eq_bytes(&presented, digest)
            }
            // Hash both sides first so that the comparison time does not depend on where the
            // first differing byte is, nor on the length of the presented value.
            Self::Plain(secret) => {
                let a = sha256(presented.as_bytes());
                let b = sha256(secret.as_bytes());
                ct_eq_bytes(&a, &b)
            }
        }
    }
}

impl fmt::Debug for ClientSecret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Sha256(_) => f.write_str("ClientSecret::Sha256(<redacted>)"),
            Self::Plain(_) => f.write_str("ClientSecret::Plain(<redacted>)"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The one-block path (up to 55 bytes) and the streaming one agree with `sha2`'s `Digest`
    /// at every length around the block boundaries, however the input is split; and with the
    /// FIPS 180-2 test vectors.
    #[test]
    fn sha256_agrees_with_the_digest_crate_at_every_length_and_split() {
        let data: Vec<u8> = (0..=200u8).map(|i| i.wrapping_mul(151).wrapping_add(7)).collect();
        for len in 0..=data.len() {
            let want: [u8; 32] = Sha256::digest(&data[..len]).into();
            assert_eq!(sha256(&data[..len]), want, "length {len}");
            for cut in [0, 1, len / 2, len.saturating_sub(1), len] {
                let (a, b) = data[..len].split_at(cut.min(len));
                assert_eq!(sha256_concat(a, b), want, "length {len} cut {cut}");
            }
        }
        assert_eq!(
            hex(&sha256(b"abc")),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
        assert_eq!(
            hex(&sha256(b"")),
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
        );
    }

    #[test]
    fn generated_secret_has_256_bits_base64url() {
        let s = Secret::generate();
        assert_eq!(s.expose().len(), 43);
        assert!(s.expose().bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_'));
        assert_ne!(s, Secret::generate());
    }

    #[test]
    fn debug_of_secret_is_redacted() {
        let s = Secret::new("tok-123");
        assert!(!format!("{s:?}").contains("tok-123"));
        let c = ClientSecret::plain("hunter2");
        assert!(!format!("{c:?}").contains("hunter2"));
    }

    #[test]
    fn sha256_client_secret_verifies_only_the_right_secret() {
        let c = ClientSecret::sha256("s3cret");
        assert!(c.verify("s3cret"));
        assert!(!c.verify("s3cre"));
        assert!(!c.verify("s3cret "));
        assert!(!c.verify(""));
    }

    #[test]
    fn sha256_hex_round_trips() {
        let hex_digest = TokenHash::of("s3cret").to_hex();
        let c = ClientSecret::from_sha256_hex(&hex_digest).unwrap();
        assert!(c.verify("s3cret"));
        assert!(ClientSecret::from_sha256_hex("zz").is_none());
    }

    #[test]
    fn plain_client_secret_verifies() {
        assert!(ClientSecret::plain("a").verify("a"));
        assert!(!ClientSecret::plain("a").verify("b"));
    }

    #[test]
    fn ct_eq_str_compares_contents_and_length() {
        assert!(ct_eq_str("abc", "abc"));
        assert!(!ct_eq_str("abc", "abd"));
        assert!(!ct_eq_str("abc", "abcd"));
    }

    /// The word-wise comparison against `==`: every length around the 8-byte words (whole
    /// words, remainders, both), and a one-bit difference at every position, in the words and
    /// in the remainder.
    #[test]
    fn ct_eq_bytes_finds_a_one_bit_difference_at_every_position() {
        use rand::RngCore as _;
        let mut rng = rand::thread_rng();
        for len in 0..=72 {
            let mut a = vec![0u8; len];
            rng.fill_bytes(&mut a);
            assert!(ct_eq_bytes(&a, &a.clone()), "len {len}");
            for i in 0..len {
                for bit in [0x01, 0x80] {
                    let mut b = a.clone();
                    b[i] ^= bit;
                    assert!(!ct_eq_bytes(&a, &b), "len {len}, byte {i}, bit {bit:#x}");
                }
            }
            let mut longer = a.clone();
            longer.push(0);
            assert!(!ct_eq_bytes(&a, &longer) && !ct_eq_bytes(&longer, &a), "len {len}");
        }
    }

    #[test]
    fn password_digest_verifies_only_the_password() {
        let d = PasswordDigest::new("wonderland");
        assert!(PasswordDigest::verify(&d.salt, &d.digest, "wonderland"));
        assert!(!PasswordDigest::verify(&d.salt, &d.digest, "wonderlan"));
        assert!(!PasswordDigest::verify(&d.salt[..3], &d.digest, "wonderland"));
    }
}
