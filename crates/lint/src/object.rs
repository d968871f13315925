//! The rendered object graph: every Kubernetes object kairn emits or lints, typed.
//!
//! [`Object`] is one enum over every supported kind (the `k8s-openapi` types and the typed
//! custom resources of [`crate::crd`]); a [`Manifest`] is an object with its [`Origin`]
//! (app, environment, component, declaring file and line, field locations). `dsl`
//! re-exports this module as `dsl::object` (and `crd` as `dsl::crd`), and `lint` parses
//! YAML into the same types, so rules see one graph whatever its source. `Object::Custom`
//! holds any other typed resource an app adds with `dsl::ExtraObject::custom`
//! (schema-agnostic checks only).

use k8s_openapi::api::apps::v1::{DaemonSet, Deployment, StatefulSet};
use k8s_openapi::api::autoscaling::v2::HorizontalPodAutoscaler;
use k8s_openapi::api::batch::v1::{CronJob, Job};
use k8s_openapi::api::core::v1::{
    ConfigMap, Namespace, PersistentVolumeClaim, Secret, Service, ServiceAccount,
};
use k8s_openapi::api::networking::v1::{Ingress, NetworkPolicy};
use k8s_openapi::api::policy::v1::PodDisruptionBudget;
use k8s_openapi::api::rbac::v1::{Role, RoleBinding};
use k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta;
use serde::Serialize;

use crate::crd::monitoring::{PrometheusRule, ServiceMonitor};

/// A typed object kind that is one variant of [`Object`] (every `k8s-openapi` type
/// kairn reads, and the custom resources in [`crate::crd`]); what `dsl`'s
/// `Component::customize` and `ExtraObject` accept.
pub trait ObjectKind: Into<Object> + 'static {
    /// The object's `kind`.
    const KIND: &'static str;

    /// The typed object inside `object`, if it is of this kind.
    fn from_object_mut(object: &mut Object) -> Option<&mut Self>;
}

macro_rules! objects {
    ($($variant:ident($ty:ty)),+ $(,)?) => {
        /// One Kubernetes object of a kind kairn understands.
        ///
        /// The variant order is the apply order: namespaces and identities first, then
        /// configuration and storage, then workloads, then what points at workloads.
        /// Each variant holds its object boxed: a set of objects takes the room of the
        /// kinds it holds, not that of the largest kind (2.9 KB) for every object.
        #[derive(Clone, Debug, PartialEq, Serialize)]
        #[serde(untagged)]
        pub enum Object {
            $(
                #[doc = concat!("A `", stringify!($variant), "`.")]
                $variant(Box<$ty>),
            )+
            /// An object of a kind kairn has no type for (a user's custom resource), added
            /// with `dsl::ExtraObject::custom`: only the checks that
            /// do not depend on the kind's schema apply to it.
            Custom(Box<CustomObject>),
        }

        impl Object {
            /// The object's `kind`.
            pub fn kind(&self) -> &'static str {
                match self {
                    $(Object::$variant(_) => stringify!($variant),)+
                    Object::Custom(c) => c.kind,
                }
            }

            /// The object's metadata.
            pub fn metadata(&self) -> &ObjectMeta {
                match self {
                    $(Object::$variant(o) => &o.metadata,)+
                    Object::Custom(c) => &c.metadata,
                }
            }

            /// Mutable metadata (for post-processing such as common labels).
            pub fn metadata_mut(&mut self) -> &mut ObjectMeta {
                match self {
                    $(Object::$variant(o) => &mut o.metadata,)+
                    Object::Custom(c) => &mut c.metadata,
                }
            }

            /// Position of the kind in apply order.
            pub fn kind_rank(&self) -> usize {
                let kinds = [$(stringify!($variant)),+];
                kinds.iter().position(|k| *k == self.kind()).unwrap_or(kinds.len())
            }

            /// Parses a JSON value whose `kind` is one kairn understands.
            /// Returns `Ok(None)` for other kinds. Reads as `serde_json::from_value` does,
            /// through the deserializer `lint` reads YAML with (see
            /// [`crate::source::from_json`]).
            pub fn from_value(value: serde_json::Value) -> Result<Option<Object>, serde_json::Error> {
                let kind = value.get("kind").and_then(|k| k.as_str()).unwrap_or_default().to_owned();
                if ![$(stringify!($variant)),+].contains(&kind.as_str()) {
                    return Ok(None);
                }
                crate::source::from_json_with(value, |de| Object::deserialize_kind(&kind, de))
            }

            /// Deserializes an object of the given `kind` from any deserializer (`lint` uses
            /// one that keeps YAML source positions). Returns `Ok(None)` for other kinds.
            pub fn deserialize_kind<'de, D: serde::Deserializer<'de>>(
                kind: &str,
                deserializer: D,
            ) -> Result<Option<Object>, D::Error> {
                Ok(match kind {
                    $(stringify!($variant) => Some(Object::$variant(serde::Deserialize::deserialize(deserializer)?)),)+
                    _ => None,
                })
            }
        }

        $(
            impl From<$ty> for Object {
                fn from(o: $ty) -> Object {
                    Object::$variant(Box::new(o))
                }
            }

            impl ObjectKind for $ty {
                const KIND: &'static str = stringify!($variant);

                fn from_object_mut(object: &mut Object) -> Option<&mut Self> {
                    match object {
                        Object::$variant(o) => Some(&mut **o),
                        _ => None,
                    }
                }
            }
        )+
    };
}

objects!(
    Namespace(Namespace),
    ServiceAccount(ServiceAccount),
    Role(Role),
    RoleBinding(RoleBinding),
    ConfigMap(ConfigMap),
    Secret(Secret),
    PersistentVolumeClaim(PersistentVolumeClaim),
    Service(Service),
    Deployment(Deployment),
    StatefulSet(StatefulSet),
    DaemonSet(DaemonSet),
    Job(Job),
    CronJob(CronJob),
    HorizontalPodAutoscaler(HorizontalPodAutoscaler),
    PodDisruptionBudget(PodDisruptionBudget),
    Ingress(Ingress),
    NetworkPolicy(NetworkPolicy),
    ServiceMonitor(ServiceMonitor),
    PrometheusRule(PrometheusRule),
);

impl Object {
    /// The object's name (empty if unset).
    pub fn name(&self) -> &str {
        self.metadata().name.as_deref().unwrap_or_default()
    }

    /// The object's namespace, if namespaced.
    pub fn namespace(&self) -> Option<&str> {
        self.metadata().namespace.as_deref()
    }

    /// The file name kairn writes the object to: `<kind>-<name>.yaml`, lower case.
    pub fn file_name(&self) -> String {
        format!("{}-{}.yaml", self.kind().to_ascii_lowercase(), self.name())
    }
}

/// The apiVersion kairn has a type for `kind` in (`None`: a kind kairn has no type
/// for, which an app adds as an [`Object::Custom`]).
pub fn typed_api_version(kind: &str) -> Option<&'static str> {
    crate::source::expected_api_version(kind)
}

/// Whether objects of `kind` live outside namespaces (`ClusterRole`, `StorageClass`,
/// `CustomResourceDefinition`, ...; the built-in kinds and the common operators' cluster
/// kinds such as `ClusterIssuer`).
pub fn is_cluster_scoped(kind: &str) -> bool {
    matches!(
        kind,
        "Namespace"
            | "APIService"
            | "RuntimeClass"
            | "CSIDriver"
            | "CSINode"
            | "VolumeAttachment"
            | "CertificateSigningRequest"
            | "ValidatingAdmissionPolicy"
            | "ValidatingAdmissionPolicyBinding"
            | "MutatingAdmissionPolicy"
            | "MutatingAdmissionPolicyBinding"
            | "Node"
            | "FlowSchema"
            | "PriorityLevelConfiguration"
            | "ClusterRole"
            | "ClusterRoleBinding"
            | "IngressClass"
            | "StorageClass"
            | "PersistentVolume"
            | "CustomResourceDefinition"
            | "PriorityClass"
            | "ClusterIssuer"
            | "ClusterSecretStore"
            | "ValidatingWebhookConfiguration"
            | "MutatingWebhookConfiguration"
    )
}

/// An object of any kind, kept as its apiVersion, kind, metadata and the rest of its
/// fields as JSON (see [`Object::Custom`]).
#[derive(Clone, Debug, PartialEq)]
pub struct CustomObject {
    /// `apiVersion`, e.g. `cert-manager.io/v1`.
    pub api_version: &'static str,
    /// `kind`, e.g. `Certificate`.
    pub kind: &'static str,
    /// The object's metadata (kairn adds labels and the namespace here, like on every object).
    pub metadata: ObjectMeta,
    /// Every other top-level field (`spec`, `data`, ...), in the type's serialisation.
    pub fields: serde_json::Map<String, serde_json::Value>,
}

impl CustomObject {
    /// Converts a typed resource (any `k8s_openapi::Resource + Serialize`, e.g. a
    /// `kube::CustomResource` struct). Fails only if the type does not serialise to a
    /// JSON object with a `metadata` object.
    pub fn new<K: k8s_openapi::Resource + Serialize>(
        object: &K,
    ) -> Result<Self, serde_json::Error> {
        use serde::de::Error as _;
        let serde_json::Value::Object(mut fields) = serde_json::to_value(object)? else {
            return Err(serde_json::Error::custom(format!(
                "a {} does not serialise to a JSON object",
                K::KIND
            )));
        };
        let metadata = match fields.remove("metadata") {
            Some(m) => crate::source::from_json(m)?,
            None => ObjectMeta::default(),
        };
        fields.remove("apiVersion");
        fields.remove("kind");
        Ok(CustomObject {
            api_version: K::API_VERSION,
            kind: K::KIND,
            metadata,
            fields,
        })
    }
}

impl Serialize for CustomObject {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        let mut map = serializer.serialize_map(Some(self.fields.len() + 3))?;
        map.serialize_entry("apiVersion", self.api_version)?;
        map.serialize_entry("kind", self.kind)?;
        map.serialize_entry("metadata", &self.metadata)?;
        for (key, value) in &self.fields {
            map.serialize_entry(key, value)?;
        }
        map.end()
    }
}

/// Where a rendered object came from, for diagnostics.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Origin {
    /// Application name.
    pub app: String,
    /// Environment name.
    pub environment: String,
    /// Component that produced it, if any.
    pub component: Option<String>,
    /// Source location of the declaration that produced it (component, else app).
    pub declared_at: Option<&'static std::panic::Location<'static>>,
    /// Source locations of parts of the object: `(field path prefix, location)`, e.g.
    /// the line of a component's `.env(..)` for `spec.template.spec.containers[0].env`.
    /// A finding is reported at the longest prefix covering its field, else at
    /// [`declared_at`](Self::declared_at) (see [`crate::located`]).
    pub field_locations: Vec<(String, &'static std::panic::Location<'static>)>,
    /// Source locations of the `customize` closures (escape hatches) that changed the
    /// object, in the order they ran. A finding names them besides its own location;
    /// the fields they changed are also in [`field_locations`](Self::field_locations),
    /// so only a finding on such a field is reported at a closure.
    pub customized_at: Vec<&'static std::panic::Location<'static>>,
    /// The object was written by hand (a `dsl::ExtraObject`) rather than derived from
    /// the model, so a fix is written in Kubernetes terms, not as a model call.
    pub hand_written: bool,
}

/// A rendered object with its origin.
#[derive(Clone, Debug, PartialEq)]
pub struct Manifest {
    /// Where it came from.
    pub origin: Origin,
    /// The object.
    pub object: Object,
}
