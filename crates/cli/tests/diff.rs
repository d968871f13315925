//! `kairn diff` end to end: against the committed `generated/` (no differences, exit 0),
//! against an edited copy (an image changed, an object deleted, an object added, a hook
//! Job renamed: exit 1, each reported with its field path), against a manifests bundle
//! (`.tar.gz`) and a package directory built here, as text, Markdown and JSON, and
//! unreadable input (exit 2).

use crate::support;

use std::fs;
use std::io::Write;
use std::path::Path;
use std::process::Output;

use serde_json::{json, Value};
use support::*;

fn stdout(o: &Output) -> String {
    String::from_utf8(o.stdout.clone()).expect("UTF-8 stdout")
}

/// Runs `kairn args...`, requiring the exit status `code`.
fn kairn_exit(args: &[&str], code: i32) -> Output {
    let o = kairn(args);
    assert_eq!(o.status.code(), Some(code), "{}", describe(args, &o));
    o
}

/// A copy of the committed `generated/` in a temporary directory.
fn copy_of_generated(label: &str) -> TempDir {
    let dir = TempDir::new(label);
    for (rel, bytes) in read_tree_bytes(&workspace_root().join("generated")) {
        let path = dir.path().join(rel);
        fs::create_dir_all(path.parent().unwrap()).unwrap();
        fs::write(path, bytes).unwrap();
    }
    dir
}

const PROD: &str = "gorax/production";
const API: &str = "phases/2-deploy/deployment-prod-gorax-api.yaml";
const WORKER_SERVICE: &str = "phases/2-deploy/service-prod-gorax-worker.yaml";
const MIGRATE: &str = "phases/1-before-deploy/job-prod-gorax-migrate-0aa6367c.yaml";
const EXTRA: &str = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: extra\n  namespace: gorax-prod\ndata:\n  a: b\n";

/// The production API image in the committed output.
fn api_image(text: &str) -> String {
    text.lines()
        .find_map(|l| l.trim().strip_prefix("image: "))
        .expect("an image line")
        .to_owned()
}

/// Edits an environment directory the way an earlier render would differ: another API
/// image, no worker Service, an extra ConfigMap, the migration Job under another hash.
fn edit(env: &Path) -> String {
    let api = fs::read_to_string(env.join(API)).unwrap();
    let image = api_image(&api);
    fs::write(
        env.join(API),
        api.replace(&image, "docker.io/gorax/api:0.0.1"),
    )
    .unwrap();
    fs::remove_file(env.join(WORKER_SERVICE)).unwrap();
    fs::write(env.join("phases/2-deploy/configmap-extra.yaml"), EXTRA).unwrap();
    let job = fs::read_to_string(env.join(MIGRATE)).unwrap();
    fs::write(
        env.join(MIGRATE),
        job.replace("prod-gorax-migrate-0aa6367c", "prod-gorax-migrate-11111111"),
    )
    .unwrap();
    image
}

fn assert_edits_reported(text: &str, image: &str) {
    for expected in [
        "gorax/production: 1 added, 1 removed, 2 changed\n".to_owned(),
        "  + Service/prod-gorax-worker (namespace gorax-prod)\n".to_owned(),
        "  - ConfigMap/extra (namespace gorax-prod)\n".to_owned(),
        "  ~ Deployment/prod-gorax-api (namespace gorax-prod)\n".to_owned(),
        format!(
            "      spec.template.spec.containers[name=api].image: \"docker.io/gorax/api:0.0.1\" → \"{image}\"\n"
        ),
        "  ~ Job/prod-gorax-migrate-0aa6367c (namespace gorax-prod), renamed from prod-gorax-migrate-11111111\n".to_owned(),
    ] {
        assert!(text.contains(&expected), "missing {expected:?} in\n{text}");
    }
}

#[test]
fn no_differences_against_the_committed_output() {
    let o = kairn_exit(&["diff", "--against", "generated"], 0);
    let text = stdout(&o);
    assert!(text.starts_with("no differences: "), "{text}");
    assert!(text.contains("compared with generated"), "{text}");

    let o = kairn_exit(
        &[
            "diff",
            "--against",
            "generated/gorax/production",
            "--format",
            "json",
        ],
        0,
    );
    let v: Value = serde_json::from_str(&stdout(&o)).unwrap();
    assert_eq!(v["summary"]["environments"], 1);
    assert_eq!(v["objects"], json!([]));
}

#[test]
fn edits_in_an_output_tree_are_reported_by_object_and_field() {
    let tree = copy_of_generated("diff-tree");
    let image = edit(&tree.path().join(PROD));
    let o = kairn_exit(&["diff", "--against", tree.arg()], 1);
    let text = stdout(&o);
    assert_edits_reported(&text, &image);
    assert!(
        text.lines()
            .last()
            .unwrap()
            .starts_with("1 added, 1 removed, 2 changed ("),
        "{text}"
    );
    // Only the edited environment shows up.
    assert_eq!(text.matches(": 1 added").count(), 1, "{text}");

    // Deterministic.
    assert_eq!(
        stdout(&kairn_exit(&["diff", "--against", tree.arg()], 1)),
        text
    );

    let o = kairn_exit(
        &[
            "diff",
            "--against",
            tree.arg(),
            "--app",
            "gorax",
            "--format",
            "json",
        ],
        1,
    );
    let v: Value = serde_json::from_str(&stdout(&o)).unwrap();
    assert_eq!(v["version"], 1);
    assert_eq!(v["against"], tree.arg());
    assert_eq!(
        (
            v["summary"]["added"].clone(),
            v["summary"]["removed"].clone(),
            v["summary"]["changed"].clone()
        ),
        (json!(1), json!(1), json!(2))
    );
    assert_eq!(v["summary"]["environments"], 3);
    let objects = v["objects"].as_array().unwrap();
    let find = |kind: &str| {
        objects
            .iter()
            .find(|o| o["kind"] == kind)
            .unwrap_or_else(|| panic!("no {kind} in {v:#}"))
    };
    assert_eq!(find("ConfigMap")["change"], "removed");
    assert_eq!(find("ConfigMap")["name"], "extra");
    assert_eq!(find("Service")["change"], "added");
    let deployment = find("Deployment");
    assert_eq!(deployment["change"], "changed");
    assert_eq!(
        deployment["fields"],
        json!([{
            "path": "spec.template.spec.containers[name=api].image",
            "change": "changed",
            "old": "docker.io/gorax/api:0.0.1",
            "new": image,
        }])
    );
    let job = find("Job");
    assert_eq!(job["renamedFrom"], "prod-gorax-migrate-11111111");
    assert_eq!(job["name"], "prod-gorax-migrate-0aa6367c");

    let o = kairn_exit(
        &["diff", "--against", tree.arg(), "--format", "markdown"],
        1,
    );
    let md = stdout(&o);
    assert!(
        md.starts_with("### kairn diff: 1 added, 1 removed, 2 changed\n"),
        "{md}"
    );
    assert!(
        md.contains("<details><summary><b>gorax/production</b>"),
        "{md}"
    );
    assert!(md.contains("\n```diff\n- ConfigMap/extra"), "{md}");
    assert!(md.contains("\n+ Service/prod-gorax-worker"), "{md}");
}

/// Every file below `dir`, as sorted `/`-separated relative paths.
fn files_below(dir: &Path, prefix: &str) -> Vec<String> {
    let mut names: Vec<String> = Vec::new();
    for entry in fs::read_dir(dir).unwrap() {
        let entry = entry.unwrap();
        let name = format!("{prefix}{}", entry.file_name().into_string().unwrap());
        if entry.path().is_dir() {
            names.extend(files_below(&entry.path(), &format!("{name}/")));
        } else {
            names.push(name);
        }
    }
    names.sort();
    names
}

fn bundle(path: &Path, dir: &Path) {
    let gz = flate2::write::GzEncoder::new(
        fs::File::create(path).unwrap(),
        flate2::Compression::default(),
    );
    let mut tar = tar::Builder::new(gz);
    for name in files_below(dir, "") {
        let bytes = fs::read(dir.join(&name)).unwrap();
        let mut header = tar::Header::new_gnu();
        header.set_size(bytes.len() as u64);
        header.set_mode(0o644);
        header.set_cksum();
        tar.append_data(&mut header, &name, bytes.as_slice())
            .unwrap();
    }
    tar.into_inner().unwrap().finish().unwrap().flush().unwrap();
}

#[test]
fn bundles_and_packages_are_compared_by_object() {
    let tree = copy_of_generated("diff-bundle");
    let env = tree.path().join(PROD);
    let pkg = TempDir::new("diff-package");
    let tgz = pkg.path().join("gorax-production-manifests.tar.gz");
    let tgz_arg = tgz.to_str().unwrap();

    // Unchanged: equal. Without an index beside it, the bundle needs --app and --env.
    bundle(&tgz, &env);
    let o = kairn_exit(&["diff", "--against", tgz_arg], 2);
    assert!(
        stderr(&o).contains("pass --app and --env"),
        "{}",
        stderr(&o)
    );
    kairn_exit(
        &[
            "diff",
            "--against",
            tgz_arg,
            "--app",
            "gorax",
            "--env",
            "production",
        ],
        0,
    );

    // Edited, with an index naming its app and environment.
    let image = edit(&env);
    bundle(&tgz, &env);
    let index = json!({
        "version": 1,
        "archives": [{
            "file": "gorax-production-manifests.tar.gz", "kind": "manifests",
            "app": "gorax", "environment": "production", "sha256": "unchecked"
        }],
        "objects": []
    });
    fs::write(pkg.path().join("index.json"), index.to_string()).unwrap();
    for against in [tgz_arg, pkg.arg()] {
        let o = kairn_exit(&["diff", "--against", against], 1);
        let text = stdout(&o);
        assert_edits_reported(&text, &image);
        assert!(text.contains("in 1 environment compared with"), "{text}");
    }
}

#[test]
fn unreadable_input_is_a_usage_error() {
    let o = kairn_exit(&["diff", "--against", "no/such/dir"], 2);
    assert!(stderr(&o).contains("no/such/dir"), "{}", stderr(&o));
    kairn_exit(&["diff"], 2);

    let dir = TempDir::new("diff-bad");
    let bad = dir.path().join("bad.tar.gz");
    fs::write(&bad, "not gzip").unwrap();
    let o = kairn_exit(
        &[
            "diff",
            "--against",
            bad.to_str().unwrap(),
            "--app",
            "gorax",
            "--env",
            "production",
        ],
        2,
    );
    assert!(
        stderr(&o).contains("not a readable .tar.gz"),
        "{}",
        stderr(&o)
    );

    let env = dir.path().join("gorax/production");
    fs::create_dir_all(&env).unwrap();
    fs::write(env.join("broken.yaml"), "a: [").unwrap();
    let o = kairn_exit(&["diff", "--against", dir.arg()], 2);
    assert!(stderr(&o).contains("broken.yaml"), "{}", stderr(&o));
}
