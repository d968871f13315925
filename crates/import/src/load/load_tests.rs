//! Unit tests of naming and namespace filling.

use super::*;

#[test]
fn names_become_dns_labels() {
    assert_eq!(dns_label("My_Chart.v2"), "my-chart-v2");
    assert_eq!(dns_label("2048-game"), "game");
    assert_eq!(dns_label("--"), "");
    assert_eq!(dns_label(&"a".repeat(50)).len(), 40);
    assert_eq!(
        app_name_of(Path::new("deploy/checkout.yaml")).unwrap(),
        "checkout"
    );
}

#[test]
fn the_common_directory_passes_over_generic_names() {
    let name = |paths: &[&str]| common_name(paths.iter().map(Path::new));
    assert_eq!(name(&["/srv/shop/k8s/staging.yaml"]).unwrap(), "shop");
    assert_eq!(
        name(&["/srv/a/deploy/x", "/srv/b/deploy/y"]).unwrap(),
        "srv"
    );
    assert!(name(&["/deploy/overlays/a", "/deploy/overlays/b"])
        .unwrap_err()
        .to_string()
        .contains("give --app NAME"));
}

#[test]
fn namespaces_fill_only_namespaced_objects_without_one() {
    let object = |v: serde_json::Value| SourceObject {
        value: v,
        file: PathBuf::from("x.yaml"),
        line: 1,
    };
    let mut objects = vec![
        object(serde_json::json!({"kind": "ClusterRole", "metadata": {"name": "a"}})),
        object(serde_json::json!({"kind": "Service", "metadata": {"name": "b"}})),
        object(
            serde_json::json!({"kind": "Service", "metadata": {"name": "c", "namespace": "keep"}}),
        ),
        object(serde_json::json!({"kind": "Service", "metadata": "not a map"})),
    ];
    fill_namespace(&mut objects, "shop");
    let ns: Vec<_> = objects
        .iter()
        .map(|o| o.value["metadata"].get("namespace").cloned())
        .collect();
    assert_eq!(ns, [None, Some("shop".into()), Some("keep".into()), None]);
}
