//! Compile-time guarantees of the DSL: every program in `ui/` must fail to compile
//! with the error recorded next to it in `ui/<case>.stderr`.
//!
//! Regenerate the expected output after an intentional message change with
//! `TRYBUILD=overwrite cargo test -p dsl --test compile_fail`, then read the
//! diff: the first error line must still tell a user what is wrong.
//! `ui/README.md` lists each case and the guarantee it proves.
//!
//! trybuild runs `cargo check` here (no case of its must pass), which is what a user's
//! editor and `cargo check` show, and every case fails there: the literal macros
//! (`name!`, `cpu!`, `image!`, ...) check their input in an inline `const { ... }` block
//! of non-generic code, which rustc evaluates while checking, and the checks that depend
//! on a type (`secret!`'s key, `NodeRequirement::is_in`'s values) are trait bounds, not
//! `const` asserts inside generic functions (those fail only when code is generated).
//! The programs that must compile and run (`ui/pass/`) are built and run by
//! `tests/pass.rs` with the rest of the test build: with one of them here, trybuild would
//! switch to `cargo build` and generate code for every dependency of `dsl` once more
//! (about a minute of the test command).
//!
//! The suite lives in `dsl`, not in the workspace's integration tests, because trybuild
//! builds every dependency of the package it runs in with flags of its own.

#[test]
fn compile_fail() {
    let t = trybuild::TestCases::new();
    t.compile_fail("tests/ui/*.rs");
}
