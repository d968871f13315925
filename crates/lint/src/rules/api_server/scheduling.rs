//! Where pods may run: topology spread constraints, tolerations and affinity
//! (`validateTopologySpreadConstraints`, `validateTolerations`, `validateAffinity`).

use k8s_openapi::api::core::v1::{Affinity, NodeSelectorTerm, Toleration};

use crate::set::{label_value, qualified_name, Sink, Workload};

/// `validateTopologySpreadConstraints`.
pub(super) fn topology_spread(w: &Workload<'_>, sink: &mut Sink) {
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

/// `validateTolerations`.
pub(super) fn tolerations(w: &Workload<'_>, sink: &mut Sink) {
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
pub(super) fn affinity(w: &Workload<'_>, sink: &mut Sink) {
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
