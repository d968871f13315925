//! `kairn package`: render and validate like `emit`, then write the release files of
//! every selected environment (Helm chart archives, manifests bundles, `SHA256SUMS`,
//! `index.json`, see [`ship::package`]) into one directory, switched into place in one
//! step. The directory must be empty or hold only files kairn wrote there.

use std::process::ExitCode;

use dsl::output::{write_dir, TreeError};
use ship::package::{build, PackageOptions};

use crate::console::{say, EXIT_IO};
use crate::emit::{fail, valid_outputs};
use crate::{PackageArgs, EXIT_ERRORS, EXIT_USAGE};

/// Runs `package`.
pub fn run(args: &PackageArgs) -> ExitCode {
    let mtime = match ship::archive::source_date_epoch() {
        Ok(t) => t,
        Err(e) => return fail(EXIT_USAGE, &[e]),
    };
    let outputs = match valid_outputs(&args.select) {
        Ok(o) => o,
        Err(code) => return code,
    };
    let opts = PackageOptions {
        version: args
            .chart_version
            .clone()
            .unwrap_or_else(ship::helm::default_version),
        source: args.source.clone(),
        revision: args.revision.clone(),
        mtime,
    };
    let files = match build(&outputs, &opts) {
        Ok(files) => files,
        Err(e) => return fail(EXIT_ERRORS, &[e.to_string()]),
    };
    let dir = &args.out;
    let waiting = || {
        say!(
            "waiting: another kairn run is writing next to {}; continuing when it finishes",
            dir.display()
        )
    };
    match write_dir(dir, &files, args.force, waiting) {
        Ok(report) => {
            for w in &report.warnings {
                say!("warning: {w}");
            }
            say!(
                "packaged {} environment(s) as version {} into {}: {} file(s), {} written, {} unchanged, {} removed",
                outputs.len(),
                opts.version,
                dir.display(),
                files.len(),
                report.written.len(),
                report.unchanged,
                report.removed.len()
            );
            ExitCode::SUCCESS
        }
        Err(TreeError::Conflicts(conflicts)) => {
            for c in &conflicts {
                say!("error: {c}");
            }
            fail(
                EXIT_ERRORS,
                &[format!(
                    "package stopped before writing anything: {} holds {} path(s) kairn did not write; choose an empty or new --out directory, or pass --force to keep them beside the package",
                    dir.display(),
                    conflicts.len()
                )],
            )
        }
        Err(e) => fail(
            EXIT_IO,
            &[
                e.to_string(),
                "the package directory holds either its previous or its new content; run package again once the cause is fixed".to_owned(),
            ],
        ),
    }
}
