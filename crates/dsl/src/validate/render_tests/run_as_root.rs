//! A node agent that declares `run_as_root`: its container runs as UID/GID 0 with the
//! rest of the hardening kept, the namespace enforces baseline, and the validator
//! accepts root only where it is declared and the namespace admits it.

use k8s_openapi::api::apps::v1::DaemonSet;
use k8s_openapi::api::core::v1::Namespace;

use super::node_agent::{daemon_set, namespace};
use crate::render::tests::shop as shop_in_existing_namespace;
use crate::*;
use lint::{HOST_ACCESS_ANNOTATION, POD_SECURITY_EXCEPTION_ANNOTATION};

/// The shop app, in a namespace kairn creates.
fn shop(components: Vec<Component>) -> App {
    let mut app = shop_in_existing_namespace(components);
    app.create_namespace = true;
    app
}

/// A node agent that runs as root and declares nothing else.
fn root_agent() -> Component {
    Component::builder()
        .name(name!("collector"))
        .image(image!("ghcr.io/acme/collector:2.0.0"))
        .resources(Resources::new(
            cpu!("50m"),
            cpu!("200m"),
            memory!("64Mi"),
            memory!("128Mi"),
        ))
        .workload(
            NodeAgent::builder()
                .without_probes(reason!(
                    "collects once a minute and pushes, serving nothing"
                ))
                .host_access([
                    HostAccess::run_as_root().reason(reason!("reads root-owned files of the node"))
                ])
                .build(),
        )
        .build()
}

fn enforce(n: &Namespace) -> Option<&str> {
    n.metadata
        .labels
        .as_ref()?
        .get("pod-security.kubernetes.io/enforce")
        .map(String::as_str)
}

/// The emitted YAML of every object, as `kairn lint` reads it.
fn yaml_of(manifests: &[Manifest]) -> String {
    manifests
        .iter()
        .map(|m| yaml::to_yaml(&m.object).expect("yaml"))
        .collect::<Vec<_>>()
        .join("---\n")
}

/// Lints emitted YAML the way `kairn lint` does; returns (rule, severity) pairs, sorted.
fn lint(manifests: &[Manifest]) -> Vec<(&'static str, validate::Severity)> {
    let loaded = validate::parse_str("shop.yaml", &yaml_of(manifests)).expect("parses");
    let report = validate::lint(&loaded, &validate::Context::lint());
    let mut found: Vec<_> = report
        .findings
        .iter()
        .filter(|f| f.rule.starts_with("pss-") || f.rule == "namespace-pss-not-enforced")
        .map(|f| (f.rule, f.severity))
        .collect();
    found.sort_unstable_by_key(|(r, s)| (*r, *s == validate::Severity::Error));
    found
}

fn set_enforce(manifests: &mut [Manifest], level: &str) {
    for m in manifests {
        if let Object::Namespace(n) = &mut m.object {
            n.metadata
                .labels
                .get_or_insert_with(Default::default)
                .insert("pod-security.kubernetes.io/enforce".into(), level.into());
        }
    }
}

#[test]
fn run_as_root_renders_uid_0_and_keeps_the_rest_hardened() {
    let app = shop(vec![root_agent()]);
    let manifests = render(&app);
    let ds = daemon_set(&manifests);
    let pod = ds
        .spec
        .as_ref()
        .and_then(|s| s.template.spec.as_ref())
        .expect("pod spec");
    let sc = pod.containers[0]
        .security_context
        .as_ref()
        .expect("securityContext");
    assert_eq!(sc.run_as_user, Some(0));
    assert_eq!(sc.run_as_group, Some(0));
    assert_eq!(sc.run_as_non_root, Some(false));
    assert_eq!(sc.read_only_root_filesystem, Some(true));
    assert_eq!(sc.allow_privilege_escalation, Some(false));
    assert_eq!(sc.privileged, None);
    let caps = sc.capabilities.as_ref().expect("capabilities");
    assert_eq!(caps.drop.as_deref(), Some(&["ALL".to_owned()][..]));
    assert_eq!(caps.add, None);
    assert_eq!(
        sc.seccomp_profile.as_ref().map(|s| s.type_.as_str()),
        Some("RuntimeDefault")
    );
    // The pod's own identity is untouched: only the agent's container is root.
    let pod_sc = pod.security_context.as_ref().expect("pod securityContext");
    assert_eq!(pod_sc.run_as_non_root, Some(true));
    assert_ne!(pod_sc.run_as_user, Some(0));
    assert_eq!(pod.host_network, None);
    assert_eq!(pod.volumes, None);

    assert_eq!(
        ds.metadata
            .annotations
            .as_ref()
            .and_then(|a| a.get(HOST_ACCESS_ANNOTATION))
            .map(String::as_str),
        Some("runAsRoot: reads root-owned files of the node")
    );
    let ns = namespace(&manifests);
    assert_eq!(enforce(ns), Some("baseline"));
    assert_eq!(
        ns.metadata
            .annotations
            .as_ref()
            .and_then(|a| a.get(POD_SECURITY_EXCEPTION_ANNOTATION))
            .map(String::as_str),
        Some("collector: runAsRoot: reads root-owned files of the node")
    );
    let report = validate(&manifests, &validate::context_for(&app));
    assert!(report.findings.is_empty(), "{:#?}", report.findings);
}

#[test]
fn lint_accepts_root_only_when_declared_in_a_namespace_that_admits_it() {
    use validate::Severity::Error;
    let manifests = render(&shop(vec![root_agent()]));
    assert_eq!(lint(&manifests), []);

    // The same YAML without the declaration, in a namespace enforcing restricted.
    let mut stripped = manifests.clone();
    for m in &mut stripped {
        if let Object::DaemonSet(d) = &mut m.object {
            d.metadata.annotations = None;
        }
        if let Object::Namespace(n) = &mut m.object {
            n.metadata.annotations = None;
        }
    }
    set_enforce(&mut stripped, "restricted");
    assert_eq!(
        lint(&stripped),
        [
            ("pss-run-as-non-root", Error),
            ("pss-run-as-non-root", Error)
        ]
    );

    // Undeclared, even where the namespace enforces baseline: kairn's lint holds the
    // pods to the declaration, so root is still reported (a warning there: baseline
    // admits root, but nothing says why the agent needs it).
    let mut undeclared = stripped.clone();
    set_enforce(&mut undeclared, "baseline");
    let found = lint(&undeclared);
    assert_eq!(
        found
            .iter()
            .filter(|(r, _)| *r == "pss-run-as-non-root")
            .count(),
        2,
        "{found:?}"
    );

    // Declared, but the namespace enforces restricted: rejected, with the fix.
    let mut unlowered = manifests.clone();
    set_enforce(&mut unlowered, "restricted");
    let loaded = validate::parse_str("shop.yaml", &yaml_of(&unlowered)).expect("parses");
    let report = validate::lint(&loaded, &validate::Context::lint());
    let root: Vec<_> = report
        .findings
        .iter()
        .filter(|f| f.rule == "pss-run-as-non-root")
        .collect();
    assert_eq!(root.len(), 2, "{root:#?}");
    assert!(root.iter().all(|f| f.severity == Error
        && f.message.contains("declared in kairn.dev/host-access")
        && f.fix
            .contains("pod-security.kubernetes.io/enforce: baseline")));
}

#[test]
fn root_declared_without_a_namespace_in_the_set_says_baseline_is_needed() {
    let app = shop_in_existing_namespace(vec![root_agent()]);
    let manifests = render(&app);
    let report = validate(&manifests, &validate::context_for(&app));
    assert!(!report.has_errors(), "{:#?}", report.findings);
    let rules: Vec<&str> = report.findings.iter().map(|f| f.rule).collect();
    assert_eq!(rules, ["pss-run-as-non-root", "pss-run-as-non-root"]);
    assert!(report.findings.iter().all(|f| f
        .fix
        .contains("pod-security.kubernetes.io/enforce: baseline")));
}

#[test]
fn declaring_root_excuses_nothing_else() {
    let agent = root_agent().customize_daemon_set(|d: &mut DaemonSet| {
        if let Some(pod) = d.spec.as_mut().and_then(|s| s.template.spec.as_mut())
            && let Some(sc) = pod.containers[0].security_context.as_mut()
        {
            sc.allow_privilege_escalation = Some(true);
        }
    });
    let app = shop(vec![agent]);
    let manifests = render(&app);
    let report = validate(&manifests, &validate::context_for(&app));
    let errors: Vec<&str> = report
        .findings
        .iter()
        .filter(|f| f.severity == validate::Severity::Error)
        .map(|f| f.rule)
        .collect();
    assert_eq!(errors, ["pss-privilege-escalation"]);
}
