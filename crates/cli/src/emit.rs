//! `kairn emit`: render, validate, then write files (or one stream) only if everything
//! rendered and no validation error exists.

use std::collections::{BTreeMap, BTreeSet};
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use dsl::output::{env_output, write_units, EnvOutput, OutputLock, Prune, TreeError, Unit};
use dsl::validate::Report;
use dsl::{App, Manifest};

use crate::console::{self, say, EXIT_IO};
use crate::project::output_root;
use crate::report;
use crate::selection::{declare, inputs, targets};
use crate::{EmitArgs, Format, Select, EXIT_ERRORS, EXIT_USAGE};
use dsl::output::cache::{Cache, Hit, Key};

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

/// One declared environment after validation.
pub struct Validated {
    /// Application id.
    pub id: String,
    /// The declaration.
    pub app: App,
    /// Its findings.
    pub report: Report,
    /// Its object count.
    pub objects: usize,
    key: Option<Key>,
    state: State,
}

/// Where an environment's files come from.
enum State {
    /// Rendered and serialised in this run.
    Rendered(EnvOutput),
    /// Serialisation failed (`app/env: why`).
    Failed(String),
    /// Its key matched an entry of [`Cache`]: findings from the entry, files only once
    /// its directory has been checked ([`settle`]).
    Cached(Hit),
}

impl Validated {
    /// The environment directory under `root`.
    fn dir(&self, root: &Path) -> PathBuf {
        root.join(&self.id).join(self.app.environment.as_str())
    }
}

/// One environment's files, or why they could not be serialised.
fn serialize(id: &str, app: &App, manifests: &[Manifest]) -> State {
    match env_output(id, app.environment.as_str(), manifests) {
        Ok(out) => State::Rendered(out),
        Err(e) => State::Failed(format!("{id}/{}: {e}", app.environment)),
    }
}

/// Declares the selection and validates every environment, in parallel, keeping only
/// each one's findings and files, never the fleet's objects: from `cache` when its key
/// matches (nothing rendered), else rendered, validated and serialised on one thread.
pub fn validate_selected(
    select: &Select,
    cache: Option<&Cache>,
) -> Result<Vec<Validated>, (u8, Vec<String>)> {
    let targets = targets(select).map_err(|e| (EXIT_USAGE, vec![e.0]))?;
    let apps = declare(&targets, &inputs(select)).map_err(|errors| (EXIT_USAGE, errors))?;
    let done = dsl::parallel::map(&apps, |(id, app)| {
        let key = cache.map(|c| c.key(id, app));
        let hit = match (cache, &key) {
            (Some(cache), Some(k)) => cache.load(id, app.environment.as_str(), k),
            _ => None,
        };
        if let Some(mut hit) = hit {
            let report = std::mem::take(&mut hit.report);
            return (report, hit.objects, key, State::Cached(hit));
        }
        let manifests = dsl::render(app);
        let report = dsl::validate(&manifests, &dsl::validate::context_for(app));
        (report, manifests.len(), key, serialize(id, app, &manifests))
    });
    Ok(apps
        .into_iter()
        .zip(done)
        .map(|((id, app), (report, objects, key, state))| Validated {
            id,
            app,
            report,
            objects,
            key,
            state,
        })
        .collect())
}

/// [`validate_selected`], its findings printed: the environments, or the exit status
/// when anything failed (nothing may then be written).
pub fn valid_envs(select: &Select, cache: Option<&Cache>) -> Result<Vec<Validated>, ExitCode> {
    let envs = validate_selected(select, cache).map_err(|(code, errors)| fail(code, &errors))?;
    if print_findings(&merged_report(&envs), covered(&envs)) {
        return Err(fail(
            EXIT_ERRORS,
            &["validation failed; nothing was written".to_owned()],
        ));
    }
    serialization_errors(&envs)?;
    Ok(envs)
}

/// Fails (printing them) when any environment could not be serialised.
pub fn serialization_errors(envs: &[Validated]) -> Result<(), ExitCode> {
    let errors: Vec<String> = envs
        .iter()
        .filter_map(|v| match &v.state {
            State::Failed(e) => Some(e.clone()),
            _ => None,
        })
        .collect();
    if errors.is_empty() {
        Ok(())
    } else {
        Err(fail(EXIT_ERRORS, &errors))
    }
}

/// Every environment's findings, in order, as one report.
pub fn merged_report(envs: &[Validated]) -> Report {
    let mut report = Report::default();
    for v in envs {
        report.extend(v.report.clone());
    }
    report
}

/// What `envs` cover, for the summary line.
pub fn covered(envs: &[Validated]) -> Covered {
    Covered::of(
        envs.iter().map(|v| v.id.as_str()),
        envs.iter().map(|v| v.objects).sum(),
    )
}

/// Renders, validates (printing the findings) and serializes the selected environments
/// (in parallel, no cache): the files of every environment, or the exit status when
/// anything failed (nothing may then be written).
pub fn valid_outputs(select: &Select) -> Result<Vec<EnvOutput>, ExitCode> {
    valid_envs(select, None).map(rendered_outputs)
}

/// Under the output lock: every cached environment whose directory under `root` is no
/// longer exactly as the cache recorded it is rendered and serialised now (its findings
/// are already known). Fails, printing them, on serialisation errors.
pub fn settle(root: &Path, envs: &mut [Validated]) -> Result<(), ExitCode> {
    let stale: Vec<usize> = dsl::parallel::map(envs, |v| match &v.state {
        State::Cached(hit) => !hit.still_current(&v.dir(root)),
        _ => false,
    })
    .into_iter()
    .enumerate()
    .filter_map(|(i, stale)| stale.then_some(i))
    .collect();
    let states = dsl::parallel::map(&stale, |&i| {
        let v = &envs[i];
        serialize(&v.id, &v.app, &dsl::render(&v.app))
    });
    for (i, state) in stale.into_iter().zip(states) {
        envs[i].state = state;
    }
    serialization_errors(envs)
}

/// The directories to write or compare, in order: rendered files, or (for a cached
/// environment [`settle`] kept) the directory as it stands.
pub fn units<'a>(root: &Path, envs: &'a [Validated]) -> Vec<Unit<'a>> {
    envs.iter()
        .filter_map(|v| match &v.state {
            State::Rendered(out) => Some(Unit::new(root.join(out.relative_dir()), &out.files)),
            State::Cached(hit) => Some(Unit::known_current(v.dir(root), &hit.files)),
            State::Failed(_) => None,
        })
        .collect()
}

/// The files of environments rendered in full (no cache was given).
fn rendered_outputs(envs: Vec<Validated>) -> Vec<EnvOutput> {
    envs.into_iter()
        .filter_map(|v| match v.state {
            State::Rendered(out) => Some(out),
            State::Failed(_) | State::Cached(_) => None,
        })
        .collect()
}

/// After a successful write: records every environment rendered in this run in `cache`.
fn remember(cache: &Cache, root: &Path, envs: &[Validated]) {
    dsl::parallel::map(envs, |v| {
        if let (Some(key), State::Rendered(out)) = (&v.key, &v.state) {
            cache.store(
                &v.dir(root),
                &v.id,
                v.app.environment.as_str(),
                key,
                &v.report,
                v.objects,
                &out.files,
            );
        }
    });
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

/// Which undeclared environment directories a selection lets emit remove: none for one
/// environment, the named app's, and with no selection every app's, or only the apps
/// the binary holds when it holds part of the workspace ([`crate::main_partial`]).
pub fn prune_scope(select: &Select) -> Prune {
    let held = crate::registry_is_partial()
        .then(|| crate::registry().iter().map(|a| a.id.to_owned()).collect());
    scope_of(select, held)
}

/// [`prune_scope`] given the apps a partial binary holds (`None`: every app).
fn scope_of(select: &Select, held: Option<BTreeSet<String>>) -> Prune {
    match (&select.app, &select.env, held) {
        (_, Some(_), _) => Prune::Nothing,
        (Some(app), None, _) => Prune::Apps(BTreeSet::from([app.clone()])),
        (None, None, Some(held)) => Prune::Apps(held),
        (None, None, None) => Prune::AllApps,
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
    // The cache serves environments written into a tree; a stream or charts are
    // rendered in full.
    let cache = (!args.stdout && args.format == Format::Kustomize)
        .then(|| output_root(args.out.as_deref()).ok())
        .flatten()
        .and_then(|root| Cache::open(&root, &inputs(&args.select)));
    let mut envs = match valid_envs(&args.select, cache.as_ref()) {
        Ok(envs) => envs,
        Err(code) => return code,
    };
    if args.stdout {
        let outputs = rendered_outputs(envs);
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
    if let Err(code) = settle(&root, &mut envs) {
        return code;
    }
    let environments = envs.len();
    let prune = prune_scope(&args.select);
    let (written, files) = match args.format {
        Format::Kustomize => {
            let units = units(&root, &envs);
            let files = units.iter().map(|u| u.files.len()).sum::<usize>();
            (write_units(&root, &units, &prune, args.force), files)
        }
        Format::Helm => {
            let outputs = rendered_outputs(envs);
            let charts = match helm_charts(&outputs, args.chart_version.clone()) {
                Ok(charts) => charts,
                Err(errors) => return fail(EXIT_ERRORS, &errors),
            };
            let units: Vec<Unit<'_>> = outputs
                .iter()
                .zip(&charts)
                .map(|(o, files)| Unit::new(root.join(o.relative_dir()), files))
                .collect();
            let files = charts.iter().map(BTreeMap::len).sum();
            envs = Vec::new();
            (write_units(&root, &units, &prune, args.force), files)
        }
    };
    if let (Ok(_), Some(cache)) = (&written, &cache) {
        remember(cache, &root, &envs);
    }
    // The process ends here: returning the fleet's declarations to the allocator one by
    // one would take longer than the rest of an emit that the cache served.
    std::mem::forget(envs);
    let charts = args.format == Format::Helm;
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
                "emitted {environments} environment(s){}, {files} file(s) to {}: {} written, {} unchanged, {} removed",
                if charts { " as Helm charts" } else { "" },
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_binary_holding_part_of_the_apps_prunes_only_those() {
        let select = |app: Option<&str>, env: Option<&str>| Select {
            app: app.map(str::to_owned),
            env: env.map(str::to_owned),
            inputs: Vec::new(),
        };
        let held = BTreeSet::from(["payments-api".to_owned()]);
        assert_eq!(
            scope_of(&select(None, None), Some(held.clone())),
            Prune::Apps(held.clone())
        );
        assert_eq!(scope_of(&select(None, None), None), Prune::AllApps);
        assert_eq!(
            scope_of(&select(Some("other"), None), Some(held.clone())),
            Prune::Apps(BTreeSet::from(["other".to_owned()]))
        );
        assert_eq!(
            scope_of(&select(None, Some("production")), Some(held)),
            Prune::Nothing
        );
    }
}
