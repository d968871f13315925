//! The volumes a component declares with [`ComponentBuilder::volume`](crate::ComponentBuilder::volume):
//! projected Secret/ConfigMap files and existing claims, all file volumes mounted read-only.

use std::collections::BTreeMap;

use k8s_openapi::api::core::v1::{
    ConfigMapProjection, KeyToPath, PersistentVolumeClaimVolumeSource, ProjectedVolumeSource,
    SecretProjection, Volume as K8sVolume, VolumeMount, VolumeProjection,
};

use super::pod::ExtraVolume;
use crate::model::app::App;
use crate::model::component::Component;
use crate::model::volumes::{ClaimAccess, ClaimVolume, FileSource, ProjectedFiles, Volume};

fn key_to_path(key: &str, path: &str) -> KeyToPath {
    KeyToPath {
        key: key.to_owned(),
        path: path.to_owned(),
        mode: None,
    }
}

/// One projection per Secret (in name order) then one for the app's ConfigMap, each
/// listing only the declared keys, in declaration order.
fn projected(app: &App, files: &ProjectedFiles) -> ExtraVolume {
    let mut secrets: BTreeMap<String, Vec<KeyToPath>> = BTreeMap::new();
    let mut config: Vec<KeyToPath> = Vec::new();
    for f in &files.files {
        match &f.source {
            FileSource::Secret(r) => secrets
                .entry(r.secret().to_string())
                .or_default()
                .push(key_to_path(r.key().as_str(), f.file_name.as_str())),
            FileSource::Config(key) => config.push(key_to_path(key.as_str(), f.file_name.as_str())),
        }
    }
    let mut sources: Vec<VolumeProjection> = secrets
        .into_iter()
        .map(|(name, items)| VolumeProjection {
            secret: Some(SecretProjection {
                name,
                items: Some(items),
                optional: None,
            }),
            ..Default::default()
        })
        .collect();
    if !config.is_empty() {
        sources.push(VolumeProjection {
            config_map: Some(ConfigMapProjection {
                name: app.config_map_name().to_string(),
                items: Some(config),
                optional: None,
            }),
            ..Default::default()
        });
    }
    ExtraVolume {
        volume: Some(K8sVolume {
            name: files.name.to_string(),
            projected: Some(ProjectedVolumeSource {
                default_mode: files.default_mode.map(|m| i32::from(m.bits())),
                sources: Some(sources),
            }),
            ..Default::default()
        }),
        mount: VolumeMount {
            name: files.name.to_string(),
            mount_path: files.mount_dir.clone(),
            read_only: Some(true),
            ..Default::default()
        },
    }
}

fn claim(c: &ClaimVolume) -> ExtraVolume {
    let read_only = (c.access == ClaimAccess::ReadOnly).then_some(true);
    ExtraVolume {
        volume: Some(K8sVolume {
            name: c.name.to_string(),
            persistent_volume_claim: Some(PersistentVolumeClaimVolumeSource {
                claim_name: c.claim.to_string(),
                read_only,
            }),
            ..Default::default()
        }),
        mount: VolumeMount {
            name: c.name.to_string(),
            mount_path: c.mount_path.clone(),
            read_only,
            ..Default::default()
        },
    }
}

/// The component's declared volumes, in declaration order.
pub(crate) fn volumes(app: &App, component: &Component) -> Vec<ExtraVolume> {
    component
        .pod
        .volumes
        .iter()
        .map(|v| match v {
            Volume::Files(f) => projected(app, f),
            Volume::Claim(c) => claim(c),
        })
        .collect()
}

/// Whether a projected volume reads keys of the app's ConfigMap (the pods then roll
/// when it changes, as they do for environment variables read from it).
pub(crate) fn reads_app_config(component: &Component) -> bool {
    component.pod.volumes.iter().any(|v| match v {
        Volume::Files(f) => f
            .files
            .iter()
            .any(|file| matches!(file.source, FileSource::Config(_))),
        Volume::Claim(_) => false,
    })
}
