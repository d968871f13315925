//! Rule `kept-identity`: what a component keeps from a running app ([`Kept`]) must hold
//! together, or the render would not select its own pods or would drop a setting
//! silently.
//!
//! - kept `pod_labels` must contain the selector (kept or derived): the API server
//!   rejects a workload whose selector does not match its template;
//! - a kept `service_account` is not kairn's, so the annotations kairn would put on the
//!   component's own ServiceAccount (`.service_account_annotations(..)`, a storage
//!   backend's cloud identity) would go nowhere;
//! - a kept `service_name` or `headless_service_name` on a component that renders no such
//!   Service would rename nothing.

use super::{registry, Finding};
use crate::model::app::App;
use crate::model::component::{Component, Workload};
use crate::model::kept::Kept;
use crate::model::set_at::Setting;

const RULE: &str = "kept-identity";

/// One error per inconsistency of each component's kept identity.
pub(crate) fn check(app: &App) -> Vec<Finding> {
    app.components
        .iter()
        .filter_map(|c| c.kept.as_ref().map(|k| (c, k)))
        .flat_map(|(c, k)| {
            problems(app, c, k)
                .into_iter()
                .map(move |p| finding(app, c, p))
        })
        .collect()
}

struct Problem {
    field: &'static str,
    message: String,
    fix: String,
}

fn problems(app: &App, c: &Component, k: &Kept) -> Vec<Problem> {
    let mut out = Vec::new();
    if let Some(pod_labels) = &k.pod_labels {
        let selector = crate::render::meta::selector_labels(app, &c.name);
        let missing: Vec<String> = selector
            .iter()
            .filter(|(key, v)| pod_labels.get(*key) != Some(*v))
            .map(|(key, v)| format!("{key}={v}"))
            .collect();
        if !missing.is_empty() {
            out.push(Problem {
                field: "keep.pod_labels",
                message: format!(
                    "the kept pod labels lack {} of the selector, so the workload would select none of its own pods (the API server rejects it)",
                    missing.join(", ")
                ),
                fix: format!(
                    "add {} to `Kept::pod_labels`, or leave `pod_labels: None` (the labels plus the selector)",
                    missing.join(", ")
                ),
            });
        }
    }
    if let Some(account) = &k.service_account {
        let mut annotations: Vec<String> = c.service_account_annotations.keys().cloned().collect();
        annotations.extend(crate::render::storage_account_annotations(c).into_keys());
        if !annotations.is_empty() {
            out.push(Problem {
                field: "keep.service_account",
                message: format!(
                    "the pods run as the kept ServiceAccount `{account}`, which kairn does not render, so its annotations {} would be set nowhere",
                    annotations.join(", ")
                ),
                fix: format!(
                    "set the annotations on ServiceAccount `{account}` where it is managed and drop `.service_account_annotations(..)` (or the storage's cloud identity), or leave `service_account: None` so that kairn renders the component's own"
                ),
            });
        }
    }
    let has_service = match &c.workload {
        Workload::Http(_) | Workload::Cluster(_) | Workload::Stateful(_) => true,
        Workload::Worker(w) => w.metrics.is_some(),
        Workload::NodeAgent(a) => a.metrics.is_some(),
        Workload::Job(_) | Workload::Scheduled(_) => false,
    };
    if let (Some(name), false) = (&k.service_name, has_service) {
        out.push(Problem {
            field: "keep.service_name",
            message: format!("the kept Service name `{name}` names nothing: this component renders no Service"),
            fix: "leave `service_name: None` (a worker or node agent gets a Service only with `.metrics(..)`)".to_owned(),
        });
    }
    let stateful = matches!(c.workload, Workload::Cluster(_) | Workload::Stateful(_));
    if let (Some(name), false) = (&k.headless_service_name, stateful) {
        out.push(Problem {
            field: "keep.headless_service_name",
            message: format!("the kept headless Service name `{name}` names nothing: only a `StatefulService` or `StatefulCluster` renders a headless Service"),
            fix: "leave `headless_service_name: None`".to_owned(),
        });
    }
    out
}

fn finding(app: &App, c: &Component, p: Problem) -> Finding {
    let info = registry::rule(RULE).expect("registered");
    let at = c
        .set_at
        .get(&Setting::Keep)
        .copied()
        .unwrap_or(c.declared_at);
    Finding {
        rule: info.id,
        severity: info.severity,
        app: Some(app.name.to_string()),
        environment: Some(app.environment.to_string()),
        kind: "Component".to_owned(),
        name: c.name.to_string(),
        namespace: Some(app.namespace.to_string()),
        field: p.field.to_owned(),
        customized_at: Vec::new(),
        unit: None,
        message: format!(
            "{}/{}: component `{}`: {}",
            app.name, app.environment, c.name, p.message
        ),
        fix: format!("in `.keep(Kept {{ .. }})`: {}", p.fix),
        declared_at: Some(format!("{}:{}", at.file(), at.line())),
        file: None,
        line: None,
        waived: None,
    }
}
