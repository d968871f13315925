//! Which requests a policy and a binding select: resource rules (the linted object is a
//! CREATE of its resource), namespace and object selectors, as the API server matches.

use std::collections::BTreeMap;

use k8s_openapi::api::admissionregistration::v1::{MatchResources, NamedRuleWithOperations};
use k8s_openapi::apimachinery::pkg::apis::meta::v1::LabelSelector;

/// The request the API server would see for creating one object.
pub(crate) struct Request {
    pub group: String,
    pub version: String,
    pub kind: String,
    pub resource: String,
    pub name: String,
    /// `None` for a cluster-scoped object.
    pub namespace: Option<String>,
    pub labels: BTreeMap<String, String>,
    /// Labels of the object's namespace (of the Namespace itself when it is one).
    pub namespace_labels: Option<BTreeMap<String, String>>,
}

/// `(kind, group, resource, cluster-scoped)` for the kinds whose resource name is not
/// the lower-cased plural of the kind, or whose scope matters.
const KINDS: &[(&str, &str, &str, bool)] = &[
    ("Namespace", "", "namespaces", true),
    ("Node", "", "nodes", true),
    ("PersistentVolume", "", "persistentvolumes", true),
    ("Endpoints", "", "endpoints", false),
    (
        "ClusterRole",
        "rbac.authorization.k8s.io",
        "clusterroles",
        true,
    ),
    (
        "ClusterRoleBinding",
        "rbac.authorization.k8s.io",
        "clusterrolebindings",
        true,
    ),
    ("StorageClass", "storage.k8s.io", "storageclasses", true),
    ("CSIDriver", "storage.k8s.io", "csidrivers", true),
    (
        "PriorityClass",
        "scheduling.k8s.io",
        "priorityclasses",
        true,
    ),
    ("IngressClass", "networking.k8s.io", "ingressclasses", true),
    ("RuntimeClass", "node.k8s.io", "runtimeclasses", true),
    (
        "CustomResourceDefinition",
        "apiextensions.k8s.io",
        "customresourcedefinitions",
        true,
    ),
    (
        "ValidatingAdmissionPolicy",
        "admissionregistration.k8s.io",
        "validatingadmissionpolicies",
        true,
    ),
    (
        "ValidatingAdmissionPolicyBinding",
        "admissionregistration.k8s.io",
        "validatingadmissionpolicybindings",
        true,
    ),
    (
        "ValidatingWebhookConfiguration",
        "admissionregistration.k8s.io",
        "validatingwebhookconfigurations",
        true,
    ),
    (
        "MutatingWebhookConfiguration",
        "admissionregistration.k8s.io",
        "mutatingwebhookconfigurations",
        true,
    ),
    ("APIService", "apiregistration.k8s.io", "apiservices", true),
];

/// The resource (plural, lower case) of a kind: from the table, else the English
/// plural the API machinery derives (`NetworkPolicy` → `networkpolicies`).
pub(crate) fn resource_of(kind: &str) -> String {
    if let Some((_, _, resource, _)) = KINDS.iter().find(|(k, ..)| *k == kind) {
        return (*resource).to_owned();
    }
    let lower = kind.to_ascii_lowercase();
    if lower.ends_with('s')
        || lower.ends_with('x')
        || lower.ends_with("ch")
        || lower.ends_with("sh")
    {
        format!("{lower}es")
    } else if let Some(stem) = lower.strip_suffix('y') {
        if stem.ends_with(['a', 'e', 'i', 'o', 'u']) {
            format!("{lower}s")
        } else {
            format!("{stem}ies")
        }
    } else {
        format!("{lower}s")
    }
}

/// Built-in kinds that are namespaced: an object of one without `metadata.namespace`
/// goes to the current namespace.
const NAMESPACED: &[&str] = &[
    "Pod",
    "PodTemplate",
    "ReplicationController",
    "Service",
    "ConfigMap",
    "Secret",
    "ServiceAccount",
    "PersistentVolumeClaim",
    "Event",
    "LimitRange",
    "ResourceQuota",
    "Deployment",
    "StatefulSet",
    "DaemonSet",
    "ReplicaSet",
    "ControllerRevision",
    "Job",
    "CronJob",
    "Ingress",
    "NetworkPolicy",
    "HorizontalPodAutoscaler",
    "PodDisruptionBudget",
    "Role",
    "RoleBinding",
    "Lease",
    "EndpointSlice",
];

/// Whether a kind is cluster-scoped (from the tables; other kinds by whether the object
/// names a namespace).
pub(crate) fn cluster_scoped(kind: &str, has_namespace: bool) -> bool {
    match KINDS.iter().find(|(k, ..)| *k == kind) {
        Some((.., cluster)) => *cluster,
        None => !has_namespace && !NAMESPACED.contains(&kind),
    }
}

/// Whether `rules` select the request (a CREATE).
fn rules_match(rules: &[NamedRuleWithOperations], req: &Request, exact: bool) -> bool {
    rules.iter().any(|r| rule_matches(r, req, exact))
}

fn listed(list: &Option<Vec<String>>, value: &str) -> bool {
    list.iter().flatten().any(|v| v == "*" || v == value)
}

fn rule_matches(rule: &NamedRuleWithOperations, req: &Request, exact: bool) -> bool {
    let operations = listed(&rule.operations, "CREATE");
    let group = listed(&rule.api_groups, &req.group);
    // With `matchPolicy: Equivalent` (the default) a request for another version of the
    // same resource is converted and matches.
    let version = !exact || listed(&rule.api_versions, &req.version);
    let resource = rule
        .resources
        .iter()
        .flatten()
        .any(|r| r == "*" || r == "*/*" || *r == req.resource);
    let names = rule
        .resource_names
        .as_ref()
        .is_none_or(|n| n.is_empty() || n.contains(&req.name));
    let scope = match rule.scope.as_deref() {
        Some("Cluster") => req.namespace.is_none(),
        Some("Namespaced") => req.namespace.is_some(),
        _ => true,
    };
    operations && group && version && resource && names && scope
}

/// Whether a label selector selects `labels` (an absent or empty selector selects all).
pub(crate) fn selects(selector: Option<&LabelSelector>, labels: &BTreeMap<String, String>) -> bool {
    let Some(selector) = selector else {
        return true;
    };
    let labels_ok = selector
        .match_labels
        .iter()
        .flatten()
        .all(|(k, v)| labels.get(k) == Some(v));
    let expressions_ok = selector.match_expressions.iter().flatten().all(|e| {
        let values = e.values.as_deref().unwrap_or_default();
        let value = labels.get(&e.key);
        match e.operator.as_str() {
            "In" => value.is_some_and(|v| values.contains(v)),
            "NotIn" => value.is_none_or(|v| !values.contains(v)),
            "Exists" => value.is_some(),
            "DoesNotExist" => value.is_none(),
            _ => false,
        }
    });
    labels_ok && expressions_ok
}

/// Whether `constraints` (a policy's `matchConstraints` or a binding's
/// `matchResources`) select the request. An absent `resourceRules` selects everything
/// (a binding's; a policy's is required by the API server).
pub(crate) fn matches(constraints: Option<&MatchResources>, req: &Request) -> bool {
    matches_with(constraints, req, true)
}

/// [`matches`], leaving out the namespace selector.
pub(crate) fn matches_except_namespace(
    constraints: Option<&MatchResources>,
    req: &Request,
) -> bool {
    matches_with(constraints, req, false)
}

fn matches_with(constraints: Option<&MatchResources>, req: &Request, namespace: bool) -> bool {
    let Some(m) = constraints else {
        return true;
    };
    let exact = m.match_policy.as_deref() == Some("Exact");
    if let Some(rules) = m.resource_rules.as_ref() {
        if !rules_match(rules, req, exact) {
            return false;
        }
    }
    if rules_match(
        m.exclude_resource_rules.as_deref().unwrap_or_default(),
        req,
        exact,
    ) {
        return false;
    }
    // The namespace selector applies to namespaced objects and to Namespaces.
    if let Some(labels) = req.namespace_labels.as_ref().filter(|_| namespace) {
        if !selects(m.namespace_selector.as_ref(), labels) {
            return false;
        }
    }
    selects(m.object_selector.as_ref(), &req.labels)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn resources_of_kinds() {
        assert_eq!(resource_of("Deployment"), "deployments");
        assert_eq!(resource_of("NetworkPolicy"), "networkpolicies");
        assert_eq!(resource_of("Ingress"), "ingresses");
        assert_eq!(resource_of("Gateway"), "gateways");
        assert_eq!(resource_of("Endpoints"), "endpoints");
        assert!(cluster_scoped("ClusterRole", false));
        assert!(!cluster_scoped("Widget", true));
        assert!(cluster_scoped("Widget", false));
        assert!(!cluster_scoped("Pod", false));
    }

    #[test]
    fn selectors() {
        let labels: BTreeMap<String, String> = [("env".to_owned(), "prod".to_owned())].into();
        let sel =
            |json: serde_json::Value| crate::source::from_json::<LabelSelector>(json).unwrap();
        assert!(selects(
            Some(&sel(serde_json::json!({"matchLabels": {"env": "prod"}}))),
            &labels
        ));
        assert!(!selects(
            Some(&sel(serde_json::json!({"matchLabels": {"env": "test"}}))),
            &labels
        ));
        assert!(selects(
            Some(&sel(
                serde_json::json!({"matchExpressions": [{"key": "x", "operator": "NotIn", "values": ["a"]}]})
            )),
            &labels
        ));
        assert!(!selects(
            Some(&sel(
                serde_json::json!({"matchExpressions": [{"key": "env", "operator": "DoesNotExist"}]})
            )),
            &labels
        ));
    }
}
