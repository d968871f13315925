//! Declared sets (waivers in code, contexts), YAML read from files (lines, types, hostile
//! input), and the rules document.

use serde_json::json;

use super::*;
use crate::object::Origin;

fn manifests(text: &str) -> Vec<Manifest> {
    parse_str("m.yaml", text)
        .expect("parses")
        .documents
        .into_iter()
        .filter_map(|d| {
            let component = d
                .value()
                .pointer("/spec/template/metadata/labels/app")
                .or(d.value().pointer("/metadata/name"))
                .and_then(|v| v.as_str())
                .map(str::to_owned);
            d.object.map(|object| Manifest {
                origin: Origin {
                    app: "shop".into(),
                    environment: "production".into(),
                    component,
                    declared_at: None,
                    ..Origin::default()
                },
                object,
            })
        })
        .collect()
}

fn app_ctx() -> Context {
    let mut ctx = Context::lint();
    ctx.complete = true;
    ctx.environment = Some("production".into());
    ctx.external_secrets.push(DeclaredSecret {
        name: "shop-db".into(),
        keys: Some(vec!["password".into()]),
    });
    ctx
}

#[test]
fn netpol_egress_dependency() {
    let mut ctx = app_ctx();
    ctx.egress.push(EgressNeed {
        component: "web".into(),
        dependency: "db".into(),
        endpoint: Endpoint::InCluster {
            namespace: None,
            pod_labels: [("app".to_owned(), "db".to_owned())].into(),
            port: 5432,
        },
    });
    let good = validate(&manifests(BASE), &ctx);
    assert!(
        !rules_of(&good).contains("netpol-egress-dependency"),
        "{:#?}",
        good.findings
    );
    let bad = validate(
        &manifests(&apply(&[Del("NetworkPolicy/web", "/spec/egress/1")])),
        &ctx,
    );
    assert!(rules_of(&bad).contains("netpol-egress-dependency"));
    ctx.egress[0].endpoint = Endpoint::PublicInternet { port: 443 };
    let bad = validate(&manifests(BASE), &ctx);
    assert!(rules_of(&bad).contains("netpol-egress-dependency"));
}

#[test]
fn waivers_in_code() {
    let text = apply(&[Set(
        "Ingress/web",
        "/spec/rules/0/http/paths/0/path",
        json!("/"),
    )]);
    let mut ctx = app_ctx();
    ctx.waivers.push(Waiver::new(
        "metrics-exposed-by-ingress",
        "Ingress",
        "web",
        "nginx denies /metrics",
    ));
    let report = validate(&manifests(&text), &ctx);
    let f = report
        .findings
        .iter()
        .find(|f| f.rule == "metrics-exposed-by-ingress")
        .expect("still reported");
    assert!(
        f.waived
            .as_deref()
            .is_some_and(|w| w.starts_with("nginx denies /metrics (waived at ")),
        "{f:?}"
    );
    assert!(!rules_of(&report).contains("waiver-unmatched"));
    assert_eq!(report.counts(), (0, 0, 1));

    // A waiver that matches nothing, one without a reason and one for an unknown rule.
    let mut ctx = app_ctx();
    ctx.waivers.push(Waiver::new(
        "metrics-exposed-by-ingress",
        "Ingress",
        "web",
        "reason",
    ));
    ctx.waivers
        .push(Waiver::new("image-latest", "Deployment", "web", " "));
    ctx.waivers
        .push(Waiver::new("no-such-rule", "Deployment", "web", "reason"));
    let report = validate(&manifests(BASE), &ctx);
    let got: Vec<&str> = report.findings.iter().map(|f| f.rule).collect();
    assert_eq!(
        got.iter().filter(|r| **r == "waiver-unmatched").count(),
        1,
        "{got:?}"
    );
    assert_eq!(
        got.iter().filter(|r| **r == "waiver-invalid").count(),
        2,
        "{got:?}"
    );
    // Waivers are per object: another object's finding stays.
    let text = apply(&[Set(
        "Deployment/web",
        p!("{C0}/image"),
        json!("ghcr.io/acme/web:latest"),
    )]);
    let mut ctx = app_ctx();
    ctx.waivers
        .push(Waiver::new("image-latest", "Deployment", "other", "reason"));
    let report = validate(&manifests(&text), &ctx);
    assert!(report
        .findings
        .iter()
        .any(|f| f.rule == "image-latest" && f.waived.is_none()));
}

#[test]
fn waiver_annotation_in_yaml() {
    let text = apply(&[
        Set("Ingress/web", "/spec/rules/0/http/paths/0/path", json!("/")),
        Set(
            "Ingress/web",
            "/metadata/annotations",
            json!({"kairn.dev/waive.metrics-exposed-by-ingress": "metrics need no secrecy here"}),
        ),
    ]);
    let report = lint_text(&text, &Context::lint());
    let f = report
        .findings
        .iter()
        .find(|f| f.rule == "metrics-exposed-by-ingress")
        .expect("reported");
    assert_eq!(
        f.waived.as_deref(),
        Some(
            "metrics need no secrecy here (annotation kairn.dev/waive.metrics-exposed-by-ingress)"
        )
    );
    assert!(!report.has_errors());
}

#[test]
fn latest_is_allowed_in_development_only() {
    let text = apply(&[Set("Deployment/web", p!("{C0}/image"), json!("nginx"))]);
    let mut ctx = Context::lint();
    assert!(rules_of(&lint_text(&text, &ctx)).contains("image-latest"));
    ctx.environment = Some("development".into());
    assert!(!rules_of(&lint_text(&text, &ctx)).contains("image-latest"));
}

#[test]
fn malformed_image_references_are_invalid_values() {
    let digest = format!("sha256:{}", "ab".repeat(32));
    let bad = [
        (
            "ghcr.io/acme/web:12:30".to_owned(),
            "':' may only appear once",
        ),
        (format!("@{digest}"), "needs a repository"),
        ("ghcr.io/Acme/web:1".to_owned(), "lowercase"),
        ("ghcr.io//web:1".to_owned(), "empty parts"),
        ("ghcr.io/acme/web-:1".to_owned(), "start and end"),
        ("ghcr.io/acme/web@sha256:abc".to_owned(), "64 lowercase hex"),
    ];
    for (image, reason) in bad {
        let text = apply(&[Set("Deployment/web", p!("{C0}/image"), json!(image))]);
        for env in [None, Some("development")] {
            let mut ctx = Context::lint();
            ctx.environment = env.map(str::to_owned);
            let report = lint_text(&text, &ctx);
            let f = report
                .findings
                .iter()
                .find(|f| f.rule == "invalid-value")
                .unwrap_or_else(|| panic!("{image}: not reported: {:?}", rules_of(&report)));
            assert_eq!(f.field, "spec.template.spec.containers[0].image");
            assert!(
                f.message.contains(&image) && f.message.contains(reason),
                "{image}: {}",
                f.message
            );
            assert!(f.fix.contains("@sha256:"), "{}", f.fix);
            assert!(
                !rules_of(&report).contains("image-latest"),
                "{image}: one finding, not also image-latest"
            );
        }
    }
    for good in [
        "localhost:5000/web:1".to_owned(),
        format!("ghcr.io/acme/web:1.2.3@{digest}"),
        format!("ghcr.io/acme/web@{digest}"),
    ] {
        let text = apply(&[Set("Deployment/web", p!("{C0}/image"), json!(good))]);
        let report = lint_text(&text, &Context::lint());
        assert!(report.findings.is_empty(), "{good}: {:#?}", report.findings);
    }
}

#[test]
fn complete_sets_do_not_downgrade_missing_references() {
    let text = apply(&[
        Remove("ClusterSecretStore/vault"),
        Remove("ExternalSecret/shop-db"),
    ]);
    let lint_rules = rules_of(&lint_text(&text, &Context::lint()));
    assert!(
        lint_rules.contains("reference-unresolved") && !lint_rules.contains("secret-missing"),
        "{lint_rules:?}"
    );
    let mut ctx = app_ctx();
    ctx.external_secrets.clear();
    let emit_rules = rules_of(&validate(&manifests(&text), &ctx));
    assert!(emit_rules.contains("secret-missing"), "{emit_rules:?}");
}

#[test]
fn findings_carry_location_and_fix() {
    let text = apply(&[Set(
        "Deployment/web",
        p!("{C0}/image"),
        json!("ghcr.io/acme/web:latest"),
    )]);
    let report = lint_text(&text, &Context::lint());
    let f = report
        .findings
        .iter()
        .find(|f| f.rule == "image-latest")
        .expect("reported");
    assert_eq!(f.field, "spec.template.spec.containers[0].image");
    assert_eq!(
        (f.kind.as_str(), f.name.as_str(), f.namespace.as_deref()),
        ("Deployment", "web", Some("shop"))
    );
    assert_eq!(f.file.as_deref(), Some("case.yaml"));
    assert!(f.line.is_some_and(|l| l > 1));
    assert!(!f.fix.is_empty() && !f.message.is_empty());
}

#[test]
fn lines_point_at_the_field() {
    let yaml = "apiVersion: v1\nkind: Service\nmetadata:\n  name: s\n  namespace: ns\nspec:\n  selector: {app: x}\n  ports:\n    - name: http\n      port: 80\n      targetPort: 99999\n";
    let report = lint_text(yaml, &Context::lint());
    let f = report
        .findings
        .iter()
        .find(|f| f.rule == "invalid-value")
        .expect("reported");
    assert_eq!(f.line, Some(11));
}

#[test]
fn wrong_types_are_findings_with_lines() {
    let yaml = "---\napiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: d\nspec:\n  replicas: \"3\"\n  selector: {matchLabels: {a: b}}\n  template:\n    metadata: {labels: {a: b}}\n    spec:\n      containers: []\n";
    let loaded = parse_str("d.yaml", yaml).expect("parses");
    let err = loaded.documents[0]
        .error
        .as_ref()
        .expect("typed parse fails");
    assert_eq!((err.line, err.field.as_str()), (7, "spec.replicas"));
    let report = lint(&loaded, &Context::lint());
    let f = report
        .findings
        .iter()
        .find(|f| f.rule == "object-invalid")
        .expect("reported");
    assert_eq!(f.line, Some(7));
    assert!(f.message.contains("invalid type"), "{}", f.message);
}

#[test]
fn malformed_yaml_names_the_line() {
    let err = parse_str("bad.yaml", "a: 1\nb: [1, 2\nc: 3\n").expect_err("malformed");
    assert_eq!(err.file, "bad.yaml");
    assert!(err.line.is_some());
    assert!(err.to_string().starts_with("bad.yaml:"), "{err}");
}

#[test]
fn hostile_input_does_not_panic() {
    let deep = format!("{}{}", "[".repeat(5000), "]".repeat(5000));
    let mut bomb = String::from("a: &a [x, x, x, x, x, x, x, x, x, x]\n");
    for i in 0..12 {
        let prev = if i == 0 {
            "a".to_owned()
        } else {
            format!("l{}", i - 1)
        };
        bomb.push_str(&format!("l{i}: &l{i} [*{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}]\n"));
    }
    let inputs = [
        deep.as_str(),
        bomb.as_str(),
        "\u{0}\u{1}",
        "kind: Deployment\napiVersion: apps/v1\nspec: 3\n",
        "kind: [1]\napiVersion: {a: b}\n",
        "apiVersion: v1\nkind: List\nitems:\n  - 1\n  - {apiVersion: v1, kind: Service, metadata: {name: s}, spec: {ports: [{port: -1}]}}\n",
        "apiVersion: v1\nkind: Service\nmetadata: {name: \"\"}\nspec: {ports: [{port: 1, targetPort: \"\"}], selector: {\"\": \"\"}}\n",
        "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: d}\nspec: {selector: {}, template: {}}\n",
        "apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {name: n, namespace: x}\nspec: {podSelector: {}, egress: [{ports: [{port: 53, endPort: 1}]}]}\n",
        "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec: {containers: [{name: c, image: i, resources: {limits: {cpu: \"1e999\"}}}]}\n",
    ];
    for input in inputs {
        if let Ok(loaded) = parse_str("h.yaml", input) {
            let _ = lint(&loaded, &Context::lint());
        }
    }
}

#[test]
fn unknown_kinds_are_noted() {
    let report = lint_text(
        "apiVersion: example.com/v1\nkind: Widget\nmetadata: {name: w}\n---\nfoo: bar\n",
        &Context::lint(),
    );
    assert!(report.findings.is_empty());
    assert_eq!(report.notes.len(), 2, "{:?}", report.notes);
}

#[test]
fn rules_doc_lists_exactly_the_registered_rules() {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../../docs/rules.md");
    let generated = registry::markdown_table();
    let doc = std::fs::read_to_string(path).unwrap_or_default();
    let (begin, end) = ("<!-- rules:begin -->\n", "<!-- rules:end -->");
    let section = doc
        .split_once(begin)
        .and_then(|(_, rest)| rest.split_once(end))
        .map(|(s, _)| s.to_owned());
    if std::env::var_os("KAIRN_UPDATE_DOCS").is_some() {
        if let (Some((head, rest)), Some(_)) = (doc.split_once(begin), &section) {
            let tail = rest.split_once(end).map(|(_, t)| t).unwrap_or_default();
            std::fs::write(path, format!("{head}{begin}{generated}{end}{tail}"))
                .expect("write docs/rules.md");
            return;
        }
    }
    assert_eq!(
        section.as_deref(),
        Some(generated.as_str()),
        "docs/rules.md is stale: run `KAIRN_UPDATE_DOCS=1 cargo test -p lint rules_doc`"
    );
}

#[test]
fn external_secrets_annotation_declares_secrets_for_lint() {
    let without = apply(&[
        Remove("ClusterSecretStore/vault"),
        Remove("ExternalSecret/shop-db"),
    ]);
    assert!(rules_of(&lint_text(&without, &Context::lint())).contains("reference-unresolved"));
    let with = apply(&[
        Remove("ClusterSecretStore/vault"),
        Remove("ExternalSecret/shop-db"),
        Set(
            "Deployment/web",
            "/metadata/annotations",
            json!({"kairn.dev/external-secrets": "shop-db"}),
        ),
    ]);
    let report = lint_text(&with, &Context::lint());
    assert!(
        !rules_of(&report).contains("reference-unresolved"),
        "{:#?}",
        report.findings
    );
}
