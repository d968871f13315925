//! PersistentVolumeClaim fields the API server checks: access modes, storage requests.

use crate::set::{each, quantity, Set, Sink};

pub(super) fn claims(set: &Set<'_>, sink: &mut Sink) {
    for (i, pvc) in each!(set, PersistentVolumeClaim) {
        let Some(spec) = &pvc.spec else {
            sink.add(
                i,
                "required-field",
                "spec",
                "the claim has no spec",
                "set accessModes and resources.requests.storage",
            );
            continue;
        };
        let modes = spec.access_modes.as_deref().unwrap_or_default();
        if modes.is_empty() {
            sink.add(
                i,
                "required-field",
                "spec.accessModes",
                "the claim has no access mode",
                "set accessModes, e.g. [ReadWriteOnce]",
            );
        }
        for (j, m) in modes.iter().enumerate() {
            if !matches!(
                m.as_str(),
                "ReadWriteOnce" | "ReadOnlyMany" | "ReadWriteMany" | "ReadWriteOncePod"
            ) {
                sink.add(
                    i,
                    "invalid-value",
                    format!("spec.accessModes[{j}]"),
                    format!("unknown access mode `{m}`"),
                    "use ReadWriteOnce, ReadOnlyMany, ReadWriteMany or ReadWriteOncePod",
                );
            }
        }
        match spec
            .resources
            .as_ref()
            .and_then(|r| r.requests.as_ref())
            .and_then(|r| r.get("storage"))
        {
            None => sink.add(
                i,
                "required-field",
                "spec.resources.requests.storage",
                "the claim requests no storage size",
                "set resources.requests.storage, e.g. 10Gi",
            ),
            Some(q) if quantity(&q.0).is_none_or(|v| v <= 0.0) => sink.add(
                i,
                "quantity-format",
                "spec.resources.requests.storage",
                format!("`{}` is not a positive quantity", q.0),
                "write e.g. \"10Gi\"",
            ),
            Some(_) => {}
        }
    }
}
