//! Rendering of the optional pod settings: scheduling, lifecycle and startup probes (with
//! the validator's verdict: `validate/render_tests/pod.rs`).

use k8s_openapi::api::core::v1::PodSpec;

use super::tests::shop;
use crate::*;

pub(crate) fn resources() -> Resources {
    Resources::new(
        cpu!("100m"),
        cpu!("500m"),
        memory!("128Mi"),
        memory!("256Mi"),
    )
}

pub(crate) fn pod_spec(manifests: &[Manifest]) -> &PodSpec {
    manifests
        .iter()
        .find_map(|m| match &m.object {
            Object::Deployment(d) => d.spec.as_ref()?.template.spec.as_ref(),
            _ => None,
        })
        .expect("a Deployment pod spec")
}

#[test]
fn without_the_optional_settings_nothing_is_rendered() {
    let plain = Component::builder()
        .name(name!("api"))
        .image(image!("ghcr.io/acme/shop:1.4.2"))
        .resources(resources())
        .workload(Worker::builder().replicas(Replicas::Fixed(1)).build())
        .build();
    let manifests = render(&shop(vec![plain]));
    let pod = pod_spec(&manifests);
    assert_eq!(pod.node_selector, None);
    assert_eq!(pod.tolerations, None);
    assert_eq!(pod.priority_class_name, None);
    assert_eq!(pod.termination_grace_period_seconds, None);
    assert_eq!(pod.containers[0].lifecycle, None);
    assert_eq!(pod.containers[0].startup_probe, None);
}
