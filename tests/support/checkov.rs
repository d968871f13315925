//! Running checkov on an output root and judging its report against the accepted choices
//! (`tests/fixtures/checkov-accepted.yaml`, documented in `docs/security.md`).
//!
//! A failed check passes the test only when an entry of the accepted-choices file names its
//! check id and, where the entry narrows it, its resource (`Kind.namespace.name` as checkov
//! prints it) and its file (path from the workspace root); both as globs. An entry, or one
//! of its globs, that accepts no finding is stale and fails the test too, so the file stays
//! a true list of what checkov reports.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use globset::{GlobBuilder, GlobMatcher};
use serde::Deserialize;
use serde_json::Value;

use super::{display, pinned_binary, workspace_root, Ran, TempDir, INSTALL_HINT};

/// Environment variable naming the pinned checkov (set by `scripts/test.sh`; default
/// `<workspace>/.tools/checkov-venv/bin/checkov`).
pub const CHECKOV_VAR: &str = "KAIRN_CHECKOV";

/// The accepted-choices file, from the workspace root.
pub const ACCEPTED_FILE: &str = "tests/fixtures/checkov-accepted.yaml";

/// The pinned checkov.
pub fn checkov() -> PathBuf {
    pinned_binary(
        CHECKOV_VAR,
        workspace_root().join(".tools/checkov-venv/bin/checkov"),
        "checkov",
    )
}

/// The accepted-choices file as written.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AcceptedFile {
    /// The checkov version the list was measured with; the report must say the same.
    pub checkov: String,
    /// The accepted findings.
    pub accepted: Vec<AcceptedEntry>,
}

/// One accepted choice.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AcceptedEntry {
    /// The check id, e.g. `CKV_K8S_15`.
    pub check: String,
    /// Globs over checkov's resource id (`Kind.namespace.name`); none: every resource.
    #[serde(default)]
    pub resources: Vec<String>,
    /// Globs over the file path from the workspace root; none: every file.
    #[serde(default)]
    pub files: Vec<String>,
    /// Why this is accepted, for a security reviewer.
    pub reason: String,
}

/// A compiled entry.
struct Rule {
    check: String,
    resources: Vec<(String, GlobMatcher)>,
    files: Vec<(String, GlobMatcher)>,
}

/// The accepted choices, compiled.
pub struct Accepted {
    rules: Vec<Rule>,
    /// The checkov version the list was measured with.
    pub version: String,
}

/// A reason shorter than this does not explain anything.
const MIN_REASON_CHARS: usize = 40;

fn glob(pattern: &str) -> Result<GlobMatcher, String> {
    GlobBuilder::new(pattern)
        .literal_separator(true)
        .build()
        .map(|g| g.compile_matcher())
        .map_err(|e| format!("bad glob `{pattern}`: {e}"))
}

impl Accepted {
    /// Parses and checks the text of an accepted-choices file.
    pub fn parse(text: &str) -> Result<Accepted, String> {
        let file: AcceptedFile = dsl::yaml::from_str(text).map_err(|e| e.to_string())?;
        let mut rules = Vec::new();
        for (i, e) in file.accepted.iter().enumerate() {
            let at = format!("entry {} ({})", i + 1, e.check);
            if !e.check.starts_with("CKV_") {
                return Err(format!(
                    "{at}: `check` must be a checkov id like CKV_K8S_15"
                ));
            }
            if e.reason.trim().chars().count() < MIN_REASON_CHARS {
                return Err(format!(
                    "{at}: `reason` must say why a reviewer can accept it (at least {MIN_REASON_CHARS} characters)"
                ));
            }
            let compile = |globs: &[String]| -> Result<Vec<(String, GlobMatcher)>, String> {
                globs
                    .iter()
                    .map(|g| Ok((g.clone(), glob(g).map_err(|m| format!("{at}: {m}"))?)))
                    .collect()
            };
            rules.push(Rule {
                check: e.check.clone(),
                resources: compile(&e.resources)?,
                files: compile(&e.files)?,
            });
        }
        Ok(Accepted {
            rules,
            version: file.checkov,
        })
    }

    /// Reads [`ACCEPTED_FILE`]; panics (fails the test) if it is unreadable or malformed.
    pub fn load() -> Accepted {
        let path = workspace_root().join(ACCEPTED_FILE);
        let text = std::fs::read_to_string(&path)
            .unwrap_or_else(|e| panic!("cannot read {ACCEPTED_FILE}: {e}"));
        Accepted::parse(&text).unwrap_or_else(|e| panic!("{ACCEPTED_FILE}: {e}"))
    }

    /// Judges `findings`: the ones no entry accepts, and the entries or globs that
    /// accepted nothing (stale), as messages, sorted.
    pub fn judge(&self, findings: &[Finding]) -> Verdict {
        let mut used: BTreeSet<(usize, &str, usize)> = BTreeSet::new();
        let mut unaccepted = Vec::new();
        for f in findings {
            let mut accepted = false;
            for (i, rule) in self.rules.iter().enumerate() {
                if rule.check != f.check {
                    continue;
                }
                let r = first_match(&rule.resources, &f.resource);
                let p = first_match(&rule.files, &f.file);
                if let (Some(r), Some(p)) = (r, p) {
                    accepted = true;
                    used.insert((i, "entry", 0));
                    if let Some(r) = r {
                        used.insert((i, "resource", r));
                    }
                    if let Some(p) = p {
                        used.insert((i, "file", p));
                    }
                }
            }
            if !accepted {
                unaccepted.push(format!(
                    "{} ({}) on {} in {}",
                    f.check, f.name, f.resource, f.file
                ));
            }
        }
        let mut stale = Vec::new();
        for (i, rule) in self.rules.iter().enumerate() {
            let at = format!("entry {} ({})", i + 1, rule.check);
            if !used.contains(&(i, "entry", 0)) {
                stale.push(format!("{at} accepts no finding"));
                continue;
            }
            for (what, globs) in [("resource", &rule.resources), ("file", &rule.files)] {
                for (j, (g, _)) in globs.iter().enumerate() {
                    if !used.contains(&(i, what, j)) {
                        stale.push(format!("{at}: {what} glob `{g}` accepts no finding"));
                    }
                }
            }
        }
        unaccepted.sort();
        unaccepted.dedup();
        Verdict { unaccepted, stale }
    }
}

/// `Some(None)` when there are no globs (everything matches), `Some(Some(i))` for the
/// first glob matching `value`, `None` when none does.
fn first_match(globs: &[(String, GlobMatcher)], value: &str) -> Option<Option<usize>> {
    if globs.is_empty() {
        return Some(None);
    }
    globs.iter().position(|(_, m)| m.is_match(value)).map(Some)
}

/// What [`Accepted::judge`] found.
#[derive(Debug, Default)]
pub struct Verdict {
    /// Failed checks that no entry accepts.
    pub unaccepted: Vec<String>,
    /// Entries or globs that accept no finding.
    pub stale: Vec<String>,
}

/// One failed check.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finding {
    /// Check id, e.g. `CKV_K8S_15`.
    pub check: String,
    /// The check's title.
    pub name: String,
    /// checkov's resource id, `Kind.namespace.name`.
    pub resource: String,
    /// The file, from the workspace root.
    pub file: String,
}

/// What checkov reported on one output root.
#[derive(Debug)]
pub struct Report {
    /// The failed checks.
    pub failed: Vec<Finding>,
    /// How many checks passed.
    pub passed: u64,
    /// How many resources it scanned.
    pub resources: u64,
    /// The files (from the workspace root) that at least one check evaluated.
    pub scanned_files: BTreeSet<String>,
    /// Problems with the report itself (parse errors, in-manifest skips, ...).
    pub problems: Vec<String>,
    /// The version checkov says it is.
    pub version: String,
    /// How long the run took.
    pub took: Duration,
}

/// Runs checkov on `root` (offline: `--skip-download`) and parses its JSON report.
/// Panics (fails the test) if checkov errs or prints something that is not its report.
///
/// The run is hermetic: a cleared environment (checkov reads `CKV_SKIP_CHECK`,
/// `CKV_CHECK`, `BC_API_KEY` and more from it) with `PATH` kept, `HOME` and the working
/// directory a fresh temporary directory (checkov also reads `.checkov.yaml` from both),
/// and `CKV_SKIP_PACKAGE_UPDATE_CHECK` so it does not ask PyPI for a newer version.
pub fn scan(root: &Path) -> Report {
    for name in [".checkov.yaml", ".checkov.yml"] {
        assert!(
            !root.join(name).exists(),
            "{}: a checkov config file in an output root would change what the test checks",
            display(&root.join(name))
        );
    }
    let root_arg = root.to_str().expect("UTF-8 path");
    let home = TempDir::new("checkov-home");
    // No `--quiet`: the passed checks name the files scanned, which shows that every
    // workload was looked at.
    let args = [
        "--directory",
        root_arg,
        "--framework",
        "kubernetes",
        "--output",
        "json",
        "--skip-download",
        "--compact",
    ];
    let program = checkov();
    let command = format!("{} {}", program.display(), args.join(" "));
    let mut cmd = Command::new(&program);
    cmd.args(args)
        .env_clear()
        .env("HOME", home.path())
        .env("LC_ALL", "C.UTF-8")
        .env("CKV_SKIP_PACKAGE_UPDATE_CHECK", "true")
        .current_dir(home.path())
        .stdin(Stdio::null());
    if let Some(path) = std::env::var_os("PATH") {
        cmd.env("PATH", path);
    }
    let start = Instant::now();
    let output = cmd
        .output()
        .unwrap_or_else(|e| panic!("cannot run `{command}`: {e}; {INSTALL_HINT}"));
    let ran = Ran { command, output };
    let took = start.elapsed();
    // checkov exits 1 when a check failed; the JSON report is what the test judges.
    assert!(
        matches!(ran.output.status.code(), Some(0 | 1)),
        "`{}` failed ({}); {INSTALL_HINT}\n--- stderr ---\n{}",
        ran.command,
        ran.output.status,
        ran.stderr()
    );
    let json: Value = serde_json::from_str(&ran.stdout()).unwrap_or_else(|e| {
        panic!(
            "`{}` did not print a JSON report ({e}):\n--- stdout ---\n{}\n--- stderr ---\n{}",
            ran.command,
            ran.stdout(),
            ran.stderr()
        )
    });
    parse_report(&json, root, took)
}

/// Reads checkov's JSON report for `root` (a single framework's object).
pub fn parse_report(json: &Value, root: &Path, took: Duration) -> Report {
    let mut problems = Vec::new();
    if json["check_type"] != "kubernetes" {
        problems.push(format!(
            "report is not for the kubernetes framework: check_type {}",
            json["check_type"]
        ));
    }
    let summary = &json["summary"];
    let count = |k: &str| summary[k].as_u64().unwrap_or(0);
    if count("parsing_errors") > 0 {
        problems.push(format!(
            "{} files could not be parsed: {}",
            count("parsing_errors"),
            json["results"]["parsing_errors"]
        ));
    }
    if count("skipped") > 0 {
        problems.push(format!(
            "{} checks skipped by annotations in the manifests; accepted choices belong in {ACCEPTED_FILE}",
            count("skipped")
        ));
    }
    let file_of = |c: &Value| {
        let rel = c["file_path"].as_str().unwrap_or_default();
        display(&root.join(rel.trim_start_matches('/')))
    };
    let str_of = |c: &Value, k: &str| c[k].as_str().unwrap_or_default().to_owned();
    let results = &json["results"];
    let list = |k: &str| results[k].as_array().cloned().unwrap_or_default();
    let failed: Vec<Finding> = list("failed_checks")
        .iter()
        .map(|c| Finding {
            check: str_of(c, "check_id"),
            name: str_of(c, "check_name"),
            resource: str_of(c, "resource"),
            file: file_of(c),
        })
        .collect();
    let scanned_files = list("passed_checks")
        .iter()
        .chain(list("failed_checks").iter())
        .map(file_of)
        .collect();
    Report {
        failed,
        passed: count("passed"),
        resources: count("resource_count"),
        scanned_files,
        problems,
        version: summary["checkov_version"]
            .as_str()
            .unwrap_or_default()
            .to_owned(),
        took,
    }
}
