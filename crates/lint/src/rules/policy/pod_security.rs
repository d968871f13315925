//! The restricted Pod Security Standard (`pss-*`) and `read-only-root-filesystem`.

use k8s_openapi::api::core::v1::SecurityContext;

use super::host_access::Declared;
use crate::set::{Set, Sink, Workload};

const HOST_ACCESS: &str = crate::HOST_ACCESS_ANNOTATION;

fn sc_field(f: &str, field: &str) -> String {
    format!("{f}.securityContext.{field}")
}

/// A Pod Security Standard level.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) enum Level {
    /// Admits everything (only as a namespace's enforced level or what declared host
    /// access needs; no check belongs to it).
    Privileged,
    Baseline,
    Restricted,
}

impl Level {
    pub(crate) fn as_str(self) -> &'static str {
        match self {
            Level::Privileged => "privileged",
            Level::Baseline => "baseline",
            Level::Restricted => "restricted",
        }
    }
}

/// Capabilities the baseline profile lets a container add.
pub(crate) const BASELINE_CAPABILITIES: &[&str] = &[
    "AUDIT_WRITE",
    "CHOWN",
    "DAC_OVERRIDE",
    "FOWNER",
    "FSETID",
    "KILL",
    "MKNOD",
    "NET_BIND_SERVICE",
    "SETFCAP",
    "SETGID",
    "SETPCAP",
    "SETUID",
    "SYS_CHROOT",
];

/// Reports Pod Security findings: errors where the set shows that the namespace enforces
/// the level a check belongs to (Pod Security Admission rejects the pods there), warnings
/// elsewhere.
pub(crate) struct Pss<'s> {
    w_idx: usize,
    ns: Option<&'s str>,
    /// The level enforced on the pods' namespace, if the set shows one.
    enforced: Option<Level>,
    /// A declared app: its own standard is restricted.
    complete: bool,
    /// The namespace's enforced level as the set shows it: `None` when the Namespace is
    /// not in the set, `Some(None)` when it enforces nothing.
    ns_enforces: Option<Option<Level>>,
}

/// The level a Namespace's labels enforce (`None`: nothing).
fn enforced_by(labels: &std::collections::BTreeMap<String, String>) -> Option<Level> {
    labels
        .get("pod-security.kubernetes.io/enforce")
        .and_then(|v| match v.as_str() {
            "restricted" => Some(Level::Restricted),
            "baseline" => Some(Level::Baseline),
            "privileged" => Some(Level::Privileged),
            _ => None,
        })
}

impl Pss<'_> {
    pub(crate) fn new<'s>(set: &'s Set<'_>, w: &'s Workload<'_>) -> Pss<'s> {
        let ns_enforces =
            w.ns.and_then(|ns| set.namespace_labels(ns))
                .map(enforced_by);
        let enforced = if set.ctx.complete {
            Some(Level::Restricted)
        } else {
            // A namespace enforcing `privileged` rejects nothing.
            ns_enforces.flatten().filter(|l| *l != Level::Privileged)
        };
        Pss {
            w_idx: w.idx,
            ns: w.ns,
            enforced,
            complete: set.ctx.complete,
            ns_enforces,
        }
    }

    /// Reports host access at `level` that the workload may have declared in
    /// `kairn.dev/host-access` (`declared`), needing the namespace to enforce no more
    /// than `needs`. Declared access is accepted when the namespace in the set admits it;
    /// an error when the namespace in the set rejects it; a warning saying what the
    /// namespace needs when the set has no Namespace. Undeclared access is reported as
    /// by [`add`](Self::add).
    #[allow(clippy::too_many_arguments)]
    pub(crate) fn add_host(
        &self,
        sink: &mut Sink,
        declared: bool,
        needs: Level,
        level: Level,
        rule: &'static str,
        field: String,
        message: String,
        fix: impl Into<String>,
    ) {
        if !declared {
            return self.add(sink, level, rule, field, message, fix);
        }
        let ns = self.ns.unwrap_or("the current context's namespace");
        match self.ns_enforces {
            Some(enforced) if enforced.is_none_or(|e| e <= needs) => {}
            Some(enforced) => sink.add(
                self.w_idx,
                rule,
                field,
                format!(
                    "{message}, declared in {HOST_ACCESS}, but namespace `{ns}` enforces the {} Pod Security Standard, so the API server rejects these pods",
                    enforced.map_or("", Level::as_str)
                ),
                format!(
                    "label namespace `{ns}` pod-security.kubernetes.io/enforce: {} (kairn does this for a namespace it creates)",
                    needs.as_str()
                ),
            ),
            None => {
                sink.add(
                    self.w_idx,
                    rule,
                    field,
                    format!(
                        "{message}, declared in {HOST_ACCESS}; namespace `{ns}` is not in the set, and the API server admits these pods only if it enforces {} or less",
                        needs.as_str()
                    ),
                    format!(
                        "label namespace `{ns}` pod-security.kubernetes.io/enforce: {} (keep audit and warn at restricted), or let kairn create the namespace",
                        needs.as_str()
                    ),
                );
                sink.as_warning();
            }
        }
    }

    pub(crate) fn add(
        &self,
        sink: &mut Sink,
        level: Level,
        rule: &'static str,
        field: String,
        message: String,
        fix: impl Into<String>,
    ) {
        let ns = self.ns.unwrap_or("the current context's namespace");
        let error = self.enforced.is_some_and(|e| e >= level);
        let message = match (self.complete, error) {
            (true, _) => message,
            (false, true) => format!(
                "{message}; namespace `{ns}` enforces the {} Pod Security Standard, so the API server rejects these pods",
                self.enforced.map_or("", Level::as_str)
            ),
            (false, false) => format!(
                "{message}; the {} Pod Security Standard forbids this (a hardening gap, not a rejection: no Namespace in the set enforces it on `{ns}`)",
                level.as_str()
            ),
        };
        sink.add(self.w_idx, rule, field, message, fix);
        if !error {
            sink.as_warning();
        }
    }
}

pub(super) fn pod_security(set: &Set<'_>, w: &Workload<'_>, sink: &mut Sink) {
    let pss = Pss::new(set, w);
    let spec = &w.spec;
    let p = w.prefix;
    let pod_sc = spec.security_context.as_ref();
    let declared = Declared::of(set, w);
    for (flag, name) in [
        (spec.host_network, "hostNetwork"),
        (spec.host_pid, "hostPID"),
        (spec.host_ipc, "hostIPC"),
    ] {
        if flag == Some(true) {
            pss.add_host(
                sink,
                name == "hostNetwork" && declared.host_network,
                Level::Privileged,
                Level::Baseline,
                "pss-host-namespaces",
                format!("{p}.{name}"),
                format!("the pod sets {name}: true"),
                format!("remove {name}"),
            );
        }
    }
    const ALLOWED: [&str; 8] = [
        "configMap",
        "csi",
        "downwardAPI",
        "emptyDir",
        "ephemeral",
        "persistentVolumeClaim",
        "projected",
        "secret",
    ];
    for (j, v) in spec.volumes.iter().flatten().enumerate() {
        let allowed = v.config_map.is_some()
            || v.csi.is_some()
            || v.downward_api.is_some()
            || v.empty_dir.is_some()
            || v.ephemeral.is_some()
            || v.persistent_volume_claim.is_some()
            || v.projected.is_some()
            || v.secret.is_some();
        if allowed {
            continue;
        }
        let value = serde_json::to_value(v).unwrap_or_default();
        let types: Vec<String> = value
            .as_object()
            .into_iter()
            .flat_map(|m| m.keys())
            .filter(|k| *k != "name")
            .cloned()
            .collect();
        if let Some(bad) = types.iter().find(|t| !ALLOWED.contains(&t.as_str())) {
            let level = if bad == "hostPath" {
                Level::Baseline
            } else {
                Level::Restricted
            };
            let declared_path = v
                .host_path
                .as_ref()
                .is_some_and(|h| declared.host_paths.contains(&h.path));
            pss.add_host(
                sink,
                declared_path && types.len() == 1,
                Level::Privileged,
                level,
                "pss-volume-types",
                format!("{p}.volumes[{j}].{bad}"),
                format!("volume `{}` is of type {bad}", v.name),
                "use a persistentVolumeClaim, emptyDir, configMap, secret or projected volume",
            );
        }
    }
    let pod_non_root = pod_sc.and_then(|s| s.run_as_non_root);
    let pod_seccomp = pod_sc
        .and_then(|s| s.seccomp_profile.as_ref())
        .map(|s| s.type_.as_str());
    if pod_sc.and_then(|s| s.run_as_user) == Some(0) {
        pss.add_host(
            sink,
            declared.run_as_root,
            Level::Baseline,
            Level::Restricted,
            "pss-run-as-non-root",
            format!("{p}.securityContext.runAsUser"),
            "the pod runs as UID 0 (root)".to_owned(),
            "run as a non-zero UID",
        );
    }
    if let Some(t) = pod_seccomp.filter(|t| *t != "RuntimeDefault" && *t != "Localhost") {
        pss.add(
            sink,
            Level::Baseline,
            "pss-seccomp",
            format!("{p}.securityContext.seccompProfile.type"),
            format!("seccomp profile `{t}` is not allowed"),
            "use RuntimeDefault",
        );
    }
    for (f, c) in w.containers() {
        let sc: Option<&SecurityContext> = c.security_context.as_ref();
        let name = &c.name;
        if sc.and_then(|s| s.privileged) == Some(true) {
            pss.add(
                sink,
                Level::Baseline,
                "pss-privileged",
                sc_field(&f, "privileged"),
                format!("container `{name}` is privileged"),
                "remove privileged: true",
            );
        }
        for (j, port) in c.ports.iter().flatten().enumerate() {
            if port.host_port.is_some_and(|h| h != 0) {
                pss.add_host(
                    sink,
                    port.host_port
                        .is_some_and(|h| declared.host_ports.contains(&h)),
                    Level::Privileged,
                    Level::Baseline,
                    "pss-host-ports",
                    format!("{f}.ports[{j}].hostPort"),
                    format!(
                        "container `{name}` binds host port {}",
                        port.host_port.unwrap_or_default()
                    ),
                    "remove hostPort and expose the port through a Service",
                );
            }
        }
        if sc.and_then(|s| s.allow_privilege_escalation) != Some(false) {
            pss.add(
                sink,
                Level::Restricted,
                "pss-privilege-escalation",
                sc_field(&f, "allowPrivilegeEscalation"),
                format!("container `{name}` does not set allowPrivilegeEscalation: false"),
                "set securityContext.allowPrivilegeEscalation: false",
            );
        }
        let caps = sc.and_then(|s| s.capabilities.as_ref());
        let drops_all = caps
            .and_then(|c| c.drop.as_ref())
            .is_some_and(|d| d.iter().any(|x| x == "ALL"));
        let bad_adds: Vec<&String> = caps
            .and_then(|c| c.add.as_ref())
            .into_iter()
            .flatten()
            .filter(|a| a.as_str() != "NET_BIND_SERVICE")
            .collect();
        if !drops_all {
            pss.add(
                sink,
                Level::Restricted,
                "pss-capabilities",
                sc_field(&f, "capabilities.drop"),
                format!("container `{name}` does not drop ALL capabilities"),
                "set securityContext.capabilities.drop: [ALL]",
            );
        }
        if !bad_adds.is_empty() {
            let within_baseline = bad_adds
                .iter()
                .all(|a| BASELINE_CAPABILITIES.contains(&a.as_str()));
            let (level, needs) = if within_baseline {
                (Level::Restricted, Level::Baseline)
            } else {
                (Level::Baseline, Level::Privileged)
            };
            pss.add_host(
                sink,
                bad_adds.iter().all(|a| declared.capabilities.contains(a)),
                needs,
                level,
                "pss-capabilities",
                sc_field(&f, "capabilities.add"),
                format!(
                    "container `{name}` adds {}",
                    bad_adds
                        .iter()
                        .map(|s| s.as_str())
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
                "add no capability other than NET_BIND_SERVICE",
            );
        }
        let non_root = sc.and_then(|s| s.run_as_non_root).or(pod_non_root);
        if non_root != Some(true) {
            // A non-zero runAsUser keeps it off root, but the profile still asks for the flag.
            let uid = sc
                .and_then(|s| s.run_as_user)
                .or(pod_sc.and_then(|s| s.run_as_user));
            let message = match uid {
                Some(uid) if uid != 0 => format!("container `{name}` runs as UID {uid}, but runAsNonRoot is not true on the container or the pod"),
                _ => format!("container `{name}` may run as root: runAsNonRoot is not true on the container or the pod"),
            };
            pss.add_host(
                sink,
                declared.run_as_root,
                Level::Baseline,
                Level::Restricted,
                "pss-run-as-non-root",
                sc_field(&f, "runAsNonRoot"),
                message,
                "set securityContext.runAsNonRoot: true (and a non-zero runAsUser) on the pod",
            );
        }
        if sc.and_then(|s| s.run_as_user) == Some(0) {
            pss.add_host(
                sink,
                declared.run_as_root,
                Level::Baseline,
                Level::Restricted,
                "pss-run-as-non-root",
                sc_field(&f, "runAsUser"),
                format!("container `{name}` runs as UID 0 (root)"),
                "run as a non-zero UID",
            );
        }
        let seccomp = sc
            .and_then(|s| s.seccomp_profile.as_ref())
            .map(|s| s.type_.as_str())
            .or(pod_seccomp);
        match seccomp {
            None => pss.add(
                sink,
                Level::Restricted,
                "pss-seccomp",
                sc_field(&f, "seccompProfile"),
                format!("container `{name}` has no seccomp profile on the container or the pod"),
                "set securityContext.seccompProfile.type: RuntimeDefault on the pod",
            ),
            Some(t)
                if t != "RuntimeDefault"
                    && t != "Localhost"
                    && sc.and_then(|s| s.seccomp_profile.as_ref()).is_some() =>
            {
                pss.add(
                    sink,
                    Level::Baseline,
                    "pss-seccomp",
                    sc_field(&f, "seccompProfile.type"),
                    format!("container `{name}` uses seccomp profile `{t}`"),
                    "use RuntimeDefault",
                )
            }
            _ => {}
        }
        if sc.and_then(|s| s.read_only_root_filesystem) != Some(true) {
            sink.add(
                w.idx,
                "read-only-root-filesystem",
                sc_field(&f, "readOnlyRootFilesystem"),
                format!("container `{name}` can write to its root filesystem"),
                "set readOnlyRootFilesystem: true and mount emptyDir volumes where it must write",
            );
        }
    }
}
