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
/// The range is written [`autoscaling!(2..=10)`](crate::autoscaling), checked at compile
/// time (at least one replica, `min <= max`); a range that arrives as input goes through
/// [`AutoscalingRange::parse`]. An autoscaler without a metric cannot be declared: the
/// range is an [`AutoscalingRange`], which becomes an `Autoscaling` only through
/// [`cpu`](AutoscalingRange::cpu) or [`memory`](AutoscalingRange::memory), and the metric
/// field is private, so no struct literal can leave it out.
///
/// ```
/// use dsl::autoscaling;
/// let a = autoscaling!(2..=10).cpu(70).memory(80);
/// assert_eq!((a.min, a.max, a.cpu_utilization(), a.memory_utilization()), (2, 10, Some(70), Some(80)));
/// let m = autoscaling!(1..=3).memory(75);
/// assert_eq!((m.cpu_utilization(), m.memory_utilization()), (None, Some(75)));
/// ```
///
/// ```compile_fail
/// use dsl::*;
/// // A range alone is not an `Autoscaling`: add `.cpu(..)` or `.memory(..)`.
/// let replicas = Replicas::Autoscaled(autoscaling!(2..=10));
/// ```
///
/// ```compile_fail
/// let range = dsl::autoscaling!(12..=10); // the minimum is above the maximum
/// ```
///
/// The validator still checks the rendered HorizontalPodAutoscaler (rule `hpa-min-max`),
/// for `lint` of existing YAML and for objects changed by a customisation.
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

/// A replica range that has no metric yet: what [`autoscaling!`](crate::autoscaling) returns. It is not
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

impl AutoscalingRange {
    /// Why `min..=max` is not a replica range, if it is not.
    #[doc(hidden)]
    pub const fn check_static(min: u32, max: u32) -> Option<&'static str> {
        if min == 0 {
            Some("an autoscaler keeps at least one replica: start the range at 1 or more")
        } else if min > max {
            Some("the minimum is above the maximum: write the smaller number first")
        } else {
            None
        }
    }

    /// The range of a literal already checked by [`autoscaling!`](crate::autoscaling).
    #[doc(hidden)]
    pub const fn from_static(min: u32, max: u32) -> Self {
        AutoscalingRange { min, max }
    }

    /// A range that arrives as input (a flag, a file).
    ///
    /// ```
    /// use dsl::AutoscalingRange;
    /// assert!(AutoscalingRange::parse(2, 10).is_ok());
    /// assert!(AutoscalingRange::parse(12, 10).is_err());
    /// assert!(AutoscalingRange::parse(0, 3).is_err());
    /// ```
    pub fn parse(min: u32, max: u32) -> Result<Self, crate::InvalidValue> {
        match Self::check_static(min, max) {
            None => Ok(AutoscalingRange { min, max }),
            Some(reason) => Err(crate::InvalidValue {
                kind: "autoscaling range",
                value: format!("{min}..={max}"),
                reason,
            }),
        }
    }
}

/// A replica range for an autoscaler, checked at compile time: `autoscaling!(2..=10)`,
/// then `.cpu(percent)` and/or `.memory(percent)`.
///
/// Every other form fails the build with a first line that says what to write:
/// `autoscaling!(12..=10)` (the minimum above the maximum: write `autoscaling!(10..=12)`),
/// `autoscaling!(0..=3)` (no replica), an exclusive range `autoscaling!(2..10)` (write
/// `autoscaling!(2..=10)`: the range is inclusive) and anything that is not two integer
/// literals joined by `..=` (`autoscaling!(min, max)`, `autoscaling!(2..)`, variables:
/// use [`AutoscalingRange::parse`] for values known only at run time).
///
/// ```compile_fail
/// let range = dsl::autoscaling!(2..10); // exclusive: write 2..=10
/// ```
///
/// ```compile_fail
/// let (min, max) = (2, 10);
/// let range = dsl::autoscaling!(min..=max); // not literals: AutoscalingRange::parse(min, max)
/// ```
#[macro_export]
macro_rules! autoscaling {
    ($min:literal ..= $max:literal) => {{
        const VALUE: $crate::AutoscalingRange =
            match $crate::AutoscalingRange::check_static($min, $max) {
                ::core::option::Option::None => $crate::AutoscalingRange::from_static($min, $max),
                ::core::option::Option::Some(reason) => {
                    // The example reuses the user's numbers where that is the fix.
                    let (low, high) = if $min > $max {
                        (::core::stringify!($max), ::core::stringify!($min))
                    } else if $max == 0 {
                        ("1", "3")
                    } else {
                        ("1", ::core::stringify!($max))
                    };
                    let message = $crate::primitives::literal::Message::new(&[
                        "autoscaling!(",
                        ::core::stringify!($min),
                        "..=",
                        ::core::stringify!($max),
                        "): ",
                        reason,
                        ", e.g. autoscaling!(",
                        low,
                        "..=",
                        high,
                        ")",
                    ]);
                    ::core::panic!("{}", message.as_str())
                }
            };
        VALUE
    }};
    ($min:literal .. $max:literal) => {{
        const VALUE: $crate::AutoscalingRange = {
            let (min, max): (u32, u32) = ($min, $max);
            let message = if min > max {
                $crate::primitives::literal::Message::new(&[
                    "autoscaling!(",
                    ::core::stringify!($min),
                    "..",
                    ::core::stringify!($max),
                    "): write an inclusive range min..=max with the minimum first, e.g. autoscaling!(",
                    ::core::stringify!($max),
                    "..=",
                    ::core::stringify!($min),
                    ")",
                ])
            } else {
                $crate::primitives::literal::Message::new(&[
                    "autoscaling!(",
                    ::core::stringify!($min),
                    "..",
                    ::core::stringify!($max),
                    "): a replica range is inclusive: write min..=max, e.g. autoscaling!(",
                    ::core::stringify!($min),
                    "..=",
                    ::core::stringify!($max),
                    ")",
                ])
            };
            ::core::panic!("{}", message.as_str())
        };
        VALUE
    }};
    ($($other:tt)*) => {
        ::core::compile_error!(::core::concat!(
            "autoscaling!(",
            ::core::stringify!($($other)*),
            "): write a replica range of two integer literals, min..=max, e.g. autoscaling!(2..=10); ",
            "a range known only at run time goes through AutoscalingRange::parse(min, max)"
        ))
    };
}

impl Autoscaling {
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
