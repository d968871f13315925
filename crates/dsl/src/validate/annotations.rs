//! Rule `annotation-overridden`: a component annotation whose key kairn also sets, with
//! another value, on one of the component's objects. The renderer keeps kairn's value
//! there (it drives behaviour: a cloud identity, a retained claim), so the declared value
//! would be silently missing on that object; this makes it an error at emit instead.

use super::{registry, Finding};
use crate::model::app::App;
use crate::render::overridden_annotations;

/// Every component annotation kairn's own annotations would override.
pub(crate) fn check(app: &App) -> Vec<Finding> {
    let info = registry::rule("annotation-overridden").expect("registered");
    let mut out = Vec::new();
    for c in &app.components {
        for o in overridden_annotations(app, c) {
            out.push(Finding {
                rule: info.id,
                severity: info.severity,
                app: Some(app.name.to_string()),
                environment: Some(app.environment.to_string()),
                kind: "Component".to_owned(),
                name: c.name.to_string(),
                namespace: Some(app.namespace.to_string()),
                field: format!("annotation({})", o.key),
                message: format!(
                    "{}/{}: component `{}` sets annotation `{}: {}`, but kairn sets `{}: {}` on \
                     its {} `{}`, so the component's value would be ignored there",
                    app.name,
                    app.environment,
                    c.name,
                    o.key,
                    o.value,
                    o.key,
                    o.kairn,
                    o.kind,
                    o.name
                ),
                fix: format!(
                    "drop `.annotation({}, ..)`, or set the value where kairn derives it \
                     (`.service_account_annotations(..)`, the storage's cloud identity, the \
                     spawned jobs' settings); a claim's `argocd.argoproj.io/sync-options` is \
                     kairn's and keeps it",
                    o.key
                ),
                declared_at: Some(format!("{}:{}", c.declared_at.file(), c.declared_at.line())),
                customized_at: Vec::new(),
                unit: None,
                file: None,
                line: None,
                waived: None,
            });
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use crate::*;

    fn shop(components: Vec<Component>) -> App {
        App::builder()
            .name(name!("shop"))
            .environment(name!("production"))
            .namespace(name!("shop"))
            .components(components)
            .build()
    }

    const ROLE: &str = "arn:aws:iam::210987654321:role/api";

    fn api(annotation: &str) -> Component {
        let http = NamedPort::new(port_name!("http"), port!(8080));
        Component::builder()
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
                    .port(http.clone())
                    .probes(Probes::http(
                        &http,
                        http_path!("/live"),
                        http_path!("/ready"),
                    ))
                    .replicas(Replicas::Fixed(2))
                    .build(),
            )
            .service_account_annotations(BTreeMap::from([(
                "eks.amazonaws.com/role-arn".to_owned(),
                ROLE.to_owned(),
            )]))
            .annotation(annotation_key!("eks.amazonaws.com/role-arn"), annotation)
            .annotation(
                annotation_key!("example.com/runbook"),
                "https://runbooks.example.com/api",
            )
            .build()
            .into()
    }

    #[test]
    fn an_annotation_kairn_sets_differently_is_an_error_at_emit() {
        let app = shop(vec![api("arn:aws:iam::210987654321:role/other")]);
        let manifests = render(&app);
        // Today's merge keeps kairn's value on the ServiceAccount: the declared one is lost.
        let sa = manifests
            .iter()
            .find(|m| m.object.kind() == "ServiceAccount")
            .expect("a ServiceAccount");
        let annotations = sa.object.metadata().annotations.clone().unwrap_or_default();
        assert_eq!(annotations["eks.amazonaws.com/role-arn"], ROLE);
        let report = validate(&manifests, &validate::context_for(&app));
        let errors: Vec<_> = report
            .findings
            .iter()
            .filter(|f| f.severity == validate::Severity::Error)
            .collect();
        assert_eq!(errors.len(), 1, "{errors:#?}");
        let f = errors[0];
        assert_eq!(f.rule, "annotation-overridden");
        assert_eq!(
            (
                f.app.as_deref(),
                f.environment.as_deref(),
                f.kind.as_str(),
                f.name.as_str()
            ),
            (Some("shop"), Some("production"), "Component", "api")
        );
        assert_eq!(f.field, "annotation(eks.amazonaws.com/role-arn)");
        assert!(
            f.message.contains("ServiceAccount `shop-api`"),
            "{}",
            f.message
        );
        assert!(f.message.contains(ROLE), "{}", f.message);
        assert!(f.fix.contains("service_account_annotations"), "{}", f.fix);
    }

    #[test]
    fn the_same_value_or_another_key_is_fine() {
        let app = shop(vec![api(ROLE)]);
        let report = validate(&render(&app), &validate::context_for(&app));
        assert!(
            report
                .findings
                .iter()
                .all(|f| f.rule != "annotation-overridden"),
            "{:#?}",
            report.findings
        );
    }

    #[test]
    fn a_claim_keeps_kairns_argo_cd_sync_options() {
        let http = NamedPort::new(port_name!("http"), port!(8080));
        let files: Component = Component::builder()
            .name(name!("files"))
            .image(image!("ghcr.io/acme/files:1.0.0"))
            .resources(Resources::new(
                cpu!("250m"),
                cpu!("1"),
                memory!("256Mi"),
                memory!("1Gi"),
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
                    .storage(SharedVolume::new(storage!("20Gi"), "/data"))
                    .build(),
            )
            .annotation(
                annotation_key!("argocd.argoproj.io/sync-options"),
                "ServerSideApply=true",
            )
            .build()
            .into();
        let app = shop(vec![files]);
        let findings = validate::context_for(&app).declaration_findings;
        assert_eq!(findings.len(), 1, "{findings:#?}");
        assert_eq!(findings[0].rule, "annotation-overridden");
        assert!(
            findings[0]
                .message
                .contains("PersistentVolumeClaim `shop-files-storage`"),
            "{}",
            findings[0].message
        );
    }
}
