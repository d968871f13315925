//! Stateful services: a single instance and an N-member StatefulSet.

use std::num::NonZeroU32;

use k8s_openapi::api::apps::v1::StatefulSet;
use k8s_openapi::apimachinery::pkg::util::intstr::IntOrString;

use crate::render::tests::shop as shop_in_existing_namespace;
use crate::*;

/// The shop app, in a namespace kairn creates.
fn shop(components: Vec<Component>) -> App {
    let mut app = shop_in_existing_namespace(components);
    app.create_namespace = true;
    app
}

fn resources() -> Resources {
    Resources::new(
        cpu!("100m"),
        cpu!("500m"),
        memory!("128Mi"),
        memory!("256Mi"),
    )
}

fn redis_port() -> NamedPort {
    NamedPort::new(port_name!("redis"), port!(6379))
}

fn tcp_probes(port: &NamedPort) -> Probes {
    Probes::builder()
        .liveness(Probe::builder().check(Check::tcp(port)).build())
        .readiness(Probe::builder().check(Check::tcp(port)).build())
        .build()
}

fn data() -> MemberVolume {
    MemberVolume::builder()
        .name(name!("data"))
        .size(storage!("2Gi"))
        .mount_path("/data")
        .storage_class(name!("fast"))
        .build()
}

fn redis() -> Component {
    let port = redis_port();
    Component::builder()
        .name(name!("redis"))
        .image(image!("docker.io/library/redis:7.2.5"))
        .resources(resources())
        .workload(StatefulService::single(
            port.clone(),
            tcp_probes(&port),
            data(),
        ))
        .build()
}

fn statefulset(manifests: &[Manifest]) -> &StatefulSet {
    manifests
        .iter()
        .find_map(|m| match &m.object {
            Object::StatefulSet(s) => Some(s),
            _ => None,
        })
        .expect("a StatefulSet")
}

#[test]
fn a_single_instance_renders_a_statefulset_with_its_own_volume_and_no_budget() {
    let app = shop(vec![redis()]);
    let manifests = render(&app);
    let objects: Vec<_> = manifests
        .iter()
        .map(|m| (m.object.kind(), m.object.name()))
        .collect();
    assert_eq!(
        objects,
        [
            ("Namespace", "shop"),
            ("ServiceAccount", "shop-redis"),
            ("Service", "shop-redis"),
            ("Service", "shop-redis-headless"),
            ("StatefulSet", "shop-redis"),
            ("NetworkPolicy", "shop-redis"),
        ]
    );
    let s = statefulset(&manifests).spec.as_ref().expect("spec");
    assert_eq!(s.replicas, Some(1));
    assert_eq!(s.service_name.as_deref(), Some("shop-redis-headless"));
    assert_eq!(s.pod_management_policy.as_deref(), Some("Parallel"));
    let claims = s.volume_claim_templates.as_ref().expect("claim templates");
    assert_eq!(claims.len(), 1);
    let claim = claims[0].spec.as_ref().expect("claim spec");
    assert_eq!(
        claim.access_modes.as_deref(),
        Some(&["ReadWriteOnce".to_owned()][..])
    );
    assert_eq!(claim.storage_class_name.as_deref(), Some("fast"));
    let pod = s.template.spec.as_ref().expect("pod");
    let mount = &pod.containers[0].volume_mounts.as_ref().expect("mounts")[0];
    assert_eq!(
        (mount.name.as_str(), mount.mount_path.as_str()),
        ("data", "/data")
    );
    assert_eq!(pod.affinity, None);

    // The client Service exposes the container's own port number.
    let client = manifests
        .iter()
        .find_map(|m| match &m.object {
            Object::Service(svc) if m.object.name() == "shop-redis" => svc.spec.as_ref(),
            _ => None,
        })
        .expect("client Service");
    let p = &client.ports.as_ref().expect("ports")[0];
    assert_eq!(
        (p.port, p.target_port.clone()),
        (6379, Some(IntOrString::String("redis".into())))
    );

    let report = validate(&manifests, &validate::context_for(&app));
    assert!(report.findings.is_empty(), "{:#?}", report.findings);
}

#[test]
fn n_members_get_a_budget_spread_and_peer_traffic() {
    let port = redis_port();
    let cache = Component::builder()
        .name(name!("cache"))
        .image(image!("docker.io/library/redis:7.2.5"))
        .resources(resources())
        .workload(
            StatefulService::builder()
                .replicas(NonZeroU32::new(3).expect("3"))
                .port(port.clone())
                .service_port(port!(7000))
                .probes(tcp_probes(&port))
                .volumes(vec![data()])
                .update(StatefulUpdate::Partitioned { partition: 2 })
                .build(),
        )
        .build();
    let app = shop(vec![cache]);
    let manifests = render(&app);
    let s = statefulset(&manifests).spec.as_ref().expect("spec");
    assert_eq!(s.replicas, Some(3));
    let update = s.update_strategy.as_ref().expect("updateStrategy");
    assert_eq!(
        update.rolling_update.as_ref().and_then(|r| r.partition),
        Some(2)
    );
    assert!(s
        .template
        .spec
        .as_ref()
        .and_then(|p| p.affinity.as_ref())
        .is_some());
    let pdb = manifests
        .iter()
        .find_map(|m| match &m.object {
            Object::PodDisruptionBudget(p) => p.spec.as_ref(),
            _ => None,
        })
        .expect("a PodDisruptionBudget");
    assert_eq!(pdb.max_unavailable, Some(IntOrString::Int(1)));
    let report = validate(&manifests, &validate::context_for(&app));
    assert!(report.findings.is_empty(), "{:#?}", report.findings);
}

#[test]
fn on_delete_and_ordered_ready_render_as_declared() {
    let port = redis_port();
    let db = Component::builder()
        .name(name!("db"))
        .image(image!("docker.io/library/redis:7.2.5"))
        .resources(resources())
        .workload(
            StatefulService::builder()
                .replicas(NonZeroU32::MIN)
                .port(port.clone())
                .probes(tcp_probes(&port))
                .pod_management(PodManagement::OrderedReady)
                .update(StatefulUpdate::OnDelete)
                .build(),
        )
        .build()
        .customize_stateful_set(|s: &mut StatefulSet| {
            if let Some(spec) = s.spec.as_mut() {
                spec.min_ready_seconds = Some(10);
            }
        });
    let app = shop(vec![db]);
    let manifests = render(&app);
    let s = statefulset(&manifests).spec.as_ref().expect("spec");
    assert_eq!(s.pod_management_policy.as_deref(), Some("OrderedReady"));
    let update = s.update_strategy.as_ref().expect("updateStrategy");
    assert_eq!(update.type_.as_deref(), Some("OnDelete"));
    assert_eq!(s.min_ready_seconds, Some(10));
    assert_eq!(s.volume_claim_templates, None);
    let report = validate(&manifests, &validate::context_for(&app));
    assert!(report.findings.is_empty(), "{:#?}", report.findings);
}

#[test]
fn a_component_talks_to_a_stateful_service_through_its_handle() {
    let cache = redis();
    let api = Component::builder()
        .name(name!("api"))
        .image(image!("ghcr.io/acme/api:1.0.0"))
        .resources(resources())
        .workload(Worker::builder().replicas(Replicas::Fixed(1)).build())
        .talks_to([&cache])
        .build();
    let app = shop(vec![cache, api]);
    let manifests = render(&app);
    let policy = |name: &str| {
        manifests
            .iter()
            .find(|m| m.object.kind() == "NetworkPolicy" && m.object.name() == name)
            .map(|m| serde_json::to_value(&m.object).expect("json"))
            .expect("policy")
    };
    let redis = policy("shop-redis");
    assert_eq!(
        redis["spec"]["ingress"][0]["from"][0]["podSelector"]["matchLabels"]
            ["app.kubernetes.io/component"],
        "api"
    );
    let api = policy("shop-api");
    let egress = api["spec"]["egress"].as_array().expect("egress");
    assert!(
        egress.iter().any(|r| r["ports"][0]["port"] == 6379),
        "{egress:#?}"
    );
    let report = validate(&manifests, &validate::context_for(&app));
    assert!(report.findings.is_empty(), "{:#?}", report.findings);
}
