//! Component-level metadata: extra labels and annotations on a component's objects and
//! pod template, and image pull secrets added to the app's.
//!
//! Labels are [`LabelKey`]s, which never name a label kairn derives, so they can never
//! change what selects the component's pods (selectors are derived separately and never
//! carry them). Annotation keys are [`AnnotationKey`]s, which never name an annotation
//! kairn sets to drive behaviour.

use std::borrow::Cow;
use std::fmt;

use crate::model::builder::ComponentBuilder;
use crate::primitives::checks;
use crate::primitives::text::{validated_string, InvalidValue, LabelKey, LabelValue, Name};

/// Annotation keys kairn sets itself to drive behaviour (hooks, sync waves, retained
/// claims), refused by [`annotation_key!`](crate::annotation_key) next to every key under
/// `kairn.dev/`.
pub const RESERVED_ANNOTATION_KEYS: [&str; 7] = [
    "helm.sh/hook",
    "helm.sh/hook-weight",
    "helm.sh/hook-delete-policy",
    "helm.sh/resource-policy",
    "argocd.argoproj.io/hook",
    "argocd.argoproj.io/hook-delete-policy",
    "argocd.argoproj.io/sync-wave",
];

const fn bytes_eq(a: &[u8], b: &[u8]) -> bool {
    if a.len() != b.len() {
        return false;
    }
    let mut i = 0;
    while i < a.len() {
        if a[i] != b[i] {
            return false;
        }
        i += 1;
    }
    true
}

const fn starts_with(s: &[u8], prefix: &[u8]) -> bool {
    s.len() >= prefix.len() && bytes_eq(s.split_at(prefix.len()).0, prefix)
}

/// Whether the key's prefix (before `/`) is `kairn.dev` or a subdomain of it.
const fn kairn_prefixed(b: &[u8]) -> bool {
    let mut slash = 0;
    while slash < b.len() && b[slash] != b'/' {
        slash += 1;
    }
    if slash == b.len() {
        return false;
    }
    let prefix = b.split_at(slash).0;
    let suffix = b".kairn.dev";
    bytes_eq(prefix, b"kairn.dev")
        || (prefix.len() > suffix.len()
            && bytes_eq(prefix.split_at(prefix.len() - suffix.len()).1, suffix))
}

/// The annotation key check: `[prefix/]name` (a DNS subdomain prefix, a name of 1-63
/// letters, digits, `-`, `_`, `.`), not under `kairn.dev/` and not one of
/// [`RESERVED_ANNOTATION_KEYS`].
pub const fn annotation_key(s: &str) -> Option<&'static str> {
    let b = s.as_bytes();
    if kairn_prefixed(b) {
        return Some("kairn.dev/* annotations are kairn's own (config hash, external Secrets and claims, waivers) and cannot be set by hand");
    }
    let mut i = 0;
    while i < RESERVED_ANNOTATION_KEYS.len() {
        if bytes_eq(b, RESERVED_ANNOTATION_KEYS[i].as_bytes()) {
            return Some("this annotation is set by kairn (hooks, sync waves, retained claims); declare a Hook instead");
        }
        i += 1;
    }
    // The derived label keys are valid qualified names; label_key refuses them only
    // because they are derived labels.
    let mut k = 0;
    while k < checks::DERIVED_LABEL_KEYS.len() {
        if bytes_eq(b, checks::DERIVED_LABEL_KEYS[k].as_bytes()) {
            return None;
        }
        k += 1;
    }
    match checks::label_key(s) {
        None => None,
        Some(_) if starts_with(b, b"/") => {
            Some("an annotation key's prefix (before '/') must not be empty")
        }
        Some(_) => Some("an annotation key is [prefix/]name: a lowercase DNS subdomain prefix and a name of 1-63 letters, digits, '-', '_' and '.', starting and ending with a letter or digit"),
    }
}

validated_string!(
    /// An annotation key a component adds (`[prefix/]name`), checked by
    /// [`annotation_key!`](crate::annotation_key): never under `kairn.dev/` (kairn's own
    /// annotations, such as `kairn.dev/config-hash`, drive behaviour) nor one of
    /// [`RESERVED_ANNOTATION_KEYS`].
    ///
    /// ```
    /// let owner = dsl::annotation_key!("example.com/owner");
    /// assert!(dsl::AnnotationKey::parse("kairn.dev/config-hash").is_err());
    /// ```
    ///
    /// ```compile_fail
    /// let k = dsl::annotation_key!("kairn.dev/config-hash"); // kairn's own
    /// ```
    AnnotationKey,
    annotation_key,
    "annotation key"
);

/// An annotation key literal checked at compile time (never one kairn sets).
#[macro_export]
macro_rules! annotation_key {
    ($s:literal) => {
        $crate::__literal!(
            "annotation_key",
            $crate::AnnotationKey,
            $s,
            "use your own key, e.g. annotation_key!(\"example.com/owner\")"
        )
    };
}

impl<N, I, R, W> ComponentBuilder<N, I, R, W> {
    /// Adds a label to the component's objects and pod template (never to selectors).
    /// A repeated key keeps the last value; the app's [`labels`](crate::App::labels) with
    /// the same key are overridden on this component's objects.
    ///
    /// ```
    /// use dsl::*;
    /// # let http = NamedPort::new(port_name!("http"), port!(8080));
    /// let api = Component::builder()
    ///     .name(name!("api"))
    ///     .image(image!("ghcr.io/acme/shop:1.4.2"))
    ///     .resources(Resources::new(cpu!("250m"), cpu!("1"), memory!("256Mi"), memory!("1Gi")))
    /// #   .workload(HttpService::builder().port(http.clone())
    /// #       .probes(Probes::http(&http, http_path!("/live"), http_path!("/ready")))
    /// #       .replicas(Replicas::Fixed(2)).build())
    ///     .label(label_key!("example.com/team"), label_value!("payments"))
    ///     .annotation(annotation_key!("example.com/runbook"), "https://runbooks.example.com/api")
    ///     .image_pull_secret(name!("ghcr-payments"))
    ///     .build();
    /// assert_eq!(api.pod.labels.len(), 1);
    /// ```
    pub fn label(mut self, key: LabelKey, value: LabelValue) -> Self {
        self.optional.pod.labels.insert(key, value);
        self
    }

    /// Adds an annotation to the component's objects and pod template. A repeated key
    /// keeps the last value. Keys kairn sets itself to drive behaviour are refused at
    /// compile time (`kairn.dev/*`, [`RESERVED_ANNOTATION_KEYS`]); a key kairn also
    /// derives on one of the component's objects with another value (the ServiceAccount's
    /// `service_account_annotations` or cloud identity, such as
    /// `eks.amazonaws.com/role-arn`; a storage claim's `argocd.argoproj.io/sync-options`)
    /// is an error at emit (`annotation-overridden`), since kairn's value would win there.
    pub fn annotation(mut self, key: AnnotationKey, value: impl Into<String>) -> Self {
        self.optional.pod.annotations.insert(key, value.into());
        self
    }

    /// Adds a `docker-registry` Secret for pulling this component's image, after the
    /// app's [`image_pull_secrets`](crate::App::image_pull_secrets) (duplicates are
    /// rendered once). It goes on the pod spec only, not on the ServiceAccount: the pod
    /// says explicitly what it pulls with, and a ServiceAccount's pull secrets are
    /// ignored by admission once the pod lists its own.
    pub fn image_pull_secret(mut self, secret: Name) -> Self {
        self.optional.pod.image_pull_secrets.push(secret);
        self
    }
}
