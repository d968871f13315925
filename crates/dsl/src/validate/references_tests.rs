//! References that carry what they refer to: ports a probe or metrics endpoint refers to
//! are declared on the container, dependencies a component talks to are the app's, and
//! what is left to get wrong (a port name with two numbers, two dependencies of one
//! name) is an error at emit.

use k8s_openapi::api::apps::v1::Deployment;
use k8s_openapi::api::core::v1::{Container as K8sContainer, Service};
use k8s_openapi::api::networking::v1::NetworkPolicy;

use crate::*;

const HTTP: NamedPort = NamedPort::new(port_name!("http"), port!(8080));
const HEALTH: NamedPort = NamedPort::new(port_name!("health"), port!(8081));

fn resources() -> Resources {
    Resources::new(
        cpu!("100m"),
        cpu!("500m"),
        memory!("128Mi"),
        memory!("256Mi"),
    )
}

fn shop(components: Vec<Component>, dependencies: Vec<Dependency>) -> App {
    App::builder()
        .name(name!("shop"))
        .environment(name!("production"))
        .namespace(name!("shop"))
        .components(components)
        .dependencies(dependencies)
        .monitoring(Monitoring::builder().build())
        .build()
}

fn worker(workload: Worker) -> ComponentBuilder<Name, Image, Resources, Worker> {
    Component::builder()
        .name(name!("worker"))
        .image(image!("ghcr.io/acme/worker:1.0.0"))
        .resources(resources())
        .workload(workload)
}

fn health_probes() -> Probes {
    Probes::builder()
        .liveness(
            Probe::builder()
                .check(Check::http(http_path!("/live"), &HEALTH))
                .build(),
        )
        .readiness(Probe::builder().check(Check::tcp(&HEALTH)).build())
        .build()
}

fn errors(app: &App) -> Vec<Finding> {
    validate::validate(&render(app), &validate::context_for(app))
        .findings
        .into_iter()
        .filter(|f| f.severity == validate::Severity::Error && f.waived.is_none())
        .collect()
}

fn object<'a, T>(app_objects: &'a [Manifest], pick: impl Fn(&'a Object) -> Option<&'a T>) -> &'a T {
    app_objects
        .iter()
        .find_map(|m| pick(&m.object))
        .expect("the object is rendered")
}

fn main_container(d: &Deployment) -> &K8sContainer {
    &d.spec
        .as_ref()
        .expect("spec")
        .template
        .spec
        .as_ref()
        .expect("pod")
        .containers[0]
}

fn port_names(c: &K8sContainer) -> Vec<(String, i32)> {
    c.ports
        .iter()
        .flatten()
        .map(|p| (p.name.clone().unwrap_or_default(), p.container_port))
        .collect()
}

#[test]
fn a_port_only_probes_and_metrics_refer_to_is_declared_as_if_passed_to_ports() {
    let app = shop(
        vec![worker(
            Worker::builder()
                .replicas(Replicas::Fixed(1))
                .probes(health_probes())
                .metrics(Metrics::builder().port(&HEALTH).build())
                .build(),
        )
        .build()],
        vec![],
    );
    assert_eq!(app.components[0].workload.ports(), [HEALTH]);
    assert_eq!(errors(&app), []);
    let manifests = render(&app);
    let deployment = object(&manifests, |o| match o {
        Object::Deployment(d) => Some(d),
        _ => None,
    });
    assert_eq!(
        port_names(main_container(deployment)),
        [("health".to_owned(), 8081)]
    );
    // The metrics Service exposes it, the ServiceMonitor scrapes it, and the
    // NetworkPolicy admits Prometheus to it: as for a port passed to `.ports(..)`.
    let service = object(&manifests, |o| match o {
        Object::Service(s) => Some(s),
        _ => None,
    });
    let service_ports: Vec<_> = service_ports(service);
    assert_eq!(service_ports, [("health".to_owned(), 8081)]);
    let monitor = object(&manifests, |o| match o {
        Object::ServiceMonitor(m) => Some(m),
        _ => None,
    });
    assert_eq!(monitor.spec.endpoints[0].port.as_deref(), Some("health"));
    let policy = object(&manifests, |o| match o {
        Object::NetworkPolicy(p) => Some(p),
        _ => None,
    });
    assert!(
        ingress_port_names(policy).contains(&"health".to_owned()),
        "{policy:#?}"
    );
}

fn service_ports(s: &Service) -> Vec<(String, i32)> {
    s.spec
        .as_ref()
        .and_then(|s| s.ports.as_ref())
        .into_iter()
        .flatten()
        .map(|p| (p.name.clone().unwrap_or_default(), p.port))
        .collect()
}

fn ingress_port_names(p: &NetworkPolicy) -> Vec<String> {
    p.spec
        .as_ref()
        .and_then(|s| s.ingress.as_ref())
        .into_iter()
        .flatten()
        .flat_map(|r| r.ports.iter().flatten())
        .filter_map(|p| match &p.port {
            Some(k8s_openapi::apimachinery::pkg::util::intstr::IntOrString::String(s)) => {
                Some(s.clone())
            }
            _ => None,
        })
        .collect()
}

#[test]
fn a_declared_port_is_not_declared_twice() {
    let api = Component::builder()
        .name(name!("api"))
        .image(image!("ghcr.io/acme/api:1.0.0"))
        .resources(resources())
        .workload(
            HttpService::builder()
                .port(HTTP)
                .extra_ports(vec![HEALTH])
                .probes(health_probes())
                .metrics(Metrics::builder().port(&HTTP).build())
                .replicas(Replicas::Fixed(2))
                .build(),
        )
        .build();
    assert_eq!(api.workload.ports(), [HTTP, HEALTH]);
}

#[test]
fn an_http_service_probe_port_is_added_to_its_extra_ports() {
    let api = Component::builder()
        .name(name!("api"))
        .image(image!("ghcr.io/acme/api:1.0.0"))
        .resources(resources())
        .workload(
            HttpService::builder()
                .port(HTTP)
                .probes(health_probes())
                .replicas(Replicas::Fixed(2))
                .build(),
        )
        .build();
    match &api.workload {
        Workload::Http(h) => assert_eq!(h.extra_ports, [HEALTH]),
        other => panic!("{other:?}"),
    }
}

#[test]
fn a_further_container_declares_the_ports_of_its_probes() {
    let admin = NamedPort::new(port_name!("admin"), port!(9901));
    let proxy = Container::builder()
        .name(name!("proxy"))
        .image(image!("ghcr.io/acme/proxy:1.0.0"))
        .resources(resources())
        .probes(Probes::http(
            &admin,
            http_path!("/live"),
            http_path!("/ready"),
        ))
        .build();
    assert_eq!(proxy.ports, [admin]);
    assert!(proxy.served.is_empty());
}

#[test]
fn a_metrics_port_a_sidecar_declares_stays_the_sidecars() {
    let metrics = NamedPort::new(port_name!("metrics"), port!(9102));
    let exporter = Container::builder()
        .name(name!("exporter"))
        .image(image!("ghcr.io/acme/exporter:1.0.0"))
        .resources(resources())
        .port(metrics.clone())
        .build();
    let c = worker(
        Worker::builder()
            .replicas(Replicas::Fixed(1))
            .metrics(Metrics::builder().port(&metrics).build())
            .build(),
    )
    .sidecar(exporter)
    .build();
    assert_eq!(c.workload.ports(), []);
}

#[test]
fn a_probe_on_a_port_name_declared_with_another_number_is_an_emit_error() {
    let other_health = NamedPort::new(port_name!("health"), port!(9090));
    let app = shop(
        vec![worker(
            Worker::builder()
                .replicas(Replicas::Fixed(1))
                .ports(vec![other_health])
                .probes(health_probes())
                .build(),
        )
        .build()],
        vec![],
    );
    let found = errors(&app);
    assert_eq!(found.len(), 2, "{found:#?}");
    let f = &found[0];
    assert_eq!(f.rule, "dangling-reference");
    assert_eq!(f.app.as_deref(), Some("shop"));
    assert_eq!(f.environment.as_deref(), Some("production"));
    assert_eq!((f.kind.as_str(), f.name.as_str()), ("Component", "worker"));
    assert_eq!(f.field, "workload.probes.liveness");
    assert_eq!(found[1].field, "workload.probes.readiness");
    assert!(
        f.message.contains(
            "refers to the port `health` as 8081, but the workload declares `health` as 9090"
        ),
        "{}",
        f.message
    );
    assert!(
        f.fix.contains(
            "const HEALTH: NamedPort = NamedPort::new(port_name!(\"health\"), port!(9090));"
        ),
        "{}",
        f.fix
    );
    let declared_at = f.declared_at.as_deref().expect("declared at");
    assert!(declared_at.contains("references_tests.rs"), "{declared_at}");
}

#[test]
fn a_sidecar_probe_on_a_port_name_declared_with_another_number_is_an_emit_error() {
    let admin = NamedPort::new(port_name!("admin"), port!(9901));
    let mut proxy = Container::builder()
        .name(name!("proxy"))
        .image(image!("ghcr.io/acme/proxy:1.0.0"))
        .resources(resources())
        .port(NamedPort::new(port_name!("admin"), port!(9000)))
        .build();
    proxy.probes = Some(Probes::http(
        &admin,
        http_path!("/live"),
        http_path!("/ready"),
    ));
    let app = shop(
        vec![
            worker(Worker::builder().replicas(Replicas::Fixed(1)).build())
                .sidecar(proxy)
                .build(),
        ],
        vec![],
    );
    let found: Vec<_> = errors(&app)
        .into_iter()
        .filter(|f| f.rule == "dangling-reference")
        .collect();
    assert_eq!(found.len(), 2, "{found:#?}");
    assert_eq!(found[0].field, "containers[0].probes.liveness");
    assert!(
        found[0]
            .message
            .contains("but container `proxy` declares `admin` as 9000"),
        "{}",
        found[0].message
    );
}

fn postgres() -> Dependency {
    Dependency::postgres_in_cluster(name!("postgres"), [("app", "postgres")])
}

fn egress_ports(p: &NetworkPolicy) -> Vec<i32> {
    p.spec
        .as_ref()
        .and_then(|s| s.egress.as_ref())
        .into_iter()
        .flatten()
        .flat_map(|r| r.ports.iter().flatten())
        .filter_map(|p| match &p.port {
            Some(k8s_openapi::apimachinery::pkg::util::intstr::IntOrString::Int(n)) => Some(*n),
            _ => None,
        })
        .collect()
}

#[test]
fn a_dependency_a_component_talks_to_is_the_apps() {
    let pg = postgres();
    let app = shop(
        vec![
            worker(Worker::builder().replicas(Replicas::Fixed(1)).build())
                .talks_to([&pg])
                .build(),
        ],
        vec![],
    );
    assert!(app.dependencies.is_empty());
    assert_eq!(app.all_dependencies(), [&pg]);
    assert_eq!(errors(&app), []);
    let manifests = render(&app);
    let policy = object(&manifests, |o| match o {
        Object::NetworkPolicy(p) => Some(p),
        _ => None,
    });
    assert!(egress_ports(policy).contains(&5432), "{policy:#?}");
}

#[test]
fn leader_locks_and_spawned_jobs_bring_their_dependencies() {
    let redis = Dependency::redis_in_cluster(name!("redis"), [("app", "redis")]);
    let github = Dependency::public_https(name!("github"));
    let pg = postgres();
    let c = worker(
        Worker::builder()
            .replicas(Replicas::Fixed(1))
            .leader_election(
                LeaderElection::builder()
                    .lock(LeaderLock::dependency(&redis))
                    .env_prefix(env_name!("W_"))
                    .build(),
            )
            .build(),
    )
    .spawns_jobs(
        SpawnedJobs::builder()
            .namespace(name!("runners"))
            .service_account(name!("runner"))
            .talks_to([&github])
            .build(),
    )
    .build();
    // Declared first, in the declared order; then by component; each once.
    let app = shop(vec![c], vec![pg.clone(), redis.clone()]);
    assert_eq!(app.all_dependencies(), [&pg, &redis, &github]);
    assert_eq!(app.dependency(&name!("github")), Some(&github));
    assert_eq!(errors(&app), []);
}

#[test]
fn two_different_dependencies_of_one_name_are_an_emit_error() {
    let declared = postgres();
    let other = Dependency::postgres_in_cluster(name!("postgres"), [("app", "pg-replica")]);
    let app = shop(
        vec![
            worker(Worker::builder().replicas(Replicas::Fixed(1)).build())
                .talks_to([&other])
                .build(),
        ],
        vec![declared.clone()],
    );
    assert_eq!(app.all_dependencies(), [&declared]);
    let found: Vec<_> = errors(&app)
        .into_iter()
        .filter(|f| f.rule == "dangling-reference")
        .collect();
    assert_eq!(found.len(), 1, "{found:#?}");
    let f = &found[0];
    assert_eq!(f.app.as_deref(), Some("shop"));
    assert_eq!(f.environment.as_deref(), Some("production"));
    assert_eq!((f.kind.as_str(), f.name.as_str()), ("Component", "worker"));
    assert_eq!(f.field, "talks_to[0]");
    assert!(
        f.message.contains("pods app=pg-replica") && f.message.contains("pods app=postgres"),
        "{}",
        f.message
    );
    assert!(f.message.contains("App::dependencies[0]"), "{}", f.message);
    assert!(f.fix.contains("pass `&postgres` everywhere"), "{}", f.fix);
    assert!(f
        .declared_at
        .as_deref()
        .is_some_and(|l| l.contains("references_tests.rs")));
}

#[test]
fn the_same_dependency_declared_and_talked_to_is_one() {
    let pg = postgres();
    let app = shop(
        vec![
            worker(Worker::builder().replicas(Replicas::Fixed(1)).build())
                .talks_to([&pg])
                .build(),
        ],
        vec![pg.clone()],
    );
    assert_eq!(app.all_dependencies(), [&pg]);
    assert_eq!(errors(&app), []);
}

#[test]
fn an_exec_liveness_probe_alone_renders_no_readiness_probe() {
    let app = shop(
        vec![worker(
            Worker::builder()
                .replicas(Replicas::Fixed(1))
                .probes(Probes::liveness_only(
                    Probe::builder()
                        .check(Check::exec("/app/healthcheck", ["--live"]))
                        .build(),
                ))
                .build(),
        )
        .build()],
        vec![],
    );
    assert_eq!(errors(&app), []);
    let manifests = render(&app);
    let deployment = object(&manifests, |o| match o {
        Object::Deployment(d) => Some(d),
        _ => None,
    });
    let c = main_container(deployment);
    let exec = c
        .liveness_probe
        .as_ref()
        .and_then(|p| p.exec.as_ref())
        .and_then(|e| e.command.clone());
    assert_eq!(exec, Some(vec!["/app/healthcheck".into(), "--live".into()]));
    assert_eq!(c.readiness_probe, None);
    assert_eq!(c.ports, None);
}
