//! Where pods send DNS queries, for the egress every NetworkPolicy allows.

use std::net::Ipv4Addr;

/// The cluster's DNS, as the NetworkPolicies need to know it.
///
/// Every policy allows DNS to the kube-dns pods (`k8s-app: kube-dns` in `kube-system`).
/// With [NodeLocal DNSCache](https://kubernetes.io/docs/tasks/administer-cluster/nodelocaldns/)
/// pods query a cache on their node at a link-local address instead, which no pod
/// selector matches; `Dns::NodeLocal` adds an `ipBlock` rule to that address (`/32`, UDP
/// and TCP 53) next to the kube-dns rule, which stays for the cache's fallback.
///
/// ```
/// use dsl::*;
/// let app = App::builder()
///     .name(name!("shop"))
///     .environment(name!("production"))
///     .namespace(name!("shop"))
///     .components(vec![])
///     .dns(Dns::NODE_LOCAL_DEFAULT)
///     .build();
/// assert_eq!(app.dns, Dns::NodeLocal { ip: std::net::Ipv4Addr::new(169, 254, 20, 10) });
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Dns {
    /// The kube-dns / CoreDNS pods only.
    #[default]
    KubeDns,
    /// A NodeLocal DNSCache at `ip` (and kube-dns).
    NodeLocal {
        /// The address the node-local cache listens on.
        ip: Ipv4Addr,
    },
}

impl Dns {
    /// NodeLocal DNSCache at its default address, `169.254.20.10`.
    pub const NODE_LOCAL_DEFAULT: Dns = Dns::NodeLocal {
        ip: Ipv4Addr::new(169, 254, 20, 10),
    };

    /// The node-local cache's address, if any.
    pub const fn node_local(self) -> Option<Ipv4Addr> {
        match self {
            Dns::KubeDns => None,
            Dns::NodeLocal { ip } => Some(ip),
        }
    }
}
