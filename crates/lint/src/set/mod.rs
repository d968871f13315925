//! The object set one validation run looks at, with the indexes rules share.
//!
//! Rooms: [`graph`] (building the set and the lookups rules share), `templates` (pod
//! templates of workloads read raw), `builtin` (what a cluster has without the set:
//! system namespaces, built-in roles, objects controllers create), `rbac` (grants as
//! plain rules), `formats` (names, labels, ports, quantities as the API server checks them).

mod builtin;
mod formats;
pub(crate) mod graph;
mod rbac;
mod templates;

use std::borrow::Cow;
use std::collections::{BTreeMap, BTreeSet, HashMap};

use k8s_openapi::api::core::v1::{Container, PodSpec, PodTemplateSpec};
use k8s_openapi::apimachinery::pkg::apis::meta::v1::LabelSelector;

use crate::index::{Index, LabelIndex};
use crate::object::{Object, Origin};
use crate::source::Document;
use crate::Context;

pub(crate) use builtin::*;
pub(crate) use formats::*;
pub(crate) use rbac::*;
pub(crate) use templates::*;

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
    /// Labels the controller adds to every pod it creates (not in the template), with
    /// the values they can take: `None` when any value is possible (a hash, a uid).
    pub supplied: Vec<(&'static str, Option<Vec<String>>)>,
}

/// A pod label as selectors see it.
enum PodLabel<'l> {
    /// Not set.
    Absent,
    /// One known value (from the template).
    One(&'l str),
    /// Set by the controller to one of these values (one per pod).
    Some(&'l [String]),
    /// Set by the controller to a value not known in advance.
    Any,
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

    fn label(&self, key: &str) -> PodLabel<'_> {
        if let Some(v) = self.labels.get(key) {
            return PodLabel::One(v);
        }
        match self.supplied.iter().find(|(k, _)| *k == key) {
            Some((_, Some(values))) => PodLabel::Some(values),
            Some((_, None)) => PodLabel::Any,
            None => PodLabel::Absent,
        }
    }

    /// Whether a Service-style selector map can match some pod of the workload, counting
    /// the labels its controller adds ([`Workload::supplied`]).
    pub fn matches_map(&self, selector: &BTreeMap<String, String>) -> bool {
        selector.iter().all(|(k, v)| match self.label(k) {
            PodLabel::Absent => false,
            PodLabel::One(x) => x == v,
            PodLabel::Some(values) => values.contains(v),
            PodLabel::Any => true,
        })
    }

    /// Whether a label selector can match some pod of the workload (see
    /// [`Workload::matches_map`]).
    pub fn matches(&self, sel: &LabelSelector) -> bool {
        if let Some(ml) = &sel.match_labels {
            if !self.matches_map(ml) {
                return false;
            }
        }
        sel.match_expressions.iter().flatten().all(|e| {
            let values = e.values.as_deref().unwrap_or_default();
            let label = self.label(&e.key);
            match e.operator.as_str() {
                "In" => match label {
                    PodLabel::Absent => false,
                    PodLabel::One(x) => values.iter().any(|v| v == x),
                    PodLabel::Some(xs) => xs.iter().any(|x| values.contains(x)),
                    PodLabel::Any => true,
                },
                "NotIn" => match label {
                    PodLabel::Absent | PodLabel::Any => true,
                    PodLabel::One(x) => !values.iter().any(|v| v == x),
                    PodLabel::Some(xs) => xs.iter().any(|x| !values.contains(x)),
                },
                "Exists" => !matches!(label, PodLabel::Absent),
                "DoesNotExist" => matches!(label, PodLabel::Absent),
                _ => false,
            }
        })
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
    /// A lower severity than the rule's, for rules whose severity depends on the set
    /// (a Pod Security check in a namespace that does not enforce it).
    pub severity: Option<super::finding::Severity>,
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
            severity: None,
        });
    }

    /// Lowers the last hit to a warning.
    pub fn as_warning(&mut self) {
        if let Some(h) = self.hits.last_mut() {
            h.severity = Some(super::finding::Severity::Warning);
        }
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
    /// Lookups by kind, namespace and name.
    pub index: Index<'a>,
    /// [`Set::workloads`] by namespace.
    workload_index: LabelIndex<'a>,
    /// What the RBAC bindings in the set grant.
    grants: Vec<Grant>,
    /// RoleBindings and ClusterRoleBindings by the names of their ServiceAccount subjects.
    pub subjects: HashMap<&'a str, Vec<usize>>,
    /// [`Set::grants`] by the namespace they apply to (`None`: every namespace).
    grants_by_ns: HashMap<Option<String>, Vec<usize>>,
    /// Namespaces holding custom resources whose operators may create objects there.
    operated: BTreeMap<&'a str, &'a str>,
}

/// Iterates the typed objects of one kind as `(index, &T)`, in set order.
macro_rules! each {
    ($set:expr, $variant:ident) => {
        $set.index
            .of_kind(stringify!($variant))
            .iter()
            .filter_map(|&i| match $set.items[i].object {
                Some($crate::object::Object::$variant(x)) => Some((i, &**x)),
                _ => None,
            })
    };
}
pub(crate) use each;

/// Like [`each!`], restricted to candidates named `$name` whose namespace matches `$ns`
/// (see [`Index::named`]): callers still check the name and namespace they need.
macro_rules! each_named {
    ($set:expr, $variant:ident, $ns:expr, $name:expr) => {
        $set.index
            .named(stringify!($variant), $ns, $name)
            .iter()
            .filter_map(|&i| match $set.items[i].object {
                Some($crate::object::Object::$variant(x)) => Some((i, &**x)),
                _ => None,
            })
            .collect::<Vec<_>>()
            .into_iter()
    };
}
pub(crate) use each_named;

/// Like [`each!`], restricted to candidates whose namespace matches `$ns` (see
/// [`Index::in_ns`]).
macro_rules! each_in_ns {
    ($set:expr, $variant:ident, $ns:expr) => {
        $set.index
            .in_ns(stringify!($variant), $ns)
            .iter()
            .filter_map(|&i| match $set.items[i].object {
                Some($crate::object::Object::$variant(x)) => Some((i, &**x)),
                _ => None,
            })
            .collect::<Vec<_>>()
            .into_iter()
    };
}
pub(crate) use each_in_ns;

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
