//! Helpers shared by the CLI's integration tests: run the built `kairn`, temporary
//! directories that clean up after themselves, and whole trees read into memory.

#![allow(dead_code)]

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::atomic::{AtomicUsize, Ordering};

/// The kairn workspace root.
pub fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .ancestors()
        .nth(2)
        .expect("crates/cli is two levels below the workspace root")
        .to_path_buf()
}

/// The built binary.
pub fn kairn_bin() -> &'static str {
    env!("CARGO_BIN_EXE_kairn")
}

/// A `kairn args...` command run from the workspace root.
pub fn kairn_cmd(args: &[&str]) -> Command {
    let mut cmd = Command::new(kairn_bin());
    cmd.args(args).current_dir(workspace_root());
    cmd
}

/// Runs `kairn args...` from the workspace root.
pub fn kairn(args: &[&str]) -> Output {
    kairn_cmd(args).output().expect("kairn runs")
}

/// Standard error as text.
pub fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// A one-paragraph description of a run, for assertion messages.
pub fn describe(args: &[&str], o: &Output) -> String {
    format!(
        "`kairn {}` exited with {:?}\n--- stderr ---\n{}",
        args.join(" "),
        o.status.code(),
        stderr(o)
    )
}

/// Runs `kairn`, requiring exit 0.
pub fn kairn_ok(args: &[&str]) -> Output {
    let o = kairn(args);
    assert!(o.status.success(), "{}", describe(args, &o));
    o
}

/// A fresh, empty temporary directory, removed when dropped.
pub struct TempDir(PathBuf);

impl TempDir {
    /// Creates it.
    pub fn new(label: &str) -> TempDir {
        static COUNTER: AtomicUsize = AtomicUsize::new(0);
        let path = std::env::temp_dir().join(format!(
            "kairn-cli-{label}-{}-{}",
            std::process::id(),
            COUNTER.fetch_add(1, Ordering::Relaxed)
        ));
        let _ = std::fs::remove_dir_all(&path);
        std::fs::create_dir_all(&path).expect("create temp dir");
        TempDir(path)
    }

    /// Its path.
    pub fn path(&self) -> &Path {
        &self.0
    }

    /// Its path as an argument.
    pub fn arg(&self) -> &str {
        self.0.to_str().expect("UTF-8 temp path")
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// Every file under `root` (hidden ones included), relative path to bytes.
pub fn read_tree_bytes(root: &Path) -> BTreeMap<String, Vec<u8>> {
    fn walk(root: &Path, dir: &Path, out: &mut BTreeMap<String, Vec<u8>>) {
        let mut entries: Vec<PathBuf> = std::fs::read_dir(dir)
            .unwrap_or_else(|e| panic!("cannot read {}: {e}", dir.display()))
            .map(|e| e.expect("entry").path())
            .collect();
        entries.sort();
        for p in entries {
            if p.is_dir() {
                walk(root, &p, out);
            } else {
                let rel = p
                    .strip_prefix(root)
                    .unwrap()
                    .to_string_lossy()
                    .replace('\\', "/");
                out.insert(rel, std::fs::read(&p).unwrap_or_default());
            }
        }
    }
    let mut out = BTreeMap::new();
    if root.is_dir() {
        walk(root, root, &mut out);
    }
    out
}

/// Every path under `root` whose name marks it as a temporary of an emit.
pub fn temporaries(root: &Path) -> Vec<PathBuf> {
    fn walk(dir: &Path, out: &mut Vec<PathBuf>) {
        for e in std::fs::read_dir(dir).into_iter().flatten().flatten() {
            let p = e.path();
            let name = e.file_name().to_string_lossy().into_owned();
            if name.contains("kairn-stage")
                || name.contains("kairn-part")
                || name.contains("kairn-tmp")
            {
                out.push(p.clone());
            }
            if p.is_dir() {
                walk(&p, out);
            }
        }
    }
    let mut out = Vec::new();
    walk(root, &mut out);
    out
}

/// The environment directories (`<app>/<env>`) under an output root.
pub fn env_dirs(root: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for app in std::fs::read_dir(root).into_iter().flatten().flatten() {
        if app.file_name().to_string_lossy().starts_with('.') || !app.path().is_dir() {
            continue;
        }
        for env in std::fs::read_dir(app.path())
            .into_iter()
            .flatten()
            .flatten()
        {
            if !env.file_name().to_string_lossy().starts_with('.') && env.path().is_dir() {
                out.push(env.path());
            }
        }
    }
    out.sort();
    out
}

/// Runs `kubectl kustomize DIR`, returning its error text on failure.
pub fn kustomize(dir: &Path) -> Result<(), String> {
    let o = Command::new("kubectl")
        .arg("kustomize")
        .arg(dir)
        .output()
        .map_err(|e| format!("cannot run kubectl: {e}"))?;
    if o.status.success() {
        Ok(())
    } else {
        Err(format!(
            "kubectl kustomize {} failed: {}",
            dir.display(),
            String::from_utf8_lossy(&o.stderr)
        ))
    }
}

/// Identity of an object: (apiVersion, kind, namespace, name).
pub type Key = (String, String, String, String);

/// The objects of a YAML stream keyed by identity (panics on duplicates).
pub fn objects(stream: &str, what: &str) -> BTreeMap<Key, serde_json::Value> {
    let mut out = BTreeMap::new();
    use serde_json::Value;
    let docs: Vec<Value> =
        dsl::yaml::from_multiple(stream).unwrap_or_else(|e| panic!("{what}: invalid YAML: {e}"));
    for v in docs {
        let s = |p: &str| {
            v.pointer(p)
                .and_then(Value::as_str)
                .unwrap_or("")
                .to_owned()
        };
        let key = (
            s("/apiVersion"),
            s("/kind"),
            s("/metadata/namespace"),
            s("/metadata/name"),
        );
        assert!(
            out.insert(key.clone(), v).is_none(),
            "{what}: duplicate {key:?}"
        );
    }
    out
}
