//! `pre-stop-beyond-grace`: a `preStop` sleep that uses up the termination grace period.

use crate::set::{Sink, Workload};

/// The Kubernetes default of `terminationGracePeriodSeconds`.
const DEFAULT_GRACE_SECONDS: i64 = 30;

/// The grace period counts from the moment the pod is deleted and covers the `preStop`
/// hook *and* the process's own shutdown after `SIGTERM`; a sleep as long as the period
/// leaves the process no time: it is killed (`SIGKILL`) mid-request.
pub(super) fn pre_stop(w: &Workload<'_>, sink: &mut Sink) {
    let grace = w
        .spec
        .termination_grace_period_seconds
        .unwrap_or(DEFAULT_GRACE_SECONDS);
    let containers = w
        .spec
        .containers
        .iter()
        .enumerate()
        .map(|(i, c)| ("containers", i, c));
    let sidecars = w
        .spec
        .init_containers
        .iter()
        .flatten()
        .enumerate()
        .filter(|(_, c)| c.restart_policy.as_deref() == Some("Always"))
        .map(|(i, c)| ("initContainers", i, c));
    for (list, i, c) in containers.chain(sidecars) {
        let Some(sleep) = c
            .lifecycle
            .as_ref()
            .and_then(|l| l.pre_stop.as_ref())
            .and_then(|h| h.sleep.as_ref())
        else {
            continue;
        };
        if sleep.seconds >= grace {
            sink.add(
                w.idx,
                "pre-stop-beyond-grace",
                format!("{}.{list}[{i}].lifecycle.preStop.sleep.seconds", w.prefix),
                format!(
                    "container `{}` sleeps {} s before SIGTERM but the pod's grace period is {grace} s, so the process is killed without a graceful shutdown",
                    c.name, sleep.seconds
                ),
                format!(
                    "raise terminationGracePeriodSeconds above the sleep plus the shutdown time (e.g. {}), or shorten the sleep",
                    sleep.seconds + 30
                ),
            );
        }
    }
}
