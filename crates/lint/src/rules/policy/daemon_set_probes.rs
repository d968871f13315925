//! `daemonset-probes-missing`: a DaemonSet whose pods are never checked, with no reason.

use crate::set::{Set, Sink, Workload};
use crate::NO_PROBES_ANNOTATION;

/// A DaemonSet's main container has neither a liveness nor a readiness probe, and the
/// DaemonSet does not say why in `kairn.dev/no-probes` (what kairn writes for a node
/// agent declared with `.without_probes(reason!(..))`): a hung agent on one node is then
/// never restarted, and a rollout does not wait for the new pods to work.
pub(super) fn daemon_set_probes(set: &Set<'_>, w: &Workload<'_>, sink: &mut Sink) {
    if w.kind != "DaemonSet" {
        return;
    }
    let Some(main) = w.spec.containers.first() else {
        return;
    };
    if main.liveness_probe.is_some() || main.readiness_probe.is_some() {
        return;
    }
    if crate::declared::annotation(&set.items[w.idx], NO_PROBES_ANNOTATION).is_some() {
        return;
    }
    sink.add(
        w.idx,
        "daemonset-probes-missing",
        format!("{}.containers[0]", w.prefix),
        format!(
            "DaemonSet `{}`: container `{}` has no liveness or readiness probe, so a hung agent is never restarted and a rollout does not wait for working pods",
            w.name, main.name
        ),
        format!(
            "in kairn, give the node agent `.probes(Probes::http(&port, http_path!(\"/live\"), http_path!(\"/ready\")))` (or an exec or TCP check), or `.without_probes(reason!(\"why it cannot be probed\"))`; in YAML, add the probes or the annotation `{NO_PROBES_ANNOTATION}: <reason>`"
        ),
    );
}
