//! `kairn emit`: render, then write files (or one stream) only if everything rendered.

use std::io::Write;
use std::path::Path;
use std::process::ExitCode;

use dsl::output::{env_output, write_tree, EnvOutput};

use crate::selection::{declare, inputs, targets};
use crate::{Select, EXIT_ERRORS, EXIT_USAGE};

/// Renders the selected environments into memory; nothing is written on any error.
pub fn render_all(select: &Select) -> Result<Vec<EnvOutput>, (u8, Vec<String>)> {
    let targets = targets(select).map_err(|e| (EXIT_USAGE, vec![e.0]))?;
    let apps = declare(&targets, &inputs(select)).map_err(|errors| (EXIT_USAGE, errors))?;
    let mut outputs = Vec::new();
    let mut errors = Vec::new();
    for (id, app) in &apps {
        let manifests = dsl::render(app);
        match env_output(id, app.environment.as_str(), &manifests) {
            Ok(out) => outputs.push(out),
            Err(e) => errors.push(format!("{id}/{}: {e}", app.environment)),
        }
    }
    if errors.is_empty() {
        Ok(outputs)
    } else {
        Err((EXIT_ERRORS, errors))
    }
}

fn fail(code: u8, errors: &[String]) -> ExitCode {
    for e in errors {
        eprintln!("error: {e}");
    }
    ExitCode::from(code)
}

/// Runs `emit`.
pub fn run(select: &Select, stdout: bool, out: &Path) -> ExitCode {
    let outputs = match render_all(select) {
        Ok(o) => o,
        Err((code, errors)) => return fail(code, &errors),
    };
    if stdout {
        let mut lock = std::io::stdout().lock();
        for o in &outputs {
            for (name, content) in &o.files {
                if name == "kustomization.yaml" {
                    continue;
                }
                if writeln!(lock, "---\n# Source: {}/{}/{name}", o.app, o.environment)
                    .and_then(|_| lock.write_all(content.as_bytes()))
                    .is_err()
                {
                    return ExitCode::from(EXIT_ERRORS);
                }
            }
        }
        return ExitCode::SUCCESS;
    }
    match write_tree(out, &outputs) {
        Ok(report) => {
            let files: usize = outputs.iter().map(|o| o.files.len()).sum();
            eprintln!(
                "emitted {} environment(s), {files} file(s) under {}: {} written, {} unchanged, {} stale removed",
                outputs.len(),
                out.display(),
                report.written.len(),
                report.unchanged,
                report.removed.len()
            );
            ExitCode::SUCCESS
        }
        Err(e) => fail(
            EXIT_USAGE,
            &[format!("cannot write under {}: {e}", out.display())],
        ),
    }
}
