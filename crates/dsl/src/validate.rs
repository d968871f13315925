//! Validation of a declared app. The validator itself is the crate
//! [`lint`](mod@::lint), re-exported here; what it needs to know about an app beyond the
//! rendered objects is built as plain data by [`context_for`], with the checks of the
//! declaration itself (every name it refers to resolves, `validate/declaration.rs`).
//!
//! ```
//! use dsl::*;
//! let app = App::builder()
//!     .name(name!("shop"))
//!     .environment(name!("production"))
//!     .namespace(name!("shop"))
//!     .components(vec![])
//!     .build();
//! let report = validate::validate(&render(&app), &validate::context_for(&app));
//! assert!(!report.has_errors());
//! ```

mod annotations;
mod containers;
mod declaration;
pub mod dsl_hints;
mod kept;
mod node_agents;
mod references;

#[cfg(test)]
mod app_tests;
#[cfg(test)]
mod dsl_hints_tests;
#[cfg(test)]
mod imported_tests;
#[cfg(test)]
mod node_agents_tests;
#[cfg(test)]
mod references_tests;
#[cfg(test)]
mod render_tests;

pub use lint::{
    collect_files, is_policy_document, lint, lint_with_policies, load_files, load_files_with,
    parse_str, placeholder, registry, rule, source, Collected, Context, DeclaredSecret, Document,
    EgressNeed, Endpoint, Finding, Input, Limits, LoadError, Loaded, Note, Report, RuleInfo,
    Severity, Waiver, DEFAULT_PROMETHEUS_NAMESPACES, MAX_FILE_BYTES, MAX_TOTAL_BYTES, RULES,
    WAIVE_ANNOTATION_PREFIX,
};
pub use lint::{
    HOST_ACCESS_ANNOTATION, NO_PROBES_ANNOTATION, OPEN_NETWORK_ANNOTATION,
    POD_SECURITY_EXCEPTION_ANNOTATION, RESOURCES_AS_SOURCE_ANNOTATION,
};

use crate::model::app::App;
use crate::model::component::{LeaderLock, Workload as ModelWorkload};
use crate::model::dependency::Endpoint as ModelEndpoint;
use crate::object::Manifest;

/// Validates a declared app's rendered objects ([`lint::validate`]), with fixes that
/// name the model call where a finding is on an object the model derived
/// ([`dsl_hints`]): the user writes Rust, not YAML.
pub fn validate(manifests: &[Manifest], ctx: &Context) -> Report {
    let mut report = ::lint::validate(manifests, ctx);
    dsl_hints::apply(manifests, &mut report);
    report
}

/// The validation context of a declared app: its external secrets, image pull secrets,
/// Prometheus namespace, dependencies and waivers, plus the problems of the declaration
/// itself (every name it refers to must resolve).
pub fn context_for(app: &App) -> Context {
    let mut external_secrets: Vec<DeclaredSecret> = app
        .secrets
        .iter()
        .map(|s| DeclaredSecret {
            name: s.name().to_string(),
            keys: Some(s.keys().iter().map(|k| k.to_string()).collect()),
        })
        .collect();
    for n in app.image_pull_secrets.iter().chain(
        app.components
            .iter()
            .flat_map(|c| &c.pod.image_pull_secrets),
    ) {
        if !external_secrets.iter().any(|s| s.name == n.as_str()) {
            external_secrets.push(DeclaredSecret {
                name: n.to_string(),
                keys: None,
            });
        }
    }
    let mut egress = Vec::new();
    for c in &app.components {
        let mut targets: Vec<&crate::Name> = c.talks_to.iter().collect();
        if let ModelWorkload::Worker(w) = &c.workload
            && let Some(LeaderLock::Dependency(d)) = w.leader_election.as_ref().map(|l| &l.lock)
        {
            targets.push(d);
        }
        for t in targets {
            if let Some(dep) = app.dependency(t) {
                egress.push(EgressNeed {
                    component: c.name.to_string(),
                    dependency: dep.name.to_string(),
                    endpoint: endpoint(&dep.endpoint),
                });
            }
        }
    }
    Context {
        environment: Some(app.environment.to_string()),
        complete: true,
        external_secrets,
        prometheus_namespaces: app
            .monitoring
            .as_ref()
            .map(|m| vec![m.prometheus_namespace.to_string()])
            .unwrap_or_else(|| Context::lint().prometheus_namespaces),
        egress,
        runtime_service_accounts: app
            .components
            .iter()
            .filter_map(|c| c.spawns_jobs.as_ref())
            .map(|j| (j.namespace.to_string(), j.service_account.to_string()))
            .collect(),
        waivers: app.waivers.clone(),
        declaration_findings: declaration::check(app)
            .into_iter()
            .chain(containers::check(app))
            .chain(annotations::check(app))
            .chain(node_agents::check(app))
            .chain(kept::check(app))
            .collect(),
        external_claims: app
            .components
            .iter()
            .flat_map(crate::render::declarations::external_claims)
            .map(|claim| (app.namespace.to_string(), claim))
            .collect(),
    }
}

/// The validator's plain-data image of a dependency's endpoint.
fn endpoint(e: &ModelEndpoint) -> Endpoint {
    match e {
        ModelEndpoint::InCluster {
            namespace,
            pod_labels,
            port,
        } => Endpoint::InCluster {
            namespace: namespace.as_ref().map(|n| n.to_string()),
            pod_labels: pod_labels.clone(),
            port: port.get(),
        },
        ModelEndpoint::Cidrs { cidrs, port } => Endpoint::Cidrs {
            cidrs: cidrs.clone(),
            port: port.get(),
        },
        ModelEndpoint::PublicInternet { port } => Endpoint::PublicInternet { port: port.get() },
    }
}
