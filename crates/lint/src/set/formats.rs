//! Formats the API server checks: DNS labels and subdomains, qualified names, label
//! values, port names, quantities, image references.

pub(crate) fn lower_alnum(c: u8) -> bool {
    c.is_ascii_lowercase() || c.is_ascii_digit()
}

/// RFC 1123 label (1-63 chars).
pub(crate) fn dns_label(s: &str) -> Option<&'static str> {
    crate::checks::dns_label(s)
}

/// RFC 1035 label: an RFC 1123 label that starts with a letter (Service names).
pub(crate) fn dns1035_label(s: &str) -> Option<&'static str> {
    dns_label(s).or_else(|| {
        (!s.as_bytes()[0].is_ascii_lowercase())
            .then_some("a Service name must start with a lowercase letter (RFC 1035 label)")
    })
}

/// RFC 1123 subdomain (object names).
pub(crate) fn dns_subdomain(s: &str) -> Option<&'static str> {
    let b = s.as_bytes();
    if b.is_empty() {
        return Some("a name must not be empty");
    }
    if b.len() > 253 {
        return Some("a name must be at most 253 characters (RFC 1123 subdomain)");
    }
    for part in s.split('.') {
        let p = part.as_bytes();
        if p.is_empty() || !lower_alnum(p[0]) || !lower_alnum(p[p.len() - 1]) {
            return Some("each dot-separated part of a name must start and end with a lowercase letter or digit (RFC 1123 subdomain)");
        }
        if !p.iter().all(|c| lower_alnum(*c) || *c == b'-') {
            return Some("a name may contain only lowercase letters, digits, '-' and '.' (RFC 1123 subdomain)");
        }
    }
    None
}

/// Qualified name: `[prefix/]name` where prefix is a DNS subdomain and name is at most
/// 63 chars of `[A-Za-z0-9._-]`, starting and ending alphanumeric.
pub(crate) fn qualified_name(s: &str) -> Option<String> {
    let (prefix, name) = match s.rsplit_once('/') {
        Some((p, n)) => (Some(p), n),
        None => (None, s),
    };
    if let Some(p) = prefix {
        if let Some(e) = dns_subdomain(p) {
            return Some(format!("prefix `{p}`: {e}"));
        }
    }
    let b = name.as_bytes();
    if b.is_empty() || b.len() > 63 {
        return Some("the name part must be 1-63 characters".into());
    }
    if !b[0].is_ascii_alphanumeric() || !b[b.len() - 1].is_ascii_alphanumeric() {
        return Some("the name part must start and end with a letter or digit".into());
    }
    if !b
        .iter()
        .all(|c| c.is_ascii_alphanumeric() || matches!(c, b'-' | b'_' | b'.'))
    {
        return Some("the name part may contain only letters, digits, '-', '_' and '.'".into());
    }
    None
}

/// Label value (empty allowed).
pub(crate) fn label_value(s: &str) -> Option<&'static str> {
    crate::checks::label_value(s)
}

/// IANA service name (container port names).
pub(crate) fn iana_port_name(s: &str) -> Option<&'static str> {
    crate::checks::port_name(s)
}

/// Parses a Kubernetes quantity into its value in base units.
pub(crate) fn quantity(s: &str) -> Option<f64> {
    let s = s.trim();
    let (sign, rest) = match s.as_bytes().first()? {
        b'+' => (1.0, &s[1..]),
        b'-' => (-1.0, &s[1..]),
        _ => (1.0, s),
    };
    let num_end = rest
        .find(|c: char| !(c.is_ascii_digit() || c == '.'))
        .unwrap_or(rest.len());
    let (num, suffix) = rest.split_at(num_end);
    if num.is_empty() || num == "." || num.matches('.').count() > 1 {
        return None;
    }
    let value: f64 = num.parse().ok()?;
    let mult = match suffix {
        "" => 1.0,
        "Ki" => 1024f64,
        "Mi" => 1024f64.powi(2),
        "Gi" => 1024f64.powi(3),
        "Ti" => 1024f64.powi(4),
        "Pi" => 1024f64.powi(5),
        "Ei" => 1024f64.powi(6),
        "m" => 1e-3,
        "k" => 1e3,
        "M" => 1e6,
        "G" => 1e9,
        "T" => 1e12,
        "P" => 1e15,
        "E" => 1e18,
        e if e.starts_with(['e', 'E']) => {
            let exp: i32 = e[1..].parse().ok()?;
            if !(-30..=30).contains(&exp) {
                return None;
            }
            10f64.powi(exp)
        }
        _ => return None,
    };
    Some(sign * value * mult)
}

/// Whether an image reference has a usable tag or digest (`None` when it does, and
/// when it is malformed: the `invalid-value` rule reports that).
pub(crate) fn image_problem(image: &str) -> Option<&'static str> {
    let parsed = crate::image::parse_reference(image).ok()?;
    if parsed.digest_at.is_some() {
        return None;
    }
    let tag = image[parsed.name_end..].strip_prefix(':');
    match tag {
        None => Some("has no tag, so it means `latest`"),
        Some("latest") => Some("uses the mutable `latest` tag"),
        Some(_) => None,
    }
}
