//! Every committed manifest passes the official Kubernetes 1.33 JSON schemas in strict
//! mode (unknown fields rejected), as checked by `kubernetes-validate --strict -k 1.33.0`
//! (PyPI, pinned and installed by `scripts/install-test-tools.sh`). It reads files with
//! PyYAML (YAML 1.1), so a value that YAML 1.1 turns into a boolean or number where the
//! schema wants a string fails here too.
//!
//! Custom resources: kubernetes-validate has schemas for built-in kinds only. For a kind
//! it has no schema for it prints `WARN <file> Couldn't find schema for kind ...` and
//! still exits 0 (there is no flag to change that; strict checking of the built-in kinds
//! is unaffected). So this test does not trust the exit code alone: every file must be
//! reported `passed`, except files whose kind is one of the known CRDs in [`CRD_KINDS`],
//! which must be reported as having no schema. A built-in kind with a mistyped
//! `apiVersion` (which would also get "no schema") therefore fails. The CRD objects'
//! `metadata` (and a ServiceMonitor's `spec.selector`) are then validated against the
//! official strict `ObjectMeta` / `LabelSelector` schemas of 1.33 bundled with
//! kubernetes-validate. Their remaining `spec` fields are covered by the typed structs in
//! `dsl::crd` and by the kubectl round-trip tests, not by an upstream schema.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use integration::support::{
    all_env_dirs, display, kubernetes_validate, manifest_files, parse_yaml_docs, python, run, Ran,
    TempDir,
};
use serde_json::{json, Value};

/// Kubernetes version the manifests target.
const KUBERNETES_VERSION: &str = "1.33.0";

/// Custom resource kinds kairn emits, as `(apiVersion, kind)`.
const CRD_KINDS: &[(&str, &str)] = &[
    ("monitoring.coreos.com/v1", "ServiceMonitor"),
    ("monitoring.coreos.com/v1", "PrometheusRule"),
];

fn validate(files: &[PathBuf]) -> Ran {
    let mut args = vec!["--strict", "-k", KUBERNETES_VERSION];
    args.extend(files.iter().map(|f| f.to_str().expect("UTF-8 path")));
    run(&kubernetes_validate(), &args, None)
}

fn all_generated_files() -> Vec<PathBuf> {
    all_env_dirs()
        .iter()
        .flat_map(|d| manifest_files(d))
        .collect()
}

fn type_of(file: &Path) -> (String, String) {
    let text = std::fs::read_to_string(file).expect("readable file");
    let docs = parse_yaml_docs(&text);
    assert_eq!(docs.len(), 1, "{} must hold one object", display(file));
    let s = |k: &str| docs[0][k].as_str().unwrap_or_default().to_owned();
    (s("apiVersion"), s("kind"))
}

fn is_crd(api_version: &str, kind: &str) -> bool {
    CRD_KINDS
        .iter()
        .any(|(a, k)| *a == api_version && *k == kind)
}

/// Checks kubernetes-validate's report for `files`: exit 0, and one verdict per file:
/// `passed` against 1.33 for built-in kinds, "no schema" for the known CRD kinds only.
/// Returns the problems found (empty if none).
fn problems(files: &[PathBuf], ran: &Ran) -> Vec<String> {
    let out = ran.stdout();
    let mut problems = Vec::new();
    if !ran.success() {
        problems.push(format!(
            "kubernetes-validate exited with {}",
            ran.output.status
        ));
    }
    let mut verdicts: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
    for line in out.lines().filter(|l| !l.trim().is_empty()) {
        let file = files
            .iter()
            .filter_map(|f| f.to_str())
            .find(|f| line.split_whitespace().nth(1) == Some(*f));
        match file {
            Some(f) => verdicts.entry(f).or_default().push(line),
            None => problems.push(format!("unexpected output: {line}")),
        }
    }
    for file in files {
        let path = file.to_str().expect("UTF-8 path");
        let (api_version, kind) = type_of(file);
        let lines = verdicts.remove(path).unwrap_or_default();
        let ok = match lines.as_slice() {
            [line] if is_crd(&api_version, &kind) => {
                line.starts_with("WARN ") && line.contains("Couldn't find schema")
            }
            [line] => {
                line.starts_with("INFO ")
                    && line.contains(" passed for resource ")
                    && line.ends_with("against version 1.33")
            }
            _ => false,
        };
        if !ok {
            problems.push(format!(
                "{} ({api_version} {kind}): expected {}, got: {}",
                display(file),
                if is_crd(&api_version, &kind) {
                    "\"Couldn't find schema\" (known CRD)"
                } else {
                    "\"passed ... against version 1.33\""
                },
                if lines.is_empty() {
                    "nothing".to_owned()
                } else {
                    lines.join(" | ")
                }
            ));
        }
    }
    problems
}

#[test]
fn generated_manifests_pass_strict_kubernetes_1_33_schemas() {
    let files = all_generated_files();
    assert!(!files.is_empty(), "no generated manifests");
    let ran = validate(&files);
    let problems = problems(&files, &ran);
    assert!(
        problems.is_empty(),
        "kubernetes-validate --strict -k {KUBERNETES_VERSION} rejected generated manifests:\n  {}\n\nfull output:\n{}{}",
        problems.join("\n  "),
        ran.stdout(),
        ran.stderr()
    );
}

/// Validates parts of objects against official 1.33 strict definitions bundled with
/// kubernetes-validate. Input: JSON list of `{"what", "def", "value"}`.
const VALIDATE_PARTS: &str = r#"
import json, sys
import jsonschema
from referencing import Registry, Resource
from kubernetes_validate.utils import schema_contents
version = sys.argv[1]
defs = schema_contents("kubernetes-json-schema/v%s-local-strict/_definitions.json" % version, version)
registry = Resource.from_contents(defs) @ Registry()
failed = 0
for part in json.load(sys.stdin):
    schema = {"$schema": "https://json-schema.org/draft/2020-12/schema",
              "$ref": "https://kubernetes.io/api/_definitions.json#/$defs/" + part["def"]}
    validator = jsonschema.Draft202012Validator(schema, registry=registry)
    errors = sorted(validator.iter_errors(part["value"]), key=lambda e: list(e.path))
    for e in errors:
        failed += 1
        print("ERROR %s: %s: %s" % (part["what"], "/".join(str(p) for p in e.path), e.message))
    if not errors:
        print("OK %s against %s" % (part["what"], part["def"]))
sys.exit(1 if failed else 0)
"#;

const OBJECT_META: &str = "io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta";
const LABEL_SELECTOR: &str = "io.k8s.apimachinery.pkg.apis.meta.v1.LabelSelector";

/// The parts of a CRD object that have an official Kubernetes schema.
fn crd_parts(what: &str, object: &Value) -> Vec<Value> {
    let mut parts = vec![json!({
        "what": format!("{what} metadata"),
        "def": OBJECT_META,
        "value": object["metadata"],
    })];
    if object["kind"] == "ServiceMonitor" {
        parts.push(json!({
            "what": format!("{what} spec.selector"),
            "def": LABEL_SELECTOR,
            "value": object["spec"]["selector"],
        }));
        if let Some(ns) = object["spec"].get("namespaceSelector") {
            // Not a Kubernetes type; its only field must be a list of names.
            assert!(
                ns.as_object()
                    .is_some_and(|o| o.iter().all(|(k, v)| k == "matchNames" && v.is_array())),
                "{what}: unexpected spec.namespaceSelector {ns}"
            );
        }
    }
    parts
}

fn validate_parts(parts: &[Value]) -> Ran {
    let input = serde_json::to_string(parts).expect("JSON");
    run(
        &python(),
        &["-c", VALIDATE_PARTS, KUBERNETES_VERSION],
        Some(&input),
    )
}

#[test]
fn crd_objects_metadata_and_selectors_pass_official_schemas() {
    let mut parts = Vec::new();
    for file in all_generated_files() {
        let (api_version, kind) = type_of(&file);
        if !is_crd(&api_version, &kind) {
            continue;
        }
        let text = std::fs::read_to_string(&file).expect("readable file");
        let object = parse_yaml_docs(&text).remove(0);
        parts.extend(crd_parts(&display(&file), &object));
    }
    if parts.is_empty() {
        // No CRD objects emitted (yet): nothing to check here.
        return;
    }
    let ran = validate_parts(&parts);
    assert!(
        ran.success(),
        "custom resources failed the official 1.33 ObjectMeta/LabelSelector schemas:\n{}{}",
        ran.stdout(),
        ran.stderr()
    );
    assert_eq!(
        ran.stdout()
            .lines()
            .filter(|l| l.starts_with("OK "))
            .count(),
        parts.len(),
        "every part validated:\n{}",
        ran.stdout()
    );
}

// ---- The checks have teeth: broken manifests fail. ----

const GOOD_DEPLOYMENT: &str = r#"apiVersion: apps/v1
kind: Deployment
metadata:
  name: probe
  namespace: probe
  labels:
    app.kubernetes.io/name: probe
spec:
  selector:
    matchLabels:
      app.kubernetes.io/name: probe
  template:
    metadata:
      labels:
        app.kubernetes.io/name: probe
    spec:
      containers:
      - name: app
        image: registry.example/probe:1.0.0
"#;

fn write(dir: &TempDir, name: &str, content: &str) -> PathBuf {
    let path = dir.path().join(name);
    std::fs::write(&path, content).expect("write temp file");
    path
}

#[test]
fn a_valid_deployment_passes() {
    let dir = TempDir::new("schema-good");
    let files = vec![write(&dir, "deployment.yaml", GOOD_DEPLOYMENT)];
    let ran = validate(&files);
    let p = problems(&files, &ran);
    assert!(p.is_empty(), "{p:?}\n{}", ran.stdout());
}

#[test]
fn an_unknown_field_fails_strict_validation() {
    let dir = TempDir::new("schema-unknown-field");
    let broken = GOOD_DEPLOYMENT.replace(
        "        image: registry.example/probe:1.0.0\n",
        "        image: registry.example/probe:1.0.0\n        imagePullPolice: Always\n",
    );
    let files = vec![write(&dir, "deployment.yaml", &broken)];
    let ran = validate(&files);
    assert!(
        !ran.success(),
        "an unknown field must fail: {}",
        ran.stdout()
    );
    assert!(
        ran.stdout().contains("ERROR") && ran.stdout().contains("imagePullPolice"),
        "the error names the field: {}",
        ran.stdout()
    );
    assert!(!problems(&files, &ran).is_empty());
}

#[test]
fn a_yaml_1_1_boolean_where_a_string_is_required_fails() {
    let dir = TempDir::new("schema-bool");
    // `on` unquoted is a boolean in YAML 1.1; label values must be strings.
    let broken = GOOD_DEPLOYMENT.replace(
        "    app.kubernetes.io/name: probe\nspec:",
        "    app.kubernetes.io/name: probe\n    enabled: on\nspec:",
    );
    let files = vec![write(&dir, "deployment.yaml", &broken)];
    let ran = validate(&files);
    assert!(
        !ran.success(),
        "a boolean label value must fail: {}",
        ran.stdout()
    );
}

#[test]
fn a_builtin_kind_with_an_unknown_api_version_is_not_let_through() {
    let dir = TempDir::new("schema-api-version");
    let broken = GOOD_DEPLOYMENT.replace("apiVersion: apps/v1", "apiVersion: apps/v2");
    let files = vec![write(&dir, "deployment.yaml", &broken)];
    let ran = validate(&files);
    // kubernetes-validate only warns (no schema) and exits 0 ...
    assert!(
        ran.stdout().contains("Couldn't find schema"),
        "{}",
        ran.stdout()
    );
    // ... but this test's verdict check rejects it.
    let p = problems(&files, &ran);
    assert!(p.iter().any(|m| m.contains("apps/v2 Deployment")), "{p:?}");
}

#[test]
fn a_crd_with_invalid_metadata_fails_the_metadata_check() {
    let object = json!({
        "apiVersion": "monitoring.coreos.com/v1",
        "kind": "ServiceMonitor",
        "metadata": {"name": "probe", "labels": {"a": true}, "lables": {}},
        "spec": {"selector": {"matchLabel": {"a": "b"}}, "endpoints": []},
    });
    let ran = validate_parts(&crd_parts("probe", &object));
    assert!(!ran.success(), "{}", ran.stdout());
    let out = ran.stdout();
    for needle in ["lables", "labels/a", "matchLabel"] {
        assert!(out.contains(needle), "expected {needle:?} in:\n{out}");
    }
}

#[test]
fn a_rendered_cron_job_passes_strict_schemas() {
    use dsl::{
        cpu, cron, image, memory, name, time_zone, App, Component, ConcurrencyPolicy, Resources,
        ScheduledJob,
    };
    let app = App::builder()
        .name(name!("shop"))
        .environment(name!("production"))
        .namespace(name!("shop"))
        .components(vec![Component::builder()
            .name(name!("report"))
            .image(image!("ghcr.io/acme/report:2.0.1"))
            .resources(Resources::new(
                cpu!("100m"),
                cpu!("500m"),
                memory!("128Mi"),
                memory!("256Mi"),
            ))
            .workload(
                ScheduledJob::builder()
                    .schedule(cron!("30 2 * * MON-FRI"))
                    .time_zone(time_zone!("Europe/Berlin"))
                    .concurrency(ConcurrencyPolicy::Forbid)
                    .starting_deadline_seconds(600)
                    .backoff_limit(2)
                    .active_deadline_seconds(3600)
                    .ttl_seconds_after_finished(86_400)
                    .build(),
            )
            .build()])
        .build();
    let dir = TempDir::new("schema-cronjob");
    let files: Vec<PathBuf> = dsl::render(&app)
        .iter()
        .map(|m| {
            let text = dsl::yaml::to_yaml(&m.object).expect("yaml");
            write(&dir, &m.object.file_name(), &text)
        })
        .collect();
    assert!(files
        .iter()
        .any(|f| f.ends_with("cronjob-shop-report.yaml")));
    let ran = validate(&files);
    let p = problems(&files, &ran);
    assert!(p.is_empty(), "{p:?}\n{}", ran.stdout());
}

#[test]
fn a_rendered_pod_with_init_container_native_sidecar_extra_container_and_grpc_probe_passes() {
    use dsl::{
        cpu, http_path, image, memory, name, port, port_name, App, Check, Component, Container,
        HttpService, NamedPort, Probe, Probes, Replicas, Resources,
    };
    let small = Resources::new(cpu!("10m"), cpu!("100m"), memory!("32Mi"), memory!("64Mi"));
    let http = NamedPort::new(port_name!("http"), port!(8080));
    let grpc = NamedPort::new(port_name!("grpc"), port!(9090));
    let otlp = NamedPort::new(port_name!("otlp"), port!(4317));
    let docs = NamedPort::new(port_name!("docs"), port!(8081));
    let app = App::builder()
        .name(name!("shop"))
        .environment(name!("production"))
        .namespace(name!("shop"))
        .components(vec![Component::builder()
            .name(name!("api"))
            .image(image!("ghcr.io/acme/shop:1.4.2"))
            .resources(small)
            .workload(
                HttpService::builder()
                    .port(http.clone())
                    .extra_ports(vec![grpc.clone()])
                    .probes(
                        Probes::builder()
                            .liveness(Probe::builder().check(Check::grpc(&grpc)).build())
                            .readiness(
                                Probe::builder()
                                    .check(Check::grpc_service(&grpc, "shop.Api"))
                                    .build(),
                            )
                            .build(),
                    )
                    .replicas(Replicas::Fixed(1))
                    .build(),
            )
            .init_container(
                Container::builder()
                    .name(name!("migrate"))
                    .image(image!("ghcr.io/acme/shop:1.4.2"))
                    .resources(small)
                    .args(vec!["migrate".into()])
                    .build(),
            )
            .sidecar(
                Container::builder()
                    .name(name!("otel"))
                    .image(image!("otel/opentelemetry-collector:0.110.0"))
                    .resources(small)
                    .serves(otlp.clone())
                    .probes(
                        Probes::builder()
                            .liveness(Probe::builder().check(Check::tcp(&otlp)).build())
                            .readiness(Probe::builder().check(Check::grpc(&otlp)).build())
                            .startup(
                                Probe::builder()
                                    .check(Check::exec("/otelcol", ["validate"]))
                                    .build(),
                            )
                            .build(),
                    )
                    .build(),
            )
            .container(
                Container::builder()
                    .name(name!("docs"))
                    .image(image!("ghcr.io/acme/docs:1.0.0"))
                    .resources(small)
                    .port(docs.clone())
                    .probes(Probes::http(
                        &docs,
                        http_path!("/live"),
                        http_path!("/ready"),
                    ))
                    .build(),
            )
            .build()
            .into_component()])
        .build();
    let manifests = dsl::render(&app);
    let report = dsl::validate(&manifests, &dsl::validate::context_for(&app));
    assert!(!report.has_errors(), "{report:?}");
    let dir = TempDir::new("schema-containers");
    let files: Vec<PathBuf> = manifests
        .iter()
        .map(|m| {
            let text = dsl::yaml::to_yaml(&m.object).expect("yaml");
            write(&dir, &m.object.file_name(), &text)
        })
        .collect();
    let deployment = files
        .iter()
        .find(|f| f.ends_with("deployment-shop-api.yaml"))
        .expect("Deployment file");
    let text = std::fs::read_to_string(deployment).expect("readable");
    assert!(text.contains("restartPolicy: Always"), "{text}");
    assert!(text.contains("grpc:"), "{text}");
    let ran = validate(&files);
    let p = problems(&files, &ran);
    assert!(p.is_empty(), "{p:?}\n{}", ran.stdout());
}

#[test]
fn a_rendered_node_agent_with_host_access_and_a_stateful_service_pass_strict_schemas() {
    use dsl::{
        cpu, host_path, image, memory, name, port, port_name, reason, storage, App, Capability,
        Check, Component, HostAccess, HostPathType, MemberVolume, NamedPort, NodeAgent, Probe,
        Probes, Resources, StatefulService, Toleration,
    };
    let resources = || {
        Resources::new(
            cpu!("100m"),
            cpu!("500m"),
            memory!("128Mi"),
            memory!("256Mi"),
        )
    };
    let metrics = NamedPort::new(port_name!("metrics"), port!(9100));
    let agent = Component::builder()
        .name(name!("shipper"))
        .image(image!("ghcr.io/acme/shipper:3.1.0"))
        .resources(resources())
        .workload(
            NodeAgent::builder()
                .ports(vec![metrics.clone()])
                .without_probes(reason!("pushes offsets, serves only metrics"))
                .host_access([
                    HostAccess::host_path(host_path!("/var/lib/shipper"), "/state")
                        .read_write()
                        .path_type(HostPathType::DirectoryOrCreate)
                        .reason(reason!("keeps read offsets across restarts")),
                    HostAccess::host_network().reason(reason!("reports the node's address")),
                    HostAccess::host_port(&metrics).reason(reason!("scraped on the node")),
                    HostAccess::capability(Capability::NetAdmin)
                        .reason(reason!("sets up the node's tunnel")),
                ])
                .build(),
        )
        .tolerate_all(Toleration::everything())
        .build();
    let redis = NamedPort::new(port_name!("redis"), port!(6379));
    let probe = || Probe::builder().check(Check::tcp(&redis)).build();
    let cache = Component::builder()
        .name(name!("redis"))
        .image(image!("docker.io/library/redis:7.2.5"))
        .resources(resources())
        .workload(StatefulService::single(
            redis.clone(),
            Probes::builder()
                .liveness(probe())
                .readiness(probe())
                .build(),
            MemberVolume::builder()
                .name(name!("data"))
                .size(storage!("1Gi"))
                .mount_path("/data")
                .build(),
        ))
        .build();
    let mut app = App::builder()
        .name(name!("shop"))
        .environment(name!("production"))
        .namespace(name!("shop"))
        .components(vec![agent, cache])
        .build();
    app.create_namespace = true;
    let dir = TempDir::new("schema-node-agent");
    let files: Vec<PathBuf> = dsl::render(&app)
        .iter()
        .map(|m| {
            let text = dsl::yaml::to_yaml(&m.object).expect("yaml");
            write(&dir, &m.object.file_name(), &text)
        })
        .collect();
    for expected in [
        "daemonset-shop-shipper.yaml",
        "statefulset-shop-redis.yaml",
        "namespace-shop.yaml",
    ] {
        assert!(files.iter().any(|f| f.ends_with(expected)), "{expected}");
    }
    let ran = validate(&files);
    let p = problems(&files, &ran);
    assert!(p.is_empty(), "{p:?}\n{}", ran.stdout());
}

dsl::external_secret! {
    /// TLS material for the schema check below.
    pub struct ApiTls { cert: "tls.crt", key: "tls.key" }
}

/// One pod with every optional setting of issue 9 item 3: projected Secret/ConfigMap
/// files with a `defaultMode`, claims read-only and read-write, a memory-backed scratch
/// directory, node affinity, pod affinity merged with the spread's anti-affinity,
/// best-effort zone spread, component labels, annotations and pull secrets, and the
/// NodeLocal DNS egress rule.
#[test]
fn a_pod_with_volumes_affinity_and_node_local_dns_passes_strict_schemas() {
    use dsl::*;
    let resources = Resources::new(
        cpu!("100m"),
        cpu!("500m"),
        memory!("128Mi"),
        memory!("256Mi"),
    );
    let cache = Component::builder()
        .name(name!("cache"))
        .image(image!("ghcr.io/acme/cache:1.0.0"))
        .resources(resources)
        .workload(Worker::builder().replicas(Replicas::Fixed(1)).build())
        .build();
    let tls = ApiTls::named(name!("api-tls"));
    let http = NamedPort::new(port_name!("http"), port!(8080));
    let api = Component::builder()
        .name(name!("api"))
        .image(image!("ghcr.io/acme/shop:1.4.2"))
        .resources(resources)
        .workload(
            HttpService::builder()
                .port(http.clone())
                .probes(Probes::http(
                    &http,
                    http_path!("/live"),
                    http_path!("/ready"),
                ))
                .replicas(Replicas::Fixed(2))
                .disruption(Disruption::MaxUnavailable(1))
                .spread(Spread::AcrossZonesBestEffort)
                .build(),
        )
        .writable_dirs(vec![WritableDir::tmp(storage!("64Mi")).memory_backed()])
        .volume(
            ProjectedFiles::new(name!("tls"), "/etc/tls")
                .secret_file(tls.cert(), key!("tls.crt"))
                .secret_file(tls.key(), key!("tls.key"))
                .config_file(key!("ca-bundle"), key!("ca.crt"))
                .default_mode(file_mode!(0o440)),
        )
        .volume(Volume::claim(
            name!("models"),
            name!("ml-models"),
            "/models",
            ClaimAccess::ReadOnly,
        ))
        .volume(Volume::claim(
            name!("uploads"),
            name!("shop-uploads"),
            "/uploads",
            ClaimAccess::ReadWrite,
        ))
        .node_affinity(
            NodeAffinity::default()
                .require([NodeRequirement::is_in(
                    label_key!("kubernetes.io/arch"),
                    [label_value!("amd64"), label_value!("arm64")],
                )])
                .prefer(
                    weight!(40),
                    [NodeRequirement::does_not_exist(label_key!(
                        "example.com/spot"
                    ))],
                ),
        )
        .pod_affinity(PodAffinityRule::near(
            &cache,
            Topology::Zone,
            Strength::Preferred(weight!(100)),
        ))
        .pod_affinity(PodAffinityRule::apart_from(
            &cache,
            Topology::Node,
            Strength::Required,
        ))
        .label(label_key!("example.com/team"), label_value!("payments"))
        .annotation(
            annotation_key!("example.com/runbook"),
            "https://runbooks.example.com/api",
        )
        .image_pull_secret(name!("ghcr-payments"))
        .build();
    let app = App::builder()
        .name(name!("shop"))
        .environment(name!("production"))
        .namespace(name!("shop"))
        .components((api, cache))
        .config(
            [(
                key!("ca-bundle"),
                "-----BEGIN CERTIFICATE-----\n".to_owned(),
            )]
            .into(),
        )
        .secrets(vec![tls.declaration()])
        .image_pull_secrets(vec![name!("ghcr-shared")])
        .dns(Dns::NODE_LOCAL_DEFAULT)
        .build();
    let manifests = dsl::render(&app);
    let report = dsl::validate(&manifests, &dsl::validate::context_for(&app));
    assert!(report.findings.is_empty(), "{:#?}", report.findings);
    let dir = self::TempDir::new("schema-pod-options");
    let files: Vec<PathBuf> = manifests
        .iter()
        .map(|m| {
            let text = dsl::yaml::to_yaml(&m.object).expect("yaml");
            self::write(&dir, &m.object.file_name(), &text)
        })
        .collect();
    let deployment = files
        .iter()
        .find(|f| f.ends_with("deployment-shop-api.yaml"))
        .expect("the api Deployment");
    let text = std::fs::read_to_string(deployment).expect("read");
    assert!(text.contains("defaultMode: 288\n"), "{text}");
    let ran = self::validate(&files);
    let p = self::problems(&files, &ran);
    assert!(p.is_empty(), "{p:?}\n{}", ran.stdout());
}
