//! Checks of the references that carry what they refer to (see
//! [`handles`](crate::model::handles)): a [`PortRef`](crate::PortRef) carries its
//! [`NamedPort`], so the one thing left to find is the port's name declared with another
//! number; a `&Dependency` handle carries the dependency, so the one thing left to find
//! is two different dependencies of one name. Both are rule `dangling-reference`.

use super::declaration::{finding, where_};
use super::Finding;
use crate::model::app::{App, DependencySource};
use crate::model::component::Component;
use crate::model::container::ContainerRole;
use crate::model::dependency::{Dependency, Endpoint};
use crate::primitives::port::NamedPort;

/// A port a probe or metrics endpoint refers to is declared with the same number: the
/// reference carries its [`NamedPort`], and one that is not declared by name is
/// declared by the component builder, so only another number under the same name is
/// left to find.
pub(super) fn port_numbers(app: &App, c: &Component, out: &mut Vec<Finding>) {
    let own = c.workload.ports();
    let further: Vec<&NamedPort> = c
        .containers
        .iter()
        .filter(|pc| pc.role != ContainerRole::Init)
        .flat_map(|pc| &pc.container.ports)
        .collect();
    for (field, port) in c.workload.referenced_ports() {
        let declared = own.iter().find(|p| p.name == port.name).or_else(|| {
            (field == "metrics.port")
                .then(|| further.iter().copied().find(|p| p.name == port.name))
                .flatten()
        });
        if let Some(declared) = declared
            && declared.number != port.number
        {
            out.push(port_mismatch(
                app,
                c,
                format!("workload.{field}"),
                port,
                declared,
                "the workload",
            ));
        }
    }
    for (i, pc) in c.containers.iter().enumerate() {
        let Some(probes) = &pc.container.probes else {
            continue;
        };
        for (which, probe) in probes.all() {
            let Some(port) = probe.check.port() else {
                continue;
            };
            let declared = pc.container.ports.iter().find(|p| p.name == port.name);
            if let Some(declared) = declared.filter(|d| d.number != port.number) {
                out.push(port_mismatch(
                    app,
                    c,
                    format!("containers[{i}].probes.{which}"),
                    port,
                    declared,
                    &format!("container `{}`", pc.container.name),
                ));
            }
        }
    }
}

fn port_mismatch(
    app: &App,
    c: &Component,
    field: String,
    used: &NamedPort,
    declared: &NamedPort,
    owner: &str,
) -> Finding {
    let name = &used.name;
    finding(
        app,
        "Component",
        c.name.as_str(),
        field.clone(),
        format!(
            "{}: component `{}` field `{field}` refers to the port `{name}` as {}, but \
             {owner} declares `{name}` as {}, so the check or scrape would go to a port \
             that is not the declared one",
            where_(app),
            c.name,
            used.number,
            declared.number,
        ),
        format!(
            "declare the port once, e.g. `const {upper}: NamedPort = \
             NamedPort::new(port_name!(\"{name}\"), port!({}));`, and use that value both \
             in `.port(..)`/`.extra_ports(..)` and in the probe or metrics (`&{upper}`); or \
             give the two ports different names",
            declared.number,
            upper = name.as_str().to_uppercase().replace('-', "_"),
        ),
        Some(c.declared_at),
    )
}

/// One name, one dependency: the app's dependencies are those declared on it plus
/// those its components' handles carry, and two different ones of one name would open
/// the egress of only one of them.
pub(super) fn dependency_conflicts(app: &App, out: &mut Vec<Finding>) {
    let sources = app.dependency_sources();
    for (i, source) in sources.iter().enumerate() {
        let Some(first) = sources[..i]
            .iter()
            .find(|s| s.dependency.name == source.dependency.name)
        else {
            continue;
        };
        if first.dependency == source.dependency
            || sources[..i].iter().any(|s| {
                s.dependency.name == source.dependency.name && s.dependency == source.dependency
            })
        {
            continue;
        }
        let place = |s: &DependencySource<'_>| match s.component {
            Some(c) => format!("component `{}` field `{}`", c.name, s.field),
            None => format!("App::{}", s.field),
        };
        let name = &source.dependency.name;
        let (kind, object, declared_at) = match source.component {
            Some(c) => ("Component", c.name.to_string(), c.declared_at),
            None => ("App", app.name.to_string(), app.declared_at),
        };
        out.push(finding(
            app,
            kind,
            &object,
            source.field.clone(),
            format!(
                "{}: {} refers to a dependency `{name}` ({}) that differs from the \
                 dependency `{name}` of {} ({}): two dependencies of one name, and the \
                 NetworkPolicies would open egress only to the first",
                where_(app),
                place(source),
                describe(source.dependency),
                place(first),
                describe(first.dependency),
            ),
            format!(
                "declare the dependency once (`let {var} = Dependency::..;`) and pass \
                 `&{var}` everywhere it is used, or give the two dependencies different names",
                var = name.as_str().replace('-', "_"),
            ),
            Some(declared_at),
        ));
    }
}

/// A dependency in a few words, for findings.
fn describe(d: &Dependency) -> String {
    let kind = format!("{:?}", d.kind);
    match &d.endpoint {
        Endpoint::InCluster {
            namespace,
            pod_labels,
            port,
        } => format!(
            "{kind}, pods {} in namespace {} on port {port}",
            pod_labels
                .iter()
                .map(|(k, v)| format!("{k}={v}"))
                .collect::<Vec<_>>()
                .join(","),
            namespace
                .as_ref()
                .map_or("of the app".to_owned(), |n| format!("`{n}`")),
        ),
        Endpoint::Cidrs { cidrs, port } => {
            format!("{kind}, {} on port {port}", cidrs.join(", "))
        }
        Endpoint::PublicInternet { port } => format!("{kind}, public internet on port {port}"),
    }
}
