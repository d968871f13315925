//! The command line's tests, one module per file, in one test binary: one link instead of
//! fourteen, and the tests of every file run in parallel with each other.
//! Run one file's tests with a filter: `cargo test -p cli --test suite publish::`.

mod support;

#[path = "cli.rs"]
mod cli;
#[path = "diff.rs"]
mod diff;
#[path = "emit_cache.rs"]
mod emit_cache;
#[path = "import.rs"]
mod import;
#[path = "lint_admission.rs"]
mod lint_admission;
#[path = "lint_deployed.rs"]
mod lint_deployed;
#[path = "lint_input.rs"]
mod lint_input;
#[path = "lint_rules.rs"]
mod lint_rules;
#[path = "lint_sarif.rs"]
mod lint_sarif;
#[path = "new.rs"]
mod new;
#[path = "parallel.rs"]
mod parallel;
#[path = "publish/main.rs"]
mod publish;
#[path = "ship.rs"]
mod ship;
#[path = "streams.rs"]
mod streams;
#[path = "tree_safety.rs"]
mod tree_safety;
