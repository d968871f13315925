//! `namespace-missing`: namespaced objects without a namespace.

use std::collections::BTreeSet;

use crate::set::{Set, Sink};

use super::scope::{is_cluster_scoped, KNOWN_NAMESPACED};

pub(super) fn namespace_missing(set: &Set<'_>, sink: &mut Sink) {
    if !set.namespaces_stated() {
        return;
    }
    let stated: BTreeSet<&str> = set.items.iter().filter_map(|i| i.namespace).collect();
    for (i, item) in set.items.iter().enumerate() {
        let namespaced = item.object.is_some() || KNOWN_NAMESPACED.contains(&item.kind);
        if item.namespace.is_none() && namespaced && !is_cluster_scoped(item.kind) {
            sink.add(
                i,
                "namespace-missing",
                "metadata.namespace",
                format!("the {} has no namespace, so it lands in whatever namespace the current context uses; the rest of the set uses {}", item.kind, stated.iter().map(|n| format!("`{n}`")).collect::<Vec<_>>().join(", ")),
                "set metadata.namespace",
            );
        }
    }
}
