//! References between objects: selectors, ports, volumes, secrets, RBAC, monitoring.

use std::collections::BTreeSet;

use k8s_openapi::api::core::v1::{Container, Probe, Service, ServicePort};
use k8s_openapi::apimachinery::pkg::util::intstr::IntOrString;

use crate::crd::monitoring::ServiceMonitor;
use crate::object::Object;
use crate::validate::set::{
    builtin_cluster_role, builtin_config_map, builtin_role, each, each_in_ns, each_named, same_ns,
    selector_matches, Set, Sink, Workload, WORKLOAD_KINDS,
};

pub(super) fn run(set: &Set<'_>, sink: &mut Sink) {
    services(set, sink);
    probes(set, sink);
    ingresses(set, sink);
    autoscalers(set, sink);
    budgets(set, sink);
    pod_references(set, sink);
    stateful_sets(set, sink);
    service_monitors(set, sink);
    rbac(set, sink);
    external_secrets(set, sink);
    unused(set, sink);
    metrics_exposed(set, sink);
}

/// Container ports of a workload's main containers as `(name, number)`.
pub(super) fn container_ports<'w>(
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
pub(super) fn target_of(w: &Workload<'_>, p: &ServicePort) -> (Option<String>, Option<i32>) {
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
pub(super) fn monitored_services<'a>(
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
                    s.metadata
                        .labels
                        .as_ref()
                        .unwrap_or(&crate::validate::set::EMPTY),
                )
        })
        .collect()
}

/// Workloads a Service selects (none for Services without a selector).
pub(super) fn service_pods<'s, 'a>(
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

fn services(set: &Set<'_>, sink: &mut Sink) {
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
                        sink.add(i, "numeric-port-reference", f.clone(), format!("Service port {} {how}, which the container names `{name}`", p.name.as_deref().unwrap_or("")), format!("use targetPort: {name}, so renumbering the container port cannot break the Service"));
                    }
                }
                _ => {}
            }
        }
    }
}

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

fn probes(set: &Set<'_>, sink: &mut Sink) {
    for w in &set.workloads {
        for (f, c) in w.containers() {
            probe_checks(w, &f, c, sink);
        }
    }
}

fn service_named<'a>(set: &Set<'a>, name: &str, ns: Option<&str>) -> Option<(usize, &'a Service)> {
    each_named!(set, Service, ns, name).find(|(i, s)| {
        s.metadata.name.as_deref() == Some(name) && same_ns(set.items[*i].namespace, ns)
    })
}

fn host_covered(host: &str, tls_hosts: &[&str]) -> bool {
    tls_hosts.iter().any(|t| {
        *t == host
            || t.strip_prefix("*.").is_some_and(|suffix| {
                host.split_once('.')
                    .is_some_and(|(first, rest)| !first.is_empty() && rest == suffix)
            })
    })
}

fn ingresses(set: &Set<'_>, sink: &mut Sink) {
    for (i, ing) in each!(set, Ingress) {
        let Some(spec) = &ing.spec else { continue };
        let ns = set.items[i].namespace;
        let mut backends = Vec::new();
        if let Some(b) = spec
            .default_backend
            .as_ref()
            .and_then(|b| b.service.as_ref())
        {
            backends.push(("spec.defaultBackend.service".to_owned(), b));
        }
        for (r, rule) in spec.rules.iter().flatten().enumerate() {
            for (p, path) in rule.http.iter().flat_map(|h| h.paths.iter()).enumerate() {
                if let Some(b) = &path.backend.service {
                    backends.push((
                        format!("spec.rules[{r}].http.paths[{p}].backend.service"),
                        b,
                    ));
                }
            }
        }
        for (f, b) in backends {
            if b.name.is_empty() {
                continue;
            }
            let Some((_, svc)) = service_named(set, &b.name, ns) else {
                let (rule, why) = set.unresolved("ingress-backend-missing", "Service", ns);
                sink.add(
                    i,
                    rule,
                    format!("{f}.name"),
                    format!(
                        "the backend Service `{}` is not in the set, so the route answers 503{why}",
                        b.name
                    ),
                    "route to an existing Service, or add it",
                );
                continue;
            };
            let ports = svc
                .spec
                .as_ref()
                .and_then(|s| s.ports.as_deref())
                .unwrap_or_default();
            let Some(port) = &b.port else { continue };
            let found = match (&port.name, port.number) {
                (Some(n), _) if !n.is_empty() => {
                    ports.iter().any(|p| p.name.as_deref() == Some(n.as_str()))
                }
                (_, Some(num)) => ports.iter().any(|p| p.port == num),
                _ => true,
            };
            if !found {
                let what = port
                    .name
                    .clone()
                    .filter(|n| !n.is_empty())
                    .unwrap_or_else(|| port.number.unwrap_or_default().to_string());
                sink.add(
                    i,
                    "ingress-backend-port-missing",
                    format!("{f}.port"),
                    format!("Service `{}` has no port `{what}`", b.name),
                    "use one of the Service's port names or numbers",
                );
            }
        }
        let tls_hosts: Vec<&str> = spec
            .tls
            .iter()
            .flatten()
            .flat_map(|t| t.hosts.iter().flatten())
            .map(String::as_str)
            .collect();
        if spec.tls.as_ref().is_some_and(|t| !t.is_empty()) {
            for (r, rule) in spec.rules.iter().flatten().enumerate() {
                if let Some(h) = &rule.host {
                    if !host_covered(h, &tls_hosts) {
                        sink.add(i, "ingress-tls-host-mismatch", format!("spec.rules[{r}].host"), format!("host `{h}` is not listed in spec.tls, so it is served without its certificate"), "add the host to a spec.tls entry");
                    }
                }
            }
        }
    }
}

fn autoscalers(set: &Set<'_>, sink: &mut Sink) {
    for (i, h) in each!(set, HorizontalPodAutoscaler) {
        let Some(spec) = &h.spec else { continue };
        let r = &spec.scale_target_ref;
        if r.name.is_empty() || !WORKLOAD_KINDS.contains(&r.kind.as_str()) {
            continue;
        }
        let target = set.workloads_in(set.items[i].namespace).find(|w| {
            w.kind == r.kind && w.name == r.name && same_ns(w.ns, set.items[i].namespace)
        });
        let Some(w) = target else {
            let (rule, why) = set.unresolved("hpa-target-missing", &r.kind, set.items[i].namespace);
            sink.add(
                i,
                rule,
                "spec.scaleTargetRef",
                format!(
                    "{} `{}` is not in the set, so the autoscaler does nothing (FailedGetScale){why}",
                    r.kind, r.name
                ),
                "point scaleTargetRef at an existing workload",
            );
            continue;
        };
        for (m, metric) in spec.metrics.iter().flatten().enumerate() {
            let (resource, target, container) = match (&metric.resource, &metric.container_resource)
            {
                (Some(r), _) => (r.name.as_str(), &r.target, None),
                (_, Some(c)) => (c.name.as_str(), &c.target, Some(c.container.as_str())),
                _ => continue,
            };
            if target.type_ != "Utilization" {
                continue;
            }
            for (f, c) in w.containers().filter(|(f, _)| f.contains(".containers[")) {
                if container.is_some_and(|n| n != c.name) {
                    continue;
                }
                let has = c
                    .resources
                    .as_ref()
                    .and_then(|r| r.requests.as_ref())
                    .is_some_and(|r| r.contains_key(resource));
                if !has {
                    sink.add(i, "hpa-missing-requests", format!("spec.metrics[{m}]"), format!("{resource} utilization is a percentage of the request, but container `{}` of {} `{}` ({f}) requests no {resource}", c.name, w.kind, w.name), format!("set resources.requests.{resource} on every container"));
                }
            }
        }
    }
}

fn budgets(set: &Set<'_>, sink: &mut Sink) {
    for (i, p) in each!(set, PodDisruptionBudget) {
        let Some(spec) = &p.spec else { continue };
        let selected = match &spec.selector {
            Some(sel) => set.selected_by(sel, set.items[i].namespace),
            None => Vec::new(),
        };
        if selected.is_empty() {
            let (rule, why) = set.unresolved("pdb-selects-nothing", "Pod", set.items[i].namespace);
            sink.add(
                i,
                rule,
                "spec.selector",
                format!("the selector matches no pod template of the set, so the budget protects nothing{why}"),
                "select the workload's pod labels",
            );
        }
    }
}

/// What a Secret in the set (or declared outside it) holds: `None` keys when unknown.
pub(super) fn secret_keys(
    set: &Set<'_>,
    name: &str,
    ns: Option<&str>,
) -> Option<Option<BTreeSet<String>>> {
    for (i, s) in each_named!(set, Secret, ns, name) {
        if s.metadata.name.as_deref() == Some(name) && same_ns(set.items[i].namespace, ns) {
            let empty = s.data.as_ref().is_none_or(|d| d.is_empty())
                && s.string_data.as_ref().is_none_or(|d| d.is_empty());
            if empty || s.type_.as_deref() == Some("kubernetes.io/service-account-token") {
                // Filled in at run time (by a controller, a Job, the token controller).
                return Some(None);
            }
            let keys = s
                .data
                .iter()
                .flat_map(|d| d.keys())
                .chain(s.string_data.iter().flat_map(|d| d.keys()))
                .cloned()
                .collect();
            return Some(Some(keys));
        }
    }
    // Only ExternalSecrets and SealedSecrets make Secrets (in set order).
    let mut makers: Vec<usize> = ["ExternalSecret", "SealedSecret"]
        .iter()
        .flat_map(|k| set.index.in_ns(k, ns).into_owned())
        .collect();
    makers.sort_unstable();
    makers.dedup();
    for item in makers.iter().map(|&i| &set.items[i]) {
        let Some(doc) = item.doc else { continue };
        if !same_ns(item.namespace, ns) {
            continue;
        }
        match doc.kind.as_str() {
            "ExternalSecret" => {
                let target = doc
                    .value
                    .pointer("/spec/target/name")
                    .and_then(|v| v.as_str())
                    .unwrap_or(&doc.name);
                if target == name {
                    if doc.value.pointer("/spec/dataFrom").is_some()
                        || doc.value.pointer("/spec/target/template").is_some()
                    {
                        return Some(None);
                    }
                    let keys = doc
                        .value
                        .pointer("/spec/data")
                        .and_then(|d| d.as_array())
                        .into_iter()
                        .flatten()
                        .filter_map(|d| d.get("secretKey")?.as_str().map(str::to_owned))
                        .collect();
                    return Some(Some(keys));
                }
            }
            "SealedSecret" => {
                let target = doc
                    .value
                    .pointer("/spec/template/metadata/name")
                    .and_then(|v| v.as_str())
                    .unwrap_or(&doc.name);
                if target == name {
                    let keys = doc
                        .value
                        .pointer("/spec/encryptedData")
                        .and_then(|d| d.as_object())
                        .map(|m| m.keys().cloned().collect());
                    return Some(keys);
                }
            }
            _ => {}
        }
    }
    set.ctx
        .external_secrets
        .iter()
        .find(|s| s.name == name)
        .map(|s| s.keys.as_ref().map(|k| k.iter().cloned().collect()))
}

fn config_map_keys(set: &Set<'_>, name: &str, ns: Option<&str>) -> Option<BTreeSet<String>> {
    if let Some(keys) = builtin_config_map(name) {
        return Some(keys.iter().map(|k| (*k).to_owned()).collect());
    }
    each_named!(set, ConfigMap, ns, name)
        .find(|(i, c)| {
            c.metadata.name.as_deref() == Some(name) && same_ns(set.items[*i].namespace, ns)
        })
        .map(|(_, c)| {
            c.data
                .iter()
                .flat_map(|d| d.keys())
                .chain(c.binary_data.iter().flat_map(|d| d.keys()))
                .cloned()
                .collect()
        })
}

struct Refs<'a, 's> {
    set: &'s Set<'a>,
    w: &'s Workload<'a>,
    sink: &'s mut Sink,
}

impl Refs<'_, '_> {
    fn secret(&mut self, field: String, name: &str, key: Option<&str>, optional: bool) {
        if optional {
            return;
        }
        match secret_keys(self.set, name, self.w.ns) {
            None => {
                let (rule, why) = self.set.unresolved("secret-missing", "Secret", self.w.ns);
                self.sink.add(self.w.idx, rule, field, format!("Secret `{name}` is neither in the set nor declared as external, so the pod fails with CreateContainerConfigError{why}"), "add the Secret to the set, or declare it as an external secret with its keys");
            }
            Some(Some(keys)) => {
                if let Some(k) = key {
                    if !keys.contains(k) {
                        let known: Vec<&str> = keys.iter().map(String::as_str).collect();
                        self.sink.add(self.w.idx, "secret-key-missing", field, format!("Secret `{name}` has no key `{k}` (it has: {})", known.join(", ")), "read a key the Secret has, or add the key to the Secret or its declaration");
                    }
                }
            }
            Some(None) => {}
        }
    }

    fn config_map(&mut self, field: String, name: &str, key: Option<&str>, optional: bool) {
        if optional {
            return;
        }
        match config_map_keys(self.set, name, self.w.ns) {
            None => {
                let (rule, why) = self
                    .set
                    .unresolved("configmap-missing", "ConfigMap", self.w.ns);
                self.sink.add(
                    self.w.idx,
                    rule,
                    field,
                    format!("ConfigMap `{name}` is not in the set, so the pod does not start{why}"),
                    "add the ConfigMap or fix the reference",
                );
            }
            Some(keys) => {
                if let Some(k) = key {
                    if !keys.contains(k) {
                        self.sink.add(
                            self.w.idx,
                            "configmap-key-missing",
                            field,
                            format!("ConfigMap `{name}` has no key `{k}`"),
                            "read a key the ConfigMap has, or add it",
                        );
                    }
                }
            }
        }
    }
}

fn pod_references(set: &Set<'_>, sink: &mut Sink) {
    for w in &set.workloads {
        let p = w.prefix;
        let mut r = Refs { set, w, sink };
        for (f, c) in w.containers() {
            for (j, e) in c.env.iter().flatten().enumerate() {
                let Some(from) = &e.value_from else { continue };
                if let Some(s) = &from.secret_key_ref {
                    r.secret(
                        format!("{f}.env[{j}].valueFrom.secretKeyRef"),
                        &s.name,
                        Some(&s.key),
                        s.optional == Some(true),
                    );
                }
                if let Some(s) = &from.config_map_key_ref {
                    r.config_map(
                        format!("{f}.env[{j}].valueFrom.configMapKeyRef"),
                        &s.name,
                        Some(&s.key),
                        s.optional == Some(true),
                    );
                }
            }
            for (j, e) in c.env_from.iter().flatten().enumerate() {
                if let Some(s) = &e.secret_ref {
                    r.secret(
                        format!("{f}.envFrom[{j}].secretRef"),
                        &s.name,
                        None,
                        s.optional == Some(true),
                    );
                }
                if let Some(s) = &e.config_map_ref {
                    r.config_map(
                        format!("{f}.envFrom[{j}].configMapRef"),
                        &s.name,
                        None,
                        s.optional == Some(true),
                    );
                }
            }
        }
        for (j, v) in w.spec.volumes.iter().flatten().enumerate() {
            let vf = format!("{p}.volumes[{j}]");
            if let Some(s) = &v.secret {
                let name = s.secret_name.as_deref().unwrap_or_default();
                r.secret(
                    format!("{vf}.secret.secretName"),
                    name,
                    None,
                    s.optional == Some(true),
                );
                for (k, item) in s.items.iter().flatten().enumerate() {
                    r.secret(
                        format!("{vf}.secret.items[{k}].key"),
                        name,
                        Some(&item.key),
                        s.optional == Some(true),
                    );
                }
            }
            if let Some(c) = &v.config_map {
                r.config_map(
                    format!("{vf}.configMap.name"),
                    &c.name,
                    None,
                    c.optional == Some(true),
                );
                for (k, item) in c.items.iter().flatten().enumerate() {
                    r.config_map(
                        format!("{vf}.configMap.items[{k}].key"),
                        &c.name,
                        Some(&item.key),
                        c.optional == Some(true),
                    );
                }
            }
            for (k, src) in v
                .projected
                .iter()
                .flat_map(|p| p.sources.iter().flatten())
                .enumerate()
            {
                if let Some(s) = &src.secret {
                    r.secret(
                        format!("{vf}.projected.sources[{k}].secret"),
                        &s.name,
                        None,
                        s.optional == Some(true),
                    );
                }
                if let Some(c) = &src.config_map {
                    r.config_map(
                        format!("{vf}.projected.sources[{k}].configMap"),
                        &c.name,
                        None,
                        c.optional == Some(true),
                    );
                }
            }
            if let Some(claim) = &v.persistent_volume_claim {
                let found = each_named!(set, PersistentVolumeClaim, w.ns, &claim.claim_name).find(
                    |(i, c)| {
                        c.metadata.name.as_deref() == Some(claim.claim_name.as_str())
                            && same_ns(set.items[*i].namespace, w.ns)
                    },
                );
                match found {
                    None => {
                        let (rule, why) =
                            set.unresolved("pvc-missing", "PersistentVolumeClaim", w.ns);
                        r.sink.add(w.idx, rule, format!("{vf}.persistentVolumeClaim.claimName"), format!("PersistentVolumeClaim `{}` is not in the set, so the pod stays Pending{why}", claim.claim_name), "add the claim, or use volumeClaimTemplates on a StatefulSet");
                    }
                    Some((_, pvc)) => {
                        let modes = pvc
                            .spec
                            .as_ref()
                            .and_then(|s| s.access_modes.as_deref())
                            .unwrap_or_default();
                        let single = !modes.is_empty()
                            && modes
                                .iter()
                                .all(|m| m == "ReadWriteOnce" || m == "ReadWriteOncePod");
                        if single && w.max > 1 && claim.read_only != Some(true) {
                            let scaled = if w.hpa.is_some() {
                                format!("scales up to {} pods", w.max)
                            } else {
                                format!("runs {} pods", w.max)
                            };
                            r.sink.add(w.idx, "pvc-rwo-shared", format!("{vf}.persistentVolumeClaim.claimName"), format!("the {} {scaled} that all mount the {} claim `{}`; pods on other nodes hang in ContainerCreating (Multi-Attach) and pods on the same node share one data directory", w.kind, modes.join("/"), claim.claim_name), if w.kind == "StatefulSet" { "use spec.volumeClaimTemplates so every member gets its own volume".to_owned() } else { "run one replica, or use a ReadWriteMany claim or object storage".to_owned() });
                        }
                    }
                }
            }
        }
        for (j, s) in w.spec.image_pull_secrets.iter().flatten().enumerate() {
            // Pull secrets are usually created out of band, and the kubelet pulls without a
            // missing one: never more than unresolved.
            if s.name.is_empty() || secret_keys(set, &s.name, w.ns).is_some() {
                continue;
            }
            r.sink.add(
                w.idx,
                "reference-unresolved",
                format!("{p}.imagePullSecrets[{j}].name"),
                format!("image pull Secret `{}` is not in the set; the kubelet pulls without it, which fails for a private registry", s.name),
                "create the pull Secret in the namespace (or add it to the set)",
            );
        }
        let sa = w.service_account();
        if sa != "default" {
            let exists = each_named!(set, ServiceAccount, w.ns, sa).any(|(i, a)| {
                a.metadata.name.as_deref() == Some(sa) && same_ns(set.items[i].namespace, w.ns)
            });
            if !exists {
                let (rule, why) = set.unresolved("service-account-missing", "ServiceAccount", w.ns);
                r.sink.add(
                    w.idx,
                    rule,
                    format!("{p}.serviceAccountName"),
                    format!("ServiceAccount `{sa}` is not in the set, so pod creation fails{why}"),
                    "add the ServiceAccount or fix serviceAccountName",
                );
            }
        }
    }
}

fn stateful_sets(set: &Set<'_>, sink: &mut Sink) {
    for w in set.workloads.iter().filter(|w| w.kind == "StatefulSet") {
        let Some(Object::StatefulSet(s)) = set.items[w.idx].object else {
            continue;
        };
        let name = s
            .spec
            .as_ref()
            .and_then(|s| s.service_name.as_deref())
            .unwrap_or_default();
        if name.is_empty() {
            sink.add(w.idx, "statefulset-service", "spec.serviceName", "the StatefulSet names no governing Service, so its pods get no stable DNS names", "create a headless Service (clusterIP: None) selecting the pods and set spec.serviceName to it");
            continue;
        }
        match service_named(set, name, w.ns) {
            None => {
                let (rule, why) = set.unresolved("statefulset-service", "Service", w.ns);
                sink.add(
                    w.idx,
                    rule,
                    "spec.serviceName",
                    format!("Service `{name}` is not in the set, so the members get no stable DNS names{why}"),
                    "create the headless Service or fix spec.serviceName",
                );
            }
            Some((_, svc)) => {
                let spec = svc.spec.as_ref();
                if spec.and_then(|s| s.cluster_ip.as_deref()) != Some("None") {
                    sink.add(w.idx, "statefulset-service", "spec.serviceName", format!("Service `{name}` is not headless, so members get no per-pod DNS records"), "point serviceName at a Service with clusterIP: None");
                } else if !spec
                    .and_then(|s| s.selector.as_ref())
                    .is_some_and(|sel| !sel.is_empty() && w.matches_map(sel))
                {
                    sink.add(
                        w.idx,
                        "statefulset-service",
                        "spec.serviceName",
                        format!("headless Service `{name}` does not select the StatefulSet's pods"),
                        "make its selector match the pod template labels",
                    );
                }
            }
        }
    }
}

fn service_monitors(set: &Set<'_>, sink: &mut Sink) {
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

/// Whether a RoleBinding or ClusterRoleBinding in the set binds the ServiceAccount.
pub(super) fn bound(set: &Set<'_>, sa: &str, ns: Option<&str>) -> bool {
    let candidates = set.subjects.get(sa).map_or(&[][..], Vec::as_slice);
    let typed = candidates.iter().any(|&i| {
        let Some(Object::RoleBinding(b)) = set.items[i].object else {
            return false;
        };
        b.subjects.iter().flatten().any(|s| {
            s.kind == "ServiceAccount"
                && s.name == sa
                && same_ns(s.namespace.as_deref().or(set.items[i].namespace), ns)
        })
    });
    typed
        || candidates
            .iter()
            .filter_map(|&i| set.items[i].doc)
            .filter(|d| d.kind == "ClusterRoleBinding")
            .any(|d| {
                d.value
                    .get("subjects")
                    .and_then(|s| s.as_array())
                    .into_iter()
                    .flatten()
                    .any(|s| {
                        s.get("kind").and_then(|k| k.as_str()) == Some("ServiceAccount")
                            && s.get("name").and_then(|k| k.as_str()) == Some(sa)
                            && same_ns(s.get("namespace").and_then(|k| k.as_str()), ns)
                    })
            })
}

/// Whether a ClusterRole is in the set or built into every cluster.
fn cluster_role_known(set: &Set<'_>, name: &str) -> bool {
    builtin_cluster_role(name)
        || set
            .index
            .named("ClusterRole", None, name)
            .iter()
            .map(|&i| &set.items[i])
            .any(|i| i.kind == "ClusterRole" && i.name == name)
}

/// Checks a binding's roleRef to a ClusterRole: outside the set it is unresolved, since
/// the cluster scope belongs to no set.
fn cluster_role_ref(set: &Set<'_>, i: usize, name: &str, sink: &mut Sink) {
    if !name.is_empty() && !cluster_role_known(set, name) {
        sink.add(
            i,
            "reference-unresolved",
            "roleRef.name",
            format!("ClusterRole `{name}` is not in the set and is not built into Kubernetes; unless another set defines it, the binding grants nothing (unresolved, not an error: ClusterRoles are cluster-wide)"),
            "add the ClusterRole to the set, or check that it exists in the cluster",
        );
    }
}

/// Checks a ServiceAccount subject of a binding.
fn subject_account(
    set: &Set<'_>,
    i: usize,
    field: String,
    name: &str,
    ns: Option<&str>,
    sink: &mut Sink,
) {
    if name == "default" || name.is_empty() {
        return;
    }
    let exists = each_named!(set, ServiceAccount, ns, name).any(|(k, a)| {
        a.metadata.name.as_deref() == Some(name) && same_ns(set.items[k].namespace, ns)
    });
    if !exists {
        let (rule, why) = set.unresolved("rbac-subject-missing", "ServiceAccount", ns);
        sink.add(
            i,
            rule,
            field,
            format!(
                "ServiceAccount `{name}` is not in the set, so the binding grants nothing{why}"
            ),
            "add the ServiceAccount or fix the subject",
        );
    }
}

fn rbac(set: &Set<'_>, sink: &mut Sink) {
    for (i, b) in each!(set, RoleBinding) {
        let ns = set.items[i].namespace;
        let name = b.role_ref.name.as_str();
        if b.role_ref.kind == "Role" && !name.is_empty() && !builtin_role(ns, name) {
            let exists = each_named!(set, Role, ns, name).any(|(j, r)| {
                r.metadata.name.as_deref() == Some(name) && same_ns(set.items[j].namespace, ns)
            });
            if !exists {
                let (rule, why) = set.unresolved("rbac-role-missing", "Role", ns);
                sink.add(
                    i,
                    rule,
                    "roleRef.name",
                    format!("Role `{name}` is not in the set, so the binding grants nothing{why}"),
                    "add the Role or fix roleRef",
                );
            }
        }
        if b.role_ref.kind == "ClusterRole" {
            cluster_role_ref(set, i, name, sink);
        }
        for (j, s) in b.subjects.iter().flatten().enumerate() {
            if s.kind != "ServiceAccount" {
                continue;
            }
            if s.namespace.as_deref().is_none_or(str::is_empty) {
                sink.add(i, "rbac-subject-namespace", format!("subjects[{j}].namespace"), format!("ServiceAccount subject `{}` has no namespace; it silently means the binding's namespace and is rejected in a ClusterRoleBinding", s.name), "set the subject's namespace explicitly");
            }
            let sns = s.namespace.as_deref().filter(|n| !n.is_empty()).or(ns);
            subject_account(set, i, format!("subjects[{j}].name"), &s.name, sns, sink);
        }
    }
    for (i, item) in set.items.iter().enumerate() {
        let Some(doc) = item
            .doc
            .filter(|d| d.kind == "ClusterRoleBinding" && d.object.is_none())
        else {
            continue;
        };
        let str_at = |v: &serde_json::Value, p: &str| {
            v.pointer(p).and_then(|v| v.as_str()).map(str::to_owned)
        };
        if str_at(&doc.value, "/roleRef/kind").as_deref() == Some("ClusterRole") {
            let name = str_at(&doc.value, "/roleRef/name").unwrap_or_default();
            cluster_role_ref(set, i, &name, sink);
        }
        let subjects = doc.value.get("subjects").and_then(|s| s.as_array());
        for (j, s) in subjects.into_iter().flatten().enumerate() {
            if str_at(s, "/kind").as_deref() != Some("ServiceAccount") {
                continue;
            }
            let name = str_at(s, "/name").unwrap_or_default();
            let sns = str_at(s, "/namespace");
            if let Some(sns) = sns.as_deref().filter(|n| !n.is_empty()) {
                subject_account(
                    set,
                    i,
                    format!("subjects[{j}].name"),
                    &name,
                    Some(sns),
                    sink,
                );
            }
        }
    }
}

fn external_secrets(set: &Set<'_>, sink: &mut Sink) {
    for (i, item) in set.items.iter().enumerate() {
        let Some(doc) = item.doc else { continue };
        if doc.kind != "ExternalSecret" {
            continue;
        }
        let Some(store) = doc
            .value
            .pointer("/spec/secretStoreRef/name")
            .and_then(|v| v.as_str())
        else {
            continue;
        };
        let kind = doc
            .value
            .pointer("/spec/secretStoreRef/kind")
            .and_then(|v| v.as_str())
            .unwrap_or("SecretStore");
        let scope = if kind == "ClusterSecretStore" {
            None
        } else {
            item.namespace
        };
        let exists = set.index.named(kind, scope, store).iter().any(|&o| {
            let o = &set.items[o];
            o.kind == kind
                && o.name == store
                && (kind == "ClusterSecretStore" || same_ns(o.namespace, item.namespace))
        });
        if !exists {
            sink.add(i, "reference-unresolved", "spec.secretStoreRef", format!("{kind} `{store}` is not in the set; the Secret is only created if it exists in the cluster"), format!("add the {kind} to the set, or check that it exists in the cluster"));
        }
    }
}

fn unused(set: &Set<'_>, sink: &mut Sink) {
    if !set.ctx.complete && set.workloads.is_empty() {
        return;
    }
    let mut secrets: BTreeSet<(Option<&str>, String)> = BTreeSet::new();
    for w in &set.workloads {
        let mut add = |n: &str| {
            secrets.insert((w.ns, n.to_owned()));
        };
        for (_, c) in w.containers() {
            for e in c.env.iter().flatten() {
                if let Some(s) = e
                    .value_from
                    .as_ref()
                    .and_then(|f| f.secret_key_ref.as_ref())
                {
                    add(&s.name);
                }
            }
            for e in c.env_from.iter().flatten() {
                if let Some(s) = &e.secret_ref {
                    add(&s.name);
                }
            }
        }
        for v in w.spec.volumes.iter().flatten() {
            if let Some(s) = v.secret.as_ref().and_then(|s| s.secret_name.as_deref()) {
                add(s);
            }
            for src in v.projected.iter().flat_map(|p| p.sources.iter().flatten()) {
                if let Some(s) = &src.secret {
                    add(&s.name);
                }
            }
        }
        for s in w.spec.image_pull_secrets.iter().flatten() {
            add(&s.name);
        }
    }
    let mut other_refs: Vec<(Option<&str>, String)> = Vec::new();
    for (i, a) in each!(set, ServiceAccount) {
        for s in a
            .secrets
            .iter()
            .flatten()
            .filter_map(|s| s.name.clone())
            .chain(
                a.image_pull_secrets
                    .iter()
                    .flatten()
                    .map(|s| s.name.clone()),
            )
        {
            other_refs.push((set.items[i].namespace, s));
        }
    }
    for (i, ing) in each!(set, Ingress) {
        for t in ing.spec.iter().flat_map(|s| s.tls.iter().flatten()) {
            if let Some(s) = &t.secret_name {
                other_refs.push((set.items[i].namespace, s.clone()));
            }
        }
    }
    for (i, s) in each!(set, Secret) {
        let name = s.metadata.name.as_deref().unwrap_or_default();
        let ns = set.items[i].namespace;
        if s.type_
            .as_deref()
            .is_some_and(|t| t == "kubernetes.io/service-account-token")
        {
            continue;
        }
        let used = secrets
            .iter()
            .chain(other_refs.iter())
            .any(|(n, s)| s == name && same_ns(*n, ns));
        if !used {
            sink.add(
                i,
                "secret-unused",
                "metadata.name",
                format!("no pod, ServiceAccount or Ingress in the set references Secret `{name}`"),
                "reference it where it is needed, or remove it",
            );
        }
    }
    for (i, a) in each!(set, ServiceAccount) {
        let name = a.metadata.name.as_deref().unwrap_or_default();
        let ns = set.items[i].namespace;
        if name == "default" {
            continue;
        }
        let used = set
            .workloads_in(ns)
            .any(|w| w.service_account() == name && same_ns(w.ns, ns))
            || set
                .ctx
                .runtime_service_accounts
                .iter()
                .any(|(n, a)| a == name && same_ns(Some(n), ns));
        if !used {
            let rbac = if bound(set, name, ns) {
                "; its RBAC bindings are dead configuration"
            } else {
                ""
            };
            sink.add(i, "service-account-unused", "metadata.name", format!("no pod template in the set runs as ServiceAccount `{name}`{rbac}"), "set serviceAccountName on the workload that needs it, or remove the ServiceAccount");
        }
    }
}

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

fn metrics_exposed(set: &Set<'_>, sink: &mut Sink) {
    // (service index, service port name or number as string, metrics path)
    let mut scraped: Vec<(usize, &ServicePort, String)> = Vec::new();
    for (i, m) in each!(set, ServiceMonitor) {
        for (si, svc) in monitored_services(set, i, m) {
            for e in &m.spec.endpoints {
                let path = e.path.clone().unwrap_or_else(|| "/metrics".to_owned());
                for p in svc.spec.iter().flat_map(|s| s.ports.iter().flatten()) {
                    if e.port.is_some() && p.name == e.port {
                        scraped.push((si, p, path.clone()));
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
                for (s, sp, metrics_path) in &scraped {
                    let same_port = match (&bp.name, bp.number) {
                        (Some(n), _) if !n.is_empty() => sp.name.as_deref() == Some(n.as_str()),
                        (_, Some(num)) => sp.port == num,
                        _ => false,
                    };
                    let ipath = path.path.as_deref().unwrap_or("/");
                    if *s == si && same_port && path_covers(ipath, &path.path_type, metrics_path) {
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
