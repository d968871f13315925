//! `secret-unused`, `service-account-unused`: objects nothing refers to.

use std::collections::BTreeSet;

use crate::set::{each, same_ns, Set, Sink};

use super::rbac_binding::bound;

pub(super) fn unused(set: &Set<'_>, sink: &mut Sink) {
    if !set.ctx.complete && set.workloads.is_empty() {
        return;
    }
    let mut secrets: BTreeSet<(Option<&str>, String)> = BTreeSet::new();
    for w in &set.workloads {
        let mut add = |n: &str| {
            secrets.insert((w.ns, n.to_owned()));
        };
        for (_, c) in w.containers() {
            for e in c.env.iter().flatten() {
                if let Some(s) = e
                    .value_from
                    .as_ref()
                    .and_then(|f| f.secret_key_ref.as_ref())
                {
                    add(&s.name);
                }
            }
            for e in c.env_from.iter().flatten() {
                if let Some(s) = &e.secret_ref {
                    add(&s.name);
                }
            }
        }
        for v in w.spec.volumes.iter().flatten() {
            if let Some(s) = v.secret.as_ref().and_then(|s| s.secret_name.as_deref()) {
                add(s);
            }
            for src in v.projected.iter().flat_map(|p| p.sources.iter().flatten()) {
                if let Some(s) = &src.secret {
                    add(&s.name);
                }
            }
        }
        for s in w.spec.image_pull_secrets.iter().flatten() {
            add(&s.name);
        }
    }
    let mut other_refs: Vec<(Option<&str>, String)> = Vec::new();
    for (i, a) in each!(set, ServiceAccount) {
        for s in a
            .secrets
            .iter()
            .flatten()
            .filter_map(|s| s.name.clone())
            .chain(
                a.image_pull_secrets
                    .iter()
                    .flatten()
                    .map(|s| s.name.clone()),
            )
        {
            other_refs.push((set.items[i].namespace, s));
        }
    }
    for (i, ing) in each!(set, Ingress) {
        for t in ing.spec.iter().flat_map(|s| s.tls.iter().flatten()) {
            if let Some(s) = &t.secret_name {
                other_refs.push((set.items[i].namespace, s.clone()));
            }
        }
    }
    for (i, s) in each!(set, Secret) {
        let name = s.metadata.name.as_deref().unwrap_or_default();
        let ns = set.items[i].namespace;
        if s.type_
            .as_deref()
            .is_some_and(|t| t == "kubernetes.io/service-account-token")
        {
            continue;
        }
        let used = secrets
            .iter()
            .chain(other_refs.iter())
            .any(|(n, s)| s == name && same_ns(*n, ns));
        if !used {
            sink.add(
                i,
                "secret-unused",
                "metadata.name",
                format!("no pod, ServiceAccount or Ingress in the set references Secret `{name}`"),
                "reference it where it is needed, or remove it",
            );
        }
    }
    for (i, a) in each!(set, ServiceAccount) {
        let name = a.metadata.name.as_deref().unwrap_or_default();
        let ns = set.items[i].namespace;
        if name == "default" {
            continue;
        }
        let used = set
            .workloads_in(ns)
            .any(|w| w.service_account() == name && same_ns(w.ns, ns))
            || set
                .ctx
                .runtime_service_accounts
                .iter()
                .any(|(n, a)| a == name && same_ns(Some(n), ns));
        if !used {
            let rbac = if bound(set, name, ns) {
                "; its RBAC bindings are dead configuration"
            } else {
                ""
            };
            sink.add(i, "service-account-unused", "metadata.name", format!("no pod template in the set runs as ServiceAccount `{name}`{rbac}"), "set serviceAccountName on the workload that needs it, or remove the ServiceAccount");
        }
    }
}
