//! Rendering and validation of workload kinds and escape hatches not covered by the
//! seeds: CronJobs, `customize` closures, extra objects and custom resources.

use crate::render::tests::{cron_job, report_component, resources, shop};
use crate::*;

#[test]
fn a_scheduled_job_renders_a_hardened_cron_job() {
    let app = shop(vec![report_component()]);
    let manifests = render(&app);
    let kinds: Vec<_> = manifests.iter().map(|m| m.object.kind()).collect();
    assert_eq!(kinds, ["ServiceAccount", "CronJob", "NetworkPolicy"]);
    let cron = cron_job(&manifests);
    assert_eq!(cron.metadata.name.as_deref(), Some("shop-report"));
    let spec = cron.spec.as_ref().expect("spec");
    assert_eq!(spec.schedule, "30 2 * * MON-FRI");
    assert_eq!(spec.time_zone.as_deref(), Some("Europe/Berlin"));
    assert_eq!(spec.concurrency_policy.as_deref(), Some("Forbid"));
    assert_eq!(spec.successful_jobs_history_limit, Some(3));
    assert_eq!(spec.failed_jobs_history_limit, Some(1));
    assert_eq!(spec.starting_deadline_seconds, Some(600));
    assert_eq!(spec.suspend, None);
    let job = spec.job_template.spec.as_ref().expect("job spec");
    assert_eq!(job.backoff_limit, Some(2));
    assert_eq!(job.ttl_seconds_after_finished, Some(86_400));
    assert_eq!(job.active_deadline_seconds, Some(3600));
    let pod = job.template.spec.as_ref().expect("pod spec");
    assert_eq!(pod.restart_policy.as_deref(), Some("Never"));
    assert_eq!(pod.service_account_name.as_deref(), Some("shop-report"));
    assert_eq!(pod.automount_service_account_token, Some(false));
    let sc = pod.security_context.as_ref().expect("pod security context");
    assert_eq!(sc.run_as_non_root, Some(true));
    let c = &pod.containers[0];
    let csc = c
        .security_context
        .as_ref()
        .expect("container security context");
    assert_eq!(csc.read_only_root_filesystem, Some(true));
    assert_eq!(csc.allow_privilege_escalation, Some(false));
    let limits = c
        .resources
        .as_ref()
        .and_then(|r| r.limits.as_ref())
        .expect("limits");
    assert_eq!(limits["cpu"].0, "500m");
    // The Jobs' pods carry the component labels the NetworkPolicy selects.
    let labels = job
        .template
        .metadata
        .as_ref()
        .and_then(|m| m.labels.as_ref())
        .expect("labels");
    assert_eq!(labels["app.kubernetes.io/component"], "report");

    let report = validate(&manifests, &validate::context_for(&app));
    assert!(!report.has_errors(), "{report:?}");
}

#[test]
fn the_validator_reads_a_cron_job_pod_template() {
    // A pod that runs as root inside the CronJob is found, at the CronJob's field path.
    let app = shop(vec![report_component()]);
    let mut manifests = render(&app);
    for m in &mut manifests {
        if let Object::CronJob(c) = &mut m.object {
            let pod = c
                .spec
                .as_mut()
                .and_then(|s| s.job_template.spec.as_mut())
                .and_then(|j| j.template.spec.as_mut())
                .expect("pod");
            pod.security_context.as_mut().expect("sc").run_as_non_root = Some(false);
            pod.containers[0]
                .security_context
                .as_mut()
                .expect("csc")
                .run_as_non_root = Some(false);
        }
    }
    let report = validate(&manifests, &validate::context_for(&app));
    assert!(
        report
            .findings
            .iter()
            .any(|f| f.kind == "CronJob"
                && f.field.starts_with("spec.jobTemplate.spec.template.spec")),
        "{report:?}"
    );
}

fn api_component() -> Component {
    Component::builder()
        .name(name!("api"))
        .image(image!("ghcr.io/acme/shop:1.4.2"))
        .resources(resources())
        .workload(
            HttpService::builder()
                .port(NamedPort::new(port_name!("http"), port!(8080)))
                .probes(Probes::http(
                    NamedPort::new(port_name!("http"), port!(8080)),
                    http_path!("/live"),
                    http_path!("/ready"),
                ))
                .replicas(Replicas::Fixed(2))
                .build(),
        )
        .build()
        .into()
}

fn privileged(d: &mut k8s_openapi::api::apps::v1::Deployment) {
    let pod = d
        .spec
        .as_mut()
        .and_then(|s| s.template.spec.as_mut())
        .expect("pod");
    let sc = pod.containers[0].security_context.as_mut().expect("sc");
    sc.privileged = Some(true);
}

#[test]
fn a_customisation_that_breaks_a_rule_is_reported_at_the_closure() {
    let api = api_component().customize_deployment(privileged);
    let line = line!() - 1;
    let app = shop(vec![api]);
    let manifests = render(&app);
    let report = validate(&manifests, &validate::context_for(&app));
    assert!(report.has_errors(), "a privileged container is an error");
    let on_deployment: Vec<_> = report
        .findings
        .iter()
        .filter(|f| f.kind == "Deployment" && f.field.ends_with("privileged"))
        .collect();
    assert!(!on_deployment.is_empty(), "{report:?}");
    let expected = format!("crates/dsl/src/validate/render_tests/general.rs:{line}");
    for f in on_deployment {
        assert_eq!(f.declared_at.as_deref(), Some(expected.as_str()), "{f:?}");
    }
    // Objects the closure did not change still point at the component.
    let sa = manifests
        .iter()
        .find(|m| m.object.kind() == "ServiceAccount")
        .expect("ServiceAccount");
    assert_eq!(
        sa.origin.declared_at.map(|l| l.line()),
        Some(app.components[0].declared_at.line())
    );
}

#[test]
fn customisations_apply_to_their_kind_only_and_in_order() {
    let api = api_component()
        .customize_service(|s| {
            s.spec.as_mut().expect("spec").session_affinity = Some("ClientIP".into());
        })
        .customize(|d: &mut k8s_openapi::api::apps::v1::Deployment| {
            d.spec.as_mut().expect("spec").min_ready_seconds = Some(5);
        })
        .customize(|d: &mut k8s_openapi::api::apps::v1::Deployment| {
            let spec = d.spec.as_mut().expect("spec");
            spec.min_ready_seconds = spec.min_ready_seconds.map(|s| s * 2);
        });
    let app = shop(vec![api]);
    let manifests = render(&app);
    for m in &manifests {
        match &m.object {
            Object::Service(s) => assert_eq!(
                s.spec.as_ref().and_then(|s| s.session_affinity.as_deref()),
                Some("ClientIP")
            ),
            Object::Deployment(d) => {
                assert_eq!(d.spec.as_ref().and_then(|s| s.min_ready_seconds), Some(10))
            }
            _ => {}
        }
    }
    let report = validate(&manifests, &validate::context_for(&app));
    assert!(!report.has_errors(), "{report:?}");
}

fn flags() -> k8s_openapi::api::core::v1::ConfigMap {
    k8s_openapi::api::core::v1::ConfigMap {
        metadata: k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta {
            name: Some("shop-flags".into()),
            ..Default::default()
        },
        data: Some([("checkout".to_owned(), "on".to_owned())].into()),
        ..Default::default()
    }
}

#[test]
fn an_extra_config_map_is_emitted_validated_and_written() {
    let extra = ExtraObject::new(flags());
    let line = line!() - 1;
    let app = App::builder()
        .name(name!("shop"))
        .environment(name!("production"))
        .namespace(name!("shop"))
        .components(vec![api_component()])
        .extra_objects(vec![extra])
        .build();
    let manifests = render(&app);
    let m = manifests
        .iter()
        .find(|m| m.object.kind() == "ConfigMap")
        .expect("the extra ConfigMap");
    assert_eq!(m.object.name(), "shop-flags");
    assert_eq!(m.object.namespace(), Some("shop"));
    assert_eq!(m.object.file_name(), "configmap-shop-flags.yaml");
    assert_eq!(m.origin.declared_at.map(|l| l.line()), Some(line));
    let report = validate(&manifests, &validate::context_for(&app));
    assert!(!report.has_errors(), "{report:?}");
    let yaml = yaml::to_yaml(&m.object).expect("yaml");
    assert!(
        yaml.starts_with("apiVersion: v1\nkind: ConfigMap\n"),
        "{yaml}"
    );
    assert!(yaml.contains("checkout: \"on\""), "{yaml}");
}

#[test]
fn findings_on_an_extra_object_point_at_its_declaration() {
    let mut bad = flags();
    bad.metadata.name = Some("Shop_Flags".into());
    let extra = ExtraObject::new(bad);
    let line = line!() - 1;
    let app = App::builder()
        .name(name!("shop"))
        .environment(name!("production"))
        .namespace(name!("shop"))
        .components(vec![])
        .extra_objects(vec![extra])
        .build();
    let report = validate(&render(&app), &validate::context_for(&app));
    let f = report
        .findings
        .iter()
        .find(|f| f.kind == "ConfigMap")
        .unwrap_or_else(|| panic!("an invalid name is reported: {report:?}"));
    assert_eq!(
        f.declared_at.as_deref(),
        Some(format!("crates/dsl/src/validate/render_tests/general.rs:{line}").as_str())
    );
}

/// A custom resource kairn has no type for, as a user would declare one.
#[derive(Clone, serde::Serialize)]
#[serde(rename_all = "camelCase")]
struct Certificate {
    metadata: k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta,
    spec: serde_json::Value,
}

impl k8s_openapi::Resource for Certificate {
    const API_VERSION: &'static str = "cert-manager.io/v1";
    const GROUP: &'static str = "cert-manager.io";
    const KIND: &'static str = "Certificate";
    const VERSION: &'static str = "v1";
    const URL_PATH_SEGMENT: &'static str = "certificates";
    type Scope = k8s_openapi::NamespaceResourceScope;
}

fn certificate(name: &str) -> Certificate {
    Certificate {
        metadata: k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta {
            name: Some(name.into()),
            ..Default::default()
        },
        spec: serde_json::json!({"secretName": "shop-tls", "dnsNames": ["shop.example.com"]}),
    }
}

#[test]
fn a_custom_resource_is_emitted_into_the_app_namespace_and_validated() {
    let extra = ExtraObject::custom(&certificate("shop-tls")).expect("an object");
    let app = App::builder()
        .name(name!("shop"))
        .environment(name!("production"))
        .namespace(name!("shop"))
        .components(vec![])
        .extra_objects(vec![extra])
        .build();
    let manifests = render(&app);
    let m = manifests
        .iter()
        .find(|m| m.object.kind() == "Certificate")
        .expect("the Certificate");
    assert_eq!(m.object.file_name(), "certificate-shop-tls.yaml");
    let yaml = crate::yaml::to_yaml(&m.object).expect("serialises");
    assert!(
        yaml.starts_with("apiVersion: cert-manager.io/v1\nkind: Certificate\nmetadata:"),
        "{yaml}"
    );
    assert!(yaml.contains("namespace: shop"), "{yaml}");
    assert!(yaml.contains("secretName: shop-tls"), "{yaml}");
    let report = validate(&render(&app), &validate::context_for(&app));
    assert!(!report.has_errors(), "{:#?}", report.findings);
}

#[test]
fn findings_on_a_custom_resource_point_at_its_declaration() {
    let extra = ExtraObject::custom(&certificate("Shop_TLS")).expect("an object");
    let line = line!() - 1;
    let app = App::builder()
        .name(name!("shop"))
        .environment(name!("production"))
        .namespace(name!("shop"))
        .components(vec![])
        .extra_objects(vec![extra])
        .build();
    let report = validate(&render(&app), &validate::context_for(&app));
    let f = report
        .findings
        .iter()
        .find(|f| f.kind == "Certificate")
        .unwrap_or_else(|| panic!("an invalid name is reported: {report:?}"));
    assert!(f.is_error(), "{f:?}");
    assert_eq!(
        f.declared_at.as_deref(),
        Some(format!("crates/dsl/src/validate/render_tests/general.rs:{line}").as_str())
    );
}
