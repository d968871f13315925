//! Loading each kind of source `kairn import` reads, from the fixtures under
//! `tests/fixtures/` and kairn's own committed output: the apps and environments made,
//! every object's file and line, and the errors (bad YAML names file:line, a missing
//! tool, two apps of one name, an empty source).
//!
//! Helm is `KAIRN_HELM`, else `<workspace>/.tools/bin/helm`; kubectl is `KAIRN_KUBECTL`,
//! else `kubectl` on `PATH`. A test that needs one skips, saying why, only when the tool
//! is missing and `CI` is not set: in CI a missing tool fails it.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::Once;

use import::load::{common_name, load, load_noted, LoadRequest};
use import::{ImportError, SourceApp};

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures")
}

fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// Whether a tool runs; else `false` after saying why (a failure in CI).
fn have(tool: &str, bin: &Path, hint: &str) -> bool {
    let runs = Command::new(bin)
        .arg("version")
        .arg(if tool == "kubectl" {
            "--client"
        } else {
            "--short"
        })
        .output()
        .is_ok_and(|o| o.status.success());
    if runs {
        return true;
    }
    let why = format!("{tool} not found at {} ({hint})", bin.display());
    assert!(std::env::var_os("CI").is_none(), "{why}");
    eprintln!("SKIPPED: {why}");
    false
}

static HELM_VAR: Once = Once::new();

/// Points `KAIRN_HELM` at the workspace's pinned helm unless it is set; whether helm runs.
fn helm() -> bool {
    HELM_VAR.call_once(|| {
        if std::env::var_os("KAIRN_HELM").is_none() {
            // Every test of this binary sets the same value, before any reads it.
            std::env::set_var("KAIRN_HELM", workspace_root().join(".tools/bin/helm"));
        }
    });
    let bin = PathBuf::from(std::env::var_os("KAIRN_HELM").unwrap_or_default());
    have(
        "helm",
        &bin,
        "KAIRN_HELM, default <workspace>/.tools/bin/helm: run `bash scripts/install-test-tools.sh`",
    )
}

fn kubectl() -> bool {
    let bin =
        std::env::var_os("KAIRN_KUBECTL").map_or_else(|| PathBuf::from("kubectl"), PathBuf::from);
    have("kubectl", &bin, "KAIRN_KUBECTL, default kubectl on PATH")
}

fn request(sources: &[PathBuf]) -> LoadRequest {
    LoadRequest {
        sources: sources.to_vec(),
        ..LoadRequest::default()
    }
}

/// `(kind/name, file name, line)` of every object of an environment.
fn where_from(app: &SourceApp, env: usize) -> Vec<(String, String, u64)> {
    app.envs[env]
        .objects
        .iter()
        .map(|o| {
            (
                format!(
                    "{}/{}",
                    o.value["kind"].as_str().unwrap_or_default(),
                    o.value["metadata"]["name"].as_str().unwrap_or_default()
                ),
                o.file
                    .file_name()
                    .unwrap_or_default()
                    .to_string_lossy()
                    .into_owned(),
                o.line,
            )
        })
        .collect()
}

fn err(result: Result<Vec<SourceApp>, ImportError>) -> String {
    match result {
        Ok(apps) => panic!("expected an error, loaded {} app(s)", apps.len()),
        Err(e) => e.to_string(),
    }
}

#[test]
fn a_yaml_file_is_one_app_with_noise_tolerated_and_lists_expanded() {
    let outcome = load_noted(&request(&[fixtures().join("plain/shop.yaml")])).unwrap();
    let [app] = outcome.apps.as_slice() else {
        panic!("one app: {:?}", outcome.apps)
    };
    assert_eq!(app.name, "shop");
    assert_eq!(app.envs.len(), 1);
    assert_eq!(app.envs[0].name, "default");
    assert_eq!(
        where_from(app, 0),
        [
            ("ServiceAccount/api".into(), "shop.yaml".into(), 4),
            ("ConfigMap/settings".into(), "shop.yaml".into(), 14),
            ("Deployment/api".into(), "shop.yaml".into(), 20),
        ]
    );
    // The scalar document is noted; the empty and comment-only ones are not.
    assert_eq!(outcome.notes.len(), 1, "{:?}", outcome.notes);
    assert!(
        outcome.notes[0].contains("shop.yaml:36: passed over: not a Kubernetes object"),
        "{:?}",
        outcome.notes
    );
}

#[test]
fn a_directory_is_read_recursively_with_json() {
    let apps = load(&request(&[fixtures().join("tree")])).unwrap();
    assert_eq!(apps.len(), 1);
    assert_eq!(apps[0].name, "tree");
    assert_eq!(
        where_from(&apps[0], 0),
        [
            ("Service/web".into(), "a.yml".into(), 1),
            ("Deployment/web".into(), "deploy.json".into(), 1),
        ]
    );
}

#[test]
fn bad_yaml_names_file_and_line() {
    let e = err(load(&request(&[fixtures().join("plain/bad.yaml")])));
    assert!(e.contains("bad.yaml:10: malformed YAML"), "{e}");
    assert_eq!(e.lines().count(), 1, "{e}");
}

#[test]
fn unreadable_and_empty_sources_are_errors() {
    let e = err(load(&request(&[fixtures().join("no-such.yaml")])));
    assert!(
        e.contains("no-such.yaml: cannot read: No such file or directory"),
        "{e}"
    );

    let dir = std::env::temp_dir().join(format!("kairn-import-empty-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("notes.yaml"), "# nothing here\n---\n").unwrap();
    let e = err(load(&request(std::slice::from_ref(&dir))));
    let _ = std::fs::remove_dir_all(&dir);
    assert!(e.starts_with("no Kubernetes objects in "), "{e}");

    let file =
        std::env::temp_dir().join(format!("kairn-import-values-{}.yaml", std::process::id()));
    std::fs::write(&file, "replicas: 2\nimage: nginx\n").unwrap();
    let e = err(load(&request(std::slice::from_ref(&file))));
    let _ = std::fs::remove_file(&file);
    assert!(
        e.ends_with(":1: passed over: not a Kubernetes object (no apiVersion and kind)"),
        "the error says why the one document did not count: {e}"
    );
}

#[test]
fn two_apps_of_one_name_are_refused() {
    let e = err(load(&request(&[
        fixtures().join("plain/shop.yaml"),
        fixtures().join("plain/shop.yaml"),
    ])));
    assert!(e.contains("two sources make an app named `shop`"), "{e}");
}

#[test]
fn app_and_values_must_fit_the_sources() {
    let mut r = request(&[fixtures().join("plain/shop.yaml"), fixtures().join("tree")]);
    r.app = Some("x".into());
    assert!(err(load(&r)).contains("--app names the one app"));
    let mut r = request(&[fixtures().join("tree")]);
    r.values = vec![(
        "staging".into(),
        fixtures().join("chart/values/staging.yaml"),
    )];
    assert!(err(load(&r)).contains("--values goes with exactly one --helm CHART"));
    let mut r = request(&[]);
    r.envs = vec![
        ("staging".into(), fixtures().join("tree")),
        ("staging".into(), fixtures().join("plain/shop.yaml")),
    ];
    assert!(err(load(&r)).contains("--env staging=... is given twice"));
    r.envs[1].0 = "Prod".into();
    assert!(err(load(&r)).contains("an environment name is a DNS label"));
    assert!(err(load(&request(&[]))).starts_with("nothing to import"));
}

#[test]
fn namespace_fills_namespaced_objects_only() {
    let mut r = request(&[
        fixtures().join("kustomize/overlays/staging/namespace.yaml"),
        fixtures().join("tree"),
    ]);
    r.namespace = Some("shop".into());
    let apps = load(&r).unwrap();
    assert_eq!(
        apps[0].envs[0].objects[0].value["metadata"].get("namespace"),
        None
    );
    for o in &apps[1].envs[0].objects {
        assert_eq!(o.value["metadata"]["namespace"], "shop");
    }
}

#[test]
fn env_sources_name_their_app_after_the_common_directory() {
    let base = fixtures().join("kustomize/overlays");
    let name = common_name(
        [base.join("staging"), base.join("production")]
            .iter()
            .map(PathBuf::as_path),
    );
    // overlays/ is generic, kustomize/ too: the next directory up names the app.
    assert_eq!(name.unwrap(), "fixtures");
    let name = common_name(
        [
            Path::new("/srv/shop/deploy/overlays/a"),
            Path::new("/srv/shop/deploy/overlays/b"),
        ]
        .into_iter(),
    );
    assert_eq!(name.unwrap(), "shop");
    let name = common_name(
        [
            Path::new("/srv/checkout/staging.yaml"),
            Path::new("/srv/checkout/prod.yaml"),
        ]
        .into_iter(),
    );
    assert_eq!(name.unwrap(), "checkout");
}

#[test]
fn kairn_output_trees_round_trip_their_layout() {
    let root = workspace_root();
    let apps = load(&request(&[root.join("generated/gorax")])).unwrap();
    assert_eq!(apps.len(), 1);
    assert_eq!(apps[0].name, "gorax");
    let envs: Vec<&str> = apps[0].envs.iter().map(|e| e.name.as_str()).collect();
    assert_eq!(envs, ["development", "production", "staging"]);
    for env in &apps[0].envs {
        assert!(!env.objects.is_empty());
        for o in &env.objects {
            assert_ne!(o.value["kind"], "Kustomization", "{}", o.file.display());
            assert!(o
                .file
                .starts_with(root.join("generated/gorax").join(&env.name)));
        }
    }

    // The shop example, with hook phases: objects under phases/*/ are read, flux/ is not.
    let apps = load(&request(&[root.join("examples/shop/generated")])).unwrap();
    let names: Vec<&str> = apps.iter().map(|a| a.name.as_str()).collect();
    assert_eq!(names, ["shop", "shop-logs"]);
    let staging = &apps[0].envs[1];
    assert_eq!(staging.name, "staging");
    let files: Vec<String> = staging
        .objects
        .iter()
        .map(|o| o.file.to_string_lossy().into_owned())
        .collect();
    assert!(
        files
            .iter()
            .any(|f| f.contains("phases/1-before-deploy/job-shop-migrate")),
        "{files:?}"
    );
    assert!(files
        .iter()
        .all(|f| !f.contains("/flux/") && !f.ends_with("kustomization.yaml")));
    let on_disk =
        std::fs::read_to_string(root.join("examples/shop/generated/shop/staging/.kairn-manifest"))
            .unwrap()
            .lines()
            .filter(|l| !l.ends_with("kustomization.yaml") && !l.contains(" flux/"))
            .count();
    assert_eq!(staging.objects.len(), on_disk);
}

#[test]
fn kustomize_overlays_are_environments_with_origin_files() {
    if !kubectl() {
        return;
    }
    let base = fixtures().join("kustomize/overlays");
    let r = LoadRequest {
        envs: vec![
            ("staging".into(), base.join("staging")),
            ("production".into(), base.join("production")),
        ],
        app: Some("web".into()),
        ..LoadRequest::default()
    };
    let apps = load(&r).unwrap();
    assert_eq!(apps.len(), 1);
    assert_eq!(apps[0].name, "web");
    assert_eq!(apps[0].envs[0].name, "staging");
    let mut got = where_from(&apps[0], 0);
    got.sort();
    let cm = got
        .iter()
        .find(|(k, _, _)| k.starts_with("ConfigMap/web-config-"))
        .cloned();
    assert_eq!(
        cm.map(|c| (c.1, c.2)),
        Some(("kustomization.yaml".into(), 1))
    );
    got.retain(|(k, _, _)| !k.starts_with("ConfigMap/web-config-"));
    assert_eq!(
        got,
        [
            ("ConfigMap/unrelated".into(), "service.yaml".into(), 1),
            ("Deployment/web".into(), "deployment.yaml".into(), 2),
            ("Namespace/web-staging".into(), "namespace.yaml".into(), 1),
            ("Service/web".into(), "service.yaml".into(), 7),
        ]
    );
    for o in &apps[0].envs[1].objects {
        let annotations = &o.value["metadata"]["annotations"];
        assert!(
            annotations.get("config.kubernetes.io/origin").is_none(),
            "{annotations}"
        );
        if o.value["kind"] != "Namespace" {
            assert_eq!(o.value["metadata"]["namespace"], "web-production");
        }
    }
    // The origin file is a real path: relative to the current directory when under it.
    let deployment = apps[0].envs[0]
        .objects
        .iter()
        .find(|o| o.value["kind"] == "Deployment")
        .unwrap();
    assert!(
        Path::new(&deployment.file).is_file(),
        "{}",
        deployment.file.display()
    );
}

#[test]
fn a_kustomize_directory_alone_is_one_app() {
    if !kubectl() {
        return;
    }
    let apps = load(&request(&[fixtures().join("kustomize/overlays/staging")])).unwrap();
    assert_eq!(apps[0].name, "staging");
    assert_eq!(apps[0].envs[0].objects.len(), 5);
}

#[test]
fn a_failing_kustomize_build_quotes_kubectl() {
    if !kubectl() {
        return;
    }
    let dir = std::env::temp_dir().join(format!("kairn-import-badk-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(
        dir.join("kustomization.yaml"),
        "resources: [missing.yaml]\n",
    )
    .unwrap();
    let e = err(load(&request(std::slice::from_ref(&dir))));
    let _ = std::fs::remove_dir_all(&dir);
    assert!(
        e.starts_with(&format!(
            "kubectl kustomize {} failed (exit 1): ",
            dir.display()
        )),
        "{e}"
    );
    assert!(e.contains("missing.yaml"), "{e}");
}

#[test]
fn a_chart_with_two_values_files_is_two_environments() {
    if !helm() {
        return;
    }
    let r = LoadRequest {
        helm: vec![fixtures().join("chart/web")],
        values: vec![
            (
                "staging".into(),
                fixtures().join("chart/values/staging.yaml"),
            ),
            (
                "production".into(),
                fixtures().join("chart/values/production.yaml"),
            ),
        ],
        namespace: Some("web".into()),
        ..LoadRequest::default()
    };
    let apps = load(&r).unwrap();
    let [app] = apps.as_slice() else {
        panic!("{apps:?}")
    };
    assert_eq!(app.name, "web");
    assert_eq!(
        app.origin,
        format!("--helm {}", fixtures().join("chart/web").display())
    );
    let envs: Vec<&str> = app.envs.iter().map(|e| e.name.as_str()).collect();
    assert_eq!(envs, ["staging", "production"]);
    let replicas = |env: usize| {
        app.envs[env]
            .objects
            .iter()
            .find(|o| o.value["kind"] == "Deployment")
            .map(|o| o.value["spec"]["replicas"].clone())
    };
    assert_eq!(replicas(0), Some(1.into()));
    assert_eq!(replicas(1), Some(3.into()));
    for o in &app.envs[1].objects {
        assert_eq!(
            o.value["metadata"]["namespace"], "web",
            "--namespace reaches helm and fills the rest"
        );
        let file = o.file.strip_prefix(fixtures().join("chart/web")).unwrap();
        assert!(file.starts_with("templates"), "{}", o.file.display());
        assert_eq!(o.line, 1);
    }
}

#[test]
fn a_chart_directory_given_alone_and_set_values() {
    if !helm() {
        return;
    }
    let r = LoadRequest {
        sources: vec![fixtures().join("chart/web")],
        set: vec!["replicas=5".into()],
        app: Some("shop-web".into()),
        ..LoadRequest::default()
    };
    let apps = load(&r).unwrap();
    assert_eq!(apps[0].name, "shop-web");
    let d = apps[0].envs[0]
        .objects
        .iter()
        .find(|o| o.value["kind"] == "Deployment")
        .unwrap();
    assert_eq!(d.value["spec"]["replicas"], 5);
    assert_eq!(
        d.value["metadata"]["name"], "shop-web",
        "the release is named after the app"
    );
}

#[test]
fn a_failing_helm_render_quotes_helm() {
    if !helm() {
        return;
    }
    let r = LoadRequest {
        helm: vec![fixtures().join("chart/web")],
        set: vec!["replicas={broken".into()],
        ..LoadRequest::default()
    };
    let e = err(load(&r));
    assert!(e.starts_with("helm template web "), "{e}");
    assert!(e.contains("failed (exit 1): "), "{e}");
    let r = LoadRequest {
        helm: vec![fixtures().join("tree")],
        ..LoadRequest::default()
    };
    assert!(err(load(&r)).contains("not a Helm chart (no Chart.yaml)"));
}

#[test]
fn a_base_with_overlays_is_one_app_with_an_environment_per_overlay() {
    if !kubectl() {
        return;
    }
    let apps = load(&request(&[fixtures().join("kustomize")])).unwrap();
    let [app] = apps.as_slice() else {
        panic!("{apps:?}")
    };
    // kustomize/ is a generic directory name: the app is named after the one above.
    assert_eq!(app.name, "fixtures");
    let envs: Vec<&str> = app.envs.iter().map(|e| e.name.as_str()).collect();
    assert_eq!(envs, ["production", "staging"]);
    assert_eq!(app.envs[0].objects.len(), 5);
}

#[test]
fn a_kustomization_or_chart_inside_plain_yaml_is_refused() {
    let dir = std::env::temp_dir().join(format!("kairn-import-mixed-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(dir.join("app")).unwrap();
    std::fs::write(
        dir.join("a.yaml"),
        "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\n",
    )
    .unwrap();
    std::fs::write(dir.join("app/kustomization.yaml"), "resources: []\n").unwrap();
    let e = err(load(&request(std::slice::from_ref(&dir))));
    let _ = std::fs::remove_dir_all(&dir);
    assert!(
        e.contains("app: holds a kustomization, which its own tool renders"),
        "{e}"
    );
}

#[test]
fn a_packaged_chart_is_named_without_its_version() {
    if !helm() {
        return;
    }
    let dir = std::env::temp_dir().join(format!("kairn-import-tgz-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let bin = std::env::var_os("KAIRN_HELM").unwrap();
    let o = Command::new(bin)
        .args(["package", "--destination"])
        .arg(&dir)
        .arg(fixtures().join("chart/web"))
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let tgz = dir.join("web-0.1.0.tgz");
    let apps = load(&LoadRequest {
        helm: vec![tgz.clone()],
        ..LoadRequest::default()
    });
    let _ = std::fs::remove_dir_all(&dir);
    let apps = apps.unwrap();
    assert_eq!(apps[0].name, "web");
    let files: Vec<PathBuf> = apps[0].envs[0]
        .objects
        .iter()
        .map(|o| o.file.clone())
        .collect();
    assert!(
        files.contains(&tgz.join("web/templates/deployment.yaml")),
        "{files:?}"
    );
}

/// The build that learns each object's file (a wrapper kustomization with origin
/// annotations, removed again) gives exactly the objects of a plain `kubectl kustomize`.
#[test]
fn the_origin_build_equals_the_plain_build() {
    if !kubectl() {
        return;
    }
    let bin =
        std::env::var_os("KAIRN_KUBECTL").map_or_else(|| PathBuf::from("kubectl"), PathBuf::from);
    for env in ["staging", "production"] {
        let dir = fixtures().join("kustomize/overlays").join(env);
        let apps = load(&request(std::slice::from_ref(&dir))).unwrap();
        let ours: Vec<&serde_json::Value> =
            apps[0].envs[0].objects.iter().map(|o| &o.value).collect();
        let out = Command::new(&bin)
            .arg("kustomize")
            .arg(&dir)
            .output()
            .unwrap();
        assert!(out.status.success());
        let plain =
            dsl::validate::parse_str("plain", &String::from_utf8(out.stdout).unwrap()).unwrap();
        let plain: Vec<&serde_json::Value> = plain.documents.iter().map(|d| d.value()).collect();
        assert_eq!(ours, plain, "{env}");
        assert!(
            apps[0].envs[0].objects.iter().all(|o| o.file != dir),
            "every object has its file"
        );
    }
}
