//! The rest of the pod spec: init containers (`validateInitContainers`) and DNS
//! (`validatePodDNSConfig`).

use k8s_openapi::api::core::v1::PodDNSConfig;

use super::super::addr::ip;
use crate::set::{dns_subdomain, Sink, Workload};

/// `validateInitContainers`: probes and lifecycle hooks only on sidecars
/// (`restartPolicy: Always`); `validateContainers`: no restartPolicy on app containers.
pub(super) fn init_containers(w: &Workload<'_>, sink: &mut Sink) {
    let p = w.prefix;
    for (i, c) in w.spec.init_containers.iter().flatten().enumerate() {
        let f = format!("{p}.initContainers[{i}]");
        match c.restart_policy.as_deref() {
            Some("Always") => continue,
            Some(r) => {
                sink.add(w.idx, "init-container-probe", format!("{f}.restartPolicy"), format!("init container `{}` has restartPolicy `{r}`: only Always (a sidecar) is allowed on a container (validateInitContainers)", c.name), "remove restartPolicy, or set Always to make it a sidecar");
                continue;
            }
            None => {}
        }
        for (field, set) in [
            ("livenessProbe", c.liveness_probe.is_some()),
            ("readinessProbe", c.readiness_probe.is_some()),
            ("startupProbe", c.startup_probe.is_some()),
            ("lifecycle", c.lifecycle.is_some()),
        ] {
            if set {
                sink.add(w.idx, "init-container-probe", format!("{f}.{field}"), format!("init container `{}` sets {field}, which may not be set for init containers without restartPolicy: Always; the API server rejects the pod template (validateInitContainers)", c.name), format!("remove {field}, or set restartPolicy: Always to run it as a sidecar"));
            }
        }
    }
    for (i, c) in w.spec.containers.iter().enumerate() {
        if let Some(r) = &c.restart_policy {
            sink.add(w.idx, "init-container-probe", format!("{p}.containers[{i}].restartPolicy"), format!("container `{}` sets restartPolicy `{r}`, which only init containers may set (validateContainers)", c.name), "remove restartPolicy from the container (the pod's restartPolicy applies)");
        }
    }
}

/// `validatePodDNSConfig` and `validateDNSPolicy`.
pub(super) fn dns_config(w: &Workload<'_>, sink: &mut Sink) {
    let p = w.prefix;
    let policy = w.spec.dns_policy.as_deref();
    let config = w.spec.dns_config.as_ref();
    let mut bad = |field: String, why: String, fix: &str| {
        sink.add(
            w.idx,
            "dns-config-invalid",
            field,
            format!("{why}; the API server rejects the pod template (validatePodDNSConfig)"),
            fix,
        );
    };
    if let Some(d) = policy.filter(|d| {
        !matches!(
            *d,
            "ClusterFirstWithHostNet" | "ClusterFirst" | "Default" | "None"
        )
    }) {
        bad(
            format!("{p}.dnsPolicy"),
            format!("dnsPolicy `{d}` is not supported"),
            "use ClusterFirst, ClusterFirstWithHostNet, Default or None",
        );
    }
    if policy == Some("None")
        && config
            .and_then(|c| c.nameservers.as_ref())
            .is_none_or(Vec::is_empty)
    {
        bad(
            format!("{p}.dnsConfig.nameservers"),
            "dnsPolicy None needs at least one nameserver in dnsConfig".to_owned(),
            "list the nameservers in dnsConfig, or use another dnsPolicy",
        );
    }
    let Some(c) = config else { return };
    for (field, why, fix) in dns_problems(c) {
        bad(format!("{p}.dnsConfig.{field}"), why, fix);
    }
}

fn dns_problems(c: &PodDNSConfig) -> Vec<(String, String, &'static str)> {
    let mut out = Vec::new();
    let servers = c.nameservers.as_deref().unwrap_or_default();
    if servers.len() > 3 {
        out.push((
            "nameservers".to_owned(),
            format!("{} nameservers: at most 3 are allowed", servers.len()),
            "keep at most 3 nameservers (the resolver reads no more)",
        ));
    }
    for (i, s) in servers.iter().enumerate() {
        if ip(s).is_none() {
            out.push((
                format!("nameservers[{i}]"),
                format!("nameserver `{s}` is not an IP address"),
                "write an IPv4 or IPv6 address",
            ));
        }
    }
    let searches = c.searches.as_deref().unwrap_or_default();
    if searches.len() > 32 {
        out.push((
            "searches".to_owned(),
            format!("{} search domains: at most 32 are allowed", searches.len()),
            "keep at most 32 search domains",
        ));
    }
    let chars = searches.iter().map(String::len).sum::<usize>() + searches.len().saturating_sub(1);
    if chars > 2048 {
        out.push((
            "searches".to_owned(),
            format!("the search list is {chars} characters: at most 2048 are allowed"),
            "shorten the search list",
        ));
    }
    for (i, s) in searches.iter().enumerate() {
        let name = s.strip_suffix('.').unwrap_or(s);
        if name.is_empty() {
            continue;
        }
        if let Some(e) = dns_subdomain(name) {
            out.push((
                format!("searches[{i}]"),
                format!("search domain `{s}`: {e}"),
                "write a DNS name",
            ));
        }
    }
    for (i, o) in c.options.iter().flatten().enumerate() {
        if o.name.as_deref().is_none_or(str::is_empty) {
            out.push((
                format!("options[{i}].name"),
                "a DNS option has no name".to_owned(),
                "name the option (e.g. ndots)",
            ));
        }
    }
    out
}
