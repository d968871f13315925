//! ServiceMonitors and the PrometheusRule.

use std::collections::BTreeMap;

use k8s_openapi::apimachinery::pkg::util::intstr::IntOrString;

use super::meta::{app_labels, component_labels, keys, object_meta, selector};
use crate::crd::monitoring::{
    NamespaceSelector, PrometheusRule, PrometheusRuleSpec, Rule, RuleGroup, ScrapeEndpoint,
    ServiceMonitor, ServiceMonitorSpec,
};
use crate::model::app::App;
use crate::model::component::Component;
use crate::model::monitoring::{Metrics, Monitoring};
use crate::object::Object;

/// The ServiceMonitor scraping one component's Service. The `job` label of the scraped
/// series is the app name (`jobLabel: app.kubernetes.io/name`), which alert rules use.
pub(crate) fn service_monitor(app: &App, component: &Component, metrics: &Metrics) -> Object {
    let name = app.object_name(&component.name);
    ServiceMonitor::new(
        object_meta(app, &name, component_labels(app, component)),
        ServiceMonitorSpec {
            job_label: Some(keys::NAME.to_owned()),
            selector: selector(super::kept::service_monitor_selector(app, component)),
            namespace_selector: Some(NamespaceSelector {
                match_names: vec![app.namespace.to_string()],
                ..NamespaceSelector::default()
            }),
            endpoints: vec![ScrapeEndpoint {
                port: Some(metrics.port.to_string()),
                path: Some(metrics.path.to_string()),
                interval: Some(metrics.interval.clone()),
                ..ScrapeEndpoint::default()
            }],
        },
    )
    .into()
}

/// The app's alert rules as one PrometheusRule; `{job}` in expressions becomes the job name.
pub(crate) fn prometheus_rule(app: &App, monitoring: &Monitoring) -> Option<Object> {
    if monitoring.alerts.is_empty() {
        return None;
    }
    let job = app.name.as_str();
    let rules = monitoring
        .alerts
        .iter()
        .map(|a| {
            let mut annotations = BTreeMap::from([("summary".to_owned(), a.summary.clone())]);
            if let Some(d) = &a.description {
                annotations.insert("description".into(), d.clone());
            }
            Rule {
                alert: Some(a.alert.clone()),
                expr: IntOrString::String(a.expr.replace("{job}", job)),
                for_: Some(a.for_.clone()),
                labels: BTreeMap::from([("severity".to_owned(), a.severity.as_str().to_owned())]),
                annotations,
                ..Rule::default()
            }
        })
        .collect();
    Some(
        PrometheusRule::new(
            object_meta(app, &app.base_name(), app_labels(app)),
            PrometheusRuleSpec {
                groups: vec![RuleGroup {
                    name: app.base_name().to_string(),
                    rules,
                    ..RuleGroup::default()
                }],
            },
        )
        .into(),
    )
}
