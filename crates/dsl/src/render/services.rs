//! Services and the Ingress.

use std::collections::BTreeMap;

use k8s_openapi::api::core::v1::{Service, ServicePort, ServiceSpec};
use k8s_openapi::api::networking::v1::{
    HTTPIngressPath, HTTPIngressRuleValue, Ingress as K8sIngress, IngressBackend, IngressRule,
    IngressServiceBackend, IngressSpec, IngressTLS, ServiceBackendPort,
};
use k8s_openapi::apimachinery::pkg::util::intstr::IntOrString;

use super::meta::{app_labels, component_labels, object_meta, with_annotations};
use crate::model::app::App;
use crate::model::component::{Component, Workload};
use crate::model::exposure::Exposure;
use crate::model::ingress::{Ingress, Tls};
use crate::object::Object;
use crate::primitives::port::NamedPort;

pub(crate) fn service_port(p: &NamedPort, exposed: u16) -> ServicePort {
    ServicePort {
        name: Some(p.name.to_string()),
        port: i32::from(exposed),
        target_port: Some(IntOrString::String(p.name.to_string())),
        protocol: Some("TCP".into()),
        ..Default::default()
    }
}

/// The Service of an HTTP component (ClusterIP, or LoadBalancer when exposed so), or the
/// metrics Service of a worker. Clusters get theirs from `cluster::services`.
pub(crate) fn service(app: &App, component: &Component) -> Option<Object> {
    let ports: Vec<ServicePort> = match &component.workload {
        Workload::Http(h) => std::iter::once(service_port(&h.port, h.service_port.get()))
            .chain(
                h.extra_ports
                    .iter()
                    .map(|p| service_port(p, p.number.get())),
            )
            .chain(
                super::containers::service_ports(component)
                    .iter()
                    .map(|p| super::containers::service_port(app, component, p)),
            )
            .collect(),
        Workload::Worker(w) if w.metrics.is_some() => w
            .ports
            .iter()
            .map(|p| service_port(p, p.number.get()))
            .chain(
                super::containers::service_ports(component)
                    .iter()
                    .map(|p| super::containers::service_port(app, component, p)),
            )
            .collect(),
        Workload::NodeAgent(a) if a.metrics.is_some() => a
            .ports
            .iter()
            .map(|p| service_port(p, p.number.get()))
            .collect(),
        _ => return None,
    };
    let name = super::kept::service_name(app, component);
    let exposure = match &component.workload {
        Workload::Http(h) => h.exposure.clone(),
        _ => Exposure::ClusterIp,
    };
    let (source_ranges, traffic_policy) = match &exposure {
        Exposure::ClusterIp => (None, None),
        // `Local` keeps client addresses, which the NetworkPolicy's ipBlocks match on.
        Exposure::LoadBalancer { source_ranges } => {
            (Some(source_ranges.clone()), Some("Local".to_owned()))
        }
    };
    Some(
        Service {
            metadata: object_meta(app, &name, component_labels(app, component)),
            spec: Some(ServiceSpec {
                type_: Some(exposure.service_type().into()),
                selector: Some(super::meta::selector_labels(app, &component.name)),
                ports: Some(ports),
                load_balancer_source_ranges: source_ranges,
                external_traffic_policy: traffic_policy,
                ..Default::default()
            }),
            ..Default::default()
        }
        .into(),
    )
}

/// The app's Ingress; every route targets a component's Service by port name.
pub(crate) fn ingress(app: &App, ingress: &Ingress) -> Object {
    let name = &app.base_name();
    let mut annotations: BTreeMap<String, String> = ingress.annotations.clone();
    let secret_name = match &ingress.tls {
        Tls::CertManager { cluster_issuer } => {
            annotations.insert(
                "cert-manager.io/cluster-issuer".into(),
                cluster_issuer.to_string(),
            );
            name.join("tls").to_string()
        }
        Tls::ExistingSecret(secret) => secret.to_string(),
    };
    let rules = ingress
        .hosts
        .iter()
        .map(|h| IngressRule {
            host: Some(h.host.to_string()),
            http: Some(HTTPIngressRuleValue {
                paths: h
                    .routes
                    .iter()
                    .map(|r| HTTPIngressPath {
                        path: Some(r.path.to_string()),
                        path_type: "Prefix".into(),
                        backend: IngressBackend {
                            service: Some(IngressServiceBackend {
                                name: app.component(&r.component).map_or_else(
                                    || app.object_name(&r.component).to_string(),
                                    |c| super::kept::service_name(app, c),
                                ),
                                port: Some(ServiceBackendPort {
                                    name: app
                                        .component(&r.component)
                                        .and_then(|c| c.workload.http_port())
                                        .map(|p| p.name.to_string()),
                                    ..Default::default()
                                }),
                            }),
                            ..Default::default()
                        },
                    })
                    .collect(),
            }),
        })
        .collect();
    K8sIngress {
        metadata: with_annotations(object_meta(app, name, app_labels(app)), annotations),
        spec: Some(IngressSpec {
            ingress_class_name: Some(ingress.class.to_string()),
            tls: Some(vec![IngressTLS {
                hosts: Some(ingress.hosts.iter().map(|h| h.host.to_string()).collect()),
                secret_name: Some(secret_name),
            }]),
            rules: Some(rules),
            ..Default::default()
        }),
        ..Default::default()
    }
    .into()
}
