//! Compile-time tests with trybuild: `ui/pass` proves the accepted wiring, `ui/fail` pins the
//! message of each mistake (grant without its store, attribute errors).
//!
//! The `.stderr` files hold rustc's exact wording, which changes between compiler versions, so
//! they are checked only with the rustc they were made with. Regenerate them with
//! `TRYBUILD=overwrite cargo test -p oauth2-server-ui-tests`, read the diff, and update
//! [`STDERR_RUSTC`].

use std::process::Command;

/// The rustc version the `.stderr` files were made with.
const STDERR_RUSTC: &str = "1.95.0";

/// The version of the rustc that builds the cases (trybuild runs the same toolchain).
fn running_rustc() -> String {
    let rustc = std::env::var("RUSTC").unwrap_or_else(|_| "rustc".to_owned());
    let output = Command::new(rustc).arg("--version").output();
    match output {
        Ok(out) => String::from_utf8_lossy(&out.stdout).trim().to_owned(),
        Err(err) => format!("unknown ({err})"),
    }
}

#[test]
fn ui() {
    let running = running_rustc();
    if running.split_whitespace().nth(1) != Some(STDERR_RUSTC) {
        eprintln!(
            "skipping ui tests: .stderr made with rustc {STDERR_RUSTC}, this is {running}; \
             regenerate with TRYBUILD=overwrite"
        );
        return;
    }
    let cases = trybuild::TestCases::new();
    cases.pass("pass/*.rs");
    cases.compile_fail("fail/*.rs");
}
