//! Compile-time guarantees of the DSL: every program in `ui/` must fail to compile
//! with the error recorded next to it in `ui/<case>.stderr`.
//!
//! Regenerate the expected output after an intentional message change with
//! `TRYBUILD=overwrite cargo test -p integration --test compile_fail`, then read the
//! diff: the first error line must still tell a user what is wrong.
//! `ui/README.md` lists each case and the guarantee it proves.
//!
//! Why there is a `pass` case: the literal macros (`name!`, `cpu!`, `image!`, ...)
//! check their input in an inline `const { ... }` block, and rustc reports a panic in
//! such a block only when it generates code, i.e. in `cargo build`, not in
//! `cargo check`. trybuild runs `cargo check` unless some case must pass, so
//! `ui/pass/valid_declaration.rs` (which is worth having anyway: it shows that valid
//! literals and a complete declaration compile) also switches it to `cargo build`.
//! Without it, every literal case would "unexpectedly compile".

#[test]
fn compile_fail() {
    let t = trybuild::TestCases::new();
    t.pass("ui/pass/*.rs");
    t.compile_fail("ui/*.rs");
}
