//! Gorax (seed 004): a workflow automation platform of an API (HTTP, webhook ingestion)
//! and workers, in three environments that differ in replicas, resources, autoscaling,
//! disruption budget, placement, domains, log level and name prefix. Everything that
//! differs is decided in [`Profile::of`], one exhaustive `match`: adding an environment
//! does not compile until its numbers are chosen.

use std::collections::BTreeMap;

use dsl::*;

use crate::inputs::{InputError, Inputs};
use crate::registry::Declaration;

environments! {
    /// Gorax's environments, in promotion order.
    pub enum Env {
        Development => "development",
        Staging => "staging",
        Production => "production",
    }
}

/// The Gorax declaration.
pub struct Gorax;

const API_IMAGE: Image = image!("docker.io/gorax/api:v1.2.3");
const WORKER_IMAGE: Image = image!("docker.io/gorax/worker:v1.2.3");
const HTTP: PortName = port_name!("http");

/// Everything that differs between Gorax's environments.
#[derive(Clone, Debug)]
pub struct Profile {
    /// Namespace of every object.
    pub namespace: Name,
    /// Object name prefix (`prod` gives `prod-gorax-api`).
    pub prefix: Name,
    /// API replicas or autoscaling range.
    pub api_replicas: Replicas,
    /// Worker replicas or autoscaling range.
    pub worker_replicas: Replicas,
    /// API requests and limits.
    pub api_resources: Resources,
    /// Worker requests and limits.
    pub worker_resources: Resources,
    /// Disruption budget of both API and workers.
    pub disruption: Option<Disruption>,
    /// Placement of both API and workers.
    pub spread: Spread,
    /// Base domain: the API is `api.<domain>`, webhooks `webhooks.<domain>`.
    pub api_host: Host,
    /// Host receiving webhooks.
    pub webhooks_host: Host,
    /// `log-level` in the ConfigMap.
    pub log_level: &'static str,
    /// Feature flags (`feature-<name>` keys of the ConfigMap).
    pub features: &'static [(&'static str, bool)],
}

/// Every feature flag the seed names, enabled in every environment ("Features: All
/// enabled").
const ALL_FEATURES: &[(&str, bool)] = &[("webhook-replay", true)];

impl Profile {
    /// The settings of one environment, with the seed's numbers.
    pub fn of(env: Env) -> Profile {
        match env {
            // "Replicas: API=1, Workers=1; Resources: Minimal (128-256Mi RAM, 100-250m
            // CPU); Scaling: Disabled/minimal HPA; Logging: Debug level".
            Env::Development => Profile {
                namespace: name!("gorax-dev"),
                prefix: name!("dev"),
                api_replicas: Replicas::Fixed(1),
                worker_replicas: Replicas::Fixed(1),
                api_resources: Resources::new(
                    cpu!("100m"),
                    cpu!("250m"),
                    memory!("128Mi"),
                    memory!("256Mi"),
                ),
                worker_resources: Resources::new(
                    cpu!("100m"),
                    cpu!("250m"),
                    memory!("128Mi"),
                    memory!("256Mi"),
                ),
                // One replica: a budget would block every node drain.
                disruption: None,
                spread: Spread::None,
                api_host: host!("api.dev.gorax.io"),
                webhooks_host: host!("webhooks.dev.gorax.io"),
                log_level: "debug",
                features: ALL_FEATURES,
            },
            // "Replicas: API=2, Workers=2; Resources: Moderate (192-384Mi RAM, 200-400m
            // CPU); Scaling: HPA 2-6 (API), 2-10 (Workers); Logging: Info level".
            Env::Staging => Profile {
                namespace: name!("gorax-staging"),
                prefix: name!("staging"),
                api_replicas: Replicas::Autoscaled(autoscaling!(2..=6).cpu(70).memory(80)),
                worker_replicas: Replicas::Autoscaled(autoscaling!(2..=10).cpu(75).memory(85)),
                api_resources: Resources::new(
                    cpu!("200m"),
                    cpu!("400m"),
                    memory!("192Mi"),
                    memory!("384Mi"),
                ),
                worker_resources: Resources::new(
                    cpu!("200m"),
                    cpu!("400m"),
                    memory!("192Mi"),
                    memory!("384Mi"),
                ),
                disruption: Some(Disruption::MinAvailable(1)),
                spread: Spread::AcrossNodes,
                api_host: host!("api.staging.gorax.io"),
                webhooks_host: host!("webhooks.staging.gorax.io"),
                log_level: "info",
                features: ALL_FEATURES,
            },
            // "Replicas: API=3, Workers=3; Resources: Full (256-512Mi RAM for API,
            // 512Mi-1Gi for Workers); Scaling: Aggressive HPA 3-20 (API), 3-30 (Workers);
            // Logging: Warn level; Topology: Spread across availability zones; PDB:
            // Minimum 2 pods available". The seed gives no production CPU: the ranges
            // continue the staging ones in proportion to memory.
            Env::Production => Profile {
                namespace: name!("gorax-prod"),
                prefix: name!("prod"),
                api_replicas: Replicas::Autoscaled(autoscaling!(3..=20).cpu(70).memory(80)),
                worker_replicas: Replicas::Autoscaled(autoscaling!(3..=30).cpu(75).memory(85)),
                api_resources: Resources::new(
                    cpu!("250m"),
                    cpu!("500m"),
                    memory!("256Mi"),
                    memory!("512Mi"),
                ),
                worker_resources: Resources::new(
                    cpu!("500m"),
                    cpu!("1"),
                    memory!("512Mi"),
                    memory!("1Gi"),
                ),
                disruption: Some(Disruption::MinAvailable(2)),
                spread: Spread::AcrossZones,
                api_host: host!("api.gorax.io"),
                webhooks_host: host!("webhooks.gorax.io"),
                log_level: "warn",
                features: ALL_FEATURES,
            },
        }
    }
}

/// `/health/live` and `/health/ready` on the component's `http` port.
fn probes(http: &NamedPort) -> Probes {
    Probes::http(
        http,
        http_path!("/health/live"),
        http_path!("/health/ready"),
    )
}

/// The app ConfigMap keys read as environment variables (kebab-case keys are not valid
/// variable names, so each is mapped explicitly; pods roll when any of them changes).
const CONFIG_ENV: &[(&str, &str)] = &[
    ("LOG_LEVEL", "log-level"),
    ("WORKER_CONCURRENCY", "worker-concurrency"),
    ("MAX_WORKFLOW_EXECUTION_TIME", "max-workflow-execution-time"),
    ("WORKFLOW_TIMEOUT", "workflow-timeout"),
    ("CORS_ALLOWED_ORIGINS", "cors-allowed-origins"),
    ("FEATURE_WEBHOOK_REPLAY", "feature-webhook-replay"),
    ("DB_MAX_OPEN_CONNS", "db-max-open-conns"),
    ("TRACING_ENABLED", "tracing-enabled"),
    ("TRACING_SAMPLE_RATE", "tracing-sample-rate"),
    ("OTEL_EXPORTER_ENDPOINT", "otel-exporter-endpoint"),
];

fn error(key: &str, message: String) -> InputError {
    InputError {
        app: Gorax::ID.to_owned(),
        key: key.to_owned(),
        message,
    }
}

external_secret! {
    /// The Secret the API, the worker and (its database URL only) the migrations read.
    struct Secrets {
        database_url: "database-url",
        jwt_secret: "jwt-secret",
        encryption_key: "encryption-key",
    }
}

dsl::register!(Gorax);

impl Declaration for Gorax {
    type Env = Env;
    const ID: &'static str = "gorax";

    fn declare(env: Env, _inputs: &Inputs) -> Result<App, InputError> {
        let p = Profile::of(env);
        let app_name = name!("gorax");
        let base = p.prefix.join(app_name.as_str());
        let config_map = base.join("config");
        let secrets = Secrets::named(base.join("secrets"));
        let database_url = EnvVar::secret(env_name!("DATABASE_URL"), secrets.database_url());
        let secret_env = vec![
            database_url.clone(),
            EnvVar::secret(env_name!("JWT_SECRET"), secrets.jwt_secret()),
            EnvVar::secret(env_name!("ENCRYPTION_KEY"), secrets.encryption_key()),
        ];
        let postgres = Dependency::postgres_in_cluster(
            name!("postgres"),
            [("app.kubernetes.io/name", "postgresql")],
        );
        let tracing = Dependency::new(
            name!("tracing"),
            DependencyKind::Other,
            Endpoint::InCluster {
                namespace: None,
                pod_labels: BTreeMap::from([(
                    "app.kubernetes.io/name".to_owned(),
                    "jaeger".to_owned(),
                )]),
                port: port!(14268),
            },
        );
        let internet = Dependency::public_https(name!("internet-https"));
        let config_env = CONFIG_ENV
            .iter()
            .map(|(var, k)| {
                Ok(EnvVar::config_map(
                    EnvName::parse(*var).map_err(|e| error("config", e.to_string()))?,
                    config_map.clone(),
                    DataKey::parse(*k).map_err(|e| error("config", e.to_string()))?,
                ))
            })
            .collect::<Result<Vec<_>, InputError>>()?;
        let env_vars: Vec<EnvVar> = secret_env.into_iter().chain(config_env).collect();

        let api_http = NamedPort::new(HTTP, port!(8080));
        let worker_http = NamedPort::new(HTTP, port!(8081));
        let mut api_service = HttpService::builder()
            .probes(probes(&api_http))
            .replicas(p.api_replicas)
            .metrics(Metrics::builder().port(&api_http).build())
            .port(api_http)
            .spread(p.spread)
            .build();
        api_service.disruption = p.disruption;
        let mut worker_process = Worker::builder()
            .replicas(p.worker_replicas)
            .probes(probes(&worker_http))
            .metrics(Metrics::builder().port(&worker_http).build())
            .ports(vec![worker_http])
            .spread(p.spread)
            .build();
        worker_process.disruption = p.disruption;

        let api = Component::builder()
            .name(name!("api"))
            .image(API_IMAGE)
            .resources(p.api_resources)
            .workload(api_service)
            .env(env_vars.clone())
            .writable_dirs(vec![WritableDir::tmp(storage!("128Mi"))])
            .talks_to([&postgres, &tracing])
            .build();

        let worker = Component::builder()
            .name(name!("worker"))
            .image(WORKER_IMAGE)
            .resources(p.worker_resources)
            .workload(worker_process)
            .env(env_vars)
            .writable_dirs(vec![WritableDir::tmp(storage!("256Mi"))])
            // Workflow steps call external HTTPS APIs and webhooks.
            .talks_to([&postgres, &tracing, &internet])
            .build();

        // Schema migrations before every deploy, never concurrently with a half-migrated
        // rollout under Helm or Argo CD.
        let migrate = Component::builder()
            .name(name!("migrate"))
            .image(API_IMAGE)
            .resources(Resources::new(
                cpu!("100m"),
                cpu!("500m"),
                memory!("128Mi"),
                memory!("256Mi"),
            ))
            .command(vec!["/app/migrate".to_owned()])
            .workload(
                BatchJob::builder()
                    .backoff_limit(1)
                    .active_deadline_seconds(600)
                    .ttl_seconds_after_finished(3600)
                    .hook(Hook::before_deploy())
                    .build(),
            )
            // Least privilege: migrations need the database and nothing else, so the
            // JWT and encryption keys never reach this pod.
            .env(vec![database_url])
            .talks_to([&postgres])
            .build();

        let origins = format!("https://{},https://{}", p.api_host, p.webhooks_host);
        let features = p
            .features
            .iter()
            .map(|(flag, on)| {
                DataKey::parse(format!("feature-{flag}"))
                    .map(|k| (k, on.to_string()))
                    .map_err(|e| error("features", e.to_string()))
            })
            .collect::<Result<Vec<_>, _>>()?;
        let mut config = BTreeMap::from([
            (key!("log-level"), p.log_level.to_owned()),
            (key!("worker-concurrency"), "10".to_owned()),
            (key!("max-workflow-execution-time"), "3600".to_owned()),
            (key!("workflow-timeout"), "300".to_owned()),
            (key!("cors-allowed-origins"), origins),
            (key!("db-max-open-conns"), "25".to_owned()),
            (key!("tracing-enabled"), "true".to_owned()),
            (key!("tracing-sample-rate"), "0.1".to_owned()),
            (
                key!("otel-exporter-endpoint"),
                "http://jaeger-collector:14268/api/traces".to_owned(),
            ),
        ]);
        config.extend(features);

        let api_service = api.service();
        Ok(App::builder()
            .name(app_name)
            .environment(env.name())
            .namespace(p.namespace)
            .create_namespace(true)
            .components((api, worker, migrate))
            .dependencies(vec![postgres, tracing, internet])
            .config(config)
            .secrets(vec![secrets.declaration()])
            .ingress(
                Ingress::builder()
                    .class(name!("nginx"))
                    .hosts(vec![
                        HostRules::all_to(p.api_host, &api_service),
                        HostRules::all_to(p.webhooks_host, api_service),
                    ])
                    .tls(Tls::CertManager {
                        cluster_issuer: name!("letsencrypt-prod"),
                    })
                    .build(),
            )
            .monitoring(Monitoring::builder().build())
            .name_prefix(p.prefix)
            .waivers(vec![Waiver::new(
                "metrics-exposed-by-ingress",
                "Ingress",
                base.as_str(),
                "Gorax serves /metrics on its only HTTP port (seed: API :8080/metrics), so every \
                 route to the API reaches it, and an Ingress v1 path cannot deny a sub-path. \
                 Block /metrics at the controller (ingress-nginx: a `location = /metrics \
                 { deny all; }` snippet where snippets are allowed) until the API serves \
                 metrics on a separate port.",
            )])
            .build())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::registry::Declaration;

    /// The environment variable names of the migration Job's container.
    fn migration_env(env: Env) -> Vec<String> {
        let app = Gorax::declare(env, &Inputs::default()).expect("declares");
        let jobs: Vec<_> = render(&app)
            .into_iter()
            .filter_map(|m| match m.object {
                Object::Job(job) if m.origin.component.as_deref() == Some("migrate") => Some(job),
                _ => None,
            })
            .collect();
        assert_eq!(jobs.len(), 1, "{env:?}: one migration Job");
        let pod = jobs[0]
            .spec
            .as_ref()
            .and_then(|s| s.template.spec.as_ref())
            .expect("pod spec");
        assert_eq!(pod.containers.len(), 1);
        assert!(pod.containers[0].env_from.is_none(), "no bulk env");
        pod.containers[0]
            .env
            .iter()
            .flatten()
            .map(|e| e.name.clone())
            .collect()
    }

    #[test]
    fn migration_job_gets_only_the_database_url() {
        for env in Env::ALL {
            assert_eq!(migration_env(*env), ["DATABASE_URL"], "{env:?}");
        }
    }
}
