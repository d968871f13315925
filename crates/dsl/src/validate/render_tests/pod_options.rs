//! Rendering and validation of the optional pod settings with modules of their own:
//! volumes, affinity, component labels/annotations, image pull secrets and NodeLocal DNS
//! egress.

use k8s_openapi::api::networking::v1::NetworkPolicy;

use crate::*;

external_secret! {
    /// TLS material of the API.
    pub struct ApiTls { cert: "tls.crt", key: "tls.key" }
}
use crate::render::pod_options_tests::{
    cache, deployment_pod, http_service, json_of, resources, shop_of,
};

/// A component using every setting of this round.
fn full_api(cache: &Component) -> HttpComponent {
    let tls = ApiTls::named(name!("api-tls"));
    Component::builder()
        .name(name!("api"))
        .image(image!("ghcr.io/acme/shop:1.4.2"))
        .resources(resources())
        .workload(http_service(Spread::AcrossZonesBestEffort))
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
                    [
                        NodeRequirement::exists(label_key!("example.com/fast-disk")),
                        NodeRequirement::does_not_exist(label_key!("example.com/spot")),
                        NodeRequirement::not_in(
                            label_key!("example.com/pool"),
                            [label_value!("batch")],
                        ),
                    ],
                ),
        )
        .pod_affinity(PodAffinityRule::near(
            cache,
            Topology::Zone,
            Strength::Preferred(weight!(100)),
        ))
        .pod_affinity(PodAffinityRule::apart_from(
            cache,
            Topology::Node,
            Strength::Required,
        ))
        .label(label_key!("example.com/team"), label_value!("payments"))
        .annotation(
            annotation_key!("example.com/runbook"),
            "https://runbooks.example.com/api",
        )
        .image_pull_secret(name!("ghcr-payments"))
        .image_pull_secret(name!("ghcr-shared"))
        .build()
}

fn full_app() -> App {
    let cache = cache();
    let api = full_api(&cache);
    App::builder()
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
        .secrets(vec![ApiTls::named(name!("api-tls")).declaration()])
        .image_pull_secrets(vec![name!("ghcr-shared")])
        .dns(Dns::NODE_LOCAL_DEFAULT)
        .build()
}

fn assert_clean(app: &App, manifests: &[Manifest]) {
    let report = validate(manifests, &validate::context_for(app));
    let found: Vec<(&str, &str, &str)> = report
        .findings
        .iter()
        .map(|f| (f.rule, f.name.as_str(), f.field.as_str()))
        .collect();
    assert!(found.is_empty(), "{found:#?}");
}

#[test]
fn projected_files_claims_and_memory_dirs_render_read_only_where_declared() {
    let app = full_app();
    let manifests = render(&app);
    let v = json_of(&manifests, "Deployment", "shop-api");
    let spec = &v["spec"]["template"]["spec"];
    let volumes = spec["volumes"].as_array().expect("volumes");
    let names: Vec<&str> = volumes
        .iter()
        .map(|v| v["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["tmp", "tls", "models", "uploads"]);
    assert_eq!(volumes[0]["emptyDir"]["medium"], "Memory");
    // 0o440 is written as the decimal 288, never as an octal literal or a string.
    assert_eq!(volumes[1]["projected"]["defaultMode"], 288);
    let sources = volumes[1]["projected"]["sources"].as_array().unwrap();
    assert_eq!(sources[0]["secret"]["name"], "api-tls");
    assert_eq!(
        sources[0]["secret"]["items"],
        serde_json::json!([
            {"key": "tls.crt", "path": "tls.crt"},
            {"key": "tls.key", "path": "tls.key"}
        ])
    );
    assert_eq!(sources[1]["configMap"]["name"], "shop-config");
    assert_eq!(
        sources[1]["configMap"]["items"],
        serde_json::json!([{"key": "ca-bundle", "path": "ca.crt"}])
    );
    assert_eq!(
        volumes[2]["persistentVolumeClaim"]["claimName"],
        "ml-models"
    );
    assert_eq!(volumes[2]["persistentVolumeClaim"]["readOnly"], true);
    assert_eq!(volumes[3]["persistentVolumeClaim"].get("readOnly"), None);
    let mounts = spec["containers"][0]["volumeMounts"].as_array().unwrap();
    let read_only: Vec<(&str, bool)> = mounts
        .iter()
        .map(|m| {
            (
                m["mountPath"].as_str().unwrap(),
                m["readOnly"].as_bool().unwrap_or(false),
            )
        })
        .collect();
    assert_eq!(
        read_only,
        [
            ("/tmp", false),
            ("/etc/tls", true),
            ("/models", true),
            ("/uploads", false)
        ]
    );
    // The YAML the writer emits: a plain decimal integer.
    let yaml = crate::yaml::to_yaml(&v).expect("yaml");
    assert!(yaml.contains("defaultMode: 288\n"), "{yaml}");
    // Reading a key of the app's ConfigMap rolls the pods when it changes.
    assert!(v["spec"]["template"]["metadata"]["annotations"]["kairn.dev/config-hash"].is_string());
    // The claims are recorded as existing outside the set, for `kairn lint`.
    assert_eq!(
        v["metadata"]["annotations"]["kairn.dev/external-claims"],
        "ml-models,shop-uploads"
    );
    assert_clean(&app, &manifests);
}

#[test]
fn an_external_claim_is_missing_without_its_declaration() {
    let app = full_app();
    let manifests = render(&app);
    let mut ctx = validate::context_for(&app);
    ctx.external_claims.clear();
    // Without the declaration (the context `context_for` builds), the claims are missing.
    let report = validate(&manifests, &ctx);
    let rules: Vec<&str> = report.findings.iter().map(|f| f.rule).collect();
    assert!(rules.contains(&"pvc-missing"), "{rules:?}");
}

#[test]
fn a_config_file_key_the_app_config_lacks_is_an_error() {
    let cache = cache();
    let api = full_api(&cache);
    let app = App::builder()
        .name(name!("shop"))
        .environment(name!("production"))
        .namespace(name!("shop"))
        .components((api, cache))
        .config([(key!("other"), "x".to_owned())].into())
        .secrets(vec![ApiTls::named(name!("api-tls")).declaration()])
        .build();
    let report = validate(&render(&app), &validate::context_for(&app));
    assert!(
        report
            .findings
            .iter()
            .any(|f| f.is_error() && f.field.contains("configMap.items[0].key")),
        "{:#?}",
        report.findings
    );
}

#[test]
fn node_and_pod_affinity_merge_with_spread_into_one_block() {
    let app = full_app();
    let manifests = render(&app);
    let v = json_of(&manifests, "Deployment", "shop-api");
    let affinity = &v["spec"]["template"]["spec"]["affinity"];
    let required = &affinity["nodeAffinity"]["requiredDuringSchedulingIgnoredDuringExecution"];
    assert_eq!(
        required["nodeSelectorTerms"][0]["matchExpressions"][0],
        serde_json::json!({"key": "kubernetes.io/arch", "operator": "In", "values": ["amd64", "arm64"]})
    );
    let preferred = &affinity["nodeAffinity"]["preferredDuringSchedulingIgnoredDuringExecution"][0];
    assert_eq!(preferred["weight"], 40);
    let ops: Vec<&str> = preferred["preference"]["matchExpressions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["operator"].as_str().unwrap())
        .collect();
    assert_eq!(ops, ["Exists", "DoesNotExist", "NotIn"]);
    assert_eq!(
        preferred["preference"]["matchExpressions"][0].get("values"),
        None
    );
    let near = &affinity["podAffinity"]["preferredDuringSchedulingIgnoredDuringExecution"][0];
    assert_eq!(near["weight"], 100);
    assert_eq!(
        near["podAffinityTerm"]["topologyKey"],
        "topology.kubernetes.io/zone"
    );
    assert_eq!(
        near["podAffinityTerm"]["labelSelector"]["matchLabels"]["app.kubernetes.io/component"],
        "cache"
    );
    // Spread's own soft anti-affinity to the component's pods stays, next to the rule
    // against the cache's nodes.
    let anti = &affinity["podAntiAffinity"];
    let soft = &anti["preferredDuringSchedulingIgnoredDuringExecution"][0]["podAffinityTerm"];
    assert_eq!(
        soft["labelSelector"]["matchLabels"]["app.kubernetes.io/component"],
        "api"
    );
    let hard = &anti["requiredDuringSchedulingIgnoredDuringExecution"][0];
    assert_eq!(hard["topologyKey"], "kubernetes.io/hostname");
    assert_eq!(
        hard["labelSelector"]["matchLabels"]["app.kubernetes.io/component"],
        "cache"
    );
    assert_clean(&app, &manifests);
}

#[test]
fn component_labels_and_annotations_reach_objects_and_pods_but_never_selectors() {
    let app = full_app();
    let manifests = render(&app);
    for m in manifests
        .iter()
        .filter(|m| m.origin.component.as_deref() == Some("api"))
    {
        let meta = m.object.metadata();
        assert_eq!(
            meta.labels.as_ref().and_then(|l| l.get("example.com/team")),
            Some(&"payments".to_owned()),
            "{} {}",
            m.object.kind(),
            m.object.name()
        );
        assert_eq!(
            meta.annotations
                .as_ref()
                .and_then(|l| l.get("example.com/runbook"))
                .map(String::as_str),
            Some("https://runbooks.example.com/api"),
            "{}",
            m.object.kind()
        );
    }
    let deployment = json_of(&manifests, "Deployment", "shop-api");
    let template = &deployment["spec"]["template"]["metadata"];
    assert_eq!(template["labels"]["example.com/team"], "payments");
    assert_eq!(
        template["annotations"]["example.com/runbook"],
        "https://runbooks.example.com/api"
    );
    let selector = &deployment["spec"]["selector"]["matchLabels"];
    assert_eq!(selector.get("example.com/team"), None);
    let service = json_of(&manifests, "Service", "shop-api");
    assert_eq!(service["spec"]["selector"].get("example.com/team"), None);
    // The other component is untouched.
    let cache = json_of(&manifests, "Deployment", "shop-cache");
    assert_eq!(cache["metadata"]["labels"].get("example.com/team"), None);
    assert_eq!(
        cache["metadata"]["annotations"].get("example.com/runbook"),
        None
    );
    assert_clean(&app, &manifests);
}

#[test]
fn image_pull_secrets_merge_app_first_without_duplicates_on_the_pod_only() {
    let app = full_app();
    let manifests = render(&app);
    let pod = deployment_pod(&manifests, "shop-api");
    let names: Vec<&str> = pod
        .image_pull_secrets
        .iter()
        .flatten()
        .map(|r| r.name.as_str())
        .collect();
    assert_eq!(names, ["ghcr-shared", "ghcr-payments"]);
    let cache = deployment_pod(&manifests, "shop-cache");
    assert_eq!(cache.image_pull_secrets.as_ref().map(Vec::len), Some(1));
    let sa = json_of(&manifests, "ServiceAccount", "shop-api");
    assert_eq!(sa.get("imagePullSecrets"), None);
    let deployment = json_of(&manifests, "Deployment", "shop-api");
    assert_eq!(
        deployment["metadata"]["annotations"]["kairn.dev/external-secrets"],
        "api-tls,ghcr-payments,ghcr-shared"
    );
    assert_clean(&app, &manifests);
}

fn policy<'a>(manifests: &'a [Manifest], name: &str) -> &'a NetworkPolicy {
    manifests
        .iter()
        .find_map(|m| match &m.object {
            Object::NetworkPolicy(p) if m.object.name() == name => Some(p),
            _ => None,
        })
        .expect("NetworkPolicy")
}

#[test]
fn node_local_dns_adds_an_ip_block_rule_next_to_kube_dns() {
    let app = full_app();
    let manifests = render(&app);
    let egress = policy(&manifests, "shop-api")
        .spec
        .as_ref()
        .and_then(|s| s.egress.clone())
        .expect("egress");
    let v = serde_json::to_value(&egress).unwrap();
    assert_eq!(
        v[0]["to"][0]["podSelector"]["matchLabels"]["k8s-app"],
        "kube-dns"
    );
    assert_eq!(
        v[1],
        serde_json::json!({
            "to": [{"ipBlock": {"cidr": "169.254.20.10/32"}}],
            "ports": [{"port": 53, "protocol": "UDP"}, {"port": 53, "protocol": "TCP"}]
        })
    );
    assert_clean(&app, &manifests);

    // Without it, only kube-dns.
    let plain = shop_of(vec![cache()]);
    let manifests = render(&plain);
    let egress = policy(&manifests, "shop-cache")
        .spec
        .as_ref()
        .and_then(|s| s.egress.clone())
        .expect("egress");
    assert!(egress
        .iter()
        .all(|r| r.to.iter().flatten().all(|p| p.ip_block.is_none())));
}
