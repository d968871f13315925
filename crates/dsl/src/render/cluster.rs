//! Stateful clusters: StatefulSet, headless and client Services, disruption budget.

use k8s_openapi::api::apps::v1::{
    RollingUpdateStatefulSetStrategy, StatefulSet, StatefulSetSpec, StatefulSetUpdateStrategy,
};
use k8s_openapi::api::core::v1::{
    EnvVar as K8sEnvVar, EnvVarSource, ObjectFieldSelector, Service, ServiceSpec,
};
use k8s_openapi::api::policy::v1::{PodDisruptionBudget, PodDisruptionBudgetSpec};
use k8s_openapi::apimachinery::pkg::util::intstr::IntOrString;

use super::meta::{component_labels, object_meta, selector, selector_labels};
use super::pod::pod_template;
use crate::model::app::App;
use crate::model::cluster::StatefulCluster;
use crate::model::component::Component;
use crate::object::Object;

/// The headless Service name of a cluster component: `<app>-<component>-headless`, or
/// the kept one.
pub(crate) fn headless_name(app: &App, component: &Component) -> String {
    super::kept::headless_service_name(app, component)
}

/// The identity and peers environment variables of every member.
pub(crate) fn peer_env(
    app: &App,
    component: &Component,
    cluster: &StatefulCluster,
) -> Vec<K8sEnvVar> {
    let statefulset = super::kept::workload_name(app, component);
    vec![
        K8sEnvVar {
            name: cluster.peers.node_id_env.to_string(),
            value: None,
            value_from: Some(EnvVarSource {
                field_ref: Some(ObjectFieldSelector {
                    field_path: "metadata.name".into(),
                    ..Default::default()
                }),
                ..Default::default()
            }),
        },
        K8sEnvVar {
            name: cluster.peers.peers_env.to_string(),
            value: Some(cluster.peers_list(
                &statefulset,
                &headless_name(app, component),
                &app.namespace,
            )),
            value_from: None,
        },
    ]
}

use super::services::service_port as port;

/// The client Service (ClusterIP, client port only) and the headless peer-discovery
/// Service (peer port only, publishing members before they are ready: a Raft member is
/// ready only once the cluster has formed, which needs its peers' addresses first).
pub(crate) fn services(app: &App, component: &Component, cluster: &StatefulCluster) -> Vec<Object> {
    let labels = component_labels(app, component);
    let client = Service {
        metadata: object_meta(
            app,
            &super::kept::service_name(app, component),
            labels.clone(),
        ),
        spec: Some(ServiceSpec {
            type_: Some("ClusterIP".into()),
            selector: Some(selector_labels(app, &component.name)),
            ports: Some(
                std::iter::once(port(&cluster.port, cluster.service_port.get()))
                    .chain(cluster.extra_ports.iter().map(|p| port(p, p.number.get())))
                    .collect(),
            ),
            ..Default::default()
        }),
        ..Default::default()
    };
    let headless = Service {
        metadata: object_meta(app, &headless_name(app, component), labels),
        spec: Some(ServiceSpec {
            cluster_ip: Some("None".into()),
            publish_not_ready_addresses: Some(true),
            selector: Some(selector_labels(app, &component.name)),
            ports: Some(vec![port(
                &cluster.peer_port,
                cluster.peer_port.number.get(),
            )]),
            ..Default::default()
        }),
        ..Default::default()
    };
    vec![client.into(), headless.into()]
}

/// The StatefulSet and its PodDisruptionBudget.
pub(crate) fn statefulset(
    app: &App,
    component: &Component,
    cluster: &StatefulCluster,
    config_hash: Option<&str>,
) -> Vec<Object> {
    let name = app.object_name(&component.name);
    let labels = component_labels(app, component);
    let (claims, mounts) = super::stateful::claim_templates(app, component, &cluster.volumes);
    let members = i32::from(cluster.members.members());
    let statefulset = StatefulSet {
        metadata: object_meta(
            app,
            &super::kept::workload_name(app, component),
            labels.clone(),
        ),
        spec: Some(StatefulSetSpec {
            replicas: Some(members),
            service_name: Some(headless_name(app, component)),
            // Members must find each other before any of them is ready.
            pod_management_policy: Some("Parallel".into()),
            update_strategy: Some(StatefulSetUpdateStrategy {
                type_: Some("RollingUpdate".into()),
                rolling_update: Some(RollingUpdateStatefulSetStrategy {
                    partition: Some(0),
                    ..Default::default()
                }),
            }),
            revision_history_limit: Some(5),
            selector: selector(selector_labels(app, &component.name)),
            template: pod_template(app, component, config_hash, None, mounts),
            volume_claim_templates: (!claims.is_empty()).then_some(claims),
            ..Default::default()
        }),
        ..Default::default()
    };
    // One member down at a time: with 2f+1 members that always leaves a majority, and
    // leaves f-1 failures of headroom for involuntary disruptions during a drain.
    let pdb = PodDisruptionBudget {
        metadata: object_meta(app, &name, labels),
        spec: Some(PodDisruptionBudgetSpec {
            max_unavailable: Some(IntOrString::Int(1)),
            selector: Some(selector(selector_labels(app, &component.name))),
            // Stated, not defaulted: a member that is running but not ready may be
            // catching up on the log; evicting it while the budget is spent could cost
            // the quorum, so it is evicted only when the budget allows.
            unhealthy_pod_eviction_policy: Some("IfHealthyBudget".into()),
            ..Default::default()
        }),
        ..Default::default()
    };
    vec![statefulset.into(), pdb.into()]
}
