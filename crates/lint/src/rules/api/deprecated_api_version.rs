//! `deprecated-api-version`: API versions that are deprecated or removed.

use crate::set::{Set, Sink};

/// `(apiVersion, kind or "*", replacement)`.
const DEPRECATED_API_VERSIONS: &[(&str, &str, &str)] = &[
    ("extensions/v1beta1", "Ingress", "networking.k8s.io/v1"),
    (
        "extensions/v1beta1",
        "NetworkPolicy",
        "networking.k8s.io/v1",
    ),
    ("extensions/v1beta1", "*", "apps/v1"),
    ("apps/v1beta1", "*", "apps/v1"),
    ("apps/v1beta2", "*", "apps/v1"),
    ("networking.k8s.io/v1beta1", "*", "networking.k8s.io/v1"),
    (
        "policy/v1beta1",
        "*",
        "policy/v1 (PodSecurityPolicy was removed: use Pod Security Admission)",
    ),
    ("autoscaling/v2beta1", "*", "autoscaling/v2"),
    ("autoscaling/v2beta2", "*", "autoscaling/v2"),
    ("batch/v1beta1", "*", "batch/v1"),
    ("batch/v2alpha1", "*", "batch/v1"),
    (
        "rbac.authorization.k8s.io/v1beta1",
        "*",
        "rbac.authorization.k8s.io/v1",
    ),
    (
        "rbac.authorization.k8s.io/v1alpha1",
        "*",
        "rbac.authorization.k8s.io/v1",
    ),
    (
        "admissionregistration.k8s.io/v1beta1",
        "*",
        "admissionregistration.k8s.io/v1",
    ),
    (
        "apiextensions.k8s.io/v1beta1",
        "*",
        "apiextensions.k8s.io/v1",
    ),
    (
        "apiregistration.k8s.io/v1beta1",
        "*",
        "apiregistration.k8s.io/v1",
    ),
    ("certificates.k8s.io/v1beta1", "*", "certificates.k8s.io/v1"),
    ("coordination.k8s.io/v1beta1", "*", "coordination.k8s.io/v1"),
    ("discovery.k8s.io/v1beta1", "*", "discovery.k8s.io/v1"),
    ("events.k8s.io/v1beta1", "*", "events.k8s.io/v1"),
    ("node.k8s.io/v1beta1", "*", "node.k8s.io/v1"),
    ("scheduling.k8s.io/v1beta1", "*", "scheduling.k8s.io/v1"),
    ("scheduling.k8s.io/v1alpha1", "*", "scheduling.k8s.io/v1"),
    ("storage.k8s.io/v1beta1", "*", "storage.k8s.io/v1"),
    (
        "flowcontrol.apiserver.k8s.io/v1beta1",
        "*",
        "flowcontrol.apiserver.k8s.io/v1",
    ),
    (
        "flowcontrol.apiserver.k8s.io/v1beta2",
        "*",
        "flowcontrol.apiserver.k8s.io/v1",
    ),
    (
        "flowcontrol.apiserver.k8s.io/v1beta3",
        "*",
        "flowcontrol.apiserver.k8s.io/v1",
    ),
    (
        "external-secrets.io/v1alpha1",
        "*",
        "external-secrets.io/v1",
    ),
    (
        "external-secrets.io/v1beta1",
        "*",
        "external-secrets.io/v1 (v1beta1 is no longer served from External Secrets Operator v0.17)",
    ),
    ("cert-manager.io/v1alpha2", "*", "cert-manager.io/v1"),
    ("cert-manager.io/v1alpha3", "*", "cert-manager.io/v1"),
    ("cert-manager.io/v1beta1", "*", "cert-manager.io/v1"),
];

pub(super) fn deprecated_api_versions(set: &Set<'_>, sink: &mut Sink) {
    for (i, item) in set.items.iter().enumerate() {
        let Some(doc) = item.doc else { continue };
        let hit = DEPRECATED_API_VERSIONS
            .iter()
            .find(|(v, k, _)| *v == doc.api_version && (*k == "*" || *k == doc.kind));
        if let Some((v, _, replacement)) = hit {
            sink.add(
                i,
                "deprecated-api-version",
                "apiVersion",
                format!("{} `{v}` is deprecated or no longer served; applying it fails with \"no matches for kind\"", doc.kind),
                format!("use {replacement} and migrate the fields that changed"),
            );
        }
    }
}
