//! The import plan: what `import` decided for one app, per environment. The Rust text
//! (`rust.rs`) and the in-process app (`build.rs`) are both made from it, so what the
//! written crate emits is what the import checked.

use serde_json::Value;

use crate::residual::Edit;

/// One app.
#[derive(Clone, Debug)]
pub struct AppPlan {
    /// App id and name (`Declaration::ID`, `App::name`).
    pub id: String,
    /// Rust module name.
    pub module: String,
    /// `App::name_prefix` of the environment being imported (kairn's own output).
    pub name_prefix: Option<String>,
    /// `App::instance` of the environment being imported (kairn's own output).
    pub instance: Option<String>,
    /// Where it came from (`--helm charts/web`).
    pub origin: String,
    /// One plan per environment, in the source's order.
    pub envs: Vec<EnvPlan>,
}

/// One environment of an app.
#[derive(Clone, Debug)]
pub struct EnvPlan {
    /// Environment name.
    pub env: String,
    /// The app's namespace.
    pub namespace: String,
    /// `App::name_prefix` (kairn's own output).
    pub name_prefix: Option<String>,
    /// `App::instance` (kairn's own output).
    pub instance: Option<String>,
    /// Components, in source order.
    pub components: Vec<ComponentPlan>,
    /// Objects kept as they are.
    pub extras: Vec<ExtraPlan>,
    /// Secrets the app reads, created outside git: name and keys.
    pub secrets: Vec<(String, Vec<String>)>,
    /// Exceptions kept from the source.
    pub waivers: Vec<WaiverPlan>,
}

/// One component.
#[derive(Clone, Debug, PartialEq)]
pub struct ComponentPlan {
    /// Component name.
    pub name: String,
    /// `file:line (Kind name)` of each source object it stands for.
    pub sources: Vec<String>,
    /// Main container image.
    pub image: String,
    /// The four resource values, as the source has them.
    pub resources: [Option<String>; 4],
    /// Workload kind and its settings.
    pub workload: WorkloadPlan,
    /// Main container command and args.
    pub command: Vec<String>,
    /// Main container args.
    pub args: Vec<String>,
    /// Names, labels and selectors kept from the source (only those kairn would derive
    /// otherwise).
    pub kept: KeptPlan,
    /// The source had no NetworkPolicy for these pods: why the network stays open.
    pub open_network: Option<String>,
    /// Edits of rendered objects: kind, name (when the component renders several of the
    /// kind), edits.
    pub edits: Vec<KindEdits>,
}

/// Edits of one rendered object.
#[derive(Clone, Debug, PartialEq)]
pub struct KindEdits {
    /// Object kind.
    pub kind: String,
    /// Name of the object as kairn renders it, when the component renders several.
    pub name: Option<String>,
    /// What to change.
    pub edits: Vec<Edit>,
}

/// A port: name and number.
pub type PortPlan = (String, u16);

/// The workload of a component.
#[derive(Clone, Debug, PartialEq)]
pub enum WorkloadPlan {
    /// A Deployment behind a Service.
    Http {
        /// The port the Service routes to.
        port: PortPlan,
        /// Replica count.
        replicas: u32,
        /// Liveness and readiness checks, or why there are none.
        probes: Result<(CheckPlan, CheckPlan), String>,
    },
    /// A Deployment no Service selects.
    Worker {
        /// Replica count.
        replicas: u32,
        /// Liveness and readiness checks, when the source has both.
        probes: Option<(CheckPlan, CheckPlan)>,
    },
    /// A DaemonSet.
    NodeAgent {
        /// Liveness and readiness checks, or why there are none.
        probes: Result<(CheckPlan, CheckPlan), String>,
    },
    /// A StatefulSet.
    Stateful {
        /// The client port.
        port: PortPlan,
        /// Members.
        replicas: u32,
        /// Liveness and readiness checks.
        probes: (CheckPlan, CheckPlan),
    },
    /// A Job, run once or as a lifecycle hook.
    Job {
        /// `backoffLimit` (the API server's 6 when the source has none).
        backoff_limit: u32,
        /// `ttlSecondsAfterFinished`, or why finished Jobs are kept.
        ttl: Result<u32, String>,
        /// The hook it is, from Helm or Argo CD annotations.
        hook: Option<HookPlan>,
    },
    /// A CronJob.
    Scheduled {
        /// Cron schedule.
        schedule: String,
        /// `backoffLimit` of its Jobs.
        backoff_limit: u32,
        /// `ttlSecondsAfterFinished` of its Jobs, or why they are kept.
        ttl: Result<u32, String>,
    },
}

impl WorkloadPlan {
    /// The model type it becomes (`HttpService`), for the report.
    pub fn call(&self) -> &'static str {
        match self {
            WorkloadPlan::Http { .. } => "HttpService",
            WorkloadPlan::Worker { .. } => "Worker",
            WorkloadPlan::NodeAgent { .. } => "NodeAgent",
            WorkloadPlan::Stateful { .. } => "StatefulService",
            WorkloadPlan::Job { hook: Some(_), .. } => "BatchJob (hook)",
            WorkloadPlan::Job { .. } => "BatchJob",
            WorkloadPlan::Scheduled { .. } => "ScheduledJob",
        }
    }
}

/// A lifecycle hook.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct HookPlan {
    /// Before the deploy (else after).
    pub before: bool,
    /// On the first install only.
    pub first_install: bool,
    /// Order among hooks of a phase.
    pub weight: i8,
}

/// What a probe checks.
#[derive(Clone, Debug, PartialEq)]
pub enum CheckPlan {
    /// `httpGet`: path and port.
    Http(String, PortPlan),
    /// `tcpSocket`.
    Tcp(PortPlan),
    /// `exec`.
    Exec(Vec<String>),
}

/// Identity kept from the source.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct KeptPlan {
    /// Workload object name.
    pub workload_name: Option<String>,
    /// Service name.
    pub service_name: Option<String>,
    /// Headless Service name (stateful services).
    pub headless_service_name: Option<String>,
    /// Object labels.
    pub labels: Option<Vec<(String, String)>>,
    /// Pod selector.
    pub selector: Option<Vec<(String, String)>>,
    /// Pod template labels.
    pub pod_labels: Option<Vec<(String, String)>>,
    /// Main container name.
    pub container_name: Option<String>,
    /// ServiceAccount the pods run as.
    pub service_account: Option<String>,
}

impl KeptPlan {
    /// Whether nothing is kept.
    pub fn is_empty(&self) -> bool {
        *self == KeptPlan::default()
    }
}

/// An object kept as it is.
#[derive(Clone, Debug, PartialEq)]
pub struct ExtraPlan {
    /// `file:line`.
    pub at: String,
    /// `apiVersion`.
    pub api_version: String,
    /// `kind`.
    pub kind: String,
    /// The object (canonical JSON).
    pub value: Value,
    /// Whether k8s-openapi has a type for it (else it is written with `json!`).
    pub typed: bool,
}

/// A waiver of one rule on one object, with the reason.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct WaiverPlan {
    /// Rule id.
    pub rule: String,
    /// Object kind.
    pub kind: String,
    /// Object or component name.
    pub name: String,
    /// Why.
    pub reason: String,
}
