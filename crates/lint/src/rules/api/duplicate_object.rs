//! `duplicate-object`: two objects with the same kind, namespace and name.

use std::collections::BTreeSet;

use crate::set::{Set, Sink};

use super::scope::is_cluster_scoped;

pub(super) fn duplicate_objects(set: &Set<'_>, sink: &mut Sink) {
    let mut seen = BTreeSet::new();
    for (i, item) in set.items.iter().enumerate() {
        if item.name.is_empty() || (item.namespace.is_none() && !is_cluster_scoped(item.kind)) {
            continue;
        }
        if !seen.insert((item.kind, item.namespace, item.name)) {
            sink.add(
                i,
                "duplicate-object",
                "metadata.name",
                format!(
                    "another {} named `{}` is already in the set{}",
                    item.kind,
                    item.name,
                    item.namespace
                        .map(|n| format!(" (namespace {n})"))
                        .unwrap_or_default()
                ),
                "rename one of them or remove the duplicate",
            );
        }
    }
}
