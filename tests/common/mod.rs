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

/// Fails when any file in `dir` holds an unmasked CPR number (ten digits starting with a
/// date, alone or `DDMMYY-NNNN`, not part of a longer number or identifier); returns how
/// many masked ones (`-****`) the files show.
pub fn assert_no_unmasked_cpr(dir: &std::path::Path) -> usize {
    let cpr = regex::Regex::new(
        r"(?:^|[^0-9A-Za-z.-])(?:0[1-9]|[12][0-9]|3[01])(?:0[1-9]|1[0-2])[0-9]{2}-?[0-9]{4}(?:$|[^0-9A-Za-z-])",
    )
    .expect("constant pattern");
    let mut masked = 0;
    for entry in std::fs::read_dir(dir).expect("report folder") {
        let path = entry.expect("entry").path();
        let text = String::from_utf8_lossy(&std::fs::read(&path).expect("readable")).into_owned();
        // JSON numbers (durations in nanoseconds) are no CPR numbers: skip `": 1234567890`.
        if let Some(m) = cpr
            .find_iter(&text)
            .find(|m| !text[..m.start() + 1].trim_end().ends_with(':'))
        {
            panic!(
                "{}: unmasked CPR number near {:?}",
                path.display(),
                m.as_str()
            );
        }
        masked += text.matches("-****").count();
    }
    masked
}
