//! `metrics-exposed-by-ingress`: an Ingress that serves a metrics path.

use std::collections::HashMap;

use k8s_openapi::api::core::v1::ServicePort;

use crate::set::{each, Set, Sink};

use super::ingress_backend::service_named;
use super::lookup::monitored_services;

/// Whether an Ingress path serves `path`.
fn path_covers(ingress_path: &str, path_type: &str, path: &str) -> bool {
    match path_type {
        "Exact" => ingress_path == path,
        _ => {
            let p = ingress_path.trim_end_matches('/');
            p.is_empty() || path == p || path.starts_with(&format!("{p}/"))
        }
    }
}

pub(super) fn metrics_exposed(set: &Set<'_>, sink: &mut Sink) {
    // Per scraped Service (its index): (service port, metrics path), in the order found.
    let mut scraped: HashMap<usize, Vec<(&ServicePort, String)>> = HashMap::new();
    for (i, m) in each!(set, ServiceMonitor) {
        for (si, svc) in monitored_services(set, i, m) {
            for e in &m.spec.endpoints {
                let path = e.path.clone().unwrap_or_else(|| "/metrics".to_owned());
                for p in svc.spec.iter().flat_map(|s| s.ports.iter().flatten()) {
                    if e.port.is_some() && p.name == e.port {
                        scraped.entry(si).or_default().push((p, path.clone()));
                    }
                }
            }
        }
    }
    if scraped.is_empty() {
        return;
    }
    for (i, ing) in each!(set, Ingress) {
        let Some(spec) = &ing.spec else { continue };
        for (r, rule) in spec.rules.iter().flatten().enumerate() {
            for (p, path) in rule.http.iter().flat_map(|h| h.paths.iter()).enumerate() {
                let Some(b) = &path.backend.service else {
                    continue;
                };
                let Some((si, _)) = service_named(set, &b.name, set.items[i].namespace) else {
                    continue;
                };
                let Some(bp) = &b.port else { continue };
                let Some(ports) = scraped.get(&si) else {
                    continue;
                };
                for (sp, metrics_path) in ports {
                    let same_port = match (&bp.name, bp.number) {
                        (Some(n), _) if !n.is_empty() => sp.name.as_deref() == Some(n.as_str()),
                        (_, Some(num)) => sp.port == num,
                        _ => false,
                    };
                    let ipath = path.path.as_deref().unwrap_or("/");
                    if same_port && path_covers(ipath, &path.path_type, metrics_path) {
                        sink.add(
                            i,
                            "metrics-exposed-by-ingress",
                            format!("spec.rules[{r}].http.paths[{p}]"),
                            format!("path `{ipath}` routes to port {} of Service `{}`, where Prometheus scrapes `{metrics_path}`, so the metrics are public", sp.name.as_deref().unwrap_or_default(), b.name),
                            "serve metrics on a separate port, or block the metrics path at the Ingress",
                        );
                    }
                }
            }
        }
    }
}
