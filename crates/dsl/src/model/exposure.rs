//! How an HTTP component's Service is reachable: inside the cluster only (the default,
//! with an [`Ingress`](crate::Ingress) for the outside world), or on a cloud load balancer.

/// The type of an HTTP component's Service.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub enum Exposure {
    /// `ClusterIP`: reachable inside the cluster only. External traffic goes through the
    /// app's Ingress, which terminates TLS.
    #[default]
    ClusterIp,
    /// `LoadBalancer`: a cloud load balancer forwards the Service port straight to the pods,
    /// without TLS termination or authentication by kairn. Only the listed client ranges
    /// may connect: they become `loadBalancerSourceRanges` and the NetworkPolicy's ingress
    /// `ipBlock`s, and `externalTrafficPolicy: Local` keeps client addresses visible to
    /// that policy.
    LoadBalancer {
        /// Client CIDR blocks allowed to connect, e.g. `203.0.113.0/24`.
        source_ranges: Vec<String>,
    },
}

impl Exposure {
    /// The Service `type`.
    ///
    /// ```
    /// assert_eq!(dsl::Exposure::default().service_type(), "ClusterIP");
    /// ```
    pub fn service_type(&self) -> &'static str {
        match self {
            Exposure::ClusterIp => "ClusterIP",
            Exposure::LoadBalancer { .. } => "LoadBalancer",
        }
    }
}
