//! NetworkPolicies derived from what the app declares: ingress only from the ingress
//! controller, Prometheus and declared peers; egress only to DNS and declared dependencies.

use std::collections::BTreeMap;

use k8s_openapi::api::networking::v1::{
    IPBlock, NetworkPolicy, NetworkPolicyEgressRule, NetworkPolicyIngressRule, NetworkPolicyPeer,
    NetworkPolicyPort, NetworkPolicySpec,
};
use k8s_openapi::apimachinery::pkg::apis::meta::v1::LabelSelector;
use k8s_openapi::apimachinery::pkg::util::intstr::IntOrString;

use super::meta::{component_labels, object_meta, selector, selector_labels};
use super::pod::container_ports;
use crate::model::app::App;
use crate::model::component::{Component, LeaderLock, Workload};
use crate::model::dependency::Endpoint;
use crate::object::Object;

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

fn endpoint_egress(endpoint: &Endpoint) -> NetworkPolicyEgressRule {
    let peer = match endpoint {
        Endpoint::InCluster {
            namespace,
            pod_labels,
            ..
        } => NetworkPolicyPeer {
            pod_selector: Some(selector(pod_labels.clone())),
            namespace_selector: namespace.as_ref().map(|n| namespace_selector(n.as_str())),
            ..Default::default()
        },
        Endpoint::Cidrs { .. } | Endpoint::PublicInternet { .. } => NetworkPolicyPeer::default(),
    };
    let peers = match endpoint {
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
        Endpoint::PublicInternet { .. } => vec![NetworkPolicyPeer {
            ip_block: Some(IPBlock {
                cidr: "0.0.0.0/0".into(),
                except: Some(PRIVATE_RANGES.iter().map(|s| (*s).to_owned()).collect()),
            }),
            ..Default::default()
        }],
        Endpoint::InCluster { .. } => vec![peer],
    };
    NetworkPolicyEgressRule {
        to: Some(peers),
        ports: Some(vec![numbered(endpoint.port().get())]),
    }
}

/// Names this component connects to: its declared `talks_to` plus its leader lock.
fn connections(component: &Component) -> Vec<&crate::primitives::text::Name> {
    let mut out: Vec<_> = component.talks_to.iter().collect();
    if let Workload::Worker(w) = &component.workload {
        if let Some(le) = &w.leader_election {
            if let LeaderLock::Dependency(dep) = &le.lock {
                if !out.contains(&dep) {
                    out.push(dep);
                }
            }
        }
    }
    out
}

/// The NetworkPolicy of one component.
pub(crate) fn network_policy(app: &App, component: &Component) -> Object {
    let mut ingress = Vec::new();
    // From the ingress controller, to the ports it routes to.
    if let (Some(ing), Workload::Http(h)) = (&app.ingress, &component.workload) {
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
                ports: Some(vec![named(h.port.name.as_str())]),
            });
        }
    }
    // From Prometheus, to the metrics port.
    let metrics = match &component.workload {
        Workload::Http(h) => h.metrics.as_ref(),
        Workload::Worker(w) => w.metrics.as_ref(),
        Workload::Job(_) => None,
    };
    if let (Some(m), Some(mon)) = (metrics, &app.monitoring) {
        ingress.push(NetworkPolicyIngressRule {
            from: Some(vec![NetworkPolicyPeer {
                namespace_selector: Some(namespace_selector(mon.prometheus_namespace.as_str())),
                ..Default::default()
            }]),
            ports: Some(vec![named(m.port.as_str())]),
        });
    }
    // From sibling components that declare they talk to this one.
    let ports = container_ports(component);
    let callers: Vec<NetworkPolicyPeer> = app
        .components
        .iter()
        .filter(|c| c.talks_to.contains(&component.name))
        .map(|c| pod_peer(app, c))
        .collect();
    if !callers.is_empty() && !ports.is_empty() {
        ingress.push(NetworkPolicyIngressRule {
            from: Some(callers),
            ports: Some(ports.iter().map(|p| named(p.name.as_str())).collect()),
        });
    }

    let mut egress = vec![dns_egress()];
    for target in connections(component) {
        if let Some(dep) = app.dependency(target) {
            egress.push(endpoint_egress(&dep.endpoint));
        } else if let Some(peer) = app.component(target) {
            let peer_ports = container_ports(peer);
            egress.push(NetworkPolicyEgressRule {
                to: Some(vec![pod_peer(app, peer)]),
                ports: Some(
                    peer_ports
                        .iter()
                        .map(|p| numbered(p.number.get()))
                        .collect(),
                ),
            });
        }
    }

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
