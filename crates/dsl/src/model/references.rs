//! What the references that carry their target bring into a component: the ports its
//! probes and metrics endpoint refer to (declared on the container when the workload does
//! not declare them) and the dependency its leader lock lives in (see
//! [`handles`](super::handles)).

use super::component::{LeaderLock, Workload};
use super::container::{ContainerRole, PodContainer};
use super::dependency::Dependency;
use crate::primitives::port::NamedPort;

impl Workload {
    /// The ports the workload's probes and metrics endpoint refer to, each with the
    /// field it is referred to from (`probes.liveness`, ..., `metrics.port`).
    pub fn referenced_ports(&self) -> Vec<(String, &NamedPort)> {
        let mut out: Vec<(String, &NamedPort)> = Vec::new();
        if let Some(probes) = self.probes() {
            for (which, probe) in probes.all() {
                if let Some(port) = probe.check.port() {
                    out.push((format!("probes.{which}"), port));
                }
            }
        }
        if let Some(m) = self.metrics() {
            out.push(("metrics.port".to_owned(), m.port.port()));
        }
        out
    }

    /// Declares every port the probes and the metrics endpoint refer to that the
    /// workload does not declare by name, as if it had been passed to the workload's
    /// `extra_ports` (`ports` for a worker or node agent): on the container, and on the
    /// Service where the declared ones are. A metrics port that a further (non-init)
    /// container of the pod declares stays that container's. A name declared with
    /// another number is left to the declaration check (rule `dangling-reference`).
    pub(crate) fn declare_referenced_ports(&mut self, further: &[PodContainer]) {
        let mut declared = self.ports();
        let mut derived: Vec<NamedPort> = Vec::new();
        for (field, port) in self.referenced_ports() {
            let in_further = field == "metrics.port"
                && further
                    .iter()
                    .filter(|pc| pc.role != ContainerRole::Init)
                    .any(|pc| pc.container.ports.iter().any(|p| p.name == port.name));
            if !in_further && !declared.iter().any(|p| p.name == port.name) {
                declared.push(port.clone());
                derived.push(port.clone());
            }
        }
        match self {
            Workload::Http(h) => h.extra_ports.extend(derived),
            Workload::Worker(w) => w.ports.extend(derived),
            Workload::NodeAgent(a) => a.ports.extend(derived),
            Workload::Stateful(s) => s.extra_ports.extend(derived),
            Workload::Cluster(c) => c.extra_ports.extend(derived),
            Workload::Job(_) | Workload::Scheduled(_) => {}
        }
    }

    /// The dependency a worker's leader lock lives in, as its handle carried it.
    pub fn leader_lock_dependency(&self) -> Option<&Dependency> {
        match self {
            Workload::Worker(w) => match w.leader_election.as_ref().map(|l| &l.lock) {
                Some(LeaderLock::Dependency(d)) => d.dependency(),
                _ => None,
            },
            _ => None,
        }
    }
}
