//! Open network, declared: a component whose NetworkPolicy allows every flow.
//!
//! kairn derives each component's NetworkPolicy from what the app declares (ingress
//! controller, Prometheus, `talks_to`, dependencies) and denies everything else. An app
//! that ran without NetworkPolicies has flows nobody declared: an ingress controller,
//! Prometheus scraping, a service mesh's control plane and sidecars. Applied over it, a
//! derived policy would cut them. [`Component::open_network`] renders the component's
//! NetworkPolicy as allow-all instead (`ingress: [{}]`, `egress: [{}]`, both policy
//! types), with the reason in its `kairn.dev/open-network` annotation, which `lint`
//! reads: no rule objects to the policy's breadth (e.g. `netpol-dns-too-broad`) when it
//! says why. Narrowing it later is a hardening step: drop the call and declare the flows.
//!
//! ```
//! use dsl::*;
//! # let http = NamedPort::new(port_name!("http"), port!(8080));
//! let api = Component::builder()
//!     .name(name!("api"))
//!     .image(image!("ghcr.io/acme/api:1.0.0"))
//!     .resources(Resources::new(cpu!("100m"), cpu!("1"), memory!("128Mi"), memory!("256Mi")))
//!     .workload(
//!         HttpService::builder()
//!             .port(http.clone())
//!             .probes(Probes::http(&http, http_path!("/live"), http_path!("/ready")))
//!             .replicas(Replicas::Fixed(2))
//!             .build(),
//!     )
//!     .build()
//!     .open_network(reason!("the source (k8s/api.yaml) had no NetworkPolicy"));
//! assert!(api.open_network.is_some());
//! ```

use std::panic::Location;

use super::component::Component;
use super::handles::HttpComponent;
use super::host_access::Reason;
use super::set_at::Setting;

impl Component {
    /// Lets the component's NetworkPolicy allow all ingress and all egress, saying why
    /// (see the [module docs](self)). Other components' policies are unchanged.
    #[track_caller]
    pub fn open_network(mut self, reason: Reason) -> Self {
        self.set_at.insert(Setting::OpenNetwork, Location::caller());
        self.open_network = Some(reason);
        self
    }
}

impl HttpComponent {
    /// Lets the component's NetworkPolicy allow every flow (see [`Component::open_network`]).
    #[track_caller]
    pub fn open_network(self, reason: Reason) -> Self {
        HttpComponent::new(self.into_component().open_network(reason))
    }
}
