//! Stateful services that are not consensus clusters: a Redis, a small database, any
//! StatefulSet whose members need a stable name and their own volume.

use std::num::NonZeroU32;

use super::cluster::MemberVolume;
use super::monitoring::Metrics;
use super::pod::{Probes, Spread};
use super::scaling::Disruption;
use crate::primitives::port::{NamedPort, Port};

/// The order a StatefulSet starts and stops its pods in (`podManagementPolicy`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum PodManagement {
    /// Start and stop pods in parallel (the default: members that need each other to
    /// become ready cannot deadlock, and scaling is fast).
    #[default]
    Parallel,
    /// Start pod `n+1` only when pod `n` is ready, stop in reverse order (a primary at
    /// ordinal 0 that replicas join).
    OrderedReady,
}

impl PodManagement {
    /// The Kubernetes spelling.
    pub const fn as_str(self) -> &'static str {
        match self {
            PodManagement::Parallel => "Parallel",
            PodManagement::OrderedReady => "OrderedReady",
        }
    }
}

/// How a StatefulSet replaces its pods when the template changes.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum StatefulUpdate {
    /// Replace every pod, highest ordinal first (`RollingUpdate`, `partition: 0`).
    #[default]
    Rolling,
    /// Replace only pods with an ordinal of at least `partition` (a canary of the
    /// highest ordinals); lower ordinals keep the old template.
    Partitioned {
        /// The lowest ordinal updated.
        partition: u32,
    },
    /// Replace a pod only when it is deleted by hand (`OnDelete`).
    OnDelete,
}

/// A StatefulSet that is not a consensus cluster: stable pod names
/// (`<app>-<component>-<ordinal>`) resolvable through a headless Service, a ClusterIP
/// Service for clients, and one PersistentVolumeClaim per member and volume
/// (`volumeClaimTemplates`, kept when the StatefulSet is deleted or scaled down).
///
/// [`StatefulService::single`] is the one-instance shortcut (a Redis, a small
/// database); [`StatefulService::builder`] declares N members. Unlike a
/// [`StatefulCluster`](crate::StatefulCluster) there is no quorum, no peer port and no
/// peers list: the member count is any positive number.
///
/// ```
/// use dsl::*;
/// let redis = NamedPort::new(port_name!("redis"), port!(6379));
/// let probes = Probes::builder()
///     .liveness(Probe::builder().check(Check::tcp(&redis)).build())
///     .readiness(Probe::builder().check(Check::tcp(&redis)).build())
///     .build();
/// let data = MemberVolume::builder()
///     .name(name!("data"))
///     .size(storage!("1Gi"))
///     .mount_path("/data")
///     .build();
/// let cache = StatefulService::single(redis, probes, data);
/// assert_eq!(cache.replicas.get(), 1);
/// assert_eq!(cache.disruption, None); // no budget that would block every drain
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StatefulService {
    /// Number of members (fixed; a StatefulSet's volumes do not follow an autoscaler).
    pub replicas: NonZeroU32,
    /// The client port, exposed by the ClusterIP Service and the headless Service.
    pub port: NamedPort,
    /// The port the client Service exposes; `None` is the container port's number.
    pub service_port: Option<Port>,
    /// Further container ports (also on both Services).
    pub extra_ports: Vec<NamedPort>,
    /// Liveness and readiness probes, or why there are none
    /// ([`without_probes`](super::builders::workloads::StatefulServiceBuilder::without_probes)).
    pub probes: super::node_agent::AgentProbes,
    /// Per-member persistent volumes.
    pub volumes: Vec<MemberVolume>,
    /// Start order of the members.
    pub pod_management: PodManagement,
    /// How members are replaced on a template change.
    pub update: StatefulUpdate,
    /// Disruption budget; `None` renders `maxUnavailable: 1` for more than one member
    /// and no budget for one (a budget on a single pod either protects nothing or
    /// blocks every node drain).
    pub disruption: Option<Disruption>,
    /// Prometheus metrics endpoint.
    pub metrics: Option<Metrics>,
    /// Placement of the members (soft anti-affinity across nodes unless changed).
    pub spread: Spread,
}

impl StatefulService {
    /// One instance with one volume: `replicas: 1`, no disruption budget, rolling
    /// update, no spread.
    pub fn single(port: NamedPort, probes: Probes, volume: MemberVolume) -> Self {
        StatefulService::builder()
            .replicas(NonZeroU32::MIN)
            .port(port)
            .probes(probes)
            .volumes(vec![volume])
            .spread(Spread::None)
            .build()
    }

    /// The port the client Service exposes.
    pub fn exposed_port(&self) -> u16 {
        self.service_port.unwrap_or(self.port.number).get()
    }

    /// The container ports, main port first.
    pub fn ports(&self) -> Vec<NamedPort> {
        std::iter::once(self.port.clone())
            .chain(self.extra_ports.iter().cloned())
            .collect()
    }

    /// The disruption budget rendered: the declared one, else `maxUnavailable: 1` for
    /// more than one member, else none.
    pub fn effective_disruption(&self) -> Option<Disruption> {
        self.disruption
            .or_else(|| (self.replicas.get() > 1).then_some(Disruption::MaxUnavailable(1)))
    }
}
