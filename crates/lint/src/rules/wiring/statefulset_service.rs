//! `statefulset-service`: a StatefulSet's governing Service.

use crate::object::Object;
use crate::set::{Set, Sink};

use super::ingress_backend::service_named;

pub(super) fn stateful_sets(set: &Set<'_>, sink: &mut Sink) {
    for w in set.workloads.iter().filter(|w| w.kind == "StatefulSet") {
        let Some(Object::StatefulSet(s)) = set.items[w.idx].object else {
            continue;
        };
        let name = s
            .spec
            .as_ref()
            .and_then(|s| s.service_name.as_deref())
            .unwrap_or_default();
        if name.is_empty() {
            sink.add(w.idx, "statefulset-service", "spec.serviceName", "the StatefulSet names no governing Service, so its pods get no stable DNS names", "create a headless Service (clusterIP: None) selecting the pods and set spec.serviceName to it");
            continue;
        }
        match service_named(set, name, w.ns) {
            None => {
                let (rule, why) = set.unresolved("statefulset-service", "Service", w.ns);
                sink.add(
                    w.idx,
                    rule,
                    "spec.serviceName",
                    format!("Service `{name}` is not in the set, so the members get no stable DNS names{why}"),
                    "create the headless Service or fix spec.serviceName",
                );
            }
            Some((_, svc)) => {
                let spec = svc.spec.as_ref();
                if spec.and_then(|s| s.cluster_ip.as_deref()) != Some("None") {
                    sink.add(w.idx, "statefulset-service", "spec.serviceName", format!("Service `{name}` is not headless, so members get no per-pod DNS records"), "point serviceName at a Service with clusterIP: None");
                } else if !spec
                    .and_then(|s| s.selector.as_ref())
                    .is_some_and(|sel| !sel.is_empty() && w.matches_map(sel))
                {
                    sink.add(
                        w.idx,
                        "statefulset-service",
                        "spec.serviceName",
                        format!("headless Service `{name}` does not select the StatefulSet's pods"),
                        "make its selector match the pod template labels",
                    );
                }
            }
        }
    }
}
