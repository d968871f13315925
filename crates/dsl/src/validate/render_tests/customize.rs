//! Where a finding on a customised object points: at the setting or component that
//! made its field, at a `customize` closure only for a field the closure changed; the
//! closures that changed the object are named besides. Fix hints name the model call,
//! except where the closure set the field.

use k8s_openapi::api::apps::v1::Deployment;

use crate::render::customize_tests::{resources, service, shop};
use crate::*;

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
