//! `emit` never loses a user's file, never leaves a half-written tree, and agrees with
//! `check`: ownership by record (not by header), conflicts and `--force`, concurrent
//! runs, failures part-way (a file in the way, a full disk, a directory it may not
//! write), `kill -9` at any moment, and environments that are no longer declared.

use crate::support;

use std::collections::BTreeMap;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use support::*;

const RELEASE_A: &str = "release=caelundas-20260125-143022";
const RELEASE_B: &str = "release=caelundas-20260126-143022";

fn emit_args<'a>(out: &'a str, extra: &[&'a str]) -> Vec<&'a str> {
    let mut args = vec!["emit", "--out", out];
    args.extend_from_slice(extra);
    args
}

/// The tree one complete emit with `extra` arguments writes.
fn reference(label: &str, extra: &[&str]) -> (TempDir, BTreeMap<String, Vec<u8>>) {
    let dir = TempDir::new(label);
    kairn_ok(&emit_args(dir.arg(), extra));
    let tree = read_tree_bytes(dir.path());
    (dir, tree)
}

/// Files of one environment directory (relative to the output root) in a tree.
fn env_files<'a>(tree: &'a BTreeMap<String, Vec<u8>>, env: &str) -> BTreeMap<&'a str, &'a Vec<u8>> {
    tree.iter()
        .filter(|(p, _)| p.starts_with(&format!("{env}/")))
        .map(|(p, c)| (p.as_str(), c))
        .collect()
}

#[test]
fn an_edited_copy_that_carries_the_header_survives() {
    // Issue 7, point 1.
    let dir = TempDir::new("copy");
    let args = emit_args(dir.arg(), &["--app", "caelundas"]);
    kairn_ok(&args);
    let env = dir.path().join("caelundas/production");
    let copy = env.join("my-custom-job.yaml");
    let job = std::fs::read_dir(&env)
        .unwrap()
        .map(|e| e.unwrap().path())
        .find(|p| p.to_string_lossy().contains("/job-caelundas-generator-"))
        .expect("the generator Job file");
    let text = std::fs::read_to_string(job).unwrap();
    let edited = text.replace("backoffLimit: 1", "backoffLimit: 5") + "# mine now\n";
    std::fs::write(&copy, &edited).unwrap();
    let o = kairn_ok(&args);
    assert_eq!(std::fs::read_to_string(&copy).unwrap(), edited);
    assert!(stderr(&o).contains("0 removed"), "{}", stderr(&o));
}

#[test]
fn a_hand_written_kustomization_is_never_overwritten_without_force() {
    // Issue 7, point 2: in a fresh directory, and over kairn's own file once edited.
    let dir = TempDir::new("kustomization");
    let env = dir.path().join("caelundas/production");
    std::fs::create_dir_all(&env).unwrap();
    let mine = "resources: [job.yaml]\npatches:\n- path: fix.yaml\n";
    std::fs::write(env.join("kustomization.yaml"), mine).unwrap();
    let args = emit_args(dir.arg(), &["--app", "caelundas"]);
    let o = kairn(&args);
    assert_eq!(o.status.code(), Some(1), "{}", describe(&args, &o));
    let err = stderr(&o);
    assert!(
        err.contains(&*env.join("kustomization.yaml").to_string_lossy())
            && err.contains("not written by kairn")
            && err.contains("--force"),
        "{err}"
    );
    assert_eq!(
        read_tree_bytes(dir.path()).len(),
        1,
        "nothing else was written"
    );
    assert_eq!(
        std::fs::read_to_string(env.join("kustomization.yaml")).unwrap(),
        mine
    );

    let mut forced = args.clone();
    forced.push("--force");
    kairn_ok(&forced);
    std::fs::write(env.join("kustomization.yaml"), mine).unwrap();
    let o = kairn(&args);
    assert_eq!(o.status.code(), Some(1), "{}", describe(&args, &o));
    assert!(stderr(&o).contains("edited since"), "{}", stderr(&o));
    assert_eq!(
        std::fs::read_to_string(env.join("kustomization.yaml")).unwrap(),
        mine
    );
    // `check` reports the same thing emit would stop at.
    let check = ["check", "--app", "caelundas", "--out", dir.arg()];
    let o = kairn(&check);
    assert_eq!(o.status.code(), Some(1), "{}", describe(&check, &o));
    assert!(stderr(&o).contains("edited since"), "{}", stderr(&o));
}

#[test]
fn concurrent_emits_leave_one_complete_tree() {
    // Issue 7, point 3.
    let (_a, tree_a) = reference("conc-ref-a", &["--set", RELEASE_A]);
    let (_b, tree_b) = reference("conc-ref-b", &["--set", RELEASE_B]);
    for round in 0..5 {
        let dir = TempDir::new("concurrent");
        let spawn = |release: &str| {
            kairn_cmd(&emit_args(dir.arg(), &["--set", release]))
                .stdout(Stdio::null())
                .stderr(Stdio::piped())
                .spawn()
                .expect("kairn runs")
        };
        let (first, second) = (spawn(RELEASE_A), spawn(RELEASE_B));
        for child in [first, second] {
            let o = child.wait_with_output().unwrap();
            assert!(o.status.success(), "round {round}: {}", stderr(&o));
        }
        let tree = read_tree_bytes(dir.path());
        assert!(
            tree == tree_a || tree == tree_b,
            "round {round}: the tree is neither run's output: {:?}",
            tree.keys().collect::<Vec<_>>()
        );
        for env in env_dirs(dir.path()) {
            kustomize(&env).unwrap();
        }
    }
    // Two identical runs into an empty directory both succeed.
    let dir = TempDir::new("concurrent-same");
    let children: Vec<_> = (0..2)
        .map(|_| {
            kairn_cmd(&emit_args(dir.arg(), &[]))
                .stdout(Stdio::null())
                .stderr(Stdio::piped())
                .spawn()
                .unwrap()
        })
        .collect();
    for child in children {
        let o = child.wait_with_output().unwrap();
        assert!(o.status.success(), "{}", stderr(&o));
    }
    assert!(temporaries(dir.path()).is_empty());
}

#[test]
fn a_file_in_the_way_stops_emit_before_it_changes_anything() {
    // Issue 7, point 4: a path component that is a file.
    let dir = TempDir::new("in-the-way");
    kairn_ok(&emit_args(dir.arg(), &[]));
    let before = read_tree_bytes(dir.path());
    let terrapod = dir.path().join("terrapod");
    std::fs::remove_dir_all(&terrapod).unwrap();
    std::fs::write(&terrapod, "a file").unwrap();
    let before_with_file = read_tree_bytes(dir.path());
    let args = emit_args(dir.arg(), &["--set", RELEASE_B]);
    let o = kairn(&args);
    assert_eq!(o.status.code(), Some(1), "{}", describe(&args, &o));
    assert!(
        stderr(&o).contains(&*terrapod.to_string_lossy()),
        "names the path: {}",
        stderr(&o)
    );
    assert_eq!(read_tree_bytes(dir.path()), before_with_file);
    assert_ne!(before, before_with_file);
}

/// Runs `cmd` (a shell command) as root in a new mount namespace where `mount_at` is a
/// tmpfs of `size`; `None` when this machine cannot do that.
fn with_small_tmpfs(mount_at: &Path, size: &str, script: &str) -> Option<std::process::Output> {
    let full = format!(
        "mount -t tmpfs -o size={size} kairn-test {} && {script}",
        mount_at.display()
    );
    let o = Command::new("unshare")
        .args(["--mount", "--propagation", "private", "sh", "-c", &full])
        .output()
        .ok()?;
    let err = String::from_utf8_lossy(&o.stderr);
    if err.contains("Operation not permitted") || err.contains("permission denied") {
        return None;
    }
    Some(o)
}

#[test]
fn a_full_disk_leaves_the_previous_tree_intact() {
    // Issue 7, point 4: the disk fills half-way through. The tmpfs lives in a private
    // mount namespace, so nothing outside the test sees it.
    let dir = TempDir::new("full-disk");
    let out = dir.path().join("out");
    std::fs::create_dir_all(&out).unwrap();
    let kairn = kairn_bin();
    let out_s = out.display();
    let script = format!(
        "cd {root} && {kairn} emit --app caelundas --out {out_s} --set {RELEASE_A} 2>/dev/null \
         && (cd {out_s} && find . -type f | sort | xargs sha256sum) > {dir}/before \
         && {{ {kairn} emit --out {out_s} --set {RELEASE_B}; echo \"exit=$?\"; }} \
         ; (cd {out_s} && find . -type f | sort | xargs sha256sum) > {dir}/after \
         ; find {out_s} -name '*kairn-stage*' -o -name '*kairn-part*' > {dir}/temporaries",
        root = workspace_root().display(),
        dir = dir.path().display(),
    );
    let Some(o) = with_small_tmpfs(&out, "80k", &script) else {
        eprintln!("skipped: cannot mount a tmpfs in a private mount namespace here");
        return;
    };
    let err = stderr(&o);
    let printed = String::from_utf8_lossy(&o.stdout);
    assert!(
        printed.contains("exit=74"),
        "emit fails with 74: {printed}\n{err}"
    );
    assert!(err.contains("No space left on device"), "{err}");
    assert!(
        err.contains(&*out.to_string_lossy()),
        "names the path: {err}"
    );
    let read = |f: &str| std::fs::read_to_string(dir.path().join(f)).unwrap();
    assert!(!read("before").is_empty());
    assert_eq!(read("before"), read("after"), "the previous tree is intact");
    assert_eq!(read("temporaries"), "", "no temporary is left");
}

#[test]
fn a_directory_it_may_not_write_leaves_the_previous_tree_intact() {
    // Issue 7, point 4: run as an unprivileged user (root may write anywhere).
    let dir = TempDir::new("read-only");
    let out = dir.path().join("out");
    kairn_ok(&emit_args(out.to_str().unwrap(), &["--set", RELEASE_A]));
    let before = read_tree_bytes(&out);
    let setpriv = Command::new("setpriv")
        .args(["--reuid=65534", "--regid=65534", "--clear-groups", "true"])
        .status();
    if !matches!(setpriv, Ok(s) if s.success()) || !is_root() {
        eprintln!("skipped: needs root and setpriv to run kairn as an unprivileged user");
        return;
    }
    // Everything readable, nothing writable for `nobody`.
    for p in [dir.path(), out.as_path()] {
        set_mode(p, 0o755);
    }
    let o = Command::new("setpriv")
        .args(["--reuid=65534", "--regid=65534", "--clear-groups"])
        .arg(kairn_bin())
        .args(["emit", "--out", out.to_str().unwrap(), "--set", RELEASE_B])
        .current_dir("/")
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(74), "{}", stderr(&o));
    assert!(stderr(&o).contains("Permission denied"), "{}", stderr(&o));
    assert!(
        stderr(&o).contains(&*out.join("caelundas").to_string_lossy()),
        "names the path: {}",
        stderr(&o)
    );
    assert_eq!(read_tree_bytes(&out), before);
}

fn is_root() -> bool {
    Command::new("id")
        .arg("-u")
        .output()
        .is_ok_and(|o| String::from_utf8_lossy(&o.stdout).trim() == "0")
}

fn set_mode(p: &Path, mode: u32) {
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(p, std::fs::Permissions::from_mode(mode)).unwrap();
}

#[test]
fn kill_9_at_any_moment_never_leaves_a_broken_tree() {
    // Issue 7, point 4: 100 emits killed at spread-out moments, alternating between two
    // inputs so that every run has something to switch. After each kill, every
    // environment directory is exactly one complete emit (old or new); every 10th
    // iteration kubectl kustomize reads each of them.
    let variants = [
        ["--set", RELEASE_A, "--set", "image-tag=0.1.0"],
        ["--set", RELEASE_B, "--set", "image-tag=0.2.0"],
    ];
    let refs = [
        reference("kill-ref-a", &variants[0]),
        reference("kill-ref-b", &variants[1]),
    ];
    let dir = TempDir::new("kill");
    let started = Instant::now();
    kairn_ok(&emit_args(dir.arg(), &variants[0]));
    let full_run = started.elapsed().max(Duration::from_millis(5));
    let mut killed_mid_run = 0;
    for i in 0..100u32 {
        let args = emit_args(dir.arg(), &variants[(i % 2) as usize]);
        let mut child = kairn_cmd(&args)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        // A spread of moments from 0 to 1.2 × a full run (a fixed permutation).
        let fraction = f64::from((i * 37) % 100) / 100.0 * 1.2;
        std::thread::sleep(full_run.mul_f64(fraction));
        let _ = child.kill();
        let status = child.wait().unwrap();
        if !status.success() {
            killed_mid_run += 1;
        }
        for env in env_dirs(dir.path()) {
            let rel = env
                .strip_prefix(dir.path())
                .unwrap()
                .to_string_lossy()
                .into_owned();
            let now = read_tree_bytes(dir.path());
            let current = env_files(&now, &rel);
            assert!(
                refs.iter().any(|(_, r)| env_files(r, &rel) == current),
                "iteration {i}: {rel} is not one complete emit: {:?}",
                current.keys().collect::<Vec<_>>()
            );
            if i % 10 == 0 {
                kustomize(&env).unwrap_or_else(|e| panic!("iteration {i}: {e}"));
            }
        }
    }
    assert!(
        killed_mid_run > 10,
        "only {killed_mid_run} runs were killed"
    );
    // The next emit cleans up whatever the kills left, and `check` agrees.
    kairn_ok(&emit_args(dir.arg(), &variants[0]));
    assert_eq!(temporaries(dir.path()), Vec::<std::path::PathBuf>::new());
    assert!(read_tree_bytes(dir.path()) == refs[0].1);
    let mut check = vec!["check", "--out", dir.arg()];
    check.extend_from_slice(&variants[0]);
    kairn_ok(&check);
}

#[test]
fn check_and_emit_agree_on_environments_that_are_no_longer_declared() {
    // Issue 7, point 5.
    let dir = TempDir::new("undeclared");
    kairn_ok(&emit_args(dir.arg(), &[]));
    let live = dir.path().join("caelundas/production");
    let gone = dir.path().join("caelundas/staging");
    std::fs::create_dir_all(&gone).unwrap();
    fn copy_dir(from: &std::path::Path, to: &std::path::Path) {
        std::fs::create_dir_all(to).unwrap();
        for f in std::fs::read_dir(from).unwrap() {
            let f = f.unwrap();
            if f.path().is_dir() {
                copy_dir(&f.path(), &to.join(f.file_name()));
            } else {
                std::fs::copy(f.path(), to.join(f.file_name())).unwrap();
            }
        }
    }
    copy_dir(&live, &gone);
    std::fs::write(gone.join("notes.md"), "mine\n").unwrap();
    let o = kairn(&["check", "--out", dir.arg()]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    assert!(
        String::from_utf8_lossy(&o.stdout).contains("caelundas/staging/kustomization.yaml"),
        "the diff shows the removal"
    );
    // A selection of one environment neither reports nor removes other environments.
    kairn_ok(&["check", "--out", dir.arg(), "--env", "production"]);
    let o = kairn_ok(&emit_args(dir.arg(), &[]));
    assert!(stderr(&o).contains("no longer declared"), "{}", stderr(&o));
    assert_eq!(
        std::fs::read_dir(&gone).unwrap().count(),
        1,
        "only the user's file is left"
    );
    assert_eq!(
        std::fs::read_to_string(gone.join("notes.md")).unwrap(),
        "mine\n"
    );
    kairn_ok(&["check", "--out", dir.arg()]);
}

#[test]
fn leftovers_of_an_interrupted_emit_are_reported_by_check_and_cleaned_by_emit() {
    // Issue 7, point 4: temporaries used to stay forever, unseen by check.
    let dir = TempDir::new("leftovers");
    kairn_ok(&emit_args(dir.arg(), &["--app", "caelundas"]));
    let stage = dir
        .path()
        .join("caelundas/.production.kairn-stage-4000000-0");
    std::fs::create_dir_all(&stage).unwrap();
    std::fs::write(stage.join("job.yaml.kairn-part"), "half").unwrap();
    let legacy = dir
        .path()
        .join("caelundas/production/.job-caelundas-generator.yaml.kairn-tmp");
    std::fs::write(&legacy, "half").unwrap();
    let check = ["check", "--app", "caelundas", "--out", dir.arg()];
    let o = kairn(&check);
    assert_eq!(o.status.code(), Some(1), "{}", describe(&check, &o));
    assert!(stderr(&o).contains("interrupted emit"), "{}", stderr(&o));
    kairn_ok(&emit_args(dir.arg(), &["--app", "caelundas"]));
    assert!(temporaries(dir.path()).is_empty());
    kairn_ok(&check);
}
