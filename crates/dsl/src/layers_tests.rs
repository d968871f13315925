//! The layers inside `dsl` point one way: `model` knows nothing of `render`, `validate` or
//! `output`; `render` reads `model`; `output` reads `model` and `render`; `validate` reads
//! `model` and `render`. Checked on the source text of the four modules (code, not
//! comments or string literals): a path into a layer above is a failure naming the file
//! and line. The waiver type and the annotation names both sides share live in the `lint`
//! crate, below all four.
//!
//! A path is `crate::<layer>::...` (or a root re-export such as `crate::Waiver`), or, where
//! the file imports the crate root (`use crate::*` or `use crate::{..}`), the bare name of
//! the layer or of what the root re-exports from it (`validate(..)`, `Waiver`, ...).
//!
//! The test files of `model` and `render` (`*tests.rs`, and any file under a directory
//! whose name ends in `tests`) are checked too: tests that run the validator on what
//! `render` made live in `validate/render_tests/`. Test files of `validate` and `output`
//! are left out (a test of `validate` may write what it checked).

use std::fs;
use std::path::{Path, PathBuf};

/// Each layer, the layers it must not name, and whether its test files are checked.
const FORBIDDEN: &[(&str, &[&str], bool)] = &[
    ("model", &["render", "validate", "output"], true),
    ("render", &["validate", "output"], true),
    ("output", &["validate"], false),
    ("validate", &["output"], false),
];

/// Root re-exports of each layer (`crate::Waiver` is `validate::Waiver`, ...).
fn names_of(layer: &str) -> Vec<String> {
    let mut names = vec![format!("crate::{layer}::"), format!("crate::{layer};")];
    match layer {
        "validate" => names.extend(
            [
                "crate::validate",
                "crate::Waiver",
                "crate::Report",
                "crate::Finding",
            ]
            .map(str::to_owned),
        ),
        "render" => names.push("crate::render".to_owned()),
        _ => {}
    }
    names
}

/// The names a file that imports the crate root can use for a layer without a path: the
/// layer's module and what the root re-exports from it (`pub use validate::{..}`).
fn bare_names_of(layer: &str) -> &'static [&'static str] {
    match layer {
        "validate" => &["validate", "Waiver", "Report", "Finding"],
        "render" => &["render"],
        "output" => &["output"],
        _ => &[],
    }
}

/// Whether a path names a test file: `*tests.rs`, or under a `*tests` directory.
fn is_test_file(src: &Path, file: &Path) -> bool {
    let relative = file.strip_prefix(src).unwrap_or(file);
    let name = relative
        .file_name()
        .map(|n| n.to_string_lossy().into_owned());
    name.is_some_and(|n| n.ends_with("tests.rs"))
        || relative
            .parent()
            .into_iter()
            .flat_map(Path::components)
            .any(|c| c.as_os_str().to_string_lossy().ends_with("tests"))
}

fn files(dir: &Path, out: &mut Vec<PathBuf>) {
    let mut entries: Vec<PathBuf> = fs::read_dir(dir)
        .expect("source directory")
        .map(|e| e.expect("entry").path())
        .collect();
    entries.sort();
    for p in entries {
        if p.is_dir() {
            files(&p, out);
        } else if p.extension().is_some_and(|e| e == "rs") {
            out.push(p);
        }
    }
}

/// The code of a source text, line by line: comments and the contents of string
/// literals blanked (`"..."` becomes `""`), so neither can name a layer.
fn code_lines(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut in_block = 0usize;
    let mut in_string: Option<usize> = None; // Some(hashes) inside a (raw) string
    for line in text.lines() {
        let chars: Vec<char> = line.chars().collect();
        let mut code = String::new();
        let mut i = 0;
        while i < chars.len() {
            let c = chars[i];
            let next = chars.get(i + 1).copied();
            if let Some(hashes) = in_string {
                if c == '\\' && hashes == usize::MAX {
                    i += 2;
                    continue;
                }
                let closes = c == '"'
                    && (hashes == usize::MAX
                        || (0..hashes).all(|k| chars.get(i + 1 + k) == Some(&'#')));
                if closes {
                    code.push('"');
                    i += 1 + if hashes == usize::MAX { 0 } else { hashes };
                    in_string = None;
                } else {
                    i += 1;
                }
                continue;
            }
            if in_block > 0 {
                if c == '*' && next == Some('/') {
                    in_block -= 1;
                    i += 2;
                } else if c == '/' && next == Some('*') {
                    in_block += 1;
                    i += 2;
                } else {
                    i += 1;
                }
                continue;
            }
            match (c, next) {
                ('/', Some('/')) => break,
                ('/', Some('*')) => {
                    in_block += 1;
                    i += 2;
                }
                ('"', _) => {
                    code.push('"');
                    in_string = Some(usize::MAX);
                    i += 1;
                }
                ('r', Some('"' | '#'))
                    if !code.ends_with(|p: char| p.is_alphanumeric() || p == '_') =>
                {
                    let hashes = chars[i + 1..].iter().take_while(|&&h| h == '#').count();
                    if chars.get(i + 1 + hashes) == Some(&'"') {
                        code.push('"');
                        in_string = Some(hashes);
                        i += 2 + hashes;
                    } else {
                        code.push(c);
                        i += 1;
                    }
                }
                ('\'', _) => {
                    // A char literal ('"', '\\', 'x'); a lifetime has no closing quote.
                    let end = if next == Some('\\') {
                        chars[i + 2..]
                            .iter()
                            .position(|&q| q == '\'')
                            .map(|p| i + 2 + p)
                    } else if chars.get(i + 2) == Some(&'\'') {
                        Some(i + 2)
                    } else {
                        None
                    };
                    match end {
                        Some(e) => {
                            code.push_str("' '");
                            i = e + 1;
                        }
                        None => {
                            code.push(c);
                            i += 1;
                        }
                    }
                }
                _ => {
                    code.push(c);
                    i += 1;
                }
            }
        }
        out.push(code);
    }
    out
}

/// Whether `code` uses `name` as a bare identifier: not part of a longer identifier,
/// not after `::` or `.` (a path or a method of something else).
fn names_bare(code: &str, name: &str) -> bool {
    let ident = |c: char| c.is_alphanumeric() || c == '_';
    code.match_indices(name).any(|(at, _)| {
        let before = &code[..at];
        let after = &code[at + name.len()..];
        !before.ends_with(ident)
            && !after.starts_with(ident)
            && !before.ends_with("::")
            && !before.ends_with('.')
    })
}

/// Whether a file's code imports the crate root's names (`use crate::*`, `use crate::{`).
fn imports_root(lines: &[String]) -> bool {
    lines.iter().any(|l| {
        let l = l.trim_start();
        let l = l.strip_prefix("pub(crate) ").unwrap_or(l);
        l.starts_with("use crate::*") || l.starts_with("use crate::{")
    })
}

/// Each line of `text` that names a layer in `above`, as `(line number, layer)`.
fn paths_into(text: &str, above: &[&str]) -> Vec<(usize, String)> {
    let lines = code_lines(text);
    let root = imports_root(&lines);
    let mut found = Vec::new();
    for (i, code) in lines.iter().enumerate() {
        for other in above {
            let by_path = names_of(other).iter().any(|n| code.contains(n.as_str()));
            let bare = root && bare_names_of(other).iter().any(|n| names_bare(code, n));
            if by_path || bare {
                found.push((i + 1, (*other).to_owned()));
            }
        }
    }
    found
}

#[test]
fn layers_point_one_way() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut found = Vec::new();
    let (mut read, mut tests_read) = (0, 0);
    for (layer, above, with_tests) in FORBIDDEN {
        let mut sources = Vec::new();
        files(&src.join(layer), &mut sources);
        let root_file = src.join(format!("{layer}.rs"));
        if root_file.is_file() {
            sources.push(root_file);
        }
        for file in sources {
            let test = is_test_file(&src, &file);
            if test && !with_tests {
                continue;
            }
            read += 1;
            tests_read += usize::from(test);
            let text = fs::read_to_string(&file).expect("source file");
            let lines: Vec<&str> = text.lines().collect();
            for (line, other) in paths_into(&text, above) {
                found.push(format!(
                    "{}:{line}: {layer} names {other}: {}",
                    file.display(),
                    lines[line - 1].trim()
                ));
            }
        }
    }
    assert!(read > 60, "read only {read} files");
    assert!(
        tests_read >= 5,
        "read only {tests_read} test files of model and render"
    );
    assert!(
        found.is_empty(),
        "layers pointing back:\n{}",
        found.join("\n")
    );
}

/// The check fails on a path into a layer above (so it can fail).
#[test]
fn a_path_into_a_layer_above_is_found() {
    let line = "use crate::validate::Waiver;";
    assert!(names_of("validate")
        .iter()
        .any(|n| line.contains(n.as_str())));
    assert!(names_of("render")
        .iter()
        .any(|n| "let m = crate::render(&app);".contains(n.as_str())));
    assert!(!names_of("render")
        .iter()
        .any(|n| "use crate::model::App;".contains(n.as_str())));
}

/// A render test that runs the validator through the crate root is found, by line; the
/// same words in comments, strings, longer names or other paths are not.
#[test]
fn a_test_calling_the_validator_through_the_root_is_found() {
    let test = "use crate::*;\n\
                \n\
                fn findings(app: &App) -> Vec<Finding> {\n\
                    // validate(..) in a comment names nothing\n\
                    let s = \"validate(&render(app))\";\n\
                    validate(&render(app), &validate::context_for(app)).findings\n\
                }\n";
    let above = ["validate", "output"];
    assert_eq!(
        paths_into(test, &above),
        vec![(3, "validate".to_owned()), (6, "validate".to_owned())]
    );
    let braces = "use crate::{render, validate};\nlet r = validate(&m, &c);\n";
    assert_eq!(
        paths_into(braces, &above),
        vec![(1, "validate".to_owned()), (2, "validate".to_owned())]
    );
    let clean = "use crate::*;\n\
                 fn validated_names(app: &App) -> Vec<String> {\n\
                     let r = lint::Report::default();\n\
                     x.validate(); let output_dir = 1; let t = 'x';\n\
                     render(app).len()\n\
                 }\n";
    assert_eq!(paths_into(clean, &above), Vec::<(usize, String)>::new());
    // Without a root import, a bare name is the file's own (a local function).
    assert_eq!(
        paths_into("fn validate() {}\nvalidate();\n", &above),
        Vec::<(usize, String)>::new()
    );
    let src = Path::new("/x/src");
    assert!(is_test_file(src, Path::new("/x/src/render/tests.rs")));
    assert!(is_test_file(
        src,
        Path::new("/x/src/validate/render_tests/pod.rs")
    ));
    assert!(!is_test_file(src, Path::new("/x/src/render/pod.rs")));
}
