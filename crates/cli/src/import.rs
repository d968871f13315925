//! `kairn import SOURCE... --out DIR`: existing manifests (YAML, kustomize, Helm, kairn's
//! own output) become a team workspace of typed declarations.
//!
//! Three steps: [`import::load`] reads the sources into apps and environments (running
//! `helm template` and `kubectl kustomize` where needed), [`import::import`] turns them
//! into one Rust module per app and a report, and [`crate::import_write`] writes the
//! workspace (the layout of `kairn new`: [`crate::team_workspace`]) plus `import-report.md`
//! and `import-report.json`, all or nothing.
//!
//! Exit status: 0 written; 1 conflicts with files the user changed (nothing written); 2
//! usage errors and unreadable or unimportable input (nothing written); 74 the files
//! could not be written (DIR left as it was).

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::Args;
use import::load::{load_noted, LoadRequest};
use import::report_md;
use import::{ImportError, Imported, Options, SourceApp};

use crate::console::{say, EXIT_IO};
use crate::emit::fail;
use crate::import_write::{self, ImportWriteError, Written};
use crate::team_workspace::{kairn_source, parse_app, parse_team, Source, Workspace, KEYWORDS};
use crate::{EXIT_ERRORS, EXIT_USAGE};

/// The Markdown report's file name, at the root of DIR.
pub const REPORT_MD: &str = "import-report.md";
/// The JSON report's file name, at the root of DIR.
pub const REPORT_JSON: &str = "import-report.json";

#[derive(Args, Debug)]
pub struct ImportArgs {
    /// YAML files or directories (`.yaml`, `.yml`, `.json`, searched recursively), kustomize
    /// directories (holding kustomization.yaml), chart directories, or kairn output
    /// (`generated/<app>/`, or `generated/` for all its apps). One app each, named after
    /// the file or directory.
    #[arg(value_name = "SOURCE")]
    pub sources: Vec<PathBuf>,
    /// A Helm chart (a directory with Chart.yaml, or a packaged .tgz), rendered with `helm
    /// template` (helm from KAIRN_HELM, else on PATH). One app, named after the chart.
    #[arg(long, value_name = "CHART")]
    pub helm: Vec<PathBuf>,
    /// A values file for --helm, as one environment NAME (repeatable: one environment per
    /// file; without it the app has one environment, `default`).
    #[arg(long = "values", value_name = "NAME=FILE", value_parser = parse_named_path)]
    pub values: Vec<(String, PathBuf)>,
    /// One environment of one app (repeatable), e.g. `--env staging=deploy/overlays/staging
    /// --env production=deploy/overlays/production`. SOURCE is any source above.
    #[arg(long = "env", value_name = "NAME=SOURCE", value_parser = parse_named_path)]
    pub envs: Vec<(String, PathBuf)>,
    /// A value for Helm's `--set` (repeatable).
    #[arg(long = "set", value_name = "KEY=VALUE")]
    pub set: Vec<String>,
    /// The app's name, when one app is imported [default: the chart's name, the file's or
    /// directory's name; for --env, the sources' common directory past generic names such
    /// as overlays/ and deploy/].
    #[arg(long, value_name = "NAME", value_parser = parse_app)]
    pub app: Option<String>,
    /// The namespace the source is applied to (`kubectl apply -n`, `helm template
    /// --namespace`): namespaced objects without one get it.
    #[arg(long, value_name = "NS", value_parser = parse_namespace)]
    pub namespace: Option<String>,
    /// The team crate's name, under teams/ (lower case letters, digits, `-` and `_`).
    #[arg(long, value_name = "NAME", default_value = "team", value_parser = parse_team)]
    pub team: String,
    /// The workspace to write: a new or empty directory, or the output of an earlier
    /// import whose files are unchanged since (they are rewritten; files you changed are
    /// conflicts, and then nothing is written).
    #[arg(long, value_name = "DIR")]
    pub out: PathBuf,
    /// Depend on kairn through this git repository instead of a path to this checkout
    /// (needs --kairn-rev).
    #[arg(long, value_name = "URL", requires = "kairn_rev")]
    pub kairn_git: Option<String>,
    /// The git revision of --kairn-git to pin (a commit id or tag).
    #[arg(long, value_name = "REV", requires = "kairn_git")]
    pub kairn_rev: Option<String>,
}

/// A namespace name: a DNS label (RFC 1123) of at most 63 characters.
fn parse_namespace(s: &str) -> Result<String, String> {
    let label = !s.is_empty()
        && s.len() <= 63
        && s.starts_with(|c: char| c.is_ascii_lowercase() || c.is_ascii_digit())
        && s.ends_with(|c: char| c.is_ascii_lowercase() || c.is_ascii_digit())
        && s.bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-');
    if label {
        Ok(s.to_owned())
    } else {
        Err(format!(
            "{s:?} is not a namespace name: lower case letters, digits and `-`, at most 63, \
             e.g. --namespace shop"
        ))
    }
}

fn parse_named_path(s: &str) -> Result<(String, PathBuf), String> {
    match s.split_once('=') {
        Some((name, path)) if !name.is_empty() && !path.is_empty() => {
            Ok((name.to_owned(), PathBuf::from(path)))
        }
        _ => Err(format!(
            "expected NAME=PATH (an environment name and a file or directory), got {s:?}"
        )),
    }
}

impl ImportArgs {
    fn request(&self) -> LoadRequest {
        LoadRequest {
            sources: self.sources.clone(),
            helm: self.helm.clone(),
            values: self.values.clone(),
            envs: self.envs.clone(),
            set: self.set.clone(),
            app: self.app.clone(),
            namespace: self.namespace.clone(),
        }
    }
}

/// Why an import stopped, with its exit code.
#[derive(Debug)]
pub enum Failure {
    /// Bad input or usage (exit 2), one line each.
    Input(Vec<String>),
    /// Files the user changed (exit 1).
    Conflicts(Vec<String>),
    /// A bug: what the engine produced cannot be written (exit 1).
    Internal(String),
    /// Writing failed (exit 74).
    Io(String),
}

/// Checks what the engine produced before anything is written: module names that are
/// Rust identifiers (so no file lands outside `teams/<team>/src/`), each once.
fn check_modules(imported: &Imported) -> Result<Vec<String>, Failure> {
    let mut modules: Vec<String> = Vec::new();
    for app in &imported.apps {
        let m = &app.module;
        let ident = m.starts_with(|c: char| c.is_ascii_lowercase() || c == '_')
            && m.bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_')
            && m != "_"
            && m != "lib"
            && !KEYWORDS.contains(&m.as_str());
        if !ident {
            return Err(Failure::Internal(format!(
                "the import produced a module named {m:?}, which is not a Rust module name \
                 (a bug in kairn import: please report it with the command line)"
            )));
        }
        if modules.contains(m) {
            return Err(Failure::Internal(format!(
                "the import produced two modules named `{m}` (a bug in kairn import: please \
                 report it with the command line)"
            )));
        }
        modules.push(m.clone());
    }
    Ok(modules)
}

/// Every file of the workspace: the template's, one module per app, the two reports.
pub fn workspace_files(
    imported: &Imported,
    team: &str,
    teams: &[String],
    source: &Source,
    command: &str,
) -> Result<Vec<(PathBuf, String)>, Failure> {
    let modules = check_modules(imported)?;
    let workspace = Workspace {
        team,
        source,
        modules: &modules,
        teams,
    };
    let mut files = workspace.files();
    let src = workspace.team_dir().join("src");
    // `json!` of a large custom resource nests deeper than rustc's default macro recursion.
    let deep_json = imported
        .apps
        .iter()
        .any(|a| a.source.contains("serde_json::json!("));
    for (path, text) in &mut files {
        if path == Path::new("README.md") {
            text.push_str(&readme_section(command));
        }
        if deep_json && *path == src.join("lib.rs") {
            *text = text.replacen("\n\nmod ", "\n\n// `serde_json::json!` of large custom resources nests deeply.\n#![recursion_limit = \"4096\"]\n\nmod ", 1);
        }
    }
    for app in &imported.apps {
        files.push((src.join(format!("{}.rs", app.module)), app.source.clone()));
    }
    files.push((REPORT_MD.into(), report_md::markdown(&imported.report)));
    files.push((REPORT_JSON.into(), report_md::json(&imported.report)));
    Ok(files)
}

fn readme_section(command: &str) -> String {
    format!(
        "\n\n## Imported\n\nThese declarations were written by `kairn import`:\n\n```sh\n{command}\n```\n\n\
         Read `{REPORT_MD}` first: the Secrets to create outside git, the hardening steps \
         the import postponed, and where each source object went (`{REPORT_JSON}` says the \
         same for tools). Running the import again rewrites only the files it wrote and you \
         have not changed since (`{}` records them); a file you changed is a conflict, and \
         then nothing is written.\n",
        import_write::RECORD
    )
}

/// The command line as typed, for the README (arguments with spaces quoted).
fn command_line() -> String {
    std::iter::once("kairn".to_owned())
        .chain(std::env::args().skip(1).map(|a| {
            if a.is_empty() || a.contains(|c: char| c.is_whitespace() || "'\"$`\\".contains(c)) {
                format!("'{}'", a.replace('\'', "'\\''"))
            } else {
                a
            }
        }))
        .collect::<Vec<_>>()
        .join(" ")
}

/// Loads, imports with `engine`, and writes DIR: the whole command but for printing.
pub fn import_into(
    args: &ImportArgs,
    engine: impl FnOnce(&[SourceApp], &Options) -> Result<Imported, ImportError>,
    command: &str,
) -> Result<(Imported, Written, Vec<String>), Failure> {
    let source = kairn_source(args.kairn_git.as_deref(), args.kairn_rev.as_deref())
        .map_err(|why| Failure::Input(vec![why]))?;
    let refused = |e| match e {
        ImportWriteError::Refused(why) => Failure::Input(vec![why]),
        ImportWriteError::Conflicts(paths) => Failure::Conflicts(paths),
        ImportWriteError::Io(why) => Failure::Io(why),
    };
    // DIR first: a DIR that cannot take the workspace is refused before any rendering.
    let prior = import_write::prior(&args.out).map_err(refused)?;
    let loaded = load_noted(&args.request()).map_err(|e| Failure::Input(vec![e.to_string()]))?;
    let options = Options {
        team: args.team.clone(),
    };
    let imported =
        engine(&loaded.apps, &options).map_err(|e| Failure::Input(vec![e.to_string()]))?;
    // The team crates of earlier imports that are still there.
    let teams: Vec<String> = prior
        .teams()
        .into_iter()
        .filter(|t| args.out.join("teams").join(t).join("Cargo.toml").is_file())
        .collect();
    let files = workspace_files(&imported, &args.team, &teams, &source, command)?;
    let written = import_write::write(&args.out, &prior, &files, &args.team).map_err(refused)?;
    Ok((imported, written, loaded.notes))
}

/// Runs `kairn import`.
pub fn run(args: &ImportArgs) -> ExitCode {
    match import_into(args, import::import, &command_line()) {
        Ok((imported, written, notes)) => {
            for note in notes {
                say!("note: {note}");
            }
            let dir = args.out.display();
            say!(
                "imported {} app(s) into {dir} ({} file(s) written, {} unchanged, {} removed): \
                 {}; next: read {dir}/{REPORT_MD}, then cd {dir} && cargo run -- emit",
                imported.apps.len(),
                written.changed,
                written.unchanged,
                written.removed,
                report_md::summary(&imported.report)
            );
            ExitCode::SUCCESS
        }
        Err(Failure::Input(why)) => fail(EXIT_USAGE, &why),
        Err(Failure::Conflicts(paths)) => {
            say!(
                "error: {} file(s) in {} changed since kairn import wrote them, or are not \
                 its own; nothing was written (keep your changes elsewhere and remove them, or \
                 import into a new --out DIR):",
                paths.len(),
                args.out.display()
            );
            for p in paths {
                say!("  {p}");
            }
            ExitCode::from(EXIT_ERRORS)
        }
        Err(Failure::Internal(why)) => fail(EXIT_ERRORS, &[why]),
        Err(Failure::Io(why)) => fail(EXIT_IO, &[why]),
    }
}

#[cfg(test)]
#[path = "import_tests.rs"]
mod tests;
