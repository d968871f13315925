//! The {{team}} team's apps alone: `cargo run -p {{team}} --example kairn -- emit --app <id>`
//! compiles and links this crate's apps, not every team's, so the edit loop stays short in
//! a large workspace. Its `emit` never removes another crate's app directories
//! (`kairn::main_partial`); `cargo run -- emit` at the root holds every app.

use {{team_crate}} as _;

fn main() -> std::process::ExitCode {
    kairn::main_partial(
        kairn::registered(),
        kairn::Settings {
            emit_command: "cargo run -- emit",
        },
    )
}
