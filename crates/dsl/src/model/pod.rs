//! Container-level settings shared by every kind of component.

use crate::primitives::port::{DeclaredPort, NamedPort, PortRef};
use crate::primitives::quantity::{Cpu, Memory, Storage};
use crate::primitives::text::{HttpPath, Name};

/// CPU and memory requests and limits. Every container gets both, unless they were
/// declared [as the source has them](Resources::as_source), with a reason.
///
/// ```
/// use dsl::{Resources, cpu, memory};
/// let r = Resources::new(cpu!("250m"), cpu!("1"), memory!("256Mi"), memory!("1Gi"));
/// assert_eq!(r.cpu_limit.map(|c| c.to_string()).as_deref(), Some("1"));
/// assert_eq!(r.as_source, None);
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive] // made by `Resources::new` or `Resources::as_source`
pub struct Resources {
    /// CPU the scheduler reserves.
    pub cpu_request: Option<Cpu>,
    /// CPU ceiling (throttled above).
    pub cpu_limit: Option<Cpu>,
    /// Memory the scheduler reserves.
    pub memory_request: Option<Memory>,
    /// Memory ceiling (OOM-killed above).
    pub memory_limit: Option<Memory>,
    /// Why these are the source's values, some possibly absent (set by
    /// [`Resources::as_source`], written into `kairn.dev/resources-as-source`); `None`
    /// for [`Resources::new`], which sets all four.
    pub as_source: Option<&'static str>,
}

impl Resources {
    /// Requests and limits, in the order requests-cpu, limits-cpu, requests-memory, limits-memory.
    /// A request above its limit is reported at emit time (rule `requests-exceed-limits`).
    pub const fn new(
        cpu_request: Cpu,
        cpu_limit: Cpu,
        memory_request: Memory,
        memory_limit: Memory,
    ) -> Self {
        Resources {
            cpu_request: Some(cpu_request),
            cpu_limit: Some(cpu_limit),
            memory_request: Some(memory_request),
            memory_limit: Some(memory_limit),
            as_source: None,
        }
    }
}

/// What a probe checks.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Check {
    /// `GET path` on a named container port; success is 2xx/3xx.
    Http {
        /// Request path.
        path: HttpPath,
        /// A declared container port (made from its [`NamedPort`]).
        port: PortRef,
    },
    /// A TCP connect on a named container port.
    Tcp {
        /// A declared container port (made from its [`NamedPort`]).
        port: PortRef,
    },
    /// A command run in the container; exit 0 is success. Build it with
    /// [`Check::exec`], which always has a program (an empty command is rule
    /// `pod-containers` at emit time).
    Exec(Vec<String>),
    /// A gRPC health check (`grpc.health.v1.Health/Check`) on a declared port.
    /// Kubernetes gRPC probes take a port number, not a name: the [`NamedPort`]'s number
    /// is rendered.
    Grpc {
        /// The declared container port serving gRPC.
        port: NamedPort,
        /// The service name sent in the health request; `None` asks about the server
        /// as a whole.
        service: Option<String>,
    },
}

impl Check {
    /// `GET path` on a declared port: `Check::http(http_path!("/live"), &http)`.
    pub fn http(path: HttpPath, port: impl DeclaredPort) -> Self {
        Check::Http {
            path,
            port: port.port_ref(),
        }
    }

    /// A TCP connect on a declared port: `Check::tcp(&raft)`.
    ///
    /// ```
    /// use dsl::*;
    /// let redis = NamedPort::new(port_name!("redis"), port!(6379));
    /// let probes = Probes::builder()
    ///     .liveness(Probe::builder().check(Check::tcp(&redis)).build())
    ///     .readiness(Probe::builder().check(Check::exec("/usr/local/bin/redis-cli", ["ping"])).build())
    ///     .build();
    /// assert_eq!(probes.liveness.check, Check::Tcp { port: redis.reference() });
    /// ```
    pub fn tcp(port: impl DeclaredPort) -> Self {
        Check::Tcp {
            port: port.port_ref(),
        }
    }

    /// A command run in the container, a program and its arguments (exit 0 is success):
    /// `Check::exec("/bin/pg_isready", ["-h", "localhost"])`. No shell is involved.
    ///
    /// ```
    /// use dsl::*;
    /// let check = Check::exec("/bin/redis-cli", ["ping"]);
    /// assert_eq!(check, Check::Exec(vec!["/bin/redis-cli".into(), "ping".into()]));
    /// let probe = Probe::builder().check(check).period_seconds(5).build();
    /// assert_eq!(probe.period_seconds, 5);
    /// ```
    pub fn exec<S: Into<String>>(
        program: impl Into<String>,
        args: impl IntoIterator<Item = S>,
    ) -> Self {
        Check::Exec(
            std::iter::once(program.into())
                .chain(args.into_iter().map(Into::into))
                .collect(),
        )
    }

    /// A gRPC health check on a declared port, rendered with the port's number
    /// (`grpc: {port: 9090}`); Kubernetes 1.27 or later.
    ///
    /// ```
    /// use dsl::*;
    /// let grpc = NamedPort::new(port_name!("grpc"), port!(9090));
    /// let live = Check::grpc(&grpc);
    /// let ready = Check::grpc_service(&grpc, "shop.Orders");
    /// assert_eq!(ready, Check::Grpc { port: grpc, service: Some("shop.Orders".into()) });
    /// assert_ne!(live, ready);
    /// ```
    pub fn grpc(port: &NamedPort) -> Self {
        Check::Grpc {
            port: port.clone(),
            service: None,
        }
    }

    /// A gRPC health check of one service (the `service` field of the health request).
    pub fn grpc_service(port: &NamedPort, service: impl Into<String>) -> Self {
        Check::Grpc {
            port: port.clone(),
            service: Some(service.into()),
        }
    }

    /// The container port the check connects to (none for an exec check).
    pub fn port(&self) -> Option<&NamedPort> {
        match self {
            Check::Http { port, .. } | Check::Tcp { port } => Some(port.port()),
            Check::Grpc { port, .. } => Some(port),
            Check::Exec(_) => None,
        }
    }
}

/// One probe with its timing.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Probe {
    /// What is checked.
    pub check: Check,
    /// Seconds before the first check.
    pub initial_delay_seconds: i32,
    /// Seconds between checks.
    pub period_seconds: i32,
    /// Seconds before a check times out.
    pub timeout_seconds: i32,
    /// Consecutive failures before the probe fails.
    pub failure_threshold: i32,
}

/// Liveness and readiness probes, plus an optional startup probe for slow starters.
///
/// [`Probes::builder`] requires both: a liveness probe without a readiness probe
/// sends traffic to pods that cannot serve it. A pod no Service routes to (a
/// [`Worker`](crate::Worker), a [`NodeAgent`](crate::NodeAgent), a further
/// [`Container`](crate::Container)) may have a liveness probe alone, made by
/// [`Probes::liveness_only`]; an [`HttpService`](crate::HttpService), a
/// [`StatefulService`](crate::StatefulService) and a
/// [`StatefulCluster`](crate::StatefulCluster) do not take one (a compile error).
///
/// ```
/// use dsl::*;
/// let http = NamedPort::new(port_name!("http"), port!(8080));
/// // Up to 30 x 10 s for the first start before liveness takes over.
/// let probes = Probes::http(&http, http_path!("/live"), http_path!("/ready")).with_startup(
///     Probe::builder()
///         .check(Check::http(http_path!("/started"), &http))
///         .failure_threshold(30)
///         .build(),
/// );
/// assert_eq!(probes.startup.map(|p| p.failure_threshold), Some(30));
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Probes {
    /// Restarts the container when it fails.
    pub liveness: Probe,
    /// Removes the pod from Service endpoints when it fails; `None` only through
    /// [`Probes::liveness_only`] (no `readinessProbe` is rendered).
    pub readiness: Option<Probe>,
    /// Holds the other probes back until the application has started.
    pub startup: Option<Probe>,
}

impl Probes {
    /// HTTP liveness and readiness probes on one declared port with default timings:
    /// `Probes::http(&http, http_path!("/live"), http_path!("/ready"))`.
    pub fn http(port: impl DeclaredPort, liveness: HttpPath, readiness: HttpPath) -> Self {
        let port = port.port_ref();
        Probes {
            liveness: Probe::builder()
                .check(Check::Http {
                    path: liveness,
                    port: port.clone(),
                })
                .build(),
            readiness: Some(
                Probe::builder()
                    .check(Check::Http {
                        path: readiness,
                        port,
                    })
                    .build(),
            ),
            startup: None,
        }
    }

    /// A liveness probe alone, for a pod no Service routes to (readiness only decides
    /// whether a pod receives Service traffic): typically an exec check of a worker,
    /// a node agent or a sidecar. Take it to [`Worker`](crate::Worker),
    /// [`NodeAgent`](crate::NodeAgent) or [`Container`](crate::Container) `.probes(..)`;
    /// a workload behind a Service needs [`Probes::builder`] with a readiness probe.
    ///
    /// ```
    /// use dsl::*;
    /// let live = Probes::liveness_only(
    ///     Probe::builder().check(Check::exec("/app/healthcheck", ["--live"])).build(),
    /// );
    /// let worker = Worker::builder().replicas(Replicas::Fixed(1)).probes(live).build();
    /// assert_eq!(worker.probes.unwrap().readiness, None);
    /// ```
    pub fn liveness_only(liveness: Probe) -> LivenessOnly {
        LivenessOnly(Probes {
            liveness,
            readiness: None,
            startup: None,
        })
    }

    /// Every probe, with the name its field has (`liveness`, `readiness`, `startup`).
    pub fn all(&self) -> impl Iterator<Item = (&'static str, &Probe)> {
        std::iter::once(("liveness", &self.liveness))
            .chain(self.readiness.iter().map(|p| ("readiness", p)))
            .chain(self.startup.iter().map(|p| ("startup", p)))
    }

    /// The container ports the probes connect to, in probe order.
    pub fn ports(&self) -> impl Iterator<Item = &NamedPort> {
        self.all().filter_map(|(_, p)| p.check.port())
    }

    /// Adds a startup probe (`startupProbe`): liveness and readiness checks wait until
    /// it succeeds once, so a slow first start is not killed by the liveness probe.
    pub fn with_startup(mut self, startup: Probe) -> Self {
        self.startup = Some(startup);
        self
    }
}

/// A liveness probe without a readiness probe ([`Probes::liveness_only`]): for a
/// pod no Service routes to.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LivenessOnly(Probes);

impl LivenessOnly {
    /// Adds a startup probe (see [`Probes::with_startup`]).
    pub fn with_startup(self, startup: Probe) -> Self {
        LivenessOnly(self.0.with_startup(startup))
    }
}

mod sealed {
    pub trait Sealed {}
    impl Sealed for super::Probes {}
    impl Sealed for super::LivenessOnly {}
}

/// Probes a pod that is behind a Service takes: [`Probes`] with a readiness probe
/// (the Service sends traffic to a pod once it is ready).
#[diagnostic::on_unimplemented(
    message = "this workload is behind a Service, which routes by readiness: give it liveness and readiness probes, not `{Self}`",
    label = "expected `Probes` with a readiness probe",
    note = "write `Probes::http(&http, http_path!(\"/live\"), http_path!(\"/ready\"))` or `Probes::builder().liveness(..).readiness(..).build()`; `Probes::liveness_only(..)` is for workers, node agents and further containers"
)]
pub trait ServingProbes: sealed::Sealed {
    /// The probes.
    fn into_probes(self) -> Probes;
}

impl ServingProbes for Probes {
    fn into_probes(self) -> Probes {
        self
    }
}

/// Probes a pod no Service routes to takes: [`Probes`], or a liveness probe alone
/// ([`Probes::liveness_only`]).
#[diagnostic::on_unimplemented(
    message = "`.probes(..)` takes `Probes` or `Probes::liveness_only(..)`, not `{Self}`",
    label = "expected probes",
    note = "write `Probes::builder().liveness(..).readiness(..).build()`, or `Probes::liveness_only(Probe::builder().check(Check::exec(..)).build())`"
)]
pub trait PodProbes: sealed::Sealed {
    /// The probes.
    fn into_probes(self) -> Probes;
}

impl PodProbes for Probes {
    fn into_probes(self) -> Probes {
        self
    }
}

impl PodProbes for LivenessOnly {
    fn into_probes(self) -> Probes {
        self.0
    }
}

/// What the main container does before it is sent `SIGTERM` (`lifecycle.preStop`),
/// e.g. waiting until Service endpoints and load balancers have stopped routing to it.
/// It counts against the termination grace period (30 s unless set on the component):
/// a sleep as long as the grace period leaves the process no time to shut down, which
/// the validator reports (`pre-stop-beyond-grace`).
///
/// ```
/// use dsl::*;
/// let drain = PreStop::Sleep { seconds: 5 };
/// let flush = PreStop::Exec(vec!["/bin/app".into(), "flush".into()]);
/// assert_ne!(drain, flush);
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum PreStop {
    /// Waits this many seconds (the kubelet's `sleep` action, Kubernetes 1.30 or later;
    /// needs no shell in the image).
    Sleep {
        /// Seconds to wait.
        seconds: u32,
    },
    /// Runs a command in the container.
    Exec(Vec<String>),
}

/// A writable directory backed by an `emptyDir` volume (the root filesystem is read-only).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct WritableDir {
    /// Volume name (unique within the pod).
    pub name: Name,
    /// Absolute mount path in the container.
    pub mount_path: String,
    /// Upper bound on what may be written there.
    pub size_limit: Storage,
    /// Back the directory with RAM (`medium: Memory`).
    pub in_memory: bool,
}

impl WritableDir {
    /// A disk-backed scratch directory.
    pub fn new(name: Name, mount_path: impl Into<String>, size_limit: Storage) -> Self {
        WritableDir {
            name,
            mount_path: mount_path.into(),
            size_limit,
            in_memory: false,
        }
    }

    /// The conventional `/tmp` scratch directory.
    pub fn tmp(size_limit: Storage) -> Self {
        WritableDir::new(crate::name!("tmp"), "/tmp", size_limit)
    }

    /// Backs the directory with RAM (`medium: Memory`, a tmpfs): fast, gone with the
    /// pod, and what is written counts against the container's memory limit.
    ///
    /// ```
    /// let scratch = dsl::WritableDir::tmp(dsl::storage!("64Mi")).memory_backed();
    /// assert!(scratch.in_memory);
    /// ```
    pub fn memory_backed(mut self) -> Self {
        self.in_memory = true;
        self
    }
}

/// The non-root identity pods run as. Build it with [`run_as!`](crate::run_as) so that
/// uid or gid 0 fails the build. The one way to root is a node agent's declared
/// [`HostAccess::run_as_root`](crate::HostAccess::run_as_root), with a reason.
///
/// ```
/// let id = dsl::run_as!(1000, 1000);
/// assert_eq!((id.user(), id.group()), (1000, 1000));
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RunAs {
    user: i64,
    group: i64,
}

impl RunAs {
    /// Builds an identity; uid or gid 0 (root) is a compile error in `const` context.
    /// Prefer [`run_as!`](crate::run_as), which always evaluates in `const` context.
    pub const fn new(user: i64, group: i64) -> Self {
        if user <= 0 || group <= 0 {
            panic!("pods must run as a non-root user and group (id > 0)");
        }
        RunAs { user, group }
    }

    /// `runAsUser`.
    pub const fn user(self) -> i64 {
        self.user
    }

    /// `runAsGroup` and `fsGroup`.
    pub const fn group(self) -> i64 {
        self.group
    }
}

impl Default for RunAs {
    /// uid/gid 65532, the conventional `nonroot` user of distroless images.
    fn default() -> Self {
        RunAs {
            user: 65532,
            group: 65532,
        }
    }
}

/// A non-root pod identity checked at compile time: `run_as!(1000, 1000)`.
#[macro_export]
macro_rules! run_as {
    ($user:literal, $group:literal) => {{
        const VALUE: $crate::RunAs = $crate::RunAs::new($user, $group);
        VALUE
    }};
}

/// How pods of one component spread over the cluster.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Spread {
    /// No constraint.
    #[default]
    None,
    /// Prefer different nodes (soft anti-affinity on `kubernetes.io/hostname`).
    AcrossNodes,
    /// Require zones to be balanced (`maxSkew: 1` on `topology.kubernetes.io/zone`,
    /// `whenUnsatisfiable: DoNotSchedule`), and prefer different nodes.
    ///
    /// Strict: a pod that would unbalance the zones stays Pending, and so does every pod
    /// on a cluster whose nodes carry no zone label (kind, minikube, many on-premises
    /// clusters). Use [`AcrossZonesBestEffort`](Self::AcrossZonesBestEffort) there.
    AcrossZones,
    /// Prefer balanced zones (`whenUnsatisfiable: ScheduleAnyway`), and prefer different
    /// nodes: pods always schedule, at the price of zones possibly ending up unbalanced
    /// (e.g. while one zone is out of capacity, or on a cluster without zone labels).
    AcrossZonesBestEffort,
}

impl Spread {
    /// The `whenUnsatisfiable` of the zone constraint, if the mode spreads over zones.
    pub const fn zone_constraint(self) -> Option<&'static str> {
        match self {
            Spread::AcrossZones => Some("DoNotSchedule"),
            Spread::AcrossZonesBestEffort => Some("ScheduleAnyway"),
            Spread::None | Spread::AcrossNodes => None,
        }
    }
}

/// An extra named port a component exposes in addition to its main one.
pub type ExtraPort = NamedPort;
