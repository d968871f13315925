//! CPU and byte quantities as distinct types, so a CPU amount can never be passed
//! where memory or storage is expected.

use std::fmt;

use super::checks;
use super::text::InvalidValue;

/// An amount of CPU, stored in millicores.
///
/// ```
/// let c = dsl::cpu!("250m");
/// assert_eq!(c.millis(), 250);
/// assert_eq!(c.to_string(), "250m");
/// assert_eq!(dsl::cpu!("2").to_string(), "2");
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Cpu(u32);

impl Cpu {
    /// Parses a literal; a compile error in `const` context (see [`cpu!`](crate::cpu)).
    #[doc(hidden)]
    pub const fn from_static(s: &'static str) -> Self {
        match checks::cpu_millis(s) {
            Ok(m) => Cpu(m),
            Err(reason) => panic!("{}", reason),
        }
    }

    /// Checks a literal without panicking (used by [`cpu!`](crate::cpu)).
    #[doc(hidden)]
    pub const fn check_static(s: &'static str) -> Option<&'static str> {
        match checks::cpu_millis(s) {
            Ok(_) => None,
            Err(reason) => Some(reason),
        }
    }

    /// Parses a run-time value such as `"500m"`.
    pub fn parse(s: &str) -> Result<Self, InvalidValue> {
        checks::cpu_millis(s)
            .map(Cpu)
            .map_err(|reason| InvalidValue {
                kind: "CPU quantity",
                value: s.to_owned(),
                reason,
            })
    }

    /// The amount in millicores.
    pub const fn millis(self) -> u32 {
        self.0
    }
}

impl fmt::Display for Cpu {
    /// Canonical Kubernetes form: whole cores as `"2"`, otherwise millicores `"250m"`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.0.is_multiple_of(1000) {
            write!(f, "{}", self.0 / 1000)
        } else {
            write!(f, "{}m", self.0)
        }
    }
}

fn format_bytes(bytes: u64, f: &mut fmt::Formatter<'_>) -> fmt::Result {
    const UNITS: [(&str, u64); 5] = [
        ("Pi", 1 << 50),
        ("Ti", 1 << 40),
        ("Gi", 1 << 30),
        ("Mi", 1 << 20),
        ("Ki", 1 << 10),
    ];
    for (suffix, size) in UNITS {
        if bytes.is_multiple_of(size) {
            return write!(f, "{}{}", bytes / size, suffix);
        }
    }
    const DECIMAL: [(&str, u64); 4] = [
        ("T", 1_000_000_000_000),
        ("G", 1_000_000_000),
        ("M", 1_000_000),
        ("k", 1_000),
    ];
    for (suffix, size) in DECIMAL {
        if bytes.is_multiple_of(size) {
            return write!(f, "{}{}", bytes / size, suffix);
        }
    }
    write!(f, "{bytes}")
}

macro_rules! byte_quantity {
    ($(#[$doc:meta])* $ty:ident, $kind:literal) => {
        $(#[$doc])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
        pub struct $ty(u64);

        impl $ty {
            /// Parses a literal; a compile error in `const` context.
            #[doc(hidden)]
            pub const fn from_static(s: &'static str) -> Self {
                match checks::bytes(s) {
                    Ok(b) => $ty(b),
                    Err(reason) => panic!("{}", reason),
                }
            }

            /// Checks a literal without panicking (used by the literal macros).
            #[doc(hidden)]
            pub const fn check_static(s: &'static str) -> Option<&'static str> {
                match checks::bytes(s) {
                    Ok(_) => None,
                    Err(reason) => Some(reason),
                }
            }

            /// Parses a run-time value such as `"512Mi"`.
            pub fn parse(s: &str) -> Result<Self, InvalidValue> {
                checks::bytes(s).map($ty).map_err(|reason| InvalidValue {
                    kind: $kind,
                    value: s.to_owned(),
                    reason,
                })
            }

            /// The amount in bytes.
            pub const fn bytes(self) -> u64 {
                self.0
            }
        }

        impl fmt::Display for $ty {
            /// Canonical form with the largest exact binary unit (`"512Mi"`, `"2Gi"`).
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                format_bytes(self.0, f)
            }
        }
    };
}

byte_quantity!(
    /// An amount of memory for container requests and limits.
    ///
    /// ```
    /// assert_eq!(dsl::memory!("512Mi").to_string(), "512Mi");
    /// assert_eq!(dsl::memory!("2048Mi").to_string(), "2Gi");
    /// ```
    Memory,
    "memory quantity"
);

byte_quantity!(
    /// A size of persistent or ephemeral storage (volumes, `emptyDir` limits).
    ///
    /// ```
    /// assert_eq!(dsl::storage!("10Gi").to_string(), "10Gi");
    /// ```
    Storage,
    "storage quantity"
);

/// A CPU literal (`"250m"`, `"2"`) checked at compile time.
#[macro_export]
macro_rules! cpu {
    ($s:literal) => {
        $crate::__literal!(
            "cpu",
            $crate::Cpu,
            $s,
            "write cores or millicores, e.g. cpu!(\"250m\") or cpu!(\"2\")"
        )
    };
}

/// A memory literal (`"512Mi"`) checked at compile time.
#[macro_export]
macro_rules! memory {
    ($s:literal) => {
        $crate::__literal!(
            "memory",
            $crate::Memory,
            $s,
            "write bytes with a binary unit, e.g. memory!(\"512Mi\") or memory!(\"2Gi\")"
        )
    };
}

/// A storage size literal (`"10Gi"`) checked at compile time.
#[macro_export]
macro_rules! storage {
    ($s:literal) => {
        $crate::__literal!(
            "storage",
            $crate::Storage,
            $s,
            "write bytes with a binary unit, e.g. storage!(\"10Gi\")"
        )
    };
}
