//! Validated string newtypes: resource names, host names, paths, port names,
//! environment variable names, ConfigMap/Secret keys and label values.
//!
//! Each type has a `const fn from_static` used by the literal macros ([`name!`](crate::name),
//! [`port_name!`](crate::port_name), ...) so that a bad literal fails the build, and a
//! run-time [`parse`](Name::parse) for values that arrive as input (CLI flags, files).

use std::borrow::Cow;
use std::fmt;

use super::checks;

/// A value rejected by a run-time constructor such as [`Name::parse`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct InvalidValue {
    /// What was being parsed, e.g. `"resource name"`.
    pub kind: &'static str,
    /// The rejected input.
    pub value: String,
    /// Why it was rejected and what a valid value looks like.
    pub reason: &'static str,
}

impl fmt::Display for InvalidValue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "invalid {} {:?}: {}", self.kind, self.value, self.reason)
    }
}

impl std::error::Error for InvalidValue {}

macro_rules! validated_string {
    ($(#[$doc:meta])* $ty:ident, $check:path, $kind:literal) => {
        $(#[$doc])*
        #[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
        pub struct $ty(Cow<'static, str>);

        impl $ty {
            /// Builds the value from a literal. In a `const` context (as the literal
            /// macros use it) an invalid literal is a compile error; at run time it panics,
            /// so use [`parse`](Self::parse) for input.
            #[doc(hidden)]
            pub const fn from_static(s: &'static str) -> Self {
                if let Some(reason) = $check(s) {
                    panic!("{}", reason);
                }
                Self(Cow::Borrowed(s))
            }

            /// Checks a literal without panicking (what the literal macros call in
            /// `const` context, so that their error message comes first).
            #[doc(hidden)]
            pub const fn check_static(s: &'static str) -> Option<&'static str> {
                $check(s)
            }

            /// Validates a run-time value.
            pub fn parse(s: impl Into<String>) -> Result<Self, InvalidValue> {
                let s = s.into();
                match $check(&s) {
                    None => Ok(Self(Cow::Owned(s))),
                    Some(reason) => Err(InvalidValue { kind: $kind, value: s, reason }),
                }
            }

            /// The validated text.
            pub fn as_str(&self) -> &str {
                &self.0
            }
        }

        impl fmt::Display for $ty {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&self.0)
            }
        }

        impl From<$ty> for String {
            fn from(v: $ty) -> String {
                v.0.into_owned()
            }
        }
    };
}

pub(crate) use validated_string;

validated_string!(
    /// A Kubernetes object name: an RFC 1123 label (`a-z0-9-`, at most 63 characters).
    ///
    /// ```
    /// use dsl::name;
    /// let n = name!("triage-warden");
    /// assert_eq!(n.as_str(), "triage-warden");
    /// assert!(dsl::Name::parse("Bad_Name").is_err());
    /// ```
    Name,
    checks::dns_label,
    "resource name"
);

validated_string!(
    /// A DNS host name (RFC 1123 subdomain), e.g. for ingress rules.
    ///
    /// ```
    /// let h = dsl::host!("api.gorax.io");
    /// assert_eq!(h.as_str(), "api.gorax.io");
    /// ```
    Host,
    checks::dns_subdomain,
    "host name"
);

validated_string!(
    /// An absolute HTTP path for probes, metrics and ingress rules (starts with `/`).
    HttpPath,
    checks::http_path,
    "HTTP path"
);

validated_string!(
    /// A port name (IANA service name: at most 15 chars, `a-z0-9-`, one letter at least).
    PortName,
    checks::port_name,
    "port name"
);

validated_string!(
    /// An environment variable name (`[A-Za-z_][A-Za-z0-9_]*`).
    EnvName,
    checks::env_name,
    "environment variable name"
);

validated_string!(
    /// A key inside a ConfigMap or Secret (`[-._a-zA-Z0-9]`, at most 253 chars).
    DataKey,
    checks::data_key,
    "ConfigMap/Secret key"
);

validated_string!(
    /// A label value (at most 63 chars of `[A-Za-z0-9._-]`, alphanumeric at both ends).
    LabelValue,
    checks::label_value,
    "label value"
);

validated_string!(
    /// A label key an app adds to its objects (`[prefix/]name`), checked by
    /// [`label_key!`](crate::label_key): the keys kairn derives (the selector labels
    /// `app.kubernetes.io/name`, `instance` and `component`, and `part-of`,
    /// `managed-by`, `version`, `kairn.dev/environment`) are refused, so extra labels can
    /// never override what selects a component's pods.
    ///
    /// ```
    /// let team = dsl::label_key!("example.com/team");
    /// assert!(dsl::LabelKey::parse("app.kubernetes.io/name").is_err());
    /// ```
    ///
    /// ```compile_fail
    /// let k = dsl::label_key!("app.kubernetes.io/component"); // a selector label
    /// ```
    LabelKey,
    checks::label_key,
    "label key"
);

validated_string!(
    /// A CronJob schedule: five cron fields or a macro such as `@daily`, checked as the
    /// API server parses it. Build it with [`cron!`](crate::cron).
    ///
    /// ```
    /// let nightly = dsl::cron!("30 2 * * MON-FRI");
    /// assert_eq!(nightly.as_str(), "30 2 * * MON-FRI");
    /// assert!(dsl::CronSchedule::parse("0 3 * *").is_err());
    /// ```
    CronSchedule,
    checks::cron,
    "cron schedule"
);

validated_string!(
    /// An IANA time zone name for a CronJob (`Europe/Berlin`, `UTC`), checked loosely:
    /// whether the zone exists is up to the cluster's time zone database.
    ///
    /// ```
    /// let tz = dsl::time_zone!("Europe/Berlin");
    /// assert_eq!(tz.as_str(), "Europe/Berlin");
    /// assert!(dsl::TimeZone::parse("Local").is_err());
    /// ```
    TimeZone,
    checks::time_zone,
    "time zone"
);

impl Name {
    /// Joins two names with `-` (`triage-warden` + `api` = `triage-warden-api`).
    ///
    /// Both parts are valid labels, so the result has valid characters; its length is
    /// checked by the validator at emit time (rule `name-too-long`).
    pub fn join(&self, suffix: &str) -> Name {
        Name(Cow::Owned(format!("{}-{}", self.0, suffix)))
    }
}

impl From<&Name> for LabelValue {
    fn from(n: &Name) -> Self {
        LabelValue(n.0.clone())
    }
}

/// A resource name literal checked at compile time.
///
/// ```
/// let n = dsl::name!("caelundas");
/// ```
///
/// ```compile_fail
/// let n = dsl::name!("Bad_Name"); // upper case and '_' are not allowed
/// ```
#[macro_export]
macro_rules! name {
    ($s:literal) => {
        $crate::__literal!(
            "name",
            $crate::Name,
            $s,
            "use lowercase letters, digits and '-' (at most 63), e.g. name!(\"shop-api\")"
        )
    };
}

/// A host name literal checked at compile time.
#[macro_export]
macro_rules! host {
    ($s:literal) => {
        $crate::__literal!(
            "host",
            $crate::Host,
            $s,
            "use a lowercase DNS name, e.g. host!(\"api.example.com\")"
        )
    };
}

/// An HTTP path literal checked at compile time (must start with `/`).
#[macro_export]
macro_rules! http_path {
    ($s:literal) => {
        $crate::__literal!(
            "http_path",
            $crate::HttpPath,
            $s,
            "write an absolute path, e.g. http_path!(\"/healthz\")"
        )
    };
}

/// A port name literal checked at compile time.
#[macro_export]
macro_rules! port_name {
    ($s:literal) => {
        $crate::__literal!(
            "port_name",
            $crate::PortName,
            $s,
            "use at most 15 lowercase letters, digits and '-', e.g. port_name!(\"http-metrics\")"
        )
    };
}

/// An environment variable name literal checked at compile time.
#[macro_export]
macro_rules! env_name {
    ($s:literal) => {
        $crate::__literal!("env_name", $crate::EnvName, $s, "use letters, digits and '_', not starting with a digit, e.g. env_name!(\"DATABASE_URL\")")
    };
}

/// A ConfigMap/Secret key literal checked at compile time.
#[macro_export]
macro_rules! key {
    ($s:literal) => {
        $crate::__literal!(
            "key",
            $crate::DataKey,
            $s,
            "use letters, digits, '-', '_' and '.', e.g. key!(\"database-url\")"
        )
    };
}

/// A label value literal checked at compile time.
#[macro_export]
macro_rules! label_value {
    ($s:literal) => {
        $crate::__literal!(
            "label_value",
            $crate::LabelValue,
            $s,
            "use at most 63 letters, digits, '-', '_' and '.', e.g. label_value!(\"v1.2.0\")"
        )
    };
}

/// A label key literal checked at compile time (never one of the labels kairn derives).
#[macro_export]
macro_rules! label_key {
    ($s:literal) => {
        $crate::__literal!("label_key", $crate::LabelKey, $s, "use your own key, e.g. label_key!(\"example.com/team\"); kairn sets the app.kubernetes.io/* labels itself")
    };
}

/// A CronJob schedule literal checked at compile time: five fields (minute, hour, day of
/// month, month, day of week) with `*`, ranges, steps, lists and month/weekday names, or
/// `@yearly`, `@annually`, `@monthly`, `@weekly`, `@daily`, `@midnight`, `@hourly`.
///
/// ```
/// let every_quarter_hour = dsl::cron!("*/15 * * * *");
/// let nightly = dsl::cron!("@daily");
/// ```
///
/// ```compile_fail
/// let s = dsl::cron!("0 25 * * *"); // the hour is 0-23
/// ```
#[macro_export]
macro_rules! cron {
    ($s:literal) => {
        $crate::__literal!("cron", $crate::CronSchedule, $s, "write five fields (minute hour day-of-month month day-of-week), e.g. cron!(\"30 2 * * MON-FRI\") or cron!(\"@daily\")")
    };
}

/// An IANA time zone literal checked (loosely) at compile time.
#[macro_export]
macro_rules! time_zone {
    ($s:literal) => {
        $crate::__literal!(
            "time_zone",
            $crate::TimeZone,
            $s,
            "write an IANA zone name, e.g. time_zone!(\"Europe/Berlin\") or time_zone!(\"UTC\")"
        )
    };
}
