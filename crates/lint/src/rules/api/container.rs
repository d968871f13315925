//! Container fields the API server checks: names, env names (`env-name-format`,
//! `env-name-portable`), `duplicate-env`, ports (`port-name-format`), image references,
//! quantities (`quantity-format`).

use std::collections::BTreeSet;

use k8s_openapi::api::core::v1::Container;

use crate::checks::{env_name_check, EnvNameCheck};
use crate::image::reference_problem;
use crate::set::{dns_label, iana_port_name, quantity, Sink, Workload};
use crate::source::join_key;

pub(super) const PROTOCOLS: &[&str] = &["TCP", "UDP", "SCTP"];

pub(super) fn container(w: &Workload<'_>, f: &str, c: &Container, sink: &mut Sink) {
    let idx = w.idx;
    if c.name.is_empty() {
        sink.add(
            idx,
            "required-field",
            format!("{f}.name"),
            "a container has no name",
            "name the container",
        );
    } else if let Some(p) = dns_label(&c.name) {
        sink.add(
            idx,
            "name-format",
            format!("{f}.name"),
            format!("container name `{}`: {p}", c.name),
            "use a DNS label (lowercase letters, digits and '-')",
        );
    }
    if c.image.as_deref().is_none_or(|s| s.trim().is_empty()) {
        sink.add(
            idx,
            "required-field",
            format!("{f}.image"),
            format!("container `{}` has no image", c.name),
            "set the image, pinned to a version tag or digest",
        );
    } else if let Some(image) = c.image.as_deref() {
        if let Some(problem) = reference_problem(image) {
            sink.add(
                idx,
                "invalid-value",
                format!("{f}.image"),
                format!("image `{image}` is not a valid image reference, so the kubelet cannot pull it (InvalidImageName): {problem}"),
                "write [HOST[:PORT]/]PATH:TAG, [HOST[:PORT]/]PATH@sha256:<64 hex digits> or both (PATH:TAG@sha256:...), with a lowercase PATH, e.g. ghcr.io/acme/app:1.2.3",
            );
        }
    }
    if let Some(p) = &c.image_pull_policy {
        if !matches!(p.as_str(), "Always" | "IfNotPresent" | "Never") {
            sink.add(
                idx,
                "invalid-value",
                format!("{f}.imagePullPolicy"),
                format!("unknown imagePullPolicy `{p}`"),
                "use Always, IfNotPresent or Never",
            );
        }
    }
    for (j, p) in c.ports.iter().flatten().enumerate() {
        let pf = format!("{f}.ports[{j}]");
        if !(1..=65535).contains(&p.container_port) {
            sink.add(
                idx,
                "invalid-value",
                format!("{pf}.containerPort"),
                format!("port {} is outside 1-65535", p.container_port),
                "use a port between 1 and 65535",
            );
        }
        if let Some(h) = p.host_port {
            if !(0..=65535).contains(&h) {
                sink.add(
                    idx,
                    "invalid-value",
                    format!("{pf}.hostPort"),
                    format!("hostPort {h} is outside 1-65535"),
                    "use a port between 1 and 65535, or none",
                );
            }
        }
        if let Some(proto) = &p.protocol {
            if !PROTOCOLS.contains(&proto.as_str()) {
                sink.add(
                    idx,
                    "invalid-value",
                    format!("{pf}.protocol"),
                    format!("unknown protocol `{proto}`"),
                    "use TCP, UDP or SCTP",
                );
            }
        }
        if let Some(name) = &p.name {
            if let Some(e) = iana_port_name(name) {
                sink.add(idx, "port-name-format", format!("{pf}.name"), format!("container port name `{name}`: {e}"), "use at most 15 lowercase letters, digits and single '-', with at least one letter");
            }
        }
    }
    let mut env_seen = BTreeSet::new();
    for (j, e) in c.env.iter().flatten().enumerate() {
        let ef = format!("{f}.env[{j}]");
        match env_name_check(&e.name) {
            EnvNameCheck::Portable => {}
            EnvNameCheck::Rejected(why) => sink.add(
                idx,
                "env-name-format",
                format!("{ef}.name"),
                format!("`{}`: {why}", e.name),
                "rename the variable, e.g. in UPPER_SNAKE_CASE",
            ),
            EnvNameCheck::NotPortable(why) => sink.add(
                idx,
                "env-name-portable",
                format!("{ef}.name"),
                format!(
                    "`{}`: {why} (Kubernetes accepts the name; kairn's DSL does not, as shells and many programs cannot read it)",
                    e.name
                ),
                "rename the variable, e.g. in UPPER_SNAKE_CASE",
            ),
        }
        if !env_seen.insert(e.name.as_str()) {
            sink.add(
                idx,
                "duplicate-env",
                format!("{ef}.name"),
                format!(
                    "container `{}` sets `{}` more than once; only the last value counts",
                    c.name, e.name
                ),
                "remove the duplicate entry",
            );
        }
        if e.value.is_some() && e.value_from.is_some() {
            sink.add(
                idx,
                "invalid-value",
                ef,
                format!("`{}` sets both value and valueFrom", e.name),
                "keep one of them",
            );
        }
    }
    if let Some(r) = &c.resources {
        for (part, map) in [("requests", &r.requests), ("limits", &r.limits)] {
            for (k, q) in map.iter().flatten() {
                if quantity(&q.0).is_none() {
                    sink.add(
                        idx,
                        "quantity-format",
                        join_key(&format!("{f}.resources.{part}"), k),
                        format!("`{}` is not a quantity", q.0),
                        "write e.g. \"250m\" or \"2\" for CPU and \"512Mi\" or \"2Gi\" for memory",
                    );
                }
            }
        }
    }
}
