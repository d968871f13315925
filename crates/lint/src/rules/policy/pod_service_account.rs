//! `pod-default-service-account`, `pod-token-automount`.

use crate::rules::wiring::bound;
use crate::set::each_named;
use crate::set::{same_ns, Set, Sink, Workload};

pub(super) fn service_accounts_of_pods(set: &Set<'_>, w: &Workload<'_>, sink: &mut Sink) {
    let name = w.service_account();
    let p = w.prefix;
    if name == "default" {
        sink.add(w.idx, "pod-default-service-account", format!("{p}.serviceAccountName"), format!("the pods of {} `{}` run as the namespace's default ServiceAccount, shared with everything else in it", w.kind, w.name), "give the workload its own ServiceAccount");
    }
    let sa = each_named!(set, ServiceAccount, w.ns, name).find(|(i, a)| {
        a.metadata.name.as_deref() == Some(name) && same_ns(set.items[*i].namespace, w.ns)
    });
    let mounts = w
        .spec
        .automount_service_account_token
        .or(sa.and_then(|(_, a)| a.automount_service_account_token))
        .unwrap_or(true);
    if mounts && !bound(set, name, w.ns) {
        sink.add(w.idx, "pod-token-automount", format!("{p}.automountServiceAccountToken"), format!("the pods mount an API token for ServiceAccount `{name}`, which has no RBAC binding in the set, so the token is never needed"), "set automountServiceAccountToken: false on the pod spec (and the ServiceAccount)");
    }
}
