//! Seed parity: the numbers the five seed documents give (replicas, autoscaling ranges
//! and targets, disruption budgets, requests and limits, ports, probe paths, TTLs,
//! storage sizes) are checked against the objects kairn emitted under `generated/`.
//! `docs/parity.md` explains every setting and every deliberate difference.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde_json::{json, Value};

/// The objects of one emitted environment directory, by `Kind/name`.
struct Env {
    dir: PathBuf,
    objects: BTreeMap<String, Value>,
}

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

impl Env {
    fn load(app: &str, env: &str) -> Env {
        let dir = root().join("generated").join(app).join(env);
        assert!(
            dir.is_dir(),
            "{} is missing: run `cargo run -p cli -- emit`",
            dir.display()
        );
        let mut objects = BTreeMap::new();
        for path in integration::support::manifest_files(&dir) {
            let text = std::fs::read_to_string(&path).expect("readable file");
            let value: Value =
                dsl::yaml::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
            let key = format!(
                "{}/{}",
                value["kind"].as_str().unwrap_or_default(),
                value["metadata"]["name"].as_str().unwrap_or_default()
            );
            objects.insert(key, value);
        }
        Env { dir, objects }
    }

    /// The object `kind/name`.
    fn get(&self, kind: &str, name: &str) -> &Value {
        self.objects
            .get(&format!("{kind}/{name}"))
            .unwrap_or_else(|| {
                panic!(
                    "{kind}/{name} not in {}; have {:?}",
                    self.dir.display(),
                    self.objects.keys().collect::<Vec<_>>()
                )
            })
    }

    /// Whether `kind/name` exists.
    fn has(&self, kind: &str, name: &str) -> bool {
        self.objects.contains_key(&format!("{kind}/{name}"))
    }

    /// The one object of `kind` whose name starts with `prefix` (hook Jobs end in a hash).
    fn one_prefixed(&self, kind: &str, prefix: &str) -> &Value {
        let found: Vec<&Value> = self
            .objects
            .iter()
            .filter(|(k, _)| k.starts_with(&format!("{kind}/{prefix}")))
            .map(|(_, v)| v)
            .collect();
        assert_eq!(found.len(), 1, "expected one {kind} named {prefix}*");
        found[0]
    }
}

/// `value` at a JSON pointer, failing with the pointer when it is absent.
fn at<'a>(value: &'a Value, pointer: &str) -> &'a Value {
    value.pointer(pointer).unwrap_or_else(|| {
        panic!(
            "{pointer} missing in {}/{}",
            value["kind"], value["metadata"]["name"]
        )
    })
}

fn container(workload: &Value) -> &Value {
    at(workload, "/spec/template/spec/containers/0")
}

/// requests cpu, limits cpu, requests memory, limits memory.
fn assert_resources(workload: &Value, expected: [&str; 4]) {
    let c = container(workload);
    assert_eq!(
        [
            at(c, "/resources/requests/cpu"),
            at(c, "/resources/limits/cpu"),
            at(c, "/resources/requests/memory"),
            at(c, "/resources/limits/memory"),
        ],
        expected.map(|s| json!(s)).each_ref(),
        "resources of {}",
        workload["metadata"]["name"]
    );
}

/// min, max, cpu %, memory % (None: no such metric).
fn assert_hpa(
    hpa: &Value,
    target: &str,
    min: u64,
    max: u64,
    cpu: Option<u64>,
    memory: Option<u64>,
) {
    assert_eq!(at(hpa, "/spec/scaleTargetRef/name"), target);
    assert_eq!(at(hpa, "/spec/minReplicas"), min);
    assert_eq!(at(hpa, "/spec/maxReplicas"), max);
    let metric = |name: &str| {
        hpa["spec"]["metrics"]
            .as_array()
            .into_iter()
            .flatten()
            .find(|m| m["resource"]["name"] == name)
            .map(|m| {
                m["resource"]["target"]["averageUtilization"]
                    .as_u64()
                    .unwrap_or_default()
            })
    };
    assert_eq!(
        metric("cpu"),
        cpu,
        "cpu target of {}",
        hpa["metadata"]["name"]
    );
    assert_eq!(
        metric("memory"),
        memory,
        "memory target of {}",
        hpa["metadata"]["name"]
    );
}

fn assert_port(workload: &Value, name: &str, number: u64) {
    let ports = at(container(workload), "/ports").as_array().expect("ports");
    assert!(
        ports
            .iter()
            .any(|p| p["name"] == name && p["containerPort"] == number),
        "{} has no port {name}={number}: {ports:?}",
        workload["metadata"]["name"]
    );
}

/// Liveness and readiness HTTP paths on a named port.
fn assert_http_probes(workload: &Value, port: &str, live: &str, ready: &str) {
    let c = container(workload);
    assert_eq!(at(c, "/livenessProbe/httpGet/path"), live);
    assert_eq!(at(c, "/livenessProbe/httpGet/port"), port);
    assert_eq!(at(c, "/readinessProbe/httpGet/path"), ready);
    assert_eq!(at(c, "/readinessProbe/httpGet/port"), port);
}

fn env_value<'a>(workload: &'a Value, name: &str) -> &'a Value {
    container(workload)["env"]
        .as_array()
        .into_iter()
        .flatten()
        .find(|e| e["name"] == name)
        .unwrap_or_else(|| panic!("{} has no env {name}", workload["metadata"]["name"]))
}

fn claim_size(claim: &Value) -> &Value {
    at(claim, "/spec/resources/requests/storage")
}

#[test]
fn every_seed_system_is_emitted() {
    for (app, envs) in [
        ("terrapod", &["production"][..]),
        ("triage-warden", &["production"]),
        ("caelundas", &["production"]),
        ("inquisitor", &["production"]),
        ("gorax", &["development", "staging", "production"]),
    ] {
        for env in envs {
            let dir = root().join("generated").join(app).join(env);
            assert!(
                dir.join("kustomization.yaml").is_file(),
                "{} is not emitted",
                dir.display()
            );
        }
    }
}

// ---------------------------------------------------------------------------------------
// 000 Terrapod
// ---------------------------------------------------------------------------------------

#[test]
fn seed_000_terrapod() {
    let e = Env::load("terrapod", "production");
    let api = e.get("Deployment", "terrapod-api");
    // api.resources: 250m / 1, 512Mi / 1Gi.
    assert_resources(api, ["250m", "1", "512Mi", "1Gi"]);
    // HPA 2-10 at 70% CPU; the Deployment leaves replicas to it.
    assert_hpa(
        e.get("HorizontalPodAutoscaler", "terrapod-api"),
        "terrapod-api",
        2,
        10,
        Some(70),
        None,
    );
    assert!(api["spec"].get("replicas").is_none());
    // PDB minAvailable 1.
    assert_eq!(
        at(
            e.get("PodDisruptionBudget", "terrapod-api"),
            "/spec/minAvailable"
        ),
        1
    );
    // /health (liveness) and /ready (readiness).
    assert_http_probes(api, "http", "/health", "/ready");
    // Cloud identity: the seed's IRSA role is the AWS documentation account, so no role
    // is invented; without `--set aws-role-arn=` the API's ServiceAccount is bound by an
    // EKS Pod Identity association (no annotation) and may reach the Pod Identity Agent.
    // No token mounted.
    let sa = e.get("ServiceAccount", "terrapod-api");
    assert!(sa["metadata"].get("annotations").is_none(), "{sa}");
    assert_eq!(at(sa, "/automountServiceAccountToken"), false);
    let egress = at(e.get("NetworkPolicy", "terrapod-api"), "/spec/egress").to_string();
    assert!(egress.contains("169.254.170.23/32"), "{egress}");
    // config.yaml: storage s3 terrapod-storage / eu-west-1, auth and VCS numbers.
    let config: Value = dsl::yaml::from_str(
        at(
            e.get("ConfigMap", "terrapod-api-config"),
            "/data/config.yaml",
        )
        .as_str()
        .expect("text"),
    )
    .expect("config.yaml");
    assert_eq!(
        config["storage"],
        json!({"backend": "s3", "s3": {"bucket": "terrapod-storage", "region": "eu-west-1"}})
    );
    assert_eq!(config["auth"]["session_ttl_hours"], 12);
    assert_eq!(config["auth"]["api_token_max_ttl_hours"], 8760);
    // The seed's Okta provider is a placeholder: without `--set oidc-issuer-url= --set
    // oidc-client-id=` single sign-on is left out and local accounts log in.
    assert_eq!(config["auth"]["local_enabled"], true);
    assert!(config["auth"].get("sso").is_none(), "{config}");
    assert_eq!(config["vcs"]["poll_interval_seconds"], 60);
    assert_eq!(config["log_level"], "info");

    // Web: 2 replicas, requests 100m / 128Mi.
    let web = e.get("Deployment", "terrapod-web");
    assert_eq!(at(web, "/spec/replicas"), 2);
    assert_eq!(at(container(web), "/resources/requests/cpu"), "100m");
    assert_eq!(at(container(web), "/resources/requests/memory"), "128Mi");
    // Listener: 1 replica, requests 100m / 256Mi, token mounted (it creates Jobs).
    let listener = e.get("Deployment", "terrapod-listener");
    assert_eq!(at(listener, "/spec/replicas"), 1);
    assert_eq!(at(container(listener), "/resources/requests/cpu"), "100m");
    assert_eq!(
        at(container(listener), "/resources/requests/memory"),
        "256Mi"
    );
    assert_eq!(
        at(listener, "/spec/template/spec/automountServiceAccountToken"),
        true
    );

    // Runner definitions: 1 CPU request / 2 limit, 2Gi / 4Gi, TTL 600 s, terraform 1.9.8.
    let runners: Value = dsl::yaml::from_str(
        at(
            e.get("ConfigMap", "terrapod-listener-runners"),
            "/data/runners.yaml",
        )
        .as_str()
        .expect("text"),
    )
    .expect("runners.yaml");
    let standard = &runners["definitions"]["standard"];
    assert_eq!(runners["default"], "standard");
    assert_eq!(standard["execution_backend"], "terraform");
    assert_eq!(standard["terraform_version"], "1.9.8");
    assert_eq!(
        standard["resources"],
        json!({"requests": {"cpu": "1", "memory": "2Gi"}, "limits": {"cpu": "2", "memory": "4Gi"}})
    );
    assert_eq!(standard["ttl_seconds_after_finished"], 600);
    assert_eq!(runners["service_account_name"], "terrapod-runner");
    let ns = runners["namespace"].as_str().expect("runner namespace");

    // Listener RBAC: exactly create/delete/get/list/watch on batch jobs, in the runner namespace.
    let role = e.get("Role", "terrapod-listener-jobs");
    assert_eq!(at(role, "/metadata/namespace"), ns);
    assert_eq!(
        at(role, "/rules"),
        &json!([{"apiGroups": ["batch"], "resources": ["jobs"], "verbs": ["create", "delete", "get", "list", "watch"]}])
    );
    let binding = e.get("RoleBinding", "terrapod-listener-jobs");
    assert_eq!(at(binding, "/subjects/0/name"), "terrapod-listener");
    assert_eq!(at(binding, "/subjects/0/namespace"), "terrapod");
    assert!(e.has("ServiceAccount", "terrapod-runner"));

    // Ingress: all traffic to the web UI, TLS by cert-manager.
    let ing = e.get("Ingress", "terrapod");
    assert_eq!(at(ing, "/spec/rules/0/host"), "terrapod.example.com");
    assert_eq!(at(ing, "/spec/rules/0/http/paths/0/path"), "/");
    assert_eq!(
        at(ing, "/spec/rules/0/http/paths/0/backend/service/name"),
        "terrapod-web"
    );
    assert_eq!(at(ing, "/spec/ingressClassName"), "nginx");
    assert_eq!(
        at(ing, "/metadata/annotations/cert-manager.io~1cluster-issuer"),
        "letsencrypt-prod"
    );

    // Hooks: migrations pre-install/pre-upgrade, bootstrap post-install, with a TTL.
    let migrations = e.one_prefixed("Job", "terrapod-migrations-");
    assert_eq!(
        at(migrations, "/metadata/annotations/helm.sh~1hook"),
        "pre-install,pre-upgrade"
    );
    assert_eq!(
        at(migrations, "/metadata/annotations/argocd.argoproj.io~1hook"),
        "PreSync"
    );
    assert!(at(migrations, "/spec/ttlSecondsAfterFinished")
        .as_u64()
        .is_some());
    let bootstrap = e.one_prefixed("Job", "terrapod-bootstrap-");
    assert_eq!(
        at(bootstrap, "/metadata/annotations/helm.sh~1hook"),
        "post-install"
    );
    assert_eq!(
        at(bootstrap, "/metadata/annotations/argocd.argoproj.io~1hook"),
        "PostSync"
    );
    assert!(at(bootstrap, "/spec/ttlSecondsAfterFinished")
        .as_u64()
        .is_some());
    // The hook's ServiceAccount exists before the hook runs.
    let hook_sa = e.get("ServiceAccount", "terrapod-migrations");
    assert_eq!(
        at(hook_sa, "/metadata/annotations/helm.sh~1hook-weight"),
        "-1"
    );
}

/// The filesystem backend (seed: 100Gi on gp3, ReadWriteOnce) limits the API to one pod;
/// rendered from the declaration with `--set storage=filesystem`.
#[test]
fn seed_000_terrapod_filesystem_backend() {
    let entry = apps::registry()
        .into_iter()
        .find(|a| a.id == "terrapod")
        .expect("terrapod is registered");
    let inputs = apps::Inputs::new(BTreeMap::from([(
        "storage".to_owned(),
        "filesystem".to_owned(),
    )]));
    let app = entry
        .declare("production", &inputs)
        .expect("production exists")
        .expect("valid inputs");
    let objects: Vec<Value> = dsl::render(&app)
        .iter()
        .map(|m| serde_json::to_value(&m.object).expect("json"))
        .collect();
    let find = |kind: &str, name: &str| {
        objects
            .iter()
            .find(|o| o["kind"] == kind && o["metadata"]["name"] == name)
            .unwrap_or_else(|| panic!("{kind}/{name} missing"))
    };
    let claim = find("PersistentVolumeClaim", "terrapod-api-storage");
    assert_eq!(claim_size(claim), "100Gi");
    assert_eq!(at(claim, "/spec/storageClassName"), "gp3");
    assert_eq!(at(claim, "/spec/accessModes/0"), "ReadWriteOnce");
    let api = find("Deployment", "terrapod-api");
    assert_eq!(at(api, "/spec/replicas"), 1);
    assert_eq!(at(api, "/spec/strategy/type"), "Recreate");
    assert!(!objects
        .iter()
        .any(|o| o["kind"] == "HorizontalPodAutoscaler"));
    assert!(!objects
        .iter()
        .any(|o| o["kind"] == "PodDisruptionBudget" && o["metadata"]["name"] == "terrapod-api"));
    let config: Value = dsl::yaml::from_str(
        at(
            find("ConfigMap", "terrapod-api-config"),
            "/data/config.yaml",
        )
        .as_str()
        .expect("text"),
    )
    .expect("config.yaml");
    assert_eq!(
        config["storage"],
        json!({"backend": "filesystem", "filesystem": {"root_dir": "/var/lib/terrapod/storage"}})
    );
}

// ---------------------------------------------------------------------------------------
// 001 Triage Warden
// ---------------------------------------------------------------------------------------

#[test]
fn seed_001_triage_warden() {
    let e = Env::load("triage-warden", "production");
    let api = e.get("Deployment", "triage-warden-api");
    let orchestrator = e.get("Deployment", "triage-warden-orchestrator");
    // values-production.yaml: 500m / 2000m, 512Mi / 2Gi for both.
    assert_resources(api, ["500m", "2", "512Mi", "2Gi"]);
    assert_resources(orchestrator, ["500m", "2", "512Mi", "2Gi"]);
    // HPA 2-10, CPU 70 %, memory 80 %; orchestrator 2 replicas.
    assert_hpa(
        e.get("HorizontalPodAutoscaler", "triage-warden-api"),
        "triage-warden-api",
        2,
        10,
        Some(70),
        Some(80),
    );
    assert_eq!(at(orchestrator, "/spec/replicas"), 2);
    // PDB minAvailable 1.
    assert_eq!(
        at(
            e.get("PodDisruptionBudget", "triage-warden-api"),
            "/spec/minAvailable"
        ),
        1
    );
    assert_eq!(
        at(
            e.get("PodDisruptionBudget", "triage-warden-orchestrator"),
            "/spec/minAvailable"
        ),
        1
    );
    // Port http 8080; Service port 80 -> http.
    assert_port(api, "http", 8080);
    let svc = e.get("Service", "triage-warden-api");
    assert_eq!(at(svc, "/spec/ports/0/port"), 80);
    assert_eq!(at(svc, "/spec/ports/0/targetPort"), "http");
    // Probes /live (30, 10, 5, 3) and /ready (5, 5, 3, 3).
    assert_http_probes(api, "http", "/live", "/ready");
    let c = container(api);
    assert_eq!(
        [
            &c["livenessProbe"]["initialDelaySeconds"],
            &c["livenessProbe"]["periodSeconds"],
            &c["livenessProbe"]["timeoutSeconds"],
            &c["livenessProbe"]["failureThreshold"]
        ],
        [&json!(30), &json!(10), &json!(5), &json!(3)]
    );
    assert_eq!(
        [
            &c["readinessProbe"]["initialDelaySeconds"],
            &c["readinessProbe"]["periodSeconds"],
            &c["readinessProbe"]["timeoutSeconds"],
            &c["readinessProbe"]["failureThreshold"]
        ],
        [&json!(5), &json!(5), &json!(3), &json!(3)]
    );
    // Leader election 15s / 10s / 2s.
    assert_eq!(
        env_value(orchestrator, "TW_LEADER_ELECTION_LEASE_DURATION")["value"],
        "15s"
    );
    assert_eq!(
        env_value(orchestrator, "TW_LEADER_ELECTION_RENEW_DEADLINE")["value"],
        "10s"
    );
    assert_eq!(
        env_value(orchestrator, "TW_LEADER_ELECTION_RETRY_PERIOD")["value"],
        "2s"
    );
    // ServiceMonitor: /metrics every 30s on http.
    let sm = e.get("ServiceMonitor", "triage-warden-api");
    assert_eq!(at(sm, "/spec/endpoints/0/port"), "http");
    assert_eq!(at(sm, "/spec/endpoints/0/path"), "/metrics");
    assert_eq!(at(sm, "/spec/endpoints/0/interval"), "30s");
    // Ingress: triage.example.com, proxy-body-size 10m.
    let ing = e.get("Ingress", "triage-warden");
    assert_eq!(at(ing, "/spec/rules/0/host"), "triage.example.com");
    assert_eq!(
        at(
            ing,
            "/metadata/annotations/nginx.ingress.kubernetes.io~1proxy-body-size"
        ),
        "10m"
    );
    // ConfigMap values.
    let cm = e.get("ConfigMap", "triage-warden-config");
    assert_eq!(at(cm, "/data/TW_BIND_ADDRESS"), "0.0.0.0:8080");
    assert_eq!(at(cm, "/data/RUST_LOG"), "info");
}

// ---------------------------------------------------------------------------------------
// 002 caelundas
// ---------------------------------------------------------------------------------------

#[test]
fn seed_002_caelundas() {
    let e = Env::load("caelundas", "production");
    // Named by its spec (a run-once Job, see docs/parity.md "Run-once Jobs").
    let job = e.one_prefixed("Job", "caelundas-generator-");
    // backoffLimit 1, completions 1, parallelism 1, ttlSecondsAfterFinished 3600.
    assert_eq!(at(job, "/spec/backoffLimit"), 1);
    assert_eq!(at(job, "/spec/completions"), 1);
    assert_eq!(at(job, "/spec/parallelism"), 1);
    assert_eq!(at(job, "/spec/ttlSecondsAfterFinished"), 3600);
    // Pinned image 1.0.0 and the ghcr-secret pull secret.
    assert_eq!(
        at(container(job), "/image"),
        "ghcr.io/jimmypaolini/caelundas:1.0.0"
    );
    assert_eq!(
        at(job, "/spec/template/spec/imagePullSecrets/0/name"),
        "ghcr-secret"
    );
    // Output PVC: 2Gi, standard, ReadWriteOnce, mounted at /app/output, kept by Helm.
    let claim = e.get("PersistentVolumeClaim", "caelundas-generator-output");
    assert_eq!(claim_size(claim), "2Gi");
    assert_eq!(at(claim, "/spec/storageClassName"), "standard");
    assert_eq!(at(claim, "/spec/accessModes/0"), "ReadWriteOnce");
    assert_eq!(
        at(claim, "/metadata/annotations/helm.sh~1resource-policy"),
        "keep"
    );
    let mounts = at(container(job), "/volumeMounts")
        .as_array()
        .expect("mounts");
    assert!(mounts.iter().any(|m| m["mountPath"] == "/app/output"));
    // Env from caelundas-env-secret.
    assert_eq!(
        env_value(job, "START_DATE")["valueFrom"]["secretKeyRef"]["name"],
        "caelundas-env-secret"
    );
}

// ---------------------------------------------------------------------------------------
// 003 Inquisitor
// ---------------------------------------------------------------------------------------

#[test]
fn seed_003_inquisitor() {
    let e = Env::load("inquisitor", "production");
    let sts = e.get("StatefulSet", "inquisitor-raft");
    // replicaCount 3 (2f+1, f = 1), members start in parallel, per-member claims.
    assert_eq!(at(sts, "/spec/replicas"), 3);
    assert_eq!(at(sts, "/spec/podManagementPolicy"), "Parallel");
    assert_eq!(at(sts, "/spec/serviceName"), "inquisitor-raft-headless");
    assert_resources(sts, ["500m", "1", "1Gi", "2Gi"]);
    assert_port(sts, "http", 8000);
    assert_port(sts, "raft", 4321);
    assert_http_probes(sts, "http", "/health", "/ready");
    let c = container(sts);
    assert_eq!(at(c, "/livenessProbe/initialDelaySeconds"), 30);
    assert_eq!(at(c, "/livenessProbe/periodSeconds"), 10);
    assert_eq!(at(c, "/readinessProbe/initialDelaySeconds"), 10);
    assert_eq!(at(c, "/readinessProbe/periodSeconds"), 5);
    let claims = at(sts, "/spec/volumeClaimTemplates")
        .as_array()
        .expect("claims");
    let size = |name: &str| {
        claims
            .iter()
            .find(|c| c["metadata"]["name"] == name)
            .map(|c| (claim_size(c).clone(), c["spec"]["storageClassName"].clone()))
    };
    assert_eq!(size("manifests"), Some((json!("5Gi"), json!("standard"))));
    assert_eq!(size("artifacts"), Some((json!("10Gi"), json!("standard"))));
    // The peers list is derived: one entry per member, on the raft port.
    let peers = env_value(sts, "RAFT_PEERS")["value"]
        .as_str()
        .expect("peers")
        .to_owned();
    assert_eq!(
        peers.split(',').collect::<Vec<_>>(),
        (0..3)
            .map(|i| format!(
                "inquisitor-raft-{i}.inquisitor-raft-headless.inquisitor-system.svc:4321"
            ))
            .collect::<Vec<_>>()
    );
    assert_eq!(
        env_value(sts, "RAFT_NODE_ID")["valueFrom"]["fieldRef"]["fieldPath"],
        "metadata.name"
    );
    // Headless Service: clusterIP None, not-ready members published, raft port only.
    let headless = e.get("Service", "inquisitor-raft-headless");
    assert_eq!(at(headless, "/spec/clusterIP"), "None");
    assert_eq!(at(headless, "/spec/publishNotReadyAddresses"), true);
    assert_eq!(at(headless, "/spec/ports/0/port"), 4321);
    // Client Service: port 80 -> http (ClusterIP, not the seed's LoadBalancer).
    let client = e.get("Service", "inquisitor-raft");
    assert_eq!(at(client, "/spec/type"), "ClusterIP");
    assert_eq!(at(client, "/spec/ports/0/port"), 80);
    assert_eq!(at(client, "/spec/ports/0/targetPort"), "http");
    // At most one member down at a time.
    assert_eq!(
        at(
            e.get("PodDisruptionBudget", "inquisitor-raft"),
            "/spec/maxUnavailable"
        ),
        1
    );
    // API layer HPA 2-10 at 70 % CPU, targeting a Deployment that exists.
    assert_hpa(
        e.get("HorizontalPodAutoscaler", "inquisitor-api"),
        "inquisitor-api",
        2,
        10,
        Some(70),
        None,
    );
    assert!(e.has("Deployment", "inquisitor-api"));
    assert_eq!(
        at(
            e.get("HorizontalPodAutoscaler", "inquisitor-api"),
            "/spec/scaleTargetRef/kind"
        ),
        "Deployment"
    );
    // Metrics on /metrics (port http).
    let sm = e.get("ServiceMonitor", "inquisitor-raft");
    assert_eq!(at(sm, "/spec/endpoints/0/path"), "/metrics");
    assert_eq!(at(sm, "/spec/endpoints/0/port"), "http");
    // ConfigMap values.
    let cm = e.get("ConfigMap", "inquisitor-config");
    assert_eq!(at(cm, "/data/LOG_LEVEL"), "INFO");
    assert_eq!(at(cm, "/data/MANIFEST_DIR"), "/app/manifests");
    assert_eq!(at(cm, "/data/ARTIFACT_DIR"), "/app/artifacts");
    // Raft peers may reach each other on the raft port (the seed's policy blocked it).
    let np = e.get("NetworkPolicy", "inquisitor-raft");
    let ingress = at(np, "/spec/ingress").as_array().expect("rules");
    assert!(ingress.iter().any(|r| r["ports"][0]["port"] == "raft"
        && r["from"][0]["podSelector"]["matchLabels"]["app.kubernetes.io/component"] == "raft"));
}

// ---------------------------------------------------------------------------------------
// 004 Gorax
// ---------------------------------------------------------------------------------------

struct GoraxEnv {
    env: &'static str,
    namespace: &'static str,
    prefix: &'static str,
    api_replicas: (u64, Option<u64>),
    worker_replicas: (u64, Option<u64>),
    api_resources: [&'static str; 4],
    worker_resources: [&'static str; 4],
    pdb: Option<u64>,
    zones: bool,
    domain: &'static str,
    log_level: &'static str,
}

const GORAX: [GoraxEnv; 3] = [
    GoraxEnv {
        env: "development",
        namespace: "gorax-dev",
        prefix: "dev",
        api_replicas: (1, None),
        worker_replicas: (1, None),
        api_resources: ["100m", "250m", "128Mi", "256Mi"],
        worker_resources: ["100m", "250m", "128Mi", "256Mi"],
        pdb: None,
        zones: false,
        domain: "dev.gorax.io",
        log_level: "debug",
    },
    GoraxEnv {
        env: "staging",
        namespace: "gorax-staging",
        prefix: "staging",
        api_replicas: (2, Some(6)),
        worker_replicas: (2, Some(10)),
        api_resources: ["200m", "400m", "192Mi", "384Mi"],
        worker_resources: ["200m", "400m", "192Mi", "384Mi"],
        pdb: Some(1),
        zones: false,
        domain: "staging.gorax.io",
        log_level: "info",
    },
    GoraxEnv {
        env: "production",
        namespace: "gorax-prod",
        prefix: "prod",
        api_replicas: (3, Some(20)),
        worker_replicas: (3, Some(30)),
        api_resources: ["250m", "500m", "256Mi", "512Mi"],
        worker_resources: ["500m", "1", "512Mi", "1Gi"],
        pdb: Some(2),
        zones: true,
        domain: "gorax.io",
        log_level: "warn",
    },
];

#[test]
fn seed_004_gorax() {
    for g in &GORAX {
        let e = Env::load("gorax", g.env);
        let name = |component: &str| format!("{}-gorax-{component}", g.prefix);
        let api = e.get("Deployment", &name("api"));
        let worker = e.get("Deployment", &name("worker"));
        for o in [api, worker] {
            assert_eq!(at(o, "/metadata/namespace"), g.namespace);
        }
        for (workload, component, (min, max), cpu, memory) in [
            (api, "api", g.api_replicas, 70, 80),
            (worker, "worker", g.worker_replicas, 75, 85),
        ] {
            match max {
                None => {
                    assert_eq!(at(workload, "/spec/replicas"), min, "{} {component}", g.env);
                    assert!(!e.has("HorizontalPodAutoscaler", &name(component)));
                }
                Some(max) => {
                    assert!(workload["spec"].get("replicas").is_none());
                    assert_hpa(
                        e.get("HorizontalPodAutoscaler", &name(component)),
                        &name(component),
                        min,
                        max,
                        Some(cpu),
                        Some(memory),
                    );
                }
            }
            match g.pdb {
                Some(n) => assert_eq!(
                    at(
                        e.get("PodDisruptionBudget", &name(component)),
                        "/spec/minAvailable"
                    ),
                    n
                ),
                None => assert!(!e.has("PodDisruptionBudget", &name(component))),
            }
            let zone_spread = workload["spec"]["template"]["spec"]["topologySpreadConstraints"]
                .as_array()
                .is_some_and(|c| {
                    c.iter()
                        .any(|c| c["topologyKey"] == "topology.kubernetes.io/zone")
                });
            assert_eq!(zone_spread, g.zones, "{} {component} zone spread", g.env);
            assert_http_probes(workload, "http", "/health/live", "/health/ready");
        }
        assert_resources(api, g.api_resources);
        assert_resources(worker, g.worker_resources);
        // API :8080/metrics, workers :8081/metrics.
        assert_port(api, "http", 8080);
        assert_port(worker, "http", 8081);
        for component in ["api", "worker"] {
            let sm = e.get("ServiceMonitor", &name(component));
            assert_eq!(at(sm, "/spec/endpoints/0/port"), "http");
            assert_eq!(at(sm, "/spec/endpoints/0/path"), "/metrics");
        }
        assert_eq!(at(e.get("Service", &name("api")), "/spec/ports/0/port"), 80);
        // Domains: api.<domain> and webhooks.<domain>, TLS secret <prefix>-gorax-tls.
        let ing = e.get("Ingress", &format!("{}-gorax", g.prefix));
        assert_eq!(at(ing, "/spec/rules/0/host"), &format!("api.{}", g.domain));
        assert_eq!(
            at(ing, "/spec/rules/1/host"),
            &format!("webhooks.{}", g.domain)
        );
        assert_eq!(
            at(ing, "/spec/tls/0/secretName"),
            &format!("{}-gorax-tls", g.prefix)
        );
        // ConfigMap: log level and the seed's defaults.
        let cm = e.get("ConfigMap", &format!("{}-gorax-config", g.prefix));
        assert_eq!(at(cm, "/data/log-level"), g.log_level);
        assert_eq!(at(cm, "/data/worker-concurrency"), "10");
        assert_eq!(at(cm, "/data/max-workflow-execution-time"), "3600");
        assert_eq!(at(cm, "/data/workflow-timeout"), "300");
        assert_eq!(at(cm, "/data/db-max-open-conns"), "25");
        assert_eq!(at(cm, "/data/feature-webhook-replay"), "true");
        // Secrets named per environment.
        assert_eq!(
            env_value(api, "DATABASE_URL")["valueFrom"]["secretKeyRef"]["name"],
            format!("{}-gorax-secrets", g.prefix)
        );
        // Restricted Pod Security Standard on the namespace.
        let ns = e.get("Namespace", g.namespace);
        assert_eq!(
            at(ns, "/metadata/labels/pod-security.kubernetes.io~1enforce"),
            "restricted"
        );
        // Migration Job: a before-deploy hook with a TTL and a small retry budget.
        let migrate = e.one_prefixed("Job", &format!("{}-gorax-migrate-", g.prefix));
        assert_eq!(
            at(migrate, "/metadata/annotations/helm.sh~1hook"),
            "pre-install,pre-upgrade"
        );
        assert_eq!(
            at(migrate, "/metadata/annotations/argocd.argoproj.io~1hook"),
            "PreSync"
        );
        assert_eq!(at(container(migrate), "/command/0"), "/app/migrate");
        assert!(at(migrate, "/spec/ttlSecondsAfterFinished")
            .as_u64()
            .is_some());
        assert_eq!(at(migrate, "/spec/backoffLimit"), 1);
    }
}
