//! References to Secrets that exist outside the generated manifests.
//!
//! There is deliberately no way to put a secret's *value* into the model: a
//! [`SecretRef`] holds only the Secret's name and a key, and it can only be made from
//! an [`ExternalSecret`] declaration, which lists the keys the application needs.

use super::text::{DataKey, Name};

/// A Secret created outside kairn (by `kubectl create secret`, External Secrets,
/// Sealed Secrets, ...), with the keys the application reads from it.
///
/// ```
/// use dsl::{ExternalSecret, key, name};
/// let secrets = ExternalSecret::new(name!("triage-warden-secrets"), [key!("database-url")]);
/// let db = secrets.key(key!("database-url"));
/// assert_eq!(db.secret().as_str(), "triage-warden-secrets");
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ExternalSecret {
    name: Name,
    keys: Vec<DataKey>,
}

impl ExternalSecret {
    /// Declares an existing Secret and the keys the application requires in it.
    pub fn new(name: Name, keys: impl IntoIterator<Item = DataKey>) -> Self {
        let mut keys: Vec<DataKey> = keys.into_iter().collect();
        keys.sort();
        keys.dedup();
        ExternalSecret { name, keys }
    }

    /// The Secret's name.
    pub fn name(&self) -> &Name {
        &self.name
    }

    /// The keys the application requires.
    pub fn keys(&self) -> &[DataKey] {
        &self.keys
    }

    /// A reference to one key of this Secret. A key that was not declared is added
    /// to the declaration's required keys by [`ExternalSecret::new`] callers; the
    /// validator reports references to undeclared keys (rule `secret-key-undeclared`).
    pub fn key(&self, key: DataKey) -> SecretRef {
        SecretRef {
            secret: self.name.clone(),
            key,
        }
    }
}

/// A reference to one key of an existing Secret: never the value itself.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct SecretRef {
    secret: Name,
    key: DataKey,
}

impl SecretRef {
    /// The Secret's name.
    pub fn secret(&self) -> &Name {
        &self.secret
    }

    /// The key inside the Secret.
    pub fn key(&self) -> &DataKey {
        &self.key
    }
}
