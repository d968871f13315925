//! The object set one validation run looks at, with the indexes rules share.

use std::borrow::Cow;
use std::collections::{BTreeMap, BTreeSet};

use k8s_openapi::api::core::v1::{Container, PodSpec, PodTemplateSpec};
use k8s_openapi::apimachinery::pkg::apis::meta::v1::LabelSelector;

use super::source::Document;
use super::Context;
use crate::object::{Object, Origin};

/// One object under validation: typed when its kind is known, raw when linting.
pub(crate) struct Item<'a> {
    pub kind: &'a str,
    pub name: &'a str,
    pub namespace: Option<&'a str>,
    pub object: Option<&'a Object>,
    pub doc: Option<&'a Document>,
    pub origin: Option<&'a Origin>,
}

pub(crate) static EMPTY: BTreeMap<String, String> = BTreeMap::new();

/// A pod template with what rules need to know about its owner.
pub(crate) struct Workload<'a> {
    pub idx: usize,
    pub kind: &'static str,
    pub name: &'a str,
    pub ns: Option<&'a str>,
    pub labels: Cow<'a, BTreeMap<String, String>>,
    pub spec: Cow<'a, PodSpec>,
    /// Field path of the pod spec, e.g. `spec.template.spec`.
    pub prefix: &'static str,
    /// `spec.replicas` as written.
    pub replicas: Option<i32>,
    /// Fewest and most pods it can run (replicas, HPA range, Job parallelism).
    pub min: i32,
    pub max: i32,
    /// The HPA scaling it, if any.
    pub hpa: Option<usize>,
    /// A long-running workload (Deployment, StatefulSet) rather than a Job.
    pub serving: bool,
    /// Component that produced it (declared apps).
    pub component: Option<&'a str>,
}

impl<'a> Workload<'a> {
    /// Containers and init containers with their field paths.
    pub fn containers(&self) -> impl Iterator<Item = (String, &Container)> + '_ {
        let prefix = self.prefix;
        let main = self
            .spec
            .containers
            .iter()
            .enumerate()
            .map(move |(i, c)| (format!("{prefix}.containers[{i}]"), c));
        let init = self
            .spec
            .init_containers
            .iter()
            .flatten()
            .enumerate()
            .map(move |(i, c)| (format!("{prefix}.initContainers[{i}]"), c));
        main.chain(init)
    }

    /// The ServiceAccount the pods run as.
    pub fn service_account(&self) -> &str {
        self.spec
            .service_account_name
            .as_deref()
            .filter(|s| !s.is_empty())
            .or(self
                .spec
                .service_account
                .as_deref()
                .filter(|s| !s.is_empty()))
            .unwrap_or("default")
    }
}

/// A finding before it is placed and waived.
pub(crate) struct Hit {
    pub idx: usize,
    pub rule: &'static str,
    pub field: String,
    pub message: String,
    pub fix: String,
}

/// Collects hits.
#[derive(Default)]
pub(crate) struct Sink {
    pub hits: Vec<Hit>,
}

impl Sink {
    pub fn add(
        &mut self,
        idx: usize,
        rule: &'static str,
        field: impl Into<String>,
        message: impl Into<String>,
        fix: impl Into<String>,
    ) {
        debug_assert!(
            super::registry::rule(rule).is_some(),
            "unregistered rule {rule}"
        );
        self.hits.push(Hit {
            idx,
            rule,
            field: field.into(),
            message: message.into(),
            fix: fix.into(),
        });
    }
}

/// The set and its indexes.
pub(crate) struct Set<'a> {
    pub items: Vec<Item<'a>>,
    pub ctx: &'a Context,
    pub workloads: Vec<Workload<'a>>,
    /// Kinds present in the set whose objects could not be read (parse errors, other
    /// apiVersions): references to them cannot be resolved.
    pub unreadable: BTreeSet<&'a str>,
}

/// Iterates the typed objects of one kind as `(index, &T)`.
macro_rules! each {
    ($set:expr, $variant:ident) => {
        $set.items
            .iter()
            .enumerate()
            .filter_map(|(i, it)| match it.object {
                Some($crate::object::Object::$variant(x)) => Some((i, x)),
                _ => None,
            })
    };
}
pub(crate) use each;

/// Namespaces match when equal, or when either is unknown (an object without a namespace).
pub(crate) fn same_ns(a: Option<&str>, b: Option<&str>) -> bool {
    match (a, b) {
        (Some(x), Some(y)) => x == y,
        _ => true,
    }
}

/// Whether every pair of `selector` is in `labels`.
pub(crate) fn map_matches(
    selector: &BTreeMap<String, String>,
    labels: &BTreeMap<String, String>,
) -> bool {
    selector.iter().all(|(k, v)| labels.get(k) == Some(v))
}

/// Whether a label selector matches labels (an empty selector matches everything).
pub(crate) fn selector_matches(sel: &LabelSelector, labels: &BTreeMap<String, String>) -> bool {
    if let Some(ml) = &sel.match_labels {
        if !map_matches(ml, labels) {
            return false;
        }
    }
    for e in sel.match_expressions.iter().flatten() {
        let value = labels.get(&e.key);
        let values = e.values.as_deref().unwrap_or_default();
        let ok = match e.operator.as_str() {
            "In" => value.is_some_and(|v| values.contains(v)),
            "NotIn" => value.is_none_or(|v| !values.contains(v)),
            "Exists" => value.is_some(),
            "DoesNotExist" => value.is_none(),
            _ => false,
        };
        if !ok {
            return false;
        }
    }
    true
}

/// Whether a selector has no terms at all.
pub(crate) fn selector_is_empty(sel: &LabelSelector) -> bool {
    sel.match_labels.as_ref().is_none_or(|m| m.is_empty())
        && sel.match_expressions.as_ref().is_none_or(|m| m.is_empty())
}

fn int_or(v: Option<i32>, d: i32) -> i32 {
    v.unwrap_or(d)
}

type Found<'t> = (
    Cow<'t, PodTemplateSpec>,
    &'static str,
    Option<i32>,
    bool,
    Option<i32>,
);

fn raw_found<'t>(
    kind: &str,
    t: PodTemplateSpec,
    prefix: &'static str,
    n: Option<i32>,
) -> Found<'t> {
    match kind {
        "CronJob" | "Pod" => (
            Cow::Owned(t),
            prefix,
            None,
            kind == "Pod",
            Some(n.unwrap_or(1)),
        ),
        _ => (Cow::Owned(t), prefix, n, true, None),
    }
}

/// Kinds with pod templates that are not typed objects, read from their JSON.
const RAW_WORKLOADS: &[(&str, &str, &str, &str)] = &[
    // kind, apiVersion, pointer to the template, field path of the pod spec
    (
        "DaemonSet",
        "apps/v1",
        "/spec/template",
        "spec.template.spec",
    ),
    (
        "ReplicaSet",
        "apps/v1",
        "/spec/template",
        "spec.template.spec",
    ),
    (
        "ReplicationController",
        "v1",
        "/spec/template",
        "spec.template.spec",
    ),
    (
        "CronJob",
        "batch/v1",
        "/spec/jobTemplate/spec/template",
        "spec.jobTemplate.spec.template.spec",
    ),
    ("Pod", "v1", "", "spec"),
];

/// Kinds whose objects run pods.
pub(crate) const WORKLOAD_KINDS: &[&str] = &[
    "Deployment",
    "StatefulSet",
    "Job",
    "DaemonSet",
    "ReplicaSet",
    "ReplicationController",
    "CronJob",
    "Pod",
];

fn raw_template(
    kind: &str,
    value: &serde_json::Value,
) -> Option<(PodTemplateSpec, &'static str, Option<i32>)> {
    let (_, _, pointer, prefix) = RAW_WORKLOADS.iter().find(|r| r.0 == kind)?;
    let template = if kind == "Pod" {
        PodTemplateSpec {
            metadata: serde_json::from_value(value.get("metadata")?.clone()).ok(),
            spec: serde_json::from_value(value.get("spec")?.clone()).ok(),
        }
    } else {
        serde_json::from_value(value.pointer(pointer)?.clone()).ok()?
    };
    let count = match kind {
        "DaemonSet" => Some(2),
        "Pod" => Some(1),
        "CronJob" => value
            .pointer("/spec/jobTemplate/spec/parallelism")
            .and_then(|v| v.as_i64())
            .map(|v| v as i32),
        _ => value
            .pointer("/spec/replicas")
            .and_then(|v| v.as_i64())
            .map(|v| v as i32),
    };
    Some((template, prefix, count))
}

impl<'a> Set<'a> {
    pub fn new(items: Vec<Item<'a>>, ctx: &'a Context) -> Self {
        let unreadable = items
            .iter()
            .filter(|i| {
                i.object.is_none()
                    && i.doc.is_some_and(|d| {
                        d.error.is_some()
                            || (super::source::expected_api_version(&d.kind).is_some()
                                && d.skipped.is_some())
                    })
            })
            .map(|i| i.kind)
            .collect();
        let mut set = Set {
            items,
            ctx,
            workloads: Vec::new(),
            unreadable,
        };
        set.workloads = set.collect_workloads();
        set
    }

    fn collect_workloads(&mut self) -> Vec<Workload<'a>> {
        let mut out = Vec::new();
        let mut unreadable = Vec::new();
        for idx in 0..self.items.len() {
            let item = &self.items[idx];
            let found: Option<Found<'a>> = match item.object {
                Some(Object::Deployment(d)) => d.spec.as_ref().map(|s| {
                    (
                        Cow::Borrowed(&s.template),
                        "spec.template.spec",
                        s.replicas,
                        true,
                        None,
                    )
                }),
                Some(Object::StatefulSet(d)) => d.spec.as_ref().map(|s| {
                    (
                        Cow::Borrowed(&s.template),
                        "spec.template.spec",
                        s.replicas,
                        true,
                        None,
                    )
                }),
                Some(Object::Job(j)) => j.spec.as_ref().map(|s| {
                    (
                        Cow::Borrowed(&s.template),
                        "spec.template.spec",
                        None,
                        false,
                        Some(int_or(s.parallelism, 1)),
                    )
                }),
                Some(other) if RAW_WORKLOADS.iter().any(|r| r.0 == item.kind) => {
                    serde_json::to_value(other)
                        .ok()
                        .and_then(|v| raw_template(item.kind, &v))
                        .map(|(t, p, n)| raw_found(item.kind, t, p, n))
                }
                Some(_) => None,
                None => item
                    .doc
                    .filter(|d| d.error.is_none())
                    .filter(|d| {
                        RAW_WORKLOADS
                            .iter()
                            .any(|r| r.0 == d.kind && r.1 == d.api_version)
                    })
                    .and_then(|d| raw_template(&d.kind, &d.value))
                    .map(|(t, p, n)| raw_found(item.kind, t, p, n)),
            };
            let Some((template, prefix, replicas, serving, parallelism)) = found else {
                if WORKLOAD_KINDS.contains(&item.kind)
                    && item.object.is_none()
                    && item.doc.is_some()
                {
                    unreadable.push(item.kind);
                }
                continue;
            };
            let (labels, spec) = match template {
                Cow::Borrowed(t) => {
                    let Some(spec) = &t.spec else { continue };
                    let labels = t
                        .metadata
                        .as_ref()
                        .and_then(|m| m.labels.as_ref())
                        .unwrap_or(&EMPTY);
                    (Cow::Borrowed(labels), Cow::Borrowed(spec))
                }
                Cow::Owned(t) => {
                    let Some(spec) = t.spec else { continue };
                    let labels = t.metadata.and_then(|m| m.labels).unwrap_or_default();
                    (Cow::Owned(labels), Cow::Owned(spec))
                }
            };
            let kind: &'static str = WORKLOAD_KINDS
                .iter()
                .copied()
                .find(|k| *k == item.kind)
                .unwrap_or("Pod");
            let hpa = each!(self, HorizontalPodAutoscaler).find(|(i, h)| {
                h.spec.as_ref().is_some_and(|s| {
                    s.scale_target_ref.kind == kind
                        && s.scale_target_ref.name == item.name
                        && same_ns(self.items[*i].namespace, item.namespace)
                })
            });
            let (min, max) = match (hpa, parallelism) {
                (_, Some(p)) => (p, p),
                (Some((_, h)), None) => {
                    let s = h.spec.as_ref();
                    let min = s.and_then(|s| s.min_replicas).unwrap_or(1);
                    let max = s.map_or(1, |s| s.max_replicas);
                    (min, max.max(min))
                }
                (None, None) => {
                    let r = int_or(replicas, 1);
                    (r, r)
                }
            };
            out.push(Workload {
                idx,
                kind,
                name: item.name,
                ns: item.namespace,
                labels,
                spec,
                prefix,
                replicas,
                min,
                max,
                hpa: hpa.map(|(i, _)| i),
                serving,
                component: item.origin.and_then(|o| o.component.as_deref()),
            });
        }
        self.unreadable.extend(unreadable);
        out
    }

    /// Whether the set has any object of these kinds (typed or raw).
    pub fn has_kind(&self, kinds: &[&str]) -> bool {
        self.items.iter().any(|i| kinds.contains(&i.kind))
    }

    /// `rule` when the set is complete or has objects of `kinds`; otherwise the
    /// reference cannot be resolved, which is only a warning.
    pub fn missing(&self, rule: &'static str, kinds: &[&str]) -> &'static str {
        if self.ctx.complete {
            return rule;
        }
        if !self.has_kind(kinds) || kinds.iter().any(|k| self.unreadable.contains(k)) {
            "reference-unresolved"
        } else {
            rule
        }
    }

    /// Workloads whose pod labels a Service-style selector map matches.
    pub fn selected_by_map(
        &self,
        selector: &BTreeMap<String, String>,
        ns: Option<&str>,
    ) -> Vec<&Workload<'a>> {
        self.workloads
            .iter()
            .filter(|w| same_ns(w.ns, ns) && map_matches(selector, &w.labels))
            .collect()
    }

    /// Workloads a label selector matches.
    pub fn selected_by(&self, selector: &LabelSelector, ns: Option<&str>) -> Vec<&Workload<'a>> {
        self.workloads
            .iter()
            .filter(|w| same_ns(w.ns, ns) && selector_matches(selector, &w.labels))
            .collect()
    }

    /// Whether any namespaced object in the set states its namespace.
    pub fn namespaces_stated(&self) -> bool {
        self.items.iter().any(|i| i.namespace.is_some())
    }

    /// Labels of the Namespace object `name`, if it is in the set.
    pub fn namespace_labels(&self, name: &str) -> Option<&'a BTreeMap<String, String>> {
        each!(self, Namespace)
            .find(|(_, n)| n.metadata.name.as_deref() == Some(name))
            .map(|(_, n)| n.metadata.labels.as_ref().unwrap_or(&EMPTY))
    }
}

// ---- formats -------------------------------------------------------------------------

fn lower_alnum(c: u8) -> bool {
    c.is_ascii_lowercase() || c.is_ascii_digit()
}

/// RFC 1123 label (1-63 chars).
pub(crate) fn dns_label(s: &str) -> Option<&'static str> {
    crate::primitives::checks::dns_label(s)
}

/// RFC 1035 label: an RFC 1123 label that starts with a letter (Service names).
pub(crate) fn dns1035_label(s: &str) -> Option<&'static str> {
    dns_label(s).or_else(|| {
        (!s.as_bytes()[0].is_ascii_lowercase())
            .then_some("a Service name must start with a lowercase letter (RFC 1035 label)")
    })
}

/// RFC 1123 subdomain (object names).
pub(crate) fn dns_subdomain(s: &str) -> Option<&'static str> {
    let b = s.as_bytes();
    if b.is_empty() {
        return Some("a name must not be empty");
    }
    if b.len() > 253 {
        return Some("a name must be at most 253 characters (RFC 1123 subdomain)");
    }
    for part in s.split('.') {
        let p = part.as_bytes();
        if p.is_empty() || !lower_alnum(p[0]) || !lower_alnum(p[p.len() - 1]) {
            return Some("each dot-separated part of a name must start and end with a lowercase letter or digit (RFC 1123 subdomain)");
        }
        if !p.iter().all(|c| lower_alnum(*c) || *c == b'-') {
            return Some("a name may contain only lowercase letters, digits, '-' and '.' (RFC 1123 subdomain)");
        }
    }
    None
}

/// Qualified name: `[prefix/]name` where prefix is a DNS subdomain and name is at most
/// 63 chars of `[A-Za-z0-9._-]`, starting and ending alphanumeric.
pub(crate) fn qualified_name(s: &str) -> Option<String> {
    let (prefix, name) = match s.rsplit_once('/') {
        Some((p, n)) => (Some(p), n),
        None => (None, s),
    };
    if let Some(p) = prefix {
        if let Some(e) = dns_subdomain(p) {
            return Some(format!("prefix `{p}`: {e}"));
        }
    }
    let b = name.as_bytes();
    if b.is_empty() || b.len() > 63 {
        return Some("the name part must be 1-63 characters".into());
    }
    if !b[0].is_ascii_alphanumeric() || !b[b.len() - 1].is_ascii_alphanumeric() {
        return Some("the name part must start and end with a letter or digit".into());
    }
    if !b
        .iter()
        .all(|c| c.is_ascii_alphanumeric() || matches!(c, b'-' | b'_' | b'.'))
    {
        return Some("the name part may contain only letters, digits, '-', '_' and '.'".into());
    }
    None
}

/// Label value (empty allowed).
pub(crate) fn label_value(s: &str) -> Option<&'static str> {
    crate::primitives::checks::label_value(s)
}

/// IANA service name (container port names).
pub(crate) fn iana_port_name(s: &str) -> Option<&'static str> {
    crate::primitives::checks::port_name(s)
}

/// Parses a Kubernetes quantity into its value in base units.
pub(crate) fn quantity(s: &str) -> Option<f64> {
    let s = s.trim();
    let (sign, rest) = match s.as_bytes().first()? {
        b'+' => (1.0, &s[1..]),
        b'-' => (-1.0, &s[1..]),
        _ => (1.0, s),
    };
    let num_end = rest
        .find(|c: char| !(c.is_ascii_digit() || c == '.'))
        .unwrap_or(rest.len());
    let (num, suffix) = rest.split_at(num_end);
    if num.is_empty() || num == "." || num.matches('.').count() > 1 {
        return None;
    }
    let value: f64 = num.parse().ok()?;
    let mult = match suffix {
        "" => 1.0,
        "Ki" => 1024f64,
        "Mi" => 1024f64.powi(2),
        "Gi" => 1024f64.powi(3),
        "Ti" => 1024f64.powi(4),
        "Pi" => 1024f64.powi(5),
        "Ei" => 1024f64.powi(6),
        "m" => 1e-3,
        "k" => 1e3,
        "M" => 1e6,
        "G" => 1e9,
        "T" => 1e12,
        "P" => 1e15,
        "E" => 1e18,
        e if e.starts_with(['e', 'E']) => {
            let exp: i32 = e[1..].parse().ok()?;
            if !(-30..=30).contains(&exp) {
                return None;
            }
            10f64.powi(exp)
        }
        _ => return None,
    };
    Some(sign * value * mult)
}

/// Whether an image reference has a usable tag or digest (`None` when it does, and
/// when it is malformed: the `invalid-value` rule reports that).
pub(crate) fn image_problem(image: &str) -> Option<&'static str> {
    let parsed = crate::primitives::image::parse_reference(image).ok()?;
    if parsed.digest_at.is_some() {
        return None;
    }
    let tag = image[parsed.name_end..].strip_prefix(':');
    match tag {
        None => Some("has no tag, so it means `latest`"),
        Some("latest") => Some("uses the mutable `latest` tag"),
        Some(_) => None,
    }
}
