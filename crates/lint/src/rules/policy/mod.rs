//! Operational and security policy: restricted Pod Security Standard, resources, images,
//! scaling, disruption, probes, deprecations, secrets, identities, exposure, alerts.

mod containers;
mod daemon_set_probes;
mod daemon_set_surge;
mod deprecations;
mod disruption;
mod external_load_balancer;
mod host_access;
mod host_path_readable;
mod hpa_min_max;
mod jobs;
mod monitoring;
mod pod_security;
mod pod_service_account;
mod pre_stop;
mod rbac_secrets_read;
mod resources;
mod secrets_and_namespaces;
mod service_accounts;
mod statefulset;

use crate::set::{Set, Sink};

use containers::containers;
use daemon_set_probes::daemon_set_probes;
use daemon_set_surge::daemon_set_surge;
use deprecations::deprecations;
use disruption::disruption;
use external_load_balancer::exposure;
pub(crate) use host_access::exception_notes;
use host_path_readable::host_path_readable;
use hpa_min_max::autoscaling;
use jobs::jobs;
use monitoring::monitoring;
use pod_security::pod_security;
pub(super) use pod_security::{Level, Pss};
use pod_service_account::service_accounts_of_pods;
use pre_stop::pre_stop;
use rbac_secrets_read::roles;
use secrets_and_namespaces::secrets_and_namespaces;
use service_accounts::service_accounts;
use statefulset::stateful_set;

pub(super) fn run(set: &Set<'_>, sink: &mut Sink) {
    for w in &set.workloads {
        pod_security(set, w, sink);
        containers(set, w, sink);
        service_accounts_of_pods(set, w, sink);
        stateful_set(set, w, sink);
        pre_stop(w, sink);
        daemon_set_surge(set, w, sink);
        daemon_set_probes(set, w, sink);
        host_path_readable(w, sink);
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
