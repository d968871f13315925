//! The application: components plus everything they share.

use std::collections::BTreeMap;
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
    /// Services the components talk to.
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
    pub waivers: Vec<crate::validate::Waiver>,
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

    /// A dependency by name.
    pub fn dependency(&self, name: &Name) -> Option<&Dependency> {
        self.dependencies.iter().find(|d| &d.name == name)
    }
}
