//! Lookups the wiring, network and policy rules share: a workload's container ports,
//! the target of a Service port, the Services a ServiceMonitor scrapes, a Service's pods.

use k8s_openapi::api::core::v1::{Service, ServicePort};
use k8s_openapi::apimachinery::pkg::util::intstr::IntOrString;

use crate::crd::monitoring::ServiceMonitor;
use crate::set::each_in_ns;
use crate::set::{each, same_ns, selector_matches, Set, Workload};

/// Container ports of a workload's main containers as `(name, number)`.
pub(in crate::rules) fn container_ports<'w>(
    w: &'w Workload<'_>,
) -> impl Iterator<Item = (Option<&'w str>, i32)> + 'w {
    w.spec
        .containers
        .iter()
        .flat_map(|c| c.ports.iter().flatten())
        .map(|p| (p.name.as_deref(), p.container_port))
}

/// The container port a Service port reaches on a workload: `(name, number)`, either
/// part unknown when the workload does not declare it.
pub(in crate::rules) fn target_of(
    w: &Workload<'_>,
    p: &ServicePort,
) -> (Option<String>, Option<i32>) {
    match &p.target_port {
        Some(IntOrString::String(name)) => {
            let number = container_ports(w)
                .find(|(n, _)| *n == Some(name.as_str()))
                .map(|(_, num)| num);
            (Some(name.clone()), number)
        }
        Some(IntOrString::Int(n)) => {
            let name = container_ports(w)
                .find(|(_, num)| num == n)
                .and_then(|(n, _)| n.map(str::to_owned));
            (name, Some(*n))
        }
        None => {
            let name = container_ports(w)
                .find(|(_, num)| *num == p.port)
                .and_then(|(n, _)| n.map(str::to_owned));
            (name, Some(p.port))
        }
    }
}

/// The Services a ServiceMonitor selects.
pub(in crate::rules) fn monitored_services<'a>(
    set: &Set<'a>,
    idx: usize,
    m: &ServiceMonitor,
) -> Vec<(usize, &'a Service)> {
    let own_ns = set.items[idx].namespace;
    let any = m.spec.namespace_selector.as_ref().is_some_and(|n| n.any);
    let names = m
        .spec
        .namespace_selector
        .as_ref()
        .map(|n| &n.match_names)
        .filter(|n| !n.is_empty());
    // Candidates by namespace (in set order); the filter below decides.
    let candidates: Vec<(usize, &'a Service)> = match names {
        _ if any => each!(set, Service).collect(),
        Some(names) => {
            let mut found: Vec<_> = names
                .iter()
                .flat_map(|n| each_in_ns!(set, Service, Some(n.as_str())))
                .collect();
            found.sort_unstable_by_key(|(i, _)| *i);
            found.dedup_by_key(|(i, _)| *i);
            found
        }
        None => each_in_ns!(set, Service, own_ns).collect(),
    };
    candidates
        .into_iter()
        .filter(|(i, s)| {
            let ns = set.items[*i].namespace;
            let ns_ok = match names {
                _ if any => true,
                Some(names) => ns.is_none_or(|ns| names.iter().any(|n| n == ns)),
                None => same_ns(ns, own_ns),
            };
            ns_ok
                && selector_matches(
                    &m.spec.selector,
                    s.metadata.labels.as_ref().unwrap_or(&crate::set::EMPTY),
                )
        })
        .collect()
}

/// Workloads a Service selects (none for Services without a selector).
pub(in crate::rules) fn service_pods<'s, 'a>(
    set: &'s Set<'a>,
    idx: usize,
    svc: &Service,
) -> Vec<&'s Workload<'a>> {
    match svc
        .spec
        .as_ref()
        .and_then(|s| s.selector.as_ref())
        .filter(|s| !s.is_empty())
    {
        Some(sel) => set.selected_by_map(sel, set.items[idx].namespace),
        None => Vec::new(),
    }
}
