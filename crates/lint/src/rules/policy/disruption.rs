//! `pdb-missing`, `pdb-blocks-eviction`.

use k8s_openapi::apimachinery::pkg::util::intstr::IntOrString;

use crate::set::each_in_ns;
use crate::set::{each, same_ns, selector_matches, Set, Sink};

fn percent(s: &str) -> Option<i32> {
    s.strip_suffix('%').and_then(|n| n.parse().ok())
}

pub(super) fn disruption(set: &Set<'_>, sink: &mut Sink) {
    for (i, p) in each!(set, PodDisruptionBudget) {
        let Some(spec) = &p.spec else { continue };
        let Some(sel) = &spec.selector else { continue };
        let selected = set.selected_by(sel, set.items[i].namespace);
        let serving: Vec<_> = selected.iter().filter(|w| w.serving).collect();
        if serving.is_empty() {
            continue;
        }
        let fewest = serving.iter().map(|w| w.min).min().unwrap_or(1);
        let blocks = match (&spec.min_available, &spec.max_unavailable) {
            (Some(IntOrString::Int(n)), _) => (*n >= fewest).then(|| format!("minAvailable {n} is at least the {fewest} replica(s) the workload can run with")),
            (Some(IntOrString::String(s)), _) => (percent(s) == Some(100)).then(|| "minAvailable is 100%".to_owned()),
            (None, Some(IntOrString::Int(0))) => Some("maxUnavailable is 0".to_owned()),
            (None, Some(IntOrString::String(s))) => (percent(s) == Some(0)).then(|| "maxUnavailable is 0%".to_owned()),
            _ => None,
        };
        if let Some(why) = blocks {
            sink.add(i, "pdb-blocks-eviction", if spec.min_available.is_some() { "spec.minAvailable" } else { "spec.maxUnavailable" }, format!("{why}, so no pod can ever be evicted and node drains hang"), "allow at least one disruption: minAvailable below the minimum replicas, or maxUnavailable: 1");
        }
    }
    for w in set
        .workloads
        .iter()
        .filter(|w| matches!(w.kind, "Deployment" | "StatefulSet") && w.max > 1)
    {
        let covered = each_in_ns!(set, PodDisruptionBudget, w.ns).any(|(i, p)| {
            same_ns(set.items[i].namespace, w.ns)
                && p.spec
                    .as_ref()
                    .and_then(|s| s.selector.as_ref())
                    .is_some_and(|s| selector_matches(s, &w.labels))
        });
        if !covered {
            sink.add(w.idx, "pdb-missing", "spec.template.metadata.labels", format!("no PodDisruptionBudget covers the {} replicas of {} `{}`, so a node drain may evict them all at once", w.max, w.kind, w.name), "add a PodDisruptionBudget, e.g. maxUnavailable: 1");
        }
    }
}
