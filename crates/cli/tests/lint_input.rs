//! `kairn lint` on hostile or awkward input: endless files and streams stop at the size
//! limits, deep trees, symbolic link loops, unreadable directories and special files are
//! reported without stopping the search, and limit messages are plain sentences.

use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

const SECRET: &str =
    "apiVersion: v1\nkind: Secret\nmetadata: {name: db, namespace: shop}\nstringData: {password: hunter2}\n";
const CONFIG: &str =
    "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: settings, namespace: shop}\ndata: {a: b}\n";

/// A fresh temporary directory, removed (after restoring permissions) when dropped.
struct TempDir(PathBuf);

impl TempDir {
    fn new(label: &str) -> TempDir {
        static COUNTER: AtomicUsize = AtomicUsize::new(0);
        let path = std::env::temp_dir().join(format!(
            "kairn-lint-input-{label}-{}-{}",
            std::process::id(),
            COUNTER.fetch_add(1, Ordering::Relaxed)
        ));
        let _ = fs::remove_dir_all(&path);
        fs::create_dir_all(&path).expect("create temp dir");
        TempDir(path)
    }

    fn path(&self) -> &Path {
        &self.0
    }

    fn arg(&self) -> &str {
        self.0.to_str().expect("UTF-8 temp path")
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            fn open_up(dir: &Path) {
                let _ = fs::set_permissions(dir, fs::Permissions::from_mode(0o755));
                if let Ok(entries) = fs::read_dir(dir) {
                    for e in entries.flatten() {
                        if e.file_type().is_ok_and(|t| t.is_dir()) {
                            open_up(&e.path());
                        }
                    }
                }
            }
            open_up(&self.0);
        }
        let _ = fs::remove_dir_all(&self.0);
    }
}

fn kairn() -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_kairn"));
    c.stdout(Stdio::piped()).stderr(Stdio::piped());
    c
}

/// Waits for `child`, killing it (and failing) if it runs longer than `limit`.
fn finish(mut child: Child, limit: Duration) -> Output {
    let start = Instant::now();
    loop {
        match child.try_wait().expect("wait") {
            Some(_) => return child.wait_with_output().expect("output"),
            None if start.elapsed() > limit => {
                let _ = child.kill();
                let _ = child.wait();
                panic!("kairn lint still running after {limit:?}");
            }
            None => std::thread::sleep(Duration::from_millis(20)),
        }
    }
}

fn run(c: &mut Command) -> Output {
    finish(c.spawn().expect("kairn starts"), Duration::from_secs(60))
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn describe(o: &Output) -> String {
    format!(
        "exit {:?}\n--- stdout ---\n{}\n--- stderr ---\n{}",
        o.status.code(),
        stdout(o),
        stderr(o)
    )
}

/// No Rust debug text or serde-saphyr option names.
fn assert_plain(text: &str) {
    for debug in ["{ ", "Options", "Policy", "Budget", "breach"] {
        assert!(!text.contains(debug), "`{debug}` in:\n{text}");
    }
}

const PER_FILE: &str = "larger than 64 MiB (the per-file limit); lint reads at most 64 MiB from each file or from standard input, and 512 MiB in all";

#[test]
#[cfg(unix)]
fn dev_zero_as_a_path_stops_at_the_per_file_limit() {
    let o = run(kairn().args(["lint", "/dev/zero"]));
    assert_eq!(o.status.code(), Some(2), "{}", describe(&o));
    assert!(
        stderr(&o).contains(&format!("error: /dev/zero: {PER_FILE}")),
        "{}",
        describe(&o)
    );
    assert_plain(&stderr(&o));
}

#[test]
#[cfg(unix)]
fn dev_zero_on_standard_input_stops_at_the_per_file_limit() {
    let zero = fs::File::open("/dev/zero").expect("/dev/zero");
    let o = run(kairn().args(["lint", "-"]).stdin(Stdio::from(zero)));
    assert_eq!(o.status.code(), Some(2), "{}", describe(&o));
    assert!(
        stderr(&o).contains(&format!("error: <stdin>: {PER_FILE}")),
        "{}",
        describe(&o)
    );
}

#[test]
fn an_endless_pipe_stops_at_the_limit() {
    // `cat /dev/zero | kairn lint -`, with the limit lowered to keep the test quick.
    let mut child = kairn()
        .args(["lint", "-"])
        .env("KAIRN_LINT_MAX_FILE_BYTES", "1048576")
        .stdin(Stdio::piped())
        .spawn()
        .expect("kairn starts");
    let mut pipe = child.stdin.take().expect("stdin");
    let writer = std::thread::spawn(move || {
        let chunk = vec![b'#'; 64 << 10];
        let mut written = 0usize;
        // Ends when kairn stops reading and exits (broken pipe), or after 1 GiB.
        while written < 1 << 30 {
            if pipe.write_all(&chunk).is_err() {
                break;
            }
            written += chunk.len();
        }
        written
    });
    let o = finish(child, Duration::from_secs(60));
    let written = writer.join().expect("writer");
    assert!(written < 1 << 30, "kairn read the whole stream");
    assert_eq!(o.status.code(), Some(2), "{}", describe(&o));
    assert!(
        stderr(&o).contains("error: <stdin>: larger than 1 MiB (the per-file limit); lint reads at most 1 MiB from each file or from standard input"),
        "{}",
        describe(&o)
    );
}

#[test]
fn the_total_limit_covers_all_files_and_the_rest_are_named() {
    let dir = TempDir::new("total");
    for i in 0..5 {
        fs::write(
            dir.path().join(format!("{i}.yaml")),
            format!("# {}\n{CONFIG}", "x".repeat(200)).replace("settings", &format!("c{i}")),
        )
        .expect("write");
    }
    let o = run(kairn()
        .args(["lint", dir.arg()])
        .env("KAIRN_LINT_MAX_TOTAL_BYTES", "700"));
    assert_eq!(o.status.code(), Some(2), "{}", describe(&o));
    let err = stderr(&o);
    assert!(err.contains("2.yaml: not read in full"), "{err}");
    assert!(
        err.contains("3.yaml: not read, nor the 1 file(s) after it: the input already totals 700 bytes (the limit for all input)"),
        "{err}"
    );
    assert!(err.contains("linted 2 object(s)"), "{err}");
}

#[test]
fn a_secret_forty_directories_down_is_linted() {
    let dir = TempDir::new("deep");
    let mut deep = dir.path().to_path_buf();
    for i in 0..40 {
        deep.push(format!("d{i}"));
    }
    fs::create_dir_all(&deep).expect("deep dirs");
    fs::write(deep.join("secret.yaml"), SECRET).expect("write");
    let o = run(kairn().args(["lint", dir.arg()]));
    assert_eq!(o.status.code(), Some(1), "{}", describe(&o));
    assert!(
        stdout(&o).contains("error[secret-literal-data]")
            && stdout(&o).contains("/d39/secret.yaml:"),
        "{}",
        describe(&o)
    );
}

#[test]
#[cfg(unix)]
fn symbolic_link_loops_are_reported_and_the_rest_is_linted() {
    use std::os::unix::fs::symlink;
    let dir = TempDir::new("loop");
    let sub = dir.path().join("sub");
    fs::create_dir_all(&sub).expect("sub");
    fs::write(sub.join("secret.yaml"), SECRET).expect("write");
    symlink("..", sub.join("up")).expect("link to the parent");

    // A link back to a directory being searched: noted, its files read once.
    let o = run(kairn().args(["lint", dir.arg()]));
    assert_eq!(o.status.code(), Some(1), "{}", describe(&o));
    let err = stderr(&o);
    assert!(
        err.contains("sub/up: not followed: symbolic link loop back to")
            && err.contains("1 path(s) not read again"),
        "{}",
        describe(&o)
    );
    assert_eq!(
        stdout(&o).matches("error[secret-literal-data]").count(),
        1,
        "{}",
        describe(&o)
    );
    assert!(!stdout(&o).contains("duplicate-object"), "{}", describe(&o));

    // A link to itself cannot be followed: what it stands for is unchecked (exit 2).
    symlink("self", dir.path().join("self")).expect("self link");
    let o = run(kairn().args(["lint", dir.arg()]));
    assert_eq!(o.status.code(), Some(2), "{}", describe(&o));
    let err = stderr(&o);
    assert!(
        err.contains("/self: cannot follow symbolic link: ")
            && err.contains("1 input(s) not read or not checked"),
        "{}",
        describe(&o)
    );
    assert!(
        stdout(&o).contains("error[secret-literal-data]"),
        "{}",
        describe(&o)
    );
}

#[test]
#[cfg(unix)]
fn unreadable_directories_and_special_files_are_reported_and_siblings_linted() {
    use std::os::unix::fs::PermissionsExt;
    let dir = TempDir::new("unreadable");
    let locked = dir.path().join("a-locked");
    fs::create_dir_all(&locked).expect("locked");
    fs::write(locked.join("hidden.yaml"), CONFIG).expect("write");
    fs::write(dir.path().join("b-secret.yaml"), SECRET).expect("write");
    fs::set_permissions(&locked, fs::Permissions::from_mode(0o000)).expect("chmod 000");
    // A FIFO named like a manifest: opening it would block, so it is reported, not read.
    let fifo = dir.path().join("c-pipe.yaml");
    let made = Command::new("mkfifo").arg(&fifo).status();
    assert!(made.is_ok_and(|s| s.success()), "mkfifo");

    let o = run(kairn().args(["lint", dir.arg()]));
    assert_eq!(o.status.code(), Some(2), "{}", describe(&o));
    let err = stderr(&o);
    assert!(
        stdout(&o).contains("error[secret-literal-data]"),
        "{}",
        describe(&o)
    );
    assert!(
        err.contains("c-pipe.yaml: not read: a FIFO (named pipe), not a regular file"),
        "{}",
        describe(&o)
    );
    if fs::read_dir(&locked).is_ok() {
        // Running as root (or with CAP_DAC_READ_SEARCH): chmod 000 does not stop reading.
        println!("note: permissions do not block this user; the unreadable-directory assertion is skipped");
    } else {
        assert!(
            err.contains(
                "a-locked: cannot read directory: Permission denied; its files are not checked"
            ),
            "{}",
            describe(&o)
        );
        assert!(
            err.contains("2 input(s) not read or not checked"),
            "{}",
            describe(&o)
        );
    }
}

#[test]
fn limit_and_duplicate_key_messages_are_plain_sentences() {
    let dir = TempDir::new("limits");
    let mut bomb = String::from("a: &a [x, x, x, x, x, x, x, x, x, x]\n");
    let mut prev = "a".to_owned();
    for i in 0..8 {
        let refs = vec![format!("*{prev}"); 10].join(", ");
        bomb.push_str(&format!("l{i}: &l{i} [{refs}]\n"));
        prev = format!("l{i}");
    }
    fs::write(dir.path().join("bomb.yaml"), bomb).expect("write");
    fs::write(
        dir.path().join("deep.yaml"),
        format!("a: {}{}\n", "[".repeat(70), "]".repeat(70)),
    )
    .expect("write");
    fs::write(
        dir.path().join("dup.yaml"),
        "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c, namespace: ns}\ndata:\n  a: x\n  a: y\n",
    )
    .expect("write");
    let o = run(kairn().args(["lint", dir.arg()]));
    assert_eq!(o.status.code(), Some(2), "{}", describe(&o));
    let err = stderr(&o);
    assert!(
        err.contains(
            "dup.yaml:6: duplicate key `a` in a mapping (Kubernetes would keep only one of them)"
        ),
        "{err}"
    );
    assert!(
        err.contains("deep.yaml:1: the input nests sequences and mappings more than 64 levels deep (kairn's limit against YAML bombs)"),
        "{err}"
    );
    assert!(err.contains("bomb.yaml:"), "{err}");
    assert_eq!(
        err.matches("(kairn's limit against YAML bombs)").count(),
        2,
        "{err}"
    );
    assert_plain(&err);
}

#[test]
fn help_documents_the_limits() {
    let o = run(kairn().args(["lint", "--help"]));
    assert_eq!(o.status.code(), Some(0), "{}", describe(&o));
    assert!(
        stdout(&o).contains(
            "lint reads at most 64 MiB from each file or from standard input, and 512 MiB in all"
        ),
        "{}",
        stdout(&o)
    );
}
