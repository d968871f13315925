//! `servicemonitor-selects-nothing`, `servicemonitor-port-missing`: ServiceMonitors.

use k8s_openapi::api::core::v1::Service;

use crate::set::{each, Set, Sink};

use super::lookup::monitored_services;

pub(super) fn service_monitors(set: &Set<'_>, sink: &mut Sink) {
    for (i, m) in each!(set, ServiceMonitor) {
        let services = monitored_services(set, i, m);
        if services.is_empty() {
            let labels: Vec<String> = m
                .spec
                .selector
                .match_labels
                .iter()
                .flatten()
                .map(|(k, v)| format!("{k}={v}"))
                .collect();
            // The namespaces the selector reaches: all of them must be owned by the set.
            let own = set.items[i].namespace;
            let selector = m.spec.namespace_selector.as_ref();
            let (rule, why) = if selector.is_some_and(|n| n.any) {
                (
                    "reference-unresolved",
                    " (unresolved, not an error: namespaceSelector.any reaches every namespace of the cluster)".to_owned(),
                )
            } else {
                let names: Vec<Option<&str>> = match selector.map(|n| &n.match_names) {
                    Some(names) if !names.is_empty() => {
                        names.iter().map(|n| Some(n.as_str())).collect()
                    }
                    _ => vec![own],
                };
                names
                    .into_iter()
                    .map(|ns| set.unresolved("servicemonitor-selects-nothing", "Service", ns))
                    .find(|(r, _)| *r == "reference-unresolved")
                    .unwrap_or(("servicemonitor-selects-nothing", String::new()))
            };
            sink.add(
                i,
                rule,
                "spec.selector",
                format!(
                    "no Service in the set carries the labels {}, so nothing is scraped{why}",
                    labels.join(",")
                ),
                "select the labels of the Service that exposes the metrics port",
            );
            continue;
        }
        for (j, e) in m.spec.endpoints.iter().enumerate() {
            let Some(port) = &e.port else { continue };
            let has = |s: &&(usize, &Service)| {
                s.1.spec
                    .as_ref()
                    .and_then(|s| s.ports.as_ref())
                    .is_some_and(|ps| ps.iter().any(|p| p.name.as_deref() == Some(port.as_str())))
            };
            if !services.iter().any(|s| has(&s)) {
                let names: Vec<&str> = services
                    .iter()
                    .map(|(_, s)| s.metadata.name.as_deref().unwrap_or_default())
                    .collect();
                sink.add(
                    i,
                    "servicemonitor-port-missing",
                    format!("spec.endpoints[{j}].port"),
                    format!(
                        "no selected Service ({}) has a port named `{port}`, so nothing is scraped",
                        names.join(", ")
                    ),
                    "use the name of a Service port (ServiceMonitors cannot use numbers)",
                );
            }
        }
    }
}
