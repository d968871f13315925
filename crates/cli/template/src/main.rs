//! This repository's `kairn`: the whole command line over every app registered by the
//! crates it links. One `use` per team crate (a crate nothing refers to is not linked).

{{team_uses}}

fn main() -> std::process::ExitCode {
    kairn::main_with(
        kairn::registered(),
        kairn::Settings {
            emit_command: "cargo run -- emit",
        },
    )
}
