//! Builders of [`NodeAgent`] and [`StatefulService`].

use std::num::NonZeroU32;

use crate::model::builder_macro::{typestate_builder, NotYetSet};
use crate::model::cluster::MemberVolume;
use crate::model::host_access::{Explained, HostAccess, Reason};
use crate::model::monitoring::Metrics;
use crate::model::node_agent::{AgentProbes, DaemonUpdate, NodeAgent};
use crate::model::pod::{PodProbes, ServingProbes, Spread};
use crate::model::scaling::Disruption;
use crate::model::stateful::{PodManagement, StatefulService, StatefulUpdate};
use crate::primitives::port::{NamedPort, Port};

typestate_builder! {
    /// Declares a [`NodeAgent`]: `.probes(..)` or `.without_probes(reason!("…"))` is
    /// required; host access only with a reason.
    pub struct NodeAgentBuilder for NodeAgent {
        builder: fn builder;
        note: "a node agent needs `.probes(..)`, or `.without_probes(reason!(\"…\"))` when it serves no health endpoint";
        required {
            /// Liveness and readiness probes of the agent's container.
            probes [P: NodeAgentProbes]: AgentProbes = |probes: impl PodProbes| AgentProbes::Probed(probes.into_probes()),
                message "this node agent has no probes: add `.probes(Probes::http(&http, http_path!(\"/live\"), http_path!(\"/ready\")))`, or `.without_probes(reason!(\"why it cannot be probed\"))`, before `.build()`",
                label "`.probes(..)` or `.without_probes(..)` is missing";
        }
        tracked {}
        fixed {}
        optional {
            /// Container ports (health, metrics, host ports).
            ports: Vec<NamedPort> = Vec::new(), |ports: Vec<NamedPort>| ports;
            /// Prometheus metrics endpoint on one of the ports.
            metrics: Option<Metrics> = None, |metrics: Metrics| Some(metrics);
            /// How pods are replaced on a template change.
            update: DaemonUpdate = DaemonUpdate::default(), |update: DaemonUpdate| update;
            /// Declared host access, each with a reason (an access without one does not compile).
            host_access: Vec<HostAccess> = Vec::new(),
                |accesses: impl IntoIterator<Item = impl Explained>| accesses.into_iter().map(Explained::into_host_access).collect();
        }
    }
}

impl<P: NotYetSet> NodeAgentBuilder<P> {
    /// States that the agent has no probes and why (it serves no health endpoint and has
    /// no command to check it with): the reason goes into the DaemonSet's
    /// `kairn.dev/no-probes` annotation. Instead of [`probes`](Self::probes).
    ///
    /// ```
    /// use dsl::*;
    /// let agent = NodeAgent::builder()
    ///     .without_probes(reason!("a one-shot node tuner that sleeps after it is done"))
    ///     .build();
    /// assert!(agent.probes.probes().is_none());
    /// ```
    pub fn without_probes(self, reason: Reason) -> NodeAgentBuilder<AgentProbes> {
        NodeAgentBuilder {
            probes: AgentProbes::Without(reason),
            ports: self.ports,
            metrics: self.metrics,
            update: self.update,
            host_access: self.host_access,
        }
    }
}

typestate_builder! {
    /// Declares a [`StatefulService`]: `.replicas(..)`, `.port(..)` and `.probes(..)` are
    /// required (or use [`StatefulService::single`]).
    pub struct StatefulServiceBuilder for StatefulService {
        builder: fn builder;
        note: "a stateful service needs `.replicas(..)`, `.port(..)` and `.probes(..)` (or use `StatefulService::single(..)`)";
        required {
            /// Number of members.
            replicas [R: StatefulServiceReplicas]: NonZeroU32 = |replicas: NonZeroU32| replicas,
                message "this stateful service has no member count: add `.replicas(NonZeroU32::new(3).unwrap())` (or use `StatefulService::single(..)`) before `.build()`",
                label "`.replicas(..)` is missing";
            /// The client port.
            port [Po: StatefulServicePort]: NamedPort = |port: NamedPort| port,
                message "this stateful service has no port: add `.port(NamedPort::new(port_name!(\"redis\"), port!(6379)))` before `.build()`",
                label "`.port(..)` is missing";
            /// Liveness and readiness probes.
            probes [Pr: StatefulServiceProbes]: AgentProbes = |probes: impl ServingProbes| AgentProbes::Probed(probes.into_probes()),
                message "this stateful service has no probes: add `.probes(..)` (e.g. TCP checks on its port) before `.build()`",
                label "`.probes(..)` is missing";
        }
        tracked {}
        fixed {}
        optional {
            /// The port the client Service exposes; default the container port's number.
            service_port: Option<Port> = None, |port: Port| Some(port);
            /// Further container ports (also on both Services).
            extra_ports: Vec<NamedPort> = Vec::new(), |ports: Vec<NamedPort>| ports;
            /// Per-member persistent volumes.
            volumes: Vec<MemberVolume> = Vec::new(), |volumes: Vec<MemberVolume>| volumes;
            /// Start order of the members.
            pod_management: PodManagement = PodManagement::default(), |policy: PodManagement| policy;
            /// How members are replaced on a template change.
            update: StatefulUpdate = StatefulUpdate::default(), |update: StatefulUpdate| update;
            /// Disruption budget (default: at most one member down when there are several).
            disruption: Option<Disruption> = None, |disruption: Disruption| Some(disruption);
            /// Prometheus metrics endpoint.
            metrics: Option<Metrics> = None, |metrics: Metrics| Some(metrics);
            /// Placement of the members (soft anti-affinity across nodes unless changed).
            spread: Spread = Spread::AcrossNodes, |spread: Spread| spread;
        }
    }
}

impl<R, Po> StatefulServiceBuilder<R, Po, crate::model::builder::Unset> {
    /// States that the members have no probes and why (see
    /// [`HttpServiceBuilder::without_probes`](crate::model::builders::http::HttpServiceBuilder::without_probes)):
    /// no probe is rendered; the reason goes into the StatefulSet's `kairn.dev/no-probes`
    /// annotation. Instead of [`probes`](Self::probes).
    pub fn without_probes(self, reason: Reason) -> StatefulServiceBuilder<R, Po, AgentProbes> {
        StatefulServiceBuilder {
            replicas: self.replicas,
            port: self.port,
            probes: AgentProbes::Without(reason),
            service_port: self.service_port,
            extra_ports: self.extra_ports,
            volumes: self.volumes,
            pod_management: self.pod_management,
            update: self.update,
            disruption: self.disruption,
            metrics: self.metrics,
            spread: self.spread,
        }
    }
}
