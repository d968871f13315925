//! Lookup tables over the items of a [`Set`](super::set::Set), so that resolving a
//! reference (a RoleBinding's ServiceAccount, a Service's pods, a workload's Secret) costs
//! the size of the matching bucket instead of a scan of the whole set: `lint` stays linear
//! in the number of objects.
//!
//! Every lookup returns *candidates*: item indexes in set order (ascending), a superset of
//! the items the caller's own predicate accepts. Callers keep their predicate, so a lookup
//! through the index finds exactly what a scan of the whole set found, first match first.
//! Namespaces follow [`same_ns`](super::set::same_ns): an item without a namespace is a
//! candidate for every namespace, and a lookup without a namespace sees every item.

use std::borrow::Cow;
use std::collections::HashMap;

use crate::set::Item;

/// Item (or workload) positions, all and by namespace.
#[derive(Default)]
pub(crate) struct Scoped<'a> {
    all: Vec<usize>,
    by_ns: HashMap<&'a str, Vec<usize>>,
    no_ns: Vec<usize>,
}

impl<'a> Scoped<'a> {
    /// Adds position `i` (ascending, each at most once).
    pub fn push(&mut self, ns: Option<&'a str>, i: usize) {
        if self.all.last() == Some(&i) {
            return;
        }
        self.all.push(i);
        match ns {
            Some(ns) => self.by_ns.entry(ns).or_default().push(i),
            None => self.no_ns.push(i),
        }
    }

    /// Every position.
    pub fn all(&self) -> &[usize] {
        &self.all
    }

    /// Positions whose namespace matches `ns` (see [`same_ns`](super::set::same_ns)).
    pub fn in_ns(&self, ns: Option<&str>) -> Cow<'_, [usize]> {
        match ns {
            None => Cow::Borrowed(&self.all),
            Some(ns) => merge(self.by_ns.get(ns).map_or(NONE, Vec::as_slice), &self.no_ns),
        }
    }
}

/// The items of one kind, also by name.
#[derive(Default)]
struct Kind<'a> {
    items: Scoped<'a>,
    by_name: HashMap<&'a str, Scoped<'a>>,
}

/// Item indexes by kind, by (kind, namespace) and by (kind, namespace, name).
#[derive(Default)]
pub(crate) struct Index<'a> {
    kinds: HashMap<&'a str, Kind<'a>>,
}

const NONE: &[usize] = &[];

/// Two ascending position lists as one ascending list.
fn merge<'s>(a: &'s [usize], b: &'s [usize]) -> Cow<'s, [usize]> {
    match (a.is_empty(), b.is_empty()) {
        (_, true) => Cow::Borrowed(a),
        (true, false) => Cow::Borrowed(b),
        _ => {
            let mut out = Vec::with_capacity(a.len() + b.len());
            let (mut i, mut j) = (0, 0);
            while i < a.len() && j < b.len() {
                if a[i] <= b[j] {
                    out.push(a[i]);
                    i += 1;
                } else {
                    out.push(b[j]);
                    j += 1;
                }
            }
            out.extend_from_slice(&a[i..]);
            out.extend_from_slice(&b[j..]);
            out.dedup();
            Cow::Owned(out)
        }
    }
}

impl<'a> Index<'a> {
    /// Indexes every item under its kind and name as the set records them and, for typed
    /// objects, also under the kind and `metadata.name` of the object (the two agree
    /// except on malformed input; rules read either).
    pub fn new(items: &[Item<'a>]) -> Self {
        let mut ix = Index::default();
        for (i, item) in items.iter().enumerate() {
            let ns = item.namespace;
            let mut keys: Vec<(&'a str, &'a str)> = vec![(item.kind, item.name)];
            if let Some(o) = item.object {
                let meta_name = o.metadata().name.as_deref().unwrap_or_default();
                keys.push((o.kind(), meta_name));
            }
            if let Some(d) = item.doc {
                keys.push((d.kind.as_str(), d.name.as_str()));
            }
            keys.sort_unstable();
            keys.dedup();
            for (kind, name) in keys {
                let k = ix.kinds.entry(kind).or_default();
                k.items.push(ns, i);
                k.by_name.entry(name).or_default().push(ns, i);
            }
        }
        ix
    }

    /// Every item of `kind`.
    pub fn of_kind(&self, kind: &str) -> &[usize] {
        self.kinds.get(kind).map_or(NONE, |k| k.items.all())
    }

    /// Items of `kind` whose namespace matches `ns`.
    pub fn in_ns(&self, kind: &str, ns: Option<&str>) -> Cow<'_, [usize]> {
        self.kinds
            .get(kind)
            .map_or(Cow::Borrowed(NONE), |k| k.items.in_ns(ns))
    }

    /// Items of `kind` named `name` whose namespace matches `ns`.
    pub fn named(&self, kind: &str, ns: Option<&str>, name: &str) -> Cow<'_, [usize]> {
        self.kinds
            .get(kind)
            .and_then(|k| k.by_name.get(name))
            .map_or(Cow::Borrowed(NONE), |n| n.in_ns(ns))
    }
}

/// Labels that controllers add to the pods they create (not in the template); a
/// selector on one of them is resolved by a scan of the namespace.
const CONTROLLER_LABELS: &[&str] = &[
    "pod-template-hash",
    "controller-revision-hash",
    "statefulset.kubernetes.io/pod-name",
    "apps.kubernetes.io/pod-index",
    "pod-template-generation",
    "job-name",
    "controller-uid",
    "batch.kubernetes.io/job-name",
    "batch.kubernetes.io/controller-uid",
    "batch.kubernetes.io/job-completion-index",
];

/// Workload positions by namespace and by one pod template label, so that a selector
/// is matched against the workloads carrying its first label instead of every workload
/// of the namespace (a set of thousands of objects in one namespace stays linear).
#[derive(Default)]
pub(crate) struct LabelIndex<'a> {
    scoped: Scoped<'a>,
    /// `namespace -> key -> value ->` positions of namespaced workloads, by template label.
    by_label: HashMap<&'a str, HashMap<String, HashMap<String, Vec<usize>>>>,
}

impl<'a> LabelIndex<'a> {
    /// Adds workload position `p` (ascending) with its namespace and template labels.
    pub fn push(
        &mut self,
        ns: Option<&'a str>,
        labels: &std::collections::BTreeMap<String, String>,
        p: usize,
    ) {
        self.scoped.push(ns, p);
        if let Some(ns) = ns {
            let by_key = self.by_label.entry(ns).or_default();
            for (k, v) in labels {
                by_key
                    .entry(k.clone())
                    .or_default()
                    .entry(v.clone())
                    .or_default()
                    .push(p);
            }
        }
    }

    /// Positions of the workloads whose namespace matches `ns`, in order.
    pub fn in_ns(&self, ns: Option<&str>) -> Cow<'_, [usize]> {
        self.scoped.in_ns(ns)
    }

    /// Candidates for a selector requiring label `key` = `value`: the workloads of `ns`
    /// whose template carries it, plus those without a namespace; every workload of the
    /// namespace (or of the set) when the label is one controllers add, or `ns` is `None`.
    pub fn with_label(&self, ns: Option<&str>, key: &str, value: &str) -> Cow<'_, [usize]> {
        let Some(n) = ns.filter(|_| !CONTROLLER_LABELS.contains(&key)) else {
            return self.scoped.in_ns(ns);
        };
        let labelled = self
            .by_label
            .get(n)
            .and_then(|k| k.get(key))
            .and_then(|v| v.get(value))
            .map_or(NONE, Vec::as_slice);
        merge(labelled, &self.scoped.no_ns)
    }
}

#[cfg(test)]
mod tests {
    use super::merge;

    #[test]
    fn merge_keeps_order_and_drops_duplicates() {
        assert_eq!(&*merge(&[1, 4, 9], &[2, 4, 10]), &[1, 2, 4, 9, 10]);
        assert_eq!(&*merge(&[], &[3]), &[3]);
        assert_eq!(&*merge(&[3], &[]), &[3]);
    }
}
