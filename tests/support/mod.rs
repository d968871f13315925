//! Helpers for the tests that check `generated/` with the real tools: paths, finding
//! `kubectl` and the pinned Python tools, running them, and parsing what they print.
//!
//! A missing tool is a test failure, never a skip: the message says to run
//! `scripts/install-test-tools.sh` (which `scripts/test.sh` runs first).

pub mod checkov;

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::OnceLock;

use serde_json::Value;

/// Environment variable naming the directory with `kubernetes-validate` and `python`
/// (set by `scripts/test.sh`; default `<workspace>/.tools/venv/bin`).
pub const TOOLS_BIN_VAR: &str = "KAIRN_TOOLS_BIN";

/// Environment variable naming the `kubectl` binary to use (default: `kubectl` on `PATH`).
pub const KUBECTL_VAR: &str = "KAIRN_KUBECTL";

/// Environment variable naming the pinned Helm v4 binary (set by `scripts/test.sh`;
/// default `<workspace>/.tools/bin/helm`).
pub const HELM_VAR: &str = "KAIRN_HELM";

/// Environment variable naming the pinned kubectl 1.34 binary (set by `scripts/test.sh`;
/// default `<workspace>/.tools/bin/kubectl-1.34`).
pub const KUBECTL_134_VAR: &str = "KAIRN_KUBECTL_134";

/// Environment variable naming the `docker-registry` binary (CNCF distribution registry,
/// Debian package; set by `scripts/test.sh`; default `docker-registry` on `PATH`).
pub const DOCKER_REGISTRY_VAR: &str = "KAIRN_DOCKER_REGISTRY";

const INSTALL_HINT: &str =
    "run `bash scripts/install-test-tools.sh` (scripts/test.sh does it first), or point KAIRN_TOOLS_BIN at a directory holding them";

/// The workspace root.
pub fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("tests/ is inside the workspace")
        .to_path_buf()
}

/// The committed output root, `<workspace>/generated`.
pub fn generated_root() -> PathBuf {
    workspace_root().join("generated")
}

/// The shop example's committed output root, `<workspace>/examples/shop/generated`
/// (regenerated with `shop::EMIT_COMMAND`).
pub fn shop_generated_root() -> PathBuf {
    workspace_root().join("examples/shop/generated")
}

/// Every committed output root the tool checks cover: the seeds' `generated/` and the
/// shop example's `examples/shop/generated/`.
pub fn output_roots() -> Vec<PathBuf> {
    vec![generated_root(), shop_generated_root()]
}

/// Every `generated/<app>/<env>` directory, sorted.
pub fn generated_env_dirs() -> Vec<PathBuf> {
    env_dirs_of(&generated_root())
}

/// Every `<app>/<env>` directory of every root in [`output_roots`], sorted per root.
pub fn all_env_dirs() -> Vec<PathBuf> {
    output_roots().iter().flat_map(|r| env_dirs_of(r)).collect()
}

/// Every `<app>/<env>` directory under `root`, sorted; fails if there is none.
pub fn env_dirs_of(root: &Path) -> Vec<PathBuf> {
    let mut dirs = Vec::new();
    for app in sorted_entries(root) {
        if app.is_dir() {
            dirs.extend(sorted_entries(&app).into_iter().filter(|p| p.is_dir()));
        }
    }
    assert!(
        !dirs.is_empty(),
        "no <app>/<env> directories under {}; run its emit command (README.md)",
        root.display()
    );
    dirs
}

/// The root of [`output_roots`] that `env_dir` is in.
pub fn root_of(env_dir: &Path) -> PathBuf {
    output_roots()
        .into_iter()
        .find(|r| env_dir.starts_with(r))
        .unwrap_or_else(|| panic!("{} is under no output root", env_dir.display()))
}

/// The object files of an environment directory, sorted: every `.yaml` at any depth
/// (phase directories included) except the kustomizations and the Flux directory
/// ([`dsl::output::phases::FLUX_DIR`], objects for the Flux cluster, not for the app).
pub fn manifest_files(env_dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for p in sorted_entries(env_dir) {
        if p.is_dir() {
            if p.file_name()
                .is_some_and(|n| n != dsl::output::phases::FLUX_DIR)
            {
                out.extend(manifest_files(&p));
            }
        } else if p.extension().is_some_and(|e| e == "yaml")
            && p.file_name().is_some_and(|n| n != "kustomization.yaml")
        {
            out.push(p);
        }
    }
    out.sort();
    out
}

/// The entries of a directory, sorted by path.
pub fn sorted_entries(dir: &Path) -> Vec<PathBuf> {
    let mut out: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", dir.display()))
        .map(|e| e.expect("directory entry").path())
        .collect();
    out.sort();
    out
}

/// `path` relative to the workspace root, for messages.
pub fn display(path: &Path) -> String {
    path.strip_prefix(workspace_root())
        .unwrap_or(path)
        .display()
        .to_string()
}

/// The directory holding the pinned Python tools. Panics (fails the test) if they are missing.
pub fn tools_bin() -> PathBuf {
    let dir = std::env::var_os(TOOLS_BIN_VAR)
        .map(PathBuf::from)
        .unwrap_or_else(|| workspace_root().join(".tools/venv/bin"));
    for tool in ["kubernetes-validate", "python"] {
        assert!(
            dir.join(tool).is_file(),
            "required test tool `{tool}` not found in {} ({TOOLS_BIN_VAR}); {INSTALL_HINT}",
            dir.display()
        );
    }
    dir
}

/// The venv's Python (with PyYAML, a YAML 1.1 parser).
pub fn python() -> PathBuf {
    tools_bin().join("python")
}

/// `kubernetes-validate`.
pub fn kubernetes_validate() -> PathBuf {
    tools_bin().join("kubernetes-validate")
}

/// A tool installed into the venv's `bin` (`zizmor`, `actionlint`, `shellcheck`, ...).
/// Panics (fails the test) if it is missing.
pub fn venv_tool(name: &str) -> PathBuf {
    let path = tools_bin().join(name);
    assert!(
        path.is_file(),
        "required test tool `{name}` not found in {} ({TOOLS_BIN_VAR}); {INSTALL_HINT}",
        path.parent().map(Path::display).unwrap_or(path.display())
    );
    path
}

/// A binary named by `var`, else `default`; panics (fails the test) if it is not a file.
fn pinned_binary(var: &str, default: PathBuf, what: &str) -> PathBuf {
    let path = std::env::var_os(var).map(PathBuf::from).unwrap_or(default);
    assert!(
        path.is_file(),
        "required test tool {what} not found at {} ({var}); {INSTALL_HINT}",
        path.display()
    );
    path
}

/// The pinned Helm v4 binary.
pub fn helm() -> PathBuf {
    pinned_binary(
        HELM_VAR,
        workspace_root().join(".tools/bin/helm"),
        "Helm v4",
    )
}

/// The pinned kubectl 1.34 binary.
pub fn kubectl_134() -> PathBuf {
    pinned_binary(
        KUBECTL_134_VAR,
        workspace_root().join(".tools/bin/kubectl-1.34"),
        "kubectl 1.34",
    )
}

/// The `docker-registry` binary (Debian package `docker-registry`).
pub fn docker_registry() -> PathBuf {
    let default = std::env::var_os("PATH")
        .and_then(|paths| {
            std::env::split_paths(&paths)
                .map(|d| d.join("docker-registry"))
                .find(|p| p.is_file())
        })
        .unwrap_or_else(|| PathBuf::from("/usr/bin/docker-registry"));
    pinned_binary(DOCKER_REGISTRY_VAR, default, "docker-registry")
}

/// The `kubectl` binary. Panics (fails the test) if it does not run.
pub fn kubectl() -> PathBuf {
    static CHECKED: OnceLock<PathBuf> = OnceLock::new();
    CHECKED.get_or_init(find_kubectl).clone()
}

fn find_kubectl() -> PathBuf {
    let bin = std::env::var_os(KUBECTL_VAR)
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from("kubectl"));
    let ok = Command::new(&bin)
        .args(["version", "--client"])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success());
    assert!(
        ok,
        "required test tool `kubectl` ({}) not found or not runnable; install kubectl 1.27+ \
         (kustomize built in) on PATH or set {KUBECTL_VAR} to its path \
         (`bash scripts/install-test-tools.sh` checks for it)",
        bin.display()
    );
    bin
}

/// A command's outcome, with its command line for messages.
pub struct Ran {
    /// The command line, for messages.
    pub command: String,
    /// What it returned.
    pub output: Output,
}

impl Ran {
    /// Standard output as text.
    pub fn stdout(&self) -> String {
        String::from_utf8_lossy(&self.output.stdout).into_owned()
    }

    /// Standard error as text.
    pub fn stderr(&self) -> String {
        String::from_utf8_lossy(&self.output.stderr).into_owned()
    }

    /// Whether it exited 0.
    pub fn success(&self) -> bool {
        self.output.status.success()
    }

    /// Standard output; panics with everything the command printed if it failed.
    pub fn expect_success(&self) -> String {
        assert!(
            self.success(),
            "`{}` failed ({}):\n--- stdout ---\n{}\n--- stderr ---\n{}",
            self.command,
            self.output.status,
            self.stdout(),
            self.stderr()
        );
        self.stdout()
    }
}

/// Runs `program args...`, feeding `stdin` if given.
pub fn run(program: &Path, args: &[&str], stdin: Option<&str>) -> Ran {
    let command = std::iter::once(program.display().to_string())
        .chain(args.iter().map(|a| a.to_string()))
        .collect::<Vec<_>>()
        .join(" ");
    let mut child = Command::new(program)
        .args(args)
        .stdin(if stdin.is_some() {
            Stdio::piped()
        } else {
            Stdio::null()
        })
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| panic!("cannot run `{command}`: {e}; {INSTALL_HINT}"));
    if let Some(input) = stdin {
        let mut pipe = child.stdin.take().expect("stdin is piped");
        let input = input.to_owned();
        // Write from a thread so a large input cannot deadlock against a full stdout pipe.
        std::thread::spawn(move || {
            let _ = pipe.write_all(input.as_bytes());
        });
    }
    let output = child
        .wait_with_output()
        .unwrap_or_else(|e| panic!("`{command}` did not finish: {e}"));
    Ran { command, output }
}

/// `kubectl kustomize DIR`: the objects, as kustomize's Go YAML writer prints them.
pub fn kustomize(dir: &Path) -> String {
    let dir = dir.to_str().expect("UTF-8 path");
    run(&kubectl(), &["kustomize", dir], None).expect_success()
}

/// How `kubectl` itself decodes a manifest (offline): `kubectl annotate --local -f SOURCE
/// <key>=<value> -o json`, with `SOURCE` a file or `-` for `stdin`. Returns the objects with
/// the probe annotation removed again (and `annotations` dropped if that left it empty).
pub fn kubectl_decode(source: &str, stdin: Option<&str>) -> Vec<Value> {
    kubectl_decode_files(&[source], stdin)
}

/// [`kubectl_decode`] for several sources in one `kubectl` run (`-f A -f B ...`); each is
/// decoded on its own, and the objects come back in order.
pub fn kubectl_decode_files(sources: &[&str], stdin: Option<&str>) -> Vec<Value> {
    const PROBE_KEY: &str = "kairn.dev/roundtrip-probe";
    let probe = format!("{PROBE_KEY}=1");
    let mut args = vec!["annotate", "--local"];
    for s in sources {
        args.extend(["-f", s]);
    }
    args.extend([probe.as_str(), "-o", "json"]);
    let json = run(&kubectl(), &args, stdin).expect_success();
    // One JSON document per object (several are printed one after the other), or a `List`.
    let mut items = Vec::new();
    for value in serde_json::Deserializer::from_str(&json).into_iter::<Value>() {
        match value.unwrap_or_else(|e| panic!("kubectl printed invalid JSON ({e}):\n{json}")) {
            Value::Object(ref o) if o.get("kind") == Some(&Value::from("List")) => {
                items.extend(o["items"].as_array().cloned().unwrap_or_default())
            }
            other => items.push(other),
        }
    }
    items
        .into_iter()
        .map(|mut item| {
            let meta = item
                .get_mut("metadata")
                .and_then(Value::as_object_mut)
                .expect("object has metadata");
            let annotations = meta
                .get_mut("annotations")
                .and_then(Value::as_object_mut)
                .expect("kubectl added the probe annotation");
            assert_eq!(
                annotations.remove(PROBE_KEY),
                Some(Value::from("1")),
                "probe annotation"
            );
            if annotations.is_empty() {
                meta.remove("annotations");
            }
            item
        })
        .collect()
}

/// Parses a multi-document YAML stream with kairn's reader ([`dsl::yaml::from_multiple`]:
/// serde-saphyr, YAML 1.2 core schema), skipping empty documents.
pub fn parse_yaml_docs(text: &str) -> Vec<Value> {
    dsl::yaml::from_multiple(text).unwrap_or_else(|e| panic!("invalid YAML ({e}):\n{text}"))
}

/// Parses a multi-document YAML stream with PyYAML's `safe_load_all` (YAML 1.1, the rules
/// of go-yaml v2 under `kubectl apply`). Values that are not JSON types (timestamps, dates)
/// come back as `{"__python_type__": ..., "repr": ...}` so they never equal a string.
/// The error is the end of PyYAML's message.
pub fn try_pyyaml_docs(text: &str) -> Result<Vec<Value>, String> {
    const SCRIPT: &str = r#"
import json, sys, yaml
def other(o):
    return {"__python_type__": type(o).__name__, "repr": repr(o)}
docs = [d for d in yaml.safe_load_all(sys.stdin.read()) if d is not None]
# allow_nan keeps float('nan') / inf visible as NaN/Infinity, which serde_json rejects:
# map them to tagged objects instead.
def fix(v):
    if isinstance(v, float) and (v != v or v in (float("inf"), float("-inf"))):
        return other(v)
    if isinstance(v, dict):
        return {(k if isinstance(k, str) else json.dumps(other(k))): fix(x) for k, x in v.items()}
    if isinstance(v, list):
        return [fix(x) for x in v]
    return v
json.dump([fix(d) for d in docs], sys.stdout, default=other)
"#;
    let ran = run(&python(), &["-c", SCRIPT], Some(text));
    if !ran.success() {
        let err = ran.stderr();
        let tail: Vec<&str> = err.lines().rev().take(4).collect();
        let tail: Vec<&str> = tail.into_iter().rev().collect();
        return Err(tail.join("\n"));
    }
    let out = ran.stdout();
    Ok(serde_json::from_str(&out)
        .unwrap_or_else(|e| panic!("bad JSON from PyYAML script ({e}): {out}")))
}

/// [`try_pyyaml_docs`], failing the test if PyYAML cannot read the stream.
pub fn pyyaml_docs(text: &str) -> Vec<Value> {
    try_pyyaml_docs(text)
        .unwrap_or_else(|e| panic!("PyYAML (YAML 1.1) cannot read:\n{e}\n\n{text}"))
}

/// Identity of an object: `(apiVersion, kind, namespace, name)`.
pub type ObjectKey = (String, String, String, String);

/// The identity of a parsed object.
pub fn object_key(v: &Value) -> ObjectKey {
    let s = |x: Option<&Value>| x.and_then(Value::as_str).unwrap_or_default().to_owned();
    (
        s(v.get("apiVersion")),
        s(v.get("kind")),
        s(v.pointer("/metadata/namespace")),
        s(v.pointer("/metadata/name")),
    )
}

/// Objects keyed by identity; panics on a duplicate identity.
pub fn keyed(objects: Vec<Value>, what: &str) -> BTreeMap<ObjectKey, Value> {
    let mut map = BTreeMap::new();
    for o in objects {
        let key = object_key(&o);
        if let Some(old) = map.insert(key.clone(), o) {
            panic!("{what}: two objects with identity {key:?}: {old}");
        }
    }
    map
}

/// Where two JSON values differ (paths and both values; a string is never equal to a
/// number or boolean). Empty if equal.
pub fn differences(expected: &Value, actual: &Value) -> Vec<String> {
    let mut out = Vec::new();
    diff_into("", expected, actual, &mut out);
    out
}

fn diff_into(path: &str, a: &Value, b: &Value, out: &mut Vec<String>) {
    match (a, b) {
        (Value::Object(x), Value::Object(y)) => {
            for (k, va) in x {
                let p = format!("{path}/{k}");
                match y.get(k) {
                    Some(vb) => diff_into(&p, va, vb, out),
                    None => out.push(format!("{p}: missing (expected {va})")),
                }
            }
            for (k, vb) in y {
                if !x.contains_key(k) {
                    out.push(format!("{path}/{k}: unexpected {vb}"));
                }
            }
        }
        (Value::Array(x), Value::Array(y)) if x.len() == y.len() => {
            for (i, (va, vb)) in x.iter().zip(y).enumerate() {
                diff_into(&format!("{path}/{i}"), va, vb, out);
            }
        }
        _ if a == b => {}
        _ => out.push(format!(
            "{}: expected {a} ({}), got {b} ({})",
            if path.is_empty() { "/" } else { path },
            type_name(a),
            type_name(b)
        )),
    }
}

fn type_name(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "bool",
        Value::Number(_) => "number",
        Value::String(_) => "string",
        Value::Array(_) => "array",
        Value::Object(_) => "object",
    }
}

/// Compares two sets of objects by identity; returns a readable report of every
/// difference (empty if equal).
pub fn compare_object_sets(
    expected: &BTreeMap<ObjectKey, Value>,
    actual: &BTreeMap<ObjectKey, Value>,
) -> String {
    let mut report = String::new();
    for (key, e) in expected {
        match actual.get(key) {
            None => writeln!(report, "missing object {key:?}").unwrap(),
            Some(a) => {
                for d in differences(e, a) {
                    writeln!(report, "{key:?} {d}").unwrap();
                }
            }
        }
    }
    for key in actual.keys() {
        if !expected.contains_key(key) {
            writeln!(report, "unexpected object {key:?}").unwrap();
        }
    }
    report
}

/// A fresh, empty temporary directory, removed when dropped.
pub struct TempDir(PathBuf);

impl TempDir {
    /// Creates `<tmp>/kairn-<label>-<pid>-<n>`.
    pub fn new(label: &str) -> TempDir {
        static COUNTER: AtomicUsize = AtomicUsize::new(0);
        let n = COUNTER.fetch_add(1, Ordering::Relaxed);
        let path = std::env::temp_dir().join(format!(
            "kairn-{label}-{}-{n}-{}",
            std::process::id(),
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map(|d| d.subsec_nanos())
                .unwrap_or_default()
        ));
        let _ = std::fs::remove_dir_all(&path);
        std::fs::create_dir_all(&path)
            .unwrap_or_else(|e| panic!("cannot create {}: {e}", path.display()));
        TempDir(path)
    }

    /// Its path.
    pub fn path(&self) -> &Path {
        &self.0
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// Every file under `root` (recursively, hidden files included), as relative path to content.
pub fn read_tree(root: &Path) -> BTreeMap<String, String> {
    fn walk(root: &Path, dir: &Path, out: &mut BTreeMap<String, String>) {
        for p in sorted_entries(dir) {
            if p.is_dir() {
                walk(root, &p, out);
            } else {
                let rel = p
                    .strip_prefix(root)
                    .expect("under root")
                    .to_string_lossy()
                    .replace('\\', "/");
                let text = std::fs::read_to_string(&p)
                    .unwrap_or_else(|e| panic!("cannot read {}: {e}", p.display()));
                out.insert(rel, text);
            }
        }
    }
    let mut out = BTreeMap::new();
    walk(root, root, &mut out);
    out
}

/// What `emit` writes for every environment of `apps` (no `--set` inputs), rendered in
/// process: path relative to the output root (`<app>/<env>/<file>`) to content.
pub fn rendered_tree(apps: &[dsl::registry::AppEntry]) -> BTreeMap<String, String> {
    let mut files = BTreeMap::new();
    for entry in apps {
        let envs = entry.environments();
        assert!(!envs.is_empty(), "app {} declares no environment", entry.id);
        for env in envs {
            let app = entry
                .declare(env.as_str(), &dsl::registry::Inputs::default())
                .unwrap_or_else(|| panic!("{}: environment {env} not declared", entry.id))
                .unwrap_or_else(|e| panic!("{}/{env}: {e}", entry.id));
            let manifests = dsl::render(&app);
            let out = dsl::output::env_output(entry.id, app.environment.as_str(), &manifests)
                .unwrap_or_else(|e| panic!("{}/{env}: {e}", entry.id));
            let dir = out.relative_dir().to_string_lossy().replace('\\', "/");
            for (name, content) in out.files {
                files.insert(format!("{dir}/{name}"), content);
            }
        }
    }
    files
}

/// Fails the test unless the files under `root` are exactly `expected` (as
/// [`rendered_tree`] gives it): names every stale, missing and extra file, shows the
/// first differing line, and says to run `emit_command`.
pub fn assert_tree_current(expected: &BTreeMap<String, String>, root: &Path, emit_command: &str) {
    let actual = if root.is_dir() {
        read_tree(root)
    } else {
        BTreeMap::new()
    };
    let shown = display(root);
    let mut stale = Vec::new();
    let mut missing = Vec::new();
    let mut extra = Vec::new();
    for (path, content) in expected {
        match actual.get(path) {
            None => missing.push(path.clone()),
            Some(on_disk) if on_disk != content => stale.push(path.clone()),
            Some(_) => {}
        }
    }
    for path in actual.keys() {
        if !expected.contains_key(path) {
            extra.push(path.clone());
        }
    }
    if stale.is_empty() && missing.is_empty() && extra.is_empty() {
        return;
    }
    let mut msg = format!("{shown}/ is not what the declarations render:\n");
    for (label, list) in [
        ("stale (content differs)", &stale),
        ("missing", &missing),
        ("not rendered by any declaration (extra)", &extra),
    ] {
        for path in list {
            let _ = writeln!(msg, "  {label}: {shown}/{path}");
        }
    }
    if let Some(first) = stale.first() {
        let _ = write!(
            msg,
            "\nfirst difference in {shown}/{first}:\n{}",
            first_line_diff(&expected[first], &actual[first])
        );
    }
    let _ = write!(
        msg,
        "\nrun `{emit_command}` and commit {shown}/ (remove files kairn did not write)"
    );
    panic!("{msg}");
}

fn first_line_diff(expected: &str, actual: &str) -> String {
    let (e, a): (Vec<&str>, Vec<&str>) = (expected.lines().collect(), actual.lines().collect());
    for i in 0..e.len().max(a.len()) {
        let (x, y) = (e.get(i), a.get(i));
        if x != y {
            return format!(
                "  line {}:\n    rendered:  {}\n    committed: {}\n",
                i + 1,
                x.unwrap_or(&"<end of file>"),
                y.unwrap_or(&"<end of file>")
            );
        }
    }
    "  (only line endings differ)\n".to_owned()
}
