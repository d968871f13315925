//! `kairn lint PATH...`: the validator over existing YAML (Helm or kustomize output,
//! hand-written manifests), all plain YAML files as one set, each Helm chart (per values
//! file) and kustomization found in a directory rendered and linted as a set of its own,
//! with rule selection (`--disable`, `--enable`, `--min-severity`, `.kairn-lint.yaml`)
//! and waivers on objects or in the config file.
//!
//! Rooms under `lint/`: `select.rs` (rule patterns and the `--disable`/`--enable` layers),
//! `config.rs` (the `.kairn-lint.yaml` format and its discovery), `policy.rs` (config and
//! command line applied to the report), `annotations.rs` (checks of `kairn.dev/waive.*`
//! annotations), `units.rs` (the Helm charts and kustomizations in the directories and the
//! files they take in), `kustomization.rs` (what a kustomization refers to), `render.rs`
//! (each unit rendered through `import::render`, the public face of `import`'s Helm and
//! kustomize loaders, and linted as its own set), `locate.rs` (findings placed in templates,
//! bases and patches). The SARIF log is `sarif.rs`; the user's guide is `docs/lint.md`.

mod annotations;
mod config;
mod kustomization;
mod locate;
mod paths;
mod policy;
mod render;
mod select;
mod units;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use dsl::validate::{self, Context, Input, Limits, LoadError, Loaded};

use crate::console::{self, say};
use crate::report::{self, Format};
use crate::sarif;
use crate::{EXIT_ERRORS, EXIT_USAGE};

pub use config::MinSeverity;
use policy::{Applied, CommandLine, Policy, Source};
use select::{Layer, RulePattern};

/// `lint` options.
#[derive(clap::Args, Debug)]
#[command(after_help = after_help())]
pub struct LintArgs {
    /// YAML files or directories (searched recursively for *.yaml and *.yml); `-` reads standard input.
    #[arg(required = true, value_name = "PATH")]
    pub paths: Vec<PathBuf>,
    /// Output format of the findings.
    #[arg(long, value_enum, default_value_t = Format::Text)]
    pub format: Format,
    /// Environment the manifests are for; `development` allows `latest` images.
    #[arg(long, value_name = "NAME")]
    pub environment: Option<String>,
    /// Namespace Prometheus scrapes from (repeatable; default: monitoring, prometheus, observability, ...).
    #[arg(long = "prometheus-namespace", value_name = "NAMESPACE")]
    pub prometheus_namespaces: Vec<String>,
    /// Turn a rule off (repeatable): a rule id, a pattern such as `pss-*`, or `all`.
    #[arg(long, value_name = "RULE")]
    pub disable: Vec<String>,
    /// Turn a rule on again after the config file or `--disable` (repeatable; same forms):
    /// `--disable all --enable image-latest` runs one rule.
    #[arg(long, value_name = "RULE")]
    pub enable: Vec<String>,
    /// The lowest severity shown: `error`, `warning`, or `info` (also the notes on what
    /// was passed over) [default: the config file's, else info]. The exit status follows
    /// the errors shown.
    #[arg(long, value_enum, value_name = "LEVEL")]
    pub min_severity: Option<MinSeverity>,
    /// Use this config file for every linted file instead of the `.kairn-lint.yaml` found
    /// upward from each.
    #[arg(long, value_name = "FILE", conflicts_with = "no_config")]
    pub config: Option<PathBuf>,
    /// Ignore `.kairn-lint.yaml` files.
    #[arg(long)]
    pub no_config: bool,
    /// Values file for the Helm charts found (repeatable): every chart is linted once per
    /// file, instead of once per values file found beside it.
    #[arg(long = "values", value_name = "FILE")]
    pub values: Vec<PathBuf>,
    /// `KEY=VALUE` passed to every `helm template` run (repeatable).
    #[arg(long = "set", value_name = "KEY=VALUE")]
    pub set: Vec<String>,
    /// A file or directory of the cluster's ValidatingAdmissionPolicies, their bindings,
    /// param objects and Namespaces (repeatable): the policies are evaluated on the linted
    /// objects; these files are not linted. Policies in the linted files are used too.
    #[arg(long = "policy", value_name = "PATH")]
    pub policies: Vec<PathBuf>,
}

/// The input rules and exit codes, shown after the options in `kairn lint --help`.
fn after_help() -> String {
    format!(
        "Input: {}; a larger file or stream is an error, and reading stops at the limit \
         (`/dev/zero` and endless pipes included). Directories are searched to any depth \
         in name order; symbolic links are followed, and a directory or file reached twice \
         (a link loop) is read once, with a note. A directory or symbolic link that cannot \
         be read, and a FIFO, device or socket named *.yaml inside a directory, are errors; \
         the search goes on, and every file that can be read is linted. Special files \
         named on the command line (`/dev/stdin`, a FIFO) are read up to the limits.\n\n\
         Configuration: the nearest `.kairn-lint.yaml` in the directory of each linted file \
         or above it, up to the repository root (a directory holding `.git`), sets `disable`, \
         `enable`, `min-severity`, per-rule `severity`, `exclude` globs and `waivers`; the \
         command line comes after it. An object waives a rule with the annotation \
         `kairn.dev/waive.<rule>: <reason>`. Waived findings are counted per rule \
         (`--verbose` lists them). See docs/lint.md.\n\n\
         Charts and overlays: a directory holding `Chart.yaml` is rendered with helm once \
         per values file (--values, else ci/*-values.yaml, values-*.yaml and values.*.yaml \
         beside Chart.yaml, and values-*.yaml and values.*.yaml in the directory above \
         when it holds no other chart, else the chart's defaults); a directory \
         holding `kustomization.yaml` with `kubectl kustomize`, unless another \
         kustomization builds on it. Each is linted as its own set, findings placed in \
         the template, base or patch file; the files they read are not linted as plain \
         YAML. helm and kubectl come from KAIRN_HELM and KAIRN_KUBECTL, else PATH.\n\n\
         Exit status: 0 no errors, 1 errors found, 2 an unknown rule, a bad config file, or \
         some input could not be read or checked (findings for the rest are still printed).",
        limits().describe()
    )
}

/// The input limits: the defaults, lowered or raised (tests) by the undocumented variables
/// `KAIRN_LINT_MAX_FILE_BYTES` and `KAIRN_LINT_MAX_TOTAL_BYTES`.
fn limits() -> Limits {
    let var = |name: &str| std::env::var(name).ok().and_then(|v| v.parse::<u64>().ok());
    let mut limits = Limits::default();
    if let Some(n) = var("KAIRN_LINT_MAX_FILE_BYTES") {
        limits.file_bytes = n;
    }
    if let Some(n) = var("KAIRN_LINT_MAX_TOTAL_BYTES") {
        limits.total_bytes = n;
    }
    limits
}

/// What `lint` read.
#[derive(Debug, Default)]
pub struct LintInput {
    /// The objects.
    pub loaded: Loaded,
    /// Inputs that could not be read, searched or parsed: the set is not fully checked.
    pub errors: Vec<LoadError>,
    /// Paths passed over because they lead to something read anyway.
    pub notes: Vec<LoadError>,
    /// Files found in directories but left out by a config file's `exclude`.
    pub excluded: Vec<(PathBuf, PathBuf)>,
}

/// Reads every path within `limits`: standard input first, then the files found under the
/// other paths; what cannot be read is returned with the reason, the rest is read.
#[cfg(test)]
pub fn load(paths: &[PathBuf], limits: Limits) -> LintInput {
    let found = validate::collect_files(&named_paths(paths));
    load_with(paths, found, limits, |_, _| None, |_| false)
}

/// [`load`] of the files `found` under `paths`, leaving out the `.kairn-lint.yaml` files
/// found in directories and each file for which `exclude(file, named)` names the config
/// file that excludes it (`named`: the file was named on the command line), and the files
/// for which `taken(file)` holds (a chart's or a kustomization's) unless named.
fn load_with(
    paths: &[PathBuf],
    found: validate::Collected,
    limits: Limits,
    exclude: impl Fn(&Path, bool) -> Option<PathBuf>,
    taken: impl Fn(&Path) -> bool,
) -> LintInput {
    let mut read = LintInput::default();
    let mut input = Input::new(limits);
    if paths.iter().any(|p| p.as_os_str() == "-") {
        if let Err(e) = input.load("<stdin>", std::io::stdin().lock(), &mut read.loaded) {
            read.errors.push(e);
        }
    }
    let named = named_paths(paths);
    read.errors.extend(found.errors);
    read.notes.extend(found.notes);
    let mut files = Vec::with_capacity(found.files.len());
    for f in found.files {
        let named = named.contains(&f);
        // The config files are settings, not manifests.
        if !named && f.file_name().is_some_and(|n| n == config::CONFIG_FILE) {
            continue;
        }
        if !named && taken(&f) {
            continue;
        }
        match exclude(&f, named) {
            Some(config) => read.excluded.push((f, config)),
            None => files.push(f),
        }
    }
    let errors = validate::load_files_with(&mut input, &files, &mut read.loaded);
    read.errors.extend(errors);
    read
}

/// Reads the `--policy` paths (within the input limits): their errors join `read`'s.
fn load_policies(paths: &[PathBuf], read: &mut LintInput) -> Loaded {
    let mut policies = Loaded::default();
    if paths.is_empty() {
        return policies;
    }
    let found = validate::collect_files(paths);
    read.errors.extend(found.errors);
    read.notes.extend(found.notes);
    let mut input = Input::new(limits());
    let errors = validate::load_files_with(&mut input, &found.files, &mut policies);
    read.errors.extend(errors);
    policies
}

fn named_paths(paths: &[PathBuf]) -> Vec<PathBuf> {
    paths
        .iter()
        .filter(|p| p.as_os_str() != "-")
        .cloned()
        .collect()
}

/// The command line's rule selection; `Err` lists every unknown rule.
fn command_line(args: &LintArgs) -> Result<CommandLine, Vec<String>> {
    let mut errors = Vec::new();
    let mut parse = |list: &[String], flag: &str| -> Vec<RulePattern> {
        list.iter()
            .filter_map(|r| {
                RulePattern::parse(r)
                    .map_err(|e| errors.push(format!("--{flag}: {e}")))
                    .ok()
            })
            .collect()
    };
    let rules = Layer {
        disable: parse(&args.disable, "disable"),
        enable: parse(&args.enable, "enable"),
    };
    if errors.is_empty() {
        Ok(CommandLine {
            rules,
            min_severity: args.min_severity,
        })
    } else {
        Err(errors)
    }
}

/// Runs `lint`.
pub fn run(args: &LintArgs) -> ExitCode {
    let cli = match command_line(args) {
        Ok(cli) => cli,
        Err(errors) => return crate::emit::fail(EXIT_USAGE, &errors),
    };
    let source = match (&args.config, args.no_config) {
        (_, true) => Source::Nothing,
        (Some(file), false) => Source::File(file.clone()),
        (None, false) => Source::Discover,
    };
    let named = named_paths(&args.paths);
    let stdin = args.paths.iter().any(|p| p.as_os_str() == "-");
    // The charts and kustomizations are found while the files and their configs are (the
    // configs govern the files found, so they are read before the files are).
    let (found, policy, mut found_units) = std::thread::scope(|scope| {
        let units = scope.spawn(|| units::discover(&named, &args.values));
        let found = validate::collect_files(&named);
        let policy = Policy::resolve(&source, &found.files, stdin, &cli);
        let units = units
            .join()
            .unwrap_or_else(|panic| std::panic::resume_unwind(panic));
        (found, policy, units)
    });
    let policy = match policy {
        Ok(p) => p,
        Err(errors) => return crate::emit::fail(EXIT_USAGE, &errors),
    };
    // A config's `exclude` covers a chart or kustomization through its Chart.yaml or
    // kustomization file.
    let mut excluded_units = Vec::new();
    found_units.units.retain(|u| {
        let key = u.key_file();
        match policy.excluded_by(&key, named.iter().any(|n| n == u.dir())) {
            Some(c) => {
                if !excluded_units.iter().any(|(k, _)| *k == key) {
                    excluded_units.push((key, c.path.clone()));
                }
                false
            }
            None => true,
        }
    });
    if !args.values.is_empty()
        && !found_units
            .units
            .iter()
            .any(|u| matches!(u, units::Unit::Chart { .. }))
    {
        return crate::emit::fail(
            EXIT_USAGE,
            &["--values is for Helm charts, and the paths hold none (no directory with Chart.yaml)".to_owned()],
        );
    }
    let mut read = load_with(
        &args.paths,
        found,
        limits(),
        |f, named| policy.excluded_by(f, named).map(|c| c.path.clone()),
        |f| units::is_taken(&found_units, f),
    );
    read.errors.extend(found_units.errors.iter().cloned());
    read.excluded.extend(excluded_units);
    let mut ctx = Context::lint();
    ctx.environment = args.environment.clone();
    if !args.prometheus_namespaces.is_empty() {
        ctx.prometheus_namespaces = args.prometheus_namespaces.clone();
    }
    #[cfg(not(feature = "admission"))]
    if !args.policies.is_empty() {
        return crate::emit::fail(
            EXIT_USAGE,
            &[
                "--policy: this kairn is built without the `admission` feature, which evaluates \
               ValidatingAdmissionPolicies: enable the `admission` feature of the `cli` \
               dependency in Cargo.toml"
                    .to_owned(),
            ],
        );
    }
    let policies = load_policies(&args.policies, &mut read);
    let (mut report, broken) = validate::lint_with_policies(&read.loaded, &policies, &ctx);
    read.errors.extend(broken);
    report.findings.extend(annotations::check(&read.loaded));
    let rendered = render::lint_units(&found_units, &args.set, &named, &ctx, &policies);
    let objects = read.loaded.documents.len() + rendered.loaded.documents.len();
    let rendered_summary = rendered.summary();
    report.extend(rendered.report);
    read.errors.extend(rendered.errors);
    read.notes.extend(rendered.notes);
    let mut all = std::mem::take(&mut read.loaded);
    all.documents.extend(rendered.loaded.documents);
    let applied = policy.apply(report, &all);
    let verbose = console::verbose();
    if verbose {
        for (dir, by) in &found_units.through {
            let by: Vec<String> = by.iter().map(|d| d.display().to_string()).collect();
            if by.is_empty() {
                say!("note: {}: a kustomize component, linted through the kustomizations that use it", dir.display());
            } else {
                say!(
                    "note: {}: a kustomize base, linted through {}",
                    dir.display(),
                    by.join(", ")
                );
            }
        }
    }
    let mut notes = Vec::new();
    let _ = report::write_notes(&mut notes, &applied.report);
    if !notes.is_empty() {
        say!("{}", String::from_utf8_lossy(&notes).trim_end_matches('\n'));
    }
    for n in &read.notes {
        say!("note: {n}");
    }
    if verbose {
        for (file, config) in &read.excluded {
            say!("note: {}: excluded by {}", file.display(), config.display());
        }
    }
    for e in &read.errors {
        say!("error: {e}");
    }
    let written = console::stdout(|out| match args.format {
        Format::Json => report::write_json(out, &applied.report),
        Format::Text => report::write_text(out, &shown_as_text(&applied, verbose)),
        Format::Sarif => {
            let cwd = std::env::current_dir().unwrap_or_default();
            let run = sarif::Run {
                report: &applied.report,
                waived_in_config: &applied.waived_in_config,
                errors: &read.errors,
                skipped_paths: &read.notes,
            };
            sarif::write(out, &run, &cwd)
        }
    });
    if let Err(code) = written {
        return code;
    }
    if !verbose {
        if let Some(counts) = waived_counts(&applied.report) {
            say!("waived: {counts} (--verbose lists each with its reason)");
        }
    }
    say!(
        "linted {} object(s): {}{}{}{}",
        objects,
        report::summary(&applied.report),
        policy_summary(&applied, &read),
        input_summary(&read),
        rendered_summary
    );
    let code = exit_code(&read.errors, &applied.report);
    drop(applied);
    // Freeing every document's tree and typed object takes a tenth of a second on a set of
    // 10,000 objects: on a thread of its own, which the process does not wait for.
    std::thread::spawn(move || drop(all));
    ExitCode::from(code)
}

/// The text output: waived findings only with `--verbose`.
fn shown_as_text(applied: &Applied, verbose: bool) -> validate::Report {
    validate::Report {
        findings: applied
            .report
            .findings
            .iter()
            .filter(|f| verbose || f.waived.is_none())
            .cloned()
            .collect(),
        notes: Vec::new(),
    }
}

/// `image-latest ×2, pdb-missing ×1`, or `None` when nothing was waived.
fn waived_counts(report: &validate::Report) -> Option<String> {
    let mut waived: BTreeMap<&str, usize> = BTreeMap::new();
    for f in report.findings.iter().filter(|f| f.waived.is_some()) {
        *waived.entry(f.rule).or_default() += 1;
    }
    let counts: Vec<String> = waived.iter().map(|(r, n)| format!("{r} ×{n}")).collect();
    (!counts.is_empty()).then(|| counts.join(", "))
}

/// `; 3 finding(s) below --min-severity, 2 file(s) excluded by config`, or nothing.
fn policy_summary(applied: &Applied, read: &LintInput) -> String {
    let mut parts = Vec::new();
    if applied.hidden > 0 {
        parts.push(format!(
            "{} finding(s) below the minimum severity not shown",
            applied.hidden
        ));
    }
    if !read.excluded.is_empty() {
        parts.push(format!(
            "{} file(s) excluded by the config (--verbose lists them)",
            read.excluded.len()
        ));
    }
    parts.iter().map(|p| format!("; {p}")).collect()
}

/// `; 2 input(s) not read or not checked (errors above), 1 path(s) read once (notes above)`,
/// or nothing when every input was read.
fn input_summary(read: &LintInput) -> String {
    let mut parts = Vec::new();
    if !read.errors.is_empty() {
        parts.push(format!(
            "{} input(s) not read or not checked (errors above)",
            read.errors.len()
        ));
    }
    if !read.notes.is_empty() {
        parts.push(format!(
            "{} path(s) not read again (notes above)",
            read.notes.len()
        ));
    }
    if parts.is_empty() {
        String::new()
    } else {
        format!("; {}", parts.join(", "))
    }
}

/// 2 when any input is unreadable or malformed, else 1 when errors were found, else 0.
fn exit_code(load_errors: &[LoadError], report: &validate::Report) -> u8 {
    if !load_errors.is_empty() {
        EXIT_USAGE
    } else if report.has_errors() {
        EXIT_ERRORS
    } else {
        0
    }
}

#[cfg(test)]
mod tests {
    use std::fs;

    use super::*;

    fn temp_dir(name: &str) -> PathBuf {
        let dir = std::env::temp_dir().join(format!("kairn-lint-{name}-{}", std::process::id()));
        let _ = fs::remove_dir_all(&dir);
        fs::create_dir_all(dir.join("sub")).unwrap();
        dir
    }

    #[test]
    fn directories_are_read_recursively_and_malformed_files_are_named() {
        let dir = temp_dir("load");
        fs::write(dir.join("a.yaml"), "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a, namespace: ns}\n---\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: b, namespace: ns}\n").unwrap();
        fs::write(
            dir.join("sub/b.yml"),
            "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c, namespace: ns}\n",
        )
        .unwrap();
        fs::write(dir.join("notes.txt"), "not yaml: [").unwrap();
        let read = load(std::slice::from_ref(&dir), Limits::default());
        let (loaded, errors) = (read.loaded, read.errors);
        assert!(errors.is_empty(), "{errors:?}");
        assert_eq!(loaded.documents.len(), 3);
        let report = validate::lint(&loaded, &Context::lint());
        assert_eq!(exit_code(&errors, &report), 0);

        fs::write(dir.join("sub/bad.yaml"), "a: 1\nb: [1, 2\n").unwrap();
        let errors = load(std::slice::from_ref(&dir), Limits::default()).errors;
        assert_eq!(errors.len(), 1);
        assert!(
            errors[0].file.ends_with("bad.yaml") && errors[0].line.is_some(),
            "{:?}",
            errors[0]
        );
        assert_eq!(exit_code(&errors, &report), 2);

        let errors = load(&[dir.join("does-not-exist")], Limits::default()).errors;
        assert_eq!(errors.len(), 1);
        let _ = fs::remove_dir_all(&dir);
    }

    #[test]
    fn errors_exit_1_and_warnings_exit_0() {
        let warn = validate::parse_str(
            "w.yaml",
            "apiVersion: v1\nkind: Namespace\nmetadata: {name: ns}\n",
        )
        .unwrap();
        let report = validate::lint(&warn, &Context::lint());
        assert!(!report.findings.is_empty());
        assert_eq!(exit_code(&[], &report), 0);
        let err = validate::parse_str(
            "e.yaml",
            "apiVersion: v1\nkind: Secret\nmetadata: {name: s, namespace: ns}\nstringData: {k: v}\n",
        )
        .unwrap();
        assert_eq!(exit_code(&[], &validate::lint(&err, &Context::lint())), 1);
    }
}
