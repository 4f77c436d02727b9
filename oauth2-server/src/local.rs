//! Per-thread copies of strings that many values share, so that threads on different cores do
//! not all count references to one `Arc`.
//!
//! Every token of a client holds the client's id, and usually its registered scope, as clones
//! of one `Arc<str>`. Cloning or dropping an `Arc` is an atomic read-modify-write of its count,
//! which needs the count's cache line for itself: when two cores clone the same `Arc` on every
//! request, that line moves from one core to the other twice a request. Measured with
//! `cargo bench -p oauth2-server --bench scale -- threads` (two threads authenticating tokens
//! of one client): two threads did no more than one. [`clone_for_thread`] hands out this
//! thread's own copy of such a string instead, made once per thread and kept in a small cache:
//! its count is touched by this thread only (as long as the value it goes into stays on it),
//! and the shared `Arc` is only read.
//!
//! A copy is the same string, so nothing can tell it from a clone except `Arc::ptr_eq` (and
//! memory: one copy per thread per shared string in use, at most [`SLOTS`] per thread).

use std::cell::RefCell;
use std::sync::Arc;

/// Cache entries per thread: direct-mapped by the shared string's address.
const SLOTS: usize = 64;

/// A shared string and this thread's copy of it. The entry holds a clone of `shared`, so that
/// its address cannot be reused by another string while the entry lives: an address match is
/// the same string.
struct Entry {
    shared: Arc<str>,
    local: Arc<str>,
}

const NO_ENTRY: Option<Entry> = None;

thread_local! {
    static COPIES: RefCell<[Option<Entry>; SLOTS]> = const { RefCell::new([NO_ENTRY; SLOTS]) };
}

/// A clone of `shared` whose reference count belongs to this thread, when `shared` is held by
/// several values (so that other threads are likely to count it too); a plain clone otherwise.
pub(crate) fn clone_for_thread(shared: &Arc<str>) -> Arc<str> {
    // Held by its owner and at most one more value: nobody else is counting it, and a copy
    // would cost an allocation for nothing.
    if Arc::strong_count(shared) <= 2 {
        return Arc::clone(shared);
    }
    let addr = Arc::as_ptr(shared).cast::<u8>() as usize;
    let slot = ((addr >> 4) ^ (addr >> 12)) % SLOTS;
    let copy = COPIES.try_with(|copies| {
        // Never borrowed twice (nothing below calls back here); a thread being torn down
        // falls back to a plain clone.
        let mut copies = copies.try_borrow_mut().ok()?;
        let entry = &mut copies[slot];
        if let Some(entry) = entry {
            if Arc::ptr_eq(&entry.shared, shared) {
                return Some(Arc::clone(&entry.local));
            }
        }
        let local: Arc<str> = Arc::from(&**shared);
        *entry = Some(Entry { shared: Arc::clone(shared), local: Arc::clone(&local) });
        Some(local)
    });
    copy.ok().flatten().unwrap_or_else(|| Arc::clone(shared))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// An `Arc` held by `n` values.
    fn shared_by(s: &str, n: usize) -> (Arc<str>, Vec<Arc<str>>) {
        let a: Arc<str> = Arc::from(s);
        let holders = (1..n).map(|_| Arc::clone(&a)).collect();
        (a, holders)
    }

    #[test]
    fn a_shared_string_gets_one_copy_per_thread() {
        let (shared, _holders) = shared_by("bench-client", 3);
        let first = clone_for_thread(&shared);
        let second = clone_for_thread(&shared);
        assert_eq!(&*first, "bench-client");
        assert!(!Arc::ptr_eq(&first, &shared), "a shared string is copied");
        assert!(Arc::ptr_eq(&first, &second), "once per thread");
        let other = std::thread::scope(|s| s.spawn(|| clone_for_thread(&shared)).join().unwrap());
        assert_eq!(&*other, "bench-client");
        assert!(!Arc::ptr_eq(&other, &first), "another thread gets its own copy");
    }

    #[test]
    fn a_string_held_once_or_twice_is_cloned_plainly() {
        for n in [1, 2] {
            let (shared, _holders) = shared_by("read", n);
            assert!(Arc::ptr_eq(&clone_for_thread(&shared), &shared));
        }
    }

    #[test]
    fn strings_in_the_same_slot_each_get_their_own_copy() {
        // More shared strings than slots: every answer is still its own string.
        let strings: Vec<_> =
            (0..4 * SLOTS).map(|i| shared_by(&format!("client-{i}"), 3)).collect();
        for _ in 0..2 {
            for (i, (shared, _)) in strings.iter().enumerate() {
                assert_eq!(&*clone_for_thread(shared), format!("client-{i}"));
            }
        }
    }

    #[test]
    fn the_answer_is_the_string_asked_for_as_strings_come_and_go() {
        for i in 0..1000 {
            let (shared, holders) = shared_by(&format!("c{i}"), 3);
            assert_eq!(&*clone_for_thread(&shared), format!("c{i}"));
            drop((shared, holders));
        }
    }
}
