//! Handles: what a declaration returns and later references are built from, so that a
//! reference to something that was never declared does not compile.
//!
//! | reference | handle | made by |
//! |---|---|---|
//! | `talks_to`, spawned jobs' `talks_to` | [`TalksTo`]: `&Dependency`, `&Component`, `&HttpComponent` | declaring the dependency or component |
//! | leader-election lock | [`DependencyRef`] | [`Dependency::reference`] |
//! | ingress route | [`ServiceRef`] (or `&HttpComponent`) | [`HttpComponent::service`]: only a component whose workload is an [`HttpService`](crate::HttpService) |
//! | probe, metrics port | [`PortRef`](crate::PortRef) | a [`NamedPort`](crate::NamedPort) |
//! | Secret key | [`SecretRef`](crate::SecretRef) | the accessors of [`external_secret!`](crate::external_secret) |
//!
//! Two of them carry what they refer to, so they cannot dangle: a `&Dependency` passed to
//! `talks_to` (or a [`DependencyRef`]) hands the [`Dependency`] to the component, and the
//! app's dependencies are [`App::dependencies`](crate::App::dependencies) plus every one
//! a component talks to ([`App::all_dependencies`](crate::App::all_dependencies)); a
//! [`PortRef`](crate::PortRef) carries its [`NamedPort`](crate::NamedPort), which is
//! declared on the container when the workload does not declare it. Two different
//! dependencies of one name, or a port name declared with another number, are errors at
//! emit (rule `dangling-reference`).
//!
//! The model also stores the names, so the validator's name-based checks (which `lint`
//! applies to YAML written by hand) keep working on declarations.
//!
//! What handles leave to find (one name for two dependencies, one port name with two
//! numbers) is `validate/references.rs`. `external_secret!` (`primitives/secret.rs`) generates
//! one [`SecretRef`](crate::SecretRef) accessor per listed key, and `secret!(secrets.key)`
//! with a key the list lacks fails the build. `docs/guarantees.md`
//! ([`guarantees`](crate::guarantees)) lists each guarantee and its `crates/dsl/tests/ui` case.

use std::ops::Deref;

use super::component::Component;
use super::dependency::Dependency;
use crate::primitives::text::Name;

mod sealed {
    pub trait Sealed {}
}

/// Something a component can talk to: a declared [`Dependency`] or another
/// [`Component`] of the app, passed by reference (`.talks_to([&postgres, &redis])`).
/// Sealed: a name is not a declaration.
#[diagnostic::on_unimplemented(
    message = "`talks_to` takes a declared dependency or component, not `{Self}`",
    label = "expected `&postgres` (a `Dependency`) or `&api` (a `Component`)",
    note = "declare the dependency first, `let postgres = Dependency::postgres_in_cluster(name!(\"postgres\"), [..]);`, and pass `&postgres` to `.talks_to([..])`: a dependency a component talks to is one of the app's"
)]
pub trait TalksTo: sealed::Sealed {
    /// The name the model records (and the validator resolves).
    fn peer_name(&self) -> Name;

    /// The dependency itself, when the peer is a dependency the handle carries.
    fn dependency(&self) -> Option<Dependency> {
        None
    }
}

impl sealed::Sealed for &Dependency {}
impl TalksTo for &Dependency {
    fn peer_name(&self) -> Name {
        self.name.clone()
    }

    fn dependency(&self) -> Option<Dependency> {
        Some((*self).clone())
    }
}

impl sealed::Sealed for &Component {}
impl TalksTo for &Component {
    fn peer_name(&self) -> Name {
        self.name.clone()
    }
}

impl sealed::Sealed for &HttpComponent {}
impl TalksTo for &HttpComponent {
    fn peer_name(&self) -> Name {
        self.component.name.clone()
    }
}

impl sealed::Sealed for DependencyRef {}
impl TalksTo for DependencyRef {
    fn peer_name(&self) -> Name {
        self.name.clone()
    }

    fn dependency(&self) -> Option<Dependency> {
        self.dependency.clone()
    }
}

impl sealed::Sealed for &DependencyRef {}
impl TalksTo for &DependencyRef {
    fn peer_name(&self) -> Name {
        self.name.clone()
    }

    fn dependency(&self) -> Option<Dependency> {
        self.dependency.clone()
    }
}

/// A reference to a declared [`Dependency`] (e.g. the Redis a leader-election lock
/// lives in), made by [`Dependency::reference`]. It carries the dependency, which is
/// thereby one of the app's ([`App::all_dependencies`](crate::App::all_dependencies)).
/// Dereferences to the dependency's name.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DependencyRef {
    name: Name,
    dependency: Option<Dependency>,
}

impl DependencyRef {
    /// A reference by name alone, which nothing checks until the validator runs: for
    /// tests of the validator's name checks, not for declarations.
    #[doc(hidden)]
    pub fn unchecked(name: Name) -> Self {
        DependencyRef {
            name,
            dependency: None,
        }
    }

    /// The referenced dependency (`None` only for [`unchecked`](Self::unchecked)).
    pub fn dependency(&self) -> Option<&Dependency> {
        self.dependency.as_ref()
    }
}

impl Deref for DependencyRef {
    type Target = Name;
    fn deref(&self) -> &Name {
        &self.name
    }
}

impl Dependency {
    /// A reference to this dependency (for a [`LeaderLock`](crate::LeaderLock)).
    pub fn reference(&self) -> DependencyRef {
        DependencyRef {
            name: self.name.clone(),
            dependency: Some(self.clone()),
        }
    }
}

/// A component whose workload is an [`HttpService`](crate::HttpService): what
/// [`ComponentBuilder::build`](crate::model::builder::ComponentBuilder::build) returns
/// for one. It is a [`Component`] (it dereferences to one, and converts with `.into()`
/// or in [`App::builder().components(..)`](crate::App)), plus the one thing only a
/// component that serves can give: a [`ServiceRef`] for ingress routes.
#[derive(Clone, Debug, PartialEq)]
pub struct HttpComponent {
    component: Component,
}

impl HttpComponent {
    pub(crate) fn new(component: Component) -> Self {
        HttpComponent { component }
    }

    /// The handle ingress routes are built from: this component's Service.
    pub fn service(&self) -> ServiceRef {
        ServiceRef(self.component.name.clone())
    }

    /// The plain [`Component`].
    pub fn into_component(self) -> Component {
        self.component
    }
}

impl Deref for HttpComponent {
    type Target = Component;
    fn deref(&self) -> &Component {
        &self.component
    }
}

impl From<HttpComponent> for Component {
    fn from(c: HttpComponent) -> Component {
        c.component
    }
}

/// The Service of an HTTP component, made only by [`HttpComponent::service`]: an
/// ingress route can only point at a component that has a Service port to route to.
/// Dereferences to the component's name.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct ServiceRef(Name);

impl ServiceRef {
    /// A reference by name alone, which nothing checks until the validator runs: for
    /// tests of the validator's name checks, not for declarations.
    #[doc(hidden)]
    pub fn unchecked(name: Name) -> Self {
        ServiceRef(name)
    }
}

impl Deref for ServiceRef {
    type Target = Name;
    fn deref(&self) -> &Name {
        &self.0
    }
}

/// What an ingress route points at: an HTTP component (`&api`) or its
/// [`ServiceRef`]. Sealed: a name, a worker or a job is not something to route to.
#[diagnostic::on_unimplemented(
    message = "an ingress route needs a component that serves HTTP, not `{Self}`",
    label = "expected `&api` where `api` is a component built with an `HttpService` workload",
    note = "only `Component::builder()…workload(HttpService::builder()…build()).build()` returns an `HttpComponent`; route to it with `&api` or `api.service()`"
)]
pub trait RouteTarget: sealed::Sealed {
    /// The Service the route points at.
    fn service(self) -> ServiceRef;
}

impl RouteTarget for &HttpComponent {
    fn service(self) -> ServiceRef {
        HttpComponent::service(self)
    }
}

impl sealed::Sealed for ServiceRef {}
impl RouteTarget for ServiceRef {
    fn service(self) -> ServiceRef {
        self
    }
}

impl sealed::Sealed for &ServiceRef {}
impl RouteTarget for &ServiceRef {
    fn service(self) -> ServiceRef {
        self.clone()
    }
}

/// The components of an app: a `Vec<Component>`, an array of components of one type,
/// or a tuple when they differ (`(api, worker)`: an HTTP component is an
/// [`HttpComponent`]).
#[diagnostic::on_unimplemented(
    message = "`components` takes the app's components: a tuple `(api, worker)`, an array `[a, b]` of one type or a `Vec<Component>`, not `{Self}`",
    label = "expected components",
    note = "an `HttpService` component is an `HttpComponent`: mix it with others in a tuple, `.components((api, worker))`, or convert with `.into()`"
)]
pub trait IntoComponents {
    /// The components, in order.
    fn into_components(self) -> Vec<Component>;
}

impl IntoComponents for Vec<Component> {
    fn into_components(self) -> Vec<Component> {
        self
    }
}

impl<T: Into<Component>, const N: usize> IntoComponents for [T; N] {
    fn into_components(self) -> Vec<Component> {
        self.into_iter().map(Into::into).collect()
    }
}

macro_rules! tuple_components {
    ($($t:ident),+) => {
        impl<$($t: Into<Component>),+> IntoComponents for ($($t,)+) {
            #[allow(non_snake_case)]
            fn into_components(self) -> Vec<Component> {
                let ($($t,)+) = self;
                vec![$($t.into()),+]
            }
        }
    };
}

tuple_components!(A);
tuple_components!(A, B);
tuple_components!(A, B, C);
tuple_components!(A, B, C, D);
tuple_components!(A, B, C, D, E);
tuple_components!(A, B, C, D, E, F);
tuple_components!(A, B, C, D, E, F, G);
tuple_components!(A, B, C, D, E, F, G, H);
tuple_components!(A, B, C, D, E, F, G, H, I);
tuple_components!(A, B, C, D, E, F, G, H, I, J);

impl HttpComponent {
    /// Changes every rendered object of type `T` (see [`Component::customize`]).
    #[track_caller]
    pub fn customize<T: crate::object::ObjectKind>(
        self,
        f: impl Fn(&mut T) + Send + Sync + 'static,
    ) -> Self {
        HttpComponent::new(self.component.customize(f))
    }

    /// Changes the component's Deployment (see [`Component::customize`]).
    #[track_caller]
    pub fn customize_deployment(
        self,
        f: impl Fn(&mut k8s_openapi::api::apps::v1::Deployment) + Send + Sync + 'static,
    ) -> Self {
        self.customize(f)
    }

    /// Changes the component's Service(s) (see [`Component::customize`]).
    #[track_caller]
    pub fn customize_service(
        self,
        f: impl Fn(&mut k8s_openapi::api::core::v1::Service) + Send + Sync + 'static,
    ) -> Self {
        self.customize(f)
    }
}
