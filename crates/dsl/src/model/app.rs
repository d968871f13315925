//! The application: components plus everything they share.

use std::collections::BTreeMap;
use std::fmt;
use std::panic::Location;

use super::component::Component;
use super::container::SidecarMode;
use super::dependency::Dependency;
use super::ingress::Ingress;
use super::monitoring::Monitoring;
use crate::primitives::secret::ExternalSecret;
use crate::primitives::text::{DataKey, LabelKey, LabelValue, Name};

/// One application in one environment.
///
/// ```
/// use dsl::*;
/// let app = App::builder()
///     .name(name!("shop"))
///     .environment(name!("production"))
///     .namespace(name!("shop"))
///     .components(vec![])
///     .build();
/// assert_eq!(app.base_name().as_str(), "shop");
/// ```
#[derive(Clone, Debug, PartialEq)]
pub struct App {
    /// Where in the source this app was declared (for diagnostics).
    pub declared_at: &'static Location<'static>,
    /// Application name (`app.kubernetes.io/name`).
    pub name: Name,
    /// Environment this declaration is for (`production`, ...).
    pub environment: Name,
    /// Namespace every object goes into.
    pub namespace: Name,
    /// Instance name (`app.kubernetes.io/instance`) and object-name base, when it
    /// differs from the app name (e.g. a release name per batch run).
    pub instance: Option<Name>,
    /// Also emit the Namespace, labelled to enforce the restricted Pod Security Standard.
    pub create_namespace: bool,
    /// The workloads: `vec![..]` of one type, or a tuple `(api, worker)` when an
    /// [`HttpComponent`](crate::HttpComponent) is among them.
    pub components: Vec<Component>,
    /// Services the components talk to, declared on the app. Needed only for a
    /// dependency no component talks to: a `&Dependency` passed to a component's
    /// `talks_to` (or a leader lock's [`DependencyRef`](crate::DependencyRef)) is one of
    /// the app's without it. Render and validation read
    /// [`all_dependencies`](Self::all_dependencies).
    pub dependencies: Vec<Dependency>,
    /// Non-secret configuration, rendered as the ConfigMap `<app>-config`.
    pub config: BTreeMap<DataKey, String>,
    /// Secrets created outside kairn that components reference.
    pub secrets: Vec<ExternalSecret>,
    /// `docker-registry` Secrets for pulling private images.
    pub image_pull_secrets: Vec<Name>,
    /// HTTP ingress.
    pub ingress: Option<Ingress>,
    /// Prometheus monitoring.
    pub monitoring: Option<Monitoring>,
    /// Extra labels on every object (e.g. tracking labels of a batch run). The keys are
    /// [`LabelKey`]s, which are never one of the labels kairn derives, so they cannot
    /// override a selector.
    pub labels: BTreeMap<LabelKey, LabelValue>,
    /// Prefix of every object name and of the instance label, per environment (`prod` makes
    /// `prod-gorax-api`), as a kustomize `namePrefix` would, but derived once so that every
    /// reference follows.
    pub name_prefix: Option<Name>,
    /// Validation findings accepted on purpose, each on one object with a written reason.
    pub waivers: Vec<lint::Waiver>,
    /// Further typed objects emitted with the app (validated and written like the rest),
    /// each declared with [`ExtraObject::new`](crate::ExtraObject::new).
    pub extra_objects: Vec<crate::model::customize::ExtraObject>,
    /// How sidecars are rendered: natively (default, Kubernetes 1.29 or later) or as
    /// regular containers for older clusters (see [`SidecarMode`]).
    pub sidecar_mode: SidecarMode,
    /// The cluster DNS the NetworkPolicies allow: kube-dns (default), or also a
    /// NodeLocal DNSCache address ([`Dns`](crate::Dns)).
    pub dns: crate::model::dns::Dns,
    /// Why a node agent whose host access lowers the namespace's Pod Security level may
    /// share the namespace with the app's other pods (set by
    /// [`shared_namespace_with_node_agents`](crate::model::builders::app::AppBuilder::shared_namespace_with_node_agents));
    /// without it, that sharing is an error at emit (`node-agent-shares-namespace`).
    pub shared_namespace_with_node_agents: Option<crate::model::host_access::Reason>,
}

/// What [`App::builder`] returns: an [`AppBuilder`](crate::model::builders::app::AppBuilder)
/// with nothing set but the declaring file and line.
pub type AppStart = crate::model::builders::app::AppBuilder;

impl App {
    /// The name every object name starts with: the instance name, or the app name, after
    /// the environment's [`name_prefix`](Self::name_prefix) if there is one.
    ///
    /// ```
    /// use dsl::*;
    /// let app = App::builder()
    ///     .name(name!("gorax"))
    ///     .environment(name!("production"))
    ///     .namespace(name!("gorax-prod"))
    ///     .components(vec![])
    ///     .name_prefix(name!("prod"))
    ///     .build();
    /// assert_eq!(app.base_name().as_str(), "prod-gorax");
    /// assert_eq!(app.object_name(&name!("api")).as_str(), "prod-gorax-api");
    /// ```
    pub fn base_name(&self) -> Name {
        let base = self.instance.as_ref().unwrap_or(&self.name);
        match &self.name_prefix {
            Some(prefix) => prefix.join(base.as_str()),
            None => base.clone(),
        }
    }

    /// The name of a component's objects: `<base>-<component>`.
    pub fn object_name(&self, component: &Name) -> Name {
        self.base_name().join(component.as_str())
    }

    /// The name of the generated ConfigMap.
    pub fn config_map_name(&self) -> Name {
        self.base_name().join("config")
    }

    /// A component by name.
    pub fn component(&self, name: &Name) -> Option<&Component> {
        self.components.iter().find(|c| &c.name == name)
    }

    /// A dependency of the app by name (see [`all_dependencies`](Self::all_dependencies)).
    pub fn dependency(&self, name: &Name) -> Option<&Dependency> {
        self.dependency_sources()
            .into_iter()
            .map(|s| s.dependency)
            .find(|d| &d.name == name)
    }

    /// The app's dependencies: those passed to [`App::builder`]`.dependencies(..)`, in
    /// that order, then every one a component refers to by handle (its `talks_to`, its
    /// leader lock, its spawned jobs' `talks_to`), in component order; one per name
    /// (the first). Two different dependencies of one name are an error at emit (rule
    /// `dangling-reference`).
    ///
    /// ```
    /// use dsl::*;
    /// let postgres = Dependency::postgres_in_cluster(name!("postgres"), [("app", "pg")]);
    /// let worker = Component::builder()
    ///     .name(name!("worker"))
    ///     .image(image!("ghcr.io/acme/worker:1.0.0"))
    ///     .resources(Resources::new(cpu!("100m"), cpu!("500m"), memory!("128Mi"), memory!("256Mi")))
    ///     .workload(Worker::builder().replicas(Replicas::Fixed(1)).build())
    ///     .talks_to([&postgres])
    ///     .build();
    /// let app = App::builder()
    ///     .name(name!("shop"))
    ///     .environment(name!("production"))
    ///     .namespace(name!("shop"))
    ///     .components(vec![worker])
    ///     .build();
    /// assert!(app.dependencies.is_empty());
    /// assert_eq!(app.all_dependencies(), [&postgres]);
    /// ```
    pub fn all_dependencies(&self) -> Vec<&Dependency> {
        let mut out: Vec<&Dependency> = Vec::new();
        for source in self.dependency_sources() {
            if !out.iter().any(|d| d.name == source.dependency.name) {
                out.push(source.dependency);
            }
        }
        out
    }

    /// Every dependency the declaration holds, with where it was given, in the order
    /// of [`all_dependencies`](Self::all_dependencies), duplicates included.
    pub(crate) fn dependency_sources(&self) -> Vec<DependencySource<'_>> {
        let mut out: Vec<DependencySource<'_>> = self
            .dependencies
            .iter()
            .enumerate()
            .map(|(i, d)| DependencySource {
                component: None,
                field: format!("dependencies[{i}]"),
                dependency: d,
            })
            .collect();
        for c in &self.components {
            for d in &c.dependencies {
                out.push(DependencySource {
                    component: Some(c),
                    field: indexed("talks_to", &c.talks_to, &d.name),
                    dependency: d,
                });
            }
            if let Some(d) = c.workload.leader_lock_dependency() {
                out.push(DependencySource {
                    component: Some(c),
                    field: "leader_election.lock".to_owned(),
                    dependency: d,
                });
            }
            if let Some(jobs) = &c.spawns_jobs {
                for d in &jobs.dependencies {
                    out.push(DependencySource {
                        component: Some(c),
                        field: indexed("spawns_jobs.talks_to", &jobs.talks_to, &d.name),
                        dependency: d,
                    });
                }
            }
        }
        out
    }
}

/// `field[i]`, `i` the position of `name` in `names`.
fn indexed(field: &str, names: &[Name], name: &Name) -> String {
    match names.iter().position(|n| n == name) {
        Some(i) => format!("{field}[{i}]"),
        None => field.to_owned(),
    }
}

/// Where the declaration gives a dependency (see [`App::dependency_sources`]).
pub(crate) struct DependencySource<'a> {
    /// The component that talks to it; `None`: `App::dependencies`.
    pub component: Option<&'a Component>,
    /// The field, for findings.
    pub field: String,
    /// The dependency.
    pub dependency: &'a Dependency,
}

impl App {
    /// SHA-256 of the whole declaration: its `Debug` form (every setting and every
    /// `declared at` line, in declaration order), hashed as it is formatted. Equal
    /// digests mean equal declarations, except for what `customize` closures do (a
    /// closure shows as its kind and line). `emit`'s cache keys environments by it.
    pub fn digest(&self) -> [u8; 32] {
        use sha2::{Digest, Sha256};
        use std::fmt::Write;

        /// Collects `Debug`'s many small pieces and hashes them a block at a time.
        struct Hashing {
            hash: Sha256,
            buf: Vec<u8>,
        }
        impl Write for Hashing {
            fn write_str(&mut self, s: &str) -> fmt::Result {
                if self.buf.len() + s.len() > self.buf.capacity() {
                    self.hash.update(&self.buf);
                    self.buf.clear();
                }
                if s.len() >= self.buf.capacity() {
                    self.hash.update(s.as_bytes());
                } else {
                    self.buf.extend_from_slice(s.as_bytes());
                }
                Ok(())
            }
        }
        let mut h = Hashing {
            hash: Sha256::new(),
            buf: Vec::with_capacity(16 * 1024),
        };
        let _ = write!(h, "{self:?}");
        h.hash.update(&h.buf);
        h.hash.finalize().into()
    }
}
