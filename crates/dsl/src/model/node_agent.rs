//! Node agents: one pod per node, a DaemonSet.
//!
//! A [`NodeAgent`] renders (`render/node_agent.rs`, `render/host_access.rs`) as a DaemonSet
//! with the hardened pod template; host access comes only as [`HostAccess`] values with a
//! reason (`host_access.rs`: none without one compiles), is added to that template,
//! recorded in `kairn.dev/host-access`, and lowers the `enforce` level of the Namespace
//! kairn creates (`kairn.dev/pod-security-exception`). `lint`'s
//! `rules/policy/host_access.rs` reads the annotation, so the `pss-*` rules accept exactly
//! the declared access. Probes, or `.without_probes(reason!(..))` (written as
//! `kairn.dev/no-probes`, read by `rules/policy/daemon_set_probes.rs`), are required.
//! `validate/node_agents.rs` refuses an agent that would lower the namespace for the app's
//! other pods (rule `node-agent-shares-namespace`) unless the app declares
//! `.shared_namespace_with_node_agents(reason!(..))`; `rules/policy/host_path_readable.rs`
//! warns on a host path mounted by a non-root user.

use std::num::NonZeroU32;

use super::host_access::{HostAccess, HostAccessKind, PodSecurityLevel, Reason};
use super::monitoring::Metrics;
use super::pod::Probes;
use crate::primitives::port::NamedPort;

/// How a DaemonSet replaces its pods when the template changes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DaemonUpdate {
    /// Stop up to `max_unavailable` nodes' pods at a time, then start the new ones
    /// (`RollingUpdate`, `maxSurge: 0`).
    Rolling {
        /// Nodes whose agent may be down at once.
        max_unavailable: NonZeroU32,
    },
    /// Start the new pod before stopping the old one, on up to `max_surge` nodes at a
    /// time (`maxUnavailable: 0`): no gap, but two agents run side by side on a node, so
    /// it cannot be combined with a host port or the host network (the validator
    /// refuses that combination: `daemonset-surge-host-port`).
    Surge {
        /// Nodes that may run two pods at once.
        max_surge: NonZeroU32,
    },
    /// Replace a pod only when it is deleted by hand (`OnDelete`).
    OnDelete,
}

impl Default for DaemonUpdate {
    /// One node at a time.
    fn default() -> Self {
        DaemonUpdate::Rolling {
            max_unavailable: NonZeroU32::MIN,
        }
    }
}

/// Whether a workload is probed, or why it is not: set by `.probes(..)` or
/// `.without_probes(reason!(..))` on a [`NodeAgent`] (one of which is required, see
/// [`NodeAgentBuilder::without_probes`](crate::model::builders::workloads::NodeAgentBuilder::without_probes)),
/// an [`HttpService`](crate::HttpService) or a [`StatefulService`](crate::StatefulService)
/// (`.probes(..)` is the usual way; `.without_probes(..)` is for an app that serves no
/// health endpoint, such as an imported one whose source declares none).
#[derive(Clone, Debug, PartialEq, Eq)]
// One value per declared workload, built once: boxing `Probes` would only add an allocation.
#[allow(clippy::large_enum_variant)]
pub enum AgentProbes {
    /// Liveness and readiness probes of the main container.
    Probed(Probes),
    /// No probes, for the reason given (written into the workload's
    /// `kairn.dev/no-probes` annotation, which `kairn lint` reads).
    Without(Reason),
}

impl AgentProbes {
    /// The probes, when the workload has them.
    pub fn probes(&self) -> Option<&Probes> {
        match self {
            AgentProbes::Probed(p) => Some(p),
            AgentProbes::Without(_) => None,
        }
    }

    /// Why the workload has no probes, when it has none.
    pub fn reason_for_none(&self) -> Option<&Reason> {
        match self {
            AgentProbes::Probed(_) => None,
            AgentProbes::Without(r) => Some(r),
        }
    }
}

/// A process on every node (log shipper, metrics exporter, CNI or storage agent): an
/// `apps/v1` DaemonSet with the same hardened pod defaults as every other workload
/// (restricted security context, read-only root, own ServiceAccount, default-deny
/// NetworkPolicy). A DaemonSet has no PodDisruptionBudget and no autoscaling.
///
/// Host access is rendered only when declared in [`host_access`](Self::host_access),
/// each with a reason; the namespace kairn creates then enforces the least Pod Security
/// level the declared access needs (its `audit` and `warn` labels stay `restricted`), and
/// the Namespace and DaemonSet carry the `kairn.dev/pod-security-exception` and
/// `kairn.dev/host-access` annotations naming each access and its reason.
///
/// Limits worth knowing: a NetworkPolicy does not apply to a pod on the host network
/// (it is the node, as far as the network is concerned); a host path the validator
/// considers sensitive (`/`, `/etc`, `/proc`, `/sys`, `/var/lib/kubelet`, ...) or a
/// container runtime socket is still reported (`sensitive-host-mount`,
/// `host-runtime-socket`) and needs a [`Waiver`](crate::Waiver) with its own reason; and
/// [`DaemonUpdate::Surge`] with a host port or the host network would leave the surge
/// pod unschedulable (the old pod holds the port on the node, so the rollout stalls):
/// the validator refuses it before anything is written (`daemonset-surge-host-port`);
/// use [`DaemonUpdate::Rolling`] for such an agent.
///
/// A node agent has probes (`.probes(..)`) or says why it has none
/// (`.without_probes(reason!("…"))`): one of the two is required, so an agent that is
/// never checked is a choice written down, not an omission.
///
/// Tolerations and the priority class are set on the component
/// ([`ComponentBuilder::tolerations`](crate::ComponentBuilder),
/// [`Toleration::everything`](crate::Toleration::everything)).
///
/// ```
/// use dsl::*;
/// let metrics = NamedPort::new(port_name!("metrics"), port!(9100));
/// let agent = NodeAgent::builder()
///     .ports(vec![metrics.clone()])
///     .probes(Probes::http(&metrics, http_path!("/healthz"), http_path!("/healthz")))
///     .metrics(Metrics::builder().port(&metrics).build())
///     .host_access([
///         HostAccess::host_path(host_path!("/proc"), "/host/proc")
///             .reason(reason!("reads per-process statistics of the node")),
///         HostAccess::host_network().reason(reason!("reports the node's own interfaces")),
///     ])
///     .build();
/// assert_eq!(agent.pod_security_level(), PodSecurityLevel::Privileged);
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NodeAgent {
    /// Container ports (health, metrics, host ports).
    pub ports: Vec<NamedPort>,
    /// Probes, or why the agent has none.
    pub probes: AgentProbes,
    /// Prometheus metrics endpoint on one of [`ports`](Self::ports).
    pub metrics: Option<Metrics>,
    /// How pods are replaced on a template change.
    pub update: DaemonUpdate,
    /// Declared host access, each with a reason (an access without one does not compile).
    pub host_access: Vec<HostAccess>,
}

impl NodeAgent {
    /// The least Pod Security level that admits the agent's pods.
    pub fn pod_security_level(&self) -> PodSecurityLevel {
        super::host_access::required_level(&self.host_access)
    }

    /// Whether the pod runs in the node's network namespace.
    pub fn host_network(&self) -> bool {
        self.host_access
            .iter()
            .any(|a| a.kind == HostAccessKind::HostNetwork)
    }
}

/// A node agent whose host access lowers its namespace's Pod Security level below what
/// other pods of the same app need (see `node-agent-shares-namespace`).
#[derive(Debug)]
pub(crate) struct SharedNamespace<'a> {
    /// The agent's component.
    pub agent: &'a super::component::Component,
    /// The level the agent's host access needs.
    pub level: PodSecurityLevel,
    /// The app's other components whose pods need less.
    pub others: Vec<&'a super::component::Component>,
}

/// Every node agent of `app` that would lower the namespace's enforced Pod Security level
/// for other components' pods, in declaration order.
pub(crate) fn shared_namespaces(app: &super::app::App) -> Vec<SharedNamespace<'_>> {
    let level_of = |c: &super::component::Component| {
        super::host_access::required_level(c.workload.host_access())
    };
    app.components
        .iter()
        .filter(|c| matches!(c.workload, super::component::Workload::NodeAgent(_)))
        .filter_map(|agent| {
            let level = level_of(agent);
            if level == PodSecurityLevel::Restricted {
                return None;
            }
            let others: Vec<_> = app
                .components
                .iter()
                .filter(|c| c.name != agent.name && level_of(c) < level)
                .collect();
            (!others.is_empty()).then_some(SharedNamespace {
                agent,
                level,
                others,
            })
        })
        .collect()
}
