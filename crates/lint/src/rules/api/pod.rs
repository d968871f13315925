//! Pod spec fields the API server checks: `duplicate-container`, `duplicate-port`,
//! `volume-mount-undeclared`, volumes, quantities.

use std::collections::BTreeSet;

use crate::object::Object;
use crate::set::{dns_label, quantity, Set, Sink, Workload};

use super::container::container;

pub(super) fn pod(set: &Set<'_>, w: &Workload<'_>, sink: &mut Sink) {
    let spec = &w.spec;
    let prefix = w.prefix;
    if spec.containers.is_empty() {
        sink.add(
            w.idx,
            "required-field",
            format!("{prefix}.containers"),
            "the pod has no containers",
            "declare at least one container",
        );
    }
    let mut names = BTreeSet::new();
    let mut port_names = BTreeSet::new();
    for (f, c) in w.containers() {
        container(w, &f, c, sink);
        if !c.name.is_empty() && !names.insert(c.name.clone()) {
            sink.add(
                w.idx,
                "duplicate-container",
                format!("{f}.name"),
                format!("container name `{}` is used twice in the pod", c.name),
                "give every container and init container its own name",
            );
        }
        for (j, p) in c.ports.iter().flatten().enumerate() {
            if let Some(n) = &p.name {
                if !port_names.insert(n.clone()) {
                    sink.add(
                        w.idx,
                        "duplicate-port",
                        format!("{f}.ports[{j}].name"),
                        format!("port name `{n}` is used twice in the pod"),
                        "give every container port its own name",
                    );
                }
            }
        }
    }
    // Volumes and mounts.
    let mut volumes: BTreeSet<String> = BTreeSet::new();
    for (j, v) in spec.volumes.iter().flatten().enumerate() {
        if let Some(p) = dns_label(&v.name) {
            sink.add(
                w.idx,
                "name-format",
                format!("{prefix}.volumes[{j}].name"),
                format!("volume name `{}`: {p}", v.name),
                "use a DNS label",
            );
        }
        if !volumes.insert(v.name.clone()) {
            sink.add(
                w.idx,
                "invalid-value",
                format!("{prefix}.volumes[{j}].name"),
                format!("volume `{}` is declared twice", v.name),
                "give every volume its own name",
            );
        }
        if let Some(ed) = &v.empty_dir {
            if let Some(q) = &ed.size_limit {
                if quantity(&q.0).is_none() {
                    sink.add(
                        w.idx,
                        "quantity-format",
                        format!("{prefix}.volumes[{j}].emptyDir.sizeLimit"),
                        format!("`{}` is not a quantity", q.0),
                        "write e.g. \"256Mi\"",
                    );
                }
            }
        }
    }
    if let Some(Object::StatefulSet(s)) = set.items[w.idx].object {
        for t in s
            .spec
            .iter()
            .flat_map(|s| s.volume_claim_templates.iter().flatten())
        {
            if let Some(n) = &t.metadata.name {
                volumes.insert(n.clone());
            }
        }
    }
    for (f, c) in w.containers() {
        for (j, m) in c.volume_mounts.iter().flatten().enumerate() {
            if !volumes.contains(&m.name) {
                sink.add(w.idx, "volume-mount-undeclared", format!("{f}.volumeMounts[{j}].name"), format!("container `{}` mounts `{}`, which the pod does not declare", c.name, m.name), "declare the volume in spec.volumes (or volumeClaimTemplates), or fix the mount's name");
            }
        }
    }
    // Restart policy per kind.
    let restart = spec.restart_policy.as_deref();
    match (w.kind, restart) {
        ("Job" | "CronJob", None) => sink.add(
            w.idx,
            "required-field",
            format!("{prefix}.restartPolicy"),
            "a Job's pods need a restartPolicy",
            "set restartPolicy: Never (or OnFailure)",
        ),
        ("Job" | "CronJob", Some(r)) if r != "Never" && r != "OnFailure" => sink.add(
            w.idx,
            "invalid-value",
            format!("{prefix}.restartPolicy"),
            format!("restartPolicy `{r}` is not allowed for a Job"),
            "use Never or OnFailure",
        ),
        ("Deployment" | "StatefulSet" | "DaemonSet" | "ReplicaSet", Some(r)) if r != "Always" => {
            sink.add(
                w.idx,
                "invalid-value",
                format!("{prefix}.restartPolicy"),
                format!("restartPolicy `{r}` is not allowed for a {}", w.kind),
                "remove it (Always is the only value allowed)",
            )
        }
        _ => {}
    }
    if w.replicas.is_some_and(|r| r < 0) {
        sink.add(
            w.idx,
            "invalid-value",
            "spec.replicas",
            "replicas is negative",
            "use 0 or more",
        );
    }
}
