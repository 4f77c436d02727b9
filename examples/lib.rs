//! Runnable examples: `cargo run --example quickstart`, `cargo run --example server`.
//!
//! The demo server's code is this library's [`server`] module, so that the end-to-end tests in
//! `tests/tests/` serve exactly what `cargo run --example server` serves.

pub mod server;
