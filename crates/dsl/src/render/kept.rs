//! Kept identity (see [`Kept`]): the names, labels and selectors a component keeps
//! from an app that runs already, in place of kairn's derived ones.
//!
//! Every renderer asks here (or `meta::selector_labels` / `meta::component_labels`, which
//! consult the same values) instead of deriving a name itself, so that the workload,
//! its Services, the HPA's target, the PDB, every NetworkPolicy (the component's own and
//! other components' peers), the ServiceMonitor, Ingress backends and affinity selectors
//! agree. `validate/kept.rs` checks the kept values at emit (rule `kept-identity`).

use super::meta::Labels;
use crate::model::app::App;
use crate::model::cluster::HEADLESS_SUFFIX;
use crate::model::component::Component;
use crate::model::kept::Kept;

fn kept(component: &Component) -> Option<&Kept> {
    component.kept.as_ref()
}

/// The workload's name: kept, or `<app>-<component>`.
pub(crate) fn workload_name(app: &App, component: &Component) -> String {
    kept(component)
        .and_then(|k| k.workload_name.clone())
        .unwrap_or_else(|| app.object_name(&component.name).to_string())
}

/// The (client) Service's name: kept, or `<app>-<component>`.
pub(crate) fn service_name(app: &App, component: &Component) -> String {
    kept(component)
        .and_then(|k| k.service_name.clone())
        .unwrap_or_else(|| app.object_name(&component.name).to_string())
}

/// The headless Service's name of a StatefulSet: kept, or `<app>-<component>-headless`.
pub(crate) fn headless_service_name(app: &App, component: &Component) -> String {
    kept(component)
        .and_then(|k| k.headless_service_name.clone())
        .unwrap_or_else(|| {
            app.object_name(&component.name)
                .join(HEADLESS_SUFFIX)
                .to_string()
        })
}

/// The main container's name: kept, or the component's.
pub(crate) fn container_name(component: &Component) -> String {
    kept(component)
        .and_then(|k| k.container_name.clone())
        .unwrap_or_else(|| component.name.to_string())
}

/// The existing ServiceAccount the component's pods run as, when it keeps one: kairn
/// then renders none for it.
pub(crate) fn external_service_account(component: &Component) -> Option<&str> {
    kept(component).and_then(|k| k.service_account.as_deref())
}

/// The ServiceAccount the pods run as: the kept one, or kairn's `<app>-<component>`.
pub(crate) fn service_account_name(app: &App, component: &Component) -> String {
    external_service_account(component).map_or_else(
        || app.object_name(&component.name).to_string(),
        str::to_owned,
    )
}

/// The kept selector of the component named `name`, if it keeps one.
pub(crate) fn selector(app: &App, name: &crate::Name) -> Option<Labels> {
    app.component(name)
        .and_then(kept)
        .and_then(|k| k.selector.clone())
}

/// The kept labels of a component's objects, if it keeps them.
pub(crate) fn labels(component: &Component) -> Option<Labels> {
    kept(component).and_then(|k| k.labels.clone())
}

/// The pod template's labels: kept, or the component's labels plus its selector (so a
/// kept selector that the kept object labels lack still selects the pods).
pub(crate) fn pod_labels(app: &App, component: &Component) -> Labels {
    if let Some(labels) = kept(component).and_then(|k| k.pod_labels.clone()) {
        return labels;
    }
    let mut labels = super::meta::component_labels(app, component);
    labels.extend(super::meta::selector_labels(app, &component.name));
    labels
}

/// What the ServiceMonitor selects the component's Service by: the selector when the
/// Service's labels carry it (always so for derived labels), else the Service's labels.
pub(crate) fn service_monitor_selector(app: &App, component: &Component) -> Labels {
    let selector = super::meta::selector_labels(app, &component.name);
    let labels = super::meta::component_labels(app, component);
    if selector.iter().all(|(k, v)| labels.get(k) == Some(v)) {
        selector
    } else {
        labels
    }
}
