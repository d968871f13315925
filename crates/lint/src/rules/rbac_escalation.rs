//! RBAC grants that let a subject escalate beyond its role: bindings to `cluster-admin`,
//! wildcards, exec into pods, `bind`/`escalate`/`impersonate`, the kubelet API through
//! `nodes/proxy`, and minting ServiceAccount tokens. Warnings: controllers often need
//! some of these; each message says what the grant allows.

use crate::set::{each, raw_rules, RbacRule, Set, Sink};

pub(super) fn run(set: &Set<'_>, sink: &mut Sink) {
    for (i, r) in each!(set, Role) {
        let rules: Vec<RbacRule> = r
            .rules
            .iter()
            .flatten()
            .map(|r| {
                (
                    r.api_groups.clone().unwrap_or_default(),
                    r.resources.clone().unwrap_or_default(),
                    r.verbs.clone(),
                    r.resource_names.clone().unwrap_or_default(),
                )
            })
            .collect();
        role(i, &rules, sink);
    }
    for (i, item) in set.items.iter().enumerate() {
        let Some(doc) = item.doc.filter(|d| d.object.is_none()) else {
            continue;
        };
        match doc.kind.as_str() {
            "ClusterRole" => role(i, &raw_rules(doc.value()), sink),
            "ClusterRoleBinding" => {
                let name = doc
                    .value()
                    .pointer("/roleRef/name")
                    .and_then(|v| v.as_str());
                let kind = doc
                    .value()
                    .pointer("/roleRef/kind")
                    .and_then(|v| v.as_str());
                binding(i, kind, name, true, sink);
            }
            _ => {}
        }
    }
    for (i, b) in each!(set, RoleBinding) {
        binding(
            i,
            Some(&b.role_ref.kind),
            Some(&b.role_ref.name),
            false,
            sink,
        );
    }
}

fn binding(i: usize, kind: Option<&str>, name: Option<&str>, cluster: bool, sink: &mut Sink) {
    if kind == Some("ClusterRole") && name == Some("cluster-admin") {
        let scope = if cluster {
            "every resource in every namespace and the cluster itself"
        } else {
            "every resource in the binding's namespace, including its RBAC and Secrets"
        };
        sink.add(i, "rbac-cluster-admin-binding", "roleRef.name", format!("binds cluster-admin: its subjects control {scope}, so a compromised pod or leaked token owns it all"), "bind a role that grants only the verbs and resources the subjects need");
    }
}

fn has(list: &[String], wanted: &[&str]) -> bool {
    list.iter().any(|x| wanted.contains(&x.as_str()))
}

fn role(i: usize, rules: &[RbacRule], sink: &mut Sink) {
    for (j, (groups, resources, verbs, _names)) in rules.iter().enumerate() {
        let f = format!("rules[{j}]");
        let star: Vec<&str> = [
            ("verbs", verbs),
            ("resources", resources),
            ("apiGroups", groups),
        ]
        .into_iter()
        .filter(|(_, l)| l.iter().any(|x| x == "*"))
        .map(|(n, _)| n)
        .collect();
        if !star.is_empty() {
            sink.add(i, "rbac-wildcard", format!("{f}.{}", star[0]), format!("rule {j} uses `*` in {}: it grants whatever exists now and every verb, resource or API group added later (custom resources included)", star.join(", ")), "list the verbs, resources and API groups needed");
        }
        for (k, g) in groups.iter().enumerate() {
            if g.contains('/') {
                sink.add(i, "rbac-api-group-invalid", format!("{f}.apiGroups[{k}]"), format!("rule {j} names the API group `{g}`, which includes a version: API groups have no `/`, so the rule matches no request and silently grants nothing"), format!("write the group without its version: `{}`", g.split('/').next().unwrap_or_default()));
            }
        }
        let core = groups.iter().any(|g| g.is_empty() || g == "*");
        let creates = has(verbs, &["create", "*"]);
        if core && creates && has(resources, &["pods/exec", "pods/attach", "pods/*"]) {
            sink.add(i, "rbac-pod-exec", format!("{f}.resources"), format!("rule {j} grants create on pods/exec or pods/attach: its subjects can run commands in any pod they can name, with that pod's ServiceAccount, Secrets and volumes"), "remove exec/attach, or limit it with resourceNames to the pods it must reach");
        }
        let escalate: Vec<&str> = verbs
            .iter()
            .map(String::as_str)
            .filter(|v| matches!(*v, "bind" | "escalate" | "impersonate"))
            .collect();
        if !escalate.is_empty() {
            sink.add(i, "rbac-escalate-verbs", format!("{f}.verbs"), format!("rule {j} grants {}: its subjects can grant themselves permissions they do not have (bind, escalate) or act as another user, group or ServiceAccount (impersonate)", escalate.join(", ")), "remove the verb, or limit it with resourceNames");
        }
        if core && has(resources, &["nodes/proxy", "nodes/*"]) && !verbs.is_empty() {
            sink.add(i, "rbac-nodes-proxy", format!("{f}.resources"), format!("rule {j} grants access to nodes/proxy: the kubelet API, which can run commands in every pod on a node and bypasses audit and admission"), "read node metrics through nodes/metrics or the metrics API instead");
        }
        if core && creates && has(resources, &["serviceaccounts/token", "serviceaccounts/*"]) {
            sink.add(i, "rbac-token-create", format!("{f}.resources"), format!("rule {j} grants create on serviceaccounts/token: its subjects can mint tokens for any ServiceAccount it covers and act with its permissions"), "limit it with resourceNames to the ServiceAccounts needed");
        }
    }
}
