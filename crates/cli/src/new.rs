//! `kairn new DIR`: creates a team's kairn repository, laid out like
//! `examples/standalone/`: a workspace of its own (`Cargo.toml`, a one-line `src/main.rs`),
//! one team crate under `teams/` with a first app (an HTTP API in two environments that
//! validates with no findings), a CI workflow running `cargo run -- check`, `.gitignore`
//! and a README.
//!
//! The files are the templates under `crates/cli/template/` (real files, reviewed like
//! code), with `{{key}}` placeholders filled in here. kairn is a path dependency on the
//! checkout this binary was built from, unless `--kairn-git URL --kairn-rev REV` is given.
//! `Cargo.lock` starts as kairn's own, so the first build uses the versions kairn is
//! tested with.
//!
//! DIR must not exist, or be an empty directory (a `.git` directory alone counts as
//! empty, so a freshly cloned empty repository works). Nothing is written otherwise
//! (exit 2). The files are written into a staging directory first and moved into place
//! when complete, so an interrupted or failed run leaves no partial repository.
//!
//! The template (shared with `kairn import` through `team_workspace.rs`) holds the workspace
//! `Cargo.toml`, `src/main.rs`, a team crate with a first app, the CI workflow and the
//! README. `template/profile.toml` is the dev profile every kairn workspace's `Cargo.toml`
//! ends with, kairn's own and `examples/standalone/`'s included (a unit test keeps them
//! equal): it optimises what `emit` runs (`k8s-openapi`, `serde-saphyr`, `granit-parser`,
//! `sha2` at 2; `dsl`, `lint` at 1) while the app crates, which change, stay at
//! `opt-level = 0` and compile fast, with line tables as their only debug info so that the
//! binary a one-line edit relinks stays small (see `docs/performance.md`). The `publish`
//! feature (the OCI stack) is off in a team's repository; `admission` is on.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::Args;

use crate::console::{say, EXIT_IO};
use crate::emit::fail;
#[cfg(test)]
use crate::team_workspace::PROFILE;
use crate::team_workspace::{
    camel_case, kairn_source, parse_app, parse_team, Source, Workspace, WriteError,
};
use crate::EXIT_USAGE;

const APP_RS: &str = include_str!("../template/team/src/app.rs");

#[derive(Args, Debug)]
pub struct NewArgs {
    /// The repository to create: a directory that does not exist yet, or an empty one
    /// (holding at most `.git`).
    #[arg(value_name = "DIR")]
    pub dir: PathBuf,
    /// The first app's name (a DNS label of at most 40 characters, e.g. `bookstore`).
    #[arg(long, value_name = "NAME", default_value = "hello", value_parser = parse_app)]
    pub app: String,
    /// The team crate's name, under teams/ (lower case letters, digits, `-` and `_`).
    #[arg(long, value_name = "NAME", default_value = "team", value_parser = parse_team)]
    pub team: String,
    /// Depend on kairn through this git repository instead of a path to this checkout
    /// (needs --kairn-rev).
    #[arg(long, value_name = "URL", requires = "kairn_rev")]
    pub kairn_git: Option<String>,
    /// The git revision of --kairn-git to pin (a commit id or tag).
    #[arg(long, value_name = "REV", requires = "kairn_git")]
    pub kairn_rev: Option<String>,
}

/// What to create.
#[derive(Clone, Debug)]
pub struct Template {
    /// The first app's name (checked by [`parse_app`]).
    pub app: String,
    /// The team crate's name (checked by [`parse_team`]).
    pub team: String,
    /// Where kairn comes from.
    pub source: Source,
}

impl Template {
    /// Every file of the repository: path relative to its root, and content.
    pub fn files(&self) -> Vec<(PathBuf, String)> {
        let module = self.app.replace('-', "_");
        let modules = [module.clone()];
        let workspace = Workspace {
            team: &self.team,
            source: &self.source,
            modules: &modules,
            teams: &[],
        };
        let app = workspace.fill(
            APP_RS,
            &[
                ("{{app_type}}", camel_case(&self.app)),
                ("{{app}}", self.app.clone()),
            ],
        );
        let mut files = workspace.files();
        files.push((
            workspace
                .team_dir()
                .join("src")
                .join(format!("{module}.rs")),
            app,
        ));
        files
    }
}

/// Why `kairn new` did not create the repository.
pub type NewError = WriteError;

/// Creates the repository `template` describes in `dir`; on any failure nothing is left
/// behind (DIR itself, if it existed, is left as it was).
pub fn create(dir: &Path, template: &Template) -> Result<PathBuf, NewError> {
    crate::team_workspace::create(dir, &template.files(), "kairn new")
}

/// Runs `kairn new`.
pub fn run(args: &NewArgs) -> ExitCode {
    let source = match kairn_source(args.kairn_git.as_deref(), args.kairn_rev.as_deref()) {
        Ok(source) => source,
        Err(why) => return fail(EXIT_USAGE, &[why]),
    };
    let template = Template {
        app: args.app.clone(),
        team: args.team.clone(),
        source,
    };
    match create(&args.dir, &template) {
        Ok(dir) => {
            let shown = dir.display();
            say!(
                "created {shown}: team crate teams/{}, app `{}` (staging, production)",
                template.team,
                template.app
            );
            say!("next: cd {shown} && cargo run -- emit   (then commit, CI runs `cargo run -- check`)");
            ExitCode::SUCCESS
        }
        Err(NewError::Refused(why)) => fail(EXIT_USAGE, &[why]),
        Err(NewError::Io(why)) => fail(EXIT_IO, &[why]),
    }
}

#[cfg(test)]
#[path = "new_tests.rs"]
mod tests;
