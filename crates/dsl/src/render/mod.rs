//! Expands one [`App`] into every Kubernetes object it needs.
//!
//! Labels, selectors, port names and object names are derived here once; no object
//! repeats what another one already says.

mod affinity;
mod cluster;
mod component_meta;
mod config;
mod containers;
pub mod declarations;
mod dns;
mod field_locations;
mod files;
pub mod hooks;
mod host_access;
mod identity;
mod jobs;
mod kept;
pub mod meta;
mod monitoring;
mod network;
mod node_agent;
pub mod pod;
#[cfg(test)]
pub(crate) mod pod_options_tests;
mod services;
mod stateful;
mod storage;
mod volumes;
mod workloads;

pub(crate) use component_meta::overridden as overridden_annotations;
pub(crate) use storage::service_account_annotations as storage_account_annotations;

#[cfg(test)]
pub(crate) mod containers_tests;
#[cfg(test)]
pub(crate) mod customize_tests;
#[cfg(test)]
pub(crate) mod pod_tests;
#[cfg(test)]
pub(crate) mod shared_files_tests;
#[cfg(test)]
pub(crate) mod tests;

use std::panic::Location;

use crate::model::app::App;
use crate::model::component::Workload;
use crate::object::{Manifest, Object, Origin};

pub use network::{API_SERVER_PORTS, PRIVATE_RANGES};

/// The fields of one object that `customize` closures changed, with each closure's line.
type ChangedBy = Vec<(String, &'static Location<'static>)>;

/// Renders every object of the app, sorted in apply order then by name.
///
/// ```
/// use dsl::*;
/// let http = NamedPort::new(port_name!("http"), port!(8080));
/// let app = App::builder()
///     .name(name!("shop"))
///     .environment(name!("production"))
///     .namespace(name!("shop"))
///     .components([Component::builder()
///         .name(name!("api"))
///         .image(image!("ghcr.io/acme/shop:1.4.2"))
///         .resources(Resources::new(cpu!("250m"), cpu!("1"), memory!("256Mi"), memory!("1Gi")))
///         .workload(
///             HttpService::builder()
///                 .port(http.clone())
///                 .probes(Probes::http(&http, http_path!("/live"), http_path!("/ready")))
///                 .replicas(Replicas::Fixed(2))
///                 .build(),
///         )
///         .build()])
///     .build();
/// let kinds: Vec<_> = render(&app).iter().map(|m| m.object.kind()).collect();
/// assert_eq!(kinds, ["ServiceAccount", "Service", "Deployment", "NetworkPolicy"]);
/// ```
pub fn render(app: &App) -> Vec<Manifest> {
    let origin = |component: Option<&str>| Origin {
        app: app.name.to_string(),
        environment: app.environment.to_string(),
        component: component.map(str::to_owned),
        declared_at: Some(
            component
                .and_then(|c| app.components.iter().find(|x| x.name.as_str() == c))
                .map_or(app.declared_at, |c| c.declared_at),
        ),
        ..Origin::default()
    };
    let mut out: Vec<Manifest> = Vec::new();
    let push = |out: &mut Vec<Manifest>, component: Option<&str>, objects: Vec<Object>| {
        out.extend(objects.into_iter().map(|object| Manifest {
            origin: origin(component),
            object,
        }));
    };

    if app.create_namespace {
        let mut namespace = identity::namespace(app);
        host_access::lower_namespace(app, &mut namespace);
        push(&mut out, None, vec![namespace]);
    }
    push(
        &mut out,
        None,
        config::config_map(app).into_iter().collect(),
    );
    // A set of files several components mount is the app's, rendered once.
    for (object, declared_at) in files::shared_config_maps(app) {
        let mut origin = origin(None);
        origin.declared_at = Some(declared_at);
        out.push(Manifest { origin, object });
    }
    let hash = config::config_hash(app);
    for c in &app.components {
        let mut objects = identity::service_account(app, c);
        objects.extend(files::config_maps(app, c));
        objects.extend(storage::claim(app, c));
        match &c.workload {
            Workload::Cluster(cluster) => objects.extend(cluster::services(app, c, cluster)),
            Workload::Stateful(s) => objects.extend(stateful::services(app, c, s)),
            _ => objects.extend(services::service(app, c)),
        }
        objects.extend(match &c.workload {
            Workload::Http(h) => {
                workloads::deployment(app, c, &h.replicas, h.disruption.as_ref(), hash.as_deref())
            }
            Workload::Worker(w) => {
                workloads::deployment(app, c, &w.replicas, w.disruption.as_ref(), hash.as_deref())
            }
            Workload::Job(j) => workloads::job(app, c, j, hash.as_deref()),
            Workload::Scheduled(j) => vec![workloads::cron_job(app, c, j, hash.as_deref())],
            Workload::Cluster(cluster) => cluster::statefulset(app, c, cluster, hash.as_deref()),
            Workload::NodeAgent(a) => vec![node_agent::daemon_set(app, c, a, hash.as_deref())],
            Workload::Stateful(s) => stateful::statefulset(app, c, s, hash.as_deref()),
        });
        objects.push(network::network_policy(app, c));
        if let (Some(m), Some(_)) = (c.workload.metrics(), &app.monitoring) {
            objects.push(monitoring::service_monitor(app, c, m));
        }
        objects.extend(jobs::spawned_jobs(app, c));
        component_meta::annotate(c, &mut objects);
        // Escape hatches run before hook naming, so a hook Job's name hashes its final spec.
        // Each records the fields it changed: findings on them point at the closure.
        let mut changed_by: Vec<ChangedBy> = vec![Vec::new(); objects.len()];
        for custom in &c.customizations {
            for (object, by) in objects.iter_mut().zip(changed_by.iter_mut()) {
                by.extend(
                    custom
                        .apply_tracked(object)
                        .into_iter()
                        .map(|field| (field, custom.declared_at)),
                );
            }
        }
        let kept_name = c.kept.as_ref().is_some_and(|k| k.workload_name.is_some());
        match (&c.workload, c.workload.hook()) {
            (_, Some(hook)) => hooks::make_hooks(hook, &mut objects, kept_name),
            (Workload::Job(_), None) => hooks::make_run_once(&mut objects, kept_name),
            _ => {}
        }
        let start = out.len();
        push(&mut out, Some(c.name.as_str()), objects);
        for (m, by) in out[start..].iter_mut().zip(changed_by) {
            m.origin.field_locations = field_locations::field_locations(m.object.kind(), &c.set_at);
            for (_, closure) in &by {
                if !m.origin.customized_at.contains(closure) {
                    m.origin.customized_at.push(*closure);
                }
            }
            m.origin.field_locations.extend(by);
        }
    }
    if let Some(ing) = &app.ingress {
        push(&mut out, None, vec![services::ingress(app, ing)]);
    }
    if let Some(mon) = &app.monitoring {
        push(
            &mut out,
            None,
            monitoring::prometheus_rule(app, mon).into_iter().collect(),
        );
    }
    for extra in &app.extra_objects {
        let mut object = extra.object.clone();
        if object.namespace().is_none() && !crate::object::is_cluster_scoped(object.kind()) {
            object.metadata_mut().namespace = Some(app.namespace.to_string());
        }
        let mut origin = origin(None);
        origin.declared_at = Some(extra.declared_at);
        origin.hand_written = true;
        out.push(Manifest { origin, object });
    }
    declarations::record(app, &mut out);
    out.sort_by(|a, b| {
        (a.object.kind_rank(), a.object.name()).cmp(&(b.object.kind_rank(), b.object.name()))
    });
    out
}
