//! The plan as Rust: one module per app, in the style of `crates/apps` (an `environments!`
//! enum, `Declaration::declare` with one exhaustive `match` where environments differ).

use std::collections::BTreeSet;
use std::fmt::Write as _;

mod component;
mod format;

use component::component_body;
pub use format::Formatter;

use crate::plan::{AppPlan, ComponentPlan, EnvPlan, ExtraPlan};
use crate::typed;
use crate::ImportError;

/// `staging` → `Staging`, `prod-eu` → `ProdEu`.
pub fn camel(s: &str) -> String {
    let mut out = String::new();
    for part in s
        .split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|p| !p.is_empty())
    {
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
    w.line(&format!(
        "    /// The environments of {}, as the source has them.",
        plan.id
    ));
    w.line("    pub enum Env {");
    for e in &envs {
        w.line(&format!("        {} => {},", camel(e), lit(e)));
    }
    w.line("    }\n}\n");
    w.line(&format!(
        "/// The {} declaration.\npub struct {ty};\n\ndsl::register!({ty});\n",
        plan.id
    ));
    w.line(&format!(
        "impl Declaration for {ty} {{\n    type Env = Env;\n    const ID: &'static str = {};\n",
        lit(&plan.id)
    ));
    w.line("    fn declare(env: Env, _inputs: &Inputs) -> Result<App, InputError> {");
    let namespaces: Vec<String> = plan
        .envs
        .iter()
        .map(|e| format!("name!({})", lit(&e.namespace)))
        .collect();
    w.line(&format!(
        "        let namespace = {};",
        per_env(plan, &namespaces)
    ));
    let mut app = String::from("        Ok(App::builder()\n            .name(name!(");
    app.push_str(&lit(&plan.id));
    app.push_str("))\n            .environment(env.name())\n            .namespace(namespace)\n");
    for (field, values) in [
        (
            "name_prefix",
            plan.envs
                .iter()
                .map(|e| e.name_prefix.clone())
                .collect::<Vec<_>>(),
        ),
        (
            "instance",
            plan.envs.iter().map(|e| e.instance.clone()).collect(),
        ),
    ] {
        if values.iter().all(Option::is_none) {
            continue;
        }
        if values.iter().all(Option::is_some) {
            let names: Vec<String> = values
                .iter()
                .flatten()
                .map(|v| format!("name!({})", lit(v)))
                .collect();
            app.push_str(&format!(
                "            .{field}({})\n",
                per_env(plan, &names)
            ));
        } else {
            return Err(ImportError::Other(format!(
                "import: {}: some environments have a {field} and others none; import them as separate apps",
                plan.id
            )));
        }
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
    Ok(out)
}

/// Names the written module takes from `dsl::*` (and its own), which a k8s-openapi type
/// must not shadow.
const DSL_NAMES: &[&str] = &[
    "App",
    "BatchJob",
    "Check",
    "Component",
    "Env",
    "ExternalSecret",
    "ExtraObject",
    "Hook",
    "HttpService",
    "Image",
    "Kept",
    "Name",
    "NamedPort",
    "NodeAgent",
    "Port",
    "Probe",
    "Probes",
    "Replicas",
    "Resources",
    "ResourcesAsSource",
    "ScheduledJob",
    "StatefulService",
    "Worker",
    "Declaration",
    "InputError",
    "Inputs",
    "Container",
    "Volume",
    "Toleration",
    "EnvVar",
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
    let mut images_consts = String::new();
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
            Some(p) => list.push_str(&format!(
                "    if matches!(env, {p}) {{\n        components.push({f}(env));\n    }}\n"
            )),
        }
        let mut bodies: Vec<Option<String>> = per
            .iter()
            .map(|c| c.map(component_body).transpose())
            .collect::<Result<_, _>>()?;
        // One image in every environment: a named constant, as the apps of `crates/apps` have.
        let images: BTreeSet<&str> = per.iter().flatten().map(|c| c.image.as_str()).collect();
        if let [image] = images.into_iter().collect::<Vec<_>>()[..] {
            let constant = format!("{}_IMAGE", f.to_ascii_uppercase());
            let call = format!(".image(image!({}))\n", lit(image));
            for body in bodies.iter_mut().flatten() {
                *body = body.replacen(&call, &format!(".image({constant})\n"), 1);
            }
            images_consts.push_str(&format!(
                "const {constant}: Image = image!({});\n",
                lit(image)
            ));
        }
        let first = per.iter().flatten().next().expect("present somewhere");
        fns.push_str(&format!(
            "\n/// `{name}`, from {}.\n",
            first.sources.join(", ")
        ));
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
    if !images_consts.is_empty() {
        w.line(&format!(
            "/// The components' images, as the source has them.\n{images_consts}"
        ));
    }
    w.line(&list);
    w.line(&fns);
    Ok(())
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
                        keys.iter()
                            .map(|k| format!("key!({})", lit(k)))
                            .collect::<Vec<_>>()
                            .join(", ")
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

/// Schemas of a CRD this long or longer are written as functions ([`typed::expr_split_module`]):
/// one expression nested thirty deep takes rustc and rustfmt minutes, small functions seconds.
const SPLIT_AT: usize = 600;

/// The module the large schemas go in: rustfmt skips it (see [`SCHEMAS_DOC`]).
const SCHEMAS: &str = "schemas";

const SCHEMAS_DOC: &str =
    "/// The CRDs' schemas, one function per large schema. Laid out by `kairn import` rather than
/// rustfmt: their description lines are longer than rustfmt's 100 columns, which it cannot
/// break, so it would spend seconds on them to change nothing.";

/// The expression of one extra object, laid out for indentation `ind`, and what it needs at
/// module level: the schema functions it calls (`prefix_1`, ..) and its long texts as
/// constants (names unique against `consts`).
fn extra_expr(
    x: &ExtraPlan,
    prefix: &str,
    ind: usize,
    consts: &mut std::collections::BTreeSet<String>,
) -> Result<typed::ModuleExpr, ImportError> {
    Ok(match typed::root_type(&x.api_version, &x.kind) {
        Some(def) => {
            let name = x
                .value
                .pointer("/metadata/name")
                .and_then(|v| v.as_str())
                .unwrap_or(&x.kind);
            let label = format!("{} `{name}`", x.kind);
            let const_prefix = snake(name).to_ascii_uppercase();
            // A CRD's descriptions stay where they are read (in the schemas module).
            let hoist = (x.kind != "CustomResourceDefinition").then_some((const_prefix.as_str(), label.as_str()));
            let layout = typed::ModuleLayout { prefix, min: SPLIT_AT, module: SCHEMAS, ind, hoist };
            let mut out = typed::expr_split_module(def, &x.value, &layout, consts)
                .map_err(|err| ImportError::Object { at: x.at.clone(), message: err.to_string() })?;
            let e = &out.expr;
            out.expr = if x.typed {
                format!("ExtraObject::new({e})")
            } else {
                // k8s-openapi types it, kairn's object graph does not: a typed custom object.
                format!("ExtraObject::custom(&{e})\n.expect(\"a {} serialises to an object\")", x.kind)
            };
            out
        }
        // rustfmt leaves a `json!` body as written: laid out here, where rustfmt puts the call
        // (`objects.push(` and the call on lines of their own, one step in).
        None => typed::ModuleExpr {
            expr: format!(
                "ExtraObject::json(dsl::serde_json::json!({}))\n.expect(\"a {} with apiVersion, kind and name\")",
                typed::json_body(&x.value, ind + 4),
                x.kind
            ),
            ..Default::default()
        },
    })
}

/// A name for an object's schema functions, unique in the app: the CRD's plural
/// (`clusters.postgresql.cnpg.io` → `clusters`), else the kind.
fn schema_prefix(x: &ExtraPlan, taken: &mut std::collections::BTreeSet<String>) -> String {
    let name = x
        .value
        .pointer("/metadata/name")
        .and_then(|v| v.as_str())
        .and_then(|n| n.split('.').next())
        .filter(|_| x.kind == "CustomResourceDefinition")
        .unwrap_or(&x.kind);
    unique(snake(name), taken)
}

/// `base`, or `base_v2`, `base_v3`, .. when taken.
fn unique(base: String, taken: &mut std::collections::BTreeSet<String>) -> String {
    let mut prefix = base.clone();
    let mut n = 2;
    while !taken.insert(prefix.clone()) {
        prefix = format!("{base}_v{n}");
        n += 1;
    }
    prefix
}

fn extras(w: &mut Writer, plan: &AppPlan) -> Result<(), ImportError> {
    if plan.envs.iter().all(|e| e.extras.is_empty()) {
        return Ok(());
    }
    // Objects by identity, in first-seen order; each written once per distinct content.
    let id = |x: &ExtraPlan| {
        (
            x.kind.clone(),
            x.value
                .pointer("/metadata/namespace")
                .and_then(|v| v.as_str())
                .unwrap_or("")
                .to_owned(),
            x.value
                .pointer("/metadata/name")
                .and_then(|v| v.as_str())
                .unwrap_or("")
                .to_owned(),
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
    let mut taken = std::collections::BTreeSet::new();
    let mut const_names = std::collections::BTreeSet::new();
    let mut schema_fns = Vec::new();
    let mut consts = Vec::new();
    let mut s = String::from("/// Objects kairn keeps as the source has them (kinds it has no component for).\nfn extra_objects(env: Env) -> Vec<ExtraObject> {\n    let _ = env;\n    let mut objects = Vec::new();\n");
    for i in &ids {
        let per: Vec<Option<&ExtraPlan>> = plan
            .envs
            .iter()
            .map(|e| e.extras.iter().find(|x| &id(x) == i))
            .collect();
        let first = per.iter().flatten().next().expect("present");
        let prefix = schema_prefix(first, &mut taken);
        // The same for every environment: one expression (at indentation 4); else a
        // `match env` arm each (at 8), each with schema functions of its own.
        let same = per.iter().all(Option::is_some)
            && per
                .windows(2)
                .all(|p| p[0].map(|x| &x.value) == p[1].map(|x| &x.value));
        s.push_str(&format!("    // {} {} ({})\n", i.0, i.2, first.at));
        if same {
            let out = extra_expr(first, &prefix, 4, &mut const_names)?;
            schema_fns.extend(out.fns);
            consts.extend(out.consts);
            s.push_str(&format!("    objects.push({});\n", out.expr));
        } else {
            s.push_str("    match env {\n");
            for (e, x) in plan.envs.iter().zip(&per) {
                match x {
                    Some(x) => {
                        let env_prefix = unique(format!("{prefix}_{}", snake(&e.env)), &mut taken);
                        let out = extra_expr(x, &env_prefix, 8, &mut const_names)?;
                        schema_fns.extend(out.fns);
                        consts.extend(out.consts);
                        s.push_str(&format!(
                            "        Env::{} => objects.push({}),\n",
                            camel(&e.env),
                            out.expr
                        ))
                    }
                    None => s.push_str(&format!("        Env::{} => {{}}\n", camel(&e.env))),
                }
            }
            s.push_str("    }\n");
        }
    }
    s.push_str("    objects\n}\n");
    for c in consts {
        s.push('\n');
        s.push_str(&c);
    }
    if !schema_fns.is_empty() {
        s.push_str(&format!(
            "\n{SCHEMAS_DOC}\n#[rustfmt::skip]\nmod {SCHEMAS} {{\n    use super::*;\n\n{}}}\n",
            schema_fns.join("\n")
        ));
    }
    w.line(&s);
    Ok(())
}

/// The rustfmt to run: `$RUSTFMT`, else the active toolchain's binary (`rustup which
/// rustfmt`: no proxy start per file), else `rustfmt` on `PATH`.
pub fn rustfmt_command() -> std::path::PathBuf {
    if let Some(path) = std::env::var_os("RUSTFMT") {
        return path.into();
    }
    let which = std::process::Command::new("rustup")
        .args(["which", "rustfmt"])
        .stderr(std::process::Stdio::null())
        .output();
    match which {
        Ok(o) if o.status.success() => {
            let path = String::from_utf8_lossy(&o.stdout).trim().to_owned();
            if path.is_empty() {
                "rustfmt".into()
            } else {
                path.into()
            }
        }
        _ => "rustfmt".into(),
    }
}

/// The plans' environments, in each app (for callers that need the list).
pub fn env_names(plan: &AppPlan) -> Vec<&str> {
    plan.envs.iter().map(|e: &EnvPlan| e.env.as_str()).collect()
}
