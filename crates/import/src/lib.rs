//! `kairn import`: existing Kubernetes manifests become typed kairn declarations.
//!
//! The flow, one module each:
//!
//! ```text
//! source   SourceApp { envs: [SourceEnv { objects: [SourceObject] }] }   (load/: YAML, kustomize, Helm, kairn output)
//!   │
//! recognize  objects → components of kairn's model (plan.rs: the import plan, one per app)
//!   │
//! build    plan → dsl::App per environment, rendered in process
//!   │
//! residual what the render does not reproduce → typed customize closures, extra objects,
//!   │      waivers with a reason naming the source
//! rust     plan → Rust source (typed/: k8s-openapi values as Rust expressions)
//!   │
//! report   per source object: where it went, what changed, hardening steps (Markdown, JSON)
//! ```
//!
//! `engine.rs` runs one app through it: `normalize.rs` types each document through its
//! k8s-openapi type (fields the type drops are reported); `recognize.rs` maps workloads to
//! components (Deployment with a selecting Service → `HttpService`, else `Worker`;
//! DaemonSet → `NodeAgent`; StatefulSet with a Service → `StatefulService`; Job →
//! `BatchJob`, a hook from Helm or Argo CD annotations; CronJob → `ScheduledJob`; Secrets
//! become `ExternalSecret` key names; Helm test hooks are left out; the rest are extra
//! objects); `build.rs` makes the plan a `dsl::App` with the calls the written Rust makes;
//! `pairing.rs` pairs each rendered object with its source object by name, role or
//! selection and keeps the source's names, labels and selectors; `residual.rs` turns what
//! differs into edits, and the engine renders again and checks that every paired object
//! equals its source. What the source does that kairn refuses is waived with the source's
//! file and line as the reason, except `duplicate-object`, `kept-identity` and
//! `dangling-reference`, which are never waived. `typed/` holds the Kubernetes 1.33 schema
//! table (`k8s-v1.33.json`, from `scripts/import-schema.py`, checked field by field against
//! k8s-openapi); `verify.rs` is the round-trip check `tests/import_roundtrip.rs` runs on
//! every set. Helm and kubectl are found through `KAIRN_HELM` / `KAIRN_KUBECTL`, else
//! `PATH` (`load/tool.rs`). The user's guide is `docs/adopting.md`.

pub mod build;
pub mod engine;
pub mod load;
pub mod normalize;
pub mod pairing;
pub mod plan;
pub mod recognize;
pub mod render;
pub mod report;
pub mod report_md;
pub mod residual;
pub mod rust;
pub mod source;
pub mod typed;
pub mod verify;

#[cfg(test)]
mod engine_tests;

use std::fmt;

pub use load::{load, LoadRequest};
pub use report::Report;
pub use source::{SourceApp, SourceEnv, SourceObject};

/// One app's declaration, as a module of the team crate.
#[derive(Clone, Debug, PartialEq)]
pub struct AppModule {
    /// Rust module name (`checkout`), also the file name `<module>.rs`.
    pub module: String,
    /// The app's id (`Declaration::ID`).
    pub id: String,
    /// The module's Rust text, formatted.
    pub source: String,
}

/// What an import produced: the app modules and the report.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Imported {
    /// One module per app, in the order given.
    pub apps: Vec<AppModule>,
    /// What went where.
    pub report: Report,
}

/// Settings of an import.
#[derive(Clone, Debug, PartialEq)]
pub struct Options {
    /// Name of the team crate the apps go into.
    pub team: String,
}

/// Why an import could not be done.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ImportError {
    /// A source object that cannot be read as what it claims to be.
    Object {
        /// `path:line`.
        at: String,
        /// What is wrong.
        message: String,
    },
    /// Anything else, one line.
    Other(String),
}

impl fmt::Display for ImportError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ImportError::Object { at, message } => write!(f, "{at}: {message}"),
            ImportError::Other(message) => f.write_str(message),
        }
    }
}

impl std::error::Error for ImportError {}

/// Turns the apps into declarations and a report (the engine; see the module list above).
pub fn import(apps: &[SourceApp], options: &Options) -> Result<Imported, ImportError> {
    let _ = &options.team;
    // Apps are independent: each is imported on its own thread, and its module formatted
    // while the others go on (rustfmt is the larger part of an import's time: see
    // [`rust::Formatter`]).
    let formatter = rust::Formatter::new(rust::rustfmt_command());
    let indexed: Vec<(usize, &SourceApp)> = apps.iter().enumerate().collect();
    let done = dsl::parallel::map(&indexed, |&(index, app)| {
        let mut report = Report::default();
        let plan = engine::import_app(app, &mut report)?;
        formatter.add(index, rust::app_module(&plan)?);
        let yaml_lines: usize = app
            .envs
            .iter()
            .flat_map(|e| &e.objects)
            .map(|o| dsl::yaml::to_yaml(&o.value).map_or(0, |s| s.lines().count()))
            .sum();
        report.lines.1 += yaml_lines;
        Ok::<_, ImportError>((plan, report))
    });
    let mut report = Report::default();
    let mut seen = std::collections::BTreeSet::new();
    let mut plans = Vec::new();
    for (index, result) in done.into_iter().enumerate() {
        let (plan, part) = result?;
        if !seen.insert(plan.id.clone()) {
            return Err(ImportError::Other(format!(
                "import: two sources make the app `{}`: give one of them another name (--app)",
                plan.id
            )));
        }
        report.merge(part);
        plans.push((index, plan));
    }
    let mut formatted = formatter.finish();
    let mut modules = Vec::new();
    for (index, plan) in plans {
        let source = formatted.remove(&index).ok_or_else(|| {
            ImportError::Other(format!(
                "import: the module of `{}` went missing while it was formatted (a bug in kairn import)",
                plan.id
            ))
        })?;
        report.lines.0 += source.lines().count();
        modules.push(AppModule {
            module: plan.module.clone(),
            id: plan.id.clone(),
            source,
        });
    }
    Ok(Imported {
        apps: modules,
        report,
    })
}
