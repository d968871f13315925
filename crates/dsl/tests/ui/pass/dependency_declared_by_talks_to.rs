// A dependency a component talks to is one of the app's: the `&Dependency` handle
// carries it, so `App::dependencies` is not needed and cannot be forgotten.
use dsl::*;

fn main() {
    let postgres = Dependency::postgres_in_cluster(name!("postgres"), [("app", "postgresql")]);
    let worker = Component::builder()
        .name(name!("worker"))
        .image(image!("ghcr.io/acme/worker:1.0.0"))
        .resources(Resources::new(
            cpu!("100m"),
            cpu!("500m"),
            memory!("128Mi"),
            memory!("256Mi"),
        ))
        .workload(Worker::builder().replicas(Replicas::Fixed(1)).build())
        .talks_to([&postgres])
        .build();
    let app = App::builder()
        .name(name!("shop"))
        .environment(name!("production"))
        .namespace(name!("shop"))
        .components(vec![worker])
        .build();
    assert_eq!(app.all_dependencies(), [&postgres]);
    let manifests = render(&app);
    let report = validate(&manifests, &validate::context_for(&app));
    assert!(!report.has_errors(), "{:#?}", report.findings);
    let policy = manifests
        .iter()
        .find_map(|m| match &m.object {
            Object::NetworkPolicy(p) => Some(p.clone()),
            _ => None,
        })
        .expect("a NetworkPolicy");
    let egress = policy.spec.expect("spec").egress.expect("egress");
    let to_postgres = egress.iter().any(|rule| {
        let selects_postgres = rule.to.iter().flatten().any(|peer| {
            peer.pod_selector
                .as_ref()
                .and_then(|s| s.match_labels.as_ref())
                .is_some_and(|l| l.get("app").map(String::as_str) == Some("postgresql"))
        });
        let on_5432 = rule
            .ports
            .iter()
            .flatten()
            .any(|p| format!("{:?}", p.port) == "Some(Int(5432))");
        selects_postgres && on_5432
    });
    assert!(to_postgres, "{egress:#?}");
}
