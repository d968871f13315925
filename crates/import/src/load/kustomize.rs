//! Kustomize directories: `kubectl kustomize DIR` (the binary from `KAIRN_KUBECTL`, else
//! `kubectl` on `PATH`).
//!
//! To learn each object's file, the build runs over a wrapper kustomization in a
//! temporary directory: `resources: [<relative path to DIR>]` plus `buildMetadata:
//! [originAnnotations]`, which makes kustomize annotate every object with the file it came
//! from (`config.kubernetes.io/origin`). The annotation is removed again, and the object's
//! line is found in that file (the document of the same kind whose name the output name
//! contains). A generated object (configMapGenerator, ...) points at the kustomization
//! that generates it, line 1. If the wrapped build fails where a plain one works (an old
//! kustomize, a remote base), the plain build is used and every object's file is DIR.
//! `helmCharts` in a kustomization are rendered (`--enable-helm`) with the helm of
//! `KAIRN_HELM`, else `helm` on `PATH`.

use std::collections::HashMap;
use std::ffi::OsString;
use std::fs;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};

use serde_json::Value;

use super::normalize;
use super::tool::{ToolError, KUBECTL};
use super::yaml::parse;
use crate::source::SourceObject;
use crate::ImportError;

/// The file names kustomize reads a kustomization from.
pub const KUSTOMIZATION_FILES: &[&str] =
    &["kustomization.yaml", "kustomization.yml", "Kustomization"];

const ORIGIN: &str = "config.kubernetes.io/origin";

/// Builds the kustomization in `dir`.
pub(crate) fn build(dir: &Path, notes: &mut Vec<String>) -> Result<Vec<SourceObject>, ImportError> {
    build_tool(dir, notes).map_err(|e| e.into_import(&KUBECTL))
}

/// [`build`], telling a missing kubectl from a failing build.
pub(crate) fn build_tool(
    dir: &Path,
    notes: &mut Vec<String>,
) -> Result<Vec<SourceObject>, ToolError> {
    let what = format!("kubectl kustomize {}", dir.display());
    if let Some(objects) = build_with_origins(dir, &what, notes) {
        return Ok(objects);
    }
    let out = KUBECTL.output(&kustomize_args(dir.as_os_str()), None, &what)?;
    let mut objects = parse(Path::new(&what), &out, notes)
        .map_err(|e| ToolError::Failed(format!("{what} printed YAML kairn cannot read: {e}")))?;
    for o in &mut objects {
        o.file = dir.to_path_buf();
        o.line = 1;
    }
    Ok(objects)
}

/// `kustomize DIR --enable-helm --helm-command HELM`: a kustomization's `helmCharts`
/// render with the same helm as `--helm` (`KAIRN_HELM`, else `helm`); without
/// `helmCharts` the flags change nothing.
fn kustomize_args(dir: &std::ffi::OsStr) -> Vec<OsString> {
    let helm = std::env::var_os(super::tool::HELM.var)
        .filter(|v| !v.is_empty())
        .unwrap_or_else(|| OsString::from(super::tool::HELM.name));
    let mut helm_command = OsString::from("--helm-command=");
    helm_command.push(helm);
    vec![
        "kustomize".into(),
        dir.to_owned(),
        "--enable-helm".into(),
        helm_command,
    ]
}

static COUNTER: AtomicUsize = AtomicUsize::new(0);

/// A temporary directory, removed when dropped.
struct TempDir(PathBuf);

impl TempDir {
    fn new() -> std::io::Result<TempDir> {
        let n = COUNTER.fetch_add(1, Ordering::Relaxed);
        let path = std::env::temp_dir().join(format!("kairn-import-{}-{n}", std::process::id()));
        let _ = fs::remove_dir_all(&path);
        fs::create_dir_all(&path)?;
        Ok(TempDir(fs::canonicalize(&path)?))
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = fs::remove_dir_all(&self.0);
    }
}

/// `to` relative to `from` (both absolute and normalized).
fn relative(from: &Path, to: &Path) -> PathBuf {
    let from: Vec<_> = from.components().collect();
    let to: Vec<_> = to.components().collect();
    let common = from.iter().zip(&to).take_while(|(a, b)| a == b).count();
    let mut out = PathBuf::new();
    for _ in common..from.len() {
        out.push("..");
    }
    for c in &to[common..] {
        out.push(c);
    }
    out
}

/// The wrapped build, or `None` when it cannot be done (the caller builds plainly).
fn build_with_origins(
    dir: &Path,
    what: &str,
    notes: &mut Vec<String>,
) -> Option<Vec<SourceObject>> {
    let real = fs::canonicalize(dir).ok()?;
    let temp = TempDir::new().ok()?;
    let target = relative(&temp.0, &real);
    let wrapper = format!(
        "# Written by kairn import to learn each object's file; removed after the build.\n\
         resources:\n- {}\nbuildMetadata: [originAnnotations]\n",
        serde_json::to_string(&target.to_string_lossy()).ok()?
    );
    fs::write(temp.0.join("kustomization.yaml"), wrapper).ok()?;
    let out = KUBECTL
        .run(&kustomize_args(temp.0.as_os_str()), None, what)
        .ok()?;
    let mut local_notes = Vec::new();
    let mut objects = parse(Path::new(what), &out, &mut local_notes).ok()?;
    notes.extend(local_notes);
    let base = std::env::current_dir()
        .ok()
        .and_then(|d| fs::canonicalize(d).ok());
    let mut lines = Lines::default();
    for o in &mut objects {
        let origin = take_origin(&mut o.value);
        let (file, generated) = match origin.as_deref().and_then(origin_file) {
            Some((path, generated)) => (normalize(&temp.0.join(path)), generated),
            None => (real.clone(), true),
        };
        o.line = if generated {
            1
        } else {
            lines.line_of(&file, &o.value)
        };
        o.file = match &base {
            Some(base) => file
                .strip_prefix(base)
                .map(Path::to_path_buf)
                .unwrap_or(file),
            None => file,
        };
    }
    Some(objects)
}

/// Removes the origin annotation (and an `annotations` map it leaves empty); returns it.
fn take_origin(value: &mut Value) -> Option<String> {
    let meta = value.get_mut("metadata")?.as_object_mut()?;
    let annotations = meta.get_mut("annotations")?.as_object_mut()?;
    let origin = annotations.remove(ORIGIN)?;
    if annotations.is_empty() {
        meta.remove("annotations");
    }
    origin.as_str().map(str::to_owned)
}

/// The file an origin annotation names, and whether the object was generated (its
/// kustomization named instead of a resource file).
fn origin_file(origin: &str) -> Option<(PathBuf, bool)> {
    let field = |key: &str| {
        origin.lines().find_map(|l| {
            let v = l.strip_prefix(key)?.trim();
            Some(v.trim_matches(|c| c == '"' || c == '\'').to_owned())
        })
    };
    if origin.lines().any(|l| l.starts_with("repo:")) {
        return None;
    }
    if let Some(path) = field("path:") {
        return Some((PathBuf::from(path), false));
    }
    field("configuredIn:").map(|p| (PathBuf::from(p), true))
}

/// Lines of objects in the files objects came from, each file parsed once.
#[derive(Default)]
struct Lines {
    files: HashMap<PathBuf, Vec<(String, String, u64)>>,
}

impl Lines {
    /// The line in `file` of the document that became `object`, else 1.
    fn line_of(&mut self, file: &Path, object: &Value) -> u64 {
        let docs = self.files.entry(file.to_path_buf()).or_insert_with(|| {
            let Ok(text) = fs::read_to_string(file) else {
                return Vec::new();
            };
            let mut ignored = Vec::new();
            parse(file, &text, &mut ignored)
                .map(|objects| {
                    objects
                        .into_iter()
                        .map(|o| (str_at(&o.value, "kind"), name_of(&o.value), o.line))
                        .collect()
                })
                .unwrap_or_default()
        });
        let kind = str_at(object, "kind");
        let name = name_of(object);
        let same_kind: Vec<_> = docs.iter().filter(|(k, _, _)| *k == kind).collect();
        if let [(_, _, line)] = same_kind.as_slice() {
            return *line;
        }
        same_kind
            .iter()
            .filter(|(_, n, _)| !n.is_empty() && name.contains(n.as_str()))
            .max_by_key(|(_, n, _)| n.len())
            .map_or(1, |(_, _, line)| *line)
    }
}

fn str_at(value: &Value, key: &str) -> String {
    value
        .get(key)
        .and_then(Value::as_str)
        .unwrap_or_default()
        .to_owned()
}

fn name_of(value: &Value) -> String {
    value
        .get("metadata")
        .map(|m| str_at(m, "name"))
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn relative_paths_climb_to_the_common_directory() {
        assert_eq!(
            relative(Path::new("/tmp/k-1"), Path::new("/work/app/overlays/prod")),
            PathBuf::from("../../work/app/overlays/prod")
        );
        assert_eq!(
            relative(Path::new("/a/b"), Path::new("/a/b/c")),
            PathBuf::from("c")
        );
    }

    #[test]
    fn the_origin_annotation_is_read_and_removed() {
        let mut v = serde_json::json!({"metadata": {"name": "x", "annotations": {ORIGIN: "path: ../base/d.yaml\n"}}});
        let origin = take_origin(&mut v).unwrap();
        assert_eq!(v, serde_json::json!({"metadata": {"name": "x"}}));
        assert_eq!(
            origin_file(&origin),
            Some((PathBuf::from("../base/d.yaml"), false))
        );
        assert_eq!(
            origin_file("configuredIn: k/kustomization.yaml\nconfiguredBy:\n  kind: X\n"),
            Some((PathBuf::from("k/kustomization.yaml"), true))
        );
        assert_eq!(
            origin_file("repo: https://github.com/x/y\npath: a.yaml\n"),
            None
        );
    }
}
