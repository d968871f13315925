//! `kairn lint --format sarif`: the findings as a SARIF 2.1.0 log (OASIS Static Analysis
//! Results Interchange Format), the input of GitHub code scanning and other viewers.
//!
//! One run: `tool.driver` names kairn and lists every registered rule (id, descriptions,
//! help link into `docs/rules.md`, default level); each finding is a result with its rule,
//! level, message, the file relative to the current directory (`uriBaseId` `%SRCROOT%`)
//! and line, the object as a logical location, and a fingerprint that does not move with
//! the line. Waived findings carry a suppression with the reason (`inSource` for an
//! annotation on the object, `external` for a config file). Inputs that could not be read
//! and documents passed over are tool execution notifications. The output is a function
//! of the findings and the current directory only: keys sorted, results in report order.

use std::io::{self, Write};
use std::path::{Component, Path, PathBuf};

use dsl::validate::{Finding, LoadError, Note, Report, Severity, RULES};
use percent_encoding::{utf8_percent_encode, AsciiSet, NON_ALPHANUMERIC};
use serde_json::{json, Map, Value};
use sha2::{Digest, Sha256};

/// The SARIF version written.
pub const VERSION: &str = "2.1.0";
/// The schema the log declares.
pub const SCHEMA_URI: &str = "https://json.schemastore.org/sarif-2.1.0.json";
/// Where kairn is described (`tool.driver.informationUri`).
pub const INFORMATION_URI: &str = "https://kairn.dev/";
/// The rule documentation; each family of rules is a section (the help link of a rule
/// points at its family's table).
pub const RULES_DOC_URI: &str = "https://kairn.dev/docs/rules.md";
/// The base id of relative artifact URIs: the directory `lint` ran in.
pub const SRCROOT: &str = "%SRCROOT%";

/// What is written besides the findings.
#[derive(Clone, Copy, Debug)]
pub struct Run<'a> {
    /// The findings shown (waived ones included) and the notes.
    pub report: &'a Report,
    /// Per finding: waived in a config file rather than on the object.
    pub waived_in_config: &'a [bool],
    /// Inputs that could not be read or checked.
    pub errors: &'a [LoadError],
    /// Paths not read again (link loops).
    pub skipped_paths: &'a [LoadError],
}

/// Writes the log, pretty-printed, with a final newline.
pub fn write(out: &mut dyn Write, run: &Run<'_>, cwd: &Path) -> io::Result<()> {
    serde_json::to_writer_pretty(&mut *out, &log(run, cwd)).map_err(io::Error::other)?;
    writeln!(out)
}

/// The SARIF log of `run`, with artifact URIs relative to `cwd` where possible.
pub fn log(run: &Run<'_>, cwd: &Path) -> Value {
    let cwd = normalize(cwd);
    let results: Vec<Value> = run
        .report
        .findings
        .iter()
        .enumerate()
        .map(|(i, f)| result(f, run.waived_in_config.get(i) == Some(&true), &cwd))
        .collect();
    let mut notifications: Vec<Value> = Vec::new();
    for e in run.errors {
        notifications.push(notification("error", e.to_string(), &e.file, e.line, &cwd));
    }
    for e in run.skipped_paths {
        notifications.push(notification("note", e.to_string(), &e.file, e.line, &cwd));
    }
    for n in &run.report.notes {
        notifications.push(note(n, &cwd));
    }
    json!({
        "$schema": SCHEMA_URI,
        "version": VERSION,
        "runs": [{
            "tool": {"driver": driver()},
            "invocations": [{
                "executionSuccessful": run.errors.is_empty(),
                "toolExecutionNotifications": notifications,
            }],
            "results": results,
        }],
    })
}

fn level(s: Severity) -> &'static str {
    match s {
        Severity::Error => "error",
        Severity::Warning => "warning",
    }
}

fn driver() -> Value {
    let rules: Vec<Value> = RULES
        .iter()
        .map(|r| {
            let full = match r.scope {
                Some(scope) => format!("{} References outside the set: {scope}", r.summary),
                None => r.summary.to_owned(),
            };
            json!({
                "id": r.id,
                "shortDescription": {"text": r.summary},
                "fullDescription": {"text": full},
                "helpUri": format!("{RULES_DOC_URI}#{}", anchor(r.family.title())),
                "defaultConfiguration": {"level": level(r.severity)},
                "properties": {"tags": ["kubernetes", r.family.title()]},
            })
        })
        .collect();
    json!({
        "name": "kairn",
        "version": env!("CARGO_PKG_VERSION"),
        "semanticVersion": env!("CARGO_PKG_VERSION"),
        "informationUri": INFORMATION_URI,
        "rules": rules,
    })
}

/// The anchor Markdown renderers (GitHub's) give a heading: lower case, spaces as `-`,
/// punctuation other than `-` and `_` dropped.
fn anchor(heading: &str) -> String {
    heading
        .chars()
        .filter_map(|c| match c {
            ' ' => Some('-'),
            c if c.is_alphanumeric() || c == '-' || c == '_' => Some(c.to_ascii_lowercase()),
            _ => None,
        })
        .collect()
}

fn result(f: &Finding, waived_in_config: bool, cwd: &Path) -> Value {
    let object = match &f.namespace {
        Some(ns) => format!("{}/{} (namespace {ns})", f.kind, f.name),
        None => format!("{}/{}", f.kind, f.name),
    };
    let mut text = object;
    if !f.field.is_empty() {
        text.push(' ');
        text.push_str(&f.field);
    }
    text.push_str(": ");
    text.push_str(&f.message);
    if !f.fix.is_empty() {
        text.push_str(if f.message.ends_with('.') {
            " Fix: "
        } else {
            ". Fix: "
        });
        text.push_str(&f.fix);
    }
    if let Some(closures) = crate::report::customized(f) {
        text.push_str(" (");
        text.push_str(&closures);
        text.push(')');
    }
    let qualified = match &f.namespace {
        Some(ns) => format!("{ns}/{}/{}", f.kind, f.name),
        None => format!("{}/{}", f.kind, f.name),
    };
    let mut location = Map::new();
    if let Some(physical) = physical_location(f.file.as_deref(), f.line, cwd) {
        location.insert("physicalLocation".into(), physical);
    }
    location.insert(
        "logicalLocations".into(),
        json!([{"name": f.name, "fullyQualifiedName": qualified, "kind": "resource"}]),
    );
    let mut r = json!({
        "ruleId": f.rule,
        "level": level(f.severity),
        "message": {"text": text},
        "locations": [location],
        "partialFingerprints": {"kairnFinding/v1": fingerprint(f)},
    });
    if let Some(i) = RULES.iter().position(|r| r.id == f.rule) {
        r["ruleIndex"] = json!(i);
    }
    if let Some(unit) = &f.unit {
        r["properties"] = json!({"unit": unit});
    }
    if let Some(reason) = &f.waived {
        r["suppressions"] = json!([{
            "kind": if waived_in_config { "external" } else { "inSource" },
            "justification": reason,
        }]);
    }
    r
}

/// A hash of what identifies a finding apart from its line: rule, object and field.
fn fingerprint(f: &Finding) -> String {
    let mut h = Sha256::new();
    for part in [
        f.rule,
        &f.kind,
        f.namespace.as_deref().unwrap_or(""),
        &f.name,
        &f.field,
    ] {
        h.update(part.as_bytes());
        h.update([0]);
    }
    // A rendered unit's finding: also its file and units (the same template or base
    // renders the same object in several units).
    if let Some(unit) = &f.unit {
        for part in [f.file.as_deref().unwrap_or(""), unit] {
            h.update(part.as_bytes());
            h.update([0]);
        }
    }
    h.finalize()
        .iter()
        .take(16)
        .map(|b| format!("{b:02x}"))
        .collect()
}

fn notification(level: &str, text: String, file: &str, line: Option<u64>, cwd: &Path) -> Value {
    let mut n = json!({"level": level, "message": {"text": text}});
    if let Some(p) = physical_location(Some(file), line, cwd) {
        n["locations"] = json!([{"physicalLocation": p}]);
    }
    n
}

fn note(n: &Note, cwd: &Path) -> Value {
    let mut v = json!({"level": "note", "message": {"text": n.message}});
    if let Some(p) = physical_location(n.file.as_deref(), n.line, cwd) {
        v["locations"] = json!([{"physicalLocation": p}]);
    }
    v
}

fn physical_location(file: Option<&str>, line: Option<u64>, cwd: &Path) -> Option<Value> {
    let (uri, base) = artifact_uri(file?, cwd)?;
    let mut artifact = json!({"uri": uri});
    if let Some(base) = base {
        artifact["uriBaseId"] = json!(base);
    }
    let mut p = json!({"artifactLocation": artifact});
    if let Some(line) = line.filter(|l| *l >= 1) {
        p["region"] = json!({"startLine": line});
    }
    Some(p)
}

/// Characters kept as they are in a URI path: unreserved ones and `/`.
const PATH: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~')
    .remove(b'/');

/// The URI of a file label: relative to `cwd` with [`SRCROOT`] when it lies below it,
/// else an absolute `file://` URI; standard input has none.
pub fn artifact_uri(file: &str, cwd: &Path) -> Option<(String, Option<&'static str>)> {
    if file == "<stdin>" || file.is_empty() {
        return None;
    }
    let path = normalize(&cwd.join(file));
    match path.strip_prefix(cwd) {
        Ok(rel) if !rel.as_os_str().is_empty() => Some((encode(&slashes(rel)), Some(SRCROOT))),
        _ => Some((format!("file://{}", encode(&slashes(&path))), None)),
    }
}

fn slashes(p: &Path) -> String {
    let s = p.to_string_lossy().replace('\\', "/");
    if s.starts_with('/') {
        s
    } else if p.is_absolute() {
        format!("/{s}")
    } else {
        s
    }
}

fn encode(path: &str) -> String {
    utf8_percent_encode(path, PATH).to_string()
}

/// `path` with `.` and `..` resolved lexically (no file system access).
fn normalize(path: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for c in path.components() {
        match c {
            Component::CurDir => {}
            Component::ParentDir => {
                if !out.pop() {
                    out.push("..");
                }
            }
            other => out.push(other.as_os_str()),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn artifact_uris_are_relative_below_the_current_directory() {
        let cwd = Path::new("/work/repo");
        assert_eq!(
            artifact_uri("deploy/a b.yaml", cwd),
            Some(("deploy/a%20b.yaml".to_owned(), Some(SRCROOT)))
        );
        assert_eq!(
            artifact_uri("./deploy/../x.yaml", cwd),
            Some(("x.yaml".to_owned(), Some(SRCROOT)))
        );
        assert_eq!(
            artifact_uri("/work/repo/k/#1.yaml", cwd),
            Some(("k/%231.yaml".to_owned(), Some(SRCROOT)))
        );
        assert_eq!(
            artifact_uri("../other/x.yaml", cwd),
            Some(("file:///work/other/x.yaml".to_owned(), None))
        );
        assert_eq!(artifact_uri("<stdin>", cwd), None);
    }

    #[test]
    fn every_rule_is_described_and_results_point_at_it() {
        let f = Finding {
            rule: "image-latest",
            severity: Severity::Error,
            app: None,
            environment: None,
            kind: "Deployment".into(),
            name: "api".into(),
            namespace: Some("shop".into()),
            field: "spec.template.spec.containers[0].image".into(),
            message: "image `x:latest` uses the mutable `latest` tag".into(),
            fix: "pin a version tag or a digest".into(),
            declared_at: None,
            customized_at: Vec::new(),
            unit: None,
            file: Some("deploy/api.yaml".into()),
            line: Some(12),
            waived: None,
        };
        let mut waived = f.clone();
        waived.waived = Some("mirror".into());
        let report = Report {
            findings: vec![f, waived],
            notes: Vec::new(),
        };
        let run = Run {
            report: &report,
            waived_in_config: &[false, true],
            errors: &[],
            skipped_paths: &[],
        };
        let log = log(&run, Path::new("/repo"));
        let rules = log["runs"][0]["tool"]["driver"]["rules"]
            .as_array()
            .unwrap();
        assert_eq!(rules.len(), RULES.len());
        let results = log["runs"][0]["results"].as_array().unwrap();
        let r = &results[0];
        assert_eq!(
            rules[r["ruleIndex"].as_u64().unwrap() as usize]["id"],
            "image-latest"
        );
        assert_eq!(r["level"], "error");
        assert_eq!(
            rules[0]["helpUri"],
            format!("{RULES_DOC_URI}#api-server-would-reject")
        );
        assert!(r["message"]["text"]
            .as_str()
            .unwrap()
            .ends_with("tag. Fix: pin a version tag or a digest"));
        let p = &r["locations"][0]["physicalLocation"];
        assert_eq!(p["artifactLocation"]["uri"], "deploy/api.yaml");
        assert_eq!(p["region"]["startLine"], 12);
        assert!(r.get("suppressions").is_none());
        assert_eq!(results[1]["suppressions"][0]["kind"], "external");
        assert_eq!(results[1]["suppressions"][0]["justification"], "mirror");
        assert_eq!(
            r["partialFingerprints"], results[1]["partialFingerprints"],
            "the fingerprint names the finding, not its state"
        );
        assert_eq!(
            log["runs"][0]["invocations"][0]["executionSuccessful"],
            true
        );
    }
}
