//! `kairn lint DIR` over a repository of Helm charts and kustomize overlays (issue 18,
//! "sources as they are deployed"): every chart rendered once per values file and every
//! overlay built, each linted as its own set, findings placed in the template, base or
//! patch file they come from.
//!
//! The repository is assembled in a temporary directory from the real sets of
//! `tests/fixtures/import/` (two charts with their values files, the podinfo kustomize
//! base with its two overlays), plus two patches written here in the production overlay.
//! Helm is `KAIRN_HELM`, else `<workspace>/.tools/bin/helm`; kubectl is on `PATH`
//! (`scripts/install-test-tools.sh` checks it). Without helm the test is skipped with a
//! message, except when `CI` or `KAIRN_HELM` is set: then it fails.

use crate::support;

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use serde_json::Value;
use support::{describe, kairn_bin, workspace_root, TempDir};

const HELM_VAR: &str = "KAIRN_HELM";

/// The `helm` binary, or `None` (with a message) when it is missing outside CI.
fn helm() -> Option<PathBuf> {
    let bin = std::env::var_os(HELM_VAR)
        .map(PathBuf::from)
        .unwrap_or_else(|| workspace_root().join(".tools/bin/helm"));
    let runs = Command::new(&bin)
        .arg("version")
        .output()
        .is_ok_and(|o| o.status.success());
    if runs {
        return Some(bin);
    }
    let why = format!(
        "helm not found at {} ({HELM_VAR}, default <workspace>/.tools/bin/helm); run `bash scripts/install-test-tools.sh` or set {HELM_VAR}",
        bin.display()
    );
    assert!(
        std::env::var_os("CI").is_none() && std::env::var_os(HELM_VAR).is_none(),
        "{why}"
    );
    eprintln!("SKIPPED lint of charts: {why}");
    None
}

fn copy_tree(from: &Path, to: &Path) {
    fs::create_dir_all(to).unwrap();
    for e in fs::read_dir(from).unwrap() {
        let p = e.unwrap().path();
        let target = to.join(p.file_name().unwrap());
        if p.is_dir() {
            copy_tree(&p, &target);
        } else {
            fs::copy(&p, &target).unwrap();
        }
    }
}

/// The overlay patch that sets the backend's image to `:latest` (an `image-latest`
/// finding on the patch, line 11), and one that only sets the frontend's replicas.
const IMAGE_PATCH: &str =
    "# Written by kairn's lint tests: an overlay patch with a finding of its own.\n\
apiVersion: apps/v1\n\
kind: Deployment\n\
metadata:\n\
\x20 name: backend\n\
spec:\n\
\x20 template:\n\
\x20   spec:\n\
\x20     containers:\n\
\x20       - name: backend\n\
\x20         image: ghcr.io/stefanprodan/podinfo:latest\n";
/// A patch that only sets replicas: no finding of its own when the Deployment has no
/// autoscaler (cache), `replicas-with-hpa` at its `replicas:` (line 7) when it has one
/// (frontend).
fn replicas_patch(name: &str) -> String {
    format!(
        "# Written by kairn's lint tests: a patch that only sets replicas.\n\
         apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: {name}\nspec:\n  replicas: 3\n"
    )
}

/// `<tmp>/repo`: podinfo-helm, etcd-helm and podinfo-kustomize (with the two patches in
/// its production overlay).
fn repository(tmp: &TempDir) -> PathBuf {
    let fixtures = workspace_root().join("tests/fixtures/import");
    let repo = tmp.path().join("repo");
    for set in ["podinfo-helm", "etcd-helm", "podinfo-kustomize"] {
        copy_tree(&fixtures.join(set), &repo.join(set));
    }
    let prod = repo.join("podinfo-kustomize/overlays/production");
    fs::write(prod.join("patch-backend-image.yaml"), IMAGE_PATCH).unwrap();
    fs::write(
        prod.join("patch-frontend-replicas.yaml"),
        replicas_patch("frontend"),
    )
    .unwrap();
    fs::write(
        prod.join("patch-cache-replicas.yaml"),
        replicas_patch("cache"),
    )
    .unwrap();
    let mut k = fs::read_to_string(prod.join("kustomization.yaml")).unwrap();
    k.push_str(
        "patches:\n  - path: patch-backend-image.yaml\n  - path: patch-frontend-replicas.yaml\n  - path: patch-cache-replicas.yaml\n",
    );
    fs::write(prod.join("kustomization.yaml"), k).unwrap();
    // An inline JSON patch in the staging overlay.
    let staging = repo.join("podinfo-kustomize/overlays/staging/kustomization.yaml");
    let mut k = fs::read_to_string(&staging).unwrap();
    k.push_str(
        "patches:\n  - target:\n      kind: Deployment\n      name: frontend\n    patch: |-\n      - op: add\n        path: /spec/replicas\n        value: 2\n",
    );
    fs::write(&staging, k).unwrap();
    repo
}

/// Runs `kairn lint ARGS` in `dir` with helm from `helm`.
fn lint_in(dir: &Path, helm: &Path, args: &[&str]) -> Output {
    Command::new(kairn_bin())
        .arg("lint")
        .args(args)
        .current_dir(dir)
        .env(HELM_VAR, helm)
        .output()
        .expect("kairn runs")
}

fn json_findings(o: &Output, args: &[&str]) -> Vec<Value> {
    serde_json::from_slice::<Vec<Value>>(&o.stdout)
        .unwrap_or_else(|e| panic!("JSON findings: {e}\n{}", describe(args, o)))
}

fn find<'a>(
    findings: &'a [Value],
    rule: &str,
    name: &str,
    field: &str,
    unit: &str,
) -> Vec<&'a Value> {
    findings
        .iter()
        .filter(|f| {
            f["rule"] == rule
                && f["name"] == name
                && f["field"] == field
                && f["unit"]
                    .as_str()
                    .is_some_and(|u| u.split("; ").any(|x| x == unit))
        })
        .collect()
}

fn place(f: &Value) -> (String, u64) {
    (
        f["file"].as_str().unwrap_or_default().to_owned(),
        f["line"].as_u64().unwrap_or_default(),
    )
}

#[test]
fn a_repository_of_charts_and_overlays_lints_in_one_run_with_findings_in_source_files() {
    let Some(helm) = helm() else { return };
    let tmp = TempDir::new("lint-deployed");
    let repo = repository(&tmp);
    let args = ["--format", "json", "--verbose", "repo"];
    let o = lint_in(tmp.path(), &helm, &args);
    let err = String::from_utf8_lossy(&o.stderr).into_owned();
    assert_eq!(o.status.code(), Some(1), "{}", describe(&args, &o));
    // podinfo: values-prod.yaml in the chart (upstream) + values-staging.yaml and
    // values-production.yaml beside it; etcd: two values files; the two overlays.
    assert!(
        err.contains("rendered 5 chart set(s) and 2 overlay(s) in "),
        "{err}"
    );
    assert!(
        err.contains("note: repo/podinfo-kustomize/bases/backend: a kustomize base, linted through repo/podinfo-kustomize/overlays/production, repo/podinfo-kustomize/overlays/staging"),
        "{err}"
    );
    assert!(!err.contains("error:"), "{err}");
    let findings = json_findings(&o, &args);
    assert!(findings.len() > 50, "{}", findings.len());
    // Every finding is in a source file of the repository, with a line, and names its
    // unit; none is in the patch that only sets the cache's replicas (it is not linted as
    // an object), in a values file, or in a file kairn rendered.
    for f in &findings {
        let (file, line) = place(f);
        assert!(
            file.starts_with("repo/") && tmp.path().join(&file).is_file(),
            "{f}"
        );
        assert!(line >= 1, "{f}");
        assert!(!file.ends_with("patch-cache-replicas.yaml"), "{f}");
        assert!(!file.contains("/values"), "{f}");
        assert!(f["unit"].is_string(), "{f}");
    }
    let seccomp = "spec.template.spec.containers[0].securityContext.seccompProfile";
    // 1. The kustomize base: the container item of bases/backend/deployment.yaml, once
    //    per overlay (the base is not a unit of its own).
    let base = find(
        &findings,
        "pss-seccomp",
        "backend",
        seccomp,
        "repo/podinfo-kustomize/overlays/staging",
    );
    assert_eq!(base.len(), 1, "{base:#?}");
    assert_eq!(
        place(base[0]),
        (
            "repo/podinfo-kustomize/bases/backend/deployment.yaml".to_owned(),
            25
        )
    );
    assert_eq!(
        fs::read_to_string(repo.join("podinfo-kustomize/bases/backend/deployment.yaml"))
            .unwrap()
            .lines()
            .nth(24),
        Some("      - name: backend")
    );
    let everywhere = findings
        .iter()
        .filter(|f| {
            f["rule"] == "pss-seccomp" && f["name"] == "backend" && f["kind"] == "Deployment"
        })
        .count();
    assert_eq!(
        everywhere, 2,
        "one per overlay, none for the base on its own"
    );
    // 2. The overlay patch that set the image.
    let image = "spec.template.spec.containers[0].image";
    let patched = find(
        &findings,
        "image-latest",
        "backend",
        image,
        "repo/podinfo-kustomize/overlays/production",
    );
    assert_eq!(patched.len(), 1, "{findings:#?}");
    assert_eq!(
        place(patched[0]),
        (
            "repo/podinfo-kustomize/overlays/production/patch-backend-image.yaml".to_owned(),
            11
        )
    );
    assert!(find(
        &findings,
        "image-latest",
        "backend",
        image,
        "repo/podinfo-kustomize/overlays/staging"
    )
    .is_empty());
    // A patch's field with a finding: replicas set over an autoscaler.
    let replicas = find(
        &findings,
        "replicas-with-hpa",
        "frontend",
        "spec.replicas",
        "repo/podinfo-kustomize/overlays/production",
    );
    assert_eq!(replicas.len(), 1, "{findings:#?}");
    assert_eq!(
        place(replicas[0]),
        (
            "repo/podinfo-kustomize/overlays/production/patch-frontend-replicas.yaml".to_owned(),
            7
        )
    );
    // An inline patch: its line in the kustomization file.
    let staging = "repo/podinfo-kustomize/overlays/staging/kustomization.yaml";
    let inline = find(
        &findings,
        "replicas-with-hpa",
        "frontend",
        "spec.replicas",
        "repo/podinfo-kustomize/overlays/staging",
    );
    assert_eq!(inline.len(), 1, "{findings:#?}");
    let value_line = fs::read_to_string(tmp.path().join(staging))
        .unwrap()
        .lines()
        .position(|l| l.trim() == "value: 2")
        .unwrap() as u64
        + 1;
    assert_eq!(place(inline[0]), (staging.to_owned(), value_line));
    // 3. The chart template: `securityContext:` of podinfo's deployment.yaml (line 42),
    //    the deepest key of the field the template writes; one finding for the values
    //    files that render it alike.
    let chart = find(
        &findings,
        "pss-seccomp",
        "podinfo",
        seccomp,
        "repo/podinfo-helm/podinfo (repo/podinfo-helm/values-staging.yaml)",
    );
    assert_eq!(chart.len(), 1, "{chart:#?}");
    assert_eq!(
        place(chart[0]),
        (
            "repo/podinfo-helm/podinfo/templates/deployment.yaml".to_owned(),
            42
        )
    );
    assert_eq!(
        fs::read_to_string(repo.join("podinfo-helm/podinfo/templates/deployment.yaml"))
            .unwrap()
            .lines()
            .nth(41)
            .map(str::trim),
        Some("securityContext:")
    );
    let units = chart[0]["unit"].as_str().unwrap();
    assert!(
        units.contains("values-production.yaml") && units.contains("values-prod.yaml"),
        "{units}"
    );
}

#[test]
fn sarif_locations_are_relative_paths_of_source_files() {
    let Some(helm) = helm() else { return };
    let tmp = TempDir::new("lint-deployed-sarif");
    repository(&tmp);
    let args = ["--format", "sarif", "repo"];
    let o = lint_in(tmp.path(), &helm, &args);
    assert_eq!(o.status.code(), Some(1), "{}", describe(&args, &o));
    let log: Value = serde_json::from_slice(&o.stdout).expect("SARIF");
    let results = log["runs"][0]["results"].as_array().expect("results");
    assert!(!results.is_empty());
    let mut uris = std::collections::BTreeSet::new();
    for r in results {
        let loc = &r["locations"][0]["physicalLocation"];
        let uri = loc["artifactLocation"]["uri"].as_str().expect("uri");
        assert_eq!(loc["artifactLocation"]["uriBaseId"], "%SRCROOT%", "{r}");
        assert!(tmp.path().join(uri).is_file(), "{uri}");
        assert!(
            loc["region"]["startLine"].as_u64().is_some_and(|l| l >= 1),
            "{r}"
        );
        assert!(r["properties"]["unit"].is_string(), "{r}");
        uris.insert(uri.to_owned());
    }
    for file in [
        "repo/podinfo-kustomize/bases/backend/deployment.yaml",
        "repo/podinfo-kustomize/overlays/production/patch-backend-image.yaml",
        "repo/podinfo-helm/podinfo/templates/deployment.yaml",
        "repo/etcd-helm/etcd/templates/statefulset.yaml",
    ] {
        assert!(uris.contains(file), "{file} not in {uris:#?}");
    }
}

#[test]
fn without_helm_one_line_says_what_to_install_and_the_overlays_are_still_linted() {
    let tmp = TempDir::new("lint-deployed-nohelm");
    repository(&tmp);
    let args = ["--format", "json", "repo"];
    let o = lint_in(tmp.path(), Path::new("/nonexistent/kairn-test/helm"), &args);
    assert_eq!(o.status.code(), Some(2), "{}", describe(&args, &o));
    let err = String::from_utf8_lossy(&o.stderr);
    let lines: Vec<&str> = err.lines().filter(|l| l.starts_with("error:")).collect();
    assert_eq!(
        lines,
        ["error: repo/etcd-helm/etcd: a Helm chart (so are repo/podinfo-helm/podinfo), not linted: \
          lint renders it with helm, which is not found at /nonexistent/kairn-test/helm (KAIRN_HELM): \
          install it (https://helm.sh/docs/intro/install/) or set KAIRN_HELM"],
        "{err}"
    );
    assert!(
        err.contains("rendered 0 chart set(s) and 2 overlay(s)"),
        "{err}"
    );
    let findings = json_findings(&o, &args);
    assert!(!findings.is_empty());
    assert!(findings.iter().all(|f| f["file"]
        .as_str()
        .is_some_and(|p| p.starts_with("repo/podinfo-kustomize/"))));
    // Without kubectl (and without helm): one line each.
    let o = Command::new(kairn_bin())
        .args(["lint", "--format", "json", "repo"])
        .current_dir(tmp.path())
        .env(HELM_VAR, "/nonexistent/kairn-test/helm")
        .env("KAIRN_KUBECTL", "/nonexistent/kairn-test/kubectl")
        .output()
        .expect("kairn runs");
    assert_eq!(o.status.code(), Some(2), "{}", describe(&args, &o));
    let err = String::from_utf8_lossy(&o.stderr);
    let lines: Vec<&str> = err.lines().filter(|l| l.starts_with("error:")).collect();
    assert_eq!(lines.len(), 2, "{err}");
    assert_eq!(
        lines[1],
        "error: repo/podinfo-kustomize/overlays/production: a kustomization (so are \
         repo/podinfo-kustomize/overlays/staging), not linted: lint renders it with kubectl, \
         which is not found at /nonexistent/kairn-test/kubectl (KAIRN_KUBECTL): install it \
         (https://kubernetes.io/docs/tasks/tools/) or set KAIRN_KUBECTL",
        "{err}"
    );
    assert_eq!(json_findings(&o, &args), Vec::<Value>::new());
}

#[test]
fn a_chart_that_fails_to_render_is_named_with_helms_words_and_the_rest_is_linted() {
    let Some(helm) = helm() else { return };
    let tmp = TempDir::new("lint-deployed-broken");
    let repo = repository(&tmp);
    let broken = repo.join("broken");
    fs::create_dir_all(broken.join("templates")).unwrap();
    fs::write(
        broken.join("Chart.yaml"),
        "apiVersion: v2\nname: broken\nversion: 0.1.0\n",
    )
    .unwrap();
    fs::write(broken.join("values-prod.yaml"), "replicas: 2\n").unwrap();
    fs::write(
        broken.join("templates/cm.yaml"),
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {{ .Values.name | nosuchfunction }}\n",
    )
    .unwrap();
    let args = ["--format", "json", "repo"];
    let o = lint_in(tmp.path(), &helm, &args);
    assert_eq!(o.status.code(), Some(2), "{}", describe(&args, &o));
    let err = String::from_utf8_lossy(&o.stderr);
    let lines: Vec<&str> = err.lines().filter(|l| l.starts_with("error:")).collect();
    assert_eq!(lines.len(), 1, "{err}");
    assert!(
        lines[0].starts_with("error: repo/broken (values-prod.yaml): not linted: helm template broken repo/broken --values repo/broken/values-prod.yaml failed (exit 1): ")
            && lines[0].contains("nosuchfunction"),
        "{err}"
    );
    assert!(
        err.contains("rendered 5 chart set(s) and 2 overlay(s)"),
        "{err}"
    );
    assert!(!json_findings(&o, &args).is_empty());
}

#[test]
fn values_and_set_pass_through_and_a_config_exclude_leaves_a_chart_out() {
    let Some(helm) = helm() else { return };
    let tmp = TempDir::new("lint-deployed-values");
    let repo = repository(&tmp);
    // --values replaces the values files found; --set reaches helm.
    let args = [
        "--format",
        "json",
        "--values",
        "repo/podinfo-helm/values-staging.yaml",
        "--set",
        "image.tag=latest",
        "repo/podinfo-helm",
    ];
    let o = lint_in(tmp.path(), &helm, &args);
    let err = String::from_utf8_lossy(&o.stderr).into_owned();
    assert!(
        err.contains("rendered 1 chart set(s) and 0 overlay(s)"),
        "{err}"
    );
    let findings = json_findings(&o, &args);
    let latest = find(
        &findings,
        "image-latest",
        "podinfo",
        "spec.template.spec.containers[0].image",
        "repo/podinfo-helm/podinfo (repo/podinfo-helm/values-staging.yaml)",
    );
    assert_eq!(latest.len(), 1, "{findings:#?}");
    assert_eq!(
        place(latest[0]),
        (
            "repo/podinfo-helm/podinfo/templates/deployment.yaml".to_owned(),
            39
        )
    );
    assert!(
        fs::read_to_string(repo.join("podinfo-helm/podinfo/templates/deployment.yaml"))
            .unwrap()
            .lines()
            .nth(38)
            .is_some_and(|l| l.trim_start().starts_with("image: "))
    );
    // --values without a chart is a usage error.
    let args = ["--values", "x.yaml", "repo/podinfo-kustomize"];
    let o = lint_in(tmp.path(), &helm, &args);
    assert_eq!(o.status.code(), Some(2), "{}", describe(&args, &o));
    assert!(String::from_utf8_lossy(&o.stderr).contains("--values is for Helm charts"));
    // A config's exclude covers a chart through its Chart.yaml.
    fs::write(
        repo.join(".kairn-lint.yaml"),
        "exclude:\n  - \"etcd-helm/**\"\n",
    )
    .unwrap();
    let args = ["--format", "json", "--verbose", "repo"];
    let o = lint_in(tmp.path(), &helm, &args);
    let err = String::from_utf8_lossy(&o.stderr).into_owned();
    assert!(
        err.contains("rendered 3 chart set(s) and 2 overlay(s)"),
        "{err}"
    );
    assert!(
        err.lines().any(
            |l| l.starts_with("note: repo/etcd-helm/etcd/Chart.yaml: excluded by ")
                && l.ends_with("repo/.kairn-lint.yaml")
        ),
        "{err}"
    );
    let findings = json_findings(&o, &args);
    assert!(findings
        .iter()
        .all(|f| !f["file"].as_str().unwrap_or_default().contains("etcd")));
}
