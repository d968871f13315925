//! The `kairn` binary of this repository: the command line ([`kairn::main`]) over the
//! seed applications of `crates/apps`.

use std::process::ExitCode;

fn main() -> ExitCode {
    kairn::main(apps::registry())
}
