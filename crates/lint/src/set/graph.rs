//! Building the set: items indexed once, workloads and their pods, grants and bindings,
//! and the lookups the rules share.

use std::borrow::Cow;
use std::collections::{BTreeMap, HashMap};

use k8s_openapi::apimachinery::pkg::apis::meta::v1::LabelSelector;

use crate::index::{Index, LabelIndex};
use crate::object::Object;
use crate::Context;

use super::*;

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
                            || crate::source::expected_api_version(&d.kind)
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
                if d.value().get("aggregationRule").is_some() {
                    // Aggregated: its rules are filled in by the cluster.
                    vec![(vec!["*".into()], vec!["*".into()], vec!["*".into()], vec![])]
                } else {
                    raw_rules(d.value())
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
            let subjects = d.value().get("subjects").and_then(|s| s.as_array());
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
                    .value()
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
                    .and_then(|d| raw_template(&d.kind, d.value()))
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
