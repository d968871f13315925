//! The plan as Rust: one module per app, in the style of `crates/apps` (an `environments!`
//! enum, `Declaration::declare` with one exhaustive `match` where environments differ).

use std::collections::BTreeSet;
use std::fmt::Write as _;

use crate::plan::{AppPlan, CheckPlan, ComponentPlan, EnvPlan, ExtraPlan, HookPlan, KindEdits, PortPlan, WorkloadPlan};
use crate::residual::Seg;
use crate::typed;
use crate::ImportError;

/// `staging` → `Staging`, `prod-eu` → `ProdEu`.
pub fn camel(s: &str) -> String {
    let mut out = String::new();
    for part in s.split(|c: char| !c.is_ascii_alphanumeric()).filter(|p| !p.is_empty()) {
        let mut chars = part.chars();
        if let Some(first) = chars.next() {
            out.push(first.to_ascii_uppercase());
            out.extend(chars);
        }
    }
    if out.is_empty() || out.starts_with(|c: char| c.is_ascii_digit()) {
        out.insert(0, 'E');
    }
    out
}

fn snake(s: &str) -> String {
    let m = crate::engine::module_name(s);
    m.replace('.', "_")
}

fn lit(s: &str) -> String {
    format!("{s:?}")
}

/// The Rust module of one app.
pub fn app_module(plan: &AppPlan) -> Result<String, ImportError> {
    let mut w = Writer::default();
    let ty = camel(&plan.id);
    let envs: Vec<&str> = plan.envs.iter().map(|e| e.env.as_str()).collect();
    writeln!(
        w.head,
        "//! {}: imported by `kairn import` from {} ({} environment{}).\n//! What went where, and the hardening steps postponed: `import-report.md`.\n",
        plan.id,
        plan.origin,
        envs.len(),
        if envs.len() == 1 { "" } else { "s" }
    )
    .ok();
    w.line("environments! {");
    w.line(&format!("    /// The environments of {}, as the source has them.", plan.id));
    w.line("    pub enum Env {");
    for e in &envs {
        w.line(&format!("        {} => {},", camel(e), lit(e)));
    }
    w.line("    }\n}\n");
    w.line(&format!("/// The {} declaration.\npub struct {ty};\n\ndsl::register!({ty});\n", plan.id));
    w.line(&format!("impl Declaration for {ty} {{\n    type Env = Env;\n    const ID: &'static str = {};\n", lit(&plan.id)));
    w.line("    fn declare(env: Env, _inputs: &Inputs) -> Result<App, InputError> {");
    let namespaces: Vec<String> = plan.envs.iter().map(|e| format!("name!({})", lit(&e.namespace))).collect();
    w.line(&format!("        let namespace = {};", per_env(plan, &namespaces)));
    let mut app = String::from("        Ok(App::builder()\n            .name(name!(");
    app.push_str(&lit(&plan.id));
    app.push_str("))\n            .environment(env.name())\n            .namespace(namespace)\n");
    if let Some(p) = &plan.name_prefix {
        app.push_str(&format!("            .name_prefix(name!({}))\n", lit(p)));
    }
    if let Some(i) = &plan.instance {
        app.push_str(&format!("            .instance(name!({}))\n", lit(i)));
    }
    app.push_str("            .components(components(env))\n");
    if plan.envs.iter().any(|e| !e.secrets.is_empty()) {
        app.push_str("            .secrets(secrets(env))\n");
    }
    if plan.envs.iter().any(|e| !e.waivers.is_empty()) {
        app.push_str("            .waivers(waivers(env))\n");
    }
    if plan.envs.iter().any(|e| !e.extras.is_empty()) {
        app.push_str("            .extra_objects(extra_objects(env))\n");
    }
    app.push_str("            .build())\n    }\n}\n");
    w.line(&app);
    components(&mut w, plan)?;
    secrets(&mut w, plan);
    waivers(&mut w, plan);
    extras(&mut w, plan)?;
    let (body, uses) = typed::shorten(&w.body, DSL_NAMES);
    let mut out = w.head;
    out.push_str("use dsl::registry::{Declaration, InputError, Inputs};\nuse dsl::*;\n");
    for u in uses {
        out.push_str(&u);
        out.push('\n');
    }
    out.push('\n');
    out.push_str(&body);
    Ok(format_rust(&out))
}

/// Names the written module takes from `dsl::*` (and its own), which a k8s-openapi type
/// must not shadow.
const DSL_NAMES: &[&str] = &[
    "App", "BatchJob", "Check", "Component", "Env", "ExternalSecret", "ExtraObject", "Hook",
    "HttpService", "Image", "Kept", "Name", "NamedPort", "NodeAgent", "Port", "Probe", "Probes",
    "Replicas", "Resources", "ResourcesAsSource", "ScheduledJob", "StatefulService", "Worker",
    "Declaration", "InputError", "Inputs", "Container", "Volume", "Toleration", "EnvVar",
];

#[derive(Default)]
struct Writer {
    head: String,
    body: String,
}

impl Writer {
    fn line(&mut self, s: &str) {
        self.body.push_str(s);
        self.body.push('\n');
    }
}

/// One expression when every environment has the same, else a `match env`.
fn per_env(plan: &AppPlan, values: &[String]) -> String {
    if values.windows(2).all(|w| w[0] == w[1]) {
        return values[0].clone();
    }
    let mut s = String::from("match env {\n");
    for (e, v) in plan.envs.iter().zip(values) {
        s.push_str(&format!("Env::{} => {v},\n", camel(&e.env)));
    }
    s.push('}');
    s
}

/// `env`, or `_env` when every environment has the same value.
fn env_param(values: &[String]) -> &'static str {
    if values.windows(2).all(|w| w[0] == w[1]) {
        "_env"
    } else {
        "env"
    }
}

/// Present in some environments: the pattern that matches them.
fn env_pattern(plan: &AppPlan, present: &[bool]) -> Option<String> {
    if present.iter().all(|p| *p) {
        return None;
    }
    let arms: Vec<String> = plan
        .envs
        .iter()
        .zip(present)
        .filter(|(_, p)| **p)
        .map(|(e, _)| format!("Env::{}", camel(&e.env)))
        .collect();
    Some(arms.join(" | "))
}

fn components(w: &mut Writer, plan: &AppPlan) -> Result<(), ImportError> {
    // Components by name, in first-seen order.
    let mut names: Vec<String> = Vec::new();
    for e in &plan.envs {
        for c in &e.components {
            if !names.contains(&c.name) {
                names.push(c.name.clone());
            }
        }
    }
    let mut list = String::from("/// The components, per environment.\nfn components(env: Env) -> Vec<Component> {\n    let mut components = Vec::new();\n");
    let mut fns = String::new();
    for name in &names {
        let f = snake(name);
        let per: Vec<Option<&ComponentPlan>> = plan
            .envs
            .iter()
            .map(|e| e.components.iter().find(|c| &c.name == name))
            .collect();
        let present: Vec<bool> = per.iter().map(Option::is_some).collect();
        match env_pattern(plan, &present) {
            None => list.push_str(&format!("    components.push({f}(env));\n")),
            Some(p) => list.push_str(&format!("    if matches!(env, {p}) {{\n        components.push({f}(env));\n    }}\n")),
        }
        let bodies: Vec<Option<String>> = per
            .iter()
            .map(|c| c.map(component_body).transpose())
            .collect::<Result<_, _>>()?;
        let first = per.iter().flatten().next().expect("present somewhere");
        fns.push_str(&format!("\n/// `{name}`, from {}.\n", first.sources.join(", ")));
        fns.push_str(&format!("fn {f}(env: Env) -> Component {{\n"));
        let present_bodies: Vec<&String> = bodies.iter().flatten().collect();
        if present_bodies.windows(2).all(|p| p[0] == p[1]) {
            fns.push_str("    let _ = env;\n");
            fns.push_str(present_bodies[0]);
        } else {
            fns.push_str("    match env {\n");
            for (e, b) in plan.envs.iter().zip(&bodies) {
                match b {
                    Some(b) => fns.push_str(&format!("        Env::{} => {{\n{b}\n        }}\n", camel(&e.env))),
                    None => fns.push_str(&format!(
                        "        Env::{} => unreachable!(\"`{name}` is not part of this environment\"),\n",
                        camel(&e.env)
                    )),
                }
            }
            fns.push_str("    }\n");
        }
        fns.push_str("}\n");
    }
    list.push_str("    components\n}\n");
    w.line(&list);
    w.line(&fns);
    Ok(())
}

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
        CheckPlan::Http(path, port) => format!("Check::http(http_path!({}), &{})", lit(path), port_var(&port.0)),
        CheckPlan::Tcp(port) => format!("Check::tcp(&{})", port_var(&port.0)),
        CheckPlan::Exec(cmd) => format!(
            "Check::exec({}, [{}])",
            lit(&cmd[0]),
            cmd[1..].iter().map(|a| lit(a)).collect::<Vec<_>>().join(", ")
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

fn component_body(c: &ComponentPlan) -> Result<String, ImportError> {
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
        s.push_str(&format!("        .command(vec![{}])\n", strings(&c.command)));
    }
    if !c.args.is_empty() {
        s.push_str(&format!("        .args(vec![{}])\n", strings(&c.args)));
    }
    s.push_str(&format!("        .workload({workload})\n        .build(){into};\n"));
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
    v.iter().map(|a| format!("{}.into()", lit(a))).collect::<Vec<_>>().join(", ")
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
        "NetworkPolicy" => ("networking.k8s.io/v1", "dsl::k8s_openapi::api::networking::v1::NetworkPolicy"),
        "PodDisruptionBudget" => ("policy/v1", "dsl::k8s_openapi::api::policy::v1::PodDisruptionBudget"),
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
    let definition = typed::root_type(api_version, &e.kind)
        .ok_or_else(|| ImportError::Other(format!("import: no schema for {api_version} {}", e.kind)))?;
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
        body.push_str(&format!("if {var}.metadata.name.as_deref() != Some({}) {{ return; }}\n", lit(name)));
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
    let stmts = typed::assign_all(definition, var, &changes)
        .map_err(|err| ImportError::Other(format!("import: cannot write the edits of a {}: {err}", e.kind)))?;
    body.push_str(&stmts);
    Ok(format!("        .customize(|{var}: &mut {path}| {{\n{body}}})\n"))
}

fn secrets(w: &mut Writer, plan: &AppPlan) {
    if plan.envs.iter().all(|e| e.secrets.is_empty()) {
        return;
    }
    let values: Vec<String> = plan
        .envs
        .iter()
        .map(|e| {
            let items: Vec<String> = e
                .secrets
                .iter()
                .map(|(n, keys)| {
                    format!(
                        "ExternalSecret::new(name!({}), [{}])",
                        lit(n),
                        keys.iter().map(|k| format!("key!({})", lit(k))).collect::<Vec<_>>().join(", ")
                    )
                })
                .collect();
            format!("vec![{}]", items.join(",\n"))
        })
        .collect();
    w.line(&format!(
        "/// Secrets the app reads: created outside git (only their key names are here).\nfn secrets({}: Env) -> Vec<ExternalSecret> {{\n    {}\n}}\n",
        env_param(&values),
        per_env(plan, &values)
    ));
}

fn waivers(w: &mut Writer, plan: &AppPlan) {
    if plan.envs.iter().all(|e| e.waivers.is_empty()) {
        return;
    }
    let values: Vec<String> = plan
        .envs
        .iter()
        .map(|e| {
            let items: Vec<String> = e
                .waivers
                .iter()
                .map(|w| {
                    format!(
                        "dsl::validate::Waiver::new({}, {}, {}, {})",
                        lit(&w.rule),
                        lit(&w.kind),
                        lit(&w.name),
                        lit(&w.reason)
                    )
                })
                .collect();
            format!("vec![{}]", items.join(",\n"))
        })
        .collect();
    w.line(&format!(
        "/// What the source does that kairn would refuse, kept so the app runs as before: each is a\n/// hardening step (see `import-report.md`).\nfn waivers({}: Env) -> Vec<dsl::validate::Waiver> {{\n    {}\n}}\n",
        env_param(&values),
        per_env(plan, &values)
    ));
}

/// Schemas of a CRD this long or longer are written as functions ([`typed::expr_split`]):
/// one expression nested thirty deep takes rustfmt minutes, small functions seconds.
const SPLIT_AT: usize = 600;

fn extra_expr(x: &ExtraPlan) -> Result<String, ImportError> {
    Ok(match typed::root_type(&x.api_version, &x.kind) {
        Some(def) => {
            // Large schemas (a CRD's) as functions of their own, inside the expression's block.
            let (e, helpers) = typed::expr_split(def, &x.value, "schema", SPLIT_AT)
                .map_err(|err| ImportError::Object { at: x.at.clone(), message: err.to_string() })?;
            let call = if x.typed {
                format!("ExtraObject::new({e})")
            } else {
                // k8s-openapi types it, kairn's object graph does not: a typed custom object.
                format!("ExtraObject::custom(&{e})\n.expect(\"a {} serialises to an object\")", x.kind)
            };
            if helpers.is_empty() {
                call
            } else {
                format!("{{\n{}\n{call}\n}}", helpers.join("\n"))
            }
        }
        None => format!(
            "ExtraObject::json(dsl::serde_json::json!({}))\n.expect(\"a {} with apiVersion, kind and name\")",
            serde_json::to_string_pretty(&x.value).unwrap_or_default(),
            x.kind
        ),
    })
}

fn extras(w: &mut Writer, plan: &AppPlan) -> Result<(), ImportError> {
    if plan.envs.iter().all(|e| e.extras.is_empty()) {
        return Ok(());
    }
    // Objects by identity, in first-seen order; each written once per distinct content.
    let id = |x: &ExtraPlan| {
        (
            x.kind.clone(),
            x.value.pointer("/metadata/namespace").and_then(|v| v.as_str()).unwrap_or("").to_owned(),
            x.value.pointer("/metadata/name").and_then(|v| v.as_str()).unwrap_or("").to_owned(),
        )
    };
    let mut ids = Vec::new();
    for e in &plan.envs {
        for x in &e.extras {
            let i = id(x);
            if !ids.contains(&i) {
                ids.push(i);
            }
        }
    }
    let mut s = String::from("/// Objects kairn keeps as the source has them (kinds it has no component for).\nfn extra_objects(env: Env) -> Vec<ExtraObject> {\n    let _ = env;\n    let mut objects = Vec::new();\n");
    for i in &ids {
        let per: Vec<Option<&ExtraPlan>> = plan.envs.iter().map(|e| e.extras.iter().find(|x| &id(x) == i)).collect();
        let exprs: Vec<Option<String>> = per.iter().map(|x| x.map(extra_expr).transpose()).collect::<Result<_, _>>()?;
        let first = per.iter().flatten().next().expect("present");
        s.push_str(&format!("    // {} {} ({})\n", i.0, i.2, first.at));
        let present: Vec<&String> = exprs.iter().flatten().collect();
        if present.len() == exprs.len() && present.windows(2).all(|p| p[0] == p[1]) {
            s.push_str(&format!("    objects.push({});\n", present[0]));
        } else {
            s.push_str("    match env {\n");
            for (e, x) in plan.envs.iter().zip(&exprs) {
                match x {
                    Some(x) => s.push_str(&format!("        Env::{} => objects.push({x}),\n", camel(&e.env))),
                    None => s.push_str(&format!("        Env::{} => {{}}\n", camel(&e.env))),
                }
            }
            s.push_str("    }\n");
        }
    }
    s.push_str("    objects\n}\n");
    w.line(&s);
    Ok(())
}

/// Formats with rustfmt when it is installed (it is with every rustup toolchain).
pub fn format_rust(text: &str) -> String {
    use std::io::Write;
    use std::process::{Command, Stdio};
    let Ok(mut child) = Command::new("rustfmt")
        .args(["--edition", "2021", "--emit", "stdout"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
    else {
        return text.to_owned();
    };
    let mut stdin = child.stdin.take();
    let input = text.to_owned();
    let writer = std::thread::spawn(move || {
        if let Some(s) = stdin.as_mut() {
            let _ = s.write_all(input.as_bytes());
        }
    });
    let output = child.wait_with_output();
    let _ = writer.join();
    match output {
        Ok(o) if o.status.success() => String::from_utf8(o.stdout).unwrap_or_else(|_| text.to_owned()),
        _ => text.to_owned(),
    }
}

/// The plans' environments, in each app (for callers that need the list).
pub fn env_names(plan: &AppPlan) -> Vec<&str> {
    plan.envs.iter().map(|e: &EnvPlan| e.env.as_str()).collect()
}
