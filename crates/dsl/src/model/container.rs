//! Further containers of a component's pod: init containers, native sidecars and
//! additional regular containers.
//!
//! Every [`Container`] gets the same hardened settings as the component's main
//! container: read-only root filesystem, non-root, all capabilities dropped, no
//! privilege escalation, the pod's RuntimeDefault seccomp profile, requests and limits.
//!
//! - [`ComponentBuilder::init_container`](crate::ComponentBuilder::init_container): runs
//!   to completion before the main container starts; init containers (and sidecars) start
//!   in the order they were added.
//! - [`ComponentBuilder::sidecar`](crate::ComponentBuilder::sidecar): a **native
//!   sidecar**, an init container with `restartPolicy: Always` (Kubernetes 1.29 or
//!   later): it starts before the main container (after the init containers added before
//!   it), may have liveness, readiness and startup probes, is stopped after the main
//!   container, and does not keep a Job from completing.
//! - [`ComponentBuilder::container`](crate::ComponentBuilder::container): one more
//!   regular container, started together with the main one.
//!
//! **Clusters older than 1.29** do not know `restartPolicy` on init containers (1.28
//! needs the `SidecarContainers` feature gate; older API servers drop the field, so the
//! "sidecar" would run to completion first and block the pod). Declare such an
//! environment with [`SidecarMode::Legacy`] on the app: sidecars are then rendered as
//! regular containers after the main one, with these caveats: there is no start
//! order (the main container may start before its sidecar is ready), no stop order, and
//! a Job's pod never completes while a sidecar keeps running, so a legacy sidecar on a
//! [`BatchJob`](crate::BatchJob) or [`ScheduledJob`](crate::ScheduledJob) is refused at
//! emit time (rule `legacy-sidecar-job`).
//!
//! **Ports** of further containers are container ports of the pod and stay pod-internal
//! by default: neither the component's Service nor its NetworkPolicy opens them. A port
//! declared with [`ContainerBuilder::serves`] is served like the component's own ports: added to
//! its Service (when it has one) and opened to the components that `talks_to` it. A
//! [`Metrics`](crate::Metrics) endpoint may be a sidecar's port (a metrics exporter): it
//! is added to the Service for the ServiceMonitor and opened to Prometheus only.
//! Port names and numbers are unique in the pod (one network namespace): a repeated name
//! is rule `duplicate-port`, a repeated number rule `pod-containers`.
//!
//! Rendered by `render/containers.rs` (a native sidecar's port is referred to by number in
//! Services and NetworkPolicies); checked by `validate/containers.rs`. The guide is
//! `docs/containers.md` ([`containers_guide`](crate::containers_guide)).

use super::builder::Unset;
use super::pod::{Probes, Resources, WritableDir};
use crate::primitives::env::EnvVar;
use crate::primitives::image::Image;
use crate::primitives::port::NamedPort;
use crate::primitives::text::Name;

/// One further container of a component's pod, with its own image, resources,
/// command, environment, ports, probes and writable directories.
///
/// ```
/// use dsl::*;
/// let metrics = NamedPort::new(port_name!("exporter"), port!(9121));
/// let exporter = Container::builder()
///     .name(name!("redis-exporter"))
///     .image(image!("oliver006/redis_exporter:v1.62.0"))
///     .resources(Resources::new(cpu!("10m"), cpu!("100m"), memory!("32Mi"), memory!("64Mi")))
///     .args(vec!["--redis.addr=redis://localhost:6379".into()])
///     .port(metrics.clone())
///     .probes(Probes::http(&metrics, http_path!("/health"), http_path!("/health")))
///     .build();
/// assert_eq!(exporter.ports, vec![metrics]);
/// ```
///
/// Name, image and resources are required; leaving one out does not compile (the
/// error says `this container has no image: add .image(..)`):
///
/// ```compile_fail
/// use dsl::*;
/// let no_image = Container::builder()
///     .name(name!("exporter"))
///     .resources(Resources::new(cpu!("10m"), cpu!("100m"), memory!("32Mi"), memory!("64Mi")))
///     .build();
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive] // declare through `Container::builder`
pub struct Container {
    /// Container name, unique in the pod and different from the component's name
    /// (which is the main container's name).
    pub name: Name,
    /// Container image (always pinned by tag or digest).
    pub image: Image,
    /// Requests and limits.
    pub resources: Resources,
    /// Overrides the image's entrypoint.
    pub command: Vec<String>,
    /// Overrides the image's arguments.
    pub args: Vec<String>,
    /// Environment variables (literals, Secret keys, ConfigMap keys, pod fields).
    pub env: Vec<EnvVar>,
    /// Container ports, in declaration order.
    pub ports: Vec<NamedPort>,
    /// The ports (of [`ports`](Self::ports)) served beyond the pod: see
    /// [`ContainerBuilder::serves`].
    pub served: Vec<NamedPort>,
    /// Probes (sidecars and regular containers only: an init container that runs to
    /// completion may not have probes, rule `init-container-probe`).
    pub probes: Option<Probes>,
    /// Writable directories (the root filesystem is read-only). A directory with the
    /// same name and settings as one of the main container's (or another container's)
    /// is one shared `emptyDir` volume.
    pub writable_dirs: Vec<WritableDir>,
}

impl Container {
    /// Starts declaring a container: `.name(..)`, `.image(..)` and `.resources(..)` are
    /// required (in any order), then optional settings and `.build()`.
    pub fn builder() -> ContainerBuilder {
        ContainerBuilder {
            name: Unset,
            image: Unset,
            resources: Unset,
            optional: ContainerOptional::default(),
        }
    }
}

/// Declares a [`Container`]: [`Container::builder`], then `.name(..)`, `.image(..)`
/// and `.resources(..)` (required, in any order), optional settings, and
/// [`build`](Self::build). A missing required setting is a compile error that names it.
#[derive(Clone, Debug)]
#[must_use = "a container builder does nothing until `.build()`"]
pub struct ContainerBuilder<N = Unset, I = Unset, R = Unset> {
    name: N,
    image: I,
    resources: R,
    optional: ContainerOptional,
}

/// The settings of a container with defaults.
#[derive(Clone, Debug, Default)]
struct ContainerOptional {
    command: Vec<String>,
    args: Vec<String>,
    env: Vec<EnvVar>,
    ports: Vec<NamedPort>,
    served: Vec<NamedPort>,
    probes: Option<Probes>,
    writable_dirs: Vec<WritableDir>,
}

/// Set by `.name(..)` on a [`ContainerBuilder`].
#[diagnostic::on_unimplemented(
    message = "this container has no name: add `.name(name!(\"exporter\"))` before `.build()`",
    label = "`.name(..)` is missing",
    note = "a container needs `.name(..)`, `.image(..)` and `.resources(..)`"
)]
pub trait ContainerNameSet {
    #[doc(hidden)]
    fn take(self) -> Name;
}
impl ContainerNameSet for Name {
    fn take(self) -> Name {
        self
    }
}

/// Set by `.image(..)` on a [`ContainerBuilder`].
#[diagnostic::on_unimplemented(
    message = "this container has no image: add `.image(image!(\"registry/repository:tag\"))` before `.build()`",
    label = "`.image(..)` is missing",
    note = "a container needs `.name(..)`, `.image(..)` and `.resources(..)`"
)]
pub trait ContainerImageSet {
    #[doc(hidden)]
    fn take(self) -> Image;
}
impl ContainerImageSet for Image {
    fn take(self) -> Image {
        self
    }
}

/// Set by `.resources(..)` on a [`ContainerBuilder`].
#[diagnostic::on_unimplemented(
    message = "this container has no requests and limits: add `.resources(Resources::new(cpu!(\"10m\"), cpu!(\"100m\"), memory!(\"32Mi\"), memory!(\"64Mi\")))` before `.build()`",
    label = "`.resources(..)` is missing",
    note = "every container of a pod gets CPU and memory requests and limits; a container needs `.name(..)`, `.image(..)` and `.resources(..)`"
)]
pub trait ContainerResourcesSet {
    #[doc(hidden)]
    fn take(self) -> Resources;
}
impl ContainerResourcesSet for Resources {
    fn take(self) -> Resources {
        self
    }
}

impl<N, I, R> ContainerBuilder<N, I, R> {
    /// Container name, unique in the pod and different from the component's name.
    pub fn name(self, name: Name) -> ContainerBuilder<Name, I, R> {
        ContainerBuilder {
            name,
            image: self.image,
            resources: self.resources,
            optional: self.optional,
        }
    }

    /// Container image (always pinned by tag or digest).
    pub fn image(self, image: Image) -> ContainerBuilder<N, Image, R> {
        ContainerBuilder {
            name: self.name,
            image,
            resources: self.resources,
            optional: self.optional,
        }
    }

    /// Requests and limits.
    pub fn resources(self, resources: Resources) -> ContainerBuilder<N, I, Resources> {
        ContainerBuilder {
            name: self.name,
            image: self.image,
            resources,
            optional: self.optional,
        }
    }

    /// Overrides the image's entrypoint.
    pub fn command(mut self, command: Vec<String>) -> Self {
        self.optional.command = command;
        self
    }

    /// Overrides the image's arguments.
    pub fn args(mut self, args: Vec<String>) -> Self {
        self.optional.args = args;
        self
    }

    /// Environment variables (the same [`EnvVar`]s as a component's, Secret keys included).
    pub fn env(mut self, env: Vec<EnvVar>) -> Self {
        self.optional.env = env;
        self
    }

    /// Declares a pod-internal container port (reachable from the pod's other
    /// containers on `localhost`, and usable by probes and metrics). Repeated calls add ports.
    pub fn port(mut self, port: NamedPort) -> Self {
        self.optional.ports.push(port);
        self
    }

    /// Declares a container port that is served beyond the pod: it is added to the
    /// component's Service (if it has one) and opened in its NetworkPolicy to the
    /// components that `talks_to` it. Not for init containers, which have finished
    /// before the pod serves anything (rule `pod-containers`).
    ///
    /// ```
    /// use dsl::*;
    /// let grpc = NamedPort::new(port_name!("grpc"), port!(9090));
    /// let proxy = Container::builder()
    ///     .name(name!("grpc-proxy"))
    ///     .image(image!("ghcr.io/acme/proxy:3.1.0"))
    ///     .resources(Resources::new(cpu!("50m"), cpu!("200m"), memory!("64Mi"), memory!("128Mi")))
    ///     .serves(grpc.clone())
    ///     .build();
    /// assert_eq!(proxy.served, vec![grpc.clone()]);
    /// assert_eq!(proxy.ports, vec![grpc]);
    /// ```
    pub fn serves(mut self, port: NamedPort) -> Self {
        self.optional.ports.push(port.clone());
        self.optional.served.push(port);
        self
    }

    /// Liveness and readiness (and optionally startup) probes, built from this
    /// container's own [`NamedPort`]s or commands, or a liveness probe alone
    /// ([`Probes::liveness_only`]). A port a probe refers to that `.port(..)` or
    /// `.serves(..)` did not declare is declared on this container by `build()`.
    pub fn probes(mut self, probes: impl crate::model::pod::PodProbes) -> Self {
        self.optional.probes = Some(probes.into_probes());
        self
    }

    /// Adds a writable directory (an `emptyDir` volume).
    pub fn writable_dir(mut self, dir: WritableDir) -> Self {
        self.optional.writable_dirs.push(dir);
        self
    }

    /// The container. Each of `.name(..)`, `.image(..)` and `.resources(..)` must have
    /// been called.
    pub fn build(self) -> Container
    where
        N: ContainerNameSet,
        I: ContainerImageSet,
        R: ContainerResourcesSet,
    {
        let mut o = self.optional;
        if let Some(probes) = &o.probes {
            for p in probes.ports() {
                if !o.ports.iter().any(|d| d.name == p.name) {
                    o.ports.push(p.clone());
                }
            }
        }
        Container {
            name: self.name.take(),
            image: self.image.take(),
            resources: self.resources.take(),
            command: o.command,
            args: o.args,
            env: o.env,
            ports: o.ports,
            served: o.served,
            probes: o.probes,
            writable_dirs: o.writable_dirs,
        }
    }
}

/// What part a further container plays in the pod.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ContainerRole {
    /// Runs to completion before the main container starts.
    Init,
    /// Runs alongside the main container, started before and stopped after it (a
    /// native sidecar, or a regular container under [`SidecarMode::Legacy`]).
    Sidecar,
    /// One more regular container.
    Regular,
}

/// A further container with its role, in the order it was added to the component.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PodContainer {
    /// Init container, sidecar or regular container.
    pub role: ContainerRole,
    /// The container.
    pub container: Container,
}

/// How sidecars are rendered: natively (Kubernetes 1.29 or later) or, for older
/// clusters, as regular containers. Set per environment on the app
/// ([`App::sidecar_mode`](crate::App::sidecar_mode)).
///
/// ```
/// use dsl::*;
/// let app = App::builder()
///     .name(name!("shop"))
///     .environment(name!("legacy"))
///     .namespace(name!("shop"))
///     .components(vec![])
///     .sidecar_mode(SidecarMode::Legacy)
///     .build();
/// assert_eq!(app.sidecar_mode, SidecarMode::Legacy);
/// assert_eq!(SidecarMode::default(), SidecarMode::Native);
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum SidecarMode {
    /// Init containers with `restartPolicy: Always` (Kubernetes 1.29 or later): ordered
    /// start and stop, and Jobs complete when their main container does.
    #[default]
    Native,
    /// Regular containers, for clusters older than 1.29: no start or stop order, and
    /// refused on Jobs and CronJobs (whose pods would never complete).
    Legacy,
}
