//! The fixture table of real policies (`tests/fixtures/admission/README.md`), and the
//! behaviours around it: broken expressions, policies in the set, Warn and Audit,
//! params, the authorizer, hostile input.

use std::path::{Path, PathBuf};

use crate::source::{load_files, parse_str, LoadError, Loaded};
use crate::{lint, lint_with_policies, Context, Finding, Report, Severity};

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/fixtures/admission")
}

fn load(paths: &[PathBuf]) -> Loaded {
    let (loaded, errors) = load_files(paths);
    assert!(errors.is_empty(), "{errors:?}");
    loaded
}

fn admission(report: &Report) -> Vec<&Finding> {
    report
        .findings
        .iter()
        .filter(|f| f.rule == super::RULE)
        .collect()
}

fn run(set: &str, policies: &str) -> (Report, Vec<LoadError>) {
    let set = parse_str("set.yaml", set).expect("set parses");
    let policies = parse_str("policies.yaml", policies).expect("policies parse");
    lint_with_policies(&set, &policies, &Context::lint())
}

#[test]
fn every_fixture_case_gets_the_api_servers_answer() {
    let table = std::fs::read_to_string(fixtures().join("README.md")).expect("README");
    let mut cases = 0;
    let mut policies_seen = std::collections::BTreeSet::new();
    for row in table.lines().filter(|l| l.starts_with("| cases/")) {
        let cells: Vec<&str> = row.trim_matches('|').split(" | ").map(str::trim).collect();
        let [case, policies, answer, message] = cells[..] else {
            panic!("malformed row {row}");
        };
        let message = message.replace("\\|", "|");
        let set = load(&[fixtures().join(case)]);
        let policy_files: Vec<PathBuf> = policies.split(", ").map(|p| fixtures().join(p)).collect();
        let policy_docs = load(&policy_files);
        for d in policy_docs
            .documents
            .iter()
            .filter(|d| d.kind == "ValidatingAdmissionPolicy")
        {
            policies_seen.insert(d.name.clone());
        }
        let (report, errors) = lint_with_policies(&set, &policy_docs, &Context::lint());
        assert!(errors.is_empty(), "{case}: {errors:?}");
        let found = admission(&report);
        let want_severity = match answer {
            "admitted" => {
                assert!(
                    found.is_empty(),
                    "{case} with {policies}: expected admitted, got {found:#?}"
                );
                cases += 1;
                continue;
            }
            "denied" => Severity::Error,
            "warned" => Severity::Warning,
            other => panic!("unknown answer {other}"),
        };
        assert_eq!(found.len(), 1, "{case} with {policies}: {found:#?}");
        let f = found[0];
        assert_eq!(f.severity, want_severity, "{case}: {f:#?}");
        match message.strip_prefix("contains:") {
            Some(part) => assert!(
                f.message.contains(part),
                "{case}: {:?} lacks {part:?}",
                f.message
            ),
            None => assert_eq!(f.message, message, "{case}"),
        }
        assert_eq!(
            f.file.as_deref(),
            Some(fixtures().join(case).to_string_lossy().as_ref())
        );
        cases += 1;
    }
    assert!(cases >= 28, "only {cases} cases read");
    assert!(policies_seen.len() >= 10, "{policies_seen:?}");
}

const POLICY: &str = r#"
apiVersion: admissionregistration.k8s.io/v1
kind: ValidatingAdmissionPolicy
metadata: {name: replicas}
spec:
  matchConstraints:
    resourceRules: [{apiGroups: [apps], apiVersions: [v1], operations: [CREATE, UPDATE], resources: [deployments]}]
  validations:
    - expression: object.spec.replicas <= 2
      messageExpression: "'at most 2 replicas, not ' + string(object.spec.replicas)"
---
apiVersion: admissionregistration.k8s.io/v1
kind: ValidatingAdmissionPolicyBinding
metadata: {name: replicas}
spec:
  policyName: replicas
  validationActions: [ACTION]
"#;

const DEPLOYMENT: &str = r#"
apiVersion: apps/v1
kind: Deployment
metadata: {name: web, namespace: shop}
spec:
  replicas: 3
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      containers: [{name: web, image: ghcr.io/acme/web:1.0.0}]
"#;

#[test]
fn a_policy_in_the_linted_set_is_applied() {
    let text = format!("{DEPLOYMENT}---{}", POLICY.replace("ACTION", "Deny"));
    let report = lint(&parse_str("all.yaml", &text).unwrap(), &Context::lint());
    let found = admission(&report);
    assert_eq!(found.len(), 1, "{found:#?}");
    assert_eq!(
        found[0].message,
        "ValidatingAdmissionPolicy 'replicas' with binding 'replicas' denied request: at most 2 replicas, not 3"
    );
    assert_eq!(
        (found[0].kind.as_str(), found[0].line),
        ("Deployment", Some(2))
    );
    assert!(
        found[0].fix.contains("binding at all.yaml:"),
        "{}",
        found[0].fix
    );
    assert!(
        found[0].fix.contains("validationActions [Deny]"),
        "{}",
        found[0].fix
    );
}

#[test]
fn validation_actions_set_the_severity() {
    let (report, _) = run(DEPLOYMENT, &POLICY.replace("ACTION", "Warn"));
    let found = admission(&report);
    assert_eq!(found.len(), 1);
    assert_eq!(found[0].severity, Severity::Warning);
    assert!(found[0].message.starts_with(
        "Validation failed for ValidatingAdmissionPolicy 'replicas' with binding 'replicas': "
    ));
    let (report, _) = run(DEPLOYMENT, &POLICY.replace("ACTION", "Audit"));
    assert!(admission(&report).is_empty());
    assert!(
        report
            .notes
            .iter()
            .any(|n| n.message.contains("audit annotation")),
        "{:#?}",
        report.notes
    );
}

#[test]
fn a_broken_expression_is_one_error_naming_the_policy() {
    let broken = POLICY
        .replace("ACTION", "Deny")
        .replace("object.spec.replicas <= 2", "object.spec.replicas <=");
    let (report, errors) = run(DEPLOYMENT, &broken);
    assert_eq!(errors.len(), 1, "{errors:?}");
    let e = &errors[0];
    assert_eq!((e.file.as_str(), e.line), ("policies.yaml", Some(9)));
    assert!(
        e.message.starts_with("ValidatingAdmissionPolicy 'replicas': spec.validations[0].expression does not compile: ERROR: <input>:1:"),
        "{e}"
    );
    assert!(admission(&report).is_empty());
    // An unknown function is a compile error too (the API server's type check).
    let unknown = POLICY.replace("ACTION", "Deny").replace(
        "object.spec.replicas <= 2",
        "object.metadata.name.startWith('a')",
    );
    let (_, errors) = run(DEPLOYMENT, &unknown);
    assert_eq!(errors.len(), 1);
    assert!(
        errors[0]
            .message
            .ends_with("undeclared reference to 'startWith'"),
        "{}",
        errors[0]
    );
    // Plain `lint` keeps it as a note.
    let text = format!("{DEPLOYMENT}---{broken}");
    let report = lint(&parse_str("all.yaml", &text).unwrap(), &Context::lint());
    assert!(report
        .notes
        .iter()
        .any(|n| n.message.contains("does not compile")));
}

#[test]
fn failure_policy_ignore_and_the_authorizer_are_notes() {
    let ignore = POLICY
        .replace("ACTION", "Deny")
        .replace(
            "spec:\n  matchConstraints",
            "spec:\n  failurePolicy: Ignore\n  matchConstraints",
        )
        .replace("object.spec.replicas <= 2", "object.spec.missing <= 2");
    let (report, _) = run(DEPLOYMENT, &ignore);
    assert!(admission(&report).is_empty());
    assert!(
        report
            .notes
            .iter()
            .any(|n| n.message.contains("failurePolicy: Ignore")),
        "{:#?}",
        report.notes
    );
    let fail = ignore.replace("  failurePolicy: Ignore\n", "");
    let (report, _) = run(DEPLOYMENT, &fail);
    assert_eq!(admission(&report).len(), 1);
    assert!(admission(&report)[0].message.contains("resulted in error"));
    let authz = POLICY.replace("ACTION", "Deny").replace(
        "object.spec.replicas <= 2",
        "authorizer.group('apps').resource('deployments').check('scale').allowed()",
    );
    let (report, errors) = run(DEPLOYMENT, &authz);
    assert!(errors.is_empty(), "{errors:?}");
    assert!(admission(&report).is_empty());
    assert!(report
        .notes
        .iter()
        .any(|n| n.message.contains("needs the API server's authorizer")));
}

#[test]
fn params_by_selector_and_namespace() {
    let policy = r#"
apiVersion: admissionregistration.k8s.io/v1
kind: ValidatingAdmissionPolicy
metadata: {name: max}
spec:
  paramKind: {apiVersion: v1, kind: ConfigMap}
  matchConstraints:
    resourceRules: [{apiGroups: [apps], apiVersions: ["*"], operations: ["*"], resources: ["*"]}]
  validations:
    - expression: object.spec.replicas <= int(params.data.max)
---
apiVersion: admissionregistration.k8s.io/v1
kind: ValidatingAdmissionPolicyBinding
metadata: {name: max}
spec:
  policyName: max
  validationActions: [Deny]
  paramRef: {selector: {matchLabels: {limits: replicas}}, parameterNotFoundAction: Allow}
"#;
    let param = |ns: &str, max: u32| {
        format!("apiVersion: v1\nkind: ConfigMap\nmetadata: {{name: limits, namespace: {ns}, labels: {{limits: replicas}}}}\ndata: {{max: \"{max}\"}}\n")
    };
    // The param of the object's namespace counts; another namespace's does not.
    let (report, _) = run(DEPLOYMENT, &format!("{policy}---\n{}", param("shop", 2)));
    assert_eq!(admission(&report).len(), 1);
    let (report, _) = run(DEPLOYMENT, &format!("{policy}---\n{}", param("other", 2)));
    assert!(
        admission(&report).is_empty(),
        "Allow: not evaluated without a param"
    );
    let (report, _) = run(DEPLOYMENT, &format!("{policy}---\n{}", param("shop", 5)));
    assert!(admission(&report).is_empty());
}

#[test]
fn hostile_expressions_never_panic() {
    let deep = format!("{}true{}", "(".repeat(500), ")".repeat(500));
    let long = format!("'{}' == ''", "a".repeat(1 << 20));
    let nots = format!("{}true", "!".repeat(5000));
    let sums = format!("{}1 > 0", "1 + ".repeat(5000));
    let selects = format!("object{} == 1", ".a".repeat(5000));
    let nested_macros =
        "[1,2,3].all(a, [1,2,3].all(b, [1,2,3].all(c, [1,2,3].exists(d, a+b+c+d > 0))))".to_owned();
    for expr in [
        deep.as_str(),
        nots.as_str(),
        sums.as_str(),
        selects.as_str(),
        long.as_str(),
        nested_macros.as_str(),
        "1 / 0 == 1",
        "9223372036854775807 + 1 > 0",
        "'a'.matches('(')",
        "object.spec.replicas.foo.bar",
        "lists.range(5).map(x, x * 2).sum() > 0",
        "'\\u0000' == ''",
        "{1: 2, 1: 3}[1] == 2",
        "params.x",
        "[].max() > 0",
        "\"unterminated",
        "a.b.c(",
        "🦀 == 1",
    ] {
        let policy = POLICY.replace("ACTION", "Deny").replace(
            "expression: object.spec.replicas <= 2",
            &format!("expression: {}", serde_json::to_string(expr).unwrap()),
        );
        let (report, errors) = run(DEPLOYMENT, &policy);
        // Either a compile error, or an answer: a finding or a pass.
        assert!(errors.len() <= 1 && admission(&report).len() <= 1, "{expr}");
    }
}

#[test]
fn a_policy_on_pods_judges_the_pods_a_workload_creates() {
    let policies = load(&[fixtures().join("kubernetes-website/deny-privileged.yaml")]);
    let deployment = r#"
apiVersion: apps/v1
kind: Deployment
metadata: {name: web, namespace: shop}
spec:
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      containers: [{name: web, image: nginx:1.27.3, securityContext: {privileged: true}}]
"#;
    let set = parse_str("web.yaml", deployment).unwrap();
    let (report, _) = lint_with_policies(&set, &policies, &Context::lint());
    let found = admission(&report);
    assert_eq!(found.len(), 1, "{found:#?}");
    assert_eq!(found[0].severity, Severity::Error);
    assert_eq!(
        found[0].message,
        "the Deployment would be created, but not its pods: ValidatingAdmissionPolicy 'example-deny-privileged.static.k8s.io' with binding 'example-deny-privileged-binding.static.k8s.io' denied request: Privileged containers are not allowed"
    );
    assert_eq!(
        (found[0].field.as_str(), found[0].line),
        ("spec.template", Some(7))
    );
    let fixed = deployment.replace("privileged: true", "privileged: false");
    let set = parse_str("web.yaml", &fixed).unwrap();
    let (report, _) = lint_with_policies(&set, &policies, &Context::lint());
    assert!(admission(&report).is_empty());
}

#[test]
fn a_namespace_outside_the_set_is_known_by_its_name_only() {
    let policies = load(&[fixtures().join("kubernetes-website/demo-policy.yaml")]);
    let outside = DEPLOYMENT.replace("replicas: 3", "replicas: 6");
    let set = parse_str("web.yaml", &outside).unwrap();
    let (report, _) = lint_with_policies(&set, &policies, &Context::lint());
    assert!(admission(&report).is_empty());
    let notes: Vec<&str> = report
        .notes
        .iter()
        .map(|n| n.message.as_str())
        .filter(|m| m.contains("selects namespaces by labels"))
        .collect();
    assert_eq!(notes.len(), 1, "{:#?}", report.notes);
    assert!(notes[0].contains("namespace 'shop'"), "{}", notes[0]);
    // The Namespace in the --policy files (the cluster's) is used.
    let namespace =
        "apiVersion: v1\nkind: Namespace\nmetadata: {name: shop, labels: {environment: test}}\n";
    let mut policies = policies;
    policies
        .documents
        .extend(parse_str("ns.yaml", namespace).unwrap().documents);
    let (report, _) = lint_with_policies(&set, &policies, &Context::lint());
    assert_eq!(admission(&report).len(), 1);
}
