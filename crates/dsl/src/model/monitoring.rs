//! Prometheus Operator monitoring: scrape endpoints and alert rules.

use crate::primitives::port::PortRef;
use crate::primitives::text::{HttpPath, Name};

/// A metrics endpoint on a component, scraped through a ServiceMonitor.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Metrics {
    /// The declared container port serving metrics: `.port(&http)`.
    pub port: PortRef,
    /// Path of the metrics endpoint.
    pub path: HttpPath,
    /// Scrape interval, e.g. `30s`.
    pub interval: String,
}

/// Alert severity label.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Severity {
    /// Pages someone.
    Critical,
    /// Needs attention soon.
    Warning,
    /// For information.
    Info,
}

impl Severity {
    /// The label value.
    pub const fn as_str(self) -> &'static str {
        match self {
            Severity::Critical => "critical",
            Severity::Warning => "warning",
            Severity::Info => "info",
        }
    }
}

/// One Prometheus alerting rule.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AlertRule {
    /// Alert name (CamelCase by convention).
    pub alert: String,
    /// PromQL expression. `{job}` is replaced by the app's scrape job name.
    pub expr: String,
    /// How long the expression must hold, e.g. `5m`.
    pub for_: String,
    /// Severity label.
    pub severity: Severity,
    /// Short summary annotation.
    pub summary: String,
    /// Longer description annotation.
    pub description: Option<String>,
}

/// Monitoring for the whole app: where Prometheus runs and which alerts to install.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Monitoring {
    /// Namespace of Prometheus, allowed in to metrics ports by the NetworkPolicies.
    pub prometheus_namespace: Name,
    /// Alert rules, rendered as one PrometheusRule.
    pub alerts: Vec<AlertRule>,
}
