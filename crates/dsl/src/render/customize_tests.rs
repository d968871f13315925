//! Where a finding on a customised object points: at the setting or component that
//! made its field, at a `customize` closure only for a field the closure changed; the
//! closures that changed the object are named besides. Fix hints name the model call,
//! except where the closure set the field.

use k8s_openapi::api::apps::v1::Deployment;

use crate::*;

fn shop(components: Vec<Component>) -> App {
    App::builder()
        .name(name!("shop"))
        .environment(name!("production"))
        .namespace(name!("shop"))
        .components(components)
        .build()
}

fn resources() -> Resources {
    Resources::new(
        cpu!("100m"),
        cpu!("500m"),
        memory!("128Mi"),
        memory!("256Mi"),
    )
}

/// Two replicas without `.spread(..)`: a `deployment-no-spread` warning.
fn service() -> HttpService {
    let http = NamedPort::new(port_name!("http"), port!(8080));
    HttpService::builder()
        .port(http.clone())
        .probes(Probes::http(
            &http,
            http_path!("/live"),
            http_path!("/ready"),
        ))
        .replicas(Replicas::Fixed(2))
        .build()
}

fn findings(app: &App) -> Vec<Finding> {
    let manifests = render(app);
    validate(&manifests, &validate::context_for(app)).findings
}

fn at(line: u32) -> Option<String> {
    Some(format!("{}:{line}", file!()))
}

#[test]
fn a_finding_the_closure_did_not_cause_stays_at_its_setting_and_names_the_closure() {
    let start = line!();
    let api = Component::builder()
        .name(name!("api"))
        .image(image!("ghcr.io/acme/shop:1.4.2"))
        .resources(resources())
        .workload(service())
        .build()
        .customize_deployment(|d: &mut Deployment| {
            d.spec.as_mut().expect("spec").min_ready_seconds = Some(10);
        });
    let findings = findings(&shop(vec![api.into()]));
    let spread = findings
        .iter()
        .find(|f| f.rule == "deployment-no-spread")
        .unwrap_or_else(|| panic!("{findings:#?}"));
    assert_eq!(
        spread.declared_at,
        at(start + 5),
        "the `.workload(..)` line"
    );
    assert_eq!(spread.customized_at, [at(start + 7).unwrap()]);
    assert!(
        spread.fix.starts_with("add `.spread(Spread::AcrossNodes)`"),
        "{}",
        spread.fix
    );
    // Objects the closure did not change name no closure.
    assert!(findings
        .iter()
        .filter(|f| f.kind != "Deployment")
        .all(|f| f.customized_at.is_empty()));
}

#[test]
fn a_finding_on_a_field_the_closure_changed_points_at_the_closure() {
    let start = line!();
    let api = Component::builder()
        .name(name!("api"))
        .image(image!("ghcr.io/acme/shop:1.4.2"))
        .resources(resources())
        .workload(service())
        .build()
        .customize_deployment(|d: &mut Deployment| {
            d.spec.as_mut().expect("spec").min_ready_seconds = Some(10);
        })
        .customize_deployment(|d: &mut Deployment| {
            let pod = d.spec.as_mut().and_then(|s| s.template.spec.as_mut());
            pod.expect("pod").containers[0].image = Some("ghcr.io/acme/shop:latest".into());
        });
    let findings = findings(&shop(vec![api.into()]));
    let latest = findings
        .iter()
        .find(|f| f.rule == "image-latest")
        .unwrap_or_else(|| panic!("{findings:#?}"));
    assert_eq!(latest.declared_at, at(start + 10), "the second closure");
    assert_eq!(
        latest.customized_at,
        [at(start + 7).unwrap(), at(start + 10).unwrap()]
    );
    assert!(
        !latest.fix.contains("image!"),
        "the closure set it: {}",
        latest.fix
    );
    let spread = findings
        .iter()
        .find(|f| f.rule == "deployment-no-spread")
        .expect("deployment-no-spread");
    assert_eq!(spread.declared_at, at(start + 5));
}

#[test]
fn a_closure_records_exactly_the_fields_it_changed() {
    let custom = Customization::new(|d: &mut Deployment| {
        let spec = d.spec.as_mut().expect("spec");
        spec.min_ready_seconds = Some(10);
        let pod = spec.template.spec.as_mut().expect("pod");
        pod.containers[0].args = Some(vec!["--fast".into()]);
        pod.containers[0].env.get_or_insert_with(Vec::new).clear();
    });
    let api = Component::builder()
        .name(name!("api"))
        .image(image!("ghcr.io/acme/shop:1.4.2"))
        .resources(resources())
        .env(vec![EnvVar::literal(env_name!("MODE"), "fast")])
        .workload(service())
        .build();
    let mut deployment = render(&shop(vec![api.into()]))
        .into_iter()
        .find(|m| m.object.kind() == "Deployment")
        .expect("Deployment")
        .object;
    let mut changed = custom.apply_tracked(&mut deployment);
    changed.sort();
    assert_eq!(
        changed,
        [
            "spec.minReadySeconds",
            "spec.template.spec.containers[0].args",
            "spec.template.spec.containers[0].env[0]",
        ]
    );
    assert!(
        custom.apply_tracked(&mut deployment).is_empty(),
        "nothing changes twice"
    );
    let mut service = Object::Service(Default::default());
    assert!(
        custom.apply_tracked(&mut service).is_empty(),
        "other kinds untouched"
    );
}
