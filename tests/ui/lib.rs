//! trybuild cases live in `pass/` and `fail/`; the runner is `tests/ui.rs`.
