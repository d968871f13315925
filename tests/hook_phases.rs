//! Hooks honoured on every path (issue 8).
//!
//! - Plain kubectl: the sequence documented at the top of
//!   `generated/terrapod/production/kustomization.yaml` is executed step by step (each
//!   `kubectl apply -k DIR` expanded with the real `kubectl kustomize`, each `kubectl wait` /
//!   `rollout status` recorded); the migration Job is applied and waited for before the API
//!   Deployment is applied.
//! - Flux: `flux/kustomizations.yaml` has the shape of `kustomize.toolkit.fluxcd.io/v1`
//!   Kustomizations, chains the phases with `dependsOn` and `wait: true`, and each `path`
//!   is a directory whose `kubectl kustomize` is exactly that phase's objects.
//! - Helm and Argo CD: `kubectl kustomize generated/terrapod/production` still yields every
//!   object, with the hook annotations unchanged.
//! - Run-once Jobs (caelundas' generator): named by their spec, annotated for Argo CD, and
//!   their TTL removed on the Flux path only.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use apps::Inputs;
use dsl::output::phases::{FLUX_FILE, FLUX_KUSTOMIZATION_API, FLUX_NAMESPACE};
use integration::support::{
    all_env_dirs, generated_root, keyed, kustomize, manifest_files, parse_yaml_docs, root_of,
    ObjectKey,
};
use serde_json::{json, Value};

fn terrapod() -> PathBuf {
    generated_root().join("terrapod/production")
}

/// `Kind/name` of every object in a YAML stream.
fn kind_names(stream: &str) -> Vec<String> {
    parse_yaml_docs(stream)
        .iter()
        .map(|o| {
            format!(
                "{}/{}",
                o["kind"].as_str().unwrap_or_default(),
                o["metadata"]["name"].as_str().unwrap_or_default()
            )
        })
        .collect()
}

/// The object in a one-object file, as `Kind/name`.
fn file_object(path: &Path) -> String {
    let text = std::fs::read_to_string(path)
        .unwrap_or_else(|e| panic!("{} is not readable: {e}", path.display()));
    let names = kind_names(&text);
    assert_eq!(names.len(), 1, "{}", path.display());
    names[0].clone()
}

/// The plain-kubectl commands documented in an environment's `kustomization.yaml`.
fn documented_sequence(env: &Path) -> Vec<String> {
    let text = std::fs::read_to_string(env.join("kustomization.yaml")).expect("kustomization");
    text.lines()
        .filter_map(|l| l.strip_prefix("#   kubectl "))
        .map(str::to_owned)
        .collect()
}

/// What running the documented sequence does, step by step: `apply Kind/name`,
/// `complete Kind/name` (a `kubectl wait --for=condition=complete`), `rolled-out Kind/name`.
fn execute(env: &Path, sequence: &[String]) -> Vec<String> {
    let mut events = Vec::new();
    for command in sequence {
        let words: Vec<&str> = command.split_whitespace().collect();
        let file_arg = || {
            let at = words.iter().position(|w| *w == "-f").expect("-f FILE");
            env.join(words[at + 1])
        };
        match words.as_slice() {
            ["apply", "-k", dir] => {
                let built = kustomize(&env.join(dir));
                events.extend(kind_names(&built).into_iter().map(|o| format!("apply {o}")));
            }
            ["wait", rest @ ..] => {
                assert!(
                    rest.contains(&"--for=condition=complete")
                        && rest.iter().any(|w| w.starts_with("--timeout=")),
                    "`kubectl {command}` must wait for completion with a timeout"
                );
                events.push(format!("complete {}", file_object(&file_arg())));
            }
            ["rollout", "status", ..] => {
                events.push(format!("rolled-out {}", file_object(&file_arg())));
            }
            _ => panic!("unexpected documented command `kubectl {command}`"),
        }
    }
    events
}

fn position(events: &[String], what: &str, prefix: &str) -> usize {
    events
        .iter()
        .position(|e| e.starts_with(&format!("{what} {prefix}")))
        .unwrap_or_else(|| panic!("no `{what} {prefix}*` in {events:#?}"))
}

#[test]
fn plain_kubectl_runs_the_terrapod_migration_before_the_api_is_applied() {
    let env = terrapod();
    let sequence = documented_sequence(&env);
    assert!(
        sequence.len() >= 3,
        "the phase sequence is documented: {sequence:?}"
    );
    let events = execute(&env, &sequence);

    let migration = position(&events, "apply", "Job/terrapod-migrations-");
    let migrated = position(&events, "complete", "Job/terrapod-migrations-");
    let api = position(&events, "apply", "Deployment/terrapod-api");
    assert!(
        migration < migrated && migrated < api,
        "apply the migration, wait for it, then apply the API: {events:#?}"
    );
    for w in ["Deployment/terrapod-web", "Deployment/terrapod-listener"] {
        assert!(migrated < position(&events, "apply", w), "{w}: {events:#?}");
    }
    // The bootstrap runs after the rollout it needs.
    let rolled_out = position(&events, "rolled-out", "Deployment/terrapod-api");
    let bootstrap = position(&events, "apply", "Job/terrapod-bootstrap-");
    assert!(api < rolled_out && rolled_out < bootstrap, "{events:#?}");
    assert!(
        events.contains(&format!(
            "complete {}",
            &events[bootstrap]["apply ".len()..]
        )),
        "the sequence reports the bootstrap's outcome: {events:#?}"
    );

    // Every object is applied exactly once.
    let applied: Vec<&String> = events.iter().filter(|e| e.starts_with("apply ")).collect();
    let unique: BTreeSet<&String> = applied.iter().copied().collect();
    assert_eq!(applied.len(), unique.len(), "{events:#?}");
    assert_eq!(
        applied.len(),
        kind_names(&kustomize(&env)).len(),
        "the phases together are the whole environment"
    );

    // The environment's kustomization is the phase directories, in order.
    let top = parse_yaml_docs(&std::fs::read_to_string(env.join("kustomization.yaml")).unwrap());
    assert_eq!(
        top[0]["resources"],
        json!([
            "phases/1-before-deploy",
            "phases/2-deploy",
            "phases/3-after-deploy"
        ])
    );
}

/// Go's `time.ParseDuration` for what Flux accepts (`^([0-9]+(\.[0-9]+)?(ms|s|m|h))+$`).
fn is_duration(v: &Value) -> bool {
    let Some(s) = v.as_str() else { return false };
    let mut rest = s;
    if rest.is_empty() {
        return false;
    }
    while !rest.is_empty() {
        let digits = rest.find(|c: char| !c.is_ascii_digit() && c != '.');
        let Some(d) = digits.filter(|d| *d > 0) else {
            return false;
        };
        let number = &rest[..d];
        if number.starts_with('.') || number.ends_with('.') || number.matches('.').count() > 1 {
            return false;
        }
        rest = &rest[d..];
        let unit = if rest.starts_with("ms") {
            "ms"
        } else if let Some(u) = ["h", "m", "s"].into_iter().find(|u| rest.starts_with(u)) {
            u
        } else {
            return false;
        };
        rest = &rest[unit.len()..];
    }
    true
}

fn is_dns_label(s: &str) -> bool {
    !s.is_empty()
        && s.len() <= 63
        && s.bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
        && !s.starts_with('-')
        && !s.ends_with('-')
}

/// Checks one object against the `kustomize.toolkit.fluxcd.io/v1` Kustomization API
/// (fluxcd.io/flux/components/kustomize/kustomizations): required `interval`, `sourceRef`
/// (`kind` one of the source kinds, `name`), `prune`; `path` relative to the source root;
/// durations in Go syntax; `dependsOn` items with a `name`; no field the API does not have.
fn flux_shape_errors(k: &Value) -> Vec<String> {
    let mut errors = Vec::new();
    let mut need = |ok: bool, what: &str| {
        if !ok {
            errors.push(what.to_owned());
        }
    };
    need(
        k["apiVersion"] == FLUX_KUSTOMIZATION_API,
        "apiVersion is kustomize.toolkit.fluxcd.io/v1",
    );
    need(k["kind"] == "Kustomization", "kind is Kustomization");
    need(
        k["metadata"]["name"].as_str().is_some_and(is_dns_label),
        "metadata.name is a DNS label",
    );
    need(
        k["metadata"]["namespace"] == FLUX_NAMESPACE,
        "metadata.namespace is flux-system",
    );
    let spec = &k["spec"];
    const FIELDS: &[&str] = &[
        "commonMetadata",
        "components",
        "decryption",
        "deletionPolicy",
        "dependsOn",
        "force",
        "healthCheckExprs",
        "healthChecks",
        "ignoreMissingComponents",
        "images",
        "interval",
        "kubeConfig",
        "namePrefix",
        "nameSuffix",
        "patches",
        "path",
        "postBuild",
        "prune",
        "retryInterval",
        "serviceAccountName",
        "sourceRef",
        "suspend",
        "targetNamespace",
        "timeout",
        "wait",
    ];
    for key in spec.as_object().map(|m| m.keys()).into_iter().flatten() {
        need(
            FIELDS.contains(&key.as_str()),
            &format!("spec.{key} is a field of the v1 API"),
        );
    }
    need(
        is_duration(&spec["interval"]),
        "spec.interval is a duration",
    );
    for d in ["retryInterval", "timeout"] {
        if !spec[d].is_null() {
            need(is_duration(&spec[d]), &format!("spec.{d} is a duration"));
        }
    }
    need(
        [
            "GitRepository",
            "OCIRepository",
            "Bucket",
            "ExternalArtifact",
        ]
        .iter()
        .any(|s| spec["sourceRef"]["kind"] == *s),
        "spec.sourceRef.kind is a source kind",
    );
    need(
        spec["sourceRef"]["name"].as_str().is_some_and(is_dns_label),
        "spec.sourceRef.name",
    );
    need(spec["prune"].is_boolean(), "spec.prune is a boolean");
    need(
        spec["path"].as_str().is_some_and(|p| p.starts_with("./")),
        "spec.path is relative to the source root (./...)",
    );
    if !spec["wait"].is_null() {
        need(spec["wait"].is_boolean(), "spec.wait is a boolean");
    }
    for d in spec["dependsOn"].as_array().into_iter().flatten() {
        need(
            d["name"].as_str().is_some_and(is_dns_label),
            "spec.dependsOn[].name",
        );
    }
    for p in spec["patches"].as_array().into_iter().flatten() {
        need(p["patch"].is_string(), "spec.patches[].patch is a string");
    }
    errors
}

/// The Flux Kustomizations of an environment, in file order.
fn flux_objects(env: &Path) -> Vec<Value> {
    let path = env.join(FLUX_FILE);
    let text = std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("{} is missing: {e}", path.display()));
    parse_yaml_docs(&text)
}

/// The objects of the files in one directory and below (without the Flux directory).
fn written(dir: &Path) -> BTreeMap<ObjectKey, Value> {
    let docs = manifest_files(dir)
        .iter()
        .flat_map(|f| parse_yaml_docs(&std::fs::read_to_string(f).unwrap()))
        .collect();
    keyed(docs, &dir.display().to_string())
}

#[test]
fn flux_kustomizations_chain_the_phases_and_point_at_their_objects() {
    let mut seen = 0;
    for env in all_env_dirs() {
        if !env.join(FLUX_FILE).is_file() {
            assert!(
                !env.join("phases").exists(),
                "{}: phases without a Flux file",
                env.display()
            );
            continue;
        }
        seen += 1;
        let objects = flux_objects(&env);
        assert!(!objects.is_empty());
        let mut previous: Option<&Value> = None;
        let mut covered = BTreeMap::new();
        for k in &objects {
            let errors = flux_shape_errors(k);
            assert!(errors.is_empty(), "{}: {errors:?}\n{k:#}", env.display());
            let spec = &k["spec"];
            assert_eq!(spec["wait"], true, "{k:#}");
            assert_eq!(spec["prune"], true, "{k:#}");
            assert_eq!(spec["sourceRef"]["kind"], "OCIRepository");
            let app_env = env
                .strip_prefix(root_of(&env))
                .unwrap()
                .to_string_lossy()
                .replace('/', "-");
            assert_eq!(spec["sourceRef"]["name"], app_env.as_str());
            match previous {
                None => assert!(spec["dependsOn"].is_null(), "{k:#}"),
                Some(p) => assert_eq!(
                    spec["dependsOn"],
                    json!([{ "name": p["metadata"]["name"] }]),
                    "each phase waits for the one before"
                ),
            }
            previous = Some(k);
            // The path is a directory whose kustomize output is exactly its objects.
            let dir = env.join(spec["path"].as_str().unwrap());
            assert!(
                dir.join("kustomization.yaml").is_file(),
                "{}",
                dir.display()
            );
            let built = keyed(parse_yaml_docs(&kustomize(&dir)), "flux path");
            let files = written(&dir);
            assert_eq!(
                built.keys().collect::<Vec<_>>(),
                files.keys().collect::<Vec<_>>(),
                "{}",
                dir.display()
            );
            for key in built.keys() {
                assert!(
                    covered.insert(key.clone(), ()).is_none(),
                    "{key:?} in two Flux Kustomizations"
                );
            }
        }
        // Together they apply the whole environment, and nothing else.
        let all = keyed(parse_yaml_docs(&kustomize(&env)), "env");
        assert_eq!(
            covered.keys().collect::<Vec<_>>(),
            all.keys().collect::<Vec<_>>()
        );
    }
    assert!(
        seen >= 5,
        "terrapod, gorax (3) and caelundas have a Flux file"
    );
}

#[test]
fn flux_applies_the_terrapod_migration_before_the_api() {
    let env = terrapod();
    let objects = flux_objects(&env);
    let holding = |prefix: &str| -> usize {
        objects
            .iter()
            .position(|k| {
                let dir = env.join(k["spec"]["path"].as_str().unwrap());
                kind_names(&kustomize(&dir))
                    .iter()
                    .any(|o| o.starts_with(prefix))
            })
            .unwrap_or_else(|| panic!("no Flux Kustomization applies {prefix}*"))
    };
    let migration = holding("Job/terrapod-migrations-");
    let api = holding("Deployment/terrapod-api");
    let bootstrap = holding("Job/terrapod-bootstrap-");
    assert!(migration < api && api < bootstrap);
    // `api` depends, through the chain, on `migration`, and the migration's
    // Kustomization waits for its Job to complete.
    let name = |i: usize| objects[i]["metadata"]["name"].clone();
    let mut at = api;
    while at > migration {
        assert_eq!(objects[at]["spec"]["dependsOn"][0]["name"], name(at - 1));
        at -= 1;
    }
    assert_eq!(objects[migration]["spec"]["wait"], true);
    assert_eq!(
        name(migration),
        "terrapod-production-before-deploy",
        "{objects:#?}"
    );
}

#[test]
fn the_flux_shape_check_has_teeth() {
    let good = flux_objects(&terrapod())[0].clone();
    assert!(flux_shape_errors(&good).is_empty());
    for (pointer, bad) in [
        ("/apiVersion", json!("kustomize.toolkit.fluxcd.io/v1beta1")),
        ("/spec/interval", json!("10 minutes")),
        ("/spec/prune", json!("yes")),
        ("/spec/path", json!("/phases/1-before-deploy")),
        ("/spec/sourceRef/kind", json!("HelmRepository")),
        ("/spec/timeout", json!("1d")),
    ] {
        let mut k = good.clone();
        *k.pointer_mut(pointer).unwrap() = bad;
        assert!(!flux_shape_errors(&k).is_empty(), "{pointer} not caught");
    }
    let mut k = good.clone();
    k["spec"]["dependsOn"] = json!(["terrapod"]);
    assert!(!flux_shape_errors(&k).is_empty());
    let mut k = good;
    k["spec"]["wiat"] = json!(true);
    assert!(!flux_shape_errors(&k).is_empty(), "a misspelt field");
    assert!(is_duration(&json!("1h30m")) && is_duration(&json!("500ms")));
    assert!(!is_duration(&json!("")) && !is_duration(&json!("5")));
}

/// The hook annotations of the previous, flat `generated/terrapod/production` (before
/// issue 8): Helm and Argo CD must see exactly these.
fn expected_hook_annotations() -> BTreeMap<&'static str, Value> {
    let hook = |helm: &str, weight: &str, helm_delete: &str, argo: &str, argo_delete: &str| {
        json!({
            "helm.sh/hook": helm,
            "helm.sh/hook-weight": weight,
            "helm.sh/hook-delete-policy": helm_delete,
            "argocd.argoproj.io/hook": argo,
            "argocd.argoproj.io/sync-wave": weight,
            "argocd.argoproj.io/hook-delete-policy": argo_delete,
        })
    };
    let job = "before-hook-creation,hook-succeeded";
    let argo_job = "BeforeHookCreation,HookSucceeded";
    BTreeMap::from([
        (
            "Job/terrapod-migrations-",
            hook("pre-install,pre-upgrade", "0", job, "PreSync", argo_job),
        ),
        (
            "ServiceAccount/terrapod-migrations",
            hook(
                "pre-install,pre-upgrade",
                "-1",
                "before-hook-creation",
                "PreSync",
                "BeforeHookCreation",
            ),
        ),
        (
            "NetworkPolicy/terrapod-migrations",
            hook(
                "pre-install,pre-upgrade",
                "-1",
                "before-hook-creation",
                "PreSync",
                "BeforeHookCreation",
            ),
        ),
        (
            "Job/terrapod-bootstrap-",
            hook("post-install", "0", job, "PostSync", argo_job),
        ),
        (
            "ServiceAccount/terrapod-bootstrap",
            hook(
                "post-install",
                "-1",
                "before-hook-creation",
                "PostSync",
                "BeforeHookCreation",
            ),
        ),
        (
            "NetworkPolicy/terrapod-bootstrap",
            hook(
                "post-install",
                "-1",
                "before-hook-creation",
                "PostSync",
                "BeforeHookCreation",
            ),
        ),
    ])
}

#[test]
fn helm_and_argo_cd_still_see_every_terrapod_object_and_the_same_hook_annotations() {
    let built = parse_yaml_docs(&kustomize(&terrapod()));
    let mut names: Vec<String> = built
        .iter()
        .map(|o| {
            let name = o["metadata"]["name"].as_str().unwrap_or_default();
            // Hook Job names end in a hash of their spec.
            let name = match o["kind"].as_str() {
                Some("Job") => name.rsplit_once('-').map_or(name, |(n, _)| n),
                _ => name,
            };
            format!("{}/{name}", o["kind"].as_str().unwrap_or_default())
        })
        .collect();
    names.sort();
    // The object set of the flat tree before issue 8 (its kustomization.yaml).
    let mut before: Vec<&str> = vec![
        "Namespace/terrapod",
        "Namespace/terrapod-runners",
        "ServiceAccount/terrapod-api",
        "ServiceAccount/terrapod-bootstrap",
        "ServiceAccount/terrapod-listener",
        "ServiceAccount/terrapod-migrations",
        "ServiceAccount/terrapod-runner",
        "ServiceAccount/terrapod-web",
        "Role/terrapod-listener-jobs",
        "RoleBinding/terrapod-listener-jobs",
        "ConfigMap/terrapod-api-config",
        "ConfigMap/terrapod-listener-runners",
        "Service/terrapod-api",
        "Service/terrapod-web",
        "Deployment/terrapod-api",
        "Deployment/terrapod-listener",
        "Deployment/terrapod-web",
        "Job/terrapod-bootstrap",
        "Job/terrapod-migrations",
        "HorizontalPodAutoscaler/terrapod-api",
        "PodDisruptionBudget/terrapod-api",
        "PodDisruptionBudget/terrapod-web",
        "Ingress/terrapod",
        "NetworkPolicy/terrapod-api",
        "NetworkPolicy/terrapod-bootstrap",
        "NetworkPolicy/terrapod-listener",
        "NetworkPolicy/terrapod-migrations",
        "NetworkPolicy/terrapod-runner",
        "NetworkPolicy/terrapod-web",
    ];
    before.sort();
    assert_eq!(names, before);
    assert!(
        built.iter().all(|o| !o["apiVersion"]
            .as_str()
            .unwrap_or_default()
            .contains("fluxcd")),
        "Flux objects are not part of the app"
    );

    const HOOK_KEYS: [&str; 6] = [
        "helm.sh/hook",
        "helm.sh/hook-weight",
        "helm.sh/hook-delete-policy",
        "argocd.argoproj.io/hook",
        "argocd.argoproj.io/sync-wave",
        "argocd.argoproj.io/hook-delete-policy",
    ];
    let expected = expected_hook_annotations();
    for o in &built {
        let id = format!(
            "{}/{}",
            o["kind"].as_str().unwrap_or_default(),
            o["metadata"]["name"].as_str().unwrap_or_default()
        );
        let hook: serde_json::Map<String, Value> = o["metadata"]["annotations"]
            .as_object()
            .into_iter()
            .flatten()
            .filter(|(k, _)| HOOK_KEYS.contains(&k.as_str()))
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect();
        let want = expected
            .iter()
            .find(|(prefix, _)| {
                if prefix.ends_with('-') {
                    id.starts_with(*prefix)
                } else {
                    id == **prefix
                }
            })
            .map(|(_, v)| v.clone());
        match want {
            Some(want) => assert_eq!(Value::Object(hook), want, "{id}"),
            None => assert!(hook.is_empty(), "{id} is not a hook: {hook:?}"),
        }
    }
}

fn caelundas(pairs: &[(&str, &str)]) -> dsl::output::EnvOutput {
    let registry = apps::registry();
    let entry = registry
        .iter()
        .find(|a| a.id == "caelundas")
        .expect("caelundas is registered");
    let inputs = Inputs::new(
        pairs
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect(),
    );
    let app = entry
        .declare("production", &inputs)
        .expect("production")
        .expect("declares");
    dsl::output::env_output("caelundas", "production", &dsl::render(&app)).expect("renders")
}

/// The generator Job of an output: its file and object.
fn generator(out: &dsl::output::EnvOutput) -> (String, Value) {
    let files: Vec<&String> = out
        .resources
        .iter()
        .filter(|f| f.starts_with("job-"))
        .collect();
    assert_eq!(files.len(), 1, "{:?}", out.resources);
    let job = parse_yaml_docs(&out.files[files[0]]).remove(0);
    (files[0].clone(), job)
}

#[test]
fn a_run_once_job_is_named_by_its_spec_and_runs_once_on_every_path() {
    let (file, job) = generator(&caelundas(&[]));
    let name = job["metadata"]["name"].as_str().unwrap().to_owned();
    assert!(
        name.starts_with("caelundas-generator-") && name.len() == "caelundas-generator-".len() + 8,
        "{name}"
    );
    assert_eq!(file, format!("job-{name}.yaml"));
    // Deterministic: the same inputs give the same Job (re-applying it runs nothing).
    assert_eq!(
        generator(&caelundas(&[])).1["metadata"]["name"],
        name.as_str()
    );
    // A new image or a new run (tracking labels are in the pod template) is a new Job,
    // never a patch of the immutable pod template.
    let bumped = generator(&caelundas(&[("image-tag", "1.0.1")])).1;
    let rerun = generator(&caelundas(&[("timestamp", "1769351422")])).1;
    let names: BTreeSet<&str> = [&job, &bumped, &rerun]
        .iter()
        .map(|j| j["metadata"]["name"].as_str().unwrap())
        .collect();
    assert_eq!(names.len(), 3, "{names:?}");
    // The release input names it.
    let nightly = generator(&caelundas(&[("release", "nightly")])).1;
    assert!(nightly["metadata"]["name"]
        .as_str()
        .unwrap()
        .starts_with("nightly-generator-"));

    // Argo CD: a Sync hook after the wave-0 claim and ServiceAccount, so its TTL does not
    // put the application out of sync and self-heal never re-creates it.
    let a = &job["metadata"]["annotations"];
    assert_eq!(a["argocd.argoproj.io/hook"], "Sync");
    assert_eq!(
        a["argocd.argoproj.io/hook-delete-policy"],
        "BeforeHookCreation"
    );
    assert_eq!(a["argocd.argoproj.io/sync-wave"], "1");
    // Not a Helm hook: Helm manages it as an ordinary release object.
    assert!(a.get("helm.sh/hook").is_none());
    // kubectl and Helm keep the seed's TTL.
    assert_eq!(job["spec"]["ttlSecondsAfterFinished"], 3600);
}

#[test]
fn flux_keeps_finished_jobs_instead_of_re_running_them_after_their_ttl() {
    // Build each Flux Kustomization of the committed tree the way kustomize-controller
    // does (its path plus its patches) and check no Job keeps a TTL there, while the
    // objects themselves (kubectl, Helm, Argo CD) keep it.
    let tmp = std::env::temp_dir().join(format!("kairn-flux-{}", std::process::id()));
    let mut jobs = 0;
    for env in all_env_dirs() {
        if !env.join(FLUX_FILE).is_file() {
            continue;
        }
        for k in flux_objects(&env) {
            let dir = env.join(k["spec"]["path"].as_str().unwrap());
            let plain = parse_yaml_docs(&kustomize(&dir));
            if !plain.iter().any(|o| o["kind"] == "Job") {
                continue;
            }
            assert!(plain
                .iter()
                .filter(|o| o["kind"] == "Job")
                .all(|o| o["spec"]["ttlSecondsAfterFinished"].is_u64()));
            // kustomize takes no absolute root: the path's files are copied under the
            // overlay (a Flux path holds no subdirectory the kustomization lists).
            let _ = std::fs::remove_dir_all(&tmp);
            std::fs::create_dir_all(tmp.join("path")).unwrap();
            for f in std::fs::read_dir(&dir).unwrap() {
                let f = f.unwrap().path();
                if f.is_file() {
                    std::fs::copy(&f, tmp.join("path").join(f.file_name().unwrap())).unwrap();
                }
            }
            let overlay = json!({
                "apiVersion": "kustomize.config.k8s.io/v1beta1",
                "kind": "Kustomization",
                "resources": ["path"],
                "patches": k["spec"]["patches"],
            });
            std::fs::write(
                tmp.join("kustomization.yaml"),
                dsl::yaml::to_yaml(&overlay).unwrap(),
            )
            .unwrap();
            let flux = parse_yaml_docs(&kustomize(&tmp));
            assert_eq!(flux.len(), plain.len());
            for o in flux.iter().filter(|o| o["kind"] == "Job") {
                jobs += 1;
                assert!(
                    o["spec"].get("ttlSecondsAfterFinished").is_none(),
                    "{}: Flux would re-create {} after its TTL",
                    env.display(),
                    o["metadata"]["name"]
                );
            }
        }
    }
    let _ = std::fs::remove_dir_all(&tmp);
    assert!(
        jobs >= 6,
        "terrapod (2), gorax (3) and caelundas (1) Jobs: {jobs}"
    );
}
