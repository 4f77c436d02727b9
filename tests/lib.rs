//! Cross-crate tests live in `tests/tests/`; trybuild cases in `tests/ui/`.
