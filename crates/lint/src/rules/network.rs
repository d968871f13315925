//! NetworkPolicy rules: DNS, namespace selectors, and whether the traffic other objects
//! imply (scrapes, load balancers, cluster peers, declared dependencies) is admitted.

use std::collections::{BTreeMap, BTreeSet};

use k8s_openapi::api::networking::v1::{NetworkPolicy, NetworkPolicyPeer, NetworkPolicyPort};
use k8s_openapi::apimachinery::pkg::apis::meta::v1::LabelSelector;
use k8s_openapi::apimachinery::pkg::util::intstr::IntOrString;

use crate::rules::wiring::{container_ports, monitored_services, service_pods, target_of};
use crate::set::{
    each, each_in_ns, same_ns, selector_is_empty, selector_matches, Set, Sink, Workload,
};
use crate::Endpoint;

pub(super) fn run(set: &Set<'_>, sink: &mut Sink) {
    dns(set, sink);
    namespace_name_labels(set, sink);
    scrapes(set, sink);
    load_balancers(set, sink);
    peers(set, sink);
    dependencies(set, sink);
    missing(set, sink);
}

fn isolates_ingress(np: &NetworkPolicy) -> bool {
    np.spec.as_ref().is_some_and(|s| match &s.policy_types {
        Some(t) => t.iter().any(|t| t == "Ingress"),
        None => true,
    })
}

fn isolates_egress(np: &NetworkPolicy) -> bool {
    np.spec.as_ref().is_some_and(|s| match &s.policy_types {
        Some(t) => t.iter().any(|t| t == "Egress"),
        None => s.egress.is_some(),
    })
}

/// Policies in `ns` whose podSelector matches `labels`.
fn policies_for<'a>(
    set: &Set<'a>,
    ns: Option<&str>,
    labels: &BTreeMap<String, String>,
) -> Vec<(usize, &'a NetworkPolicy)> {
    each_in_ns!(set, NetworkPolicy, ns)
        .filter(|(i, np)| {
            same_ns(set.items[*i].namespace, ns)
                && np.spec.as_ref().is_some_and(|s| {
                    s.pod_selector
                        .as_ref()
                        .is_none_or(|sel| selector_matches(sel, labels))
                })
        })
        .collect()
}

/// A port to reach: TCP by number and/or name; `None` parts are unknown.
#[derive(Clone, Debug)]
struct Target {
    number: Option<i32>,
    name: Option<String>,
    protocol: &'static str,
}

impl Target {
    fn tcp(number: Option<i32>, name: Option<String>) -> Self {
        Target {
            number,
            name,
            protocol: "TCP",
        }
    }
}

fn port_matches(p: &NetworkPolicyPort, t: &Target) -> bool {
    if p.protocol.as_deref().unwrap_or("TCP") != t.protocol {
        return false;
    }
    match &p.port {
        None => true,
        Some(IntOrString::Int(n)) => match t.number {
            Some(num) => num == *n || p.end_port.is_some_and(|end| (*n..=end).contains(&num)),
            None => t.name.is_none(),
        },
        Some(IntOrString::String(s)) => match &t.name {
            Some(name) => name == s,
            None => t.number.is_none(),
        },
    }
}

fn ports_match(ports: Option<&Vec<NetworkPolicyPort>>, t: &Target) -> bool {
    match ports {
        None => true,
        Some(ps) if ps.is_empty() => true,
        Some(ps) => ps.iter().any(|p| port_matches(p, t)),
    }
}

/// Whether a namespace selector can match namespace `ns`. Namespaces carry only
/// `kubernetes.io/metadata.name` unless the set declares the Namespace with more labels;
/// for other labels of namespaces outside the set the answer is "maybe" (`true`).
fn namespace_matches(set: &Set<'_>, sel: &LabelSelector, ns: &str) -> bool {
    if selector_is_empty(sel) {
        return true;
    }
    let mut labels = set.namespace_labels(ns).cloned().unwrap_or_default();
    labels.insert("kubernetes.io/metadata.name".to_owned(), ns.to_owned());
    if set.namespace_labels(ns).is_some() {
        return selector_matches(sel, &labels);
    }
    let known = |k: &str| k == "kubernetes.io/metadata.name" || k == "name";
    let keys_known = sel.match_labels.iter().flatten().all(|(k, _)| known(k))
        && sel.match_expressions.as_ref().is_none_or(|e| e.is_empty());
    if keys_known {
        selector_matches(sel, &labels)
    } else {
        true
    }
}

/// Who sends the traffic.
enum Source<'s> {
    /// Some pod of namespace `.0` (labels unknown), e.g. Prometheus.
    Namespace(&'s str),
    /// The pods with these labels in this namespace.
    Pods(Option<&'s str>, &'s BTreeMap<String, String>),
    /// Addresses outside the cluster (load balancer traffic).
    External,
}

fn peer_admits(
    set: &Set<'_>,
    policy_ns: Option<&str>,
    peer: &NetworkPolicyPeer,
    src: &Source<'_>,
) -> bool {
    if peer.ip_block.is_some() {
        // Pod and node addresses may fall in the block: give it the benefit of the doubt.
        return true;
    }
    match src {
        Source::External => false,
        Source::Namespace(ns) => match &peer.namespace_selector {
            Some(sel) => namespace_matches(set, sel, ns),
            None => policy_ns.is_none_or(|p| p == *ns),
        },
        Source::Pods(ns, labels) => {
            let ns_ok = match (&peer.namespace_selector, ns) {
                (Some(sel), Some(ns)) => namespace_matches(set, sel, ns),
                (Some(_), None) => true,
                (None, _) => same_ns(policy_ns, *ns),
            };
            ns_ok
                && peer
                    .pod_selector
                    .as_ref()
                    .is_none_or(|s| selector_matches(s, labels))
        }
    }
}

fn ingress_admits(
    set: &Set<'_>,
    idx: usize,
    np: &NetworkPolicy,
    src: &Source<'_>,
    t: &Target,
) -> bool {
    let ns = set.items[idx].namespace;
    np.spec
        .iter()
        .flat_map(|s| s.ingress.iter().flatten())
        .any(|rule| {
            let from_ok = match &rule.from {
                None => true,
                Some(f) if f.is_empty() => true,
                Some(f) => f.iter().any(|p| peer_admits(set, ns, p, src)),
            };
            from_ok && ports_match(rule.ports.as_ref(), t)
        })
}

/// Where traffic goes.
enum Dest<'s> {
    Pods(Option<&'s str>, &'s BTreeMap<String, String>),
    /// An address outside the cluster (`public`: any public address).
    Outside {
        public: bool,
    },
}

fn egress_allows(
    set: &Set<'_>,
    idx: usize,
    np: &NetworkPolicy,
    dest: &Dest<'_>,
    t: &Target,
) -> bool {
    let ns = set.items[idx].namespace;
    np.spec
        .iter()
        .flat_map(|s| s.egress.iter().flatten())
        .any(|rule| {
            let to_ok = match &rule.to {
                None => true,
                Some(t) if t.is_empty() => true,
                Some(peers) => peers.iter().any(|p| match dest {
                    Dest::Outside { public } => p
                        .ip_block
                        .as_ref()
                        .is_some_and(|b| !*public || b.cidr == "0.0.0.0/0"),
                    Dest::Pods(pns, labels) => {
                        p.ip_block.is_some() || peer_admits(set, ns, p, &Source::Pods(*pns, labels))
                    }
                }),
            };
            to_ok && ports_match(rule.ports.as_ref(), t)
        })
}

/// Whether selector `q` selects every pod `p` selects (conservatively).
fn covers(q: Option<&LabelSelector>, p: Option<&LabelSelector>) -> bool {
    let Some(q) = q.filter(|q| !selector_is_empty(q)) else {
        return true;
    };
    let Some(p) = p else { return false };
    if q.match_expressions.as_ref().is_some_and(|e| !e.is_empty()) {
        return q == p;
    }
    let pl = p.match_labels.as_ref();
    q.match_labels
        .iter()
        .flatten()
        .all(|(k, v)| pl.is_some_and(|m| m.get(k) == Some(v)))
}

fn dns(set: &Set<'_>, sink: &mut Sink) {
    let udp = Target {
        number: Some(53),
        name: None,
        protocol: "UDP",
    };
    let tcp = Target {
        number: Some(53),
        name: None,
        protocol: "TCP",
    };
    for (i, np) in each!(set, NetworkPolicy) {
        if !isolates_egress(np) {
            continue;
        }
        let rules = np
            .spec
            .as_ref()
            .and_then(|s| s.egress.as_deref())
            .unwrap_or_default();
        // Policies add up: DNS may be allowed by another egress policy that selects at
        // least the same pods (e.g. a namespace-wide allow-dns next to a default deny).
        let selector = np.spec.as_ref().and_then(|s| s.pod_selector.as_ref());
        let ns = set.items[i].namespace;
        let allows = |t: &Target| {
            each_in_ns!(set, NetworkPolicy, ns).any(|(j, q)| {
                let q_selector = q.spec.as_ref().and_then(|s| s.pod_selector.as_ref());
                (j == i
                    || (same_ns(set.items[j].namespace, ns)
                        && isolates_egress(q)
                        && covers(q_selector, selector)))
                    && q.spec
                        .iter()
                        .flat_map(|s| s.egress.iter().flatten())
                        .any(|r| ports_match(r.ports.as_ref(), t))
            })
        };
        let (u, t) = (allows(&udp), allows(&tcp));
        if !u && !t {
            sink.add(i, "netpol-dns-missing", "spec.egress", "egress is restricted but no rule allows DNS (port 53), so every name lookup fails", "add an egress rule to kube-dns (namespace kube-system, k8s-app: kube-dns) on UDP and TCP 53");
        } else if u && !t {
            sink.add(i, "netpol-dns-tcp", "spec.egress", "DNS is allowed on UDP/53 only; answers that fall back to TCP (large or truncated) fail", "allow TCP/53 next to UDP/53");
        }
        for (r, rule) in rules.iter().enumerate() {
            let explicit_dns = rule
                .ports
                .iter()
                .flatten()
                .any(|p| matches!(p.port, Some(IntOrString::Int(53))));
            if !explicit_dns {
                continue;
            }
            let broad = match &rule.to {
                None => true,
                Some(t) if t.is_empty() => true,
                Some(peers) => peers.iter().any(|p| {
                    p.ip_block.is_none()
                        && p.pod_selector.is_none()
                        && p.namespace_selector.as_ref().is_some_and(selector_is_empty)
                }),
            };
            if broad {
                sink.add(i, "netpol-dns-too-broad", format!("spec.egress[{r}].to"), "port 53 is open to every pod in every namespace (or anywhere), not just the cluster DNS", "narrow it to namespaceSelector kubernetes.io/metadata.name: kube-system with podSelector k8s-app: kube-dns");
            }
        }
    }
}

fn namespace_name_labels(set: &Set<'_>, sink: &mut Sink) {
    // Values of the `name` label of the set's Namespaces, read once.
    let name_labels: BTreeSet<&String> = each!(set, Namespace)
        .filter_map(|(_, n)| n.metadata.labels.as_ref()?.get("name"))
        .collect();
    for (i, np) in each!(set, NetworkPolicy) {
        let Some(spec) = &np.spec else { continue };
        let peers = crate::rules::policy_peers(spec);
        for (f, peer) in peers {
            let Some(value) = peer
                .namespace_selector
                .as_ref()
                .and_then(|s| s.match_labels.as_ref())
                .and_then(|m| m.get("name"))
            else {
                continue;
            };
            let labelled = name_labels.contains(value);
            if !labelled {
                // Only a Namespace in the set shows all its labels; one created elsewhere
                // may have been given a `name` label.
                let known = set.ctx.complete || set.namespace_labels(value).is_some();
                let tail = if known {
                    String::new()
                } else {
                    format!(" (a warning: namespace `{value}` is not in the set, and whoever created it may have labelled it `name`)")
                };
                sink.add(i, "netpol-namespace-name-label", format!("{f}.namespaceSelector.matchLabels.name"), format!("namespaces carry no `name` label (the automatic one is kubernetes.io/metadata.name), so `name: {value}` matches no namespace and this peer admits nothing{tail}"), format!("select kubernetes.io/metadata.name: {value}"));
                if !known {
                    sink.as_warning();
                }
            }
        }
    }
}

/// Pods Prometheus is expected to scrape: `(origin index, origin field, namespace, pod labels, port)`.
type ScrapeTarget<'a> = (
    usize,
    String,
    Option<&'a str>,
    &'a BTreeMap<String, String>,
    Target,
);

fn scrape_targets<'a>(set: &'a Set<'a>) -> Vec<ScrapeTarget<'a>> {
    let mut out = Vec::new();
    let has_services = each!(set, Service).next().is_some();
    for (i, m) in each!(set, ServiceMonitor) {
        let services = monitored_services(set, i, m);
        if services.is_empty() {
            if !has_services && !set.ctx.complete {
                // No Service in the set: assume the usual convention that Services carry
                // their pods' labels.
                if let Some(labels) = m.spec.selector.match_labels.as_ref() {
                    out.push((
                        i,
                        "spec.endpoints".to_owned(),
                        set.items[i].namespace,
                        labels,
                        Target::tcp(None, None),
                    ));
                }
            }
            continue;
        }
        for (j, e) in m.spec.endpoints.iter().enumerate() {
            for (si, svc) in &services {
                for p in svc
                    .spec
                    .iter()
                    .flat_map(|s| s.ports.iter().flatten())
                    .filter(|p| e.port.is_some() && p.name == e.port)
                {
                    for w in service_pods(set, *si, svc) {
                        let (name, number) = target_of(w, p);
                        out.push((
                            i,
                            format!("spec.endpoints[{j}]"),
                            w.ns,
                            &*w.labels,
                            Target::tcp(number, name),
                        ));
                    }
                }
            }
        }
    }
    for (i, svc) in each!(set, Service) {
        let annotated = svc
            .metadata
            .annotations
            .as_ref()
            .and_then(|a| a.get("prometheus.io/scrape"))
            .is_some_and(|v| v == "true");
        if !annotated {
            continue;
        }
        let port: Option<i32> = svc
            .metadata
            .annotations
            .as_ref()
            .and_then(|a| a.get("prometheus.io/port"))
            .and_then(|p| p.parse().ok());
        for w in service_pods(set, i, svc) {
            for p in svc.spec.iter().flat_map(|s| s.ports.iter().flatten()) {
                if port.is_some_and(|n| n != p.port) {
                    continue;
                }
                let (name, number) = target_of(w, p);
                out.push((
                    i,
                    "metadata.annotations[\"prometheus.io/scrape\"]".to_owned(),
                    w.ns,
                    &*w.labels,
                    Target::tcp(number, name),
                ));
            }
        }
    }
    out
}

fn scrapes(set: &Set<'_>, sink: &mut Sink) {
    let mut reported = BTreeSet::new();
    for (origin, field, ns, labels, target) in scrape_targets(set) {
        let policies: Vec<_> = policies_for(set, ns, labels)
            .into_iter()
            .filter(|(_, np)| isolates_ingress(np))
            .collect();
        if policies.is_empty() {
            continue;
        }
        let admitted = set.ctx.prometheus_namespaces.iter().any(|prom| {
            policies
                .iter()
                .any(|(pi, np)| ingress_admits(set, *pi, np, &Source::Namespace(prom), &target))
        });
        if admitted {
            continue;
        }
        let names: Vec<&str> = policies
            .iter()
            .map(|(_, np)| np.metadata.name.as_deref().unwrap_or_default())
            .collect();
        let proms = set.ctx.prometheus_namespaces.join(", ");
        let port = target
            .name
            .clone()
            .or(target.number.map(|n| n.to_string()))
            .unwrap_or_else(|| "the metrics port".to_owned());
        if reported.insert((origin, field.clone())) {
            sink.add(origin, "netpol-blocks-scrape", field, format!("NetworkPolicy {} admits no traffic from Prometheus (namespaces: {proms}) to port {port}, so every target reports up == 0", names.join(", ")), "allow ingress from the Prometheus namespace (namespaceSelector kubernetes.io/metadata.name) on the metrics port");
        }
        for (pi, _) in &policies {
            if reported.insert((*pi, "spec.ingress".to_owned())) {
                sink.add(*pi, "netpol-blocks-scrape", "spec.ingress", format!("no ingress rule admits Prometheus (namespaces: {proms}) on port {port}, which `{}` expects to scrape", set.items[origin].name), "add an ingress rule from the Prometheus namespace on the metrics port");
            }
        }
    }
}

fn load_balancers(set: &Set<'_>, sink: &mut Sink) {
    for (i, svc) in each!(set, Service) {
        let ty = svc
            .spec
            .as_ref()
            .and_then(|s| s.type_.as_deref())
            .unwrap_or("ClusterIP");
        if ty != "LoadBalancer" && ty != "NodePort" {
            continue;
        }
        'pods: for w in service_pods(set, i, svc) {
            let policies: Vec<_> = policies_for(set, w.ns, &w.labels)
                .into_iter()
                .filter(|(_, np)| isolates_ingress(np))
                .collect();
            if policies.is_empty() {
                continue;
            }
            for p in svc.spec.iter().flat_map(|s| s.ports.iter().flatten()) {
                let (name, number) = target_of(w, p);
                let t = Target::tcp(number, name);
                if !policies
                    .iter()
                    .any(|(pi, np)| ingress_admits(set, *pi, np, &Source::External, &t))
                {
                    let names: Vec<&str> = policies
                        .iter()
                        .map(|(_, np)| np.metadata.name.as_deref().unwrap_or_default())
                        .collect();
                    sink.add(i, "netpol-blocks-load-balancer", "spec.type", format!("{ty} traffic reaches the pods from outside the cluster, but NetworkPolicy {} admits only in-cluster peers, so it is dropped", names.join(", ")), "admit the load balancer's source ranges with an ipBlock rule, or route through an Ingress controller");
                    break 'pods;
                }
            }
        }
    }
}

fn peer_targets(w: &Workload<'_>) -> Vec<Target> {
    container_ports(w)
        .map(|(n, num)| Target::tcp(Some(num), n.map(str::to_owned)))
        .collect()
}

fn peers(set: &Set<'_>, sink: &mut Sink) {
    for w in set
        .workloads
        .iter()
        .filter(|w| w.kind == "StatefulSet" && w.max > 1)
    {
        let targets = peer_targets(w);
        if targets.is_empty() {
            continue;
        }
        let me = Source::Pods(w.ns, &w.labels);
        let policies = policies_for(set, w.ns, &w.labels);
        let ingress: Vec<_> = policies
            .iter()
            .filter(|(_, np)| isolates_ingress(np))
            .collect();
        if !ingress.is_empty()
            && !targets.iter().any(|t| {
                ingress
                    .iter()
                    .any(|(pi, np)| ingress_admits(set, *pi, np, &me, t))
            })
        {
            for (pi, _) in &ingress {
                sink.add(*pi, "netpol-blocks-peers", "spec.ingress", format!("no ingress rule admits the pods of StatefulSet `{}` from each other, so the members cannot form a cluster", w.name), "admit the StatefulSet's own pods (podSelector with its labels) on its peer ports");
            }
        }
        let dest = Dest::Pods(w.ns, &w.labels);
        let egress: Vec<_> = policies
            .iter()
            .filter(|(_, np)| isolates_egress(np))
            .collect();
        if !egress.is_empty()
            && !targets.iter().any(|t| {
                egress
                    .iter()
                    .any(|(pi, np)| egress_allows(set, *pi, np, &dest, t))
            })
        {
            for (pi, _) in &egress {
                sink.add(*pi, "netpol-blocks-peers", "spec.egress", format!("no egress rule lets the pods of StatefulSet `{}` reach each other, so the members cannot form a cluster", w.name), "allow egress to the StatefulSet's own pods on its peer ports");
            }
        }
    }
}

fn dependencies(set: &Set<'_>, sink: &mut Sink) {
    for need in &set.ctx.egress {
        for w in set
            .workloads
            .iter()
            .filter(|w| w.component == Some(need.component.as_str()))
        {
            let policies: Vec<_> = policies_for(set, w.ns, &w.labels)
                .into_iter()
                .filter(|(_, np)| isolates_egress(np))
                .collect();
            if policies.is_empty() {
                continue;
            }
            let t = Target::tcp(Some(i32::from(need.endpoint.port())), None);
            let (ns_owned, pod_labels) = match &need.endpoint {
                Endpoint::InCluster {
                    namespace,
                    pod_labels,
                    ..
                } => (namespace.clone(), pod_labels.clone()),
                _ => (None, BTreeMap::new()),
            };
            let dest = match &need.endpoint {
                Endpoint::InCluster { .. } => Dest::Pods(ns_owned.as_deref().or(w.ns), &pod_labels),
                Endpoint::Cidrs { .. } => Dest::Outside { public: false },
                Endpoint::PublicInternet { .. } => Dest::Outside { public: true },
            };
            if !policies
                .iter()
                .any(|(pi, np)| egress_allows(set, *pi, np, &dest, &t))
            {
                for (pi, _) in &policies {
                    sink.add(*pi, "netpol-egress-dependency", "spec.egress", format!("{} `{}` declares it talks to `{}` (port {}), but no egress rule allows it", w.kind, w.name, need.dependency, need.endpoint.port()), "derive the policy from the component's dependencies (talks_to) so the rule is rendered");
                }
            }
        }
    }
}

fn missing(set: &Set<'_>, sink: &mut Sink) {
    for w in &set.workloads {
        if policies_for(set, w.ns, &w.labels).is_empty() {
            sink.add(w.idx, "netpol-missing", "spec.template.metadata.labels", format!("no NetworkPolicy selects the pods of {} `{}`, so they accept and open any connection", w.kind, w.name), "add a NetworkPolicy that selects the pods and allows only the traffic they need");
        }
    }
}
