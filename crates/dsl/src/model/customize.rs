//! Typed escape hatches: changes to rendered objects that the model has no field for,
//! and extra objects an app emits alongside its own.
//!
//! Both go through the validator like every other object, so a customisation that
//! breaks a rule is reported: a finding on a field a closure changed points at the
//! closure's file and line, any other finding where it would without the closure, and
//! names the closures that changed the object besides; a finding on an extra object
//! points at its [`ExtraObject::new`] call.
//!
//! The object types are `k8s-openapi`'s, re-exported as [`dsl::k8s_openapi`](crate::k8s_openapi):
//! a team's crate names them through `dsl` and needs no `k8s-openapi` dependency (whose
//! version and Kubernetes feature would have to match kairn's).
//!
//! ```
//! use dsl::*;
//! use dsl::k8s_openapi::api::apps::v1::Deployment;
//! let http = NamedPort::new(port_name!("http"), port!(8080));
//!
//! let api = Component::builder()
//!     .name(name!("api"))
//!     .image(image!("ghcr.io/acme/shop:1.4.2"))
//!     .resources(Resources::new(cpu!("250m"), cpu!("1"), memory!("256Mi"), memory!("1Gi")))
//!     .workload(
//!         HttpService::builder()
//!             .port(http.clone())
//!             .probes(Probes::http(&http, http_path!("/live"), http_path!("/ready")))
//!             .replicas(Replicas::Fixed(2))
//!             .build(),
//!     )
//!     .build()
//!     .customize_deployment(|d: &mut Deployment| {
//!         if let Some(spec) = d.spec.as_mut() {
//!             spec.min_ready_seconds = Some(10);
//!         }
//!     });
//! let app = App::builder()
//!     .name(name!("shop"))
//!     .environment(name!("production"))
//!     .namespace(name!("shop"))
//!     .components([api])
//!     .build();
//! let deployment = render(&app)
//!     .into_iter()
//!     .find_map(|m| match m.object {
//!         Object::Deployment(d) => Some(d),
//!         _ => None,
//!     })
//!     .unwrap();
//! assert_eq!(deployment.spec.unwrap().min_ready_seconds, Some(10));
//! ```

use std::fmt;
use std::panic::Location;
use std::sync::Arc;

use crate::object::{Object, ObjectKind};

/// A closure that changes every rendered object of one type of one component, applied
/// after rendering and before validation. Made by [`Component::customize`](crate::Component::customize)
/// and its shorthands.
#[derive(Clone)]
pub struct Customization {
    /// Where the closure was attached (findings on fields it changed point here).
    pub declared_at: &'static Location<'static>,
    /// The `kind` of objects it changes.
    pub kind: &'static str,
    apply: Arc<dyn Fn(&mut Object) + Send + Sync>,
}

impl Customization {
    /// A customisation of every object of type `T`, recording the caller's file and line.
    #[track_caller]
    pub fn new<T: ObjectKind>(f: impl Fn(&mut T) + Send + Sync + 'static) -> Self {
        Customization {
            declared_at: Location::caller(),
            kind: T::KIND,
            apply: Arc::new(move |object: &mut Object| {
                if let Some(typed) = T::from_object_mut(object) {
                    f(typed);
                }
            }),
        }
    }

    /// Applies the closure if `object` is of its type; returns whether the object changed.
    pub fn apply(&self, object: &mut Object) -> bool {
        !self.apply_tracked(object).is_empty()
    }

    /// Applies the closure if `object` is of its type; returns the kubectl-style paths
    /// of the fields it changed, added or removed (`spec.minReadySeconds`,
    /// `spec.template.spec.containers[0].env[2]`), empty when nothing changed. A finding
    /// on one of these fields is reported at the closure, any other at the setting or
    /// component that made it.
    pub fn apply_tracked(&self, object: &mut Object) -> Vec<String> {
        if object.kind() != self.kind {
            return Vec::new();
        }
        let before = object.clone();
        (self.apply)(object);
        if *object == before {
            return Vec::new();
        }
        let as_json = |o: &Object| serde_json::to_value(o).unwrap_or(serde_json::Value::Null);
        let mut paths = Vec::new();
        changed_fields(&as_json(&before), &as_json(object), "", &mut paths);
        if paths.is_empty() {
            // Changed, but not visibly in the serialised form: attribute the whole object.
            paths.push("metadata".to_owned());
            paths.push("spec".to_owned());
        }
        paths
    }
}

/// Appends to `out` the path of each smallest part that differs between `before` and
/// `after`: object keys as `.key`, array elements as `[i]`.
fn changed_fields(
    before: &serde_json::Value,
    after: &serde_json::Value,
    at: &str,
    out: &mut Vec<String>,
) {
    use serde_json::Value;
    let child = |key: &str| {
        if at.is_empty() {
            key.to_owned()
        } else {
            format!("{at}.{key}")
        }
    };
    match (before, after) {
        (Value::Object(b), Value::Object(a)) => {
            let keys: std::collections::BTreeSet<&String> = b.keys().chain(a.keys()).collect();
            for key in keys {
                match (b.get(key), a.get(key)) {
                    (Some(x), Some(y)) => changed_fields(x, y, &child(key), out),
                    _ => out.push(child(key)),
                }
            }
        }
        (Value::Array(b), Value::Array(a)) if !at.is_empty() => {
            for i in 0..b.len().max(a.len()) {
                let path = format!("{at}[{i}]");
                match (b.get(i), a.get(i)) {
                    (Some(x), Some(y)) => changed_fields(x, y, &path, out),
                    _ => out.push(path),
                }
            }
        }
        _ if before != after => out.push(at.to_owned()),
        _ => {}
    }
}

impl fmt::Debug for Customization {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Customization")
            .field("kind", &self.kind)
            .field("declared_at", &self.declared_at)
            .finish_non_exhaustive()
    }
}

impl PartialEq for Customization {
    fn eq(&self, other: &Self) -> bool {
        self.kind == other.kind
            && self.declared_at == other.declared_at
            && Arc::ptr_eq(&self.apply, &other.apply)
    }
}

/// An object an app emits besides the ones derived from its components: any kind
/// [`Object`] has a variant for (the built-in kinds kairn reads, plus the Prometheus
/// Operator's `ServiceMonitor` and `PrometheusRule`) through [`ExtraObject::new`], or any
/// other typed resource through [`ExtraObject::custom`]. It is validated and written like
/// every other object (file `<kind>-<name>.yaml`); without a namespace it goes into the
/// app's namespace.
///
/// ```
/// use dsl::ExtraObject;
/// use dsl::k8s_openapi::api::core::v1::ConfigMap;
/// use dsl::k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta;
///
/// let extra = ExtraObject::new(ConfigMap {
///     metadata: ObjectMeta { name: Some("feature-flags".into()), ..Default::default() },
///     data: Some([("checkout".to_owned(), "on".to_owned())].into()),
///     ..Default::default()
/// });
/// assert_eq!(extra.object.file_name(), "configmap-feature-flags.yaml");
/// ```
#[derive(Clone, Debug, PartialEq)]
pub struct ExtraObject {
    /// Where it was declared (findings on it point here).
    pub declared_at: &'static Location<'static>,
    /// The object.
    pub object: Object,
}

impl ExtraObject {
    /// Wraps a typed object, recording the caller's file and line.
    #[track_caller]
    pub fn new(object: impl Into<Object>) -> Self {
        ExtraObject {
            declared_at: Location::caller(),
            object: object.into(),
        }
    }

    /// Wraps an object of any kind kairn has no type for: any
    /// `dsl::k8s_openapi::Resource + Serialize`, such as a `kube::CustomResource` struct
    /// (a cert-manager `Certificate`, an `ExternalSecret`, ...). It is written like
    /// every other object (`<kind>-<name>.yaml`, the app's namespace and labels), and
    /// the validator applies the checks that do not depend on the kind's schema (names,
    /// labels, namespace), with findings pointing at this call. Fails only if the type
    /// does not serialise to a JSON object.
    ///
    /// ```
    /// use dsl::ExtraObject;
    /// use dsl::k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta;
    ///
    /// #[derive(Clone, serde::Serialize)]
    /// struct Certificate {
    ///     metadata: ObjectMeta,
    ///     spec: serde_json::Value,
    /// }
    /// impl dsl::k8s_openapi::Resource for Certificate {
    ///     const API_VERSION: &'static str = "cert-manager.io/v1";
    ///     const GROUP: &'static str = "cert-manager.io";
    ///     const KIND: &'static str = "Certificate";
    ///     const VERSION: &'static str = "v1";
    ///     const URL_PATH_SEGMENT: &'static str = "certificates";
    ///     type Scope = dsl::k8s_openapi::NamespaceResourceScope;
    /// }
    ///
    /// let extra = ExtraObject::custom(&Certificate {
    ///     metadata: ObjectMeta { name: Some("shop-tls".into()), ..Default::default() },
    ///     spec: serde_json::json!({"secretName": "shop-tls", "dnsNames": ["shop.example.com"]}),
    /// })
    /// .expect("serialises to an object");
    /// assert_eq!(extra.object.file_name(), "certificate-shop-tls.yaml");
    /// ```
    #[track_caller]
    pub fn custom<K: k8s_openapi::Resource + serde::Serialize>(
        object: &K,
    ) -> Result<Self, serde_json::Error> {
        let declared_at = Location::caller();
        Ok(ExtraObject {
            declared_at,
            object: Object::Custom(Box::new(crate::object::CustomObject::new(object)?)),
        })
    }
}
