//! The committed `generated/` is exactly what the declarations render today: every
//! registered app and environment is rendered in-process (as `kairn emit` does, with no
//! `--set` inputs) and compared byte for byte with the files on disk, and `generated/`
//! holds no other file.

use std::collections::BTreeMap;

use apps::Inputs;
use dsl::output::env_output;
use integration::support::{generated_root, read_tree};

/// Relative path under `generated/` to expected content, for every registered app/env.
fn rendered() -> BTreeMap<String, String> {
    let mut files = BTreeMap::new();
    for entry in apps::registry() {
        let envs = entry.environments();
        assert!(!envs.is_empty(), "app {} declares no environment", entry.id);
        for env in envs {
            let app = entry
                .declare(env.as_str(), &Inputs::default())
                .unwrap_or_else(|| panic!("{}: environment {env} not declared", entry.id))
                .unwrap_or_else(|e| panic!("{}/{env}: {e}", entry.id));
            let manifests = dsl::render(&app);
            let out = env_output(entry.id, app.environment.as_str(), &manifests)
                .unwrap_or_else(|e| panic!("{}/{env}: {e}", entry.id));
            let dir = out.relative_dir().to_string_lossy().replace('\\', "/");
            for (name, content) in out.files {
                files.insert(format!("{dir}/{name}"), content);
            }
        }
    }
    files
}

#[test]
fn committed_generated_tree_is_current() {
    let expected = rendered();
    let root = generated_root();
    let actual = if root.is_dir() {
        read_tree(&root)
    } else {
        BTreeMap::new()
    };

    let mut stale = Vec::new();
    let mut missing = Vec::new();
    let mut extra = Vec::new();
    for (path, content) in &expected {
        match actual.get(path) {
            None => missing.push(path.clone()),
            Some(on_disk) if on_disk != content => stale.push(path.clone()),
            Some(_) => {}
        }
    }
    for path in actual.keys() {
        if !expected.contains_key(path) {
            extra.push(path.clone());
        }
    }
    if stale.is_empty() && missing.is_empty() && extra.is_empty() {
        return;
    }
    let mut msg = String::from("generated/ is not what the declarations render:\n");
    for (label, list) in [
        ("stale (content differs)", &stale),
        ("missing", &missing),
        ("not rendered by any declaration (extra)", &extra),
    ] {
        for path in list {
            msg.push_str(&format!("  {label}: generated/{path}\n"));
        }
    }
    if let Some(first) = stale.first() {
        msg.push_str(&format!(
            "\nfirst difference in generated/{first}:\n{}",
            first_line_diff(&expected[first], &actual[first])
        ));
    }
    msg.push_str(
        "\nrun `cargo run -p cli -- emit` and commit generated/ (remove files kairn did not write)",
    );
    panic!("{msg}");
}

fn first_line_diff(expected: &str, actual: &str) -> String {
    let (e, a): (Vec<&str>, Vec<&str>) = (expected.lines().collect(), actual.lines().collect());
    for i in 0..e.len().max(a.len()) {
        let (x, y) = (e.get(i), a.get(i));
        if x != y {
            return format!(
                "  line {}:\n    rendered:  {}\n    committed: {}\n",
                i + 1,
                x.unwrap_or(&"<end of file>"),
                y.unwrap_or(&"<end of file>")
            );
        }
    }
    "  (only line endings differ)\n".to_owned()
}
