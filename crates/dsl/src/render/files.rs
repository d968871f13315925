//! ConfigMaps holding a component's configuration files, and their content hash.

use std::collections::BTreeMap;

use k8s_openapi::api::core::v1::ConfigMap;

use super::hooks::fnv64;
use super::meta::{component_labels, object_meta};
use crate::model::app::App;
use crate::model::component::Component;
use crate::model::files::ConfigFiles;
use crate::object::Object;
use crate::primitives::text::Name;

/// Name of the ConfigMap of one set of files: `<app>-<component>-<name>`.
pub(crate) fn config_map_name(app: &App, component: &Component, files: &ConfigFiles) -> Name {
    app.object_name(&component.name).join(files.name.as_str())
}

/// One ConfigMap per set of files.
pub(crate) fn config_maps(app: &App, component: &Component) -> Vec<Object> {
    component
        .files
        .iter()
        .map(|f| {
            ConfigMap {
                metadata: object_meta(
                    app,
                    &config_map_name(app, component, f),
                    component_labels(app, component),
                ),
                data: Some(
                    f.files
                        .iter()
                        .map(|(k, v)| (k.to_string(), v.clone()))
                        .collect::<BTreeMap<_, _>>(),
                ),
                ..Default::default()
            }
            .into()
        })
        .collect()
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
