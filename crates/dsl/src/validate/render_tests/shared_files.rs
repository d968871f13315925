//! A set of configuration files mounted by several components is one ConfigMap, and
//! validates.

use crate::render::shared_files_tests::{config_maps, deployment, mounted, settings, shop, worker};
use crate::*;

#[test]
fn a_set_mounted_by_two_components_is_one_config_map_both_mount() {
    let config = settings("/etc/shop", "EUR");
    let app = shop(vec![
        worker(name!("api"), vec![config.clone()]),
        worker(name!("mailer"), vec![settings("/etc/mailer", "EUR")]),
    ]);
    let manifests = render(&app);
    let maps = config_maps(&manifests);
    assert_eq!(maps.len(), 1, "{maps:#?}");
    let name = maps[0].metadata.name.clone().expect("named");
    assert!(name.starts_with("shop-config-") && name.len() == "shop-config-".len() + 10);
    let labels = maps[0].metadata.labels.as_ref().expect("labels");
    assert_eq!(
        labels.get("app.kubernetes.io/part-of").map(String::as_str),
        Some("shop")
    );
    assert!(
        !labels.contains_key("app.kubernetes.io/component"),
        "{labels:?}"
    );
    assert_eq!(
        maps[0]
            .data
            .as_ref()
            .and_then(|d| d.get("shop.yaml"))
            .map(String::as_str),
        Some("currency: EUR\n")
    );

    let (api_map, api_dir, api_hash) = mounted(deployment(&manifests, "shop-api"));
    let (mailer_map, mailer_dir, mailer_hash) = mounted(deployment(&manifests, "shop-mailer"));
    assert_eq!(
        (api_map.as_str(), api_dir.as_str()),
        (name.as_str(), "/etc/shop")
    );
    assert_eq!(
        (mailer_map.as_str(), mailer_dir.as_str()),
        (name.as_str(), "/etc/mailer")
    );
    assert!(api_hash.is_some(), "pods roll when the file changes");
    assert_eq!(api_hash, mailer_hash);

    let report = validate(&manifests, &validate::context_for(&app));
    assert!(!report.has_errors(), "{:#?}", report.findings);
    assert!(
        report.findings.iter().all(|f| f.kind != "ConfigMap"),
        "{:#?}",
        report.findings
    );
    // The shared ConfigMap points at the first mounting component's `.files(..)`.
    let origin = &manifests
        .iter()
        .find(|m| m.object.kind() == "ConfigMap")
        .expect("ConfigMap")
        .origin;
    assert_eq!(
        origin.declared_at,
        app.components[0]
            .set_at
            .get(&crate::model::set_at::Setting::Files)
            .copied()
    );
}

#[test]
fn two_different_shared_sets_of_one_name_never_collide() {
    let (eur, usd) = (settings("/etc/shop", "EUR"), settings("/etc/shop", "USD"));
    let app = shop(vec![
        worker(name!("api"), vec![eur.clone()]),
        worker(name!("mailer"), vec![eur]),
        worker(name!("billing"), vec![usd.clone()]),
        worker(name!("ledger"), vec![usd]),
    ]);
    let manifests = render(&app);
    let maps = config_maps(&manifests);
    assert_eq!(maps.len(), 2);
    assert_ne!(maps[0].metadata.name, maps[1].metadata.name);
    assert_eq!(
        mounted(deployment(&manifests, "shop-billing")).0,
        mounted(deployment(&manifests, "shop-ledger")).0
    );
    assert_ne!(
        mounted(deployment(&manifests, "shop-api")).0,
        mounted(deployment(&manifests, "shop-billing")).0
    );
    let report = validate(&manifests, &validate::context_for(&app));
    assert!(!report.has_errors(), "{:#?}", report.findings);
}
