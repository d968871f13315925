//! The engine on small sets: what it recognises, and that the in-process render of the
//! plan reproduces every source object it replaces.

use std::path::PathBuf;

use serde_json::{json, Value};

use crate::normalize::canonical;
use crate::plan::WorkloadPlan;
use crate::report::{Placement, Report};
use crate::{build, engine, SourceApp, SourceEnv, SourceObject};

fn object(value: Value, line: u64) -> SourceObject {
    SourceObject {
        value,
        file: PathBuf::from("app.yaml"),
        line,
    }
}

fn web_set() -> Vec<SourceObject> {
    vec![
        object(
            json!({"apiVersion": "v1", "kind": "Service", "metadata": {"name": "web", "labels": {"app": "web"}},
                "spec": {"selector": {"app": "web"}, "ports": [{"port": 80, "targetPort": 8080}]}}),
            1,
        ),
        object(
            json!({"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "web", "labels": {"app": "web"}},
                "spec": {"replicas": 2, "selector": {"matchLabels": {"app": "web"}},
                  "template": {"metadata": {"labels": {"app": "web", "tier": "front"}},
                    "spec": {"containers": [{"name": "web", "image": "nginx:1.27.0",
                      "ports": [{"containerPort": 8080}],
                      "env": [{"name": "MODE", "value": "fast"}, {"name": "TOKEN", "valueFrom": {"secretKeyRef": {"name": "web-secrets", "key": "token"}}}]}]}}}}),
            10,
        ),
        object(
            json!({"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "queue"},
                "spec": {"selector": {"matchLabels": {"app": "queue"}},
                  "template": {"metadata": {"labels": {"app": "queue"}},
                    "spec": {"containers": [{"name": "queue", "image": "ghcr.io/acme/queue:2.0.1",
                      "resources": {"requests": {"cpu": "100m", "memory": "64Mi"}, "limits": {"cpu": "1", "memory": "256Mi"}}}]}}}}),
            40,
        ),
        object(
            json!({"apiVersion": "v1", "kind": "Secret", "metadata": {"name": "web-secrets"}, "data": {"token": "c2VjcmV0"}}),
            60,
        ),
        object(
            json!({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "settings"}, "data": {"a": "1"}}),
            70,
        ),
    ]
}

fn app(objects: Vec<SourceObject>) -> SourceApp {
    SourceApp {
        name: "web".into(),
        origin: "app.yaml".into(),
        envs: vec![SourceEnv {
            name: "default".into(),
            objects,
        }],
    }
}

#[test]
fn deployments_become_components_and_secrets_travel_as_key_names() {
    let mut report = Report::default();
    let plan = engine::import_app(&app(web_set()), &mut report).expect("imports");
    let env = &plan.envs[0];
    let kinds: Vec<(&str, bool)> = env
        .components
        .iter()
        .map(|c| {
            (
                c.name.as_str(),
                matches!(c.workload, WorkloadPlan::Http { .. }),
            )
        })
        .collect();
    assert_eq!(kinds, [("web", true), ("queue", false)]);
    assert_eq!(
        env.secrets,
        [("web-secrets".to_owned(), vec!["token".to_owned()])]
    );
    assert_eq!(env.extras.len(), 1, "the ConfigMap stays an extra object");
    assert_eq!(report.workloads_as_components, (2, 2));
    let secret = report
        .objects
        .iter()
        .find(|o| o.object.starts_with("Secret/"))
        .expect("secret in the report");
    assert!(matches!(secret.placement, Placement::ExternalSecret { .. }));
    assert!(report.secrets_to_create[0].contains("web-secrets"));
}

#[test]
fn the_render_of_the_plan_reproduces_each_source_object() {
    let mut report = Report::default();
    let source = app(web_set());
    let plan = engine::import_app(&source, &mut report).expect("imports");
    let app = build::app(&plan, &plan.envs[0]).expect("builds");
    let rendered: Vec<Value> = dsl::render(&app)
        .iter()
        .map(|m| canonical(&m.object))
        .collect();
    for o in &source.envs[0].objects {
        let mut want = crate::normalize::normalize(o).expect("reads").json;
        if want["kind"] == "Secret" {
            continue;
        }
        want["metadata"]["namespace"] = json!("default");
        let rendered: Vec<Value> = rendered
            .iter()
            .map(|r| crate::residual::without_added_records(r, &want))
            .collect();
        assert!(
            rendered.contains(&want),
            "{} {} is not reproduced; rendered:\n{}",
            want["kind"],
            want["metadata"]["name"],
            serde_json::to_string_pretty(&rendered).unwrap_or_default()
        );
    }
    assert!(
        report.fields.iter().all(|f| f.change != "changed"),
        "{:?}",
        report.fields
    );
    // The probe-less web service keeps none, which kairn records on the Deployment; the
    // report says so, as a field kairn adds.
    assert!(
        report.fields.iter().any(|f| f.change == "added"
            && f.object.starts_with("Deployment/")
            && f.path.contains("kairn.dev/")),
        "{:?}",
        report.fields
    );
}

#[test]
fn an_object_without_a_name_is_an_error_naming_file_and_line() {
    let mut report = Report::default();
    let bad = app(vec![object(
        json!({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {}}),
        7,
    )]);
    let err = engine::import_app(&bad, &mut report).expect_err("refused");
    assert_eq!(
        err.to_string(),
        "app.yaml:7: ConfigMap without metadata.name (generateName is not supported)"
    );
}

#[test]
fn app_ids_and_modules_are_valid() {
    assert_eq!(engine::app_id("My_App.v2"), "my-app-v2");
    assert_eq!(engine::app_id("2048"), "app-2048");
    assert_eq!(engine::module_name("type"), "app_type");
    assert_eq!(crate::rust::camel("prod-eu"), "ProdEu");
}

#[test]
fn hostile_objects_are_errors_or_extra_objects_never_panics() {
    let odd = [
        json!({"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "a"}, "spec": {"template": {"spec": {"containers": []}}}}),
        json!({"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "b"}, "spec": {"replicas": 99_999_999_999_u64, "template": {"spec": {"containers": [{"name": "c", "image": "UPPER/Case:tag"}]}}}}),
        json!({"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "c"}, "spec": {"template": {"spec": {"containers": [{"name": "c", "image": "nginx:1.27", "ports": [{"containerPort": 70000}],
            "livenessProbe": {"httpGet": {"path": "no-slash", "port": "missing"}}, "resources": {"limits": {"cpu": "lots"}}}]}}}}),
        json!({"apiVersion": "v1", "kind": "Service", "metadata": {"name": "s"}, "spec": {"selector": {}, "ports": [{"port": 0, "targetPort": "x"}]}}),
        json!({"apiVersion": "batch/v1", "kind": "CronJob", "metadata": {"name": "j"}, "spec": {"schedule": "every day", "jobTemplate": {"spec": {"template": {"spec": {"containers": [{"name": "c", "image": "busybox:1.36"}]}}}}}}),
        json!({"apiVersion": "example.com/v1", "kind": "Widget", "metadata": {"name": "w"}, "spec": {"deep": [[[{"x": null}]]]}}),
        json!({"apiVersion": "v1", "kind": "Secret", "metadata": {"name": "Bad_Name"}, "data": {"k": "dg=="}}),
    ];
    for (i, value) in odd.into_iter().enumerate() {
        let result = std::panic::catch_unwind(|| {
            let mut report = Report::default();
            engine::import_app(&app(vec![object(value.clone(), 1)]), &mut report)
                .and_then(|plan| crate::rust::app_module(&plan))
        });
        match result {
            Ok(Ok(_)) => {}
            Ok(Err(e)) => assert!(
                e.to_string().contains("app.yaml:1") || e.to_string().starts_with("import:"),
                "case {i}: {e}"
            ),
            Err(_) => panic!("case {i} panicked: {value}"),
        }
    }
}
