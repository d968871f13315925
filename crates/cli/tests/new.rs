//! `kairn new DIR` as a user runs it: the refusal of a directory that is not empty (exit
//! 2, nothing written, the first line says what to do), and the git form of the kairn
//! dependency resolving against a clean clone of this checkout through a `file://` URL.
//!
//! Building and emitting a new repository (path form) is the `kairn new` step of
//! `scripts/test.sh`: it reuses this workspace's `target/` as cargo's build directory,
//! which a test cannot do while `cargo test` holds that directory's lock.

use crate::support;

use std::path::Path;
use std::process::Command;

use serde_json::Value;
use support::{describe, kairn, stderr, workspace_root, TempDir};

#[test]
fn new_refuses_a_non_empty_dir_and_writes_nothing() {
    let tmp = TempDir::new("new-refuse");
    let dir = tmp.path().join("repo");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("Cargo.toml"), "# mine\n").unwrap();
    let args = ["new", dir.to_str().unwrap()];
    let o = kairn(&args);
    assert_eq!(o.status.code(), Some(2), "{}", describe(&args, &o));
    let err = stderr(&o);
    let first = err.lines().next().unwrap_or_default();
    assert!(
        first.starts_with("error: ")
            && first.contains("is not empty")
            && first.contains("choose another DIR"),
        "the first line must say what to do: {err}"
    );
    let entries: Vec<_> = std::fs::read_dir(tmp.path())
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(entries, vec!["repo"], "something was written beside DIR");
    let inside: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(inside, vec!["Cargo.toml"], "something was written into DIR");
    assert_eq!(
        std::fs::read_to_string(dir.join("Cargo.toml")).unwrap(),
        "# mine\n"
    );
}

#[test]
fn new_refuses_names_that_would_not_compile() {
    let tmp = TempDir::new("new-names");
    let dir = tmp.path().join("repo");
    for args in [
        vec!["new", dir.to_str().unwrap(), "--app", "Book_Store"],
        vec!["new", dir.to_str().unwrap(), "--team", "dsl"],
        vec!["new", dir.to_str().unwrap(), "--kairn-git", "file:///x"],
    ] {
        let o = kairn(&args);
        assert_eq!(o.status.code(), Some(2), "{}", describe(&args, &o));
        assert!(!dir.exists(), "`kairn {}` wrote {dir:?}", args.join(" "));
    }
}

fn git(dir: &Path, args: &[&str]) -> String {
    let o = Command::new("git")
        .args(args)
        .current_dir(dir)
        .output()
        .expect("git runs");
    assert!(
        o.status.success(),
        "git {} failed: {}",
        args.join(" "),
        String::from_utf8_lossy(&o.stderr)
    );
    String::from_utf8_lossy(&o.stdout).trim().to_owned()
}

/// The dependency line `kairn new --kairn-git URL --kairn-rev REV` writes resolves: a
/// clean clone of this checkout's HEAD, as a `file://` git URL (no network), pinned to
/// HEAD's commit id; `cargo metadata` of the new workspace finds `dsl` and `cli` in it.
#[test]
fn new_with_a_git_dependency_resolves_against_a_clean_clone() {
    let root = workspace_root();
    if !root.join(".git").exists() {
        assert!(
            std::env::var_os("CI").is_none(),
            "{} is not a git checkout",
            root.display()
        );
        eprintln!("skipped: {} is not a git checkout", root.display());
        return;
    }
    let tmp = TempDir::new("new-git");
    let clone = tmp.path().join("kairn");
    git(
        tmp.path(),
        &[
            "clone",
            "--quiet",
            "--no-hardlinks",
            root.to_str().unwrap(),
            "kairn",
        ],
    );
    let rev = git(&clone, &["rev-parse", "HEAD"]);
    let url = format!("file://{}", clone.display());
    let repo = tmp.path().join("team-repo");
    let args = [
        "new",
        repo.to_str().unwrap(),
        "--app",
        "bookstore",
        "--team",
        "shop",
        "--kairn-git",
        &url,
        "--kairn-rev",
        &rev,
    ];
    let o = kairn(&args);
    assert!(o.status.success(), "{}", describe(&args, &o));
    let manifest = std::fs::read_to_string(repo.join("Cargo.toml")).unwrap();
    assert!(
        manifest.contains(&format!("git = \"{url}\", rev = \"{rev}\"")),
        "{manifest}"
    );
    // Registry crates come from the lock file (kairn's own) and the local cache; the git
    // repository is a local path, fetched into CARGO_HOME's git database.
    let out = Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_owned()))
        .args(["metadata", "--format-version", "1"])
        .current_dir(&repo)
        .env_remove("CARGO_TARGET_DIR")
        .output()
        .expect("cargo runs");
    assert!(
        out.status.success(),
        "cargo metadata in {} failed:\n{}",
        repo.display(),
        String::from_utf8_lossy(&out.stderr)
    );
    let meta: Value = serde_json::from_slice(&out.stdout).expect("cargo metadata prints JSON");
    let packages = meta["packages"].as_array().expect("packages");
    for name in ["dsl", "cli", "lint"] {
        let p = packages
            .iter()
            .find(|p| p["name"] == name)
            .unwrap_or_else(|| panic!("{name} is not in the resolved graph"));
        let source = p["source"].as_str().unwrap_or_default();
        assert!(
            source.starts_with(&format!("git+{url}")) && source.ends_with(&rev),
            "{name} comes from {source:?}, not the clone at {rev}"
        );
    }
    let names: Vec<&str> = packages.iter().filter_map(|p| p["name"].as_str()).collect();
    for left_out in ["oci-client", "tokio", "rustls", "apps"] {
        assert!(
            !names.contains(&left_out),
            "a team repository links {left_out} by default"
        );
    }
}
