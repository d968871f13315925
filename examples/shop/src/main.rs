//! The shop's `kairn`: the whole command line over the shop's apps.

fn main() -> std::process::ExitCode {
    kairn::main_with(
        shop::registry(),
        kairn::Settings {
            emit_command: shop::EMIT_COMMAND,
        },
    )
}
