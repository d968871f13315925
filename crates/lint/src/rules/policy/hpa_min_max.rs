//! `hpa-min-max`.

use crate::set::{each, Set, Sink};

pub(super) fn autoscaling(set: &Set<'_>, sink: &mut Sink) {
    for (i, h) in each!(set, HorizontalPodAutoscaler) {
        let Some(spec) = &h.spec else { continue };
        let min = spec.min_replicas.unwrap_or(1);
        if min < 1 || spec.max_replicas < 1 || min > spec.max_replicas {
            sink.add(
                i,
                "hpa-min-max",
                "spec.minReplicas",
                format!(
                    "minReplicas {min} and maxReplicas {} are not a valid range",
                    spec.max_replicas
                ),
                "use 1 <= minReplicas <= maxReplicas",
            );
        }
    }
}
