//! `label-format`, `invalid-value`: label keys and values, label selectors.

use std::collections::BTreeMap;

use k8s_openapi::apimachinery::pkg::apis::meta::v1::{LabelSelector, ObjectMeta};

use crate::object::Object;
use crate::set::{label_value, qualified_name, Set, Sink};
use crate::source::join_key;

fn check_labels(
    idx: usize,
    field: &str,
    labels: &BTreeMap<String, String>,
    what: &str,
    sink: &mut Sink,
) {
    for (k, v) in labels {
        if let Some(p) = qualified_name(k) {
            sink.add(
                idx,
                "label-format",
                join_key(field, k),
                format!("{what} key `{k}`: {p}"),
                "use `[prefix/]name` with a DNS-subdomain prefix and a name of at most 63 characters",
            );
        }
        if let Some(p) = label_value(v) {
            sink.add(
                idx,
                "label-format",
                join_key(field, k),
                format!("{what} `{k}` value `{v}`: {p}"),
                "use at most 63 characters of letters, digits, '-', '_' and '.', starting and ending alphanumeric",
            );
        }
    }
}

fn check_selector(idx: usize, field: &str, sel: &LabelSelector, sink: &mut Sink) {
    if let Some(ml) = &sel.match_labels {
        check_labels(idx, &format!("{field}.matchLabels"), ml, "selector", sink);
    }
    for (j, e) in sel.match_expressions.iter().flatten().enumerate() {
        let f = format!("{field}.matchExpressions[{j}]");
        if !matches!(
            e.operator.as_str(),
            "In" | "NotIn" | "Exists" | "DoesNotExist"
        ) {
            sink.add(
                idx,
                "invalid-value",
                format!("{f}.operator"),
                format!("unknown selector operator `{}`", e.operator),
                "use In, NotIn, Exists or DoesNotExist",
            );
        }
        let values = e.values.as_deref().unwrap_or_default();
        let needs_values = matches!(e.operator.as_str(), "In" | "NotIn");
        if needs_values == values.is_empty() {
            sink.add(
                idx,
                "invalid-value",
                format!("{f}.values"),
                format!(
                    "operator `{}` {} values",
                    e.operator,
                    if needs_values { "needs" } else { "takes no" }
                ),
                "give values only with In and NotIn",
            );
        }
    }
}

fn check_meta(idx: usize, prefix: &str, meta: &ObjectMeta, sink: &mut Sink) {
    if let Some(l) = &meta.labels {
        check_labels(idx, &format!("{prefix}labels"), l, "label", sink);
    }
    for k in meta.annotations.iter().flat_map(|a| a.keys()) {
        if let Some(p) = qualified_name(k) {
            sink.add(idx, "label-format", join_key(&format!("{prefix}annotations"), k), format!("annotation key `{k}`: {p}"), "use `[prefix/]name` with a DNS-subdomain prefix and a name of at most 63 characters");
        }
    }
}

pub(super) fn labels(set: &Set<'_>, sink: &mut Sink) {
    for (i, item) in set.items.iter().enumerate() {
        let Some(object) = item.object else { continue };
        check_meta(i, "metadata.", object.metadata(), sink);
        match object {
            Object::Deployment(d) => {
                if let Some(s) = &d.spec {
                    check_selector(i, "spec.selector", &s.selector, sink);
                    if let Some(m) = &s.template.metadata {
                        check_meta(i, "spec.template.metadata.", m, sink);
                    }
                }
            }
            Object::StatefulSet(d) => {
                if let Some(s) = &d.spec {
                    check_selector(i, "spec.selector", &s.selector, sink);
                    if let Some(m) = &s.template.metadata {
                        check_meta(i, "spec.template.metadata.", m, sink);
                    }
                }
            }
            Object::Job(j) => {
                if let Some(m) = j.spec.as_ref().and_then(|s| s.template.metadata.as_ref()) {
                    check_meta(i, "spec.template.metadata.", m, sink);
                }
            }
            Object::CronJob(c) => {
                let job = c.spec.as_ref().map(|s| &s.job_template);
                if let Some(m) = job.and_then(|j| j.metadata.as_ref()) {
                    check_meta(i, "spec.jobTemplate.metadata.", m, sink);
                }
                let template = job.and_then(|j| j.spec.as_ref()).map(|s| &s.template);
                if let Some(m) = template.and_then(|t| t.metadata.as_ref()) {
                    check_meta(i, "spec.jobTemplate.spec.template.metadata.", m, sink);
                }
            }
            Object::Service(s) => {
                if let Some(sel) = s.spec.as_ref().and_then(|s| s.selector.as_ref()) {
                    check_labels(i, "spec.selector", sel, "selector", sink);
                }
            }
            Object::PodDisruptionBudget(p) => {
                if let Some(sel) = p.spec.as_ref().and_then(|s| s.selector.as_ref()) {
                    check_selector(i, "spec.selector", sel, sink);
                }
            }
            Object::NetworkPolicy(n) => {
                let Some(spec) = &n.spec else { continue };
                if let Some(sel) = &spec.pod_selector {
                    check_selector(i, "spec.podSelector", sel, sink);
                }
                let peers = crate::rules::policy_peers(spec);
                for (f, peer) in peers {
                    if let Some(s) = &peer.pod_selector {
                        check_selector(i, &format!("{f}.podSelector"), s, sink);
                    }
                    if let Some(s) = &peer.namespace_selector {
                        check_selector(i, &format!("{f}.namespaceSelector"), s, sink);
                    }
                }
            }
            Object::ServiceMonitor(m) => check_selector(i, "spec.selector", &m.spec.selector, sink),
            _ => {}
        }
    }
}
