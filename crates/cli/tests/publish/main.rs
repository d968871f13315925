//! `kairn publish` against a real registry: the CNCF distribution registry (Debian's
//! `docker-registry`), started on 127.0.0.1 on a free port with a temporary storage
//! directory and stopped when the test ends, also when it fails.
//!
//! - every chart comes back with `helm pull oci://... --plain-http` and `helm template`
//!   of it yields the objects of `generated/<app>/<env>/` (as `kubectl kustomize` reads them);
//! - every manifests bundle is a Flux artifact whose layer unpacks to the files of
//!   `generated/<app>/<env>/` (but the ownership record), byte for byte;
//! - publishing the same package twice gives the same digests, reported and stored.
//!
//! Tools: `docker-registry` on `PATH`, helm from `KAIRN_HELM` (default
//! `<workspace>/.tools/bin/helm`), `kubectl` (`KAIRN_KUBECTL`, default on `PATH`). A
//! missing tool fails the test when `CI` is set and skips it with a note otherwise.
//!
//! The package is written by `kairn package` (the input `publish` reads).
//!
//! The bad-input tests (registry down, `--to` not `oci://`, a damaged package, ...) need
//! no tool and always run.
//!
//! One test binary, a module per concern: `round_trip` (charts and bundles back from the
//! registry as generated), `access` (a registry that refuses pushes; credentials) and
//! `bad_input` (what is refused before any registry is asked); this file holds what they
//! share: the tools, the registry, the package.

use crate::support;

mod access;
mod bad_input;
mod round_trip;

use std::collections::BTreeMap;
use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::time::{Duration, Instant};

use serde_json::{json, Value};
use sha2::{Digest, Sha256};
use support::{describe, kairn, kairn_cmd, read_tree_bytes, stderr, workspace_root, TempDir};

const VERSION: &str = "1.4.2";
const SOURCE: &str = "https://github.com/acme/kairn-infra";
const REVISION: &str = "main@sha1:0123456789abcdef0123456789abcdef01234567";
const CREATED: &str = "2026-01-25T14:30:22Z";
const OWNERSHIP_FILE: &str = ".kairn-manifest";

// ---------------------------------------------------------------------------------------
// Tools

/// `tool` if found; else fails (under CI) or prints why the test is skipped.
fn require(tool: &str, found: Option<PathBuf>, hint: &str) -> Option<PathBuf> {
    if found.is_none() {
        assert!(
            std::env::var_os("CI").is_none(),
            "required test tool `{tool}` not found ({hint}); CI is set, so this is a failure"
        );
        eprintln!("note: skipping the registry round trip: `{tool}` not found ({hint})");
    }
    found
}

fn runs(bin: &Path, arg: &str) -> bool {
    Command::new(bin)
        .arg(arg)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success())
}

fn on_path(name: &str) -> Option<PathBuf> {
    std::env::split_paths(&std::env::var_os("PATH")?)
        .map(|d| d.join(name))
        .find(|p| p.is_file())
}

fn helm_bin() -> Option<PathBuf> {
    let bin = std::env::var_os("KAIRN_HELM")
        .map(PathBuf::from)
        .unwrap_or_else(|| workspace_root().join(".tools/bin/helm"));
    runs(&bin, "version").then_some(bin)
}

fn kubectl_bin() -> Option<PathBuf> {
    let bin = std::env::var_os("KAIRN_KUBECTL")
        .map(PathBuf::from)
        .or_else(|| on_path("kubectl"))?;
    Command::new(&bin)
        .args(["version", "--client"])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success())
        .then_some(bin)
}

// ---------------------------------------------------------------------------------------
// The registry

/// A port nothing listens on right now.
fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("bind a loopback port")
        .port()
}

/// A running `docker-registry serve`, killed (and its storage removed) on drop, so a
/// failing test stops it too.
struct Registry {
    child: Child,
    port: u16,
    _dir: TempDir,
}

/// User and password of the registry started with [`Mode::Htpasswd`].
const USER: &str = "kairn";
const PASSWORD: &str = "kairn-test-password";
/// bcrypt of [`PASSWORD`] (cost 4: a test fixture, not a secret).
const PASSWORD_BCRYPT: &str = "$2a$04$fHlLRDvFppEL2ytayyusBerXwRirWnWEM2jF83Gjf/v/ng4AP2Fsm";

#[derive(Clone, Copy, PartialEq, Eq)]
enum Mode {
    /// Anyone may push.
    Open,
    /// Every push is refused (maintenance read-only mode).
    ReadOnly,
    /// HTTP basic authentication: [`USER`] / [`PASSWORD`].
    Htpasswd,
}

impl Registry {
    /// Starts one.
    fn start(bin: &Path, mode: Mode) -> Registry {
        let mut last = String::new();
        for _ in 0..3 {
            let dir = TempDir::new("registry");
            let port = free_port();
            let config = dir.path().join("config.yml");
            let maintenance = if mode == Mode::ReadOnly {
                "  maintenance:\n    readonly:\n      enabled: true\n"
            } else {
                ""
            };
            let auth = if mode == Mode::Htpasswd {
                let htpasswd = dir.path().join("htpasswd");
                std::fs::write(&htpasswd, format!("{USER}:{PASSWORD_BCRYPT}\n")).unwrap();
                format!(
                    "auth:\n  htpasswd:\n    realm: kairn-test\n    path: {}\n",
                    htpasswd.display()
                )
            } else {
                String::new()
            };
            std::fs::write(
                &config,
                format!(
                    "version: 0.1\nlog:\n  level: error\nstorage:\n  filesystem:\n    rootdirectory: {}\n  delete:\n    enabled: true\n{maintenance}{auth}http:\n  addr: 127.0.0.1:{port}\n",
                    dir.path().join("storage").display()
                ),
            )
            .expect("write registry config");
            let log = std::fs::File::create(dir.path().join("registry.log")).expect("log file");
            let child = Command::new(bin)
                .arg("serve")
                .arg(&config)
                .stdin(Stdio::null())
                .stdout(log.try_clone().expect("log file"))
                .stderr(log)
                .spawn()
                .unwrap_or_else(|e| panic!("cannot start {}: {e}", bin.display()));
            let mut registry = Registry {
                child,
                port,
                _dir: dir,
            };
            let deadline = Instant::now() + Duration::from_secs(15);
            while Instant::now() < deadline {
                if let Ok(Some(_)) = registry.child.try_wait() {
                    break;
                }
                if http_get(port, "/v2/", None).is_ok_and(|r| r.status == 200 || r.status == 401) {
                    return registry;
                }
                std::thread::sleep(Duration::from_millis(50));
            }
            last = std::fs::read_to_string(registry._dir.path().join("registry.log"))
                .unwrap_or_default();
            drop(registry);
        }
        panic!("docker-registry did not start on 127.0.0.1; its log:\n{last}");
    }

    fn addr(&self) -> String {
        format!("127.0.0.1:{}", self.port)
    }
}

impl Drop for Registry {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

struct Response {
    status: u16,
    headers: BTreeMap<String, String>,
    body: Vec<u8>,
}

/// A plain HTTP/1.0 GET (no client library: an independent reader of the registry).
fn http_get(port: u16, path: &str, accept: Option<&str>) -> std::io::Result<Response> {
    let mut s = TcpStream::connect(("127.0.0.1", port))?;
    s.set_read_timeout(Some(Duration::from_secs(10)))?;
    let accept = accept.map_or(String::new(), |a| format!("Accept: {a}\r\n"));
    write!(
        s,
        "GET {path} HTTP/1.0\r\nHost: 127.0.0.1:{port}\r\n{accept}Connection: close\r\n\r\n"
    )?;
    let mut raw = Vec::new();
    s.read_to_end(&mut raw)?;
    let split = raw
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .ok_or_else(|| std::io::Error::other("no end of headers"))?;
    let head = String::from_utf8_lossy(&raw[..split]).into_owned();
    let mut lines = head.lines();
    let status = lines
        .next()
        .and_then(|l| l.split_whitespace().nth(1))
        .and_then(|c| c.parse().ok())
        .ok_or_else(|| std::io::Error::other("no status line"))?;
    let headers = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(k, v)| (k.trim().to_ascii_lowercase(), v.trim().to_owned()))
        .collect();
    Ok(Response {
        status,
        headers,
        body: raw[split + 4..].to_vec(),
    })
}

fn get_ok(port: u16, path: &str, accept: Option<&str>) -> Response {
    let r = http_get(port, path, accept).unwrap_or_else(|e| panic!("GET {path}: {e}"));
    assert_eq!(
        r.status,
        200,
        "GET {path}: {}",
        String::from_utf8_lossy(&r.body)
    );
    r
}

// ---------------------------------------------------------------------------------------
// A package directory, in the layout `kairn package` writes

fn sha256_hex(bytes: &[u8]) -> String {
    Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// Every `generated/<app>/<env>` directory as (app, env, path).
fn generated_envs() -> Vec<(String, String, PathBuf)> {
    let root = workspace_root().join("generated");
    support::env_dirs(&root)
        .into_iter()
        .map(|p| {
            let env = p.file_name().unwrap().to_string_lossy().into_owned();
            let app = p
                .parent()
                .unwrap()
                .file_name()
                .unwrap()
                .to_string_lossy()
                .into_owned();
            (app, env, p)
        })
        .collect()
}

/// The files of an environment directory a bundle holds (all but the ownership record).
fn bundle_files(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    read_tree_bytes(dir)
        .into_iter()
        .filter(|(p, _)| p != OWNERSHIP_FILE)
        .collect()
}

/// A package of every environment, written by `kairn package`.
fn package(version: &str) -> TempDir {
    let dir = TempDir::new("package");
    let args = [
        "package",
        "--out",
        dir.arg(),
        "--chart-version",
        version,
        "--source",
        SOURCE,
        "--revision",
        REVISION,
    ];
    let o = kairn(&args);
    assert!(o.status.success(), "{}", describe(&args, &o));
    dir
}

/// Edits `index.json` of a package and lists its new checksum in `SHA256SUMS`, as if
/// the package had been written that way.
fn rewrite_index(pkg: &Path, edit: impl FnOnce(&mut Value)) {
    let mut index: Value =
        serde_json::from_slice(&std::fs::read(pkg.join("index.json")).unwrap()).unwrap();
    edit(&mut index);
    let bytes = serde_json::to_vec_pretty(&index).unwrap();
    std::fs::write(pkg.join("index.json"), &bytes).unwrap();
    let sums: String = std::fs::read_to_string(pkg.join("SHA256SUMS"))
        .unwrap()
        .lines()
        .map(|l| match l.split_once("  ") {
            Some((_, "index.json")) => format!("{}  index.json\n", sha256_hex(&bytes)),
            _ => format!("{l}\n"),
        })
        .collect();
    std::fs::write(pkg.join("SHA256SUMS"), sums).unwrap();
}
