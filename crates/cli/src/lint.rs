//! `kairn lint PATH...`: the validator over existing YAML (Helm or kustomize output,
//! hand-written manifests), all paths as one set.

use std::io::Read;
use std::path::PathBuf;
use std::process::ExitCode;

use dsl::validate::{self, Context, LoadError, Loaded};

use crate::console::{self, say};
use crate::report::{self, Format};
use crate::{EXIT_ERRORS, EXIT_USAGE};

/// `lint` options.
#[derive(clap::Args, Debug)]
pub struct LintArgs {
    /// YAML files or directories (searched recursively for *.yaml and *.yml); `-` reads standard input.
    #[arg(required = true, value_name = "PATH")]
    pub paths: Vec<PathBuf>,
    /// Output format of the findings.
    #[arg(long, value_enum, default_value_t = Format::Text)]
    pub format: Format,
    /// Environment the manifests are for; `development` allows `latest` images.
    #[arg(long, value_name = "NAME")]
    pub environment: Option<String>,
    /// Namespace Prometheus scrapes from (repeatable; default: monitoring, prometheus, observability, ...).
    #[arg(long = "prometheus-namespace", value_name = "NAMESPACE")]
    pub prometheus_namespaces: Vec<String>,
}

/// Reads every path; unreadable and malformed inputs are returned as errors.
pub fn load(paths: &[PathBuf]) -> (Loaded, Vec<LoadError>) {
    let mut loaded = Loaded::default();
    let mut errors = Vec::new();
    let mut files = Vec::new();
    for p in paths {
        if p.as_os_str() == "-" {
            let mut text = String::new();
            match std::io::stdin().read_to_string(&mut text) {
                Ok(_) => match validate::parse_str("<stdin>", &text) {
                    Ok(l) => {
                        loaded.documents.extend(l.documents);
                        loaded.skipped.extend(l.skipped);
                    }
                    Err(e) => errors.push(e),
                },
                Err(e) => errors.push(LoadError {
                    file: "<stdin>".into(),
                    line: None,
                    message: format!("cannot read: {e}"),
                }),
            }
            continue;
        }
        match validate::collect_files(std::slice::from_ref(p)) {
            Ok(found) if found.is_empty() => errors.push(LoadError {
                file: p.display().to_string(),
                line: None,
                message: "no *.yaml or *.yml files found".into(),
            }),
            Ok(found) => files.extend(found),
            Err(e) => errors.push(e),
        }
    }
    let (l, errs) = validate::load_files(&files);
    loaded.documents.extend(l.documents);
    loaded.skipped.extend(l.skipped);
    errors.extend(errs);
    (loaded, errors)
}

/// Runs `lint`.
pub fn run(args: &LintArgs) -> ExitCode {
    let (loaded, load_errors) = load(&args.paths);
    let mut ctx = Context::lint();
    ctx.environment = args.environment.clone();
    if !args.prometheus_namespaces.is_empty() {
        ctx.prometheus_namespaces = args.prometheus_namespaces.clone();
    }
    let report = validate::lint(&loaded, &ctx);
    let mut notes = Vec::new();
    let _ = report::write_notes(&mut notes, &report);
    if !notes.is_empty() {
        say!("{}", String::from_utf8_lossy(&notes).trim_end_matches('\n'));
    }
    for e in &load_errors {
        say!("error: {e}");
    }
    let written = console::stdout(|out| match args.format {
        Format::Json => report::write_json(out, &report),
        Format::Text => report::write_text(out, &report),
    });
    if let Err(code) = written {
        return code;
    }
    say!(
        "linted {} object(s): {}",
        loaded.documents.len(),
        report::summary(&report)
    );
    ExitCode::from(exit_code(&load_errors, &report))
}

/// 2 when any input is unreadable or malformed, else 1 when errors were found, else 0.
fn exit_code(load_errors: &[LoadError], report: &validate::Report) -> u8 {
    if !load_errors.is_empty() {
        EXIT_USAGE
    } else if report.has_errors() {
        EXIT_ERRORS
    } else {
        0
    }
}

#[cfg(test)]
mod tests {
    use std::fs;

    use super::*;

    fn temp_dir(name: &str) -> PathBuf {
        let dir = std::env::temp_dir().join(format!("kairn-lint-{name}-{}", std::process::id()));
        let _ = fs::remove_dir_all(&dir);
        fs::create_dir_all(dir.join("sub")).unwrap();
        dir
    }

    #[test]
    fn directories_are_read_recursively_and_malformed_files_are_named() {
        let dir = temp_dir("load");
        fs::write(dir.join("a.yaml"), "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a, namespace: ns}\n---\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: b, namespace: ns}\n").unwrap();
        fs::write(
            dir.join("sub/b.yml"),
            "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c, namespace: ns}\n",
        )
        .unwrap();
        fs::write(dir.join("notes.txt"), "not yaml: [").unwrap();
        let (loaded, errors) = load(std::slice::from_ref(&dir));
        assert!(errors.is_empty(), "{errors:?}");
        assert_eq!(loaded.documents.len(), 3);
        let report = validate::lint(&loaded, &Context::lint());
        assert_eq!(exit_code(&errors, &report), 0);

        fs::write(dir.join("sub/bad.yaml"), "a: 1\nb: [1, 2\n").unwrap();
        let (_, errors) = load(std::slice::from_ref(&dir));
        assert_eq!(errors.len(), 1);
        assert!(
            errors[0].file.ends_with("bad.yaml") && errors[0].line.is_some(),
            "{:?}",
            errors[0]
        );
        assert_eq!(exit_code(&errors, &report), 2);

        let (_, errors) = load(&[dir.join("does-not-exist")]);
        assert_eq!(errors.len(), 1);
        let _ = fs::remove_dir_all(&dir);
    }

    #[test]
    fn errors_exit_1_and_warnings_exit_0() {
        let warn = validate::parse_str(
            "w.yaml",
            "apiVersion: v1\nkind: Namespace\nmetadata: {name: ns}\n",
        )
        .unwrap();
        let report = validate::lint(&warn, &Context::lint());
        assert!(!report.findings.is_empty());
        assert_eq!(exit_code(&[], &report), 0);
        let err = validate::parse_str(
            "e.yaml",
            "apiVersion: v1\nkind: Secret\nmetadata: {name: s, namespace: ns}\nstringData: {k: v}\n",
        )
        .unwrap();
        assert_eq!(exit_code(&[], &validate::lint(&err, &Context::lint())), 1);
    }
}
