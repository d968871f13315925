//! Rule `node-agent-shares-namespace`: a node agent whose host access needs a Pod
//! Security level below `restricted` shares its app's namespace with pods that need less.
//!
//! Pod Security Admission enforces one level per namespace, so the agent's level would
//! apply to every pod in it: the API next to a log shipper could then mount host paths
//! or run privileged, and nobody would have decided so. This holds whether kairn creates
//! the namespace (it would lower the label) or not (the namespace must already admit the
//! agent). The fix is an app of its own for the agent, in a namespace of its own, or an
//! explicit, reasoned
//! [`shared_namespace_with_node_agents`](crate::model::builders::app::AppBuilder::shared_namespace_with_node_agents).

use super::{registry, Finding};
use crate::model::app::App;
use crate::model::node_agent::shared_namespaces;

const RULE: &str = "node-agent-shares-namespace";

/// One error per node agent that would lower the namespace for other components' pods,
/// unless the app accepts it with a reason.
pub(crate) fn check(app: &App) -> Vec<Finding> {
    if app.shared_namespace_with_node_agents.is_some() {
        return Vec::new();
    }
    let info = registry::rule(RULE).expect("registered");
    shared_namespaces(app)
        .into_iter()
        .map(|s| {
            let agent = &s.agent.name;
            let level = s.level.as_str();
            let accesses: Vec<String> = s
                .agent
                .workload
                .host_access()
                .iter()
                .filter(|a| a.pod_security_level() > crate::PodSecurityLevel::Restricted)
                .map(|a| format!("`{}`", a.token()))
                .collect();
            let others: Vec<String> = s.others.iter().map(|c| format!("`{}`", c.name)).collect();
            let namespace_note = if app.create_namespace {
                format!(
                    "the Namespace `{}` kairn creates would enforce",
                    app.namespace
                )
            } else {
                format!(
                    "namespace `{}` (not created by kairn) must enforce at most",
                    app.namespace
                )
            };
            let agent_app = format!("{}-{agent}", app.name);
            let agent_ns = format!("{}-{agent}", app.namespace);
            Finding {
                rule: info.id,
                severity: info.severity,
                app: Some(app.name.to_string()),
                environment: Some(app.environment.to_string()),
                kind: "Component".to_owned(),
                name: agent.to_string(),
                namespace: Some(app.namespace.to_string()),
                field: "host_access".to_owned(),
                customized_at: Vec::new(),
                unit: None,
                message: format!(
                    "{}/{}: node agent `{agent}` needs the `{level}` Pod Security level for its \
                     host access ({}), and {namespace_note} `{level}` for every pod in it, so \
                     {} of the same app would be admitted with host access too",
                    app.name,
                    app.environment,
                    accesses.join(", "),
                    others.join(", "),
                ),
                fix: format!(
                    "put the agent in an app of its own with its own namespace, e.g. \
                     `App::builder().name(name!(\"{agent_app}\")).environment(..)\
                     .namespace(name!(\"{agent_ns}\")).create_namespace(true)\
                     .components([{agent}])` (as `shop-logs` in examples/shop/src/logs.rs), \
                     or accept it on this app with \
                     `.shared_namespace_with_node_agents(reason!(\"why these pods may share it\"))`"
                ),
                declared_at: Some(format!(
                    "{}:{}",
                    s.agent.declared_at.file(),
                    s.agent.declared_at.line()
                )),
                file: None,
                line: None,
                waived: None,
            }
        })
        .collect()
}
