//! What a cluster has without the set: system namespaces, built-in roles and ConfigMaps,
//! and the objects controllers create for others.

use super::WORKLOAD_KINDS;

/// Namespaces every cluster has, holding objects the cluster itself supplies: a set never
/// owns them.
pub(crate) const SYSTEM_NAMESPACES: &[&str] =
    &["default", "kube-system", "kube-public", "kube-node-lease"];

/// ClusterRoles every cluster has: the `system:` ones and the user-facing
/// `cluster-admin`, `admin`, `edit` and `view`.
pub(crate) fn builtin_cluster_role(name: &str) -> bool {
    name.starts_with("system:") || matches!(name, "cluster-admin" | "admin" | "edit" | "view")
}

/// Roles every cluster has in `kube-system` and `kube-public` (`system:*`,
/// `extension-apiserver-authentication-reader`).
pub(crate) fn builtin_role(ns: Option<&str>, name: &str) -> bool {
    matches!(ns, Some("kube-system" | "kube-public"))
        && (name.starts_with("system:") || name == "extension-apiserver-authentication-reader")
}

/// Built-in ClusterRoles (and the built-in Role) known to grant no `create`.
pub(crate) fn builtin_read_only(name: &str) -> bool {
    matches!(
        name,
        "view"
            | "system:aggregate-to-view"
            | "system:auth-delegator"
            | "system:discovery"
            | "system:basic-user"
            | "system:public-info-viewer"
            | "system:monitoring"
            | "extension-apiserver-authentication-reader"
    )
}

/// ConfigMaps every namespace has, with their keys.
pub(crate) fn builtin_config_map(name: &str) -> Option<&'static [&'static str]> {
    (name == "kube-root-ca.crt").then_some(&["ca.crt"][..])
}

/// API groups of Kubernetes itself, and custom resources known to create nothing but what
/// the validator already resolves (ExternalSecrets and SealedSecrets make the Secret they
/// name; Prometheus Operator monitors and rules make no objects).
pub(crate) fn creates_nothing_unresolved(api_version: &str, kind: &str) -> bool {
    let group = match api_version.split_once('/') {
        Some((g, _)) => g,
        None => "",
    };
    group.is_empty()
        || !group.contains('.')
        || group.ends_with(".k8s.io")
        || matches!(
            (group, kind),
            ("external-secrets.io", "ExternalSecret")
                | ("bitnami.com", "SealedSecret")
                | ("monitoring.coreos.com", "ServiceMonitor")
                | ("monitoring.coreos.com", "PodMonitor")
                | ("monitoring.coreos.com", "PrometheusRule")
                | ("monitoring.coreos.com", "Probe")
        )
}

/// The `(apiGroup, resource)` pairs whose `create` makes objects of `kind` appear
/// (`Pod`: every workload controller's resource).
pub(crate) fn created_through(kind: &str) -> &'static [(&'static str, &'static str)] {
    match kind {
        "Pod" => &[
            ("", "pods"),
            ("", "replicationcontrollers"),
            ("apps", "deployments"),
            ("apps", "replicasets"),
            ("apps", "statefulsets"),
            ("apps", "daemonsets"),
            ("batch", "jobs"),
            ("batch", "cronjobs"),
        ],
        "Secret" => &[("", "secrets")],
        "ConfigMap" => &[("", "configmaps")],
        "Service" => &[("", "services")],
        "ServiceAccount" => &[("", "serviceaccounts")],
        "PersistentVolumeClaim" => &[("", "persistentvolumeclaims"), ("apps", "statefulsets")],
        "Role" => &[("rbac.authorization.k8s.io", "roles")],
        "Deployment" => &[("apps", "deployments")],
        "StatefulSet" => &[("apps", "statefulsets")],
        "ReplicaSet" => &[("apps", "replicasets"), ("apps", "deployments")],
        _ => &[],
    }
}

/// The kinds in the set that stand for objects of `kind` (a Secret is also what an
/// ExternalSecret or SealedSecret makes; pods are what workloads make).
pub(crate) fn standing_for(kind: &str) -> Vec<&str> {
    match kind {
        "Pod" => WORKLOAD_KINDS.to_vec(),
        "Secret" => vec!["Secret", "ExternalSecret", "SealedSecret"],
        k => vec![k],
    }
}
