//! `service-account-token-automount`, `cloud-identity-placeholder`.

use crate::rules::wiring::bound;
use crate::set::{each, same_ns, Set, Sink};
use crate::source::join_key;

pub(super) fn service_accounts(set: &Set<'_>, sink: &mut Sink) {
    for (i, a) in each!(set, ServiceAccount) {
        let name = a.metadata.name.as_deref().unwrap_or_default();
        let ns = set.items[i].namespace;
        if a.automount_service_account_token != Some(false) {
            let used = set
                .workloads_in(ns)
                .any(|w| w.service_account() == name && same_ns(w.ns, ns));
            if !(used && bound(set, name, ns)) {
                sink.add(i, "service-account-token-automount", "automountServiceAccountToken", format!("ServiceAccount `{name}` mounts an API token into every pod by default, but no pod in the set uses it with API permissions"), "set automountServiceAccountToken: false (pods that need the API opt in)");
            }
        }
        for (k, v) in a.metadata.annotations.iter().flatten() {
            let problem = match k.as_str() {
                "eks.amazonaws.com/role-arn" => (!valid_role_arn(v))
                    .then_some("is not an IAM role ARN with a 12-digit account id"),
                "iam.gke.io/gcp-service-account" => (!valid_gcp_sa(v))
                    .then_some("is not a GCP service account email with a valid project id"),
                "azure.workload.identity/client-id" => {
                    (!valid_uuid(v)).then_some("is not a client id (UUID)")
                }
                _ => None,
            };
            let documentation_account = k == "eks.amazonaws.com/role-arn"
                && crate::rules::placeholder::AWS_DOCUMENTATION_ACCOUNTS
                    .iter()
                    .any(|a| v.contains(&format!("::{a}:")));
            let marker = crate::rules::placeholder::placeholder(v);
            let problem = problem
                .map(str::to_owned)
                .or_else(|| {
                    documentation_account.then(|| {
                        "uses an AWS documentation example account, not a real one".to_owned()
                    })
                })
                .or_else(|| {
                    if !k.starts_with("eks.amazonaws.com/")
                        && !k.starts_with("iam.gke.io/")
                        && !k.starts_with("azure.workload.identity/")
                    {
                        return None;
                    }
                    marker.map(|m| format!("contains the placeholder {m}"))
                });
            if let Some(p) = problem {
                sink.add(
                    i,
                    "cloud-identity-placeholder",
                    join_key("metadata.annotations", k),
                    format!("`{v}` {p}; the pod cannot assume the cloud identity"),
                    "fill in the real value (per environment)",
                );
            }
        }
    }
}

fn valid_role_arn(v: &str) -> bool {
    let parts: Vec<&str> = v.splitn(6, ':').collect();
    parts.len() == 6
        && parts[0] == "arn"
        && parts[1].starts_with("aws")
        && parts[2] == "iam"
        && parts[3].is_empty()
        && parts[4].len() == 12
        && parts[4].bytes().all(|b| b.is_ascii_digit())
        && parts[5].strip_prefix("role/").is_some_and(|r| {
            !r.is_empty()
                && r.bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b"+=,.@_-/".contains(&b))
        })
}

fn valid_gcp_sa(v: &str) -> bool {
    let Some((account, domain)) = v.split_once('@') else {
        return false;
    };
    let Some(project) = domain.strip_suffix(".iam.gserviceaccount.com") else {
        return false;
    };
    let id = |s: &str, min: usize| {
        let b = s.as_bytes();
        b.len() >= min
            && b.len() <= 30
            && b[0].is_ascii_lowercase()
            && !s.ends_with('-')
            && b.iter()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || *c == b'-')
    };
    id(account, 6) && id(project, 6)
}

fn valid_uuid(v: &str) -> bool {
    let parts: Vec<&str> = v.split('-').collect();
    parts.iter().map(|p| p.len()).eq([8, 4, 4, 4, 12])
        && parts
            .iter()
            .all(|p| p.bytes().all(|b| b.is_ascii_hexdigit()))
}
