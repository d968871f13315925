//! Typed affinity: which nodes a component's pods may (or prefer to) run on, and which
//! other components' pods they run near or away from.
//!
//! Rendered into the pod's `affinity` together with the anti-affinity that
//! [`Spread`](crate::Spread) derives: one block, the terms of both.

use crate::model::builder::ComponentBuilder;
use crate::model::component::Component;
use crate::model::handles::HttpComponent;
use crate::primitives::text::{LabelKey, LabelValue, Name};

/// How a node label is matched. `In` and `NotIn` hold at least one value (the API
/// server refuses an empty list), so an empty one cannot be written.
///
/// ```
/// use dsl::*;
/// let arm = NodeRequirement::is_in(label_key!("kubernetes.io/arch"), [label_value!("arm64")]);
/// assert_eq!(arm.op.operator(), "In");
/// ```
///
/// ```compile_fail
/// use dsl::*;
/// let none = NodeRequirement::is_in(label_key!("kubernetes.io/arch"), []); // no values
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum NodeOp {
    /// The label has one of the values (the first, then the rest).
    In(LabelValue, Vec<LabelValue>),
    /// The label has none of the values (or is absent).
    NotIn(LabelValue, Vec<LabelValue>),
    /// The node has the label, whatever its value.
    Exists,
    /// The node does not have the label.
    DoesNotExist,
}

impl NodeOp {
    /// The Kubernetes `operator`.
    pub const fn operator(&self) -> &'static str {
        match self {
            NodeOp::In(..) => "In",
            NodeOp::NotIn(..) => "NotIn",
            NodeOp::Exists => "Exists",
            NodeOp::DoesNotExist => "DoesNotExist",
        }
    }

    /// The `values` (empty for `Exists` and `DoesNotExist`).
    pub fn values(&self) -> Vec<&LabelValue> {
        match self {
            NodeOp::In(first, rest) | NodeOp::NotIn(first, rest) => {
                std::iter::once(first).chain(rest).collect()
            }
            NodeOp::Exists | NodeOp::DoesNotExist => Vec::new(),
        }
    }
}

/// What `In` and `NotIn` take: an array of 1 to 64 label values. `[]` is not one, so an
/// empty list is an unmet bound, reported by `cargo check` as by `cargo build`.
#[diagnostic::on_unimplemented(
    message = "NodeRequirement::is_in/not_in takes 1 to 64 label values, not `{Self}`: list at least one, e.g. is_in(label_key!(\"kubernetes.io/arch\"), [label_value!(\"arm64\")]), or use NodeRequirement::exists",
    label = "1 to 64 label values"
)]
pub trait LabelValues {
    /// The first value and the rest.
    fn split(self) -> (LabelValue, Vec<LabelValue>);
}

macro_rules! label_value_arrays {
    ($($n:literal)+) => {$(
        #[diagnostic::do_not_recommend]
        impl LabelValues for [LabelValue; $n] {
            fn split(self) -> (LabelValue, Vec<LabelValue>) {
                let [first, rest @ ..] = self;
                (first, rest.to_vec())
            }
        }
    )+};
}

label_value_arrays!(
    1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19 20 21 22 23 24 25 26 27 28 29 30 31 32
    33 34 35 36 37 38 39 40 41 42 43 44 45 46 47 48 49 50 51 52 53 54 55 56 57 58 59 60 61
    62 63 64
);

/// One node label requirement (`matchExpressions` entry).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NodeRequirement {
    /// The node label key.
    pub key: LabelKey,
    /// How it is matched.
    pub op: NodeOp,
}

impl NodeRequirement {
    /// The label `key` has one of `values` (1 to 64: `[]` does not compile).
    pub fn is_in<const N: usize>(key: LabelKey, values: [LabelValue; N]) -> Self
    where
        [LabelValue; N]: LabelValues,
    {
        let (first, rest) = values.split();
        NodeRequirement {
            key,
            op: NodeOp::In(first, rest),
        }
    }

    /// The label `key` has none of `values` (1 to 64: `[]` does not compile).
    pub fn not_in<const N: usize>(key: LabelKey, values: [LabelValue; N]) -> Self
    where
        [LabelValue; N]: LabelValues,
    {
        let (first, rest) = values.split();
        NodeRequirement {
            key,
            op: NodeOp::NotIn(first, rest),
        }
    }

    /// The node carries the label `key`.
    pub fn exists(key: LabelKey) -> Self {
        NodeRequirement {
            key,
            op: NodeOp::Exists,
        }
    }

    /// The node does not carry the label `key`.
    pub fn does_not_exist(key: LabelKey) -> Self {
        NodeRequirement {
            key,
            op: NodeOp::DoesNotExist,
        }
    }
}

/// A weight of a preferred term, 1 to 100; build it with [`weight!`](crate::weight).
///
/// ```
/// assert_eq!(dsl::weight!(50).get(), 50);
/// ```
///
/// ```compile_fail
/// let w = dsl::weight!(0); // 1-100
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct Weight(u8);

impl Weight {
    /// Builds a weight; outside 1-100 is a compile error in `const` context. Prefer
    /// [`weight!`](crate::weight); use [`parse`](Self::parse) for run-time input.
    pub const fn new(weight: u8) -> Self {
        if weight == 0 || weight > 100 {
            panic!("a scheduling weight is 1-100, e.g. weight!(50)");
        }
        Weight(weight)
    }

    /// A weight from run-time input; `None` outside 1-100.
    pub const fn parse(weight: u32) -> Option<Self> {
        if weight == 0 || weight > 100 {
            None
        } else {
            Some(Weight(weight as u8))
        }
    }

    /// The weight.
    pub const fn get(self) -> u8 {
        self.0
    }
}

/// A scheduling weight checked at compile time: `weight!(50)` (1-100).
#[macro_export]
macro_rules! weight {
    ($w:literal) => {{
        const VALUE: $crate::Weight = $crate::Weight::new($w);
        VALUE
    }};
}

/// Node affinity: required terms (a node must match one of them; each term is a list of
/// requirements that must all hold) and preferred terms with weights.
///
/// ```
/// use dsl::*;
/// let affinity = NodeAffinity::default()
///     .require([NodeRequirement::is_in(label_key!("kubernetes.io/arch"), [label_value!("amd64"), label_value!("arm64")])])
///     .prefer(weight!(80), [NodeRequirement::exists(label_key!("example.com/fast-disk"))]);
/// assert_eq!(affinity.required.len(), 1);
/// ```
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct NodeAffinity {
    /// `requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms`: ORed terms of
    /// ANDed requirements.
    pub required: Vec<Vec<NodeRequirement>>,
    /// `preferredDuringSchedulingIgnoredDuringExecution`: weighted terms.
    pub preferred: Vec<(Weight, Vec<NodeRequirement>)>,
}

impl NodeAffinity {
    /// Adds a required term (all its requirements must hold; the node must match at least
    /// one required term). A term without requirements is ignored.
    pub fn require(mut self, term: impl IntoIterator<Item = NodeRequirement>) -> Self {
        let term: Vec<NodeRequirement> = term.into_iter().collect();
        if !term.is_empty() {
            self.required.push(term);
        }
        self
    }

    /// Adds a preferred term with its weight. A term without requirements is ignored.
    pub fn prefer(
        mut self,
        weight: Weight,
        term: impl IntoIterator<Item = NodeRequirement>,
    ) -> Self {
        let term: Vec<NodeRequirement> = term.into_iter().collect();
        if !term.is_empty() {
            self.preferred.push((weight, term));
        }
        self
    }

    /// Whether nothing is declared.
    pub fn is_empty(&self) -> bool {
        self.required.is_empty() && self.preferred.is_empty()
    }
}

/// The node label whose value defines "the same place" for pod affinity (`topologyKey`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Topology {
    /// The same node (`kubernetes.io/hostname`).
    Node,
    /// The same zone (`topology.kubernetes.io/zone`).
    Zone,
    /// The same region (`topology.kubernetes.io/region`).
    Region,
    /// Another node label.
    Label(LabelKey),
}

impl Topology {
    /// The `topologyKey`.
    pub fn key(&self) -> &str {
        match self {
            Topology::Node => "kubernetes.io/hostname",
            Topology::Zone => "topology.kubernetes.io/zone",
            Topology::Region => "topology.kubernetes.io/region",
            Topology::Label(k) => k.as_str(),
        }
    }
}

/// A handle on a declared component, for pod affinity: `&api` (a [`Component`] or an
/// [`HttpComponent`]).
#[diagnostic::on_unimplemented(
    message = "pod affinity takes a declared component, not `{Self}`",
    label = "expected `&worker` (a `Component`) or `&api` (an `HttpComponent`)"
)]
pub trait ComponentHandle {
    /// The component's name.
    fn component_name(&self) -> Name;
}

impl ComponentHandle for &Component {
    fn component_name(&self) -> Name {
        self.name.clone()
    }
}

impl ComponentHandle for &HttpComponent {
    fn component_name(&self) -> Name {
        self.name.clone()
    }
}

/// Near or away from the other component's pods.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Placement {
    /// In the same topology domain (`podAffinity`).
    Near,
    /// Not in the same topology domain (`podAntiAffinity`).
    ApartFrom,
}

/// Required, or preferred with a weight.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Strength {
    /// The scheduler only places pods where the rule holds.
    Required,
    /// The scheduler prefers places where the rule holds.
    Preferred(Weight),
}

/// A pod affinity or anti-affinity rule towards another component's pods (selected by
/// its selector labels).
///
/// ```
/// use dsl::*;
/// # let cache = Component::builder().name(name!("cache")).image(image!("redis:7.2"))
/// #     .resources(Resources::new(cpu!("100m"), cpu!("1"), memory!("256Mi"), memory!("1Gi")))
/// #     .workload(Worker::builder().replicas(Replicas::Fixed(1)).build()).build();
/// let near_cache = PodAffinityRule::near(&cache, Topology::Zone, Strength::Preferred(weight!(100)));
/// assert_eq!(near_cache.component.as_str(), "cache");
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PodAffinityRule {
    /// The other component (by name, from a handle).
    pub component: Name,
    /// Near or apart.
    pub placement: Placement,
    /// What "the same place" is.
    pub topology: Topology,
    /// Required or preferred.
    pub strength: Strength,
}

impl PodAffinityRule {
    /// Run in the same `topology` domain as `component`'s pods.
    pub fn near(component: impl ComponentHandle, topology: Topology, strength: Strength) -> Self {
        PodAffinityRule {
            component: component.component_name(),
            placement: Placement::Near,
            topology,
            strength,
        }
    }

    /// Run outside the `topology` domains of `component`'s pods.
    pub fn apart_from(
        component: impl ComponentHandle,
        topology: Topology,
        strength: Strength,
    ) -> Self {
        PodAffinityRule {
            component: component.component_name(),
            placement: Placement::ApartFrom,
            topology,
            strength,
        }
    }
}

impl<N, I, R, W> ComponentBuilder<N, I, R, W> {
    /// Node affinity of the pods (see [`NodeAffinity`]); replaces an earlier one.
    ///
    /// ```
    /// use dsl::*;
    /// # let http = NamedPort::new(port_name!("http"), port!(8080));
    /// let api = Component::builder()
    ///     .name(name!("api"))
    ///     .image(image!("ghcr.io/acme/shop:1.4.2"))
    ///     .resources(Resources::new(cpu!("250m"), cpu!("1"), memory!("256Mi"), memory!("1Gi")))
    /// #   .workload(HttpService::builder().port(http.clone())
    /// #       .probes(Probes::http(&http, http_path!("/live"), http_path!("/ready")))
    /// #       .replicas(Replicas::Fixed(2)).build())
    ///     .node_affinity(NodeAffinity::default().require([NodeRequirement::not_in(
    ///         label_key!("example.com/pool"),
    ///         [label_value!("batch")],
    ///     )]))
    ///     .build();
    /// assert_eq!(api.pod.node_affinity.required.len(), 1);
    /// ```
    pub fn node_affinity(mut self, affinity: NodeAffinity) -> Self {
        self.optional.pod.node_affinity = affinity;
        self
    }

    /// Adds a pod affinity or anti-affinity rule towards another component
    /// ([`PodAffinityRule::near`], [`PodAffinityRule::apart_from`]). Repeated calls add rules;
    /// they are rendered next to the anti-affinity [`Spread`](crate::Spread) derives.
    pub fn pod_affinity(mut self, rule: PodAffinityRule) -> Self {
        self.optional.pod.pod_affinity.push(rule);
        self
    }
}
