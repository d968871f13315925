//! Printing validation findings: human-readable text or a JSON array (SARIF for `lint`
//! is [`crate::sarif`]).

use std::io::{self, Write};

use dsl::validate::{Finding, Report};

/// Output format of findings.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// One block per finding: `error[rule] where Kind/name field: message`, then fix and origin.
    #[default]
    Text,
    /// A JSON array of finding objects.
    Json,
    /// A SARIF 2.1.0 log (GitHub code scanning and other SARIF viewers).
    Sarif,
}

fn place(f: &Finding) -> String {
    let mut parts = Vec::new();
    if let (Some(app), Some(env)) = (&f.app, &f.environment) {
        parts.push(format!("{app}/{env}"));
    }
    if let Some(loc) = f.location() {
        parts.push(loc);
    }
    let object = match &f.namespace {
        Some(ns) => format!("{}/{} (namespace {ns})", f.kind, f.name),
        None => format!("{}/{}", f.kind, f.name),
    };
    parts.push(object);
    if !f.field.is_empty() {
        parts.push(f.field.clone());
    }
    parts.join(" ")
}

/// Writes one finding as text.
pub fn write_finding(out: &mut dyn Write, f: &Finding) -> io::Result<()> {
    let label = if f.waived.is_some() {
        "waived"
    } else {
        f.severity.as_str()
    };
    writeln!(out, "{label}[{}] {}: {}", f.rule, place(f), f.message)?;
    if let Some(reason) = &f.waived {
        writeln!(out, "  reason: {reason}")?;
    }
    if !f.fix.is_empty() && f.waived.is_none() {
        writeln!(out, "  fix: {}", f.fix)?;
    }
    if let Some(unit) = &f.unit {
        writeln!(out, "  rendered from: {unit}")?;
    }
    match (&f.declared_at, customized(f)) {
        (Some(at), Some(closures)) => writeln!(out, "  declared at {at}; {closures}")?,
        (Some(at), None) => writeln!(out, "  declared at {at}")?,
        (None, Some(closures)) => writeln!(out, "  {closures}")?,
        (None, None) => {}
    }
    Ok(())
}

/// `this Deployment is changed by a customize closure at src/api.rs:42` (or `closures
/// at a, b`) when escape hatches changed the finding's object; `None` otherwise. Said
/// besides the declaring line, which points at a closure only for a field it changed.
pub fn customized(f: &Finding) -> Option<String> {
    match f.customized_at.as_slice() {
        [] => None,
        [one] => Some(format!(
            "this {} is changed by a customize closure at {one}",
            f.kind
        )),
        many => Some(format!(
            "this {} is changed by customize closures at {}",
            f.kind,
            many.join(", ")
        )),
    }
}

/// The closing count line.
pub fn summary(report: &Report) -> String {
    let (errors, warnings, waived) = report.counts();
    format!("{errors} error(s), {warnings} warning(s), {waived} waived")
}

/// Writes every finding: errors first, then warnings, then waived ones.
pub fn write_text(out: &mut dyn Write, report: &Report) -> io::Result<()> {
    let groups: [&dyn Fn(&Finding) -> bool; 3] = [&|f| f.is_error(), &|f| f.is_warning(), &|f| {
        f.waived.is_some()
    }];
    for group in groups {
        for f in report.findings.iter().filter(|f| group(f)) {
            write_finding(out, f)?;
        }
    }
    Ok(())
}

/// Writes the findings as a JSON array.
pub fn write_json(out: &mut dyn Write, report: &Report) -> io::Result<()> {
    serde_json::to_writer_pretty(&mut *out, &report.findings).map_err(io::Error::other)?;
    writeln!(out)
}

/// Writes notes (`note: file:line: message`).
pub fn write_notes(out: &mut dyn Write, report: &Report) -> io::Result<()> {
    for n in &report.notes {
        match (&n.file, n.line) {
            (Some(f), Some(l)) => writeln!(out, "note: {f}:{l}: {}", n.message)?,
            (Some(f), None) => writeln!(out, "note: {f}: {}", n.message)?,
            _ => writeln!(out, "note: {}", n.message)?,
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use dsl::validate::{Finding, Report, Severity};

    use super::*;

    fn finding() -> Finding {
        Finding {
            rule: "image-latest",
            severity: Severity::Error,
            app: Some("shop".into()),
            environment: Some("production".into()),
            kind: "Deployment".into(),
            name: "shop-api".into(),
            namespace: Some("shop".into()),
            field: "spec.template.spec.containers[0].image".into(),
            message: "image `x:latest` uses the mutable `latest` tag".into(),
            fix: "pin a version tag or a digest".into(),
            declared_at: Some("crates/apps/src/shop.rs:42".into()),
            customized_at: Vec::new(),
            unit: None,
            file: None,
            line: None,
            waived: None,
        }
    }

    #[test]
    fn text_names_rule_place_fix_and_declaration() {
        let mut out = Vec::new();
        write_finding(&mut out, &finding()).unwrap();
        assert_eq!(
            String::from_utf8(out).unwrap(),
            "error[image-latest] shop/production Deployment/shop-api (namespace shop) spec.template.spec.containers[0].image: image `x:latest` uses the mutable `latest` tag\n  fix: pin a version tag or a digest\n  declared at crates/apps/src/shop.rs:42\n"
        );
        let mut waived = finding();
        waived.waived = Some("dev only".into());
        let mut out = Vec::new();
        write_finding(&mut out, &waived).unwrap();
        let text = String::from_utf8(out).unwrap();
        assert!(
            text.starts_with("waived[image-latest] ") && text.contains("\n  reason: dev only\n"),
            "{text}"
        );
    }

    #[test]
    fn a_customized_object_names_its_closures_besides_the_declaring_line() {
        let mut f = finding();
        f.customized_at = vec!["src/api.rs:57".into()];
        let mut out = Vec::new();
        write_finding(&mut out, &f).unwrap();
        let text = String::from_utf8(out).unwrap();
        assert!(
            text.ends_with("\n  declared at crates/apps/src/shop.rs:42; this Deployment is changed by a customize closure at src/api.rs:57\n"),
            "{text}"
        );
        f.customized_at.push("src/api.rs:61".into());
        assert_eq!(
            customized(&f).as_deref(),
            Some(
                "this Deployment is changed by customize closures at src/api.rs:57, src/api.rs:61"
            )
        );
        let mut json = Vec::new();
        write_json(
            &mut json,
            &Report {
                findings: vec![f],
                notes: Vec::new(),
            },
        )
        .unwrap();
        let v: serde_json::Value = serde_json::from_slice(&json).unwrap();
        assert_eq!(
            v[0]["customized_at"],
            serde_json::json!(["src/api.rs:57", "src/api.rs:61"])
        );
        assert_eq!(v[0]["declared_at"], "crates/apps/src/shop.rs:42");
    }

    #[test]
    fn json_has_the_documented_fields() {
        let mut lint = finding();
        lint.app = None;
        lint.environment = None;
        lint.declared_at = None;
        lint.file = Some("deploy.yaml".into());
        lint.line = Some(7);
        let report = Report {
            findings: vec![lint],
            notes: Vec::new(),
        };
        let mut out = Vec::new();
        write_json(&mut out, &report).unwrap();
        let v: serde_json::Value = serde_json::from_slice(&out).unwrap();
        let f = &v.as_array().unwrap()[0];
        for key in [
            "rule",
            "severity",
            "kind",
            "name",
            "namespace",
            "file",
            "line",
            "field",
            "message",
            "fix",
        ] {
            assert!(f.get(key).is_some(), "{key}");
        }
        assert_eq!(f["severity"], "error");
        assert_eq!(f["file"], "deploy.yaml");
        assert!(f.get("customized_at").is_none(), "omitted when empty");
        assert_eq!(summary(&report), "1 error(s), 0 warning(s), 0 waived");
    }
}
