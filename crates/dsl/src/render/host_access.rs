//! Declared host access: what it adds to a pod template, the annotations that record it,
//! and the Pod Security level of the namespace kairn creates.

use std::collections::BTreeMap;

use k8s_openapi::api::core::v1::{
    Capabilities, ContainerPort, HostPathVolumeSource, PodTemplateSpec, Volume, VolumeMount,
};

use crate::model::app::App;
use crate::model::host_access::{required_level, HostAccess, HostAccessKind, PodSecurityLevel};
use lint::{HOST_ACCESS_ANNOTATION, POD_SECURITY_EXCEPTION_ANNOTATION};

/// Name of the pod volume of the `i`-th declared host path.
fn volume_name(i: usize) -> String {
    format!("host-path-{i}")
}

/// Adds the declared access to the pod template: host path volumes and mounts,
/// `hostNetwork` (with the DNS policy that keeps cluster DNS), host ports, added
/// capabilities and root for the agent's container. Nothing else of the hardened
/// defaults changes.
pub(crate) fn apply(template: &mut PodTemplateSpec, accesses: &[HostAccess]) {
    let Some(spec) = template.spec.as_mut() else {
        return;
    };
    let mut volumes = Vec::new();
    let mut mounts = Vec::new();
    let mut capabilities = Vec::new();
    let mut host_ports = Vec::new();
    let mut run_as_root = false;
    for (i, access) in accesses.iter().enumerate() {
        match &access.kind {
            HostAccessKind::HostPath {
                path,
                mount_path,
                read_only,
                path_type,
            } => {
                volumes.push(Volume {
                    name: volume_name(i),
                    host_path: Some(HostPathVolumeSource {
                        path: path.to_string(),
                        type_: Some(path_type.as_str().to_owned()),
                    }),
                    ..Default::default()
                });
                mounts.push(VolumeMount {
                    name: volume_name(i),
                    mount_path: mount_path.clone(),
                    read_only: Some(*read_only),
                    ..Default::default()
                });
            }
            HostAccessKind::HostNetwork => {
                spec.host_network = Some(true);
                spec.dns_policy = Some("ClusterFirstWithHostNet".into());
            }
            HostAccessKind::HostPort(p) => host_ports.push(p.clone()),
            HostAccessKind::Capability(c) => {
                let name = c.as_str().to_owned();
                if !capabilities.contains(&name) {
                    capabilities.push(name);
                }
            }
            HostAccessKind::RunAsRoot => run_as_root = true,
        }
    }
    if !volumes.is_empty() {
        spec.volumes.get_or_insert_with(Vec::new).extend(volumes);
    }
    let Some(container) = spec.containers.first_mut() else {
        return;
    };
    if !mounts.is_empty() {
        container
            .volume_mounts
            .get_or_insert_with(Vec::new)
            .extend(mounts);
    }
    for p in host_ports {
        let number = i32::from(p.number.get());
        let ports = container.ports.get_or_insert_with(Vec::new);
        match ports
            .iter_mut()
            .find(|c| c.name.as_deref() == Some(p.name.as_str()))
        {
            Some(port) => port.host_port = Some(number),
            None => ports.push(ContainerPort {
                name: Some(p.name.to_string()),
                container_port: number,
                host_port: Some(number),
                protocol: Some("TCP".into()),
                ..Default::default()
            }),
        }
    }
    if !capabilities.is_empty() {
        let sc = container
            .security_context
            .get_or_insert_with(Default::default);
        let caps = sc.capabilities.get_or_insert_with(Capabilities::default);
        caps.add = Some(capabilities);
    }
    if run_as_root {
        let sc = container
            .security_context
            .get_or_insert_with(Default::default);
        sc.run_as_user = Some(0);
        sc.run_as_group = Some(0);
        sc.run_as_non_root = Some(false);
    }
}

/// The `kairn.dev/host-access` annotation of a workload: `<access>: <reason>` per line.
pub(crate) fn annotations(accesses: &[HostAccess]) -> BTreeMap<String, String> {
    if accesses.is_empty() {
        return BTreeMap::new();
    }
    let lines: Vec<String> = accesses.iter().map(ToString::to_string).collect();
    BTreeMap::from([(HOST_ACCESS_ANNOTATION.to_owned(), lines.join("\n"))])
}

/// The Pod Security level the app's namespace must enforce (the least that admits every
/// component's declared host access) and the exception annotation explaining it
/// (`<component>: <access>: <reason>` per line, and `shared by <components>: <reason>`
/// when the app accepts that its other pods share the lowered namespace); `None` when
/// every pod is restricted.
pub(crate) fn namespace_exception(app: &App) -> Option<(PodSecurityLevel, String)> {
    let level = required_level(app.components.iter().flat_map(|c| c.workload.host_access()));
    if level == PodSecurityLevel::Restricted {
        return None;
    }
    let mut lines: Vec<String> = app
        .components
        .iter()
        .flat_map(|c| {
            c.workload
                .host_access()
                .iter()
                .filter(|a| a.pod_security_level() > PodSecurityLevel::Restricted)
                .map(move |a| format!("{}: {a}", c.name))
        })
        .collect();
    if let Some(reason) = &app.shared_namespace_with_node_agents {
        let mut shared: Vec<String> = crate::model::node_agent::shared_namespaces(app)
            .iter()
            .flat_map(|s| s.others.iter().map(|c| c.name.to_string()))
            .collect();
        shared.sort();
        shared.dedup();
        if !shared.is_empty() {
            lines.push(format!("shared by {}: {reason}", shared.join(", ")));
        }
    }
    Some((level, lines.join("\n")))
}

/// Lowers the `enforce` level of the app's Namespace to what its declared host access
/// needs (`audit` and `warn` stay `restricted`, so the cluster keeps reporting the
/// exceptions) and records why in `kairn.dev/pod-security-exception`.
pub(crate) fn lower_namespace(app: &App, namespace: &mut crate::object::Object) {
    let Some((level, why)) = namespace_exception(app) else {
        return;
    };
    let meta = namespace.metadata_mut();
    meta.labels.get_or_insert_with(BTreeMap::new).insert(
        "pod-security.kubernetes.io/enforce".into(),
        level.as_str().into(),
    );
    meta.annotations
        .get_or_insert_with(BTreeMap::new)
        .insert(POD_SECURITY_EXCEPTION_ANNOTATION.into(), why);
}
