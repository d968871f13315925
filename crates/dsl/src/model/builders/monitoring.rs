//! Builders of [`Metrics`] and [`AlertRule`].

use crate::model::builder_macro::typestate_builder;
use crate::model::monitoring::{AlertRule, Metrics, Monitoring, Severity};
use crate::primitives::port::{DeclaredPort, PortRef};
use crate::primitives::text::{HttpPath, Name};

typestate_builder! {
    /// Declares a [`Metrics`] endpoint: `.port(..)` is required.
    pub struct MetricsBuilder for Metrics {
        builder: fn builder;
        note: "a metrics endpoint needs `.port(..)`";
        required {
            /// The declared container port serving metrics: `.port(&http)`.
            port [Po: MetricsPort]: PortRef = |port: impl DeclaredPort| port.port_ref(),
                message "this metrics endpoint has no port: add `.port(&http)` (a declared `NamedPort`) before `.build()`",
                label "`.port(..)` is missing";
        }
        tracked {}
        fixed {}
        optional {
            /// Path of the metrics endpoint (default `/metrics`).
            path: HttpPath = crate::http_path!("/metrics"), |path: HttpPath| path;
            /// Scrape interval, e.g. `30s` (the default).
            interval: String = "30s".to_owned(), |interval: impl Into<String>| interval.into();
        }
    }
}

typestate_builder! {
    /// Declares an [`AlertRule`]: `.alert(..)`, `.expr(..)`, `.for_(..)`, `.severity(..)`
    /// and `.summary(..)` are required.
    pub struct AlertRuleBuilder for AlertRule {
        builder: fn builder;
        note: "an alert rule needs `.alert(..)`, `.expr(..)`, `.for_(..)`, `.severity(..)` and `.summary(..)`";
        required {
            /// Alert name (CamelCase by convention).
            alert [Al: AlertRuleAlert]: String = |alert: impl Into<String>| alert.into(),
                message "this alert rule has no name: add `.alert(\"HighErrorRate\")` before `.build()`",
                label "`.alert(..)` is missing";
            /// PromQL expression. `{job}` is replaced by the app's scrape job name.
            expr [Ex: AlertRuleExpr]: String = |expr: impl Into<String>| expr.into(),
                message "this alert rule has no expression: add `.expr(\"...PromQL...\")` before `.build()`",
                label "`.expr(..)` is missing";
            /// How long the expression must hold, e.g. `5m`.
            for_ [Fo: AlertRuleFor]: String = |duration: impl Into<String>| duration.into(),
                message "this alert rule has no duration: add `.for_(\"5m\")` before `.build()`",
                label "`.for_(..)` is missing";
            /// Severity label.
            severity [Se: AlertRuleSeverity]: Severity = |severity: Severity| severity,
                message "this alert rule has no severity: add `.severity(Severity::Warning)` before `.build()`",
                label "`.severity(..)` is missing";
            /// Short summary annotation.
            summary [Su: AlertRuleSummary]: String = |summary: impl Into<String>| summary.into(),
                message "this alert rule has no summary: add `.summary(\"...\")` before `.build()`",
                label "`.summary(..)` is missing";
        }
        tracked {}
        fixed {}
        optional {
            /// Longer description annotation.
            description: Option<String> = None, |description: impl Into<String>| Some(description.into());
        }
    }
}

typestate_builder! {
    /// Declares [`Monitoring`] (every setting has a default).
    pub struct MonitoringBuilder for Monitoring {
        builder: fn builder;
        note: "monitoring has no required settings";
        required {}
        tracked {}
        fixed {}
        optional {
            /// Namespace of Prometheus (default `monitoring`), allowed in to metrics ports.
            prometheus_namespace: Name = crate::name!("monitoring"), |namespace: Name| namespace;
            /// Alert rules, rendered as one PrometheusRule.
            alerts: Vec<AlertRule> = Vec::new(), |alerts: Vec<AlertRule>| alerts;
        }
    }
}
