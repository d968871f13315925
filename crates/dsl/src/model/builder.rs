//! The component builder: a hand-written type-state builder, so that
//!
//! - a missing required field (name, image, resources, workload) is a compile error
//!   whose first line says which one and how to add it (`#[diagnostic::on_unimplemented]`
//!   on the marker traits below), rather than typed-builder's "this method takes 1
//!   argument but 0 arguments were supplied";
//! - what [`build`](ComponentBuilder::build) returns depends on the workload: an
//!   [`HttpComponent`] for an [`HttpService`], whose [`ServiceRef`](super::handles::ServiceRef)
//!   is the only thing an ingress route accepts, a [`Component`] otherwise;
//! - `talks_to` takes handles of declared dependencies and components ([`TalksTo`]).
//!
//! The other model structs' builders (`HttpService`, `Worker`, jobs, probes, `Ingress`,
//! `App`, ...) are written by `typestate_builder!` (`builder_macro.rs`, one invocation per
//! struct in `builders/`), with the same per-field messages. `Component::builder()` and
//! `App::builder()` are `#[track_caller]` and record the declaring file and line; each
//! setter of this builder records its own line per setting (`set_at.rs`), so a finding is
//! reported at the call that set the field.

use std::collections::BTreeMap;
use std::panic::Location;

use super::cluster::StatefulCluster;
use super::component::{
    AccessRule, BatchJob, Component, HttpService, ScheduledJob, Worker, Workload,
};
use super::container::{Container, ContainerRole, PodContainer};
use super::dependency::Dependency;
use super::files::ConfigFiles;
use super::handles::{HttpComponent, TalksTo};
use super::jobs::SpawnedJobs;
use super::node_agent::NodeAgent;
use super::pod::{PreStop, Resources, RunAs, WritableDir};
use super::pod_options::PodOptions;
use super::scheduling::Toleration;
use super::set_at::{SetAt, Setting};
use super::stateful::StatefulService;
use crate::primitives::env::EnvVar;
use crate::primitives::image::Image;
use crate::primitives::text::{LabelKey, LabelValue, Name};

/// A required field of [`ComponentBuilder`] that is not set yet.
#[derive(Clone, Copy, Debug, Default)]
pub struct Unset;

/// Declares a [`Component`]: [`Component::builder`], then `.name(..)`, `.image(..)`,
/// `.resources(..)` and `.workload(..)` (required, in any order), optional settings,
/// and [`build`](Self::build).
#[derive(Clone, Debug)]
#[must_use = "a component builder does nothing until `.build()`"]
pub struct ComponentBuilder<N = Unset, I = Unset, R = Unset, W = Unset> {
    declared_at: &'static Location<'static>,
    name: N,
    image: I,
    resources: R,
    workload: W,
    pub(super) optional: Optional,
}

/// The fields with defaults.
#[derive(Clone, Debug, Default)]
pub(super) struct Optional {
    command: Vec<String>,
    args: Vec<String>,
    env: Vec<EnvVar>,
    env_from_config: bool,
    writable_dirs: Vec<WritableDir>,
    talks_to: Vec<Name>,
    dependencies: Vec<Dependency>,
    api_access: Vec<AccessRule>,
    run_as: RunAs,
    service_account_annotations: BTreeMap<String, String>,
    files: Vec<ConfigFiles>,
    spawns_jobs: Option<SpawnedJobs>,
    node_selector: BTreeMap<LabelKey, LabelValue>,
    tolerations: Vec<Toleration>,
    priority_class: Option<Name>,
    termination_grace_period_seconds: Option<u32>,
    pre_stop: Option<PreStop>,
    containers: Vec<PodContainer>,
    pub(super) pod: PodOptions,
    set_at: SetAt,
}

impl Optional {
    /// Records the caller of the setter that called this as where `setting` was made.
    #[track_caller]
    fn set(mut self, setting: Setting) -> Self {
        self.set_at.insert(setting, Location::caller());
        self
    }
}

impl ComponentBuilder {
    pub(crate) fn new(declared_at: &'static Location<'static>) -> Self {
        ComponentBuilder {
            declared_at,
            name: Unset,
            image: Unset,
            resources: Unset,
            workload: Unset,
            optional: Optional::default(),
        }
    }
}

/// Set by `.name(..)`.
#[diagnostic::on_unimplemented(
    message = "this component has no name: add `.name(name!(\"api\"))` before `.build()`",
    label = "`.name(..)` is missing",
    note = "a component needs `.name(..)`, `.image(..)`, `.resources(..)` and `.workload(..)`"
)]
pub trait NameSet {
    #[doc(hidden)]
    fn take(self) -> Name;
}
impl NameSet for Name {
    fn take(self) -> Name {
        self
    }
}

/// Set by `.image(..)`.
#[diagnostic::on_unimplemented(
    message = "this component has no image: add `.image(image!(\"registry/repository:tag\"))` before `.build()`",
    label = "`.image(..)` is missing",
    note = "a component needs `.name(..)`, `.image(..)`, `.resources(..)` and `.workload(..)`"
)]
pub trait ImageSet {
    #[doc(hidden)]
    fn take(self) -> Image;
}
impl ImageSet for Image {
    fn take(self) -> Image {
        self
    }
}

/// Set by `.resources(..)`.
#[diagnostic::on_unimplemented(
    message = "this component has no requests and limits: add `.resources(Resources::new(cpu!(\"250m\"), cpu!(\"1\"), memory!(\"256Mi\"), memory!(\"1Gi\")))` before `.build()`",
    label = "`.resources(..)` is missing",
    note = "every container gets CPU and memory requests and limits; a component needs `.name(..)`, `.image(..)`, `.resources(..)` and `.workload(..)`"
)]
pub trait ResourcesSet {
    #[doc(hidden)]
    fn take(self) -> Resources;
}
impl ResourcesSet for Resources {
    fn take(self) -> Resources {
        self
    }
}

/// A kind of workload, set by `.workload(..)`; decides what
/// [`build`](ComponentBuilder::build) returns.
#[diagnostic::on_unimplemented(
    message = "this component has no workload: add `.workload(..)` before `.build()`",
    label = "`.workload(..)` is missing or not a workload",
    note = "a workload is an `HttpService`, `Worker`, `BatchJob`, `ScheduledJob`, `StatefulCluster`, `NodeAgent` or `StatefulService`, each made with its `::builder()…build()`"
)]
pub trait WorkloadKind: Declares {
    #[doc(hidden)]
    fn into_workload(self) -> Workload;
}

/// What a component with a workload of this type is: an [`HttpComponent`] for an
/// [`HttpService`], a [`Component`] otherwise. (Also defined for [`Unset`], so that a
/// missing workload is reported by [`WorkloadKind`]'s message rather than as a method
/// that does not exist.)
pub trait Declares {
    /// The type [`build`](ComponentBuilder::build) returns.
    type Declared: Into<Component>;
    #[doc(hidden)]
    fn declared(component: Component) -> Self::Declared;
}

impl WorkloadKind for HttpService {
    fn into_workload(self) -> Workload {
        Workload::Http(self)
    }
}

impl Declares for HttpService {
    type Declared = HttpComponent;
    fn declared(component: Component) -> HttpComponent {
        HttpComponent::new(component)
    }
}

macro_rules! plain_workload {
    ($($ty:ty),+) => {$(
        impl WorkloadKind for $ty {
            fn into_workload(self) -> Workload {
                self.into()
            }
        }
    )+};
}

plain_workload!(
    Worker,
    BatchJob,
    ScheduledJob,
    StatefulCluster,
    NodeAgent,
    StatefulService,
    Workload
);

macro_rules! declares_component {
    ($($ty:ty),+) => {$(
        impl Declares for $ty {
            type Declared = Component;
            fn declared(component: Component) -> Component {
                component
            }
        }
    )+};
}

declares_component!(
    Worker,
    BatchJob,
    ScheduledJob,
    StatefulCluster,
    NodeAgent,
    StatefulService,
    Workload,
    Unset
);

impl<N, I, R, W> ComponentBuilder<N, I, R, W> {
    /// Component name; objects are named `<app>-<component>`.
    pub fn name(self, name: Name) -> ComponentBuilder<Name, I, R, W> {
        ComponentBuilder {
            declared_at: self.declared_at,
            name,
            image: self.image,
            resources: self.resources,
            workload: self.workload,
            optional: self.optional,
        }
    }

    /// Container image (always pinned by tag or digest).
    #[track_caller]
    pub fn image(self, image: Image) -> ComponentBuilder<N, Image, R, W> {
        ComponentBuilder {
            declared_at: self.declared_at,
            name: self.name,
            image,
            resources: self.resources,
            workload: self.workload,
            optional: self.optional.set(Setting::Image),
        }
    }

    /// Requests and limits.
    #[track_caller]
    pub fn resources(self, resources: Resources) -> ComponentBuilder<N, I, Resources, W> {
        ComponentBuilder {
            declared_at: self.declared_at,
            name: self.name,
            image: self.image,
            resources,
            workload: self.workload,
            optional: self.optional.set(Setting::Resources),
        }
    }

    /// What kind of workload this is: an [`HttpService`], [`Worker`], [`BatchJob`],
    /// [`ScheduledJob`] or [`StatefulCluster`].
    #[track_caller]
    pub fn workload<T: WorkloadKind>(self, workload: T) -> ComponentBuilder<N, I, R, T> {
        ComponentBuilder {
            declared_at: self.declared_at,
            name: self.name,
            image: self.image,
            resources: self.resources,
            workload,
            optional: self.optional.set(Setting::Workload),
        }
    }

    /// Overrides the image's entrypoint.
    #[track_caller]
    pub fn command(mut self, command: Vec<String>) -> Self {
        self.optional
            .set_at
            .insert(Setting::Command, Location::caller());
        self.optional.command = command;
        self
    }

    /// Overrides the image's arguments.
    #[track_caller]
    pub fn args(mut self, args: Vec<String>) -> Self {
        self.optional
            .set_at
            .insert(Setting::Args, Location::caller());
        self.optional.args = args;
        self
    }

    /// Environment variables.
    #[track_caller]
    pub fn env(mut self, env: Vec<EnvVar>) -> Self {
        self.optional
            .set_at
            .insert(Setting::Env, Location::caller());
        self.optional.env = env;
        self
    }

    /// Load every key of the app's ConfigMap as environment variables.
    #[track_caller]
    pub fn env_from_config(mut self, yes: bool) -> Self {
        self.optional
            .set_at
            .insert(Setting::EnvFromConfig, Location::caller());
        self.optional.env_from_config = yes;
        self
    }

    /// Writable directories (the root filesystem is read-only).
    #[track_caller]
    pub fn writable_dirs(mut self, dirs: Vec<WritableDir>) -> Self {
        self.optional
            .set_at
            .insert(Setting::WritableDirs, Location::caller());
        self.optional.writable_dirs = dirs;
        self
    }

    /// Declared dependencies and components this component connects to (each opens
    /// egress, and a component admits it): `.talks_to([&postgres, &redis])`. A
    /// dependency passed here is one of the app's: it need not also be passed to
    /// `App::builder().dependencies(..)`. Repeated
    /// calls add to the list, so dependencies and components can be passed separately.
    #[track_caller]
    pub fn talks_to<P: TalksTo>(mut self, peers: impl IntoIterator<Item = P>) -> Self {
        self.optional
            .set_at
            .insert(Setting::TalksTo, Location::caller());
        for peer in peers {
            self.optional.talks_to.push(peer.peer_name());
            if let Some(dependency) = peer.dependency() {
                self.optional.dependencies.push(dependency);
            }
        }
        self
    }

    /// Kubernetes API permissions. The service-account token is mounted only when this
    /// is not empty.
    #[track_caller]
    pub fn api_access(mut self, rules: Vec<AccessRule>) -> Self {
        self.optional
            .set_at
            .insert(Setting::ApiAccess, Location::caller());
        self.optional.api_access = rules;
        self
    }

    /// Non-root identity (default uid/gid 65532).
    #[track_caller]
    pub fn run_as(mut self, run_as: RunAs) -> Self {
        self.optional
            .set_at
            .insert(Setting::RunAs, Location::caller());
        self.optional.run_as = run_as;
        self
    }

    /// Annotations on the component's ServiceAccount (cloud workload identity).
    #[track_caller]
    pub fn service_account_annotations(mut self, annotations: BTreeMap<String, String>) -> Self {
        self.optional
            .set_at
            .insert(Setting::ServiceAccountAnnotations, Location::caller());
        self.optional.service_account_annotations = annotations;
        self
    }

    /// Configuration files mounted read-only from ConfigMaps (pods roll when they change).
    #[track_caller]
    pub fn files(mut self, files: Vec<ConfigFiles>) -> Self {
        self.optional
            .set_at
            .insert(Setting::Files, Location::caller());
        self.optional.files = files;
        self
    }

    /// Jobs this component creates through the Kubernetes API (grants exactly that).
    #[track_caller]
    pub fn spawns_jobs(mut self, jobs: SpawnedJobs) -> Self {
        self.optional
            .set_at
            .insert(Setting::SpawnsJobs, Location::caller());
        self.optional.spawns_jobs = Some(jobs);
        self
    }

    /// Runs the pods only on nodes labelled `key=value` (`nodeSelector`). Repeated
    /// calls add labels (all must match); a repeated key keeps the last value.
    ///
    /// ```
    /// use dsl::*;
    /// # let http = NamedPort::new(port_name!("http"), port!(8080));
    /// let api = Component::builder()
    ///     .name(name!("api"))
    ///     .image(image!("ghcr.io/acme/shop:1.4.2"))
    ///     .resources(Resources::new(cpu!("250m"), cpu!("1"), memory!("256Mi"), memory!("1Gi")))
    /// #   .workload(HttpService::builder().port(http.clone())
    /// #       .probes(Probes::http(&http, http_path!("/live"), http_path!("/ready")))
    /// #       .replicas(Replicas::Fixed(2)).build())
    ///     .node_selector(label_key!("kubernetes.io/arch"), label_value!("arm64"))
    ///     .tolerate(Toleration::exists(label_key!("example.com/arm"), TaintEffect::NoSchedule))
    ///     .priority_class(name!("business-critical"))
    ///     .build();
    /// assert_eq!(api.node_selector.len(), 1);
    /// assert_eq!(api.tolerations.len(), 1);
    /// ```
    #[track_caller]
    pub fn node_selector(mut self, key: LabelKey, value: LabelValue) -> Self {
        self.optional
            .set_at
            .insert(Setting::NodeSelector, Location::caller());
        self.optional.node_selector.insert(key, value);
        self
    }

    /// Lets the pods run on nodes with a matching taint (`tolerations`). Repeated calls
    /// add tolerations.
    #[track_caller]
    pub fn tolerate(mut self, toleration: Toleration) -> Self {
        self.optional
            .set_at
            .insert(Setting::Tolerations, Location::caller());
        self.optional.tolerations.push(toleration);
        self
    }

    /// Adds every toleration of `tolerations`, e.g. [`Toleration::everything`] for a
    /// node agent.
    pub fn tolerate_all(mut self, tolerations: impl IntoIterator<Item = Toleration>) -> Self {
        self.optional.tolerations.extend(tolerations);
        self
    }

    /// The PriorityClass of the pods (`priorityClassName`); the class itself is a
    /// cluster object kairn does not create.
    #[track_caller]
    pub fn priority_class(mut self, class: Name) -> Self {
        self.optional
            .set_at
            .insert(Setting::PriorityClass, Location::caller());
        self.optional.priority_class = Some(class);
        self
    }

    /// Seconds the pods get between `SIGTERM` and `SIGKILL`
    /// (`terminationGracePeriodSeconds`, Kubernetes default 30). A
    /// [`pre_stop`](Self::pre_stop) hook runs within this time.
    ///
    /// ```
    /// use dsl::*;
    /// # let http = NamedPort::new(port_name!("http"), port!(8080));
    /// let api = Component::builder()
    ///     .name(name!("api"))
    ///     .image(image!("ghcr.io/acme/shop:1.4.2"))
    ///     .resources(Resources::new(cpu!("250m"), cpu!("1"), memory!("256Mi"), memory!("1Gi")))
    /// #   .workload(HttpService::builder().port(http.clone())
    /// #       .probes(Probes::http(&http, http_path!("/live"), http_path!("/ready")))
    /// #       .replicas(Replicas::Fixed(2)).build())
    ///     .termination_grace_period_seconds(60)
    ///     .pre_stop(PreStop::Sleep { seconds: 10 })
    ///     .build();
    /// assert_eq!(api.pre_stop, Some(PreStop::Sleep { seconds: 10 }));
    /// ```
    #[track_caller]
    pub fn termination_grace_period_seconds(mut self, seconds: u32) -> Self {
        self.optional
            .set_at
            .insert(Setting::TerminationGracePeriod, Location::caller());
        self.optional.termination_grace_period_seconds = Some(seconds);
        self
    }

    /// What the main container does before it is sent `SIGTERM` (`lifecycle.preStop`).
    #[track_caller]
    pub fn pre_stop(mut self, pre_stop: PreStop) -> Self {
        self.optional
            .set_at
            .insert(Setting::PreStop, Location::caller());
        self.optional.pre_stop = Some(pre_stop);
        self
    }

    /// Adds an init container: it runs to completion before the main container starts;
    /// init containers and sidecars start one after the other in the order they were
    /// added. See [`crate::model::container`].
    ///
    /// ```
    /// use dsl::*;
    /// # let http = NamedPort::new(port_name!("http"), port!(8080));
    /// let small = Resources::new(cpu!("10m"), cpu!("100m"), memory!("32Mi"), memory!("64Mi"));
    /// let otel = NamedPort::new(port_name!("otlp"), port!(4317));
    /// let api = Component::builder()
    ///     .name(name!("api"))
    ///     .image(image!("ghcr.io/acme/shop:1.4.2"))
    ///     .resources(Resources::new(cpu!("250m"), cpu!("1"), memory!("256Mi"), memory!("1Gi")))
    /// #   .workload(HttpService::builder().port(http.clone())
    /// #       .probes(Probes::http(&http, http_path!("/live"), http_path!("/ready")))
    /// #       .replicas(Replicas::Fixed(2)).build())
    ///     .init_container(
    ///         Container::builder()
    ///             .name(name!("migrate"))
    ///             .image(image!("ghcr.io/acme/shop:1.4.2"))
    ///             .resources(small)
    ///             .args(vec!["migrate".into()])
    ///             .build(),
    ///     )
    ///     .sidecar(
    ///         Container::builder()
    ///             .name(name!("otel"))
    ///             .image(image!("otel/opentelemetry-collector:0.110.0"))
    ///             .resources(small)
    ///             .port(otel.clone())
    ///             .probes(Probes::builder()
    ///                 .liveness(Probe::builder().check(Check::tcp(&otel)).build())
    ///                 .readiness(Probe::builder().check(Check::grpc(&otel)).build())
    ///                 .build())
    ///             .build(),
    ///     )
    ///     .build();
    /// assert_eq!(api.containers.len(), 2);
    /// ```
    pub fn init_container(mut self, container: Container) -> Self {
        self.optional.containers.push(PodContainer {
            role: ContainerRole::Init,
            container,
        });
        self
    }

    /// Adds a native sidecar: an init container with `restartPolicy: Always`
    /// (Kubernetes 1.29 or later) that starts before the main container, keeps running
    /// beside it, may have probes (startup included) and stops after it. For older
    /// clusters see [`SidecarMode::Legacy`](crate::SidecarMode::Legacy).
    pub fn sidecar(mut self, container: Container) -> Self {
        self.optional.containers.push(PodContainer {
            role: ContainerRole::Sidecar,
            container,
        });
        self
    }

    /// Adds a further regular container, started together with the main container.
    pub fn container(mut self, container: Container) -> Self {
        self.optional.containers.push(PodContainer {
            role: ContainerRole::Regular,
            container,
        });
        self
    }

    /// The component: an [`HttpComponent`] when the workload is an [`HttpService`]
    /// (it can be routed to), a [`Component`] otherwise. Each of `.name(..)`,
    /// `.image(..)`, `.resources(..)` and `.workload(..)` must have been called.
    pub fn build(self) -> <W as Declares>::Declared
    where
        N: NameSet,
        I: ImageSet,
        R: ResourcesSet,
        W: WorkloadKind,
    {
        let o = self.optional;
        let mut workload = self.workload.into_workload();
        workload.declare_referenced_ports(&o.containers);
        W::declared(Component {
            declared_at: self.declared_at,
            name: self.name.take(),
            image: self.image.take(),
            resources: self.resources.take(),
            workload,
            command: o.command,
            args: o.args,
            env: o.env,
            env_from_config: o.env_from_config,
            writable_dirs: o.writable_dirs,
            talks_to: o.talks_to,
            dependencies: o.dependencies,
            api_access: o.api_access,
            run_as: o.run_as,
            service_account_annotations: o.service_account_annotations,
            files: o.files,
            spawns_jobs: o.spawns_jobs,
            node_selector: o.node_selector,
            tolerations: o.tolerations,
            priority_class: o.priority_class,
            termination_grace_period_seconds: o.termination_grace_period_seconds,
            pre_stop: o.pre_stop,
            pod: o.pod,
            set_at: o.set_at,
            customizations: Vec::new(),
            containers: o.containers,
            kept: None,
            open_network: None,
        })
    }
}
