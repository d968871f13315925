//! Builder of [`Ingress`].

use std::collections::BTreeMap;

use crate::model::builder_macro::typestate_builder;
use crate::model::ingress::{HostRules, Ingress, Tls};
use crate::primitives::text::Name;

typestate_builder! {
    /// Declares an [`Ingress`]: `.class(..)`, `.hosts(..)` and `.tls(..)` are required
    /// (plain-HTTP ingress is not expressible).
    pub struct IngressBuilder for Ingress {
        builder: fn builder;
        note: "an ingress needs `.class(..)`, `.hosts(..)` and `.tls(..)`: plain-HTTP ingress is not expressible";
        required {
            /// `spec.ingressClassName`.
            class [C: IngressClass]: Name = |class: Name| class,
                message "this ingress has no class: add `.class(name!(\"nginx\"))` before `.build()`",
                label "`.class(..)` is missing";
            /// Hosts and routes.
            hosts [H: IngressHosts]: Vec<HostRules> = |hosts: Vec<HostRules>| hosts,
                message "this ingress has no hosts: add `.hosts(vec![HostRules::all_to(host!(\"shop.example.com\"), &api)])` before `.build()`",
                label "`.hosts(..)` is missing";
            /// TLS for every host.
            tls [T: IngressTls]: Tls = |tls: Tls| tls,
                message "this ingress has no TLS: add `.tls(Tls::CertManager {{ cluster_issuer: name!(\"letsencrypt-prod\") }})` before `.build()` (plain-HTTP ingress is not expressible)",
                label "`.tls(..)` is missing";
        }
        tracked {}
        fixed {}
        optional {
            /// Namespace of the ingress controller (default `ingress-nginx`), allowed in by
            /// the NetworkPolicies.
            controller_namespace: Name = crate::name!("ingress-nginx"), |namespace: Name| namespace;
            /// Controller-specific annotations.
            annotations: BTreeMap<String, String> = BTreeMap::new(), |annotations: BTreeMap<String, String>| annotations;
        }
    }
}
