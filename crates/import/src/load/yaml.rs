//! YAML (and JSON) files and directories: read with `lint`'s loader, so every object keeps
//! its file and line, `List` kinds are expanded, and comments, empty documents and `---`
//! noise are tolerated. Documents that are not Kubernetes objects (no `apiVersion` and
//! `kind`, a scalar, kustomize's own configuration) are passed over with a note.

use std::collections::BTreeSet;
use std::fs;
use std::path::{Path, PathBuf};

use dsl::validate::{parse_str, Input, LoadError};

use crate::source::SourceObject;
use crate::ImportError;

/// Whether a file name is one a directory search reads.
fn is_manifest_name(path: &Path) -> bool {
    path.extension()
        .is_some_and(|e| e == "yaml" || e == "yml" || e == "json")
}

/// The manifest files under `paths`: files as given, directories searched to any depth
/// (entries sorted by name; `.git` and other hidden directories passed over; a directory
/// reached twice through links searched once).
pub(crate) fn collect(paths: &[PathBuf]) -> Result<Vec<PathBuf>, ImportError> {
    let mut files = Vec::new();
    let mut seen = BTreeSet::new();
    for path in paths {
        let meta = fs::metadata(path).map_err(|e| read_error(path, &e))?;
        if meta.is_dir() {
            walk(path, &mut files, &mut seen)?;
        } else {
            files.push(path.clone());
        }
    }
    Ok(files)
}

fn walk(
    dir: &Path,
    files: &mut Vec<PathBuf>,
    seen: &mut BTreeSet<PathBuf>,
) -> Result<(), ImportError> {
    let real = fs::canonicalize(dir).map_err(|e| read_error(dir, &e))?;
    if !seen.insert(real) {
        return Ok(());
    }
    let mut entries = fs::read_dir(dir)
        .map_err(|e| read_error(dir, &e))?
        .map(|e| e.map(|e| e.path()))
        .collect::<Result<Vec<_>, _>>()
        .map_err(|e| read_error(dir, &e))?;
    entries.sort();
    for path in entries {
        let hidden = path
            .file_name()
            .is_some_and(|n| n.to_string_lossy().starts_with('.'));
        let meta = fs::metadata(&path).map_err(|e| read_error(&path, &e))?;
        if meta.is_dir() {
            if hidden {
                continue;
            }
            if let Some(what) = rendered_elsewhere(&path) {
                return Err(ImportError::Other(format!(
                    "{}: {what}, which its own tool renders: give it as a source of its own \
                     (or as --env NAME={}), not inside a directory of plain YAML",
                    path.display(),
                    path.display()
                )));
            }
            walk(&path, files, seen)?;
        } else if meta.is_file() && is_manifest_name(&path) && !hidden {
            files.push(path);
        }
    }
    Ok(())
}

/// What a directory is when its files are not plain manifests: a kustomization, a Helm
/// chart, or an environment kairn wrote (whose files a directory search would read twice
/// or unrendered).
fn rendered_elsewhere(dir: &Path) -> Option<&'static str> {
    if super::is_kustomization_dir(dir) {
        Some("holds a kustomization")
    } else if super::is_chart_dir(dir) {
        Some("holds a Helm chart")
    } else {
        None
    }
}

/// `path: cannot read: ...`.
pub(crate) fn read_error(path: &Path, e: &std::io::Error) -> ImportError {
    let text = e.to_string();
    let text = match text.rfind(" (os error ") {
        Some(i) => text[..i].to_owned(),
        None => text,
    };
    ImportError::Other(format!("{}: cannot read: {text}", path.display()))
}

/// A loader error as an [`ImportError`] naming file and line.
pub(crate) fn load_error(e: LoadError) -> ImportError {
    match e.line {
        Some(line) => ImportError::Object {
            at: format!("{}:{line}", e.file),
            message: e.message,
        },
        None => ImportError::Other(e.to_string()),
    }
}

/// Parses a YAML (or JSON) text labelled `file`: its objects, in order; notes for the
/// documents passed over.
pub(crate) fn parse(
    file: &Path,
    text: &str,
    notes: &mut Vec<String>,
) -> Result<Vec<SourceObject>, ImportError> {
    let label = file.display().to_string();
    let loaded = parse_str(&label, text).map_err(load_error)?;
    for (file, line, why) in loaded.skipped {
        if !is_empty_document(text, line) {
            notes.push(format!("{file}:{line}: passed over: {why}"));
        }
    }
    Ok(loaded
        .documents
        .into_iter()
        .map(|d| SourceObject {
            line: d.line,
            file: file.to_path_buf(),
            value: d.into_value(),
        })
        .collect())
}

/// Whether the document the loader placed at `line` holds nothing (only comments, `---`
/// or `...` from there to the next document): not worth a note.
fn is_empty_document(text: &str, line: u64) -> bool {
    let start = usize::try_from(line.saturating_sub(1)).unwrap_or(usize::MAX);
    for (i, l) in text.lines().enumerate().skip(start) {
        let t = l.trim();
        if t.is_empty() || t.starts_with('#') || t == "..." || t == "~" || t == "null" {
            continue;
        }
        if t.starts_with("---") {
            if i > start || t.trim_start_matches('-').trim().is_empty() {
                if i > start {
                    return true;
                }
                continue;
            }
            return false;
        }
        return false;
    }
    true
}

/// Reads files (and directories, recursively) into objects, in order.
pub(crate) fn load_paths(
    paths: &[PathBuf],
    notes: &mut Vec<String>,
) -> Result<Vec<SourceObject>, ImportError> {
    let files = collect(paths)?;
    let mut input = Input::default();
    let mut objects = Vec::new();
    for file in &files {
        let label = file.display().to_string();
        let handle = fs::File::open(file).map_err(|e| read_error(file, &e))?;
        let text = input.read_text(&label, handle).map_err(load_error)?;
        objects.extend(parse(file, &text, notes)?);
    }
    Ok(objects)
}
