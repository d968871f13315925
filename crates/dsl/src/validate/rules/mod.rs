//! Rule implementations, grouped by family.

mod api;
mod network;
mod network_selects;
pub(crate) mod placeholder;
mod policy;
mod wiring;

use super::set::{Set, Sink};

/// Runs every rule over the set.
pub(crate) fn run_all(set: &Set<'_>, sink: &mut Sink) {
    api::run(set, sink);
    wiring::run(set, sink);
    network::run(set, sink);
    network_selects::run(set, sink);
    policy::run(set, sink);
    placeholder::run(set, sink);
}

/// Every peer of a NetworkPolicy's ingress and egress rules, with its field path
/// (`spec.ingress[0].from[1]`, `spec.egress[2].to[0]`).
pub(crate) fn policy_peers(
    spec: &k8s_openapi::api::networking::v1::NetworkPolicySpec,
) -> impl Iterator<Item = (String, &k8s_openapi::api::networking::v1::NetworkPolicyPeer)> {
    let ingress = spec
        .ingress
        .iter()
        .flatten()
        .enumerate()
        .flat_map(|(r, rule)| {
            rule.from
                .iter()
                .flatten()
                .enumerate()
                .map(move |(p, peer)| (format!("spec.ingress[{r}].from[{p}]"), peer))
        });
    let egress = spec
        .egress
        .iter()
        .flatten()
        .enumerate()
        .flat_map(|(r, rule)| {
            rule.to
                .iter()
                .flatten()
                .enumerate()
                .map(move |(p, peer)| (format!("spec.egress[{r}].to[{p}]"), peer))
        });
    ingress.chain(egress)
}
