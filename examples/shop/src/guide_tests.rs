//! The guide's samples are the example's code: every Rust block of `docs/guide.md` whose
//! first visible line is `// examples/shop/<path>` shows lines of that file, verbatim and
//! in one piece. Lines rustdoc hides (`# …`) are left out: they only make the block
//! compile as a doc test.

use std::path::Path;

const GUIDE: &str = include_str!("../../../docs/guide.md");

/// A block of the guide that quotes a file of the example.
#[derive(Debug)]
struct Excerpt {
    /// The quoted file, relative to the repository root.
    file: String,
    /// Line of the guide the block starts on.
    guide_line: usize,
    /// Its visible lines after the file marker.
    lines: Vec<String>,
}

fn hidden(line: &str) -> bool {
    let t = line.trim_start();
    t == "#" || t.starts_with("# ")
}

/// The quoting blocks of a guide, in order.
fn excerpts(guide: &str) -> Vec<Excerpt> {
    let mut out = Vec::new();
    let mut block: Option<(usize, Vec<&str>)> = None;
    for (i, line) in guide.lines().enumerate() {
        match &mut block {
            None if line.starts_with("```rust") => block = Some((i + 2, Vec::new())),
            None => {}
            Some((start, lines)) if line.starts_with("```") => {
                let mut visible = lines.iter().filter(|l| !hidden(l));
                if let Some(file) = visible
                    .next()
                    .and_then(|first| first.strip_prefix("// "))
                    .filter(|f| f.starts_with("examples/shop/"))
                {
                    out.push(Excerpt {
                        file: file.to_owned(),
                        guide_line: *start,
                        lines: visible.map(|l| (*l).to_owned()).collect(),
                    });
                }
                block = None;
            }
            Some((_, lines)) => lines.push(line),
        }
    }
    out
}

/// Whether `needle` occurs in `haystack` as consecutive lines.
fn quotes(haystack: &str, needle: &[String]) -> bool {
    let lines: Vec<&str> = haystack.lines().collect();
    !needle.is_empty() && lines.windows(needle.len()).any(|w| w == needle)
}

fn read(file: &str) -> String {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    std::fs::read_to_string(root.join(file))
        .unwrap_or_else(|e| panic!("docs/guide.md quotes {file}, which cannot be read: {e}"))
}

#[test]
fn guide_samples_are_the_examples_code() {
    let all = excerpts(GUIDE);
    // main, environments, stores, redis, secrets, config, api, its sidecar, worker,
    // report, app, log shipper.
    assert!(all.len() >= 12, "{} quoting blocks: {all:#?}", all.len());
    for e in &all {
        assert!(
            quotes(&read(&e.file), &e.lines),
            "docs/guide.md:{}: the sample is not a verbatim piece of {} (copy the lines again):\n{}",
            e.guide_line,
            e.file,
            e.lines.join("\n")
        );
    }
}

#[test]
fn a_sample_that_differs_from_the_file_is_caught() {
    let guide = "text\n```rust\n// examples/shop/src/report.rs\n# use dsl::*;\n    let nightly = ScheduledJob::builder()\n        .schedule(cron!(\"30 3 * * *\"))\n```\n";
    let found = excerpts(guide);
    assert_eq!(found.len(), 1);
    assert_eq!(found[0].guide_line, 3);
    assert_eq!(found[0].lines.len(), 2, "the hidden line is left out");
    assert!(!quotes(&read(&found[0].file), &found[0].lines));
    let fixed: Vec<String> = found[0]
        .lines
        .iter()
        .map(|l| l.replace("30 3", "30 2"))
        .collect();
    assert!(quotes(&read(&found[0].file), &fixed));
}
