//! Node agents: the DaemonSet, its declared host access, the namespace's Pod Security
//! level, and what the validator accepts and rejects.

use std::num::NonZeroU32;

use k8s_openapi::api::apps::v1::DaemonSet;
use k8s_openapi::api::core::v1::Namespace;

use crate::render::tests::shop as shop_in_existing_namespace;
use crate::*;
use lint::{HOST_ACCESS_ANNOTATION, POD_SECURITY_EXCEPTION_ANNOTATION};

/// The shop app, in a namespace kairn creates.
fn shop(components: Vec<Component>) -> App {
    let mut app = shop_in_existing_namespace(components);
    app.create_namespace = true;
    app
}

fn resources() -> Resources {
    Resources::new(cpu!("50m"), cpu!("200m"), memory!("64Mi"), memory!("128Mi"))
}

fn metrics_port() -> NamedPort {
    NamedPort::new(port_name!("metrics"), port!(9100))
}

/// A log shipper reading the node's logs, on the host network, with a host port and
/// one capability outside the baseline set.
fn shipper() -> Component {
    let metrics = metrics_port();
    Component::builder()
        .name(name!("shipper"))
        .image(image!("ghcr.io/acme/shipper:3.1.0"))
        .resources(resources())
        .workload(
            NodeAgent::builder()
                .ports(vec![metrics.clone()])
                .probes(Probes::http(
                    &metrics,
                    http_path!("/healthz"),
                    http_path!("/ready"),
                ))
                .metrics(Metrics::builder().port(&metrics).build())
                .host_access([
                    HostAccess::host_path(host_path!("/var/log"), "/host/var/log")
                        .reason(reason!("ships the node's log files")),
                    HostAccess::host_path(host_path!("/var/lib/shipper"), "/state")
                        .read_write()
                        .path_type(HostPathType::DirectoryOrCreate)
                        .reason(reason!("keeps read offsets across restarts")),
                    HostAccess::host_network().reason(reason!("reports the node's own address")),
                    HostAccess::host_port(&metrics).reason(reason!("scraped on the node address")),
                    HostAccess::capability(Capability::DacReadSearch)
                        .reason(reason!("reads log files of every owner")),
                ])
                .build(),
        )
        .tolerate_all(Toleration::everything())
        .priority_class(name!("system-node-critical"))
        .build()
}

pub(super) fn daemon_set(manifests: &[Manifest]) -> &DaemonSet {
    manifests
        .iter()
        .find_map(|m| match &m.object {
            Object::DaemonSet(d) => Some(d),
            _ => None,
        })
        .expect("a DaemonSet")
}

pub(super) fn namespace(manifests: &[Manifest]) -> &Namespace {
    manifests
        .iter()
        .find_map(|m| match &m.object {
            Object::Namespace(n) => Some(n),
            _ => None,
        })
        .expect("a Namespace")
}

fn label<'a>(n: &'a Namespace, mode: &str) -> Option<&'a str> {
    n.metadata
        .labels
        .as_ref()?
        .get(&format!("pod-security.kubernetes.io/{mode}"))
        .map(String::as_str)
}

#[test]
fn a_node_agent_renders_a_hardened_daemon_set_with_its_declared_host_access() {
    let app = shop(vec![shipper()]);
    let manifests = render(&app);
    let kinds: Vec<_> = manifests.iter().map(|m| m.object.kind()).collect();
    assert_eq!(
        kinds,
        [
            "Namespace",
            "ServiceAccount",
            "Service",
            "DaemonSet",
            "NetworkPolicy"
        ]
    );
    let ds = daemon_set(&manifests);
    let spec = ds.spec.as_ref().expect("spec");
    let strategy = spec.update_strategy.as_ref().expect("updateStrategy");
    assert_eq!(strategy.type_.as_deref(), Some("RollingUpdate"));
    let pod = spec.template.spec.as_ref().expect("pod spec");
    assert_eq!(pod.host_network, Some(true));
    assert_eq!(pod.dns_policy.as_deref(), Some("ClusterFirstWithHostNet"));
    assert_eq!(pod.host_pid, None);
    assert_eq!(
        pod.priority_class_name.as_deref(),
        Some("system-node-critical")
    );
    let tolerations = pod.tolerations.as_ref().expect("tolerations");
    assert_eq!(tolerations.len(), 3);
    assert!(tolerations
        .iter()
        .all(|t| t.key.is_none() && t.operator.as_deref() == Some("Exists")));

    let volumes = pod.volumes.as_ref().expect("volumes");
    let host: Vec<(&str, Option<&str>)> = volumes
        .iter()
        .filter_map(|v| v.host_path.as_ref())
        .map(|h| (h.path.as_str(), h.type_.as_deref()))
        .collect();
    assert_eq!(
        host,
        [
            ("/var/log", Some("Directory")),
            ("/var/lib/shipper", Some("DirectoryOrCreate"))
        ]
    );
    let c = &pod.containers[0];
    let mounts: Vec<(&str, Option<bool>)> = c
        .volume_mounts
        .iter()
        .flatten()
        .map(|m| (m.mount_path.as_str(), m.read_only))
        .collect();
    assert_eq!(
        mounts,
        [("/host/var/log", Some(true)), ("/state", Some(false))]
    );
    let port = &c.ports.as_ref().expect("ports")[0];
    assert_eq!((port.container_port, port.host_port), (9100, Some(9100)));
    // The hardened defaults stay: drop ALL, add only what is declared.
    let sc = c.security_context.as_ref().expect("securityContext");
    let caps = sc.capabilities.as_ref().expect("capabilities");
    assert_eq!(caps.drop.as_deref(), Some(&["ALL".to_owned()][..]));
    assert_eq!(
        caps.add.as_deref(),
        Some(&["DAC_READ_SEARCH".to_owned()][..])
    );
    assert_eq!(sc.allow_privilege_escalation, Some(false));
    assert_eq!(sc.read_only_root_filesystem, Some(true));
    assert_eq!(sc.privileged, None);

    let declared = ds
        .metadata
        .annotations
        .as_ref()
        .and_then(|a| a.get(HOST_ACCESS_ANNOTATION))
        .expect("host access annotation");
    assert_eq!(
        declared,
        "hostPath=/var/log: ships the node's log files\n\
         hostPath=/var/lib/shipper: keeps read offsets across restarts\n\
         hostNetwork: reports the node's own address\n\
         hostPort=9100: scraped on the node address\n\
         capability=DAC_READ_SEARCH: reads log files of every owner"
    );

    let report = validate(&manifests, &validate::context_for(&app));
    assert!(report.findings.is_empty(), "{:#?}", report.findings);
}

#[test]
fn host_access_lowers_enforce_on_the_namespace_and_says_why() {
    let manifests = render(&shop(vec![shipper()]));
    let ns = namespace(&manifests);
    assert_eq!(label(ns, "enforce"), Some("privileged"));
    assert_eq!(label(ns, "audit"), Some("restricted"));
    assert_eq!(label(ns, "warn"), Some("restricted"));
    let why = ns
        .metadata
        .annotations
        .as_ref()
        .and_then(|a| a.get(POD_SECURITY_EXCEPTION_ANNOTATION))
        .expect("exception annotation");
    assert!(why.starts_with("shipper: hostPath=/var/log: ships the node's log files\n"));
    assert_eq!(why.lines().count(), 5);

    // `emit` and `check` print the exception as a note of the validation report.
    let app = shop(vec![shipper()]);
    let report = validate(&render(&app), &validate::context_for(&app));
    let notes: Vec<&str> = report.notes.iter().map(|n| n.message.as_str()).collect();
    assert_eq!(notes.len(), 1, "{notes:?}");
    assert!(notes[0].starts_with(
        "namespace `shop` enforces the privileged Pod Security Standard for declared host \
         access: shipper: hostPath=/var/log: ships the node's log files; "
    ));
}

#[test]
fn capabilities_within_baseline_lower_the_namespace_to_baseline_only() {
    let agent = Component::builder()
        .name(name!("fixer"))
        .image(image!("ghcr.io/acme/fixer:1.0.0"))
        .resources(resources())
        .workload(
            NodeAgent::builder()
                .without_probes(reason!("fixes ownership once, then sleeps"))
                .host_access([HostAccess::capability(Capability::Chown)
                    .reason(reason!("hands files to the workload user"))])
                .update(DaemonUpdate::OnDelete)
                .build(),
        )
        .build();
    let app = shop(vec![agent]);
    let manifests = render(&app);
    assert_eq!(label(namespace(&manifests), "enforce"), Some("baseline"));
    let strategy = daemon_set(&manifests)
        .spec
        .as_ref()
        .and_then(|s| s.update_strategy.as_ref())
        .expect("updateStrategy");
    assert_eq!(strategy.type_.as_deref(), Some("OnDelete"));
    assert_eq!(strategy.rolling_update, None);
    let report = validate(&manifests, &validate::context_for(&app));
    assert!(report.findings.is_empty(), "{:#?}", report.findings);
}

#[test]
fn an_agent_without_host_access_keeps_the_namespace_restricted() {
    let agent = Component::builder()
        .name(name!("probe"))
        .image(image!("ghcr.io/acme/probe:1.0.0"))
        .resources(resources())
        .workload(
            NodeAgent::builder()
                .without_probes(reason!(
                    "checks the node and reports by push, serving nothing"
                ))
                .update(DaemonUpdate::Surge {
                    max_surge: NonZeroU32::MIN,
                })
                .build(),
        )
        .build();
    let app = shop(vec![agent]);
    let manifests = render(&app);
    let ns = namespace(&manifests);
    assert_eq!(label(ns, "enforce"), Some("restricted"));
    assert_eq!(ns.metadata.annotations, None);
    let ds = daemon_set(&manifests);
    // No host-access annotation; the reason for no probes is recorded.
    assert_eq!(
        ds.metadata.annotations,
        Some(std::collections::BTreeMap::from([(
            validate::NO_PROBES_ANNOTATION.to_owned(),
            "checks the node and reports by push, serving nothing".to_owned()
        )]))
    );
    let rolling = ds
        .spec
        .as_ref()
        .and_then(|s| s.update_strategy.as_ref())
        .and_then(|u| u.rolling_update.as_ref())
        .expect("rollingUpdate");
    use k8s_openapi::apimachinery::pkg::util::intstr::IntOrString;
    assert_eq!(rolling.max_unavailable, Some(IntOrString::Int(0)));
    assert_eq!(rolling.max_surge, Some(IntOrString::Int(1)));
    let pod = ds.spec.as_ref().and_then(|s| s.template.spec.as_ref());
    assert_eq!(pod.and_then(|p| p.host_network), None);
    let report = validate(&manifests, &validate::context_for(&app));
    assert!(report.findings.is_empty(), "{:#?}", report.findings);
}

#[test]
fn undeclared_host_access_in_the_same_app_is_still_an_error() {
    let sneaky = Component::builder()
        .name(name!("sneaky"))
        .image(image!("ghcr.io/acme/sneaky:1.0.0"))
        .resources(resources())
        .workload(
            NodeAgent::builder()
                .without_probes(reason!("serves nothing"))
                .build(),
        )
        .build()
        .customize_daemon_set(|d: &mut DaemonSet| {
            if let Some(pod) = d.spec.as_mut().and_then(|s| s.template.spec.as_mut()) {
                pod.host_network = Some(true);
            }
        });
    let mut app = shop(vec![shipper(), sneaky]);
    // Sharing the lowered namespace is accepted here (else `node-agent-shares-namespace`),
    // so that the one error left is the undeclared host network.
    app.shared_namespace_with_node_agents = Some(reason!("both agents belong to one team"));
    let manifests = render(&app);
    assert_eq!(label(namespace(&manifests), "enforce"), Some("privileged"));
    let report = validate(&manifests, &validate::context_for(&app));
    let errors: Vec<_> = report
        .findings
        .iter()
        .filter(|f| f.severity == validate::Severity::Error)
        .collect();
    assert_eq!(errors.len(), 1, "{errors:#?}");
    assert_eq!(errors[0].rule, "pss-host-namespaces");
    assert_eq!(errors[0].name, "shop-sneaky");
}

#[test]
fn without_a_namespace_to_lower_the_validator_says_what_the_namespace_needs() {
    let app = shop_in_existing_namespace(vec![shipper()]);
    let manifests = render(&app);
    assert!(manifests.iter().all(|m| m.object.kind() != "Namespace"));
    let report = validate(&manifests, &validate::context_for(&app));
    assert!(!report.has_errors(), "{:#?}", report.findings);
    let mut warnings: Vec<&str> = report.findings.iter().map(|f| f.rule).collect();
    warnings.sort_unstable();
    assert_eq!(
        warnings,
        [
            "pss-capabilities",
            "pss-host-namespaces",
            "pss-host-ports",
            "pss-volume-types",
            "pss-volume-types"
        ]
    );
    assert!(report.findings[0]
        .fix
        .contains("pod-security.kubernetes.io/enforce: privileged"));
}

/// The emitted YAML of every object, as `kairn lint` reads it.
fn yaml_of(manifests: &[Manifest]) -> String {
    manifests
        .iter()
        .map(|m| yaml::to_yaml(&m.object).expect("yaml"))
        .collect::<Vec<_>>()
        .join("---\n")
}

#[test]
fn lint_accepts_emitted_host_access_only_with_its_declaration() {
    let manifests = render(&shop(vec![shipper()]));
    let emitted = yaml_of(&manifests);
    let loaded = validate::parse_str("shop.yaml", &emitted).expect("parses");
    let report = validate::lint(&loaded, &validate::Context::lint());
    let pss: Vec<_> = report
        .findings
        .iter()
        .filter(|f| f.rule.starts_with("pss-") || f.rule == "namespace-pss-not-enforced")
        .collect();
    assert!(pss.is_empty(), "{pss:#?}");

    // The same DaemonSet without its declaration, in a namespace enforcing restricted.
    let mut stripped = manifests.clone();
    for m in &mut stripped {
        match &mut m.object {
            Object::DaemonSet(d) => d.metadata.annotations = None,
            Object::Namespace(n) => {
                n.metadata.annotations = None;
                if let Some(l) = n.metadata.labels.as_mut() {
                    l.insert(
                        "pod-security.kubernetes.io/enforce".into(),
                        "restricted".into(),
                    );
                }
            }
            _ => {}
        }
    }
    let loaded = validate::parse_str("shop.yaml", &yaml_of(&stripped)).expect("parses");
    let report = validate::lint(&loaded, &validate::Context::lint());
    let mut errors: Vec<&str> = report
        .findings
        .iter()
        .filter(|f| f.severity == validate::Severity::Error)
        .map(|f| f.rule)
        .collect();
    errors.sort_unstable();
    assert_eq!(
        errors,
        [
            "pss-capabilities",
            "pss-host-namespaces",
            "pss-host-ports",
            "pss-volume-types",
            "pss-volume-types"
        ]
    );

    // Declared, but the namespace still enforces restricted: rejected, with the fix.
    let mut unlowered = manifests.clone();
    for m in &mut unlowered {
        if let Object::Namespace(n) = &mut m.object
            && let Some(l) = n.metadata.labels.as_mut()
        {
            l.insert(
                "pod-security.kubernetes.io/enforce".into(),
                "restricted".into(),
            );
        }
    }
    let loaded = validate::parse_str("shop.yaml", &yaml_of(&unlowered)).expect("parses");
    let report = validate::lint(&loaded, &validate::Context::lint());
    let network = report
        .findings
        .iter()
        .find(|f| f.rule == "pss-host-namespaces")
        .expect("hostNetwork rejected");
    assert_eq!(network.severity, validate::Severity::Error);
    assert!(network
        .message
        .contains("declared in kairn.dev/host-access"));
}

#[test]
fn a_namespace_lowered_beyond_what_is_declared_is_reported() {
    let mut manifests = render(&shop(vec![shipper()]));
    for m in &mut manifests {
        if let Object::DaemonSet(d) = &mut m.object {
            // Declares only a baseline capability now: privileged is more than needed.
            d.metadata.annotations = Some(
                [(
                    HOST_ACCESS_ANNOTATION.to_owned(),
                    "capability=CHOWN: hands files over".to_owned(),
                )]
                .into(),
            );
        }
    }
    let loaded = validate::parse_str("shop.yaml", &yaml_of(&manifests)).expect("parses");
    let report = validate::lint(&loaded, &validate::Context::lint());
    assert!(report
        .findings
        .iter()
        .any(|f| f.rule == "namespace-pss-not-enforced"));
}

#[test]
fn a_declaration_line_without_a_reason_declares_nothing() {
    let mut manifests = render(&shop(vec![shipper()]));
    for m in &mut manifests {
        if let Object::DaemonSet(d) = &mut m.object {
            let a = d.metadata.annotations.get_or_insert_with(Default::default);
            let text = a[HOST_ACCESS_ANNOTATION].replace(
                "hostNetwork: reports the node's own address",
                "hostNetwork: ",
            );
            a.insert(HOST_ACCESS_ANNOTATION.to_owned(), text);
        }
    }
    let loaded = validate::parse_str("shop.yaml", &yaml_of(&manifests)).expect("parses");
    let report = validate::lint(&loaded, &validate::Context::lint());
    assert!(report
        .findings
        .iter()
        .any(|f| f.rule == "pss-host-namespaces"));
}

#[test]
fn a_component_talks_to_a_node_agent_on_its_ports() {
    let agent = shipper();
    let api = Component::builder()
        .name(name!("api"))
        .image(image!("ghcr.io/acme/api:1.0.0"))
        .resources(resources())
        .workload(Worker::builder().replicas(Replicas::Fixed(1)).build())
        .talks_to([&agent])
        .build();
    let mut app = shop(vec![agent, api]);
    // One app for brevity, which needs the sharing stated (`node-agent-shares-namespace`).
    app.shared_namespace_with_node_agents = Some(reason!("the api reads the agent's metrics"));
    let manifests = render(&app);
    let policy = manifests
        .iter()
        .find_map(|m| match &m.object {
            Object::NetworkPolicy(p) if m.object.name() == "shop-shipper" => Some(p),
            _ => None,
        })
        .expect("the agent's NetworkPolicy");
    let v = serde_json::to_value(policy).expect("json");
    assert_eq!(v["spec"]["ingress"][0]["ports"][0]["port"], "metrics");
    let report = validate(&manifests, &validate::context_for(&app));
    assert!(report.findings.is_empty(), "{:#?}", report.findings);
}

#[test]
fn a_surge_agent_with_a_host_port_is_refused_at_emit() {
    let metrics = metrics_port();
    let agent = |update: DaemonUpdate| {
        Component::builder()
            .name(name!("exporter"))
            .image(image!("ghcr.io/acme/exporter:1.0.0"))
            .resources(resources())
            .workload(
                NodeAgent::builder()
                    .ports(vec![metrics.clone()])
                    .probes(Probes::http(
                        &metrics,
                        http_path!("/healthz"),
                        http_path!("/healthz"),
                    ))
                    .update(update)
                    .host_access([HostAccess::host_port(&metrics)
                        .reason(reason!("scraped on the node address"))])
                    .build(),
            )
            .build()
    };
    let surge = shop(vec![agent(DaemonUpdate::Surge {
        max_surge: NonZeroU32::MIN,
    })]);
    let report = validate(&render(&surge), &validate::context_for(&surge));
    let errors: Vec<_> = report
        .findings
        .iter()
        .filter(|f| f.severity == validate::Severity::Error)
        .collect();
    assert_eq!(errors.len(), 1, "{errors:#?}");
    assert_eq!(errors[0].rule, "daemonset-surge-host-port");
    assert_eq!(errors[0].name, "shop-exporter");
    assert_eq!(
        errors[0].field,
        "spec.template.spec.containers[0].ports[0].hostPort"
    );
    assert!(
        errors[0].fix.contains("maxUnavailable"),
        "{}",
        errors[0].fix
    );
    // Replacing one node's pod at a time instead is accepted.
    let rolling = shop(vec![agent(DaemonUpdate::default())]);
    let report = validate(&render(&rolling), &validate::context_for(&rolling));
    assert!(!report.has_errors(), "{:#?}", report.findings);
}
