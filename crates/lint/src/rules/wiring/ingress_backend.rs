//! `ingress-backend-missing`, `ingress-backend-port-missing`, `ingress-tls-host-mismatch`.

use k8s_openapi::api::core::v1::Service;

use crate::set::each_named;
use crate::set::{each, same_ns, Set, Sink};

pub(super) fn service_named<'a>(
    set: &Set<'a>,
    name: &str,
    ns: Option<&str>,
) -> Option<(usize, &'a Service)> {
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

pub(super) fn ingresses(set: &Set<'_>, sink: &mut Sink) {
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
