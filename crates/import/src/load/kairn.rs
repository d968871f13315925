//! kairn's own output: `generated/<app>/<env>/`, each environment directory holding
//! `.kairn-manifest` (the record of the files kairn wrote there).
//!
//! A directory whose subdirectories are environment directories is one app (named after
//! the directory, one environment per subdirectory, sorted); a directory whose
//! subdirectories are such apps (`generated/`) is one app per subdirectory. The objects
//! are the files the record lists, but for kairn's layout files: `kustomization.yaml`
//! (at any depth, `phases/<n>-<phase>/` too) and `flux/`; objects under `phases/*/` are
//! read like the others.

use std::fs;
use std::path::{Path, PathBuf};

use dsl::output::{Ownership, OWNERSHIP_FILE};

use super::yaml::{load_paths, read_error};
use super::{dns_label, DEFAULT_ENV};
use crate::source::{SourceApp, SourceEnv, SourceObject};
use crate::ImportError;

/// Whether `dir` is an environment directory kairn wrote.
pub(crate) fn is_env_dir(dir: &Path) -> bool {
    dir.join(OWNERSHIP_FILE).is_file()
}

/// The sorted subdirectories of `dir` (none when it cannot be read: the caller then
/// treats `dir` as YAML, whose reading reports the error).
fn subdirs(dir: &Path) -> Vec<PathBuf> {
    let Ok(entries) = fs::read_dir(dir) else {
        return Vec::new();
    };
    let mut dirs: Vec<PathBuf> = entries
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| {
            p.is_dir()
                && !p
                    .file_name()
                    .is_some_and(|n| n.to_string_lossy().starts_with('.'))
        })
        .collect();
    dirs.sort();
    dirs
}

/// Whether `dir` is an app directory of kairn's output: it has environment directories.
fn is_app_dir(dir: &Path) -> bool {
    subdirs(dir).iter().any(|d| is_env_dir(d))
}

/// The apps of a kairn output tree at `dir`, or `None` when it is not one.
pub(crate) fn load_tree(
    dir: &Path,
    notes: &mut Vec<String>,
) -> Result<Option<Vec<SourceApp>>, ImportError> {
    if is_env_dir(dir) {
        // One environment directory given alone: the app is its parent.
        let name = app_name(dir.parent().unwrap_or(dir), dir)?;
        let env = env_name(dir);
        let objects = load_env(dir, notes)?;
        return Ok(Some(vec![SourceApp {
            name,
            origin: dir.display().to_string(),
            envs: vec![SourceEnv { name: env, objects }],
        }]));
    }
    if is_app_dir(dir) {
        return Ok(Some(vec![load_app(dir, notes)?]));
    }
    let apps: Vec<PathBuf> = subdirs(dir).into_iter().filter(|d| is_app_dir(d)).collect();
    if apps.is_empty() {
        return Ok(None);
    }
    apps.iter()
        .map(|app| load_app(app, notes))
        .collect::<Result<Vec<_>, _>>()
        .map(Some)
}

fn app_name(dir: &Path, shown: &Path) -> Result<String, ImportError> {
    let absolute = std::path::absolute(dir).map_err(|e| read_error(dir, &e))?;
    let name = super::normalize(&absolute)
        .file_name()
        .map(|n| dns_label(&n.to_string_lossy()))
        .unwrap_or_default();
    if name.is_empty() {
        return Err(ImportError::Other(format!(
            "cannot name the app of {}: give --app NAME",
            shown.display()
        )));
    }
    Ok(name)
}

fn env_name(dir: &Path) -> String {
    dir.file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| DEFAULT_ENV.into())
}

/// One app directory: an environment per subdirectory holding `.kairn-manifest`.
fn load_app(dir: &Path, notes: &mut Vec<String>) -> Result<SourceApp, ImportError> {
    let mut envs = Vec::new();
    for env in subdirs(dir) {
        if is_env_dir(&env) {
            envs.push(SourceEnv {
                name: env_name(&env),
                objects: load_env(&env, notes)?,
            });
        } else {
            notes.push(format!(
                "{}: passed over: no {OWNERSHIP_FILE}, so not an environment kairn wrote",
                env.display()
            ));
        }
    }
    Ok(SourceApp {
        name: app_name(dir, dir)?,
        origin: dir.display().to_string(),
        envs,
    })
}

/// Whether a path recorded in `.kairn-manifest` is an object file rather than layout.
fn is_object_file(name: &str) -> bool {
    let is_yaml = name.ends_with(".yaml") || name.ends_with(".yml");
    let file = name.rsplit('/').next().unwrap_or(name);
    is_yaml && file != "kustomization.yaml" && !name.starts_with("flux/")
}

/// The objects of one environment directory: the object files its record lists.
pub(crate) fn load_env(
    dir: &Path,
    notes: &mut Vec<String>,
) -> Result<Vec<SourceObject>, ImportError> {
    let record = dir.join(OWNERSHIP_FILE);
    let text = fs::read_to_string(&record).map_err(|e| read_error(&record, &e))?;
    let ownership = Ownership::parse(&text).map_err(|e| ImportError::Object {
        at: format!("{}:{}", record.display(), e.line),
        message: e.message,
    })?;
    let files: Vec<PathBuf> = ownership
        .names()
        .filter(|n| is_object_file(n))
        .map(|n| dir.join(n))
        .collect();
    if files.is_empty() {
        return Ok(Vec::new());
    }
    load_paths(&files, notes)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn layout_files_are_not_objects() {
        assert!(is_object_file("deployment-a.yaml"));
        assert!(is_object_file("phases/2-deploy/deployment-a.yaml"));
        assert!(!is_object_file("kustomization.yaml"));
        assert!(!is_object_file("phases/1-before-deploy/kustomization.yaml"));
        assert!(!is_object_file("flux/kustomizations.yaml"));
        assert!(!is_object_file("README.md"));
    }
}
