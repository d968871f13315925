//! Stateful clusters: a fixed set of members with stable identities and their own
//! volumes, such as a Raft or etcd-style consensus group.
//!
//! A [`StatefulCluster`] renders as a StatefulSet with a headless Service for peer
//! discovery, a ClusterIP Service for clients, one PersistentVolumeClaim per member and
//! volume, and a PodDisruptionBudget that keeps a quorum through voluntary disruptions.
//! The peers list is derived from the member count and the Service name; it is never
//! typed by hand.

use std::fmt;

use super::component::AccessMode;
use super::monitoring::Metrics;
use super::pod::{Probes, Spread};
use crate::primitives::port::{NamedPort, Port};
use crate::primitives::quantity::Storage;
use crate::primitives::text::{EnvName, InvalidValue, Name};

/// The member count of a consensus cluster: an odd number `2f + 1` of at least 3, which
/// tolerates `f` failed members.
///
/// An even count buys no extra failure tolerance over the odd count below it and makes
/// split votes possible; fewer than 3 members tolerate no failure at all. Both are
/// compile errors when written with [`quorum!`](crate::quorum):
///
/// ```
/// let q = dsl::quorum!(5);
/// assert_eq!((q.members(), q.tolerated_failures(), q.majority()), (5, 2, 3));
/// ```
///
/// ```compile_fail
/// let q = dsl::quorum!(4); // even: no more fault tolerance than 3, and split votes
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Quorum(u8);

const fn quorum_error(members: u32) -> Option<&'static str> {
    if members < 3 {
        return Some("a consensus cluster needs at least 3 members (2f+1 with f >= 1); fewer members tolerate no failure");
    }
    if members.is_multiple_of(2) {
        return Some("a consensus cluster needs an odd member count (2f+1): an even count tolerates no more failures than the odd count below it and allows split votes");
    }
    if members > 99 {
        return Some("a consensus cluster of more than 99 members is not supported");
    }
    None
}

impl Quorum {
    /// Builds a member count from a literal; an even count or one below 3 is a compile
    /// error in `const` context (see [`quorum!`](crate::quorum)).
    pub const fn new(members: u8) -> Self {
        if let Some(reason) = quorum_error(members as u32) {
            panic!("{}", reason);
        }
        Quorum(members)
    }

    /// Validates a run-time member count.
    pub fn parse(members: u32) -> Result<Self, InvalidValue> {
        match quorum_error(members) {
            None => Ok(Quorum(members as u8)),
            Some(reason) => Err(InvalidValue {
                kind: "cluster member count",
                value: members.to_string(),
                reason,
            }),
        }
    }

    /// The number of members (`2f + 1`).
    pub const fn members(self) -> u8 {
        self.0
    }

    /// How many members can fail while the cluster keeps a majority (`f`).
    pub const fn tolerated_failures(self) -> u8 {
        (self.0 - 1) / 2
    }

    /// The smallest majority (`f + 1`).
    pub const fn majority(self) -> u8 {
        self.0 / 2 + 1
    }
}

impl fmt::Display for Quorum {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.0)
    }
}

/// A consensus member count checked at compile time: odd and at least 3.
///
/// ```
/// let q = dsl::quorum!(3);
/// assert_eq!(q.tolerated_failures(), 1);
/// ```
#[macro_export]
macro_rules! quorum {
    ($n:literal) => {{
        const VALUE: $crate::Quorum = $crate::Quorum::new($n);
        VALUE
    }};
}

/// A volume every member gets its own copy of (a `volumeClaimTemplate`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MemberVolume {
    /// Claim template name (the member's claim is `<name>-<statefulset>-<ordinal>`).
    pub name: Name,
    /// Requested size per member.
    pub size: Storage,
    /// Mount path in the container.
    pub mount_path: String,
    /// Storage class; `None` uses the cluster default.
    pub storage_class: Option<Name>,
    /// Access mode (one member mounts each claim, so ReadWriteOnce is the norm).
    pub access_mode: AccessMode,
}

/// How members learn their own identity and their peers, as environment variables.
///
/// The node id is the pod name (`<statefulset>-<ordinal>`, stable across restarts); the
/// peers list is `<statefulset>-<i>.<headless-service>.<namespace>.svc:<peer-port>` for
/// every member `i`, comma-separated, derived from the member count.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PeerDiscovery {
    /// Variable holding the member's own id (its pod name).
    pub node_id_env: EnvName,
    /// Variable holding the comma-separated peers list.
    pub peers_env: EnvName,
}

impl Default for PeerDiscovery {
    fn default() -> Self {
        PeerDiscovery::builder().build()
    }
}

/// A consensus cluster: a StatefulSet of [`Quorum`] members.
///
/// Members start in parallel (a Raft group cannot elect a leader until a majority is up),
/// always run on different nodes, and are reachable by peers through a headless Service
/// that publishes not-yet-ready members. Clients use a ClusterIP Service on
/// [`port`](Self::port); the peer port is never on the client Service. Autoscaling is not
/// expressible: changing the member count changes quorum membership.
///
/// ```
/// use dsl::*;
/// let http = NamedPort::new(port_name!("http"), port!(8000));
/// let raft = StatefulCluster::builder()
///     .members(quorum!(3))
///     .port(http.clone())
///     .peer_port(NamedPort::new(port_name!("raft"), port!(4321)))
///     .probes(Probes::http(&http, http_path!("/health"), http_path!("/ready")))
///     .build();
/// assert_eq!(raft.members.members(), 3);
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StatefulCluster {
    /// Number of members.
    pub members: Quorum,
    /// The client port, exposed by the ClusterIP Service.
    pub port: NamedPort,
    /// The port the client Service exposes (targets [`port`](Self::port) by name).
    pub service_port: Port,
    /// The member-to-member port, exposed only by the headless Service.
    pub peer_port: NamedPort,
    /// Further container ports, on the client Service like [`port`](Self::port): the
    /// ports probes or the metrics endpoint refer to that neither `port` nor
    /// `peer_port` declares (see [`PortRef`](crate::PortRef)).
    pub extra_ports: Vec<NamedPort>,
    /// Liveness and readiness probes.
    pub probes: Probes,
    /// Per-member persistent volumes.
    pub volumes: Vec<MemberVolume>,
    /// Identity and peers environment variables.
    pub peers: PeerDiscovery,
    /// Prometheus metrics endpoint.
    pub metrics: Option<Metrics>,
    /// Members are always on different nodes; [`Spread::AcrossZones`] also balances zones.
    pub spread: Spread,
}

/// Name suffix of a cluster's headless (peer discovery) Service.
pub const HEADLESS_SUFFIX: &str = "headless";

impl StatefulCluster {
    /// The peers list for a StatefulSet `statefulset` behind headless Service `headless`
    /// in `namespace`.
    ///
    /// ```
    /// use dsl::*;
    /// let http = NamedPort::new(port_name!("http"), port!(8000));
    /// let raft = StatefulCluster::builder()
    ///     .members(quorum!(3))
    ///     .port(http.clone())
    ///     .peer_port(NamedPort::new(port_name!("raft"), port!(4321)))
    ///     .probes(Probes::http(&http, http_path!("/health"), http_path!("/ready")))
    ///     .build();
    /// assert_eq!(
    ///     raft.peers_list(&name!("db"), &name!("db-headless"), &name!("ns")),
    ///     "db-0.db-headless.ns.svc:4321,db-1.db-headless.ns.svc:4321,db-2.db-headless.ns.svc:4321"
    /// );
    /// ```
    pub fn peers_list(
        &self,
        statefulset: &(impl std::fmt::Display + ?Sized),
        headless: &(impl std::fmt::Display + ?Sized),
        namespace: &Name,
    ) -> String {
        (0..self.members.members())
            .map(|i| {
                format!(
                    "{statefulset}-{i}.{headless}.{namespace}.svc:{}",
                    self.peer_port.number
                )
            })
            .collect::<Vec<_>>()
            .join(",")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quorum_sizes() {
        assert!(Quorum::parse(3).is_ok());
        assert!(Quorum::parse(7).is_ok());
        assert!(Quorum::parse(4).is_err());
        assert!(Quorum::parse(1).is_err());
        assert!(Quorum::parse(0).is_err());
        assert!(Quorum::parse(101).is_err());
        assert_eq!(Quorum::new(3).majority(), 2);
        assert_eq!(Quorum::new(7).tolerated_failures(), 3);
    }
}
