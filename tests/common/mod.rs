//! Shared test helpers.
#![allow(dead_code)]

pub mod pki;

use std::path::PathBuf;

/// `../shared` (or `$OIR_SHARED`). `None` = absent: the caller skips with a notice —
/// except under `CI=true`, where absence is a failure.
pub fn shared_dir(what: &str) -> Option<PathBuf> {
    let dir = std::env::var_os("OIR_SHARED")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../shared"));
    if dir.join(what).exists() {
        return Some(dir);
    }
    if std::env::var("CI").as_deref() == Ok("true") {
        panic!(
            "{} not found under {} (set OIR_SHARED); required under CI",
            what,
            dir.display()
        );
    }
    eprintln!(
        "notice: {} not found under {}; skipping (set OIR_SHARED)",
        what,
        dir.display()
    );
    None
}

/// Run the `oir` binary from the crate root: (exit code, stdout, stderr).
pub fn oir(args: &[&str]) -> (i32, String, String) {
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_oir"))
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .args(args)
        .output()
        .expect("oir runs");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}
