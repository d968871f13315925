//! What a `customize` closure records: exactly the fields it changed. Where findings on a
//! customised object point is tested in `validate/render_tests/customize.rs`.

use k8s_openapi::api::apps::v1::Deployment;

use crate::*;

pub(crate) fn shop(components: Vec<Component>) -> App {
    App::builder()
        .name(name!("shop"))
        .environment(name!("production"))
        .namespace(name!("shop"))
        .components(components)
        .build()
}

pub(crate) fn resources() -> Resources {
    Resources::new(
        cpu!("100m"),
        cpu!("500m"),
        memory!("128Mi"),
        memory!("256Mi"),
    )
}

/// Two replicas without `.spread(..)`: a `deployment-no-spread` warning.
pub(crate) fn service() -> HttpService {
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
