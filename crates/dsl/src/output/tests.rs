//! The writer's guarantees, on a small synthetic tree: ownership, conflicts, pruning,
//! recovery after an interrupted run, and no change at all when staging fails.

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};

use super::commit::FAIL_WRITE_AT;
use super::*;

struct TempDir(PathBuf);

impl TempDir {
    fn new(label: &str) -> TempDir {
        static N: AtomicUsize = AtomicUsize::new(0);
        let path = std::env::temp_dir().join(format!(
            "kairn-output-{label}-{}-{}",
            std::process::id(),
            N.fetch_add(1, Ordering::Relaxed)
        ));
        let _ = fs::remove_dir_all(&path);
        fs::create_dir_all(&path).unwrap();
        TempDir(path)
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = fs::remove_dir_all(&self.0);
    }
}

fn output(app: &str, env: &str, files: &[(&str, &str)]) -> EnvOutput {
    let mut map: BTreeMap<String, String> = files
        .iter()
        .map(|(n, c)| ((*n).to_owned(), format!("{HEADER_MARK}\n{c}")))
        .collect();
    map.insert(OWNERSHIP_FILE.into(), Ownership::of(&map).to_text());
    EnvOutput {
        app: app.into(),
        environment: env.into(),
        resources: files.iter().map(|(n, _)| (*n).to_owned()).collect(),
        files: map,
    }
}

/// Every file under `root` (relative path to content), staging directories included.
fn tree(root: &Path) -> BTreeMap<String, String> {
    fn walk(root: &Path, dir: &Path, out: &mut BTreeMap<String, String>) {
        for e in fs::read_dir(dir).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                walk(root, &p, out);
            } else {
                let rel = p.strip_prefix(root).unwrap().to_string_lossy().into_owned();
                out.insert(rel, fs::read_to_string(&p).unwrap_or_default());
            }
        }
    }
    let mut out = BTreeMap::new();
    walk(root, root, &mut out);
    out
}

fn write(root: &Path, outputs: &[EnvOutput]) -> Result<WriteReport, TreeError> {
    write_tree(root, outputs, &Prune::AllApps, false)
}

#[test]
fn rewrites_only_what_changed_and_removes_only_its_own_files() {
    let t = TempDir::new("own");
    let v1 = output("shop", "prod", &[("a.yaml", "a: 1\n"), ("old.yaml", "o\n")]);
    write(&t.0, &[v1]).unwrap();
    let dir = t.0.join("shop/prod");
    // The user's files: one new, one an edited copy of a kairn file (header included).
    fs::write(dir.join("mine.yaml"), "kind: Mine\n").unwrap();
    fs::write(dir.join("copy.yaml"), format!("{HEADER_MARK}\nedited\n")).unwrap();
    let v2 = output("shop", "prod", &[("a.yaml", "a: 2\n")]);
    let report = write(&t.0, std::slice::from_ref(&v2)).unwrap();
    assert_eq!(report.removed, vec![dir.join("old.yaml")]);
    assert!(report.warnings.is_empty(), "{:?}", report.warnings);
    let after = tree(&t.0);
    assert_eq!(after["shop/prod/mine.yaml"], "kind: Mine\n");
    assert_eq!(
        after["shop/prod/copy.yaml"],
        format!("{HEADER_MARK}\nedited\n")
    );
    assert_eq!(after["shop/prod/a.yaml"], v2.files["a.yaml"]);
    assert!(!after.contains_key("shop/prod/old.yaml"));
    assert_eq!(after.len(), 4, "{after:?}");
    // Nothing changed: nothing written, no staging directory created.
    let report = write(&t.0, &[v2]).unwrap();
    assert!(report.written.is_empty() && report.removed.is_empty());
}

#[test]
fn files_it_did_not_write_or_that_were_edited_block_until_forced() {
    let t = TempDir::new("conflict");
    let dir = t.0.join("shop/prod");
    fs::create_dir_all(&dir).unwrap();
    fs::write(dir.join("kustomization.yaml"), "patches: []\n").unwrap();
    let out = output("shop", "prod", &[("kustomization.yaml", "resources: []\n")]);
    match write(&t.0, std::slice::from_ref(&out)) {
        Err(TreeError::Conflicts(c)) => {
            assert_eq!(c.len(), 1);
            assert_eq!(c[0].kind, ConflictKind::NotWrittenByKairn);
            assert!(c[0].to_string().contains("--force"), "{}", c[0]);
        }
        other => panic!("expected a conflict, got {other:?}"),
    }
    assert_eq!(
        fs::read_to_string(dir.join("kustomization.yaml")).unwrap(),
        "patches: []\n"
    );
    write_tree(&t.0, std::slice::from_ref(&out), &Prune::AllApps, true).unwrap();
    // Now kairn's: an edit blocks the next emit, and --force discards it.
    fs::write(dir.join("kustomization.yaml"), "edited: true\n").unwrap();
    let edited = output(
        "shop",
        "prod",
        &[("kustomization.yaml", "resources: [x]\n")],
    );
    match write(&t.0, std::slice::from_ref(&edited)) {
        Err(TreeError::Conflicts(c)) => assert_eq!(c[0].kind, ConflictKind::EditedSinceEmit),
        other => panic!("expected a conflict, got {other:?}"),
    }
    write_tree(&t.0, std::slice::from_ref(&edited), &Prune::AllApps, true).unwrap();
    assert_eq!(
        fs::read_to_string(dir.join("kustomization.yaml")).unwrap(),
        edited.files["kustomization.yaml"]
    );
    assert_eq!(tree(&t.0).len(), 2, "no leftovers: {:?}", tree(&t.0));
}

#[test]
fn undeclared_environments_are_removed_but_user_files_in_them_stay() {
    let t = TempDir::new("prune");
    let prod = output("shop", "prod", &[("a.yaml", "a\n")]);
    let staging = output("shop", "staging", &[("a.yaml", "a\n")]);
    write(&t.0, &[prod.clone(), staging]).unwrap();
    fs::write(t.0.join("shop/staging/notes.txt"), "mine\n").unwrap();
    // Not pruned when the selection named an environment.
    write_tree(&t.0, std::slice::from_ref(&prod), &Prune::Nothing, false).unwrap();
    assert!(t.0.join("shop/staging/a.yaml").exists());
    let report = write(&t.0, &[prod]).unwrap();
    assert_eq!(report.retired, vec![t.0.join("shop/staging")]);
    let after = tree(&t.0);
    assert_eq!(after["shop/staging/notes.txt"], "mine\n");
    assert!(!after.contains_key("shop/staging/a.yaml"));
    assert!(!after.contains_key(&format!("shop/staging/{OWNERSHIP_FILE}")));
    // Emptied environment and app directories disappear.
    let other = output("other", "prod", &[("b.yaml", "b\n")]);
    write(&t.0, std::slice::from_ref(&other)).unwrap();
    write(&t.0, &[output("shop", "prod", &[("a.yaml", "a\n")])]).unwrap();
    assert!(!t.0.join("other").exists());
}

#[test]
fn a_failed_write_leaves_the_previous_tree_untouched() {
    let t = TempDir::new("fail");
    let v1 = [
        output("a", "prod", &[("x.yaml", "1\n"), ("y.yaml", "1\n")]),
        output("b", "prod", &[("x.yaml", "1\n")]),
    ];
    write(&t.0, &v1).unwrap();
    let before = tree(&t.0);
    let v2 = [
        output("a", "prod", &[("x.yaml", "2\n"), ("y.yaml", "2\n")]),
        output("b", "prod", &[("x.yaml", "2\n")]),
        output("c", "prod", &[("x.yaml", "2\n")]),
    ];
    for fail_at in 0..6 {
        FAIL_WRITE_AT.with(|f| f.set(Some(fail_at)));
        let err = write(&t.0, &v2).unwrap_err();
        FAIL_WRITE_AT.with(|f| f.set(None));
        assert!(err.to_string().contains("injected"), "{err}");
        assert!(
            err.to_string().contains(&*t.0.to_string_lossy()),
            "names the path: {err}"
        );
        assert_eq!(tree(&t.0), before, "after a failure at write {fail_at}");
        assert!(!t.0.join("c").exists(), "no empty app directory is left");
    }
    write(&t.0, &v2).unwrap();
}

#[test]
fn leftovers_of_an_interrupted_emit_are_retired_without_losing_user_files() {
    let t = TempDir::new("recover");
    let v1 = output("shop", "prod", &[("a.yaml", "1\n")]);
    write(&t.0, std::slice::from_ref(&v1)).unwrap();
    let live = t.0.join("shop/prod");
    fs::write(live.join("mine.yaml"), "mine\n").unwrap();
    // A stage killed mid-way: the new record, a complete file, a partial one, a link to
    // the user's file, and a directory of the user's moved in just before the switch.
    let stage =
        t.0.join(format!("shop/.prod{}{}-0", plan::STAGE_MARK, 4_000_000));
    fs::create_dir_all(stage.join("user-dir")).unwrap();
    fs::write(stage.join("user-dir/keep.txt"), "keep\n").unwrap();
    let v2 = output("shop", "prod", &[("a.yaml", "2\n"), ("b.yaml", "2\n")]);
    fs::write(stage.join(OWNERSHIP_FILE), &v2.files[OWNERSHIP_FILE]).unwrap();
    fs::write(stage.join("a.yaml"), &v2.files["a.yaml"]).unwrap();
    fs::write(stage.join("b.yaml.kairn-part"), "par").unwrap();
    fs::hard_link(live.join("mine.yaml"), stage.join("mine.yaml")).unwrap();
    // And a temporary file of an earlier kairn version.
    fs::write(live.join(".a.yaml.kairn-tmp"), "x").unwrap();
    let p = plan(&t.0, std::slice::from_ref(&v1), &Prune::AllApps).unwrap();
    assert_eq!(p.leftovers.len(), 2, "{:?}", p.leftovers);
    assert!(!p.is_current());
    let report = write(&t.0, std::slice::from_ref(&v1)).unwrap();
    assert_eq!(report.recovered.len(), 2);
    assert!(report.warnings.is_empty(), "{:?}", report.warnings);
    let after = tree(&t.0);
    assert_eq!(after["shop/prod/mine.yaml"], "mine\n");
    assert_eq!(after["shop/prod/user-dir/keep.txt"], "keep\n");
    assert_eq!(after["shop/prod/a.yaml"], v1.files["a.yaml"]);
    assert_eq!(after.len(), 4, "{after:?}");
    assert!(plan(&t.0, &[v1], &Prune::AllApps).unwrap().is_current());
}

#[test]
fn an_incomplete_stage_is_removed_whole_and_never_moved_into_the_live_directory() {
    let t = TempDir::new("incomplete");
    let v1 = output("shop", "prod", &[("a.yaml", "1\n")]);
    write(&t.0, std::slice::from_ref(&v1)).unwrap();
    let live = t.0.join("shop/prod");
    fs::write(live.join("mine.yaml"), "mine\n").unwrap();
    // A stage killed while kairn was writing it: files under their final names, one cut
    // short, one the live directory does not have, and a link to the user's file.
    let stage =
        t.0.join(format!("shop/.prod{}{}-0", plan::STAGE_MARK, 4_000_001));
    fs::create_dir_all(stage.join("phases/1-deploy")).unwrap();
    fs::write(stage.join(commit::INCOMPLETE_MARK), "").unwrap();
    let v2 = output("shop", "prod", &[("a.yaml", "2\n"), ("b.yaml", "2\n")]);
    fs::write(stage.join(OWNERSHIP_FILE), &v2.files[OWNERSHIP_FILE]).unwrap();
    fs::write(stage.join("a.yaml"), "# Generated by kairn, cut sh").unwrap();
    fs::write(stage.join("b.yaml"), &v2.files["b.yaml"]).unwrap();
    fs::write(stage.join("phases/1-deploy/c.yaml"), "par").unwrap();
    fs::hard_link(live.join("mine.yaml"), stage.join("mine.yaml")).unwrap();
    let report = write(&t.0, std::slice::from_ref(&v1)).unwrap();
    assert_eq!(report.recovered, vec![stage.clone()]);
    assert!(report.warnings.is_empty(), "{:?}", report.warnings);
    assert!(!stage.exists());
    let after = tree(&t.0);
    assert_eq!(after["shop/prod/mine.yaml"], "mine\n");
    assert_eq!(after["shop/prod/a.yaml"], v1.files["a.yaml"]);
    assert_eq!(after.len(), 3, "nothing of the stage moved in: {after:?}");
    assert!(plan(&t.0, &[v1], &Prune::AllApps).unwrap().is_current());
}

#[cfg(unix)]
#[test]
fn an_incomplete_stage_that_cannot_be_emptied_stays_marked() {
    let t = TempDir::new("incomplete-kept");
    let v1 = output("shop", "prod", &[("a.yaml", "1\n")]);
    write(&t.0, std::slice::from_ref(&v1)).unwrap();
    let live = t.0.join("shop/prod");
    std::os::unix::fs::symlink("here", live.join("link")).unwrap();
    let stage =
        t.0.join(format!("shop/.prod{}{}-0", plan::STAGE_MARK, 4_000_002));
    fs::create_dir_all(&stage).unwrap();
    fs::write(stage.join(commit::INCOMPLETE_MARK), "").unwrap();
    fs::write(stage.join("a.yaml"), "cut sh").unwrap();
    // A symlink that is not a copy of the live one: kept, so the stage is not emptied.
    std::os::unix::fs::symlink("elsewhere", stage.join("link")).unwrap();
    let report = write(&t.0, std::slice::from_ref(&v1)).unwrap();
    assert_eq!(report.warnings.len(), 1, "{:?}", report.warnings);
    assert!(!stage.join("a.yaml").exists());
    assert!(
        stage.join(commit::INCOMPLETE_MARK).exists(),
        "the marker goes last, so a later recovery still knows the stage was unfinished"
    );
    assert_eq!(tree(&t.0)["shop/prod/a.yaml"], v1.files["a.yaml"]);
}

#[test]
fn a_file_where_a_directory_belongs_is_a_conflict_even_with_force() {
    let t = TempDir::new("notdir");
    fs::write(t.0.join("shop"), "a file").unwrap();
    let out = output("shop", "prod", &[("a.yaml", "1\n")]);
    match write_tree(&t.0, &[out], &Prune::AllApps, true) {
        Err(TreeError::Conflicts(c)) => {
            assert_eq!(c[0].kind, ConflictKind::NotADirectory);
            assert_eq!(c[0].path, t.0.join("shop"));
        }
        other => panic!("expected a conflict, got {other:?}"),
    }
    assert_eq!(fs::read_to_string(t.0.join("shop")).unwrap(), "a file");
}

#[test]
fn nested_files_are_owned_and_stale_subdirectories_disappear() {
    let t = TempDir::new("nested");
    let v1 = output(
        "shop",
        "prod",
        &[
            ("kustomization.yaml", "resources: [phases/1, phases/2]\n"),
            ("phases/1/job.yaml", "job\n"),
            ("phases/2/app.yaml", "app\n"),
        ],
    );
    write(&t.0, std::slice::from_ref(&v1)).unwrap();
    let dir = t.0.join("shop/prod");
    fs::write(dir.join("phases/2/mine.yaml"), "mine\n").unwrap();
    fs::create_dir_all(dir.join("notes")).unwrap();
    fs::write(dir.join("notes/a.md"), "a\n").unwrap();
    // Phase 1 goes away; phase 2 changes; the user's files (nested or not) stay.
    let v2 = output(
        "shop",
        "prod",
        &[
            ("kustomization.yaml", "resources: [phases/2]\n"),
            ("phases/2/app.yaml", "app v2\n"),
        ],
    );
    let report = write(&t.0, std::slice::from_ref(&v2)).unwrap();
    assert!(report.warnings.is_empty(), "{:?}", report.warnings);
    assert_eq!(report.removed, vec![dir.join("phases/1/job.yaml")]);
    let after = tree(&t.0);
    assert_eq!(after["shop/prod/phases/2/mine.yaml"], "mine\n");
    assert_eq!(after["shop/prod/notes/a.md"], "a\n");
    assert_eq!(
        after["shop/prod/phases/2/app.yaml"],
        v2.files["phases/2/app.yaml"]
    );
    assert!(
        !dir.join("phases/1").exists(),
        "an emptied kairn directory is gone"
    );
    assert_eq!(after.len(), 5, "{after:?}");
    // An edit to a nested kairn file blocks like any other.
    fs::write(dir.join("phases/2/app.yaml"), "edited\n").unwrap();
    match write(&t.0, std::slice::from_ref(&v1)) {
        Err(TreeError::Conflicts(c)) => {
            assert_eq!(c[0].path, dir.join("phases/2/app.yaml"));
            assert_eq!(c[0].kind, ConflictKind::EditedSinceEmit);
        }
        other => panic!("expected a conflict, got {other:?}"),
    }
}

#[test]
fn a_package_directory_is_written_whole_and_refuses_foreign_files() {
    let t = TempDir::new("package");
    let dist = t.0.join("dist");
    let files = |v: &str| {
        BTreeMap::from([
            ("a.tgz".to_owned(), v.as_bytes().to_vec()),
            ("SHA256SUMS".to_owned(), b"sums\n".to_vec()),
        ])
    };
    write_dir(&dist, &files("1"), false, || {}).unwrap();
    write_dir(&dist, &files("2"), false, || {}).unwrap();
    assert_eq!(fs::read(dist.join("a.tgz")).unwrap(), b"2");
    assert!(dist.join(OWNERSHIP_FILE).is_file());
    assert_eq!(tree(&t.0).len(), 3, "{:?}", tree(&t.0));
    // A directory with someone else's files is refused, and they are never deleted.
    let other = t.0.join("other");
    fs::create_dir_all(&other).unwrap();
    fs::write(other.join("report.pdf"), "mine").unwrap();
    match write_dir(&other, &files("1"), false, || {}) {
        Err(TreeError::Conflicts(c)) => assert_eq!(c[0].kind, ConflictKind::Foreign),
        other => panic!("expected a conflict, got {other:?}"),
    }
    assert_eq!(fs::read_dir(&other).unwrap().count(), 1);
    write_dir(&other, &files("1"), true, || {}).unwrap();
    assert_eq!(
        fs::read_to_string(other.join("report.pdf")).unwrap(),
        "mine"
    );
}
