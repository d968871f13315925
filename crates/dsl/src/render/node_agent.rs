//! Node agents: a DaemonSet with the hardened pod template plus its declared host access.

use k8s_openapi::api::apps::v1::{
    DaemonSet, DaemonSetSpec, DaemonSetUpdateStrategy, RollingUpdateDaemonSet,
};
use k8s_openapi::apimachinery::pkg::util::intstr::IntOrString;

use super::meta::{component_labels, object_meta, selector, selector_labels, with_annotations};
use super::pod::pod_template;
use crate::model::app::App;
use crate::model::component::Component;
use crate::model::node_agent::{DaemonUpdate, NodeAgent};
use crate::object::Object;

fn int(n: u32) -> IntOrString {
    IntOrString::Int(i32::try_from(n).unwrap_or(i32::MAX))
}

fn update_strategy(update: DaemonUpdate) -> DaemonSetUpdateStrategy {
    match update {
        DaemonUpdate::Rolling { max_unavailable } => DaemonSetUpdateStrategy {
            type_: Some("RollingUpdate".into()),
            rolling_update: Some(RollingUpdateDaemonSet {
                max_unavailable: Some(int(max_unavailable.get())),
                max_surge: Some(IntOrString::Int(0)),
            }),
        },
        DaemonUpdate::Surge { max_surge } => DaemonSetUpdateStrategy {
            type_: Some("RollingUpdate".into()),
            rolling_update: Some(RollingUpdateDaemonSet {
                max_unavailable: Some(IntOrString::Int(0)),
                max_surge: Some(int(max_surge.get())),
            }),
        },
        DaemonUpdate::OnDelete => DaemonSetUpdateStrategy {
            type_: Some("OnDelete".into()),
            rolling_update: None,
        },
    }
}

/// The DaemonSet of a node agent, with `kairn.dev/no-probes` when it has none (no PodDisruptionBudget: a DaemonSet's pods are not
/// evicted by a drain, and no autoscaler: it runs one pod per node).
pub(crate) fn daemon_set(
    app: &App,
    component: &Component,
    agent: &NodeAgent,
    config_hash: Option<&str>,
) -> Object {
    let name = super::kept::workload_name(app, component);
    let labels = component_labels(app, component);
    let mut template = pod_template(app, component, config_hash, None, Vec::new());
    super::host_access::apply(&mut template, &agent.host_access);
    let mut annotations = super::host_access::annotations(&agent.host_access);
    annotations.extend(super::workloads::no_probes_annotation(component));
    DaemonSet {
        metadata: with_annotations(object_meta(app, &name, labels), annotations),
        spec: Some(DaemonSetSpec {
            revision_history_limit: Some(5),
            selector: selector(selector_labels(app, &component.name)),
            template,
            update_strategy: Some(update_strategy(agent.update)),
            ..Default::default()
        }),
        ..Default::default()
    }
    .into()
}
