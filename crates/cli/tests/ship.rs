//! `kairn emit --format helm` and `kairn package` against the real tools.
//!
//! - Every chart of every system passes `helm lint --strict`, and `helm template` of the
//!   chart directory and of the packaged `.tgz` gives back exactly the objects of
//!   `kubectl kustomize generated/<app>/<env>` (identity and content).
//! - Text from a declaration that looks like a Go template (`{{ .Values.x }}`,
//!   `{{- template "y" }}`) comes out of Helm unchanged.
//! - Two `package` runs give byte-identical directories (also with another
//!   `SOURCE_DATE_EPOCH`, which changes the bytes); `sha256sum -c SHA256SUMS` passes;
//!   `index.json` matches what the archives hold.
//! - Bad input: a chart version that is not SemVer and an unknown app exit 2; a
//!   non-empty directory kairn did not write exits 1 and stays untouched.
//!
//! Helm is `KAIRN_HELM`, else `<workspace>/.tools/bin/helm` (`scripts/install-test-tools.sh`
//! installs it). Without it the Helm checks are skipped with a message, except when `CI`
//! or `KAIRN_HELM` is set: then a missing Helm fails the test.

use crate::support;

use std::collections::BTreeMap;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::Value;
use ship::package::{ArchiveKind, Index, INDEX_FILE, SUMS_FILE};
use support::{describe, kairn, kairn_cmd, kairn_ok, read_tree_bytes, workspace_root, TempDir};

/// Environment variable naming the `helm` binary.
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
    // A Helm named explicitly, or any run in CI, must be there: only a local run without
    // either skips.
    assert!(
        std::env::var_os("CI").is_none() && std::env::var_os(HELM_VAR).is_none(),
        "{why}"
    );
    let mut err = std::io::stderr();
    let _ = std::io::Write::write_all(&mut err, format!("SKIPPED Helm checks: {why}\n").as_bytes());
    None
}

/// Runs a tool, requiring success; returns standard output.
fn run_ok(program: &Path, args: &[&str]) -> String {
    let o = Command::new(program)
        .args(args)
        .output()
        .unwrap_or_else(|e| panic!("cannot run {}: {e}", program.display()));
    assert!(
        o.status.success(),
        "`{} {}` failed ({}):\n{}\n{}",
        program.display(),
        args.join(" "),
        o.status,
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    );
    String::from_utf8(o.stdout).expect("UTF-8 output")
}

/// Fails with every difference between two object sets.
fn assert_same_objects(
    expected: &BTreeMap<support::Key, Value>,
    actual: &BTreeMap<support::Key, Value>,
    what: &str,
) {
    let mut report = Vec::new();
    for (k, e) in expected {
        match actual.get(k) {
            None => report.push(format!("missing {k:?}")),
            Some(a) if a != e => {
                report.push(format!("differs {k:?}:\n  expected {e}\n  got      {a}"))
            }
            Some(_) => {}
        }
    }
    for k in actual.keys().filter(|k| !expected.contains_key(*k)) {
        report.push(format!("unexpected {k:?}"));
    }
    assert!(report.is_empty(), "{what}:\n{}", report.join("\n"));
}

fn kubectl() -> PathBuf {
    std::env::var_os("KAIRN_KUBECTL")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from("kubectl"))
}

/// `kubectl kustomize generated/<app>/<env>` for every committed environment.
fn generated_envs() -> Vec<(String, String, BTreeMap<support::Key, Value>)> {
    let root = workspace_root().join("generated");
    let mut out = Vec::new();
    for app in support::env_dirs(&root) {
        let env = app.file_name().unwrap().to_string_lossy().into_owned();
        let app_id = app
            .parent()
            .unwrap()
            .file_name()
            .unwrap()
            .to_string_lossy()
            .into_owned();
        let built = run_ok(&kubectl(), &["kustomize", app.to_str().unwrap()]);
        let objs = support::objects(&built, &format!("kubectl kustomize {}", app.display()));
        assert!(!objs.is_empty());
        out.push((app_id, env, objs));
    }
    assert!(out.len() >= 5, "expected every system under generated/");
    out
}

/// Checks one chart (directory or `.tgz`): lint, then template against `expected`.
fn check_chart(helm: &Path, chart: &Path, expected: &BTreeMap<support::Key, Value>) {
    let chart = chart.to_str().unwrap();
    run_ok(helm, &["lint", "--strict", chart]);
    // A namespace no object names: objects keep their own explicit namespaces.
    let rendered = run_ok(
        helm,
        &[
            "template",
            "kairn-test",
            chart,
            "--namespace",
            "kairn-helm-test",
        ],
    );
    assert!(
        !rendered.contains("kairn-helm-test"),
        "{chart}: the release namespace leaked into the objects"
    );
    assert_same_objects(
        expected,
        &support::objects(&rendered, chart),
        &format!("helm template {chart}"),
    );
}

#[test]
fn helm_charts_of_every_system_lint_and_render_the_generated_objects() {
    let Some(helm) = helm() else { return };
    let out = TempDir::new("helm-charts");
    kairn_ok(&["emit", "--format", "helm", "--out", out.arg()]);
    let envs = generated_envs();
    assert_eq!(
        support::env_dirs(out.path()).len(),
        envs.len(),
        "one chart per environment"
    );
    for (app, env, expected) in &envs {
        let dir = out.path().join(app).join(env);
        for f in [
            "Chart.yaml",
            "values.yaml",
            ".helmignore",
            ".kairn-manifest",
        ] {
            assert!(dir.join(f).is_file(), "{}: no {f}", dir.display());
        }
        assert!(!dir.join("templates/kustomization.yaml").exists());
        check_chart(&helm, &dir, expected);
        let chart: Value =
            dsl::yaml::from_str(&std::fs::read_to_string(dir.join("Chart.yaml")).unwrap()).unwrap();
        assert_eq!(chart["name"], format!("{app}-{env}").as_str());
        assert_eq!(chart["version"], "0.1.0");
        assert_eq!(chart["kubeVersion"], ">=1.25.0-0");
        assert!(chart["appVersion"].is_string(), "{app}/{env}: appVersion");
    }
    // A second emit changes nothing; the ownership record covers the chart.
    let before = read_tree_bytes(out.path());
    kairn_ok(&["emit", "--format", "helm", "--out", out.arg()]);
    assert_eq!(before, read_tree_bytes(out.path()));
    let o = Command::new("sha256sum")
        .args(["-c", "--quiet", ".kairn-manifest"])
        .current_dir(out.path().join("terrapod/production"))
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stdout));
}

/// A synthetic app whose declaration carries Go-template text in a config value and in
/// an alert rule (expression and description).
fn templated_app() -> dsl::App {
    use dsl::model::monitoring::Metrics;
    use dsl::primitives::image::Image;
    use dsl::{
        cpu, http_path, key, memory, name, port, port_name, AlertRule, Component, HttpService,
        Monitoring, NamedPort, Probes, Replicas, Resources, Severity,
    };
    let http = NamedPort::new(port_name!("http"), port!(8080));
    let api = Component::builder()
        .name(name!("api"))
        .image(Image::parse("ghcr.io/acme/shop:1.4.2").unwrap())
        .resources(Resources::new(
            cpu!("100m"),
            cpu!("1"),
            memory!("128Mi"),
            memory!("256Mi"),
        ))
        .workload(
            HttpService::builder()
                .probes(Probes::http(
                    &http,
                    http_path!("/live"),
                    http_path!("/ready"),
                ))
                .replicas(Replicas::Fixed(2))
                .metrics(Metrics::builder().port(&http).build())
                .port(http)
                .build(),
        )
        .build();
    dsl::App::builder()
        .name(name!("shop"))
        .environment(name!("production"))
        .namespace(name!("shop"))
        .components([api])
        .config(BTreeMap::from([(
            key!("GREETING"),
            "{{ .Values.x }} and {{- template \"y\" }} }} {{{".to_owned(),
        )]))
        .monitoring(
            Monitoring::builder()
                .alerts(vec![AlertRule::builder()
                    .alert("ShopDown")
                    .expr(r#"up{job="{job}", note="{{ .Values.x }}"} == 0"#)
                    .for_("5m")
                    .severity(Severity::Critical)
                    .summary("{{ $labels.instance }} is down")
                    .description(r#"{{- template "y" }} {{ .Values.x }}"#)
                    .build()])
                .build(),
        )
        .build()
}

#[test]
fn template_text_from_a_declaration_is_never_evaluated() {
    let Some(helm) = helm() else { return };
    let app = templated_app();
    let manifests = dsl::render(&app);
    let output = dsl::output::env_output("shop", "production", &manifests).unwrap();
    let stream: String = output
        .resources
        .iter()
        .map(|f| format!("---\n{}", output.files[f]))
        .collect();
    assert!(
        stream.contains("{{ .Values.x }}") && stream.contains("{{- template"),
        "the declaration's text is in the objects"
    );
    let expected = support::objects(&stream, "env_output");

    // The chart directory, written like `emit --format helm` writes it.
    let root = TempDir::new("helm-escape");
    let files = ship::helm::chart_dir_files(
        &output,
        &ship::helm::ChartOptions::new(ship::helm::default_version()),
    )
    .unwrap();
    let unit = dsl::output::Unit::new(root.path().join("shop/production"), &files);
    {
        let _lock = dsl::output::OutputLock::exclusive(root.path(), || {}).unwrap();
        dsl::output::write_units(root.path(), &[unit], &dsl::output::Prune::Nothing, false)
            .unwrap();
    }
    let chart = root.path().join("shop/production");
    let rendered = run_ok(&helm, &["template", "shop", chart.to_str().unwrap()]);
    assert!(
        rendered.contains("{{ .Values.x }}") && rendered.contains("{{- template"),
        "the text comes out of Helm as declared:\n{rendered}"
    );
    assert_same_objects(
        &expected,
        &support::objects(&rendered, "helm template (directory)"),
        "helm template of the chart directory",
    );

    // The same chart as an archive.
    let archive = ship::package::chart_archive(
        &output,
        &ship::package::PackageOptions::new(ship::helm::default_version()),
    )
    .unwrap();
    let tgz = root.path().join(&archive.file);
    std::fs::write(&tgz, &archive.bytes).unwrap();
    run_ok(&helm, &["lint", "--strict", tgz.to_str().unwrap()]);
    let rendered = run_ok(&helm, &["template", "shop", tgz.to_str().unwrap()]);
    assert_same_objects(
        &expected,
        &support::objects(&rendered, "helm template (archive)"),
        "helm template of the chart archive",
    );
}

fn package(out: &Path, epoch: Option<&str>, extra: &[&str]) {
    let mut args = vec!["package", "--out", out.to_str().unwrap()];
    args.extend_from_slice(extra);
    let mut cmd = kairn_cmd(&args);
    match epoch {
        Some(e) => cmd.env("SOURCE_DATE_EPOCH", e),
        None => cmd.env_remove("SOURCE_DATE_EPOCH"),
    };
    let o = cmd.output().unwrap();
    assert!(o.status.success(), "{}", describe(&args, &o));
}

/// The entries of a `.tar.gz`: path to (content, header).
fn unpack(bytes: &[u8]) -> BTreeMap<String, (Vec<u8>, tar::Header)> {
    let mut raw = Vec::new();
    flate2::read::GzDecoder::new(bytes)
        .read_to_end(&mut raw)
        .unwrap();
    let mut archive = tar::Archive::new(&raw[..]);
    let mut out = BTreeMap::new();
    let mut order = Vec::new();
    for entry in archive.entries().unwrap() {
        let mut entry = entry.unwrap();
        let path = entry.path().unwrap().to_string_lossy().into_owned();
        let header = entry.header().clone();
        let mut content = Vec::new();
        entry.read_to_end(&mut content).unwrap();
        order.push(path.clone());
        out.insert(path, (content, header));
    }
    let mut sorted = order.clone();
    sorted.sort();
    assert_eq!(order, sorted, "entries are sorted");
    out
}

#[test]
fn packages_are_reproducible_verifiable_and_render_the_generated_objects() {
    let base = TempDir::new("package");
    let dirs: Vec<PathBuf> = ["a", "b", "c", "d"]
        .iter()
        .map(|d| base.path().join(d))
        .collect();
    let flags = [
        "--source",
        "https://github.com/acme/kairn",
        "--revision",
        "0123abcd",
    ];
    package(&dirs[0], None, &flags);
    package(&dirs[1], None, &flags);
    package(&dirs[2], Some("1700000000"), &flags);
    package(&dirs[3], Some("1700000000"), &flags);
    let trees: Vec<_> = dirs.iter().map(|d| read_tree_bytes(d)).collect();
    assert_eq!(trees[0], trees[1], "two runs, same bytes");
    assert_eq!(
        trees[2], trees[3],
        "two runs with SOURCE_DATE_EPOCH, same bytes"
    );
    assert_ne!(
        trees[0]["index.json"], trees[2]["index.json"],
        "the mtime changes the archives"
    );

    // A third run onto its own output changes nothing.
    package(&dirs[0], None, &flags);
    assert_eq!(trees[0], read_tree_bytes(&dirs[0]));

    let o = Command::new("sha256sum")
        .args(["-c", SUMS_FILE])
        .current_dir(&dirs[0])
        .output()
        .unwrap();
    assert!(
        o.status.success(),
        "sha256sum -c: {}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    );

    let tree = &trees[0];
    let index: Index = serde_json::from_slice(&tree[INDEX_FILE]).unwrap();
    assert_eq!(index.version, "0.1.0");
    assert_eq!(
        index.source.as_deref(),
        Some("https://github.com/acme/kairn")
    );
    assert_eq!(index.revision.as_deref(), Some("0123abcd"));
    let raw: Value = serde_json::from_slice(&tree[INDEX_FILE]).unwrap();
    assert!(
        raw["objects"]
            .as_array()
            .unwrap()
            .iter()
            .any(|o| o["namespace"].is_null()),
        "cluster-scoped objects have namespace null"
    );

    let envs = generated_envs();
    assert_eq!(index.archives.len(), 2 * envs.len());
    let listed: Vec<&String> = index.archives.iter().map(|a| &a.file).collect();
    let mut sorted = listed.clone();
    sorted.sort();
    assert_eq!(listed, sorted);
    let mut files: Vec<&str> = index.archives.iter().map(|a| a.file.as_str()).collect();
    files.extend([INDEX_FILE, SUMS_FILE, ".kairn-manifest"]);
    files.sort();
    assert_eq!(
        tree.keys().map(String::as_str).collect::<Vec<_>>(),
        files,
        "nothing else in the package"
    );

    let mut objects_seen = 0;
    for a in &index.archives {
        let bytes = &tree[&a.file];
        assert_eq!(dsl::output::sha256_hex(bytes), a.sha256, "{}", a.file);
        let entries = unpack(bytes);
        for (path, (_, h)) in &entries {
            assert_eq!(h.entry_type(), tar::EntryType::Regular, "{path}");
            assert_eq!(h.mode().unwrap(), 0o644, "{path}");
            assert_eq!((h.uid().unwrap(), h.gid().unwrap()), (0, 0), "{path}");
            assert_eq!(h.mtime().unwrap(), 315_532_800, "{path}");
        }
        let generated = workspace_root()
            .join("generated")
            .join(&a.app)
            .join(&a.environment);
        match a.kind {
            ArchiveKind::HelmChart => {
                let chart = a.chart.as_deref().unwrap();
                assert_eq!(chart, format!("{}-{}", a.app, a.environment));
                assert!(entries.keys().all(|p| p.starts_with(&format!("{chart}/"))));
                let meta = &entries[&format!("{chart}/Chart.yaml")].0;
                let meta: Value = dsl::yaml::from_str(std::str::from_utf8(meta).unwrap()).unwrap();
                assert_eq!(meta["sources"][0], "https://github.com/acme/kairn");
                assert_eq!(meta["annotations"]["kairn.dev/revision"], "0123abcd");
            }
            ArchiveKind::Manifests => {
                assert!(a.chart.is_none());
                // Exactly the committed directory, ownership record aside.
                let on_disk: BTreeMap<String, Vec<u8>> = read_tree_bytes(&generated)
                    .into_iter()
                    .filter(|(p, _)| p != ".kairn-manifest")
                    .collect();
                let packed: BTreeMap<String, Vec<u8>> = entries
                    .iter()
                    .map(|(p, (c, _))| (p.clone(), c.clone()))
                    .collect();
                assert_eq!(on_disk, packed, "{}", a.file);
                let objs: Vec<_> = index
                    .objects
                    .iter()
                    .filter(|o| o.app == a.app && o.environment == a.environment)
                    .collect();
                // The Flux deployment objects (`flux/`) are for the Flux cluster, not
                // objects of the app: the index lists the app's objects.
                let object_files: Vec<&String> = packed
                    .keys()
                    .filter(|p| {
                        !p.ends_with("kustomization.yaml")
                            && !p.starts_with(&format!("{}/", dsl::output::phases::FLUX_DIR))
                    })
                    .collect();
                assert_eq!(
                    objs.len(),
                    object_files.len(),
                    "{}: one index entry per object file",
                    a.file
                );
                for o in objs {
                    let content = &packed[&o.file];
                    assert_eq!(dsl::output::sha256_hex(content), o.sha256, "{}", o.file);
                    let v: Value =
                        dsl::yaml::from_str(std::str::from_utf8(content).unwrap()).unwrap();
                    assert_eq!(v["apiVersion"], o.api_version.as_str());
                    assert_eq!(v["kind"], o.kind.as_str());
                    assert_eq!(v["metadata"]["name"], o.name.as_str());
                    assert_eq!(v["metadata"]["namespace"].as_str(), o.namespace.as_deref());
                    objects_seen += 1;
                }
            }
        }
    }
    assert_eq!(objects_seen, index.objects.len());

    let Some(helm) = helm() else { return };
    for (app, env, expected) in &envs {
        let tgz = dirs[0].join(format!("{app}-{env}-0.1.0.tgz"));
        check_chart(&helm, &tgz, expected);
    }
}

#[test]
fn package_selects_and_versions_like_emit() {
    let out = TempDir::new("package-select");
    package(
        out.path(),
        None,
        &[
            "--app",
            "gorax",
            "--env",
            "staging",
            "--chart-version",
            "2.3.4-rc.1+build.5",
        ],
    );
    let tree = read_tree_bytes(out.path());
    assert_eq!(
        tree.keys().map(String::as_str).collect::<Vec<_>>(),
        [
            ".kairn-manifest",
            SUMS_FILE,
            "gorax-staging-2.3.4-rc.1+build.5.tgz",
            "gorax-staging-manifests-2.3.4-rc.1+build.5.tar.gz",
            INDEX_FILE
        ]
    );
}

#[test]
fn bad_input_is_refused_and_foreign_files_are_untouched() {
    let out = TempDir::new("package-bad");
    for (args, reason) in [
        (
            vec!["package", "--out", out.arg(), "--chart-version", "1.0"],
            "not SemVer",
        ),
        (
            vec!["package", "--out", out.arg(), "--chart-version", "v1.0.0"],
            "not SemVer",
        ),
        (
            vec!["package", "--out", out.arg(), "--app", "no-such-app"],
            "unknown app",
        ),
        (
            vec!["package", "--out", out.arg(), "--source", "not a url"],
            "not an absolute URL",
        ),
        (
            vec!["emit", "--format", "helm"],
            "--format helm needs --out",
        ),
        (
            vec![
                "emit",
                "--format",
                "helm",
                "--out",
                out.arg(),
                "--chart-version",
                "latest",
            ],
            "not SemVer",
        ),
    ] {
        let o = kairn(&args);
        assert_eq!(o.status.code(), Some(2), "{}", describe(&args, &o));
        assert!(
            support::stderr(&o).contains(reason),
            "{}",
            describe(&args, &o)
        );
    }
    let mut bad_epoch = kairn_cmd(&["package", "--out", out.arg()]);
    let o = bad_epoch
        .env("SOURCE_DATE_EPOCH", "yesterday")
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2), "{}", support::stderr(&o));
    assert!(
        read_tree_bytes(out.path()).is_empty(),
        "usage errors write nothing"
    );

    std::fs::write(out.path().join("notes.txt"), "mine\n").unwrap();
    let args = ["package", "--out", out.arg()];
    let o = kairn(&args);
    assert_eq!(o.status.code(), Some(1), "{}", describe(&args, &o));
    assert!(
        support::stderr(&o).contains("notes.txt"),
        "{}",
        describe(&args, &o)
    );
    assert_eq!(
        read_tree_bytes(out.path()),
        BTreeMap::from([("notes.txt".to_owned(), b"mine\n".to_vec())]),
        "nothing written, the user's file untouched"
    );
    // --force writes the package beside it and keeps it.
    kairn_ok(&[
        "package",
        "--out",
        out.arg(),
        "--app",
        "caelundas",
        "--force",
    ]);
    let tree = read_tree_bytes(out.path());
    assert_eq!(tree["notes.txt"], b"mine\n");
    assert!(tree.contains_key(INDEX_FILE));
}
