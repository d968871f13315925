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
//! declared with [`Container::serves`] is served like the component's own ports: added to
//! its Service (when it has one) and opened to the components that `talks_to` it. A
//! [`Metrics`](crate::Metrics) endpoint may be a sidecar's port (a metrics exporter): it
//! is added to the Service for the ServiceMonitor and opened to Prometheus only.
//! Port names and numbers are unique in the pod (one network namespace): a repeated name
//! is rule `duplicate-port`, a repeated number rule `pod-containers`.

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
/// let exporter = Container::new(
///     name!("redis-exporter"),
///     image!("oliver006/redis_exporter:v1.62.0"),
///     Resources::new(cpu!("10m"), cpu!("100m"), memory!("32Mi"), memory!("64Mi")),
/// )
/// .args(vec!["--redis.addr=redis://localhost:6379".into()])
/// .port(metrics.clone())
/// .probes(Probes::http(&metrics, http_path!("/health"), http_path!("/health")));
/// assert_eq!(exporter.ports, vec![metrics]);
/// ```
///
/// Name, image and resources are required; leaving one out does not compile:
///
/// ```compile_fail
/// use dsl::*;
/// let no_image = Container::new(
///     name!("exporter"),
///     Resources::new(cpu!("10m"), cpu!("100m"), memory!("32Mi"), memory!("64Mi")),
/// );
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive] // declare through `Container::new`
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
    /// The ports (of [`ports`](Self::ports)) served beyond the pod: see [`Container::serves`].
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
    /// A container with its required settings; the rest are set with the methods below.
    pub fn new(name: Name, image: Image, resources: Resources) -> Self {
        Container {
            name,
            image,
            resources,
            command: Vec::new(),
            args: Vec::new(),
            env: Vec::new(),
            ports: Vec::new(),
            served: Vec::new(),
            probes: None,
            writable_dirs: Vec::new(),
        }
    }

    /// Overrides the image's entrypoint.
    pub fn command(mut self, command: Vec<String>) -> Self {
        self.command = command;
        self
    }

    /// Overrides the image's arguments.
    pub fn args(mut self, args: Vec<String>) -> Self {
        self.args = args;
        self
    }

    /// Environment variables (the same [`EnvVar`]s as a component's, Secret keys included).
    pub fn env(mut self, env: Vec<EnvVar>) -> Self {
        self.env = env;
        self
    }

    /// Declares a pod-internal container port (reachable from the pod's other
    /// containers on `localhost`, and usable by probes and metrics). Repeated calls add ports.
    pub fn port(mut self, port: NamedPort) -> Self {
        self.ports.push(port);
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
    /// let proxy = Container::new(
    ///     name!("grpc-proxy"),
    ///     image!("ghcr.io/acme/proxy:3.1.0"),
    ///     Resources::new(cpu!("50m"), cpu!("200m"), memory!("64Mi"), memory!("128Mi")),
    /// )
    /// .serves(grpc.clone());
    /// assert_eq!(proxy.served, vec![grpc.clone()]);
    /// assert_eq!(proxy.ports, vec![grpc]);
    /// ```
    pub fn serves(mut self, port: NamedPort) -> Self {
        self.ports.push(port.clone());
        self.served.push(port);
        self
    }

    /// Liveness and readiness (and optionally startup) probes, built from this
    /// container's own [`NamedPort`]s or commands.
    pub fn probes(mut self, probes: Probes) -> Self {
        self.probes = Some(probes);
        self
    }

    /// Adds a writable directory (an `emptyDir` volume).
    pub fn writable_dir(mut self, dir: WritableDir) -> Self {
        self.writable_dirs.push(dir);
        self
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
