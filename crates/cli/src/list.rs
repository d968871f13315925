//! `kairn list`.

use std::process::ExitCode;

use crate::console;

/// Prints each app with its environments and inputs.
pub fn run() -> ExitCode {
    let written = console::stdout(|out| {
        for entry in crate::registry() {
            let envs: Vec<String> = entry.environments().iter().map(|e| e.to_string()).collect();
            writeln!(out, "{}: {}", entry.id, envs.join(", "))?;
            for input in entry.inputs {
                writeln!(out, "    --set {}=...  {}", input.key, input.help)?;
            }
        }
        Ok(())
    });
    match written {
        Ok(()) => ExitCode::SUCCESS,
        Err(code) => code,
    }
}
