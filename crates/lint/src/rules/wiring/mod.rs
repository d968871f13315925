//! References between objects: selectors, ports, volumes, secrets, RBAC, monitoring.

mod external_secrets;
mod hpa_target;
mod ingress_backend;
mod lookup;
mod metrics_exposed;
mod pdb_selector;
mod pod_references;
mod probe_port;
mod rbac_binding;
mod service_monitor;
mod service_selector;
mod statefulset_service;
mod unused;

use crate::set::{Set, Sink};

pub(super) use lookup::{container_ports, monitored_services, service_pods, target_of};
pub(super) use rbac_binding::bound;

use external_secrets::external_secrets;
use hpa_target::autoscalers;
use ingress_backend::ingresses;
use metrics_exposed::metrics_exposed;
use pdb_selector::budgets;
use pod_references::pod_references;
use probe_port::probes;
use rbac_binding::rbac;
use service_monitor::service_monitors;
use service_selector::services;
use statefulset_service::stateful_sets;
use unused::unused;

pub(super) fn run(set: &Set<'_>, sink: &mut Sink) {
    services(set, sink);
    probes(set, sink);
    ingresses(set, sink);
    autoscalers(set, sink);
    budgets(set, sink);
    pod_references(set, sink);
    stateful_sets(set, sink);
    service_monitors(set, sink);
    rbac(set, sink);
    external_secrets(set, sink);
    unused(set, sink);
    metrics_exposed(set, sink);
}
