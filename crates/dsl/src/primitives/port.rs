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
    ($n:literal) => {{
        const VALUE: $crate::Port = $crate::Port::from_static($n);
        VALUE
    }};
}
