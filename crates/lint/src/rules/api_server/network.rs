//! Traffic: NetworkPolicy peers and CIDRs (`ValidateNetworkPolicyPeer`, `ValidateIPBlock`),
//! Ingresses (`ValidateIngressSpec`) and Services (`ValidateService`).

use k8s_openapi::api::networking::v1::IngressBackend;
use k8s_openapi::apimachinery::pkg::util::intstr::IntOrString;

use super::super::addr::{cidr, ip, strict_subset};
use crate::set::{dns_subdomain, each, Set, Sink};

/// `ValidateNetworkPolicyPeer`, `ValidateIPBlock` and `ValidateNetworkPolicyPort`.
pub(super) fn network_policies(set: &Set<'_>, sink: &mut Sink) {
    for (i, np) in each!(set, NetworkPolicy) {
        let Some(spec) = &np.spec else { continue };
        for (f, peer) in super::super::policy_peers(spec) {
            let n = usize::from(peer.pod_selector.is_some())
                + usize::from(peer.namespace_selector.is_some())
                + usize::from(peer.ip_block.is_some());
            if n == 0 {
                sink.add(i, "netpol-peer-invalid", &f, "the peer selects nothing: it must set podSelector, namespaceSelector or ipBlock (ValidateNetworkPolicyPeer)", "set a selector or an ipBlock, or remove the peer");
            } else if n > 1 && peer.ip_block.is_some() {
                sink.add(i, "netpol-peer-invalid", format!("{f}.ipBlock"), "the peer combines ipBlock with a selector, which the API server rejects (ValidateNetworkPolicyPeer: may not specify both ipBlock and another peer)", "split it into two peers: one ipBlock, one selector");
            }
            let Some(block) = &peer.ip_block else {
                continue;
            };
            let outer = cidr(&block.cidr);
            if outer.is_none() {
                sink.add(
                    i,
                    "cidr-invalid",
                    format!("{f}.ipBlock.cidr"),
                    format!("`{}` is not a valid CIDR (ValidateIPBlock)", block.cidr),
                    "write an address and a prefix length, e.g. 10.0.0.0/8",
                );
            }
            for (j, e) in block.except.iter().flatten().enumerate() {
                let field = format!("{f}.ipBlock.except[{j}]");
                match (outer, cidr(e)) {
                    (_, None) => sink.add(
                        i,
                        "cidr-invalid",
                        field,
                        format!("`{e}` is not a valid CIDR (ValidateIPBlock)"),
                        "write an address and a prefix length",
                    ),
                    (Some(o), Some(x)) if !strict_subset(o, x) => sink.add(
                        i,
                        "netpol-peer-invalid",
                        field,
                        format!(
                            "except `{e}` is not a strict subset of cidr `{}` (ValidateIPBlock)",
                            block.cidr
                        ),
                        "list only ranges inside the cidr, with a longer prefix",
                    ),
                    _ => {}
                }
            }
        }
        let rules = spec
            .ingress
            .iter()
            .flatten()
            .enumerate()
            .map(|(r, x)| (format!("spec.ingress[{r}]"), &x.ports))
            .chain(
                spec.egress
                    .iter()
                    .flatten()
                    .enumerate()
                    .map(|(r, x)| (format!("spec.egress[{r}]"), &x.ports)),
            );
        for (f, ports) in rules {
            for (j, port) in ports.iter().flatten().enumerate() {
                let Some(end) = port.end_port else { continue };
                let why = match &port.port {
                    Some(IntOrString::Int(p)) if end < *p => {
                        format!("endPort {end} is below port {p}")
                    }
                    Some(IntOrString::Int(_)) => continue,
                    Some(IntOrString::String(_)) => {
                        "endPort may not be set with a named port".to_owned()
                    }
                    None => "endPort may not be set without port".to_owned(),
                };
                sink.add(
                    i,
                    "netpol-peer-invalid",
                    format!("{f}.ports[{j}].endPort"),
                    format!("{why} (ValidateNetworkPolicyPort)"),
                    "set a numeric port no greater than endPort, or remove endPort",
                );
            }
        }
    }
}

/// `ValidateIngressSpec`: rules or a default backend; one kind of backend; one kind of
/// port.
pub(super) fn ingresses(set: &Set<'_>, sink: &mut Sink) {
    for (i, ing) in each!(set, Ingress) {
        let Some(spec) = &ing.spec else {
            sink.add(i, "ingress-invalid", "spec", "the Ingress has no spec: either defaultBackend or rules must be specified (ValidateIngressSpec)", "add rules or a defaultBackend");
            continue;
        };
        let rules = spec.rules.as_deref().unwrap_or_default();
        if spec.default_backend.is_none() && rules.is_empty() {
            sink.add(i, "ingress-invalid", "spec.rules", "either defaultBackend or rules must be specified; the API server rejects the Ingress (ValidateIngressSpec)", "add rules or a defaultBackend");
        }
        let mut backends: Vec<(String, &IngressBackend)> = Vec::new();
        if let Some(b) = &spec.default_backend {
            backends.push(("spec.defaultBackend".to_owned(), b));
        }
        for (r, rule) in rules.iter().enumerate() {
            if let Some(host) = rule.host.as_deref().filter(|h| !h.is_empty()) {
                if ip(host).is_some() {
                    sink.add(i, "ingress-invalid", format!("spec.rules[{r}].host"), format!("host `{host}` must be a DNS name, not an IP address (validateIngressRules)"), "use a DNS name, or omit the host");
                }
            }
            if let Some(http) = &rule.http {
                if http.paths.is_empty() {
                    sink.add(
                        i,
                        "ingress-invalid",
                        format!("spec.rules[{r}].http.paths"),
                        "the rule's http has no paths (validateHTTPIngressRuleValue)",
                        "add a path or remove http",
                    );
                }
                for (p, path) in http.paths.iter().enumerate() {
                    backends.push((
                        format!("spec.rules[{r}].http.paths[{p}].backend"),
                        &path.backend,
                    ));
                }
            }
        }
        for (f, b) in backends {
            if b.resource.is_some() && b.service.is_some() {
                sink.add(i, "ingress-invalid", &f, "the backend sets both service and resource (validateIngressBackend: cannot set both)", "keep one of service and resource");
            }
            if let Some(port) = b.service.as_ref().and_then(|s| s.port.as_ref()) {
                match (&port.name, port.number) {
                    (Some(n), Some(_)) if !n.is_empty() => sink.add(
                        i,
                        "ingress-invalid",
                        format!("{f}.service.port"),
                        "the backend port sets both name and number (validateIngressBackend)",
                        "keep one of name and number",
                    ),
                    (None, None) => sink.add(
                        i,
                        "ingress-invalid",
                        format!("{f}.service.port"),
                        "the backend port sets neither name nor number (validateIngressBackend)",
                        "set the port's name or number",
                    ),
                    _ => {}
                }
            }
        }
    }
}

/// `ValidateService`: ExternalName needs externalName; nodePort not on ClusterIP;
/// loadBalancerSourceRanges only on LoadBalancer, each a CIDR.
pub(super) fn services(set: &Set<'_>, sink: &mut Sink) {
    for (i, svc) in each!(set, Service) {
        let Some(spec) = &svc.spec else { continue };
        let ty = spec.type_.as_deref().unwrap_or("ClusterIP");
        if ty == "ExternalName" {
            let name = spec.external_name.as_deref().unwrap_or_default();
            let name = name.strip_suffix('.').unwrap_or(name);
            if name.is_empty() {
                sink.add(i, "service-invalid", "spec.externalName", "an ExternalName Service needs spec.externalName; the API server rejects it (ValidateService)", "set externalName to the DNS name the Service aliases, or use another type");
            } else if let Some(e) = dns_subdomain(name) {
                sink.add(
                    i,
                    "service-invalid",
                    "spec.externalName",
                    format!("externalName `{name}`: {e} (ValidateService)"),
                    "write a DNS name",
                );
            }
        }
        if ty == "ClusterIP" {
            for (j, p) in spec.ports.iter().flatten().enumerate() {
                if p.node_port.is_some_and(|n| n != 0) {
                    sink.add(
                        i,
                        "service-invalid",
                        format!("spec.ports[{j}].nodePort"),
                        "nodePort may not be used when type is ClusterIP (ValidateService)",
                        "remove nodePort, or use type NodePort or LoadBalancer",
                    );
                }
            }
        }
        let ranges = spec
            .load_balancer_source_ranges
            .as_deref()
            .unwrap_or_default();
        if !ranges.is_empty() && ty != "LoadBalancer" {
            sink.add(i, "service-invalid", "spec.loadBalancerSourceRanges", format!("loadBalancerSourceRanges may only be used when type is LoadBalancer, not {ty} (ValidateService)"), "remove loadBalancerSourceRanges, or use type LoadBalancer");
        }
        for (j, r) in ranges.iter().enumerate() {
            if cidr(r.trim()).is_none() {
                sink.add(
                    i,
                    "cidr-invalid",
                    format!("spec.loadBalancerSourceRanges[{j}]"),
                    format!("`{r}` is not a valid CIDR (ValidateService)"),
                    "write an address and a prefix length, e.g. 203.0.113.0/24",
                );
            }
        }
    }
}
