//! `secret-unused`, `service-account-unused`: objects nothing refers to.

use std::collections::BTreeSet;

use crate::set::{each, same_ns, Set, Sink};

use super::rbac_binding::bound;

/// What RBAC in the set names in `resourceNames`: `(namespace of a Role, or None for a
/// ClusterRole, resource, name)` for rules that allow one of `verbs` on `resource`. An app
/// that reads a Secret or mints a ServiceAccount token through the API at run time uses it,
/// though no pod mounts it.
fn named_in_rbac<'s>(
    set: &'s Set<'_>,
    resource: &str,
    verbs: &[&str],
) -> BTreeSet<(Option<&'s str>, String)> {
    let roles = each!(set, Role).filter_map(|(i, r)| {
        let ns = set.items[i].namespace;
        let name = r.metadata.name.as_deref()?;
        Some((ns, set.role_rules("Role", name, ns)?))
    });
    let cluster_roles = set.index.of_kind("ClusterRole").iter().filter_map(|&i| {
        Some((
            None,
            set.role_rules("ClusterRole", set.items[i].name, None)?,
        ))
    });
    let mut out = BTreeSet::new();
    for (ns, rules) in roles.chain(cluster_roles) {
        for (groups, resources, rule_verbs, names) in rules {
            if groups.iter().any(|g| g.is_empty() || g == "*")
                && resources.iter().any(|r| r == resource || r == "*")
                && rule_verbs
                    .iter()
                    .any(|v| v == "*" || verbs.contains(&v.as_str()))
            {
                out.extend(names.into_iter().map(|n| (ns, n)));
            }
        }
    }
    out
}

/// Whether `name` in `ns` is among [`named_in_rbac`]'s (a ClusterRole's name counts in
/// every namespace).
fn rbac_names(named: &BTreeSet<(Option<&str>, String)>, ns: Option<&str>, name: &str) -> bool {
    named.contains(&(None, name.to_owned()))
        || named
            .iter()
            .any(|(n, s)| n.is_some() && s == name && same_ns(*n, ns))
}

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
    let read_secrets = named_in_rbac(set, "secrets", &["get", "update", "patch", "watch", "list"]);
    let minted_tokens = named_in_rbac(set, "serviceaccounts/token", &["create"]);
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
            .any(|(n, s)| s == name && same_ns(*n, ns))
            || rbac_names(&read_secrets, ns, name);
        if !used {
            sink.add(
                i,
                "secret-unused",
                "metadata.name",
                format!("no pod, ServiceAccount, Ingress or RBAC rule (resourceNames) in the set references Secret `{name}`"),
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
                .any(|(n, a)| a == name && same_ns(Some(n), ns))
            || rbac_names(&minted_tokens, ns, name);
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
