//! Reading an earlier render from disk: an output tree, one environment directory, a
//! manifests bundle or a package directory. Reads go through [`Input`], so no file or
//! archive member is read beyond `lint`'s limits (64 MiB each, 512 MiB in all).

use std::fs;
use std::path::{Path, PathBuf};

use dsl::output::OWNERSHIP_FILE;
use dsl::validate::source::Input;
use flate2::read::GzDecoder;
use serde::Deserialize;

use super::{ReadError, Snapshot, IGNORED_FILES};

/// Deepest directory nesting read below an environment directory.
const MAX_DEPTH: usize = 16;

/// Name of a package directory's index.
pub const INDEX_FILE: &str = "index.json";

/// What a `--against` path turned out to be.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SourceKind {
    /// An output root: `<app>/<env>/**/*.yaml` (`generated/`).
    OutputTree,
    /// One application's directory in an output tree: `<env>/**/*.yaml`.
    AppDir,
    /// One environment directory: `**/*.yaml`.
    EnvironmentDir,
    /// A manifests bundle: a `.tar.gz` (or `.tgz`) of one environment's YAML files.
    Bundle,
    /// A `kairn package` directory: `index.json` and the archives it lists.
    Package,
}

impl SourceKind {
    /// `output tree`, `environment directory`, ...
    pub fn describe(self) -> &'static str {
        match self {
            SourceKind::OutputTree => "output tree",
            SourceKind::AppDir => "application directory",
            SourceKind::EnvironmentDir => "environment directory",
            SourceKind::Bundle => "manifests bundle",
            SourceKind::Package => "package directory",
        }
    }

    /// Whether the source holds exactly one environment (a bundle or an environment
    /// directory), so a fresh render to compare it with is of that environment only.
    pub fn is_single_environment(self) -> bool {
        matches!(self, SourceKind::Bundle | SourceKind::EnvironmentDir)
    }
}

fn io_message(e: &std::io::Error) -> String {
    let text = e.to_string();
    match text.rfind(" (os error ") {
        Some(i) if text.ends_with(')') => format!("cannot read: {}", &text[..i]),
        _ => format!("cannot read: {text}"),
    }
}

fn is_yaml(name: &str) -> bool {
    (name.ends_with(".yaml") || name.ends_with(".yml")) && !IGNORED_FILES.contains(&name)
}

fn hidden(name: &str) -> bool {
    name.starts_with('.')
}

/// Sorted entries of a directory: `(name, path, is_dir)`, hidden ones left out.
fn entries(dir: &Path) -> Result<Vec<(String, PathBuf, bool)>, ReadError> {
    let read = fs::read_dir(dir).map_err(|e| ReadError::new(dir.display(), io_message(&e)))?;
    let mut out = Vec::new();
    for entry in read {
        let entry = entry.map_err(|e| ReadError::new(dir.display(), io_message(&e)))?;
        let name = entry.file_name().to_string_lossy().into_owned();
        if hidden(&name) {
            continue;
        }
        let path = entry.path();
        // Follows symbolic links, as `kubectl apply -k` does.
        let is_dir = fs::metadata(&path).map(|m| m.is_dir()).unwrap_or(false);
        out.push((name, path, is_dir));
    }
    out.sort();
    Ok(out)
}

/// Whether a directory looks like one environment's output: it holds an ownership
/// record, a `kustomization.yaml` or YAML files of its own.
fn is_env_dir(dir: &Path) -> bool {
    if dir.join(OWNERSHIP_FILE).is_file() {
        return true;
    }
    fs::read_dir(dir).into_iter().flatten().flatten().any(|e| {
        let name = e.file_name().to_string_lossy().into_owned();
        (name.ends_with(".yaml") || name.ends_with(".yml")) && e.path().is_file()
    })
}

fn read_file(input: &mut Input, path: &Path) -> Result<String, ReadError> {
    let label = path.display().to_string();
    let file = fs::File::open(path).map_err(|e| ReadError::new(&label, io_message(&e)))?;
    input
        .read_text(&label, file)
        .map_err(|e| ReadError::new(&label, e.message))
}

/// Reads every `*.yaml` under `dir` (recursively, hidden entries, `kustomization.yaml`
/// and `.kairn-manifest` left out) as the objects of `app`/`environment`.
pub fn read_env_dir(
    dir: &Path,
    app: &str,
    environment: &str,
    input: &mut Input,
    into: &mut Snapshot,
) -> Result<(), ReadError> {
    fn walk(
        dir: &Path,
        depth: usize,
        app: &str,
        environment: &str,
        input: &mut Input,
        into: &mut Snapshot,
    ) -> Result<(), ReadError> {
        if depth > MAX_DEPTH {
            return Err(ReadError::new(
                dir.display(),
                format!("nested more than {MAX_DEPTH} directories deep"),
            ));
        }
        for (name, path, is_dir) in entries(dir)? {
            if is_dir {
                walk(&path, depth + 1, app, environment, input, into)?;
            } else if is_yaml(&name) {
                let text = read_file(input, &path)?;
                into.add_yaml(app, environment, &path.display().to_string(), &text)?;
            }
        }
        Ok(())
    }
    into.cover(app, environment);
    walk(dir, 0, app, environment, input, into)
}

/// Reads an output root laid out as `<app>/<env>/**/*.yaml`, as `emit` writes it.
/// Files directly under the root or an application directory are not read.
pub fn read_tree(root: &Path, input: &mut Input, into: &mut Snapshot) -> Result<(), ReadError> {
    for (app, app_dir, is_dir) in entries(root)? {
        if is_dir {
            read_app_dir(&app_dir, &app, input, into)?;
        }
    }
    Ok(())
}

fn read_app_dir(
    dir: &Path,
    app: &str,
    input: &mut Input,
    into: &mut Snapshot,
) -> Result<(), ReadError> {
    for (env, env_dir, is_dir) in entries(dir)? {
        if is_dir {
            read_env_dir(&env_dir, app, &env, input, into)?;
        }
    }
    Ok(())
}

/// Reads a manifests bundle (`.tar.gz`): every `*.yaml` member (at any depth, except
/// `kustomization.yaml` and hidden ones) as the objects of `app`/`environment`.
pub fn read_bundle(
    path: &Path,
    app: &str,
    environment: &str,
    input: &mut Input,
    into: &mut Snapshot,
) -> Result<(), ReadError> {
    let label = path.display().to_string();
    let file = fs::File::open(path).map_err(|e| ReadError::new(&label, io_message(&e)))?;
    let mut archive = tar::Archive::new(GzDecoder::new(file));
    let not_archive =
        |e: std::io::Error| ReadError::new(&label, format!("not a readable .tar.gz archive: {e}"));
    into.cover(app, environment);
    let mut members = Vec::new();
    for entry in archive.entries().map_err(not_archive)? {
        let entry = entry.map_err(not_archive)?;
        if !entry.header().entry_type().is_file() {
            continue;
        }
        let member = entry
            .path()
            .map_err(not_archive)?
            .to_string_lossy()
            .into_owned();
        let name = member.rsplit('/').next().unwrap_or_default().to_owned();
        let skip = member
            .split('/')
            .any(|part| hidden(part) && part != "." && part != "..");
        if skip || !is_yaml(&name) {
            continue;
        }
        let member_label = format!("{label}!{member}");
        let text = input
            .read_text(&member_label, entry)
            .map_err(|e| ReadError::new(&member_label, e.message))?;
        members.push((member, member_label, text));
    }
    // Archive order is the writer's choice; objects are keyed, but errors should not
    // depend on it either.
    members.sort();
    for (_, member_label, text) in members {
        into.add_yaml(app, environment, &member_label, &text)?;
    }
    Ok(())
}

/// One archive listed in a package's `index.json` (fields kairn diff does not use are
/// ignored).
#[derive(Debug, Deserialize)]
struct IndexArchive {
    file: String,
    kind: String,
    app: String,
    environment: String,
}

#[derive(Debug, Deserialize)]
struct Index {
    archives: Vec<IndexArchive>,
}

fn read_index(path: &Path, input: &mut Input) -> Result<Index, ReadError> {
    let text = read_file(input, path)?;
    serde_json::from_str(&text).map_err(|e| {
        ReadError::new(
            path.display(),
            format!("not a kairn package index ({e}); expected {{\"archives\": [{{\"file\", \"kind\", \"app\", \"environment\"}}...]}}"),
        )
    })
}

/// An index entry's file, which must stay inside the package directory.
fn archive_path(dir: &Path, index: &Path, file: &str) -> Result<PathBuf, ReadError> {
    let relative = Path::new(file);
    let inside = relative
        .components()
        .all(|c| matches!(c, std::path::Component::Normal(_)));
    if !inside || file.is_empty() {
        return Err(ReadError::new(
            index.display(),
            format!("archive `{file}` is not a path inside the package directory"),
        ));
    }
    Ok(dir.join(relative))
}

/// Reads a package directory: the `manifests` archives its `index.json` lists (Helm
/// chart archives hold templates, not objects, and are not read).
pub fn read_package(dir: &Path, input: &mut Input, into: &mut Snapshot) -> Result<(), ReadError> {
    let index_path = dir.join(INDEX_FILE);
    let index = read_index(&index_path, input)?;
    let manifests: Vec<&IndexArchive> = index
        .archives
        .iter()
        .filter(|a| a.kind == "manifests")
        .collect();
    if manifests.is_empty() {
        return Err(ReadError::new(
            index_path.display(),
            "lists no `manifests` archive to compare with",
        ));
    }
    for a in manifests {
        let path = archive_path(dir, &index_path, &a.file)?;
        read_bundle(&path, &a.app, &a.environment, input, into)?;
    }
    Ok(())
}

/// The app and environment a bundle holds according to the `index.json` beside it.
fn bundle_labels(bundle: &Path, input: &mut Input) -> Result<Option<(String, String)>, ReadError> {
    let dir = bundle.parent().unwrap_or(Path::new("."));
    let index_path = dir.join(INDEX_FILE);
    if !index_path.is_file() {
        return Ok(None);
    }
    let index = read_index(&index_path, input)?;
    Ok(index
        .archives
        .into_iter()
        .find(|a| {
            a.kind == "manifests"
                && archive_path(dir, &index_path, &a.file).is_ok_and(|p| p == bundle)
        })
        .map(|a| (a.app, a.environment)))
}

fn dir_name(path: &Path) -> Option<String> {
    let name = fs::canonicalize(path)
        .ok()?
        .file_name()?
        .to_str()?
        .to_owned();
    Some(name)
}

/// Reads what `--against` names, detecting its kind:
///
/// - a directory with `index.json` (or that file itself): a package directory;
/// - a `.tar.gz` or `.tgz` file: a manifests bundle of one environment: `app` and
///   `environment` when both are given, else the entry of the `index.json` beside it;
/// - a directory holding YAML files, a `kustomization.yaml` or `.kairn-manifest`: one
///   environment directory: `app`/`environment` when given, else its parent's name and
///   its own (`generated/<app>/<env>`);
/// - a directory whose subdirectories are environment directories: one application
///   (`generated/<app>`), named by `app` or its own name;
/// - any other directory: an output root (`generated/`).
///
/// For trees and packages, `app` and `environment` are not used here (the caller
/// narrows the snapshot with [`Snapshot::retain`]).
pub fn read_against(
    path: &Path,
    app: Option<&str>,
    environment: Option<&str>,
) -> Result<(SourceKind, Snapshot), ReadError> {
    let mut input = Input::default();
    let mut snapshot = Snapshot::default();
    let label = path.display().to_string();
    let meta = fs::metadata(path).map_err(|e| ReadError::new(&label, io_message(&e)))?;
    let file_name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    if meta.is_file() {
        if file_name == INDEX_FILE {
            let dir = path.parent().unwrap_or(Path::new("."));
            let dir = if dir.as_os_str().is_empty() {
                Path::new(".")
            } else {
                dir
            };
            read_package(dir, &mut input, &mut snapshot)?;
            return Ok((SourceKind::Package, snapshot));
        }
        if !(file_name.ends_with(".tar.gz") || file_name.ends_with(".tgz")) {
            return Err(ReadError::new(
                &label,
                "not something kairn diff reads: give an output tree (generated/), an environment directory, a manifests bundle (.tar.gz) or a package directory (with index.json)",
            ));
        }
        let labels = match (app, environment) {
            (Some(a), Some(e)) => Some((a.to_owned(), e.to_owned())),
            _ => bundle_labels(path, &mut input)?,
        };
        let Some((app, env)) = labels else {
            return Err(ReadError::new(
                &label,
                format!("cannot tell which app and environment this bundle holds (no {INDEX_FILE} beside it lists it); pass --app and --env"),
            ));
        };
        read_bundle(path, &app, &env, &mut input, &mut snapshot)?;
        return Ok((SourceKind::Bundle, snapshot));
    }
    if path.join(INDEX_FILE).is_file() {
        read_package(path, &mut input, &mut snapshot)?;
        return Ok((SourceKind::Package, snapshot));
    }
    if is_env_dir(path) {
        let own = dir_name(path);
        let parent = dir_name(&path.join(".."));
        let (Some(app), Some(env)) = (
            app.map(str::to_owned).or(parent),
            environment.map(str::to_owned).or(own),
        ) else {
            return Err(ReadError::new(
                &label,
                "cannot tell which app and environment this directory holds; pass --app and --env",
            ));
        };
        read_env_dir(path, &app, &env, &mut input, &mut snapshot)?;
        return Ok((SourceKind::EnvironmentDir, snapshot));
    }
    let app_dir = entries(path)?
        .iter()
        .any(|(_, child, is_dir)| *is_dir && is_env_dir(child));
    if app_dir {
        let Some(app) = app.map(str::to_owned).or_else(|| dir_name(path)) else {
            return Err(ReadError::new(
                &label,
                "cannot tell which app this directory holds; pass --app",
            ));
        };
        read_app_dir(path, &app, &mut input, &mut snapshot)?;
        return Ok((SourceKind::AppDir, snapshot));
    }
    read_tree(path, &mut input, &mut snapshot)?;
    Ok((SourceKind::OutputTree, snapshot))
}
