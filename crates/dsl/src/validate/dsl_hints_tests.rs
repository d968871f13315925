//! Fix hints on real findings: the model call on a declared object, the object fix on
//! an `ExtraObject` and in `kairn lint` of the emitted YAML.

use crate::k8s_openapi::api::apps::v1::Deployment;
use crate::*;

/// Two replicas, no `.spread(..)`, no `.disruption(..)`: `deployment-no-spread` and
/// `pdb-missing` warnings.
fn api() -> Component {
    let http = NamedPort::new(port_name!("http"), port!(8080));
    Component::builder()
        .name(name!("api"))
        .image(image!("ghcr.io/acme/shop:1.4.2"))
        .resources(Resources::new(
            cpu!("100m"),
            cpu!("500m"),
            memory!("128Mi"),
            memory!("256Mi"),
        ))
        .workload(
            HttpService::builder()
                .port(http.clone())
                .probes(Probes::http(
                    &http,
                    http_path!("/live"),
                    http_path!("/ready"),
                ))
                .replicas(Replicas::Fixed(2))
                .build(),
        )
        .build()
        .into()
}

fn shop(components: Vec<Component>, extra: Vec<ExtraObject>) -> App {
    App::builder()
        .name(name!("shop"))
        .environment(name!("production"))
        .namespace(name!("shop"))
        .components(components)
        .extra_objects(extra)
        .build()
}

fn fix_of<'a>(findings: &'a [Finding], rule: &str, name: &str) -> &'a str {
    findings
        .iter()
        .find(|f| f.rule == rule && f.name == name)
        .map(|f| f.fix.as_str())
        .unwrap_or_else(|| panic!("no {rule} on {name}: {findings:#?}"))
}

#[test]
fn a_declared_object_gets_the_model_call_first_and_keeps_the_object_fix() {
    let app = shop(vec![api()], Vec::new());
    let manifests = render(&app);
    let report = validate::validate(&manifests, &validate::context_for(&app));
    let raw = ::lint::validate(&manifests, &validate::context_for(&app));
    for rule in ["deployment-no-spread", "pdb-missing"] {
        let fix = fix_of(&report.findings, rule, "shop-api");
        let hint = validate::dsl_hints::dsl_hint(rule).expect("hinted");
        let object_fix = fix_of(&raw.findings, rule, "shop-api");
        assert_eq!(fix, format!("{hint} (in the Deployment: {object_fix})"));
    }
    assert!(fix_of(&report.findings, "deployment-no-spread", "shop-api")
        .starts_with("add `.spread(Spread::AcrossNodes)`"));
    assert!(fix_of(&report.findings, "pdb-missing", "shop-api")
        .starts_with("add `.disruption(Disruption::MaxUnavailable(1))`"));
}

#[test]
fn an_extra_object_and_linted_yaml_keep_the_object_fix() {
    let mut hand_written = match render(&shop(vec![api()], Vec::new()))
        .into_iter()
        .find(|m| m.object.kind() == "Deployment")
        .map(|m| m.object)
    {
        Some(Object::Deployment(d)) => *d,
        _ => panic!("a Deployment"),
    };
    hand_written.metadata.name = Some("shop-batch".into());
    let extra: Deployment = hand_written;
    let app = shop(vec![api()], vec![ExtraObject::new(extra)]);
    let manifests = render(&app);
    let report = validate::validate(&manifests, &validate::context_for(&app));
    let on_extra = fix_of(&report.findings, "deployment-no-spread", "shop-batch");
    assert!(!on_extra.contains("Spread::"), "{on_extra}");

    let yaml = manifests
        .iter()
        .map(|m| yaml::to_yaml(&m.object).expect("yaml"))
        .collect::<Vec<_>>()
        .join("---\n");
    let loaded = validate::parse_str("shop.yaml", &yaml).expect("parses");
    let linted = validate::lint(&loaded, &validate::Context::lint());
    let in_yaml = fix_of(&linted.findings, "deployment-no-spread", "shop-api");
    assert!(!in_yaml.contains("Spread::"), "{in_yaml}");
}
