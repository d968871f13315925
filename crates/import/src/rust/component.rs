//! One component as Rust: its builder calls, kept identity and customize closures.

use std::collections::BTreeSet;

use super::lit;
use crate::plan::{CheckPlan, ComponentPlan, HookPlan, KindEdits, PortPlan, WorkloadPlan};
use crate::residual::Seg;
use crate::typed;
use crate::ImportError;

fn quantity(kind: &str, v: &Option<String>) -> String {
    match v {
        Some(v) => format!("Some({kind}!({}))", lit(v)),
        None => "None".into(),
    }
}

fn port_var(name: &str) -> String {
    let v = name.replace('-', "_");
    if crate::engine::module_name(&v) != v || v.starts_with(|c: char| c.is_ascii_digit()) {
        format!("port_{v}")
    } else {
        v
    }
}

fn check(c: &CheckPlan) -> String {
    match c {
        CheckPlan::Http(path, port) => format!(
            "Check::http(http_path!({}), &{})",
            lit(path),
            port_var(&port.0)
        ),
        CheckPlan::Tcp(port) => format!("Check::tcp(&{})", port_var(&port.0)),
        CheckPlan::Exec(cmd) => format!(
            "Check::exec({}, [{}])",
            lit(&cmd[0]),
            cmd[1..]
                .iter()
                .map(|a| lit(a))
                .collect::<Vec<_>>()
                .join(", ")
        ),
    }
}

fn probes(pair: &(CheckPlan, CheckPlan)) -> String {
    format!(
        "Probes::builder()\n.liveness(Probe::builder().check({}).build())\n.readiness(Probe::builder().check({}).build())\n.build()",
        check(&pair.0),
        check(&pair.1)
    )
}

fn check_ports<'a>(pair: &'a (CheckPlan, CheckPlan), out: &mut Vec<&'a PortPlan>) {
    for c in [&pair.0, &pair.1] {
        match c {
            CheckPlan::Http(_, p) | CheckPlan::Tcp(p) => out.push(p),
            CheckPlan::Exec(_) => {}
        }
    }
}

fn hook(h: &HookPlan) -> String {
    let base = match (h.before, h.first_install) {
        (true, false) => "Hook::before_deploy()",
        (true, true) => "Hook::before_install()",
        (false, false) => "Hook::after_deploy()",
        (false, true) => "Hook::after_install()",
    };
    if h.weight == 0 {
        base.to_owned()
    } else {
        format!("{base}.weight({})", h.weight)
    }
}

fn ttl(t: &Result<u32, String>) -> String {
    match t {
        Ok(s) => format!(".ttl_seconds_after_finished({s})"),
        Err(why) => format!(".without_ttl(reason!({}))", lit(why)),
    }
}

pub(super) fn component_body(c: &ComponentPlan) -> Result<String, ImportError> {
    let mut s = String::new();
    let r = &c.resources;
    let resources = if r.iter().all(Option::is_some) {
        format!(
            "Resources::new(cpu!({}), cpu!({}), memory!({}), memory!({}))",
            lit(r[0].as_deref().unwrap_or_default()),
            lit(r[1].as_deref().unwrap_or_default()),
            lit(r[2].as_deref().unwrap_or_default()),
            lit(r[3].as_deref().unwrap_or_default())
        )
    } else {
        format!(
            "Resources::as_source(ResourcesAsSource {{ cpu_request: {}, cpu_limit: {}, memory_request: {}, memory_limit: {} }}, reason!(\"imported: the source sets not every request and limit\"))",
            quantity("cpu", &r[0]),
            quantity("cpu", &r[1]),
            quantity("memory", &r[2]),
            quantity("memory", &r[3])
        )
    };
    let mut ports: Vec<&PortPlan> = Vec::new();
    let (workload, into) = match &c.workload {
        WorkloadPlan::Http { port, replicas, probes: checks } => {
            ports.push(port);
            let probes = match checks {
                Ok(pair) => {
                    check_ports(pair, &mut ports);
                    format!(".probes({})", probes(pair))
                }
                Err(why) => format!(".without_probes(reason!({}))", lit(why)),
            };
            (
                format!(
                    "HttpService::builder()\n.port({}.clone())\n{probes}\n.replicas(Replicas::Fixed({replicas}))\n.build()",
                    port_var(&port.0)
                ),
                ".into()",
            )
        }
        WorkloadPlan::Worker { replicas, probes: checks } => {
            let p = match checks {
                Some(pair) => {
                    check_ports(pair, &mut ports);
                    format!(".probes({})", probes(pair))
                }
                None => String::new(),
            };
            (format!("Worker::builder()\n.replicas(Replicas::Fixed({replicas}))\n{p}\n.build()"), "")
        }
        WorkloadPlan::NodeAgent { probes: checks } => {
            let p = match checks {
                Ok(pair) => {
                    check_ports(pair, &mut ports);
                    format!(".probes({})", probes(pair))
                }
                Err(why) => format!(".without_probes(reason!({}))", lit(why)),
            };
            (format!("NodeAgent::builder()\n{p}\n.build()"), "")
        }
        WorkloadPlan::Stateful { port, replicas, probes: pair } => {
            ports.push(port);
            check_ports(pair, &mut ports);
            (
                format!(
                    "StatefulService::builder()\n.replicas(std::num::NonZeroU32::new({}).expect(\"at least one member\"))\n.port({}.clone())\n.probes({})\n.build()",
                    (*replicas).max(1),
                    port_var(&port.0),
                    probes(pair)
                ),
                "",
            )
        }
        WorkloadPlan::Job { backoff_limit, ttl: t, hook: h } => {
            let h = h.as_ref().map(|h| format!("\n.hook({})", hook(h))).unwrap_or_default();
            (format!("BatchJob::builder()\n.backoff_limit({backoff_limit}){h}\n{}\n.build()", ttl(t)), "")
        }
        WorkloadPlan::Scheduled { schedule, backoff_limit, ttl: t } => (
            format!(
                "ScheduledJob::builder()\n.schedule(cron!({}))\n.backoff_limit({backoff_limit})\n{}\n.build()",
                lit(schedule),
                ttl(t)
            ),
            "",
        ),
    };
    let mut declared = BTreeSet::new();
    for p in ports {
        if declared.insert(p.0.clone()) {
            s.push_str(&format!(
                "    let {} = NamedPort::new(port_name!({}), port!({}));\n",
                port_var(&p.0),
                lit(&p.0),
                p.1
            ));
        }
    }
    s.push_str("    let component: Component = Component::builder()\n");
    s.push_str(&format!("        .name(name!({}))\n", lit(&c.name)));
    s.push_str(&format!("        .image(image!({}))\n", lit(&c.image)));
    s.push_str(&format!("        .resources({resources})\n"));
    if !c.command.is_empty() {
        s.push_str(&format!(
            "        .command(vec![{}])\n",
            strings(&c.command)
        ));
    }
    if !c.args.is_empty() {
        s.push_str(&format!("        .args(vec![{}])\n", strings(&c.args)));
    }
    s.push_str(&format!(
        "        .workload({workload})\n        .build(){into};\n"
    ));
    s.push_str("    component\n");
    if let Some(why) = &c.open_network {
        s.push_str(&format!("        .open_network(reason!({}))\n", lit(why)));
    }
    if !c.kept.is_empty() {
        s.push_str(&format!("        .keep({})\n", kept(&c.kept)));
    }
    for e in &c.edits {
        s.push_str(&customize(e)?);
    }
    Ok(s)
}

fn strings(v: &[String]) -> String {
    v.iter()
        .map(|a| format!("{}.into()", lit(a)))
        .collect::<Vec<_>>()
        .join(", ")
}

fn pairs(v: &Option<Vec<(String, String)>>) -> String {
    match v {
        None => "None".into(),
        Some(v) => format!(
            "Some(std::collections::BTreeMap::from([{}]))",
            v.iter()
                .map(|(k, v)| format!("({}.into(), {}.into())", lit(k), lit(v)))
                .collect::<Vec<_>>()
                .join(", ")
        ),
    }
}

fn opt(v: &Option<String>) -> String {
    match v {
        Some(s) => format!("Some({}.into())", lit(s)),
        None => "None".into(),
    }
}

fn kept(k: &crate::plan::KeptPlan) -> String {
    let mut fields = Vec::new();
    for (name, value) in [
        ("workload_name", opt(&k.workload_name)),
        ("service_name", opt(&k.service_name)),
        ("headless_service_name", opt(&k.headless_service_name)),
        ("labels", pairs(&k.labels)),
        ("selector", pairs(&k.selector)),
        ("pod_labels", pairs(&k.pod_labels)),
        ("container_name", opt(&k.container_name)),
        ("service_account", opt(&k.service_account)),
    ] {
        if value != "None" {
            fields.push(format!("{name}: {value}"));
        }
    }
    format!("Kept {{\n{},\n..Default::default()\n}}", fields.join(",\n"))
}

/// The `(api_version, type name)` of the kinds a component's objects are edited as.
fn edited_type(kind: &str) -> Option<(&'static str, &'static str)> {
    Some(match kind {
        "Deployment" => ("apps/v1", "dsl::k8s_openapi::api::apps::v1::Deployment"),
        "Service" => ("v1", "dsl::k8s_openapi::api::core::v1::Service"),
        "ServiceAccount" => ("v1", "dsl::k8s_openapi::api::core::v1::ServiceAccount"),
        "ConfigMap" => ("v1", "dsl::k8s_openapi::api::core::v1::ConfigMap"),
        "NetworkPolicy" => (
            "networking.k8s.io/v1",
            "dsl::k8s_openapi::api::networking::v1::NetworkPolicy",
        ),
        "PodDisruptionBudget" => (
            "policy/v1",
            "dsl::k8s_openapi::api::policy::v1::PodDisruptionBudget",
        ),
        "DaemonSet" => ("apps/v1", "dsl::k8s_openapi::api::apps::v1::DaemonSet"),
        "StatefulSet" => ("apps/v1", "dsl::k8s_openapi::api::apps::v1::StatefulSet"),
        "Job" => ("batch/v1", "dsl::k8s_openapi::api::batch::v1::Job"),
        "CronJob" => ("batch/v1", "dsl::k8s_openapi::api::batch::v1::CronJob"),
        "HorizontalPodAutoscaler" => (
            "autoscaling/v2",
            "dsl::k8s_openapi::api::autoscaling::v2::HorizontalPodAutoscaler",
        ),
        _ => return None,
    })
}

fn customize(e: &KindEdits) -> Result<String, ImportError> {
    let (api_version, path) = edited_type(&e.kind)
        .ok_or_else(|| ImportError::Other(format!("import: cannot write edits of a {}", e.kind)))?;
    let definition = typed::root_type(api_version, &e.kind).ok_or_else(|| {
        ImportError::Other(format!("import: no schema for {api_version} {}", e.kind))
    })?;
    let short = path.rsplit("::").next().unwrap_or(path);
    let var = match short {
        "Deployment" | "DaemonSet" => "d",
        "StatefulSet" => "set",
        "Service" => "svc",
        "ServiceAccount" => "account",
        "NetworkPolicy" => "policy",
        "PodDisruptionBudget" => "budget",
        "HorizontalPodAutoscaler" => "hpa",
        "Job" | "CronJob" => "job",
        _ => "o",
    };
    let mut body = String::new();
    if let Some(name) = &e.name {
        body.push_str(&format!(
            "if {var}.metadata.name.as_deref() != Some({}) {{ return; }}\n",
            lit(name)
        ));
    }
    let changes: Vec<typed::Change> = e
        .edits
        .iter()
        .map(|edit| {
            let path = edit
                .path
                .iter()
                .map(|s| match s {
                    Seg::Key(k) => typed::PathSeg::Key(k.clone()),
                    Seg::Index(i) => typed::PathSeg::Index(*i),
                })
                .collect();
            (path, edit.value.clone())
        })
        .collect();
    let stmts = typed::assign_all(definition, var, &changes).map_err(|err| {
        ImportError::Other(format!(
            "import: cannot write the edits of a {}: {err}",
            e.kind
        ))
    })?;
    body.push_str(&stmts);
    Ok(format!(
        "        .customize(|{var}: &mut {path}| {{\n{body}}})\n"
    ))
}
