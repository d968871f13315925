//! Short type names for generated code: `dsl::k8s_openapi::api::apps::v1::Deployment { .. }`
//! becomes `Deployment { .. }` with `use dsl::k8s_openapi::api::apps::v1::Deployment;`.

use std::collections::{BTreeMap, BTreeSet};

/// Path prefixes whose types are shortened.
const PREFIXES: &[&str] = &["dsl::k8s_openapi::", "std::collections::"];

/// Rewrites the fully qualified k8s-openapi types (and `std::collections::BTreeMap`) in
/// `code` to their names and returns the `use` lines (sorted, one per module) that make them
/// resolve. A name two different paths share (`core::v1::Event`, `events::v1::Event`), or one
/// in `taken` (names the file already uses), keeps its full path. String literals and
/// comments are left as they are.
///
/// ```text
/// shorten("dsl::k8s_openapi::apimachinery::pkg::util::intstr::IntOrString::Int(80)", &[])
///   → ("IntOrString::Int(80)", ["use dsl::k8s_openapi::apimachinery::pkg::util::intstr::IntOrString;"])
/// ```
pub fn shorten(code: &str, taken: &[&str]) -> (String, Vec<String>) {
    let mut by_name: BTreeMap<&str, BTreeSet<&str>> = BTreeMap::new();
    for span in type_paths(code) {
        let path = &code[span.0..span.1];
        by_name.entry(last(path)).or_default().insert(path);
    }
    let short: BTreeMap<&str, &str> = by_name
        .iter()
        .filter(|(name, paths)| paths.len() == 1 && !taken.contains(name))
        .filter_map(|(name, paths)| paths.iter().next().map(|p| (*p, *name)))
        .collect();
    let mut out = String::with_capacity(code.len());
    let mut at = 0;
    for (start, end) in type_paths(code) {
        if let Some(name) = short.get(&code[start..end]) {
            out.push_str(&code[at..start]);
            out.push_str(name);
            at = end;
        }
    }
    out.push_str(&code[at..]);
    // One `use` per module: `use dsl::k8s_openapi::api::apps::v1::{Deployment, DeploymentSpec};`.
    let mut modules: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
    for path in short.keys() {
        let (module, name) = path.rsplit_once("::").unwrap_or(("", path));
        modules.entry(module).or_default().push(name);
    }
    let uses = modules
        .into_iter()
        .map(|(module, names)| match names.as_slice() {
            [one] => format!("use {module}::{one};"),
            _ => format!("use {module}::{{{}}};", names.join(", ")),
        })
        .collect();
    (out, uses)
}

fn last(path: &str) -> &str {
    path.rsplit("::").next().unwrap_or(path)
}

/// Byte spans of the type paths in `code`: a path under one of [`PREFIXES`] up to its first
/// segment that starts with an upper-case letter, outside literals and comments.
fn type_paths(code: &str) -> Vec<(usize, usize)> {
    let b = code.as_bytes();
    let ident = |c: u8| c.is_ascii_alphanumeric() || c == b'_';
    let mut spans = Vec::new();
    let mut i = 0;
    while i < b.len() {
        let c = b[i];
        // Comments.
        if b[i..].starts_with(b"//") {
            i = find(b, i, b"\n").unwrap_or(b.len());
            continue;
        }
        if b[i..].starts_with(b"/*") {
            i = find(b, i + 2, b"*/").map_or(b.len(), |n| n + 2);
            continue;
        }
        // Raw strings r"..", r#".."#, br#".."#.
        let raw_at = if c == b'r' {
            Some(i + 1)
        } else if c == b'b' && b.get(i + 1) == Some(&b'r') {
            Some(i + 2)
        } else {
            None
        };
        if let Some(j) = raw_at.filter(|_| i == 0 || !ident(b[i - 1])) {
            let hashes = b[j..].iter().take_while(|&&h| h == b'#').count();
            if b.get(j + hashes) == Some(&b'"') {
                let close = format!("\"{}", "#".repeat(hashes));
                i = find(b, j + hashes + 1, close.as_bytes()).map_or(b.len(), |n| n + close.len());
                continue;
            }
        }
        // Strings.
        if c == b'"' {
            i += 1;
            while i < b.len() && b[i] != b'"' {
                i += if b[i] == b'\\' { 2 } else { 1 };
            }
            i += 1;
            continue;
        }
        // Character literals (not lifetimes): 'x', '\n', '\u{..}'.
        if c == b'\'' {
            if let Some(close) = find(b, i + 1, b"'").filter(|&n| {
                let inner = &b[i + 1..n];
                std::str::from_utf8(inner).is_ok_and(|t| t.chars().count() == 1)
                    || inner.starts_with(b"\\")
            }) {
                i = close + 1;
                continue;
            }
        }
        if ident(c) && (i == 0 || (!ident(b[i - 1]) && b[i - 1] != b':')) {
            if let Some(prefix) = PREFIXES.iter().find(|p| b[i..].starts_with(p.as_bytes())) {
                let mut j = i + prefix.len();
                loop {
                    let seg_end = j + b[j..].iter().take_while(|&&x| ident(x)).count();
                    if seg_end == j {
                        break;
                    }
                    if b[j].is_ascii_uppercase() {
                        spans.push((i, seg_end));
                        break;
                    }
                    if !b[seg_end..].starts_with(b"::") {
                        break;
                    }
                    j = seg_end + 2;
                }
                i = j.max(i + 1);
                continue;
            }
            while i < b.len() && ident(b[i]) {
                i += 1;
            }
            continue;
        }
        i += 1;
    }
    spans
}

/// Index of the first `needle` in `b` at or after `from`.
fn find(b: &[u8], from: usize, needle: &[u8]) -> Option<usize> {
    b.get(from..)?
        .windows(needle.len())
        .position(|w| w == needle)
        .map(|n| from + n)
}
