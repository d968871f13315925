//! Environment variables and where their values come from.

use super::secret::SecretRef;
use super::text::{DataKey, EnvName, Name};

/// A pod field exposed through the downward API.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum PodField {
    /// `metadata.name`: the pod's name (a StatefulSet member's stable identity).
    Name,
    /// `metadata.namespace`.
    Namespace,
    /// `status.podIP`.
    PodIp,
    /// `spec.nodeName`.
    NodeName,
    /// `spec.serviceAccountName`.
    ServiceAccountName,
}

impl PodField {
    /// The downward-API field path.
    pub const fn path(self) -> &'static str {
        match self {
            PodField::Name => "metadata.name",
            PodField::Namespace => "metadata.namespace",
            PodField::PodIp => "status.podIP",
            PodField::NodeName => "spec.nodeName",
            PodField::ServiceAccountName => "spec.serviceAccountName",
        }
    }
}

/// Where an environment variable's value comes from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum EnvSource {
    /// A literal, non-secret value written into the manifest.
    Literal(String),
    /// A key of a ConfigMap generated or declared by the application.
    ConfigMapKey {
        /// The ConfigMap's name.
        config_map: Name,
        /// The key in it.
        key: DataKey,
    },
    /// A key of an existing Secret.
    Secret(SecretRef),
    /// A downward-API pod field.
    Field(PodField),
}

/// One environment variable of a container.
///
/// ```
/// use dsl::{EnvVar, PodField, env_name};
/// let v = EnvVar::literal(env_name!("RUST_LOG"), "info");
/// let p = EnvVar::field(env_name!("POD_NAME"), PodField::Name);
/// assert_eq!(p.name.as_str(), "POD_NAME");
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EnvVar {
    /// The variable's name.
    pub name: EnvName,
    /// Its value's source.
    pub source: EnvSource,
}

impl EnvVar {
    /// A literal value. Secrets must use [`EnvVar::secret`] instead.
    pub fn literal(name: EnvName, value: impl Into<String>) -> Self {
        EnvVar {
            name,
            source: EnvSource::Literal(value.into()),
        }
    }

    /// A value read from a Secret key at run time.
    pub fn secret(name: EnvName, secret: SecretRef) -> Self {
        EnvVar {
            name,
            source: EnvSource::Secret(secret),
        }
    }

    /// A value read from a ConfigMap key.
    pub fn config_map(name: EnvName, config_map: Name, key: DataKey) -> Self {
        EnvVar {
            name,
            source: EnvSource::ConfigMapKey { config_map, key },
        }
    }

    /// A downward-API pod field.
    pub fn field(name: EnvName, field: PodField) -> Self {
        EnvVar {
            name,
            source: EnvSource::Field(field),
        }
    }
}
