//! Checks of a declared [`App`] itself, before anything is rendered: every name a
//! declaration uses to refer to another part of the app must resolve. A name that
//! resolves to nothing would otherwise be dropped by the renderer (a `talks_to` without
//! its egress rule, an Ingress route to no Service), so each one is an error at emit.
//!
//! Findings name the application, environment, the component (or the Ingress), the
//! declaration field, the bad name and the names it could have been.

use super::{registry, Finding};
use crate::model::app::App;
use crate::model::component::{Component, LeaderLock, Workload};
use crate::primitives::text::Name;

/// Every problem in the declaration of `app`, as validation findings.
pub(crate) fn check(app: &App) -> Vec<Finding> {
    let mut out = Vec::new();
    for c in &app.components {
        for (i, target) in c.talks_to.iter().enumerate() {
            resolve(app, c, &format!("talks_to[{i}]"), target, &mut out);
        }
        if let Workload::Worker(w) = &c.workload
            && let Some(LeaderLock::Dependency(d)) = w.leader_election.as_ref().map(|l| &l.lock)
        {
            resolve(app, c, "leader_election.lock", d, &mut out);
        }
        for (i, rule) in c.pod.pod_affinity.iter().enumerate() {
            affinity_target(app, c, i, &rule.component, &mut out);
        }
        if let Some(jobs) = &c.spawns_jobs {
            for (i, target) in jobs.talks_to.iter().enumerate() {
                resolve(
                    app,
                    c,
                    &format!("spawns_jobs.talks_to[{i}]"),
                    target,
                    &mut out,
                );
            }
        }
    }
    for c in &app.components {
        super::references::port_numbers(app, c, &mut out);
    }
    super::references::dependency_conflicts(app, &mut out);
    if let Some(ingress) = &app.ingress {
        for (h, host) in ingress.hosts.iter().enumerate() {
            for (r, route) in host.routes.iter().enumerate() {
                let field = format!("ingress.hosts[{h}].routes[{r}].component");
                match app.component(&route.component) {
                    Some(c) if c.workload.http_port().is_some() => {}
                    Some(c) => out.push(finding(
                        app,
                        "Ingress",
                        app.base_name().as_str(),
                        field,
                        format!(
                            "{}: the route `{}{}` names the component `{}`, which is not an \
                             HTTP service, so it has no Service port to route to",
                            where_(app),
                            host.host,
                            route.path,
                            route.component
                        ),
                        format!(
                            "route to an HttpService component ({})",
                            list(http_components(app))
                        ),
                        Some(c.declared_at),
                    )),
                    None => out.push(finding(
                        app,
                        "Ingress",
                        app.base_name().as_str(),
                        field,
                        format!(
                            "{}: the route `{}{}` names `{}`, which is not a component of the \
                             app; declared HTTP components: {}",
                            where_(app),
                            host.host,
                            route.path,
                            route.component,
                            list(http_components(app))
                        ),
                        format!(
                            "correct the component name{}",
                            suggestion(&route.component, http_components(app))
                        ),
                        Some(app.declared_at),
                    )),
                }
            }
        }
    }
    out
}

pub(super) fn where_(app: &App) -> String {
    format!("{}/{}", app.name, app.environment)
}

fn http_components(app: &App) -> Vec<&str> {
    app.components
        .iter()
        .filter(|c| c.workload.http_port().is_some())
        .map(|c| c.name.as_str())
        .collect()
}

fn list(names: Vec<&str>) -> String {
    if names.is_empty() {
        "none".to_owned()
    } else {
        names
            .iter()
            .map(|n| format!("`{n}`"))
            .collect::<Vec<_>>()
            .join(", ")
    }
}

/// A name used by `component` at `field` must be exactly one declared dependency or
/// component of the app.
fn resolve(app: &App, component: &Component, field: &str, target: &Name, out: &mut Vec<Finding>) {
    let dependency = app.dependency(target).is_some();
    let peer = app.component(target).is_some();
    let components: Vec<&str> = app.components.iter().map(|c| c.name.as_str()).collect();
    let dependencies: Vec<&str> = app
        .all_dependencies()
        .iter()
        .map(|d| d.name.as_str())
        .collect();
    let (message, fix) = match (dependency, peer) {
        (true, false) | (false, true) => return,
        (true, true) => (
            format!(
                "{}: component `{}` field `{field}` names `{target}`, which is both a \
                 component and a dependency, so the egress it opens is ambiguous",
                where_(app),
                component.name
            ),
            "rename the dependency or the component so that every name means one thing".to_owned(),
        ),
        (false, false) => (
            format!(
                "{}: component `{}` field `{field}` names `{target}`, which is neither a \
                 component nor a dependency of the app, so no egress would be opened for it; \
                 declared components: {}; declared dependencies: {}",
                where_(app),
                component.name,
                list(components.clone()),
                list(dependencies.clone()),
            ),
            format!(
                "add the component `{target}` to App::components (a `&Dependency` passed to \
                 `.talks_to(..)` is one of the app's by itself), or correct the name{}",
                suggestion(
                    target,
                    components.iter().chain(&dependencies).copied().collect()
                )
            ),
        ),
    };
    out.push(finding(
        app,
        "Component",
        component.name.as_str(),
        field.to_owned(),
        message,
        fix,
        Some(component.declared_at),
    ));
}

/// A pod affinity rule names a component of the app (its handle may come from a
/// component that was never added to it).
fn affinity_target(
    app: &App,
    component: &Component,
    i: usize,
    target: &Name,
    out: &mut Vec<Finding>,
) {
    if app.component(target).is_some() {
        return;
    }
    let components: Vec<&str> = app.components.iter().map(|c| c.name.as_str()).collect();
    out.push(finding(
        app,
        "Component",
        component.name.as_str(),
        format!("pod.pod_affinity[{i}]"),
        format!(
            "{}: component `{}` has a pod affinity rule towards `{target}`, which is not a \
             component of the app, so the rule selects no pods; declared components: {}",
            where_(app),
            component.name,
            list(components.clone()),
        ),
        format!(
            "add `{target}` to App::components, or drop the rule{}",
            suggestion(target, components)
        ),
        Some(component.declared_at),
    ));
}

pub(super) fn finding(
    app: &App,
    kind: &str,
    name: &str,
    field: String,
    message: String,
    fix: String,
    declared_at: Option<&'static std::panic::Location<'static>>,
) -> Finding {
    let info = registry::rule("dangling-reference").expect("registered");
    Finding {
        rule: info.id,
        severity: info.severity,
        app: Some(app.name.to_string()),
        environment: Some(app.environment.to_string()),
        kind: kind.to_owned(),
        name: name.to_owned(),
        namespace: Some(app.namespace.to_string()),
        field,
        message,
        fix,
        declared_at: declared_at.map(|l| format!("{}:{}", l.file(), l.line())),
        customized_at: Vec::new(),
        unit: None,
        file: None,
        line: None,
        waived: None,
    }
}

/// ` (did you mean `x`?)` when a candidate is within two edits of `name`.
fn suggestion(name: &Name, candidates: Vec<&str>) -> String {
    candidates
        .into_iter()
        .map(|c| (edit_distance(name.as_str(), c), c))
        .filter(|(d, _)| *d <= 2)
        .min()
        .map(|(_, c)| format!(" (did you mean `{c}`?)"))
        .unwrap_or_default()
}

fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut cur = vec![i + 1];
        for (j, cb) in b.iter().enumerate() {
            let cost = usize::from(ca != *cb);
            cur.push((prev[j] + cost).min(prev[j + 1] + 1).min(cur[j] + 1));
        }
        prev = cur;
    }
    prev[b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::*;

    fn api(talks_to: Vec<Name>) -> Component {
        let mut api: Component = Component::builder()
            .name(name!("api"))
            .image(image!("ghcr.io/acme/shop:1.4.2"))
            .resources(Resources::new(
                cpu!("250m"),
                cpu!("1"),
                memory!("256Mi"),
                memory!("1Gi"),
            ))
            .workload(
                HttpService::builder()
                    .port(NamedPort::new(port_name!("http"), port!(8080)))
                    .probes(Probes::http(
                        NamedPort::new(port_name!("http"), port!(8080)),
                        http_path!("/live"),
                        http_path!("/ready"),
                    ))
                    .replicas(Replicas::Fixed(2))
                    .build(),
            )
            .build()
            .into();
        // Names, not handles: these tests exercise the validator's name checks.
        api.talks_to = talks_to;
        api
    }

    fn worker(name: Name) -> Component {
        Component::builder()
            .name(name)
            .image(image!("ghcr.io/acme/shop:1.4.2"))
            .resources(Resources::new(
                cpu!("250m"),
                cpu!("1"),
                memory!("256Mi"),
                memory!("1Gi"),
            ))
            .workload(Worker::builder().replicas(Replicas::Fixed(1)).build())
            .build()
    }

    fn shop(components: Vec<Component>, dependencies: Vec<Dependency>) -> App {
        App::builder()
            .name(name!("shop"))
            .environment(name!("production"))
            .namespace(name!("shop"))
            .components(components)
            .dependencies(dependencies)
            .build()
    }

    fn postgres() -> Dependency {
        Dependency::postgres_in_cluster(name!("postgres"), [("app", "postgres")])
    }

    /// The findings of `emit`'s validation of `app`.
    fn emit_errors(app: &App) -> Vec<Finding> {
        validate::validate(&render(app), &validate::context_for(app))
            .findings
            .into_iter()
            .filter(|f| f.rule == "dangling-reference")
            .collect()
    }

    #[test]
    fn talks_to_resolving_to_nothing_is_an_emit_error() {
        let app = shop(vec![api(vec![name!("postgress")])], vec![postgres()]);
        let found = emit_errors(&app);
        assert_eq!(found.len(), 1, "{found:#?}");
        let f = &found[0];
        assert!(f.is_error());
        assert_eq!(f.app.as_deref(), Some("shop"));
        assert_eq!(f.environment.as_deref(), Some("production"));
        assert_eq!((f.kind.as_str(), f.name.as_str()), ("Component", "api"));
        assert_eq!(f.field, "talks_to[0]");
        assert!(f.message.contains("`postgress`"), "{}", f.message);
        assert!(f.message.contains("declared components: `api`"));
        assert!(f.message.contains("declared dependencies: `postgres`"));
        assert!(f.fix.contains("did you mean `postgres`?"), "{}", f.fix);
        assert!(f.declared_at.as_deref().unwrap().contains("declaration.rs"));
        // The report as a whole fails emit.
        let report = validate::validate(&render(&app), &validate::context_for(&app));
        assert!(report.has_errors());
    }

    #[test]
    fn talks_to_a_dependency_or_component_resolves() {
        let app = shop(
            vec![
                api(vec![name!("postgres"), name!("jobs")]),
                worker(name!("jobs")),
            ],
            vec![postgres()],
        );
        assert!(emit_errors(&app).is_empty());
    }

    #[test]
    fn talks_to_an_ambiguous_name_is_an_error() {
        let app = shop(
            vec![api(vec![name!("postgres")]), worker(name!("postgres"))],
            vec![postgres()],
        );
        let found = emit_errors(&app);
        assert_eq!(found.len(), 1, "{found:#?}");
        assert!(found[0]
            .message
            .contains("both a component and a dependency"));
    }

    #[test]
    fn leader_lock_resolving_to_nothing_is_an_error() {
        let mut orchestrator = worker(name!("orchestrator"));
        orchestrator.workload = Worker::builder()
            .replicas(Replicas::Fixed(2))
            .leader_election(
                LeaderElection::builder()
                    .lock(LeaderLock::Dependency(DependencyRef::unchecked(name!(
                        "redis"
                    ))))
                    .env_prefix(env_name!("TW_"))
                    .build(),
            )
            .build()
            .into();
        let app = shop(vec![orchestrator], vec![postgres()]);
        let found = emit_errors(&app);
        assert_eq!(found.len(), 1, "{found:#?}");
        assert_eq!(found[0].field, "leader_election.lock");
        assert_eq!(found[0].name, "orchestrator");
        assert!(found[0].message.contains("`redis`"));
    }

    #[test]
    fn spawned_jobs_talks_to_resolving_to_nothing_is_an_error() {
        let mut launcher = worker(name!("listener"));
        launcher.spawns_jobs = Some(
            SpawnedJobs::builder()
                .namespace(name!("runners"))
                .service_account(name!("runner"))
                .build(),
        );
        if let Some(jobs) = launcher.spawns_jobs.as_mut() {
            jobs.talks_to = vec![name!("apii")];
        }
        let app = shop(vec![api(vec![]), launcher], vec![]);
        let found = emit_errors(&app);
        assert_eq!(found.len(), 1, "{found:#?}");
        assert_eq!(found[0].field, "spawns_jobs.talks_to[0]");
        assert_eq!(found[0].name, "listener");
        assert!(found[0].fix.contains("did you mean `api`?"));
    }

    #[test]
    fn ingress_route_to_nothing_or_to_a_non_http_component_is_an_error() {
        let mut app = shop(vec![api(vec![]), worker(name!("jobs"))], vec![]);
        app.ingress = Some(
            Ingress::builder()
                .class(name!("nginx"))
                .hosts(vec![
                    HostRules::all_to(host!("shop.acme.io"), ServiceRef::unchecked(name!("web"))),
                    HostRules::all_to(host!("jobs.acme.io"), ServiceRef::unchecked(name!("jobs"))),
                    HostRules::all_to(host!("api.acme.io"), ServiceRef::unchecked(name!("api"))),
                ])
                .tls(Tls::CertManager {
                    cluster_issuer: name!("letsencrypt-prod"),
                })
                .build(),
        );
        let found = emit_errors(&app);
        let fields: Vec<&str> = found.iter().map(|f| f.field.as_str()).collect();
        assert_eq!(
            fields,
            [
                "ingress.hosts[0].routes[0].component",
                "ingress.hosts[1].routes[0].component"
            ]
        );
        assert!(found[0].message.contains("`web`"));
        assert!(found[0].message.contains("declared HTTP components: `api`"));
        assert!(found[1].message.contains("not an HTTP service"));
        assert!(found
            .iter()
            .all(|f| f.kind == "Ingress" && f.name == "shop"));
    }

    #[test]
    fn autoscaling_range_errors_are_reported_at_emit() {
        for (min, max) in [(0, 3), (5, 2)] {
            let mut app = shop(vec![api(vec![])], vec![]);
            if let Workload::Http(h) = &mut app.components[0].workload {
                let mut range = autoscaling!(1..=1).cpu(70);
                (range.min, range.max) = (min, max);
                h.replicas = Replicas::Autoscaled(range);
            }
            let report = validate::validate(&render(&app), &validate::context_for(&app));
            let hits: Vec<&Finding> = report
                .findings
                .iter()
                .filter(|f| f.rule == "hpa-min-max")
                .collect();
            assert_eq!(hits.len(), 1, "{min}..{max}: {:#?}", report.findings);
            assert!(hits[0].is_error());
            assert_eq!(hits[0].app.as_deref(), Some("shop"));
            assert_eq!(hits[0].name, "shop-api");
        }
    }

    #[test]
    fn pod_affinity_to_a_component_outside_the_app_is_an_error() {
        let cache = worker(name!("cache"));
        let mut api = worker(name!("api"));
        api.pod.pod_affinity.push(crate::PodAffinityRule::near(
            &cache,
            crate::Topology::Zone,
            crate::Strength::Required,
        ));
        let errors = emit_errors(&shop(vec![api.clone()], vec![]));
        assert_eq!(errors.len(), 1, "{errors:?}");
        assert_eq!(errors[0].field, "pod.pod_affinity[0]");
        assert!(
            errors[0].message.contains("`cache`"),
            "{}",
            errors[0].message
        );
        assert!(emit_errors(&shop(vec![api, cache], vec![])).is_empty());
    }

    #[test]
    fn edit_distance_counts_edits() {
        assert_eq!(edit_distance("postgress", "postgres"), 1);
        assert_eq!(edit_distance("redis", "redis"), 0);
        assert_eq!(edit_distance("api", "web"), 3);
    }
}
