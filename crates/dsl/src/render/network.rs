//! NetworkPolicies derived from what the app declares: ingress only from the ingress
//! controller, Prometheus and declared peers; egress only to DNS and declared dependencies.

use std::collections::BTreeMap;

use k8s_openapi::api::networking::v1::{
    IPBlock, NetworkPolicy, NetworkPolicyEgressRule, NetworkPolicyIngressRule, NetworkPolicyPeer,
    NetworkPolicyPort, NetworkPolicySpec,
};
use k8s_openapi::apimachinery::pkg::apis::meta::v1::{LabelSelector, LabelSelectorRequirement};
use k8s_openapi::apimachinery::pkg::util::intstr::IntOrString;

use super::identity::needs_api_token;
use super::meta::{component_labels, object_meta, selector, selector_labels};
use crate::model::app::App;
use crate::model::component::{Component, LeaderLock, Workload};
use crate::model::dependency::Endpoint;
use crate::model::exposure::Exposure;
use crate::model::storage::ObjectStorage;
use crate::object::Object;
use lint::OPEN_NETWORK_ANNOTATION;

/// Private ranges excluded from "public internet" egress.
pub const PRIVATE_RANGES: [&str; 3] = ["10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16"];

fn namespace_selector(namespace: &str) -> LabelSelector {
    selector(BTreeMap::from([(
        "kubernetes.io/metadata.name".to_owned(),
        namespace.to_owned(),
    )]))
}

fn tcp(port: IntOrString) -> NetworkPolicyPort {
    NetworkPolicyPort {
        port: Some(port),
        protocol: Some("TCP".into()),
        ..Default::default()
    }
}

fn named(port: &str) -> NetworkPolicyPort {
    tcp(IntOrString::String(port.to_owned()))
}

fn numbered(port: u16) -> NetworkPolicyPort {
    tcp(IntOrString::Int(i32::from(port)))
}

/// A component's own port: by name, or by number for a native sidecar's port.
fn own_port(app: &App, component: &Component, name: &str) -> NetworkPolicyPort {
    match super::containers::native_sidecar_port(app, component, name) {
        Some(n) => numbered(n),
        None => named(name),
    }
}

fn dns_egress() -> NetworkPolicyEgressRule {
    NetworkPolicyEgressRule {
        to: Some(vec![NetworkPolicyPeer {
            namespace_selector: Some(namespace_selector("kube-system")),
            pod_selector: Some(selector(BTreeMap::from([(
                "k8s-app".to_owned(),
                "kube-dns".to_owned(),
            )]))),
            ..Default::default()
        }]),
        ports: Some(vec![
            NetworkPolicyPort {
                port: Some(IntOrString::Int(53)),
                protocol: Some("UDP".into()),
                ..Default::default()
            },
            numbered(53),
        ]),
    }
}

fn pod_peer(app: &App, component: &Component) -> NetworkPolicyPeer {
    NetworkPolicyPeer {
        pod_selector: Some(selector(selector_labels(app, &component.name))),
        ..Default::default()
    }
}

/// A peer in another namespace is selected by namespace and pod labels together.
fn in_namespace(mut peer: NetworkPolicyPeer, namespace: &str) -> NetworkPolicyPeer {
    if peer.namespace_selector.is_none() && peer.ip_block.is_none() {
        peer.namespace_selector = Some(namespace_selector(namespace));
    }
    peer
}

fn endpoint_egress(
    app: &App,
    endpoint: &Endpoint,
    from_other_namespace: bool,
) -> NetworkPolicyEgressRule {
    let peers = match endpoint {
        Endpoint::InCluster {
            namespace,
            pod_labels,
            ..
        } => {
            let namespace = namespace
                .as_ref()
                .map(|n| n.as_str())
                .or(from_other_namespace.then_some(app.namespace.as_str()));
            vec![NetworkPolicyPeer {
                pod_selector: Some(selector(pod_labels.clone())),
                namespace_selector: namespace.map(namespace_selector),
                ..Default::default()
            }]
        }
        Endpoint::Cidrs { cidrs, .. } => cidrs
            .iter()
            .map(|c| NetworkPolicyPeer {
                ip_block: Some(IPBlock {
                    cidr: c.clone(),
                    except: None,
                }),
                ..Default::default()
            })
            .collect(),
        Endpoint::PublicInternet { .. } => vec![public_internet()],
    };
    NetworkPolicyEgressRule {
        to: Some(peers),
        ports: Some(vec![numbered(endpoint.port().get())]),
    }
}

fn public_internet() -> NetworkPolicyPeer {
    NetworkPolicyPeer {
        ip_block: Some(IPBlock {
            cidr: "0.0.0.0/0".into(),
            except: Some(PRIVATE_RANGES.iter().map(|s| (*s).to_owned()).collect()),
        }),
        ..Default::default()
    }
}

fn ip_block(cidr: &str) -> NetworkPolicyPeer {
    NetworkPolicyPeer {
        ip_block: Some(IPBlock {
            cidr: cidr.to_owned(),
            except: None,
        }),
        ..Default::default()
    }
}

/// Ports of the Kubernetes API server: 443 behind the `kubernetes` Service on managed
/// control planes, 6443 on kubeadm-style ones (policies see the endpoint after DNAT).
pub const API_SERVER_PORTS: [u16; 2] = [443, 6443];

/// Egress to the Kubernetes API server. Its address is cluster-specific and cannot be
/// selected by labels, so the rule admits any address on the API server ports only.
fn api_server_egress() -> NetworkPolicyEgressRule {
    NetworkPolicyEgressRule {
        to: Some(vec![ip_block("0.0.0.0/0")]),
        ports: Some(API_SERVER_PORTS.iter().map(|p| numbered(*p)).collect()),
    }
}

/// Egress a storage backend needs: HTTPS to the cloud's public endpoints (object store,
/// token exchange), and for GKE Workload Identity the node-local metadata server.
fn storage_egress(component: &Component) -> Vec<NetworkPolicyEgressRule> {
    let Some(storage) = super::storage::storage_of(component) else {
        return Vec::new();
    };
    let mut out = Vec::new();
    if storage.identity().is_some() {
        out.push(NetworkPolicyEgressRule {
            to: Some(vec![public_internet()]),
            ports: Some(vec![numbered(443)]),
        });
    }
    if storage.identity() == Some(crate::model::storage::CloudIdentity::EksPodIdentity) {
        // The EKS Pod Identity Agent on the node hands out the credentials.
        out.push(NetworkPolicyEgressRule {
            to: Some(vec![ip_block("169.254.170.23/32")]),
            ports: Some(vec![numbered(80)]),
        });
    }
    if let ObjectStorage::Gcs(_) = storage {
        out.push(NetworkPolicyEgressRule {
            to: Some(vec![ip_block("169.254.169.254/32")]),
            ports: Some(vec![numbered(80)]),
        });
        out.push(NetworkPolicyEgressRule {
            to: Some(vec![ip_block("169.254.169.252/32")]),
            ports: Some(vec![numbered(988)]),
        });
    }
    out
}

/// Names this component connects to: its declared `talks_to` plus its leader lock.
fn connections(component: &Component) -> Vec<&crate::primitives::text::Name> {
    let mut out: Vec<_> = component.talks_to.iter().collect();
    if let Workload::Worker(w) = &component.workload
        && let Some(le) = &w.leader_election
        && let LeaderLock::Dependency(dep) = &le.lock
    {
        let dep: &crate::primitives::text::Name = dep;
        if !out.contains(&dep) {
            out.push(dep);
        }
    }
    out
}

/// DNS plus one rule per target: a dependency's endpoint, or a component's client ports.
/// `from_other_namespace`: the pods these rules belong to are outside the app's namespace.
pub(crate) fn egress_rules<'a>(
    app: &App,
    targets: impl IntoIterator<Item = &'a crate::primitives::text::Name>,
    from_other_namespace: bool,
) -> Vec<NetworkPolicyEgressRule> {
    let mut egress = vec![dns_egress()];
    egress.extend(super::dns::node_local_egress(app));
    for target in targets {
        if let Some(dep) = app.dependency(target) {
            egress.push(endpoint_egress(app, &dep.endpoint, from_other_namespace));
        } else if let Some(peer) = app.component(target) {
            let mut to = pod_peer(app, peer);
            if from_other_namespace {
                to = in_namespace(to, app.namespace.as_str());
            }
            egress.push(NetworkPolicyEgressRule {
                to: Some(vec![to]),
                ports: Some(
                    super::containers::client_ports(peer)
                        .iter()
                        .map(|p| numbered(p.number.get()))
                        .collect(),
                ),
            });
        }
    }
    egress
}

/// The NetworkPolicy of a component declared [`open_network`](Component::open_network):
/// every ingress and egress allowed, the reason in `kairn.dev/open-network`.
fn open_network_policy(app: &App, component: &Component, reason: &str) -> Object {
    let name = app.object_name(&component.name);
    let meta = super::meta::with_annotations(
        object_meta(app, &name, component_labels(app, component)),
        BTreeMap::from([(OPEN_NETWORK_ANNOTATION.to_owned(), reason.to_owned())]),
    );
    NetworkPolicy {
        metadata: meta,
        spec: Some(NetworkPolicySpec {
            pod_selector: Some(selector(selector_labels(app, &component.name))),
            policy_types: Some(vec!["Ingress".into(), "Egress".into()]),
            ingress: Some(vec![NetworkPolicyIngressRule::default()]),
            egress: Some(vec![NetworkPolicyEgressRule::default()]),
        }),
    }
    .into()
}

/// The NetworkPolicy of one component.
pub(crate) fn network_policy(app: &App, component: &Component) -> Object {
    if let Some(reason) = &component.open_network {
        return open_network_policy(app, component, reason.as_str());
    }
    let mut ingress = Vec::new();
    // From the ingress controller, to the ports it routes to.
    if let (Some(ing), Some(port)) = (&app.ingress, component.workload.http_port()) {
        let routed = ing
            .hosts
            .iter()
            .flat_map(|h| &h.routes)
            .any(|r| r.component == component.name);
        if routed {
            ingress.push(NetworkPolicyIngressRule {
                from: Some(vec![NetworkPolicyPeer {
                    namespace_selector: Some(namespace_selector(ing.controller_namespace.as_str())),
                    ..Default::default()
                }]),
                ports: Some(vec![named(port.name.as_str())]),
            });
        }
    }
    // From a cloud load balancer's allowed client ranges.
    if let Workload::Http(h) = &component.workload
        && let Exposure::LoadBalancer { source_ranges } = &h.exposure
    {
        ingress.push(NetworkPolicyIngressRule {
            from: Some(source_ranges.iter().map(|c| ip_block(c)).collect()),
            ports: Some(vec![named(h.port.name.as_str())]),
        });
    }
    // From Prometheus, to the metrics port.
    if let (Some(m), Some(mon)) = (component.workload.metrics(), &app.monitoring) {
        ingress.push(NetworkPolicyIngressRule {
            from: Some(vec![NetworkPolicyPeer {
                namespace_selector: Some(namespace_selector(mon.prometheus_namespace.as_str())),
                ..Default::default()
            }]),
            ports: Some(vec![own_port(app, component, m.port.as_str())]),
        });
    }
    // From sibling components that declare they talk to this one, and from Jobs that
    // components spawn in another namespace and that talk to this one.
    let client_ports = super::containers::client_ports(component);
    let mut callers: Vec<NetworkPolicyPeer> = app
        .components
        .iter()
        .filter(|c| c.talks_to.contains(&component.name))
        .map(|c| pod_peer(app, c))
        .collect();
    callers.extend(
        app.components
            .iter()
            .filter_map(|c| c.spawns_jobs.as_ref())
            .filter(|j| j.talks_to.contains(&component.name))
            .map(|j| {
                if super::jobs::separate_namespace(app, j) {
                    NetworkPolicyPeer {
                        namespace_selector: Some(namespace_selector(j.namespace.as_str())),
                        ..Default::default()
                    }
                } else {
                    NetworkPolicyPeer {
                        pod_selector: Some(LabelSelector {
                            match_expressions: Some(vec![LabelSelectorRequirement {
                                key: "batch.kubernetes.io/job-name".into(),
                                operator: "Exists".into(),
                                values: None,
                            }]),
                            ..Default::default()
                        }),
                        ..Default::default()
                    }
                }
            }),
    );
    if !callers.is_empty() && !client_ports.is_empty() {
        ingress.push(NetworkPolicyIngressRule {
            from: Some(callers),
            ports: Some(
                client_ports
                    .iter()
                    .map(|p| own_port(app, component, p.name.as_str()))
                    .collect(),
            ),
        });
    }
    // Cluster members from each other, on the peer port.
    if let Workload::Cluster(c) = &component.workload {
        ingress.push(NetworkPolicyIngressRule {
            from: Some(vec![pod_peer(app, component)]),
            ports: Some(vec![named(c.peer_port.name.as_str())]),
        });
    }

    // Members of a stateful service from each other, on every port.
    if let Workload::Stateful(s) = &component.workload
        && s.replicas.get() > 1
    {
        ingress.push(NetworkPolicyIngressRule {
            from: Some(vec![pod_peer(app, component)]),
            ports: Some(s.ports().iter().map(|p| named(p.name.as_str())).collect()),
        });
    }

    let mut egress = egress_rules(app, connections(component), false);
    if let Workload::Cluster(c) = &component.workload {
        egress.push(NetworkPolicyEgressRule {
            to: Some(vec![pod_peer(app, component)]),
            ports: Some(vec![numbered(c.peer_port.number.get())]),
        });
    }
    if let Workload::Stateful(s) = &component.workload
        && s.replicas.get() > 1
    {
        egress.push(NetworkPolicyEgressRule {
            to: Some(vec![pod_peer(app, component)]),
            ports: Some(s.ports().iter().map(|p| numbered(p.number.get())).collect()),
        });
    }
    egress.extend(storage_egress(component));
    if needs_api_token(component) {
        egress.push(api_server_egress());
    }
    let mut unique: Vec<NetworkPolicyEgressRule> = Vec::with_capacity(egress.len());
    for rule in egress {
        if !unique.contains(&rule) {
            unique.push(rule);
        }
    }
    let egress = unique;

    let name = app.object_name(&component.name);
    NetworkPolicy {
        metadata: object_meta(app, &name, component_labels(app, component)),
        spec: Some(NetworkPolicySpec {
            pod_selector: Some(selector(selector_labels(app, &component.name))),
            policy_types: Some(vec!["Ingress".into(), "Egress".into()]),
            ingress: Some(ingress),
            egress: Some(egress),
        }),
    }
    .into()
}
