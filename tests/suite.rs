//! The checks of kairn's output and of its docs, one module per file, in one test binary
//! (one link instead of twelve, and their tests run in parallel with each other).
//! Run one file's tests with a filter: `cargo test -p integration --test suite parity::`.

#[path = "checkov.rs"]
mod checkov;
#[path = "crd_schemas.rs"]
mod crd_schemas;
#[path = "docs_claims.rs"]
mod docs_claims;
#[path = "generated_current.rs"]
mod generated_current;
#[path = "hook_phases.rs"]
mod hook_phases;
#[path = "kubectl_roundtrip.rs"]
mod kubectl_roundtrip;
#[path = "lint_corpus.rs"]
mod lint_corpus;
#[path = "lint_seeds.rs"]
mod lint_seeds;
#[path = "parity.rs"]
mod parity;
#[path = "schema_validation.rs"]
mod schema_validation;
#[path = "team_features.rs"]
mod team_features;
#[path = "workflows.rs"]
mod workflows;
#[path = "yaml_strings.rs"]
mod yaml_strings;
