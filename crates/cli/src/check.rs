//! `kairn check`: validates the declared apps and compares `generated/` with a fresh
//! emit, printing a unified diff of every difference. CI's gate in one command.

use std::collections::BTreeSet;
use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use dsl::output::{EnvOutput, HEADER_MARK};
use similar::TextDiff;

use crate::emit::{fail, outputs, print_findings, render_selected, validate_all};
use crate::{Select, EXIT_ERRORS};

/// One file that differs: path, what is on disk, what emit would write.
pub struct Drift {
    /// Path under the output root.
    pub path: PathBuf,
    /// Current content (`None`: missing).
    pub current: Option<String>,
    /// Expected content (`None`: emit would remove it).
    pub expected: Option<String>,
}

fn written_by_kairn(path: &Path) -> Option<String> {
    fs::read_to_string(path)
        .ok()
        .filter(|s| s.starts_with(HEADER_MARK))
}

fn yaml_files(dir: &Path) -> Vec<PathBuf> {
    let mut out: Vec<PathBuf> = fs::read_dir(dir)
        .into_iter()
        .flatten()
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|e| e == "yaml") && p.is_file())
        .collect();
    out.sort();
    out
}

/// Compares the output tree with what emit would write. With `all`, kairn-written files
/// in `<app>/<env>/` directories that no longer exist in the declarations count too.
pub fn drift(root: &Path, outputs: &[EnvOutput], all: bool) -> Vec<Drift> {
    let mut drifts = Vec::new();
    let mut dirs = BTreeSet::new();
    for o in outputs {
        let dir = root.join(o.relative_dir());
        dirs.insert(dir.clone());
        for (name, content) in &o.files {
            let path = dir.join(name);
            let current = fs::read_to_string(&path).ok();
            if current.as_deref() != Some(content.as_str()) {
                drifts.push(Drift {
                    path,
                    current,
                    expected: Some(content.clone()),
                });
            }
        }
        for path in yaml_files(&dir) {
            let name = path
                .file_name()
                .and_then(|n| n.to_str())
                .unwrap_or_default();
            if !o.files.contains_key(name) {
                if let Some(current) = written_by_kairn(&path) {
                    drifts.push(Drift {
                        path,
                        current: Some(current),
                        expected: None,
                    });
                }
            }
        }
    }
    if all {
        let mut stale_dirs: Vec<PathBuf> = fs::read_dir(root)
            .into_iter()
            .flatten()
            .flatten()
            .map(|e| e.path())
            .filter(|p| p.is_dir())
            .flat_map(|app| {
                fs::read_dir(app)
                    .into_iter()
                    .flatten()
                    .flatten()
                    .map(|e| e.path())
            })
            .filter(|p| p.is_dir() && !dirs.contains(p))
            .collect();
        stale_dirs.sort();
        for dir in stale_dirs {
            for path in yaml_files(&dir) {
                if let Some(current) = written_by_kairn(&path) {
                    drifts.push(Drift {
                        path,
                        current: Some(current),
                        expected: None,
                    });
                }
            }
        }
    }
    drifts
}

/// A unified diff of one drifted file.
pub fn unified(d: &Drift) -> String {
    let shown = d.path.display().to_string();
    let old = d.current.as_deref().unwrap_or_default();
    let new = d.expected.as_deref().unwrap_or_default();
    let a = if d.current.is_some() {
        format!("a/{shown}")
    } else {
        "/dev/null".to_owned()
    };
    let b = if d.expected.is_some() {
        format!("b/{shown}")
    } else {
        "/dev/null".to_owned()
    };
    TextDiff::from_lines(old, new)
        .unified_diff()
        .context_radius(3)
        .header(&a, &b)
        .to_string()
}

/// Runs `check`.
pub fn run(select: &Select, out: &Path) -> ExitCode {
    let rendered = match render_selected(select) {
        Ok(r) => r,
        Err((code, errors)) => return fail(code, &errors),
    };
    let invalid = print_findings(&validate_all(&rendered));
    let outputs = match outputs(&rendered) {
        Ok(o) => o,
        Err((code, errors)) => return fail(code, &errors),
    };
    let all = select.app.is_none() && select.env.is_none();
    let drifts = drift(out, &outputs, all);
    let mut stdout = std::io::stdout().lock();
    for d in &drifts {
        let _ = stdout.write_all(unified(d).as_bytes());
    }
    if !drifts.is_empty() {
        eprintln!(
            "error: {} file(s) under {} differ from a fresh emit; run `cargo run -p cli -- emit` and commit the result",
            drifts.len(),
            out.display()
        );
    }
    if invalid {
        eprintln!("error: validation failed");
    }
    if invalid || !drifts.is_empty() {
        ExitCode::from(EXIT_ERRORS)
    } else {
        eprintln!("{} is up to date and valid", out.display());
        ExitCode::SUCCESS
    }
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use dsl::output::write_tree;

    use super::*;

    fn temp_dir(name: &str) -> PathBuf {
        let dir = std::env::temp_dir().join(format!("kairn-check-{name}-{}", std::process::id()));
        let _ = fs::remove_dir_all(&dir);
        fs::create_dir_all(&dir).unwrap();
        dir
    }

    fn output(content: &str) -> EnvOutput {
        EnvOutput {
            app: "shop".into(),
            environment: "production".into(),
            files: BTreeMap::from([(
                "service-web.yaml".to_owned(),
                format!("{HEADER_MARK}\n{content}"),
            )]),
        }
    }

    #[test]
    fn equal_trees_have_no_drift_and_changes_show_as_unified_diffs() {
        let root = temp_dir("drift");
        write_tree(&root, &[output("port: 80\n")]).unwrap();
        assert!(drift(&root, &[output("port: 80\n")], true).is_empty());

        let drifts = drift(&root, &[output("port: 8080\n")], true);
        assert_eq!(drifts.len(), 1);
        let diff = unified(&drifts[0]);
        assert!(
            diff.contains("-port: 80\n") && diff.contains("+port: 8080\n"),
            "{diff}"
        );
        assert!(diff.starts_with("--- a/"), "{diff}");

        // A file kairn wrote that emit would now remove; files kairn did not write are ignored.
        let dir = root.join("shop/production");
        fs::write(
            dir.join("configmap-old.yaml"),
            format!("{HEADER_MARK}\nold\n"),
        )
        .unwrap();
        fs::write(dir.join("hand-written.yaml"), "kind: ConfigMap\n").unwrap();
        let drifts = drift(&root, &[output("port: 80\n")], true);
        assert_eq!(drifts.len(), 1);
        assert!(drifts[0].expected.is_none());
        assert!(unified(&drifts[0]).contains("+++ /dev/null"));

        // An environment that is no longer declared counts only when checking everything.
        let gone = root.join("shop/staging");
        fs::create_dir_all(&gone).unwrap();
        fs::write(gone.join("service-web.yaml"), format!("{HEADER_MARK}\nx\n")).unwrap();
        assert_eq!(drift(&root, &[output("port: 80\n")], true).len(), 2);
        assert_eq!(drift(&root, &[output("port: 80\n")], false).len(), 1);
        let _ = fs::remove_dir_all(&root);
    }

    #[test]
    fn missing_files_are_drift() {
        let root = temp_dir("missing");
        let drifts = drift(&root, &[output("port: 80\n")], false);
        assert_eq!(drifts.len(), 1);
        assert!(unified(&drifts[0]).starts_with("--- /dev/null"));
        let _ = fs::remove_dir_all(&root);
    }
}
