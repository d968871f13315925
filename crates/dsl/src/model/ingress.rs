//! HTTP ingress: hosts, paths to components, TLS.

use std::collections::BTreeMap;

use super::handles::{RouteTarget, ServiceRef};
use crate::primitives::text::{Host, HttpPath, Name};

/// How the ingress terminates TLS.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Tls {
    /// cert-manager issues the certificate into `<app>-tls` via a ClusterIssuer.
    CertManager {
        /// The ClusterIssuer's name, e.g. `letsencrypt-prod`.
        cluster_issuer: Name,
    },
    /// A `kubernetes.io/tls` Secret created outside kairn.
    ExistingSecret(Name),
}

/// One path of a host routed to a component's Service. The target is a handle of an
/// HTTP component (`&api` or `api.service()`), so a route to a component that has no
/// Service does not compile.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive] // no struct literals outside the crate: a route is made from a handle by `Route::new`
pub struct Route {
    /// Path prefix (`pathType: Prefix`).
    pub path: HttpPath,
    /// Name of an HTTP component of the same app.
    pub component: Name,
}

impl Route {
    /// Routes `path` (a prefix) to an HTTP component: `Route::new(http_path!("/api"), &api)`.
    pub fn new(path: HttpPath, to: impl RouteTarget) -> Self {
        let service: ServiceRef = to.service();
        Route {
            path,
            component: (*service).clone(),
        }
    }
}

/// A host and its routes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct HostRules {
    /// The host name.
    pub host: Host,
    /// Its routes.
    pub routes: Vec<Route>,
}

impl HostRules {
    /// A host whose every path (`/`) goes to one HTTP component: `HostRules::all_to(host, &api)`.
    pub fn all_to(host: Host, to: impl RouteTarget) -> Self {
        HostRules {
            host,
            routes: vec![Route::new(crate::http_path!("/"), to)],
        }
    }
}

/// The application's Ingress. TLS is mandatory: plain-HTTP ingress is not expressible.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Ingress {
    /// `spec.ingressClassName` (the deprecated `kubernetes.io/ingress.class` annotation is never emitted).
    pub class: Name,
    /// Hosts and routes.
    pub hosts: Vec<HostRules>,
    /// TLS for every host.
    pub tls: Tls,
    /// Namespace of the ingress controller, allowed in by the NetworkPolicies.
    pub controller_namespace: Name,
    /// Controller-specific annotations (e.g. `nginx.ingress.kubernetes.io/proxy-body-size`).
    pub annotations: BTreeMap<String, String>,
}
