//! Format rules shared by compile-time (`const`) and run-time constructors.
//!
//! Every function returns `None` when the input is valid, or `Some(reason)` with a
//! sentence a user can act on. They are `const fn` so literals are checked while the
//! program compiles.
//!
//! Callers: the literal macros of `dsl` (`name!`, `cpu!`, `image!`, ...), in a `const`
//! item, and the run-time `parse` constructors of `dsl::primitives`; the validator applies
//! the same functions to the fields of the objects it checks. So a literal, a run-time value
//! and a field of hand-written YAML all meet one rule. Image references follow the
//! distribution/reference grammar in [`crate::image`] (the `Image` and `ImageVersion` types
//! stay in `dsl::primitives::image`).

mod cron;
#[cfg(test)]
mod tests;

pub use cron::{cron, time_zone};

const fn is_lower_alnum(b: u8) -> bool {
    b.is_ascii_lowercase() || b.is_ascii_digit()
}

/// RFC 1123 label: 1-63 chars of `a-z`, `0-9`, `-`, starting and ending alphanumeric.
pub const fn dns_label(s: &str) -> Option<&'static str> {
    let b = s.as_bytes();
    if b.is_empty() {
        return Some("a name must not be empty");
    }
    if b.len() > 63 {
        return Some("a name must be at most 63 characters (RFC 1123 label)");
    }
    let mut i = 0;
    while i < b.len() {
        if !(is_lower_alnum(b[i]) || b[i] == b'-') {
            return Some(
                "a name may contain only lowercase letters, digits and '-' (RFC 1123 label)",
            );
        }
        i += 1;
    }
    if !is_lower_alnum(b[0]) || !is_lower_alnum(b[b.len() - 1]) {
        return Some("a name must start and end with a lowercase letter or digit (RFC 1123 label)");
    }
    None
}

/// RFC 1123 subdomain: dot-separated labels, at most 253 chars (host names).
pub const fn dns_subdomain(s: &str) -> Option<&'static str> {
    let b = s.as_bytes();
    if b.is_empty() || b.len() > 253 {
        return Some("a host name must be 1-253 characters");
    }
    let mut start = 0;
    let mut i = 0;
    while i <= b.len() {
        if i == b.len() || b[i] == b'.' {
            if i == start {
                return Some(
                    "a host name must not have empty labels (\"..\" or a leading/trailing dot)",
                );
            }
            if i - start > 63 {
                return Some(
                    "each dot-separated part of a host name must be at most 63 characters",
                );
            }
            if !is_lower_alnum(b[start]) || !is_lower_alnum(b[i - 1]) {
                return Some(
                    "each part of a host name must start and end with a lowercase letter or digit",
                );
            }
            start = i + 1;
        } else if !(is_lower_alnum(b[i]) || b[i] == b'-') {
            return Some("a host name may contain only lowercase letters, digits, '-' and '.'");
        }
        i += 1;
    }
    None
}

/// IANA service name as used for container and Service port names: at most 15
/// characters of `a-z0-9-`, at least one letter, no leading, trailing or double `-`.
pub const fn port_name(s: &str) -> Option<&'static str> {
    let b = s.as_bytes();
    if b.is_empty() || b.len() > 15 {
        return Some("a port name must be 1-15 characters (IANA service name)");
    }
    if b[0] == b'-' || b[b.len() - 1] == b'-' {
        return Some("a port name must not start or end with '-'");
    }
    let mut letters = 0;
    let mut i = 0;
    while i < b.len() {
        let c = b[i];
        if c.is_ascii_lowercase() {
            letters += 1;
        } else if c == b'-' {
            if i > 0 && b[i - 1] == b'-' {
                return Some("a port name must not contain \"--\"");
            }
        } else if !c.is_ascii_digit() {
            return Some("a port name may contain only lowercase letters, digits and '-'");
        }
        i += 1;
    }
    if letters == 0 {
        return Some("a port name must contain at least one letter");
    }
    None
}

/// How an environment variable name fares against the API server and against kairn's policy.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum EnvNameCheck {
    /// A portable name, `[A-Za-z_][A-Za-z0-9_]*`.
    Portable,
    /// Kubernetes accepts the name, kairn's policy does not (the reason says why).
    NotPortable(&'static str),
    /// The API server rejects the name (the reason says why).
    Rejected(&'static str),
}

/// Classifies an environment variable name; the one check behind [`env_name`] (the DSL's
/// `EnvName`) and `lint`'s `env-name-format` (error) and `env-name-portable`
/// (warning) rules.
///
/// Kubernetes 1.33 (RelaxedEnvironmentVariableValidation, on by default since 1.32) accepts
/// any non-empty name of printable ASCII characters except `=`. kairn's policy is
/// stricter: a portable identifier `[A-Za-z_][A-Za-z0-9_]*`, the only names every shell
/// and runtime can read back (and all that API servers before 1.32 accept besides `-`
/// and `.`).
pub const fn env_name_check(s: &str) -> EnvNameCheck {
    let b = s.as_bytes();
    if b.is_empty() {
        return EnvNameCheck::Rejected("an environment variable name must not be empty");
    }
    let mut i = 0;
    while i < b.len() {
        let c = b[i];
        if c == b'=' {
            return EnvNameCheck::Rejected("an environment variable name must not contain '='");
        }
        if !(c.is_ascii_graphic() || c == b' ') {
            return EnvNameCheck::Rejected(
                "an environment variable name may contain only printable ASCII characters",
            );
        }
        i += 1;
    }
    if b[0].is_ascii_digit() {
        return EnvNameCheck::NotPortable(
            "an environment variable name must not start with a digit",
        );
    }
    let mut i = 0;
    while i < b.len() {
        let c = b[i];
        if !(c.is_ascii_alphanumeric() || c == b'_') {
            return EnvNameCheck::NotPortable(
                "an environment variable name may contain only letters, digits and '_'",
            );
        }
        i += 1;
    }
    EnvNameCheck::Portable
}

/// Environment variable name: `[A-Za-z_][A-Za-z0-9_]*` (portable C identifier), see
/// [`env_name_check`].
pub const fn env_name(s: &str) -> Option<&'static str> {
    match env_name_check(s) {
        EnvNameCheck::Portable => None,
        EnvNameCheck::NotPortable(why) | EnvNameCheck::Rejected(why) => Some(why),
    }
}

/// ConfigMap / Secret data key: 1-253 chars of `[-._a-zA-Z0-9]`, not `.` or `..`.
pub const fn data_key(s: &str) -> Option<&'static str> {
    let b = s.as_bytes();
    if b.is_empty() || b.len() > 253 {
        return Some("a ConfigMap/Secret key must be 1-253 characters");
    }
    if (b.len() == 1 && b[0] == b'.') || (b.len() == 2 && b[0] == b'.' && b[1] == b'.') {
        return Some("a ConfigMap/Secret key must not be '.' or '..'");
    }
    let mut i = 0;
    while i < b.len() {
        let c = b[i];
        if !(c.is_ascii_alphanumeric() || c == b'-' || c == b'_' || c == b'.') {
            return Some(
                "a ConfigMap/Secret key may contain only letters, digits, '-', '_' and '.'",
            );
        }
        i += 1;
    }
    None
}

/// Label value: empty or at most 63 chars of `[A-Za-z0-9._-]`, starting and ending alphanumeric.
pub const fn label_value(s: &str) -> Option<&'static str> {
    let b = s.as_bytes();
    if b.is_empty() {
        return None;
    }
    if b.len() > 63 {
        return Some("a label value must be at most 63 characters");
    }
    if !b[0].is_ascii_alphanumeric() || !b[b.len() - 1].is_ascii_alphanumeric() {
        return Some("a label value must start and end with a letter or digit");
    }
    let mut i = 0;
    while i < b.len() {
        let c = b[i];
        if !(c.is_ascii_alphanumeric() || c == b'-' || c == b'_' || c == b'.') {
            return Some("a label value may contain only letters, digits, '-', '_' and '.'");
        }
        i += 1;
    }
    None
}

/// The label keys kairn derives on every object; the selector labels among them
/// (`name`, `instance`, `component`) select a component's pods and never change.
pub const DERIVED_LABEL_KEYS: [&str; 7] = [
    "app.kubernetes.io/name",
    "app.kubernetes.io/instance",
    "app.kubernetes.io/component",
    "app.kubernetes.io/part-of",
    "app.kubernetes.io/managed-by",
    "app.kubernetes.io/version",
    "kairn.dev/environment",
];

const fn str_eq(a: &[u8], b: &[u8]) -> bool {
    if a.len() != b.len() {
        return false;
    }
    let mut i = 0;
    while i < a.len() {
        if a[i] != b[i] {
            return false;
        }
        i += 1;
    }
    true
}

/// A label key an app may add: `[prefix/]name` (prefix a DNS subdomain, name at most 63
/// characters of `[-_.a-zA-Z0-9]`, alphanumeric at both ends), and not one of the
/// [`DERIVED_LABEL_KEYS`], so that extra labels can never override the selector labels.
pub const fn label_key(s: &str) -> Option<&'static str> {
    let b = s.as_bytes();
    let mut i = 0;
    while i < DERIVED_LABEL_KEYS.len() {
        if str_eq(b, DERIVED_LABEL_KEYS[i].as_bytes()) {
            return Some("this label is derived by kairn (app.kubernetes.io/name, instance and component select the pods; part-of, managed-by, version and kairn.dev/environment are set on every object) and cannot be overridden");
        }
        i += 1;
    }
    let mut slash = b.len();
    let mut j = 0;
    while j < b.len() {
        if b[j] == b'/' {
            if slash != b.len() {
                return Some("a label key has at most one '/' (prefix/name)");
            }
            slash = j;
        }
        j += 1;
    }
    let (prefix, name) = b.split_at(if slash == b.len() { 0 } else { slash });
    if slash != b.len() {
        if prefix.is_empty() {
            return Some("a label key's prefix (before '/') must not be empty");
        }
        // `prefix` is ASCII-checked by dns_subdomain on the &str it came from.
        let (p, _) = s.split_at(slash);
        if dns_subdomain(p).is_some() {
            return Some("a label key's prefix (before '/') must be a lowercase DNS subdomain");
        }
    }
    let name = if slash == b.len() {
        name
    } else {
        name.split_at(1).1
    };
    if name.is_empty() || name.len() > 63 {
        return Some("a label key's name (after any '/') must be 1-63 characters");
    }
    if !name[0].is_ascii_alphanumeric() || !name[name.len() - 1].is_ascii_alphanumeric() {
        return Some("a label key's name must start and end with a letter or digit");
    }
    let mut k = 0;
    while k < name.len() {
        let c = name[k];
        if !(c.is_ascii_alphanumeric() || c == b'-' || c == b'_' || c == b'.') {
            return Some("a label key's name may contain only letters, digits, '-', '_' and '.'");
        }
        k += 1;
    }
    None
}

/// HTTP path for probes and ingress rules: starts with `/`, no whitespace.
pub const fn http_path(s: &str) -> Option<&'static str> {
    let b = s.as_bytes();
    if b.is_empty() || b[0] != b'/' {
        return Some("an HTTP path must start with '/'");
    }
    let mut i = 0;
    while i < b.len() {
        if b[i] <= b' ' || b[i] == 0x7f {
            return Some("an HTTP path must not contain spaces or control characters");
        }
        i += 1;
    }
    None
}

/// Parses a CPU quantity (`"250m"`, `"1"`, `"1.5"`) into millicores.
pub const fn cpu_millis(s: &str) -> Result<u32, &'static str> {
    let b = s.as_bytes();
    if b.is_empty() {
        return Err("a CPU quantity must not be empty; write e.g. \"250m\" or \"2\"");
    }
    let (digits_end, milli) = if b[b.len() - 1] == b'm' {
        (b.len() - 1, true)
    } else {
        (b.len(), false)
    };
    if digits_end == 0 {
        return Err("a CPU quantity needs a number; write e.g. \"250m\" or \"2\"");
    }
    let mut whole: u64 = 0;
    let mut frac: u64 = 0;
    let mut frac_digits = 0;
    let mut seen_dot = false;
    let mut i = 0;
    while i < digits_end {
        let c = b[i];
        if c == b'.' && !seen_dot && !milli {
            seen_dot = true;
        } else if c.is_ascii_digit() {
            if seen_dot {
                if frac_digits == 3 {
                    return Err("a CPU quantity has at most millicore precision (3 decimals)");
                }
                frac = frac * 10 + (c - b'0') as u64;
                frac_digits += 1;
            } else {
                whole = whole * 10 + (c - b'0') as u64;
                if whole > 1_000_000 {
                    return Err("a CPU quantity must be at most 1000000 cores");
                }
            }
        } else {
            return Err(
                "a CPU quantity is a number of cores (\"2\", \"0.5\") or millicores (\"250m\")",
            );
        }
        i += 1;
    }
    while frac_digits < 3 {
        frac *= 10;
        frac_digits += 1;
    }
    let millis = if milli { whole } else { whole * 1000 + frac };
    if millis == 0 {
        return Err("a CPU quantity must be greater than zero");
    }
    if millis > u32::MAX as u64 {
        return Err("a CPU quantity is too large");
    }
    Ok(millis as u32)
}

/// Parses a byte quantity (`"512Mi"`, `"2Gi"`, `"1G"`, `"1024"`) into bytes.
pub const fn bytes(s: &str) -> Result<u64, &'static str> {
    let b = s.as_bytes();
    let mut end = 0;
    let mut value: u64 = 0;
    while end < b.len() && b[end].is_ascii_digit() {
        value = match value.checked_mul(10) {
            Some(v) => v + (b[end] - b'0') as u64,
            None => return Err("a byte quantity is too large"),
        };
        end += 1;
    }
    if end == 0 {
        return Err(
            "a byte quantity must start with a whole number; write e.g. \"512Mi\" or \"2Gi\"",
        );
    }
    let rest_len = b.len() - end;
    let multiplier: u64 = if rest_len == 0 {
        1
    } else if rest_len == 2 && b[end + 1] == b'i' {
        match b[end] {
            b'K' => 1 << 10,
            b'M' => 1 << 20,
            b'G' => 1 << 30,
            b'T' => 1 << 40,
            b'P' => 1 << 50,
            _ => return Err("unknown byte unit; use Ki, Mi, Gi, Ti, Pi (or k, M, G, T, P)"),
        }
    } else if rest_len == 1 {
        match b[end] {
            b'k' => 1_000,
            b'M' => 1_000_000,
            b'G' => 1_000_000_000,
            b'T' => 1_000_000_000_000,
            b'P' => 1_000_000_000_000_000,
            b'm' => {
                return Err("\"m\" means milli; memory and storage are whole bytes: use Mi or M")
            }
            _ => return Err("unknown byte unit; use Ki, Mi, Gi, Ti, Pi (or k, M, G, T, P)"),
        }
    } else {
        return Err("unknown byte unit; use Ki, Mi, Gi, Ti, Pi (or k, M, G, T, P)");
    };
    match value.checked_mul(multiplier) {
        Some(0) => Err("a byte quantity must be greater than zero"),
        Some(v) => Ok(v),
        None => Err("a byte quantity is too large"),
    }
}
