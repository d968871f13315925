//! Rule implementations, grouped by family.

mod api;
mod network;
mod policy;
mod wiring;

use super::set::{Set, Sink};

/// Runs every rule over the set.
pub(crate) fn run_all(set: &Set<'_>, sink: &mut Sink) {
    api::run(set, sink);
    wiring::run(set, sink);
    network::run(set, sink);
    policy::run(set, sink);
}
