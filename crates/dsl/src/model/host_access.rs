//! Host access of a node agent: host paths, the host network, host ports, added
//! Linux capabilities and running as root, each declared with a reason.
//!
//! Every kind of host access breaks the restricted Pod Security Standard, so kairn
//! renders none of it unless it is declared here, and a declaration without a reason
//! does not compile: [`HostAccess::host_path`] and the other constructors return an
//! [`Unexplained`] value that [`NodeAgent`](crate::NodeAgent) does not accept until
//! [`.reason(reason!("…"))`](Unexplained::reason) turns it into a [`HostAccess`].
//!
//! ```
//! use dsl::*;
//! let logs = HostAccess::host_path(host_path!("/var/log"), "/host/var/log")
//!     .reason(reason!("ships the node's log files"));
//! assert_eq!(logs.token(), "hostPath=/var/log");
//! assert_eq!(logs.pod_security_level(), PodSecurityLevel::Privileged);
//! ```
//!
//! ```compile_fail
//! use dsl::*;
//! // no reason: NodeAgent::builder().host_access(..) refuses it
//! let agent = NodeAgent::builder()
//!     .without_probes(reason!("serves no health endpoint"))
//!     .host_access([HostAccess::host_network()])
//!     .build();
//! ```

use std::borrow::Cow;
use std::fmt;

use crate::primitives::port::NamedPort;
use crate::primitives::text::{validated_string, InvalidValue};

/// Checks a host path: absolute, no `.`/`..` or empty segments, no trailing `/`, no
/// whitespace, `:` or control characters (it is written into annotations
/// `<access>: <reason>`), at most 255 bytes.
pub const fn check_host_path(s: &str) -> Option<&'static str> {
    let b = s.as_bytes();
    if b.is_empty() || b[0] != b'/' {
        return Some("a host path must be absolute (start with '/')");
    }
    if b.len() > 255 {
        return Some("a host path must be at most 255 bytes");
    }
    if b.len() > 1 && b[b.len() - 1] == b'/' {
        return Some("a host path must not end with '/'");
    }
    let mut i = 0;
    let mut segment_start = 1;
    while i <= b.len() {
        if i == b.len() || (i > 0 && b[i] == b'/') {
            let len = i - segment_start;
            if i > 0 && b.len() > 1 {
                if len == 0 {
                    return Some("a host path must not contain empty segments ('//')");
                }
                if (len == 1 && b[segment_start] == b'.')
                    || (len == 2 && b[segment_start] == b'.' && b[segment_start + 1] == b'.')
                {
                    return Some("a host path must not contain '.' or '..' segments");
                }
            }
            segment_start = i + 1;
        } else if b[i] <= b' ' || b[i] == 0x7f || b[i] == b':' || b[i] == b',' {
            return Some("a host path must not contain spaces, ':', ',' or control characters");
        }
        i += 1;
    }
    None
}

/// Checks a reason: not blank, one line, at most 200 bytes, no leading or trailing
/// whitespace.
pub const fn check_reason(s: &str) -> Option<&'static str> {
    let b = s.as_bytes();
    if b.is_empty() {
        return Some("a reason must not be empty: say why the agent needs this access");
    }
    if b.len() > 200 {
        return Some("a reason must be at most 200 bytes");
    }
    if b[0] == b' ' || b[b.len() - 1] == b' ' {
        return Some("a reason must not start or end with a space");
    }
    let mut i = 0;
    while i < b.len() {
        if b[i] < b' ' || b[i] == 0x7f {
            return Some("a reason must be one line without control characters");
        }
        i += 1;
    }
    None
}

validated_string!(
    /// An absolute path on the node, e.g. `/var/log` (see [`host_path!`](crate::host_path)).
    ///
    /// ```
    /// assert_eq!(dsl::host_path!("/var/lib/agent").as_str(), "/var/lib/agent");
    /// assert!(dsl::HostPath::parse("var/log").is_err());
    /// assert!(dsl::HostPath::parse("/var/../etc").is_err());
    /// ```
    HostPath,
    check_host_path,
    "host path"
);

validated_string!(
    /// Why a node agent needs a host access: one non-empty line (see
    /// [`reason!`](crate::reason)), written into the output next to the access.
    ///
    /// ```
    /// assert_eq!(dsl::reason!("reads node logs").as_str(), "reads node logs");
    /// assert!(dsl::Reason::parse("").is_err());
    /// ```
    Reason,
    check_reason,
    "reason"
);

impl Reason {
    /// The text for the rest of the program's run: borrowed as is from a
    /// [`reason!`](crate::reason) literal; a reason parsed at run time is leaked (once
    /// per declaration, so that a `Copy` value such as [`Resources`](crate::Resources)
    /// can hold it).
    pub(crate) fn into_static(self) -> &'static str {
        match self.0 {
            Cow::Borrowed(s) => s,
            Cow::Owned(s) => Box::leak(s.into_boxed_str()),
        }
    }
}

/// A host path literal checked at compile time (absolute, no `..`, no trailing `/`).
#[macro_export]
macro_rules! host_path {
    ($s:literal) => {
        $crate::__literal!(
            "host_path",
            $crate::HostPath,
            $s,
            "write an absolute path on the node, e.g. host_path!(\"/var/log\")"
        )
    };
}

/// A reason literal checked at compile time: one non-empty line saying why.
///
/// ```compile_fail
/// let r = dsl::reason!(""); // an empty reason explains nothing
/// ```
#[macro_export]
macro_rules! reason {
    ($s:literal) => {
        $crate::__literal!(
            "reason",
            $crate::Reason,
            $s,
            "say why in one line, e.g. reason!(\"ships the node's log files\")"
        )
    };
}

/// What `type` the kubelet checks a host path against (`hostPath.type`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum HostPathType {
    /// The path must be an existing directory (the default: a typo fails the pod
    /// instead of creating an empty directory on every node).
    #[default]
    Directory,
    /// Created (mode 0755, owned by the kubelet) when missing.
    DirectoryOrCreate,
    /// The path must be an existing file.
    File,
    /// The path must be an existing UNIX socket (e.g. a container runtime socket).
    Socket,
}

impl HostPathType {
    /// The Kubernetes spelling.
    pub const fn as_str(self) -> &'static str {
        match self {
            HostPathType::Directory => "Directory",
            HostPathType::DirectoryOrCreate => "DirectoryOrCreate",
            HostPathType::File => "File",
            HostPathType::Socket => "Socket",
        }
    }
}

/// Linux capabilities a node agent can add (on top of `drop: [ALL]`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[non_exhaustive]
pub enum Capability {
    /// `NET_BIND_SERVICE`: bind ports below 1024 (allowed even by restricted).
    NetBindService,
    /// `CHOWN` (baseline).
    Chown,
    /// `DAC_OVERRIDE`: bypass file permission checks (baseline).
    DacOverride,
    /// `FOWNER` (baseline).
    Fowner,
    /// `KILL` (baseline).
    Kill,
    /// `SETUID` (baseline).
    Setuid,
    /// `SETGID` (baseline).
    Setgid,
    /// `NET_RAW`: raw sockets, e.g. ICMP probes (outside baseline).
    NetRaw,
    /// `NET_ADMIN`: network configuration, e.g. a CNI or VPN agent (outside baseline).
    NetAdmin,
    /// `SYS_ADMIN` (outside baseline).
    SysAdmin,
    /// `SYS_PTRACE`: trace processes, e.g. a profiler (outside baseline).
    SysPtrace,
    /// `SYS_RESOURCE` (outside baseline).
    SysResource,
    /// `SYS_TIME` (outside baseline).
    SysTime,
    /// `BPF`: load eBPF programs (outside baseline).
    Bpf,
    /// `PERFMON`: performance monitoring, e.g. eBPF profilers (outside baseline).
    Perfmon,
    /// `DAC_READ_SEARCH`: read any file, e.g. a log shipper (outside baseline).
    DacReadSearch,
}

impl Capability {
    /// The Kubernetes spelling (without the `CAP_` prefix).
    pub const fn as_str(self) -> &'static str {
        match self {
            Capability::NetBindService => "NET_BIND_SERVICE",
            Capability::Chown => "CHOWN",
            Capability::DacOverride => "DAC_OVERRIDE",
            Capability::Fowner => "FOWNER",
            Capability::Kill => "KILL",
            Capability::Setuid => "SETUID",
            Capability::Setgid => "SETGID",
            Capability::NetRaw => "NET_RAW",
            Capability::NetAdmin => "NET_ADMIN",
            Capability::SysAdmin => "SYS_ADMIN",
            Capability::SysPtrace => "SYS_PTRACE",
            Capability::SysResource => "SYS_RESOURCE",
            Capability::SysTime => "SYS_TIME",
            Capability::Bpf => "BPF",
            Capability::Perfmon => "PERFMON",
            Capability::DacReadSearch => "DAC_READ_SEARCH",
        }
    }

    /// The least Pod Security level that admits a pod adding this capability.
    pub const fn level(self) -> PodSecurityLevel {
        match self {
            Capability::NetBindService => PodSecurityLevel::Restricted,
            Capability::Chown
            | Capability::DacOverride
            | Capability::Fowner
            | Capability::Kill
            | Capability::Setuid
            | Capability::Setgid => PodSecurityLevel::Baseline,
            _ => PodSecurityLevel::Privileged,
        }
    }
}

/// A Pod Security Standard level, ordered from strictest to most permissive.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum PodSecurityLevel {
    /// The hardened profile kairn renders by default.
    Restricted,
    /// Prevents known privilege escalations; admits the default capabilities.
    Baseline,
    /// Unrestricted.
    Privileged,
}

impl PodSecurityLevel {
    /// The label value (`pod-security.kubernetes.io/enforce: <level>`).
    pub const fn as_str(self) -> &'static str {
        match self {
            PodSecurityLevel::Restricted => "restricted",
            PodSecurityLevel::Baseline => "baseline",
            PodSecurityLevel::Privileged => "privileged",
        }
    }
}

/// What a node agent reaches on its node.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum HostAccessKind {
    /// A directory, file or socket of the node, mounted into the container.
    HostPath {
        /// The path on the node.
        path: HostPath,
        /// Where the container sees it.
        mount_path: String,
        /// Mounted read-only (the default).
        read_only: bool,
        /// What the kubelet checks the path is.
        path_type: HostPathType,
    },
    /// The pod uses the node's network namespace (`hostNetwork: true`).
    HostNetwork,
    /// The container port is also bound on the node (`hostPort` = the port's number).
    HostPort(NamedPort),
    /// A Linux capability added to the container.
    Capability(Capability),
    /// The agent's container runs as root (UID and GID 0, `runAsNonRoot: false`).
    RunAsRoot,
}

/// One declared host access with its reason; made by [`Unexplained::reason`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct HostAccess {
    /// What is accessed.
    pub kind: HostAccessKind,
    /// Why (written into the output).
    pub reason: Reason,
}

/// A host access that has no reason yet: call [`reason`](Self::reason).
#[derive(Clone, Debug, PartialEq, Eq)]
#[must_use = "a host access needs `.reason(reason!(\"…\"))`"]
pub struct Unexplained(HostAccessKind);

impl HostAccess {
    /// Mounts the node's `path` at `mount_path`, read-only, checked to be an existing
    /// directory (see [`Unexplained::read_write`] and [`Unexplained::path_type`]).
    pub fn host_path(path: HostPath, mount_path: impl Into<String>) -> Unexplained {
        Unexplained(HostAccessKind::HostPath {
            path,
            mount_path: mount_path.into(),
            read_only: true,
            path_type: HostPathType::Directory,
        })
    }

    /// Runs the pod in the node's network namespace.
    pub fn host_network() -> Unexplained {
        Unexplained(HostAccessKind::HostNetwork)
    }

    /// Binds the container port `port` on the node too (`hostPort`, same number).
    pub fn host_port(port: &NamedPort) -> Unexplained {
        Unexplained(HostAccessKind::HostPort(port.clone()))
    }

    /// Adds `capability` to the container.
    pub fn capability(capability: Capability) -> Unexplained {
        Unexplained(HostAccessKind::Capability(capability))
    }

    /// Runs the agent's container as root: `runAsUser: 0`, `runAsGroup: 0` and
    /// `runAsNonRoot: false` on its security context, for an agent that must read or
    /// write the node's root-owned files (container logs under `/var/log`, device
    /// nodes, a CSI driver's mounts). Kubernetes gives a non-root process no ambient
    /// capabilities, so an added [`Capability`] alone does not let it read a file only
    /// root may read; running as root does.
    ///
    /// Everything else stays hardened: read-only root filesystem, `drop: [ALL]` plus
    /// the declared capabilities only (root without capabilities cannot bypass file
    /// permissions of files it does not own), no privilege escalation, seccomp
    /// `RuntimeDefault`. Sidecars and init containers keep the pod's non-root identity.
    /// Only a [`NodeAgent`](crate::NodeAgent) can declare it, like all host access: the
    /// restricted Pod Security Standard forbids root, `baseline` admits it, so the
    /// namespace kairn creates enforces at least `baseline` (token `runAsRoot`).
    ///
    /// ```
    /// use dsl::*;
    /// let root = HostAccess::run_as_root().reason(reason!("reads root-owned log files"));
    /// assert_eq!(root.token(), "runAsRoot");
    /// assert_eq!(root.pod_security_level(), PodSecurityLevel::Baseline);
    /// ```
    pub fn run_as_root() -> Unexplained {
        Unexplained(HostAccessKind::RunAsRoot)
    }

    /// The least Pod Security level that admits this access.
    pub fn pod_security_level(&self) -> PodSecurityLevel {
        match &self.kind {
            HostAccessKind::Capability(c) => c.level(),
            HostAccessKind::RunAsRoot => PodSecurityLevel::Baseline,
            _ => PodSecurityLevel::Privileged,
        }
    }

    /// The machine-readable form written into the `kairn.dev/host-access` annotation and
    /// read back by the validator: `hostPath=<path>`, `hostNetwork`, `hostPort=<n>`,
    /// `capability=<NAME>` or `runAsRoot`.
    pub fn token(&self) -> String {
        match &self.kind {
            HostAccessKind::HostPath { path, .. } => format!("hostPath={path}"),
            HostAccessKind::HostNetwork => "hostNetwork".to_owned(),
            HostAccessKind::HostPort(p) => format!("hostPort={}", p.number),
            HostAccessKind::Capability(c) => format!("capability={}", c.as_str()),
            HostAccessKind::RunAsRoot => "runAsRoot".to_owned(),
        }
    }
}

impl fmt::Display for HostAccess {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.token(), self.reason)
    }
}

impl Unexplained {
    /// Says why the agent needs this access, which makes it a [`HostAccess`].
    pub fn reason(self, reason: Reason) -> HostAccess {
        HostAccess {
            kind: self.0,
            reason,
        }
    }

    /// Mounts a host path read-write (it is read-only unless this is called).
    pub fn read_write(mut self) -> Self {
        if let HostAccessKind::HostPath { read_only, .. } = &mut self.0 {
            *read_only = false;
        }
        self
    }

    /// Sets what the kubelet checks a host path is (a directory unless this is called).
    pub fn path_type(mut self, t: HostPathType) -> Self {
        if let HostAccessKind::HostPath { path_type, .. } = &mut self.0 {
            *path_type = t;
        }
        self
    }
}

/// A host access with a reason: what [`NodeAgent`](crate::NodeAgent)'s `host_access`
/// accepts. Only [`HostAccess`] implements it, so an [`Unexplained`] one is a compile
/// error that says to add the reason.
#[diagnostic::on_unimplemented(
    message = "host access without a reason: add `.reason(reason!(\"why the agent needs it\"))` to `{Self}`",
    label = "this host access has no reason",
    note = "host access lowers the namespace's Pod Security level, so each one says why in the output: `HostAccess::host_network().reason(reason!(\"…\"))`"
)]
pub trait Explained {
    #[doc(hidden)]
    fn into_host_access(self) -> HostAccess;
}

impl Explained for HostAccess {
    fn into_host_access(self) -> HostAccess {
        self
    }
}

/// The least Pod Security level that admits every access in `accesses`.
pub fn required_level<'a>(accesses: impl IntoIterator<Item = &'a HostAccess>) -> PodSecurityLevel {
    accesses
        .into_iter()
        .map(HostAccess::pod_security_level)
        .max()
        .unwrap_or(PodSecurityLevel::Restricted)
}
