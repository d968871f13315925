//! `hpa-target-missing`, `hpa-missing-requests`: HorizontalPodAutoscalers and their targets.

use crate::set::{each, same_ns, Set, Sink, WORKLOAD_KINDS};

pub(super) fn autoscalers(set: &Set<'_>, sink: &mut Sink) {
    for (i, h) in each!(set, HorizontalPodAutoscaler) {
        let Some(spec) = &h.spec else { continue };
        let r = &spec.scale_target_ref;
        if r.name.is_empty() || !WORKLOAD_KINDS.contains(&r.kind.as_str()) {
            continue;
        }
        let target = set.workloads_in(set.items[i].namespace).find(|w| {
            w.kind == r.kind && w.name == r.name && same_ns(w.ns, set.items[i].namespace)
        });
        let Some(w) = target else {
            let (rule, why) = set.unresolved("hpa-target-missing", &r.kind, set.items[i].namespace);
            sink.add(
                i,
                rule,
                "spec.scaleTargetRef",
                format!(
                    "{} `{}` is not in the set, so the autoscaler does nothing (FailedGetScale){why}",
                    r.kind, r.name
                ),
                "point scaleTargetRef at an existing workload",
            );
            continue;
        };
        for (m, metric) in spec.metrics.iter().flatten().enumerate() {
            let (resource, target, container) = match (&metric.resource, &metric.container_resource)
            {
                (Some(r), _) => (r.name.as_str(), &r.target, None),
                (_, Some(c)) => (c.name.as_str(), &c.target, Some(c.container.as_str())),
                _ => continue,
            };
            if target.type_ != "Utilization" {
                continue;
            }
            for (f, c) in w.containers().filter(|(f, _)| f.contains(".containers[")) {
                if container.is_some_and(|n| n != c.name) {
                    continue;
                }
                let has = c
                    .resources
                    .as_ref()
                    .and_then(|r| r.requests.as_ref())
                    .is_some_and(|r| r.contains_key(resource));
                if !has {
                    sink.add(i, "hpa-missing-requests", format!("spec.metrics[{m}]"), format!("{resource} utilization is a percentage of the request, but container `{}` of {} `{}` ({f}) requests no {resource}", c.name, w.kind, w.name), format!("set resources.requests.{resource} on every container"));
                }
            }
        }
    }
}
