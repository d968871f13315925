//! Rendering and validation of further pod containers: init containers, native and
//! legacy sidecars, regular containers, and exec / TCP / gRPC probes.

use k8s_openapi::api::core::v1::Container as K8sContainer;
use k8s_openapi::apimachinery::pkg::util::intstr::IntOrString;

use crate::render::containers_tests::{
    api, cb, exporter, exporter_port, full_api, job, migrate, otel, pod_spec, small,
};
use crate::render::pod::container_security_context;
use crate::render::tests::shop;
use crate::*;

fn names(containers: &[K8sContainer]) -> Vec<&str> {
    containers.iter().map(|c| c.name.as_str()).collect()
}

fn findings(app: &App, rule: &str) -> Vec<Finding> {
    validate(&render(app), &validate::context_for(app))
        .findings
        .into_iter()
        .filter(|f| f.rule == rule)
        .collect()
}

fn assert_clean(app: &App) {
    let report = validate(&render(app), &validate::context_for(app));
    let open: Vec<_> = report
        .findings
        .iter()
        .filter(|f| f.waived.is_none())
        .collect();
    assert!(open.is_empty(), "{open:#?}");
}

#[test]
fn init_container_native_sidecar_and_extra_container_render_in_order() {
    let app = shop(vec![full_api()]);
    let manifests = render(&app);
    let pod = pod_spec(&manifests);
    let init = pod.init_containers.as_deref().expect("initContainers");
    assert_eq!(names(init), ["migrate", "otel"]);
    assert_eq!(init[0].restart_policy, None);
    assert_eq!(init[1].restart_policy.as_deref(), Some("Always"));
    assert_eq!(names(&pod.containers), ["api", "exporter"]);
    for c in init.iter().chain(&pod.containers) {
        assert_eq!(
            c.security_context,
            Some(container_security_context()),
            "{}",
            c.name
        );
        let r = c.resources.as_ref().expect("resources");
        assert!(r.requests.is_some() && r.limits.is_some(), "{}", c.name);
    }
    assert_eq!(init[0].args.as_deref(), Some(&["migrate".to_owned()][..]));
    assert_eq!(
        init[0].env.as_ref().map(|e| e[0].name.as_str()),
        Some("RUST_LOG")
    );
    // The main container and the sidecar share the one `tmp` volume.
    let volumes: Vec<_> = pod
        .volumes
        .iter()
        .flatten()
        .map(|v| v.name.as_str())
        .collect();
    assert_eq!(volumes, ["tmp"]);
    assert_eq!(
        init[1].volume_mounts.as_ref().map(|m| m[0].name.as_str()),
        Some("tmp")
    );
    assert_clean(&app);
}

#[test]
fn exec_and_grpc_probes_render_on_the_main_container() {
    let grpc = NamedPort::new(port_name!("grpc"), port!(9090));
    let worker = Component::builder()
        .name(name!("worker"))
        .image(image!("ghcr.io/acme/worker:1.0.0"))
        .resources(small())
        .workload(
            Worker::builder()
                .replicas(Replicas::Fixed(1))
                .ports(vec![grpc.clone()])
                .probes(
                    Probes::builder()
                        .liveness(
                            Probe::builder()
                                .check(Check::exec("/bin/worker", ["health"]))
                                .build(),
                        )
                        .readiness(Probe::builder().check(Check::grpc(&grpc)).build())
                        .build(),
                )
                .build(),
        )
        .build();
    let app = shop(vec![worker]);
    let manifests = render(&app);
    let main = &pod_spec(&manifests).containers[0];
    let exec = main.liveness_probe.as_ref().and_then(|p| p.exec.as_ref());
    assert_eq!(
        exec.and_then(|e| e.command.as_deref()),
        Some(&["/bin/worker".to_owned(), "health".to_owned()][..])
    );
    let g = main
        .readiness_probe
        .as_ref()
        .and_then(|p| p.grpc.as_ref())
        .expect("grpc");
    assert_eq!((g.port, g.service.as_deref()), (9090, None));
    assert_clean(&app);
}

#[test]
fn legacy_mode_renders_sidecars_as_regular_containers() {
    let mut app = shop(vec![full_api()]);
    app.sidecar_mode = SidecarMode::Legacy;
    let manifests = render(&app);
    let pod = pod_spec(&manifests);
    assert_eq!(
        names(pod.init_containers.as_deref().expect("init")),
        ["migrate"]
    );
    assert_eq!(names(&pod.containers), ["api", "otel", "exporter"]);
    assert!(pod.containers.iter().all(|c| c.restart_policy.is_none()));
    assert_clean(&app);
}

#[test]
fn native_sidecars_work_on_jobs_and_legacy_ones_are_refused() {
    for scheduled in [false, true] {
        let mut app = shop(vec![job(scheduled)]);
        let manifests = render(&app);
        let init = pod_spec(&manifests).init_containers.clone().expect("init");
        assert_eq!(names(&init), ["otel", "migrate"]);
        assert_eq!(init[0].restart_policy.as_deref(), Some("Always"));
        assert_clean(&app);

        app.sidecar_mode = SidecarMode::Legacy;
        let refused = findings(&app, "legacy-sidecar-job");
        assert_eq!(refused.len(), 1, "{refused:#?}");
        assert!(refused[0].is_error());
        assert_eq!(refused[0].field, "containers[0]");
        assert_eq!(refused[0].name, "report");
        assert!(refused[0].message.contains("shop/production"));
        assert!(refused[0].message.contains("sidecar `otel`"));
        assert!(refused[0].fix.contains("SidecarMode::Native"));
    }
}

#[test]
fn repeated_container_and_port_names_and_numbers_are_errors() {
    // A sidecar named like the component's main container.
    let app = shop(vec![api(|b| {
        b.sidecar(cb(name!("api"), image!("ghcr.io/acme/x:1.0.0"), small()).build())
    })]);
    let dup = findings(&app, "duplicate-container");
    assert_eq!(dup.len(), 1, "{dup:#?}");
    assert!(dup[0].message.contains("`api`"));

    // A port name the main container already uses.
    let app = shop(vec![api(|b| {
        b.container(
            exporter()
                .port(NamedPort::new(port_name!("http"), port!(8081)))
                .build(),
        )
    })]);
    let dup = findings(&app, "duplicate-port");
    assert_eq!(dup.len(), 1, "{dup:#?}");
    assert_eq!(
        dup[0].field,
        "spec.template.spec.containers[1].ports[1].name"
    );

    // A port number the main container already uses.
    let app = shop(vec![api(|b| {
        b.sidecar(
            exporter()
                .port(NamedPort::new(port_name!("admin"), port!(8080)))
                .build(),
        )
    })]);
    let clash = findings(&app, "pod-containers");
    assert_eq!(clash.len(), 1, "{clash:#?}");
    assert!(clash[0].is_error());
    assert_eq!(clash[0].field, "containers[0].ports[1]");
    assert!(clash[0]
        .message
        .contains("container `api` already uses for port `http`"));
    assert_eq!(clash[0].fix, "give one of the ports another number");
}

#[test]
fn conflicting_dirs_served_init_ports_and_empty_exec_are_errors() {
    let app = shop(vec![api(|b| {
        b.init_container(
            migrate()
                .serves(NamedPort::new(port_name!("admin"), port!(9000)))
                .build(),
        )
        .sidecar(
            exporter()
                .writable_dir(WritableDir::tmp(storage!("1Gi")))
                .probes(
                    Probes::builder()
                        .liveness(Probe::builder().check(Check::Exec(Vec::new())).build())
                        .readiness(Probe::builder().check(Check::tcp(exporter_port())).build())
                        .build(),
                )
                .build(),
        )
    })]);
    let found = findings(&app, "pod-containers");
    let fields: Vec<&str> = found.iter().map(|f| f.field.as_str()).collect();
    assert_eq!(
        fields,
        [
            "containers[0].served",
            "containers[1].probes.liveness",
            "containers[1].writable_dirs[0]",
        ],
        "{found:#?}"
    );
}

#[test]
fn served_and_metrics_ports_of_sidecars_reach_the_service_others_stay_in_the_pod() {
    let grpc = NamedPort::new(port_name!("grpc"), port!(9090));
    let mut api = api(|b| {
        b.sidecar(
            cb(name!("proxy"), image!("ghcr.io/acme/proxy:3.1.0"), small())
                .serves(grpc.clone())
                .build(),
        )
        .container(exporter().build())
        .sidecar(otel().build())
    });
    if let Workload::Http(h) = &mut api.workload {
        h.metrics = Some(Metrics::builder().port(exporter_port()).build());
    }
    let caller = Component::builder()
        .name(name!("web"))
        .image(image!("ghcr.io/acme/web:1.0.0"))
        .resources(small())
        .workload(Worker::builder().replicas(Replicas::Fixed(1)).build())
        .talks_to([&api])
        .build();
    let app = App::builder()
        .name(name!("shop"))
        .environment(name!("production"))
        .namespace(name!("shop"))
        .components(vec![api, caller])
        .monitoring(Monitoring::builder().build())
        .build();
    let manifests = render(&app);
    let service = manifests
        .iter()
        .find_map(|m| match &m.object {
            Object::Service(s) => Some(s),
            _ => None,
        })
        .expect("Service");
    let ports: Vec<_> = service
        .spec
        .as_ref()
        .and_then(|s| s.ports.as_ref())
        .expect("ports")
        .iter()
        .map(|p| p.name.as_deref().unwrap_or_default())
        .collect();
    // `otlp` stays pod-internal.
    assert_eq!(ports, ["http", "grpc", "exporter"]);
    let policy = manifests
        .iter()
        .find_map(|m| match &m.object {
            Object::NetworkPolicy(p) if m.origin.component.as_deref() == Some("api") => Some(p),
            _ => None,
        })
        .expect("api NetworkPolicy");
    let v = serde_json::to_value(policy).expect("json");
    let text = v.to_string();
    // Ports of native sidecars by number (named init-container ports are not resolved
    // everywhere), of regular containers by name; `otlp` (4317) stays closed.
    assert!(text.contains("\"port\":9090"), "{text}");
    assert!(!text.contains("\"port\":\"grpc\""), "{text}");
    assert!(text.contains("\"port\":\"exporter\""), "{text}");
    assert!(!text.contains("4317"), "{text}");
    let target: Vec<_> = service
        .spec
        .as_ref()
        .and_then(|s| s.ports.as_ref())
        .expect("ports")
        .iter()
        .map(|p| p.target_port.clone())
        .collect();
    assert_eq!(
        target,
        [
            Some(IntOrString::String("http".into())),
            Some(IntOrString::Int(9090)),
            Some(IntOrString::String("exporter".into())),
        ]
    );
    assert_clean(&app);
}

#[test]
fn metrics_on_a_native_sidecar_port_are_scraped_by_number() {
    let mut api = api(|b| b.sidecar(exporter().build()));
    if let Workload::Http(h) = &mut api.workload {
        h.metrics = Some(Metrics::builder().port(exporter_port()).build());
    }
    let app = App::builder()
        .name(name!("shop"))
        .environment(name!("production"))
        .namespace(name!("shop"))
        .components(vec![api])
        .monitoring(Monitoring::builder().build())
        .build();
    let manifests = render(&app);
    let service = manifests
        .iter()
        .find_map(|m| match &m.object {
            Object::Service(s) => s.spec.as_ref()?.ports.clone(),
            _ => None,
        })
        .expect("Service ports");
    assert_eq!(service[1].name.as_deref(), Some("exporter"));
    assert_eq!(service[1].target_port, Some(IntOrString::Int(9121)));
    assert!(manifests
        .iter()
        .any(|m| m.object.kind() == "ServiceMonitor"));
    let policy = manifests
        .iter()
        .find(|m| m.object.kind() == "NetworkPolicy")
        .expect("NetworkPolicy");
    let text = serde_json::to_value(&policy.object)
        .expect("json")
        .to_string();
    assert!(text.contains("\"port\":9121"), "{text}");
    assert_clean(&app);
}
