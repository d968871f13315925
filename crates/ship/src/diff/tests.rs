//! Unit tests of `diff`: field paths, object identity and renames, reading trees, bundles
//! and packages alike, and deterministic reports.

use std::collections::BTreeMap;
use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};

use dsl::output::{EnvOutput, HEADER_MARK};
use serde_json::{json, Value};

use super::*;

fn snapshot(app: &str, env: &str, yaml: &str) -> Snapshot {
    let mut s = Snapshot::default();
    s.add_yaml(app, env, "test.yaml", yaml).unwrap();
    s
}

fn paths(fields: &[FieldChange]) -> Vec<String> {
    fields.iter().map(|f| f.path.clone()).collect()
}

const DEPLOYMENT: &str = r#"
apiVersion: apps/v1
kind: Deployment
metadata:
  name: shop-api
  namespace: shop
  labels:
    app.kubernetes.io/name: shop
spec:
  replicas: 2
  template:
    spec:
      containers:
      - name: api
        image: shop:1
        env:
        - name: A
          value: "1"
      - name: sidecar
        image: proxy:1
"#;

#[test]
fn list_items_are_matched_by_name_when_every_item_has_one() {
    let old: Value = json!({"c": [{"name": "a", "image": "x:1"}, {"name": "b", "image": "y:1"}]});
    let new: Value = json!({"c": [{"name": "b", "image": "y:2"}, {"name": "a", "image": "x:1"}]});
    let fields = diff_fields(&old, &new);
    assert_eq!(paths(&fields), ["c", "c[name=b].image"]);
    assert_eq!(fields[0].change, FieldChangeKind::Reordered);
    assert_eq!(fields[0].old, Some(json!(["a", "b"])));
    assert_eq!(fields[1].old, Some(json!("y:1")));
    assert_eq!(fields[1].new, Some(json!("y:2")));

    // An item added and one removed, by name.
    let new: Value = json!({"c": [{"name": "a", "image": "x:1"}, {"name": "z", "image": "z:1"}]});
    let fields = diff_fields(&old, &new);
    assert_eq!(paths(&fields), ["c[name=b]", "c[name=z]"]);
    assert_eq!(fields[0].change, FieldChangeKind::Removed);
    assert_eq!(fields[1].change, FieldChangeKind::Added);
    assert_eq!(fields[1].new, Some(json!({"name": "z", "image": "z:1"})));
}

#[test]
fn lists_without_unique_names_are_matched_by_index() {
    let old = json!({"args": ["a", "b"], "rules": [{"port": 1}, {"port": 2}]});
    let new = json!({"args": ["a", "c", "d"], "rules": [{"port": 1}, {"port": 3}]});
    let fields = diff_fields(&old, &new);
    assert_eq!(paths(&fields), ["args[1]", "args[2]", "rules[1].port"]);
    assert_eq!(fields[1].change, FieldChangeKind::Added);

    // Repeated names: by index.
    let old = json!([{"name": "a", "v": 1}, {"name": "a", "v": 2}]);
    let new = json!([{"name": "a", "v": 1}, {"name": "a", "v": 3}]);
    assert_eq!(paths(&diff_fields(&old, &new)), ["[1].v"]);
}

#[test]
fn nested_paths_quote_keys_that_are_not_words() {
    let old = json!({"metadata": {"labels": {"app.kubernetes.io/name": "a", "tier": "x"}}});
    let new =
        json!({"metadata": {"labels": {"app.kubernetes.io/name": "b"}, "annotations": {"n": "1"}}});
    let fields = diff_fields(&old, &new);
    assert_eq!(
        paths(&fields),
        [
            "metadata.annotations",
            r#"metadata.labels["app.kubernetes.io/name"]"#,
            "metadata.labels.tier"
        ]
    );
    assert_eq!(
        fields.iter().map(|f| f.change).collect::<Vec<_>>(),
        [
            FieldChangeKind::Added,
            FieldChangeKind::Changed,
            FieldChangeKind::Removed
        ]
    );
    // A type change is one change of the whole value.
    let fields = diff_fields(&json!({"a": {"b": 1}}), &json!({"a": [1]}));
    assert_eq!(paths(&fields), ["a"]);
    assert_eq!(fields[0].change, FieldChangeKind::Changed);
    assert!(diff_fields(&json!({"a": [1, {"b": 2}]}), &json!({"a": [1, {"b": 2}]})).is_empty());
}

#[test]
fn objects_added_removed_and_changed() {
    let old = snapshot(
        "shop",
        "production",
        &format!(
            "{DEPLOYMENT}---\napiVersion: v1\nkind: Service\nmetadata:\n  name: old\n  namespace: shop\n"
        ),
    );
    let new = snapshot(
        "shop",
        "production",
        &format!(
            "{}---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: extra\n  namespace: shop\n",
            DEPLOYMENT
                .replace("shop:1", "shop:2")
                .replace("value: \"1\"", "value: \"2\"")
        ),
    );
    let d = diff(&old, &new);
    assert_eq!(
        d.summary,
        Summary {
            added: 1,
            removed: 1,
            changed: 1,
            unchanged: 0,
            environments: 1
        }
    );
    // Ordered by key: core group ("") before apps, then kind.
    let listed: Vec<(ChangeKind, &str)> = d
        .objects
        .iter()
        .map(|o| (o.change, o.name.as_str()))
        .collect();
    assert_eq!(
        listed,
        [
            (ChangeKind::Added, "extra"),
            (ChangeKind::Removed, "old"),
            (ChangeKind::Changed, "shop-api")
        ]
    );
    let changed = &d.objects[2];
    assert_eq!(
        paths(&changed.fields),
        [
            "spec.template.spec.containers[name=api].env[name=A].value",
            "spec.template.spec.containers[name=api].image"
        ]
    );
    assert_eq!(changed.fields[1].old, Some(json!("shop:1")));
    assert_eq!(changed.fields[1].new, Some(json!("shop:2")));

    assert!(!diff(&old, &old).summary.has_differences());
    assert_eq!(diff(&old, &old).summary.unchanged, 2);
}

#[test]
fn api_version_is_a_field_but_the_group_is_identity() {
    let hpa =
        |v: &str| format!("apiVersion: {v}\nkind: HorizontalPodAutoscaler\nmetadata:\n  name: h\n");
    let d = diff(
        &snapshot("a", "e", &hpa("autoscaling/v2beta2")),
        &snapshot("a", "e", &hpa("autoscaling/v2")),
    );
    assert_eq!(d.summary.changed, 1);
    assert_eq!(paths(&d.objects[0].fields), ["apiVersion"]);
    let d = diff(
        &snapshot("a", "e", &hpa("autoscaling/v2")),
        &snapshot("a", "e", &hpa("other.io/v2")),
    );
    assert_eq!((d.summary.added, d.summary.removed), (1, 1));
}

fn job(name: &str, image: &str) -> String {
    format!(
        "apiVersion: batch/v1\nkind: Job\nmetadata:\n  name: {name}\n  namespace: shop\nspec:\n  template:\n    spec:\n      containers:\n      - name: migrate\n        image: {image}\n"
    )
}

#[test]
fn hash_suffixed_names_are_paired_as_renames() {
    assert_eq!(
        hash_stem("prod-gorax-migrate-0aa6367c"),
        Some("prod-gorax-migrate")
    );
    assert_eq!(hash_stem("prod-gorax-migrate-0AA6367C"), None);
    assert_eq!(hash_stem("prod-gorax-migrate"), None);
    assert_eq!(hash_stem("-0aa6367c"), None);

    let old = snapshot("shop", "production", &job("shop-migrate-0aa6367c", "m:1"));
    let new = snapshot("shop", "production", &job("shop-migrate-1234abcd", "m:2"));
    let d = diff(&old, &new);
    assert_eq!(
        (d.summary.added, d.summary.removed, d.summary.changed),
        (0, 0, 1)
    );
    let o = &d.objects[0];
    assert_eq!(o.change, ChangeKind::Changed);
    assert_eq!(o.name, "shop-migrate-1234abcd");
    assert_eq!(o.renamed_from.as_deref(), Some("shop-migrate-0aa6367c"));
    assert_eq!(
        paths(&o.fields),
        [
            "metadata.name",
            "spec.template.spec.containers[name=migrate].image"
        ]
    );

    // Ambiguous (two new candidates) or another kind: no pairing.
    let two = snapshot(
        "shop",
        "production",
        &format!(
            "{}---\n{}",
            job("shop-migrate-1234abcd", "m:2"),
            job("shop-migrate-99999999", "m:3")
        ),
    );
    let d = diff(&old, &two);
    assert_eq!((d.summary.added, d.summary.removed), (2, 1));
    let other_env = snapshot("shop", "staging", &job("shop-migrate-1234abcd", "m:2"));
    let d = diff(&old, &other_env);
    assert_eq!((d.summary.added, d.summary.removed), (1, 1));
}

#[test]
fn duplicates_are_errors_and_non_objects_are_skipped() {
    let mut s = Snapshot::default();
    let svc = "apiVersion: v1\nkind: Service\nmetadata:\n  name: a\n";
    let err = s
        .add_yaml("a", "e", "x.yaml", &format!("{svc}---\n{svc}"))
        .unwrap_err();
    assert!(err.message.contains("also in x.yaml:1"), "{err}");

    let mut s = Snapshot::default();
    s.add_yaml("a", "e", "x.yaml", "just: data\n").unwrap();
    assert!(s.objects.is_empty());
    assert_eq!(s.skipped.len(), 1);
    assert!(s.environments.contains(&("a".into(), "e".into())));
    assert!(s.add_yaml("a", "e", "bad.yaml", "a: [").is_err());
}

fn output(app: &str, env: &str, yaml: &str) -> EnvOutput {
    let name = "deployment-shop-api.yaml".to_owned();
    EnvOutput {
        app: app.into(),
        environment: env.into(),
        files: BTreeMap::from([(name.clone(), format!("{HEADER_MARK} header\n{yaml}"))]),
        resources: vec![name],
    }
}

struct Temp(PathBuf);

impl Temp {
    fn new(label: &str) -> Temp {
        let dir =
            std::env::temp_dir().join(format!("kairn-ship-diff-{label}-{}", std::process::id()));
        let _ = fs::remove_dir_all(&dir);
        fs::create_dir_all(&dir).unwrap();
        Temp(dir)
    }
}

impl Drop for Temp {
    fn drop(&mut self) {
        let _ = fs::remove_dir_all(&self.0);
    }
}

fn write(path: &Path, text: &str) {
    fs::create_dir_all(path.parent().unwrap()).unwrap();
    fs::write(path, text).unwrap();
}

fn bundle(path: &Path, files: &[(&str, &str)]) {
    let file = fs::File::create(path).unwrap();
    let gz = flate2::write::GzEncoder::new(file, flate2::Compression::default());
    let mut tar = tar::Builder::new(gz);
    for (name, text) in files {
        let mut header = tar::Header::new_gnu();
        header.set_size(text.len() as u64);
        header.set_mode(0o644);
        header.set_cksum();
        tar.append_data(&mut header, name, text.as_bytes()).unwrap();
    }
    tar.into_inner().unwrap().finish().unwrap().flush().unwrap();
}

#[test]
fn trees_env_dirs_bundles_and_packages_read_alike() {
    let fresh = Snapshot::from_outputs(&[output("shop", "production", DEPLOYMENT)]).unwrap();
    let t = Temp::new("read");
    let env = t.0.join("tree/shop/production");
    write(
        &env.join("deployment-shop-api.yaml"),
        &format!("# header\n{DEPLOYMENT}"),
    );
    write(
        &env.join("kustomization.yaml"),
        "apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\n",
    );
    write(&env.join(".kairn-manifest"), "not yaml: [\n");
    write(&t.0.join("tree/.lock"), "");

    for path in [t.0.join("tree"), t.0.join("tree/shop"), env.clone()] {
        let (_, old) = read_against(&path, None, None).unwrap();
        let d = diff(&old, &fresh);
        assert!(!d.summary.has_differences(), "{}: {d:?}", path.display());
        assert_eq!(d.summary.unchanged, 1);
    }
    assert_eq!(
        read_against(&t.0.join("tree"), None, None).unwrap().0,
        SourceKind::OutputTree
    );

    // Nested phase directories are read too.
    write(
        &env.join("phases/1/job.yaml"),
        &job("shop-migrate-0aa6367c", "m:1"),
    );
    let (_, old) = read_against(&t.0.join("tree"), None, None).unwrap();
    assert_eq!(diff(&old, &fresh).summary.removed, 1);

    // A bundle: app and environment from flags or from index.json beside it.
    let pkg = t.0.join("pkg");
    fs::create_dir_all(&pkg).unwrap();
    let tgz = pkg.join("shop-production-manifests.tar.gz");
    bundle(
        &tgz,
        &[
            ("deployment-shop-api.yaml", DEPLOYMENT),
            ("kustomization.yaml", "kind: Kustomization\n"),
        ],
    );
    let err = read_against(&tgz, None, None).unwrap_err();
    assert!(err.message.contains("--app and --env"), "{err}");
    let (kind, old) = read_against(&tgz, Some("shop"), Some("production")).unwrap();
    assert_eq!(kind, SourceKind::Bundle);
    assert!(!diff(&old, &fresh).summary.has_differences());

    write(
        &pkg.join("index.json"),
        &json!({
            "version": 1,
            "archives": [
                {"file": "shop-production-chart.tgz", "kind": "helm-chart", "app": "shop", "environment": "production", "chart": "shop", "sha256": "0"},
                {"file": "shop-production-manifests.tar.gz", "kind": "manifests", "app": "shop", "environment": "production", "sha256": "0"}
            ],
            "objects": []
        })
        .to_string(),
    );
    let (_, old) = read_against(&tgz, None, None).unwrap();
    assert!(!diff(&old, &fresh).summary.has_differences());
    let (kind, old) = read_against(&pkg, None, None).unwrap();
    assert_eq!(kind, SourceKind::Package);
    assert!(!diff(&old, &fresh).summary.has_differences());

    // An archive outside the package is refused; a corrupt archive is an error.
    write(
        &pkg.join("index.json"),
        r#"{"archives": [{"file": "../x.tar.gz", "kind": "manifests", "app": "a", "environment": "e"}]}"#,
    );
    assert!(read_against(&pkg, None, None).is_err());
    write(&t.0.join("bad.tar.gz"), "not gzip");
    assert!(read_against(&t.0.join("bad.tar.gz"), Some("a"), Some("e")).is_err());
    assert!(read_against(&t.0.join("missing"), None, None).is_err());
}

#[test]
fn reports_are_deterministic_and_name_every_change() {
    let old = snapshot(
        "shop",
        "production",
        &format!("{DEPLOYMENT}---\n{}", job("shop-migrate-0aa6367c", "m:1")),
    );
    let new_yaml = format!(
        "{}---\n{}---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: files\n  namespace: shop\ndata:\n  app.toml: |\n    a = 1\n    b = 3\n",
        DEPLOYMENT.replace("shop:1", "shop:2"),
        job("shop-migrate-1234abcd", "m:2")
    );
    let new = snapshot("shop", "production", &new_yaml);
    let d = diff(&old, &new);

    let mut text = Vec::new();
    write_text(&mut text, &d, "generated").unwrap();
    let text = String::from_utf8(text).unwrap();
    assert!(
        text.starts_with("shop/production: 1 added, 0 removed, 2 changed\n"),
        "{text}"
    );
    assert!(
        text.contains("  + ConfigMap/files (namespace shop)\n"),
        "{text}"
    );
    assert!(
        text.contains(
            "      spec.template.spec.containers[name=api].image: \"shop:1\" → \"shop:2\"\n"
        ),
        "{text}"
    );
    assert!(
        text.contains(
            "  ~ Job/shop-migrate-1234abcd (namespace shop), renamed from shop-migrate-0aa6367c\n"
        ),
        "{text}"
    );
    assert!(
        text.ends_with("\n1 added, 0 removed, 2 changed (0 objects unchanged in 1 environment compared with generated)\n"),
        "{text}"
    );

    let mut md = Vec::new();
    write_markdown(&mut md, &d, "generated").unwrap();
    let md = String::from_utf8(md).unwrap();
    assert!(
        md.starts_with("### kairn diff: 1 added, 0 removed, 2 changed\n"),
        "{md}"
    );
    assert!(
        md.contains("<details><summary><b>shop/production</b>"),
        "{md}"
    );
    assert!(md.contains("\n-     spec.template.spec.containers[name=api].image: \"shop:1\"\n+     spec.template.spec.containers[name=api].image: \"shop:2\"\n"), "{md}");

    let mut js = Vec::new();
    write_json(&mut js, &d, "generated").unwrap();
    let v: Value = serde_json::from_slice(&js).unwrap();
    assert_eq!(v["version"], JSON_VERSION);
    assert_eq!(v["summary"]["changed"], 2);
    assert_eq!(v["objects"][0]["change"], "added");
    assert_eq!(v["objects"][0]["apiVersion"], "v1");
    assert_eq!(v["objects"][2]["renamedFrom"], "shop-migrate-0aa6367c");
    assert!(v["objects"][0].get("fields").is_none());

    // A changed multi-line string is shown as a line diff.
    let changed_file = snapshot("shop", "production", &new_yaml.replace("b = 3", "b = 4"));
    let mut text = Vec::new();
    write_text(&mut text, &diff(&new, &changed_file), "x").unwrap();
    let text = String::from_utf8(text).unwrap();
    assert!(
        text.contains("      data[\"app.toml\"]: text changed:\n          a = 1\n        - b = 3\n        + b = 4\n"),
        "{text}"
    );

    let mut none = Vec::new();
    write_text(&mut none, &diff(&old, &old), "generated").unwrap();
    assert_eq!(
        String::from_utf8(none).unwrap(),
        "no differences: 2 objects unchanged in 1 environment compared with generated\n"
    );
}
