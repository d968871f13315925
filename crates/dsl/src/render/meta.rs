//! Labels, selectors and object metadata, derived once for every object.
//!
//! Object names are `<base>-<component>` ([`App::object_name`](crate::App), the base being
//! the app's name or instance, with its prefix); every object gets the app's
//! `app.kubernetes.io/*` labels and `kairn.dev/environment`, and a component's pods are
//! selected by `app.kubernetes.io/name`, `instance` and `component` only, so a selector never
//! changes when a version or a user label does. A component that keeps the identity of a
//! running app (`Kept`) keeps its own names, labels and selectors instead (`render/kept.rs`).

use std::collections::BTreeMap;

use k8s_openapi::apimachinery::pkg::apis::meta::v1::{LabelSelector, ObjectMeta};

use crate::model::app::App;
use crate::model::component::Component;
use crate::primitives::text::Name;
use crate::PRODUCT;

/// Label keys kairn derives.
pub mod keys {
    /// `app.kubernetes.io/name`
    pub const NAME: &str = "app.kubernetes.io/name";
    /// `app.kubernetes.io/instance`
    pub const INSTANCE: &str = "app.kubernetes.io/instance";
    /// `app.kubernetes.io/component`
    pub const COMPONENT: &str = "app.kubernetes.io/component";
    /// `app.kubernetes.io/part-of`
    pub const PART_OF: &str = "app.kubernetes.io/part-of";
    /// `app.kubernetes.io/version`
    pub const VERSION: &str = "app.kubernetes.io/version";
    /// `app.kubernetes.io/managed-by`
    pub const MANAGED_BY: &str = "app.kubernetes.io/managed-by";
    /// `kairn.dev/environment`
    pub const ENVIRONMENT: &str = "kairn.dev/environment";
}

pub(crate) type Labels = BTreeMap<String, String>;

/// Labels on every object of the app.
pub(crate) fn app_labels(app: &App) -> Labels {
    let mut l = Labels::new();
    l.insert(keys::NAME.into(), app.name.to_string());
    l.insert(keys::INSTANCE.into(), app.base_name().to_string());
    l.insert(keys::PART_OF.into(), app.name.to_string());
    l.insert(keys::MANAGED_BY.into(), PRODUCT.into());
    l.insert(keys::ENVIRONMENT.into(), app.environment.to_string());
    for (k, v) in &app.labels {
        l.insert(k.to_string(), v.to_string());
    }
    l
}

/// The immutable labels that select a component's pods (kept ones, if it keeps them).
pub(crate) fn selector_labels(app: &App, component: &Name) -> Labels {
    if let Some(kept) = super::kept::selector(app, component) {
        return kept;
    }
    let mut l = Labels::new();
    l.insert(keys::NAME.into(), app.name.to_string());
    l.insert(keys::INSTANCE.into(), app.base_name().to_string());
    l.insert(keys::COMPONENT.into(), component.to_string());
    l
}

/// Labels on a component's objects and pods.
///
/// `app.kubernetes.io/version` is the image tag when the tag is a valid label value
/// (at most 63 characters, starting and ending with a letter or digit). An image pinned
/// by a digest alone gets no version label: a digest is not a version, and a label
/// (at most 63 characters) cannot hold it whole. Neither does a tag that is not a label
/// value (e.g. 64-128 characters, or ending in '-'); the tag is never truncated.
///
/// Labels a component keeps ([`Kept::labels`](crate::Kept)) replace the derived ones;
/// its `.label(..)`s are added to them.
pub(crate) fn component_labels(app: &App, component: &Component) -> Labels {
    if let Some(mut kept) = super::kept::labels(component) {
        for (k, v) in &component.pod.labels {
            kept.insert(k.to_string(), v.to_string());
        }
        return kept;
    }
    let mut l = app_labels(app);
    // Component labels are `LabelKey`s: never a derived key, so never a selector label.
    for (k, v) in &component.pod.labels {
        l.insert(k.to_string(), v.to_string());
    }
    l.extend(selector_labels(app, &component.name));
    if let Some(tag) = component.image.tag()
        && crate::primitives::checks::label_value(tag).is_none()
    {
        l.insert(keys::VERSION.into(), tag.to_owned());
    }
    l
}

pub(crate) fn selector(labels: Labels) -> LabelSelector {
    LabelSelector {
        match_labels: Some(labels),
        ..Default::default()
    }
}

/// Metadata of a namespaced object.
pub(crate) fn object_meta(
    app: &App,
    name: &(impl std::fmt::Display + ?Sized),
    labels: Labels,
) -> ObjectMeta {
    ObjectMeta {
        name: Some(name.to_string()),
        namespace: Some(app.namespace.to_string()),
        labels: Some(labels),
        ..Default::default()
    }
}

pub(crate) fn with_annotations(mut meta: ObjectMeta, annotations: Labels) -> ObjectMeta {
    if !annotations.is_empty() {
        meta.annotations = Some(annotations);
    }
    meta
}
