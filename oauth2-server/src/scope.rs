//! [`Scope`]: a set of scope tokens (RFC 6749 3.3).

use std::fmt;
use std::sync::Arc;

use crate::error::OAuthError;

/// A normalized scope: distinct scope tokens in the order first given, joined by single spaces.
/// Cheap to clone.
///
/// ```
/// use oauth2_server::Scope;
///
/// let s = Scope::parse(" read  write read ").unwrap();
/// assert_eq!(s.as_str(), "read write");
/// assert!(s.contains("write"));
/// assert!(Scope::parse("read \"x\"").is_err());
/// ```
#[derive(Clone, PartialEq, Eq, Hash, Default)]
pub struct Scope(Arc<str>);

impl Scope {
    /// The empty scope.
    pub fn empty() -> Self {
        Self::default()
    }

    /// Parses a space-delimited scope string. RFC 6749 3.3: `scope-token = 1*( %x21 / %x23-5B /
    /// %x5D-7E )`; any other character is `invalid_scope`. An empty or all-space string gives
    /// the empty scope.
    pub fn parse(raw: &str) -> Result<Self, OAuthError> {
        if is_normalized(raw) {
            return Ok(Self(Arc::from(raw)));
        }
        let mut out = String::with_capacity(raw.len());
        for token in raw.split(' ').filter(|t| !t.is_empty()) {
            if !token.bytes().all(is_scope_char) {
                return Err(OAuthError::invalid_scope(
                    "scope tokens may only contain printable ASCII other than '\"' and '\\' (RFC 6749 3.3)",
                ));
            }
            if !out.split(' ').any(|t| t == token) {
                if !out.is_empty() {
                    out.push(' ');
                }
                out.push_str(token);
            }
        }
        Ok(Self(Arc::from(out)))
    }

    /// [`Scope::parse`], sharing `known` when `raw` is exactly its string (a request asking
    /// for the client's registered scopes, the usual case): no allocation.
    pub(crate) fn parse_as(raw: &str, known: Option<&Scope>) -> Result<Self, OAuthError> {
        match known {
            Some(known) if known.as_str() == raw => Ok(known.clone()),
            _ => Self::parse(raw),
        }
    }

    /// A clone that does not count references to `self` when many values share it
    /// (`crate::local`): a client's registered scope, held by every token of the client.
    pub(crate) fn clone_for_thread(&self) -> Self {
        Self(crate::local::clone_for_thread(&self.0))
    }

    /// Builds a scope from tokens; fails like [`Scope::parse`] on invalid characters.
    pub fn from_tokens<I, S>(tokens: I) -> Result<Self, OAuthError>
    where
        I: IntoIterator<Item = S>,
        S: AsRef<str>,
    {
        let joined = tokens.into_iter().map(|t| t.as_ref().to_owned()).collect::<Vec<_>>();
        if joined.iter().any(|t| t.contains(' ')) {
            return Err(OAuthError::invalid_scope("a scope token may not contain a space"));
        }
        Self::parse(&joined.join(" "))
    }

    /// The normalized string.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// True when there is no scope token.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// The scope tokens.
    pub fn iter(&self) -> impl Iterator<Item = &str> {
        self.0.split(' ').filter(|t| !t.is_empty())
    }

    /// True when `token` is one of the scope tokens.
    pub fn contains(&self, token: &str) -> bool {
        self.contains_bytes(token.as_bytes())
    }

    fn contains_bytes(&self, token: &[u8]) -> bool {
        !token.is_empty() && self.0.as_bytes().split(|&b| b == b' ').any(|t| t == token)
    }

    /// True when every token of `self` is in `other`.
    pub fn is_subset_of(&self, other: &Scope) -> bool {
        // Byte splits, as in `contains`: `str::split(' ')` searches for a char, a costlier
        // loop for scopes of a few short words (this runs on every scoped resource request).
        Arc::ptr_eq(&self.0, &other.0)
            || self.0 == other.0
            || self
                .0
                .as_bytes()
                .split(|&b| b == b' ')
                .filter(|t| !t.is_empty())
                .all(|t| other.contains_bytes(t))
    }
}

/// True when `raw` is already what [`Scope::parse`] would make of it: valid tokens, single
/// spaces, no repeats.
fn is_normalized(raw: &str) -> bool {
    if raw.starts_with(' ') || raw.ends_with(' ') || raw.contains("  ") {
        return false;
    }
    if !raw.bytes().all(|b| b == b' ' || is_scope_char(b)) {
        return false;
    }
    raw.split(' ').enumerate().all(|(i, token)| !raw.split(' ').take(i).any(|t| t == token))
}

fn is_scope_char(b: u8) -> bool {
    b == 0x21 || (0x23..=0x5B).contains(&b) || (0x5D..=0x7E).contains(&b)
}

impl fmt::Display for Scope {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl fmt::Debug for Scope {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Scope({:?})", &*self.0)
    }
}

impl serde::Serialize for Scope {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.0)
    }
}

impl<'de> serde::Deserialize<'de> for Scope {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let raw = String::deserialize(d)?;
        Scope::parse(&raw).map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scope_parse_normalizes_spaces_and_duplicates() {
        assert_eq!(Scope::parse("  a b  a c ").unwrap().as_str(), "a b c");
    }

    #[test]
    fn normalized_fast_path_agrees_with_the_general_one() {
        for raw in ["", "a", "a b", "a b a", "b a", " a", "a ", "a  b", "a\"b", "x y z y"] {
            assert_eq!(is_normalized(raw), raw.is_empty() || matches!(raw, "a" | "a b" | "b a"));
        }
        let known = Scope::parse("read write").unwrap();
        assert_eq!(Scope::parse_as("read write", Some(&known)).unwrap(), known);
        assert_eq!(Scope::parse_as("write  read", Some(&known)).unwrap().as_str(), "write read");
    }

    #[test]
    fn scope_rejects_characters_outside_rfc6749_3_3() {
        for bad in ["a\"b", "a\\b", "a\u{7f}", "caf\u{e9}", "a\tb", "a\nb"] {
            assert!(Scope::parse(bad).is_err(), "{bad:?} accepted");
        }
    }

    #[test]
    fn scope_subset() {
        let rw = Scope::parse("read write").unwrap();
        assert!(Scope::parse("read").unwrap().is_subset_of(&rw));
        assert!(!Scope::parse("admin").unwrap().is_subset_of(&rw));
        assert!(Scope::empty().is_subset_of(&rw));
        assert!(Scope::parse("write read").unwrap().is_subset_of(&rw));
        assert!(!Scope::parse("read admin").unwrap().is_subset_of(&rw));
        // Whole tokens only: a prefix or a suffix of a granted token is not it.
        assert!(!Scope::parse("rea").unwrap().is_subset_of(&rw));
        assert!(!Scope::parse("ite").unwrap().is_subset_of(&rw));
        assert!(!rw.is_subset_of(&Scope::parse("read").unwrap()));
    }

    #[test]
    fn scope_round_trips_through_string() {
        let s = Scope::parse("x y").unwrap();
        assert_eq!(Scope::parse(s.as_str()).unwrap(), s);
        let json = serde_json::to_string(&s).unwrap();
        assert_eq!(serde_json::from_str::<Scope>(&json).unwrap(), s);
    }

    #[test]
    fn scope_from_tokens_rejects_embedded_space() {
        assert!(Scope::from_tokens(["a b"]).is_err());
        assert_eq!(Scope::from_tokens(["a", "b"]).unwrap().as_str(), "a b");
    }
}
