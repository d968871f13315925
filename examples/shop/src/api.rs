//! The HTTP API: a Deployment behind a Service, routed to by the Ingress, autoscaled in
//! production, with a disruption budget, a metrics sidecar, and one setting the model has
//! no field for (`minReadySeconds`) set through a typed escape hatch.

use dsl::k8s_openapi::api::apps::v1::Deployment;
use dsl::*;

use crate::config::FILE as CONFIG_FILE;
use crate::profile::Profile;
use crate::secrets::ShopSecrets;
use crate::stores::Stores;

/// The shop's image; the worker, the report and the migration run other commands of it.
pub const IMAGE: Image = image!("ghcr.io/acme/shop:1.4.2");

/// The API's port. Probes are built from it, so they cannot name a port it lacks.
pub const HTTP: NamedPort = NamedPort::new(port_name!("http"), port!(8080));

/// The metrics sidecar's Prometheus port, scraped through the API's Service.
pub const METRICS: NamedPort = NamedPort::new(port_name!("metrics"), port!(9102));

/// The metrics sidecar: a StatsD exporter. The API sends StatsD packets to it on
/// `localhost:9125` (pod-internal, never in the Service); Prometheus scrapes what it
/// aggregates on [`METRICS`].
pub fn statsd_exporter() -> Container {
    Container::builder()
        .name(name!("statsd"))
        .image(image!("docker.io/prom/statsd-exporter:v0.27.1"))
        .resources(Resources::new(
            cpu!("10m"),
            cpu!("100m"),
            memory!("32Mi"),
            memory!("64Mi"),
        ))
        .port(METRICS)
        .probes(
            Probes::builder()
                .liveness(Probe::builder().check(Check::tcp(&METRICS)).build())
                .readiness(Probe::builder().check(Check::tcp(&METRICS)).build())
                .build(),
        )
        .build()
}

/// The API component, an [`HttpComponent`]: the Ingress can route to it.
pub fn api(
    p: &Profile,
    stores: &Stores,
    redis: &Component,
    secrets: &ShopSecrets,
    config: &ConfigFiles,
) -> HttpComponent {
    let mut service = HttpService::builder()
        .port(HTTP)
        .probes(Probes::http(
            &HTTP,
            http_path!("/health/live"),
            http_path!("/health/ready"),
        ))
        .replicas(p.api_replicas)
        .spread(p.spread)
        .metrics(Metrics::builder().port(&METRICS).build())
        .build();
    // A node drain never takes more than one API pod at a time.
    service.disruption = Some(Disruption::MaxUnavailable(1));
    Component::builder()
        .name(name!("api"))
        .image(IMAGE)
        .resources(p.api_resources)
        .workload(service)
        .env(vec![
            EnvVar::secret(env_name!("DATABASE_URL"), secrets.database_url()),
            EnvVar::secret(env_name!("REDIS_URL"), secrets.redis_url()),
            EnvVar::secret(env_name!("PAYMENTS_API_KEY"), secrets.payments_api_key()),
            EnvVar::literal(env_name!("SHOP_CONFIG"), config.path_of(&CONFIG_FILE)),
            EnvVar::literal(env_name!("STATSD_ADDRESS"), "127.0.0.1:9125"),
        ])
        .files(vec![config.clone()])
        // A native sidecar: ready before the API starts, stopped after it.
        .sidecar(statsd_exporter())
        .talks_to([&stores.postgres, &stores.payments])
        .talks_to([redis])
        .build()
        // The model has no field for `minReadySeconds`: a typed closure sets it on the
        // rendered Deployment, and the validator checks the result.
        .customize_deployment(|d: &mut Deployment| {
            if let Some(spec) = d.spec.as_mut() {
                spec.min_ready_seconds = Some(10);
            }
        })
}
