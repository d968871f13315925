//! The rest of the baseline Pod Security Standard (Kubernetes 1.33 `pod-security-admission`
//! policies): sysctls, `/proc` mount type, AppArmor, SELinux and Windows HostProcess.
//! Errors where a Namespace in the set enforces baseline or restricted (the admission
//! controller rejects the pods), warnings elsewhere, as the other Pod Security rules.

use std::collections::BTreeMap;

use k8s_openapi::api::core::v1::{AppArmorProfile, SELinuxOptions};

use super::policy::{Level, Pss};
use crate::object::Object;
use crate::set::{Set, Sink, Workload};
use crate::source::join_key;

/// Sysctls the baseline profile allows (`sysctls` policy, latest version).
const SAFE_SYSCTLS: &[&str] = &[
    "kernel.shm_rmid_forced",
    "net.ipv4.ip_local_port_range",
    "net.ipv4.ip_unprivileged_port_start",
    "net.ipv4.tcp_syncookies",
    "net.ipv4.ping_group_range",
    "net.ipv4.ip_local_reserved_ports",
    "net.ipv4.tcp_keepalive_time",
    "net.ipv4.tcp_fin_timeout",
    "net.ipv4.tcp_keepalive_intvl",
    "net.ipv4.tcp_keepalive_probes",
];

/// SELinux types the baseline profile allows.
const SELINUX_TYPES: &[&str] = &[
    "container_t",
    "container_init_t",
    "container_kvm_t",
    "container_engine_t",
];

const APPARMOR_PREFIX: &str = "container.apparmor.security.beta.kubernetes.io/";

pub(super) fn run(set: &Set<'_>, sink: &mut Sink) {
    for w in &set.workloads {
        check(set, w, sink);
    }
}

fn check(set: &Set<'_>, w: &Workload<'_>, sink: &mut Sink) {
    let pss = Pss::new(set, w);
    let p = w.prefix;
    let pod_sc = w.spec.security_context.as_ref();
    for (i, s) in pod_sc
        .and_then(|s| s.sysctls.as_ref())
        .into_iter()
        .flatten()
        .enumerate()
    {
        if !SAFE_SYSCTLS.contains(&s.name.as_str()) {
            pss.add(sink, Level::Baseline, "pss-sysctls", format!("{p}.securityContext.sysctls[{i}].name"), format!("the pod sets sysctl `{}`, which is not in the safe set (it can affect other pods on the node; the kubelet also refuses it unless allowed with --allowed-unsafe-sysctls)", s.name), "remove the sysctl, or use one of the safe ones (kernel.shm_rmid_forced, net.ipv4.ip_local_port_range, net.ipv4.ip_unprivileged_port_start, net.ipv4.tcp_syncookies, net.ipv4.ping_group_range, ...)");
        }
    }
    if let Some(sc) = pod_sc {
        if let Some(a) = &sc.app_armor_profile {
            apparmor(
                &pss,
                sink,
                format!("{p}.securityContext.appArmorProfile.type"),
                "the pod",
                a,
            );
        }
        if let Some(o) = &sc.se_linux_options {
            selinux(
                &pss,
                sink,
                &format!("{p}.securityContext.seLinuxOptions"),
                "the pod",
                o,
            );
        }
        if sc.windows_options.as_ref().and_then(|o| o.host_process) == Some(true) {
            pss.add(
                sink,
                Level::Baseline,
                "pss-host-process",
                format!("{p}.securityContext.windowsOptions.hostProcess"),
                "the pod runs as a Windows HostProcess, with full access to the node".to_owned(),
                "remove windowsOptions.hostProcess",
            );
        }
    }
    for (f, c) in w.containers() {
        let Some(sc) = &c.security_context else {
            continue;
        };
        let who = format!("container `{}`", c.name);
        if let Some(m) = sc.proc_mount.as_deref().filter(|m| *m != "Default") {
            pss.add(
                sink,
                Level::Baseline,
                "pss-proc-mount",
                format!("{f}.securityContext.procMount"),
                format!("{who} uses procMount `{m}`, which unmasks /proc"),
                "remove procMount (Default)",
            );
        }
        if let Some(a) = &sc.app_armor_profile {
            apparmor(
                &pss,
                sink,
                format!("{f}.securityContext.appArmorProfile.type"),
                &who,
                a,
            );
        }
        if let Some(o) = &sc.se_linux_options {
            selinux(
                &pss,
                sink,
                &format!("{f}.securityContext.seLinuxOptions"),
                &who,
                o,
            );
        }
        if sc.windows_options.as_ref().and_then(|o| o.host_process) == Some(true) {
            pss.add(
                sink,
                Level::Baseline,
                "pss-host-process",
                format!("{f}.securityContext.windowsOptions.hostProcess"),
                format!("{who} runs as a Windows HostProcess, with full access to the node"),
                "remove windowsOptions.hostProcess",
            );
        }
    }
    if let Some((meta, annotations)) = template_annotations(set, w) {
        for (k, v) in annotations
            .iter()
            .filter(|(k, _)| k.starts_with(APPARMOR_PREFIX))
        {
            if !v.is_empty() && v != "runtime/default" && !v.starts_with("localhost/") {
                pss.add(sink, Level::Baseline, "pss-apparmor", join_key(&meta, k), format!("AppArmor profile `{v}` for container `{}` is not runtime/default or localhost/*", &k[APPARMOR_PREFIX.len()..]), "use runtime/default (or a localhost/ profile), or remove the annotation");
            }
        }
    }
}

fn apparmor(pss: &Pss<'_>, sink: &mut Sink, field: String, who: &str, a: &AppArmorProfile) {
    if !matches!(a.type_.as_str(), "RuntimeDefault" | "Localhost") {
        pss.add(
            sink,
            Level::Baseline,
            "pss-apparmor",
            field,
            format!(
                "{who} uses AppArmor profile type `{}`, which removes the runtime's confinement",
                a.type_
            ),
            "use RuntimeDefault or Localhost",
        );
    }
}

fn selinux(pss: &Pss<'_>, sink: &mut Sink, f: &str, who: &str, o: &SELinuxOptions) {
    if let Some(t) = o
        .type_
        .as_deref()
        .filter(|t| !t.is_empty() && !SELINUX_TYPES.contains(t))
    {
        pss.add(sink, Level::Baseline, "pss-selinux", format!("{f}.type"), format!("{who} sets SELinux type `{t}`"), "use container_t, container_init_t, container_kvm_t or container_engine_t, or leave the type unset");
    }
    for (field, v) in [("user", &o.user), ("role", &o.role)] {
        if let Some(v) = v.as_deref().filter(|v| !v.is_empty()) {
            pss.add(
                sink,
                Level::Baseline,
                "pss-selinux",
                format!("{f}.{field}"),
                format!("{who} sets SELinux {field} `{v}`"),
                format!("remove seLinuxOptions.{field}"),
            );
        }
    }
}

/// The pod template's annotations with their field path.
fn template_annotations(
    set: &Set<'_>,
    w: &Workload<'_>,
) -> Option<(String, BTreeMap<String, String>)> {
    let meta = match w.prefix.strip_suffix("spec") {
        Some(m) => format!("{m}metadata.annotations"),
        None => return None,
    };
    let item = &set.items[w.idx];
    let typed = match item.object {
        Some(Object::Deployment(d)) => d.spec.as_ref().and_then(|s| s.template.metadata.as_ref()),
        Some(Object::StatefulSet(d)) => d.spec.as_ref().and_then(|s| s.template.metadata.as_ref()),
        Some(Object::Job(d)) => d.spec.as_ref().and_then(|s| s.template.metadata.as_ref()),
        Some(Object::CronJob(d)) => d
            .spec
            .as_ref()
            .and_then(|s| s.job_template.spec.as_ref())
            .and_then(|s| s.template.metadata.as_ref()),
        _ => None,
    };
    if let Some(m) = typed {
        return m.annotations.clone().map(|a| (meta, a));
    }
    let pointer = format!("/{}", meta.replace('.', "/"));
    let raw = item.doc?.value().pointer(&pointer)?.as_object()?;
    let annotations = raw
        .iter()
        .filter_map(|(k, v)| v.as_str().map(|v| (k.clone(), v.to_owned())))
        .collect();
    Some((meta, annotations))
}
