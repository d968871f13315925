//! Controllers: rolling updates of Deployments and DaemonSets (`ValidateDeploymentSpec`,
//! `ValidateRollingUpdateDaemonSet`) and CronJob schedules (`validateScheduleFormat`).

use k8s_openapi::apimachinery::pkg::util::intstr::IntOrString;
use serde_json::Value;

use super::super::cron::schedule_problem;
use crate::set::{each, Set, Sink};

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
pub(super) fn rollouts(set: &Set<'_>, sink: &mut Sink) {
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
    for (i, d) in each!(set, DaemonSet) {
        let Some(ru) = d
            .spec
            .as_ref()
            .and_then(|s| s.update_strategy.as_ref())
            .and_then(|u| u.rolling_update.as_ref())
        else {
            continue;
        };
        rolling_update(
            i,
            "spec.updateStrategy.rollingUpdate",
            "DaemonSet",
            ru.max_unavailable.as_ref(),
            ru.max_surge.as_ref(),
            (1, false),
            sink,
        );
    }
    // A DaemonSet document that did not parse as the typed object.
    for (i, item) in set.items.iter().enumerate() {
        let Some(doc) = item
            .doc
            .filter(|d| d.kind == "DaemonSet" && d.object.is_none())
        else {
            continue;
        };
        let Some(ru) = doc.value().pointer("/spec/updateStrategy/rollingUpdate") else {
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
pub(super) fn cron_jobs(set: &Set<'_>, sink: &mut Sink) {
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
