//! Reading what `kairn import` is given into [`SourceApp`]s: one module per kind of source.
//!
//! | source | module | app | environments |
//! |---|---|---|---|
//! | YAML file or directory (`.yaml`, `.yml`, `.json`, recursive) | `yaml.rs` | file stem or directory name | `default` |
//! | directory with `kustomization.yaml` (`kubectl kustomize`) | `kustomize.rs` | directory name | `default` |
//! | kairn output: `generated/<app>/` (or `generated/` with several apps) | `kairn.rs` | directory name | one per subdirectory holding `.kairn-manifest` |
//! | `--helm CHART` (directory with `Chart.yaml`, or `.tgz`), also a positional chart directory | `helm.rs` | chart name | one per `--values NAME=FILE`, else `default` |
//! | directory with `overlays/<env>/` kustomizations (`base/` beside) | `kustomize.rs` | as for `--env` | one per overlay |
//! | `--env NAME=SOURCE`... | any of the above per SOURCE | `--app`, else the sources' common directory (see [`common_name`]) | one per `--env` |
//!
//! Every object keeps the file and line it came from. `--namespace NS` is the namespace
//! the source is applied to (as with `kubectl apply -n NS` or `helm template --namespace
//! NS`): namespaced objects without one get it.

pub(crate) mod helm;
mod kairn;
pub(crate) mod kustomize;
mod names;
pub(crate) mod tool;
mod yaml;

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

pub use kustomize::KUSTOMIZATION_FILES;
pub use names::common_name;
pub(crate) use names::{app_name_of, dns_label, normalize};

use crate::source::{SourceApp, SourceEnv, SourceObject};
use crate::ImportError;

/// The environment of a source given without environments.
pub const DEFAULT_ENV: &str = "default";

/// What to load, as the command line gives it.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct LoadRequest {
    /// Positional sources: YAML files or directories, kustomize directories, chart
    /// directories, kairn output trees. One app each (a kairn output root: one per app).
    pub sources: Vec<PathBuf>,
    /// `--helm CHART`: chart directories or packaged `.tgz` charts, one app each.
    pub helm: Vec<PathBuf>,
    /// `--values NAME=FILE`: one environment per values file of the (one) `--helm` chart.
    pub values: Vec<(String, PathBuf)>,
    /// `--env NAME=SOURCE`: the environments of one app.
    pub envs: Vec<(String, PathBuf)>,
    /// `--set KEY=VALUE` for Helm (passed to `helm template --set`).
    pub set: Vec<String>,
    /// `--app NAME`: the name of the one app of `--helm`, `--env` or a single source.
    pub app: Option<String>,
    /// `--namespace NS`: the namespace the source is applied to.
    pub namespace: Option<String>,
}

/// What was loaded, and what was passed over on the way.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct LoadOutcome {
    /// The apps, in the order given: positional sources, then `--helm`, then `--env`.
    pub apps: Vec<SourceApp>,
    /// One line each (`file:line: why`): documents that are not Kubernetes objects, tool
    /// configuration, files found twice.
    pub notes: Vec<String>,
}

/// Loads every source of `request` into apps (see the module documentation).
pub fn load(request: &LoadRequest) -> Result<Vec<SourceApp>, ImportError> {
    load_noted(request).map(|outcome| outcome.apps)
}

/// [`load`], also returning the notes on what was passed over.
pub fn load_noted(request: &LoadRequest) -> Result<LoadOutcome, ImportError> {
    let mut out = LoadOutcome::default();
    let given = request.sources.len() + request.helm.len() + usize::from(!request.envs.is_empty());
    if given == 0 {
        return Err(ImportError::Other(
            "nothing to import: give a YAML file or directory, a kustomize directory, \
             --helm CHART or --env NAME=SOURCE"
                .into(),
        ));
    }
    if !request.values.is_empty() && request.helm.len() != 1 {
        return Err(ImportError::Other(format!(
            "--values goes with exactly one --helm CHART (given {}): import charts one at a \
             time, or give each chart's environments as --env NAME=CHART",
            request.helm.len()
        )));
    }
    check_env_names(&request.values, "--values")?;
    check_env_names(&request.envs, "--env")?;
    let render = Render {
        set: &request.set,
        namespace: request.namespace.as_deref(),
        skip_tests: false,
    };
    let single = given == 1;
    let app_name = |default: String| -> String {
        match &request.app {
            Some(app) if single => app.clone(),
            _ => default,
        }
    };
    let named = if single { request.app.as_deref() } else { None };
    if request.app.is_some() && !single {
        return Err(ImportError::Other(
            "--app names the one app of a single source, --helm chart or --env set: import \
             several sources without --app (each app is named after its source)"
                .into(),
        ));
    }
    // Sources are independent (files read and parsed, kustomize run): on every thread, in
    // the order given.
    let loaded = dsl::parallel::map(&request.sources, |source| {
        let mut notes = Vec::new();
        load_source(source, named, &render, &mut notes).map(|apps| (apps, notes))
    });
    for result in loaded {
        let (apps, notes) = result?;
        out.apps.extend(apps);
        out.notes.extend(notes);
    }
    for chart in &request.helm {
        let name = app_name(helm::chart_name(chart)?);
        let envs = if request.values.is_empty() {
            vec![SourceEnv {
                name: DEFAULT_ENV.into(),
                objects: helm::render(chart, &name, None, &render)?,
            }]
        } else {
            request
                .values
                .iter()
                .map(|(env, file)| {
                    Ok(SourceEnv {
                        name: env.clone(),
                        objects: helm::render(chart, &name, Some(file), &render)?,
                    })
                })
                .collect::<Result<_, ImportError>>()?
        };
        out.apps.push(SourceApp {
            name,
            origin: format!("--helm {}", chart.display()),
            envs,
        });
    }
    if !request.envs.is_empty() {
        let name = match &request.app {
            Some(app) => app.clone(),
            None => common_name(request.envs.iter().map(|(_, p)| p.as_path()))?,
        };
        let mut envs = Vec::new();
        for (env, source) in &request.envs {
            let objects = load_env_source(source, &name, &render, &mut out.notes)?;
            envs.push(SourceEnv {
                name: env.clone(),
                objects,
            });
        }
        let origin = request
            .envs
            .iter()
            .map(|(env, p)| format!("--env {env}={}", p.display()))
            .collect::<Vec<_>>()
            .join(" ");
        out.apps.push(SourceApp { name, origin, envs });
    }
    let mut seen = BTreeSet::new();
    for app in &mut out.apps {
        if !seen.insert(app.name.clone()) {
            return Err(ImportError::Other(format!(
                "two sources make an app named `{}` (the second: {}): each app needs its own \
                 name; import them one at a time with --app NAME, or rename a directory",
                app.name, app.origin
            )));
        }
        for env in &mut app.envs {
            if !is_env_name(&env.name) {
                return Err(ImportError::Other(format!(
                    "{}: environment `{}` (a directory's name) is not an environment name: \
                     lower case letters, digits and `-`, starting with a letter; give the \
                     environments as --env NAME=DIR",
                    app.origin, env.name
                )));
            }
            if env.objects.is_empty() {
                let passed = match out.notes.first() {
                    Some(note) => format!("; passed over: {note}"),
                    None => String::new(),
                };
                return Err(ImportError::Other(format!(
                    "no Kubernetes objects in {} (environment `{}`){passed}",
                    app.origin, env.name
                )));
            }
            if let Some(ns) = &request.namespace {
                fill_namespace(&mut env.objects, ns);
            }
        }
    }
    Ok(out)
}

/// Settings of the external renderers.
pub(crate) struct Render<'a> {
    pub set: &'a [String],
    pub namespace: Option<&'a str>,
    /// `helm template --skip-tests`: leave out the chart's `helm test` hooks.
    pub skip_tests: bool,
}

/// An environment name: a DNS label of at most 40 characters, starting with a letter.
fn is_env_name(name: &str) -> bool {
    !name.is_empty()
        && name.len() <= 40
        && name.starts_with(|c: char| c.is_ascii_lowercase())
        && !name.ends_with('-')
        && name
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
}

fn check_env_names(pairs: &[(String, PathBuf)], flag: &str) -> Result<(), ImportError> {
    let mut seen = BTreeSet::new();
    for (name, _) in pairs {
        if !is_env_name(name) {
            return Err(ImportError::Other(format!(
                "{flag} {name:?}=...: an environment name is a DNS label (lower case letters, \
                 digits and `-`, starting with a letter), e.g. {flag} staging=..."
            )));
        }
        if !seen.insert(name) {
            return Err(ImportError::Other(format!(
                "{flag} {name}=... is given twice: one source per environment"
            )));
        }
    }
    Ok(())
}

/// What a directory holds, for choosing its loader.
fn is_kustomization_dir(dir: &Path) -> bool {
    kustomize::KUSTOMIZATION_FILES
        .iter()
        .any(|f| dir.join(f).is_file())
}

fn is_chart_dir(dir: &Path) -> bool {
    dir.join("Chart.yaml").is_file()
}

fn is_chart_archive(path: &Path) -> bool {
    let name = path.to_string_lossy();
    path.is_file() && (name.ends_with(".tgz") || name.ends_with(".tar.gz"))
}

/// A positional source: one app, or one per app of a kairn output root.
fn load_source(
    source: &Path,
    named: Option<&str>,
    render: &Render<'_>,
    notes: &mut Vec<String>,
) -> Result<Vec<SourceApp>, ImportError> {
    let origin = source.display().to_string();
    if source.is_dir() {
        if let Some(mut apps) = kairn::load_tree(source, notes)? {
            if let Some(name) = named {
                let [app] = apps.as_mut_slice() else {
                    return Err(ImportError::Other(format!(
                        "{} holds {} apps: --app names one; import it without --app (each \
                         app keeps its directory's name)",
                        source.display(),
                        apps.len()
                    )));
                };
                app.name = name.to_owned();
            }
            return Ok(apps);
        }
    }
    if source.is_dir() && !is_kustomization_dir(source) {
        let overlays = overlay_dirs(source);
        if !overlays.is_empty() {
            let name = match named {
                Some(name) => name.to_owned(),
                None => common_name(overlays.iter().map(|(_, dir)| dir.as_path()))?,
            };
            let mut envs = Vec::new();
            for (env, dir) in &overlays {
                envs.push(SourceEnv {
                    name: env.clone(),
                    objects: kustomize::build(dir, notes)?,
                });
            }
            return Ok(vec![SourceApp { name, origin, envs }]);
        }
    }
    if is_chart_archive(source) || (source.is_dir() && is_chart_dir(source)) {
        let name = match named {
            Some(name) => name.to_owned(),
            None => helm::chart_name(source)?,
        };
        let objects = helm::render(source, &name, None, render)?;
        return Ok(vec![one_env(name, origin, objects)]);
    }
    let name = match named {
        Some(name) => name.to_owned(),
        None => app_name_of(source)?,
    };
    let objects = load_env_source(source, &name, render, notes)?;
    Ok(vec![one_env(name, origin, objects)])
}

/// The kustomize overlays of a directory laid out as `base/` + `overlays/<env>/`: each
/// subdirectory of `overlays/` holding a kustomization is an environment (sorted by name).
fn overlay_dirs(dir: &Path) -> Vec<(String, PathBuf)> {
    let Ok(entries) = std::fs::read_dir(dir.join("overlays")) else {
        return Vec::new();
    };
    let mut out: Vec<(String, PathBuf)> = entries
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.is_dir() && is_kustomization_dir(p))
        .filter_map(|p| Some((p.file_name()?.to_string_lossy().into_owned(), p)))
        .collect();
    out.sort();
    out
}

fn one_env(name: String, origin: String, objects: Vec<SourceObject>) -> SourceApp {
    SourceApp {
        name,
        origin,
        envs: vec![SourceEnv {
            name: DEFAULT_ENV.into(),
            objects,
        }],
    }
}

/// The objects of one environment's source: a chart (rendered as release `app`), a
/// kustomize directory, a kairn environment directory, or YAML.
fn load_env_source(
    source: &Path,
    app: &str,
    render: &Render<'_>,
    notes: &mut Vec<String>,
) -> Result<Vec<SourceObject>, ImportError> {
    if is_chart_archive(source) || (source.is_dir() && is_chart_dir(source)) {
        return helm::render(source, app, None, render);
    }
    if source.is_dir() && kairn::is_env_dir(source) {
        return kairn::load_env(source, notes);
    }
    if source.is_dir() && is_kustomization_dir(source) {
        return kustomize::build(source, notes);
    }
    yaml::load_paths(&[source.to_path_buf()], notes)
}

/// Kinds that are not namespaced (built-in, and the common add-ons').
const CLUSTER_SCOPED: &[&str] = &[
    "Namespace",
    "Node",
    "PersistentVolume",
    "ClusterRole",
    "ClusterRoleBinding",
    "CustomResourceDefinition",
    "StorageClass",
    "CSIDriver",
    "CSINode",
    "VolumeAttachment",
    "IngressClass",
    "PriorityClass",
    "RuntimeClass",
    "APIService",
    "MutatingWebhookConfiguration",
    "ValidatingWebhookConfiguration",
    "ValidatingAdmissionPolicy",
    "ValidatingAdmissionPolicyBinding",
    "MutatingAdmissionPolicy",
    "MutatingAdmissionPolicyBinding",
    "PodSecurityPolicy",
    "FlowSchema",
    "PriorityLevelConfiguration",
    "CertificateSigningRequest",
    "ClusterIssuer",
    "GatewayClass",
    "ClusterPolicy",
    "ClusterSecretStore",
    "ClusterExternalSecret",
];

/// Gives every namespaced object without a namespace `ns`.
fn fill_namespace(objects: &mut [SourceObject], ns: &str) {
    for o in objects {
        let kind = o
            .value
            .get("kind")
            .and_then(|k| k.as_str())
            .unwrap_or_default();
        if CLUSTER_SCOPED.contains(&kind) {
            continue;
        }
        let Some(meta) = o.value.get_mut("metadata").and_then(|m| m.as_object_mut()) else {
            continue;
        };
        let missing = meta
            .get("namespace")
            .is_none_or(|n| n.as_str().is_none_or(str::is_empty));
        if missing {
            meta.insert("namespace".into(), ns.into());
        }
    }
}

#[cfg(test)]
#[path = "load_tests.rs"]
mod tests;
