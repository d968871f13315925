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
//! ## From declaration to files
//!
//! ```text
//! teams/<team>/src/<app>.rs        Declaration::declare(env, inputs) -> dsl::App
//!         │  typed values: Name, Image, Cpu, Memory, SecretRef, ... (primitives)
//!         │  typed model:  App, Component, Workload, Ingress, ...  (model)
//!         ▼
//! dsl::render(&App) -> Vec<Manifest>                               (render)
//!         │  k8s-openapi objects + typed CRDs (lint::crd), each wrapped with its
//!         │  Origin: app, environment, component, declaring file:line; declarations
//!         │  the objects alone would not show become kairn.dev/* annotations
//!         ▼
//! dsl::validate::context_for(&app) -> lint::Context                (validate)
//!         │  plain data: environment, complete set, external Secrets, egress needs,
//!         │  run-time ServiceAccounts, waivers, and the checks of the declaration
//!         │  itself (every name it refers to resolves: validate/declaration.rs)
//!         ▼
//! lint::validate(&manifests, &context)                             (crate lint)
//!         │  every rule of lint::RULES over the object graph (indexed once); findings
//!         │  carry rule id, field path and the declaring file:line; waivers are per
//!         │  object, in code, with a reason; any error stops everything: nothing is
//!         │  written
//!         ▼
//! dsl::output::env_output -> files in memory                       (output, yaml)
//!         │  one <kind>-<name>.yaml per object, kustomization.yaml (apply order),
//!         │  .kairn-manifest (sha256 of each file: what kairn owns); with hooks:
//!         │  phases/<n>-<phase>/ kustomizations + flux/kustomizations.yaml
//!         ▼
//! dsl::output::write_tree -> generated/<app>/<env>/                (output)
//!            under OutputLock (flock on the output root):
//!            recover  leftovers of an interrupted run              (output/commit.rs)
//!            plan     what changes; conflicts = files not          (output/plan.rs;
//!                     provably kairn's                              `check` prints it)
//!            commit   stage each env beside the live one, switch   (output/commit.rs)
//!                     with RENAME_EXCHANGE, retire the old content
//! ```
//!
//! `kairn lint` runs the same rules over YAML files (`lint::lint`), reading the same
//! annotations. Inside this crate the layers point one way: `model` knows nothing of
//! `render`, `validate` or `output`; `render` reads `model`; `validate` and `output` read
//! `model` and `render`, and neither reads the other (checked by the unit test in
//! `layers_tests.rs`).
//!
//! Kubernetes version: objects are `k8s-openapi` types for Kubernetes 1.33 (feature
//! `v1_33`, the oldest the current `k8s-openapi`, 0.29, supports), and only use API
//! versions that are served from 1.25 on (such as apps/v1, batch/v1, autoscaling/v2,
//! policy/v1, networking.k8s.io/v1, rbac.authorization.k8s.io/v1).
//! `tests/schema_validation.rs` checks every committed manifest against the official 1.33
//! schemas.

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
    ComponentHandle, LabelValues, NodeAffinity, NodeOp, NodeRequirement, Placement,
    PodAffinityRule, Strength, Topology, Weight,
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
