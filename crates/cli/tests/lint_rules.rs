//! `kairn lint` rule selection: `--disable`, `--enable`, `--min-severity`, the
//! `.kairn-lint.yaml` config file (discovery up to the repository root, `--config`,
//! `--no-config`, unknown keys, excludes, waivers) and waiver annotations on objects.

use crate::support;

use std::fs;
use std::path::Path;
use std::process::Output;

use serde_json::Value;
use support::*;

/// A Secret with literal data (error `secret-literal-data`) and its Namespace (warning
/// `namespace-pss-not-enforced`).
const SECRET: &str =
    "apiVersion: v1\nkind: Secret\nmetadata:\n  name: db\n  namespace: shop\nstringData:\n  password: hunter2\n\
     ---\napiVersion: v1\nkind: Namespace\nmetadata: {name: shop}\n";

/// A repository (a `.git` directory) with `deploy/secret.yaml`.
fn repo() -> TempDir {
    let dir = TempDir::new("lint-rules");
    fs::create_dir_all(dir.path().join(".git")).expect(".git");
    fs::create_dir_all(dir.path().join("deploy")).expect("deploy/");
    fs::write(dir.path().join("deploy/secret.yaml"), SECRET).expect("write");
    dir
}

fn lint(args: &[&str]) -> Output {
    kairn(&[&["lint"], args].concat())
}

fn findings(o: &Output) -> Vec<Value> {
    serde_json::from_slice(&o.stdout).unwrap_or_else(|e| {
        panic!(
            "JSON findings: {e}\n{}\n{}",
            String::from_utf8_lossy(&o.stdout),
            stderr(o)
        )
    })
}

fn rules(o: &Output) -> Vec<String> {
    findings(o)
        .iter()
        .map(|f| f["rule"].as_str().expect("rule").to_owned())
        .collect()
}

fn arg(p: &Path) -> &str {
    p.to_str().expect("UTF-8 path")
}

#[test]
fn disable_and_enable_select_rules() {
    let dir = repo();
    let all = lint(&["--format", "json", dir.arg()]);
    assert_eq!(all.status.code(), Some(1));
    let all = rules(&all);
    assert!(all.contains(&"secret-literal-data".to_owned()), "{all:?}");
    assert!(
        all.contains(&"namespace-pss-not-enforced".to_owned()),
        "{all:?}"
    );

    let o = lint(&[
        "--format",
        "json",
        "--disable",
        "secret-literal-data",
        dir.arg(),
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let left = rules(&o);
    assert!(
        !left.contains(&"secret-literal-data".to_owned()),
        "{left:?}"
    );
    assert!(
        left.contains(&"namespace-pss-not-enforced".to_owned()),
        "{left:?}"
    );

    let o = lint(&[
        "--format",
        "json",
        "--disable",
        "all",
        "--enable",
        "secret-*",
        dir.arg(),
    ]);
    assert_eq!(rules(&o), ["secret-literal-data"]);
}

#[test]
fn an_unknown_rule_is_a_usage_error_with_close_names() {
    let dir = repo();
    let o = lint(&[
        "--disable",
        "secret-literal",
        "--enable",
        "zzz-nothing",
        dir.arg(),
    ]);
    assert_eq!(o.status.code(), Some(2));
    let err = stderr(&o);
    assert!(
        err.contains(
            "--disable: unknown rule `secret-literal`; did you mean `secret-literal-data`"
        ),
        "{err}"
    );
    assert!(
        err.contains("--enable: unknown rule `zzz-nothing`"),
        "{err}"
    );
    assert!(o.stdout.is_empty(), "nothing is linted");
}

#[test]
fn min_severity_hides_lower_findings_and_exit_follows_errors() {
    let dir = repo();
    let o = lint(&["--format", "json", "--min-severity", "error", dir.arg()]);
    assert_eq!(o.status.code(), Some(1));
    assert!(findings(&o).iter().all(|f| f["severity"] == "error"));
    assert!(
        stderr(&o).contains("below the minimum severity not shown"),
        "{}",
        stderr(&o)
    );
    let o = lint(&[
        "--min-severity",
        "error",
        "--disable",
        "secret-literal-data",
        dir.arg(),
    ]);
    assert_eq!(o.status.code(), Some(0));
    assert!(
        o.stdout.is_empty(),
        "{}",
        String::from_utf8_lossy(&o.stdout)
    );
    let o = lint(&["--min-severity", "loud", dir.arg()]);
    assert_eq!(o.status.code(), Some(2));
}

#[test]
fn the_config_is_found_upward_up_to_the_repository_root() {
    let dir = repo();
    let file = dir.path().join("deploy/secret.yaml");
    // Above the repository root: not read.
    let outer = TempDir::new("lint-rules-outer");
    fs::create_dir_all(outer.path().join("repo/.git")).expect(".git");
    fs::write(outer.path().join(".kairn-lint.yaml"), "disable: [all]\n").expect("write");
    fs::write(outer.path().join("repo/s.yaml"), SECRET).expect("write");
    assert_eq!(
        lint(&[outer.arg()]).status.code(),
        Some(1),
        "config above .git ignored"
    );

    fs::write(
        dir.path().join(".kairn-lint.yaml"),
        "# the repository's lint settings\ndisable: [secret-literal-data]\n",
    )
    .expect("write");
    let o = lint(&["--format", "json", arg(&file)]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(!rules(&o).contains(&"secret-literal-data".to_owned()));
    // Linting the repository: the config file is not read as a manifest.
    let o = lint(&[dir.arg()]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(!stderr(&o).contains("note:"), "{}", stderr(&o));
    // The command line comes after the config.
    let o = lint(&["--enable", "secret-literal-data", arg(&file)]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    // --no-config ignores it, --config replaces it.
    assert_eq!(lint(&["--no-config", arg(&file)]).status.code(), Some(1));
    let other = dir.path().join("strict.yaml");
    fs::write(&other, "min-severity: error\n").expect("write");
    let o = lint(&["--format", "json", "--config", arg(&other), arg(&file)]);
    assert_eq!(o.status.code(), Some(1));
    assert!(findings(&o).iter().all(|f| f["severity"] == "error"));
    // The nearest config wins.
    fs::write(
        dir.path().join("deploy/.kairn-lint.yaml"),
        "enable: [all]\n",
    )
    .expect("write");
    assert_eq!(lint(&[arg(&file)]).status.code(), Some(1));
}

#[test]
fn a_bad_config_is_a_usage_error_naming_file_key_and_line() {
    let dir = repo();
    let config = dir.path().join(".kairn-lint.yaml");
    fs::write(&config, "disable: [pdb-missing]\nignore: [secret-unused]\n").expect("write");
    let o = lint(&[dir.arg()]);
    assert_eq!(o.status.code(), Some(2));
    let err = stderr(&o);
    assert!(
        err.contains(".kairn-lint.yaml") && err.contains("ignore"),
        "{err}"
    );

    fs::write(&config, "severity:\n  secret-literal: warning\n").expect("write");
    let err = stderr(&lint(&[dir.arg()]));
    assert!(
        err.contains(".kairn-lint.yaml:2: severity: unknown rule `secret-literal`; did you mean `secret-literal-data`"),
        "{err}"
    );
}

#[test]
fn config_severity_and_excludes() {
    let dir = repo();
    fs::create_dir_all(dir.path().join("deploy/vendor")).expect("vendor/");
    fs::write(
        dir.path().join("deploy/vendor/bad.yaml"),
        SECRET.replace("db", "v").replace("shop", "other"),
    )
    .expect("w");
    fs::write(
        dir.path().join(".kairn-lint.yaml"),
        "severity:\n  secret-literal-data: warning\nexclude: ['deploy/vendor/**']\n",
    )
    .expect("write");
    let o = lint(&["--format", "json", "--verbose", dir.arg()]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let all = findings(&o);
    assert!(
        all.iter().all(|f| f["name"] != "v"),
        "vendor/ excluded: {all:#?}"
    );
    assert!(all
        .iter()
        .any(|f| f["rule"] == "secret-literal-data" && f["severity"] == "warning"));
    assert!(stderr(&o).contains("excluded by"), "{}", stderr(&o));
    // A file named on the command line is linted even when excluded.
    let named = dir.path().join("deploy/vendor/bad.yaml");
    let o = lint(&["--format", "json", arg(&named)]);
    assert!(findings(&o).iter().any(|f| f["name"] == "v"));
}

#[test]
fn config_waivers_are_counted_listed_with_verbose_and_checked() {
    let dir = repo();
    fs::write(
        dir.path().join(".kairn-lint.yaml"),
        "waivers:\n  - rule: secret-literal-data\n    kind: Secret\n    name: db\n    namespace: shop\n    \
         reason: test fixture, not a real password\n  - rule: image-latest\n    kind: Secret\n    \
         name: db\n    reason: stale\n  - rule: image-latest\n    kind: Deployment\n    name: elsewhere\n    \
         reason: an object this run does not lint\n",
    )
    .expect("write");
    let o = lint(&[dir.arg()]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let text = String::from_utf8_lossy(&o.stdout).into_owned();
    assert!(!text.contains("waived["), "{text}");
    assert!(
        stderr(&o)
            .contains("waived: secret-literal-data ×1 (--verbose lists each with its reason)"),
        "{}",
        stderr(&o)
    );
    // The waiver of a rule the object does not break is reported where it is written; the
    // one for an object outside this run is not.
    assert!(
        text.contains("warning[waiver-unmatched]") && text.contains(".kairn-lint.yaml:7"),
        "{text}"
    );
    assert!(!text.contains("elsewhere"), "{text}");
    // With the rule off, its waivers have nothing to match.
    let o = lint(&["--disable", "image-latest", dir.arg()]);
    let text = String::from_utf8_lossy(&o.stdout).into_owned();
    assert!(!text.contains("waiver-unmatched"), "{text}");
    let o = lint(&["--verbose", dir.arg()]);
    let text = String::from_utf8_lossy(&o.stdout).into_owned();
    assert!(
        text.contains("waived[secret-literal-data]")
            && text.contains("reason: test fixture, not a real password (waived in "),
        "{text}"
    );
}

#[test]
fn waiver_annotations_are_honoured_and_checked() {
    let dir = repo();
    let annotated = SECRET.replace(
        "  namespace: shop\n",
        "  namespace: shop\n  annotations:\n    kairn.dev/waive.secret-literal-data: a test fixture\n    \
         kairn.dev/waive.secret-unusd: typo\n    kairn.dev/waive.secret-unused: \"\"\n",
    );
    fs::write(dir.path().join("deploy/secret.yaml"), annotated).expect("write");
    let o = lint(&["--format", "json", dir.arg()]);
    assert_eq!(o.status.code(), Some(1), "invalid waivers are errors");
    let all = findings(&o);
    let literal = all
        .iter()
        .find(|f| f["rule"] == "secret-literal-data")
        .expect("still reported");
    assert!(literal["waived"]
        .as_str()
        .is_some_and(|r| r.starts_with("a test fixture")));
    let invalid: Vec<&Value> = all
        .iter()
        .filter(|f| f["rule"] == "waiver-invalid")
        .collect();
    assert_eq!(invalid.len(), 2, "{all:#?}");
    for f in &invalid {
        assert!(f["file"]
            .as_str()
            .is_some_and(|p| p.ends_with("secret.yaml")));
        assert!(matches!(f["line"].as_u64(), Some(8 | 9)), "{f}");
    }
    assert!(invalid.iter().any(|f| f["message"]
        .as_str()
        .is_some_and(|m| m.contains("did you mean `secret-unused`"))));
    assert!(invalid.iter().any(|f| f["message"]
        .as_str()
        .is_some_and(|m| m.contains("has no reason"))));
}

#[test]
fn help_names_the_selection_flags_and_the_config_file() {
    let o = kairn_ok(&["lint", "--help"]);
    let help = String::from_utf8_lossy(&o.stdout);
    for needle in [
        "--disable",
        "--enable",
        "--min-severity",
        "--config",
        "--no-config",
        ".kairn-lint.yaml",
        "kairn.dev/waive.",
        "sarif",
    ] {
        assert!(help.contains(needle), "{needle}: {help}");
    }
}
