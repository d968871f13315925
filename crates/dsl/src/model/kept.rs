//! Kept identity: the names, labels and selectors of an app that runs already, kept by
//! the component that now declares it (what `kairn import` writes for imported apps).
//!
//! kairn derives every name (`<app>-<component>`), label and selector itself. Applied
//! over a running app, derived values would fail where the cluster forbids a change (a
//! Deployment's or StatefulSet's `spec.selector`, a StatefulSet's `serviceName`), and
//! elsewhere create a second workload and Service beside the running ones. [`Kept`]
//! holds the source's values; [`Component::keep`] attaches them, and everything kairn
//! renders uses them consistently (`render/kept.rs`):
//!
//! - `workload_name`: the Deployment, StatefulSet, DaemonSet, CronJob or Job, and the
//!   HorizontalPodAutoscaler's `scaleTargetRef` (a run-once or hook Job still gets the
//!   hash of its spec appended, so that it is never changed in place);
//! - `service_name`: the (client) Service, and every Ingress backend routing to it;
//!   `headless_service_name`: the headless Service of a stateful service or cluster and
//!   the StatefulSet's `serviceName` (immutable);
//! - `labels`: `metadata.labels` of every object of the component (replacing kairn's);
//! - `selector`: the workload's `spec.selector.matchLabels` (immutable), the Services'
//!   selectors, the PodDisruptionBudget, the NetworkPolicy's `podSelector` and every other
//!   component's policy peer that selects these pods, anti-affinity, spread and pod
//!   (anti-)affinity selectors of any component naming this one, claim templates;
//! - `pod_labels`: the pod template's labels, which must contain the selector (rule
//!   `kept-identity` at emit; by default the kept or derived labels plus the selector);
//! - `container_name`: the main container;
//! - `service_account`: the pods run as this existing ServiceAccount; kairn renders no
//!   ServiceAccount of its own for the component and leaves `automountServiceAccountToken`
//!   to that account (the Role of `.api_access(..)` is bound to it). The workload says
//!   so in `kairn.dev/external-service-account`, which `lint` reads.
//!
//! Object names kairn derives for everything else (its NetworkPolicy, PDB, HPA, Role,
//! ServiceMonitor, ConfigMaps) stay derived: they are kairn's own objects.
//!
//! ```
//! use std::collections::BTreeMap;
//! use dsl::*;
//! let selector = BTreeMap::from([("app".to_owned(), "cart".to_owned())]);
//! let kept = Kept {
//!     workload_name: Some("cart".into()),
//!     service_name: Some("cart".into()),
//!     selector: Some(selector.clone()),
//!     ..Kept::default()
//! };
//! # let http = NamedPort::new(port_name!("http"), port!(8080));
//! let cart = Component::builder()
//!     .name(name!("cart"))
//!     .image(image!("ghcr.io/acme/cart:1.0.0"))
//!     .resources(Resources::new(cpu!("100m"), cpu!("1"), memory!("128Mi"), memory!("256Mi")))
//!     .workload(
//!         HttpService::builder()
//!             .port(http.clone())
//!             .probes(Probes::http(&http, http_path!("/live"), http_path!("/ready")))
//!             .replicas(Replicas::Fixed(2))
//!             .build(),
//!     )
//!     .build()
//!     .keep(kept);
//! assert_eq!(cart.kept.as_ref().and_then(|k| k.selector.clone()), Some(selector));
//! ```

use std::collections::BTreeMap;
use std::panic::Location;

use super::component::Component;
use super::handles::HttpComponent;
use super::set_at::Setting;

/// The source's names, labels and selectors a component keeps (see the [module
/// docs](self)). `None` keeps kairn's derived value.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Kept {
    /// The Deployment / StatefulSet / DaemonSet / CronJob / Job name.
    pub workload_name: Option<String>,
    /// The (client) Service's name.
    pub service_name: Option<String>,
    /// The headless Service's name of a stateful service or cluster (the StatefulSet's
    /// immutable `serviceName`).
    pub headless_service_name: Option<String>,
    /// Labels of the component's objects, replacing kairn's derived ones.
    pub labels: Option<BTreeMap<String, String>>,
    /// The pod selector's `matchLabels` (immutable in the cluster); also the Services'
    /// selectors, the PDB, NetworkPolicy `podSelector`s, anti-affinity and spread selectors.
    pub selector: Option<BTreeMap<String, String>>,
    /// The pod template's labels; they must contain the selector.
    pub pod_labels: Option<BTreeMap<String, String>>,
    /// The main container's name.
    pub container_name: Option<String>,
    /// The existing ServiceAccount the pods run as; kairn renders none for the component.
    pub service_account: Option<String>,
}

impl Component {
    /// Keeps the source's names, labels and selectors (see [`Kept`]): for an app that
    /// runs already, so that applying this declaration over it updates its objects in
    /// place. A later call replaces an earlier one. Findings about the kept values
    /// (rule `kept-identity`) point at this call.
    #[track_caller]
    pub fn keep(mut self, kept: Kept) -> Self {
        self.set_at.insert(Setting::Keep, Location::caller());
        self.kept = Some(kept);
        self
    }
}

impl HttpComponent {
    /// Keeps the source's names, labels and selectors (see [`Component::keep`]).
    #[track_caller]
    pub fn keep(self, kept: Kept) -> Self {
        HttpComponent::new(self.into_component().keep(kept))
    }
}
