//! A team repository built beside a kairn checkout (examples/standalone; `kairn new` and
//! `kairn import` write the same dependency lines) reuses kairn's compiled crates only if
//! Cargo resolves every crate they share to the same features: one extra feature on a leaf
//! crate (memchr, smallvec, ...) changes the hash of every crate above it, and the test
//! command then compiles k8s-openapi (at opt-level 2), serde_json, serde-saphyr and the
//! rest a second time (about a minute of its ten). kairn's own crates compile once per
//! workspace whatever their features (Cargo hashes a path dependency by its path from the
//! workspace root). kairn's workspace turns features on through `publish`'s HTTP stack
//! and the dev-dependencies; `crates/cli/Cargo.toml` turns the same ones on for teams.
//!
//! This test compares the two resolutions (`cargo tree`, offline, from the lock files) and
//! names each crate whose features differ, with what to add there.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::process::Command;

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("tests/ has a parent")
        .to_path_buf()
}

/// Every registry crate of a workspace's build with its feature sets (a crate built for
/// the host and for the target may have two), from `cargo tree`.
fn resolved(manifest: &Path) -> BTreeMap<String, BTreeSet<String>> {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_owned());
    let out = Command::new(cargo)
        .args(["tree", "--workspace", "--locked", "--offline", "-e"])
        .arg("normal,build,dev")
        .args(["--prefix", "none", "--format", "{p}|{f}", "--manifest-path"])
        .arg(manifest)
        .output()
        .expect("cargo runs");
    assert!(
        out.status.success(),
        "cargo tree --manifest-path {}: {}",
        manifest.display(),
        String::from_utf8_lossy(&out.stderr)
    );
    let mut crates: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for line in String::from_utf8_lossy(&out.stdout).lines() {
        let line = line.trim_end_matches(" (*)");
        let Some((package, features)) = line.split_once('|') else {
            continue;
        };
        // Path packages (kairn's crates, the team's) differ on purpose: `publish`, seeds.
        if package.contains(" (/") || package.contains(" (file://") {
            continue;
        }
        crates
            .entry(package.trim().to_owned())
            .or_default()
            .insert(features.trim().to_owned());
    }
    crates
}

/// The differences, one line per crate both build.
fn differences(
    kairn: &BTreeMap<String, BTreeSet<String>>,
    team: &BTreeMap<String, BTreeSet<String>>,
) -> Vec<String> {
    team.iter()
        .filter_map(|(package, features)| {
            let theirs = kairn.get(package)?;
            (theirs != features).then(|| {
                format!("{package}: kairn's workspace {theirs:?}, a team repository {features:?}")
            })
        })
        .collect()
}

#[test]
fn a_team_repository_resolves_shared_crates_as_kairn_does() {
    let kairn = resolved(&root().join("Cargo.toml"));
    let team = resolved(&root().join("examples/standalone/Cargo.toml"));
    assert!(
        team.keys().any(|p| p.starts_with("k8s-openapi ")),
        "cargo tree of examples/standalone lists no k8s-openapi: {:?}",
        team.keys().collect::<Vec<_>>()
    );
    let drift = differences(&kairn, &team);
    assert!(
        drift.is_empty(),
        "a team repository resolves these crates with other features than kairn's workspace, \
         so the test command compiles them (and everything above them) twice; turn the \
         missing features on in the feature section of crates/cli/Cargo.toml:\n{}",
        drift.join("\n")
    );
}

#[test]
fn a_difference_is_named() {
    let set = |f: &[&str]| f.iter().map(|s| s.to_string()).collect::<BTreeSet<_>>();
    let kairn = BTreeMap::from([
        ("memchr v2.8.3".to_owned(), set(&["alloc,default,std"])),
        ("only-kairn v1.0.0".to_owned(), set(&["x"])),
    ]);
    let same = BTreeMap::from([("memchr v2.8.3".to_owned(), set(&["alloc,default,std"]))]);
    let other = BTreeMap::from([("memchr v2.8.3".to_owned(), set(&["alloc,std"]))]);
    assert!(differences(&kairn, &same).is_empty());
    let drift = differences(&kairn, &other);
    assert_eq!(drift.len(), 1);
    assert!(drift[0].starts_with("memchr v2.8.3: "), "{drift:?}");
}
