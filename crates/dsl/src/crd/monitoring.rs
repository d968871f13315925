//! `ServiceMonitor` and `PrometheusRule` from the Prometheus Operator.

use std::collections::BTreeMap;

use k8s_openapi::apimachinery::pkg::apis::meta::v1::{LabelSelector, ObjectMeta};
use serde::{Deserialize, Serialize};

/// API version of the Prometheus Operator resources.
pub const API_VERSION: &str = "monitoring.coreos.com/v1";

/// Tells Prometheus which Services to scrape.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ServiceMonitor {
    /// Always `monitoring.coreos.com/v1`.
    pub api_version: String,
    /// Always `ServiceMonitor`.
    pub kind: String,
    /// Object metadata.
    pub metadata: ObjectMeta,
    /// Scrape configuration.
    pub spec: ServiceMonitorSpec,
}

impl ServiceMonitor {
    /// Kind name.
    pub const KIND: &'static str = "ServiceMonitor";

    /// A ServiceMonitor with the right `apiVersion` and `kind`.
    pub fn new(metadata: ObjectMeta, spec: ServiceMonitorSpec) -> Self {
        ServiceMonitor {
            api_version: API_VERSION.to_owned(),
            kind: Self::KIND.to_owned(),
            metadata,
            spec,
        }
    }
}

/// `ServiceMonitor.spec`.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ServiceMonitorSpec {
    /// Service label whose value becomes the `job` label of scraped series.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub job_label: Option<String>,
    /// Selects the Services to scrape.
    pub selector: LabelSelector,
    /// Namespaces to look for Services in.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub namespace_selector: Option<NamespaceSelector>,
    /// Endpoints to scrape on each Service.
    pub endpoints: Vec<ScrapeEndpoint>,
}

/// `ServiceMonitor.spec.namespaceSelector`.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct NamespaceSelector {
    /// Namespace names.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub match_names: Vec<String>,
}

/// One scrape endpoint of a ServiceMonitor.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ScrapeEndpoint {
    /// Service port name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub port: Option<String>,
    /// HTTP path.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub path: Option<String>,
    /// Scrape interval.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub interval: Option<String>,
}

/// Prometheus alerting and recording rules.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PrometheusRule {
    /// Always `monitoring.coreos.com/v1`.
    pub api_version: String,
    /// Always `PrometheusRule`.
    pub kind: String,
    /// Object metadata.
    pub metadata: ObjectMeta,
    /// Rule groups.
    pub spec: PrometheusRuleSpec,
}

impl PrometheusRule {
    /// Kind name.
    pub const KIND: &'static str = "PrometheusRule";

    /// A PrometheusRule with the right `apiVersion` and `kind`.
    pub fn new(metadata: ObjectMeta, spec: PrometheusRuleSpec) -> Self {
        PrometheusRule {
            api_version: API_VERSION.to_owned(),
            kind: Self::KIND.to_owned(),
            metadata,
            spec,
        }
    }
}

/// `PrometheusRule.spec`.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct PrometheusRuleSpec {
    /// Rule groups.
    pub groups: Vec<RuleGroup>,
}

/// A named group of rules.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct RuleGroup {
    /// Group name.
    pub name: String,
    /// Rules.
    pub rules: Vec<Rule>,
}

/// One alerting rule.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Rule {
    /// Alert name.
    pub alert: String,
    /// PromQL expression.
    pub expr: String,
    /// Pending duration.
    #[serde(rename = "for", default, skip_serializing_if = "Option::is_none")]
    pub for_: Option<String>,
    /// Labels added to the alert.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub labels: BTreeMap<String, String>,
    /// Annotations added to the alert.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub annotations: BTreeMap<String, String>,
}
