//! Placeholders shipped as configuration: values copied from a guide that were meant to
//! be replaced (`your-client-id`, `https://your-org.okta.com`, `changeme`, `<client-id>`,
//! the AWS documentation account `123456789012`).
//!
//! The checks are deliberately narrow, because `lint` runs over real users' YAML: only
//! markers no real value contains are errors (`config-placeholder`); an OIDC issuer on a
//! reserved example domain is a warning (`oidc-issuer-example-domain`), and only for keys
//! that name an issuer. Secret values are not read (literal Secret data is already an
//! error, `secret-literal-data`), and values that contain markup (closing tags) are not searched
//! for `<…>` placeholders.

use crate::set::{each, Set, Sink};
use crate::source::join_key;

/// Account ids that AWS documentation uses in examples; a role in them is a placeholder.
pub const AWS_DOCUMENTATION_ACCOUNTS: [&str; 5] = [
    "123456789012",
    "111122223333",
    "444455556666",
    "777788889999",
    "000000000000",
];

pub(super) fn run(set: &Set<'_>, sink: &mut Sink) {
    for (i, cm) in each!(set, ConfigMap) {
        for (k, v) in cm.data.iter().flatten() {
            check(sink, i, join_key("data", k), k, v);
        }
    }
    for w in &set.workloads {
        for (f, c) in w.containers() {
            for (j, e) in c.env.iter().flatten().enumerate() {
                if let Some(v) = &e.value {
                    check(sink, w.idx, format!("{f}.env[{j}].value"), &e.name, v);
                }
            }
        }
    }
}

fn check(sink: &mut Sink, idx: usize, field: String, key: &str, value: &str) {
    if let Some(p) = placeholder(value) {
        sink.add(
            idx,
            "config-placeholder",
            field.clone(),
            format!("`{key}` holds {p}, a placeholder from a guide rather than a real value; it will not work where it is deployed"),
            "make the value an input of the declaration (or a per-environment setting) and fill in the real one; leave an optional feature out rather than ship a placeholder",
        );
    }
    for (line_key, url) in issuer_urls(key, value) {
        if let Some(host) = example_host(url) {
            sink.add(
                idx,
                "oidc-issuer-example-domain",
                field.clone(),
                format!("`{line_key}` is `{url}`, on the reserved example domain `{host}`; no identity provider serves it, so single sign-on cannot work"),
                "set the real issuer URL of the identity provider (per environment), or leave the provider out",
            );
        }
    }
}

/// A description of the unmistakable placeholder in `value`, if there is one (what the
/// rule `config-placeholder` reports): `your-…`, `changeme`, `<client-id>`, an AWS
/// documentation account in an ARN.
///
/// ```
/// assert!(lint::placeholder("your-client-id").is_some());
/// assert!(lint::placeholder("0oa1b2c3d4e5f6g7h8i9").is_none());
/// ```
pub fn placeholder(value: &str) -> Option<String> {
    const WORDS: [&str; 8] = [
        "your-",
        "your_",
        "changeme",
        "change-me",
        "change_me",
        "replace-me",
        "replace_me",
        "replace_with_",
    ];
    let lower = value.to_ascii_lowercase();
    for word in WORDS {
        let mut from = 0;
        while let Some(at) = lower[from..].find(word).map(|p| p + from) {
            let starts_word = lower[..at]
                .chars()
                .next_back()
                .is_none_or(|c| !c.is_ascii_alphanumeric());
            if starts_word {
                let end = lower[at..]
                    .find(|c: char| !(c.is_ascii_alphanumeric() || "-_.".contains(c)))
                    .map_or(value.len(), |e| e + at);
                return Some(format!("`{}`", &value[at..end]));
            }
            from = at + word.len();
        }
    }
    if lower.contains("arn:aws") {
        for account in AWS_DOCUMENTATION_ACCOUNTS {
            if value.contains(&format!(":{account}:")) {
                return Some(format!(
                    "the AWS documentation example account `{account}` in an ARN"
                ));
            }
        }
    }
    // Markup (XML, HTML) is full of `<…>`: only values without closing tags are searched.
    if value.contains("</") || value.contains("/>") {
        return None;
    }
    value.lines().find_map(angle_placeholder)
}

/// `<client-id>`, `<YOUR_TOKEN>`, `<account id>`: a word with a separator, or all capitals.
fn angle_placeholder(line: &str) -> Option<String> {
    let mut rest = line;
    while let Some(open) = rest.find('<') {
        let after = &rest[open + 1..];
        if let Some(close) = after.find('>') {
            let inner = &after[..close];
            let shaped = inner.len() <= 40
                && inner.starts_with(|c: char| c.is_ascii_alphabetic())
                && inner
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || " _-.".contains(c));
            let worded = inner.contains(['-', '_', ' '])
                || (inner.len() > 1 && !inner.chars().any(|c| c.is_ascii_lowercase()));
            if shaped && worded {
                return Some(format!("`<{inner}>`"));
            }
        }
        rest = after;
    }
    None
}

/// `(key, url)` for every issuer setting in a value: the value itself when `key` names an
/// issuer, and `issuer…: url` / `issuer…=url` lines of an embedded file.
fn issuer_urls<'v>(key: &'v str, value: &'v str) -> Vec<(&'v str, &'v str)> {
    let names_issuer = |k: &str| k.to_ascii_lowercase().contains("issuer");
    let unquote = |v: &'v str| v.trim().trim_matches(|c| c == '"' || c == '\'');
    if names_issuer(key) && !value.contains('\n') {
        return vec![(key, unquote(value))];
    }
    value
        .lines()
        .filter_map(|line| {
            let (k, v) = line.split_once([':', '='])?;
            let k = k.trim().trim_start_matches("- ").trim();
            names_issuer(k).then(|| (k, unquote(v)))
        })
        .filter(|(_, v)| v.starts_with("http://") || v.starts_with("https://"))
        .collect()
}

/// The host of `url` when it is a reserved example domain (RFC 2606 / RFC 6761).
fn example_host(url: &str) -> Option<&str> {
    let rest = url
        .strip_prefix("https://")
        .or_else(|| url.strip_prefix("http://"))?;
    let host = rest.split(['/', ':', '?', '#']).next()?;
    let lower = host.to_ascii_lowercase();
    let reserved = ["example.com", "example.net", "example.org"]
        .iter()
        .any(|d| lower == *d || lower.ends_with(&format!(".{d}")))
        || [".example", ".test", ".invalid"]
            .iter()
            .any(|tld| lower.ends_with(tld));
    reserved.then_some(host)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unmistakable_placeholders_are_found() {
        for v in [
            "your-client-id",
            "https://your-org.okta.com/oauth2/default",
            "YOUR_API_KEY",
            "changeme",
            "password=CHANGE_ME",
            "<client-id>",
            "client_id: <CLIENT_ID>",
            "role: arn:aws:iam::123456789012:role/app",
        ] {
            assert!(placeholder(v).is_some(), "{v}");
        }
    }

    #[test]
    fn real_values_are_not_placeholders() {
        for v in [
            "0oa1b2c3d4e5f6g7h8i9",
            "https://acme.okta.com/oauth2/default",
            "flavour-of-the-day",
            "beyour-own",
            "<configuration>\n  <appender name=\"x\"/>\n</configuration>",
            "List<String> items",
            "a < b and c > d",
            "arn:aws:iam::210987654321:role/app",
            "the account 123456789012 is mentioned outside an ARN",
            "x <= 3",
        ] {
            assert_eq!(placeholder(v), None, "{v}");
        }
    }

    #[test]
    fn issuers_on_example_domains_are_found() {
        assert_eq!(
            issuer_urls("OIDC_ISSUER", "https://sso.example.com/"),
            [("OIDC_ISSUER", "https://sso.example.com/")]
        );
        let file = "auth:\n  oidc:\n    - issuer_url: \"https://login.example.org/x\"\n  callback: https://app.example.com\n";
        let found = issuer_urls("config.yaml", file);
        assert_eq!(found, [("issuer_url", "https://login.example.org/x")]);
        assert_eq!(example_host(found[0].1), Some("login.example.org"));
        assert_eq!(example_host("https://acme.okta.com/oauth2"), None);
        assert_eq!(example_host("https://idp.test:8443/"), Some("idp.test"));
        // Only keys that name an issuer are read.
        assert!(issuer_urls("BASE_URL", "https://app.example.com").is_empty());
    }
}
