//! Which kinds are cluster-scoped and which are known to be namespaced.

pub(super) use crate::object::is_cluster_scoped;

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
