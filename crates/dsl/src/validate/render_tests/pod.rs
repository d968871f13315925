//! Rendering and validation of the optional pod settings: scheduling, lifecycle and
//! startup probes.

use k8s_openapi::api::core::v1::Container;

use crate::render::pod_tests::{pod_spec, resources};
use crate::render::tests::shop;
use crate::*;

fn api_builder() -> HttpService {
    let http = NamedPort::new(port_name!("http"), port!(8080));
    HttpService::builder()
        .port(http.clone())
        .probes(
            Probes::http(&http, http_path!("/live"), http_path!("/ready")).with_startup(
                Probe::builder()
                    .check(Check::http(http_path!("/started"), &http))
                    .period_seconds(5)
                    .failure_threshold(60)
                    .build(),
            ),
        )
        .replicas(Replicas::Fixed(2))
        .build()
}

fn scheduled_api() -> Component {
    Component::builder()
        .name(name!("api"))
        .image(image!("ghcr.io/acme/shop:1.4.2"))
        .resources(resources())
        .workload(api_builder())
        .node_selector(label_key!("kubernetes.io/arch"), label_value!("arm64"))
        .node_selector(label_key!("example.com/pool"), label_value!("web"))
        .tolerate(Toleration::exists(
            label_key!("example.com/arm"),
            TaintEffect::NoSchedule,
        ))
        .tolerate(Toleration::equal(
            label_key!("example.com/pool"),
            label_value!("web"),
            TaintEffect::NoExecute {
                toleration_seconds: Some(300),
            },
        ))
        .priority_class(name!("business-critical"))
        .termination_grace_period_seconds(45)
        .pre_stop(PreStop::Sleep { seconds: 10 })
        .build()
        .into_component()
}

fn container(manifests: &[Manifest]) -> &Container {
    &pod_spec(manifests).containers[0]
}

#[test]
fn node_selector_tolerations_and_priority_class_render_on_the_pod() {
    let app = shop(vec![scheduled_api()]);
    let manifests = render(&app);
    let pod = pod_spec(&manifests);
    let selector = pod.node_selector.as_ref().expect("nodeSelector");
    assert_eq!(
        selector.iter().collect::<Vec<_>>(),
        [
            (&"example.com/pool".to_owned(), &"web".to_owned()),
            (&"kubernetes.io/arch".to_owned(), &"arm64".to_owned()),
        ]
    );
    let tolerations = pod.tolerations.as_ref().expect("tolerations");
    assert_eq!(tolerations.len(), 2);
    assert_eq!(tolerations[0].key.as_deref(), Some("example.com/arm"));
    assert_eq!(tolerations[0].operator.as_deref(), Some("Exists"));
    assert_eq!(tolerations[0].value, None);
    assert_eq!(tolerations[0].effect.as_deref(), Some("NoSchedule"));
    assert_eq!(tolerations[0].toleration_seconds, None);
    assert_eq!(tolerations[1].operator.as_deref(), Some("Equal"));
    assert_eq!(tolerations[1].value.as_deref(), Some("web"));
    assert_eq!(tolerations[1].effect.as_deref(), Some("NoExecute"));
    assert_eq!(tolerations[1].toleration_seconds, Some(300));
    assert_eq!(
        pod.priority_class_name.as_deref(),
        Some("business-critical")
    );

    let report = validate(&manifests, &validate::context_for(&app));
    assert!(!report.has_errors(), "{report:?}");
}

#[test]
fn grace_period_and_pre_stop_sleep_render_on_the_pod_and_main_container() {
    let app = shop(vec![scheduled_api()]);
    let manifests = render(&app);
    assert_eq!(
        pod_spec(&manifests).termination_grace_period_seconds,
        Some(45)
    );
    let pre_stop = container(&manifests)
        .lifecycle
        .as_ref()
        .and_then(|l| l.pre_stop.as_ref())
        .expect("preStop");
    assert_eq!(pre_stop.sleep.as_ref().map(|s| s.seconds), Some(10));
    assert_eq!(pre_stop.exec, None);

    // The API field names, as written to YAML.
    let m = manifests
        .iter()
        .find(|m| m.object.kind() == "Deployment")
        .expect("Deployment");
    let v = serde_json::to_value(&m.object).expect("json");
    let spec = &v["spec"]["template"]["spec"];
    assert_eq!(spec["terminationGracePeriodSeconds"], 45);
    assert_eq!(
        spec["containers"][0]["lifecycle"]["preStop"]["sleep"]["seconds"],
        10
    );
    assert_eq!(spec["tolerations"][1]["tolerationSeconds"], 300);
    assert_eq!(spec["priorityClassName"], "business-critical");

    let report = validate(&manifests, &validate::context_for(&app));
    assert!(!report.has_errors(), "{report:?}");
}

#[test]
fn a_pre_stop_command_renders_as_an_exec_handler() {
    let worker = Component::builder()
        .name(name!("worker"))
        .image(image!("ghcr.io/acme/worker:1.0.0"))
        .resources(resources())
        .workload(Worker::builder().replicas(Replicas::Fixed(1)).build())
        .pre_stop(PreStop::Exec(vec!["/bin/worker".into(), "drain".into()]))
        .build();
    let app = shop(vec![worker]);
    let manifests = render(&app);
    let pre_stop = container(&manifests)
        .lifecycle
        .as_ref()
        .and_then(|l| l.pre_stop.as_ref())
        .expect("preStop");
    assert_eq!(
        pre_stop.exec.as_ref().and_then(|e| e.command.as_deref()),
        Some(&["/bin/worker".to_owned(), "drain".to_owned()][..])
    );
    assert_eq!(pre_stop.sleep, None);
    let report = validate(&manifests, &validate::context_for(&app));
    assert!(!report.has_errors(), "{report:?}");
}

#[test]
fn a_startup_probe_renders_on_the_declared_port_by_name() {
    let app = shop(vec![scheduled_api()]);
    let manifests = render(&app);
    let startup = container(&manifests)
        .startup_probe
        .as_ref()
        .expect("startupProbe");
    let get = startup.http_get.as_ref().expect("httpGet");
    assert_eq!(get.path.as_deref(), Some("/started"));
    assert_eq!(
        get.port,
        k8s_openapi::apimachinery::pkg::util::intstr::IntOrString::String("http".into())
    );
    assert_eq!(startup.period_seconds, Some(5));
    assert_eq!(startup.failure_threshold, Some(60));
    let report = validate(&manifests, &validate::context_for(&app));
    assert!(!report.has_errors(), "{report:?}");
}
