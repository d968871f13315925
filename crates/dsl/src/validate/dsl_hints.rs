//! Fix hints in the DSL's terms. A rule of [`lint`](mod@::lint) says how to fix the
//! Kubernetes object ("add a topologySpreadConstraint"); on an object rendered from a
//! declaration the user writes Rust, so [`apply`] puts the model call first
//! ("`.spread(Spread::AcrossNodes)` on the workload's builder") and keeps the object's
//! fix after it. `lint` cannot know the model (it depends on object types only), so the
//! table lives here.
//!
//! Every rule is in exactly one of three lists (a test checks it against the registry):
//! [`DSL_HINTS`] (a declaration can trigger it), [`DECLARATION_RULES`] (kairn's checks of
//! the declaration itself, whose fixes already name model calls) and
//! [`NOT_FROM_DECLARATIONS`] (only an escape hatch or hand-written YAML can trigger it,
//! and the fix is written there in Kubernetes terms; each with why). A finding keeps
//! its object fix when its object was written by hand (`ExtraObject`) or when it is on
//! a field a `customize` closure changed.

use crate::object::Manifest;
use lint::located::located_at_closure;
use lint::Report;

/// Rules a declaration can trigger, with the model call that fixes them.
pub const DSL_HINTS: &[(&str, &str)] = &[
    ("required-field", "every required field has a required builder call; this one was given an empty value (an empty `.command(..)`, port list or path): give the model a non-empty one"),
    ("invalid-value", "the value passed to the model for this field is out of range for Kubernetes (a `port!(..)`, a `key!(..)`, a count): change it where the finding's line sets it"),
    ("name-format", "shorten the app's `.name(..)`/`.name_prefix(..)` or the component's `.name(name!(..))`: objects are named `<app>-<component>[-<suffix>]` and Services, StatefulSets and Jobs need 63 characters at most"),
    ("label-format", "shorten the app's or the component's `name!(..)` (the `app.kubernetes.io/instance` label is `<app>-<component>`, 63 characters at most), or fix the value given to `.labels(..)`/`.annotations(..)`"),
    ("duplicate-object", "give one of the two declarations another name: a component's `.name(name!(..))`, a `ConfigFiles::new(name!(..), ..)` set, or an `ExtraObject`'s `metadata.name` (derived names are `<app>-<component>[-<suffix>]`)"),
    ("duplicate-container", "give each `Container::builder().name(name!(..))` of the component a name of its own, different from the component's"),
    ("duplicate-port", "give each `NamedPort` of the component and its containers (`.port(..)`, `.extra_ports(..)`) its own `port_name!` and number"),
    ("duplicate-env", "list each variable once in the component's `.env(..)` (a variable also loaded by `.env_from_config(..)` is set twice)"),
    ("selector-mismatch", "do not set `app.kubernetes.io/*` keys in the app's or component's `.labels(..)`: kairn derives them, and selectors use them"),
    ("init-container-probe", "give probes and `.pre_stop(..)` only to the component or to a sidecar (`ContainerRole::Sidecar`), not to an init container"),
    ("rollout-invalid", "choose an update that replaces at least one pod at a time (`DaemonUpdate::Rolling { max_unavailable }` or `Surge { max_surge }` with a non-zero value)"),
    ("cidr-invalid", "write each CIDR of `Endpoint::Cidrs` or `Exposure::LoadBalancer { source_ranges }` as `a.b.c.d/n` (or an IPv6 prefix)"),
    ("toleration-invalid", "build the toleration with `Toleration`'s constructors: a toleration time only with `TaintEffect::NoExecute`, a value only with an exact `TaintMatch`"),
    ("affinity-invalid", "give each `NodeRequirement` values that fit its `NodeOp` (`In`/`NotIn` need values, `Exists`/`DoesNotExist` none, `Gt`/`Lt` one integer), and each pod affinity a `Topology`"),
    ("ingress-invalid", "give the `Ingress` a `Route` for each of its `HostRules`, with a host name in `host!(..)`, not an IP address"),
    ("service-invalid", "give source ranges only to `Exposure::LoadBalancer { source_ranges }`; other exposures take none"),
    ("service-selects-nothing", "do not set `app.kubernetes.io/*` keys in `.labels(..)`: kairn derives the labels its selectors match"),
    ("service-target-port-missing", "serve the port from the component: pass its `NamedPort` to `.port(..)` or `.extra_ports(..)` of the workload (or of the container that serves it)"),
    ("numeric-port-reference", "declare the port as a `NamedPort` on the container that serves it and refer to it by that handle"),
    ("probe-port-undeclared", "build the probe from a `NamedPort` that this component passes to `.port(..)`/`.extra_ports(..)`: `Probes::http(&HTTP, ..)` after `.port(HTTP)`"),
    ("ingress-backend-missing", "route with `Route::new(http_path!(..), &component)` to an `HttpComponent` of this app (a component with a Service)"),
    ("ingress-backend-port-missing", "route to the component's handle (`&HttpComponent`): kairn uses its Service port"),
    ("ingress-tls-host-mismatch", "add the host to the `Ingress`'s `.tls(Tls::..)` hosts, or serve it without TLS on purpose and waive with `Waiver::new(..)` and a reason"),
    ("pdb-selects-nothing", "do not set `app.kubernetes.io/*` keys in `.labels(..)`: kairn derives the labels the budget selects"),
    ("secret-missing", "pass the `external_secret!` type to `App::builder().secrets(..)` and take the `SecretRef` from its accessor (image pull Secrets: `.image_pull_secrets(..)`)"),
    ("secret-key-missing", "list the key in the `external_secret!` declaration and read it through the accessor it generates"),
    ("configmap-missing", "pass the `ConfigFiles` to the component's `.files(..)`, or declare the key in the app's `.config(..)` when reading the app's ConfigMap"),
    ("configmap-key-missing", "read only keys the app's `.config(..)` or the `ConfigFiles` define (`EnvVar::config_map(.., key!(..))`)"),
    ("pvc-missing", "declare an existing claim as a `ClaimVolume` in the component's `.pod(..)` volumes, or give the workload storage kairn creates"),
    ("pvc-rwo-shared", "run one replica (`Replicas::Fixed(1)`), or use storage that several pods can mount (`ScalableStorage`, a ReadWriteMany `ClaimAccess`)"),
    ("service-account-missing", "run the pods as the component's own ServiceAccount; spawned jobs (`SpawnedJobs`) name a ServiceAccount that exists where they run"),
    ("servicemonitor-selects-nothing", "declare `.metrics(..)` on a workload with a Service, on a `NamedPort` it declares"),
    ("servicemonitor-port-missing", "build the `Metrics` from a `NamedPort` passed to the component's `.port(..)`/`.extra_ports(..)`"),
    ("reference-unresolved", "declare what exists outside the app: external Secrets in `App::builder().secrets(..)`, existing claims as `ClaimVolume`s, and `.create_namespace(true)` so the app owns its namespace"),
    ("netpol-egress-dependency", "name the dependency with `.talks_to([&dependency])` and pass the same `Dependency` to `App::builder().dependencies(..)`, with the endpoint it is reached at"),
    ("netpol-blocks-scrape", "set the app's `Monitoring` `prometheus_namespace` to the namespace Prometheus runs in"),
    ("netpol-blocks-load-balancer", "expose the workload with `Exposure::LoadBalancer { .. }` on its builder: kairn then admits the load balancer's traffic"),
    ("networkpolicy-selects-nothing", "do not set `app.kubernetes.io/*` keys in `.labels(..)`: kairn derives the labels its policies select"),
    ("metrics-exposed-by-ingress", "serve metrics on a port of their own (`Metrics` on a `NamedPort` in `.extra_ports(..)`), or route the Ingress only to other paths"),
    ("pss-host-namespaces", "host network is declared on a `NodeAgent` with `HostAccess::host_network().reason(reason!(..))`, and its pods run in a namespace whose Pod Security level admits it"),
    ("pss-host-ports", "a host port is declared on a `NodeAgent` with `HostAccess::host_port(&PORT).reason(reason!(..))`, and its pods run in a namespace whose Pod Security level admits it"),
    ("pss-volume-types", "a host path is declared on a `NodeAgent` with `HostAccess::host_path(host_path!(..), ..).reason(reason!(..))`, and its pods run in a namespace whose Pod Security level admits it"),
    ("pss-capabilities", "a capability is declared on a `NodeAgent` with `HostAccess::capability(Capability::..).reason(reason!(..))`, and its pods run in a namespace whose Pod Security level admits it"),
    ("pss-run-as-non-root", "running as root is declared on a `NodeAgent` with `HostAccess::run_as_root().reason(reason!(..))`, and its pods run in a namespace whose Pod Security level admits it; otherwise drop the component's root `.run_as(..)`"),
    ("requests-exceed-limits", "pass `Resources::new(cpu_request, cpu_limit, memory_request, memory_limit)` with each request at most its limit"),
    ("image-latest", "pin the image: `image!(\"registry/name:1.4.2\")` or a digest (`@sha256:..`)"),
    ("hpa-min-max", "declare the range as `autoscaling!(min..=max)` with 1 <= min <= max"),
    ("pdb-blocks-eviction", "choose a `Disruption` that lets a pod go: `.disruption(Disruption::MaxUnavailable(1))`, or `MinAvailable` below the replicas"),
    ("pdb-missing", "add `.disruption(Disruption::MaxUnavailable(1))` to the workload's builder"),
    ("liveness-without-readiness", "give the workload a readiness check too: `Probes::http(&PORT, live, ready)`, or `.readiness(..)` on `Probes::builder()`"),
    ("deprecated-annotation", "remove the annotation from the component's `.annotations(..)`: the model has the field that replaced it (e.g. the `Ingress`'s `.class(..)`)"),
    ("namespace-pss-not-enforced", "give the node agent a namespace of its own (its own `App`), so the app's namespace keeps enforcing `restricted`, or waive with `Waiver::new(\"namespace-pss-not-enforced\", \"Namespace\", name, reason)`"),
    ("rbac-secrets-read", "limit the `AccessRule` on `secrets` in `.api_access(..)` to the Secrets it needs (`resource_names`), or drop list and watch"),
    ("rbac-api-group-invalid", "write the `AccessRule`'s `api_group` without a version: `apps`, not `apps/v1`"),
    ("rbac-wildcard", "name the verbs, resources and API group in the `AccessRule`s of `.api_access(..)` instead of `*`"),
    ("rbac-pod-exec", "drop create on `pods/exec` and `pods/attach` from `.api_access(..)`, or waive with `Waiver::new(..)` and a reason"),
    ("rbac-escalate-verbs", "drop `bind`, `escalate` and `impersonate` from `.api_access(..)`, or waive with `Waiver::new(..)` and a reason"),
    ("rbac-nodes-proxy", "drop `nodes/proxy` from `.api_access(..)`"),
    ("rbac-token-create", "drop create on `serviceaccounts/token` from `.api_access(..)`, or waive with `Waiver::new(..)` and a reason"),
    ("host-runtime-socket", "drop the `HostAccess::host_path(..)` of the runtime socket, or waive with `Waiver::new(\"host-runtime-socket\", ..)` and why the agent must control the node's containers"),
    ("sensitive-host-mount", "mount the narrowest host directory the agent needs in `HostAccess::host_path(host_path!(..), ..)` (e.g. `/var/log/pods`, not `/var`), read-only"),
    ("env-literal-secret", "take the value from a Secret: `EnvVar::secret(env_name!(..), Secrets::key())` with an `external_secret!` accessor instead of `EnvVar::literal(..)`"),
    ("ssh-port", "serve on another port than 22 (`port!(..)` of the `NamedPort`)"),
    ("deployment-no-spread", "add `.spread(Spread::AcrossNodes)` (or `Spread::AcrossZones`) to the workload's builder"),
    ("cloud-identity-placeholder", "give the `CloudIdentity` the real role ARN, service account or client id, not a documentation placeholder"),
    ("config-placeholder", "replace the placeholder with the real value in the `ConfigFiles` content, `EnvVar::literal(..)` or the app's `.config(..)`, or read it from an `external_secret!` key"),
    ("oidc-issuer-example-domain", "put the real issuer URL in the `ConfigFiles` content, `EnvVar::literal(..)` or the app's `.config(..)`"),
    ("service-external-load-balancer", "restrict `Exposure::LoadBalancer { source_ranges }` to the clients' ranges, or keep `Exposure::ClusterIp` behind the app's `Ingress`"),
    ("statefulset-ordered-ready", "use `.pod_management(PodManagement::Parallel)` on the stateful workload"),
    ("statefulset-no-spread", "add `.spread(Spread::AcrossNodes)` (or `Spread::AcrossZones`) to the stateful workload's builder"),
    ("prometheus-scrape-annotations", "declare `.metrics(..)` on the workload and the app's `.monitoring(..)` instead of `prometheus.io/*` annotations"),
    ("alert-up-without-absent", "add `or absent(up{..})` to the `AlertRule`'s `expr`"),
    ("alert-error-rate-not-ratio", "divide the 5xx rate by the rate of all requests in the `AlertRule`'s `expr`"),
    ("daemonset-surge-host-port", "use `.update(DaemonUpdate::Rolling { max_unavailable })` for a node agent with host network or a host port"),
    ("host-path-unreadable", "add `HostAccess::run_as_root().reason(reason!(\"reads root-owned files on the node\"))` to the `NodeAgent`'s `.host_access([..])`, or, when the files are world-readable, waive with `Waiver::new(\"host-path-unreadable\", \"DaemonSet\", name, reason)`"),
    ("pre-stop-beyond-grace", "make `.pre_stop(PreStop::Sleep { seconds })` shorter than `.termination_grace_period_seconds(..)` (30 s by default)"),
];

/// Rules whose findings on a declared app come from kairn's checks of the declaration
/// itself (`validate/declaration.rs`, `containers.rs`, `annotations.rs`) or of its
/// waivers: their fixes name model calls already.
pub const DECLARATION_RULES: &[&str] = &[
    "dangling-reference",
    "pod-containers",
    "legacy-sidecar-job",
    "annotation-overridden",
    "waiver-invalid",
    "waiver-unmatched",
    "node-agent-shares-namespace",
    "kept-identity",
];

/// Rules a declaration cannot trigger, each with why: only a `customize` closure, an
/// `ExtraObject` or hand-written YAML can, and there the object fix is the right one.
pub const NOT_FROM_DECLARATIONS: &[(&str, &str)] = &[
    (
        "daemonset-probes-missing",
        "a `NodeAgent` has `.probes(..)` or `.without_probes(reason!(..))`, whose reason kairn records in `kairn.dev/no-probes`",
    ),
    (
        "object-invalid",
        "rendered objects are typed: they always deserialize as their kind",
    ),
    (
        "deprecated-api-version",
        "the renderer writes only API versions served since 1.25",
    ),
    (
        "port-name-format",
        "`port_name!` checks IANA service names at compile time, and every declared port is named",
    ),
    (
        "env-name-format",
        "`env_name!` checks names at compile time",
    ),
    (
        "quantity-format",
        "`cpu!`, `memory!` and `storage!` check quantities at compile time",
    ),
    (
        "volume-mount-undeclared",
        "the renderer adds every volume together with its mount",
    ),
    (
        "namespace-missing",
        "every rendered object gets the app's namespace",
    ),
    (
        "topology-spread-invalid",
        "`Spread` renders only valid constraints",
    ),
    (
        "cronjob-schedule-invalid",
        "`cron!` checks the schedule at compile time (`CronSchedule::parse` at run time)",
    ),
    (
        "netpol-peer-invalid",
        "the renderer derives each peer from a handle: one selector or one ipBlock",
    ),
    ("dns-config-invalid", "`Dns` renders only valid DNS configs"),
    (
        "hpa-behavior-invalid",
        "the renderer sets no autoscaling behaviour",
    ),
    (
        "admission-policy",
        "ValidatingAdmissionPolicies are evaluated only over YAML, by `kairn lint` (`lint::lint`, `--policy`)",
    ),
    (
        "hpa-target-missing",
        "the HorizontalPodAutoscaler is rendered with its own workload",
    ),
    (
        "hpa-missing-requests",
        "`Resources::new` requires CPU and memory requests for every container",
    ),
    (
        "statefulset-service",
        "the headless Service is rendered with its StatefulSet",
    ),
    (
        "rbac-role-missing",
        "each RoleBinding is rendered with its Role",
    ),
    (
        "rbac-subject-missing",
        "each RoleBinding is rendered with its component's ServiceAccount",
    ),
    (
        "rbac-subject-namespace",
        "the renderer names the namespace of every subject",
    ),
    (
        "netpol-dns-missing",
        "every rendered NetworkPolicy allows DNS to kube-dns",
    ),
    (
        "netpol-dns-tcp",
        "every rendered NetworkPolicy allows DNS over UDP and TCP",
    ),
    (
        "netpol-namespace-name-label",
        "the renderer selects namespaces by `kubernetes.io/metadata.name`",
    ),
    (
        "netpol-blocks-peers",
        "the renderer admits a cluster's peers in its NetworkPolicy",
    ),
    (
        "secret-unused",
        "the model renders no Secret: secrets are external (`external_secret!`)",
    ),
    (
        "service-account-unused",
        "each rendered ServiceAccount is the one its component's pods run as",
    ),
    (
        "pss-privileged",
        "the renderer never sets `privileged`; no model value does",
    ),
    (
        "pss-privilege-escalation",
        "the renderer sets `allowPrivilegeEscalation: false` on every container",
    ),
    (
        "pss-seccomp",
        "the renderer sets `seccompProfile: RuntimeDefault` on every pod",
    ),
    ("pss-sysctls", "the model has no sysctls"),
    ("pss-proc-mount", "the model has no procMount"),
    ("pss-apparmor", "the model has no AppArmor profile"),
    ("pss-selinux", "the model has no SELinux options"),
    ("pss-host-process", "the model has no Windows HostProcess"),
    (
        "env-name-portable",
        "`env_name!` accepts portable identifiers only",
    ),
    (
        "read-only-root-filesystem",
        "the renderer makes every root filesystem read-only (`.writable_dirs(..)` for the rest)",
    ),
    (
        "resources-missing",
        "every container's builder requires `Resources`",
    ),
    (
        "replicas-with-hpa",
        "an autoscaled workload is rendered without `spec.replicas`",
    ),
    (
        "deprecated-field",
        "the renderer writes no deprecated field",
    ),
    ("secret-literal-data", "the model renders no Secret"),
    (
        "service-account-token-automount",
        "the renderer disables token mounting unless `.api_access(..)` binds a Role",
    ),
    (
        "pod-token-automount",
        "the renderer mounts a token only with the Role of `.api_access(..)`",
    ),
    (
        "pod-default-service-account",
        "every component runs as a ServiceAccount of its own",
    ),
    (
        "rbac-cluster-admin-binding",
        "the model binds only the Roles it renders",
    ),
    (
        "pdb-unhealthy-eviction-policy",
        "not reported on what kairn renders",
    ),
    (
        "statefulset-headless-not-ready",
        "the renderer publishes not-ready addresses on a cluster's headless Service",
    ),
    (
        "netpol-dns-too-broad",
        "the renderer allows DNS to kube-dns only",
    ),
    ("netpol-missing", "every component gets a NetworkPolicy"),
    (
        "job-ttl-missing",
        "job builders require `.ttl_seconds_after_finished(..)`",
    ),
    (
        "job-backoff-limit-missing",
        "job builders require `.backoff_limit(..)`",
    ),
];

/// The model call that fixes a finding of `rule` on a declared object, if the rule has one.
pub fn dsl_hint(rule: &str) -> Option<&'static str> {
    DSL_HINTS
        .iter()
        .find(|(id, _)| *id == rule)
        .map(|(_, hint)| *hint)
}

/// Puts the model call first in the fix of every finding on an object rendered from
/// the declaration: not on an `ExtraObject`, nor on a field a `customize` closure
/// changed (both are written in Kubernetes terms, so the object fix stays).
pub fn apply(manifests: &[Manifest], report: &mut Report) {
    for f in &mut report.findings {
        let Some(hint) = dsl_hint(f.rule) else {
            continue;
        };
        let declared = manifests.iter().find(|m| {
            m.object.kind() == f.kind
                && m.object.name() == f.name
                && m.object.namespace() == f.namespace.as_deref()
        });
        let Some(m) = declared else {
            continue;
        };
        if m.origin.hand_written || located_at_closure(&m.origin, &f.field) {
            continue;
        }
        f.fix = if f.fix.is_empty() {
            hint.to_owned()
        } else {
            format!("{hint} (in the {}: {})", f.kind, f.fix)
        };
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_rule_has_a_dsl_hint_or_a_reason_for_none() {
        let hinted = DSL_HINTS.iter().map(|(id, _)| *id);
        let unreachable = NOT_FROM_DECLARATIONS.iter().map(|(id, _)| *id);
        let listed: Vec<&str> = hinted
            .chain(DECLARATION_RULES.iter().copied())
            .chain(unreachable)
            .collect();
        for rule in lint::RULES {
            let times = listed.iter().filter(|id| **id == rule.id).count();
            assert_eq!(times, 1, "`{}` must be in exactly one list", rule.id);
        }
        for id in &listed {
            assert!(lint::rule(id).is_some(), "`{id}` is not a registered rule");
        }
        assert_eq!(listed.len(), lint::RULES.len());
        for (id, text) in DSL_HINTS.iter().chain(NOT_FROM_DECLARATIONS) {
            assert!(text.len() > 20, "`{id}` needs a real hint or reason");
        }
        assert!(
            DSL_HINTS.iter().all(|(_, h)| h.contains('`')),
            "hints name a call"
        );
    }
}
