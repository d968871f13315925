//! RBAC grants as plain rules, read from typed or raw Roles.

/// One RBAC rule as `(apiGroups, resources, verbs, resourceNames)`.
pub(crate) type RbacRule = (Vec<String>, Vec<String>, Vec<String>, Vec<String>);

/// What a binding in the set grants, for deciding whether something may create objects.
pub(crate) struct Grant {
    /// The namespace it applies to; `None` for every namespace (a ClusterRoleBinding).
    pub(crate) ns: Option<String>,
    /// The role is not in the set (and not known read-only): it may grant anything.
    pub(crate) unknown: bool,
    pub(crate) rules: Vec<RbacRule>,
}

pub(crate) fn strings(v: Option<&serde_json::Value>) -> Vec<String> {
    v.and_then(|v| v.as_array())
        .into_iter()
        .flatten()
        .filter_map(|s| s.as_str().map(str::to_owned))
        .collect()
}

/// The rules of a raw Role or ClusterRole document.
pub(crate) fn raw_rules(value: &serde_json::Value) -> Vec<RbacRule> {
    value
        .get("rules")
        .and_then(|r| r.as_array())
        .into_iter()
        .flatten()
        .map(|r| {
            (
                strings(r.get("apiGroups")),
                strings(r.get("resources")),
                strings(r.get("verbs")),
                strings(r.get("resourceNames")),
            )
        })
        .collect()
}
