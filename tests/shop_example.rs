//! The shop example (`examples/shop`, package `shop-example`): its committed
//! `examples/shop/generated/` is what its declarations render, the declared app validates
//! with no finding at all, `lint` of the committed files finds nothing, and the output
//! holds every kind of object the example is there to show (with `shop-logs`, the log
//! shipper app beside it). The tool checks of the seeds
//! (strict schemas, kustomize round trip, hook phases) cover it through
//! `support::output_roots`.

use std::collections::BTreeSet;

use dsl::validate::{self, Context};
use integration::support::{assert_tree_current, env_dirs_of, rendered_tree, shop_generated_root};
use serde_json::Value;

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
fn the_shop_registers_two_apps_in_two_environments() {
    let apps = shop::registry();
    let ids: Vec<&str> = apps.iter().map(|a| a.id).collect();
    assert_eq!(ids, ["shop", "shop-logs"]);
    for app in &apps {
        let envs: Vec<String> = app
            .environments()
            .iter()
            .map(|e| e.as_str().to_owned())
            .collect();
        assert_eq!(envs, ["staging", "production"], "{}", app.id);
    }
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

/// The object files (without hash suffixes of hook Jobs and shared ConfigMaps) of one
/// environment.
fn files_of(env: &str) -> BTreeSet<String> {
    shop_tree()
        .keys()
        .filter_map(|p| p.strip_prefix(&format!("shop/{env}/")))
        .filter_map(|p| p.rsplit('/').next())
        .map(|f| {
            if f.starts_with("job-shop-migrate-") {
                "job-shop-migrate-<hash>.yaml".to_owned()
            } else if f.starts_with("configmap-shop-config-") {
                "configmap-shop-config-<hash>.yaml".to_owned()
            } else {
                f.to_owned()
            }
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
            // The API and the worker mount one config set: one ConfigMap.
            "configmap-shop-config-<hash>.yaml",
            "networkpolicy-shop-worker.yaml",
            "statefulset-shop-redis.yaml",
            "service-shop-redis.yaml",
            "service-shop-redis-headless.yaml",
            "networkpolicy-shop-redis.yaml",
            "servicemonitor-shop-api.yaml",
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
    assert_eq!(env_dirs_of(&shop_generated_root()).len(), 4);
}

/// One environment's object files (one object each; not the kustomizations and the Flux
/// file), parsed, keyed by file name.
fn objects_of(app: &str, env: &str) -> std::collections::BTreeMap<String, Value> {
    shop_tree()
        .iter()
        .filter_map(|(p, text)| {
            let rest = p.strip_prefix(&format!("{app}/{env}/"))?;
            let name = rest.rsplit('/').next()?;
            let object = name.ends_with(".yaml")
                && name != "kustomization.yaml"
                && !rest.starts_with("flux/");
            object.then(|| {
                let value = dsl::yaml::from_str(text).unwrap_or_else(|e| panic!("{p}: {e}"));
                (name.to_owned(), value)
            })
        })
        .collect()
}

fn at<'a>(v: &'a Value, path: &[&str]) -> &'a Value {
    path.iter().fold(v, |v, k| &v[*k])
}

#[test]
fn redis_is_a_single_stateful_member_with_its_own_claim_and_secret_file() {
    for env in ["staging", "production"] {
        let objects = objects_of("shop", env);
        let sts = &objects["statefulset-shop-redis.yaml"];
        assert_eq!(at(sts, &["spec", "replicas"]).as_u64(), Some(1), "{env}");
        let claims = at(sts, &["spec", "volumeClaimTemplates"])
            .as_array()
            .expect("a claim per member");
        assert_eq!(claims.len(), 1);
        assert_eq!(at(&claims[0], &["metadata", "name"]).as_str(), Some("data"));
        let pod = at(sts, &["spec", "template", "spec"]);
        let redis = &at(pod, &["containers"])[0];
        assert!(at(redis, &["readinessProbe", "tcpSocket"]).is_object());
        // Only the `redis.conf` key of the Secret is projected.
        let projected = at(pod, &["volumes"])
            .as_array()
            .unwrap()
            .iter()
            .find_map(|v| v.get("projected"))
            .expect("a projected volume");
        let items = at(&projected["sources"][0], &["secret", "items"]);
        assert_eq!(items.as_array().map(Vec::len), Some(1));
        assert_eq!(items[0]["key"].as_str(), Some("redis.conf"));
        // No budget on a single member (it would block every drain).
        assert!(!objects.contains_key("poddisruptionbudget-shop-redis.yaml"));
        // The API and the worker reach it by its handle: the egress names its pods.
        for client in ["api", "worker"] {
            let np =
                dsl::yaml::to_yaml(&objects[&format!("networkpolicy-shop-{client}.yaml")]).unwrap();
            assert!(
                np.contains("app.kubernetes.io/component: redis"),
                "{env}/{client}"
            );
            assert!(
                !np.contains("app.kubernetes.io/name: redis"),
                "no Dependency left"
            );
        }
    }
}

#[test]
fn the_api_has_a_native_sidecar_and_the_worker_an_init_container() {
    for env in ["staging", "production"] {
        let objects = objects_of("shop", env);
        let init = |file: &str| {
            at(
                &objects[file],
                &["spec", "template", "spec", "initContainers"],
            )
            .as_array()
            .unwrap_or_else(|| panic!("{env}: {file} has no initContainers"))
            .clone()
        };
        let api = init("deployment-shop-api.yaml");
        assert_eq!(api.len(), 1);
        assert_eq!(api[0]["name"].as_str(), Some("statsd"));
        assert_eq!(
            api[0]["restartPolicy"].as_str(),
            Some("Always"),
            "native sidecar"
        );
        let worker = init("deployment-shop-worker.yaml");
        assert_eq!(worker.len(), 1);
        assert_eq!(worker[0]["name"].as_str(), Some("wait-for-stores"));
        assert!(
            worker[0].get("restartPolicy").is_none(),
            "runs to completion"
        );
        // The sidecar's metrics port is on the Service and scraped.
        let service = dsl::yaml::to_yaml(&objects["service-shop-api.yaml"]).unwrap();
        assert!(service.contains("port: 9102"), "{env}: {service}");
    }
}

#[test]
fn the_log_shipper_lowers_only_its_own_namespace() {
    for (env, shop_ns, logs_ns) in [
        ("staging", "shop-staging", "shop-staging-logs"),
        ("production", "shop-prod", "shop-prod-logs"),
    ] {
        let shop = objects_of("shop", env);
        let ns = &shop[&format!("namespace-{shop_ns}.yaml")];
        let enforce = &at(ns, &["metadata", "labels"])["pod-security.kubernetes.io/enforce"];
        assert_eq!(enforce.as_str(), Some("restricted"), "{env}");

        let logs = objects_of("shop-logs", env);
        let ns = &logs[&format!("namespace-{logs_ns}.yaml")];
        let labels = at(ns, &["metadata", "labels"]);
        assert_eq!(
            labels["pod-security.kubernetes.io/enforce"].as_str(),
            Some("privileged")
        );
        assert_eq!(
            labels["pod-security.kubernetes.io/warn"].as_str(),
            Some("restricted")
        );
        let why = at(ns, &["metadata", "annotations"])["kairn.dev/pod-security-exception"]
            .as_str()
            .expect("the exception says why");
        assert!(why.contains("hostPath=/var/log: "), "{why}");
        assert!(why.contains("runAsRoot: "), "{why}");
        let ds = &logs["daemonset-shop-logs-shipper.yaml"];
        let pod = at(ds, &["spec", "template", "spec"]);
        // Root reads the root-owned 0640 log files without any capability.
        let sc = &at(pod, &["containers"])[0]["securityContext"];
        assert_eq!(sc["runAsUser"].as_i64(), Some(0), "{env}");
        assert_eq!(sc["runAsNonRoot"].as_bool(), Some(false), "{env}");
        assert_eq!(sc["readOnlyRootFilesystem"].as_bool(), Some(true), "{env}");
        assert_eq!(
            sc["allowPrivilegeEscalation"].as_bool(),
            Some(false),
            "{env}"
        );
        assert!(sc["capabilities"]["add"].is_null(), "{env}: {sc:?}");
        assert_eq!(sc["capabilities"]["drop"][0].as_str(), Some("ALL"), "{env}");
        let mount = at(pod, &["containers"])[0]["volumeMounts"]
            .as_array()
            .unwrap()
            .iter()
            .find(|m| m["mountPath"].as_str() == Some("/var/log"))
            .expect("/var/log mounted");
        assert_eq!(mount["readOnly"].as_bool(), Some(true));
        assert_eq!(pod["tolerations"].as_array().map(Vec::len), Some(3));
        let config = dsl::yaml::to_yaml(&logs["configmap-shop-logs-shipper-config.yaml"]).unwrap();
        assert!(
            config.contains(&format!("/var/log/containers/*_{shop_ns}_*.log")),
            "ships only the shop's logs: {config}"
        );
    }
}
