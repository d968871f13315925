//! The layers inside `dsl` point one way: `model` knows nothing of `render`, `validate` or
//! `output`; `render` reads `model`; `output` reads `model` and `render`; `validate` reads
//! `model` and `render`. Checked on the source text of every non-test file of the four
//! modules (code lines, not comments): a path into a layer above is a failure naming the
//! file and line. The waiver type and the annotation names both sides share live in the
//! `lint` crate, below all four.
//!
//! Test modules (`*tests.rs`) are left out: tests of `render` run the validator on what
//! it renders (a test of the pipeline, not an import of the layer).

use std::fs;
use std::path::{Path, PathBuf};

/// Each layer and the layers it must not name.
const FORBIDDEN: &[(&str, &[&str])] = &[
    ("model", &["render", "validate", "output"]),
    ("render", &["validate", "output"]),
    ("output", &["validate"]),
    ("validate", &["output"]),
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

fn files(dir: &Path, out: &mut Vec<PathBuf>) {
    let mut entries: Vec<PathBuf> = fs::read_dir(dir)
        .expect("source directory")
        .map(|e| e.expect("entry").path())
        .collect();
    entries.sort();
    for p in entries {
        if p.is_dir() {
            files(&p, out);
        } else if p.extension().is_some_and(|e| e == "rs")
            && !p
                .file_name()
                .is_some_and(|n| n.to_string_lossy().ends_with("tests.rs"))
        {
            out.push(p);
        }
    }
}

#[test]
fn layers_point_one_way() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut found = Vec::new();
    let mut read = 0;
    for (layer, above) in FORBIDDEN {
        let mut sources = Vec::new();
        files(&src.join(layer), &mut sources);
        let root_file = src.join(format!("{layer}.rs"));
        if root_file.is_file() {
            sources.push(root_file);
        }
        for file in sources {
            read += 1;
            let text = fs::read_to_string(&file).expect("source file");
            for (i, line) in text.lines().enumerate() {
                let code = line.trim_start();
                if code.starts_with("//") {
                    continue;
                }
                for other in *above {
                    if names_of(other).iter().any(|n| code.contains(n.as_str())) {
                        found.push(format!(
                            "{}:{}: {layer} names {other}: {code}",
                            file.display(),
                            i + 1
                        ));
                    }
                }
            }
        }
    }
    assert!(read > 60, "read only {read} files");
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
