//! `kairn import` as a user runs it: the help text, and every way it stops before writing
//! (bad YAML names file and line, a missing tool says where to get it, a usage error),
//! each leaving `--out DIR` unwritten. Loading is tested in `crates/import/tests/load.rs`,
//! the writer with fake engines in `crates/cli/src/import_tests.rs`.

use crate::support;

use support::{describe, kairn, kairn_cmd, stderr, workspace_root, TempDir};

fn fixture(path: &str) -> String {
    workspace_root()
        .join("crates/import/tests/fixtures")
        .join(path)
        .to_string_lossy()
        .into_owned()
}

#[test]
fn help_names_every_source_and_the_rules_of_dir() {
    let o = kairn(&["import", "--help"]);
    assert!(
        o.status.success(),
        "{}",
        describe(&["import", "--help"], &o)
    );
    let help = String::from_utf8_lossy(&o.stdout);
    assert!(
        help.contains("Usage: kairn import [OPTIONS] --out <DIR> [SOURCE]..."),
        "{help}"
    );
    for flag in [
        "--helm <CHART>",
        "--values <NAME=FILE>",
        "--env <NAME=SOURCE>",
        "--set <KEY=VALUE>",
        "--app <NAME>",
        "--namespace <NS>",
        "--team <NAME>",
        "--kairn-git <URL>",
        "--kairn-rev <REV>",
        "import-report.md",
        "an earlier import's output whose files are unchanged since",
    ] {
        assert!(help.contains(flag), "no {flag:?} in\n{help}");
    }
    let o = kairn(&["--help"]);
    assert!(
        String::from_utf8_lossy(&o.stdout).contains("\n  import "),
        "kairn --help lists import"
    );
}

/// Runs `kairn import ARGS --out DIR` expecting exit 2 and nothing written; the first
/// line of standard error.
fn refused(args: &[&str], envs: &[(&str, &str)]) -> String {
    let tmp = TempDir::new("import-refused");
    let out = tmp.path().join("ws");
    let mut all = vec!["import"];
    all.extend_from_slice(args);
    all.extend_from_slice(&["--out", out.to_str().unwrap()]);
    let mut cmd = kairn_cmd(&all);
    for (k, v) in envs {
        cmd.env(k, v);
    }
    let o = cmd.output().expect("kairn runs");
    assert_eq!(o.status.code(), Some(2), "{}", describe(&all, &o));
    let entries: Vec<_> = std::fs::read_dir(tmp.path()).unwrap().collect();
    assert!(
        entries.is_empty(),
        "`kairn {}` wrote into {}",
        all.join(" "),
        tmp.arg()
    );
    let err = stderr(&o);
    assert_eq!(err.lines().count(), 1, "one line: {err}");
    err.lines().next().unwrap_or_default().to_owned()
}

#[test]
fn bad_yaml_is_one_error_naming_file_and_line() {
    let first = refused(&[&fixture("plain/bad.yaml")], &[]);
    assert!(
        first.starts_with("error: ") && first.contains("plain/bad.yaml:10: malformed YAML"),
        "{first}"
    );
}

#[test]
fn a_missing_helm_says_where_to_get_it() {
    let first = refused(
        &["--helm", &fixture("chart/web")],
        &[("KAIRN_HELM", "/nonexistent/kairn-test/helm")],
    );
    assert!(
        first.contains("helm not found (/nonexistent/kairn-test/helm): install helm (https://helm.sh/docs/intro/install/) or set KAIRN_HELM"),
        "{first}"
    );
}

#[test]
fn a_missing_kubectl_says_where_to_get_it() {
    let first = refused(
        &[&fixture("kustomize/overlays/staging")],
        &[("KAIRN_KUBECTL", "/nonexistent/kairn-test/kubectl")],
    );
    assert!(
        first.contains(
            "install kubectl (https://kubernetes.io/docs/tasks/tools/) or set KAIRN_KUBECTL"
        ),
        "{first}"
    );
}

#[test]
fn usage_errors_are_exit_2() {
    let tmp = TempDir::new("import-usage");
    let out = tmp.path().join("ws");
    let out = out.to_str().unwrap();
    for args in [
        vec!["import", &fixture("tree")],
        vec!["import", "--values", "staging", "--out", out],
        vec!["import", &fixture("tree"), "--team", "dsl", "--out", out],
        vec![
            "import",
            &fixture("tree"),
            "--app",
            "Not_A_Name",
            "--out",
            out,
        ],
    ] {
        let o = kairn(&args);
        assert_eq!(o.status.code(), Some(2), "{}", describe(&args, &o));
    }
    let first = refused(&[&fixture("tree"), &fixture("tree")], &[]);
    assert!(
        first.contains("two sources make an app named `tree`"),
        "{first}"
    );
    let first = refused(&[], &[]);
    assert!(first.contains("nothing to import"), "{first}");
}
