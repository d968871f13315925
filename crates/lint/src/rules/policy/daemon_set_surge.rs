//! `daemonset-surge-host-port`: a DaemonSet that surges while its pods hold a host port.

use k8s_openapi::apimachinery::pkg::util::intstr::IntOrString;
use serde_json::Value;

use crate::object::Object;
use crate::set::{Set, Sink, Workload};

/// A DaemonSet with `maxSurge` above 0 starts the new pod on a node before the old one
/// stops; a pod that binds a host port (or uses the host network, binding its ports on
/// the node) can never schedule next to the old pod holding that port, so the rollout
/// stalls on the first node.
pub(super) fn daemon_set_surge(set: &Set<'_>, w: &Workload<'_>, sink: &mut Sink) {
    if w.kind != "DaemonSet" {
        return;
    }
    let Some(surge) = max_surge(set, w.idx).filter(surges) else {
        return;
    };
    let surge = match surge {
        IntOrString::Int(n) => n.to_string(),
        IntOrString::String(s) => s,
    };
    let (field, holds) = if w.spec.host_network == Some(true) {
        (
            format!("{}.hostNetwork", w.prefix),
            "uses the host network".to_owned(),
        )
    } else {
        let containers = w
            .spec
            .containers
            .iter()
            .enumerate()
            .map(|(i, c)| ("containers", i, c));
        // Sidecars (restartable init containers) keep their ports for the pod's life.
        let sidecars = w
            .spec
            .init_containers
            .iter()
            .flatten()
            .enumerate()
            .filter(|(_, c)| c.restart_policy.as_deref() == Some("Always"))
            .map(|(i, c)| ("initContainers", i, c));
        let Some((field, holds)) = containers.chain(sidecars).find_map(|(list, i, c)| {
            let ports = c.ports.as_deref().unwrap_or_default();
            ports.iter().enumerate().find_map(|(j, p)| {
                p.host_port.filter(|h| *h > 0).map(|h| {
                    (
                        format!("{}.{list}[{i}].ports[{j}].hostPort", w.prefix),
                        format!("container `{}` binds host port {h}", c.name),
                    )
                })
            })
        }) else {
            return;
        };
        (field, holds)
    };
    sink.add(
        w.idx,
        "daemonset-surge-host-port",
        field,
        format!(
            "DaemonSet `{}` rolls out with maxSurge {surge} but its pod {holds}: the new pod cannot schedule while the old pod holds the port on the node, so the rollout stalls",
            w.name
        ),
        "set updateStrategy.rollingUpdate.maxSurge to 0 and use maxUnavailable (e.g. 1) to replace the pods one at a time",
    );
}

/// `spec.updateStrategy.rollingUpdate.maxSurge` as written, typed or raw.
fn max_surge(set: &Set<'_>, idx: usize) -> Option<IntOrString> {
    let item = &set.items[idx];
    if let Some(Object::DaemonSet(d)) = item.object {
        return d
            .spec
            .as_ref()?
            .update_strategy
            .as_ref()?
            .rolling_update
            .as_ref()?
            .max_surge
            .clone();
    }
    match item
        .doc?
        .value()
        .pointer("/spec/updateStrategy/rollingUpdate/maxSurge")?
    {
        Value::Number(n) => n
            .as_i64()
            .and_then(|n| i32::try_from(n).ok())
            .map(IntOrString::Int),
        Value::String(s) => Some(IntOrString::String(s.clone())),
        _ => None,
    }
}

/// Whether a maxSurge lets a node run two pods at once: a positive integer, or a
/// positive percentage (rounded up, so any positive percentage is at least one pod).
/// Malformed values are `rollout-invalid`'s to report.
fn surges(v: &IntOrString) -> bool {
    match v {
        IntOrString::Int(n) => *n > 0,
        IntOrString::String(s) => s
            .strip_suffix('%')
            .and_then(|n| n.parse::<u32>().ok())
            .is_some_and(|n| n > 0),
    }
}
