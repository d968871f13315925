//! ConfigMaps holding components' configuration files, and their content hash.
//!
//! A set of files mounted by one component is its ConfigMap `<app>-<component>-<name>`.
//! The same set (equal name and files; the mount directory may differ) mounted by
//! several components is rendered once, as the app's ConfigMap
//! `<app>-<name>-<hash>`, and each of them mounts it. The hash (10 hex digits of the
//! set's name and content, as kustomize's `configMapGenerator` suffixes) keeps two
//! different sets apart even when they have the same name, and keeps the name clear of
//! the app's own `<app>-config` and of every `<app>-<component>-<name>`.

use std::collections::BTreeMap;
use std::panic::Location;

use k8s_openapi::api::core::v1::ConfigMap;

use super::hooks::fnv64;
use super::meta::{app_labels, component_labels, object_meta, Labels};
use crate::model::app::App;
use crate::model::component::Component;
use crate::model::files::ConfigFiles;
use crate::model::set_at::Setting;
use crate::object::Object;
use crate::primitives::text::Name;

/// Whether two sets are the same ConfigMap content: same name, same files.
fn same_set(a: &ConfigFiles, b: &ConfigFiles) -> bool {
    a.name == b.name && a.files == b.files
}

/// The components that mount `files` (or an equal set), in declaration order.
fn mounted_by<'a>(app: &'a App, files: &'a ConfigFiles) -> impl Iterator<Item = &'a Component> {
    app.components
        .iter()
        .filter(move |c| c.files.iter().any(|f| same_set(f, files)))
}

/// Whether more than one component mounts `files`.
fn is_shared(app: &App, files: &ConfigFiles) -> bool {
    mounted_by(app, files).nth(1).is_some()
}

/// A hash of one set's name and files.
fn set_hash(files: &ConfigFiles) -> u64 {
    fnv64(
        files.name.as_str().bytes().chain([0]).chain(
            files
                .files
                .iter()
                .flat_map(|(k, v)| k.as_str().bytes().chain([b'=']).chain(v.bytes()).chain([0])),
        ),
    )
}

/// Name of the ConfigMap of one set of files as `component` mounts it:
/// `<app>-<component>-<name>`, or `<app>-<name>-<hash>` when several components
/// mount the same set.
pub(crate) fn config_map_name(app: &App, component: &Component, files: &ConfigFiles) -> Name {
    if is_shared(app, files) {
        let hash = format!("{:016x}", set_hash(files));
        app.base_name().join(files.name.as_str()).join(&hash[..10])
    } else {
        app.object_name(&component.name).join(files.name.as_str())
    }
}

fn config_map(app: &App, component: &Component, files: &ConfigFiles, labels: Labels) -> Object {
    ConfigMap {
        metadata: object_meta(app, &config_map_name(app, component, files), labels),
        data: Some(
            files
                .files
                .iter()
                .map(|(k, v)| (k.to_string(), v.clone()))
                .collect::<BTreeMap<_, _>>(),
        ),
        ..Default::default()
    }
    .into()
}

/// One ConfigMap per set of files only this component mounts (shared sets are the
/// app's: [`shared_config_maps`]).
pub(crate) fn config_maps(app: &App, component: &Component) -> Vec<Object> {
    component
        .files
        .iter()
        .filter(|f| !is_shared(app, f))
        .map(|f| config_map(app, component, f, component_labels(app, component)))
        .collect()
}

/// One ConfigMap per set of files several components mount, with the app's labels,
/// each with the line of the first mounting component's `.files(..)` call (else of
/// its `builder()`), where a finding on it points.
pub(crate) fn shared_config_maps(app: &App) -> Vec<(Object, &'static Location<'static>)> {
    let mut out: Vec<(Object, &'static Location<'static>)> = Vec::new();
    let mut seen: Vec<&ConfigFiles> = Vec::new();
    for c in &app.components {
        for f in &c.files {
            if seen.iter().any(|s| same_set(s, f)) || !is_shared(app, f) {
                continue;
            }
            seen.push(f);
            let at = c
                .set_at
                .get(&Setting::Files)
                .copied()
                .unwrap_or(c.declared_at);
            out.push((config_map(app, c, f, app_labels(app)), at));
        }
    }
    out
}

/// A hash over every file of the component (`None` when it has none).
pub(crate) fn files_hash(component: &Component) -> Option<u64> {
    if component.files.iter().all(|f| f.files.is_empty()) {
        return None;
    }
    let bytes = component.files.iter().flat_map(|f| {
        f.name.as_str().bytes().chain([0]).chain(
            f.files
                .iter()
                .flat_map(|(k, v)| k.as_str().bytes().chain([b'=']).chain(v.bytes()).chain([0])),
        )
    });
    Some(fnv64(bytes))
}
