//! Components: the workloads an application is made of.

use std::collections::BTreeMap;
use std::panic::Location;

use k8s_openapi::api::apps::v1::{DaemonSet, Deployment, StatefulSet};
use k8s_openapi::api::batch::v1::{CronJob, Job};
use k8s_openapi::api::core::v1::Service;

use super::builder::ComponentBuilder;
use super::cluster::StatefulCluster;
use super::container::PodContainer;
use super::customize::Customization;
use super::dependency::Dependency;
use super::exposure::Exposure;
use super::files::ConfigFiles;
use super::handles::DependencyRef;
use super::hook::Hook;
use super::jobs::SpawnedJobs;
use super::monitoring::Metrics;
use super::node_agent::{AgentProbes, NodeAgent};
use super::pod::{PreStop, Probes, Resources, RunAs, Spread, WritableDir};
use super::pod_options::PodOptions;
use super::scaling::{Disruption, Replicas};
use super::scheduling::Toleration;
use super::stateful::StatefulService;
use super::storage::ObjectStorage;
use crate::object::ObjectKind;
use crate::primitives::env::EnvVar;
use crate::primitives::image::Image;
use crate::primitives::port::{NamedPort, Port};
use crate::primitives::quantity::Storage;
use crate::primitives::text::{CronSchedule, EnvName, LabelKey, LabelValue, Name, TimeZone};

/// One workload of an application, with everything its container needs.
///
/// ```
/// use dsl::*;
/// let http = NamedPort::new(port_name!("http"), port!(8080));
/// let api = Component::builder()
///     .name(name!("api"))
///     .image(image!("ghcr.io/acme/shop:1.4.2"))
///     .resources(Resources::new(cpu!("250m"), cpu!("1"), memory!("256Mi"), memory!("1Gi")))
///     .workload(
///         HttpService::builder()
///             .port(http.clone())
///             .probes(Probes::http(&http, http_path!("/live"), http_path!("/ready")))
///             .replicas(Replicas::Fixed(2))
///             .build(),
///     )
///     .build();
/// assert_eq!(api.name.as_str(), "api");
/// ```
#[derive(Clone, Debug, PartialEq)]
#[non_exhaustive] // no struct literals outside the crate: declare through `Component::builder`
pub struct Component {
    /// Where in the source this component was declared (for diagnostics).
    pub declared_at: &'static Location<'static>,
    /// Component name; objects are named `<app>-<component>`.
    pub name: Name,
    /// Container image (always pinned by tag or digest).
    pub image: Image,
    /// Requests and limits.
    pub resources: Resources,
    /// What kind of workload this is.
    pub workload: Workload,
    /// Overrides the image's entrypoint.
    pub command: Vec<String>,
    /// Overrides the image's arguments.
    pub args: Vec<String>,
    /// Environment variables.
    pub env: Vec<EnvVar>,
    /// Load every key of the app's ConfigMap as environment variables.
    pub env_from_config: bool,
    /// Writable directories (the root filesystem is read-only).
    pub writable_dirs: Vec<WritableDir>,
    /// Dependencies and components (by name) this component connects to; each opens
    /// egress. Set through [`ComponentBuilder::talks_to`], which takes handles.
    pub talks_to: Vec<Name>,
    /// The dependencies among [`talks_to`](Self::talks_to), as the handles passed to
    /// [`ComponentBuilder::talks_to`] carried them: each is one of the app's (see
    /// [`App::all_dependencies`](crate::App::all_dependencies)).
    pub dependencies: Vec<Dependency>,
    /// Kubernetes API permissions. The service-account token is mounted only when this is not empty.
    pub api_access: Vec<AccessRule>,
    /// Non-root identity.
    pub run_as: RunAs,
    /// Annotations on the component's ServiceAccount (cloud workload identity).
    pub service_account_annotations: BTreeMap<String, String>,
    /// Configuration files mounted read-only from ConfigMaps (pods roll when they change).
    pub files: Vec<ConfigFiles>,
    /// Jobs this component creates through the Kubernetes API (grants exactly that).
    pub spawns_jobs: Option<SpawnedJobs>,
    /// Node labels a node must carry to run the pods (`nodeSelector`).
    pub node_selector: BTreeMap<LabelKey, LabelValue>,
    /// Node taints the pods tolerate (`tolerations`).
    pub tolerations: Vec<Toleration>,
    /// The PriorityClass of the pods (`priorityClassName`); `None` is the cluster default.
    pub priority_class: Option<Name>,
    /// Seconds between `SIGTERM` and `SIGKILL` (`terminationGracePeriodSeconds`);
    /// `None` is the Kubernetes default of 30.
    pub termination_grace_period_seconds: Option<u32>,
    /// What the main container does before it is stopped (`lifecycle.preStop`).
    pub pre_stop: Option<PreStop>,
    /// Volumes, affinity, extra labels and annotations, image pull secrets (set through
    /// [`ComponentBuilder::volume`], [`ComponentBuilder::node_affinity`],
    /// [`ComponentBuilder::label`], ...).
    pub pod: PodOptions,
    /// Where each setting was made (its builder call's file and line), so that findings
    /// on the fields it renders to point there.
    pub set_at: super::set_at::SetAt,
    /// Typed changes to the rendered objects, added with [`Component::customize`] and
    /// its shorthands after [`build`](ComponentBuilder::build).
    pub customizations: Vec<Customization>,
    /// Init containers, sidecars and further regular containers of the pod, in the
    /// order they were added (see [`super::container`]).
    pub containers: Vec<PodContainer>,
    /// The source's names, labels and selectors, set by [`Component::keep`].
    pub kept: Option<super::kept::Kept>,
    /// Why the NetworkPolicy allows all traffic, set by [`Component::open_network`].
    pub open_network: Option<super::host_access::Reason>,
}

impl Component {
    /// Starts declaring a component, recording the caller's file and line.
    #[track_caller]
    pub fn builder() -> ComponentBuilder {
        ComponentBuilder::new(Location::caller())
    }

    /// Changes every rendered object of type `T` (a `k8s-openapi` type such as
    /// `Deployment` or `Service`, see [`ObjectKind`]) with `f`, after rendering and before
    /// validation: the escape hatch for a field the model does not have. The validator
    /// sees the result. A finding on a field the closure changed points at this call's
    /// file and line; any other finding on the object points where it would without the
    /// closure (the setting or the component) and names the closure besides ("this
    /// Deployment is changed by a customize closure at src/api.rs:42"). Closures run in
    /// the order they were added. The object types are re-exported as
    /// [`dsl::k8s_openapi`](crate::k8s_openapi).
    ///
    /// A hook or run-once Job is named by a hash of its spec after its customisations,
    /// so a customised Job still gets a new name when it changes.
    ///
    /// ```
    /// use dsl::*;
    /// use dsl::k8s_openapi::api::core::v1::Service;
    /// let http = NamedPort::new(port_name!("http"), port!(8080));
    /// # let component = Component::builder()
    /// #     .name(name!("api"))
    /// #     .image(image!("ghcr.io/acme/shop:1.4.2"))
    /// #     .resources(Resources::new(cpu!("250m"), cpu!("1"), memory!("256Mi"), memory!("1Gi")))
    /// #     .workload(
    /// #         HttpService::builder()
    /// #             .port(http.clone())
    /// #             .probes(Probes::http(&http, http_path!("/live"), http_path!("/ready")))
    /// #             .replicas(Replicas::Fixed(2))
    /// #             .build(),
    /// #     )
    /// #     .build();
    /// let api = component.customize(|s: &mut Service| {
    ///     if let Some(spec) = s.spec.as_mut() {
    ///         spec.session_affinity = Some("ClientIP".into());
    ///     }
    /// });
    /// assert_eq!(api.customizations[0].kind, "Service");
    /// ```
    #[track_caller]
    pub fn customize<T: ObjectKind>(mut self, f: impl Fn(&mut T) + Send + Sync + 'static) -> Self {
        self.customizations.push(Customization::new(f));
        self
    }

    /// Changes the component's Deployment (see [`customize`](Self::customize)).
    #[track_caller]
    pub fn customize_deployment(self, f: impl Fn(&mut Deployment) + Send + Sync + 'static) -> Self {
        self.customize(f)
    }

    /// Changes the component's Service(s) (see [`customize`](Self::customize)).
    #[track_caller]
    pub fn customize_service(self, f: impl Fn(&mut Service) + Send + Sync + 'static) -> Self {
        self.customize(f)
    }

    /// Changes the component's Job (see [`customize`](Self::customize)).
    #[track_caller]
    pub fn customize_job(self, f: impl Fn(&mut Job) + Send + Sync + 'static) -> Self {
        self.customize(f)
    }

    /// Changes the component's CronJob (see [`customize`](Self::customize)).
    #[track_caller]
    pub fn customize_cron_job(self, f: impl Fn(&mut CronJob) + Send + Sync + 'static) -> Self {
        self.customize(f)
    }

    /// Changes the component's StatefulSet (see [`customize`](Self::customize)).
    #[track_caller]
    pub fn customize_stateful_set(
        self,
        f: impl Fn(&mut StatefulSet) + Send + Sync + 'static,
    ) -> Self {
        self.customize(f)
    }

    /// Changes the component's DaemonSet (see [`customize`](Self::customize)).
    #[track_caller]
    pub fn customize_daemon_set(self, f: impl Fn(&mut DaemonSet) + Send + Sync + 'static) -> Self {
        self.customize(f)
    }
}

/// The kinds of workload a component can be.
#[derive(Clone, Debug, PartialEq)]
pub enum Workload {
    /// A long-running HTTP server behind a Service.
    Http(HttpService),
    /// A long-running process without a Service.
    Worker(Worker),
    /// A run-to-completion Job.
    Job(BatchJob),
    /// A Job run on a schedule: a CronJob.
    Scheduled(ScheduledJob),
    /// A consensus cluster: a StatefulSet with stable member identities and volumes.
    Cluster(StatefulCluster),
    /// One pod per node: a DaemonSet.
    NodeAgent(NodeAgent),
    /// A StatefulSet that is not a consensus cluster (one instance or N members).
    Stateful(StatefulService),
}

impl From<NodeAgent> for Workload {
    fn from(v: NodeAgent) -> Self {
        Workload::NodeAgent(v)
    }
}

impl From<StatefulService> for Workload {
    fn from(v: StatefulService) -> Self {
        Workload::Stateful(v)
    }
}

impl From<StatefulCluster> for Workload {
    fn from(v: StatefulCluster) -> Self {
        Workload::Cluster(v)
    }
}

impl Workload {
    /// The container ports the workload declares, main port first.
    pub fn ports(&self) -> Vec<NamedPort> {
        match self {
            Workload::Http(h) => std::iter::once(h.port.clone())
                .chain(h.extra_ports.iter().cloned())
                .collect(),
            Workload::Worker(w) => w.ports.clone(),
            Workload::Job(_) | Workload::Scheduled(_) => Vec::new(),
            Workload::Cluster(c) => [&c.port, &c.peer_port]
                .into_iter()
                .chain(&c.extra_ports)
                .cloned()
                .collect(),
            Workload::NodeAgent(a) => a.ports.clone(),
            Workload::Stateful(s) => s.ports(),
        }
    }

    /// The ports other components may connect to: every port except a cluster's peer port.
    pub fn client_ports(&self) -> Vec<NamedPort> {
        match self {
            Workload::Cluster(c) => std::iter::once(&c.port)
                .chain(&c.extra_ports)
                .cloned()
                .collect(),
            other => other.ports(),
        }
    }

    /// The port an Ingress routes to (HTTP services only).
    pub fn http_port(&self) -> Option<&NamedPort> {
        match self {
            Workload::Http(h) => Some(&h.port),
            _ => None,
        }
    }

    /// Liveness and readiness probes, if any.
    pub fn probes(&self) -> Option<&Probes> {
        match self {
            Workload::Http(h) => h.probes.probes(),
            Workload::Worker(w) => w.probes.as_ref(),
            Workload::Job(_) | Workload::Scheduled(_) => None,
            Workload::Cluster(c) => Some(&c.probes),
            Workload::NodeAgent(a) => a.probes.probes(),
            Workload::Stateful(s) => s.probes.probes(),
        }
    }

    /// The Prometheus metrics endpoint, if any.
    pub fn metrics(&self) -> Option<&Metrics> {
        match self {
            Workload::Http(h) => h.metrics.as_ref(),
            Workload::Worker(w) => w.metrics.as_ref(),
            Workload::Job(_) | Workload::Scheduled(_) => None,
            Workload::Cluster(c) => c.metrics.as_ref(),
            Workload::NodeAgent(a) => a.metrics.as_ref(),
            Workload::Stateful(s) => s.metrics.as_ref(),
        }
    }

    /// Placement across nodes and zones.
    pub fn spread(&self) -> Spread {
        match self {
            Workload::Http(h) => h.spread,
            Workload::Worker(w) => w.spread,
            Workload::Job(_) | Workload::Scheduled(_) => Spread::None,
            Workload::Cluster(c) => c.spread,
            // One pod per node by construction.
            Workload::NodeAgent(_) => Spread::None,
            Workload::Stateful(s) => s.spread,
        }
    }

    /// The declared host access (node agents only; empty for every other workload).
    pub fn host_access(&self) -> &[super::host_access::HostAccess] {
        match self {
            Workload::NodeAgent(a) => &a.host_access,
            _ => &[],
        }
    }

    /// Why the workload has no probes, when it was declared without them
    /// (`.without_probes(reason!(..))`): recorded in `kairn.dev/no-probes`.
    pub fn no_probes_reason(&self) -> Option<&super::host_access::Reason> {
        match self {
            Workload::Http(h) => h.probes.reason_for_none(),
            Workload::NodeAgent(a) => a.probes.reason_for_none(),
            Workload::Stateful(s) => s.probes.reason_for_none(),
            _ => None,
        }
    }

    /// The lifecycle hook, if the workload is a hook Job.
    pub fn hook(&self) -> Option<&Hook> {
        match self {
            Workload::Job(j) => j.hook.as_ref(),
            _ => None,
        }
    }
}

impl From<HttpService> for Workload {
    fn from(v: HttpService) -> Self {
        Workload::Http(v)
    }
}

impl From<Worker> for Workload {
    fn from(v: Worker) -> Self {
        Workload::Worker(v)
    }
}

impl From<BatchJob> for Workload {
    fn from(v: BatchJob) -> Self {
        Workload::Job(v)
    }
}

impl From<ScheduledJob> for Workload {
    fn from(v: ScheduledJob) -> Self {
        Workload::Scheduled(v)
    }
}

/// An HTTP server: a Deployment with probes and a Service (ClusterIP unless its
/// [`exposure`](Self::exposure) is a load balancer).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct HttpService {
    /// The container port serving HTTP.
    pub port: NamedPort,
    /// The port the Service exposes (targets [`port`](Self::port) by name).
    pub service_port: Port,
    /// Liveness and readiness probes, or why there are none
    /// ([`without_probes`](super::builders::http::HttpServiceBuilder::without_probes)).
    pub probes: AgentProbes,
    /// Replica count or autoscaling range.
    pub replicas: Replicas,
    /// Disruption budget.
    pub disruption: Option<Disruption>,
    /// Prometheus metrics endpoint.
    pub metrics: Option<Metrics>,
    /// Further container ports (also exposed by the Service).
    pub extra_ports: Vec<NamedPort>,
    /// Placement across nodes and zones.
    pub spread: Spread,
    /// Service type: cluster-internal (default) or a cloud load balancer.
    pub exposure: Exposure,
    /// Where the service keeps its files: an object store or a ReadWriteMany volume
    /// (any replicas), or a ReadWriteOnce volume through
    /// [`single_node_volume`](super::builders::http::HttpServiceBuilder::single_node_volume) (one replica).
    pub storage: Option<ObjectStorage>,
}

/// A background process: a Deployment without a Service (a metrics-only Service is
/// added when it declares [`metrics`](Worker::metrics)).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Worker {
    /// Replica count or autoscaling range.
    pub replicas: Replicas,
    /// Container ports (health, metrics).
    pub ports: Vec<NamedPort>,
    /// Probes, when the worker serves health endpoints.
    pub probes: Option<Probes>,
    /// Prometheus metrics endpoint on one of [`ports`](Self::ports).
    pub metrics: Option<Metrics>,
    /// Leader election for singleton tasks.
    pub leader_election: Option<LeaderElection>,
    /// Disruption budget.
    pub disruption: Option<Disruption>,
    /// Placement across nodes and zones.
    pub spread: Spread,
}

/// Where leader-election locks live.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum LeaderLock {
    /// A lock in a declared dependency (e.g. Redis); opens egress to it. Made with
    /// [`LeaderLock::dependency`]`(&redis)`.
    Dependency(DependencyRef),
    /// A `coordination.k8s.io` Lease; grants the Role and mounts the API token.
    KubernetesLease,
}

impl LeaderLock {
    /// A lock in the declared dependency `dependency`: `LeaderLock::dependency(&redis)`.
    pub fn dependency(dependency: &Dependency) -> Self {
        LeaderLock::Dependency(dependency.reference())
    }
}

/// Leader election settings, passed to the process as environment variables
/// `<prefix>LEADER_ELECTION_{ENABLED,LEASE_DURATION,RENEW_DEADLINE,RETRY_PERIOD}`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LeaderElection {
    /// Where the lock lives.
    pub lock: LeaderLock,
    /// Prefix of the environment variables (e.g. `TW_`).
    pub env_prefix: EnvName,
    /// Lease duration in seconds.
    pub lease_duration_seconds: u32,
    /// Renew deadline in seconds (must be below the lease duration).
    pub renew_deadline_seconds: u32,
    /// Retry period in seconds (must be below the renew deadline).
    pub retry_period_seconds: u32,
}

/// Volume access modes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AccessMode {
    /// Mounted read-write by one node.
    ReadWriteOnce,
    /// Mounted read-write by one pod.
    ReadWriteOncePod,
    /// Mounted read-write by many nodes (NFS, CephFS, EFS...).
    ReadWriteMany,
}

impl AccessMode {
    /// The Kubernetes spelling.
    pub const fn as_str(self) -> &'static str {
        match self {
            AccessMode::ReadWriteOnce => "ReadWriteOnce",
            AccessMode::ReadWriteOncePod => "ReadWriteOncePod",
            AccessMode::ReadWriteMany => "ReadWriteMany",
        }
    }
}

/// A PersistentVolumeClaim a Job writes its results to. It is a separate object that
/// outlives the Job, and carries annotations that keep Helm and Argo CD from deleting it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OutputVolume {
    /// Requested size.
    pub size: Storage,
    /// Mount path in the container.
    pub mount_path: String,
    /// Storage class; `None` uses the cluster default.
    pub storage_class: Option<Name>,
    /// Access mode.
    pub access_mode: AccessMode,
}

/// Pod restart policy of a Job.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum JobRestart {
    /// Failed pods are replaced by new pods (counts against the backoff limit).
    #[default]
    Never,
    /// Failed containers restart in the same pod.
    OnFailure,
}

/// A run-to-completion batch Job.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BatchJob {
    /// Retries before the Job is marked failed.
    pub backoff_limit: u32,
    /// Successful pods required.
    pub completions: u32,
    /// Pods running at once.
    pub parallelism: u32,
    /// Seconds after completion before the Job (and its pods) are deleted; not rendered
    /// when `kept_finished` says why finished Jobs are kept.
    pub ttl_seconds_after_finished: u32,
    /// Wall-clock limit for the whole Job.
    pub active_deadline_seconds: Option<u32>,
    /// Restart policy of its pods.
    pub restart: JobRestart,
    /// Volume for results that must outlive the Job.
    pub output: Option<OutputVolume>,
    /// Run as a lifecycle hook (before or after the rest of the app is deployed).
    pub hook: Option<Hook>,
    /// Why finished Jobs are kept (no TTL): `without_ttl(reason!(..))`, for imported apps.
    pub kept_finished: Option<crate::model::host_access::Reason>,
}

/// What a CronJob does when a run is due while the previous one is still running.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum ConcurrencyPolicy {
    /// Skip the new run (the default: overlapping runs of a batch task rarely end well).
    #[default]
    Forbid,
    /// Stop the running Job and start the new one.
    Replace,
    /// Run both at once.
    Allow,
}

impl ConcurrencyPolicy {
    /// The Kubernetes spelling.
    pub const fn as_str(self) -> &'static str {
        match self {
            ConcurrencyPolicy::Forbid => "Forbid",
            ConcurrencyPolicy::Replace => "Replace",
            ConcurrencyPolicy::Allow => "Allow",
        }
    }
}

/// A Job run on a schedule: a `batch/v1` CronJob whose pods get the same hardened
/// defaults as a [`BatchJob`]'s (restricted Pod Security Standard, read-only root
/// filesystem, requests and limits, own ServiceAccount, default-deny NetworkPolicy).
///
/// The schedule is checked at compile time by [`cron!`](crate::cron); the time zone
/// needs Kubernetes 1.27 or later (`spec.timeZone` is GA there).
///
/// ```
/// use dsl::*;
/// let nightly = ScheduledJob::builder()
///     .schedule(cron!("30 2 * * *"))
///     .time_zone(time_zone!("Europe/Berlin"))
///     .backoff_limit(2)
///     .ttl_seconds_after_finished(86_400)
///     .build();
/// assert_eq!(nightly.concurrency, ConcurrencyPolicy::Forbid);
/// assert_eq!(nightly.successful_jobs_history_limit, 3);
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ScheduledJob {
    /// When it runs (`spec.schedule`), checked at compile time by [`cron!`](crate::cron).
    pub schedule: CronSchedule,
    /// The time zone the schedule is read in (`spec.timeZone`); `None` is the
    /// controller's time zone (UTC on managed clusters).
    pub time_zone: Option<TimeZone>,
    /// What happens when a run is due while the previous one still runs.
    pub concurrency: ConcurrencyPolicy,
    /// Finished successful Jobs kept for inspection.
    pub successful_jobs_history_limit: u32,
    /// Failed Jobs kept for inspection.
    pub failed_jobs_history_limit: u32,
    /// A run that could not start within this many seconds of its time is skipped.
    pub starting_deadline_seconds: Option<u32>,
    /// Pause the schedule (`spec.suspend`) without deleting anything.
    pub suspend: bool,
    /// Retries of one run before its Job is marked failed.
    pub backoff_limit: u32,
    /// Seconds after a run finishes before its Job (and pods) are deleted; not rendered
    /// when `kept_finished` says why finished Jobs are kept.
    pub ttl_seconds_after_finished: u32,
    /// Wall-clock limit of one run.
    pub active_deadline_seconds: Option<u32>,
    /// Restart policy of its pods.
    pub restart: JobRestart,
    /// Why finished Jobs are kept (no TTL): `without_ttl(reason!(..))`, for imported apps.
    pub kept_finished: Option<crate::model::host_access::Reason>,
}

/// A Kubernetes API permission granted to a component's ServiceAccount through a Role.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AccessRule {
    /// API group (`""` for the core group).
    pub api_group: String,
    /// Resources, e.g. `jobs`.
    pub resources: Vec<String>,
    /// Verbs, e.g. `create`.
    pub verbs: Vec<String>,
    /// Object names the rule is limited to (`resourceNames`); empty means every object.
    pub resource_names: Vec<String>,
}

impl AccessRule {
    /// A rule over one API group.
    pub fn new<'a>(
        api_group: &str,
        resources: impl IntoIterator<Item = &'a str>,
        verbs: impl IntoIterator<Item = &'a str>,
    ) -> Self {
        AccessRule {
            api_group: api_group.to_owned(),
            resources: resources.into_iter().map(str::to_owned).collect(),
            verbs: verbs.into_iter().map(str::to_owned).collect(),
            resource_names: Vec::new(),
        }
    }

    /// Limits the rule to the named objects (`resourceNames`), e.g. the app's own
    /// ConfigMap and Secret rather than every one in the namespace.
    ///
    /// ```
    /// let rule = dsl::AccessRule::new("", ["secrets"], ["get"]).named(["shop-secrets"]);
    /// assert_eq!(rule.resource_names, ["shop-secrets"]);
    /// ```
    pub fn named<S: Into<String>>(mut self, names: impl IntoIterator<Item = S>) -> Self {
        self.resource_names = names.into_iter().map(Into::into).collect();
        self
    }
}
