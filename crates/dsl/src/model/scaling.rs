//! Replica counts, autoscaling and disruption budgets.

/// How many pods a long-running component runs.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Replicas {
    /// A fixed count (`spec.replicas`).
    Fixed(u32),
    /// A HorizontalPodAutoscaler owns the count. `spec.replicas` is then left out of the
    /// workload so that re-applying the manifest never resets what the autoscaler chose.
    Autoscaled(Autoscaling),
}

impl Replicas {
    /// The fewest pods that run in steady state.
    pub fn minimum(&self) -> u32 {
        match self {
            Replicas::Fixed(n) => *n,
            Replicas::Autoscaled(a) => a.min,
        }
    }

    /// The most pods that can run.
    pub fn maximum(&self) -> u32 {
        match self {
            Replicas::Fixed(n) => *n,
            Replicas::Autoscaled(a) => a.max,
        }
    }
}

/// HorizontalPodAutoscaler settings (autoscaling/v2).
///
/// ```
/// use dsl::Autoscaling;
/// let a = Autoscaling::new(2, 10).cpu(70).memory(80);
/// assert_eq!((a.min, a.max, a.cpu_utilization, a.memory_utilization), (2, 10, Some(70), Some(80)));
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Autoscaling {
    /// Lower bound.
    pub min: u32,
    /// Upper bound.
    pub max: u32,
    /// Target average CPU utilization, percent of the request.
    pub cpu_utilization: Option<u8>,
    /// Target average memory utilization, percent of the request.
    pub memory_utilization: Option<u8>,
}

impl Autoscaling {
    /// A range with no metric yet; add at least one with [`cpu`](Self::cpu) or [`memory`](Self::memory).
    pub const fn new(min: u32, max: u32) -> Self {
        Autoscaling {
            min,
            max,
            cpu_utilization: None,
            memory_utilization: None,
        }
    }

    /// Scale on CPU utilization (percent of requests).
    pub const fn cpu(mut self, percent: u8) -> Self {
        self.cpu_utilization = Some(percent);
        self
    }

    /// Scale on memory utilization (percent of requests).
    pub const fn memory(mut self, percent: u8) -> Self {
        self.memory_utilization = Some(percent);
        self
    }
}

/// A PodDisruptionBudget for voluntary evictions (node drains, upgrades).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Disruption {
    /// At least this many pods stay up.
    MinAvailable(u32),
    /// At most this many pods are down at once.
    MaxUnavailable(u32),
}
