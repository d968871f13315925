//! `emit`'s cache (crates/dsl/src/output/cache.rs): an environment whose declaration, inputs
//! and binary are unchanged, and whose directory is exactly as emit left it, is served
//! from the cache; anything else is rendered and planned as before. Each test has its own
//! cache directory (`KAIRN_CACHE_DIR`).

use crate::support;

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Output;
use std::time::{Duration, SystemTime};

use support::*;

const RELEASE_A: &str = "release=caelundas-20260125-143022";
const RELEASE_B: &str = "release=caelundas-20260126-143022";

/// `kairn args...` with its cache in `cache` (empty: the cache turned off).
fn run(cache: &str, args: &[&str]) -> Output {
    kairn_cmd(args)
        .env("KAIRN_CACHE_DIR", cache)
        .output()
        .expect("kairn runs")
}

fn ok(cache: &str, args: &[&str]) -> Output {
    let o = run(cache, args);
    assert!(o.status.success(), "{}", describe(args, &o));
    o
}

/// Sets every entry below `dir` an hour back, as if emit had written it long ago (a
/// directory written less than 2 s before emit lists it is not recorded).
fn age(dir: &Path) {
    let past = SystemTime::now() - Duration::from_secs(3600);
    for entry in fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            age(&path);
        }
        fs::File::open(&path).unwrap().set_modified(past).unwrap();
    }
}

/// `kairn COMMAND --out OUT --app caelundas --set RELEASE`.
fn caelundas<'a>(command: &'a str, out: &'a TempDir, release: &'a str) -> [&'a str; 7] {
    [
        command,
        "--out",
        out.arg(),
        "--app",
        "caelundas",
        "--set",
        release,
    ]
}

/// The cache's entries (one JSON file per environment).
fn entries(cache: &Path) -> Vec<PathBuf> {
    fn walk(dir: &Path, out: &mut Vec<PathBuf>) {
        for entry in fs::read_dir(dir).into_iter().flatten() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                walk(&path, out);
            } else if path.extension().is_some_and(|e| e == "json") {
                out.push(path);
            }
        }
    }
    let mut out = Vec::new();
    walk(cache, &mut out);
    out.sort();
    out
}

#[test]
fn an_unchanged_environment_is_served_from_the_cache_with_the_same_report() {
    let out = TempDir::new("cache-out");
    let cache = TempDir::new("cache-dir");
    let emit = caelundas("emit", &out, RELEASE_A);
    let check = caelundas("check", &out, RELEASE_A);
    ok(cache.arg(), &emit);
    age(out.path());
    let second = ok(cache.arg(), &emit);
    let recorded = entries(cache.path());
    let envs = support::env_dirs(out.path()).len();
    assert_eq!(recorded.len(), envs, "one entry per environment");

    // Served from the cache: the same report, files and counts as without it.
    let tree = read_tree_bytes(out.path());
    let served = ok(cache.arg(), &emit);
    assert_eq!(stderr(&served), stderr(&second));
    assert_eq!(stderr(&served), stderr(&ok("", &emit)));
    assert_eq!(read_tree_bytes(out.path()), tree);
    let checked = ok(cache.arg(), &check);
    assert_eq!(stderr(&checked), stderr(&ok("", &check)));

    // It is the cache that answered: a changed object count in an entry shows.
    let mut entry: serde_json::Value =
        serde_json::from_slice(&fs::read(&recorded[0]).unwrap()).unwrap();
    entry["objects"] = serde_json::json!(100_000);
    fs::write(&recorded[0], serde_json::to_vec(&entry).unwrap()).unwrap();
    let tampered = stderr(&ok(cache.arg(), &check));
    assert!(
        tampered.contains("object(s)") && tampered != stderr(&checked),
        "the tampered entry was not read: {tampered}"
    );
}

#[test]
fn edits_inputs_and_leftovers_are_never_hidden_by_the_cache() {
    let out = TempDir::new("cache-edit-out");
    let cache = TempDir::new("cache-edit-dir");
    let emit = caelundas("emit", &out, RELEASE_A);
    let check = caelundas("check", &out, RELEASE_A);
    ok(cache.arg(), &emit);
    age(out.path());
    ok(cache.arg(), &emit);
    assert!(!entries(cache.path()).is_empty());

    // Other inputs: another key, so the drift shows.
    let other = caelundas("check", &out, RELEASE_B);
    let o = run(cache.arg(), &other);
    assert_eq!(o.status.code(), Some(1), "{}", describe(&other, &o));
    assert!(String::from_utf8_lossy(&o.stdout).contains("20260126"));

    // A hand edit of the same size (a new modification time): drift for check, a
    // conflict for emit, exactly as without the cache.
    let env = out.path().join("caelundas/production");
    let file = fs::read_dir(&env)
        .unwrap()
        .map(|e| e.unwrap().path())
        .find(|p| p.to_string_lossy().contains("/job-caelundas-"))
        .expect("the generator Job file");
    let text = fs::read_to_string(&file).unwrap();
    let edited = text.replace("backoffLimit: 1", "backoffLimit: 5");
    assert!(edited != text && edited.len() == text.len());
    fs::write(&file, edited).unwrap();
    let cached = run(cache.arg(), &check);
    let uncached = run("", &check);
    assert_eq!(
        cached.status.code(),
        Some(1),
        "{}",
        describe(&check, &cached)
    );
    assert_eq!(stderr(&cached), stderr(&uncached));
    assert_eq!(cached.stdout, uncached.stdout);
    let o = run(cache.arg(), &emit);
    assert_eq!(o.status.code(), Some(1), "{}", describe(&emit, &o));
    assert!(stderr(&o).contains("edited since"), "{}", stderr(&o));
    fs::write(&file, &text).unwrap();
    ok(cache.arg(), &check);

    // A staging directory of an interrupted emit beside it: the plan sees it.
    let stage = out.path().join("caelundas/.production.kairn-stage-1");
    fs::create_dir(&stage).unwrap();
    let o = run(cache.arg(), &check);
    assert_eq!(o.status.code(), Some(1), "{}", describe(&check, &o));
    assert!(stderr(&o).contains("interrupted emit"), "{}", stderr(&o));
    ok(cache.arg(), &emit);
    assert!(!stage.exists());
    ok(cache.arg(), &check);
}
