//! `kairn list`.

use std::process::ExitCode;

/// Prints each app with its environments and inputs.
pub fn run() -> ExitCode {
    for entry in apps::registry() {
        let envs: Vec<String> = entry.environments().iter().map(|e| e.to_string()).collect();
        println!("{}: {}", entry.id, envs.join(", "));
        for input in entry.inputs {
            println!("    --set {}=...  {}", input.key, input.help);
        }
    }
    ExitCode::SUCCESS
}
