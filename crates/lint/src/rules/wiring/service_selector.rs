//! `service-selects-nothing`, `service-target-port-missing`, `numeric-port-reference`:
//! Services and the pods they select.

use k8s_openapi::apimachinery::pkg::util::intstr::IntOrString;

use crate::set::{each, Set, Sink};

use super::lookup::container_ports;

pub(super) fn services(set: &Set<'_>, sink: &mut Sink) {
    for (i, svc) in each!(set, Service) {
        let Some(spec) = &svc.spec else { continue };
        if spec.type_.as_deref() == Some("ExternalName") {
            continue;
        }
        let Some(sel) = spec.selector.as_ref().filter(|s| !s.is_empty()) else {
            continue;
        };
        let pods = set.selected_by_map(sel, set.items[i].namespace);
        if pods.is_empty() {
            let (rule, why) =
                set.unresolved("service-selects-nothing", "Pod", set.items[i].namespace);
            let labels: Vec<String> = sel.iter().map(|(k, v)| format!("{k}={v}")).collect();
            sink.add(
                i,
                rule,
                "spec.selector",
                format!(
                    "the selector {} matches no pod template of the set, so the Service has no endpoints{why}",
                    labels.join(","),
                ),
                "make the selector match the workload's pod template labels",
            );
            continue;
        }
        let headless = spec.cluster_ip.as_deref() == Some("None");
        for (j, p) in spec.ports.iter().flatten().enumerate() {
            let f = format!("spec.ports[{j}].targetPort");
            match &p.target_port {
                Some(IntOrString::String(name)) => {
                    for w in &pods {
                        if !container_ports(w).any(|(n, _)| n == Some(name.as_str())) {
                            sink.add(
                                i,
                                "service-target-port-missing",
                                f.clone(),
                                format!(
                                    "targetPort `{name}` is not a container port of {} `{}`",
                                    w.kind, w.name
                                ),
                                "name a port the selected containers declare",
                            );
                        }
                    }
                }
                target if !headless => {
                    let number = match target {
                        Some(IntOrString::Int(n)) => *n,
                        _ => p.port,
                    };
                    let named = pods.iter().find_map(|w| {
                        container_ports(w)
                            .find(|(n, num)| *num == number && n.is_some())
                            .and_then(|(n, _)| n)
                    });
                    if let Some(name) = named {
                        let how = if target.is_none() {
                            format!("has no targetPort, so it targets {number}")
                        } else {
                            format!("targets port {number} by number")
                        };
                        sink.add(i, "numeric-port-reference", f.clone(), format!("Service port {} {how}, which the container names `{name}`", p.name.clone().unwrap_or_else(|| p.port.to_string())), format!("use targetPort: {name}, so renumbering the container port cannot break the Service"));
                    }
                }
                _ => {}
            }
        }
    }
}
