//! Builders of [`HttpService`], [`Worker`] and [`LeaderElection`].

use crate::model::builder::Unset;
use crate::model::builder_macro::typestate_builder;
use crate::model::component::{HttpService, LeaderElection, LeaderLock, Worker};
use crate::model::exposure::Exposure;
use crate::model::host_access::Reason;
use crate::model::monitoring::Metrics;
use crate::model::node_agent::AgentProbes;
use crate::model::pod::{PodProbes, Probes, ServingProbes, Spread};
use crate::model::scaling::{Disruption, Replicas};
use crate::model::storage::{ObjectStorage, ScalableStorage};
use crate::primitives::port::{NamedPort, Port};
use crate::primitives::text::EnvName;

typestate_builder! {
    /// Declares an [`HttpService`]: `.port(..)`, `.probes(..)` and `.replicas(..)` (or
    /// [`single_node_volume`](Self::single_node_volume)) are required.
    pub struct HttpServiceBuilder for HttpService {
        builder: fn builder;
        note: "an HTTP service needs `.port(..)`, `.probes(..)` and `.replicas(..)` (or `.single_node_volume(..)`)";
        required {
            /// The container port serving HTTP.
            port [Po: HttpServicePort]: NamedPort = |port: NamedPort| port,
                message "this HTTP service has no port: add `.port(NamedPort::new(port_name!(\"http\"), port!(8080)))` before `.build()`",
                label "`.port(..)` is missing";
            /// Liveness and readiness probes.
            probes [Pr: HttpServiceProbes]: AgentProbes = |probes: impl ServingProbes| AgentProbes::Probed(probes.into_probes()),
                message "this HTTP service has no probes: add `.probes(Probes::http(&http, http_path!(\"/live\"), http_path!(\"/ready\")))` before `.build()`",
                label "`.probes(..)` is missing";
            /// Replica count or autoscaling range.
            replicas [R: HttpServiceReplicas]: Replicas = |replicas: Replicas| replicas,
                message "this HTTP service has no replica count: add `.replicas(Replicas::Fixed(2))` (or `.single_node_volume(..)`) before `.build()`",
                label "`.replicas(..)` is missing";
        }
        tracked {
            /// Where the service keeps its files: an object store or a ReadWriteMany
            /// volume (any replicas), or a ReadWriteOnce volume through
            /// [`single_node_volume`](HttpServiceBuilder::single_node_volume) (one replica).
            storage [S: HttpServiceStorage]: Option<ObjectStorage> = None,
                |storage: impl Into<ScalableStorage>| Some(storage.into().0);
        }
        fixed {}
        optional {
            /// The port the Service exposes (default 80; targets the container port by name).
            service_port: Port = crate::port!(80), |port: Port| port;
            /// Disruption budget.
            disruption: Option<Disruption> = None, |disruption: Disruption| Some(disruption);
            /// Prometheus metrics endpoint.
            metrics: Option<Metrics> = None, |metrics: Metrics| Some(metrics);
            /// Further container ports (also exposed by the Service).
            extra_ports: Vec<NamedPort> = Vec::new(), |ports: Vec<NamedPort>| ports;
            /// Placement across nodes and zones.
            spread: Spread = Spread::default(), |spread: Spread| spread;
            /// Service type: cluster-internal (default) or a cloud load balancer.
            exposure: Exposure = Exposure::default(), |exposure: Exposure| exposure;
        }
    }
}

impl<Po, R, S> HttpServiceBuilder<Po, Unset, R, S> {
    /// States that the service has no probes and why (the app it runs serves no health
    /// endpoint, e.g. an imported app whose source had none: a probe it does not serve
    /// would never pass). Instead of [`probes`](Self::probes). No probe is rendered; the
    /// reason goes into the Deployment's `kairn.dev/no-probes` annotation.
    ///
    /// ```
    /// use dsl::*;
    /// let web = HttpService::builder()
    ///     .port(NamedPort::new(port_name!("http"), port!(8080)))
    ///     .without_probes(reason!("the source (deploy/web.yaml:12) declares no probes"))
    ///     .replicas(Replicas::Fixed(2))
    ///     .build();
    /// assert!(web.probes.probes().is_none());
    /// ```
    pub fn without_probes(self, reason: Reason) -> HttpServiceBuilder<Po, AgentProbes, R, S> {
        HttpServiceBuilder {
            port: self.port,
            probes: AgentProbes::Without(reason),
            replicas: self.replicas,
            storage: self.storage,
            service_port: self.service_port,
            disruption: self.disruption,
            metrics: self.metrics,
            extra_ports: self.extra_ports,
            spread: self.spread,
            exposure: self.exposure,
        }
    }
}

typestate_builder! {
    /// Declares a [`Worker`]: `.replicas(..)` is required.
    pub struct WorkerBuilder for Worker {
        builder: fn builder;
        note: "a worker needs `.replicas(..)`";
        required {
            /// Replica count or autoscaling range.
            replicas [R: WorkerReplicas]: Replicas = |replicas: Replicas| replicas,
                message "this worker has no replica count: add `.replicas(Replicas::Fixed(1))` before `.build()`",
                label "`.replicas(..)` is missing";
        }
        tracked {}
        fixed {}
        optional {
            /// Container ports (health, metrics).
            ports: Vec<NamedPort> = Vec::new(), |ports: Vec<NamedPort>| ports;
            /// Probes, when the worker serves health endpoints.
            probes: Option<Probes> = None, |probes: impl PodProbes| Some(probes.into_probes());
            /// Prometheus metrics endpoint on one of the ports.
            metrics: Option<Metrics> = None, |metrics: Metrics| Some(metrics);
            /// Leader election for singleton tasks.
            leader_election: Option<LeaderElection> = None, |election: LeaderElection| Some(election);
            /// Disruption budget.
            disruption: Option<Disruption> = None, |disruption: Disruption| Some(disruption);
            /// Placement across nodes and zones.
            spread: Spread = Spread::default(), |spread: Spread| spread;
        }
    }
}

typestate_builder! {
    /// Declares [`LeaderElection`] settings: `.lock(..)` and `.env_prefix(..)` are required.
    pub struct LeaderElectionBuilder for LeaderElection {
        builder: fn builder;
        note: "leader election needs `.lock(..)` and `.env_prefix(..)`";
        required {
            /// Where the lock lives.
            lock [L: LeaderElectionLock]: LeaderLock = |lock: LeaderLock| lock,
                message "this leader election has no lock: add `.lock(LeaderLock::KubernetesLease)` (or `LeaderLock::dependency(&redis)`) before `.build()`",
                label "`.lock(..)` is missing";
            /// Prefix of the environment variables (e.g. `TW_`).
            env_prefix [E: LeaderElectionEnvPrefix]: EnvName = |prefix: EnvName| prefix,
                message "this leader election has no environment-variable prefix: add `.env_prefix(env_name!(\"APP_\"))` before `.build()`",
                label "`.env_prefix(..)` is missing";
        }
        tracked {}
        fixed {}
        optional {
            /// Lease duration in seconds (default 15).
            lease_duration_seconds: u32 = 15, |seconds: u32| seconds;
            /// Renew deadline in seconds (default 10; must be below the lease duration).
            renew_deadline_seconds: u32 = 10, |seconds: u32| seconds;
            /// Retry period in seconds (default 2; must be below the renew deadline).
            retry_period_seconds: u32 = 2, |seconds: u32| seconds;
        }
    }
}
