//! `kairn`: emits validated Kubernetes YAML from the applications declared in Rust.

mod check;
mod emit;
mod lint;
mod list;
mod report;
mod selection;

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Args, Parser, Subcommand};

/// kairn: typed Kubernetes applications in Rust, emitted as validated, deterministic YAML.
#[derive(Parser)]
#[command(name = "kairn", version, about, long_about = None)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Render the declared applications and write generated/<app>/<env>/ (one file per object plus kustomization.yaml).
    Emit(EmitArgs),
    /// List the declared applications, their environments and the inputs they accept.
    List,
    /// Run the validator over existing YAML files or directories (one set); exit 1 on errors, 2 on unreadable input.
    Lint(lint::LintArgs),
    /// Validate the declared apps and check that the output directory equals a fresh emit (prints a unified diff).
    Check(CheckArgs),
}

#[derive(Args)]
struct CheckArgs {
    #[command(flatten)]
    select: Select,
    /// Output root directory to compare.
    #[arg(long, default_value = "generated")]
    out: PathBuf,
}

/// Which applications and environments to work on.
#[derive(Args, Clone, Debug, Default)]
pub struct Select {
    /// Only this application (see `kairn list`).
    #[arg(long)]
    pub app: Option<String>,
    /// Only this environment.
    #[arg(long)]
    pub env: Option<String>,
    /// An input for the declarations, as KEY=VALUE (repeatable), e.g. --set release=caelundas-20260125-143022.
    #[arg(long = "set", value_name = "KEY=VALUE", value_parser = parse_key_value)]
    pub inputs: Vec<(String, String)>,
}

#[derive(Args)]
struct EmitArgs {
    #[command(flatten)]
    select: Select,
    /// Print one multi-document YAML stream instead of writing files.
    #[arg(long)]
    stdout: bool,
    /// Output root directory.
    #[arg(long, default_value = "generated")]
    out: PathBuf,
}

fn parse_key_value(s: &str) -> Result<(String, String), String> {
    match s.split_once('=') {
        Some((k, v)) if !k.is_empty() => Ok((k.to_owned(), v.to_owned())),
        _ => Err(format!("expected KEY=VALUE, got {s:?}")),
    }
}

/// Exit code for usage errors and unreadable input.
pub const EXIT_USAGE: u8 = 2;
/// Exit code when validation finds errors.
pub const EXIT_ERRORS: u8 = 1;

fn main() -> ExitCode {
    let cli = Cli::parse();
    match cli.command {
        Command::Emit(args) => emit::run(&args.select, args.stdout, &args.out),
        Command::List => list::run(),
        Command::Lint(args) => lint::run(&args),
        Command::Check(args) => check::run(&args.select, &args.out),
    }
}
