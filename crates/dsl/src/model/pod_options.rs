//! The optional pod settings of a component that have a module of their own: volumes
//! ([`volumes`](super::volumes)), affinity ([`affinity`](super::affinity)), extra labels,
//! annotations and image pull secrets ([`metadata`](super::metadata)). Each defaults to
//! nothing, which renders exactly what a component without it renders.
//!
//! Each model module has its renderer: `render/volumes.rs` (projected files, read-only;
//! existing claims, recorded as `kairn.dev/external-claims` so the validator knows they
//! exist), `render/affinity.rs` (merged into the one `affinity` block with the anti-affinity
//! `Spread` derives), `render/component_meta.rs` (component labels go through
//! `meta::component_labels`, never onto selectors; pull secrets merged with the app's, on the
//! pod only).

use std::collections::BTreeMap;

use super::affinity::{NodeAffinity, PodAffinityRule};
use super::metadata::AnnotationKey;
use super::volumes::Volume;
use crate::primitives::text::{LabelKey, LabelValue, Name};

/// A component's volumes, affinity, labels, annotations and pull secrets.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct PodOptions {
    /// Projected Secret/ConfigMap files and existing claims.
    pub volumes: Vec<Volume>,
    /// Node affinity.
    pub node_affinity: NodeAffinity,
    /// Pod affinity and anti-affinity towards other components.
    pub pod_affinity: Vec<PodAffinityRule>,
    /// Labels on the component's objects and pod template (never on selectors).
    pub labels: BTreeMap<LabelKey, LabelValue>,
    /// Annotations on the component's objects and pod template.
    pub annotations: BTreeMap<AnnotationKey, String>,
    /// Image pull secrets added to the app's.
    pub image_pull_secrets: Vec<Name>,
}
