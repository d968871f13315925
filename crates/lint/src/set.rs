//! The object set one validation run looks at, with the indexes rules share.

use std::borrow::Cow;
use std::collections::{BTreeMap, BTreeSet, HashMap};

use k8s_openapi::api::core::v1::{Container, PodSpec, PodTemplateSpec};
use k8s_openapi::apimachinery::pkg::apis::meta::v1::LabelSelector;

use crate::index::{Index, LabelIndex};
use crate::object::{Object, Origin};
use crate::source::Document;
use crate::Context;

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
                Some($crate::object::Object::$variant(x)) => Some((i, x)),
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
                Some($crate::object::Object::$variant(x)) => Some((i, x)),
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
                Some($crate::object::Object::$variant(x)) => Some((i, x)),
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

/// Labels the controller of a workload kind adds to the pods it creates: Deployments
/// `pod-template-hash`; StatefulSets `controller-revision-hash`,
/// `statefulset.kubernetes.io/pod-name` and `apps.kubernetes.io/pod-index`; DaemonSets
/// `controller-revision-hash` and `pod-template-generation`; Jobs (and the Jobs of a
/// CronJob) `job-name`, `controller-uid` and their `batch.kubernetes.io/` forms.
fn supplied_labels(
    kind: &str,
    name: &str,
    max: i32,
    scaled: bool,
) -> Vec<(&'static str, Option<Vec<String>>)> {
    let ordinals = |f: &dyn Fn(i32) -> String| -> Option<Vec<String>> {
        (!scaled && (1..=1000).contains(&max)).then(|| (0..max).map(f).collect())
    };
    match kind {
        "Deployment" => vec![("pod-template-hash", None)],
        "StatefulSet" => vec![
            ("controller-revision-hash", None),
            (
                "statefulset.kubernetes.io/pod-name",
                ordinals(&|i| format!("{name}-{i}")),
            ),
            ("apps.kubernetes.io/pod-index", ordinals(&|i| i.to_string())),
        ],
        "DaemonSet" => vec![
            ("controller-revision-hash", None),
            ("pod-template-generation", None),
        ],
        "Job" | "CronJob" => {
            let job = (kind == "Job").then(|| vec![name.to_owned()]);
            vec![
                ("job-name", job.clone()),
                ("batch.kubernetes.io/job-name", job),
                ("controller-uid", None),
                ("batch.kubernetes.io/controller-uid", None),
                ("batch.kubernetes.io/job-completion-index", None),
            ]
        }
        _ => Vec::new(),
    }
}

/// Namespaces every cluster has, holding objects the cluster itself supplies: a set never
/// owns them.
pub(crate) const SYSTEM_NAMESPACES: &[&str] =
    &["default", "kube-system", "kube-public", "kube-node-lease"];

/// ClusterRoles every cluster has: the `system:` ones and the user-facing
/// `cluster-admin`, `admin`, `edit` and `view`.
pub(crate) fn builtin_cluster_role(name: &str) -> bool {
    name.starts_with("system:") || matches!(name, "cluster-admin" | "admin" | "edit" | "view")
}

/// Roles every cluster has in `kube-system` and `kube-public` (`system:*`,
/// `extension-apiserver-authentication-reader`).
pub(crate) fn builtin_role(ns: Option<&str>, name: &str) -> bool {
    matches!(ns, Some("kube-system" | "kube-public"))
        && (name.starts_with("system:") || name == "extension-apiserver-authentication-reader")
}

/// Built-in ClusterRoles (and the built-in Role) known to grant no `create`.
fn builtin_read_only(name: &str) -> bool {
    matches!(
        name,
        "view"
            | "system:aggregate-to-view"
            | "system:auth-delegator"
            | "system:discovery"
            | "system:basic-user"
            | "system:public-info-viewer"
            | "system:monitoring"
            | "extension-apiserver-authentication-reader"
    )
}

/// ConfigMaps every namespace has, with their keys.
pub(crate) fn builtin_config_map(name: &str) -> Option<&'static [&'static str]> {
    (name == "kube-root-ca.crt").then_some(&["ca.crt"][..])
}

/// API groups of Kubernetes itself, and custom resources known to create nothing but what
/// the validator already resolves (ExternalSecrets and SealedSecrets make the Secret they
/// name; Prometheus Operator monitors and rules make no objects).
fn creates_nothing_unresolved(api_version: &str, kind: &str) -> bool {
    let group = match api_version.split_once('/') {
        Some((g, _)) => g,
        None => "",
    };
    group.is_empty()
        || !group.contains('.')
        || group.ends_with(".k8s.io")
        || matches!(
            (group, kind),
            ("external-secrets.io", "ExternalSecret")
                | ("bitnami.com", "SealedSecret")
                | ("monitoring.coreos.com", "ServiceMonitor")
                | ("monitoring.coreos.com", "PodMonitor")
                | ("monitoring.coreos.com", "PrometheusRule")
                | ("monitoring.coreos.com", "Probe")
        )
}

/// The `(apiGroup, resource)` pairs whose `create` makes objects of `kind` appear
/// (`Pod`: every workload controller's resource).
fn created_through(kind: &str) -> &'static [(&'static str, &'static str)] {
    match kind {
        "Pod" => &[
            ("", "pods"),
            ("", "replicationcontrollers"),
            ("apps", "deployments"),
            ("apps", "replicasets"),
            ("apps", "statefulsets"),
            ("apps", "daemonsets"),
            ("batch", "jobs"),
            ("batch", "cronjobs"),
        ],
        "Secret" => &[("", "secrets")],
        "ConfigMap" => &[("", "configmaps")],
        "Service" => &[("", "services")],
        "ServiceAccount" => &[("", "serviceaccounts")],
        "PersistentVolumeClaim" => &[("", "persistentvolumeclaims"), ("apps", "statefulsets")],
        "Role" => &[("rbac.authorization.k8s.io", "roles")],
        "Deployment" => &[("apps", "deployments")],
        "StatefulSet" => &[("apps", "statefulsets")],
        "ReplicaSet" => &[("apps", "replicasets"), ("apps", "deployments")],
        _ => &[],
    }
}

/// The kinds in the set that stand for objects of `kind` (a Secret is also what an
/// ExternalSecret or SealedSecret makes; pods are what workloads make).
fn standing_for(kind: &str) -> Vec<&str> {
    match kind {
        "Pod" => WORKLOAD_KINDS.to_vec(),
        "Secret" => vec!["Secret", "ExternalSecret", "SealedSecret"],
        k => vec![k],
    }
}

/// One RBAC rule as `(apiGroups, resources, verbs, resourceNames)`.
pub(crate) type RbacRule = (Vec<String>, Vec<String>, Vec<String>, Vec<String>);

/// What a binding in the set grants, for deciding whether something may create objects.
struct Grant {
    /// The namespace it applies to; `None` for every namespace (a ClusterRoleBinding).
    ns: Option<String>,
    /// The role is not in the set (and not known read-only): it may grant anything.
    unknown: bool,
    rules: Vec<RbacRule>,
}

fn strings(v: Option<&serde_json::Value>) -> Vec<String> {
    v.and_then(|v| v.as_array())
        .into_iter()
        .flatten()
        .filter_map(|s| s.as_str().map(str::to_owned))
        .collect()
}

/// The rules of a raw Role or ClusterRole document.
pub(crate) fn raw_rules(value: &serde_json::Value) -> Vec<RbacRule> {
    value
        .get("rules")
        .and_then(|r| r.as_array())
        .into_iter()
        .flatten()
        .map(|r| {
            (
                strings(r.get("apiGroups")),
                strings(r.get("resources")),
                strings(r.get("verbs")),
                strings(r.get("resourceNames")),
            )
        })
        .collect()
}

impl<'a> Set<'a> {
    pub fn new(items: Vec<Item<'a>>, ctx: &'a Context) -> Self {
        // Kinds with an object that could not be read: a parse error, or an apiVersion
        // kairn does not read. (Untyped kinds read raw, such as DaemonSet, are readable;
        // a raw workload whose template does not parse is added below.)
        let unreadable = items
            .iter()
            .filter(|i| {
                i.object.is_none()
                    && i.doc.is_some_and(|d| {
                        d.error.is_some()
                            || super::source::expected_api_version(&d.kind)
                                .is_some_and(|v| v != d.api_version)
                    })
            })
            .map(|i| i.kind)
            .collect();
        let operated = items
            .iter()
            .filter_map(|i| {
                let d = i.doc?;
                let ns = i.namespace?;
                (i.object.is_none() && !creates_nothing_unresolved(&d.api_version, &d.kind))
                    .then_some((ns, i.kind))
            })
            .collect();
        let index = Index::new(&items);
        let mut set = Set {
            items,
            ctx,
            workloads: Vec::new(),
            unreadable,
            index,
            workload_index: LabelIndex::default(),
            grants: Vec::new(),
            grants_by_ns: HashMap::new(),
            subjects: HashMap::new(),
            operated,
        };
        set.subjects = set.collect_subjects();
        set.grants = set.collect_grants();
        for (g, grant) in set.grants.iter().enumerate() {
            set.grants_by_ns
                .entry(grant.ns.clone())
                .or_default()
                .push(g);
        }
        set.workloads = set.collect_workloads();
        let mut workload_index = LabelIndex::default();
        for (p, w) in set.workloads.iter().enumerate() {
            workload_index.push(w.ns, &w.labels, p);
        }
        set.workload_index = workload_index;
        set
    }

    /// The rules of Role `name` in `ns` (`None` namespace: a ClusterRole), if in the set.
    pub fn role_rules(&self, kind: &str, name: &str, ns: Option<&str>) -> Option<Vec<RbacRule>> {
        if kind == "Role" {
            if let Some((_, r)) = each_named!(self, Role, ns, name).find(|(i, r)| {
                r.metadata.name.as_deref() == Some(name) && same_ns(self.items[*i].namespace, ns)
            }) {
                return Some(
                    r.rules
                        .iter()
                        .flatten()
                        .map(|r| {
                            (
                                r.api_groups.clone().unwrap_or_default(),
                                r.resources.clone().unwrap_or_default(),
                                r.verbs.clone(),
                                r.resource_names.clone().unwrap_or_default(),
                            )
                        })
                        .collect(),
                );
            }
        }
        let scope = if kind == "ClusterRole" { None } else { ns };
        self.index
            .named(kind, scope, name)
            .iter()
            .filter_map(|&i| self.items[i].doc)
            .find(|d| {
                d.kind == kind
                    && d.name == name
                    && (kind == "ClusterRole" || same_ns(d.namespace.as_deref(), ns))
            })
            .map(|d| {
                if d.value.get("aggregationRule").is_some() {
                    // Aggregated: its rules are filled in by the cluster.
                    vec![(vec!["*".into()], vec!["*".into()], vec!["*".into()], vec![])]
                } else {
                    raw_rules(&d.value)
                }
            })
    }

    fn collect_subjects(&self) -> HashMap<&'a str, Vec<usize>> {
        let mut out: HashMap<&'a str, Vec<usize>> = HashMap::new();
        for (i, b) in each!(self, RoleBinding) {
            for s in b.subjects.iter().flatten() {
                out.entry(s.name.as_str()).or_default().push(i);
            }
        }
        for &i in self.index.of_kind("ClusterRoleBinding") {
            let Some(d) = self.items[i].doc else { continue };
            let subjects = d.value.get("subjects").and_then(|s| s.as_array());
            for s in subjects.into_iter().flatten() {
                if let Some(name) = s.get("name").and_then(|k| k.as_str()) {
                    out.entry(name).or_default().push(i);
                }
            }
        }
        out
    }

    fn collect_grants(&self) -> Vec<Grant> {
        let mut out = Vec::new();
        let mut add = |ns: Option<&str>, kind: &str, name: &str| {
            let rules = self.role_rules(kind, name, ns);
            // A ClusterRole outside the set (`admin`, `edit`, another install's) may grant
            // anything; a missing Role grants nothing (`rbac-role-missing` reports it).
            let unknown = rules.is_none() && kind == "ClusterRole" && !builtin_read_only(name);
            out.push(Grant {
                ns: ns.map(str::to_owned),
                unknown,
                rules: rules.unwrap_or_default(),
            });
        };
        for (i, b) in each!(self, RoleBinding) {
            add(self.items[i].namespace, &b.role_ref.kind, &b.role_ref.name);
        }
        for d in self.items.iter().filter_map(|i| i.doc) {
            if d.kind == "ClusterRoleBinding" && d.object.is_none() {
                let name = d
                    .value
                    .pointer("/roleRef/name")
                    .and_then(|v| v.as_str())
                    .unwrap_or_default();
                add(None, "ClusterRole", name);
            }
        }
        out
    }

    /// Whether a binding in the set lets someone create objects of `kind` in `ns`
    /// (directly, or through a workload resource for pods).
    fn creatable(&self, kind: &str, ns: &str) -> bool {
        let through = created_through(kind);
        let grants = |key: Option<String>| self.grants_by_ns.get(&key).into_iter().flatten();
        grants(None)
            .chain(grants(Some(ns.to_owned())))
            .map(|&g| &self.grants[g])
            .any(|g| {
                g.unknown
                    || g.rules.iter().any(|(groups, resources, verbs, _)| {
                        verbs.iter().any(|v| v == "create" || v == "*")
                            && through.iter().any(|(group, resource)| {
                                groups.iter().any(|g| g == group || g == "*")
                                    && resources.iter().any(|r| r == resource || r == "*")
                            })
                    })
            })
    }

    /// Why the set does not own the scope of a reference to `kind` in namespace `ns`,
    /// or `None` when it does. The set owns it when it is a declared app, or when all
    /// of these hold:
    ///
    /// 1. the reference has a namespace, and it is not one every cluster has
    ///    ([`SYSTEM_NAMESPACES`]);
    /// 2. the set contains that `Namespace`, so the namespace comes into being with the
    ///    set and holds only what the set and what runs in it put there;
    /// 3. no custom resource in the namespace (whose operator may create objects there);
    /// 4. no RBAC binding in the set lets anyone create objects of the kind there (a Job or
    ///    controller that makes a Secret at run time), counting a bound role that is not in
    ///    the set as able to;
    /// 5. the set has at least one object of the kind (for pods: of a workload kind), and
    ///    every one of them could be read.
    pub fn not_owned(&self, kind: &str, ns: Option<&str>) -> Option<String> {
        if self.ctx.complete {
            return None;
        }
        let Some(ns) = ns else {
            return Some("the objects name no namespace, so the set does not show what is in the one they land in".to_owned());
        };
        if SYSTEM_NAMESPACES.contains(&ns) {
            return Some(format!(
                "`{ns}` is a namespace every cluster has, holding objects the set does not show"
            ));
        }
        if self.namespace_labels(ns).is_none() {
            return Some(format!(
                "the set does not create namespace `{ns}`, so it may hold objects the set does not show"
            ));
        }
        if let Some(cr) = self.operated.get(ns) {
            return Some(format!(
                "namespace `{ns}` holds custom resources ({cr}) whose operator may create objects there"
            ));
        }
        let what = if kind == "Pod" { "pods" } else { kind };
        if self.creatable(kind, ns) {
            return Some(format!(
                "RBAC in the set lets a workload create {what} in `{ns}` at run time"
            ));
        }
        let kinds = standing_for(kind);
        if !self.has_kind(&kinds) {
            return Some(format!(
                "the set has no {what} at all, so it is a partial set"
            ));
        }
        if kinds.iter().any(|k| self.unreadable.contains(k)) {
            return Some(format!(
                "some {} in the set could not be read",
                kinds.join("/")
            ));
        }
        None
    }

    /// `rule` when the set owns the scope of the reference (see [`Set::not_owned`]);
    /// otherwise `reference-unresolved` (a warning), with the reason to add to the message.
    pub fn unresolved(
        &self,
        rule: &'static str,
        kind: &str,
        ns: Option<&str>,
    ) -> (&'static str, String) {
        match self.not_owned(kind, ns) {
            None => (rule, String::new()),
            Some(why) => (
                "reference-unresolved",
                format!(" (unresolved, not an error: {why})"),
            ),
        }
    }

    fn collect_workloads(&mut self) -> Vec<Workload<'a>> {
        // Autoscalers by the kind and name of their target, in set order.
        let mut autoscalers: HashMap<(&str, &str), Vec<usize>> = HashMap::new();
        for (i, h) in each!(self, HorizontalPodAutoscaler) {
            if let Some(s) = &h.spec {
                let r = &s.scale_target_ref;
                autoscalers
                    .entry((r.kind.as_str(), r.name.as_str()))
                    .or_default()
                    .push(i);
            }
        }
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
            let hpa = autoscalers
                .get(&(kind, item.name))
                .into_iter()
                .flatten()
                .filter_map(|&i| match self.items[i].object {
                    Some(Object::HorizontalPodAutoscaler(h)) => Some((i, h)),
                    _ => None,
                })
                .find(|(i, h)| {
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
                supplied: supplied_labels(kind, item.name, max, hpa.is_some()),
            });
        }
        self.unreadable.extend(unreadable);
        out
    }

    /// Whether the set has any object of these kinds (typed or raw).
    pub fn has_kind(&self, kinds: &[&str]) -> bool {
        kinds.iter().any(|k| {
            self.index
                .of_kind(k)
                .iter()
                .any(|&i| self.items[i].kind == *k)
        })
    }

    /// The workload of item `idx`, if it runs pods.
    pub fn workload_at(&self, idx: usize) -> Option<&Workload<'a>> {
        // Workloads are collected in item order, one per item at most.
        let p = self.workloads.partition_point(|w| w.idx < idx);
        self.workloads.get(p).filter(|w| w.idx == idx)
    }

    /// Workloads that may match a selector whose required labels include `first`, in set
    /// order (all of the namespace without one; see [`LabelIndex::with_label`]).
    fn candidates(
        &self,
        ns: Option<&str>,
        first: Option<(&String, &String)>,
    ) -> impl Iterator<Item = &Workload<'a>> + '_ {
        let positions = match first {
            Some((k, v)) => self.workload_index.with_label(ns, k, v),
            None => self.workload_index.in_ns(ns),
        };
        positions
            .iter()
            .map(|&p| &self.workloads[p])
            .collect::<Vec<_>>()
            .into_iter()
    }

    /// Workloads whose namespace matches `ns` (see [`same_ns`]), in set order.
    pub fn workloads_in(&self, ns: Option<&str>) -> impl Iterator<Item = &Workload<'a>> + '_ {
        self.workload_index
            .in_ns(ns)
            .iter()
            .map(|&p| &self.workloads[p])
            .collect::<Vec<_>>()
            .into_iter()
    }

    /// Workloads whose pod labels a Service-style selector map matches.
    pub fn selected_by_map(
        &self,
        selector: &BTreeMap<String, String>,
        ns: Option<&str>,
    ) -> Vec<&Workload<'a>> {
        self.candidates(ns, selector.iter().next())
            .filter(|w| same_ns(w.ns, ns) && w.matches_map(selector))
            .collect()
    }

    /// Workloads a label selector matches.
    pub fn selected_by(&self, selector: &LabelSelector, ns: Option<&str>) -> Vec<&Workload<'a>> {
        let first = selector.match_labels.as_ref().and_then(|m| m.iter().next());
        self.candidates(ns, first)
            .filter(|w| same_ns(w.ns, ns) && w.matches(selector))
            .collect()
    }

    /// Whether any namespaced object in the set states its namespace.
    pub fn namespaces_stated(&self) -> bool {
        self.items.iter().any(|i| i.namespace.is_some())
    }

    /// Labels of the Namespace object `name`, if it is in the set.
    pub fn namespace_labels(&self, name: &str) -> Option<&'a BTreeMap<String, String>> {
        each_named!(self, Namespace, None, name)
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
    crate::checks::dns_label(s)
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
    crate::checks::label_value(s)
}

/// IANA service name (container port names).
pub(crate) fn iana_port_name(s: &str) -> Option<&'static str> {
    crate::checks::port_name(s)
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
    let parsed = crate::image::parse_reference(image).ok()?;
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
