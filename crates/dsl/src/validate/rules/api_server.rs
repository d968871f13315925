//! What the API server rejects although every field has the right type: checks of
//! Kubernetes 1.33 `pkg/apis/{core,apps,batch,networking,autoscaling}/validation` that
//! the typed schema cannot express (value ranges, combinations of fields, grammars).
//! Each message names the validation it follows.

use k8s_openapi::api::core::v1::{Affinity, NodeSelectorTerm, PodDNSConfig, Toleration};
use k8s_openapi::api::networking::v1::IngressBackend;
use k8s_openapi::apimachinery::pkg::util::intstr::IntOrString;
use serde_json::Value;

use super::addr::{cidr, ip, strict_subset};
use super::cron::schedule_problem;
use crate::validate::set::{dns_subdomain, each, label_value, qualified_name, Set, Sink, Workload};

pub(super) fn run(set: &Set<'_>, sink: &mut Sink) {
    for w in &set.workloads {
        topology_spread(w, sink);
        init_containers(w, sink);
        tolerations(w, sink);
        affinity(w, sink);
        dns_config(w, sink);
    }
    rollouts(set, sink);
    cron_jobs(set, sink);
    network_policies(set, sink);
    ingresses(set, sink);
    services(set, sink);
    autoscalers(set, sink);
}

/// `validateTopologySpreadConstraints`.
fn topology_spread(w: &Workload<'_>, sink: &mut Sink) {
    let p = w.prefix;
    let constraints = w
        .spec
        .topology_spread_constraints
        .as_deref()
        .unwrap_or_default();
    for (i, c) in constraints.iter().enumerate() {
        let f = format!("{p}.topologySpreadConstraints[{i}]");
        let mut bad = |field: &str, why: String, fix: &str| {
            sink.add(
                w.idx,
                "topology-spread-invalid",
                format!("{f}.{field}"),
                format!("topology spread constraint {i}: {why}; the API server rejects the pod template (validateTopologySpreadConstraints)"),
                fix,
            );
        };
        if c.max_skew < 1 {
            bad(
                "maxSkew",
                format!("maxSkew {} must be greater than zero", c.max_skew),
                "set maxSkew to 1 or more",
            );
        }
        if c.topology_key.is_empty() {
            bad(
                "topologyKey",
                "topologyKey is required".to_owned(),
                "set topologyKey, e.g. topology.kubernetes.io/zone",
            );
        } else if let Some(e) = qualified_name(&c.topology_key) {
            bad(
                "topologyKey",
                format!("topologyKey `{}`: {e}", c.topology_key),
                "use a label key",
            );
        }
        let when = c.when_unsatisfiable.as_str();
        if !matches!(when, "DoNotSchedule" | "ScheduleAnyway") {
            bad(
                "whenUnsatisfiable",
                format!("whenUnsatisfiable `{when}` is not supported"),
                "use DoNotSchedule or ScheduleAnyway",
            );
        }
        if let Some(m) = c.min_domains {
            if m < 1 {
                bad(
                    "minDomains",
                    format!("minDomains {m} must be greater than 0"),
                    "set minDomains to 1 or more, or remove it",
                );
            } else if when != "DoNotSchedule" {
                bad(
                    "minDomains",
                    format!("minDomains can only be used with whenUnsatisfiable: DoNotSchedule, not `{when}`"),
                    "remove minDomains or use whenUnsatisfiable: DoNotSchedule",
                );
            }
        }
        for (field, v) in [
            ("nodeAffinityPolicy", &c.node_affinity_policy),
            ("nodeTaintsPolicy", &c.node_taints_policy),
        ] {
            if let Some(v) = v.as_deref().filter(|v| !matches!(*v, "Honor" | "Ignore")) {
                bad(
                    field,
                    format!("{field} `{v}` is not supported"),
                    "use Honor or Ignore",
                );
            }
        }
        if constraints[i + 1..].iter().any(|o| {
            o.topology_key == c.topology_key && o.when_unsatisfiable == c.when_unsatisfiable
        }) {
            bad(
                "topologyKey",
                format!(
                    "another constraint repeats the pair (topologyKey `{}`, whenUnsatisfiable `{when}`)",
                    c.topology_key
                ),
                "merge the constraints: each (topologyKey, whenUnsatisfiable) pair may appear once",
            );
        }
    }
}

/// `validateInitContainers`: probes and lifecycle hooks only on sidecars
/// (`restartPolicy: Always`); `validateContainers`: no restartPolicy on app containers.
fn init_containers(w: &Workload<'_>, sink: &mut Sink) {
    let p = w.prefix;
    for (i, c) in w.spec.init_containers.iter().flatten().enumerate() {
        let f = format!("{p}.initContainers[{i}]");
        match c.restart_policy.as_deref() {
            Some("Always") => continue,
            Some(r) => {
                sink.add(w.idx, "init-container-probe", format!("{f}.restartPolicy"), format!("init container `{}` has restartPolicy `{r}`: only Always (a sidecar) is allowed on a container (validateInitContainers)", c.name), "remove restartPolicy, or set Always to make it a sidecar");
                continue;
            }
            None => {}
        }
        for (field, set) in [
            ("livenessProbe", c.liveness_probe.is_some()),
            ("readinessProbe", c.readiness_probe.is_some()),
            ("startupProbe", c.startup_probe.is_some()),
            ("lifecycle", c.lifecycle.is_some()),
        ] {
            if set {
                sink.add(w.idx, "init-container-probe", format!("{f}.{field}"), format!("init container `{}` sets {field}, which may not be set for init containers without restartPolicy: Always; the API server rejects the pod template (validateInitContainers)", c.name), format!("remove {field}, or set restartPolicy: Always to run it as a sidecar"));
            }
        }
    }
    for (i, c) in w.spec.containers.iter().enumerate() {
        if let Some(r) = &c.restart_policy {
            sink.add(w.idx, "init-container-probe", format!("{p}.containers[{i}].restartPolicy"), format!("container `{}` sets restartPolicy `{r}`, which only init containers may set (validateContainers)", c.name), "remove restartPolicy from the container (the pod's restartPolicy applies)");
        }
    }
}

/// `validateTolerations`.
fn tolerations(w: &Workload<'_>, sink: &mut Sink) {
    for (i, t) in w.spec.tolerations.iter().flatten().enumerate() {
        let f = format!("{}.tolerations[{i}]", w.prefix);
        for (field, why, fix) in toleration_problems(t) {
            sink.add(
                w.idx,
                "toleration-invalid",
                format!("{f}.{field}"),
                format!("toleration {i}: {why} (validateTolerations)"),
                fix,
            );
        }
    }
}

fn toleration_problems(t: &Toleration) -> Vec<(&'static str, String, &'static str)> {
    let mut out = Vec::new();
    let key = t.key.as_deref().unwrap_or_default();
    let op = t.operator.as_deref().unwrap_or_default();
    let effect = t.effect.as_deref().unwrap_or_default();
    let value = t.value.as_deref().unwrap_or_default();
    if !key.is_empty() {
        if let Some(e) = qualified_name(key) {
            out.push(("key", format!("key `{key}`: {e}"), "use a taint key"));
        }
    } else if op != "Exists" {
        out.push(("operator", "operator must be Exists when `key` is empty, which means \"match all values and all keys\"".to_owned(), "set operator: Exists, or name the key"));
    }
    if t.toleration_seconds.is_some() && effect != "NoExecute" {
        out.push((
            "effect",
            format!("effect must be NoExecute when tolerationSeconds is set (it is `{effect}`)"),
            "set effect: NoExecute, or remove tolerationSeconds",
        ));
    }
    match op {
        "" | "Equal" => {
            if let Some(e) = label_value(value) {
                out.push((
                    "value",
                    format!("value `{value}`: {e}"),
                    "use a label value",
                ));
            }
        }
        "Exists" if !value.is_empty() => out.push((
            "value",
            "value must be empty when operator is Exists".to_owned(),
            "remove the value, or use operator: Equal",
        )),
        "Exists" => {}
        other => out.push((
            "operator",
            format!("operator `{other}` is not supported"),
            "use Equal or Exists",
        )),
    }
    if !matches!(effect, "" | "NoSchedule" | "PreferNoSchedule" | "NoExecute") {
        out.push((
            "effect",
            format!("effect `{effect}` is not supported"),
            "use NoSchedule, PreferNoSchedule or NoExecute",
        ));
    }
    out
}

/// `validateAffinity`: weights 1-100, at least one node selector term, valid node
/// selector requirements, a topologyKey on every pod affinity term.
fn affinity(w: &Workload<'_>, sink: &mut Sink) {
    let Some(a) = &w.spec.affinity else { return };
    let f = format!("{}.affinity", w.prefix);
    for (field, why, fix) in affinity_problems(a) {
        sink.add(
            w.idx,
            "affinity-invalid",
            format!("{f}.{field}"),
            format!("{why}; the API server rejects the pod template (validateAffinity)"),
            fix,
        );
    }
}

fn affinity_problems(a: &Affinity) -> Vec<(String, String, &'static str)> {
    let mut out = Vec::new();
    let weight = |out: &mut Vec<(String, String, &'static str)>, field: String, w: i32| {
        if !(1..=100).contains(&w) {
            out.push((
                field,
                format!("weight {w} must be in the range 1-100"),
                "use a weight between 1 and 100",
            ));
        }
    };
    let terms = |out: &mut Vec<(String, String, &'static str)>,
                 field: String,
                 t: &NodeSelectorTerm| {
        for (kind, reqs) in [
            ("matchExpressions", &t.match_expressions),
            ("matchFields", &t.match_fields),
        ] {
            for (k, r) in reqs.iter().flatten().enumerate() {
                let n = r.values.as_ref().map_or(0, Vec::len);
                let why = match r.operator.as_str() {
                    "In" | "NotIn" if n == 0 => "values must be given when operator is In or NotIn",
                    "Exists" | "DoesNotExist" if n > 0 => {
                        "values may not be given when operator is Exists or DoesNotExist"
                    }
                    "Gt" | "Lt" if n != 1 => {
                        "exactly one value must be given when operator is Gt or Lt"
                    }
                    "In" | "NotIn" | "Exists" | "DoesNotExist" | "Gt" | "Lt" => continue,
                    _ => "operator must be In, NotIn, Exists, DoesNotExist, Gt or Lt",
                };
                out.push((
                    format!("{field}.{kind}[{k}]"),
                    format!("node selector requirement on `{}`: {why}", r.key),
                    "fix the operator or its values",
                ));
            }
        }
    };
    if let Some(n) = &a.node_affinity {
        if let Some(req) = &n.required_during_scheduling_ignored_during_execution {
            let field = "nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution";
            if req.node_selector_terms.is_empty() {
                out.push((
                    format!("{field}.nodeSelectorTerms"),
                    "a required node affinity must have at least one node selector term".to_owned(),
                    "add a term or remove the required node affinity",
                ));
            }
            for (j, t) in req.node_selector_terms.iter().enumerate() {
                terms(&mut out, format!("{field}.nodeSelectorTerms[{j}]"), t);
            }
        }
        for (j, t) in n
            .preferred_during_scheduling_ignored_during_execution
            .iter()
            .flatten()
            .enumerate()
        {
            let field =
                format!("nodeAffinity.preferredDuringSchedulingIgnoredDuringExecution[{j}]");
            weight(&mut out, format!("{field}.weight"), t.weight);
            terms(&mut out, format!("{field}.preference"), &t.preference);
        }
    }
    let pod_terms = [
        (
            "podAffinity",
            a.pod_affinity.as_ref().map(|p| {
                (
                    &p.required_during_scheduling_ignored_during_execution,
                    &p.preferred_during_scheduling_ignored_during_execution,
                )
            }),
        ),
        (
            "podAntiAffinity",
            a.pod_anti_affinity.as_ref().map(|p| {
                (
                    &p.required_during_scheduling_ignored_during_execution,
                    &p.preferred_during_scheduling_ignored_during_execution,
                )
            }),
        ),
    ];
    for (name, terms) in pod_terms {
        let Some((required, preferred)) = terms else {
            continue;
        };
        let key = |out: &mut Vec<(String, String, &'static str)>, field: String, k: &str| {
            if k.is_empty() {
                out.push((
                    field,
                    "a pod affinity term must have a topologyKey".to_owned(),
                    "set topologyKey, e.g. kubernetes.io/hostname",
                ));
            } else if let Some(e) = qualified_name(k) {
                out.push((field, format!("topologyKey `{k}`: {e}"), "use a label key"));
            }
        };
        for (j, t) in required.iter().flatten().enumerate() {
            key(
                &mut out,
                format!("{name}.requiredDuringSchedulingIgnoredDuringExecution[{j}].topologyKey"),
                &t.topology_key,
            );
        }
        for (j, t) in preferred.iter().flatten().enumerate() {
            let field = format!("{name}.preferredDuringSchedulingIgnoredDuringExecution[{j}]");
            weight(&mut out, format!("{field}.weight"), t.weight);
            key(
                &mut out,
                format!("{field}.podAffinityTerm.topologyKey"),
                &t.pod_affinity_term.topology_key,
            );
        }
    }
    out
}

/// `validatePodDNSConfig` and `validateDNSPolicy`.
fn dns_config(w: &Workload<'_>, sink: &mut Sink) {
    let p = w.prefix;
    let policy = w.spec.dns_policy.as_deref();
    let config = w.spec.dns_config.as_ref();
    let mut bad = |field: String, why: String, fix: &str| {
        sink.add(
            w.idx,
            "dns-config-invalid",
            field,
            format!("{why}; the API server rejects the pod template (validatePodDNSConfig)"),
            fix,
        );
    };
    if let Some(d) = policy.filter(|d| {
        !matches!(
            *d,
            "ClusterFirstWithHostNet" | "ClusterFirst" | "Default" | "None"
        )
    }) {
        bad(
            format!("{p}.dnsPolicy"),
            format!("dnsPolicy `{d}` is not supported"),
            "use ClusterFirst, ClusterFirstWithHostNet, Default or None",
        );
    }
    if policy == Some("None")
        && config
            .and_then(|c| c.nameservers.as_ref())
            .is_none_or(Vec::is_empty)
    {
        bad(
            format!("{p}.dnsConfig.nameservers"),
            "dnsPolicy None needs at least one nameserver in dnsConfig".to_owned(),
            "list the nameservers in dnsConfig, or use another dnsPolicy",
        );
    }
    let Some(c) = config else { return };
    for (field, why, fix) in dns_problems(c) {
        bad(format!("{p}.dnsConfig.{field}"), why, fix);
    }
}

fn dns_problems(c: &PodDNSConfig) -> Vec<(String, String, &'static str)> {
    let mut out = Vec::new();
    let servers = c.nameservers.as_deref().unwrap_or_default();
    if servers.len() > 3 {
        out.push((
            "nameservers".to_owned(),
            format!("{} nameservers: at most 3 are allowed", servers.len()),
            "keep at most 3 nameservers (the resolver reads no more)",
        ));
    }
    for (i, s) in servers.iter().enumerate() {
        if ip(s).is_none() {
            out.push((
                format!("nameservers[{i}]"),
                format!("nameserver `{s}` is not an IP address"),
                "write an IPv4 or IPv6 address",
            ));
        }
    }
    let searches = c.searches.as_deref().unwrap_or_default();
    if searches.len() > 32 {
        out.push((
            "searches".to_owned(),
            format!("{} search domains: at most 32 are allowed", searches.len()),
            "keep at most 32 search domains",
        ));
    }
    let chars = searches.iter().map(String::len).sum::<usize>() + searches.len().saturating_sub(1);
    if chars > 2048 {
        out.push((
            "searches".to_owned(),
            format!("the search list is {chars} characters: at most 2048 are allowed"),
            "shorten the search list",
        ));
    }
    for (i, s) in searches.iter().enumerate() {
        let name = s.strip_suffix('.').unwrap_or(s);
        if name.is_empty() {
            continue;
        }
        if let Some(e) = dns_subdomain(name) {
            out.push((
                format!("searches[{i}]"),
                format!("search domain `{s}`: {e}"),
                "write a DNS name",
            ));
        }
    }
    for (i, o) in c.options.iter().flatten().enumerate() {
        if o.name.as_deref().is_none_or(str::is_empty) {
            out.push((
                format!("options[{i}].name"),
                "a DNS option has no name".to_owned(),
                "name the option (e.g. ndots)",
            ));
        }
    }
    out
}

/// An IntOrString of a rolling update: `Some(value)` for an int or `N%`, `None` for a
/// string that is not a percentage (`ValidatePositiveIntOrPercent`), with whether it is
/// a percentage.
fn int_or_percent(v: &IntOrString) -> Option<(i64, bool)> {
    match v {
        IntOrString::Int(i) => Some((i64::from(*i), false)),
        IntOrString::String(s) => {
            let n = s.strip_suffix('%')?;
            (!n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()))
                .then(|| n.parse().ok().map(|n| (n, true)))
                .flatten()
        }
    }
}

fn json_int_or_string(v: Option<&Value>) -> Option<IntOrString> {
    match v? {
        Value::Number(n) => n
            .as_i64()
            .and_then(|n| i32::try_from(n).ok())
            .map(IntOrString::Int),
        Value::String(s) => Some(IntOrString::String(s.clone())),
        _ => None,
    }
}

/// `ValidateRollingUpdateDeployment`, `ValidateRollingUpdateDaemonSet`,
/// `ValidateDeploymentSpec` (progressDeadlineSeconds, Recreate with rollingUpdate).
fn rollouts(set: &Set<'_>, sink: &mut Sink) {
    let bad = |i: usize, field: &str, why: String, fix: &str, sink: &mut Sink| {
        sink.add(i, "rollout-invalid", field, why, fix);
    };
    for (i, d) in each!(set, Deployment) {
        let Some(spec) = &d.spec else { continue };
        let min_ready = spec.min_ready_seconds.unwrap_or(0);
        if let Some(pd) = spec.progress_deadline_seconds {
            if pd <= min_ready {
                bad(i, "spec.progressDeadlineSeconds", format!("progressDeadlineSeconds {pd} must be greater than minReadySeconds {min_ready}; the API server rejects the Deployment (ValidateDeploymentSpec)"), "raise progressDeadlineSeconds above minReadySeconds (default 600)", sink);
            }
        }
        let Some(strategy) = &spec.strategy else {
            continue;
        };
        let ty = strategy.type_.as_deref().unwrap_or("RollingUpdate");
        if ty == "Recreate" && strategy.rolling_update.is_some() {
            bad(i, "spec.strategy.rollingUpdate", "rollingUpdate may not be set when the strategy type is Recreate; the API server rejects the Deployment (ValidateDeploymentStrategy)".to_owned(), "remove rollingUpdate, or use type RollingUpdate", sink);
        }
        if let Some(ru) = &strategy.rolling_update {
            rolling_update(
                i,
                "spec.strategy.rollingUpdate",
                "Deployment",
                ru.max_unavailable.as_ref(),
                ru.max_surge.as_ref(),
                (25, true),
                sink,
            );
        }
    }
    for (i, item) in set.items.iter().enumerate() {
        let Some(doc) = item
            .doc
            .filter(|d| d.kind == "DaemonSet" && d.object.is_none())
        else {
            continue;
        };
        let Some(ru) = doc.value.pointer("/spec/updateStrategy/rollingUpdate") else {
            continue;
        };
        let unavailable = json_int_or_string(ru.get("maxUnavailable"));
        let surge = json_int_or_string(ru.get("maxSurge"));
        rolling_update(
            i,
            "spec.updateStrategy.rollingUpdate",
            "DaemonSet",
            unavailable.as_ref(),
            surge.as_ref(),
            (1, false),
            sink,
        );
    }
}

/// One rolling update: both values positive ints or percentages, maxUnavailable at most
/// 100%, not both 0 (`default_unavailable` is what an unset maxUnavailable becomes; an
/// unset maxSurge is 25% for Deployments, 0 for DaemonSets).
fn rolling_update(
    i: usize,
    f: &str,
    kind: &str,
    unavailable: Option<&IntOrString>,
    surge: Option<&IntOrString>,
    default_unavailable: (i64, bool),
    sink: &mut Sink,
) {
    let mut values = [None, None];
    for (n, (field, v)) in [("maxUnavailable", unavailable), ("maxSurge", surge)]
        .into_iter()
        .enumerate()
    {
        let Some(v) = v else { continue };
        match int_or_percent(v) {
            None => sink.add(i, "rollout-invalid", format!("{f}.{field}"), format!("{field} `{}` must be an integer or a percentage such as 25% (ValidatePositiveIntOrPercent)", match v { IntOrString::String(s) => s.clone(), IntOrString::Int(n) => n.to_string() }), "write an integer or N%"),
            Some((x, _)) if x < 0 => sink.add(i, "rollout-invalid", format!("{f}.{field}"), format!("{field} {x} must be greater than or equal to 0"), "use 0 or more"),
            Some((x, true)) if n == 0 && x > 100 => sink.add(i, "rollout-invalid", format!("{f}.{field}"), format!("maxUnavailable {x}% must not be greater than 100%"), "use at most 100%"),
            Some(x) => values[n] = Some(x),
        }
    }
    let unavailable = values[0].or(unavailable.is_none().then_some(default_unavailable));
    let surge = values[1].or((surge.is_none() && kind == "DaemonSet").then_some((0, false)));
    if unavailable.is_some_and(|u| u.0 == 0) && surge.is_some_and(|s| s.0 == 0) {
        sink.add(i, "rollout-invalid", format!("{f}.maxUnavailable"), format!("maxUnavailable may not be 0 when maxSurge is 0: the {kind} could never replace a pod; the API server rejects it"), "allow maxUnavailable or maxSurge of at least 1");
    }
}

/// `validateScheduleFormat`, `validateTimeZone` and the concurrency policy of CronJobs.
fn cron_jobs(set: &Set<'_>, sink: &mut Sink) {
    for (i, c) in each!(set, CronJob) {
        let Some(spec) = &c.spec else { continue };
        if let Some(why) = schedule_problem(&spec.schedule) {
            sink.add(i, "cronjob-schedule-invalid", "spec.schedule", format!("schedule `{}`: {why}; the API server rejects the CronJob (validateScheduleFormat, robfig/cron ParseStandard)", spec.schedule), "write five fields (minute hour day-of-month month day-of-week) or a descriptor such as @daily, and set spec.timeZone for a time zone");
        }
        if let Some(tz) = &spec.time_zone {
            let ok_part = |p: &str| {
                !p.is_empty()
                    && p.len() <= 14
                    && p.bytes()
                        .all(|b| b.is_ascii_alphanumeric() || b"._-+".contains(&b))
                    && p != "."
                    && p != ".."
                    && !p.starts_with('-')
            };
            if tz.is_empty() || tz.eq_ignore_ascii_case("local") || !tz.split('/').all(ok_part) {
                sink.add(i, "cronjob-schedule-invalid", "spec.timeZone", format!("timeZone `{tz}` is not an IANA time zone name (validateTimeZone; `Local` is not allowed)"), "use a name from the tz database, e.g. Europe/Berlin or Etc/UTC");
            }
        }
        if let Some(p) = spec
            .concurrency_policy
            .as_deref()
            .filter(|p| !matches!(*p, "Allow" | "Forbid" | "Replace"))
        {
            sink.add(
                i,
                "invalid-value",
                "spec.concurrencyPolicy",
                format!("unknown concurrencyPolicy `{p}`"),
                "use Allow, Forbid or Replace",
            );
        }
    }
}

/// `ValidateNetworkPolicyPeer`, `ValidateIPBlock` and `ValidateNetworkPolicyPort`.
fn network_policies(set: &Set<'_>, sink: &mut Sink) {
    for (i, np) in each!(set, NetworkPolicy) {
        let Some(spec) = &np.spec else { continue };
        for (f, peer) in super::policy_peers(spec) {
            let n = usize::from(peer.pod_selector.is_some())
                + usize::from(peer.namespace_selector.is_some())
                + usize::from(peer.ip_block.is_some());
            if n == 0 {
                sink.add(i, "netpol-peer-invalid", &f, "the peer selects nothing: it must set podSelector, namespaceSelector or ipBlock (ValidateNetworkPolicyPeer)", "set a selector or an ipBlock, or remove the peer");
            } else if n > 1 && peer.ip_block.is_some() {
                sink.add(i, "netpol-peer-invalid", format!("{f}.ipBlock"), "the peer combines ipBlock with a selector, which the API server rejects (ValidateNetworkPolicyPeer: may not specify both ipBlock and another peer)", "split it into two peers: one ipBlock, one selector");
            }
            let Some(block) = &peer.ip_block else {
                continue;
            };
            let outer = cidr(&block.cidr);
            if outer.is_none() {
                sink.add(
                    i,
                    "cidr-invalid",
                    format!("{f}.ipBlock.cidr"),
                    format!("`{}` is not a valid CIDR (ValidateIPBlock)", block.cidr),
                    "write an address and a prefix length, e.g. 10.0.0.0/8",
                );
            }
            for (j, e) in block.except.iter().flatten().enumerate() {
                let field = format!("{f}.ipBlock.except[{j}]");
                match (outer, cidr(e)) {
                    (_, None) => sink.add(
                        i,
                        "cidr-invalid",
                        field,
                        format!("`{e}` is not a valid CIDR (ValidateIPBlock)"),
                        "write an address and a prefix length",
                    ),
                    (Some(o), Some(x)) if !strict_subset(o, x) => sink.add(
                        i,
                        "netpol-peer-invalid",
                        field,
                        format!(
                            "except `{e}` is not a strict subset of cidr `{}` (ValidateIPBlock)",
                            block.cidr
                        ),
                        "list only ranges inside the cidr, with a longer prefix",
                    ),
                    _ => {}
                }
            }
        }
        let rules = spec
            .ingress
            .iter()
            .flatten()
            .enumerate()
            .map(|(r, x)| (format!("spec.ingress[{r}]"), &x.ports))
            .chain(
                spec.egress
                    .iter()
                    .flatten()
                    .enumerate()
                    .map(|(r, x)| (format!("spec.egress[{r}]"), &x.ports)),
            );
        for (f, ports) in rules {
            for (j, port) in ports.iter().flatten().enumerate() {
                let Some(end) = port.end_port else { continue };
                let why = match &port.port {
                    Some(IntOrString::Int(p)) if end < *p => {
                        format!("endPort {end} is below port {p}")
                    }
                    Some(IntOrString::Int(_)) => continue,
                    Some(IntOrString::String(_)) => {
                        "endPort may not be set with a named port".to_owned()
                    }
                    None => "endPort may not be set without port".to_owned(),
                };
                sink.add(
                    i,
                    "netpol-peer-invalid",
                    format!("{f}.ports[{j}].endPort"),
                    format!("{why} (ValidateNetworkPolicyPort)"),
                    "set a numeric port no greater than endPort, or remove endPort",
                );
            }
        }
    }
}

/// `ValidateIngressSpec`: rules or a default backend; one kind of backend; one kind of
/// port.
fn ingresses(set: &Set<'_>, sink: &mut Sink) {
    for (i, ing) in each!(set, Ingress) {
        let Some(spec) = &ing.spec else {
            sink.add(i, "ingress-invalid", "spec", "the Ingress has no spec: either defaultBackend or rules must be specified (ValidateIngressSpec)", "add rules or a defaultBackend");
            continue;
        };
        let rules = spec.rules.as_deref().unwrap_or_default();
        if spec.default_backend.is_none() && rules.is_empty() {
            sink.add(i, "ingress-invalid", "spec.rules", "either defaultBackend or rules must be specified; the API server rejects the Ingress (ValidateIngressSpec)", "add rules or a defaultBackend");
        }
        let mut backends: Vec<(String, &IngressBackend)> = Vec::new();
        if let Some(b) = &spec.default_backend {
            backends.push(("spec.defaultBackend".to_owned(), b));
        }
        for (r, rule) in rules.iter().enumerate() {
            if let Some(host) = rule.host.as_deref().filter(|h| !h.is_empty()) {
                if ip(host).is_some() {
                    sink.add(i, "ingress-invalid", format!("spec.rules[{r}].host"), format!("host `{host}` must be a DNS name, not an IP address (validateIngressRules)"), "use a DNS name, or omit the host");
                }
            }
            if let Some(http) = &rule.http {
                if http.paths.is_empty() {
                    sink.add(
                        i,
                        "ingress-invalid",
                        format!("spec.rules[{r}].http.paths"),
                        "the rule's http has no paths (validateHTTPIngressRuleValue)",
                        "add a path or remove http",
                    );
                }
                for (p, path) in http.paths.iter().enumerate() {
                    backends.push((
                        format!("spec.rules[{r}].http.paths[{p}].backend"),
                        &path.backend,
                    ));
                }
            }
        }
        for (f, b) in backends {
            if b.resource.is_some() && b.service.is_some() {
                sink.add(i, "ingress-invalid", &f, "the backend sets both service and resource (validateIngressBackend: cannot set both)", "keep one of service and resource");
            }
            if let Some(port) = b.service.as_ref().and_then(|s| s.port.as_ref()) {
                match (&port.name, port.number) {
                    (Some(n), Some(_)) if !n.is_empty() => sink.add(
                        i,
                        "ingress-invalid",
                        format!("{f}.service.port"),
                        "the backend port sets both name and number (validateIngressBackend)",
                        "keep one of name and number",
                    ),
                    (None, None) => sink.add(
                        i,
                        "ingress-invalid",
                        format!("{f}.service.port"),
                        "the backend port sets neither name nor number (validateIngressBackend)",
                        "set the port's name or number",
                    ),
                    _ => {}
                }
            }
        }
    }
}

/// `ValidateService`: ExternalName needs externalName; nodePort not on ClusterIP;
/// loadBalancerSourceRanges only on LoadBalancer, each a CIDR.
fn services(set: &Set<'_>, sink: &mut Sink) {
    for (i, svc) in each!(set, Service) {
        let Some(spec) = &svc.spec else { continue };
        let ty = spec.type_.as_deref().unwrap_or("ClusterIP");
        if ty == "ExternalName" {
            let name = spec.external_name.as_deref().unwrap_or_default();
            let name = name.strip_suffix('.').unwrap_or(name);
            if name.is_empty() {
                sink.add(i, "service-invalid", "spec.externalName", "an ExternalName Service needs spec.externalName; the API server rejects it (ValidateService)", "set externalName to the DNS name the Service aliases, or use another type");
            } else if let Some(e) = dns_subdomain(name) {
                sink.add(
                    i,
                    "service-invalid",
                    "spec.externalName",
                    format!("externalName `{name}`: {e} (ValidateService)"),
                    "write a DNS name",
                );
            }
        }
        if ty == "ClusterIP" {
            for (j, p) in spec.ports.iter().flatten().enumerate() {
                if p.node_port.is_some_and(|n| n != 0) {
                    sink.add(
                        i,
                        "service-invalid",
                        format!("spec.ports[{j}].nodePort"),
                        "nodePort may not be used when type is ClusterIP (ValidateService)",
                        "remove nodePort, or use type NodePort or LoadBalancer",
                    );
                }
            }
        }
        let ranges = spec
            .load_balancer_source_ranges
            .as_deref()
            .unwrap_or_default();
        if !ranges.is_empty() && ty != "LoadBalancer" {
            sink.add(i, "service-invalid", "spec.loadBalancerSourceRanges", format!("loadBalancerSourceRanges may only be used when type is LoadBalancer, not {ty} (ValidateService)"), "remove loadBalancerSourceRanges, or use type LoadBalancer");
        }
        for (j, r) in ranges.iter().enumerate() {
            if cidr(r.trim()).is_none() {
                sink.add(
                    i,
                    "cidr-invalid",
                    format!("spec.loadBalancerSourceRanges[{j}]"),
                    format!("`{r}` is not a valid CIDR (ValidateService)"),
                    "write an address and a prefix length, e.g. 203.0.113.0/24",
                );
            }
        }
    }
}

/// `validateBehavior`: stabilizationWindowSeconds 0-3600, selectPolicy Max, Min or
/// Disabled, policies of type Pods or Percent with value > 0 and periodSeconds 1-1800.
fn autoscalers(set: &Set<'_>, sink: &mut Sink) {
    for (i, h) in each!(set, HorizontalPodAutoscaler) {
        let Some(b) = h.spec.as_ref().and_then(|s| s.behavior.as_ref()) else {
            continue;
        };
        for (dir, rules) in [("scaleUp", &b.scale_up), ("scaleDown", &b.scale_down)] {
            let Some(r) = rules else { continue };
            let f = format!("spec.behavior.{dir}");
            let mut bad = |field: String, why: String, fix: &str| {
                sink.add(
                    i,
                    "hpa-behavior-invalid",
                    field,
                    format!("{why}; the API server rejects the autoscaler (validateBehavior)"),
                    fix,
                );
            };
            if let Some(s) = r
                .stabilization_window_seconds
                .filter(|s| !(0..=3600).contains(s))
            {
                bad(
                    format!("{f}.stabilizationWindowSeconds"),
                    format!("stabilizationWindowSeconds {s} must be between 0 and 3600"),
                    "use 0-3600 seconds",
                );
            }
            if let Some(p) = r
                .select_policy
                .as_deref()
                .filter(|p| !matches!(*p, "Max" | "Min" | "Disabled"))
            {
                bad(
                    format!("{f}.selectPolicy"),
                    format!("selectPolicy `{p}` is not supported"),
                    "use Max, Min or Disabled",
                );
            }
            for (j, p) in r.policies.iter().flatten().enumerate() {
                let pf = format!("{f}.policies[{j}]");
                if !matches!(p.type_.as_str(), "Pods" | "Percent") {
                    bad(
                        format!("{pf}.type"),
                        format!("policy type `{}` is not supported", p.type_),
                        "use Pods or Percent",
                    );
                }
                if p.value <= 0 {
                    bad(
                        format!("{pf}.value"),
                        format!("policy value {} must be greater than zero", p.value),
                        "use a positive value",
                    );
                }
                if !(1..=1800).contains(&p.period_seconds) {
                    bad(
                        format!("{pf}.periodSeconds"),
                        format!(
                            "periodSeconds {} must be between 1 and 1800",
                            p.period_seconds
                        ),
                        "use 1-1800 seconds",
                    );
                }
            }
        }
    }
}
