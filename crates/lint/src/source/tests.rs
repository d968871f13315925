//! Tests of the YAML loader: trees, lines, limits, errors, files and directories.

use std::fs;
use std::io::{self, Read};
use std::path::{Path, PathBuf};

use super::input::size;
use super::yaml::{budget_message, thousands};
use super::*;

/// The fast path and serde-saphyr's reader give equal trees (values and lines) on
/// every YAML file of the repository's real sets and kairn's own output, and the fast
/// path reads most of them.
#[test]
fn fast_path_reads_real_manifests_as_the_full_reader_does() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let dirs = [
        "generated",
        "tests/fixtures",
        "examples/shop/generated",
        "../shared/corpus",
    ];
    let found = collect_files(
        &dirs
            .iter()
            .map(|d| root.join(d))
            .filter(|d| d.is_dir())
            .collect::<Vec<_>>(),
    );
    let (mut fast, mut readable) = (0, 0);
    for f in &found.files {
        let Ok(text) = fs::read_to_string(f) else {
            continue;
        };
        let full = full_roots(&text).map_err(|e| e.to_string());
        readable += usize::from(full.is_ok());
        if let Some(roots) = crate::events::roots(&text, MAX_NESTING, MAX_NODES) {
            fast += 1;
            assert_eq!(Ok(roots), full, "{}", f.display());
        }
    }
    // Helm templates are not YAML: neither path reads them.
    assert!(
        readable > 300 && fast == readable,
        "the fast path read {fast} of the {readable} files the full reader reads"
    );
}

fn limits(file_bytes: u64, total_bytes: u64) -> Limits {
    Limits {
        file_bytes,
        total_bytes,
    }
}

/// No Rust debug text or serde-saphyr option names in a message meant for users.
fn assert_plain(message: &str) {
    for debug in ["{ ", " }", "Options", "Policy", "Budget", "breach"] {
        assert!(!message.contains(debug), "`{debug}` in {message:?}");
    }
}

#[test]
fn reading_stops_at_the_per_file_limit() {
    let mut input = Input::new(limits(16, 1 << 20));
    let ok = input
        .read_text("a.yaml", &b"0123456789abcdef"[..])
        .expect("at the limit");
    assert_eq!(ok.len(), 16);
    let err = input
        .read_text("zero", io::repeat(0))
        .expect_err("endless input");
    assert_eq!(err.file, "zero");
    assert!(
        err.message.starts_with("larger than 16 bytes (the per-file limit); lint reads at most 16 bytes from each file or from standard input, and 1 MiB in all"),
        "{err}"
    );
    assert_eq!(input.used(), 32);
}

#[test]
fn reading_stops_at_the_total_limit() {
    let mut input = Input::new(limits(1 << 10, 1536));
    input
        .read_text("a", io::repeat(b'#').take(1 << 10))
        .expect("a");
    let err = input
        .read_text("b", io::repeat(b'#').take(1 << 10))
        .expect_err("over the total");
    assert!(
        err.message
            .contains("exceeds 1536 bytes (the limit for all input)"),
        "{err}"
    );
    assert!(input.exhausted());
    assert_eq!(input.read_text("empty", &b""[..]).expect("empty"), "");
    assert!(input.read_text("c", &b"x"[..]).is_err());

    let dir = std::env::temp_dir().join(format!("kairn-source-total-{}", std::process::id()));
    let _ = fs::remove_dir_all(&dir);
    fs::create_dir_all(&dir).expect("temp dir");
    let files: Vec<PathBuf> = (0..4)
        .map(|i| {
            let f = dir.join(format!("{i}.yaml"));
            fs::write(&f, format!("# {}\n", "x".repeat(100))).expect("write");
            f
        })
        .collect();
    let mut input = Input::new(limits(1 << 10, 150));
    let mut loaded = Loaded::default();
    let errors = load_files_with(&mut input, &files, &mut loaded);
    let _ = fs::remove_dir_all(&dir);
    assert_eq!(errors.len(), 2, "{errors:?}");
    assert!(errors[0].file.ends_with("1.yaml") && errors[0].message.contains("not read in full"));
    assert!(
        errors[1].file.ends_with("2.yaml")
            && errors[1].message.starts_with(
                "not read, nor the 1 file(s) after it: the input already totals 150 bytes"
            ),
        "{}",
        errors[1]
    );
}

#[test]
fn files_are_found_in_a_fixed_order_and_each_once() {
    let root = std::env::temp_dir().join(format!("kairn-source-walk-{}", std::process::id()));
    let _ = fs::remove_dir_all(&root);
    let dir = root.join("tree");
    fs::create_dir_all(dir.join("b/d")).expect("temp dir");
    fs::create_dir_all(root.join("empty")).expect("temp dir");
    for f in ["b.yaml", "a.yml", "b/d/e.yaml", "b/c.yaml", "notes.txt"] {
        fs::write(dir.join(f), "a: 1\n").expect("write");
    }
    let found = collect_files(&[dir.clone(), dir.join("b"), root.join("empty")]);
    let names: Vec<String> = found
        .files
        .iter()
        .map(|f| {
            f.strip_prefix(&dir)
                .expect("under dir")
                .display()
                .to_string()
        })
        .collect();
    assert_eq!(names, ["a.yml", "b/c.yaml", "b/d/e.yaml", "b.yaml"]);
    assert_eq!(found.notes.len(), 1, "{:?}", found.notes);
    assert!(found.notes[0]
        .message
        .starts_with("not searched again: same directory as "));
    assert_eq!(found.errors.len(), 1, "{:?}", found.errors);
    assert!(found.errors[0].file.ends_with("empty"));
    assert_eq!(found.errors[0].message, "no *.yaml or *.yml files found");
    let _ = fs::remove_dir_all(&root);
}

#[test]
fn invalid_utf8_names_the_line() {
    let err = Input::default()
        .read_text("b.yaml", &b"a: 1\nb: \xff\n"[..])
        .expect_err("not UTF-8");
    assert_eq!(err.to_string(), "b.yaml:2: not UTF-8 text");
}

#[test]
fn sizes_read_plainly() {
    assert_eq!(size(MAX_FILE_BYTES), "64 MiB");
    assert_eq!(size(MAX_TOTAL_BYTES), "512 MiB");
    assert_eq!(size(1 << 30), "1 GiB");
    assert_eq!(size(3 << 10), "3 KiB");
    assert_eq!(size(1000), "1000 bytes");
    assert_eq!(thousands(2_000_000), "2,000,000");
    assert_eq!(thousands(65_536), "65,536");
    assert_eq!(thousands(64), "64");
}

#[test]
fn limit_and_duplicate_key_errors_are_sentences() {
    let err = parse_str("d.yaml", "a: 1\nb:\n  c: 1\n  c: 2\n").expect_err("duplicate");
    assert_eq!(
        err.to_string(),
        "d.yaml:4: duplicate key `c` in a mapping (Kubernetes would keep only one of them): remove one"
    );

    // Nesting costs stack in a debug build: parse on a thread with the main thread's.
    let deep = format!("a: {}{}\n", "[".repeat(70), "]".repeat(70));
    let parse_deep = {
        let deep = deep.clone();
        move || parse_str("deep.yaml", &deep).expect_err("too deep")
    };
    let err = std::thread::Builder::new()
        .stack_size(8 << 20)
        .spawn(parse_deep)
        .expect("thread")
        .join()
        .expect("no panic");
    assert_eq!(err.message, "the input nests sequences and mappings more than 64 levels deep (kairn's limit against YAML bombs)");
    assert_eq!(err.line, Some(1));
    assert_plain(&err.to_string());

    use serde_saphyr::budget::BudgetBreach as B;
    assert_eq!(
        budget_message(&B::Nodes { nodes: 2_000_001 }),
        "the input has more than 2,000,000 YAML nodes (kairn's limit against YAML bombs)"
    );
    assert_eq!(
        budget_message(&B::Documents { documents: 65_537 }),
        "the input has more than 65,536 YAML documents (kairn's limit against YAML bombs)"
    );
    for breach in [
        B::Events { events: 1 },
        B::Aliases { aliases: 1 },
        B::Anchors { anchors: 1 },
        B::ScalarBytes {
            total_scalar_bytes: 1,
        },
        B::MergeKeys { merge_keys: 1 },
        B::AliasAnchorRatio {
            aliases: 1,
            anchors: 1,
        },
        B::SequenceUnbalanced,
    ] {
        assert_plain(&budget_message(&breach));
    }

    let mut bomb = String::from("a: &a [x, x, x, x, x, x, x, x, x, x]\n");
    let mut prev = "a".to_owned();
    for i in 0..8 {
        let refs = vec![format!("*{prev}"); 10].join(", ");
        bomb.push_str(&format!("l{i}: &l{i} [{refs}]\n"));
        prev = format!("l{i}");
    }
    let err = parse_str("bomb.yaml", &bomb).expect_err("alias bomb");
    assert!(
        err.message.ends_with("(kairn's limit against YAML bombs)"),
        "{err}"
    );

    for err in [
        parse_str("d.yaml", "a: 1\na: 2\n").expect_err("duplicate"),
        parse_str("bomb.yaml", &bomb).expect_err("bomb"),
        parse_str("bad.yaml", "a: [1, 2\n").expect_err("malformed"),
    ] {
        assert_plain(&err.to_string());
    }
}

/// A typed document alone in its file lets its tree go and answers as if it had kept it:
/// the same lines, annotations, JSON form and tree as the same document read beside
/// another (which keeps its tree), on every file of kairn's own output.
#[test]
fn a_tree_let_go_answers_as_a_kept_one() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../generated");
    let found = collect_files(&[root]);
    let mut let_go = 0;
    for file in &found.files {
        let text = fs::read_to_string(file).expect("readable");
        let alone = parse_str("f.yaml", &text).expect("parses");
        let [doc] = alone.documents.as_slice() else {
            continue;
        };
        if doc.tree.get().is_some() {
            assert!(
                doc.object.is_none(),
                "{}: a typed object kept its tree",
                file.display()
            );
            continue;
        }
        let_go += 1;
        // A second document keeps both trees.
        let pair = parse_str(
            "f.yaml",
            &format!("{text}\n---\nkind: Namespace\napiVersion: v1\nmetadata: {{name: z}}\n"),
        )
        .expect("parses");
        let kept = &pair.documents[0];
        assert!(kept.tree.get().is_some());
        let paths = [
            "metadata.name",
            "metadata.labels[\"app.kubernetes.io/name\"]",
            "spec.template.spec.containers[0].image",
            "spec.template.spec.containers[0].resources.limits.memory",
            "spec.ports[0].targetPort",
            "spec.egress[1].to[0]",
            "data",
            "no.such.field",
        ];
        for path in paths {
            assert_eq!(
                doc.line_of_path(path),
                kept.line_of_path(path),
                "{}: {path}",
                file.display()
            );
        }
        for (key, _) in doc
            .object
            .as_ref()
            .unwrap()
            .metadata()
            .annotations
            .iter()
            .flatten()
        {
            assert_eq!(
                doc.annotation(key),
                kept.annotation(key),
                "{}: {key}",
                file.display()
            );
        }
        assert_eq!(doc.annotation("kairn.dev/none"), None);
        assert!(
            doc.tree.get().is_none(),
            "placing a finding does not keep the tree"
        );
        assert_eq!(doc.value(), kept.value(), "{}", file.display());
        assert_eq!(doc.tree(), kept.tree(), "{}", file.display());
    }
    assert!(let_go > 100, "only {let_go} documents let their tree go");
}
