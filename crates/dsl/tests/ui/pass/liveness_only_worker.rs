// A pod no Service routes to may have a liveness probe alone: an exec check on a worker
// renders a livenessProbe and no readinessProbe, and validates.
use dsl::*;

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
                .probes(Probes::liveness_only(
                    Probe::builder()
                        .check(Check::exec("/app/healthcheck", ["--live"]))
                        .period_seconds(30)
                        .build(),
                ))
                .build(),
        )
        .build();
    let app = App::builder()
        .name(name!("shop"))
        .environment(name!("production"))
        .namespace(name!("shop"))
        .components(vec![worker])
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
    let liveness = container.liveness_probe.expect("a liveness probe");
    assert_eq!(
        liveness.exec.and_then(|e| e.command),
        Some(vec!["/app/healthcheck".to_owned(), "--live".to_owned()])
    );
    assert_eq!(liveness.period_seconds, Some(30));
    assert!(container.readiness_probe.is_none());
}
