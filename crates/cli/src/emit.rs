//! `kairn emit`: render, validate, then write files (or one stream) only if everything
//! rendered and no validation error exists.

use std::collections::{BTreeMap, BTreeSet};
use std::io::{self, Write};
use std::process::ExitCode;

use dsl::output::{
    env_output, write_tree, write_units, EnvOutput, OutputLock, Prune, TreeError, Unit,
};
use dsl::validate::Report;
use dsl::{App, Manifest};

use crate::console::{self, say, EXIT_IO};
use crate::project::output_root;
use crate::report;
use crate::selection::{declare, inputs, targets};
use crate::{EmitArgs, Format, Select, EXIT_ERRORS, EXIT_USAGE};

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
    // One environment per thread at a time, results in order (dsl::parallel).
    let manifests = dsl::parallel::map(&apps, |(_, app)| dsl::render(app));
    Ok(apps
        .into_iter()
        .zip(manifests)
        .map(|((id, app), manifests)| Rendered { id, app, manifests })
        .collect())
}

/// What a validation run covered, for its summary line.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Covered {
    /// Distinct applications.
    pub apps: usize,
    /// Application environments.
    pub environments: usize,
    /// Rendered objects.
    pub objects: usize,
}

impl Covered {
    /// Counts the apps (by id) and environments of `envs`, with `objects` objects.
    fn of<'a>(ids: impl Iterator<Item = &'a str>, objects: usize) -> Self {
        let ids: Vec<&str> = ids.collect();
        let apps = ids.iter().collect::<BTreeSet<_>>().len();
        Covered {
            apps,
            environments: ids.len(),
            objects,
        }
    }

    /// What `rendered` covers.
    pub fn rendered(rendered: &[Rendered]) -> Self {
        Covered::of(
            rendered.iter().map(|r| r.id.as_str()),
            rendered.iter().map(|r| r.manifests.len()).sum(),
        )
    }
}

/// The line every validation ends with, clean or not:
/// `validated 5 app(s) in 14 environment(s), 412 object(s): 0 error(s), 3 warning(s), 2 waived`.
pub fn validation_line(report: &Report, covered: Covered) -> String {
    format!(
        "validated {} app(s) in {} environment(s), {} object(s): {}",
        covered.apps,
        covered.environments,
        covered.objects,
        report::summary(report)
    )
}

/// Validates every rendered environment; all findings in one report.
pub fn validate_all(rendered: &[Rendered]) -> Report {
    let mut report = Report::default();
    for r in dsl::parallel::map(rendered, |r| {
        dsl::validate(&r.manifests, &dsl::validate::context_for(&r.app))
    }) {
        report.extend(r);
    }
    report
}

/// Serializes the rendered environments into files in memory.
pub fn outputs(rendered: &[Rendered]) -> Result<Vec<EnvOutput>, (u8, Vec<String>)> {
    let mut outputs = Vec::new();
    let mut errors = Vec::new();
    let serialized = dsl::parallel::map(rendered, |r| {
        env_output(&r.id, r.app.environment.as_str(), &r.manifests)
    });
    for (r, out) in rendered.iter().zip(serialized) {
        match out {
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

/// Files of one environment, or why it could not be serialized.
type Serialized = Result<EnvOutput, String>;

/// [`render_selected`], [`validate_all`] and [`outputs`] fused per environment (for
/// `emit`): each environment is rendered, validated and serialized on one thread, and only
/// its findings and files are kept, never the whole fleet's objects. Findings, outputs
/// and errors come in the same order as from the three steps.
#[allow(clippy::type_complexity)]
pub fn validated_outputs(
    select: &Select,
) -> Result<(Report, Covered, Result<Vec<EnvOutput>, Vec<String>>), (u8, Vec<String>)> {
    let targets = targets(select).map_err(|e| (EXIT_USAGE, vec![e.0]))?;
    let apps = declare(&targets, &inputs(select)).map_err(|errors| (EXIT_USAGE, errors))?;
    let done: Vec<(Report, Serialized, usize)> = dsl::parallel::map(&apps, |(id, app)| {
        let manifests = dsl::render(app);
        let report = dsl::validate(&manifests, &dsl::validate::context_for(app));
        let out = env_output(id, app.environment.as_str(), &manifests)
            .map_err(|e| format!("{id}/{}: {e}", app.environment));
        (report, out, manifests.len())
    });
    let covered = Covered::of(
        apps.iter().map(|(id, _)| id.as_str()),
        done.iter().map(|(_, _, n)| n).sum(),
    );
    let mut report = Report::default();
    let mut outputs = Vec::new();
    let mut errors = Vec::new();
    for (r, out, _) in done {
        report.extend(r);
        match out {
            Ok(o) => outputs.push(o),
            Err(e) => errors.push(e),
        }
    }
    Ok((
        report,
        covered,
        if errors.is_empty() {
            Ok(outputs)
        } else {
            Err(errors)
        },
    ))
}

/// Renders, validates (printing the findings) and serializes the selected environments
/// ([`validated_outputs`], in parallel): the files of every environment, or the exit
/// status when anything failed (nothing may then be written).
pub fn valid_outputs(select: &Select) -> Result<Vec<EnvOutput>, ExitCode> {
    let (report, covered, outputs) =
        validated_outputs(select).map_err(|(code, errors)| fail(code, &errors))?;
    if print_findings(&report, covered) {
        return Err(fail(
            EXIT_ERRORS,
            &["validation failed; nothing was written".to_owned()],
        ));
    }
    outputs.map_err(|errors| fail(EXIT_ERRORS, &errors))
}

/// Prints findings to standard error; returns whether any error exists. Errors and
/// warnings are printed in full; findings waived in code are counted per rule (listed in
/// full with `--verbose`); the last line says what was validated and the counts, also
/// when nothing was found ([`validation_line`]).
pub fn print_findings(report: &Report, covered: Covered) -> bool {
    let verbose = console::verbose();
    let shown = Report {
        findings: report
            .findings
            .iter()
            .filter(|f| verbose || f.waived.is_none())
            .cloned()
            .collect(),
        ..report.clone()
    };
    let mut text = Vec::new();
    let _ = report::write_text(&mut text, &shown);
    let text = String::from_utf8_lossy(&text);
    if !text.is_empty() {
        say!("{}", text.trim_end_matches('\n'));
    }
    if !verbose {
        let mut waived: BTreeMap<&str, usize> = BTreeMap::new();
        for f in report.findings.iter().filter(|f| f.waived.is_some()) {
            *waived.entry(f.rule).or_default() += 1;
        }
        if !waived.is_empty() {
            let rules: Vec<String> = waived.iter().map(|(r, n)| format!("{r} ×{n}")).collect();
            say!(
                "waived in code: {} (--verbose lists each with its reason)",
                rules.join(", ")
            );
        }
    }
    // Notes on declared apps: Pod Security exceptions for declared host access.
    let mut notes = Vec::new();
    let _ = report::write_notes(&mut notes, report);
    if !notes.is_empty() {
        say!("{}", String::from_utf8_lossy(&notes).trim_end_matches('\n'));
    }
    say!("{}", validation_line(report, covered));
    report.has_errors()
}

pub(crate) fn fail(code: u8, errors: &[String]) -> ExitCode {
    for e in errors {
        say!("error: {e}");
    }
    ExitCode::from(code)
}

/// Which undeclared environment directories a selection lets emit remove.
pub fn prune_scope(select: &Select) -> Prune {
    match (&select.app, &select.env) {
        (_, Some(_)) => Prune::Nothing,
        (Some(app), None) => Prune::Apps(BTreeSet::from([app.clone()])),
        (None, None) => Prune::AllApps,
    }
}

/// Writes every environment as one YAML stream in apply order: each environment's
/// objects in the order of its `kustomization.yaml` (namespace, service accounts and
/// RBAC, config and claims, services, workloads, then the rest).
fn write_stream(out: &mut dyn Write, outputs: &[EnvOutput]) -> io::Result<()> {
    for o in outputs {
        for name in &o.resources {
            writeln!(out, "---\n# Source: {}/{}/{name}", o.app, o.environment)?;
            out.write_all(o.files[name].as_bytes())?;
        }
    }
    Ok(())
}

/// The chart directory files of every environment (`--format helm`), in the order of
/// `outputs`; all errors together.
fn helm_charts(
    outputs: &[EnvOutput],
    version: Option<semver::Version>,
) -> Result<Vec<BTreeMap<String, String>>, Vec<String>> {
    let opts = ship::helm::ChartOptions::new(version.unwrap_or_else(ship::helm::default_version));
    let mut charts = Vec::new();
    let mut errors = Vec::new();
    for o in outputs {
        match ship::helm::chart_dir_files(o, &opts) {
            Ok(files) => charts.push(files),
            Err(e) => errors.push(format!("{}/{}: {e}", o.app, o.environment)),
        }
    }
    if errors.is_empty() {
        Ok(charts)
    } else {
        Err(errors)
    }
}

/// Runs `emit`.
pub fn run(args: &EmitArgs) -> ExitCode {
    if args.format == Format::Helm && args.out.is_none() {
        return fail(
            EXIT_USAGE,
            &["--format helm needs --out DIR: charts are written to DIR/<app>/<env>/, never into generated/".to_owned()],
        );
    }
    let outputs = match valid_outputs(&args.select) {
        Ok(o) => o,
        Err(code) => return code,
    };
    if args.stdout {
        return match console::stdout(|out| write_stream(out, &outputs)) {
            Ok(()) => ExitCode::SUCCESS,
            Err(code) => code,
        };
    }
    let root = match output_root(args.out.as_deref()) {
        Ok(root) => root,
        Err(e) => return fail(EXIT_USAGE, &[e]),
    };
    let _lock = match OutputLock::exclusive(&root, || {
        say!(
            "waiting: another kairn emit is writing {}; continuing when it finishes",
            root.display()
        )
    }) {
        Ok(lock) => lock,
        Err(e) => return fail(EXIT_IO, &[e.to_string()]),
    };
    let charts = match args.format {
        Format::Kustomize => None,
        Format::Helm => match helm_charts(&outputs, args.chart_version.clone()) {
            Ok(charts) => Some(charts),
            Err(errors) => return fail(EXIT_ERRORS, &errors),
        },
    };
    let prune = prune_scope(&args.select);
    let written = match &charts {
        None => write_tree(&root, &outputs, &prune, args.force),
        Some(charts) => {
            let units: Vec<Unit<'_>> = outputs
                .iter()
                .zip(charts)
                .map(|(o, files)| Unit::new(root.join(o.relative_dir()), files))
                .collect();
            write_units(&root, &units, &prune, args.force)
        }
    };
    let files: usize = match &charts {
        None => outputs.iter().map(|o| o.files.len()).sum(),
        Some(charts) => charts.iter().map(BTreeMap::len).sum(),
    };
    match written {
        Ok(report) => {
            for w in &report.warnings {
                say!("warning: {w}");
            }
            if !report.recovered.is_empty() {
                say!(
                    "cleaned up {} leftover(s) of an interrupted emit",
                    report.recovered.len()
                );
            }
            let mut line = format!(
                "emitted {} environment(s){}, {files} file(s) to {}: {} written, {} unchanged, {} removed",
                outputs.len(),
                if charts.is_some() { " as Helm charts" } else { "" },
                root.display(),
                report.written.len(),
                report.unchanged,
                report.removed.len()
            );
            if !report.retired.is_empty() {
                line.push_str(&format!(
                    " (including {} environment director{} no longer declared: {})",
                    report.retired.len(),
                    if report.retired.len() == 1 { "y" } else { "ies" },
                    report
                        .retired
                        .iter()
                        .map(|p| p.display().to_string())
                        .collect::<Vec<_>>()
                        .join(", ")
                ));
            }
            say!("{line}");
            ExitCode::SUCCESS
        }
        Err(TreeError::Conflicts(conflicts)) => {
            for c in &conflicts {
                say!("error: {c}");
            }
            fail(
                EXIT_ERRORS,
                &[format!(
                    "emit stopped before writing anything: {} path(s) under {} are not kairn's to overwrite or remove",
                    conflicts.len(),
                    root.display()
                )],
            )
        }
        Err(e) => fail(
            EXIT_IO,
            &[
                e.to_string(),
                "each environment directory holds either its previous or its new content; run emit again once the cause is fixed".to_owned(),
            ],
        ),
    }
}
