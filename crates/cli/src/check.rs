//! `kairn check`: validates the declared apps and compares the output tree with what
//! `emit` would write, printing a unified diff of every difference. CI's gate in one
//! command. It reads the same plan `emit` carries out ([`dsl::output::plan`]), so what
//! `check` calls drift is exactly what `emit` changes, and what `emit` would refuse to
//! touch `check` reports as an error too.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use dsl::output::{plan_units, OutputLock, Plan, Unit};
use similar::TextDiff;

use crate::console::{self, say, EXIT_IO};
use crate::emit::{
    covered, fail, merged_report, print_findings, prune_scope, serialization_errors, settle, units,
    validate_selected,
};
use crate::project::output_root;
use crate::selection::inputs;
use crate::{Select, EXIT_ERRORS, EXIT_USAGE};
use dsl::output::cache::Cache;

/// One file that differs: path, what is on disk, what emit would write.
pub struct Drift {
    /// Path under the output root.
    pub path: PathBuf,
    /// Current content (`None`: missing).
    pub current: Option<String>,
    /// Expected content (`None`: emit would remove it).
    pub expected: Option<String>,
}

fn current(path: &Path) -> Option<String> {
    fs::read(path)
        .ok()
        .map(|b| String::from_utf8_lossy(&b).into_owned())
}

/// Every file emit would write or remove, from its plan over `units`.
pub fn drift(plan: &Plan, units: &[Unit<'_>]) -> Vec<Drift> {
    let on_disk = |path: PathBuf, expected: Option<String>| Drift {
        current: current(&path),
        expected,
        path,
    };
    let mut drifts = Vec::new();
    for env in &plan.envs {
        let files = &units[env.output].files;
        drifts.extend(env.write.iter().map(|name| {
            let expected = String::from_utf8_lossy(files[name.as_str()]).into_owned();
            on_disk(env.dir.join(name), Some(expected))
        }));
        drifts.extend(
            env.remove
                .iter()
                .map(|name| on_disk(env.dir.join(name), None)),
        );
    }
    for retired in &plan.retired {
        drifts.extend(
            retired
                .remove
                .iter()
                .map(|name| on_disk(retired.dir.join(name), None)),
        );
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
pub fn run(select: &Select, out: Option<&Path>) -> ExitCode {
    // Findings from emit's cache where the declaration is unchanged (read only).
    let cache = output_root(out)
        .ok()
        .and_then(|root| Cache::open(&root, &inputs(select)));
    let mut envs = match validate_selected(select, cache.as_ref()) {
        Ok(envs) => envs,
        Err((code, errors)) => return fail(code, &errors),
    };
    let invalid = print_findings(&merged_report(&envs), covered(&envs));
    if let Err(code) = serialization_errors(&envs) {
        return code;
    }
    let root = match output_root(out) {
        Ok(root) => root,
        Err(e) => return fail(EXIT_USAGE, &[e]),
    };
    let lock = OutputLock::shared(&root, || {
        say!(
            "waiting: a kairn emit is writing {}; checking when it finishes",
            root.display()
        )
    });
    let _lock = match lock {
        Ok(lock) => lock,
        Err(e) => return fail(EXIT_IO, &[e.to_string()]),
    };
    if let Err(code) = settle(&root, &mut envs) {
        return code;
    }
    let units = units(&root, &envs);
    let plan = match plan_units(&root, &units, &prune_scope(select)) {
        Ok(plan) => plan,
        Err(e) => return fail(EXIT_IO, &[e.to_string()]),
    };
    let drifts = drift(&plan, &units);
    drop(units);
    // The process ends here: freeing every declaration costs more than it gives back.
    std::mem::forget(envs);
    if let Err(code) = console::stdout(|out| {
        drifts
            .iter()
            .try_for_each(|d| out.write_all(unified(d).as_bytes()))
    }) {
        return code;
    }
    for path in &plan.leftovers {
        say!(
            "error: {} is left over from an interrupted emit; the next emit cleans it up",
            path.display()
        );
    }
    for c in &plan.conflicts {
        say!("error: emit would stop here: {c}");
    }
    let stale = drifts.len() + plan.leftovers.len();
    if stale > 0 {
        say!(
            "error: {stale} path(s) under {} differ from a fresh emit; run `{}` and commit the result",
            root.display(),
            dsl::output::emit_command()
        );
    }
    if invalid {
        say!("error: validation failed");
    }
    if invalid || stale > 0 || !plan.conflicts.is_empty() {
        ExitCode::from(EXIT_ERRORS)
    } else {
        say!("{} is up to date and valid", root.display());
        ExitCode::SUCCESS
    }
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use dsl::output::{plan, write_tree, EnvOutput, Ownership, Prune, HEADER_MARK, OWNERSHIP_FILE};

    use super::*;

    fn temp_dir(name: &str) -> PathBuf {
        let dir = std::env::temp_dir().join(format!("kairn-check-{name}-{}", std::process::id()));
        let _ = fs::remove_dir_all(&dir);
        fs::create_dir_all(&dir).unwrap();
        dir
    }

    fn output(env: &str, content: &str) -> EnvOutput {
        let mut files = BTreeMap::from([(
            "service-web.yaml".to_owned(),
            format!("{HEADER_MARK}\n{content}"),
        )]);
        files.insert(OWNERSHIP_FILE.into(), Ownership::of(&files).to_text());
        EnvOutput {
            app: "shop".into(),
            environment: env.into(),
            files,
            resources: vec!["service-web.yaml".into()],
        }
    }

    fn drifts(root: &Path, outputs: &[EnvOutput], prune: &Prune) -> Vec<Drift> {
        let units: Vec<Unit<'_>> = outputs
            .iter()
            .map(|o| Unit::new(root.join(o.relative_dir()), &o.files))
            .collect();
        drift(&plan(root, outputs, prune).unwrap(), &units)
    }

    #[test]
    fn equal_trees_have_no_drift_and_changes_show_as_unified_diffs() {
        let root = temp_dir("drift");
        let prod = |c| output("production", c);
        write_tree(&root, &[prod("port: 80\n")], &Prune::AllApps, false).unwrap();
        assert!(drifts(&root, &[prod("port: 80\n")], &Prune::AllApps).is_empty());

        let changed = drifts(&root, &[prod("port: 8080\n")], &Prune::AllApps);
        // The file and the ownership record that lists its digest.
        assert_eq!(changed.len(), 2);
        let diff = unified(&changed[1]);
        assert!(
            diff.contains("-port: 80\n") && diff.contains("+port: 8080\n"),
            "{diff}"
        );
        assert!(diff.starts_with("--- a/"), "{diff}");

        // Files kairn did not write are not drift, even when they carry the header.
        let dir = root.join("shop/production");
        fs::write(dir.join("copy.yaml"), format!("{HEADER_MARK}\nold\n")).unwrap();
        assert!(drifts(&root, &[prod("port: 80\n")], &Prune::AllApps).is_empty());

        // An environment kairn wrote that is no longer declared is drift exactly when
        // emit would remove it: when the selection covers every environment of its app.
        write_tree(
            &root,
            &[prod("port: 80\n"), output("staging", "port: 80\n")],
            &Prune::AllApps,
            false,
        )
        .unwrap();
        assert_eq!(
            drifts(&root, &[prod("port: 80\n")], &Prune::AllApps).len(),
            2
        );
        assert!(drifts(&root, &[prod("port: 80\n")], &Prune::Nothing).is_empty());
        let _ = fs::remove_dir_all(&root);
    }

    #[test]
    fn missing_files_are_drift() {
        let root = temp_dir("missing");
        let drifts = drifts(
            &root,
            &[output("production", "port: 80\n")],
            &Prune::Nothing,
        );
        assert_eq!(drifts.len(), 2);
        assert!(unified(&drifts[1]).starts_with("--- /dev/null"));
        let _ = fs::remove_dir_all(&root);
    }
}
