//! `probe-port-undeclared`, `numeric-port-reference`: probes and the ports they use.

use k8s_openapi::api::core::v1::{Container, Probe};
use k8s_openapi::apimachinery::pkg::util::intstr::IntOrString;

use crate::set::{Set, Sink, Workload};

fn probe_checks(w: &Workload<'_>, f: &str, c: &Container, sink: &mut Sink) {
    let probes: [(&str, Option<&Probe>); 3] = [
        ("livenessProbe", c.liveness_probe.as_ref()),
        ("readinessProbe", c.readiness_probe.as_ref()),
        ("startupProbe", c.startup_probe.as_ref()),
    ];
    let names: Vec<(Option<&str>, i32)> = c
        .ports
        .iter()
        .flatten()
        .map(|p| (p.name.as_deref(), p.container_port))
        .collect();
    for (which, probe) in probes {
        let Some(probe) = probe else { continue };
        let ports = [
            ("httpGet", probe.http_get.as_ref().map(|h| &h.port)),
            ("tcpSocket", probe.tcp_socket.as_ref().map(|t| &t.port)),
        ];
        for (how, port) in ports {
            let field = format!("{f}.{which}.{how}.port");
            match port {
                Some(IntOrString::String(name)) if !names.iter().any(|(n, _)| *n == Some(name.as_str())) => sink.add(
                    w.idx,
                    "probe-port-undeclared",
                    field,
                    format!("the {which} of container `{}` uses port `{name}`, which the container does not declare", c.name),
                    "declare the port in the container's ports, or probe a declared port",
                ),
                Some(IntOrString::Int(n)) => {
                    if let Some((Some(name), _)) = names.iter().find(|(_, num)| num == n) {
                        sink.add(w.idx, "numeric-port-reference", field, format!("the {which} of container `{}` uses port {n} by number, which the container names `{name}`", c.name), format!("use port: {name}"));
                    }
                }
                _ => {}
            }
        }
    }
}

pub(super) fn probes(set: &Set<'_>, sink: &mut Sink) {
    for w in &set.workloads {
        for (f, c) in w.containers() {
            probe_checks(w, &f, c, sink);
        }
    }
}
