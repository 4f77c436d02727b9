//! Cross-crate tests live in `tests/tests/`; the trybuild cases are their own package in `tests/ui/`.
