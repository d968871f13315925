//! Rendering of the optional pod settings with modules of their own: volumes, affinity,
//! component labels/annotations, image pull secrets, best-effort zone spread and
//! NodeLocal DNS egress (with the validator's verdict: `validate/render_tests/pod_options.rs`).

use k8s_openapi::api::core::v1::PodSpec;

use crate::*;

external_secret! {
    /// TLS material of the API.
    pub struct ApiTls { cert: "tls.crt", key: "tls.key" }
}

pub(crate) fn resources() -> Resources {
    Resources::new(
        cpu!("100m"),
        cpu!("500m"),
        memory!("128Mi"),
        memory!("256Mi"),
    )
}

pub(crate) fn cache() -> Component {
    Component::builder()
        .name(name!("cache"))
        .image(image!("ghcr.io/acme/cache:1.0.0"))
        .resources(resources())
        .workload(Worker::builder().replicas(Replicas::Fixed(1)).build())
        .build()
}

pub(crate) fn http_service(spread: Spread) -> HttpService {
    let http = NamedPort::new(port_name!("http"), port!(8080));
    HttpService::builder()
        .port(http.clone())
        .probes(Probes::http(
            &http,
            http_path!("/live"),
            http_path!("/ready"),
        ))
        .replicas(Replicas::Fixed(2))
        .disruption(Disruption::MaxUnavailable(1))
        .spread(spread)
        .build()
}

pub(crate) fn deployment_pod<'a>(manifests: &'a [Manifest], name: &str) -> &'a PodSpec {
    manifests
        .iter()
        .find_map(|m| match &m.object {
            Object::Deployment(d) if m.object.name() == name => {
                d.spec.as_ref()?.template.spec.as_ref()
            }
            _ => None,
        })
        .expect("a Deployment pod spec")
}

pub(crate) fn json_of(manifests: &[Manifest], kind: &str, name: &str) -> serde_json::Value {
    let m = manifests
        .iter()
        .find(|m| m.object.kind() == kind && m.object.name() == name)
        .expect("object");
    serde_json::to_value(&m.object).expect("json")
}

#[test]
fn a_cluster_keeps_its_required_member_anti_affinity_next_to_declared_rules() {
    let cache = cache();
    let raft = NamedPort::new(port_name!("raft"), port!(7000));
    let client = NamedPort::new(port_name!("client"), port!(7001));
    let db = Component::builder()
        .name(name!("db"))
        .image(image!("ghcr.io/acme/db:3.1.0"))
        .resources(resources())
        .workload(
            StatefulCluster::builder()
                .members(quorum!(3))
                .port(client.clone())
                .peer_port(raft)
                .probes(Probes::http(
                    &client,
                    http_path!("/health"),
                    http_path!("/ready"),
                ))
                .build(),
        )
        .pod_affinity(PodAffinityRule::near(
            &cache,
            Topology::Zone,
            Strength::Preferred(weight!(50)),
        ))
        .build();
    let app = shop_of(vec![db, cache]);
    let manifests = render(&app);
    let m = manifests
        .iter()
        .find(|m| m.object.kind() == "StatefulSet")
        .expect("StatefulSet");
    let v = serde_json::to_value(&m.object).unwrap();
    let affinity = &v["spec"]["template"]["spec"]["affinity"];
    assert_eq!(
        affinity["podAntiAffinity"]["requiredDuringSchedulingIgnoredDuringExecution"][0]
            ["labelSelector"]["matchLabels"]["app.kubernetes.io/component"],
        "db"
    );
    assert_eq!(
        affinity["podAffinity"]["preferredDuringSchedulingIgnoredDuringExecution"][0]["weight"],
        50
    );
}

pub(crate) fn shop_of(components: Vec<Component>) -> App {
    super::tests::shop(components)
}

#[test]
fn annotation_keys_refuse_kairns_own_and_bad_syntax() {
    assert!(AnnotationKey::parse("example.com/owner").is_ok());
    assert!(AnnotationKey::parse("owner").is_ok());
    // A derived label key is still a valid annotation key.
    assert!(AnnotationKey::parse("app.kubernetes.io/name").is_ok());
    for bad in [
        "kairn.dev/config-hash",
        "kairn.dev/anything",
        "sub.kairn.dev/x",
        "helm.sh/hook",
        "argocd.argoproj.io/sync-wave",
        "",
        "/x",
        "Example.com/x",
        "a/b/c",
        "example.com/-x",
    ] {
        assert!(AnnotationKey::parse(bad).is_err(), "{bad:?} accepted");
    }
}

#[test]
fn zone_spread_is_strict_by_default_and_best_effort_on_request() {
    let when = |spread: Spread| {
        let api = Component::builder()
            .name(name!("api"))
            .image(image!("ghcr.io/acme/shop:1.4.2"))
            .resources(resources())
            .workload(http_service(spread))
            .build();
        let manifests = render(&shop_of(vec![api.into_component()]));
        let pod = deployment_pod(&manifests, "shop-api").clone();
        pod.topology_spread_constraints
            .map(|c| (c[0].when_unsatisfiable.clone(), c[0].topology_key.clone()))
    };
    assert_eq!(
        when(Spread::AcrossZones),
        Some((
            "DoNotSchedule".to_owned(),
            "topology.kubernetes.io/zone".to_owned()
        ))
    );
    assert_eq!(
        when(Spread::AcrossZonesBestEffort),
        Some((
            "ScheduleAnyway".to_owned(),
            "topology.kubernetes.io/zone".to_owned()
        ))
    );
    assert_eq!(when(Spread::AcrossNodes), None);
}

#[test]
fn without_the_new_settings_nothing_is_rendered() {
    let manifests = render(&shop_of(vec![cache()]));
    let pod = deployment_pod(&manifests, "shop-cache");
    assert_eq!(pod.volumes, None);
    assert_eq!(pod.affinity, None);
    assert_eq!(pod.image_pull_secrets, None);
}

#[test]
fn a_cluster_spreads_over_zones_best_effort_on_request() {
    let client = NamedPort::new(port_name!("client"), port!(7001));
    let db = Component::builder()
        .name(name!("db"))
        .image(image!("ghcr.io/acme/db:3.1.0"))
        .resources(resources())
        .workload(
            StatefulCluster::builder()
                .members(quorum!(3))
                .port(client.clone())
                .peer_port(NamedPort::new(port_name!("raft"), port!(7000)))
                .probes(Probes::http(
                    &client,
                    http_path!("/health"),
                    http_path!("/ready"),
                ))
                .spread(Spread::AcrossZonesBestEffort)
                .build(),
        )
        .build();
    let manifests = render(&shop_of(vec![db]));
    let v = json_of(&manifests, "StatefulSet", "shop-db");
    let spec = &v["spec"]["template"]["spec"];
    assert_eq!(
        spec["topologySpreadConstraints"][0]["whenUnsatisfiable"],
        "ScheduleAnyway"
    );
    // Members stay on different nodes whatever the zone mode.
    assert_eq!(
        spec["affinity"]["podAntiAffinity"]["requiredDuringSchedulingIgnoredDuringExecution"][0]
            ["topologyKey"],
        "kubernetes.io/hostname"
    );
}

#[test]
fn run_time_weights_and_file_modes_are_checked_without_panicking() {
    assert_eq!(Weight::parse(0), None);
    assert_eq!(Weight::parse(101), None);
    assert_eq!(Weight::parse(100).map(Weight::get), Some(100));
    assert_eq!(FileMode::parse(0o1000), None);
    assert_eq!(FileMode::parse(u32::MAX), None);
    assert_eq!(FileMode::parse(0o600).map(FileMode::bits), Some(384));
}
