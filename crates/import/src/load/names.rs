//! Naming apps after what the user gave: a file, a directory, a chart, or the common
//! directory of the `--env` sources.

use std::path::{Component, Path, PathBuf};

use crate::ImportError;

/// An app name from a path: the file's stem or the directory's name, as a DNS label
/// (lower case; other characters become `-`). `.` is the current directory's name.
pub(crate) fn app_name_of(path: &Path) -> Result<String, ImportError> {
    let absolute;
    let path = if path.file_name().is_none() || path.ends_with(".") {
        absolute = std::path::absolute(path)
            .map_err(|e| ImportError::Other(format!("{}: {e}", path.display())))?;
        normalize(&absolute)
    } else {
        path.to_path_buf()
    };
    let raw = if path.is_dir() {
        path.file_name()
    } else {
        path.file_stem()
    };
    let raw = raw
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default();
    let name = dns_label(&raw);
    if name.is_empty() {
        return Err(ImportError::Other(format!(
            "cannot name an app after {}: give --app NAME",
            path.display()
        )));
    }
    Ok(name)
}

/// `My_Chart.v2` → `my-chart-v2`; at most 40 characters.
pub(crate) fn dns_label(raw: &str) -> String {
    let mut out = String::new();
    for c in raw.chars() {
        let c = c.to_ascii_lowercase();
        if c.is_ascii_lowercase() || c.is_ascii_digit() {
            out.push(c);
        } else if !out.is_empty() && !out.ends_with('-') {
            out.push('-');
        }
    }
    let mut out: String = out
        .trim_start_matches(|c: char| c.is_ascii_digit())
        .to_owned();
    out.truncate(40);
    out.trim_matches('-').to_owned()
}

/// Directory names that say where manifests live rather than what the app is: the
/// common directory of `--env` sources is passed over while its name is one of these.
const GENERIC_DIRS: &[&str] = &[
    "overlays",
    "overlay",
    "envs",
    "env",
    "environments",
    "deploy",
    "deployment",
    "deployments",
    "k8s",
    "kube",
    "kubernetes",
    "manifests",
    "kustomize",
    "config",
    "base",
    "bases",
    "helm",
    "charts",
    "chart",
    "values",
    "clusters",
    "apps",
    "generated",
    "src",
];

/// The app name of `--env` sources without `--app`: the name of their deepest common
/// directory, going up past generic names (`overlays`, `deploy`, `k8s`, ... see
/// `GENERIC_DIRS`): `shop/deploy/overlays/staging` + `shop/deploy/overlays/production`
/// → `shop`. A single source is named after its own parent directory the same way.
pub fn common_name<'a>(paths: impl Iterator<Item = &'a Path>) -> Result<String, ImportError> {
    let mut common: Option<PathBuf> = None;
    for p in paths {
        let abs = normalize(
            &std::path::absolute(p)
                .map_err(|e| ImportError::Other(format!("{}: {e}", p.display())))?,
        );
        // A file's or an environment directory's parent: the environments share it.
        let dir = abs.parent().map(Path::to_path_buf).unwrap_or(abs);
        common = Some(match common {
            None => dir,
            Some(c) => c
                .components()
                .zip(dir.components())
                .take_while(|(a, b)| a == b)
                .map(|(a, _)| a)
                .collect(),
        });
    }
    let mut dir = common.unwrap_or_default();
    loop {
        let name = dir
            .file_name()
            .map(|n| n.to_string_lossy().to_ascii_lowercase())
            .unwrap_or_default();
        if name.is_empty() {
            break;
        }
        if !GENERIC_DIRS.contains(&name.as_str()) {
            let label = dns_label(&name);
            if !label.is_empty() {
                return Ok(label);
            }
        }
        if !dir.pop() {
            break;
        }
    }
    Err(ImportError::Other(
        "cannot name the app of these --env sources from their directories: give --app NAME".into(),
    ))
}

/// `a/./b/../c` → `a/c`, without touching the file system.
pub(crate) fn normalize(path: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for c in path.components() {
        match c {
            Component::CurDir => {}
            Component::ParentDir => {
                if !out.pop() {
                    out.push("..");
                }
            }
            other => out.push(other),
        }
    }
    out
}
