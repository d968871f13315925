//! `rbac-role-missing`, `rbac-subject-missing`, `rbac-subject-namespace`: RoleBindings,
//! their roles and subjects.

use crate::object::Object;
use crate::set::each_named;
use crate::set::{builtin_cluster_role, builtin_role, each, same_ns, Set, Sink};

/// Whether a RoleBinding or ClusterRoleBinding in the set binds the ServiceAccount.
pub(in crate::rules) fn bound(set: &Set<'_>, sa: &str, ns: Option<&str>) -> bool {
    let candidates = set.subjects.get(sa).map_or(&[][..], Vec::as_slice);
    let typed = candidates.iter().any(|&i| {
        let Some(Object::RoleBinding(b)) = set.items[i].object else {
            return false;
        };
        b.subjects.iter().flatten().any(|s| {
            s.kind == "ServiceAccount"
                && s.name == sa
                && same_ns(s.namespace.as_deref().or(set.items[i].namespace), ns)
        })
    });
    typed
        || candidates
            .iter()
            .filter_map(|&i| set.items[i].doc)
            .filter(|d| d.kind == "ClusterRoleBinding")
            .any(|d| {
                d.value()
                    .get("subjects")
                    .and_then(|s| s.as_array())
                    .into_iter()
                    .flatten()
                    .any(|s| {
                        s.get("kind").and_then(|k| k.as_str()) == Some("ServiceAccount")
                            && s.get("name").and_then(|k| k.as_str()) == Some(sa)
                            && same_ns(s.get("namespace").and_then(|k| k.as_str()), ns)
                    })
            })
}

/// Whether a ClusterRole is in the set or built into every cluster.
fn cluster_role_known(set: &Set<'_>, name: &str) -> bool {
    builtin_cluster_role(name)
        || set
            .index
            .named("ClusterRole", None, name)
            .iter()
            .map(|&i| &set.items[i])
            .any(|i| i.kind == "ClusterRole" && i.name == name)
}

/// Checks a binding's roleRef to a ClusterRole: outside the set it is unresolved, since
/// the cluster scope belongs to no set.
fn cluster_role_ref(set: &Set<'_>, i: usize, name: &str, sink: &mut Sink) {
    if !name.is_empty() && !cluster_role_known(set, name) {
        sink.add(
            i,
            "reference-unresolved",
            "roleRef.name",
            format!("ClusterRole `{name}` is not in the set and is not built into Kubernetes; unless another set defines it, the binding grants nothing (unresolved, not an error: ClusterRoles are cluster-wide)"),
            "add the ClusterRole to the set, or check that it exists in the cluster",
        );
    }
}

/// Checks a ServiceAccount subject of a binding.
fn subject_account(
    set: &Set<'_>,
    i: usize,
    field: String,
    name: &str,
    ns: Option<&str>,
    sink: &mut Sink,
) {
    if name == "default"
        || name.is_empty()
        || crate::declared::external_service_account(&set.items[i], name)
    {
        return;
    }
    let exists = each_named!(set, ServiceAccount, ns, name).any(|(k, a)| {
        a.metadata.name.as_deref() == Some(name) && same_ns(set.items[k].namespace, ns)
    });
    if !exists {
        let (rule, why) = set.unresolved("rbac-subject-missing", "ServiceAccount", ns);
        sink.add(
            i,
            rule,
            field,
            format!(
                "ServiceAccount `{name}` is not in the set, so the binding grants nothing{why}"
            ),
            "add the ServiceAccount or fix the subject",
        );
    }
}

pub(super) fn rbac(set: &Set<'_>, sink: &mut Sink) {
    for (i, b) in each!(set, RoleBinding) {
        let ns = set.items[i].namespace;
        let name = b.role_ref.name.as_str();
        if b.role_ref.kind == "Role" && !name.is_empty() && !builtin_role(ns, name) {
            let exists = each_named!(set, Role, ns, name).any(|(j, r)| {
                r.metadata.name.as_deref() == Some(name) && same_ns(set.items[j].namespace, ns)
            });
            if !exists {
                let (rule, why) = set.unresolved("rbac-role-missing", "Role", ns);
                sink.add(
                    i,
                    rule,
                    "roleRef.name",
                    format!("Role `{name}` is not in the set, so the binding grants nothing{why}"),
                    "add the Role or fix roleRef",
                );
            }
        }
        if b.role_ref.kind == "ClusterRole" {
            cluster_role_ref(set, i, name, sink);
        }
        for (j, s) in b.subjects.iter().flatten().enumerate() {
            if s.kind != "ServiceAccount" {
                continue;
            }
            if s.namespace.as_deref().is_none_or(str::is_empty) {
                sink.add(i, "rbac-subject-namespace", format!("subjects[{j}].namespace"), format!("ServiceAccount subject `{}` has no namespace; it silently means the binding's namespace and is rejected in a ClusterRoleBinding", s.name), "set the subject's namespace explicitly");
            }
            let sns = s.namespace.as_deref().filter(|n| !n.is_empty()).or(ns);
            subject_account(set, i, format!("subjects[{j}].name"), &s.name, sns, sink);
        }
    }
    for (i, item) in set.items.iter().enumerate() {
        let Some(doc) = item
            .doc
            .filter(|d| d.kind == "ClusterRoleBinding" && d.object.is_none())
        else {
            continue;
        };
        let str_at = |v: &serde_json::Value, p: &str| {
            v.pointer(p).and_then(|v| v.as_str()).map(str::to_owned)
        };
        if str_at(doc.value(), "/roleRef/kind").as_deref() == Some("ClusterRole") {
            let name = str_at(doc.value(), "/roleRef/name").unwrap_or_default();
            cluster_role_ref(set, i, &name, sink);
        }
        let subjects = doc.value().get("subjects").and_then(|s| s.as_array());
        for (j, s) in subjects.into_iter().flatten().enumerate() {
            if str_at(s, "/kind").as_deref() != Some("ServiceAccount") {
                continue;
            }
            let name = str_at(s, "/name").unwrap_or_default();
            let sns = str_at(s, "/namespace");
            if let Some(sns) = sns.as_deref().filter(|n| !n.is_empty()) {
                subject_account(
                    set,
                    i,
                    format!("subjects[{j}].name"),
                    &name,
                    Some(sns),
                    sink,
                );
            }
        }
    }
}
