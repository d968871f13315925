//! End-to-end tests of the `kairn` binary: exit codes and messages, `list`, `emit` to
//! stdout and to a directory (same objects as the committed `generated/`), what `emit`
//! deletes and what it leaves alone, determinism, and `--set` inputs.

use crate::support;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Output;

use serde_json::Value;
use support::*;

const RELEASE: &str = "caelundas-20260125-143022";

fn generated() -> PathBuf {
    workspace_root().join("generated")
}

fn stdout(o: &Output) -> String {
    String::from_utf8(o.stdout.clone()).expect("UTF-8 stdout")
}

/// Every file under `root`, relative path to content.
fn read_tree(root: &Path) -> BTreeMap<String, String> {
    read_tree_bytes(root)
        .into_iter()
        .map(|(path, bytes)| (path, String::from_utf8(bytes).expect("UTF-8 file")))
        .collect()
}

/// Parses one YAML document (`emit` writes one object per file and per `---` chunk).
fn parse_doc(text: &str) -> Value {
    dsl::yaml::from_str(text).unwrap_or_else(|e| panic!("invalid YAML ({e}):\n{text}"))
}

/// Splits `emit --stdout` output into `source path -> object`, using the `# Source:`
/// comment that precedes each document.
fn stdout_objects(stream: &str) -> BTreeMap<String, Value> {
    let mut out = BTreeMap::new();
    for chunk in stream.split("---\n").filter(|c| !c.trim().is_empty()) {
        let first = chunk.lines().next().unwrap_or_default();
        let source = first
            .strip_prefix("# Source: ")
            .unwrap_or_else(|| panic!("document without a `# Source:` line:\n{chunk}"))
            .to_owned();
        assert!(
            out.insert(source.clone(), parse_doc(chunk)).is_none(),
            "{source} printed twice"
        );
    }
    out
}

/// The committed objects, `app/env/file -> object` (without the kustomizations, the
/// ownership record and the Flux file).
fn committed_objects() -> BTreeMap<String, Value> {
    read_tree(&generated())
        .into_iter()
        .filter(|(path, _)| {
            !path.ends_with("/kustomization.yaml")
                && !path.ends_with(&format!("/{}", dsl::output::OWNERSHIP_FILE))
                // Flux objects are for the Flux cluster, not part of the app's stream.
                && !path.ends_with(&format!("/{}", dsl::output::phases::FLUX_FILE))
        })
        .map(|(path, text)| {
            let object = parse_doc(&text);
            (path, object)
        })
        .collect()
}

fn declared_app_ids() -> Vec<&'static str> {
    apps::registry().iter().map(|a| a.id).collect()
}

#[test]
fn unknown_app_is_a_usage_error_naming_the_declared_apps() {
    let args = ["emit", "--app", "no-such-app", "--stdout"];
    let o = kairn(&args);
    assert_eq!(o.status.code(), Some(2), "{}", describe(&args, &o));
    let err = stderr(&o);
    assert!(err.contains("no-such-app"), "{err}");
    for id in declared_app_ids() {
        assert!(err.contains(id), "message should name app {id}: {err}");
    }
    assert!(o.stdout.is_empty(), "nothing printed on stdout");
}

#[test]
fn unknown_environment_is_a_usage_error() {
    for args in [
        &["emit", "--env", "no-such-env", "--stdout"][..],
        &["emit", "--app", "caelundas", "--env", "staging", "--stdout"][..],
    ] {
        let o = kairn(args);
        assert_eq!(o.status.code(), Some(2), "{}", describe(args, &o));
        assert!(stderr(&o).contains("environment"), "{}", stderr(&o));
        assert!(
            stderr(&o).contains("production"),
            "lists the declared environments: {}",
            stderr(&o)
        );
    }
}

#[test]
fn unknown_input_is_a_usage_error() {
    let args = [
        "emit",
        "--app",
        "triage-warden",
        "--set",
        "release=x",
        "--stdout",
    ];
    let o = kairn(&args);
    assert_eq!(o.status.code(), Some(2), "{}", describe(&args, &o));
    assert!(stderr(&o).contains("release"), "{}", stderr(&o));
}

#[test]
fn list_prints_apps_and_environments() {
    let out = stdout(&kairn_ok(&["list"]));
    for app in ["triage-warden", "caelundas"] {
        let line = out
            .lines()
            .find(|l| l.starts_with(&format!("{app}:")))
            .unwrap_or_else(|| panic!("`kairn list` has no line for {app}:\n{out}"));
        assert!(line.contains("production"), "{line}");
    }
    for id in declared_app_ids() {
        assert!(out.contains(id), "{id} listed:\n{out}");
    }
    assert!(
        out.contains("--set release="),
        "caelundas' inputs listed:\n{out}"
    );
}

#[test]
fn emit_stdout_prints_the_committed_objects() {
    let printed = stdout_objects(&stdout(&kairn_ok(&["emit", "--stdout"])));
    let committed = committed_objects();
    let printed_paths: Vec<&String> = printed.keys().collect();
    let committed_paths: Vec<&String> = committed.keys().collect();
    assert_eq!(
        printed_paths, committed_paths,
        "`emit --stdout` prints one document per committed file"
    );
    for (path, object) in &committed {
        assert_eq!(
            &printed[path], object,
            "{path}: printed object differs from generated/{path}"
        );
    }
}

#[test]
fn emit_into_an_empty_directory_writes_the_committed_tree() {
    let dir = TempDir::new("fresh");
    let o = kairn_ok(&["emit", "--out", dir.arg()]);
    let written = read_tree(dir.path());
    let committed = read_tree(&generated());
    let w: Vec<&String> = written.keys().collect();
    let c: Vec<&String> = committed.keys().collect();
    assert_eq!(w, c, "same files as generated/\n{}", stderr(&o));
    for (path, content) in &committed {
        assert!(
            &written[path] == content,
            "{path} differs from generated/{path}; run `cargo run -p cli -- emit`"
        );
    }
}

#[test]
fn emit_keeps_foreign_files_and_removes_its_own_stale_files() {
    let dir = TempDir::new("stale");
    let release = |r: &str| format!("release=caelundas-2026012{r}-143022");
    let emit = |r: &str| {
        kairn_ok(&[
            "emit",
            "--app",
            "caelundas",
            "--out",
            dir.arg(),
            "--set",
            &release(r),
        ])
    };
    emit("5");
    let env_dir = dir.path().join("caelundas/production");
    // The generator Job is named `<release>-generator-<spec hash>`.
    let own_job = |r: &str| {
        let prefix = format!("job-caelundas-2026012{r}-143022-generator-");
        std::fs::read_dir(&env_dir)
            .into_iter()
            .flatten()
            .flatten()
            .map(|e| e.path())
            .find(|p| {
                p.file_name()
                    .is_some_and(|n| n.to_string_lossy().starts_with(&prefix))
            })
            .unwrap_or_else(|| env_dir.join(format!("{prefix}missing.yaml")))
    };
    assert!(own_job("5").exists());
    let foreign = env_dir.join("foreign.yaml");
    let foreign_text =
        "# written by hand\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: mine\n";
    std::fs::write(&foreign, foreign_text).unwrap();
    // A copy of a generated file still carries the header; it is the user's all the same.
    let copy = env_dir.join("my-custom-job.yaml");
    std::fs::copy(own_job("5"), &copy).unwrap();
    std::fs::write(
        &copy,
        std::fs::read_to_string(&copy).unwrap() + "# edited by hand\n",
    )
    .unwrap();
    let notes = env_dir.join("NOTES.txt");
    std::fs::write(&notes, "not yaml").unwrap();

    emit("6");

    assert_eq!(
        std::fs::read_to_string(&foreign).ok().as_deref(),
        Some(foreign_text),
        "a file kairn did not write must be left alone"
    );
    assert!(
        copy.exists(),
        "an edited copy that carries the header must be left alone"
    );
    assert!(notes.exists(), "a non-YAML file must be left alone");
    assert!(
        !own_job("5").exists(),
        "a file kairn wrote that the declaration no longer renders must be removed"
    );
    assert!(own_job("6").exists());
    assert!(env_dir.join("kustomization.yaml").exists());
}

#[test]
fn emit_is_deterministic() {
    let (a, b) = (TempDir::new("det-a"), TempDir::new("det-b"));
    kairn_ok(&["emit", "--out", a.arg()]);
    kairn_ok(&["emit", "--out", b.arg()]);
    let first = read_tree(a.path());
    assert!(!first.is_empty());
    assert!(first == read_tree(b.path()), "two emits differ");

    // Emitting again over the same tree changes nothing.
    kairn_ok(&["emit", "--out", a.arg()]);
    assert!(first == read_tree(a.path()), "re-emitting changed files");

    let s1 = kairn_ok(&["emit", "--stdout"]).stdout;
    let s2 = kairn_ok(&["emit", "--stdout"]).stdout;
    assert!(s1 == s2, "two `emit --stdout` runs differ");
}

#[test]
fn set_inputs_give_tracking_labels_and_release_based_names() {
    let args = [
        "emit",
        "--app",
        "caelundas",
        "--stdout",
        "--set",
        &format!("release={RELEASE}"),
        "--set",
        "git-commit=abc",
        "--set",
        "timestamp=1769351422",
    ];
    let objects = stdout_objects(&stdout(&kairn_ok(&args)));
    assert!(!objects.is_empty());
    let mut job_seen = false;
    for (source, o) in &objects {
        let kind = o["kind"].as_str().unwrap_or_default();
        let name = o["metadata"]["name"].as_str().unwrap_or_default();
        let labels = &o["metadata"]["labels"];
        assert_eq!(labels["kairn.dev/git-commit"], "abc", "{source}");
        assert_eq!(
            labels["kairn.dev/timestamp"],
            Value::from("1769351422"),
            "{source}: the timestamp label stays a string"
        );
        assert_eq!(labels["app.kubernetes.io/instance"], RELEASE, "{source}");
        if kind != "Namespace" {
            assert!(
                name.starts_with(RELEASE),
                "{source}: {kind} name {name:?} should start with the release name"
            );
        }
        if kind == "Job" {
            job_seen = true;
            let pod_labels = &o["spec"]["template"]["metadata"]["labels"];
            assert_eq!(
                pod_labels["kairn.dev/git-commit"], "abc",
                "pods carry the labels"
            );
            assert_eq!(pod_labels["kairn.dev/timestamp"], "1769351422");
        }
    }
    assert!(job_seen, "caelundas emits a Job");
}

#[test]
fn invalid_release_is_a_clear_usage_error() {
    let args = [
        "emit",
        "--app",
        "caelundas",
        "--stdout",
        "--set",
        "release=Bad_Name",
    ];
    let o = kairn(&args);
    assert_eq!(o.status.code(), Some(2), "{}", describe(&args, &o));
    let err = stderr(&o);
    assert!(err.contains("release") && err.contains("Bad_Name"), "{err}");
    assert!(o.stdout.is_empty(), "nothing printed on stdout");
}

#[test]
fn malformed_set_is_rejected() {
    let o = kairn(&["emit", "--stdout", "--set", "novalue"]);
    assert_eq!(o.status.code(), Some(2), "clap usage error: {}", stderr(&o));
    assert!(stderr(&o).contains("KEY=VALUE"), "{}", stderr(&o));
}

#[test]
fn lint_of_the_emitted_tree_agrees_with_emit() {
    // emit validated generated/ with the declarations' context; the YAML records that
    // context in annotations, so linting the files alone must find nothing unwaived.
    let o = kairn(&[
        "lint",
        generated().to_str().expect("utf-8 path"),
        "--format",
        "json",
    ]);
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        describe(&["lint", "generated"], &o)
    );
    let findings: Vec<Value> = serde_json::from_str(&stdout(&o)).expect("JSON array of findings");
    let open: Vec<&Value> = findings.iter().filter(|f| f["waived"].is_null()).collect();
    assert!(
        open.is_empty(),
        "unwaived findings in generated/: {open:#?}"
    );
    assert!(
        findings
            .iter()
            .all(|f| f["waived"].as_str().is_some_and(|r| !r.trim().is_empty())),
        "every waived finding carries its reason"
    );
}

#[test]
fn repeated_set_key_is_a_usage_error_naming_the_key() {
    let args = [
        "emit",
        "--app",
        "caelundas",
        "--stdout",
        "--set",
        "git-commit=abc",
        "--set",
        "release=caelundas-a",
        "--set",
        "git-commit=def",
    ];
    let o = kairn(&args);
    assert_eq!(o.status.code(), Some(2), "{}", describe(&args, &o));
    let err = stderr(&o);
    assert!(
        err.contains("`git-commit`") && err.contains("2 times"),
        "names the key: {err}"
    );
    assert!(err.contains("`abc`") && err.contains("`def`"), "{err}");
    assert!(o.stdout.is_empty(), "nothing printed on stdout");
}

#[test]
fn bad_timestamp_is_a_usage_error_naming_the_input_and_the_form() {
    for bad in [
        "yesterday",
        "2026-01-25T14:30:22Z",
        "-1769351422",
        "01769351422",
        "12",
        "1769351422000",
        "99999999999999999999999",
    ] {
        let set = format!("timestamp={bad}");
        let args = ["emit", "--app", "caelundas", "--stdout", "--set", &set];
        let o = kairn(&args);
        assert_eq!(o.status.code(), Some(2), "{}", describe(&args, &o));
        let err = stderr(&o);
        assert!(
            err.contains("timestamp") && err.contains("Unix seconds") && err.contains("date +%s"),
            "{bad}: {err}"
        );
        assert!(o.stdout.is_empty(), "nothing printed on stdout");
    }
}

#[test]
fn placeholder_inputs_are_usage_errors() {
    for sets in [
        &["aws-role-arn=arn:aws:iam::123456789012:role/terrapod-api"][..],
        &[
            "oidc-issuer-url=https://your-org.okta.com/oauth2/default",
            "oidc-client-id=0oa1",
        ],
        &[
            "oidc-issuer-url=https://acme.okta.com/oauth2/default",
            "oidc-client-id=your-client-id",
        ],
        &["oidc-issuer-url=https://acme.okta.com/oauth2/default"],
    ] {
        let mut args = vec!["emit", "--app", "terrapod", "--stdout"];
        for s in sets {
            args.extend(["--set", s]);
        }
        let o = kairn(&args);
        assert_eq!(o.status.code(), Some(2), "{}", describe(&args, &o));
        assert!(stderr(&o).contains("terrapod: input `"), "{}", stderr(&o));
    }
}

#[test]
fn terrapod_deployment_specific_values_come_from_inputs() {
    let args = [
        "emit",
        "--app",
        "terrapod",
        "--stdout",
        "--set",
        "aws-role-arn=arn:aws:iam::210987654321:role/terrapod-api",
        "--set",
        "oidc-issuer-url=https://acme.okta.com/oauth2/default",
        "--set",
        "oidc-client-id=0oa1b2c3d4e5f6g7h8i9",
    ];
    let out = stdout(&kairn_ok(&args));
    assert!(out.contains("eks.amazonaws.com/role-arn: arn:aws:iam::210987654321:role/terrapod-api"));
    assert!(
        out.contains("issuer_url: https://acme.okta.com/oauth2/default"),
        "{out}"
    );
    assert!(out.contains("client_id: 0oa1b2c3d4e5f6g7h8i9"));
}

/// The Job of `emit --app caelundas --set image-tag=<version>` (with the tracking inputs).
fn caelundas_job(version: &str) -> Value {
    let set = format!("image-tag={version}");
    let args = [
        "emit",
        "--stdout",
        "--app",
        "caelundas",
        "--set",
        &format!("release={RELEASE}"),
        "--set",
        "git-commit=abc",
        "--set",
        "timestamp=1769351422",
        "--set",
        &set,
    ];
    stdout_objects(&stdout(&kairn_ok(&args)))
        .into_values()
        .find(|o| o["kind"] == "Job")
        .expect("caelundas emits a Job")
}

#[test]
fn image_tag_with_a_colon_is_a_usage_error() {
    let digest = format!("sha256:{}", "0a".repeat(32));
    for bad in [
        "12:30".to_owned(),
        "a:b".to_owned(),
        "sha256:abc".to_owned(),
        format!("@{digest}"),
    ] {
        let set = format!("image-tag={bad}");
        let args = [
            "emit",
            "--stdout",
            "--app",
            "caelundas",
            "--set",
            &format!("release={RELEASE}"),
            "--set",
            &set,
        ];
        let o = kairn(&args);
        assert_eq!(o.status.code(), Some(2), "{}", describe(&args, &o));
        let err = stderr(&o);
        assert!(
            err.contains("image-tag") && err.contains(&bad),
            "names the input and the value: {err}"
        );
        assert!(
            err.contains("1.2.3@sha256:") && err.contains("a digest alone"),
            "names the accepted forms: {err}"
        );
        assert!(o.stdout.is_empty(), "nothing printed on stdout");
    }
}

#[test]
fn image_tag_takes_a_tag_pinned_by_digest_or_a_digest_alone() {
    let digest = format!("sha256:{}", "0a".repeat(32));
    let repo = "ghcr.io/jimmypaolini/caelundas";

    let job = caelundas_job(&format!("1.2.3@{digest}"));
    let container = &job["spec"]["template"]["spec"]["containers"][0];
    assert_eq!(container["image"], format!("{repo}:1.2.3@{digest}"));
    assert_eq!(
        job["metadata"]["labels"]["app.kubernetes.io/version"],
        "1.2.3"
    );

    let job = caelundas_job(&digest);
    let container = &job["spec"]["template"]["spec"]["containers"][0];
    assert_eq!(container["image"], format!("{repo}@{digest}"));
    assert!(
        job["metadata"]["labels"]["app.kubernetes.io/version"].is_null(),
        "a digest alone gives no version label: {}",
        job["metadata"]["labels"]
    );
    assert!(job["spec"]["template"]["metadata"]["labels"]["app.kubernetes.io/version"].is_null());

    let job = caelundas_job("2.0.0");
    let container = &job["spec"]["template"]["spec"]["containers"][0];
    assert_eq!(container["image"], format!("{repo}:2.0.0"));
    assert_eq!(
        job["metadata"]["labels"]["app.kubernetes.io/version"],
        "2.0.0"
    );
}

#[test]
fn lint_rejects_a_malformed_image_reference() {
    let dir = TempDir::new("bad-image");
    let file = dir.path().join("job.yaml");
    let job = std::fs::read_dir(generated().join("caelundas/production"))
        .expect("committed caelundas directory")
        .map(|e| e.expect("entry").path())
        .find(|p| {
            p.file_name()
                .is_some_and(|n| n.to_string_lossy().starts_with("job-caelundas-generator"))
        })
        .expect("committed caelundas Job");
    let text = std::fs::read_to_string(job).expect("readable Job");
    let image = "ghcr.io/jimmypaolini/caelundas:1.0.0";
    assert!(text.contains(image), "{text}");
    std::fs::write(
        &file,
        text.replace(image, "ghcr.io/jimmypaolini/caelundas:12:30"),
    )
    .expect("write job.yaml");
    let args = ["lint", file.to_str().expect("utf-8 path")];
    let o = kairn(&args);
    assert_ne!(o.status.code(), Some(0), "{}", describe(&args, &o));
    let out = format!("{}{}", stdout(&o), stderr(&o));
    assert!(
        out.contains("invalid-value") && out.contains("12:30") && out.contains("InvalidImageName"),
        "{out}"
    );
}

#[test]
fn waived_findings_are_counted_and_listed_only_with_verbose() {
    let quiet = stderr(&kairn_ok(&["emit", "--stdout"]));
    assert!(!quiet.contains("waived["), "{quiet}");
    assert!(
        quiet.contains("waived in code: metrics-exposed-by-ingress ×"),
        "{quiet}"
    );
    let verbose = stderr(&kairn_ok(&["emit", "--stdout", "--verbose"]));
    assert!(
        verbose.contains("waived[metrics-exposed-by-ingress]"),
        "{verbose}"
    );
    assert!(verbose.contains("reason:"), "{verbose}");
}
