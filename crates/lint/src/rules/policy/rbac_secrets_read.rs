//! `rbac-secrets-read`.

use crate::set::{each, raw_rules, RbacRule, Set, Sink};

pub(super) fn roles(set: &Set<'_>, sink: &mut Sink) {
    let check = |i: usize, field: String, rule: &RbacRule, cluster: bool, sink: &mut Sink| {
        let (groups, resources, verbs, names) = rule;
        let core = groups.iter().any(|g| g.is_empty() || g == "*");
        let secrets = resources.iter().any(|r| r == "secrets" || r == "*");
        let bad: Vec<&str> = verbs
            .iter()
            .map(String::as_str)
            .filter(|v| matches!(*v, "list" | "watch" | "*"))
            .collect();
        // resourceNames limits the rule to the Secrets it names.
        if core && secrets && !bad.is_empty() && names.is_empty() {
            let scope = if cluster {
                "every Secret in every namespace it is bound for (all of them through a ClusterRoleBinding)"
            } else {
                "every Secret in the namespace"
            };
            sink.add(i, "rbac-secrets-read", field, format!("grants {} on Secrets: whoever runs as a subject of its bindings can read the contents of {scope}, so a compromised pod leaks them all (often needed by controllers, e.g. an ingress controller reading TLS Secrets)", bad.join(", ")), "grant only get with resourceNames for the Secrets needed, or accept the risk with a waiver that says why the controller needs it");
        }
    };
    for (i, r) in each!(set, Role) {
        let name = r.metadata.name.as_deref().unwrap_or_default();
        for (j, rule) in set
            .role_rules("Role", name, set.items[i].namespace)
            .unwrap_or_default()
            .iter()
            .enumerate()
        {
            check(i, format!("rules[{j}]"), rule, false, sink);
        }
    }
    for (i, item) in set.items.iter().enumerate() {
        let Some(doc) = item
            .doc
            .filter(|d| d.kind == "ClusterRole" && d.object.is_none())
        else {
            continue;
        };
        for (j, rule) in raw_rules(doc.value()).iter().enumerate() {
            check(i, format!("rules[{j}]"), rule, true, sink);
        }
    }
}
