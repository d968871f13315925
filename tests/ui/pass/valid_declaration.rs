// The control case: valid literals and a complete declaration compile and run. Besides
// proving the compile-fail cases fail for the reason they state, its presence makes
// trybuild use `cargo build` instead of `cargo check` (see tests/compile_fail.rs).
use dsl::*;

const RUN_AS: RunAs = RunAs::new(1000, 1000);

fn main() {
    let http = port_name!("http");
    let secrets = ExternalSecret::new(name!("shop-secrets"), [key!("database-url")]);
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
                .port(NamedPort::new(http.clone(), port!(8080)))
                .probes(Probes::http(
                    http,
                    http_path!("/live"),
                    http_path!("/ready"),
                ))
                .replicas(Replicas::Fixed(2))
                .build(),
        )
        .env(vec![
            EnvVar::literal(env_name!("RUST_LOG"), "info"),
            EnvVar::secret(env_name!("DATABASE_URL"), secrets.key(key!("database-url"))),
        ])
        .writable_dirs(vec![WritableDir::tmp(storage!("64Mi"))])
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
        .build();
    let app = App::builder()
        .name(name!("shop"))
        .environment(name!("production"))
        .namespace(name!("shop"))
        .components(vec![api, job])
        .secrets(vec![secrets])
        .ingress(
            Ingress::builder()
                .class(name!("nginx"))
                .hosts(vec![HostRules::all_to(
                    host!("shop.example.com"),
                    name!("api"),
                )])
                .tls(Tls::CertManager {
                    cluster_issuer: name!("letsencrypt-prod"),
                })
                .build(),
        )
        .build();
    assert_eq!(app.components.len(), 2);
    assert_eq!(app.object_name(&name!("api")).as_str(), "shop-api");
}
