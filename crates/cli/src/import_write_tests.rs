//! The import writer: a new DIR gets every file and the record; an earlier import is
//! rewritten; a user's file is a conflict and nothing is written; a failing step leaves
//! DIR as it was.

use std::collections::BTreeMap;
use std::fs;

use super::*;

/// Writes `files` as team `t`'s import.
fn write_t(dir: &Path, files: &[(PathBuf, String)]) -> Result<Written, ImportWriteError> {
    write(dir, &prior(dir)?, files, "t")
}

/// A fresh directory under the system's temp dir, removed when dropped.
struct Scratch(PathBuf);

impl Scratch {
    fn new(name: &str) -> Scratch {
        let dir =
            std::env::temp_dir().join(format!("kairn-import-w-{name}-{}", std::process::id()));
        let _ = fs::remove_dir_all(&dir);
        fs::create_dir_all(&dir).unwrap();
        Scratch(dir)
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = fs::remove_dir_all(&self.0);
    }
}

/// Every file under `dir` with its content, relative paths.
fn snapshot(dir: &Path) -> BTreeMap<String, String> {
    fn walk(root: &Path, dir: &Path, out: &mut BTreeMap<String, String>) {
        for entry in fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                walk(root, &path, out);
            } else {
                let key = path
                    .strip_prefix(root)
                    .unwrap()
                    .to_string_lossy()
                    .into_owned();
                out.insert(key, fs::read_to_string(&path).unwrap());
            }
        }
    }
    let mut out = BTreeMap::new();
    walk(dir, dir, &mut out);
    out
}

fn files(app_text: &str) -> Vec<(PathBuf, String)> {
    vec![
        ("Cargo.toml".into(), "[workspace]\n".into()),
        ("Cargo.lock".into(), "# lock\n".into()),
        ("teams/t/src/lib.rs".into(), "mod web;\n".into()),
        ("teams/t/src/web.rs".into(), app_text.into()),
        ("import-report.md".into(), "# Import report\n".into()),
    ]
}

#[test]
fn a_new_dir_gets_every_file_and_the_record() {
    let scratch = Scratch::new("new");
    let dir = scratch.0.join("ws");
    let written = write_t(&dir, &files("// web\n")).unwrap();
    assert_eq!(written.changed, 6);
    let got = snapshot(&dir);
    let names: Vec<&str> = got.keys().map(String::as_str).collect();
    assert_eq!(
        names,
        [
            ".kairn-import",
            "Cargo.lock",
            "Cargo.toml",
            "import-report.md",
            "teams/t/src/lib.rs",
            "teams/t/src/web.rs"
        ]
    );
    assert!(recorded(&dir, "teams/t/src/web.rs"));
    assert!(
        !got[RECORD].contains("Cargo.lock"),
        "Cargo.lock is not recorded"
    );
    // Nothing else beside DIR (no staging left).
    let beside: Vec<_> = fs::read_dir(&scratch.0)
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(beside, ["ws"]);
}

#[test]
fn an_earlier_import_is_rewritten_and_stale_files_removed() {
    let scratch = Scratch::new("again");
    let dir = scratch.0.join("ws");
    write_t(&dir, &files("// web v1\n")).unwrap();
    // What a user does between imports: build (cargo rewrites Cargo.lock), emit, add files.
    fs::write(dir.join("Cargo.lock"), "# cargo's own\n").unwrap();
    fs::create_dir_all(dir.join("generated/web")).unwrap();
    fs::write(dir.join("generated/web/x.yaml"), "a: 1\n").unwrap();
    fs::write(dir.join("NOTES.md"), "mine\n").unwrap();

    let mut next = files("// web v2\n");
    next.retain(|(p, _)| !p.ends_with("lib.rs"));
    next.push(("teams/t/src/lib.rs".into(), "mod api;\n".into()));
    next.retain(|(p, _)| !p.ends_with("web.rs"));
    next.push(("teams/t/src/api.rs".into(), "// api\n".into()));
    let written = write_t(&dir, &next).unwrap();
    assert_eq!(
        written,
        Written {
            changed: 3,   // lib.rs, api.rs, the record
            unchanged: 3, // Cargo.toml, Cargo.lock (kept as cargo left it), the report
            removed: 1,   // web.rs
        }
    );
    let got = snapshot(&dir);
    assert_eq!(got["Cargo.lock"], "# cargo's own\n");
    assert_eq!(got["NOTES.md"], "mine\n");
    assert_eq!(got["generated/web/x.yaml"], "a: 1\n");
    assert_eq!(got["teams/t/src/api.rs"], "// api\n");
    assert!(!got.contains_key("teams/t/src/web.rs"));
    assert!(recorded(&dir, "teams/t/src/api.rs"));
    assert!(
        !got.keys().any(|k| k.starts_with(".kairn-import-")),
        "{:?}",
        got.keys()
    );
}

#[test]
fn a_file_the_user_changed_is_a_conflict_and_nothing_is_written() {
    let scratch = Scratch::new("conflict");
    let dir = scratch.0.join("ws");
    write_t(&dir, &files("// web v1\n")).unwrap();
    fs::write(dir.join("teams/t/src/web.rs"), "// my edits\n").unwrap();
    let before = snapshot(&dir);
    let mut next = files("// web v2\n");
    next.push(("NOTES.md".into(), "import's\n".into()));
    fs::write(dir.join("NOTES.md"), "mine\n").unwrap();
    let before_with_notes = snapshot(&dir);
    match write_t(&dir, &next) {
        Err(ImportWriteError::Conflicts(paths)) => assert_eq!(
            paths,
            [
                "teams/t/src/web.rs: changed since kairn import wrote it (import would overwrite it)",
                "NOTES.md: not written by kairn import (import would overwrite it)",
            ]
        ),
        other => panic!("expected conflicts, got {other:?}"),
    }
    assert_eq!(snapshot(&dir), before_with_notes);
    assert_eq!(before.len() + 1, before_with_notes.len());

    // A changed file of an app no longer imported is a conflict too (it would be removed).
    let mut without_web = files("");
    without_web.retain(|(p, _)| !p.ends_with("web.rs"));
    fs::remove_file(dir.join("NOTES.md")).unwrap();
    match write_t(&dir, &without_web) {
        Err(ImportWriteError::Conflicts(paths)) => {
            assert_eq!(paths.len(), 1);
            assert!(
                paths[0].starts_with("teams/t/src/web.rs: changed since"),
                "{paths:?}"
            );
        }
        other => panic!("expected a conflict, got {other:?}"),
    }
    assert_eq!(
        fs::read_to_string(dir.join("teams/t/src/web.rs")).unwrap(),
        "// my edits\n"
    );
}

#[test]
fn a_foreign_or_damaged_dir_is_refused() {
    let scratch = Scratch::new("foreign");
    fs::write(scratch.0.join("Cargo.toml"), "# mine\n").unwrap();
    match write_t(&scratch.0, &files("")) {
        Err(ImportWriteError::Refused(why)) => {
            assert!(
                why.contains("holds no earlier import (.kairn-import)"),
                "{why}"
            )
        }
        other => panic!("expected a refusal, got {other:?}"),
    }
    assert_eq!(snapshot(&scratch.0).len(), 1);
    fs::write(scratch.0.join(RECORD), "not a record\n").unwrap();
    match write_t(&scratch.0, &files("")) {
        Err(ImportWriteError::Refused(why)) => assert!(why.contains("is damaged"), "{why}"),
        other => panic!("expected a refusal, got {other:?}"),
    }
    let file = scratch.0.join("Cargo.toml");
    assert!(matches!(
        write_t(&file, &files("")),
        Err(ImportWriteError::Refused(_))
    ));
}

#[test]
fn an_empty_dir_with_only_git_is_filled() {
    let scratch = Scratch::new("git");
    fs::create_dir_all(scratch.0.join(".git")).unwrap();
    write_t(&scratch.0, &files("// web\n")).unwrap();
    assert!(recorded(&scratch.0, "teams/t/src/web.rs"));
}

/// Every step of a rewrite failing in turn: DIR is left exactly as it was each time.
#[test]
fn a_failing_step_leaves_the_dir_as_it_was() {
    let scratch = Scratch::new("rollback");
    let dir = scratch.0.join("ws");
    write_t(&dir, &files("// web v1\n")).unwrap();
    let before = snapshot(&dir);
    let Prior::Earlier { record, .. } = prior(&dir).unwrap() else {
        panic!("an earlier import")
    };
    let mut next = files("// web v2\n");
    next.retain(|(p, _)| !p.ends_with("import-report.md"));
    next.push(("teams/t/src/api.rs".into(), "// api\n".into()));
    let plan = plan(&dir, &record, &with_record(&next, &BTreeMap::new()), "t").unwrap();
    assert_eq!(plan.removals, [PathBuf::from("import-report.md")]);
    let mut steps = 0;
    for fail_at in 0.. {
        let mut calls = 0;
        let mut rename = |from: &Path, to: &Path| {
            calls += 1;
            if calls > fail_at {
                return Err(io::Error::other("disk full (test)"));
            }
            fs::rename(from, to)
        };
        let result = commit(&dir, &plan, &mut rename);
        if result.is_ok() {
            steps = fail_at;
            break;
        }
        assert_eq!(
            snapshot(&dir),
            before,
            "failing at rename {fail_at} changed DIR"
        );
    }
    assert!(steps >= 4, "the rewrite took {steps} renames");
    assert_eq!(
        fs::read_to_string(dir.join("teams/t/src/web.rs")).unwrap(),
        "// web v2\n"
    );
    assert!(!dir.join("import-report.md").exists());
}

#[test]
fn leftovers_of_an_interrupted_import_are_refused() {
    let scratch = Scratch::new("leftover");
    let dir = scratch.0.join("ws");
    write_t(&dir, &files("// web v1\n")).unwrap();
    fs::create_dir_all(dir.join(".kairn-import-old-42/teams")).unwrap();
    match write_t(&dir, &files("// web v2\n")) {
        Err(ImportWriteError::Refused(why)) => {
            assert!(
                why.contains(".kairn-import-old-42 is left from an import that was interrupted"),
                "{why}"
            )
        }
        other => panic!("expected a refusal, got {other:?}"),
    }
    assert_eq!(
        fs::read_to_string(dir.join("teams/t/src/web.rs")).unwrap(),
        "// web v1\n"
    );
}

/// A second team imported into the same workspace: its files are added, the first
/// team's stay (and stay recorded, so the first team's next import still owns them).
#[test]
fn another_team_adds_its_crate_and_keeps_the_first() {
    let scratch = Scratch::new("teams");
    let dir = scratch.0.join("ws");
    write_t(&dir, &files("// web\n")).unwrap();
    let second = vec![
        ("Cargo.toml".into(), "[workspace] # both\n".into()),
        ("import-report.md".into(), "# Import report of u\n".into()),
        ("teams/u/src/lib.rs".into(), "mod api;\n".into()),
        ("teams/u/src/api.rs".into(), "// api\n".into()),
    ];
    let p = prior(&dir).unwrap();
    assert_eq!(
        p.teams(),
        Vec::<String>::new(),
        "no teams/t/Cargo.toml in these files"
    );
    let written = write(&dir, &p, &second, "u").unwrap();
    assert_eq!(written.removed, 0, "{written:?}");
    let got = snapshot(&dir);
    assert_eq!(got["teams/t/src/web.rs"], "// web\n");
    assert_eq!(got["teams/u/src/api.rs"], "// api\n");
    assert!(recorded(&dir, "teams/t/src/web.rs") && recorded(&dir, "teams/u/src/api.rs"));
    // The first team again: its own stale file goes, the second team's stay.
    let mut again = files("// web v2\n");
    again.retain(|(p, _)| !p.ends_with("import-report.md"));
    again.push(("teams/t/Cargo.toml".into(), "[package]\n".into()));
    let written = write_t(&dir, &again).unwrap();
    assert_eq!(written.removed, 1, "import-report.md: {written:?}");
    let got = snapshot(&dir);
    assert_eq!(got["teams/u/src/api.rs"], "// api\n");
    assert_eq!(got["teams/t/src/web.rs"], "// web v2\n");
    assert_eq!(prior(&dir).unwrap().teams(), ["t"]);
}
