//! DNS egress beyond the kube-dns pods: a NodeLocal DNSCache address ([`Dns`](crate::Dns)).

use k8s_openapi::api::networking::v1::{
    IPBlock, NetworkPolicyEgressRule, NetworkPolicyPeer, NetworkPolicyPort,
};
use k8s_openapi::apimachinery::pkg::util::intstr::IntOrString;

use crate::model::app::App;

/// Egress to the node-local DNS cache on UDP and TCP 53, when the app declares one.
pub(crate) fn node_local_egress(app: &App) -> Option<NetworkPolicyEgressRule> {
    let ip = app.dns.node_local()?;
    let port = |protocol: &str| NetworkPolicyPort {
        port: Some(IntOrString::Int(53)),
        protocol: Some(protocol.to_owned()),
        ..Default::default()
    };
    Some(NetworkPolicyEgressRule {
        to: Some(vec![NetworkPolicyPeer {
            ip_block: Some(IPBlock {
                cidr: format!("{ip}/32"),
                except: None,
            }),
            ..Default::default()
        }]),
        ports: Some(vec![port("UDP"), port("TCP")]),
    })
}
