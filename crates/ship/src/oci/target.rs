//! Where to publish: the `--to` reference (`oci://HOST[:PORT]/PATH`), the OCI
//! repository-name grammar, and the tag of a package version.

use std::fmt;

use semver::Version;

/// Where to publish: `oci://HOST[:PORT]/PATH` (`--to`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Target {
    /// `HOST[:PORT]`.
    pub registry: String,
    /// Repository prefix, without leading or trailing `/`; may be empty.
    pub path: String,
}

impl Target {
    /// Parses `oci://HOST[:PORT][/PATH]`. PATH components must be valid OCI repository
    /// name components (lower case letters, digits, `.`, `_`, `-` between them).
    pub fn parse(to: &str) -> Result<Target, String> {
        let Some(rest) = to.strip_prefix("oci://") else {
            return Err(format!(
                "--to {to:?} is not an OCI reference; expected oci://HOST[:PORT]/PATH"
            ));
        };
        let (registry, path) = rest.split_once('/').unwrap_or((rest, ""));
        let path = path.trim_end_matches('/');
        if registry.is_empty() {
            return Err(format!("--to {to:?} names no registry host"));
        }
        let (host, port) = match registry.rsplit_once(':') {
            Some((h, p)) if !h.ends_with(']') || h.starts_with('[') => (h, Some(p)),
            _ => (registry, None),
        };
        let host_ok = !host.is_empty()
            && host.chars().all(|c| {
                c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '[' | ']' | ':' | '_')
            });
        let port_ok = port.is_none_or(|p| {
            !p.is_empty() && p.chars().all(|c| c.is_ascii_digit()) && p.parse::<u16>().is_ok()
        });
        if !host_ok || !port_ok || registry.contains('@') {
            return Err(format!(
                "--to {to:?}: {registry:?} is not a registry HOST[:PORT]"
            ));
        }
        if !path.is_empty() {
            if let Some(bad) = path.split('/').find(|c| !is_repository_component(c)) {
                return Err(format!(
                    "--to {to:?}: path component {bad:?} is not a valid OCI repository name \
                     (lower case letters and digits, separated by '.', '_', '__' or '-')"
                ));
            }
        }
        Ok(Target {
            registry: registry.to_owned(),
            path: path.to_owned(),
        })
    }

    /// The repository `name` under the target path.
    pub fn repository(&self, name: &str) -> String {
        if self.path.is_empty() {
            name.to_owned()
        } else {
            format!("{}/{name}", self.path)
        }
    }
}

impl fmt::Display for Target {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.path.is_empty() {
            write!(f, "oci://{}", self.registry)
        } else {
            write!(f, "oci://{}/{}", self.registry, self.path)
        }
    }
}

// Hand-written on purpose: this is the OCI distribution spec's grammar for one path
// component, and `--to` names only a registry and a path prefix. oci-client's `Reference`
// parser takes whole `HOST/NAME:TAG` references and fills in Docker defaults
// (`docker.io`, `library/`), so it cannot judge a prefix or a bare `oci://HOST`.
/// Whether `c` is one OCI repository path component: `[a-z0-9]+((\.|_|__|-+)[a-z0-9]+)*`.
pub fn is_repository_component(c: &str) -> bool {
    let b = c.as_bytes();
    let alnum = |x: u8| x.is_ascii_lowercase() || x.is_ascii_digit();
    if b.is_empty() || !alnum(b[0]) || !alnum(b[b.len() - 1]) {
        return false;
    }
    let mut i = 0;
    while i < b.len() {
        if alnum(b[i]) {
            i += 1;
            continue;
        }
        let start = i;
        while i < b.len() && !alnum(b[i]) {
            i += 1;
        }
        let sep = &c[start..i];
        let ok = sep == "." || sep == "_" || sep == "__" || sep.bytes().all(|x| x == b'-');
        if !ok {
            return false;
        }
    }
    true
}

/// The OCI tag of a version: SemVer build metadata's `+` becomes `_` (not allowed in
/// tags), as Helm does it.
pub fn tag_for(version: &Version) -> String {
    version.to_string().replace('+', "_")
}
