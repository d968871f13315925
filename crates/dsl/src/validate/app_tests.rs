//! Validation of declared apps: the DSL and the validator agree.

use super::*;

fn lint_text(text: &str, ctx: &Context) -> Report {
    lint(&parse_str("case.yaml", text).expect("case parses"), ctx)
}

#[test]
fn lint_and_the_dsl_agree_on_environment_variable_names() {
    for name in [
        "RUST_LOG",
        "_x1",
        "1X",
        "my.var",
        "my-var",
        "a b",
        "x:y",
        "",
        "A=B",
        "tab\there",
        "é",
    ] {
        let yaml = format!(
            "apiVersion: apps/v1\nkind: Deployment\nmetadata: {{name: d, namespace: ns}}\nspec: {{selector: {{matchLabels: {{a: b}}}}, template: {{metadata: {{labels: {{a: b}}}}, spec: {{containers: [{{name: c, image: i, env: [{{name: {}, value: v}}]}}]}}}}}}\n",
            serde_json::to_string(name).expect("json")
        );
        let report = lint_text(&yaml, &Context::lint());
        let env: Vec<_> = report
            .findings
            .iter()
            .filter(|f| f.rule.starts_with("env-name-"))
            .collect();
        match crate::EnvName::parse(name) {
            Ok(_) => assert!(env.is_empty(), "{name:?}: {env:#?}"),
            Err(e) => {
                assert_eq!(env.len(), 1, "{name:?}: {env:#?}");
                assert!(
                    env[0].message.contains(e.reason),
                    "{name:?}: {}",
                    env[0].message
                );
                let rejected_by_kubernetes = name.is_empty()
                    || name.contains('=')
                    || !name.bytes().all(|c| c == b' ' || c.is_ascii_graphic());
                let (rule, severity) = if rejected_by_kubernetes {
                    ("env-name-format", Severity::Error)
                } else {
                    ("env-name-portable", Severity::Warning)
                };
                assert_eq!((env[0].rule, env[0].severity), (rule, severity), "{name:?}");
            }
        }
    }
}

#[test]
fn rendered_objects_record_waivers_and_external_secrets() {
    use crate::*;
    let secrets = ExternalSecret::new(name!("shop-db"), [key!("password")]);
    let app = App::builder()
        .name(name!("shop"))
        .environment(name!("production"))
        .namespace(name!("shop"))
        .components([Component::builder()
            .name(name!("api"))
            .image(image!("ghcr.io/acme/shop:1.4.2"))
            .resources(Resources::new(
                cpu!("250m"),
                cpu!("1"),
                memory!("256Mi"),
                memory!("1Gi"),
            ))
            .workload(
                HttpService::builder()
                    .port(NamedPort::new(port_name!("http"), port!(8080)))
                    .probes(Probes::http(
                        NamedPort::new(port_name!("http"), port!(8080)),
                        http_path!("/live"),
                        http_path!("/ready"),
                    ))
                    .replicas(Replicas::Fixed(2))
                    .spread(Spread::AcrossNodes)
                    .build(),
            )
            .env(vec![EnvVar::secret(
                env_name!("DB_PASSWORD"),
                secrets.get(&key!("password")).expect("listed"),
            )])
            .build()])
        .secrets(vec![secrets])
        .waivers(vec![Waiver::new(
            "pdb-missing",
            "Deployment",
            "api",
            "two replicas, drains are rare",
        )])
        .build();
    let manifests = render(&app);
    let deployment = manifests
        .iter()
        .find(|m| m.object.kind() == "Deployment")
        .expect("deployment");
    let annotations = deployment
        .object
        .metadata()
        .annotations
        .clone()
        .unwrap_or_default();
    assert_eq!(
        annotations
            .get("kairn.dev/external-secrets")
            .map(String::as_str),
        Some("shop-db")
    );
    assert_eq!(
        annotations
            .get("kairn.dev/waive.pdb-missing")
            .map(String::as_str),
        Some("two replicas, drains are rare")
    );
    // The emitted YAML, linted without the declaration, reports nothing unwaived.
    let stream = crate::yaml::to_stream(manifests.iter().map(|m| &m.object)).expect("yaml");
    let report = lint_text(&stream, &Context::lint());
    let open: Vec<_> = report
        .findings
        .iter()
        .filter(|f| f.waived.is_none())
        .collect();
    assert!(open.is_empty(), "{open:#?}");
}
