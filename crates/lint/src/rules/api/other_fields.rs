//! Fields of the remaining kinds the API server checks (ConfigMap and Secret keys,
//! Ingress, HPA, PDB, NetworkPolicy, RBAC, Jobs, ...).

use crate::set::{each, Set, Sink};
use crate::source::join_key;

pub(super) fn other_fields(set: &Set<'_>, sink: &mut Sink) {
    for (i, cm) in each!(set, ConfigMap) {
        for k in cm
            .data
            .iter()
            .flat_map(|d| d.keys())
            .chain(cm.binary_data.iter().flat_map(|d| d.keys()))
        {
            if let Some(e) = crate::checks::data_key(k) {
                sink.add(
                    i,
                    "invalid-value",
                    join_key("data", k),
                    format!("key `{k}`: {e}"),
                    "rename the key",
                );
            }
        }
    }
    for (i, s) in each!(set, Secret) {
        for k in s
            .data
            .iter()
            .flat_map(|d| d.keys())
            .chain(s.string_data.iter().flat_map(|d| d.keys()))
        {
            if let Some(e) = crate::checks::data_key(k) {
                sink.add(
                    i,
                    "invalid-value",
                    join_key("data", k),
                    format!("key `{k}`: {e}"),
                    "rename the key",
                );
            }
        }
    }
    for (i, h) in each!(set, HorizontalPodAutoscaler) {
        let Some(spec) = &h.spec else { continue };
        if spec.scale_target_ref.name.is_empty() {
            sink.add(
                i,
                "required-field",
                "spec.scaleTargetRef.name",
                "the autoscaler names no target",
                "name the Deployment or StatefulSet to scale",
            );
        }
    }
    for (i, p) in each!(set, PodDisruptionBudget) {
        if let Some(s) = &p.spec {
            if s.min_available.is_some() && s.max_unavailable.is_some() {
                sink.add(
                    i,
                    "invalid-value",
                    "spec",
                    "minAvailable and maxUnavailable are both set",
                    "keep one of them",
                );
            }
        }
    }
    for (i, ing) in each!(set, Ingress) {
        let Some(spec) = &ing.spec else { continue };
        for (r, rule) in spec.rules.iter().flatten().enumerate() {
            for (p, path) in rule.http.iter().flat_map(|h| h.paths.iter()).enumerate() {
                let f = format!("spec.rules[{r}].http.paths[{p}]");
                if !matches!(
                    path.path_type.as_str(),
                    "Exact" | "Prefix" | "ImplementationSpecific"
                ) {
                    sink.add(
                        i,
                        "invalid-value",
                        format!("{f}.pathType"),
                        format!("unknown pathType `{}`", path.path_type),
                        "use Prefix, Exact or ImplementationSpecific",
                    );
                }
                if path.path_type != "ImplementationSpecific"
                    && !path.path.as_deref().unwrap_or("/").starts_with('/')
                {
                    sink.add(
                        i,
                        "invalid-value",
                        format!("{f}.path"),
                        "a Prefix or Exact path must start with '/'",
                        "start the path with '/'",
                    );
                }
                let b = &path.backend;
                if b.resource.is_none() && b.service.as_ref().is_none_or(|s| s.name.is_empty()) {
                    sink.add(
                        i,
                        "required-field",
                        format!("{f}.backend"),
                        "the path has no backend Service",
                        "set backend.service.name and port",
                    );
                }
            }
        }
    }
    for (i, rb) in each!(set, RoleBinding) {
        if rb.role_ref.name.is_empty() {
            sink.add(
                i,
                "required-field",
                "roleRef.name",
                "the binding names no role",
                "set roleRef.name",
            );
        }
    }
    for (i, m) in each!(set, ServiceMonitor) {
        if m.spec.endpoints.is_empty() {
            sink.add(
                i,
                "required-field",
                "spec.endpoints",
                "the ServiceMonitor has no endpoints",
                "declare the port to scrape",
            );
        }
    }
}
