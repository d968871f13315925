//! Writing a [`Diff`]: text for a terminal, Markdown for a pull-request comment, JSON for
//! programs.

use std::io::{self, Write};

use serde::Serialize;
use serde_json::Value;

use super::{ChangeKind, Diff, FieldChange, FieldChangeKind, ObjectChange, Summary};

/// Version of the JSON document [`write_json`] writes; raised when a field changes
/// meaning or is removed (new fields may appear without it).
pub const JSON_VERSION: u32 = 1;

/// Longest value shown in text and Markdown (in characters); longer ones end in `…`.
/// The JSON report always holds whole values.
const MAX_SHOWN: usize = 160;

/// A value as one line of JSON, shortened to [`MAX_SHOWN`] characters.
fn show(v: &Value) -> String {
    let text = v.to_string();
    if text.chars().count() <= MAX_SHOWN {
        return text;
    }
    let mut short: String = text.chars().take(MAX_SHOWN - 1).collect();
    short.push('…');
    short
}

/// The multi-line strings of a changed field, for a line-by-line diff.
fn texts(f: &FieldChange) -> Option<(&str, &str)> {
    match (&f.old, &f.new) {
        (Some(Value::String(a)), Some(Value::String(b)))
            if f.change == FieldChangeKind::Changed && (a.contains('\n') || b.contains('\n')) =>
        {
            Some((a, b))
        }
        _ => None,
    }
}

/// `(sign, line)` of a line diff of two texts (sign `-`, `+` or ` `), with 2 lines of
/// context; `…` between hunks.
fn line_diff(old: &str, new: &str) -> Vec<(char, String)> {
    let diff = similar::TextDiff::from_lines(old, new);
    let mut lines = Vec::new();
    for (i, group) in diff.grouped_ops(2).iter().enumerate() {
        if i > 0 {
            lines.push((' ', "…".to_owned()));
        }
        for op in group {
            for change in diff.iter_changes(op) {
                let sign = match change.tag() {
                    similar::ChangeTag::Delete => '-',
                    similar::ChangeTag::Insert => '+',
                    similar::ChangeTag::Equal => ' ',
                };
                let text = change.value().trim_end_matches(['\n', '\r']).to_owned();
                lines.push((sign, text));
            }
        }
    }
    lines
}

fn names(v: Option<&Value>) -> String {
    let names: Vec<&str> = v
        .and_then(Value::as_array)
        .map(|a| a.iter().filter_map(Value::as_str).collect())
        .unwrap_or_default();
    format!("[{}]", names.join(", "))
}

/// One field change as text lines (the first is `path: ...`).
fn field_lines(f: &FieldChange) -> Vec<String> {
    let none = Value::Null;
    let old = f.old.as_ref().unwrap_or(&none);
    let new = f.new.as_ref().unwrap_or(&none);
    if let Some((a, b)) = texts(f) {
        let mut lines = vec![format!("{}: text changed:", f.path)];
        lines.extend(
            line_diff(a, b)
                .into_iter()
                .map(|(sign, l)| format!("  {sign} {l}")),
        );
        return lines;
    }
    vec![match f.change {
        FieldChangeKind::Changed => format!("{}: {} → {}", f.path, show(old), show(new)),
        FieldChangeKind::Added => format!("{}: added {}", f.path, show(new)),
        FieldChangeKind::Removed => format!("{}: removed {}", f.path, show(old)),
        FieldChangeKind::Reordered => format!(
            "{}: order {} → {}",
            f.path,
            names(f.old.as_ref()),
            names(f.new.as_ref())
        ),
    }]
}

fn sign(c: ChangeKind) -> char {
    match c {
        ChangeKind::Added => '+',
        ChangeKind::Removed => '-',
        ChangeKind::Changed => '~',
    }
}

fn object_line(o: &ObjectChange) -> String {
    let mut line = format!("{} {}", sign(o.change), o.display());
    if let Some(from) = &o.renamed_from {
        line.push_str(&format!(", renamed from {from}"));
    }
    line
}

/// The changes of each environment that has any, in order, with its counts.
fn by_environment(diff: &Diff) -> Vec<((&str, &str), Summary, Vec<&ObjectChange>)> {
    let mut groups: Vec<((&str, &str), Summary, Vec<&ObjectChange>)> = Vec::new();
    for o in &diff.objects {
        let env = (o.app.as_str(), o.environment.as_str());
        if groups.last().is_none_or(|(e, _, _)| *e != env) {
            groups.push((env, Summary::default(), Vec::new()));
        }
        let (_, counts, changes) = groups.last_mut().expect("pushed above");
        match o.change {
            ChangeKind::Added => counts.added += 1,
            ChangeKind::Removed => counts.removed += 1,
            ChangeKind::Changed => counts.changed += 1,
        }
        changes.push(o);
    }
    groups
}

fn plural(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

/// `N unchanged, in E environment(s), against X`.
fn context(diff: &Diff, against: &str) -> String {
    format!(
        "{} unchanged in {} compared with {against}",
        plural(diff.summary.unchanged, "object", "objects"),
        plural(diff.summary.environments, "environment", "environments"),
    )
}

/// Writes the diff as text, grouped by environment:
///
/// ```text
/// gorax/production: 1 added, 1 removed, 1 changed
///   + ConfigMap/extra (namespace gorax)
///   - Service/prod-gorax-worker (namespace gorax)
///   ~ Deployment/prod-gorax-api (namespace gorax)
///       spec.template.spec.containers[name=api].image: "a:1" → "a:2"
///
/// 1 added, 1 removed, 1 changed (87 objects unchanged in 5 environments compared with generated)
/// ```
///
/// Values are shown as JSON, shortened to 160 characters; a changed multi-line string
/// (a configuration file in a ConfigMap) is shown as a line diff.
pub fn write_text(out: &mut dyn Write, diff: &Diff, against: &str) -> io::Result<()> {
    for (i, ((app, env), counts, changes)) in by_environment(diff).into_iter().enumerate() {
        if i > 0 {
            writeln!(out)?;
        }
        writeln!(out, "{app}/{env}: {}", counts.line())?;
        for o in changes {
            writeln!(out, "  {}", object_line(o))?;
            for f in &o.fields {
                for line in field_lines(f) {
                    writeln!(out, "      {line}")?;
                }
            }
        }
    }
    if diff.summary.has_differences() {
        writeln!(out)?;
        writeln!(out, "{} ({})", diff.summary.line(), context(diff, against))
    } else {
        writeln!(out, "no differences: {}", context(diff, against))
    }
}

/// One field change as `(sign, text)` lines for a ```` ```diff ```` block: a changed
/// value is a `-` line with the old value and a `+` line with the new one.
fn markdown_lines(f: &FieldChange) -> Vec<(char, String)> {
    let none = Value::Null;
    let old = f.old.as_ref().unwrap_or(&none);
    let new = f.new.as_ref().unwrap_or(&none);
    if let Some((a, b)) = texts(f) {
        let mut lines = vec![(' ', format!("{}: text changed:", f.path))];
        lines.extend(
            line_diff(a, b)
                .into_iter()
                .map(|(sign, l)| (sign, format!("    {l}"))),
        );
        return lines;
    }
    match f.change {
        FieldChangeKind::Changed => vec![
            ('-', format!("{}: {}", f.path, show(old))),
            ('+', format!("{}: {}", f.path, show(new))),
        ],
        FieldChangeKind::Added => vec![('+', format!("{}: {}", f.path, show(new)))],
        FieldChangeKind::Removed => vec![('-', format!("{}: {}", f.path, show(old)))],
        FieldChangeKind::Reordered => field_lines(f).into_iter().map(|l| (' ', l)).collect(),
    }
}

fn html_escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

/// A code fence longer than any run of backticks in `body`.
fn fence(body: &str) -> String {
    let mut longest = 0;
    let mut run = 0;
    for c in body.chars() {
        run = if c == '`' { run + 1 } else { 0 };
        longest = longest.max(run);
    }
    "`".repeat((longest + 1).max(3))
}

/// Writes the diff as Markdown for a pull-request comment: a heading with the counts,
/// then one collapsible `<details>` block per environment holding a ```` ```diff ````
/// block, so added objects and fields show green and removed ones red. A changed field
/// is a `-` line with the old value and a `+` line with the new one.
pub fn write_markdown(out: &mut dyn Write, diff: &Diff, against: &str) -> io::Result<()> {
    if !diff.summary.has_differences() {
        writeln!(out, "### kairn diff: no differences")?;
        writeln!(out)?;
        return writeln!(out, "{}.", html_escape(&context(diff, against)));
    }
    writeln!(out, "### kairn diff: {}", diff.summary.line())?;
    writeln!(out)?;
    writeln!(out, "{}.", html_escape(&context(diff, against)))?;
    for ((app, env), counts, changes) in by_environment(diff) {
        let mut body = String::new();
        for o in changes {
            body.push_str(&object_line(o));
            body.push('\n');
            for f in &o.fields {
                for (sign, line) in markdown_lines(f) {
                    body.push_str(&format!("{sign}     {line}\n"));
                }
            }
        }
        let fence = fence(&body);
        writeln!(out)?;
        writeln!(
            out,
            "<details><summary><b>{}/{}</b>: {}</summary>",
            html_escape(app),
            html_escape(env),
            counts.line()
        )?;
        writeln!(out)?;
        writeln!(out, "{fence}diff")?;
        out.write_all(body.as_bytes())?;
        writeln!(out, "{fence}")?;
        writeln!(out)?;
        writeln!(out, "</details>")?;
    }
    Ok(())
}

#[derive(Serialize)]
struct JsonReport<'a> {
    version: u32,
    against: &'a str,
    summary: Summary,
    objects: &'a [ObjectChange],
}

/// Writes the diff as one JSON document (pretty-printed, keys in a fixed order):
///
/// ```json
/// {
///   "version": 1,
///   "against": "generated",
///   "summary": {"added": 1, "removed": 1, "changed": 1, "unchanged": 87, "environments": 5},
///   "objects": [
///     {"change": "changed", "app": "gorax", "environment": "production",
///      "apiVersion": "apps/v1", "kind": "Deployment", "namespace": "gorax",
///      "name": "prod-gorax-api",
///      "fields": [{"path": "spec.template.spec.containers[name=api].image",
///                  "change": "changed", "old": "a:1", "new": "a:2"}]},
///     {"change": "changed", "kind": "Job", "name": "prod-gorax-migrate-1234abcd",
///      "renamedFrom": "prod-gorax-migrate-0aa6367c", "fields": [...], ...},
///     {"change": "added", ...}, {"change": "removed", ...}
///   ]
/// }
/// ```
///
/// - `objects` is ordered by app, environment, API group, kind, namespace, name;
///   `change` is `added`, `removed` or `changed`; `namespace` is `null` for
///   cluster-scoped objects; `renamedFrom` and `fields` appear only when there are any.
/// - A field's `change` is `added` (only `new`: the whole value added), `removed` (only
///   `old`), `changed` (`old` and `new`) or `reordered` (`old` and `new` are the item
///   names of a list matched by name, in their order); values are whole JSON values.
/// - `version` is [`JSON_VERSION`].
pub fn write_json(out: &mut dyn Write, diff: &Diff, against: &str) -> io::Result<()> {
    let report = JsonReport {
        version: JSON_VERSION,
        against,
        summary: diff.summary,
        objects: &diff.objects,
    };
    serde_json::to_writer_pretty(&mut *out, &report).map_err(io::Error::other)?;
    writeln!(out)
}
