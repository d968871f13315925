// The control case: valid literals and a complete declaration compile and run, proving
// the compile-fail cases fail for the reason they state (run by tests/pass.rs).
// Every reference goes through a handle of what it refers to.
use dsl::*;

const RUN_AS: RunAs = RunAs::new(1000, 1000);

external_secret! {
    struct ShopSecrets {
        database_url: "database-url",
    }
}

fn main() {
    let http = NamedPort::new(port_name!("http"), port!(8080));
    let secrets = ShopSecrets::named(name!("shop-secrets"));
    let postgres = Dependency::postgres_in_cluster(name!("postgres"), [("app", "postgresql")]);
    let api = Component::builder()
        .name(name!("api"))
        .image(image!("ghcr.io/acme/shop:1.4.2"))
        .resources(Resources::new(
            cpu!("250m"),
            cpu!("1"),
            memory!("256Mi"),
            memory!("1Gi"),
        ))
        .workload(
            HttpService::builder()
                .probes(Probes::http(&http, http_path!("/live"), http_path!("/ready")))
                .metrics(Metrics::builder().port(&http).build())
                .port(http)
                .replicas(Replicas::Autoscaled(autoscaling!(2..=6).cpu(70)))
                .build(),
        )
        .env(vec![
            EnvVar::literal(env_name!("RUST_LOG"), "info"),
            EnvVar::secret(env_name!("DATABASE_URL"), secrets.database_url()),
        ])
        .writable_dirs(vec![WritableDir::tmp(storage!("64Mi"))])
        .talks_to([&postgres])
        .run_as(RUN_AS)
        .build();
    let job = Component::builder()
        .name(name!("migrate"))
        .image(image!(
            "ghcr.io/acme/shop@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"
        ))
        .resources(Resources::new(cpu!("0.5"), cpu!("1"), memory!("128M"), memory!("256Mi")))
        .workload(
            BatchJob::builder()
                .backoff_limit(3)
                .ttl_seconds_after_finished(3600)
                .build(),
        )
        .talks_to([&postgres])
        .build();
    let ingress = Ingress::builder()
        .class(name!("nginx"))
        .hosts(vec![HostRules::all_to(host!("shop.example.com"), &api)])
        .tls(Tls::CertManager {
            cluster_issuer: name!("letsencrypt-prod"),
        })
        .build();
    let app = App::builder()
        .name(name!("shop"))
        .environment(name!("production"))
        .namespace(name!("shop"))
        .components((api, job))
        .dependencies(vec![postgres])
        .secrets(vec![secrets.declaration()])
        .ingress(ingress)
        .build();
    assert_eq!(app.components.len(), 2);
    assert_eq!(app.object_name(&name!("api")).as_str(), "shop-api");
    let report = validate(&render(&app), &validate::context_for(&app));
    assert!(!report.has_errors(), "{:#?}", report.findings);
}
