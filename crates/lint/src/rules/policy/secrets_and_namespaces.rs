//! `secret-literal-data`, `namespace-pss-not-enforced`.

use k8s_openapi::api::core::v1::Namespace;

use super::host_access::namespace_needs;
use crate::set::{each, Set, Sink};
use crate::POD_SECURITY_EXCEPTION_ANNOTATION;

/// Whether the namespace enforces exactly the level its workloads' declared host access
/// needs (`kairn.dev/host-access`), explains it in `kairn.dev/pod-security-exception`,
/// and still audits and warns at `restricted`.
fn declared_exception(set: &Set<'_>, n: &Namespace) -> bool {
    let Some(name) = n.metadata.name.as_deref() else {
        return false;
    };
    let Some(needs) = namespace_needs(set, name) else {
        return false;
    };
    let label = |mode: &str| {
        n.metadata
            .labels
            .as_ref()
            .and_then(|l| l.get(&format!("pod-security.kubernetes.io/{mode}")))
            .map(String::as_str)
    };
    let explained = n
        .metadata
        .annotations
        .as_ref()
        .and_then(|a| a.get(POD_SECURITY_EXCEPTION_ANNOTATION))
        .is_some_and(|why| !why.trim().is_empty());
    explained
        && label("enforce") == Some(needs.as_str())
        && label("audit") == Some("restricted")
        && label("warn") == Some("restricted")
}

pub(super) fn secrets_and_namespaces(set: &Set<'_>, sink: &mut Sink) {
    for (i, s) in each!(set, Secret) {
        if s.type_.as_deref() == Some("kubernetes.io/service-account-token") {
            continue;
        }
        // Keys with a value: an empty one is a placeholder the app or an operator fills
        // at run time (a CNI plugin's token, a webhook's certificate), not a secret.
        let keys: Vec<&String> = s
            .data
            .iter()
            .flat_map(|d| d.iter().filter(|(_, v)| !v.0.is_empty()).map(|(k, _)| k))
            .chain(
                s.string_data
                    .iter()
                    .flat_map(|d| d.iter().filter(|(_, v)| !v.is_empty()).map(|(k, _)| k)),
            )
            .collect();
        if !keys.is_empty() {
            let field = if s
                .string_data
                .as_ref()
                .is_some_and(|d| d.values().any(|v| !v.is_empty()))
            {
                "stringData"
            } else {
                "data"
            };
            sink.add(i, "secret-literal-data", field, format!("secret values ({}) are committed with the manifests, so everyone with the repository has them and every install gets the same values", keys.iter().map(|k| k.as_str()).collect::<Vec<_>>().join(", ")), "create the Secret outside the manifests (External Secrets, Sealed Secrets, kubectl create secret) and reference it");
        }
    }
    for (i, n) in each!(set, Namespace) {
        let enforce = n
            .metadata
            .labels
            .as_ref()
            .and_then(|l| l.get("pod-security.kubernetes.io/enforce"));
        if enforce.map(String::as_str) != Some("restricted") && !declared_exception(set, n) {
            let why = match enforce {
                Some(level) => format!("Pod Security Admission enforces only `{level}`"),
                None => "there is no pod-security.kubernetes.io/enforce label, so Pod Security Admission enforces nothing".to_owned(),
            };
            sink.add(i, "namespace-pss-not-enforced", "metadata.labels", why, "label the namespace pod-security.kubernetes.io/enforce: restricted (and audit/warn)");
        }
    }
}
