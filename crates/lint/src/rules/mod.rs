//! Rule implementations, grouped by family: one directory per family (`api/`, `wiring/`,
//! `policy/`), one module per rule or group of closely related rules, named after what it
//! checks; `network.rs` (NetworkPolicy reachability) and `placeholder.rs` stand alone.
//!
//! ## Where each rule is
//!
//! Rule id → the file(s) under `crates/lint/src/rules/` that report it (`../` is
//! `crates/lint/src/`; `dsl:` is `crates/dsl/src/`). A test keeps this index complete.
//!
//! | rule | file |
//! |---|---|
//! | `object-invalid` | `api/object_invalid.rs` |
//! | `deprecated-api-version` | `api/deprecated_api_version.rs` |
//! | `required-field` | `api/claims.rs`, `api/container.rs`, `api/names.rs`, `api/other_fields.rs`, `api/pod.rs`, `api/service_fields.rs` |
//! | `invalid-value` | `api/claims.rs`, `api/container.rs`, `api/labels.rs`, `api/other_fields.rs`, `api/pod.rs`, `api/service_fields.rs` |
//! | `name-format` | `api/container.rs`, `api/names.rs`, `api/pod.rs` |
//! | `label-format` | `api/labels.rs` |
//! | `port-name-format` | `api/container.rs`, `api/service_fields.rs` |
//! | `env-name-format` | `api/container.rs` |
//! | `quantity-format` | `api/claims.rs`, `api/container.rs`, `api/pod.rs` |
//! | `duplicate-object` | `api/duplicate_object.rs` |
//! | `duplicate-container` | `api/pod.rs` |
//! | `duplicate-port` | `api/pod.rs`, `api/service_fields.rs` |
//! | `duplicate-env` | `api/container.rs` |
//! | `selector-mismatch` | `api/selector_mismatch.rs` |
//! | `volume-mount-undeclared` | `api/pod.rs` |
//! | `namespace-missing` | `api/namespace_missing.rs` |
//! | `service-selects-nothing` | `wiring/service_selector.rs` |
//! | `service-target-port-missing` | `wiring/service_selector.rs` |
//! | `numeric-port-reference` | `wiring/probe_port.rs`, `wiring/service_selector.rs` |
//! | `probe-port-undeclared` | `wiring/probe_port.rs` |
//! | `ingress-backend-missing` | `wiring/ingress_backend.rs` |
//! | `ingress-backend-port-missing` | `wiring/ingress_backend.rs` |
//! | `ingress-tls-host-mismatch` | `wiring/ingress_backend.rs` |
//! | `hpa-target-missing` | `wiring/hpa_target.rs` |
//! | `hpa-missing-requests` | `wiring/hpa_target.rs` |
//! | `pdb-selects-nothing` | `wiring/pdb_selector.rs` |
//! | `secret-missing` | `wiring/pod_references.rs` |
//! | `secret-key-missing` | `wiring/pod_references.rs` |
//! | `configmap-missing` | `wiring/pod_references.rs` |
//! | `configmap-key-missing` | `wiring/pod_references.rs` |
//! | `pvc-missing` | `wiring/pod_references.rs` |
//! | `pvc-rwo-shared` | `wiring/pod_references.rs` |
//! | `service-account-missing` | `wiring/pod_references.rs` |
//! | `statefulset-service` | `wiring/statefulset_service.rs` |
//! | `servicemonitor-selects-nothing` | `wiring/service_monitor.rs` |
//! | `servicemonitor-port-missing` | `wiring/service_monitor.rs` |
//! | `rbac-role-missing` | `wiring/rbac_binding.rs` |
//! | `rbac-subject-missing` | `wiring/rbac_binding.rs` |
//! | `rbac-subject-namespace` | `wiring/rbac_binding.rs` |
//! | `dangling-reference` | `dsl: src/validate/declaration.rs` |
//! | `pod-containers` | `dsl: src/validate/containers.rs` |
//! | `legacy-sidecar-job` | `dsl: src/validate/containers.rs` |
//! | `annotation-overridden` | `dsl: src/validate/annotations.rs` |
//! | `kept-identity` | `dsl: src/validate/kept.rs` |
//! | `reference-unresolved` | `wiring/external_secrets.rs`, `wiring/pod_references.rs`, `wiring/rbac_binding.rs`, `wiring/service_monitor.rs` |
//! | `netpol-egress-dependency` | `network.rs` |
//! | `netpol-dns-missing` | `network.rs` |
//! | `netpol-dns-tcp` | `network.rs` |
//! | `netpol-namespace-name-label` | `network.rs` |
//! | `netpol-blocks-scrape` | `network.rs` |
//! | `netpol-blocks-load-balancer` | `network.rs` |
//! | `netpol-blocks-peers` | `network.rs` |
//! | `metrics-exposed-by-ingress` | `wiring/metrics_exposed.rs` |
//! | `secret-unused` | `wiring/unused.rs` |
//! | `service-account-unused` | `wiring/unused.rs` |
//! | `pss-privileged` | `policy/pod_security.rs` |
//! | `pss-host-namespaces` | `policy/pod_security.rs` |
//! | `pss-host-ports` | `policy/pod_security.rs` |
//! | `pss-volume-types` | `policy/pod_security.rs` |
//! | `pss-privilege-escalation` | `policy/pod_security.rs` |
//! | `pss-capabilities` | `policy/pod_security.rs` |
//! | `pss-run-as-non-root` | `policy/pod_security.rs` |
//! | `pss-seccomp` | `policy/pod_security.rs` |
//! | `env-name-portable` | `api/container.rs` |
//! | `read-only-root-filesystem` | `policy/pod_security.rs` |
//! | `resources-missing` | `policy/resources.rs` |
//! | `requests-exceed-limits` | `policy/resources.rs` |
//! | `image-latest` | `policy/containers.rs` |
//! | `hpa-min-max` | `policy/hpa_min_max.rs` |
//! | `replicas-with-hpa` | `policy/containers.rs` |
//! | `pdb-blocks-eviction` | `policy/disruption.rs` |
//! | `pdb-missing` | `policy/disruption.rs` |
//! | `liveness-without-readiness` | `policy/containers.rs` |
//! | `deprecated-annotation` | `policy/deprecations.rs` |
//! | `deprecated-field` | `policy/containers.rs`, `policy/deprecations.rs` |
//! | `secret-literal-data` | `policy/secrets_and_namespaces.rs` |
//! | `namespace-pss-not-enforced` | `policy/secrets_and_namespaces.rs` |
//! | `service-account-token-automount` | `policy/service_accounts.rs` |
//! | `pod-token-automount` | `policy/pod_service_account.rs` |
//! | `pod-default-service-account` | `policy/pod_service_account.rs` |
//! | `rbac-secrets-read` | `policy/rbac_secrets_read.rs` |
//! | `cloud-identity-placeholder` | `policy/service_accounts.rs` |
//! | `config-placeholder` | `placeholder.rs` |
//! | `oidc-issuer-example-domain` | `placeholder.rs` |
//! | `service-external-load-balancer` | `policy/external_load_balancer.rs` |
//! | `statefulset-headless-not-ready` | `policy/statefulset.rs` |
//! | `statefulset-ordered-ready` | `policy/statefulset.rs` |
//! | `statefulset-no-spread` | `policy/statefulset.rs` |
//! | `netpol-dns-too-broad` | `network.rs` |
//! | `netpol-missing` | `network.rs` |
//! | `prometheus-scrape-annotations` | `policy/monitoring.rs` |
//! | `alert-up-without-absent` | `policy/monitoring.rs` |
//! | `alert-error-rate-not-ratio` | `policy/monitoring.rs` |
//! | `daemonset-surge-host-port` | `policy/daemon_set_surge.rs` |
//! | `host-path-unreadable` | `policy/host_path_readable.rs` |
//! | `daemonset-probes-missing` | `policy/daemon_set_probes.rs` |
//! | `node-agent-shares-namespace` | `dsl: src/validate/node_agents.rs` |
//! | `pre-stop-beyond-grace` | `policy/pre_stop.rs` |
//! | `job-ttl-missing` | `policy/jobs.rs` |
//! | `job-backoff-limit-missing` | `policy/jobs.rs` |
//! | `waiver-invalid` | `../lib.rs` |
//! | `waiver-unmatched` | `../lib.rs` |
//! | `networkpolicy-selects-nothing` | `network_selects.rs` |
//! | `topology-spread-invalid` | `api_server/scheduling.rs` |
//! | `init-container-probe` | `api_server/pod.rs` |
//! | `rollout-invalid` | `api_server/workloads.rs` |
//! | `cronjob-schedule-invalid` | `api_server/workloads.rs` |
//! | `cidr-invalid` | `api_server/network.rs` |
//! | `netpol-peer-invalid` | `api_server/network.rs` |
//! | `toleration-invalid` | `api_server/scheduling.rs` |
//! | `affinity-invalid` | `api_server/scheduling.rs` |
//! | `dns-config-invalid` | `api_server/pod.rs` |
//! | `ingress-invalid` | `api_server/network.rs` |
//! | `service-invalid` | `api_server/network.rs` |
//! | `hpa-behavior-invalid` | `api_server/autoscaling.rs` |
//! | `pss-sysctls` | `pod_security_baseline.rs` |
//! | `pss-proc-mount` | `pod_security_baseline.rs` |
//! | `pss-apparmor` | `pod_security_baseline.rs` |
//! | `pss-selinux` | `pod_security_baseline.rs` |
//! | `pss-host-process` | `pod_security_baseline.rs` |
//! | `rbac-api-group-invalid` | `rbac_escalation.rs` |
//! | `rbac-cluster-admin-binding` | `rbac_escalation.rs` |
//! | `rbac-wildcard` | `rbac_escalation.rs` |
//! | `rbac-pod-exec` | `rbac_escalation.rs` |
//! | `rbac-escalate-verbs` | `rbac_escalation.rs` |
//! | `rbac-nodes-proxy` | `rbac_escalation.rs` |
//! | `rbac-token-create` | `rbac_escalation.rs` |
//! | `host-runtime-socket` | `kube_linter.rs` |
//! | `sensitive-host-mount` | `kube_linter.rs` |
//! | `env-literal-secret` | `kube_linter.rs` |
//! | `ssh-port` | `kube_linter.rs` |
//! | `deployment-no-spread` | `kube_linter.rs` |
//! | `pdb-unhealthy-eviction-policy` | `kube_linter.rs` |
//! | `admission-policy` | `../admission/mod.rs` |

mod addr;
mod api;
mod api_server;
mod cron;
mod kube_linter;
mod network;
mod network_selects;
pub(crate) mod placeholder;
mod pod_security_baseline;
mod policy;
mod rbac_escalation;
mod wiring;

use crate::set::{Set, Sink};

pub(crate) use policy::exception_notes;

/// Runs every rule over the set.
pub(crate) fn run_all(set: &Set<'_>, sink: &mut Sink) {
    // On a large set, the `api` rules (about a third of the time) run beside the others,
    // and their hits come first as when run in turn.
    if set.items.len() >= PARALLEL_FROM {
        std::thread::scope(|scope| {
            let others = scope.spawn(|| {
                let mut others = Sink::default();
                run_others(set, &mut others);
                others
            });
            api::run(set, sink);
            match others.join() {
                Ok(others) => sink.hits.extend(others.hits),
                Err(panic) => std::panic::resume_unwind(panic),
            }
        });
    } else {
        api::run(set, sink);
        run_others(set, sink);
    }
}

/// Objects from which the rules run on two threads.
const PARALLEL_FROM: usize = 2000;

/// Every rule family but `api`, in order.
fn run_others(set: &Set<'_>, sink: &mut Sink) {
    wiring::run(set, sink);
    network::run(set, sink);
    network_selects::run(set, sink);
    policy::run(set, sink);
    placeholder::run(set, sink);
    api_server::run(set, sink);
    pod_security_baseline::run(set, sink);
    rbac_escalation::run(set, sink);
    kube_linter::run(set, sink);
}

/// Every peer of a NetworkPolicy's ingress and egress rules, with its field path
/// (`spec.ingress[0].from[1]`, `spec.egress[2].to[0]`).
pub(crate) fn policy_peers(
    spec: &k8s_openapi::api::networking::v1::NetworkPolicySpec,
) -> impl Iterator<Item = (String, &k8s_openapi::api::networking::v1::NetworkPolicyPeer)> {
    let ingress = spec
        .ingress
        .iter()
        .flatten()
        .enumerate()
        .flat_map(|(r, rule)| {
            rule.from
                .iter()
                .flatten()
                .enumerate()
                .map(move |(p, peer)| (format!("spec.ingress[{r}].from[{p}]"), peer))
        });
    let egress = spec
        .egress
        .iter()
        .flatten()
        .enumerate()
        .flat_map(|(r, rule)| {
            rule.to
                .iter()
                .flatten()
                .enumerate()
                .map(move |(p, peer)| (format!("spec.egress[{r}].to[{p}]"), peer))
        });
    ingress.chain(egress)
}

#[cfg(test)]
mod tests {
    /// The index above names every registered rule, and each file it names reports it.
    #[test]
    fn the_rule_index_is_complete() {
        let index = include_str!("mod.rs");
        let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/src/rules/");
        for rule in crate::RULES {
            let row = format!("//! | `{}` | ", rule.id);
            let Some(line) = index.lines().find(|l| l.starts_with(&row)) else {
                panic!("crates/lint/src/rules/mod.rs: add `{row}<file> |` to the rule index");
            };
            for file in line[row.len()..].trim_end_matches(" |").split(", ") {
                let file = file.trim_matches('`');
                let path = match file.strip_prefix("dsl: ") {
                    Some(f) => format!("{dir}../../../dsl/{f}"),
                    None => format!("{dir}{file}"),
                };
                let text = std::fs::read_to_string(&path).unwrap_or_default();
                assert!(
                    text.contains(&format!("\"{}\"", rule.id)),
                    "rule index: {file} does not report `{}`",
                    rule.id
                );
            }
        }
    }
}
