//! The shop example (`examples/shop`, package `shop-example`): its committed
//! `examples/shop/generated/` is what its declarations render, the declared app validates
//! with no finding at all, `lint` of the committed files finds nothing, and the output
//! holds every kind of object the example is there to show. The tool checks of the seeds
//! (strict schemas, kustomize round trip, hook phases) cover it through
//! `support::output_roots`.

use std::collections::BTreeSet;

use dsl::validate::{self, Context};
use integration::support::{assert_tree_current, env_dirs_of, rendered_tree, shop_generated_root};

/// Renders with the shop's own emit command in the file headers (the first call in a
/// process wins; every test of this binary makes the same one).
fn shop_tree() -> std::collections::BTreeMap<String, String> {
    dsl::output::set_emit_command(shop::EMIT_COMMAND);
    assert_eq!(dsl::output::emit_command(), shop::EMIT_COMMAND);
    rendered_tree(&shop::registry())
}

#[test]
fn committed_shop_output_is_current() {
    assert_tree_current(&shop_tree(), &shop_generated_root(), shop::EMIT_COMMAND);
}

#[test]
fn the_shop_registers_one_app_in_two_environments() {
    let apps = shop::registry();
    let ids: Vec<&str> = apps.iter().map(|a| a.id).collect();
    assert_eq!(ids, ["shop"]);
    let envs: Vec<String> = apps[0]
        .environments()
        .iter()
        .map(|e| e.as_str().to_owned())
        .collect();
    assert_eq!(envs, ["staging", "production"]);
}

#[test]
fn every_environment_validates_without_any_finding() {
    for entry in shop::registry() {
        for env in entry.environments() {
            let app = entry
                .declare(env.as_str(), &Default::default())
                .expect("declared")
                .expect("no input needed");
            let report = validate::validate(&dsl::render(&app), &validate::context_for(&app));
            assert!(
                report.findings.is_empty(),
                "{}/{env}: {:#?}",
                entry.id,
                report.findings
            );
        }
    }
}

#[test]
fn lint_of_the_committed_output_finds_nothing() {
    let root = shop_generated_root();
    let found = validate::collect_files(std::slice::from_ref(&root));
    assert!(found.errors.is_empty(), "{:?}", found.errors);
    assert!(found.files.len() > 20, "{} files", found.files.len());
    let (loaded, errors) = validate::load_files(&found.files);
    assert!(errors.is_empty(), "{errors:?}");
    let report = validate::lint(&loaded, &Context::lint());
    assert!(report.findings.is_empty(), "{:#?}", report.findings);
}

/// The object files (without hash suffixes of hook Jobs) of one environment.
fn files_of(env: &str) -> BTreeSet<String> {
    shop_tree()
        .keys()
        .filter_map(|p| p.strip_prefix(&format!("shop/{env}/")))
        .filter_map(|p| p.rsplit('/').next())
        .map(|f| match f.strip_prefix("job-shop-migrate-") {
            Some(_) => "job-shop-migrate-<hash>.yaml".to_owned(),
            None => f.to_owned(),
        })
        .collect()
}

#[test]
fn the_shop_shows_every_part_the_guide_walks_through() {
    for env in ["staging", "production"] {
        let files = files_of(env);
        for f in [
            "deployment-shop-api.yaml",
            "service-shop-api.yaml",
            "ingress-shop.yaml",
            "poddisruptionbudget-shop-api.yaml",
            "deployment-shop-worker.yaml",
            "cronjob-shop-report.yaml",
            "job-shop-migrate-<hash>.yaml",
            "configmap-shop-api-config.yaml",
            "configmap-shop-worker-config.yaml",
            "networkpolicy-shop-worker.yaml",
        ] {
            assert!(files.contains(f), "{env}: no {f} in {files:?}");
        }
        // Autoscaling in production only.
        assert_eq!(
            files.contains("horizontalpodautoscaler-shop-api.yaml"),
            env == "production",
            "{env}"
        );
    }
    let tree = shop_tree();
    for env in ["staging", "production"] {
        let file = |name: &str| {
            tree.get(&format!("shop/{env}/phases/2-deploy/{name}"))
                .unwrap_or_else(|| panic!("{env}: no {name}"))
        };
        assert!(file("ingress-shop.yaml").contains("secretName:"), "TLS");
        assert!(file("cronjob-shop-report.yaml").contains("timeZone: Europe/Berlin"));
        assert!(
            file("deployment-shop-api.yaml").contains("minReadySeconds: 10"),
            "the escape hatch"
        );
        assert!(file("deployment-shop-api.yaml").contains("key: payments-api-key"));
    }
    assert_eq!(env_dirs_of(&shop_generated_root()).len(), 2);
}
