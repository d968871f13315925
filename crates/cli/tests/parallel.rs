//! Work on all cores gives the same bytes as one thread: `emit` to a tree, `emit
//! --stdout`, `check` and `package` with `KAIRN_THREADS=1` and with more threads than
//! environments.

use crate::support;

use std::process::Output;

use support::*;

fn with_threads(threads: &str, args: &[&str]) -> Output {
    let o = kairn_cmd(args)
        .env("KAIRN_THREADS", threads)
        .output()
        .expect("runs kairn");
    assert!(o.status.success(), "{}", describe(args, &o));
    o
}

#[test]
fn one_thread_and_many_threads_write_the_same_bytes() {
    let one = with_threads("1", &["emit", "--stdout"]);
    let many = with_threads("16", &["emit", "--stdout"]);
    assert_eq!(one.stdout, many.stdout, "emit --stdout differs");
    assert_eq!(one.stderr, many.stderr, "emit --stdout findings differ");

    let (a, b) = (TempDir::new("threads-1"), TempDir::new("threads-16"));
    let emit_one = with_threads("1", &["emit", "--out", a.arg()]);
    let emit_many = with_threads("16", &["emit", "--out", b.arg()]);
    assert_eq!(
        read_tree_bytes(a.path()),
        read_tree_bytes(b.path()),
        "emitted trees differ"
    );
    assert_eq!(
        String::from_utf8_lossy(&emit_one.stderr).replace(a.arg(), "OUT"),
        String::from_utf8_lossy(&emit_many.stderr).replace(b.arg(), "OUT"),
    );
    // And both equal the committed tree, which a single-threaded kairn wrote.
    with_threads("16", &["check", "--out", a.arg()]);
    with_threads("16", &["check"]);

    let (p, q) = (TempDir::new("package-1"), TempDir::new("package-16"));
    with_threads("1", &["package", "--out", p.arg()]);
    with_threads("16", &["package", "--out", q.arg()]);
    assert_eq!(
        read_tree_bytes(p.path()),
        read_tree_bytes(q.path()),
        "packages differ"
    );
}
