//! The app's ConfigMap and the hash that rolls pods when it changes.

use std::collections::BTreeMap;

use k8s_openapi::api::core::v1::ConfigMap;

use super::meta::{app_labels, object_meta};
use crate::model::app::App;
use crate::object::Object;

/// FNV-1a over the sorted `key=value` pairs: stable across runs, platforms and Rust versions.
pub(crate) fn config_hash(app: &App) -> Option<String> {
    if app.config.is_empty() {
        return None;
    }
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for (k, v) in &app.config {
        for b in k.as_str().bytes().chain([b'=']).chain(v.bytes()).chain([0]) {
            h ^= u64::from(b);
            h = h.wrapping_mul(0x0000_0100_0000_01b3);
        }
    }
    Some(format!("{h:016x}"))
}

/// The ConfigMap `<app>-config`, if the app has configuration.
pub(crate) fn config_map(app: &App) -> Option<Object> {
    if app.config.is_empty() {
        return None;
    }
    let data: BTreeMap<String, String> = app
        .config
        .iter()
        .map(|(k, v)| (k.to_string(), v.clone()))
        .collect();
    Some(
        ConfigMap {
            metadata: object_meta(app, &app.config_map_name(), app_labels(app)),
            data: Some(data),
            ..Default::default()
        }
        .into(),
    )
}
