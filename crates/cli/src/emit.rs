//! `kairn emit`: render, validate, then write files (or one stream) only if everything
//! rendered and no validation error exists.

use std::io::Write;
use std::path::Path;
use std::process::ExitCode;

use dsl::output::{env_output, write_tree, EnvOutput};
use dsl::validate::{Context, Report};
use dsl::{App, Manifest};

use crate::report;
use crate::selection::{declare, inputs, targets};
use crate::{Select, EXIT_ERRORS, EXIT_USAGE};

/// One rendered application environment.
pub struct Rendered {
    /// Application id.
    pub id: String,
    /// The declaration.
    pub app: App,
    /// Its objects.
    pub manifests: Vec<Manifest>,
}

/// Declares and renders the selected environments (usage errors exit 2).
pub fn render_selected(select: &Select) -> Result<Vec<Rendered>, (u8, Vec<String>)> {
    let targets = targets(select).map_err(|e| (EXIT_USAGE, vec![e.0]))?;
    let apps = declare(&targets, &inputs(select)).map_err(|errors| (EXIT_USAGE, errors))?;
    Ok(apps
        .into_iter()
        .map(|(id, app)| {
            let manifests = dsl::render(&app);
            Rendered { id, app, manifests }
        })
        .collect())
}

/// Validates every rendered environment; all findings in one report.
pub fn validate_all(rendered: &[Rendered]) -> Report {
    let mut report = Report::default();
    for r in rendered {
        report.extend(dsl::validate(&r.manifests, &Context::for_app(&r.app)));
    }
    report
}

/// Serializes the rendered environments into files in memory.
pub fn outputs(rendered: &[Rendered]) -> Result<Vec<EnvOutput>, (u8, Vec<String>)> {
    let mut outputs = Vec::new();
    let mut errors = Vec::new();
    for r in rendered {
        match env_output(&r.id, r.app.environment.as_str(), &r.manifests) {
            Ok(out) => outputs.push(out),
            Err(e) => errors.push(format!("{}/{}: {e}", r.id, r.app.environment)),
        }
    }
    if errors.is_empty() {
        Ok(outputs)
    } else {
        Err((EXIT_ERRORS, errors))
    }
}

/// Prints findings to standard error; returns whether any error exists.
pub fn print_findings(report: &Report) -> bool {
    let mut err = std::io::stderr().lock();
    let _ = report::write_text(&mut err, report);
    if !report.findings.is_empty() {
        let _ = writeln!(err, "validation: {}", report::summary(report));
    }
    report.has_errors()
}

pub(crate) fn fail(code: u8, errors: &[String]) -> ExitCode {
    for e in errors {
        eprintln!("error: {e}");
    }
    ExitCode::from(code)
}

/// Runs `emit`.
pub fn run(select: &Select, stdout: bool, out: &Path) -> ExitCode {
    let rendered = match render_selected(select) {
        Ok(r) => r,
        Err((code, errors)) => return fail(code, &errors),
    };
    if print_findings(&validate_all(&rendered)) {
        return fail(
            EXIT_ERRORS,
            &["validation failed; nothing was written".to_owned()],
        );
    }
    let outputs = match outputs(&rendered) {
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
