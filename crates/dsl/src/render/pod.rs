//! The pod template every workload kind shares: hardened by default.
//!
//! Every container (the main one and any further ones, `containers.rs`) gets the restricted
//! Pod Security Standard context (`container_security_context`: no privilege escalation,
//! read-only root filesystem, non-root, every capability dropped, RuntimeDefault seccomp);
//! the pod runs as the component's user and group, with `enableServiceLinks: false`; the
//! directories a process writes are `emptyDir` volumes (`WritableDir`); the ServiceAccount
//! token is mounted only when the component has declared API access or spawns Jobs. Spread
//! across nodes or zones becomes anti-affinity or topology spread here. Besides a
//! `customize` closure, only a node agent's declared host access (`host_access.rs`, root
//! and capabilities included) loosens this context.

use std::collections::BTreeMap;

use k8s_openapi::api::core::v1::{
    Affinity, Capabilities, ConfigMapEnvSource, ConfigMapKeySelector, ConfigMapVolumeSource,
    Container, ContainerPort, EmptyDirVolumeSource, EnvFromSource, EnvVar as K8sEnvVar,
    EnvVarSource, ExecAction, GRPCAction, HTTPGetAction, Lifecycle, LifecycleHandler,
    LocalObjectReference, ObjectFieldSelector, PersistentVolumeClaimVolumeSource, PodAffinityTerm,
    PodAntiAffinity, PodSecurityContext, PodSpec, PodTemplateSpec, Probe as K8sProbe,
    ResourceRequirements, SeccompProfile, SecretKeySelector, SecurityContext, SleepAction,
    TCPSocketAction, Toleration as K8sToleration, TopologySpreadConstraint, Volume, VolumeMount,
    WeightedPodAffinityTerm,
};
use k8s_openapi::apimachinery::pkg::api::resource::Quantity;
use k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta;
use k8s_openapi::apimachinery::pkg::util::intstr::IntOrString;

use super::identity::needs_api_token;
use super::meta::{selector, selector_labels};
use crate::model::app::App;
use crate::model::component::{Component, LeaderElection, Workload};
use crate::model::pod::{Check, PreStop, Probe, Probes, Spread};
use crate::model::scheduling::{TaintMatch, Toleration};
use crate::primitives::env::{EnvSource, EnvVar};
use crate::primitives::port::NamedPort;

/// Annotation carrying a hash of the app's ConfigMap, so pods roll when it changes.
pub const CONFIG_HASH_ANNOTATION: &str = "kairn.dev/config-hash";

/// The container ports a component declares.
pub(crate) fn container_ports(component: &Component) -> Vec<NamedPort> {
    component.workload.ports()
}

fn probes_of(component: &Component) -> Option<&Probes> {
    component.workload.probes()
}

pub(crate) fn probe(p: &Probe) -> K8sProbe {
    let mut out = K8sProbe {
        initial_delay_seconds: Some(p.initial_delay_seconds),
        period_seconds: Some(p.period_seconds),
        timeout_seconds: Some(p.timeout_seconds),
        failure_threshold: Some(p.failure_threshold),
        ..Default::default()
    };
    match &p.check {
        Check::Http { path, port } => {
            out.http_get = Some(HTTPGetAction {
                path: Some(path.to_string()),
                port: IntOrString::String(port.to_string()),
                ..Default::default()
            })
        }
        Check::Tcp { port } => {
            out.tcp_socket = Some(TCPSocketAction {
                port: IntOrString::String(port.to_string()),
                ..Default::default()
            })
        }
        Check::Exec(cmd) => {
            out.exec = Some(ExecAction {
                command: Some(cmd.clone()),
            })
        }
        Check::Grpc { port, service } => {
            out.grpc = Some(GRPCAction {
                port: i32::from(port.number.get()),
                service: service.clone(),
            })
        }
    }
    out
}

fn pre_stop(p: &PreStop) -> Lifecycle {
    let handler = match p {
        PreStop::Sleep { seconds } => LifecycleHandler {
            sleep: Some(SleepAction {
                seconds: i64::from(*seconds),
            }),
            ..Default::default()
        },
        PreStop::Exec(cmd) => LifecycleHandler {
            exec: Some(ExecAction {
                command: Some(cmd.clone()),
            }),
            ..Default::default()
        },
    };
    Lifecycle {
        pre_stop: Some(handler),
        ..Default::default()
    }
}

fn toleration(t: &Toleration) -> K8sToleration {
    let (operator, value) = match &t.matches {
        TaintMatch::Exists => ("Exists", None),
        TaintMatch::Equal(v) => ("Equal", Some(v.to_string())),
    };
    K8sToleration {
        key: t.key.as_ref().map(ToString::to_string),
        operator: Some(operator.to_owned()),
        value,
        effect: Some(t.effect.as_str().to_owned()),
        toleration_seconds: t.effect.toleration_seconds().map(i64::from),
    }
}

pub(crate) fn env_var(v: &EnvVar) -> K8sEnvVar {
    let (value, value_from) = match &v.source {
        EnvSource::Literal(s) => (Some(s.clone()), None),
        EnvSource::Secret(r) => (
            None,
            Some(EnvVarSource {
                secret_key_ref: Some(SecretKeySelector {
                    name: r.secret().to_string(),
                    key: r.key().to_string(),
                    ..Default::default()
                }),
                ..Default::default()
            }),
        ),
        EnvSource::ConfigMapKey { config_map, key } => (
            None,
            Some(EnvVarSource {
                config_map_key_ref: Some(ConfigMapKeySelector {
                    name: config_map.to_string(),
                    key: key.to_string(),
                    ..Default::default()
                }),
                ..Default::default()
            }),
        ),
        EnvSource::Field(f) => (
            None,
            Some(EnvVarSource {
                field_ref: Some(ObjectFieldSelector {
                    field_path: f.path().to_owned(),
                    ..Default::default()
                }),
                ..Default::default()
            }),
        ),
    };
    K8sEnvVar {
        name: v.name.to_string(),
        value,
        value_from,
    }
}

fn leader_election_env(le: &LeaderElection) -> Vec<K8sEnvVar> {
    let p = le.env_prefix.as_str();
    [
        ("ENABLED", "true".to_owned()),
        ("LEASE_DURATION", format!("{}s", le.lease_duration_seconds)),
        ("RENEW_DEADLINE", format!("{}s", le.renew_deadline_seconds)),
        ("RETRY_PERIOD", format!("{}s", le.retry_period_seconds)),
    ]
    .into_iter()
    .map(|(k, v)| K8sEnvVar {
        name: format!("{p}LEADER_ELECTION_{k}"),
        value: Some(v),
        value_from: None,
    })
    .collect()
}

/// A container's `resources`: each declared value (all four unless declared
/// [as the source has them](crate::Resources::as_source)); none at all is no `resources`.
pub(crate) fn requirements(r: &crate::model::pod::Resources) -> Option<ResourceRequirements> {
    let map = |cpu: Option<String>, memory: Option<String>| {
        let m: BTreeMap<String, Quantity> = [("cpu", cpu), ("memory", memory)]
            .into_iter()
            .filter_map(|(k, v)| v.map(|v| (k.to_owned(), Quantity(v))))
            .collect();
        (!m.is_empty()).then_some(m)
    };
    let requests = map(
        r.cpu_request.map(|c| c.to_string()),
        r.memory_request.map(|m| m.to_string()),
    );
    let limits = map(
        r.cpu_limit.map(|c| c.to_string()),
        r.memory_limit.map(|m| m.to_string()),
    );
    (requests.is_some() || limits.is_some()).then(|| ResourceRequirements {
        requests,
        limits,
        ..Default::default()
    })
}

/// The hardened container security context (restricted Pod Security Standard).
pub(crate) fn container_security_context() -> SecurityContext {
    SecurityContext {
        allow_privilege_escalation: Some(false),
        read_only_root_filesystem: Some(true),
        run_as_non_root: Some(true),
        capabilities: Some(Capabilities {
            drop: Some(vec!["ALL".into()]),
            ..Default::default()
        }),
        seccomp_profile: Some(SeccompProfile {
            type_: "RuntimeDefault".into(),
            ..Default::default()
        }),
        ..Default::default()
    }
}

fn spread(
    app: &App,
    component: &Component,
) -> (Option<Affinity>, Option<Vec<TopologySpreadConstraint>>) {
    let mode = component.workload.spread();
    if let Workload::Cluster(_) = &component.workload {
        // Two members on one node would let one node failure take two votes.
        let required = Affinity {
            pod_anti_affinity: Some(PodAntiAffinity {
                required_during_scheduling_ignored_during_execution: Some(vec![PodAffinityTerm {
                    label_selector: Some(selector(selector_labels(app, &component.name))),
                    topology_key: "kubernetes.io/hostname".into(),
                    ..Default::default()
                }]),
                ..Default::default()
            }),
            ..Default::default()
        };
        let zones = mode.zone_constraint().map(|when| {
            vec![TopologySpreadConstraint {
                max_skew: 1,
                topology_key: "topology.kubernetes.io/zone".into(),
                when_unsatisfiable: when.into(),
                label_selector: Some(selector(selector_labels(app, &component.name))),
                ..Default::default()
            }]
        });
        return (Some(required), zones);
    }
    let node_anti_affinity = || Affinity {
        pod_anti_affinity: Some(PodAntiAffinity {
            preferred_during_scheduling_ignored_during_execution: Some(vec![
                WeightedPodAffinityTerm {
                    weight: 100,
                    pod_affinity_term: PodAffinityTerm {
                        label_selector: Some(selector(selector_labels(app, &component.name))),
                        topology_key: "kubernetes.io/hostname".into(),
                        ..Default::default()
                    },
                },
            ]),
            ..Default::default()
        }),
        ..Default::default()
    };
    match mode {
        Spread::None => (None, None),
        Spread::AcrossNodes => (Some(node_anti_affinity()), None),
        Spread::AcrossZones | Spread::AcrossZonesBestEffort => (
            Some(node_anti_affinity()),
            Some(vec![TopologySpreadConstraint {
                max_skew: 1,
                topology_key: "topology.kubernetes.io/zone".into(),
                when_unsatisfiable: mode.zone_constraint().unwrap_or("DoNotSchedule").into(),
                label_selector: Some(selector(selector_labels(app, &component.name))),
                ..Default::default()
            }]),
        ),
    }
}

/// Extra volumes and mounts a workload kind adds (e.g. a Job's output PVC). A mount
/// without a volume refers to a StatefulSet's `volumeClaimTemplates`.
pub(crate) struct ExtraVolume {
    pub volume: Option<Volume>,
    pub mount: VolumeMount,
}

impl ExtraVolume {
    pub(crate) fn pvc(name: &str, claim: String, mount_path: &str) -> Self {
        ExtraVolume {
            volume: Some(Volume {
                name: name.to_owned(),
                persistent_volume_claim: Some(PersistentVolumeClaimVolumeSource {
                    claim_name: claim,
                    ..Default::default()
                }),
                ..Default::default()
            }),
            mount: VolumeMount {
                name: name.to_owned(),
                mount_path: mount_path.to_owned(),
                ..Default::default()
            },
        }
    }
}

/// Renders a component's pod template.
pub(crate) fn pod_template(
    app: &App,
    component: &Component,
    config_hash: Option<&str>,
    restart_policy: Option<&str>,
    extra_volumes: Vec<ExtraVolume>,
) -> PodTemplateSpec {
    let mut env: Vec<K8sEnvVar> = component.env.iter().map(env_var).collect();
    if let Workload::Worker(w) = &component.workload
        && let Some(le) = &w.leader_election
    {
        env.extend(leader_election_env(le));
    }
    if let Workload::Cluster(c) = &component.workload {
        env.extend(super::cluster::peer_env(app, component, c));
    }
    let mut extra_volumes = extra_volumes;
    if let Some(fs) = super::storage::storage_of(component).and_then(|s| s.filesystem()) {
        extra_volumes.push(ExtraVolume::pvc(
            "storage",
            super::storage::claim_name(app, component).to_string(),
            &fs.root_dir,
        ));
    }
    for files in &component.files {
        extra_volumes.push(ExtraVolume {
            volume: Some(Volume {
                name: files.name.to_string(),
                config_map: Some(ConfigMapVolumeSource {
                    name: super::files::config_map_name(app, component, files).to_string(),
                    ..Default::default()
                }),
                ..Default::default()
            }),
            mount: VolumeMount {
                name: files.name.to_string(),
                mount_path: files.mount_dir.clone(),
                read_only: Some(true),
                ..Default::default()
            },
        });
    }
    extra_volumes.extend(super::volumes::volumes(app, component));
    let probes = probes_of(component);
    let mut volumes = Vec::new();
    let mut mounts = Vec::new();
    for dir in &component.writable_dirs {
        volumes.push(Volume {
            name: dir.name.to_string(),
            empty_dir: Some(EmptyDirVolumeSource {
                medium: dir.in_memory.then(|| "Memory".to_owned()),
                size_limit: Some(Quantity(dir.size_limit.to_string())),
            }),
            ..Default::default()
        });
        mounts.push(VolumeMount {
            name: dir.name.to_string(),
            mount_path: dir.mount_path.clone(),
            ..Default::default()
        });
    }
    for extra in extra_volumes {
        volumes.extend(extra.volume);
        mounts.push(extra.mount);
    }
    let ports: Vec<ContainerPort> = container_ports(component)
        .iter()
        .map(|p| ContainerPort {
            name: Some(p.name.to_string()),
            container_port: i32::from(p.number.get()),
            protocol: Some("TCP".into()),
            ..Default::default()
        })
        .collect();
    let use_config = component.env_from_config && !app.config.is_empty();
    let container = Container {
        name: super::kept::container_name(component),
        image: Some(component.image.to_string()),
        image_pull_policy: Some("IfNotPresent".into()),
        command: (!component.command.is_empty()).then(|| component.command.clone()),
        args: (!component.args.is_empty()).then(|| component.args.clone()),
        ports: (!ports.is_empty()).then_some(ports),
        env: (!env.is_empty()).then_some(env),
        env_from: use_config.then(|| {
            vec![EnvFromSource {
                config_map_ref: Some(ConfigMapEnvSource {
                    name: app.config_map_name().to_string(),
                    ..Default::default()
                }),
                ..Default::default()
            }]
        }),
        resources: requirements(&component.resources),
        liveness_probe: probes.map(|p| probe(&p.liveness)),
        readiness_probe: probes.and_then(|p| p.readiness.as_ref()).map(probe),
        startup_probe: probes.and_then(|p| p.startup.as_ref()).map(probe),
        lifecycle: component.pre_stop.as_ref().map(pre_stop),
        security_context: Some(container_security_context()),
        volume_mounts: (!mounts.is_empty()).then_some(mounts),
        ..Default::default()
    };
    let further = super::containers::render(app, component, &mut volumes);
    let (affinity, topology_spread_constraints) = spread(app, component);
    let affinity = super::affinity::merge(app, component, affinity);
    // The app ConfigMap counts when it is loaded whole or read key by key.
    let config_map = app.config_map_name();
    let reads_config = use_config
        || super::volumes::reads_app_config(component)
        || component.env.iter().any(|v| {
            matches!(&v.source, EnvSource::ConfigMapKey { config_map: c, .. } if *c == config_map)
        })
        || super::containers::reads_config_key(component, &config_map);
    let hash = match (
        config_hash.filter(|_| reads_config),
        super::files::files_hash(component),
    ) {
        (None, None) => None,
        (Some(h), None) => Some(h.to_owned()),
        (None, Some(f)) => Some(format!("{f:016x}")),
        (Some(h), Some(f)) => Some(format!(
            "{:016x}",
            super::hooks::fnv64(h.bytes().chain(f.to_le_bytes()))
        )),
    };
    let annotations = hash.map(|h| BTreeMap::from([(CONFIG_HASH_ANNOTATION.to_owned(), h)]));
    let mut labels = super::kept::pod_labels(app, component);
    labels.extend(super::storage::pod_labels(component));
    PodTemplateSpec {
        metadata: Some(ObjectMeta {
            labels: Some(labels),
            annotations,
            ..Default::default()
        }),
        spec: Some(PodSpec {
            service_account_name: Some(super::kept::service_account_name(app, component)),
            // A kept ServiceAccount is not kairn's: its own setting decides.
            automount_service_account_token: super::kept::external_service_account(component)
                .is_none()
                .then(|| needs_api_token(component)),
            enable_service_links: Some(false),
            security_context: Some(PodSecurityContext {
                run_as_non_root: Some(true),
                run_as_user: Some(component.run_as.user()),
                run_as_group: Some(component.run_as.group()),
                fs_group: Some(component.run_as.group()),
                seccomp_profile: Some(SeccompProfile {
                    type_: "RuntimeDefault".into(),
                    ..Default::default()
                }),
                ..Default::default()
            }),
            image_pull_secrets: super::component_meta::image_pull_secrets(app, component).map(
                |names| {
                    names
                        .into_iter()
                        .map(|name| LocalObjectReference { name })
                        .collect()
                },
            ),
            containers: std::iter::once(container).chain(further.regular).collect(),
            init_containers: (!further.init.is_empty()).then_some(further.init),
            volumes: (!volumes.is_empty()).then_some(volumes),
            restart_policy: restart_policy.map(str::to_owned),
            affinity,
            topology_spread_constraints,
            node_selector: (!component.node_selector.is_empty()).then(|| {
                component
                    .node_selector
                    .iter()
                    .map(|(k, v)| (k.to_string(), v.to_string()))
                    .collect()
            }),
            tolerations: (!component.tolerations.is_empty())
                .then(|| component.tolerations.iter().map(toleration).collect()),
            priority_class_name: component.priority_class.as_ref().map(ToString::to_string),
            termination_grace_period_seconds: component
                .termination_grace_period_seconds
                .map(i64::from),
            ..Default::default()
        }),
    }
}
