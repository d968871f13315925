//! `kairn publish`: pushes the archives of a package directory to an OCI registry
//! (see [`ship::oci`]).
//!
//! Standard output gets one line per artifact, `oci://HOST/REPO:TAG@sha256:...`, printed
//! only once the registry has taken its manifest; a failure stops at that artifact with one
//! `error:` line naming the registry and the artifact. Exit status: 0 all published; 1 a
//! push failed or the package does not match its checksums; 2 usage errors (`--to` not
//! `oci://`, a bad `--created`, an unknown app or environment) and unreadable input (no
//! package, a version that is not SemVer); 74 standard output could not be written.

//!
//! The OCI client (oci-client, tokio, rustls, http) is linked only with the `publish`
//! feature of the `cli` package, which this repository's binary enables and a team's
//! repository does not by default (more than half the packages a team's binary would link):
//! without it, `publish` says which feature to enable and exits 2.

use std::path::PathBuf;
use std::process::ExitCode;
#[cfg(feature = "publish")]
use std::time::Instant;

use clap::Args;
#[cfg(feature = "publish")]
use ship::oci::{
    artifact, check_created, read_package, rfc3339_utc, Artifact, ArtifactOptions, Credentials,
    PackageError, Publisher, PushOptions, Target,
};

#[cfg(feature = "publish")]
use crate::console::{self, say};
use crate::emit::fail;
#[cfg(feature = "publish")]
use crate::EXIT_ERRORS;
use crate::EXIT_USAGE;

/// Environment variable with the creation time used when `--created` is not given.
#[cfg(feature = "publish")]
const SOURCE_DATE_EPOCH: &str = "SOURCE_DATE_EPOCH";

#[derive(Args)]
#[cfg_attr(not(feature = "publish"), allow(dead_code))]
pub struct PublishArgs {
    /// Package directory written by `kairn package --out DIR` (its index.json and
    /// SHA256SUMS are checked before anything is pushed).
    #[arg(long, value_name = "DIR")]
    pub from: PathBuf,
    /// Registry and path: oci://HOST[:PORT]/PATH. Charts go to PATH/<app>-<env>, manifests
    /// bundles to PATH/<app>-<env>-manifests, tagged with the package version.
    #[arg(long, value_name = "oci://HOST[:PORT]/PATH")]
    pub to: String,
    /// Talk plain HTTP instead of HTTPS (a loopback or test registry).
    #[arg(long)]
    pub plain_http: bool,
    /// The org.opencontainers.image.created annotation (RFC 3339) [default: from
    /// SOURCE_DATE_EPOCH; omitted if neither is given; never the clock].
    #[arg(long, value_name = "RFC3339")]
    pub created: Option<String>,
    /// Only this application's archives.
    #[arg(long)]
    pub app: Option<String>,
    /// Only this environment's archives.
    #[arg(long)]
    pub env: Option<String>,
}

/// Runs `publish` in a binary built without the `publish` feature: says how to get it.
#[cfg(not(feature = "publish"))]
pub fn run(_args: &PublishArgs) -> ExitCode {
    fail(
        EXIT_USAGE,
        &[
            "this kairn was built without the `publish` feature, which links the OCI client: \
             in the repository's Cargo.toml, add `features = [\"publish\"]` to the `kairn` \
             dependency (`kairn = { package = \"cli\", ..., features = [\"publish\"] }`) \
             and run the command again"
                .to_owned(),
        ],
    )
}

/// `--created`, else `SOURCE_DATE_EPOCH` as RFC 3339, else none.
#[cfg(feature = "publish")]
fn created(args: &PublishArgs) -> Result<Option<String>, String> {
    if let Some(c) = &args.created {
        check_created(c)?;
        return Ok(Some(c.clone()));
    }
    match std::env::var(SOURCE_DATE_EPOCH) {
        Ok(v) if !v.trim().is_empty() => v
            .trim()
            .parse::<u64>()
            .map_err(|_| format!("{SOURCE_DATE_EPOCH}={v:?} is not a number of seconds"))
            .and_then(|s| rfc3339_utc(s).map_err(|e| format!("{SOURCE_DATE_EPOCH}={v:?}: {e}")))
            .map(Some),
        _ => Ok(None),
    }
}

/// Whether `HOST[:PORT]` is this machine.
#[cfg(feature = "publish")]
fn is_loopback(registry: &str) -> bool {
    let host = registry
        .strip_prefix('[')
        .and_then(|r| r.split_once(']'))
        .map_or_else(|| registry.split(':').next().unwrap_or(""), |(h, _)| h);
    host == "localhost"
        || host
            .parse::<std::net::IpAddr>()
            .is_ok_and(|ip| ip.is_loopback())
}

/// Runs `publish`.
#[cfg(feature = "publish")]
pub fn run(args: &PublishArgs) -> ExitCode {
    let target = match Target::parse(&args.to) {
        Ok(t) => t,
        Err(e) => return fail(EXIT_USAGE, &[e]),
    };
    let created = match created(args) {
        Ok(c) => c,
        Err(e) => return fail(EXIT_USAGE, &[e]),
    };
    let package = match read_package(&args.from) {
        Ok(p) => p,
        Err(e @ PackageError::Unreadable(_)) => return fail(EXIT_USAGE, &[e.to_string()]),
        Err(e @ PackageError::Mismatch(_)) => return fail(EXIT_ERRORS, &[e.to_string()]),
    };
    let selected = match package.select(args.app.as_deref(), args.env.as_deref()) {
        Ok(s) => s,
        Err(e) => return fail(EXIT_USAGE, &[e]),
    };
    let opts = ArtifactOptions { created };
    let artifacts: Vec<Artifact> = match selected
        .iter()
        .map(|a| artifact(&package, a, &target, &opts))
        .collect()
    {
        Ok(a) => a,
        Err(e) => {
            return fail(
                EXIT_ERRORS,
                &[format!(
                    "{}: {e}; nothing was published",
                    args.from.display()
                )],
            )
        }
    };
    let credentials = match Credentials::lookup(&target.registry) {
        Ok(c) => c,
        Err(e) => return fail(EXIT_USAGE, &[e]),
    };
    if args.plain_http && credentials.is_some() && !is_loopback(&target.registry) {
        say!(
            "warning: --plain-http sends the registry credentials unencrypted to {}",
            target.registry
        );
    }
    let publisher = match Publisher::new(&PushOptions {
        plain_http: args.plain_http,
        credentials,
    }) {
        Ok(p) => p,
        Err(e) => return fail(EXIT_ERRORS, &[e]),
    };
    let start = Instant::now();
    for (n, a) in artifacts.iter().enumerate() {
        let digest = match publisher.push(a) {
            Ok(d) => d,
            Err(e) => {
                let before = if n == 0 {
                    "nothing was published".to_owned()
                } else {
                    format!(
                        "{n} of {} artifacts were published before it",
                        artifacts.len()
                    )
                };
                return fail(EXIT_ERRORS, &[format!("{e} ({before})")]);
            }
        };
        if let Err(code) = console::stdout(|out| writeln!(out, "{}@{digest}", a.reference())) {
            return code;
        }
    }
    say!(
        "published {} artifact(s) from {} to {target} in {:.2}s",
        artifacts.len(),
        args.from.display(),
        start.elapsed().as_secs_f64()
    );
    ExitCode::SUCCESS
}
