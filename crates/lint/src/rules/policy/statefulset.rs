//! `statefulset-ordered-ready`, `statefulset-no-spread`, `statefulset-headless-not-ready`.

use crate::object::Object;
use crate::set::each_named;
use crate::set::{same_ns, Set, Sink, Workload};

pub(super) fn stateful_set(set: &Set<'_>, w: &Workload<'_>, sink: &mut Sink) {
    let Some(Object::StatefulSet(s)) = set.items[w.idx].object else {
        return;
    };
    let Some(spec) = &s.spec else { return };
    if w.max <= 1 {
        return;
    }
    let ready = w
        .spec
        .containers
        .iter()
        .any(|c| c.readiness_probe.is_some());
    if ready
        && spec
            .pod_management_policy
            .as_deref()
            .unwrap_or("OrderedReady")
            == "OrderedReady"
    {
        sink.add(w.idx, "statefulset-ordered-ready", "spec.podManagementPolicy", "pods start one at a time and each waits for the previous one to be Ready; if readiness needs a quorum, member 0 never becomes Ready and the rest are never created", "set podManagementPolicy: Parallel for quorum-based clusters");
    }
    let affinity = w
        .spec
        .affinity
        .as_ref()
        .and_then(|a| a.pod_anti_affinity.as_ref())
        .is_some_and(|a| {
            a.required_during_scheduling_ignored_during_execution
                .as_ref()
                .is_some_and(|v| !v.is_empty())
                || a.preferred_during_scheduling_ignored_during_execution
                    .as_ref()
                    .is_some_and(|v| !v.is_empty())
        });
    let spread = w
        .spec
        .topology_spread_constraints
        .as_ref()
        .is_some_and(|v| !v.is_empty());
    if !affinity && !spread {
        sink.add(w.idx, "statefulset-no-spread", format!("{}.affinity", w.prefix), format!("nothing keeps the {} members apart, so they can all land on one node and one node failure loses the whole cluster", w.max), "add a podAntiAffinity on kubernetes.io/hostname or a topologySpreadConstraint");
    }
    // Without a readiness probe a pod is Ready as soon as its containers run (the probe's
    // default state is Success), so its DNS records appear before the cluster forms.
    if !ready {
        return;
    }
    let svc_name = spec.service_name.as_deref().unwrap_or_default();
    if let Some((si, svc)) = each_named!(set, Service, w.ns, svc_name).find(|(i, sv)| {
        sv.metadata.name.as_deref() == Some(svc_name) && same_ns(set.items[*i].namespace, w.ns)
    }) {
        let s = svc.spec.as_ref();
        if s.and_then(|s| s.cluster_ip.as_deref()) == Some("None")
            && s.and_then(|s| s.publish_not_ready_addresses) != Some(true)
        {
            sink.add(si, "statefulset-headless-not-ready", "spec.publishNotReadyAddresses", format!("members of StatefulSet `{}` resolve each other through this Service only once Ready, but they usually become Ready only after the cluster has formed", w.name), "set publishNotReadyAddresses: true on the peer-discovery Service");
        }
    }
}
