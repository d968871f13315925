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

/// HorizontalPodAutoscaler settings (autoscaling/v2): a replica range and at least one
/// metric to scale on.
///
/// An autoscaler without a metric cannot be declared: [`Autoscaling::new`] returns an
/// [`AutoscalingRange`], which becomes an `Autoscaling` only through
/// [`cpu`](AutoscalingRange::cpu) or [`memory`](AutoscalingRange::memory), and the metric
/// field is private, so no struct literal can leave it out.
///
/// ```
/// use dsl::Autoscaling;
/// let a = Autoscaling::new(2, 10).cpu(70).memory(80);
/// assert_eq!((a.min, a.max, a.cpu_utilization(), a.memory_utilization()), (2, 10, Some(70), Some(80)));
/// let m = Autoscaling::new(1, 3).memory(75);
/// assert_eq!((m.cpu_utilization(), m.memory_utilization()), (None, Some(75)));
/// ```
///
/// ```compile_fail
/// use dsl::*;
/// // A range alone is not an `Autoscaling`: add `.cpu(..)` or `.memory(..)`.
/// let replicas = Replicas::Autoscaled(Autoscaling::new(2, 10));
/// ```
///
/// A range below one replica or with `min` above `max` is reported at emit by the
/// validator rule `hpa-min-max` on the rendered HorizontalPodAutoscaler.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Autoscaling {
    /// Lower bound.
    pub min: u32,
    /// Upper bound.
    pub max: u32,
    target: Target,
}

/// The metrics an autoscaler scales on; never empty.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Target {
    Cpu(u8),
    Memory(u8),
    CpuAndMemory { cpu: u8, memory: u8 },
}

/// A replica range that has no metric yet: what [`Autoscaling::new`] returns. It is not
/// an [`Autoscaling`] until [`cpu`](Self::cpu) or [`memory`](Self::memory) names what to
/// scale on.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[must_use = "an autoscaler needs a metric: add .cpu(percent) or .memory(percent)"]
pub struct AutoscalingRange {
    /// Lower bound.
    pub min: u32,
    /// Upper bound.
    pub max: u32,
}

impl AutoscalingRange {
    /// Scale on CPU utilization (percent of requests).
    pub const fn cpu(self, percent: u8) -> Autoscaling {
        Autoscaling {
            min: self.min,
            max: self.max,
            target: Target::Cpu(percent),
        }
    }

    /// Scale on memory utilization (percent of requests).
    pub const fn memory(self, percent: u8) -> Autoscaling {
        Autoscaling {
            min: self.min,
            max: self.max,
            target: Target::Memory(percent),
        }
    }
}

impl Autoscaling {
    /// A range between `min` and `max` replicas; add at least one metric with
    /// [`cpu`](AutoscalingRange::cpu) or [`memory`](AutoscalingRange::memory).
    #[allow(clippy::new_ret_no_self)]
    pub const fn new(min: u32, max: u32) -> AutoscalingRange {
        AutoscalingRange { min, max }
    }

    /// Also (or instead) scale on CPU utilization (percent of requests).
    pub const fn cpu(mut self, percent: u8) -> Self {
        self.target = match self.target {
            Target::Cpu(_) => Target::Cpu(percent),
            Target::Memory(memory) | Target::CpuAndMemory { memory, .. } => Target::CpuAndMemory {
                cpu: percent,
                memory,
            },
        };
        self
    }

    /// Also (or instead) scale on memory utilization (percent of requests).
    pub const fn memory(mut self, percent: u8) -> Self {
        self.target = match self.target {
            Target::Memory(_) => Target::Memory(percent),
            Target::Cpu(cpu) | Target::CpuAndMemory { cpu, .. } => Target::CpuAndMemory {
                cpu,
                memory: percent,
            },
        };
        self
    }

    /// Target average CPU utilization, percent of the request.
    pub const fn cpu_utilization(&self) -> Option<u8> {
        match self.target {
            Target::Cpu(cpu) | Target::CpuAndMemory { cpu, .. } => Some(cpu),
            Target::Memory(_) => None,
        }
    }

    /// Target average memory utilization, percent of the request.
    pub const fn memory_utilization(&self) -> Option<u8> {
        match self.target {
            Target::Memory(memory) | Target::CpuAndMemory { memory, .. } => Some(memory),
            Target::Cpu(_) => None,
        }
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
