//! Service fields the API server checks: ports (`duplicate-port`, `port-name-format`),
//! types, required fields.

use std::collections::BTreeSet;

use k8s_openapi::apimachinery::pkg::util::intstr::IntOrString;

use crate::set::{dns_label, each, iana_port_name, Set, Sink};

use super::container::PROTOCOLS;

pub(super) fn services(set: &Set<'_>, sink: &mut Sink) {
    for (i, svc) in each!(set, Service) {
        let Some(spec) = &svc.spec else { continue };
        let ty = spec.type_.as_deref().unwrap_or("ClusterIP");
        if !matches!(
            ty,
            "ClusterIP" | "NodePort" | "LoadBalancer" | "ExternalName"
        ) {
            sink.add(
                i,
                "invalid-value",
                "spec.type",
                format!("unknown Service type `{ty}`"),
                "use ClusterIP, NodePort, LoadBalancer or ExternalName",
            );
        }
        let headless = spec.cluster_ip.as_deref() == Some("None");
        let ports = spec.ports.as_deref().unwrap_or_default();
        if ports.is_empty() && ty != "ExternalName" && !headless {
            sink.add(
                i,
                "required-field",
                "spec.ports",
                "the Service has no ports",
                "declare at least one port",
            );
        }
        let mut names = BTreeSet::new();
        let mut numbers = BTreeSet::new();
        for (j, p) in ports.iter().enumerate() {
            let f = format!("spec.ports[{j}]");
            if !(1..=65535).contains(&p.port) {
                sink.add(
                    i,
                    "invalid-value",
                    format!("{f}.port"),
                    format!("port {} is outside 1-65535", p.port),
                    "use a port between 1 and 65535",
                );
            }
            if let Some(IntOrString::Int(t)) = &p.target_port {
                if !(1..=65535).contains(t) {
                    sink.add(
                        i,
                        "invalid-value",
                        format!("{f}.targetPort"),
                        format!("targetPort {t} is outside 1-65535"),
                        "use a port between 1 and 65535 or a container port name",
                    );
                }
            }
            if let Some(IntOrString::String(t)) = &p.target_port {
                if let Some(e) = iana_port_name(t) {
                    sink.add(
                        i,
                        "port-name-format",
                        format!("{f}.targetPort"),
                        format!("targetPort `{t}`: {e}"),
                        "name a container port (at most 15 characters)",
                    );
                }
            }
            let proto = p.protocol.as_deref().unwrap_or("TCP");
            if !PROTOCOLS.contains(&proto) {
                sink.add(
                    i,
                    "invalid-value",
                    format!("{f}.protocol"),
                    format!("unknown protocol `{proto}`"),
                    "use TCP, UDP or SCTP",
                );
            }
            match p.name.as_deref() {
                Some(n) if !n.is_empty() => {
                    if let Some(e) = dns_label(n) {
                        sink.add(
                            i,
                            "port-name-format",
                            format!("{f}.name"),
                            format!("Service port name `{n}`: {e}"),
                            "use a DNS label",
                        );
                    }
                    if !names.insert(n) {
                        sink.add(
                            i,
                            "duplicate-port",
                            format!("{f}.name"),
                            format!("Service port name `{n}` is used twice"),
                            "give every Service port its own name",
                        );
                    }
                }
                _ if ports.len() > 1 => sink.add(
                    i,
                    "port-name-format",
                    format!("{f}.name"),
                    "a Service with several ports must name every port",
                    "name the port (e.g. after the container port it targets)",
                ),
                _ => {}
            }
            if !numbers.insert((p.port, proto)) {
                sink.add(
                    i,
                    "duplicate-port",
                    format!("{f}.port"),
                    format!("port {}/{proto} is declared twice", p.port),
                    "remove the duplicate port",
                );
            }
        }
    }
}
