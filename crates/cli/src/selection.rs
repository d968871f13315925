//! Resolves `--app`, `--env` and `--set` into declared applications.

use std::collections::BTreeMap;

use crate::{registry, AppEntry, Inputs};
use dsl::App;

use crate::Select;

/// A usage error: unknown app, environment or input. Exit code 2.
#[derive(Debug)]
pub struct UsageError(pub String);

/// One selected application environment.
pub struct Target {
    pub app: &'static str,
    pub environment: String,
    pub entry: AppEntry,
}

/// The application environments a selection names, in a stable order.
pub fn targets(select: &Select) -> Result<Vec<Target>, UsageError> {
    let all = registry();
    let ids: Vec<&str> = all.iter().map(|a| a.id).collect();
    let entries: Vec<AppEntry> = match &select.app {
        Some(id) => match all.iter().find(|a| a.id == id) {
            Some(a) => vec![*a],
            None => {
                return Err(UsageError(format!(
                    "unknown app `{id}`; declared apps: {}",
                    ids.join(", ")
                )))
            }
        },
        None => all.clone(),
    };
    let mut out = Vec::new();
    for entry in &entries {
        let envs: Vec<String> = entry.environments().iter().map(|e| e.to_string()).collect();
        match &select.env {
            Some(env) if envs.contains(env) => out.push(Target {
                app: entry.id,
                environment: env.clone(),
                entry: *entry,
            }),
            Some(_) => {}
            None => out.extend(envs.into_iter().map(|environment| Target {
                app: entry.id,
                environment,
                entry: *entry,
            })),
        }
    }
    if out.is_empty() {
        let env = select.env.as_deref().unwrap_or_default();
        let known: Vec<String> = entries
            .iter()
            .map(|e| {
                let envs: Vec<String> = e.environments().iter().map(|n| n.to_string()).collect();
                format!("{} ({})", e.id, envs.join(", "))
            })
            .collect();
        return Err(UsageError(format!(
            "unknown environment `{env}`; declared: {}",
            known.join("; ")
        )));
    }
    let mut seen: Vec<&str> = Vec::new();
    for (key, _) in &select.inputs {
        if seen.contains(&key.as_str()) {
            let values: Vec<String> = select
                .inputs
                .iter()
                .filter(|(k, _)| k == key)
                .map(|(_, v)| format!("`{v}`"))
                .collect();
            return Err(UsageError(format!(
                "input `{key}` is given {} times ({}); give each --set key once",
                values.len(),
                values.join(", ")
            )));
        }
        seen.push(key);
    }
    let accepted: Vec<&str> = entries
        .iter()
        .flat_map(|e| e.inputs.iter().map(|i| i.key))
        .collect();
    for (key, _) in &select.inputs {
        if !accepted.contains(&key.as_str()) {
            return Err(UsageError(format!(
                "unknown input `{key}` for the selected apps; accepted: {}",
                if accepted.is_empty() {
                    "none".to_owned()
                } else {
                    accepted.join(", ")
                }
            )));
        }
    }
    Ok(out)
}

/// The inputs given with `--set` ([`targets`] has rejected a repeated key).
pub fn inputs(select: &Select) -> Inputs {
    Inputs::new(select.inputs.iter().cloned().collect::<BTreeMap<_, _>>())
}

/// Declares every target; all input errors are reported together.
pub fn declare(targets: &[Target], inputs: &Inputs) -> Result<Vec<(String, App)>, Vec<String>> {
    let mut apps = Vec::new();
    let mut errors = Vec::new();
    for t in targets {
        match t.entry.declare(&t.environment, inputs) {
            Some(Ok(app)) => apps.push((t.app.to_owned(), app)),
            Some(Err(e)) => errors.push(e.to_string()),
            None => errors.push(format!("{}: no environment `{}`", t.app, t.environment)),
        }
    }
    if errors.is_empty() {
        Ok(apps)
    } else {
        Err(errors)
    }
}
