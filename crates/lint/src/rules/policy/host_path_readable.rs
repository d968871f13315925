//! `host-path-unreadable`: a container mounts a host path but runs as a non-root user
//! that most likely cannot read what is there.

use k8s_openapi::api::core::v1::Container;

use crate::set::{Sink, Workload};

/// Capabilities that let a process read (or write) files it does not own.
const READING_CAPABILITIES: &[&str] = &["DAC_READ_SEARCH", "DAC_OVERRIDE"];

/// The node's files under a host path (`/var/log`, `/var/lib/...`, sockets) are root's on
/// most nodes, often mode 0640 or 0600; a container running as a non-root UID reads only
/// what happens to be readable by everyone. A warning: the node's permissions are not in
/// the set. A container running as root (`runAsUser: 0`), one adding `DAC_READ_SEARCH` or
/// `DAC_OVERRIDE`, and one whose user the set does not state (the image decides) are not
/// reported.
pub(super) fn host_path_readable(w: &Workload<'_>, sink: &mut Sink) {
    let host_paths: Vec<(&str, &str)> = w
        .spec
        .volumes
        .iter()
        .flatten()
        .filter_map(|v| {
            v.host_path
                .as_ref()
                .map(|h| (v.name.as_str(), h.path.as_str()))
        })
        .collect();
    if host_paths.is_empty() {
        return;
    }
    let pod_sc = w.spec.security_context.as_ref();
    let containers = w
        .spec
        .containers
        .iter()
        .enumerate()
        .map(|(i, c)| ("containers", i, c));
    let init = w
        .spec
        .init_containers
        .iter()
        .flatten()
        .enumerate()
        .map(|(i, c)| ("initContainers", i, c));
    for (list, i, c) in containers.chain(init) {
        let sc = c.security_context.as_ref();
        let user = sc
            .and_then(|s| s.run_as_user)
            .or_else(|| pod_sc.and_then(|s| s.run_as_user));
        let non_root = sc
            .and_then(|s| s.run_as_non_root)
            .or_else(|| pod_sc.and_then(|s| s.run_as_non_root))
            == Some(true);
        let who = match user {
            Some(0) => continue,
            Some(uid) => format!("UID {uid}"),
            None if non_root => "a non-root user".to_owned(),
            None => continue,
        };
        if adds_reading_capability(c) {
            continue;
        }
        for (j, m) in c.volume_mounts.iter().flatten().enumerate() {
            let Some((_, path)) = host_paths.iter().find(|(name, _)| *name == m.name) else {
                continue;
            };
            let verb = if m.read_only == Some(true) {
                "read"
            } else {
                "read or write"
            };
            sink.add(
                w.idx,
                "host-path-unreadable",
                format!("{}.{list}[{i}].volumeMounts[{j}]", w.prefix),
                format!(
                    "container `{}` runs as {who} and mounts host path {path}, whose files are root's on most nodes: it can {verb} only what the node makes accessible to every user",
                    c.name
                ),
                format!(
                    "run it as root: in kairn, add `HostAccess::run_as_root().reason(reason!(\"reads root-owned files under {path}\"))` to the node agent's `.host_access([..])` (in YAML, `runAsUser: 0` with `runAsNonRoot: false`); or waive `host-path-unreadable` on this workload when the files are readable by its user"
                ),
            );
        }
    }
}

fn adds_reading_capability(c: &Container) -> bool {
    c.security_context
        .as_ref()
        .and_then(|s| s.capabilities.as_ref())
        .and_then(|caps| caps.add.as_ref())
        .is_some_and(|add| {
            add.iter()
                .any(|a| READING_CAPABILITIES.contains(&a.trim_start_matches("CAP_")))
        })
}
