//! Rendering of further pod containers: init containers, native and legacy sidecars,
//! regular containers, and exec / TCP / gRPC probes (what the validator says of them:
//! `validate/render_tests/containers.rs`).

use k8s_openapi::api::core::v1::PodSpec;
use k8s_openapi::apimachinery::pkg::util::intstr::IntOrString;

use super::tests::shop;
use crate::*;

pub(crate) fn small() -> Resources {
    Resources::new(cpu!("10m"), cpu!("100m"), memory!("32Mi"), memory!("64Mi"))
}

fn http() -> NamedPort {
    NamedPort::new(port_name!("http"), port!(8080))
}

fn otlp() -> NamedPort {
    NamedPort::new(port_name!("otlp"), port!(4317))
}

pub(crate) fn exporter_port() -> NamedPort {
    NamedPort::new(port_name!("exporter"), port!(9121))
}

pub(crate) type Ready = ContainerBuilder<Name, Image, Resources>;

pub(crate) fn cb(name: Name, image: Image, resources: Resources) -> Ready {
    Container::builder()
        .name(name)
        .image(image)
        .resources(resources)
}

pub(crate) fn migrate() -> Ready {
    cb(name!("migrate"), image!("ghcr.io/acme/shop:1.4.2"), small())
        .args(vec!["migrate".into()])
        .env(vec![EnvVar::literal(env_name!("RUST_LOG"), "info")])
}

/// A native sidecar with TCP liveness, gRPC readiness and an exec startup probe.
pub(crate) fn otel() -> Ready {
    cb(
        name!("otel"),
        image!("otel/opentelemetry-collector:0.110.0"),
        small(),
    )
    .port(otlp())
    .writable_dir(WritableDir::tmp(storage!("64Mi")))
    .probes(
        Probes::builder()
            .liveness(Probe::builder().check(Check::tcp(otlp())).build())
            .readiness(
                Probe::builder()
                    .check(Check::grpc_service(&otlp(), "otel.Collector"))
                    .build(),
            )
            .startup(
                Probe::builder()
                    .check(Check::exec("/otelcol", ["validate"]))
                    .failure_threshold(30)
                    .build(),
            )
            .build(),
    )
}

pub(crate) fn exporter() -> Ready {
    cb(
        name!("exporter"),
        image!("oliver006/redis_exporter:v1.62.0"),
        small(),
    )
    .port(exporter_port())
}

pub(crate) fn api(
    extra: impl FnOnce(
        ComponentBuilder<Name, Image, Resources, HttpService>,
    ) -> ComponentBuilder<Name, Image, Resources, HttpService>,
) -> Component {
    let builder = Component::builder()
        .name(name!("api"))
        .image(image!("ghcr.io/acme/shop:1.4.2"))
        .resources(small())
        .writable_dirs(vec![WritableDir::tmp(storage!("64Mi"))])
        .workload(
            HttpService::builder()
                .port(http())
                .probes(Probes::http(
                    http(),
                    http_path!("/live"),
                    http_path!("/ready"),
                ))
                .replicas(Replicas::Fixed(1))
                .build(),
        );
    extra(builder).build().into_component()
}

pub(crate) fn full_api() -> Component {
    api(|b| {
        b.init_container(migrate().build())
            .sidecar(otel().build())
            .container(exporter().build())
    })
}

pub(crate) fn pod_spec(manifests: &[Manifest]) -> &PodSpec {
    manifests
        .iter()
        .find_map(|m| match &m.object {
            Object::Deployment(d) => d.spec.as_ref()?.template.spec.as_ref(),
            Object::StatefulSet(s) => s.spec.as_ref()?.template.spec.as_ref(),
            Object::Job(j) => j.spec.as_ref()?.template.spec.as_ref(),
            Object::CronJob(c) => c
                .spec
                .as_ref()?
                .job_template
                .spec
                .as_ref()?
                .template
                .spec
                .as_ref(),
            _ => None,
        })
        .expect("a pod spec")
}

#[test]
fn sidecar_probes_render_tcp_grpc_by_number_and_exec() {
    let app = shop(vec![full_api()]);
    let manifests = render(&app);
    let otel = &pod_spec(&manifests)
        .init_containers
        .as_deref()
        .expect("init")[1];
    let live = otel.liveness_probe.as_ref().expect("liveness");
    assert_eq!(
        live.tcp_socket.as_ref().map(|t| &t.port),
        Some(&IntOrString::String("otlp".into()))
    );
    let ready = otel.readiness_probe.as_ref().expect("readiness");
    let grpc = ready.grpc.as_ref().expect("grpc");
    assert_eq!(grpc.port, 4317);
    assert_eq!(grpc.service.as_deref(), Some("otel.Collector"));
    let startup = otel.startup_probe.as_ref().expect("startup");
    assert_eq!(
        startup.exec.as_ref().and_then(|e| e.command.as_deref()),
        Some(&["/otelcol".to_owned(), "validate".to_owned()][..])
    );
    assert_eq!(startup.failure_threshold, Some(30));
    // As written to YAML.
    let m = manifests
        .iter()
        .find(|m| m.object.kind() == "Deployment")
        .expect("Deployment");
    let v = serde_json::to_value(&m.object).expect("json");
    let sidecar = &v["spec"]["template"]["spec"]["initContainers"][1];
    assert_eq!(sidecar["restartPolicy"], "Always");
    assert_eq!(sidecar["readinessProbe"]["grpc"]["port"], 4317);
}

pub(crate) fn job(scheduled: bool) -> Component {
    let b = Component::builder()
        .name(name!("report"))
        .image(image!("ghcr.io/acme/report:2.0.1"))
        .resources(small())
        .sidecar(otel().build())
        .init_container(migrate().build());
    if scheduled {
        b.workload(
            ScheduledJob::builder()
                .schedule(cron!("30 2 * * *"))
                .backoff_limit(1)
                .ttl_seconds_after_finished(3600)
                .build(),
        )
        .build()
    } else {
        b.workload(
            BatchJob::builder()
                .backoff_limit(1)
                .ttl_seconds_after_finished(3600)
                .build(),
        )
        .build()
    }
}

#[test]
fn every_workload_with_a_pod_template_gets_further_containers() {
    let worker = Component::builder()
        .name(name!("worker"))
        .image(image!("ghcr.io/acme/worker:1.0.0"))
        .resources(small())
        .workload(Worker::builder().replicas(Replicas::Fixed(1)).build())
        .init_container(migrate().build())
        .build();
    let raft = NamedPort::new(port_name!("raft"), port!(7000));
    let client = NamedPort::new(port_name!("client"), port!(7001));
    let cluster = Component::builder()
        .name(name!("store"))
        .image(image!("ghcr.io/acme/store:3.0.0"))
        .resources(small())
        .workload(
            StatefulCluster::builder()
                .members(quorum!(3))
                .port(client.clone())
                .peer_port(raft.clone())
                .probes(
                    Probes::builder()
                        .liveness(Probe::builder().check(Check::tcp(&client)).build())
                        .readiness(Probe::builder().check(Check::tcp(&client)).build())
                        .build(),
                )
                .build(),
        )
        .sidecar(exporter().build())
        .build();
    for c in [worker, cluster, job(false), job(true)] {
        let name = c.name.clone();
        let manifests = render(&shop(vec![c]));
        let pod = pod_spec(&manifests);
        assert!(
            pod.init_containers.as_ref().is_some_and(|i| !i.is_empty()),
            "{name}"
        );
    }
}
