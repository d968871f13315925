//! Stateful services: a StatefulSet with a claim per member and volume, a headless
//! Service for stable member names, a ClusterIP Service for clients, and a disruption
//! budget when there is more than one member.

use k8s_openapi::api::apps::v1::{
    RollingUpdateStatefulSetStrategy, StatefulSet, StatefulSetSpec, StatefulSetUpdateStrategy,
};
use k8s_openapi::api::core::v1::{PersistentVolumeClaim, Service, ServiceSpec, VolumeMount};
use k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta;

use super::meta::{component_labels, object_meta, selector, selector_labels};
use super::pod::{pod_template, ExtraVolume};
use super::services::service_port;
use crate::model::app::App;
use crate::model::cluster::MemberVolume;
use crate::model::component::Component;
use crate::model::stateful::{StatefulService, StatefulUpdate};
use crate::object::Object;

/// The `volumeClaimTemplates` of `volumes` and the container mounts of the claims.
pub(crate) fn claim_templates(
    app: &App,
    component: &Component,
    volumes: &[MemberVolume],
) -> (Vec<PersistentVolumeClaim>, Vec<ExtraVolume>) {
    let claims = volumes
        .iter()
        .map(|v| PersistentVolumeClaim {
            metadata: ObjectMeta {
                name: Some(v.name.to_string()),
                labels: Some(selector_labels(app, &component.name)),
                ..Default::default()
            },
            spec: Some(super::workloads::claim_spec(
                v.access_mode,
                v.storage_class.as_ref(),
                v.size,
            )),
            ..Default::default()
        })
        .collect();
    let mounts = volumes
        .iter()
        .map(|v| ExtraVolume {
            volume: None,
            mount: VolumeMount {
                name: v.name.to_string(),
                mount_path: v.mount_path.clone(),
                ..Default::default()
            },
        })
        .collect();
    (claims, mounts)
}

/// The client Service (ClusterIP) and the headless Service that gives every member a
/// stable DNS name (`<pod>.<headless>.<namespace>.svc`), publishing members before they
/// are ready so that members can find each other while starting.
pub(crate) fn services(app: &App, component: &Component, s: &StatefulService) -> Vec<Object> {
    let labels = component_labels(app, component);
    let ports = |main: u16| {
        std::iter::once(service_port(&s.port, main))
            .chain(
                s.extra_ports
                    .iter()
                    .map(|p| service_port(p, p.number.get())),
            )
            .collect::<Vec<_>>()
    };
    let client = Service {
        metadata: object_meta(
            app,
            &super::kept::service_name(app, component),
            labels.clone(),
        ),
        spec: Some(ServiceSpec {
            type_: Some("ClusterIP".into()),
            selector: Some(selector_labels(app, &component.name)),
            ports: Some(ports(s.exposed_port())),
            ..Default::default()
        }),
        ..Default::default()
    };
    let headless = Service {
        metadata: object_meta(
            app,
            &super::kept::headless_service_name(app, component),
            labels,
        ),
        spec: Some(ServiceSpec {
            cluster_ip: Some("None".into()),
            publish_not_ready_addresses: Some(true),
            selector: Some(selector_labels(app, &component.name)),
            ports: Some(ports(s.port.number.get())),
            ..Default::default()
        }),
        ..Default::default()
    };
    vec![client.into(), headless.into()]
}

fn update_strategy(update: StatefulUpdate) -> StatefulSetUpdateStrategy {
    match update {
        StatefulUpdate::Rolling | StatefulUpdate::Partitioned { .. } => {
            let partition = match update {
                StatefulUpdate::Partitioned { partition } => partition,
                _ => 0,
            };
            StatefulSetUpdateStrategy {
                type_: Some("RollingUpdate".into()),
                rolling_update: Some(RollingUpdateStatefulSetStrategy {
                    partition: Some(i32::try_from(partition).unwrap_or(i32::MAX)),
                    ..Default::default()
                }),
            }
        }
        StatefulUpdate::OnDelete => StatefulSetUpdateStrategy {
            type_: Some("OnDelete".into()),
            rolling_update: None,
        },
    }
}

/// The StatefulSet and, with more than one member (or a declared budget), its
/// PodDisruptionBudget. Claims are kept when the StatefulSet is deleted or scaled down
/// (the Kubernetes default retention policy, `Retain`).
pub(crate) fn statefulset(
    app: &App,
    component: &Component,
    s: &StatefulService,
    config_hash: Option<&str>,
) -> Vec<Object> {
    let name = super::kept::workload_name(app, component);
    let labels = component_labels(app, component);
    let (claims, mounts) = claim_templates(app, component, &s.volumes);
    let statefulset = StatefulSet {
        metadata: super::meta::with_annotations(
            object_meta(app, &name, labels),
            super::workloads::no_probes_annotation(component),
        ),
        spec: Some(StatefulSetSpec {
            replicas: Some(i32::try_from(s.replicas.get()).unwrap_or(i32::MAX)),
            service_name: Some(super::kept::headless_service_name(app, component)),
            pod_management_policy: Some(s.pod_management.as_str().into()),
            update_strategy: Some(update_strategy(s.update)),
            revision_history_limit: Some(5),
            selector: selector(selector_labels(app, &component.name)),
            template: pod_template(app, component, config_hash, None, mounts),
            volume_claim_templates: (!claims.is_empty()).then_some(claims),
            ..Default::default()
        }),
        ..Default::default()
    };
    let mut out = vec![statefulset.into()];
    if let Some(d) = s.effective_disruption() {
        out.push(super::workloads::pdb(app, component, &d));
    }
    out
}
