//! Triage Warden (seed 001): API + leader-elected orchestrator, PostgreSQL, Redis for HA,
//! ingress with cert-manager TLS, HPA on CPU and memory, PDBs, NetworkPolicies,
//! ServiceMonitors and alert rules.

use std::collections::BTreeMap;

use dsl::*;

use crate::inputs::{InputError, Inputs};
use crate::registry::Declaration;

environments! {
    /// Triage Warden's environments.
    pub enum Env { Production => "production" }
}

/// The Triage Warden declaration.
pub struct TriageWarden;

const IMAGE: Image = image!("ghcr.io/triage-warden/triage-warden:v1.2.0");
const HTTP: NamedPort = NamedPort::new(port_name!("http"), port!(8080));

external_secret! {
    /// The Secret both components read (created outside kairn).
    struct Secrets {
        database_url: "database-url",
        encryption_key: "encryption-key",
        jwt_secret: "jwt-secret",
        session_secret: "session-secret",
        redis_url: "redis-url",
    }
}

fn secret_env(secrets: &Secrets) -> Vec<EnvVar> {
    vec![
        EnvVar::secret(env_name!("DATABASE_URL"), secrets.database_url()),
        EnvVar::secret(env_name!("TW_ENCRYPTION_KEY"), secrets.encryption_key()),
        EnvVar::secret(env_name!("TW_JWT_SECRET"), secrets.jwt_secret()),
        EnvVar::secret(env_name!("TW_SESSION_SECRET"), secrets.session_secret()),
        EnvVar::secret(env_name!("TW_REDIS_URL"), secrets.redis_url()),
    ]
}

/// `/live` and `/ready` on the `http` port with the seed's timings.
fn probes() -> Probes {
    let http = |path: HttpPath| Check::http(path, &HTTP);
    Probes::builder()
        .liveness(
            Probe::builder()
                .check(http(http_path!("/live")))
                .initial_delay_seconds(30)
                .period_seconds(10)
                .timeout_seconds(5)
                .failure_threshold(3)
                .build(),
        )
        .readiness(
            Probe::builder()
                .check(http(http_path!("/ready")))
                .initial_delay_seconds(5)
                .period_seconds(5)
                .timeout_seconds(3)
                .failure_threshold(3)
                .build(),
        )
        .build()
}

fn metrics() -> Metrics {
    Metrics::builder().port(&HTTP).build()
}

dsl::register!(TriageWarden);

impl Declaration for TriageWarden {
    type Env = Env;
    const ID: &'static str = "triage-warden";

    fn declare(env: Env, _inputs: &Inputs) -> Result<App, InputError> {
        let (api_scaling, orchestrator_replicas, resources) = match env {
            Env::Production => (
                autoscaling!(2..=10).cpu(70).memory(80),
                2,
                Resources::new(cpu!("500m"), cpu!("2"), memory!("512Mi"), memory!("2Gi")),
            ),
        };
        let secrets = Secrets::named(name!("triage-warden-secrets"));
        let postgres = Dependency::postgres_in_cluster(
            name!("postgres"),
            [("app.kubernetes.io/name", "postgresql")],
        );
        let redis =
            Dependency::redis_in_cluster(name!("redis"), [("app.kubernetes.io/name", "redis")]);
        let external_apis = Dependency::public_https(name!("external-apis"));
        let dependencies = [&postgres, &redis, &external_apis];

        let api = Component::builder()
            .name(name!("api"))
            .image(IMAGE)
            .resources(resources)
            .workload(
                HttpService::builder()
                    .port(HTTP)
                    .probes(probes())
                    .replicas(Replicas::Autoscaled(api_scaling))
                    .disruption(Disruption::MinAvailable(1))
                    .metrics(metrics())
                    .spread(Spread::AcrossZones)
                    .build(),
            )
            .env(secret_env(&secrets))
            .env_from_config(true)
            .writable_dirs(vec![WritableDir::tmp(storage!("256Mi"))])
            .talks_to(dependencies)
            .run_as(run_as!(1000, 1000))
            .build();

        let orchestrator = Component::builder()
            .name(name!("orchestrator"))
            .image(IMAGE)
            .resources(resources)
            .args(vec!["orchestrator".to_owned()])
            .workload(
                Worker::builder()
                    .replicas(Replicas::Fixed(orchestrator_replicas))
                    .ports(vec![HTTP])
                    .probes(probes())
                    .metrics(metrics())
                    .leader_election(
                        LeaderElection::builder()
                            .lock(LeaderLock::dependency(&redis))
                            .env_prefix(env_name!("TW_"))
                            .lease_duration_seconds(15)
                            .renew_deadline_seconds(10)
                            .retry_period_seconds(2)
                            .build(),
                    )
                    .disruption(Disruption::MinAvailable(1))
                    .spread(Spread::AcrossNodes)
                    .build(),
            )
            .env(secret_env(&secrets))
            .env_from_config(true)
            .writable_dirs(vec![WritableDir::tmp(storage!("256Mi"))])
            .talks_to(dependencies)
            .run_as(run_as!(1000, 1000))
            .build();

        let domain = match env {
            Env::Production => host!("triage.example.com"),
        };

        let api_service = api.service();
        Ok(App::builder()
            .name(name!("triage-warden"))
            .environment(env.name())
            .namespace(name!("triage-warden"))
            .create_namespace(true)
            .components((api, orchestrator))
            .dependencies(vec![postgres, redis, external_apis])
            .config(BTreeMap::from([
                (key!("RUST_LOG"), "info".to_owned()),
                (key!("TW_BIND_ADDRESS"), "0.0.0.0:8080".to_owned()),
                (key!("TW_BASE_URL"), format!("https://{domain}")),
            ]))
            .secrets(vec![secrets.declaration()])
            .ingress(
                Ingress::builder()
                    .class(name!("nginx"))
                    .hosts(vec![HostRules::all_to(domain, api_service)])
                    .tls(Tls::CertManager {
                        cluster_issuer: name!("letsencrypt-prod"),
                    })
                    .annotations(BTreeMap::from([(
                        "nginx.ingress.kubernetes.io/proxy-body-size".to_owned(),
                        "10m".to_owned(),
                    )]))
                    .build(),
            )
            .monitoring(
                Monitoring::builder()
                    .alerts(vec![
                        AlertRule::builder()
                            .alert("TriageWardenDown")
                            .expr(r#"up{job="{job}"} == 0 or absent(up{job="{job}"})"#)
                            .for_("5m")
                            .severity(Severity::Critical)
                            .summary("Triage Warden is down")
                            .description("Triage Warden has been down for more than 5 minutes.")
                            .build(),
                        AlertRule::builder()
                            .alert("TriageWardenHighErrorRate")
                            .expr(concat!(
                                r#"sum(rate(http_requests_total{job="{job}",status=~"5.."}[5m]))"#,
                                r#" / sum(rate(http_requests_total{job="{job}"}[5m])) > 0.05"#
                            ))
                            .for_("5m")
                            .severity(Severity::Warning)
                            .summary("High error rate in Triage Warden")
                            .description(
                                "More than 5% of requests failed with a 5xx status over 5 minutes.",
                            )
                            .build(),
                    ])
                    .build(),
            )
            .waivers(vec![Waiver::new(
                "metrics-exposed-by-ingress",
                "Ingress",
                "triage-warden",
                "Triage Warden serves /metrics on its only HTTP port (seed 001: `port: http, path: /metrics`), \
                 so the `/` route to the API reaches it, and an Ingress v1 path cannot exclude a sub-path. \
                 Deny `location = /metrics` in the ingress-nginx controller configuration until the app \
                 can serve metrics on a separate port.",
            )])
            .build())
    }
}
