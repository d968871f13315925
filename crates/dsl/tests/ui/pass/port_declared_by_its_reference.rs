// A port that probes and metrics refer to is declared by the reference itself: the
// `NamedPort` travels with it, so a `const HEALTH: NamedPort` never passed to `.ports(..)`
// is still a port of the container (and of the metrics Service, as if it had been).
use dsl::*;

const HEALTH: NamedPort = NamedPort::new(port_name!("health"), port!(8081));

fn main() {
    let worker = Component::builder()
        .name(name!("worker"))
        .image(image!("ghcr.io/acme/worker:1.0.0"))
        .resources(Resources::new(
            cpu!("100m"),
            cpu!("500m"),
            memory!("128Mi"),
            memory!("256Mi"),
        ))
        .workload(
            Worker::builder()
                .replicas(Replicas::Fixed(1))
                .probes(Probes::http(&HEALTH, http_path!("/live"), http_path!("/ready")))
                .metrics(Metrics::builder().port(&HEALTH).build())
                .build(),
        )
        .build();
    let app = App::builder()
        .name(name!("shop"))
        .environment(name!("production"))
        .namespace(name!("shop"))
        .components(vec![worker])
        .monitoring(Monitoring::builder().build())
        .build();
    let manifests = render(&app);
    let report = validate(&manifests, &validate::context_for(&app));
    assert!(!report.has_errors(), "{:#?}", report.findings);
    let container = manifests
        .iter()
        .find_map(|m| match &m.object {
            Object::Deployment(d) => Some(d.spec.as_ref()?.template.spec.as_ref()?.containers[0].clone()),
            _ => None,
        })
        .expect("a Deployment");
    let ports: Vec<(Option<String>, i32)> = container
        .ports
        .unwrap_or_default()
        .into_iter()
        .map(|p| (p.name, p.container_port))
        .collect();
    assert_eq!(ports, [(Some("health".to_owned()), 8081)]);
    let service_ports: Vec<Option<String>> = manifests
        .iter()
        .find_map(|m| match &m.object {
            Object::Service(s) => s.spec.as_ref()?.ports.clone(),
            _ => None,
        })
        .expect("the metrics Service")
        .into_iter()
        .map(|p| p.name)
        .collect();
    assert_eq!(service_ports, [Some("health".to_owned())]);
}
