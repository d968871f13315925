//! This crate's apps alone, for the edit → YAML loop of a large workspace:
//! `cargo run -p payments --example kairn -- emit --app checkout` compiles and
//! links the apps of this crate, not every team's. `emit` here never removes another
//! crate's app directories (`kairn::main_partial`); the workspace's `cargo run -- emit`
//! holds every app.

use payments as _;

fn main() -> std::process::ExitCode {
    kairn::main_partial(
        kairn::registered(),
        kairn::Settings {
            emit_command: "cargo run -- emit",
        },
    )
}
