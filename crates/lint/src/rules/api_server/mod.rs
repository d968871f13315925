//! What the API server rejects although every field has the right type: checks of
//! Kubernetes 1.33 `pkg/apis/{core,apps,batch,networking,autoscaling}/validation` that
//! the typed schema cannot express (value ranges, combinations of fields, grammars).
//! Each message names the validation it follows.

mod autoscaling;
mod network;
mod pod;
mod scheduling;
mod workloads;

use crate::set::{Set, Sink};

pub(super) fn run(set: &Set<'_>, sink: &mut Sink) {
    for w in &set.workloads {
        scheduling::topology_spread(w, sink);
        pod::init_containers(w, sink);
        scheduling::tolerations(w, sink);
        scheduling::affinity(w, sink);
        pod::dns_config(w, sink);
    }
    workloads::rollouts(set, sink);
    workloads::cron_jobs(set, sink);
    network::network_policies(set, sink);
    network::ingresses(set, sink);
    network::services(set, sink);
    autoscaling::autoscalers(set, sink);
}
