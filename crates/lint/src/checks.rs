//! Format rules shared by compile-time (`const`) and run-time constructors.
//!
//! Every function returns `None` when the input is valid, or `Some(reason)` with a
//! sentence a user can act on. They are `const fn` so literals are checked while the
//! program compiles.

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

/// Whether `b[start..end]` equals `word`, ignoring ASCII case.
const fn eq_ignore_case(b: &[u8], start: usize, end: usize, word: &[u8]) -> bool {
    if end - start != word.len() {
        return false;
    }
    let mut i = 0;
    while i < word.len() {
        if !b[start + i].eq_ignore_ascii_case(&word[i]) {
            return false;
        }
        i += 1;
    }
    true
}

const MONTHS: [&[u8]; 12] = [
    b"jan", b"feb", b"mar", b"apr", b"may", b"jun", b"jul", b"aug", b"sep", b"oct", b"nov", b"dec",
];
const WEEKDAYS: [&[u8]; 7] = [b"sun", b"mon", b"tue", b"wed", b"thu", b"fri", b"sat"];

/// Bounds of cron field `field` (0 minute, 1 hour, 2 day of month, 3 month, 4 day of week).
const fn cron_bounds(field: usize) -> (u32, u32) {
    match field {
        0 => (0, 59),
        1 => (0, 23),
        2 => (1, 31),
        3 => (1, 12),
        _ => (0, 6),
    }
}

/// The message for a value outside field `field`'s range.
const fn cron_range_error(field: usize) -> &'static str {
    match field {
        0 => "cron schedule: the minute (1st field) must be 0-59",
        1 => "cron schedule: the hour (2nd field) must be 0-23",
        2 => "cron schedule: the day of month (3rd field) must be 1-31",
        3 => "cron schedule: the month (4th field) must be 1-12 or JAN-DEC",
        _ => "cron schedule: the day of week (5th field) must be 0-6 (Sunday is 0) or SUN-SAT",
    }
}

/// One value of a cron field: a number, or a month or weekday name where allowed.
const fn cron_value(b: &[u8], start: usize, end: usize, field: usize) -> Result<u32, &'static str> {
    if start == end {
        return Err("cron schedule: a range or step is missing a number (e.g. \"1-5\", \"*/15\")");
    }
    if b[start].is_ascii_alphabetic() {
        let mut i = 0;
        if field == 3 {
            while i < MONTHS.len() {
                if eq_ignore_case(b, start, end, MONTHS[i]) {
                    return Ok(i as u32 + 1);
                }
                i += 1;
            }
        } else if field == 4 {
            while i < WEEKDAYS.len() {
                if eq_ignore_case(b, start, end, WEEKDAYS[i]) {
                    return Ok(i as u32);
                }
                i += 1;
            }
        }
        return Err(match field {
            3 => "cron schedule: a month name is one of JAN FEB MAR APR MAY JUN JUL AUG SEP OCT NOV DEC",
            4 => "cron schedule: a weekday name is one of SUN MON TUE WED THU FRI SAT",
            _ => "cron schedule: names are allowed only for the month (JAN-DEC) and day of week (SUN-SAT)",
        });
    }
    let mut n: u32 = 0;
    let mut i = start;
    while i < end {
        if !b[i].is_ascii_digit() {
            return Err("cron schedule: a field may contain only numbers, names, '*', '?', ',', '-' and '/'");
        }
        if n > 1000 {
            return Err(cron_range_error(field));
        }
        n = n * 10 + (b[i] - b'0') as u32;
        i += 1;
    }
    Ok(n)
}

/// One cron field `b[start..end]`: a comma-separated list of `*`, `?`, `a`, `a-b`, each
/// with an optional `/step`.
const fn cron_field(b: &[u8], start: usize, end: usize, field: usize) -> Option<&'static str> {
    let (min, max) = cron_bounds(field);
    let mut part = start;
    while part <= end {
        let mut part_end = part;
        while part_end < end && b[part_end] != b',' {
            part_end += 1;
        }
        if part_end == part {
            return Some("cron schedule: a list has an empty element (\"1,,2\" or a trailing ',')");
        }
        let mut slash = part;
        while slash < part_end && b[slash] != b'/' {
            slash += 1;
        }
        let stepped = slash < part_end;
        if stepped {
            let step = match cron_value(b, slash + 1, part_end, 0) {
                Ok(n) => n,
                Err(_) => {
                    return Some("cron schedule: a step (after '/') must be a positive number")
                }
            };
            if step == 0 {
                return Some("cron schedule: a step (after '/') must be a positive number");
            }
        }
        let star = slash - part == 1 && (b[part] == b'*' || b[part] == b'?');
        if !star {
            let mut dash = part;
            while dash < slash && b[dash] != b'-' {
                dash += 1;
            }
            let lo = match cron_value(b, part, dash, field) {
                Ok(n) => n,
                Err(e) => return Some(e),
            };
            let hi = if dash < slash {
                match cron_value(b, dash + 1, slash, field) {
                    Ok(n) => n,
                    Err(e) => return Some(e),
                }
            } else {
                lo
            };
            if lo < min || hi > max {
                return Some(cron_range_error(field));
            }
            if lo > hi {
                return Some(
                    "cron schedule: a range must go from low to high (\"1-5\", not \"5-1\")",
                );
            }
        }
        part = part_end + 1;
    }
    None
}

/// A Kubernetes CronJob schedule: five fields (minute, hour, day of month, month, day of
/// week) of numbers, ranges, steps, lists, `*` and month/weekday names, or one of the
/// macros `@yearly`, `@annually`, `@monthly`, `@weekly`, `@daily`, `@midnight`, `@hourly`
/// (the standard parser of `robfig/cron` that the API server uses). A time zone goes in
/// the CronJob's `timeZone`, never in the schedule.
pub const fn cron(s: &str) -> Option<&'static str> {
    let b = s.as_bytes();
    if b.is_empty() {
        return Some("a cron schedule must not be empty; write five fields, e.g. \"0 3 * * *\"");
    }
    if b[0] == b'@' {
        let macros: [&[u8]; 7] = [
            b"@yearly",
            b"@annually",
            b"@monthly",
            b"@weekly",
            b"@daily",
            b"@midnight",
            b"@hourly",
        ];
        let mut i = 0;
        while i < macros.len() {
            if eq_ignore_case(b, 0, b.len(), macros[i]) {
                return None;
            }
            i += 1;
        }
        return Some("unknown cron macro: use @yearly, @annually, @monthly, @weekly, @daily, @midnight or @hourly, or five fields such as \"0 3 * * *\"");
    }
    if (b.len() >= 3 && eq_ignore_case(b, 0, 3, b"tz="))
        || (b.len() >= 8 && eq_ignore_case(b, 0, 8, b"cron_tz="))
    {
        return Some("a cron schedule must not name a time zone (TZ= or CRON_TZ=): Kubernetes rejects it; set the job's time zone instead");
    }
    let mut field = 0;
    let mut i = 0;
    while i < b.len() {
        if b[i] == b' ' || b[i] == b'\t' {
            i += 1;
            continue;
        }
        let start = i;
        while i < b.len() && b[i] != b' ' && b[i] != b'\t' {
            i += 1;
        }
        if field == 5 {
            return Some("a cron schedule has exactly five fields (minute hour day-of-month month day-of-week), e.g. \"0 3 * * *\"; seconds are not supported");
        }
        if let Some(e) = cron_field(b, start, i, field) {
            return Some(e);
        }
        field += 1;
    }
    if field != 5 {
        return Some("a cron schedule has exactly five fields (minute hour day-of-month month day-of-week), e.g. \"0 3 * * *\"");
    }
    None
}

/// An IANA time zone name, checked loosely: `UTC`, or `Area/Location` parts of letters,
/// digits, `_`, `-` and `+`, each starting with a letter (`Europe/Berlin`,
/// `America/Argentina/Buenos_Aires`, `Etc/GMT+5`). Whether the zone exists is up to the
/// cluster's time zone database; `Local` is rejected as Kubernetes does.
pub const fn time_zone(s: &str) -> Option<&'static str> {
    let b = s.as_bytes();
    if b.is_empty() || b.len() > 64 {
        return Some(
            "a time zone is an IANA name of 1-64 characters, e.g. \"Europe/Berlin\" or \"UTC\"",
        );
    }
    if eq_ignore_case(b, 0, b.len(), b"local") {
        return Some("the time zone \"Local\" depends on the controller's host and is rejected by Kubernetes; name an IANA zone such as \"Europe/Berlin\"");
    }
    let mut start = 0;
    let mut i = 0;
    while i <= b.len() {
        if i == b.len() || b[i] == b'/' {
            if i == start {
                return Some("a time zone must not have empty parts (\"Europe//Berlin\" or a leading/trailing '/')");
            }
            if !b[start].is_ascii_alphabetic() {
                return Some(
                    "each part of a time zone name starts with a letter (\"Europe/Berlin\")",
                );
            }
            start = i + 1;
        } else if !(b[i].is_ascii_alphanumeric() || b[i] == b'_' || b[i] == b'-' || b[i] == b'+') {
            return Some("a time zone is an IANA name of letters, digits, '_', '-', '+' and '/', e.g. \"America/New_York\"");
        }
        i += 1;
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn labels() {
        assert_eq!(dns_label("triage-warden"), None);
        assert!(dns_label("Bad_Name").is_some());
        assert!(dns_label("-a").is_some());
        assert!(dns_label(&"a".repeat(64)).is_some());
        assert_eq!(dns_label(&"a".repeat(63)), None);
    }

    #[test]
    fn port_names() {
        assert_eq!(port_name("http"), None);
        assert_eq!(port_name("raft"), None);
        assert!(port_name("8080").is_some());
        assert!(port_name("a--b").is_some());
        assert!(port_name("way-too-long-port-name").is_some());
    }

    #[test]
    fn quantities() {
        assert_eq!(cpu_millis("250m"), Ok(250));
        assert_eq!(cpu_millis("2"), Ok(2000));
        assert_eq!(cpu_millis("1.5"), Ok(1500));
        assert!(cpu_millis("250x").is_err());
        assert!(cpu_millis("0").is_err());
        assert_eq!(bytes("512Mi"), Ok(512 << 20));
        assert_eq!(bytes("1G"), Ok(1_000_000_000));
        assert!(bytes("512MB").is_err());
        assert!(bytes("Mi").is_err());
    }

    #[test]
    fn hosts_and_keys() {
        assert_eq!(dns_subdomain("api.gorax.io"), None);
        assert!(dns_subdomain("api..io").is_some());
        assert_eq!(data_key("database-url"), None);
        assert_eq!(data_key("TW_JWT_SECRET"), None);
        assert!(data_key("a/b").is_some());
        assert_eq!(env_name("RUST_LOG"), None);
        assert!(env_name("1X").is_some());
        assert_eq!(env_name_check("RUST_LOG"), EnvNameCheck::Portable);
        for accepted in ["1X", "my.var", "my-var", "a b", "x:y~"] {
            assert!(
                matches!(env_name_check(accepted), EnvNameCheck::NotPortable(_)),
                "{accepted}"
            );
            assert_eq!(
                env_name(accepted),
                match env_name_check(accepted) {
                    EnvNameCheck::NotPortable(why) => Some(why),
                    _ => None,
                }
            );
        }
        for rejected in ["", "A=B", "tab\there", "caf\u{e9}"] {
            assert!(
                matches!(env_name_check(rejected), EnvNameCheck::Rejected(_)),
                "{rejected:?}"
            );
            assert!(env_name(rejected).is_some());
        }
        assert_eq!(label_value("sha-abc"), None);
        assert!(label_value("-x").is_some());
    }

    #[test]
    fn label_keys_never_override_derived_labels() {
        assert_eq!(label_key("team"), None);
        assert_eq!(label_key("kairn.dev/git-commit"), None);
        assert_eq!(label_key("example.com/cost-center"), None);
        for derived in DERIVED_LABEL_KEYS {
            assert!(label_key(derived).is_some(), "{derived}");
        }
        assert!(label_key("").is_some());
        assert!(label_key("/x").is_some());
        assert!(label_key("a/b/c").is_some());
        assert!(label_key("Example.com/x").is_some());
        assert!(label_key("x/-y").is_some());
        assert!(label_key("x/y z").is_some());
    }

    #[test]
    fn cron_schedules() {
        for ok in [
            "0 3 * * *",
            "*/15 * * * *",
            "0 9-17/2 * * MON-FRI",
            "30 2 1,15 * *",
            "0 0 1 jan,jul *",
            "5/10 * ? * sun",
            "0  4 * *  6",
            "@daily",
            "@Hourly",
            "@midnight",
            "59 23 31 12 6",
        ] {
            assert_eq!(cron(ok), None, "{ok}");
        }
        for (bad, why) in [
            ("", "empty"),
            ("0 3 * *", "five fields"),
            ("0 0 3 * * *", "seconds"),
            ("60 * * * *", "minute"),
            ("0 24 * * *", "hour"),
            ("0 0 0 * *", "day of month"),
            ("0 0 1 13 *", "month"),
            ("0 0 * * 7", "day of week"),
            ("0 0 * FOO *", "month name"),
            ("0 0 * * MONDAY", "weekday name"),
            ("MON * * * *", "names are allowed only"),
            ("*/0 * * * *", "step"),
            ("5-1 * * * *", "low to high"),
            ("1,,2 * * * *", "empty element"),
            ("1- * * * *", "missing a number"),
            ("@every 5m", "macro"),
            ("@often", "macro"),
            ("CRON_TZ=UTC 0 3 * * *", "time zone"),
            ("0 3 * * * #", "five fields"),
            ("0 L * * *", "names are allowed only"),
        ] {
            let e = cron(bad).unwrap_or_else(|| panic!("{bad:?} must be rejected"));
            assert!(e.contains(why), "{bad:?}: {e}");
        }
    }

    #[test]
    fn time_zones() {
        for ok in [
            "UTC",
            "Europe/Berlin",
            "America/Argentina/Buenos_Aires",
            "Etc/GMT+5",
            "America/Port-au-Prince",
        ] {
            assert_eq!(time_zone(ok), None, "{ok}");
        }
        for bad in [
            "",
            "Local",
            "Europe//Berlin",
            "/UTC",
            "Europe/Berlin ",
            "+05:00",
            "Europe/1Berlin",
        ] {
            assert!(time_zone(bad).is_some(), "{bad:?}");
        }
    }
}
