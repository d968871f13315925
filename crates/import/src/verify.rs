//! Checks an imported app against its source after the written crate has emitted: no
//! field lost silently, nothing the source allowed on the network denied, and, for sets
//! kairn wrote itself, the same files object for object.
//!
//! Used by the import round-trip test (`tests/import_roundtrip.rs`).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde_json::Value;

use crate::normalize::{join, normalize};
use crate::recognize::{app_namespace, not_deployed};
use crate::report::{Placement, Report};
use crate::source::SourceApp;

/// What the check of one app found.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Verified {
    /// Problems, one line each (empty: the app passed).
    pub problems: Vec<String>,
    /// Workload objects that became components, and all workload objects.
    pub components: (usize, usize),
    /// Source objects checked.
    pub objects: usize,
}

/// Kinds of pod-owning objects.
pub const WORKLOADS: &[&str] = &[
    "Deployment",
    "StatefulSet",
    "DaemonSet",
    "CronJob",
    "Job",
    "ReplicaSet",
    "Pod",
];

fn identity(v: &Value) -> (String, String, String) {
    let s = |p: &str| {
        v.pointer(p)
            .and_then(Value::as_str)
            .unwrap_or("")
            .to_owned()
    };
    (s("/kind"), s("/metadata/namespace"), s("/metadata/name"))
}

/// Emitted objects by `(kind, namespace, name)`: the file (relative) and the object.
pub type Emitted = BTreeMap<(String, String, String), (PathBuf, Value)>;

/// Every YAML document under `dir` (kairn's layout files left out), by identity, with its
/// path relative to `dir`.
pub fn emitted_objects(dir: &Path) -> Result<Emitted, String> {
    let mut files = Vec::new();
    collect(dir, &mut files);
    let (loaded, errors) = lint::source::load_files(&files);
    if let Some(e) = errors.first() {
        return Err(e.to_string());
    }
    let mut out = BTreeMap::new();
    for d in loaded.documents {
        if d.kind == "Kustomization" {
            continue;
        }
        let path = PathBuf::from(&d.file);
        let rel = path.strip_prefix(dir).unwrap_or(&path).to_path_buf();
        let value = d.into_value();
        out.insert(identity(&value), (rel, value));
    }
    Ok(out)
}

fn collect(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    let mut entries: Vec<_> = entries.flatten().map(|e| e.path()).collect();
    entries.sort();
    for p in entries {
        if p.is_dir() {
            collect(&p, out);
        } else if p.extension().is_some_and(|e| e == "yaml" || e == "yml") {
            out.push(p);
        }
    }
}

fn leaves(v: &Value, path: String, out: &mut Vec<(String, Value)>) {
    match v {
        Value::Object(m) if !m.is_empty() => {
            for (k, v) in m {
                leaves(v, join(&path, k), out);
            }
        }
        Value::Array(a) if !a.is_empty() => {
            for (i, v) in a.iter().enumerate() {
                leaves(v, format!("{path}[{i}]"), out);
            }
        }
        other => out.push((path, other.clone())),
    }
}

fn at_path<'a>(mut v: &'a Value, path: &str) -> Option<&'a Value> {
    // Paths are written by `join`: `.key`, `["key"]`, `[i]`.
    let mut rest = path;
    while !rest.is_empty() {
        if let Some(r) = rest.strip_prefix('.') {
            rest = r;
        }
        if let Some(r) = rest.strip_prefix("[\"") {
            let end = r.find("\"]")?;
            let key: String = serde_json::from_str(&format!("\"{}\"", &r[..end])).ok()?;
            v = v.get(key.as_str())?;
            rest = &r[end + 2..];
        } else if let Some(r) = rest.strip_prefix('[') {
            let end = r.find(']')?;
            v = v.get(r[..end].parse::<usize>().ok()?)?;
            rest = &r[end + 1..];
        } else {
            let end = rest.find(['.', '[']).unwrap_or(rest.len());
            v = v.get(&rest[..end])?;
            rest = &rest[end..];
        }
    }
    Some(v)
}

fn scalar_eq(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Number(x), Value::Number(y)) => x.as_f64() == y.as_f64(),
        (Value::String(x), Value::Number(y)) | (Value::Number(y), Value::String(x)) => {
            x == &y.to_string()
        }
        _ => a == b,
    }
}

/// Checks one app. `emitted` is `<emit root>/<app id>`, holding one directory per
/// environment; `exact` asks for the same files object for object (a set kairn wrote).
pub fn verify(
    source: &SourceApp,
    app_id: &str,
    emitted: &Path,
    report: &Report,
    exact: bool,
) -> Verified {
    let mut v = Verified::default();
    for env in &source.envs {
        let dir = emitted.join(&env.name);
        let objects = match emitted_objects(&dir) {
            Ok(o) => o,
            Err(e) => {
                v.problems.push(format!("{}: {e}", dir.display()));
                continue;
            }
        };
        let normalized: Vec<_> = env
            .objects
            .iter()
            .filter_map(|o| normalize(o).ok())
            .collect();
        let namespace = app_namespace(&normalized, None);
        let mut seen = Vec::new();
        for o in normalized.iter().filter(|o| not_deployed(o).is_none()) {
            v.objects += 1;
            let mut json = o.json.clone();
            let ns = match (&o.namespace, lint::object::is_cluster_scoped(&o.kind)) {
                (Some(ns), _) => ns.clone(),
                (None, true) => String::new(),
                (None, false) => {
                    json["metadata"]["namespace"] = Value::String(namespace.clone());
                    namespace.clone()
                }
            };
            let id = format!("{}/{}/{}", o.kind, ns, o.name);
            let entry = report
                .objects
                .iter()
                .find(|e| e.app == app_id && e.environment == env.name && e.object == id);
            let Some(entry) = entry else {
                v.problems
                    .push(format!("{}: {id} is not in the report", o.at));
                continue;
            };
            if WORKLOADS.contains(&o.kind.as_str())
                && !matches!(entry.placement, Placement::Dropped { .. })
            {
                v.components.1 += 1;
                if matches!(&entry.placement, Placement::Component { call, .. } if !call.starts_with("rendered") && !call.starts_with("added"))
                {
                    v.components.0 += 1;
                }
            }
            let changed: Vec<&str> = report
                .fields
                .iter()
                .filter(|f| f.app == app_id && f.environment == env.name && f.object == id)
                .map(|f| f.path.as_str())
                .collect();
            match &entry.placement {
                Placement::ExternalSecret { .. } | Placement::Regenerated => {
                    if matches!(entry.placement, Placement::ExternalSecret { .. })
                        && !changed.contains(&"data")
                    {
                        v.problems.push(format!(
                            "{}: {id}: the secret's data is not reported as dropped",
                            o.at
                        ));
                    }
                    continue;
                }
                Placement::Dropped { .. } => continue,
                _ => {}
            }
            let key = (o.kind.clone(), ns.clone(), o.name.clone());
            seen.push(key.clone());
            let Some((file, out)) = objects.get(&key) else {
                v.problems.push(format!("{}: {id} is not emitted", o.at));
                continue;
            };
            let mut all = Vec::new();
            leaves(&json, String::new(), &mut all);
            for (path, want) in all {
                let reported = changed.iter().any(|c| {
                    path == *c
                        || path.starts_with(&format!("{c}."))
                        || path.starts_with(&format!("{c}["))
                });
                let kept = at_path(out, &path).is_some_and(|got| scalar_eq(got, &want))
                    || (want.is_null() && at_path(out, &path).is_none());
                if !kept && !reported {
                    v.problems
                        .push(format!("{}: {id}: {path} = {want} is lost silently", o.at));
                }
            }
            if exact && json != *out {
                v.problems
                    .push(format!("{}: {id} differs from {}", o.at, file.display()));
            }
            // kairn's own layout (phase directories, file names) comes back too.
            let source_file = o.at.rsplit_once(':').map_or(o.at.as_str(), |(f, _)| f);
            if exact && !Path::new(source_file).ends_with(file) {
                v.problems
                    .push(format!("{}: {id} is emitted as {}", o.at, file.display()));
            }
        }
        for (key, (file, out)) in &objects {
            if seen.contains(key) {
                continue;
            }
            if exact {
                v.problems.push(format!(
                    "{}: {}/{}/{} is not in the source",
                    file.display(),
                    key.0,
                    key.1,
                    key.2
                ));
            }
            if key.0 == "NetworkPolicy" {
                let open =
                    |k: &str| out.pointer(&format!("/spec/{k}")) == Some(&serde_json::json!([{}]));
                let types: Vec<&str> = out
                    .pointer("/spec/policyTypes")
                    .and_then(Value::as_array)
                    .map(|a| a.iter().filter_map(Value::as_str).collect())
                    .unwrap_or_else(|| vec!["Ingress"]);
                if types.iter().any(|t| !open(&t.to_ascii_lowercase())) {
                    v.problems.push(format!(
                        "{}: NetworkPolicy {} was not in the source and denies flows the source allowed",
                        file.display(),
                        key.2
                    ));
                }
            }
        }
    }
    v
}
