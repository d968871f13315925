//! Standard streams and the working directory: no subcommand panics when its output is
//! closed or full (issue 7, point 6), `emit --stdout` is in apply order (point 10), and
//! the default output directory comes from the project, not from where kairn runs
//! (point 11).

use crate::support;

use std::collections::BTreeMap;
use std::io::Read;
use std::process::{Command, Stdio};

use serde_json::Value;
use support::*;

/// One invocation of every subcommand (and of clap's own output), with whether it
/// always prints something on standard output.
fn every_subcommand(out: &str) -> Vec<(Vec<String>, bool)> {
    let lint_target = workspace_root().join("generated/caelundas/production");
    let lint_target = lint_target.to_str().unwrap();
    [
        (vec!["list"], true),
        (vec!["emit", "--stdout"], true),
        (vec!["emit", "--out", out], false),
        (vec!["emit", "--format", "helm", "--out", out], false),
        (vec!["package", "--out", out], false),
        (vec!["diff", "--against", "generated"], false),
        (
            vec!["publish", "--from", out, "--to", "oci://127.0.0.1:9/kairn"],
            false,
        ),
        (
            vec!["diff", "--format", "json", "--against", "generated"],
            true,
        ),
        (vec!["check", "--app", "caelundas"], false),
        (vec!["lint", lint_target], false),
        (vec!["lint", "--format", "json", lint_target], true),
        (vec!["--help"], true),
        (vec!["emit", "--help"], true),
        (vec!["--version"], true),
        (vec!["no-such-subcommand"], false),
        (vec!["emit", "--app", "no-such-app"], false),
    ]
    .into_iter()
    .map(|(a, prints)| (a.into_iter().map(str::to_owned).collect(), prints))
    .collect()
}

fn shell(script: &str) -> std::process::Output {
    Command::new("sh")
        .arg("-c")
        .arg(script)
        .current_dir(workspace_root())
        .env("RUST_BACKTRACE", "1")
        .output()
        .expect("sh runs")
}

fn quoted(args: &[String]) -> String {
    args.iter()
        .map(|a| format!("'{a}'"))
        .collect::<Vec<_>>()
        .join(" ")
}

#[test]
fn no_subcommand_panics_when_its_streams_are_closed_or_full() {
    let dir = TempDir::new("streams");
    let redirections = [
        (">/dev/full", "stdout full"),
        ("2>/dev/full", "stderr full"),
        (">/dev/full 2>/dev/full", "both full"),
        (">&-", "stdout closed"),
        ("2>&-", "stderr closed"),
        (">&- 2>&-", "both closed"),
    ];
    for (args, prints) in every_subcommand(dir.arg()) {
        for (redirect, what) in redirections {
            let script = format!(
                "{} {} {redirect}; echo \"exit=$?\" >&3",
                kairn_bin(),
                quoted(&args)
            );
            let o = shell(&format!("exec 3>&1; {script}"));
            let printed = String::from_utf8_lossy(&o.stdout);
            let code: i32 = printed
                .trim()
                .rsplit("exit=")
                .next()
                .and_then(|c| c.parse().ok())
                .unwrap_or_else(|| panic!("no exit code for {args:?} {what}: {printed}"));
            let err = stderr(&o);
            assert_ne!(
                code,
                101,
                "`kairn {}` with {what} panicked: {err}",
                args.join(" ")
            );
            assert!(!err.contains("panicked"), "{args:?} {what}: {err}");
            if redirect == ">/dev/full" && prints {
                assert_eq!(code, 74, "`kairn {}` > /dev/full: {err}", args.join(" "));
                assert!(
                    err.lines()
                        .filter(|l| l.contains("cannot write to standard output"))
                        .count()
                        == 1,
                    "one clear line: {err}"
                );
            }
        }
    }
}

#[test]
fn a_closed_pipe_ends_quietly_with_the_sigpipe_status() {
    for args in [
        vec!["list"],
        vec!["emit", "--stdout"],
        vec!["--help"],
        vec!["lint", "--verbose", "generated"],
    ] {
        // The reader is gone before kairn writes anything (like `kairn list | true`).
        let (reader, writer) = std::io::pipe().unwrap();
        drop(reader);
        let mut child = kairn_cmd(&args)
            .stdout(writer)
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let mut err = String::new();
        child
            .stderr
            .take()
            .unwrap()
            .read_to_string(&mut err)
            .unwrap();
        let status = child.wait().unwrap();
        assert_eq!(status.code(), Some(141), "kairn {}: {err}", args.join(" "));
        assert!(
            !err.contains("panicked") && !err.contains("Broken pipe"),
            "kairn {}: {err}",
            args.join(" ")
        );
    }
}

/// The objects of an `emit --stdout` stream, grouped by `<app>/<env>`, in stream order.
fn stream_by_environment(stream: &str) -> BTreeMap<String, Vec<Value>> {
    let mut envs: BTreeMap<String, Vec<Value>> = BTreeMap::new();
    for chunk in stream
        .split("\n---\n")
        .map(|c| c.trim_start_matches("---\n"))
    {
        let source = chunk
            .lines()
            .find_map(|l| l.strip_prefix("# Source: "))
            .unwrap_or_else(|| panic!("a document without a Source line:\n{chunk}"));
        // `<app>/<env>/<file>`, the file possibly inside a phase directory.
        let env = source.splitn(3, '/').take(2).collect::<Vec<_>>().join("/");
        let object: Value = dsl::yaml::from_str(chunk).unwrap();
        envs.entry(env).or_default().push(object);
    }
    envs
}

fn kind_name(o: &Value) -> (String, String) {
    (
        o["kind"].as_str().unwrap_or_default().to_owned(),
        o["metadata"]["name"]
            .as_str()
            .unwrap_or_default()
            .to_owned(),
    )
}

/// What an object needs to exist before the API server accepts it or its pods start:
/// its namespace, and for pod templates their service account, config maps, secrets
/// listed as volumes, and claims; for bindings, the role.
fn prerequisites(o: &Value) -> Vec<(String, String)> {
    let mut needs = Vec::new();
    if let Some(ns) = o["metadata"]["namespace"].as_str() {
        needs.push(("Namespace".to_owned(), ns.to_owned()));
    }
    let pod = match o["kind"].as_str() {
        Some("CronJob") => &o["spec"]["jobTemplate"]["spec"]["template"]["spec"],
        _ => &o["spec"]["template"]["spec"],
    };
    if let Some(sa) = pod["serviceAccountName"].as_str() {
        needs.push(("ServiceAccount".to_owned(), sa.to_owned()));
    }
    for v in pod["volumes"].as_array().into_iter().flatten() {
        if let Some(n) = v["configMap"]["name"].as_str() {
            needs.push(("ConfigMap".to_owned(), n.to_owned()));
        }
        if let Some(n) = v["persistentVolumeClaim"]["claimName"].as_str() {
            needs.push(("PersistentVolumeClaim".to_owned(), n.to_owned()));
        }
    }
    for c in pod["containers"].as_array().into_iter().flatten() {
        for e in c["env"].as_array().into_iter().flatten() {
            if let Some(n) = e["valueFrom"]["configMapKeyRef"]["name"].as_str() {
                needs.push(("ConfigMap".to_owned(), n.to_owned()));
            }
        }
        for e in c["envFrom"].as_array().into_iter().flatten() {
            if let Some(n) = e["configMapRef"]["name"].as_str() {
                needs.push(("ConfigMap".to_owned(), n.to_owned()));
            }
        }
    }
    if o["kind"] == "RoleBinding" {
        if let Some(n) = o["roleRef"]["name"].as_str() {
            needs.push((
                o["roleRef"]["kind"].as_str().unwrap().to_owned(),
                n.to_owned(),
            ));
        }
        for s in o["subjects"].as_array().into_iter().flatten() {
            if s["kind"] == "ServiceAccount" {
                needs.push((
                    "ServiceAccount".to_owned(),
                    s["name"].as_str().unwrap().to_owned(),
                ));
            }
        }
    }
    needs
}

#[test]
fn the_stdout_stream_is_in_apply_order() {
    // Every prerequisite that the stream itself contains comes before its dependant,
    // so `kairn emit --stdout | kubectl apply -f -` works in one pass on a fresh cluster.
    let o = kairn_ok(&["emit", "--stdout"]);
    let envs = stream_by_environment(&String::from_utf8(o.stdout).unwrap());
    assert_eq!(envs.len(), 7, "{:?}", envs.keys().collect::<Vec<_>>());
    let mut checked = 0;
    for (env, objects) in &envs {
        let position: BTreeMap<(String, String), usize> = objects
            .iter()
            .enumerate()
            .map(|(i, o)| (kind_name(o), i))
            .collect();
        for (i, o) in objects.iter().enumerate() {
            for need in prerequisites(o) {
                if let Some(&at) = position.get(&need) {
                    checked += 1;
                    assert!(
                        at < i,
                        "{env}: {:?} comes after {:?}, which needs it",
                        need,
                        kind_name(o)
                    );
                }
            }
        }
        // The stream is exactly the kustomizations' order (phase directories expanded).
        fn listed(dir: &std::path::Path) -> Vec<String> {
            let kustomization: Value = dsl::yaml::from_str(
                &std::fs::read_to_string(dir.join("kustomization.yaml")).unwrap(),
            )
            .unwrap();
            let mut out = Vec::new();
            for r in kustomization["resources"].as_array().unwrap() {
                let r = r.as_str().unwrap();
                if dir.join(r).is_dir() {
                    out.extend(listed(&dir.join(r)).into_iter().map(|f| format!("{r}/{f}")));
                } else {
                    out.push(r.to_owned());
                }
            }
            out
        }
        let files = listed(&workspace_root().join(format!("generated/{env}")));
        assert_eq!(files.len(), objects.len(), "{env}");
    }
    assert!(
        checked > 50,
        "only {checked} prerequisites found in the stream"
    );
}

#[test]
fn the_default_output_is_at_the_project_root_wherever_kairn_runs() {
    let project = TempDir::new("project");
    std::fs::write(
        project.path().join("Cargo.toml"),
        "[workspace]\nmembers = []\n",
    )
    .unwrap();
    let nested = project.path().join("crates/apps/src");
    std::fs::create_dir_all(&nested).unwrap();
    let o = Command::new(kairn_bin())
        .args(["emit", "--app", "caelundas"])
        .current_dir(&nested)
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", stderr(&o));
    let expected = project.path().join("generated");
    assert!(expected
        .join("caelundas/production/kustomization.yaml")
        .is_file());
    assert!(!nested.join("generated").exists());
    assert!(
        stderr(&o).contains(&*expected.to_string_lossy()),
        "says where it wrote: {}",
        stderr(&o)
    );
    // check from anywhere in the project compares the same tree.
    let o = Command::new(kairn_bin())
        .args(["check", "--app", "caelundas"])
        .current_dir(&nested)
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", stderr(&o));

    // Outside any workspace there is no default: a usage error that says what to do.
    let outside = TempDir::new("no-project");
    let o = Command::new(kairn_bin())
        .args(["emit", "--app", "caelundas"])
        .current_dir(outside.path())
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(stderr(&o).contains("--out"), "{}", stderr(&o));
    assert_eq!(std::fs::read_dir(outside.path()).unwrap().count(), 0);
}

#[test]
fn a_clean_emit_or_check_says_what_it_validated_on_stderr_only() {
    let args = [
        "emit",
        "--app",
        "caelundas",
        "--env",
        "production",
        "--stdout",
    ];
    let o = kairn(&args);
    assert!(o.status.success(), "{}", describe(&args, &o));
    let err = stderr(&o);
    let line = err
        .lines()
        .find(|l| l.starts_with("validated "))
        .unwrap_or_else(|| panic!("no summary line:\n{err}"));
    assert!(
        line.starts_with("validated 1 app(s) in 1 environment(s), ")
            && line.ends_with(": 0 error(s), 0 warning(s), 0 waived"),
        "{line}"
    );
    let objects: usize = line["validated 1 app(s) in 1 environment(s), ".len()..]
        .split(' ')
        .next()
        .and_then(|n| n.parse().ok())
        .unwrap_or_else(|| panic!("an object count: {line}"));
    let out = String::from_utf8(o.stdout).expect("UTF-8");
    assert_eq!(
        out.matches("\n---\n").count() + 1,
        objects,
        "stdout is the YAML stream only, one document per validated object"
    );
    assert!(out.starts_with("---\n"), "pure YAML on stdout");

    let args = ["check", "--app", "caelundas"];
    let o = kairn(&args);
    assert!(o.status.success(), "{}", describe(&args, &o));
    let err = stderr(&o);
    assert!(
        err.lines().any(|l| l.starts_with("validated 1 app(s) in ")
            && l.ends_with(": 0 error(s), 0 warning(s), 0 waived")),
        "{err}"
    );
}
