//! The application: components plus everything they share.

use std::collections::BTreeMap;
use std::panic::Location;

use typed_builder::TypedBuilder;

use super::component::Component;
use super::container::SidecarMode;
use super::dependency::Dependency;
use super::handles::IntoComponents;
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
#[derive(Clone, Debug, PartialEq, TypedBuilder)]
#[builder(builder_method(vis = "", name = untracked_builder))]
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
    #[builder(default, setter(strip_option))]
    pub instance: Option<Name>,
    /// Also emit the Namespace, labelled to enforce the restricted Pod Security Standard.
    #[builder(default)]
    pub create_namespace: bool,
    /// The workloads: `vec![..]` of one type, or a tuple `(api, worker)` when an
    /// [`HttpComponent`](crate::HttpComponent) is among them.
    #[builder(setter(fn transform(components: impl IntoComponents) -> Vec<Component> {
        components.into_components()
    }))]
    pub components: Vec<Component>,
    /// Services the components talk to.
    #[builder(default)]
    pub dependencies: Vec<Dependency>,
    /// Non-secret configuration, rendered as the ConfigMap `<app>-config`.
    #[builder(default)]
    pub config: BTreeMap<DataKey, String>,
    /// Secrets created outside kairn that components reference.
    #[builder(default)]
    pub secrets: Vec<ExternalSecret>,
    /// `docker-registry` Secrets for pulling private images.
    #[builder(default)]
    pub image_pull_secrets: Vec<Name>,
    /// HTTP ingress.
    #[builder(default, setter(strip_option))]
    pub ingress: Option<Ingress>,
    /// Prometheus monitoring.
    #[builder(default, setter(strip_option))]
    pub monitoring: Option<Monitoring>,
    /// Extra labels on every object (e.g. tracking labels of a batch run). The keys are
    /// [`LabelKey`]s, which are never one of the labels kairn derives, so they cannot
    /// override a selector.
    #[builder(default)]
    pub labels: BTreeMap<LabelKey, LabelValue>,
    /// Prefix of every object name and of the instance label, per environment (`prod` makes
    /// `prod-gorax-api`), as a kustomize `namePrefix` would, but derived once so that every
    /// reference follows.
    #[builder(default, setter(strip_option))]
    pub name_prefix: Option<Name>,
    /// Validation findings accepted on purpose, each on one object with a written reason.
    #[builder(default)]
    pub waivers: Vec<crate::validate::Waiver>,
    /// Further typed objects emitted with the app (validated and written like the rest),
    /// each declared with [`ExtraObject::new`](crate::ExtraObject::new).
    #[builder(default)]
    pub extra_objects: Vec<crate::model::customize::ExtraObject>,
    /// How sidecars are rendered: natively (default, Kubernetes 1.29 or later) or as
    /// regular containers for older clusters (see [`SidecarMode`]).
    #[builder(default)]
    pub sidecar_mode: SidecarMode,
    /// The cluster DNS the NetworkPolicies allow: kube-dns (default), or also a
    /// NodeLocal DNSCache address ([`Dns`](crate::Dns)).
    #[builder(default)]
    pub dns: crate::model::dns::Dns,
}

/// The builder with only `declared_at` set; what [`App::builder`] returns.
pub type AppStart = AppBuilder<(
    (&'static Location<'static>,),
    (),
    (),
    (),
    (),
    (),
    (),
    (),
    (),
    (),
    (),
    (),
    (),
    (),
    (),
    (),
    (),
    (),
    (),
)>;

impl App {
    /// Starts declaring an app, recording the caller's file and line.
    #[track_caller]
    pub fn builder() -> AppStart {
        App::untracked_builder().declared_at(Location::caller())
    }

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
