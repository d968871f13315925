//! The documentation's compile-time claims cannot drift from the compile-fail suite.
//!
//! Pure file reading (no compiler run): README.md, docs/guarantees.md and
//! crates/dsl/tests/ui/README.md against the cases in crates/dsl/tests/ui/.
//!
//! - every case they name exists (`x.rs` or `pass/x.rs` in a code span of the two case
//!   lists, `crates/dsl/tests/ui/x.rs` anywhere);
//! - every compile-fail case (`crates/dsl/tests/ui/*.rs`) is listed in crates/dsl/tests/ui/README.md and in
//!   docs/guarantees.md (`pass/` cases must compile: they are named where useful, not
//!   required);
//! - in a table with a `case` column and a "first line of the error" / "key line of the
//!   error" column, the error cell matches the `.stderr` of the first case of its row (see
//!   [`matches_error`]);
//! - every paragraph, list item or table row of README.md and docs/guarantees.md that
//!   claims a mistake "is a compile error", "fails the build" or "does not compile" names
//!   a case.

use std::collections::BTreeSet;
use std::fs;
use std::path::{Path, PathBuf};

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("tests/ has a parent")
        .to_path_buf()
}

fn read(relative: &str) -> String {
    let path = root().join(relative);
    fs::read_to_string(&path).unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()))
}

/// The compile-fail cases: `crates/dsl/tests/ui/*.rs`, without `pass/`.
fn compile_fail_cases() -> BTreeSet<String> {
    let dir = root().join("crates/dsl/tests/ui");
    let mut cases = BTreeSet::new();
    for entry in fs::read_dir(&dir).expect("crates/dsl/tests/ui is readable") {
        let path = entry.expect("a directory entry").path();
        if path.is_file() && path.extension().is_some_and(|e| e == "rs") {
            let name = path
                .file_name()
                .and_then(|n| n.to_str())
                .expect("UTF-8 name");
            cases.insert(name.to_string());
        }
    }
    cases
}

/// Whether a case (`x.rs`, `pass/x.rs`) exists under crates/dsl/tests/ui.
fn case_exists(case: &str) -> bool {
    root().join("crates/dsl/tests/ui").join(case).is_file()
}

/// The code spans of a markdown text, outside fenced code blocks and headings: each with
/// the first line of its paragraph, list item or table row (1-based). A span opens with a run of N backticks and closes at the next run of
/// exactly N.
fn code_spans(text: &str) -> Vec<(usize, String)> {
    // A span may continue on the next line of its paragraph: parse whole units.
    let mut spans = Vec::new();
    for (n, unit) in units(text) {
        spans.extend(spans_of_line(&unit).into_iter().map(|s| (n, s)));
    }
    spans
}

fn spans_of_line(line: &str) -> Vec<String> {
    let chars: Vec<char> = line.chars().collect();
    let mut spans = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        if chars[i] != '`' {
            i += 1;
            continue;
        }
        let run = chars[i..].iter().take_while(|&&c| c == '`').count();
        let start = i + run;
        let mut j = start;
        let mut closed = None;
        while j < chars.len() {
            if chars[j] == '`' {
                let other = chars[j..].iter().take_while(|&&c| c == '`').count();
                if other == run {
                    closed = Some(j);
                    break;
                }
                j += other;
            } else {
                j += 1;
            }
        }
        match closed {
            Some(end) => {
                spans.push(
                    chars[start..end]
                        .iter()
                        .collect::<String>()
                        .trim()
                        .to_string(),
                );
                i = end + run;
            }
            None => i = start,
        }
    }
    spans
}

/// Lines outside fenced code blocks, numbered from 1.
fn prose_lines(text: &str) -> Vec<(usize, &str)> {
    let mut in_fence = false;
    let mut lines = Vec::new();
    for (i, line) in text.lines().enumerate() {
        if line.trim_start().starts_with("```") {
            in_fence = !in_fence;
            continue;
        }
        if !in_fence {
            lines.push((i + 1, line));
        }
    }
    lines
}

/// The case a code span names, if it names one: `crates/dsl/tests/ui/x.rs` anywhere; `x.rs` and
/// `pass/x.rs` only where `bare` (the two case lists, where every bare file name is a case).
fn case_of_span(span: &str, bare: bool) -> Option<String> {
    let is_file = |s: &str| {
        s.strip_suffix(".rs").is_some_and(|stem| {
            !stem.is_empty()
                && stem
                    .chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
        })
    };
    let case = |s: &str| {
        (is_file(s) || s.strip_prefix("pass/").is_some_and(is_file)).then(|| s.to_string())
    };
    match span.strip_prefix("crates/dsl/tests/ui/") {
        Some(rest) => case(rest),
        None if bare => case(span),
        None => None,
    }
}

/// Every case a document names, with its line.
fn cases_named(text: &str, bare: bool) -> Vec<(usize, String)> {
    code_spans(text)
        .into_iter()
        .filter_map(|(line, span)| case_of_span(&span, bare).map(|case| (line, case)))
        .collect()
}

/// Collapses whitespace and drops backticks: how a table cell and compiler output are
/// compared.
fn normalise(text: &str) -> String {
    text.replace('`', "")
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

/// The first error of a `.stderr`: its first line (from the first line starting with
/// `error`), and the whole block up to the next top-level `error`/`warning` line.
fn first_error(stderr: &str) -> Option<(String, String)> {
    let lines: Vec<&str> = stderr.lines().collect();
    let start = lines.iter().position(|l| l.starts_with("error"))?;
    let end = lines[start + 1..]
        .iter()
        .position(|l| l.starts_with("error") || l.starts_with("warning"))
        .map_or(lines.len(), |p| start + 1 + p);
    Some((
        normalise(lines[start]),
        normalise(&lines[start..end].join("\n")),
    ))
}

/// Whether a table cell states the error a case gives.
///
/// The cell (backticks dropped, whitespace collapsed) is split into fragments at each `…`
/// and `(…)` (any text) and at ` / ` (the next line shown); a final parenthesised remark
/// that is not `(…)`, e.g. "(the rustc lint, not E0080)", is commentary and not compared.
/// The first fragment must occur in the first error line, the others after it, in order,
/// in that error's block (a label or note may carry the rest, as for `mismatched types …
/// expected Memory, found Cpu`). So a cell may quote the whole line, its key part, or a
/// prefix ending in `…`; any change to the quoted text is drift.
fn matches_error(cell: &str, first_line: &str, block: &str) -> bool {
    let mut cell = normalise(cell);
    if cell.ends_with(')') && !cell.ends_with("(…)") {
        if let Some(open) = remark_start(&cell) {
            cell.truncate(open);
        }
    }
    let cell = cell.replace("(…)", "…").replace(" / ", "…");
    let fragments: Vec<&str> = cell
        .split('…')
        .map(str::trim)
        .filter(|f| !f.is_empty())
        .collect();
    let Some((first, rest)) = fragments.split_first() else {
        return false;
    };
    let Some(at) = first_line.find(first) else {
        return false;
    };
    // The block starts with the first line, so positions continue from there.
    let mut from = at + first.len();
    for fragment in rest {
        match block.get(from..).and_then(|tail| tail.find(fragment)) {
            Some(found) => from += found + fragment.len(),
            None => return false,
        }
    }
    true
}

/// Where a final parenthesised remark starts (its balancing `(`, with the space before it),
/// if the cell has text before it.
fn remark_start(cell: &str) -> Option<usize> {
    let mut depth = 0usize;
    for (i, c) in cell.char_indices().rev() {
        match c {
            ')' => depth += 1,
            '(' => {
                depth = depth.checked_sub(1)?;
                if depth == 0 {
                    // A remark is set off by a space; `.build()` is part of the message.
                    let before = &cell[..i];
                    let spaced = before.ends_with(' ');
                    let before = before.trim_end();
                    return (spaced && !before.is_empty()).then_some(before.len());
                }
            }
            _ => {}
        }
    }
    None
}

/// Splits a table row into cells at `|` outside code spans.
fn cells(row: &str) -> Vec<String> {
    let row = row.trim();
    let row = row.strip_prefix('|').unwrap_or(row);
    let row = row.strip_suffix('|').unwrap_or(row);
    let mut cells = Vec::new();
    let mut current = String::new();
    let mut ticks: Option<usize> = None;
    let chars: Vec<char> = row.chars().collect();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        if c == '`' {
            let run = chars[i..].iter().take_while(|&&c| c == '`').count();
            ticks = match ticks {
                None => Some(run),
                Some(open) if open == run => None,
                other => other,
            };
            current.extend(std::iter::repeat_n('`', run));
            i += run;
            continue;
        }
        if c == '|' && ticks.is_none() {
            cells.push(current.trim().to_string());
            current.clear();
        } else {
            current.push(c);
        }
        i += 1;
    }
    cells.push(current.trim().to_string());
    cells
}

/// One table row with an error cell: the document's line, the cases the row names (in
/// order) and the error cell.
struct ErrorRow {
    line: usize,
    cases: Vec<String>,
    error: String,
}

/// The rows of every table that has a `case` column and an error column.
fn error_rows(text: &str) -> Vec<ErrorRow> {
    let mut rows = Vec::new();
    let mut columns: Option<(usize, usize)> = None;
    for (line, content) in prose_lines(text) {
        if !content.trim_start().starts_with('|') {
            columns = None;
            continue;
        }
        let row = cells(content);
        if row
            .iter()
            .all(|c| c.chars().all(|ch| matches!(ch, '-' | ':' | ' ')))
        {
            continue; // the separator row
        }
        let Some((case_col, error_col)) = columns else {
            // A header row.
            let header: Vec<String> = row.iter().map(|c| c.to_lowercase()).collect();
            let case_col = header.iter().position(|h| h == "case");
            let error_col = header.iter().position(|h| h.ends_with("line of the error"));
            columns = Some((
                case_col.unwrap_or(usize::MAX),
                error_col.unwrap_or(usize::MAX),
            ));
            continue;
        };
        let (Some(case_cell), Some(error)) = (row.get(case_col), row.get(error_col)) else {
            continue;
        };
        let cases: Vec<String> = spans_of_line(case_cell)
            .iter()
            .filter_map(|s| case_of_span(s, true))
            .collect();
        if !cases.is_empty() && !error.is_empty() {
            rows.push(ErrorRow {
                line,
                cases,
                error: error.clone(),
            });
        }
    }
    rows
}

/// Paragraphs, list items and table rows (outside code blocks and headings), each with its
/// first line.
fn units(text: &str) -> Vec<(usize, String)> {
    let mut units: Vec<(usize, String)> = Vec::new();
    let mut current: Option<(usize, String)> = None;
    for (line, content) in prose_lines(text) {
        let trimmed = content.trim();
        let starts_unit = trimmed.is_empty()
            || trimmed.starts_with('#')
            || trimmed.starts_with('|')
            || trimmed.starts_with("- ")
            || trimmed.starts_with("* ")
            || trimmed
                .split_once(". ")
                .is_some_and(|(n, _)| !n.is_empty() && n.chars().all(|c| c.is_ascii_digit()));
        if starts_unit {
            units.extend(current.take());
        }
        if trimmed.is_empty() || trimmed.starts_with('#') {
            continue;
        }
        match current.as_mut() {
            Some((_, text)) if !trimmed.starts_with('|') => {
                text.push(' ');
                text.push_str(trimmed);
            }
            _ => {
                units.extend(current.take());
                current = Some((line, trimmed.to_string()));
            }
        }
    }
    units.extend(current);
    units
}

/// Whether a text claims that a mistake is refused by the compiler.
fn claims_compile_error(text: &str) -> bool {
    let text = normalise(text).to_lowercase();
    [
        "compile error",
        "compile-time error",
        "fails the build",
        "fail the build",
        "does not compile",
        "do not compile",
        "doesn't compile",
        "don't compile",
        "none compiles",
        "never compiles",
    ]
    .iter()
    .any(|claim| text.contains(claim))
}

const CASE_LISTS: [&str; 2] = ["crates/dsl/tests/ui/README.md", "docs/guarantees.md"];
const CLAIMING_DOCS: [&str; 2] = ["README.md", "docs/guarantees.md"];

#[test]
fn every_case_named_in_the_docs_exists() {
    let mut missing = Vec::new();
    for doc in [
        "README.md",
        "docs/guarantees.md",
        "crates/dsl/tests/ui/README.md",
    ] {
        let bare = CASE_LISTS.contains(&doc);
        for (line, case) in cases_named(&read(doc), bare) {
            if !case_exists(&case) {
                missing.push(format!(
                    "{doc}:{line}: `{case}` is not a file in crates/dsl/tests/ui/"
                ));
            }
        }
    }
    assert!(missing.is_empty(), "{}", missing.join("\n"));
}

#[test]
fn every_compile_fail_case_is_listed_in_both_case_lists() {
    let cases = compile_fail_cases();
    assert!(
        cases.len() > 50,
        "crates/dsl/tests/ui/ has only {} cases",
        cases.len()
    );
    let mut unlisted = Vec::new();
    for doc in CASE_LISTS {
        let named: BTreeSet<String> = cases_named(&read(doc), true)
            .into_iter()
            .map(|(_, c)| c)
            .collect();
        for case in cases.difference(&named) {
            unlisted.push(format!("crates/dsl/tests/ui/{case} is not listed in {doc}"));
        }
    }
    assert!(unlisted.is_empty(), "{}", unlisted.join("\n"));
}

#[test]
fn every_error_cell_matches_its_case() {
    let mut drift = Vec::new();
    let mut checked = 0;
    for doc in CASE_LISTS {
        for row in error_rows(&read(doc)) {
            let case = &row.cases[0];
            let Some(stem) = case.strip_suffix(".rs") else {
                continue;
            };
            let stderr_path = root()
                .join("crates/dsl/tests/ui")
                .join(format!("{stem}.stderr"));
            let Ok(stderr) = fs::read_to_string(&stderr_path) else {
                drift.push(format!("{doc}:{}: {case} has no .stderr", row.line));
                continue;
            };
            let Some((first_line, block)) = first_error(&stderr) else {
                drift.push(format!(
                    "{doc}:{}: {stem}.stderr has no error line",
                    row.line
                ));
                continue;
            };
            checked += 1;
            if !matches_error(&row.error, &first_line, &block) {
                drift.push(format!(
                    "{doc}:{}: the error cell of {case} does not match its .stderr\n  cell:  {}\n  first: {first_line}",
                    row.line,
                    normalise(&row.error),
                ));
            }
        }
    }
    assert!(
        checked > 60,
        "only {checked} error cells found: did a table header change?"
    );
    assert!(drift.is_empty(), "{}", drift.join("\n"));
}

#[test]
fn every_compile_error_claim_names_its_case() {
    let mut unbacked = Vec::new();
    for doc in CLAIMING_DOCS {
        let bare = CASE_LISTS.contains(&doc);
        for (line, unit) in units(&read(doc)) {
            if !claims_compile_error(&unit) {
                continue;
            }
            let named: Vec<String> = spans_of_line(&unit)
                .iter()
                .filter_map(|s| case_of_span(s, bare))
                .filter(|c| case_exists(c) && !c.starts_with("pass/"))
                .collect();
            if named.is_empty() {
                unbacked.push(format!(
                    "{doc}:{line}: claims a compile error but names no crates/dsl/tests/ui case: {}",
                    unit.chars().take(160).collect::<String>()
                ));
            }
        }
    }
    assert!(unbacked.is_empty(), "{}", unbacked.join("\n"));
}

#[test]
fn matching_rules() {
    let first = "error[E0080]: evaluation panicked: autoscaling!(12..=10): the minimum is above the maximum, e.g. autoscaling!(10..=12)";
    let block = format!("{first} --> ui/x.rs:5:42 | 5 | ^^^ expected Memory, found Cpu");
    // The whole line, a key part, a prefix ending in …, a (…) gap.
    assert!(matches_error(first, first, &block));
    assert!(matches_error(
        "the minimum is above the maximum",
        first,
        &block
    ));
    assert!(matches_error(
        "`autoscaling!(12..=10)`: the minimum …",
        first,
        &block
    ));
    assert!(matches_error(
        "autoscaling!(12..=10): the (…) is above",
        first,
        &block
    ));
    // The rest may be in the block, in order; a final remark is not compared.
    assert!(matches_error(
        "evaluation panicked … expected `Memory`, found `Cpu`",
        first,
        &block
    ));
    assert!(matches_error(
        "the minimum is above (a remark)",
        first,
        &block
    ));
    assert!(!matches_error(
        "the minimum is above the maximum, e.g. autoscaling!(1..=2)",
        first,
        &block
    ));
    // Drift: other text, the wrong order, the rest only before the first fragment.
    assert!(!matches_error(
        "the maximum is above the minimum",
        first,
        &block
    ));
    assert!(!matches_error(
        "expected Memory … evaluation panicked",
        first,
        &block
    ));
    assert!(!matches_error("…", first, &block));
    assert!(!matches_error("expected Memory, found Cpu", first, &block));
}

#[test]
fn parsing_rules() {
    assert_eq!(
        cells("| `a.rs` | ``x | `y` `` | z |"),
        ["`a.rs`", "``x | `y` ``", "z"]
    );
    assert_eq!(spans_of_line("a `b.rs`, ``c `d` `` e"), ["b.rs", "c `d`"]);
    assert_eq!(
        case_of_span("pass/ok.rs", true).as_deref(),
        Some("pass/ok.rs")
    );
    assert_eq!(case_of_span("model/affinity.rs", true), None);
    assert_eq!(case_of_span("main.rs", false), None);
    assert_eq!(
        case_of_span("crates/dsl/tests/ui/x.rs", false).as_deref(),
        Some("x.rs")
    );
    assert_eq!(
        case_of_span("crates/dsl/tests/ui/<case>.stderr", true),
        None
    );
    assert_eq!(
        code_spans("a `b\nc` and `d.rs`\n\n`e.rs`"),
        [
            (1, "b c".to_string()),
            (1, "d.rs".to_string()),
            (4, "e.rs".to_string())
        ]
    );
    let doc = "intro\n\n| case | first line of the error |\n|---|---|\n| `a.rs`, `b.rs` | `boom` |\n\n- a list item that does not compile\n  and goes on\n";
    let rows = error_rows(doc);
    assert_eq!(rows.len(), 1);
    assert_eq!(
        (rows[0].line, rows[0].cases.clone(), rows[0].error.as_str()),
        (5, vec!["a.rs".to_string(), "b.rs".to_string()], "`boom`")
    );
    let units = units(doc);
    assert!(units
        .iter()
        .any(|(line, u)| *line == 7 && u.ends_with("and goes on") && claims_compile_error(u)));
}
