//! Operational and security policy: restricted Pod Security Standard, resources, images,
//! scaling, disruption, probes, deprecations, secrets, identities, exposure, alerts.

use k8s_openapi::api::core::v1::{Container, SecurityContext};
use k8s_openapi::apimachinery::pkg::util::intstr::IntOrString;

use super::wiring::{bound, monitored_services};
use crate::object::Object;
use crate::validate::set::{
    each, each_in_ns, each_named, image_problem, quantity, raw_rules, same_ns, selector_matches,
    RbacRule, Set, Sink, Workload,
};
use crate::validate::source::join_key;

pub(super) fn run(set: &Set<'_>, sink: &mut Sink) {
    for w in &set.workloads {
        pod_security(set, w, sink);
        containers(set, w, sink);
        service_accounts_of_pods(set, w, sink);
        stateful_set(set, w, sink);
    }
    autoscaling(set, sink);
    disruption(set, sink);
    deprecations(set, sink);
    secrets_and_namespaces(set, sink);
    service_accounts(set, sink);
    roles(set, sink);
    exposure(set, sink);
    monitoring(set, sink);
    jobs(set, sink);
}

fn sc_field(f: &str, field: &str) -> String {
    format!("{f}.securityContext.{field}")
}

/// A Pod Security Standard level.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
enum Level {
    Baseline,
    Restricted,
}

impl Level {
    fn as_str(self) -> &'static str {
        match self {
            Level::Baseline => "baseline",
            Level::Restricted => "restricted",
        }
    }
}

/// Capabilities the baseline profile lets a container add.
const BASELINE_CAPABILITIES: &[&str] = &[
    "AUDIT_WRITE",
    "CHOWN",
    "DAC_OVERRIDE",
    "FOWNER",
    "FSETID",
    "KILL",
    "MKNOD",
    "NET_BIND_SERVICE",
    "SETFCAP",
    "SETGID",
    "SETPCAP",
    "SETUID",
    "SYS_CHROOT",
];

/// Reports Pod Security findings: errors where the set shows that the namespace enforces
/// the level a check belongs to (Pod Security Admission rejects the pods there), warnings
/// elsewhere.
struct Pss<'s> {
    w_idx: usize,
    ns: Option<&'s str>,
    /// The level enforced on the pods' namespace, if the set shows one.
    enforced: Option<Level>,
    /// A declared app: its own standard is restricted.
    complete: bool,
}

impl Pss<'_> {
    fn new<'s>(set: &'s Set<'_>, w: &'s Workload<'_>) -> Pss<'s> {
        let enforced = if set.ctx.complete {
            Some(Level::Restricted)
        } else {
            w.ns.and_then(|ns| set.namespace_labels(ns))
                .and_then(|l| l.get("pod-security.kubernetes.io/enforce"))
                .and_then(|v| match v.as_str() {
                    "restricted" => Some(Level::Restricted),
                    "baseline" => Some(Level::Baseline),
                    _ => None,
                })
        };
        Pss {
            w_idx: w.idx,
            ns: w.ns,
            enforced,
            complete: set.ctx.complete,
        }
    }

    fn add(
        &self,
        sink: &mut Sink,
        level: Level,
        rule: &'static str,
        field: String,
        message: String,
        fix: impl Into<String>,
    ) {
        let ns = self.ns.unwrap_or("the current context's namespace");
        let error = self.enforced.is_some_and(|e| e >= level);
        let message = match (self.complete, error) {
            (true, _) => message,
            (false, true) => format!(
                "{message}; namespace `{ns}` enforces the {} Pod Security Standard, so the API server rejects these pods",
                self.enforced.map_or("", Level::as_str)
            ),
            (false, false) => format!(
                "{message}; the {} Pod Security Standard forbids this (a hardening gap, not a rejection: no Namespace in the set enforces it on `{ns}`)",
                level.as_str()
            ),
        };
        sink.add(self.w_idx, rule, field, message, fix);
        if !error {
            sink.as_warning();
        }
    }
}

fn pod_security(set: &Set<'_>, w: &Workload<'_>, sink: &mut Sink) {
    let pss = Pss::new(set, w);
    let spec = &w.spec;
    let p = w.prefix;
    let pod_sc = spec.security_context.as_ref();
    for (flag, name) in [
        (spec.host_network, "hostNetwork"),
        (spec.host_pid, "hostPID"),
        (spec.host_ipc, "hostIPC"),
    ] {
        if flag == Some(true) {
            pss.add(
                sink,
                Level::Baseline,
                "pss-host-namespaces",
                format!("{p}.{name}"),
                format!("the pod sets {name}: true"),
                format!("remove {name}"),
            );
        }
    }
    const ALLOWED: [&str; 8] = [
        "configMap",
        "csi",
        "downwardAPI",
        "emptyDir",
        "ephemeral",
        "persistentVolumeClaim",
        "projected",
        "secret",
    ];
    for (j, v) in spec.volumes.iter().flatten().enumerate() {
        let allowed = v.config_map.is_some()
            || v.csi.is_some()
            || v.downward_api.is_some()
            || v.empty_dir.is_some()
            || v.ephemeral.is_some()
            || v.persistent_volume_claim.is_some()
            || v.projected.is_some()
            || v.secret.is_some();
        if allowed {
            continue;
        }
        let value = serde_json::to_value(v).unwrap_or_default();
        let types: Vec<String> = value
            .as_object()
            .into_iter()
            .flat_map(|m| m.keys())
            .filter(|k| *k != "name")
            .cloned()
            .collect();
        if let Some(bad) = types.iter().find(|t| !ALLOWED.contains(&t.as_str())) {
            let level = if bad == "hostPath" {
                Level::Baseline
            } else {
                Level::Restricted
            };
            pss.add(
                sink,
                level,
                "pss-volume-types",
                format!("{p}.volumes[{j}].{bad}"),
                format!(
                    "volume `{}` is of type {bad}, which the restricted profile forbids",
                    v.name
                ),
                "use a persistentVolumeClaim, emptyDir, configMap, secret or projected volume",
            );
        }
    }
    let pod_non_root = pod_sc.and_then(|s| s.run_as_non_root);
    let pod_seccomp = pod_sc
        .and_then(|s| s.seccomp_profile.as_ref())
        .map(|s| s.type_.as_str());
    if pod_sc.and_then(|s| s.run_as_user) == Some(0) {
        pss.add(
            sink,
            Level::Restricted,
            "pss-run-as-non-root",
            format!("{p}.securityContext.runAsUser"),
            "the pod runs as UID 0 (root)".to_owned(),
            "run as a non-zero UID",
        );
    }
    if let Some(t) = pod_seccomp.filter(|t| *t != "RuntimeDefault" && *t != "Localhost") {
        pss.add(
            sink,
            Level::Baseline,
            "pss-seccomp",
            format!("{p}.securityContext.seccompProfile.type"),
            format!("seccomp profile `{t}` is not allowed"),
            "use RuntimeDefault",
        );
    }
    for (f, c) in w.containers() {
        let sc: Option<&SecurityContext> = c.security_context.as_ref();
        let name = &c.name;
        if sc.and_then(|s| s.privileged) == Some(true) {
            pss.add(
                sink,
                Level::Baseline,
                "pss-privileged",
                sc_field(&f, "privileged"),
                format!("container `{name}` is privileged"),
                "remove privileged: true",
            );
        }
        for (j, port) in c.ports.iter().flatten().enumerate() {
            if port.host_port.is_some_and(|h| h != 0) {
                pss.add(
                    sink,
                    Level::Baseline,
                    "pss-host-ports",
                    format!("{f}.ports[{j}].hostPort"),
                    format!(
                        "container `{name}` binds host port {}",
                        port.host_port.unwrap_or_default()
                    ),
                    "remove hostPort and expose the port through a Service",
                );
            }
        }
        if sc.and_then(|s| s.allow_privilege_escalation) != Some(false) {
            pss.add(
                sink,
                Level::Restricted,
                "pss-privilege-escalation",
                sc_field(&f, "allowPrivilegeEscalation"),
                format!("container `{name}` does not set allowPrivilegeEscalation: false"),
                "set securityContext.allowPrivilegeEscalation: false",
            );
        }
        let caps = sc.and_then(|s| s.capabilities.as_ref());
        let drops_all = caps
            .and_then(|c| c.drop.as_ref())
            .is_some_and(|d| d.iter().any(|x| x == "ALL"));
        let bad_adds: Vec<&String> = caps
            .and_then(|c| c.add.as_ref())
            .into_iter()
            .flatten()
            .filter(|a| a.as_str() != "NET_BIND_SERVICE")
            .collect();
        if !drops_all {
            pss.add(
                sink,
                Level::Restricted,
                "pss-capabilities",
                sc_field(&f, "capabilities.drop"),
                format!("container `{name}` does not drop ALL capabilities"),
                "set securityContext.capabilities.drop: [ALL]",
            );
        }
        if !bad_adds.is_empty() {
            let level = if bad_adds
                .iter()
                .all(|a| BASELINE_CAPABILITIES.contains(&a.as_str()))
            {
                Level::Restricted
            } else {
                Level::Baseline
            };
            pss.add(
                sink,
                level,
                "pss-capabilities",
                sc_field(&f, "capabilities.add"),
                format!(
                    "container `{name}` adds {}",
                    bad_adds
                        .iter()
                        .map(|s| s.as_str())
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
                "add no capability other than NET_BIND_SERVICE",
            );
        }
        let non_root = sc.and_then(|s| s.run_as_non_root).or(pod_non_root);
        if non_root != Some(true) {
            pss.add(sink, Level::Restricted, "pss-run-as-non-root", sc_field(&f, "runAsNonRoot"), format!("container `{name}` may run as root: runAsNonRoot is not true on the container or the pod"), "set securityContext.runAsNonRoot: true (and a non-zero runAsUser) on the pod");
        }
        if sc.and_then(|s| s.run_as_user) == Some(0) {
            pss.add(
                sink,
                Level::Restricted,
                "pss-run-as-non-root",
                sc_field(&f, "runAsUser"),
                format!("container `{name}` runs as UID 0 (root)"),
                "run as a non-zero UID",
            );
        }
        let seccomp = sc
            .and_then(|s| s.seccomp_profile.as_ref())
            .map(|s| s.type_.as_str())
            .or(pod_seccomp);
        match seccomp {
            None => pss.add(
                sink,
                Level::Restricted,
                "pss-seccomp",
                sc_field(&f, "seccompProfile"),
                format!("container `{name}` has no seccomp profile on the container or the pod"),
                "set securityContext.seccompProfile.type: RuntimeDefault on the pod",
            ),
            Some(t)
                if t != "RuntimeDefault"
                    && t != "Localhost"
                    && sc.and_then(|s| s.seccomp_profile.as_ref()).is_some() =>
            {
                pss.add(
                    sink,
                    Level::Baseline,
                    "pss-seccomp",
                    sc_field(&f, "seccompProfile.type"),
                    format!("container `{name}` uses seccomp profile `{t}`"),
                    "use RuntimeDefault",
                )
            }
            _ => {}
        }
        if sc.and_then(|s| s.read_only_root_filesystem) != Some(true) {
            sink.add(
                w.idx,
                "read-only-root-filesystem",
                sc_field(&f, "readOnlyRootFilesystem"),
                format!("container `{name}` can write to its root filesystem"),
                "set readOnlyRootFilesystem: true and mount emptyDir volumes where it must write",
            );
        }
    }
}

fn resources(w: &Workload<'_>, f: &str, c: &Container, sink: &mut Sink) {
    let r = c.resources.as_ref();
    let get = |part: &str, res: &str| {
        let map = match part {
            "requests" => r.and_then(|r| r.requests.as_ref()),
            _ => r.and_then(|r| r.limits.as_ref()),
        };
        map.and_then(|m| m.get(res))
    };
    let missing: Vec<String> = [
        ("requests", "cpu"),
        ("requests", "memory"),
        ("limits", "cpu"),
        ("limits", "memory"),
    ]
    .iter()
    .filter(|(p, res)| get(p, res).is_none())
    .map(|(p, res)| format!("{p}.{res}"))
    .collect();
    if !missing.is_empty() {
        sink.add(
            w.idx,
            "resources-missing",
            format!("{f}.resources"),
            format!("container `{}` sets no {}", c.name, missing.join(", ")),
            "set CPU and memory requests (what the scheduler reserves) and limits (the ceiling)",
        );
    }
    for res in ["cpu", "memory"] {
        let (Some(req), Some(lim)) = (get("requests", res), get("limits", res)) else {
            continue;
        };
        if let (Some(a), Some(b)) = (quantity(&req.0), quantity(&lim.0)) {
            if a > b {
                sink.add(w.idx, "requests-exceed-limits", format!("{f}.resources.requests.{res}"), format!("container `{}` requests {} {res} but is limited to {}; the API server rejects this", c.name, req.0, lim.0), "lower the request or raise the limit");
            }
        }
    }
}

fn containers(set: &Set<'_>, w: &Workload<'_>, sink: &mut Sink) {
    let dev = set.ctx.environment.as_deref() == Some("development");
    for (f, c) in w.containers() {
        resources(w, &f, c, sink);
        if let Some(image) = c.image.as_deref().filter(|i| !i.trim().is_empty()) {
            if let Some(problem) = image_problem(image).filter(|_| !dev) {
                sink.add(w.idx, "image-latest", format!("{f}.image"), format!("image `{image}` {problem}; each pull may run a different build, and members of one workload can run different versions"), "pin a version tag or a digest (@sha256:...)");
            }
        }
        let main = f.contains(".containers[");
        if w.serving && main && c.liveness_probe.is_some() && c.readiness_probe.is_none() {
            sink.add(w.idx, "liveness-without-readiness", format!("{f}.readinessProbe"), format!("container `{}` has a liveness probe but no readiness probe, so it receives traffic before it can serve", c.name), "add a readiness probe");
        }
    }
    if w.hpa.is_some() && w.replicas.is_some() {
        sink.add(w.idx, "replicas-with-hpa", "spec.replicas", format!("spec.replicas is {} although a HorizontalPodAutoscaler manages this {}; every apply resets the scale", w.replicas.unwrap_or_default(), w.kind), "omit spec.replicas when an autoscaler targets the workload");
    }
    if let Some(sa) = w.spec.service_account.as_deref().filter(|s| !s.is_empty()) {
        sink.add(
            w.idx,
            "deprecated-field",
            format!("{}.serviceAccount", w.prefix),
            format!("serviceAccount `{sa}` is the deprecated alias of serviceAccountName"),
            "use serviceAccountName",
        );
    }
}

fn service_accounts_of_pods(set: &Set<'_>, w: &Workload<'_>, sink: &mut Sink) {
    let name = w.service_account();
    let p = w.prefix;
    if name == "default" {
        sink.add(w.idx, "pod-default-service-account", format!("{p}.serviceAccountName"), format!("the pods of {} `{}` run as the namespace's default ServiceAccount, shared with everything else in it", w.kind, w.name), "give the workload its own ServiceAccount");
    }
    let sa = each_named!(set, ServiceAccount, w.ns, name).find(|(i, a)| {
        a.metadata.name.as_deref() == Some(name) && same_ns(set.items[*i].namespace, w.ns)
    });
    let mounts = w
        .spec
        .automount_service_account_token
        .or(sa.and_then(|(_, a)| a.automount_service_account_token))
        .unwrap_or(true);
    if mounts && !bound(set, name, w.ns) {
        sink.add(w.idx, "pod-token-automount", format!("{p}.automountServiceAccountToken"), format!("the pods mount an API token for ServiceAccount `{name}`, which has no RBAC binding in the set, so the token is never needed"), "set automountServiceAccountToken: false on the pod spec (and the ServiceAccount)");
    }
}

fn stateful_set(set: &Set<'_>, w: &Workload<'_>, sink: &mut Sink) {
    let Some(Object::StatefulSet(s)) = set.items[w.idx].object else {
        return;
    };
    let Some(spec) = &s.spec else { return };
    if w.max <= 1 {
        return;
    }
    let ready = w
        .spec
        .containers
        .iter()
        .any(|c| c.readiness_probe.is_some());
    if ready
        && spec
            .pod_management_policy
            .as_deref()
            .unwrap_or("OrderedReady")
            == "OrderedReady"
    {
        sink.add(w.idx, "statefulset-ordered-ready", "spec.podManagementPolicy", "pods start one at a time and each waits for the previous one to be Ready; if readiness needs a quorum, member 0 never becomes Ready and the rest are never created", "set podManagementPolicy: Parallel for quorum-based clusters");
    }
    let affinity = w
        .spec
        .affinity
        .as_ref()
        .and_then(|a| a.pod_anti_affinity.as_ref())
        .is_some_and(|a| {
            a.required_during_scheduling_ignored_during_execution
                .as_ref()
                .is_some_and(|v| !v.is_empty())
                || a.preferred_during_scheduling_ignored_during_execution
                    .as_ref()
                    .is_some_and(|v| !v.is_empty())
        });
    let spread = w
        .spec
        .topology_spread_constraints
        .as_ref()
        .is_some_and(|v| !v.is_empty());
    if !affinity && !spread {
        sink.add(w.idx, "statefulset-no-spread", format!("{}.affinity", w.prefix), format!("nothing keeps the {} members apart, so they can all land on one node and one node failure loses the whole cluster", w.max), "add a podAntiAffinity on kubernetes.io/hostname or a topologySpreadConstraint");
    }
    let svc_name = spec.service_name.as_deref().unwrap_or_default();
    if let Some((si, svc)) = each_named!(set, Service, w.ns, svc_name).find(|(i, sv)| {
        sv.metadata.name.as_deref() == Some(svc_name) && same_ns(set.items[*i].namespace, w.ns)
    }) {
        let s = svc.spec.as_ref();
        if s.and_then(|s| s.cluster_ip.as_deref()) == Some("None")
            && s.and_then(|s| s.publish_not_ready_addresses) != Some(true)
        {
            sink.add(si, "statefulset-headless-not-ready", "spec.publishNotReadyAddresses", format!("members of StatefulSet `{}` resolve each other through this Service only once Ready, but they usually become Ready only after the cluster has formed", w.name), "set publishNotReadyAddresses: true on the peer-discovery Service");
        }
    }
}

fn autoscaling(set: &Set<'_>, sink: &mut Sink) {
    for (i, h) in each!(set, HorizontalPodAutoscaler) {
        let Some(spec) = &h.spec else { continue };
        let min = spec.min_replicas.unwrap_or(1);
        if min < 1 || spec.max_replicas < 1 || min > spec.max_replicas {
            sink.add(
                i,
                "hpa-min-max",
                "spec.minReplicas",
                format!(
                    "minReplicas {min} and maxReplicas {} are not a valid range",
                    spec.max_replicas
                ),
                "use 1 <= minReplicas <= maxReplicas",
            );
        }
    }
}

fn percent(s: &str) -> Option<i32> {
    s.strip_suffix('%').and_then(|n| n.parse().ok())
}

fn disruption(set: &Set<'_>, sink: &mut Sink) {
    for (i, p) in each!(set, PodDisruptionBudget) {
        let Some(spec) = &p.spec else { continue };
        let Some(sel) = &spec.selector else { continue };
        let selected = set.selected_by(sel, set.items[i].namespace);
        let serving: Vec<_> = selected.iter().filter(|w| w.serving).collect();
        if serving.is_empty() {
            continue;
        }
        let fewest = serving.iter().map(|w| w.min).min().unwrap_or(1);
        let blocks = match (&spec.min_available, &spec.max_unavailable) {
            (Some(IntOrString::Int(n)), _) => (*n >= fewest).then(|| format!("minAvailable {n} is at least the {fewest} replica(s) the workload can run with")),
            (Some(IntOrString::String(s)), _) => (percent(s) == Some(100)).then(|| "minAvailable is 100%".to_owned()),
            (None, Some(IntOrString::Int(0))) => Some("maxUnavailable is 0".to_owned()),
            (None, Some(IntOrString::String(s))) => (percent(s) == Some(0)).then(|| "maxUnavailable is 0%".to_owned()),
            _ => None,
        };
        if let Some(why) = blocks {
            sink.add(i, "pdb-blocks-eviction", if spec.min_available.is_some() { "spec.minAvailable" } else { "spec.maxUnavailable" }, format!("{why}, so no pod can ever be evicted and node drains hang"), "allow at least one disruption: minAvailable below the minimum replicas, or maxUnavailable: 1");
        }
    }
    for w in set
        .workloads
        .iter()
        .filter(|w| matches!(w.kind, "Deployment" | "StatefulSet") && w.max > 1)
    {
        let covered = each_in_ns!(set, PodDisruptionBudget, w.ns).any(|(i, p)| {
            same_ns(set.items[i].namespace, w.ns)
                && p.spec
                    .as_ref()
                    .and_then(|s| s.selector.as_ref())
                    .is_some_and(|s| selector_matches(s, &w.labels))
        });
        if !covered {
            sink.add(w.idx, "pdb-missing", "spec.template.metadata.labels", format!("no PodDisruptionBudget covers the {} replicas of {} `{}`, so a node drain may evict them all at once", w.max, w.kind, w.name), "add a PodDisruptionBudget, e.g. maxUnavailable: 1");
        }
    }
}

/// `(annotation or prefix ending in '/', replacement)`.
const DEPRECATED_ANNOTATIONS: &[(&str, &str)] = &[
    ("kubernetes.io/ingress.class", "spec.ingressClassName"),
    (
        "seccomp.security.alpha.kubernetes.io/pod",
        "securityContext.seccompProfile",
    ),
    (
        "container.seccomp.security.alpha.kubernetes.io/",
        "securityContext.seccompProfile",
    ),
    (
        "container.apparmor.security.beta.kubernetes.io/",
        "securityContext.appArmorProfile",
    ),
    (
        "scheduler.alpha.kubernetes.io/critical-pod",
        "priorityClassName",
    ),
    (
        "service.alpha.kubernetes.io/tolerate-unready-endpoints",
        "spec.publishNotReadyAddresses",
    ),
    (
        "volume.beta.kubernetes.io/storage-class",
        "spec.storageClassName",
    ),
];

fn deprecated_annotation(key: &str) -> Option<&'static str> {
    DEPRECATED_ANNOTATIONS
        .iter()
        .find(|(a, _)| {
            if a.ends_with('/') {
                key.starts_with(a)
            } else {
                key == *a
            }
        })
        .map(|(_, r)| *r)
}

fn deprecations(set: &Set<'_>, sink: &mut Sink) {
    for (i, item) in set.items.iter().enumerate() {
        let Some(object) = item.object else { continue };
        let mut annotations: Vec<(String, &String)> = object
            .metadata()
            .annotations
            .iter()
            .flatten()
            .map(|(k, _)| (join_key("metadata.annotations", k), k))
            .collect();
        if let Some(w) = set.workload_at(i) {
            let template = match object {
                Object::Deployment(d) => d.spec.as_ref().and_then(|s| s.template.metadata.as_ref()),
                Object::StatefulSet(d) => {
                    d.spec.as_ref().and_then(|s| s.template.metadata.as_ref())
                }
                Object::Job(d) => d.spec.as_ref().and_then(|s| s.template.metadata.as_ref()),
                _ => None,
            };
            let _ = w;
            annotations.extend(
                template
                    .iter()
                    .flat_map(|m| m.annotations.iter().flatten())
                    .map(|(k, _)| (join_key("spec.template.metadata.annotations", k), k)),
            );
        }
        for (field, key) in annotations {
            if let Some(replacement) = deprecated_annotation(key) {
                let extra = match object {
                    Object::Ingress(ing)
                        if ing
                            .spec
                            .as_ref()
                            .is_none_or(|s| s.ingress_class_name.is_none()) =>
                    {
                        " (and spec.ingressClassName is not set)"
                    }
                    _ => "",
                };
                sink.add(
                    i,
                    "deprecated-annotation",
                    field,
                    format!("annotation `{key}` is deprecated and may be ignored{extra}"),
                    format!("use {replacement} instead"),
                );
            }
        }
        if let Object::Service(s) = object {
            if s.spec
                .as_ref()
                .and_then(|s| s.load_balancer_ip.as_deref())
                .is_some_and(|ip| !ip.is_empty())
            {
                sink.add(
                    i,
                    "deprecated-field",
                    "spec.loadBalancerIP",
                    "spec.loadBalancerIP is deprecated and ignored by some providers",
                    "use the provider's annotation for a static IP",
                );
            }
        }
    }
}

fn secrets_and_namespaces(set: &Set<'_>, sink: &mut Sink) {
    for (i, s) in each!(set, Secret) {
        if s.type_.as_deref() == Some("kubernetes.io/service-account-token") {
            continue;
        }
        let keys: Vec<&String> = s
            .data
            .iter()
            .flat_map(|d| d.keys())
            .chain(s.string_data.iter().flat_map(|d| d.keys()))
            .collect();
        if !keys.is_empty() {
            let field = if s.string_data.as_ref().is_some_and(|d| !d.is_empty()) {
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
        if enforce.map(String::as_str) != Some("restricted") {
            let why = match enforce {
                Some(level) => format!("Pod Security Admission enforces only `{level}`"),
                None => "there is no pod-security.kubernetes.io/enforce label, so Pod Security Admission enforces nothing".to_owned(),
            };
            sink.add(i, "namespace-pss-not-enforced", "metadata.labels", why, "label the namespace pod-security.kubernetes.io/enforce: restricted (and audit/warn)");
        }
    }
}

fn service_accounts(set: &Set<'_>, sink: &mut Sink) {
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
                && crate::model::storage::AWS_DOCUMENTATION_ACCOUNTS
                    .iter()
                    .any(|a| v.contains(&format!("::{a}:")));
            let marker = super::placeholder::placeholder(v);
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

fn roles(set: &Set<'_>, sink: &mut Sink) {
    let check = |i: usize, field: String, rule: &RbacRule, cluster: bool, sink: &mut Sink| {
        let (groups, resources, verbs, names) = rule;
        let core = groups.iter().any(|g| g.is_empty() || g == "*");
        let secrets = resources.iter().any(|r| r == "secrets" || r == "*");
        let bad: Vec<&str> = verbs
            .iter()
            .map(String::as_str)
            .filter(|v| matches!(*v, "list" | "watch" | "*"))
            .collect();
        // resourceNames limits the rule to the Secrets it names.
        if core && secrets && !bad.is_empty() && names.is_empty() {
            let scope = if cluster {
                "every Secret in every namespace it is bound for (all of them through a ClusterRoleBinding)"
            } else {
                "every Secret in the namespace"
            };
            sink.add(i, "rbac-secrets-read", field, format!("grants {} on Secrets: whoever runs as a subject of its bindings can read the contents of {scope}, so a compromised pod leaks them all (often needed by controllers, e.g. an ingress controller reading TLS Secrets)", bad.join(", ")), "grant only get with resourceNames for the Secrets needed, or accept the risk with a waiver that says why the controller needs it");
        }
    };
    for (i, r) in each!(set, Role) {
        let name = r.metadata.name.as_deref().unwrap_or_default();
        for (j, rule) in set
            .role_rules("Role", name, set.items[i].namespace)
            .unwrap_or_default()
            .iter()
            .enumerate()
        {
            check(i, format!("rules[{j}]"), rule, false, sink);
        }
    }
    for (i, item) in set.items.iter().enumerate() {
        let Some(doc) = item
            .doc
            .filter(|d| d.kind == "ClusterRole" && d.object.is_none())
        else {
            continue;
        };
        for (j, rule) in raw_rules(&doc.value).iter().enumerate() {
            check(i, format!("rules[{j}]"), rule, true, sink);
        }
    }
}

const INTERNAL_LB: &[(&str, &str)] = &[
    ("service.beta.kubernetes.io/aws-load-balancer-internal", ""),
    (
        "service.beta.kubernetes.io/aws-load-balancer-scheme",
        "internal",
    ),
    ("networking.gke.io/load-balancer-type", "Internal"),
    ("cloud.google.com/load-balancer-type", "Internal"),
    (
        "service.beta.kubernetes.io/azure-load-balancer-internal",
        "true",
    ),
    (
        "service.beta.kubernetes.io/oci-load-balancer-internal",
        "true",
    ),
];

fn exposure(set: &Set<'_>, sink: &mut Sink) {
    for (i, svc) in each!(set, Service) {
        let Some(spec) = &svc.spec else { continue };
        if spec.type_.as_deref() != Some("LoadBalancer") {
            continue;
        }
        let annotations = svc.metadata.annotations.as_ref();
        let internal = INTERNAL_LB.iter().any(|(k, v)| {
            annotations
                .and_then(|a| a.get(*k))
                .is_some_and(|x| v.is_empty() || x.eq_ignore_ascii_case(v))
        });
        let ranges = spec
            .load_balancer_source_ranges
            .as_ref()
            .is_some_and(|r| !r.is_empty() && !r.iter().any(|c| c == "0.0.0.0/0"));
        if !internal && !ranges {
            sink.add(i, "service-external-load-balancer", "spec.type", "the pods are exposed to the internet on a public load balancer with no source ranges: every port of the Service is reachable from anywhere, so the pods must do their own TLS and authentication (often the point, e.g. for an ingress controller)", "if it should not be public: restrict loadBalancerSourceRanges, use an internal load balancer, or use ClusterIP behind an Ingress or Gateway");
        }
    }
}

fn monitoring(set: &Set<'_>, sink: &mut Sink) {
    // Services some ServiceMonitor selects, computed once when first needed.
    let mut selected: Option<std::collections::BTreeSet<usize>> = None;
    for (i, svc) in each!(set, Service) {
        let Some(a) = &svc.metadata.annotations else {
            continue;
        };
        let keys: Vec<&String> = a
            .keys()
            .filter(|k| k.starts_with("prometheus.io/"))
            .collect();
        if keys.is_empty() {
            continue;
        }
        let monitored = selected
            .get_or_insert_with(|| {
                each!(set, ServiceMonitor)
                    .flat_map(|(m, sm)| monitored_services(set, m, sm))
                    .map(|(s, _)| s)
                    .collect()
            })
            .contains(&i);
        if !monitored {
            sink.add(i, "prometheus-scrape-annotations", join_key("metadata.annotations", keys[0]), "prometheus.io/* annotations only work with an annotation-driven scrape configuration; the Prometheus Operator ignores them and no ServiceMonitor selects this Service", "add a ServiceMonitor for the metrics port and drop the annotations");
        }
    }
    for (i, r) in each!(set, PrometheusRule) {
        for (g, group) in r.spec.groups.iter().enumerate() {
            for (j, rule) in group.rules.iter().enumerate() {
                let Some(alert) = rule.alert.as_deref() else {
                    // A recording rule.
                    continue;
                };
                let expr = rule.expr_text().replace(' ', "");
                let field = format!("spec.groups[{g}].rules[{j}].expr");
                let on_up = expr.starts_with("up{")
                    || expr.contains("(up{")
                    || expr.contains(" up{")
                    || expr.starts_with("up==");
                if on_up
                    && (expr.contains("==0") || expr.contains("<1"))
                    && !expr.contains("absent(")
                {
                    sink.add(i, "alert-up-without-absent", field.clone(), format!("alert `{alert}` tests up == 0, which never fires when the target disappears (no pods, or the scrape selects nothing) because the series is then absent"), "add `or absent(up{...})`");
                }
                let five_xx =
                    expr.contains("\"5..\"") || expr.contains("=~\"5") || expr.contains("=~'5");
                if five_xx
                    && (expr.contains("rate(") || expr.contains("increase("))
                    && !expr.contains('/')
                {
                    sink.add(i, "alert-error-rate-not-ratio", field, format!("alert `{alert}` compares an absolute rate of 5xx responses to a threshold per series; it is not an error ratio"), "divide sum(rate(5xx)) by sum(rate(all requests))");
                }
            }
        }
    }
}

fn jobs(set: &Set<'_>, sink: &mut Sink) {
    for (i, j) in each!(set, Job) {
        let Some(spec) = &j.spec else { continue };
        if spec.ttl_seconds_after_finished.is_none() {
            sink.add(
                i,
                "job-ttl-missing",
                "spec.ttlSecondsAfterFinished",
                "finished Jobs and their pods are never cleaned up",
                "set ttlSecondsAfterFinished",
            );
        }
        if spec.backoff_limit.is_none() {
            sink.add(
                i,
                "job-backoff-limit-missing",
                "spec.backoffLimit",
                "the default backoffLimit retries a failing Job 6 times",
                "set an explicit backoffLimit (and activeDeadlineSeconds)",
            );
        }
    }
}
