//! The further containers of a pod: init containers, sidecars (native, or regular under
//! [`SidecarMode::Legacy`]) and regular containers, each as hardened as the main one.

use k8s_openapi::api::core::v1::{
    Container as K8sContainer, ContainerPort, EmptyDirVolumeSource, ServicePort, Volume,
    VolumeMount,
};
use k8s_openapi::apimachinery::pkg::api::resource::Quantity;
use k8s_openapi::apimachinery::pkg::util::intstr::IntOrString;

use super::pod::{container_security_context, env_var, probe};
use crate::model::app::App;
use crate::model::component::Component;
use crate::model::container::{Container, ContainerRole, SidecarMode};
use crate::model::pod::WritableDir;
use crate::primitives::env::EnvSource;
use crate::primitives::port::NamedPort;
use crate::primitives::text::Name;

/// The rendered further containers of one pod.
#[derive(Default)]
pub(crate) struct Rendered {
    /// `initContainers`, in declaration order (native sidecars among them).
    pub init: Vec<K8sContainer>,
    /// Regular containers after the main one, in declaration order.
    pub regular: Vec<K8sContainer>,
}

/// Renders `component`'s further containers; their writable directories are added to
/// `volumes` unless the same volume is already there (the same directory, shared; one
/// of the same name with other settings is rule `pod-containers`).
pub(crate) fn render(app: &App, component: &Component, volumes: &mut Vec<Volume>) -> Rendered {
    let mut out = Rendered::default();
    for pc in &component.containers {
        let mut k = container(&pc.container, volumes);
        match (pc.role, app.sidecar_mode) {
            (ContainerRole::Init, _) => out.init.push(k),
            (ContainerRole::Sidecar, SidecarMode::Native) => {
                k.restart_policy = Some("Always".into());
                out.init.push(k);
            }
            (ContainerRole::Sidecar, SidecarMode::Legacy) | (ContainerRole::Regular, _) => {
                out.regular.push(k)
            }
        }
    }
    out
}

/// The ports of further containers served beyond the pod ([`Container::serves`]), for
/// the Service and the NetworkPolicy; never an init container's (rule `pod-containers`).
pub(crate) fn served_ports(component: &Component) -> Vec<NamedPort> {
    component
        .containers
        .iter()
        .filter(|pc| pc.role != ContainerRole::Init)
        .flat_map(|pc| pc.container.served.iter().cloned())
        .collect()
}

/// The ports a component's Service exposes besides the workload's own: the served ports
/// of further containers, then the metrics port when a further container declares it
/// (a metrics exporter sidecar; the ServiceMonitor scrapes through the Service).
pub(crate) fn service_ports(component: &Component) -> Vec<NamedPort> {
    let own = component.workload.ports();
    let mut out: Vec<NamedPort> = Vec::new();
    for p in served_ports(component) {
        if !own.contains(&p) && !out.contains(&p) {
            out.push(p);
        }
    }
    if let Some(m) = component.workload.metrics() {
        let metrics_port = component
            .containers
            .iter()
            .filter(|pc| pc.role != ContainerRole::Init)
            .flat_map(|pc| &pc.container.ports)
            .find(|p| p.name == *m.port.name());
        if let Some(p) = metrics_port
            && !own.iter().any(|o| o.name == p.name)
            && !out.contains(p)
        {
            out.push(p.clone());
        }
    }
    out
}

/// Whether a further container reads a key of the ConfigMap `config_map`.
pub(crate) fn reads_config_key(component: &Component, config_map: &Name) -> bool {
    component
        .containers
        .iter()
        .flat_map(|pc| &pc.container.env)
        .any(|v| matches!(&v.source, EnvSource::ConfigMapKey { config_map: c, .. } if c == config_map))
}

fn empty_dir(dir: &WritableDir) -> Volume {
    Volume {
        name: dir.name.to_string(),
        empty_dir: Some(EmptyDirVolumeSource {
            medium: dir.in_memory.then(|| "Memory".to_owned()),
            size_limit: Some(Quantity(dir.size_limit.to_string())),
        }),
        ..Default::default()
    }
}

fn container(c: &Container, volumes: &mut Vec<Volume>) -> K8sContainer {
    let mut mounts = Vec::new();
    for dir in &c.writable_dirs {
        // The same directory declared by another container is shared; any other
        // volume of that name is kept and the duplicate reported by the validator.
        let volume = empty_dir(dir);
        if !volumes.contains(&volume) {
            volumes.push(volume);
        }
        mounts.push(VolumeMount {
            name: dir.name.to_string(),
            mount_path: dir.mount_path.clone(),
            ..Default::default()
        });
    }
    let ports: Vec<ContainerPort> = c
        .ports
        .iter()
        .map(|p| ContainerPort {
            name: Some(p.name.to_string()),
            container_port: i32::from(p.number.get()),
            protocol: Some("TCP".into()),
            ..Default::default()
        })
        .collect();
    let env: Vec<_> = c.env.iter().map(env_var).collect();
    let probes = c.probes.as_ref();
    K8sContainer {
        name: c.name.to_string(),
        image: Some(c.image.to_string()),
        image_pull_policy: Some("IfNotPresent".into()),
        command: (!c.command.is_empty()).then(|| c.command.clone()),
        args: (!c.args.is_empty()).then(|| c.args.clone()),
        ports: (!ports.is_empty()).then_some(ports),
        env: (!env.is_empty()).then_some(env),
        resources: super::pod::requirements(&c.resources),
        liveness_probe: probes.map(|p| probe(&p.liveness)),
        readiness_probe: probes.and_then(|p| p.readiness.as_ref()).map(probe),
        startup_probe: probes.and_then(|p| p.startup.as_ref()).map(probe),
        security_context: Some(container_security_context()),
        volume_mounts: (!mounts.is_empty()).then_some(mounts),
        ..Default::default()
    }
}

/// The ports other components may connect to: the workload's client ports and the
/// served ports of further containers.
pub(crate) fn client_ports(component: &Component) -> Vec<NamedPort> {
    let mut out = component.workload.client_ports();
    for p in served_ports(component) {
        if !out.contains(&p) {
            out.push(p);
        }
    }
    out
}

/// The number of the port `name` when a native sidecar declares it. Services and
/// NetworkPolicies refer to such a port by number: named ports of init containers are
/// resolved for Service endpoints only from Kubernetes 1.32 (kubernetes#127958), and
/// not by every network plugin for NetworkPolicies (e.g. projectcalico/calico#8881).
pub(crate) fn native_sidecar_port(app: &App, component: &Component, name: &str) -> Option<u16> {
    if app.sidecar_mode != SidecarMode::Native {
        return None;
    }
    component
        .containers
        .iter()
        .filter(|pc| pc.role == ContainerRole::Sidecar)
        .flat_map(|pc| &pc.container.ports)
        .find(|p| p.name.as_str() == name)
        .map(|p| p.number.get())
}

/// A Service port for a further container's port (see [`service_ports`]), targeting a
/// native sidecar's port by number.
pub(crate) fn service_port(app: &App, component: &Component, p: &NamedPort) -> ServicePort {
    let mut port = super::services::service_port(p, p.number.get());
    if let Some(n) = native_sidecar_port(app, component, p.name.as_str()) {
        port.target_port = Some(IntOrString::Int(i32::from(n)));
    }
    port
}
