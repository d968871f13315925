//! Network ports.

use std::fmt;

use super::text::{InvalidValue, PortName};

/// A TCP/UDP port number, 1-65535.
///
/// ```
/// let p = dsl::port!(8080);
/// assert_eq!(p.get(), 8080);
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Port(u16);

impl Port {
    /// Builds a port from a literal; `0` is a compile error in `const` context.
    #[doc(hidden)]
    pub const fn from_static(n: u16) -> Self {
        if n == 0 {
            panic!("port 0 is not a valid port; use 1-65535");
        }
        Port(n)
    }

    /// Checks a literal without panicking (used by [`port!`](crate::port)).
    #[doc(hidden)]
    pub const fn check_static(n: u16) -> Option<&'static str> {
        if n == 0 {
            return Some("port 0 is not a valid port");
        }
        None
    }

    /// Validates a run-time port number.
    pub fn parse(n: u32) -> Result<Self, InvalidValue> {
        match u16::try_from(n) {
            Ok(p) if p != 0 => Ok(Port(p)),
            _ => Err(InvalidValue {
                kind: "port",
                value: n.to_string(),
                reason: "a port must be 1-65535",
            }),
        }
    }

    /// The port number.
    pub const fn get(self) -> u16 {
        self.0
    }
}

impl fmt::Display for Port {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.0)
    }
}

/// A named container port: the name is what Services, probes and ServiceMonitors refer to.
///
/// ```
/// use dsl::{NamedPort, port, port_name};
/// let http = NamedPort::new(port_name!("http"), port!(8080));
/// assert_eq!(http.name.as_str(), "http");
/// ```
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct NamedPort {
    /// The port's name (IANA service name).
    pub name: PortName,
    /// The port number in the container.
    pub number: Port,
}

impl NamedPort {
    /// A named TCP port.
    pub const fn new(name: PortName, number: Port) -> Self {
        NamedPort { name, number }
    }
}

/// A port literal checked at compile time (`0` is rejected).
#[macro_export]
macro_rules! port {
    ($n:literal) => {
        $crate::__literal!("port", $crate::Port, $n, "use 1-65535, e.g. port!(8080)")
    };
}

impl NamedPort {
    /// A reference to this port for probes and metrics (see [`PortRef`]).
    pub fn reference(&self) -> PortRef {
        PortRef(self.clone())
    }
}

/// A reference to a container port, for probes and metrics: it can only be made from
/// the port's [`NamedPort`] and carries it whole (name and number), so it cannot
/// dangle. A probe on a port name that was never declared does not compile, and a
/// [`NamedPort`] a probe or metrics endpoint refers to is declared on the container
/// when the workload did not declare it already (as if it had been passed to the
/// workload's `extra_ports`/`ports`). Declaring the name with a different number is an
/// error at emit (rule `dangling-reference`).
///
/// ```
/// use dsl::*;
/// let http = NamedPort::new(port_name!("http"), port!(8080));
/// let probes = Probes::http(&http, http_path!("/live"), http_path!("/ready"));
/// assert_eq!(probes.liveness.check, Check::http(http_path!("/live"), &http));
/// ```
///
/// ```compile_fail
/// use dsl::*;
/// // A port name is not a declared port:
/// let probes = Probes::http(port_name!("http"), http_path!("/live"), http_path!("/ready"));
/// ```
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct PortRef(NamedPort);

impl PortRef {
    /// The referenced port's name.
    pub fn name(&self) -> &PortName {
        &self.0.name
    }

    /// The referenced port, name and number.
    pub fn port(&self) -> &NamedPort {
        &self.0
    }
}

impl std::ops::Deref for PortRef {
    type Target = PortName;
    fn deref(&self) -> &PortName {
        &self.0.name
    }
}

impl fmt::Display for PortRef {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(&self.0.name, f)
    }
}

mod sealed {
    pub trait Sealed {}
    impl Sealed for super::NamedPort {}
    impl Sealed for &super::NamedPort {}
    impl Sealed for super::PortRef {}
    impl Sealed for &super::PortRef {}
}

/// A declared port: a [`NamedPort`] (or a reference to one), which is what probes and
/// metrics take. Sealed: a [`PortName`] or a string is not a declared port.
#[diagnostic::on_unimplemented(
    message = "`{Self}` is not a declared port: probes and metrics take the `NamedPort` the component declares",
    label = "expected the port's `NamedPort` value (e.g. `&http`)",
    note = "declare the port once, `const HTTP: NamedPort = NamedPort::new(port_name!(\"http\"), port!(8080));`, and build probes and metrics from `&HTTP`: a port they refer to is declared on the container if the workload does not declare it"
)]
pub trait DeclaredPort: sealed::Sealed {
    /// The reference probes and metrics store.
    fn port_ref(self) -> PortRef;
}

impl DeclaredPort for NamedPort {
    fn port_ref(self) -> PortRef {
        PortRef(self)
    }
}

impl DeclaredPort for &NamedPort {
    fn port_ref(self) -> PortRef {
        self.reference()
    }
}

impl DeclaredPort for PortRef {
    fn port_ref(self) -> PortRef {
        self
    }
}

impl DeclaredPort for &PortRef {
    fn port_ref(self) -> PortRef {
        self.clone()
    }
}
