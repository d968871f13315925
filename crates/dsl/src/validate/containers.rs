//! Checks of the containers a component declares for its pod (see
//! [`crate::model::container`]) that the rendered pod alone would not show, or would
//! show less clearly: rule `pod-containers` (port numbers, shared writable directories,
//! served ports of init containers, empty exec commands) and `legacy-sidecar-job`.
//! Repeated container and port names are found on the rendered pod (rules
//! `duplicate-container`, `duplicate-port`).

use super::{registry, Finding};
use crate::model::app::App;
use crate::model::component::{Component, Workload};
use crate::model::container::{ContainerRole, SidecarMode};
use crate::model::pod::{Check, PreStop, Probes, WritableDir};

/// Every problem of the pod containers of `app`'s components, as findings.
pub(crate) fn check(app: &App) -> Vec<Finding> {
    let mut out = Vec::new();
    for c in &app.components {
        ports(app, c, &mut out);
        exec_commands(app, c, &mut out);
        writable_dirs(app, c, &mut out);
        legacy_sidecars(app, c, &mut out);
    }
    out
}

fn call(role: ContainerRole) -> &'static str {
    match role {
        ContainerRole::Init => "init_container",
        ContainerRole::Sidecar => "sidecar",
        ContainerRole::Regular => "container",
    }
}

/// Port numbers are unique in the pod (its containers share one network namespace);
/// init containers serve nothing.
fn ports(app: &App, c: &Component, out: &mut Vec<Finding>) {
    let mut seen: Vec<(u16, String, String)> = c
        .workload
        .ports()
        .iter()
        .map(|p| (p.number.get(), c.name.to_string(), p.name.to_string()))
        .collect();
    for (i, pc) in c.containers.iter().enumerate() {
        let k = &pc.container;
        for (j, p) in k.ports.iter().enumerate() {
            let n = p.number.get();
            if let Some((_, owner, name)) = seen.iter().find(|(m, _, _)| *m == n) {
                out.push(finding(
                    app,
                    c,
                    "pod-containers",
                    format!("containers[{i}].ports[{j}]"),
                    format!(
                        "{}: component `{}`: container `{}` (`.{}(..)`) declares port `{}` \
                         on {n}, which container `{owner}` already uses for port `{name}`; \
                         the containers of a pod share one network namespace, so only one \
                         of them can listen on it",
                        where_(app),
                        c.name,
                        k.name,
                        call(pc.role),
                        p.name
                    ),
                    "give one of the ports another number".to_owned(),
                ));
            } else {
                seen.push((n, k.name.to_string(), p.name.to_string()));
            }
        }
        if pc.role == ContainerRole::Init {
            for p in &k.served {
                out.push(finding(
                    app,
                    c,
                    "pod-containers",
                    format!("containers[{i}].served"),
                    format!(
                        "{}: component `{}`: init container `{}` serves port `{}`, but an \
                         init container has finished before the pod serves anything",
                        where_(app),
                        c.name,
                        k.name,
                        p.name
                    ),
                    "declare the port with `.port(..)`, or add the container with \
                     `.sidecar(..)` if it keeps running"
                        .to_owned(),
                ));
            }
        }
    }
}

/// A writable directory name is one `emptyDir` volume of the pod: containers that
/// declare the same name share it, so its size and medium must agree.
fn writable_dirs(app: &App, c: &Component, out: &mut Vec<Finding>) {
    let mut seen: Vec<(&WritableDir, &str)> = c
        .writable_dirs
        .iter()
        .map(|d| (d, c.name.as_str()))
        .collect();
    for (i, pc) in c.containers.iter().enumerate() {
        for (j, d) in pc.container.writable_dirs.iter().enumerate() {
            match seen.iter().find(|(s, _)| s.name == d.name) {
                Some((s, owner)) if s.size_limit != d.size_limit || s.in_memory != d.in_memory => {
                    out.push(finding(
                        app,
                        c,
                        "pod-containers",
                        format!("containers[{i}].writable_dirs[{j}]"),
                        format!(
                            "{}: component `{}`: container `{}` declares the writable \
                             directory `{}` ({}, {}), which container `{owner}` declares \
                             as ({}, {}); one name is one shared volume of the pod",
                            where_(app),
                            c.name,
                            pc.container.name,
                            d.name,
                            d.size_limit,
                            medium(d),
                            s.size_limit,
                            medium(s)
                        ),
                        "use the same WritableDir to share the directory, or another name \
                         for a separate one"
                            .to_owned(),
                    ))
                }
                Some(_) => {}
                None => seen.push((d, pc.container.name.as_str())),
            }
        }
    }
}

fn medium(d: &WritableDir) -> &'static str {
    if d.in_memory {
        "in memory"
    } else {
        "on disk"
    }
}

/// `Check::Exec` and `PreStop::Exec` are public variants, so an empty command can be
/// written; the API server rejects it.
fn exec_commands(app: &App, c: &Component, out: &mut Vec<Finding>) {
    let mut empty = |field: String, container: &str| {
        out.push(finding(
            app,
            c,
            "pod-containers",
            field,
            format!(
                "{}: component `{}`: container `{container}` runs an exec command that is \
                 empty; the API server rejects the pod",
                where_(app),
                c.name
            ),
            "build the check with `Check::exec(\"/path/to/program\", [\"arg\"])`".to_owned(),
        ))
    };
    let probe_fields = |probes: &Probes| -> Vec<(&'static str, bool)> {
        let is_empty = |check: &Check| matches!(check, Check::Exec(cmd) if cmd.is_empty());
        probes
            .all()
            .map(|(which, p)| (which, is_empty(&p.check)))
            .collect()
    };
    if let Some(probes) = c.workload.probes() {
        for (which, bad) in probe_fields(probes) {
            if bad {
                empty(format!("workload.probes.{which}"), c.name.as_str());
            }
        }
    }
    if matches!(&c.pre_stop, Some(PreStop::Exec(cmd)) if cmd.is_empty()) {
        empty("pre_stop".to_owned(), c.name.as_str());
    }
    for (i, pc) in c.containers.iter().enumerate() {
        if let Some(probes) = &pc.container.probes {
            for (which, bad) in probe_fields(probes) {
                if bad {
                    empty(
                        format!("containers[{i}].probes.{which}"),
                        pc.container.name.as_str(),
                    );
                }
            }
        }
    }
}

/// Under [`SidecarMode::Legacy`] a sidecar is a regular container, which keeps a Job's
/// pod from ever completing.
fn legacy_sidecars(app: &App, c: &Component, out: &mut Vec<Finding>) {
    if app.sidecar_mode != SidecarMode::Legacy
        || !matches!(c.workload, Workload::Job(_) | Workload::Scheduled(_))
    {
        return;
    }
    for (i, pc) in c.containers.iter().enumerate() {
        if pc.role == ContainerRole::Sidecar {
            out.push(finding(
                app,
                c,
                "legacy-sidecar-job",
                format!("containers[{i}]"),
                format!(
                    "{}: component `{}` is a Job, and its sidecar `{}` would be a regular \
                     container under SidecarMode::Legacy: the Job's pods would never \
                     complete while the sidecar keeps running",
                    where_(app),
                    c.name,
                    pc.container.name
                ),
                "use SidecarMode::Native (Kubernetes 1.29 or later) for this environment, \
                 or make the sidecar exit on its own and add it with `.container(..)`"
                    .to_owned(),
            ));
        }
    }
}

fn where_(app: &App) -> String {
    format!("{}/{}", app.name, app.environment)
}

fn finding(
    app: &App,
    c: &Component,
    rule: &str,
    field: String,
    message: String,
    fix: String,
) -> Finding {
    let info = registry::rule(rule).expect("registered");
    Finding {
        rule: info.id,
        severity: info.severity,
        app: Some(app.name.to_string()),
        environment: Some(app.environment.to_string()),
        kind: "Component".to_owned(),
        name: c.name.to_string(),
        namespace: Some(app.namespace.to_string()),
        field,
        message,
        fix,
        declared_at: Some(format!("{}:{}", c.declared_at.file(), c.declared_at.line())),
        customized_at: Vec::new(),
        unit: None,
        file: None,
        line: None,
        waived: None,
    }
}
