//! `ServiceMonitor` and `PrometheusRule` from the Prometheus Operator.
//!
//! The types accept everything the upstream CRD schemas accept (see
//! `tests/fixtures/crds/`, checked by `crd_models_accept_the_upstream_schemas`): fields are
//! optional where the schema does not require them, and fields kairn does not read are
//! ignored rather than rejected.

use std::collections::BTreeMap;

use k8s_openapi::apimachinery::pkg::apis::meta::v1::{LabelSelector, ObjectMeta};
use k8s_openapi::apimachinery::pkg::util::intstr::IntOrString;
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
    /// Every namespace (takes precedence over `matchNames`).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub any: bool,
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
    /// Name or number of the pods' port, when `port` (the Service port name) is not set.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub target_port: Option<IntOrString>,
    /// `http` or `https`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub scheme: Option<String>,
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
    /// Rule groups (optional in the schema).
    #[serde(default)]
    pub groups: Vec<RuleGroup>,
}

/// A named group of rules.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct RuleGroup {
    /// Group name.
    pub name: String,
    /// How often the rules are evaluated.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub interval: Option<String>,
    /// Labels added to every rule's results (Prometheus 3).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub labels: BTreeMap<String, String>,
    /// Most alerts or series a rule may produce.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub limit: Option<i64>,
    /// Thanos Ruler only: `abort` or `warn`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub partial_response_strategy: Option<String>,
    /// Evaluation offset.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub query_offset: Option<String>,
    /// Alerting and recording rules.
    #[serde(default)]
    pub rules: Vec<Rule>,
}

/// One alerting rule (`alert`) or recording rule (`record`).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Rule {
    /// Alert name (alerting rules).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub alert: Option<String>,
    /// Name of the series to record (recording rules).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub record: Option<String>,
    /// PromQL expression (the schema allows an integer, e.g. `expr: 1`).
    pub expr: IntOrString,
    /// Pending duration.
    #[serde(rename = "for", default, skip_serializing_if = "Option::is_none")]
    pub for_: Option<String>,
    /// How long an alert keeps firing after its condition cleared.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub keep_firing_for: Option<String>,
    /// Labels added to the alert.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub labels: BTreeMap<String, String>,
    /// Annotations added to the alert.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub annotations: BTreeMap<String, String>,
}

impl Rule {
    /// The PromQL expression as text.
    pub fn expr_text(&self) -> String {
        match &self.expr {
            IntOrString::Int(n) => n.to_string(),
            IntOrString::String(s) => s.clone(),
        }
    }

    /// The alert or record name.
    pub fn name(&self) -> &str {
        self.alert
            .as_deref()
            .or(self.record.as_deref())
            .unwrap_or_default()
    }
}
