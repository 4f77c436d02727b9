//! Scope strings: `Scope::parse` never panics; an accepted scope is normalized (single spaces,
//! no duplicates, RFC 6749 3.3 characters only), round-trips through its string, its tokens
//! and JSON, and is a subset of itself.
#![no_main]

use libfuzzer_sys::fuzz_target;
use oauth2_server::Scope;

fuzz_target!(|data: &[u8]| {
    let Ok(raw) = std::str::from_utf8(data) else { return };
    let Ok(scope) = Scope::parse(raw) else {
        // Refused only for a character outside RFC 6749 3.3 in some token.
        assert!(raw.split(' ').any(|t| t
            .bytes()
            .any(|b| !(b == 0x21 || (0x23..=0x5B).contains(&b) || (0x5D..=0x7E).contains(&b)))));
        return;
    };
    let s = scope.as_str();
    assert!(!s.starts_with(' ') && !s.ends_with(' ') && !s.contains("  "), "{s:?}");
    let tokens: Vec<&str> = scope.iter().collect();
    for (i, t) in tokens.iter().enumerate() {
        assert!(!tokens[..i].contains(t), "duplicate {t:?}");
        assert!(scope.contains(t));
        assert!(raw.split(' ').any(|r| r == *t), "token {t:?} not in the input");
    }
    for r in raw.split(' ').filter(|r| !r.is_empty()) {
        assert!(scope.contains(r), "input token {r:?} lost");
    }
    assert_eq!(Scope::parse(s).expect("normalized scope parses"), scope);
    assert_eq!(Scope::from_tokens(&tokens).expect("tokens rebuild"), scope);
    let json = serde_json::to_string(&scope).expect("serialize");
    assert_eq!(serde_json::from_str::<Scope>(&json).expect("deserialize"), scope);
    assert!(scope.is_subset_of(&scope));
    assert!(Scope::empty().is_subset_of(&scope));
    assert_eq!(scope.is_empty(), tokens.is_empty());
});
