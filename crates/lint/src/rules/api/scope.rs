//! Which kinds are cluster-scoped and which are known to be namespaced.

pub(super) fn is_cluster_scoped(kind: &str) -> bool {
    matches!(
        kind,
        "Namespace"
            | "ClusterRole"
            | "ClusterRoleBinding"
            | "IngressClass"
            | "StorageClass"
            | "PersistentVolume"
            | "CustomResourceDefinition"
            | "PriorityClass"
            | "ClusterIssuer"
            | "ClusterSecretStore"
            | "ValidatingWebhookConfiguration"
            | "MutatingWebhookConfiguration"
    )
}

/// Untyped kinds known to be namespaced.
pub(super) const KNOWN_NAMESPACED: &[&str] = &[
    "DaemonSet",
    "ReplicaSet",
    "ReplicationController",
    "CronJob",
    "Pod",
    "ExternalSecret",
    "SecretStore",
    "SealedSecret",
    "Certificate",
    "Issuer",
    "PodMonitor",
    "Lease",
    "LimitRange",
    "ResourceQuota",
    "Endpoints",
    "EndpointSlice",
];
