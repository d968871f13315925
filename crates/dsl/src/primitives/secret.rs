//! References to Secrets that exist outside the generated manifests.
//!
//! There is deliberately no way to put a secret's *value* into the model: a
//! [`SecretRef`] holds only the Secret's name and a key, and it can only be made for a
//! key its declaration lists: through the accessors an
//! [`external_secret!`](crate::external_secret) declaration generates (a key that is not
//! listed is a missing method: a compile error), or, for keys known only at run time,
//! [`ExternalSecret::get`] (`None` for a key that is not listed).

use super::text::{DataKey, Name};

/// A Secret created outside kairn (by `kubectl create secret`, External Secrets,
/// Sealed Secrets, ...), with the keys the application reads from it.
///
/// Prefer [`external_secret!`](crate::external_secret), which generates one accessor per
/// listed key; `ExternalSecret` is what an app lists in [`App::secrets`](crate::App::secrets).
///
/// ```
/// use dsl::{ExternalSecret, key, name};
/// let secrets = ExternalSecret::new(name!("triage-warden-secrets"), [key!("database-url")]);
/// let db = secrets.get(&key!("database-url")).expect("listed");
/// assert_eq!(db.secret().as_str(), "triage-warden-secrets");
/// assert_eq!(secrets.get(&key!("redis-url")), None);
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

    /// A reference to one listed key, `None` if the declaration does not list it (for
    /// keys known at run time; literal keys use the accessors of
    /// [`external_secret!`](crate::external_secret), where a missing key does not compile).
    pub fn get(&self, key: &DataKey) -> Option<SecretRef> {
        self.keys.binary_search(key).ok().map(|_| SecretRef {
            secret: self.name.clone(),
            key: key.clone(),
        })
    }

    /// A reference to every listed key, in key order.
    pub fn refs(&self) -> impl Iterator<Item = SecretRef> + '_ {
        self.keys.iter().map(|key| SecretRef {
            secret: self.name.clone(),
            key: key.clone(),
        })
    }
}

/// A reference to one key of an existing Secret: never the value itself.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct SecretRef {
    secret: Name,
    key: DataKey,
}

impl SecretRef {
    /// A reference to a key listed by an [`external_secret!`](crate::external_secret)
    /// declaration; only that macro calls it.
    #[doc(hidden)]
    pub fn __listed(secret: Name, key: DataKey) -> Self {
        SecretRef { secret, key }
    }

    /// The Secret's name.
    pub fn secret(&self) -> &Name {
        &self.secret
    }

    /// The key inside the Secret.
    pub fn key(&self) -> &DataKey {
        &self.key
    }
}

/// Declares a Secret created outside kairn and the keys the app reads from it, as a
/// type with one accessor per key: a reference to a key the declaration does not list
/// does not compile. Read a key with [`secret!`](crate::secret)`(secrets.database_url)`,
/// whose error for a key that is not listed says what to write; the accessor method
/// `secrets.database_url()` is the same reference, but a key that is not listed is then
/// rustc's `no method named ... found` (E0599).
///
/// ```
/// dsl::external_secret! {
///     /// The Secret the shop's API reads.
///     pub struct ShopSecrets {
///         /// The PostgreSQL connection string.
///         database_url: "database-url",
///         stripe_key: "stripe-key",
///     }
/// }
/// use dsl::*;
/// let secrets = ShopSecrets::named(name!("shop-secrets"));
/// let db = EnvVar::secret(env_name!("DATABASE_URL"), secret!(secrets.database_url));
/// assert_eq!(secret!(secrets.stripe_key), secrets.stripe_key());
/// assert_eq!(secrets.declaration().keys(), [key!("database-url"), key!("stripe-key")]);
/// # let _ = db;
/// ```
///
/// ```compile_fail
/// dsl::external_secret! { pub struct ShopSecrets { database_url: "database-url" } }
/// let secrets = ShopSecrets::named(dsl::name!("shop-secrets"));
/// let redis = secrets.redis_url(); // not listed: no such method
/// ```
///
/// ```compile_fail
/// dsl::external_secret! { pub struct ShopSecrets { database_url: "database-url" } }
/// let secrets = ShopSecrets::named(dsl::name!("shop-secrets"));
/// let redis = dsl::secret!(secrets.redis_url); // not listed: `ShopSecrets` has no key `redis_url`
/// ```
#[macro_export]
macro_rules! external_secret {
    (
        $(#[$meta:meta])*
        $vis:vis struct $ty:ident {
            $( $(#[$key_meta:meta])* $accessor:ident : $key:literal ),+ $(,)?
        }
    ) => {
        $(#[$meta])*
        #[derive(Clone, Debug, PartialEq, Eq)]
        $vis struct $ty {
            name: $crate::Name,
        }

        #[allow(dead_code)]
        impl $ty {
            /// The Secret with this name (it may differ per environment).
            $vis fn named(name: $crate::Name) -> Self {
                $ty { name }
            }

            /// The Secret's name.
            $vis fn name(&self) -> &$crate::Name {
                &self.name
            }

            /// What the app lists in `App::secrets`: the Secret's name and every key.
            $vis fn declaration(&self) -> $crate::ExternalSecret {
                $crate::ExternalSecret::new(self.name.clone(), [$($crate::key!($key)),+])
            }

            $(
                $(#[$key_meta])*
                #[doc = ::core::concat!("A reference to the key `", $key, "`.")]
                $vis fn $accessor(&self) -> $crate::SecretRef {
                    $crate::SecretRef::__listed(self.name.clone(), $crate::key!($key))
                }
            )+
        }

        impl $crate::primitives::secret::ListedKeys for $ty {
            fn secret_name(&self) -> &$crate::Name {
                &self.name
            }
        }

        $(
            #[diagnostic::do_not_recommend]
            impl<Accessor> $crate::primitives::secret::ListedKey<
                { $crate::primitives::secret::accessor_hash(::core::stringify!($accessor)) },
                Accessor,
            > for $ty {
                const KEY: &'static str = $key;
            }
        )+

        impl ::core::convert::From<&$ty> for $crate::ExternalSecret {
            fn from(secret: &$ty) -> Self {
                secret.declaration()
            }
        }
    };
}

/// What [`secret!`](crate::secret) checks a key against: implemented by every
/// [`external_secret!`](crate::external_secret) type.
#[doc(hidden)]
#[diagnostic::on_unimplemented(
    message = "`{Self}` is not declared with external_secret!: secret!(value.key) reads a key of a value whose type external_secret! declares",
    label = "not an external_secret! type"
)]
pub trait ListedKeys {
    /// The Secret's name.
    fn secret_name(&self) -> &Name;
}

/// `secret!(secrets.key)` where `secrets` is a reference (a function's `&ShopSecrets`).
impl<T: ListedKeys + ?Sized> ListedKeys for &T {
    fn secret_name(&self) -> &Name {
        (**self).secret_name()
    }
}

/// One key of an [`external_secret!`](crate::external_secret) type, found by the hash of
/// its accessor's name ([`accessor_hash`]); `Accessor` is a type named like the accessor
/// [`secret!`](crate::secret) was given, so that the message names it. A key the
/// declaration does not list is an unmet bound, reported by `cargo check` as by
/// `cargo build`.
#[doc(hidden)]
#[diagnostic::on_unimplemented(
    message = "`{Self}` has no key `{Accessor}`: list it in its external_secret! declaration with the key's name in the Secret, e.g. {Accessor}: \"key-name\"",
    label = "`{Accessor}` is not a key of `{Self}`"
)]
pub trait ListedKey<const ACCESSOR: u64, Accessor>: ListedKeys {
    /// The key in the Secret.
    const KEY: &'static str;
}

/// `secret!(secrets.key)` where `secrets` is a reference (a function's `&ShopSecrets`).
#[diagnostic::do_not_recommend]
impl<T: ListedKey<ACCESSOR, Accessor> + ?Sized, const ACCESSOR: u64, Accessor>
    ListedKey<ACCESSOR, Accessor> for &T
{
    const KEY: &'static str = T::KEY;
}

/// The 64-bit FNV-1a hash of an accessor's name: [`ListedKey`]'s parameter (`const`:
/// a `&str` cannot be a const generic on stable Rust). Two accessors of one type with
/// the same hash would be a conflicting implementation, i.e. a compile error, never a
/// wrong key.
#[doc(hidden)]
pub const fn accessor_hash(accessor: &str) -> u64 {
    let bytes = accessor.as_bytes();
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    let mut i = 0;
    while i < bytes.len() {
        hash ^= bytes[i] as u64;
        hash = hash.wrapping_mul(0x0000_0100_0000_01b3);
        i += 1;
    }
    hash
}

/// The value [`secret!`](crate::secret) reads a key of, if its type is an
/// [`external_secret!`](crate::external_secret) type (checked first, so that the message
/// says what is wrong with a value of any other type).
#[doc(hidden)]
pub fn external<S: ListedKeys>(secrets: &S) -> &S {
    secrets
}

/// What [`secret!`](crate::secret) expands to: the reference to the listed key.
#[doc(hidden)]
pub fn listed_key<const ACCESSOR: u64, Accessor, S: ListedKey<ACCESSOR, Accessor>>(
    secrets: &S,
) -> SecretRef {
    SecretRef::__listed(secrets.secret_name().clone(), DataKey::from_static(S::KEY))
}

/// A reference to a key of an [`external_secret!`](crate::external_secret) value:
/// `secret!(secrets.database_url)` (any path: `secret!(self.secrets.database_url)`).
///
/// It is the accessor method `secrets.database_url()` with a better error: a key the
/// declaration does not list fails `cargo check` and `cargo build` with
/// `` `ShopSecrets` has no key `redis_url`: list it in its external_secret! declaration with
/// the key's name in the Secret, e.g. redis_url: "key-name" `` (an unmet bound: each listed
/// key implements `ListedKey` for its type).
///
/// ```
/// use dsl::*;
/// external_secret! { struct ShopSecrets { database_url: "database-url" } }
/// let secrets = ShopSecrets::named(name!("shop-secrets"));
/// let db = secret!(secrets.database_url);
/// assert_eq!((db.secret().as_str(), db.key().as_str()), ("shop-secrets", "database-url"));
///
/// // Through a reference or a field path too.
/// fn env(secrets: &ShopSecrets) -> EnvVar {
///     EnvVar::secret(env_name!("DATABASE_URL"), secret!(secrets.database_url))
/// }
/// struct Inputs { secrets: ShopSecrets }
/// let inputs = Inputs { secrets: secrets.clone() };
/// assert_eq!(secret!(inputs.secrets.database_url), db);
/// # let _ = env(&secrets);
/// ```
///
/// ```compile_fail
/// use dsl::*;
/// external_secret! { struct ShopSecrets { database_url: "database-url" } }
/// let secrets = ShopSecrets::named(name!("shop-secrets"));
/// let redis = secret!(secrets.redis_url); // not listed
/// ```
#[macro_export]
macro_rules! secret {
    (@split [$($path:tt)*] $key:ident) => {{
        // The accessor as a type, for the message when it is not a key (a braced struct:
        // it takes no name from the values the path may use).
        #[allow(non_camel_case_types, dead_code)]
        struct $key {}
        $crate::primitives::secret::listed_key::<
            { $crate::primitives::secret::accessor_hash(::core::stringify!($key)) },
            $key,
            _,
        >($crate::primitives::secret::external(&$($path)*))
    }};
    (@split [$($path:tt)*] $next:ident $($rest:ident)+) => {
        $crate::secret!(@split [$($path)* . $next] $($rest)+)
    };
    ($head:ident $(. $rest:ident)+) => {
        $crate::secret!(@split [$head] $($rest)+)
    };
    ($($other:tt)*) => {
        ::core::compile_error!(::core::concat!(
            "secret!(",
            ::core::stringify!($($other)*),
            "): write secret!(<value of an external_secret! type>.<listed key>), e.g. secret!(secrets.database_url)"
        ))
    };
}
