//! Builders of [`StatefulCluster`] and [`MemberVolume`].

use crate::model::builder_macro::typestate_builder;
use crate::model::cluster::{MemberVolume, PeerDiscovery, Quorum, StatefulCluster};
use crate::model::component::AccessMode;
use crate::model::monitoring::Metrics;
use crate::model::pod::{Probes, ServingProbes, Spread};
use crate::primitives::port::{NamedPort, Port};
use crate::primitives::quantity::Storage;
use crate::primitives::text::{EnvName, Name};

typestate_builder! {
    /// Declares a [`StatefulCluster`]: `.members(..)`, `.port(..)`, `.peer_port(..)` and
    /// `.probes(..)` are required.
    pub struct StatefulClusterBuilder for StatefulCluster {
        builder: fn builder;
        note: "a stateful cluster needs `.members(..)`, `.port(..)`, `.peer_port(..)` and `.probes(..)`";
        required {
            /// Number of members.
            members [Me: StatefulClusterMembers]: Quorum = |members: Quorum| members,
                message "this cluster has no member count: add `.members(quorum!(3))` before `.build()`",
                label "`.members(..)` is missing";
            /// The client port, exposed by the ClusterIP Service.
            port [Po: StatefulClusterPort]: NamedPort = |port: NamedPort| port,
                message "this cluster has no client port: add `.port(NamedPort::new(port_name!(\"http\"), port!(8000)))` before `.build()`",
                label "`.port(..)` is missing";
            /// The member-to-member port, exposed only by the headless Service.
            peer_port [Pe: StatefulClusterPeerPort]: NamedPort = |port: NamedPort| port,
                message "this cluster has no peer port: add `.peer_port(NamedPort::new(port_name!(\"raft\"), port!(4321)))` before `.build()`",
                label "`.peer_port(..)` is missing";
            /// Liveness and readiness probes.
            probes [Pr: StatefulClusterProbes]: Probes = |probes: impl ServingProbes| probes.into_probes(),
                message "this cluster has no probes: add `.probes(Probes::http(&http, http_path!(\"/live\"), http_path!(\"/ready\")))` before `.build()`",
                label "`.probes(..)` is missing";
        }
        tracked {}
        fixed {}
        optional {
            /// The port the client Service exposes (default 80).
            service_port: Port = crate::port!(80), |port: Port| port;
            /// Further container ports, also on the client Service.
            extra_ports: Vec<NamedPort> = Vec::new(), |ports: Vec<NamedPort>| ports;
            /// Per-member persistent volumes.
            volumes: Vec<MemberVolume> = Vec::new(), |volumes: Vec<MemberVolume>| volumes;
            /// Identity and peers environment variables.
            peers: PeerDiscovery = PeerDiscovery::default(), |peers: PeerDiscovery| peers;
            /// Prometheus metrics endpoint.
            metrics: Option<Metrics> = None, |metrics: Metrics| Some(metrics);
            /// Placement: members are always on different nodes; `AcrossZones` also balances zones.
            spread: Spread = Spread::default(), |spread: Spread| spread;
        }
    }
}

typestate_builder! {
    /// Declares a [`MemberVolume`]: `.name(..)`, `.size(..)` and `.mount_path(..)` are required.
    pub struct MemberVolumeBuilder for MemberVolume {
        builder: fn builder;
        note: "a member volume needs `.name(..)`, `.size(..)` and `.mount_path(..)`";
        required {
            /// Claim template name.
            name [N: MemberVolumeName]: Name = |name: Name| name,
                message "this member volume has no name: add `.name(name!(\"data\"))` before `.build()`",
                label "`.name(..)` is missing";
            /// Requested size per member.
            size [Si: MemberVolumeSize]: Storage = |size: Storage| size,
                message "this member volume has no size: add `.size(storage!(\"10Gi\"))` before `.build()`",
                label "`.size(..)` is missing";
            /// Mount path in the container.
            mount_path [M: MemberVolumeMountPath]: String = |path: impl Into<String>| path.into(),
                message "this member volume has no mount path: add `.mount_path(\"/var/lib/data\")` before `.build()`",
                label "`.mount_path(..)` is missing";
        }
        tracked {}
        fixed {}
        optional {
            /// Storage class; unset uses the cluster default.
            storage_class: Option<Name> = None, |class: Name| Some(class);
            /// Access mode (default ReadWriteOnce: one member mounts each claim).
            access_mode: AccessMode = AccessMode::ReadWriteOnce, |mode: AccessMode| mode;
        }
    }
}

typestate_builder! {
    /// Declares [`PeerDiscovery`] (every setting has a default).
    pub struct PeerDiscoveryBuilder for PeerDiscovery {
        builder: fn builder;
        note: "peer discovery has no required settings";
        required {}
        tracked {}
        fixed {}
        optional {
            /// Variable holding the member's own id (default `RAFT_NODE_ID`).
            node_id_env: EnvName = crate::env_name!("RAFT_NODE_ID"), |name: EnvName| name;
            /// Variable holding the comma-separated peers list (default `RAFT_PEERS`).
            peers_env: EnvName = crate::env_name!("RAFT_PEERS"), |name: EnvName| name;
        }
    }
}
