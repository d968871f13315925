//! Bad input: refused before any registry is asked, or a registry that is down (no tools
//! needed; these always run).

use super::*;

fn publish_fails(args: &[&str], code: i32, needle: &str) -> Output {
    let o = kairn(args);
    assert_eq!(o.status.code(), Some(code), "{}", describe(args, &o));
    assert!(o.stdout.is_empty(), "published something: {:?}", o.stdout);
    assert!(stderr(&o).contains(needle), "{}", describe(args, &o));
    o
}

/// `SOURCE_DATE_EPOCH` past 9999-12-31T23:59:59Z has no RFC 3339 form: a usage error
/// naming the variable, before any registry is asked.
#[test]
fn source_date_epoch_past_year_9999_is_a_usage_error() {
    let pkg = package(VERSION);
    let args = [
        "publish",
        "--from",
        pkg.arg(),
        "--to",
        "oci://127.0.0.1:1/kairn",
    ];
    for (epoch, needle) in [
        ("253402300800", "9999-12-31T23:59:59Z"),
        ("soon", "is not a number of seconds"),
    ] {
        let o = kairn_cmd(&args)
            .env("SOURCE_DATE_EPOCH", epoch)
            .output()
            .expect("kairn runs");
        assert_eq!(o.status.code(), Some(2), "{}", describe(&args, &o));
        assert!(o.stdout.is_empty(), "published something: {:?}", o.stdout);
        let err = stderr(&o);
        assert!(
            err.contains(&format!("SOURCE_DATE_EPOCH=\"{epoch}\"")) && err.contains(needle),
            "{}",
            describe(&args, &o)
        );
    }
}

#[test]
fn a_registry_that_is_down_is_one_error_line_and_exit_1() {
    let pkg = package(VERSION);
    let port = free_port();
    let to = format!("oci://127.0.0.1:{port}/kairn");
    let o = publish_fails(
        &["publish", "--from", pkg.arg(), "--to", &to, "--plain-http"],
        1,
        &format!("127.0.0.1:{port}"),
    );
    let err = stderr(&o);
    assert_eq!(err.lines().count(), 1, "one line: {err}");
    assert!(
        err.contains(&format!("oci://127.0.0.1:{port}/kairn/")),
        "names the artifact: {err}"
    );
    assert!(err.contains("nothing was published"), "{err}");
}

#[test]
fn to_must_be_an_oci_reference() {
    let pkg = package(VERSION);
    for to in [
        "https://127.0.0.1:5000/kairn",
        "127.0.0.1:5000/kairn",
        "oci:///kairn",
    ] {
        publish_fails(&["publish", "--from", pkg.arg(), "--to", to], 2, "--to");
    }
    publish_fails(
        &[
            "publish",
            "--from",
            pkg.arg(),
            "--to",
            "oci://127.0.0.1:5000/Kairn",
        ],
        2,
        "Kairn",
    );
}

#[test]
fn a_package_that_does_not_match_its_checksums_is_refused() {
    let pkg = package(VERSION);
    let chart = std::fs::read_dir(pkg.path())
        .unwrap()
        .map(|e| e.unwrap().path())
        .find(|p| p.to_string_lossy().ends_with(".tgz"))
        .unwrap();
    let mut bytes = std::fs::read(&chart).unwrap();
    bytes.push(0);
    std::fs::write(&chart, bytes).unwrap();
    let port = free_port();
    let to = format!("oci://127.0.0.1:{port}/kairn");
    publish_fails(
        &["publish", "--from", pkg.arg(), "--to", &to, "--plain-http"],
        1,
        "does not match SHA256SUMS",
    );
}

#[test]
fn a_version_that_is_not_semver_is_a_usage_error() {
    let pkg = package(VERSION);
    rewrite_index(pkg.path(), |i| i["version"] = json!("1.4"));
    publish_fails(
        &[
            "publish",
            "--from",
            pkg.arg(),
            "--to",
            "oci://127.0.0.1:1/kairn",
        ],
        2,
        "not SemVer",
    );
}

#[test]
fn unknown_app_or_environment_is_a_usage_error() {
    let pkg = package(VERSION);
    let base = [
        "publish",
        "--from",
        pkg.arg(),
        "--to",
        "oci://127.0.0.1:1/kairn",
    ];
    let with = |extra: &[&'static str]| -> Vec<&str> {
        base.iter().copied().chain(extra.iter().copied()).collect()
    };
    publish_fails(&with(&["--app", "nope"]), 2, "unknown app `nope`");
    publish_fails(
        &with(&["--app", "gorax", "--env", "nope"]),
        2,
        "unknown environment `nope`",
    );
    publish_fails(&with(&["--created", "yesterday"]), 2, "RFC 3339");
    publish_fails(
        &[
            "publish",
            "--from",
            "/nonexistent/kairn-package",
            "--to",
            "oci://127.0.0.1:1/k",
        ],
        2,
        "kairn package",
    );
}
