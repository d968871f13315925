//! `kairn`: emits validated Kubernetes YAML from the applications declared in Rust.
//!
//! The whole command line as a library: a repository's binary is one line over its
//! registry, `fn main() -> ExitCode { kairn::main(kairn::registered()) }` (see
//! `examples/standalone/`); this package's own `kairn` binary runs it over the seed apps.
//!
//! Exit status: 0 success; 1 validation errors, drift, or paths emit will not overwrite;
//! 2 usage errors and unreadable input; 74 output could not be written; 141 standard
//! output was closed by its reader.
//!
//! `src/bin/kairn.rs` is this repository's binary, `kairn::main(apps::registry())`. Features:
//! `seeds` (default) brings in `crates/apps`, a team's repository turns it off; `publish` (the
//! OCI stack, `ship` feature `oci`) and `admission` (CEL, for `lint`) are on here and off in a
//! team's repository unless it asks for them. Two apps registered under one id are an error
//! of every command (exit 2), naming both registering modules.
//!
//! ## Rooms
//!
//! One module per command: `emit` (render, validate, write; `--format helm`), `check`
//! (validate, then a unified diff of the emit plan), `list`, `diff` (object-level review,
//! logic in `ship::diff`), `package` (release files), `publish` (OCI push of a package),
//! `lint` (the validator over existing YAML; its rooms are listed in `lint.rs`), `import`
//! with `import_write` (the workspace, all or nothing), `new` (a team repository from
//! `template/`, through `team_workspace`). Shared: `selection` (`--app`, `--env`, `--set`),
//! `report` (findings as text or JSON), `sarif` (the SARIF 2.1.0 log of `lint`), `console`
//! (standard output and error that never panic: a closed pipe exits 141, other write errors
//! 74), `project` (the default output root at the workspace root).

#![deny(clippy::print_stdout, clippy::print_stderr)]

mod check;
mod console;
mod diff;
mod emit;
mod import;
mod import_write;
mod lint;
mod list;
mod new;
mod package;
mod project;
mod publish;
mod report;
#[cfg(test)]
mod report_lines_tests;
mod sarif;
mod selection;
mod team_workspace;

use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::OnceLock;

use clap::{Args, Parser, Subcommand, ValueEnum};

/// kairn: typed Kubernetes applications in Rust, emitted as validated, deterministic YAML.
#[derive(Parser)]
#[command(name = "kairn", version, about, long_about = None)]
struct Cli {
    #[command(subcommand)]
    command: Command,
    /// Print every finding in full, also those waived in code (by default they are
    /// counted per rule).
    #[arg(long, short, global = true)]
    verbose: bool,
}

#[derive(Subcommand)]
enum Command {
    /// Render the declared applications and write generated/<app>/<env>/ (one file per object plus kustomization.yaml).
    ///
    /// Each environment directory is switched from its old to its new content in one step,
    /// under a lock on the output root. Only files recorded in the directory's
    /// .kairn-manifest (and unedited since) are overwritten or removed; directories of
    /// environments no longer declared are removed when every environment of their app is
    /// emitted.
    Emit(EmitArgs),
    /// List the declared applications, their environments and the inputs they accept.
    List,
    /// Run the validator over existing YAML files or directories (one set); exit 1 on errors, 2 on unreadable input.
    Lint(lint::LintArgs),
    /// Validate the declared apps and check that the output directory equals a fresh emit (prints a unified diff).
    Check(CheckArgs),
    /// Push the charts and manifests bundles of a package directory (`kairn package`) to an OCI registry.
    ///
    /// Charts become Helm OCI artifacts (`helm pull oci://HOST/PATH/<app>-<env> --version
    /// <version>`), manifests bundles Flux OCI artifacts (PATH/<app>-<env>-manifests, for a
    /// Flux OCIRepository). Prints `oci://HOST/REPO:TAG@DIGEST` for each artifact once the
    /// registry has it. Credentials: KAIRN_REGISTRY_USERNAME and KAIRN_REGISTRY_PASSWORD, else
    /// the Docker config file ($DOCKER_CONFIG/config.json or ~/.docker/config.json).
    Publish(publish::PublishArgs),
    /// Write release files to --out DIR: per environment a Helm chart archive
    /// (<app>-<env>-<version>.tgz) and a manifests bundle
    /// (<app>-<env>-manifests-<version>.tar.gz), plus SHA256SUMS and index.json.
    ///
    /// The same commit gives byte-identical files: archive entries carry the mtime
    /// SOURCE_DATE_EPOCH (default 315532800, 1980-01-01). DIR must be empty or hold only
    /// files kairn wrote there.
    Package(PackageArgs),
    /// Compare a fresh render with an earlier one (generated/, a bundle or a package): objects added, removed and changed, by field; exit 1 when anything differs.
    Diff(diff::DiffArgs),
    /// Create a team's kairn repository in DIR (new or empty): a workspace with one team crate, a first app in two environments, CI and a README; then `cd DIR && cargo run -- emit`.
    ///
    /// kairn is a path dependency on the checkout this binary was built from, or, with
    /// --kairn-git URL --kairn-rev REV, a git dependency. Nothing is written if DIR holds
    /// anything but `.git` (exit 2).
    New(new::NewArgs),
    /// Turn existing manifests (YAML, kustomize, a Helm chart, kairn's own output) into a team workspace of typed declarations in --out DIR, with import-report.md and import-report.json.
    ///
    /// Each source is one app: YAML files or directories and kustomize directories (one
    /// environment, `default`), a chart given with --helm and one --values NAME=FILE per
    /// environment, a kairn output tree (one environment per directory), or the
    /// environments of one app given as --env NAME=SOURCE. The workspace has the layout of
    /// `kairn new` (one module per app) and compiles as written: `cd DIR && cargo run --
    /// emit`. Secrets are never copied: only key names, and the report lists what to create
    /// outside git. DIR must be new, empty, or an earlier import's output whose files are
    /// unchanged since; nothing is written otherwise (exit 2 usage or input errors, 1
    /// conflicts with files you changed).
    Import(import::ImportArgs),
}

/// What `emit` writes.
#[derive(ValueEnum, Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Format {
    /// generated/<app>/<env>/: one file per object plus kustomization.yaml.
    #[default]
    Kustomize,
    /// <out>/<app>/<env>/: a Helm chart (Chart.yaml, values.yaml, templates/); needs --out.
    Helm,
}

#[derive(Args)]
pub struct PackageArgs {
    #[command(flatten)]
    pub select: Select,
    /// The package directory (created if missing).
    #[arg(long)]
    pub out: PathBuf,
    /// Version of the charts and archives (SemVer, e.g. 1.4.2) [default: the kairn workspace version].
    #[arg(long, value_name = "SEMVER", value_parser = parse_chart_version)]
    pub chart_version: Option<semver::Version>,
    /// URL of the source repository, recorded in index.json and each Chart.yaml (`sources`).
    #[arg(long, value_name = "URL", value_parser = parse_source)]
    pub source: Option<String>,
    /// Source revision (e.g. a commit id), recorded in index.json and each Chart.yaml.
    #[arg(long, value_name = "REV", value_parser = parse_revision)]
    pub revision: Option<String>,
    /// Write into DIR even if it holds files kairn did not write (they are kept) or
    /// kairn files edited since.
    #[arg(long)]
    pub force: bool,
}

fn parse_chart_version(s: &str) -> Result<semver::Version, String> {
    ship::helm::parse_version(s)
}

fn parse_source(s: &str) -> Result<String, String> {
    ship::helm::check_source(s)
        .map(|()| s.to_owned())
        .map_err(|e| e.to_string())
}

fn parse_revision(s: &str) -> Result<String, String> {
    ship::helm::check_revision(s)
        .map(|()| s.to_owned())
        .map_err(|e| e.to_string())
}

#[derive(Args)]
struct CheckArgs {
    #[command(flatten)]
    select: Select,
    /// Output root directory to compare [default: generated/ at the project root].
    #[arg(long)]
    out: Option<PathBuf>,
}

/// Which applications and environments to work on.
#[derive(Args, Clone, Debug, Default)]
pub struct Select {
    /// Only this application (see `kairn list`).
    #[arg(long)]
    pub app: Option<String>,
    /// Only this environment.
    #[arg(long)]
    pub env: Option<String>,
    /// An input for the declarations, as KEY=VALUE (repeatable), e.g. --set release=caelundas-20260125-143022.
    #[arg(long = "set", value_name = "KEY=VALUE", value_parser = parse_key_value)]
    pub inputs: Vec<(String, String)>,
}

#[derive(Args)]
pub struct EmitArgs {
    #[command(flatten)]
    pub select: Select,
    /// Print one multi-document YAML stream, in apply order, instead of writing files.
    #[arg(long)]
    pub stdout: bool,
    /// Output root directory [default: generated/ at the project root, the nearest
    /// directory above the current one whose Cargo.toml has [workspace]].
    #[arg(long)]
    pub out: Option<PathBuf>,
    /// Overwrite or remove files in the output tree that kairn did not write or that were
    /// edited since it wrote them. Never removes directories or files emit does not need to
    /// touch.
    #[arg(long, conflicts_with = "stdout")]
    pub force: bool,
    /// Output format: kustomize directories, or one Helm chart per environment (needs --out).
    #[arg(long, value_enum, default_value_t = Format::Kustomize, conflicts_with = "stdout")]
    pub format: Format,
    /// Chart version for --format helm (SemVer, e.g. 1.4.2) [default: the kairn workspace version].
    #[arg(long, value_name = "SEMVER", value_parser = parse_chart_version)]
    pub chart_version: Option<semver::Version>,
}

fn parse_key_value(s: &str) -> Result<(String, String), String> {
    match s.split_once('=') {
        Some((k, v)) if !k.is_empty() => Ok((k.to_owned(), v.to_owned())),
        _ => Err(format!("expected KEY=VALUE, got {s:?}")),
    }
}

/// Exit code for usage errors and unreadable input (clap uses it too).
pub const EXIT_USAGE: u8 = 2;
/// Exit code when validation finds errors.
pub const EXIT_ERRORS: u8 = 1;

pub use dsl::registry::{registered, AppEntry, Declaration, InputError, InputSpec, Inputs};

static REGISTRY: OnceLock<Vec<AppEntry>> = OnceLock::new();

/// Whether the binary holds only part of its workspace's apps ([`main_partial`]).
static PARTIAL: OnceLock<bool> = OnceLock::new();

/// The applications [`main`] runs over, sorted by id.
pub(crate) fn registry() -> Vec<AppEntry> {
    REGISTRY.get().cloned().unwrap_or_default()
}

/// Whether the registry is only part of the workspace's apps: then no command removes
/// the directories of apps outside it.
pub(crate) fn registry_is_partial() -> bool {
    PARTIAL.get().copied().unwrap_or(false)
}

/// Runs the `kairn` command line (arguments from the process) over `apps`, e.g.
/// [`registered()`]: every app whose crate the binary links. Exits 2 if two apps share an
/// id. Generated files tell readers to regenerate them with `cargo run -p cli -- emit`,
/// the command of kairn's own repository; a team's workspace uses [`main_with`].
pub fn main(apps: impl IntoIterator<Item = AppEntry>) -> ExitCode {
    main_with(apps, Settings::default())
}

/// What differs between repositories that run the `kairn` command line.
#[derive(Clone, Debug)]
pub struct Settings {
    /// The command that regenerates the tree, as this repository runs it: named in the
    /// header of every generated file and in `check`'s advice (`cargo run -- emit` in a
    /// workspace whose only binary is its `kairn`).
    pub emit_command: &'static str,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            emit_command: dsl::output::DEFAULT_EMIT_COMMAND,
        }
    }
}

/// [`main_with`] over part of a workspace's apps, e.g. one team crate's in its
/// `examples/kairn.rs`: `cargo run -p payments --example kairn -- emit --app payments-api`
/// compiles and links that crate's apps alone, not the fleet, so the edit → YAML loop does
/// not grow with the workspace. `emit` then removes environment directories only of the
/// apps it holds (never another crate's app), as `emit --app` does; the workspace's own
/// binary, which holds every app, is the one that retires an app removed from the code.
pub fn main_partial(apps: impl IntoIterator<Item = AppEntry>, settings: Settings) -> ExitCode {
    let _ = PARTIAL.set(true);
    main_with(apps, settings)
}

/// [`main`] with the repository's own [`Settings`].
pub fn main_with(apps: impl IntoIterator<Item = AppEntry>, settings: Settings) -> ExitCode {
    dsl::output::set_emit_command(settings.emit_command);
    let mut apps: Vec<AppEntry> = apps.into_iter().collect();
    apps.sort_by(|a, b| a.id.cmp(b.id).then(a.module.cmp(b.module)));
    let duplicates = dsl::registry::duplicates(&apps);
    if !duplicates.is_empty() {
        return emit::fail(EXIT_USAGE, &duplicates);
    }
    // A second call in one process keeps the first registry.
    let _ = REGISTRY.set(apps);
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => return console::clap_exit(&e),
    };
    console::set_verbose(cli.verbose);
    match cli.command {
        Command::Emit(args) => emit::run(&args),
        Command::List => list::run(),
        Command::Lint(args) => lint::run(&args),
        Command::Check(args) => check::run(&args.select, args.out.as_deref()),
        Command::Publish(args) => publish::run(&args),
        Command::Package(args) => package::run(&args),
        Command::Diff(args) => diff::run(&args),
        Command::New(args) => new::run(&args),
        Command::Import(args) => import::run(&args),
    }
}
