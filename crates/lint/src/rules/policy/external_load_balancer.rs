//! `service-external-load-balancer`.

use crate::set::{each, Set, Sink};

const INTERNAL_LB: &[(&str, &str)] = &[
    ("service.beta.kubernetes.io/aws-load-balancer-internal", ""),
    (
        "service.beta.kubernetes.io/aws-load-balancer-scheme",
        "internal",
    ),
    ("networking.gke.io/load-balancer-type", "Internal"),
    ("cloud.google.com/load-balancer-type", "Internal"),
    (
        "service.beta.kubernetes.io/azure-load-balancer-internal",
        "true",
    ),
    (
        "service.beta.kubernetes.io/oci-load-balancer-internal",
        "true",
    ),
];

pub(super) fn exposure(set: &Set<'_>, sink: &mut Sink) {
    for (i, svc) in each!(set, Service) {
        let Some(spec) = &svc.spec else { continue };
        if spec.type_.as_deref() != Some("LoadBalancer") {
            continue;
        }
        let annotations = svc.metadata.annotations.as_ref();
        let internal = INTERNAL_LB.iter().any(|(k, v)| {
            annotations
                .and_then(|a| a.get(*k))
                .is_some_and(|x| v.is_empty() || x.eq_ignore_ascii_case(v))
        });
        let ranges = spec
            .load_balancer_source_ranges
            .as_ref()
            .is_some_and(|r| !r.is_empty() && !r.iter().any(|c| c == "0.0.0.0/0"));
        if !internal && !ranges {
            sink.add(i, "service-external-load-balancer", "spec.type", "the pods are exposed to the internet on a public load balancer with no source ranges: every port of the Service is reachable from anywhere, so the pods must do their own TLS and authentication (often the point, e.g. for an ingress controller)", "if it should not be public: restrict loadBalancerSourceRanges, use an internal load balancer, or use ClusterIP behind an Ingress or Gateway");
        }
    }
}
