//! Where a component's pods may be scheduled: tolerations of node taints.
//!
//! Node selectors and the priority class are plain typed values on the component
//! ([`LabelKey`]/[`LabelValue`] pairs and a [`Name`](crate::Name)); a toleration
//! has rules of its own, so it is typed here.

use crate::primitives::text::{LabelKey, LabelValue};

/// The taint effect a [`Toleration`] tolerates. `tolerationSeconds` only means
/// something for `NoExecute` (how long a running pod stays on a node after the taint
/// appears), so it can only be given there.
///
/// ```
/// let effect = dsl::TaintEffect::NoExecute { toleration_seconds: Some(300) };
/// assert_eq!(effect.as_str(), "NoExecute");
/// ```
///
/// ```compile_fail
/// // tolerationSeconds without NoExecute cannot be written
/// let effect = dsl::TaintEffect::NoSchedule { toleration_seconds: Some(300) };
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TaintEffect {
    /// New pods are not scheduled onto the node.
    NoSchedule,
    /// The scheduler tries not to place new pods onto the node.
    PreferNoSchedule,
    /// Running pods are evicted; a tolerating pod stays `toleration_seconds` (`None`:
    /// for ever).
    NoExecute {
        /// Seconds the pod stays bound after the taint is added (`None`: no limit).
        toleration_seconds: Option<u32>,
    },
}

impl TaintEffect {
    /// The Kubernetes spelling.
    pub const fn as_str(self) -> &'static str {
        match self {
            TaintEffect::NoSchedule => "NoSchedule",
            TaintEffect::PreferNoSchedule => "PreferNoSchedule",
            TaintEffect::NoExecute { .. } => "NoExecute",
        }
    }

    /// `tolerationSeconds`: set only for `NoExecute`.
    pub const fn toleration_seconds(self) -> Option<u32> {
        match self {
            TaintEffect::NoExecute { toleration_seconds } => toleration_seconds,
            _ => None,
        }
    }
}

/// How a [`Toleration`] matches a taint's value. A value is only given with `Equal`
/// (the API server refuses a value with `Exists`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum TaintMatch {
    /// Any taint with the key (`operator: Exists`).
    Exists,
    /// A taint with the key and this value (`operator: Equal`).
    Equal(LabelValue),
}

/// Lets pods be scheduled onto (or stay on) nodes with a matching taint.
///
/// ```
/// use dsl::*;
/// let gpu = Toleration::exists(label_key!("nvidia.com/gpu"), TaintEffect::NoSchedule);
/// let batch = Toleration::equal(
///     label_key!("example.com/pool"),
///     label_value!("batch"),
///     TaintEffect::NoExecute { toleration_seconds: Some(600) },
/// );
/// assert_eq!(gpu.matches, TaintMatch::Exists);
/// assert_eq!(batch.effect.toleration_seconds(), Some(600));
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Toleration {
    /// The taint key (same syntax as a label key); `None` matches every key (only
    /// with [`TaintMatch::Exists`], see [`Toleration::any_key`]).
    pub key: Option<LabelKey>,
    /// How the taint's value is matched.
    pub matches: TaintMatch,
    /// The taint effect tolerated.
    pub effect: TaintEffect,
}

impl Toleration {
    /// Tolerates any taint with `key` and `effect`, whatever its value.
    pub fn exists(key: LabelKey, effect: TaintEffect) -> Self {
        Toleration {
            key: Some(key),
            matches: TaintMatch::Exists,
            effect,
        }
    }

    /// Tolerates the taint `key=value` with `effect`.
    pub fn equal(key: LabelKey, value: LabelValue, effect: TaintEffect) -> Self {
        Toleration {
            key: Some(key),
            matches: TaintMatch::Equal(value),
            effect,
        }
    }

    /// Tolerates every taint with `effect`, whatever its key and value (`operator:
    /// Exists` without a key).
    pub fn any_key(effect: TaintEffect) -> Self {
        Toleration {
            key: None,
            matches: TaintMatch::Exists,
            effect,
        }
    }

    /// Tolerates every taint of every effect, as a node agent that must run on every
    /// node does (`NoExecute` for ever: the agent stays on a node being drained or
    /// failing, where it is often needed most).
    ///
    /// ```
    /// let all = dsl::Toleration::everything();
    /// assert!(all.iter().all(|t| t.key.is_none()));
    /// assert_eq!(all.len(), 3);
    /// ```
    pub fn everything() -> [Toleration; 3] {
        [
            Toleration::any_key(TaintEffect::NoSchedule),
            Toleration::any_key(TaintEffect::PreferNoSchedule),
            Toleration::any_key(TaintEffect::NoExecute {
                toleration_seconds: None,
            }),
        ]
    }
}
