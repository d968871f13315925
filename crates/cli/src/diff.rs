//! `kairn diff`: object-level differences between a fresh render and an earlier one (an
//! output tree such as `generated/`, an environment directory, a manifests bundle or a
//! package directory), as text, Markdown for a pull-request comment, or JSON. The logic
//! lives in [`ship::diff`]; this module picks what to render and prints the result.
//!
//! The fresh render is validated, but a render that fails validation is still compared
//! (a warning says so): a review of a change should see what the change does, and
//! `kairn check` is the gate that refuses it.
//!
//! Exit status: 0 no differences, 1 differences, 2 usage errors and unreadable input,
//! 74 output could not be written.

use std::collections::BTreeSet;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::Args;
use ship::diff::{
    diff, read_against, write_json, write_markdown, write_text, Snapshot, SourceKind,
};

use crate::console::{self, say};
use crate::emit::{fail, outputs, render_selected, validate_all};
use crate::report;
use crate::selection::targets;
use crate::{Select, EXIT_ERRORS, EXIT_USAGE};

/// Report format of `kairn diff`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, clap::ValueEnum)]
pub enum DiffFormat {
    /// Grouped by environment, one line per object and per changed field, then a summary line.
    #[default]
    Text,
    /// A heading and one collapsible ```diff block per environment, for a pull-request comment.
    Markdown,
    /// One JSON document (schema: `ship::diff::write_json`, version 1).
    Json,
}

/// Arguments of `kairn diff`.
#[derive(Args)]
pub struct DiffArgs {
    #[command(flatten)]
    pub select: Select,
    /// The earlier render: an output tree (generated/), one environment directory
    /// (generated/<app>/<env>), a manifests bundle (.tar.gz; app and environment from
    /// --app/--env or the index.json beside it) or a package directory (with index.json).
    #[arg(long, value_name = "PATH")]
    pub against: PathBuf,
    /// Report format.
    #[arg(long, value_enum, default_value_t)]
    pub format: DiffFormat,
}

/// The selections to render, after narrowing `old` to what they cover.
///
/// - With `--app` or `--env`, that selection, and of `old` only the environments it
///   names (a bundle or environment directory supplies what is not given).
/// - Without them, a bundle, environment directory or package is compared with a render
///   of exactly the environments it holds (those still declared: the objects of an
///   environment no longer declared show as removed); an application directory with a
///   render of that application; an output tree with a render of everything, so a new
///   application or environment shows as added.
fn scope(select: &Select, kind: SourceKind, old: &mut Snapshot) -> Result<Vec<Select>, String> {
    let narrowed = kind.is_single_environment() || kind == SourceKind::Package;
    if narrowed && select.app.is_none() && select.env.is_none() {
        let all = Select {
            inputs: select.inputs.clone(),
            ..Select::default()
        };
        let declared: BTreeSet<(String, String)> = targets(&all)
            .map_err(|e| e.0)?
            .into_iter()
            .map(|t| (t.app.to_owned(), t.environment))
            .collect();
        return Ok(old
            .environments
            .intersection(&declared)
            .map(|(app, env)| Select {
                app: Some(app.clone()),
                env: Some(env.clone()),
                inputs: select.inputs.clone(),
            })
            .collect());
    }
    let mut select = select.clone();
    if kind == SourceKind::AppDir && select.app.is_none() {
        select.app = old.environments.iter().next().map(|(app, _)| app.clone());
    }
    if kind.is_single_environment() {
        if let Some((app, env)) = old.environments.iter().next() {
            select.app.get_or_insert_with(|| app.clone());
            select.env.get_or_insert_with(|| env.clone());
        }
    }
    old.retain(|app, env| {
        select.app.as_deref().is_none_or(|a| a == app)
            && select.env.as_deref().is_none_or(|e| e == env)
    });
    Ok(vec![select])
}

/// Runs `diff`.
pub fn run(args: &DiffArgs) -> ExitCode {
    let (kind, mut old) = match read_against(
        &args.against,
        args.select.app.as_deref(),
        args.select.env.as_deref(),
    ) {
        Ok(read) => read,
        Err(e) => return fail(EXIT_USAGE, &[e.to_string()]),
    };
    let selections = match scope(&args.select, kind, &mut old) {
        Ok(s) => s,
        Err(e) => return fail(EXIT_USAGE, &[e]),
    };
    for note in &old.skipped {
        say!("warning: {note}: not compared");
    }

    let mut rendered = Vec::new();
    for select in &selections {
        match render_selected(select) {
            Ok(r) => rendered.extend(r),
            Err((code, errors)) => return fail(code, &errors),
        }
    }
    let findings = validate_all(&rendered);
    if findings.has_errors() {
        say!(
            "warning: the fresh render fails validation ({}); comparing it anyway (`kairn check` lists the findings)",
            report::summary(&findings)
        );
    }
    let fresh = match outputs(&rendered).map(|o| Snapshot::from_outputs(&o)) {
        Ok(Ok(s)) => s,
        Ok(Err(e)) => return fail(EXIT_ERRORS, &[e.to_string()]),
        Err((code, errors)) => return fail(code, &errors),
    };

    let result = diff(&old, &fresh);
    let against = args.against.display().to_string();
    let printed = console::stdout(|out| match args.format {
        DiffFormat::Text => write_text(out, &result, &against),
        DiffFormat::Markdown => write_markdown(out, &result, &against),
        DiffFormat::Json => write_json(out, &result, &against),
    });
    if let Err(code) = printed {
        return code;
    }
    if result.summary.has_differences() {
        ExitCode::from(EXIT_ERRORS)
    } else {
        ExitCode::SUCCESS
    }
}
