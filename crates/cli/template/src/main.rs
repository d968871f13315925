//! This repository's `kairn`: the whole command line over every app registered by the
//! crates it links. One `use` per team crate (a crate nothing refers to is not linked).

use {{team_crate}} as _;

fn main() -> std::process::ExitCode {
    kairn::main_with(
        kairn::registered(),
        kairn::Settings {
            emit_command: "cargo run -- emit",
        },
    )
}
