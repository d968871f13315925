//! # kairn's validator
//!
//! Rules over a set of Kubernetes objects: typed objects rendered by `dsl`, or existing
//! YAML (with file and line numbers, for `kairn lint`). Every finding is reported at once
//! with its rule id, severity, field path, what is wrong and how to fix it, and where it
//! came from (the YAML file and line, or the declaring file and line of a rendered object).
//!
//! Linting YAML as a library:
//!
//! ```
//! let yaml = "\
//! apiVersion: apps/v1
//! kind: Deployment
//! metadata: {name: web, namespace: shop}
//! spec:
//!   selector: {matchLabels: {app: web}}
//!   template:
//!     metadata: {labels: {app: api}}
//!     spec:
//!       containers: [{name: web, image: ghcr.io/acme/web:1.0.0}]
//! ";
//! let loaded = lint::parse_str("web.yaml", yaml).expect("YAML that parses");
//! let report = lint::lint(&loaded, &lint::Context::lint());
//! let mismatch = report
//!     .findings
//!     .iter()
//!     .find(|f| f.rule == "selector-mismatch")
//!     .expect("the selector does not match the template's labels");
//! assert_eq!(mismatch.severity, lint::Severity::Error);
//! assert_eq!((mismatch.file.as_deref(), mismatch.line), (Some("web.yaml"), Some(5)));
//! assert!(report.has_errors());
//! ```
//!
//! Files and directories are read with [`collect_files`] and [`load_files`] (every YAML
//! file under a directory, multi-document streams, size limits, every unreadable file
//! reported); typed objects are checked with [`validate`] over [`object::Manifest`]s.
//!
//! ## Layout
//!
//! The crate depends on object types only (`k8s-openapi`, the typed CRDs, serde,
//! serde-saphyr, granit-parser; `cel` with the `admission` feature), never on the model.
//!
//! - this file: [`Context`], [`Waiver`], [`validate`], [`lint`], waivers and the
//!   `kairn.dev/*` annotation names;
//! - [`registry`]: every rule's stable id, severity, family and one-line meaning (the
//!   source of `docs/rules.md`: `KAIRN_UPDATE_DOCS=1 cargo test -p lint rules_doc`);
//! - `rules/`: the rules, one directory per family (`api/`, `wiring/`, `policy/`) with one
//!   module per rule or group of related rules, named after what it checks;
//!   `api_server/` (what the API server rejects), `pod_security_baseline.rs`,
//!   `rbac_escalation.rs`, `kube_linter.rs` (kube-linter's defaults, mapped in
//!   `docs/kube-linter.md`), `network.rs`, `network_selects.rs` and `placeholder.rs`
//!   beside them; `rules/mod.rs` indexes rule id → file;
//! - `admission/`: the cluster's own ValidatingAdmissionPolicies, evaluated with the
//!   `cel` crate on the objects of the set (`lint_with_policies`, feature `admission`);
//! - `set/`: the object set one run looks at; `index.rs`: lookups by kind, namespace,
//!   name and label, so that lint stays linear in the number of objects;
//! - `defaults.rs`: the API server's defaults, applied to objects read from YAML before
//!   the rules run; `located.rs`: the declaration line a finding on a rendered object is
//!   reported at;
//! - [`source`]: YAML reading with line numbers (`events.rs` the fast path from
//!   granit-parser events, `source/yaml.rs` serde-saphyr for the rest, `input.rs` files
//!   within limits parsed on every core, `walk.rs` finding files); [`object`] and
//!   [`crd`]: the typed objects;
//! - [`checks`] and [`image`]: the `const fn` format checks that `dsl` also runs on
//!   literals at compile time, so a name the DSL accepts is one `lint` accepts.
//!
//! ## What a declaration adds
//!
//! The crate knows nothing of kairn's model. What a declaration knows beyond its objects
//! arrives as plain data in a [`Context`] (environment, whether the set is complete,
//! external Secrets, egress needs, waivers; `dsl::validate::context_for` builds one from
//! an app), or as annotations on the objects themselves, which `dsl` writes on every
//! rendered object so that linting emitted YAML agrees with `emit`:
//! [`WAIVE_ANNOTATION_PREFIX`], [`EXTERNAL_SECRETS_ANNOTATION`],
//! [`RUNTIME_SERVICE_ACCOUNT_ANNOTATION`].

#![warn(missing_docs)]

#[cfg(feature = "admission")]
mod admission;
/// Without the `admission` feature: policies are recognised and noted, not evaluated.
#[cfg(not(feature = "admission"))]
#[path = "admission_off.rs"]
mod admission;
pub mod checks;
pub mod crd;
mod declared;
pub mod defaults;
mod events;
mod finding;
pub mod image;
mod index;
pub mod located;
pub mod object;
pub mod registry;
mod rules;
mod set;
pub mod source;

#[cfg(test)]
mod tests;

use std::collections::BTreeMap;
use std::panic::Location;

pub use admission::is_policy_document;
pub use finding::{Finding, Note, Report, Severity};
pub use registry::{rule, RuleInfo, RULES};
pub use rules::placeholder::{placeholder, AWS_DOCUMENTATION_ACCOUNTS};
pub use source::{
    collect_files, load_files, load_files_with, parse_str, Collected, Document, Input, Limits,
    LoadError, Loaded, MAX_FILE_BYTES, MAX_TOTAL_BYTES,
};

use crate::object::{Manifest, Object};
use set::{Item, Set, Sink};

/// Annotation prefix that waives a rule on one object in plain YAML (`lint`):
/// `kairn.dev/waive.<rule-id>: <reason>`.
pub const WAIVE_ANNOTATION_PREFIX: &str = "kairn.dev/waive.";
/// Workload annotation listing the external Secrets its pods reference (comma-separated).
pub const EXTERNAL_SECRETS_ANNOTATION: &str = "kairn.dev/external-secrets";
/// ServiceAccount annotation marking an account used by pods created at run time.
pub const RUNTIME_SERVICE_ACCOUNT_ANNOTATION: &str = "kairn.dev/runtime-service-account";
/// Workload annotation listing the PersistentVolumeClaims created outside the set that
/// its pods mount (comma-separated).
pub const EXTERNAL_CLAIMS_ANNOTATION: &str = "kairn.dev/external-claims";
/// Workload annotation declaring the host access its pods need, one `<access>: <reason>`
/// per line, where `<access>` is `hostPath=<path>`, `hostNetwork`, `hostPort=<port>`,
/// `capability=<NAME>` or `runAsRoot`. The Pod Security rules accept exactly the declared
/// access when the pods' namespace (in the set) enforces a level that admits it.
pub const HOST_ACCESS_ANNOTATION: &str = "kairn.dev/host-access";
/// Namespace annotation explaining why its enforced Pod Security level is below
/// `restricted`: one `<component>: <access>: <reason>` per line, plus
/// `shared by <components>: <reason>` when other workloads share the lowered namespace on
/// purpose.
pub const POD_SECURITY_EXCEPTION_ANNOTATION: &str = "kairn.dev/pod-security-exception";
/// Workload annotation saying why its pods have no liveness or readiness probe (a node
/// agent declared with `.without_probes(reason!(..))`).
pub const NO_PROBES_ANNOTATION: &str = "kairn.dev/no-probes";
/// Workload (and RoleBinding) annotation naming the ServiceAccount(s) its pods (or
/// subjects) use that exist outside the set, comma-separated: a component that keeps
/// the account of an app that runs already (`Component::keep`).
pub const EXTERNAL_SERVICE_ACCOUNT_ANNOTATION: &str = "kairn.dev/external-service-account";
/// Workload annotation saying why some containers lack CPU or memory requests or
/// limits, one `<container>: <reason>` per line (`Resources::as_source`): they are kept
/// as the source had them, and `resources-missing` accepts it for those containers.
pub const RESOURCES_AS_SOURCE_ANNOTATION: &str = "kairn.dev/resources-as-source";
/// NetworkPolicy annotation saying why the policy allows all ingress and egress
/// (`Component::open_network`); the rules about a policy's breadth accept it.
pub const OPEN_NETWORK_ANNOTATION: &str = "kairn.dev/open-network";

/// Namespaces Prometheus is assumed to run in when linting YAML (override with
/// `--prometheus-namespace`).
pub const DEFAULT_PROMETHEUS_NAMESPACES: &[&str] = &[
    "monitoring",
    "prometheus",
    "observability",
    "kube-prometheus-stack",
    "prometheus-operator",
    "openshift-monitoring",
    "cattle-monitoring-system",
];

/// Waives one rule on one object, with a written reason that is shown in every report.
///
/// ```
/// let w = lint::Waiver::new(
///     "metrics-exposed-by-ingress",
///     "Ingress",
///     "shop",
///     "the controller denies /metrics with a server snippet",
/// );
/// assert_eq!(w.rule, "metrics-exposed-by-ingress");
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Waiver {
    /// Rule id.
    pub rule: String,
    /// Object kind.
    pub kind: String,
    /// Object name, or the name of the component that produced the object.
    pub name: String,
    /// Why the finding is acceptable (required).
    pub reason: String,
    /// Where the waiver was written.
    pub declared_at: &'static Location<'static>,
}

impl Waiver {
    /// A waiver of `rule` on the `kind` object named `name` (or produced by the component
    /// `name`), recording the caller's file and line.
    #[track_caller]
    pub fn new(rule: &str, kind: &str, name: &str, reason: &str) -> Self {
        Waiver {
            rule: rule.to_owned(),
            kind: kind.to_owned(),
            name: name.to_owned(),
            reason: reason.to_owned(),
            declared_at: Location::caller(),
        }
    }
}

/// A Secret created outside the set, with the keys it is known to have.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DeclaredSecret {
    /// Secret name.
    pub name: String,
    /// Keys it has; `None` when not declared (any key is accepted).
    pub keys: Option<Vec<String>>,
}

/// Egress a component needs to a declared dependency.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EgressNeed {
    /// Component whose workloads need it.
    pub component: String,
    /// Dependency name.
    pub dependency: String,
    /// Where the dependency is.
    pub endpoint: Endpoint,
}

/// Where a dependency is, as the validator needs it (the plain-data image of the model's
/// `dsl::Endpoint`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Endpoint {
    /// Pods in the cluster, selected by labels, in the app's namespace or another one.
    InCluster {
        /// `None`: the application's own namespace.
        namespace: Option<String>,
        /// Labels of the dependency's pods.
        pod_labels: BTreeMap<String, String>,
        /// Port the pods listen on.
        port: u16,
    },
    /// Hosts outside the cluster in the given CIDR blocks (a managed database's subnet).
    Cidrs {
        /// CIDR blocks, e.g. `10.20.0.0/16`.
        cidrs: Vec<String>,
        /// Destination port.
        port: u16,
    },
    /// Any public address (private ranges excluded) on one port.
    PublicInternet {
        /// Destination port.
        port: u16,
    },
}

impl Endpoint {
    /// The destination port.
    pub fn port(&self) -> u16 {
        match self {
            Endpoint::InCluster { port, .. }
            | Endpoint::Cidrs { port, .. }
            | Endpoint::PublicInternet { port } => *port,
        }
    }
}

/// What the validator knows beyond the objects themselves.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Context {
    /// Environment name; `development` allows `latest` images.
    pub environment: Option<String>,
    /// Whether the set is a whole application (every reference must resolve inside it).
    /// `lint` sets are partial: references to kinds absent from the set only warn.
    pub complete: bool,
    /// Secrets created outside the set.
    pub external_secrets: Vec<DeclaredSecret>,
    /// Namespaces Prometheus scrapes from.
    pub prometheus_namespaces: Vec<String>,
    /// Egress each component needs.
    pub egress: Vec<EgressNeed>,
    /// ServiceAccounts that pods created at run time use (`(namespace, name)`), e.g. the
    /// Jobs a component spawns: not unused even though no pod template in the set names them.
    pub runtime_service_accounts: Vec<(String, String)>,
    /// Waivers written in code.
    pub waivers: Vec<Waiver>,
    /// Problems of the declaration itself (names that resolve to nothing), found by
    /// `dsl::validate::context_for` and reported with the rendered objects' findings.
    pub declaration_findings: Vec<Finding>,
    /// PersistentVolumeClaims created outside the set (`(namespace, name)`) that pods
    /// mount: not missing even though the set does not hold them.
    pub external_claims: Vec<(String, String)>,
}

impl Default for Context {
    fn default() -> Self {
        Context::lint()
    }
}

impl Context {
    /// The context for linting plain YAML: a partial set, no declarations.
    pub fn lint() -> Self {
        Context {
            environment: None,
            complete: false,
            external_secrets: Vec::new(),
            prometheus_namespaces: DEFAULT_PROMETHEUS_NAMESPACES
                .iter()
                .map(|s| (*s).to_owned())
                .collect(),
            egress: Vec::new(),
            runtime_service_accounts: Vec::new(),
            waivers: Vec::new(),
            declaration_findings: Vec::new(),
            external_claims: Vec::new(),
        }
    }
}

/// Validates rendered manifests (one application environment, or any set).
pub fn validate(manifests: &[Manifest], ctx: &Context) -> Report {
    // What the API server would run: its defaults, as for YAML read by `load_files`
    // (a Service `targetPort: 0` kept from an imported source is the port).
    let objects: Vec<Object> = manifests
        .iter()
        .map(|m| {
            let mut o = m.object.clone();
            defaults::apply(&mut o);
            o
        })
        .collect();
    let items = manifests
        .iter()
        .zip(&objects)
        .map(|(m, o)| Item {
            kind: o.kind(),
            name: o.name(),
            namespace: o.namespace(),
            object: Some(o),
            doc: None,
            origin: Some(&m.origin),
        })
        .collect();
    run(items, ctx, Vec::new(), Vec::new())
}

/// Validates YAML documents read by [`parse_str`] or [`load_files`] as one set.
///
/// The ValidatingAdmissionPolicies of the set are evaluated on its objects (rule
/// `admission-policy`); a policy that cannot be used (a CEL expression that does not
/// compile) is a note here: [`lint_with_policies`] returns it as an error.
pub fn lint(loaded: &Loaded, ctx: &Context) -> Report {
    let (mut report, broken) = lint_with_policies(loaded, &Loaded::default(), ctx);
    report.notes.extend(broken.into_iter().map(|e| Note {
        file: Some(e.file),
        line: e.line,
        message: format!("not evaluated: {}", e.message),
    }));
    report
}

/// The policies evaluated on a thread with room for the deepest expression `admission`
/// accepts (the CEL parser and interpreter recurse on the expression's depth).
fn evaluate_policies(loaded: &Loaded, policies: &Loaded) -> admission::Outcome {
    std::thread::scope(|scope| {
        std::thread::Builder::new()
            .name("admission-policies".into())
            .stack_size(256 << 20)
            .spawn_scoped(scope, || admission::evaluate(loaded, policies))
            .ok()
            .and_then(|handle| handle.join().ok())
    })
    .unwrap_or_else(|| admission::evaluate(loaded, policies))
}

/// [`lint`], also evaluating the ValidatingAdmissionPolicies, bindings, param objects
/// and Namespaces of `policies` (read from `kairn lint --policy`; they are not linted
/// themselves). Returns the report and the policies or bindings that cannot be used,
/// one error each naming the policy, the field and the compiler's message.
pub fn lint_with_policies(
    loaded: &Loaded,
    policies: &Loaded,
    ctx: &Context,
) -> (Report, Vec<LoadError>) {
    // Most sets hold no policy: no thread for them.
    let has_policies = loaded
        .documents
        .iter()
        .chain(&policies.documents)
        .any(admission::is_policy_document);
    let admission = if has_policies {
        evaluate_policies(loaded, policies)
    } else {
        admission::Outcome::default()
    };
    let declared = with_declarations(loaded, ctx);
    let ctx = &declared;
    let mut notes: Vec<Note> = loaded
        .skipped
        .iter()
        .map(|(file, line, why)| Note {
            file: Some(file.clone()),
            line: Some(*line),
            message: format!("skipped: {why}"),
        })
        .collect();
    let items = loaded
        .documents
        .iter()
        .map(|d| {
            if let Some(why) = &d.skipped {
                notes.push(Note {
                    file: Some(d.file.clone()),
                    line: Some(d.line),
                    message: format!("{}/{}: passed over: {why}", d.kind, d.name),
                });
            }
            Item {
                kind: &d.kind,
                name: &d.name,
                namespace: d.namespace.as_deref(),
                object: d.object.as_ref(),
                doc: Some(d),
                origin: None,
            }
        })
        .collect();
    notes.extend(admission.notes);
    let report = run(items, ctx, notes, admission.hits);
    (report, admission.errors)
}

/// Adds what the objects declare about themselves through kairn's annotations
/// ([`EXTERNAL_SECRETS_ANNOTATION`], [`RUNTIME_SERVICE_ACCOUNT_ANNOTATION`]; `dsl` writes
/// them on rendered objects): external Secrets and run-time ServiceAccounts.
fn with_declarations(loaded: &Loaded, ctx: &Context) -> Context {
    let mut ctx = ctx.clone();
    for object in loaded.documents.iter().filter_map(|d| d.object.as_ref()) {
        let Some(annotations) = object.metadata().annotations.as_ref() else {
            continue;
        };
        if let Some(list) = annotations.get(EXTERNAL_SECRETS_ANNOTATION) {
            for name in list.split(',').map(str::trim).filter(|n| !n.is_empty()) {
                if !ctx.external_secrets.iter().any(|s| s.name == name) {
                    ctx.external_secrets.push(DeclaredSecret {
                        name: name.to_owned(),
                        keys: None,
                    });
                }
            }
        }
        if let Some(list) = annotations.get(EXTERNAL_CLAIMS_ANNOTATION) {
            let ns = object.namespace().unwrap_or_default();
            for name in list.split(',').map(str::trim).filter(|n| !n.is_empty()) {
                let claim = (ns.to_owned(), name.to_owned());
                if !ctx.external_claims.contains(&claim) {
                    ctx.external_claims.push(claim);
                }
            }
        }
        if object.kind() == "ServiceAccount"
            && annotations
                .get(RUNTIME_SERVICE_ACCOUNT_ANNOTATION)
                .map(String::as_str)
                == Some("true")
        {
            ctx.runtime_service_accounts.push((
                object.namespace().unwrap_or_default().to_owned(),
                object.name().to_owned(),
            ));
        }
    }
    ctx
}

fn run(items: Vec<Item<'_>>, ctx: &Context, mut notes: Vec<Note>, extra: Vec<set::Hit>) -> Report {
    let set = Set::new(items, ctx);
    notes.extend(rules::exception_notes(&set));
    let mut sink = Sink::default();
    rules::run_all(&set, &mut sink);
    sink.hits.extend(extra);

    let mut used = vec![false; ctx.waivers.len()];
    let mut findings = Vec::new();
    for hit in sink.hits {
        let Some(info) = registry::rule(hit.rule) else {
            continue;
        };
        let item = &set.items[hit.idx];
        let component = item.origin.and_then(|o| o.component.as_deref());
        let mut waived = None;
        for (i, w) in ctx.waivers.iter().enumerate() {
            if w.rule == hit.rule
                && w.kind == item.kind
                && (w.name == item.name || Some(w.name.as_str()) == component)
                && !w.reason.trim().is_empty()
            {
                used[i] = true;
                waived = Some(format!(
                    "{} (waived at {}:{})",
                    w.reason,
                    w.declared_at.file(),
                    w.declared_at.line()
                ));
                break;
            }
        }
        if waived.is_none() {
            let key = format!("{WAIVE_ANNOTATION_PREFIX}{}", hit.rule);
            let from_object = item
                .object
                .and_then(|o| o.metadata().annotations.as_ref())
                .and_then(|a| a.get(&key))
                .cloned();
            let from_doc = || item.doc.and_then(|d| d.annotation(&key)).map(str::to_owned);
            waived = from_object
                .or_else(from_doc)
                .filter(|r| !r.trim().is_empty())
                .map(|r| format!("{r} (annotation {key})"));
        }
        let declared_at = item
            .origin
            .and_then(|o| located::finding_location(o, &hit.field));
        findings.push(Finding {
            rule: info.id,
            severity: hit.severity.unwrap_or(info.severity),
            app: item.origin.map(|o| o.app.clone()).filter(|s| !s.is_empty()),
            environment: item
                .origin
                .map(|o| o.environment.clone())
                .filter(|s| !s.is_empty()),
            kind: item.kind.to_owned(),
            name: item.name.to_owned(),
            namespace: item.namespace.map(str::to_owned),
            line: item.doc.map(|d| d.line_of_path(&hit.field)),
            file: item.doc.map(|d| d.file.clone()),
            field: hit.field,
            message: hit.message,
            fix: hit.fix,
            declared_at,
            customized_at: item.origin.map(located::customized_at).unwrap_or_default(),
            unit: None,
            waived,
        });
    }
    // Waivers that are invalid or matched nothing.
    let (app, environment) = set
        .items
        .iter()
        .find_map(|i| i.origin)
        .map(|o| (Some(o.app.clone()), Some(o.environment.clone())))
        .unwrap_or_default();
    for (i, w) in ctx.waivers.iter().enumerate() {
        let (rule_id, message, fix) = if registry::rule(&w.rule).is_none() {
            (
                "waiver-invalid",
                format!("the waiver names the unknown rule `{}`", w.rule),
                "use a rule id from docs/rules.md",
            )
        } else if w.reason.trim().is_empty() {
            (
                "waiver-invalid",
                format!("the waiver of `{}` has no reason", w.rule),
                "write why the finding is acceptable",
            )
        } else if !used[i] {
            (
                "waiver-unmatched",
                format!(
                    "the waiver of `{}` on {}/{} matches no finding",
                    w.rule, w.kind, w.name
                ),
                "remove the waiver, or correct its rule, kind or name",
            )
        } else {
            continue;
        };
        let info = registry::rule(rule_id).expect("registered");
        findings.push(Finding {
            rule: info.id,
            severity: info.severity,
            app: app.clone(),
            environment: environment.clone(),
            kind: w.kind.clone(),
            name: w.name.clone(),
            namespace: None,
            field: String::new(),
            message,
            fix: fix.to_owned(),
            declared_at: Some(format!("{}:{}", w.declared_at.file(), w.declared_at.line())),
            customized_at: Vec::new(),
            unit: None,
            file: None,
            line: None,
            waived: None,
        });
    }
    findings.extend(ctx.declaration_findings.iter().cloned());
    findings.sort_by(|a, b| {
        (
            &a.app,
            &a.environment,
            &a.file,
            a.line,
            &a.kind,
            &a.name,
            a.rule,
            &a.field,
        )
            .cmp(&(
                &b.app,
                &b.environment,
                &b.file,
                b.line,
                &b.kind,
                &b.name,
                b.rule,
                &b.field,
            ))
    });
    findings.dedup();
    Report { findings, notes }
}
