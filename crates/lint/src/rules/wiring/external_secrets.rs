//! `reference-unresolved` for ExternalSecrets and their stores.

use crate::set::{same_ns, Set, Sink};

pub(super) fn external_secrets(set: &Set<'_>, sink: &mut Sink) {
    for (i, item) in set.items.iter().enumerate() {
        let Some(doc) = item.doc else { continue };
        if doc.kind != "ExternalSecret" {
            continue;
        }
        let Some(store) = doc
            .value()
            .pointer("/spec/secretStoreRef/name")
            .and_then(|v| v.as_str())
        else {
            continue;
        };
        let kind = doc
            .value()
            .pointer("/spec/secretStoreRef/kind")
            .and_then(|v| v.as_str())
            .unwrap_or("SecretStore");
        let scope = if kind == "ClusterSecretStore" {
            None
        } else {
            item.namespace
        };
        let exists = set.index.named(kind, scope, store).iter().any(|&o| {
            let o = &set.items[o];
            o.kind == kind
                && o.name == store
                && (kind == "ClusterSecretStore" || same_ns(o.namespace, item.namespace))
        });
        if !exists {
            sink.add(i, "reference-unresolved", "spec.secretStoreRef", format!("{kind} `{store}` is not in the set; the Secret is only created if it exists in the cluster"), format!("add the {kind} to the set, or check that it exists in the cluster"));
        }
    }
}
