//! External services an application talks to. Each one opens exactly the egress it
//! needs in the derived NetworkPolicy.

use std::collections::BTreeMap;

use crate::primitives::port::Port;
use crate::primitives::text::{Host, Name};

/// What kind of service a dependency is (used in names, docs and lint messages).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum DependencyKind {
    /// A PostgreSQL database.
    Postgres,
    /// A Redis server.
    Redis,
    /// HTTPS APIs on the public internet.
    Https,
    /// Anything else.
    Other,
}

/// Where a dependency lives, which determines the NetworkPolicy egress peer.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Endpoint {
    /// Pods in the cluster, selected by labels, in the app's namespace or another one.
    InCluster {
        /// `None`: the application's own namespace.
        namespace: Option<Name>,
        /// Labels of the dependency's pods.
        pod_labels: BTreeMap<String, String>,
        /// Port the pods listen on.
        port: Port,
    },
    /// Hosts outside the cluster in the given CIDR blocks (a managed database's subnet).
    Cidrs {
        /// CIDR blocks, e.g. `10.20.0.0/16`.
        cidrs: Vec<String>,
        /// Destination port.
        port: Port,
    },
    /// Any public address (private ranges excluded) on one port.
    PublicInternet {
        /// Destination port.
        port: Port,
    },
}

impl Endpoint {
    /// The destination port.
    pub fn port(&self) -> Port {
        match self {
            Endpoint::InCluster { port, .. }
            | Endpoint::Cidrs { port, .. }
            | Endpoint::PublicInternet { port } => *port,
        }
    }
}

/// A service the application depends on.
///
/// ```
/// use dsl::{Dependency, name};
/// let pg = Dependency::postgres_in_cluster(name!("postgres"), [("app.kubernetes.io/name", "postgresql")]);
/// assert_eq!(pg.endpoint.port().get(), 5432);
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Dependency {
    /// Name components use to say they talk to it.
    pub name: Name,
    /// What it is.
    pub kind: DependencyKind,
    /// Where it is.
    pub endpoint: Endpoint,
    /// The host name it is reached by, when it is stated
    /// ([`postgres_over_tls`](Self::postgres_over_tls), [`public_host`](Self::public_host)):
    /// in the model for the components' configuration and for reports. A NetworkPolicy
    /// cannot select by host name, so the egress stays [`Endpoint::PublicInternet`] on the
    /// port.
    pub host: Option<Host>,
}

fn labels<'a>(pairs: impl IntoIterator<Item = (&'a str, &'a str)>) -> BTreeMap<String, String> {
    pairs
        .into_iter()
        .map(|(k, v)| (k.to_owned(), v.to_owned()))
        .collect()
}

impl Dependency {
    /// PostgreSQL pods in the app's namespace on 5432.
    pub fn postgres_in_cluster<'a>(
        name: Name,
        pod_labels: impl IntoIterator<Item = (&'a str, &'a str)>,
    ) -> Self {
        Dependency {
            name,
            kind: DependencyKind::Postgres,
            endpoint: Endpoint::InCluster {
                namespace: None,
                pod_labels: labels(pod_labels),
                port: crate::port!(5432),
            },
            host: None,
        }
    }

    /// Redis pods in the app's namespace on 6379.
    pub fn redis_in_cluster<'a>(
        name: Name,
        pod_labels: impl IntoIterator<Item = (&'a str, &'a str)>,
    ) -> Self {
        Dependency {
            name,
            kind: DependencyKind::Redis,
            endpoint: Endpoint::InCluster {
                namespace: None,
                pod_labels: labels(pod_labels),
                port: crate::port!(6379),
            },
            host: None,
        }
    }

    /// HTTPS (443) to public addresses: LLM APIs, SaaS connectors.
    pub fn public_https(name: Name) -> Self {
        Dependency {
            name,
            kind: DependencyKind::Https,
            endpoint: Endpoint::PublicInternet {
                port: crate::port!(443),
            },
            host: None,
        }
    }

    /// A managed PostgreSQL reached by host name over the public internet (a cloud
    /// database with a public endpoint), on 5432.
    ///
    /// The host is stated once and kept in the model ([`host()`](Self::host())), so the
    /// connection settings can be built from it. The egress rule kairn derives allows any
    /// public address (private ranges excluded) on 5432: a NetworkPolicy selects pods,
    /// namespaces and CIDR blocks, never host names. Where the provider publishes fixed
    /// addresses, [`Endpoint::Cidrs`] with [`Dependency::new`] narrows it. TLS is the
    /// client's to require: kairn cannot see it, so say so in the connection string
    /// (`sslmode=verify-full`).
    ///
    /// ```
    /// use dsl::*;
    /// let db = Dependency::postgres_over_tls(name!("orders-db"), host!("orders.db.example.com"));
    /// assert_eq!(db.kind, DependencyKind::Postgres);
    /// assert_eq!(db.endpoint, Endpoint::PublicInternet { port: port!(5432) });
    /// assert_eq!(db.host().map(Host::as_str), Some("orders.db.example.com"));
    /// ```
    pub fn postgres_over_tls(name: Name, host: Host) -> Self {
        Self::public_host(name, DependencyKind::Postgres, host, crate::port!(5432))
    }

    /// Any service reached by host name over the public internet on one port (a managed
    /// Redis, a message broker, an API on a port other than 443). As for
    /// [`postgres_over_tls`](Self::postgres_over_tls), the host is recorded in the model
    /// and the egress rule allows public addresses on `port`.
    ///
    /// ```
    /// use dsl::*;
    /// let cache = Dependency::public_host(
    ///     name!("cache"),
    ///     DependencyKind::Redis,
    ///     host!("cache.example.com"),
    ///     port!(6380),
    /// );
    /// assert_eq!(cache.endpoint.port(), port!(6380));
    /// ```
    pub fn public_host(name: Name, kind: DependencyKind, host: Host, port: Port) -> Self {
        Dependency {
            name,
            kind,
            endpoint: Endpoint::PublicInternet { port },
            host: Some(host),
        }
    }

    /// The host name it is reached by, if the declaration states one.
    pub fn host(&self) -> Option<&Host> {
        self.host.as_ref()
    }

    /// Any dependency with an explicit endpoint.
    pub fn new(name: Name, kind: DependencyKind, endpoint: Endpoint) -> Self {
        Dependency {
            name,
            kind,
            endpoint,
            host: None,
        }
    }
}
