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

mod support;

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

// ---------------------------------------------------------------------------------------
// Objects

type Key = (String, String, String);

/// YAML documents keyed by kind, namespace and name.
fn objects(yaml: &str, what: &str) -> BTreeMap<Key, Value> {
    let mut out = BTreeMap::new();
    let docs: Vec<Value> =
        dsl::yaml::from_multiple(yaml).unwrap_or_else(|e| panic!("{what}: not YAML: {e}"));
    for v in docs {
        let s = |p: &str| {
            v.pointer(p)
                .and_then(Value::as_str)
                .unwrap_or("")
                .to_owned()
        };
        let key = (s("/kind"), s("/metadata/namespace"), s("/metadata/name"));
        assert!(
            out.insert(key.clone(), v).is_none(),
            "{what}: {key:?} twice"
        );
    }
    out
}

fn run_ok(bin: &Path, args: &[&str], envs: &[(&str, &Path)]) -> String {
    let o = Command::new(bin)
        .args(args)
        .envs(envs.iter().map(|(k, v)| (*k, *v)))
        .output()
        .unwrap_or_else(|e| panic!("cannot run {}: {e}", bin.display()));
    assert!(
        o.status.success(),
        "`{} {}` failed: {}",
        bin.display(),
        args.join(" "),
        String::from_utf8_lossy(&o.stderr)
    );
    String::from_utf8(o.stdout).expect("UTF-8 output")
}

fn untar_gz(bytes: &[u8]) -> BTreeMap<String, Vec<u8>> {
    let mut tar = tar::Archive::new(flate2::read::GzDecoder::new(bytes));
    let mut out = BTreeMap::new();
    for e in tar.entries().expect("a tar.gz") {
        let mut e = e.expect("entry");
        let path = e.path().unwrap().to_string_lossy().into_owned();
        let mut content = Vec::new();
        e.read_to_end(&mut content).unwrap();
        out.insert(path, content);
    }
    out
}

/// Publishes `pkg` to `registry`, returning (stdout lines, seconds taken).
fn publish(pkg: &TempDir, to: &str) -> (Vec<String>, f64) {
    let args = [
        "publish",
        "--from",
        pkg.arg(),
        "--to",
        to,
        "--plain-http",
        "--created",
        CREATED,
    ];
    let start = Instant::now();
    let o = kairn(&args);
    let took = start.elapsed().as_secs_f64();
    assert!(o.status.success(), "{}", describe(&args, &o));
    let lines = String::from_utf8(o.stdout)
        .unwrap()
        .lines()
        .map(str::to_owned)
        .collect();
    (lines, took)
}

// ---------------------------------------------------------------------------------------
// The round trip

#[test]
fn published_charts_and_bundles_come_back_as_generated() {
    let Some(registry_bin) = require(
        "docker-registry",
        on_path("docker-registry"),
        "apt-get install docker-registry; scripts/install-test-tools.sh",
    ) else {
        return;
    };
    let Some(helm) = require(
        "helm",
        helm_bin(),
        "set KAIRN_HELM or put helm 3.8+ in .tools/bin/helm",
    ) else {
        return;
    };
    let Some(kubectl) = require("kubectl", kubectl_bin(), "kubectl on PATH or KAIRN_KUBECTL")
    else {
        return;
    };
    let registry = Registry::start(&registry_bin, Mode::Open);
    let pkg = package(VERSION);
    let to = format!("oci://{}/kairn/releases", registry.addr());

    let (first, took) = publish(&pkg, &to);
    let envs = generated_envs();
    eprintln!(
        "published {} artifacts of {} environments to {} in {took:.2}s (kairn process, loopback registry)",
        first.len(),
        envs.len(),
        registry.addr()
    );
    assert_eq!(first.len(), 2 * envs.len(), "one chart and one bundle each");

    // Same package again: same references, same digests.
    let (second, _) = publish(&pkg, &to);
    assert_eq!(first, second, "re-publishing changed a digest");

    // What kairn's own client reads back agrees with what it reported.
    let pkg_read = ship::oci::read_package(pkg.path()).expect("the package verifies");
    let target = ship::oci::Target::parse(&to).unwrap();
    let client = ship::oci::Publisher::new(&ship::oci::PushOptions {
        plain_http: true,
        credentials: None,
    })
    .unwrap();
    for archive in &pkg_read.archives {
        let opts = ship::oci::ArtifactOptions {
            created: Some(CREATED.to_owned()),
        };
        let a = ship::oci::artifact(&pkg_read, archive, &target, &opts).unwrap();
        let (bytes, digest) = client.fetch_manifest(&a).expect("manifest fetched");
        assert_eq!(bytes, a.manifest, "{}", a.reference());
        assert!(first.contains(&format!("{}@{digest}", a.reference())));
    }

    let reported: BTreeMap<String, String> = first
        .iter()
        .map(|l| {
            let (reference, digest) = l.rsplit_once('@').expect("REF@DIGEST");
            (reference.to_owned(), digest.to_owned())
        })
        .collect();

    let work = TempDir::new("helm");
    let helm_env: Vec<(&str, PathBuf)> = ["HELM_CACHE_HOME", "HELM_CONFIG_HOME", "HELM_DATA_HOME"]
        .iter()
        .map(|k| (*k, work.path().join(k)))
        .collect();
    let helm_env: Vec<(&str, &Path)> = helm_env.iter().map(|(k, p)| (*k, p.as_path())).collect();

    for (app, env, dir) in &envs {
        let chart = format!("{app}-{env}");
        let expected = objects(
            &run_ok(&kubectl, &["kustomize", dir.to_str().unwrap()], &[]),
            &format!("kubectl kustomize {}", dir.display()),
        );

        // Chart: manifest as helm push writes it, pulled and rendered by helm.
        let repo = format!("kairn/releases/{chart}");
        let chart_ref = format!("oci://{}/{repo}:{VERSION}", registry.addr());
        let m = get_ok(
            registry.port,
            &format!("/v2/{repo}/manifests/{VERSION}"),
            Some("application/vnd.oci.image.manifest.v1+json"),
        );
        let digest = format!("sha256:{}", sha256_hex(&m.body));
        assert_eq!(reported.get(&chart_ref), Some(&digest), "{chart_ref}");
        assert_eq!(m.headers.get("docker-content-digest"), Some(&digest));
        let manifest: Value = serde_json::from_slice(&m.body).unwrap();
        assert_eq!(
            manifest["config"]["mediaType"],
            "application/vnd.cncf.helm.config.v1+json"
        );
        assert_eq!(
            manifest["layers"][0]["mediaType"],
            "application/vnd.cncf.helm.chart.content.v1.tar+gzip"
        );
        let a = &manifest["annotations"];
        assert_eq!(a["org.opencontainers.image.source"], SOURCE);
        assert_eq!(a["org.opencontainers.image.revision"], REVISION);
        assert_eq!(a["org.opencontainers.image.created"], CREATED);
        let config = get_ok(
            registry.port,
            &format!(
                "/v2/{repo}/blobs/{}",
                manifest["config"]["digest"].as_str().unwrap()
            ),
            None,
        );
        let config: Value = serde_json::from_slice(&config.body).unwrap();
        assert_eq!(config["name"], chart.as_str());
        assert_eq!(config["version"], VERSION);
        assert_eq!(config["apiVersion"], "v2");

        let pulled = work.path().join(&chart);
        std::fs::create_dir_all(&pulled).unwrap();
        run_ok(
            &helm,
            &[
                "pull",
                &format!("oci://{}/{repo}", registry.addr()),
                "--version",
                VERSION,
                "--plain-http",
                "--destination",
                pulled.to_str().unwrap(),
            ],
            &helm_env,
        );
        let tgz = pulled.join(format!("{chart}-{VERSION}.tgz"));
        assert_eq!(
            std::fs::read(&tgz).unwrap(),
            std::fs::read(pkg.path().join(format!("{chart}-{VERSION}.tgz"))).unwrap(),
            "helm pull returned other bytes than the package's chart"
        );
        let rendered = objects(
            &run_ok(
                &helm,
                &["template", "release", tgz.to_str().unwrap()],
                &helm_env,
            ),
            &format!("helm template {chart}"),
        );
        assert_eq!(
            rendered.keys().collect::<Vec<_>>(),
            expected.keys().collect::<Vec<_>>(),
            "{chart}: helm template yields other objects than kubectl kustomize {}",
            dir.display()
        );
        for (key, object) in &expected {
            assert_eq!(&rendered[key], object, "{chart}: {key:?} differs");
        }

        // Bundle: a Flux artifact whose layer is the environment directory.
        let repo = format!("kairn/releases/{chart}-manifests");
        let bundle_ref = format!("oci://{}/{repo}:{VERSION}", registry.addr());
        let m = get_ok(
            registry.port,
            &format!("/v2/{repo}/manifests/{VERSION}"),
            Some("application/vnd.oci.image.manifest.v1+json"),
        );
        let digest = format!("sha256:{}", sha256_hex(&m.body));
        assert_eq!(reported.get(&bundle_ref), Some(&digest), "{bundle_ref}");
        let manifest: Value = serde_json::from_slice(&m.body).unwrap();
        assert_eq!(
            manifest["config"]["mediaType"],
            "application/vnd.cncf.flux.config.v1+json"
        );
        let layer = &manifest["layers"][0];
        assert_eq!(
            layer["mediaType"],
            "application/vnd.cncf.flux.content.v1.tar+gzip"
        );
        assert_eq!(manifest["layers"].as_array().unwrap().len(), 1);
        let a = &manifest["annotations"];
        assert_eq!(a["org.opencontainers.image.source"], SOURCE);
        assert_eq!(a["org.opencontainers.image.revision"], REVISION);
        assert_eq!(a["org.opencontainers.image.created"], CREATED);
        let blob = get_ok(
            registry.port,
            &format!("/v2/{repo}/blobs/{}", layer["digest"].as_str().unwrap()),
            None,
        );
        assert_eq!(
            untar_gz(&blob.body),
            bundle_files(dir),
            "{bundle_ref}: the layer does not unpack to {}",
            dir.display()
        );
    }
    drop(registry);
}

#[test]
fn a_registry_that_refuses_pushes_fails_naming_registry_and_artifact() {
    let Some(registry_bin) = require(
        "docker-registry",
        on_path("docker-registry"),
        "apt-get install docker-registry; scripts/install-test-tools.sh",
    ) else {
        return;
    };
    let registry = Registry::start(&registry_bin, Mode::ReadOnly);
    let pkg = package(VERSION);
    let to = format!("oci://{}/kairn", registry.addr());
    let args = ["publish", "--from", pkg.arg(), "--to", &to, "--plain-http"];
    let o = kairn(&args);
    assert_eq!(o.status.code(), Some(1), "{}", describe(&args, &o));
    assert!(
        o.stdout.is_empty(),
        "nothing was published, yet: {:?}",
        o.stdout
    );
    let err = stderr(&o);
    assert_eq!(err.lines().count(), 1, "one line: {err}");
    assert!(err.contains(&registry.addr()), "{err}");
    assert!(
        err.contains(&format!("oci://{}/kairn/", registry.addr())),
        "{err}"
    );
}

fn base64(bytes: &[u8]) -> String {
    const A: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::new();
    for chunk in bytes.chunks(3) {
        let n = chunk
            .iter()
            .enumerate()
            .fold(0u32, |n, (i, b)| n | u32::from(*b) << (16 - 8 * i));
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(A[(n >> (18 - 6 * i) & 63) as usize] as char);
            } else {
                out.push('=');
            }
        }
    }
    out
}

#[test]
fn credentials_come_from_the_environment_or_the_docker_config_and_are_never_printed() {
    let Some(registry_bin) = require(
        "docker-registry",
        on_path("docker-registry"),
        "apt-get install docker-registry; scripts/install-test-tools.sh",
    ) else {
        return;
    };
    let registry = Registry::start(&registry_bin, Mode::Htpasswd);
    let pkg = package(VERSION);
    let to = format!("oci://{}/kairn", registry.addr());
    let docker = TempDir::new("docker-config");
    let args = [
        "publish",
        "--from",
        pkg.arg(),
        "--to",
        &to,
        "--plain-http",
        "--app",
        "gorax",
        "--env",
        "staging",
    ];
    let run = |user: Option<&str>, password: Option<&str>| -> Output {
        let mut cmd = support::kairn_cmd(&args);
        cmd.env_remove("KAIRN_REGISTRY_USERNAME")
            .env_remove("KAIRN_REGISTRY_PASSWORD")
            .env("DOCKER_CONFIG", docker.path());
        if let Some(u) = user {
            cmd.env("KAIRN_REGISTRY_USERNAME", u);
        }
        if let Some(p) = password {
            cmd.env("KAIRN_REGISTRY_PASSWORD", p);
        }
        cmd.output().expect("kairn runs")
    };
    let no_secret = |o: &Output, secret: &str| {
        let all = format!("{}{}", String::from_utf8_lossy(&o.stdout), stderr(o));
        assert!(!all.contains(secret), "printed a password: {all}");
    };

    // Anonymous: refused, one line, nothing reported.
    let o = run(None, None);
    assert_eq!(o.status.code(), Some(1), "{}", describe(&args, &o));
    assert!(o.stdout.is_empty());
    assert_eq!(stderr(&o).lines().count(), 1, "{}", stderr(&o));
    assert!(
        stderr(&o).contains("no credentials were sent"),
        "{}",
        stderr(&o)
    );

    // A wrong password: refused, and not echoed.
    let o = run(Some(USER), Some("wrong-secret-123"));
    assert_eq!(o.status.code(), Some(1), "{}", describe(&args, &o));
    assert!(o.stdout.is_empty());
    no_secret(&o, "wrong-secret-123");
    assert!(
        stderr(&o).contains(
            "the credentials from KAIRN_REGISTRY_USERNAME/KAIRN_REGISTRY_PASSWORD were refused"
        ),
        "{}",
        stderr(&o)
    );

    // Only one of the two variables: a usage error.
    let o = run(Some(USER), None);
    assert_eq!(o.status.code(), Some(2), "{}", describe(&args, &o));

    // From the environment.
    let o = run(Some(USER), Some(PASSWORD));
    assert!(o.status.success(), "{}", describe(&args, &o));
    assert_eq!(String::from_utf8_lossy(&o.stdout).lines().count(), 2);
    no_secret(&o, PASSWORD);

    // From the Docker config file (`auths."HOST:PORT".auth`).
    std::fs::write(
        docker.path().join("config.json"),
        format!(
            r#"{{"auths": {{"{}": {{"auth": "{}"}}}}}}"#,
            registry.addr(),
            base64(format!("{USER}:{PASSWORD}").as_bytes())
        ),
    )
    .unwrap();
    let o = run(None, None);
    assert!(o.status.success(), "{}", describe(&args, &o));
    assert_eq!(String::from_utf8_lossy(&o.stdout).lines().count(), 2);
    no_secret(&o, PASSWORD);
}

// ---------------------------------------------------------------------------------------
// Bad input (no tools needed)

fn publish_fails(args: &[&str], code: i32, needle: &str) -> Output {
    let o = kairn(args);
    assert_eq!(o.status.code(), Some(code), "{}", describe(args, &o));
    assert!(o.stdout.is_empty(), "published something: {:?}", o.stdout);
    assert!(stderr(&o).contains(needle), "{}", describe(args, &o));
    o
}

/// `SOURCE_DATE_EPOCH` past 9999-12-31T23:59:59Z has no RFC 3339 form: a usage error
/// naming the variable, before any registry is asked.
#[test]
fn source_date_epoch_past_year_9999_is_a_usage_error() {
    let pkg = package(VERSION);
    let args = [
        "publish",
        "--from",
        pkg.arg(),
        "--to",
        "oci://127.0.0.1:1/kairn",
    ];
    for (epoch, needle) in [
        ("253402300800", "9999-12-31T23:59:59Z"),
        ("soon", "is not a number of seconds"),
    ] {
        let o = kairn_cmd(&args)
            .env("SOURCE_DATE_EPOCH", epoch)
            .output()
            .expect("kairn runs");
        assert_eq!(o.status.code(), Some(2), "{}", describe(&args, &o));
        assert!(o.stdout.is_empty(), "published something: {:?}", o.stdout);
        let err = stderr(&o);
        assert!(
            err.contains(&format!("SOURCE_DATE_EPOCH=\"{epoch}\"")) && err.contains(needle),
            "{}",
            describe(&args, &o)
        );
    }
}

#[test]
fn a_registry_that_is_down_is_one_error_line_and_exit_1() {
    let pkg = package(VERSION);
    let port = free_port();
    let to = format!("oci://127.0.0.1:{port}/kairn");
    let o = publish_fails(
        &["publish", "--from", pkg.arg(), "--to", &to, "--plain-http"],
        1,
        &format!("127.0.0.1:{port}"),
    );
    let err = stderr(&o);
    assert_eq!(err.lines().count(), 1, "one line: {err}");
    assert!(
        err.contains(&format!("oci://127.0.0.1:{port}/kairn/")),
        "names the artifact: {err}"
    );
    assert!(err.contains("nothing was published"), "{err}");
}

#[test]
fn to_must_be_an_oci_reference() {
    let pkg = package(VERSION);
    for to in [
        "https://127.0.0.1:5000/kairn",
        "127.0.0.1:5000/kairn",
        "oci:///kairn",
    ] {
        publish_fails(&["publish", "--from", pkg.arg(), "--to", to], 2, "--to");
    }
    publish_fails(
        &[
            "publish",
            "--from",
            pkg.arg(),
            "--to",
            "oci://127.0.0.1:5000/Kairn",
        ],
        2,
        "Kairn",
    );
}

#[test]
fn a_package_that_does_not_match_its_checksums_is_refused() {
    let pkg = package(VERSION);
    let chart = std::fs::read_dir(pkg.path())
        .unwrap()
        .map(|e| e.unwrap().path())
        .find(|p| p.to_string_lossy().ends_with(".tgz"))
        .unwrap();
    let mut bytes = std::fs::read(&chart).unwrap();
    bytes.push(0);
    std::fs::write(&chart, bytes).unwrap();
    let port = free_port();
    let to = format!("oci://127.0.0.1:{port}/kairn");
    publish_fails(
        &["publish", "--from", pkg.arg(), "--to", &to, "--plain-http"],
        1,
        "does not match SHA256SUMS",
    );
}

#[test]
fn a_version_that_is_not_semver_is_a_usage_error() {
    let pkg = package(VERSION);
    rewrite_index(pkg.path(), |i| i["version"] = json!("1.4"));
    publish_fails(
        &[
            "publish",
            "--from",
            pkg.arg(),
            "--to",
            "oci://127.0.0.1:1/kairn",
        ],
        2,
        "not SemVer",
    );
}

#[test]
fn unknown_app_or_environment_is_a_usage_error() {
    let pkg = package(VERSION);
    let base = [
        "publish",
        "--from",
        pkg.arg(),
        "--to",
        "oci://127.0.0.1:1/kairn",
    ];
    let with = |extra: &[&'static str]| -> Vec<&str> {
        base.iter().copied().chain(extra.iter().copied()).collect()
    };
    publish_fails(&with(&["--app", "nope"]), 2, "unknown app `nope`");
    publish_fails(
        &with(&["--app", "gorax", "--env", "nope"]),
        2,
        "unknown environment `nope`",
    );
    publish_fails(&with(&["--created", "yesterday"]), 2, "RFC 3339");
    publish_fails(
        &[
            "publish",
            "--from",
            "/nonexistent/kairn-package",
            "--to",
            "oci://127.0.0.1:1/k",
        ],
        2,
        "kairn package",
    );
}
