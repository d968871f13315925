//! The shop's own binary, as the guide runs it (`cargo run -p shop-example -- check --out
//! examples/shop/generated`): it validates both apps in every environment and finds the
//! committed `generated/` current and valid (exit 1 with a diff otherwise).
//!
//! This is a test of the package rather than a separate `cargo run` step of
//! `scripts/test.sh` so that the binary is built by `cargo test --workspace` with the
//! workspace's features: a `cargo run -p shop-example` of its own resolves features for
//! this package alone and rebuilt every dependency (about two minutes of the test command).

use std::path::Path;
use std::process::Command;

#[test]
fn the_shops_binary_checks_its_committed_output_clean() {
    let generated = Path::new(env!("CARGO_MANIFEST_DIR")).join("generated");
    let output = Command::new(env!("CARGO_BIN_EXE_shop"))
        .arg("check")
        .arg("--out")
        .arg(&generated)
        .output()
        .expect("the shop binary runs");
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        output.status.success(),
        "`shop check --out {}` failed ({}):\n{stdout}\n{stderr}",
        generated.display(),
        output.status
    );
    let said = format!("{stdout}{stderr}");
    assert!(
        said.contains("is up to date and valid") && said.contains("0 error(s)"),
        "`shop check` did not report a clean, current tree:\n{said}"
    );
    assert!(
        said.contains("validated 2 app(s) in 4 environment(s)"),
        "`shop check` did not validate both apps in every environment:\n{said}"
    );
}
