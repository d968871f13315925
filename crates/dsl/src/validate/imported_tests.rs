//! What an imported app needs to keep running when its declaration is applied over it:
//! kept identity, no probes, resources as the source has them, open network, untyped
//! extra objects. Each is proved through `render(&app)` and the validator.

use std::collections::BTreeMap;

use k8s_openapi::api::core::v1::Container;
use k8s_openapi::api::networking::v1::NetworkPolicy;
use serde_json::{json, Value};

use crate::validate::{context_for, Severity};
use crate::*;

fn map(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
    pairs
        .iter()
        .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
        .collect()
}

fn http() -> NamedPort {
    NamedPort::new(port_name!("http"), port!(8080))
}

fn resources() -> Resources {
    Resources::new(cpu!("100m"), cpu!("1"), memory!("128Mi"), memory!("256Mi"))
}

fn api(workload: HttpService) -> HttpComponent {
    Component::builder()
        .name(name!("api"))
        .image(image!("ghcr.io/acme/api:1.0.0"))
        .resources(resources())
        .workload(workload)
        .build()
}

fn serving() -> HttpService {
    let http = http();
    HttpService::builder()
        .port(http.clone())
        .probes(Probes::http(
            &http,
            http_path!("/live"),
            http_path!("/ready"),
        ))
        .replicas(Replicas::Autoscaled(autoscaling!(2..=4).cpu(70)))
        .disruption(Disruption::MaxUnavailable(1))
        .metrics(Metrics::builder().port(&http).build())
        .spread(Spread::AcrossZones)
        .build()
}

fn app(components: Vec<Component>, ingress_to: Option<&HttpComponent>) -> App {
    let builder = App::builder()
        .name(name!("shop"))
        .environment(name!("production"))
        .namespace(name!("shop"))
        .components(components)
        .monitoring(Monitoring::builder().build());
    match ingress_to {
        Some(target) => builder
            .ingress(
                Ingress::builder()
                    .class(name!("nginx"))
                    .hosts(vec![HostRules::all_to(host!("shop.example.com"), target)])
                    .tls(Tls::ExistingSecret(name!("shop-tls")))
                    .build(),
            )
            .build(),
        None => builder.build(),
    }
}

fn json_of(manifests: &[Manifest], kind: &str, name: &str) -> Value {
    manifests
        .iter()
        .find(|m| m.object.kind() == kind && m.object.name() == name)
        .map(|m| serde_json::to_value(&m.object).unwrap_or_default())
        .unwrap_or_else(|| panic!("no {kind} {name} in {:?}", names(manifests)))
}

fn names(manifests: &[Manifest]) -> Vec<(&str, &str)> {
    manifests
        .iter()
        .map(|m| (m.object.kind(), m.object.name()))
        .collect()
}

fn errors(app: &App) -> Vec<String> {
    validate(&render(app), &context_for(app))
        .findings
        .iter()
        .filter(|f| f.severity == Severity::Error && f.waived.is_none())
        .map(|f| format!("{}: {} ({})", f.rule, f.message, f.field))
        .collect()
}

fn selector() -> BTreeMap<String, String> {
    map(&[("app", "api")])
}

fn kept() -> Kept {
    Kept {
        workload_name: Some("api".into()),
        service_name: Some("api-svc".into()),
        labels: Some(map(&[("app", "api"), ("team", "checkout")])),
        selector: Some(selector()),
        container_name: Some("main".into()),
        ..Kept::default()
    }
}

#[test]
fn a_kept_identity_is_used_by_every_object_that_names_or_selects_the_component() {
    let api = api(serving()).keep(kept());
    let web = Component::builder()
        .name(name!("web"))
        .image(image!("ghcr.io/acme/web:1.0.0"))
        .resources(resources())
        .workload(Worker::builder().replicas(Replicas::Fixed(1)).build())
        .talks_to([&api])
        .pod_affinity(PodAffinityRule::apart_from(
            &api,
            Topology::Node,
            Strength::Preferred(weight!(50)),
        ))
        .build();
    let app = app(vec![api.clone().into(), web], Some(&api));
    let m = render(&app);
    let selector = json!(selector());

    let deployment = json_of(&m, "Deployment", "api");
    assert_eq!(deployment["spec"]["selector"]["matchLabels"], selector);
    assert_eq!(
        deployment["metadata"]["labels"],
        json!(map(&[("app", "api"), ("team", "checkout")]))
    );
    assert_eq!(
        deployment["spec"]["template"]["metadata"]["labels"]["app"],
        "api"
    );
    let pod = &deployment["spec"]["template"]["spec"];
    assert_eq!(pod["containers"][0]["name"], "main");
    for term in pod["affinity"]["podAntiAffinity"]
        ["preferredDuringSchedulingIgnoredDuringExecution"]
        .as_array()
        .expect("anti-affinity")
    {
        assert_eq!(
            term["podAffinityTerm"]["labelSelector"]["matchLabels"],
            selector
        );
    }
    assert_eq!(
        pod["topologySpreadConstraints"][0]["labelSelector"]["matchLabels"],
        selector
    );
    // The pods still run as kairn's own ServiceAccount.
    assert_eq!(pod["serviceAccountName"], "shop-api");

    let service = json_of(&m, "Service", "api-svc");
    assert_eq!(service["spec"]["selector"], selector);
    assert_eq!(
        json_of(&m, "HorizontalPodAutoscaler", "shop-api")["spec"]["scaleTargetRef"]["name"],
        "api"
    );
    assert_eq!(
        json_of(&m, "PodDisruptionBudget", "shop-api")["spec"]["selector"]["matchLabels"],
        selector
    );
    let policy = json_of(&m, "NetworkPolicy", "shop-api");
    assert_eq!(policy["spec"]["podSelector"]["matchLabels"], selector);
    // The other component's policy reaches the kept pods, and its own anti-affinity
    // to them selects them by the kept selector.
    let web_policy = json_of(&m, "NetworkPolicy", "shop-web");
    let to_api = web_policy["spec"]["egress"]
        .as_array()
        .expect("egress")
        .iter()
        .any(|rule| rule["to"][0]["podSelector"]["matchLabels"] == selector);
    assert!(to_api, "{web_policy:#}");
    let web = json_of(&m, "Deployment", "shop-web");
    assert_eq!(
        web["spec"]["template"]["spec"]["affinity"]["podAntiAffinity"]
            ["preferredDuringSchedulingIgnoredDuringExecution"][0]["podAffinityTerm"]
            ["labelSelector"]["matchLabels"],
        selector
    );
    let ingress = json_of(&m, "Ingress", "shop");
    assert_eq!(
        ingress["spec"]["rules"][0]["http"]["paths"][0]["backend"]["service"]["name"],
        "api-svc"
    );
    assert_eq!(
        json_of(&m, "ServiceMonitor", "shop-api")["spec"]["selector"]["matchLabels"],
        selector
    );
    assert!(!m
        .iter()
        .any(|x| x.object.name() == "shop-api"
            && matches!(x.object.kind(), "Deployment" | "Service")));
    assert_eq!(errors(&app), Vec::<String>::new());
}

#[test]
fn a_component_without_kept_values_renders_exactly_as_before() {
    let plain = app(vec![api(serving()).into()], None);
    let kept_nothing = app(vec![api(serving()).keep(Kept::default()).into()], None);
    let json = |app: &App| -> Vec<Value> {
        render(app)
            .iter()
            .map(|m| serde_json::to_value(&m.object).unwrap_or_default())
            .collect()
    };
    assert_eq!(json(&plain), json(&kept_nothing));
}

#[test]
fn a_kept_service_account_is_used_not_rendered_and_lint_knows_it_exists() {
    let api = api(serving()).keep(Kept {
        service_account: Some("legacy-api".into()),
        ..Kept::default()
    });
    let app = app(vec![api.into()], None);
    let m = render(&app);
    assert!(
        !m.iter().any(|x| x.object.kind() == "ServiceAccount"),
        "{:?}",
        names(&m)
    );
    let deployment = json_of(&m, "Deployment", "shop-api");
    let pod = &deployment["spec"]["template"]["spec"];
    assert_eq!(pod["serviceAccountName"], "legacy-api");
    assert_eq!(pod.get("automountServiceAccountToken"), None);
    assert_eq!(
        deployment["metadata"]["annotations"]
            [crate::render::declarations::EXTERNAL_SERVICE_ACCOUNT_ANNOTATION],
        "legacy-api"
    );
    assert_eq!(errors(&app), Vec::<String>::new());
}

#[test]
fn kept_pod_labels_without_the_selector_are_an_error_at_the_keep_call() {
    let line = line!() + 1;
    let api = api(serving()).keep(Kept {
        selector: Some(selector()),
        pod_labels: Some(map(&[("app", "other")])),
        ..Kept::default()
    });
    let app = app(vec![api.into()], None);
    let report = validate(&render(&app), &context_for(&app));
    let found: Vec<_> = report
        .findings
        .iter()
        .filter(|f| f.rule == "kept-identity")
        .collect();
    assert_eq!(found.len(), 1, "{:#?}", report.findings);
    assert_eq!(found[0].severity, Severity::Error);
    assert!(found[0].message.contains("app=api"), "{}", found[0].message);
    assert!(
        found[0].fix.contains("Kept::pod_labels"),
        "{}",
        found[0].fix
    );
    assert_eq!(
        found[0].declared_at.as_deref(),
        Some(format!("{}:{line}", file!()).as_str())
    );
}

#[test]
fn a_service_declared_without_probes_renders_none_says_why_and_validates() {
    let http = http();
    let workload = HttpService::builder()
        .port(http)
        .without_probes(reason!("the source (deploy/api.yaml:3) declares no probes"))
        .replicas(Replicas::Fixed(2))
        .build();
    let app = app(vec![api(workload).into()], None);
    let m = render(&app);
    let deployment = json_of(&m, "Deployment", "shop-api");
    let container: Container =
        lint::source::from_json(deployment["spec"]["template"]["spec"]["containers"][0].clone())
            .expect("a container");
    assert_eq!(
        (
            container.liveness_probe,
            container.readiness_probe,
            container.startup_probe
        ),
        (None, None, None)
    );
    assert_eq!(
        deployment["metadata"]["annotations"][validate::NO_PROBES_ANNOTATION],
        "the source (deploy/api.yaml:3) declares no probes"
    );
    // The port is still declared and served.
    assert_eq!(container.ports.map(|p| p.len()), Some(1));
    assert_eq!(errors(&app), Vec::<String>::new());
}

#[test]
fn a_stateful_service_declared_without_probes_renders_none() {
    let port = NamedPort::new(port_name!("redis"), port!(6379));
    let workload = StatefulService::builder()
        .replicas(std::num::NonZeroU32::MIN)
        .port(port)
        .without_probes(reason!("as the source has it"))
        .build();
    let redis = Component::builder()
        .name(name!("redis"))
        .image(image!("docker.io/library/redis:7.2.5"))
        .resources(resources())
        .workload(workload)
        .build();
    let app = app(vec![redis], None);
    let m = render(&app);
    let set = json_of(&m, "StatefulSet", "shop-redis");
    assert_eq!(
        set["spec"]["template"]["spec"]["containers"][0].get("livenessProbe"),
        None
    );
    assert_eq!(
        set["metadata"]["annotations"][validate::NO_PROBES_ANNOTATION],
        "as the source has it"
    );
    assert_eq!(errors(&app), Vec::<String>::new());
}

#[test]
fn resources_as_the_source_has_them_render_only_what_is_given_and_say_why() {
    let why = reason!("as in deploy/api.yaml:31");
    let some = Resources::as_source(
        ResourcesAsSource {
            memory_request: Some(memory!("256Mi")),
            cpu_limit: Some(cpu!("2")),
            ..ResourcesAsSource::default()
        },
        why.clone(),
    );
    let c = Component::builder()
        .name(name!("api"))
        .image(image!("ghcr.io/acme/api:1.0.0"))
        .resources(some)
        .workload(serving())
        .build();
    let some_app = app(vec![c.into()], None);
    let m = render(&some_app);
    let deployment = json_of(&m, "Deployment", "shop-api");
    assert_eq!(
        deployment["spec"]["template"]["spec"]["containers"][0]["resources"],
        json!({"requests": {"memory": "256Mi"}, "limits": {"cpu": "2"}})
    );
    assert_eq!(
        deployment["metadata"]["annotations"][validate::RESOURCES_AS_SOURCE_ANNOTATION],
        "api: as in deploy/api.yaml:31"
    );
    let report = validate(&m, &context_for(&some_app));
    assert!(
        !report
            .findings
            .iter()
            .any(|f| f.rule == "resources-missing"),
        "{:#?}",
        report.findings
    );
    // The autoscaler scales on CPU, which the source does not request: still an error.
    assert!(report
        .findings
        .iter()
        .any(|f| f.rule == "hpa-missing-requests"));

    let none = Resources::as_source(ResourcesAsSource::default(), why);
    let c = Component::builder()
        .name(name!("api"))
        .image(image!("ghcr.io/acme/api:1.0.0"))
        .resources(none)
        .workload(Worker::builder().replicas(Replicas::Fixed(1)).build())
        .build();
    let none_app = app(vec![c], None);
    let deployment = json_of(&render(&none_app), "Deployment", "shop-api");
    assert_eq!(
        deployment["spec"]["template"]["spec"]["containers"][0].get("resources"),
        None
    );
    assert_eq!(errors(&none_app), Vec::<String>::new());
}

#[test]
fn an_open_network_allows_all_ingress_and_egress_and_says_why() {
    let api = api(serving()).open_network(reason!("the source had no NetworkPolicy"));
    let app = app(vec![api.into()], None);
    let m = render(&app);
    let policy: NetworkPolicy =
        lint::source::from_json(json_of(&m, "NetworkPolicy", "shop-api")).expect("a policy");
    let spec = policy.spec.expect("spec");
    assert_eq!(
        spec.policy_types,
        Some(vec!["Ingress".to_owned(), "Egress".to_owned()])
    );
    assert_eq!(serde_json::to_value(&spec.ingress).ok(), Some(json!([{}])));
    assert_eq!(serde_json::to_value(&spec.egress).ok(), Some(json!([{}])));
    assert_eq!(
        policy
            .metadata
            .annotations
            .and_then(|a| a.get(validate::OPEN_NETWORK_ANNOTATION).cloned()),
        Some("the source had no NetworkPolicy".to_owned())
    );
    let report = validate(&m, &context_for(&app));
    let on_policy: Vec<_> = report
        .findings
        .iter()
        .filter(|f| f.kind == "NetworkPolicy" && f.waived.is_none())
        .map(|f| f.rule)
        .collect();
    assert_eq!(on_policy, Vec::<&str>::new());
    assert_eq!(errors(&app), Vec::<String>::new());
}

#[test]
fn an_untyped_extra_object_needs_api_version_kind_and_name() {
    let ok = ExtraObject::json(json!({
        "apiVersion": "example.com/v1",
        "kind": "Widget",
        "metadata": {"name": "blue"},
        "spec": {"size": 3},
    }))
    .expect("valid");
    let Object::Custom(custom) = &ok.object else {
        panic!("{:?}", ok.object)
    };
    assert_eq!(
        (custom.api_version, custom.kind),
        ("example.com/v1", "Widget")
    );
    assert_eq!(custom.fields.get("spec"), Some(&json!({"size": 3})));
    assert_eq!(ok.declared_at.file(), file!());

    let message = |v: Value| ExtraObject::json(v).map(|_| ()).unwrap_err().to_string();
    assert!(
        message(json!({"kind": "Widget", "metadata": {"name": "a"}}))
            .contains("`apiVersion` is missing")
    );
    assert!(
        message(json!({"apiVersion": "example.com/v1", "metadata": {"name": "a"}}))
            .contains("`kind` is missing")
    );
    assert!(
        message(json!({"apiVersion": "example.com/v1", "kind": "Widget"}))
            .contains("`metadata` is missing")
    );
    assert!(
        message(json!({"apiVersion": "example.com/v1", "kind": "Widget", "metadata": {}}))
            .contains("`metadata.name` is missing")
    );
    assert!(
        message(json!({"apiVersion": 1, "kind": "Widget", "metadata": {"name": "a"}}))
            .contains("`apiVersion` is not a string")
    );
    assert!(message(json!([1])).contains("not a JSON object"));
    assert!(
        message(json!({"apiVersion": "v1", "kind": "Service", "metadata": {"name": "a"}}))
            .contains("ExtraObject::new")
    );
    // A kind kairn types, in another group (a Knative Service), is untyped.
    assert!(ExtraObject::json(json!({
        "apiVersion": "serving.knative.dev/v1", "kind": "Service", "metadata": {"name": "a"}
    }))
    .is_ok());
}

#[test]
fn an_untyped_extra_object_is_rendered_into_the_app_namespace() {
    let mut app = app(vec![], None);
    app.extra_objects.push(
        ExtraObject::json(json!({
            "apiVersion": "example.com/v1", "kind": "Widget", "metadata": {"name": "blue"}
        }))
        .expect("valid"),
    );
    let m = render(&app);
    let widget = json_of(&m, "Widget", "blue");
    assert_eq!(widget["metadata"]["namespace"], "shop");
    assert_eq!(widget["apiVersion"], "example.com/v1");
    assert_eq!(errors(&app), Vec::<String>::new());
}
