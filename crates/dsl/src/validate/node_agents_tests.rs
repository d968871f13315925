//! A node agent never lowers the Pod Security level of other pods silently
//! (`node-agent-shares-namespace`), warns where it mounts a host path its user probably
//! cannot read (`host-path-unreadable`), and records why it has no probes.

use k8s_openapi::api::core::v1::Namespace;

use crate::validate::{self, Finding, Severity, NO_PROBES_ANNOTATION};
use crate::*;

fn resources() -> Resources {
    Resources::new(cpu!("50m"), cpu!("200m"), memory!("64Mi"), memory!("128Mi"))
}

const HTTP: NamedPort = NamedPort::new(port_name!("http"), port!(8080));

/// The bookstore of issue 16: an API and a worker, in one app with a log shipper.
fn api() -> Component {
    Component::builder()
        .name(name!("api"))
        .image(image!("ghcr.io/acme/bookstore:1.0.0"))
        .resources(resources())
        .workload(
            HttpService::builder()
                .port(HTTP)
                .probes(Probes::http(
                    &HTTP,
                    http_path!("/live"),
                    http_path!("/ready"),
                ))
                .replicas(Replicas::Fixed(2))
                .build(),
        )
        .build()
        .into()
}

fn worker() -> Component {
    Component::builder()
        .name(name!("worker"))
        .image(image!("ghcr.io/acme/bookstore:1.0.0"))
        .resources(resources())
        .workload(Worker::builder().replicas(Replicas::Fixed(1)).build())
        .build()
}

/// A log shipper reading `/var/log`, as root when `root`.
fn shipper(root: bool) -> Component {
    let mut access = vec![HostAccess::host_path(host_path!("/var/log"), "/var/log")
        .reason(reason!("tails the node's container logs"))];
    if root {
        access.push(HostAccess::run_as_root().reason(reason!("reads root-owned container logs")));
    }
    Component::builder()
        .name(name!("shipper"))
        .image(image!("cr.fluentbit.io/fluent/fluent-bit:3.1.9"))
        .resources(resources())
        .workload(
            NodeAgent::builder()
                .without_probes(reason!("health endpoint off in this configuration"))
                .host_access(access)
                .build(),
        )
        .build()
}

fn bookstore(components: Vec<Component>, create_namespace: bool) -> App {
    let mut app = App::builder()
        .name(name!("bookstore"))
        .environment(name!("production"))
        .namespace(name!("bookstore"))
        .components(components)
        .build();
    app.create_namespace = create_namespace;
    app
}

fn findings(app: &App, rule: &str) -> Vec<Finding> {
    let report = validate::validate(&render(app), &validate::context_for(app));
    report
        .findings
        .into_iter()
        .filter(|f| f.rule == rule)
        .collect()
}

fn namespace(app: &App) -> Namespace {
    render(app)
        .into_iter()
        .find_map(|m| match m.object {
            object::Object::Namespace(n) => Some(*n),
            _ => None,
        })
        .expect("a Namespace")
}

#[test]
fn a_node_agent_next_to_an_api_is_refused_with_the_way_out() {
    let agent = shipper(true);
    let declared_at = agent.declared_at;
    let app = bookstore(vec![api(), worker(), agent], true);
    let errors = findings(&app, "node-agent-shares-namespace");
    assert_eq!(errors.len(), 1, "{errors:#?}");
    let e = &errors[0];
    assert_eq!(e.severity, Severity::Error);
    assert_eq!(e.kind, "Component");
    assert_eq!(e.name, "shipper");
    assert_eq!(e.field, "host_access");
    assert_eq!(
        e.declared_at.as_deref(),
        Some(format!("{}:{}", declared_at.file(), declared_at.line()).as_str())
    );
    for part in [
        "bookstore/production: node agent `shipper` needs the `privileged` Pod Security level",
        "`hostPath=/var/log`",
        "`runAsRoot`",
        "the Namespace `bookstore` kairn creates would enforce `privileged`",
        "`api`, `worker`",
    ] {
        assert!(e.message.contains(part), "{part:?} not in {}", e.message);
    }
    for part in [
        "App::builder().name(name!(\"bookstore-shipper\"))",
        ".namespace(name!(\"bookstore-shipper\")).create_namespace(true)",
        ".components([shipper])",
        "examples/shop/src/logs.rs",
        ".shared_namespace_with_node_agents(reason!(",
    ] {
        assert!(e.fix.contains(part), "{part:?} not in {}", e.fix);
    }
    // Nothing is written: the report has an error.
    let report = validate::validate(&render(&app), &validate::context_for(&app));
    assert!(report.has_errors());
}

#[test]
fn a_namespace_kairn_does_not_create_is_shared_just_the_same() {
    let agent = shipper(true);
    let app = bookstore(vec![api(), agent], false);
    let errors = findings(&app, "node-agent-shares-namespace");
    assert_eq!(errors.len(), 1, "{errors:#?}");
    assert!(
        errors[0].message.contains(
            "namespace `bookstore` (not created by kairn) must enforce at most `privileged`"
        ),
        "{}",
        errors[0].message
    );
}

#[test]
fn accepted_sharing_lowers_the_namespace_and_says_why() {
    let agent = shipper(true);
    let mut app = bookstore(vec![api(), worker(), agent], true);
    app.shared_namespace_with_node_agents =
        Some(reason!("a single-node lab cluster with one namespace"));
    assert!(findings(&app, "node-agent-shares-namespace").is_empty());
    let ns = namespace(&app);
    let labels = ns.metadata.labels.as_ref().expect("labels");
    assert_eq!(
        labels
            .get("pod-security.kubernetes.io/enforce")
            .map(String::as_str),
        Some("privileged")
    );
    let why = &ns.metadata.annotations.as_ref().expect("annotations")
        [validate::POD_SECURITY_EXCEPTION_ANNOTATION];
    assert_eq!(
        why,
        "shipper: hostPath=/var/log: tails the node's container logs\n\
         shipper: runAsRoot: reads root-owned container logs\n\
         shared by api, worker: a single-node lab cluster with one namespace"
    );
    let report = validate::validate(&render(&app), &validate::context_for(&app));
    assert!(!report.has_errors(), "{:#?}", report.findings);
}

#[test]
fn the_opt_in_is_a_builder_call() {
    let agent = shipper(true);
    let app = App::builder()
        .name(name!("bookstore"))
        .environment(name!("production"))
        .namespace(name!("bookstore"))
        .components(vec![worker(), agent])
        .shared_namespace_with_node_agents(reason!("one team, one namespace"))
        .build();
    assert_eq!(
        app.shared_namespace_with_node_agents
            .as_ref()
            .map(Reason::as_str),
        Some("one team, one namespace")
    );
    assert!(findings(&app, "node-agent-shares-namespace").is_empty());
}

#[test]
fn an_agent_alone_in_its_app_needs_no_opt_in() {
    let agent = shipper(true);
    let app = bookstore(vec![agent], true);
    assert!(findings(&app, "node-agent-shares-namespace").is_empty());
    let ns = namespace(&app);
    let why = &ns.metadata.annotations.as_ref().expect("annotations")
        [validate::POD_SECURITY_EXCEPTION_ANNOTATION];
    assert!(!why.contains("shared by"), "{why}");
    let report = validate::validate(&render(&app), &validate::context_for(&app));
    assert!(!report.has_errors(), "{:#?}", report.findings);
}

#[test]
fn an_agent_without_host_access_lowers_nothing_and_may_share() {
    let probe = Component::builder()
        .name(name!("probe"))
        .image(image!("ghcr.io/acme/probe:1.0.0"))
        .resources(resources())
        .workload(
            NodeAgent::builder()
                .without_probes(reason!("pushes its results, serves nothing"))
                .build(),
        )
        .build();
    let app = bookstore(vec![api(), probe], true);
    assert!(findings(&app, "node-agent-shares-namespace").is_empty());
}

#[test]
fn a_host_path_read_as_the_default_user_is_a_warning_that_names_the_fix() {
    let agent = shipper(false);
    let app = bookstore(vec![agent], true);
    let warnings = findings(&app, "host-path-unreadable");
    assert_eq!(warnings.len(), 1, "{warnings:#?}");
    let w = &warnings[0];
    assert_eq!(w.severity, Severity::Warning);
    assert_eq!(w.name, "bookstore-shipper");
    assert!(
        w.message
            .contains("runs as UID 65532 and mounts host path /var/log"),
        "{}",
        w.message
    );
    assert!(
        w.fix.contains(
            "HostAccess::run_as_root().reason(reason!(\"reads root-owned files under /var/log\"))"
        ),
        "{}",
        w.fix
    );
    // Running as root answers it; a waiver accepts it where the files are world-readable.
    let root = shipper(true);
    assert!(findings(&bookstore(vec![root], true), "host-path-unreadable").is_empty());
    let agent = shipper(false);
    let mut waived = bookstore(vec![agent], true);
    waived.waivers.push(Waiver::new(
        "host-path-unreadable",
        "DaemonSet",
        "shipper",
        "the node's logs are world-readable here",
    ));
    let w = findings(&waived, "host-path-unreadable");
    assert!(w.iter().all(|f| f.waived.is_some()), "{w:#?}");
}

#[test]
fn an_agent_without_probes_records_why() {
    let agent = shipper(true);
    let app = bookstore(vec![agent], true);
    let ds = render(&app)
        .into_iter()
        .find_map(|m| match m.object {
            object::Object::DaemonSet(d) => Some(d),
            _ => None,
        })
        .expect("a DaemonSet");
    assert_eq!(
        ds.metadata
            .annotations
            .as_ref()
            .and_then(|a| a.get(NO_PROBES_ANNOTATION))
            .map(String::as_str),
        Some("health endpoint off in this configuration")
    );
    let c = &ds
        .spec
        .expect("spec")
        .template
        .spec
        .expect("pod")
        .containers[0];
    assert_eq!((&c.liveness_probe, &c.readiness_probe), (&None, &None));
}
