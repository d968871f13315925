//! # kairn DSL
//!
//! A typed model of Kubernetes applications. Declare an [`App`] out of
//! [`Component`]s in Rust; [`render()`] expands it into `k8s-openapi` objects with
//! secure defaults, and [`yaml`] and [`output`] write them as deterministic YAML.
//!
//! Invalid literals do not compile:
//!
//! ```compile_fail
//! let cpu = dsl::cpu!("250x");
//! ```
//!
//! Kubernetes version: objects are `k8s-openapi` types for Kubernetes 1.33 (feature
//! `v1_33`), and only use API versions that are served from 1.25 on.

#![warn(missing_docs)]

#[doc = include_str!("../../../docs/containers.md")]
pub mod containers_guide {}
#[doc = include_str!("../../../docs/guarantees.md")]
pub mod guarantees {}
#[cfg(test)]
mod layers_tests;
pub mod model;
pub mod output;
pub mod parallel;
pub mod primitives;
pub mod registry;
pub mod render;
pub mod validate;
pub mod yaml;

/// The Kubernetes object types kairn renders to (`k8s-openapi`, feature `v1_33`), so a
/// [`customize`](Component::customize) closure can name `Deployment` or `ObjectMeta`
/// as `dsl::k8s_openapi::...` without a dependency of its own whose version and feature
/// would have to match kairn's.
pub use k8s_openapi;
/// Typed custom resources that kairn emits (re-exported from [`lint::crd`]).
pub use lint::crd;
/// The rendered object graph (re-exported from [`lint::object`]).
pub use lint::object;
/// `serde_json`, re-exported so that a team crate (and `kairn import`'s output) writes
/// `dsl::serde_json::json!` for kinds kairn has no type for, without a dependency of its own.
pub use serde_json;

/// The product's name, used in the `app.kubernetes.io/managed-by` label.
pub const PRODUCT: &str = "kairn";

pub use model::affinity::{
    ComponentHandle, NodeAffinity, NodeOp, NodeRequirement, Placement, PodAffinityRule, Strength,
    Topology, Weight,
};
pub use model::app::App;
pub use model::builder::{ComponentBuilder, Declares, Unset, WorkloadKind};
pub use model::cluster::{MemberVolume, PeerDiscovery, Quorum, StatefulCluster};
pub use model::component::{
    AccessMode, AccessRule, BatchJob, Component, ConcurrencyPolicy, HttpService, JobRestart,
    LeaderElection, LeaderLock, OutputVolume, ScheduledJob, Worker, Workload,
};
pub use model::container::{
    Container, ContainerBuilder, ContainerImageSet, ContainerNameSet, ContainerResourcesSet,
    ContainerRole, PodContainer, SidecarMode,
};
pub use model::customize::{Customization, ExtraObject};
pub use model::dependency::{Dependency, DependencyKind, Endpoint};
pub use model::dns::Dns;
pub use model::environment::Environment;
pub use model::exposure::Exposure;
pub use model::extra_json::InvalidExtraObject;
pub use model::files::ConfigFiles;
pub use model::handles::{
    DependencyRef, HttpComponent, IntoComponents, RouteTarget, ServiceRef, TalksTo,
};
pub use model::hook::{Hook, HookPhase, HookRuns};
pub use model::host_access::{
    Capability, Explained, HostAccess, HostAccessKind, HostPath, HostPathType, PodSecurityLevel,
    Reason, Unexplained,
};
pub use model::ingress::{HostRules, Ingress, Route, Tls};
pub use model::jobs::SpawnedJobs;
pub use model::kept::Kept;
pub use model::metadata::{AnnotationKey, RESERVED_ANNOTATION_KEYS};
pub use model::monitoring::{AlertRule, Metrics, Monitoring, Severity};
pub use model::node_agent::{AgentProbes, DaemonUpdate, NodeAgent};
pub use model::pod::{
    Check, LivenessOnly, PodProbes, PreStop, Probe, Probes, Resources, RunAs, ServingProbes,
    Spread, WritableDir,
};
pub use model::pod_options::PodOptions;
pub use model::resources_as_source::ResourcesAsSource;
pub use model::scaling::{Autoscaling, AutoscalingRange, Disruption, Replicas};
pub use model::scheduling::{TaintEffect, TaintMatch, Toleration};
pub use model::stateful::{PodManagement, StatefulService, StatefulUpdate};
pub use model::storage::{
    AwsRoleArn, AzureClientId, AzureContainer, CloudIdentity, FilesystemVolume, GcpServiceAccount,
    GcsBucket, ObjectStorage, S3Bucket, ScalableStorage, SharedVolume, SingleNodeCompatible,
    SingleNodeVolume,
};
pub use model::volumes::{
    ClaimAccess, ClaimVolume, FileMode, FileSource, ProjectedFile, ProjectedFiles, Volume,
};
pub use object::{Manifest, Object, ObjectKind, Origin};
pub use primitives::env::{EnvSource, EnvVar, PodField};
pub use primitives::image::{Image, ImageVersion};
pub use primitives::port::{DeclaredPort, NamedPort, Port, PortRef};
pub use primitives::quantity::{Cpu, Memory, Storage};
pub use primitives::secret::{ExternalSecret, SecretRef};
pub use primitives::text::{
    CronSchedule, DataKey, EnvName, Host, HttpPath, InvalidValue, LabelKey, LabelValue, Name,
    PortName, TimeZone,
};
pub use render::render;
pub use validate::{validate, Finding, Report, Waiver};
