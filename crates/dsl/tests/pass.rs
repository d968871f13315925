//! The programs of the compile-fail suite that must compile and run (`ui/pass/`): valid
//! literals and declarations compile, and what each asserts about the rendered objects
//! holds. Each file is a program a user might write; it is included here as a module and
//! its `main` is run as a test (see `compile_fail.rs` for why not by trybuild).

macro_rules! pass_case {
    ($name:ident, $file:literal) => {
        mod $name {
            include!($file);
            pub(crate) fn run() {
                main()
            }
        }
        #[test]
        fn $name() {
            $name::run()
        }
    };
}

pass_case!(valid_declaration, "ui/pass/valid_declaration.rs");
pass_case!(
    port_declared_by_its_reference,
    "ui/pass/port_declared_by_its_reference.rs"
);
pass_case!(
    dependency_declared_by_talks_to,
    "ui/pass/dependency_declared_by_talks_to.rs"
);
pass_case!(liveness_only_worker, "ui/pass/liveness_only_worker.rs");

/// A program added to `ui/pass/` is run here too, not skipped in silence.
#[test]
fn every_pass_program_is_run() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/ui/pass");
    let this = include_str!("pass.rs");
    let mut missing = Vec::new();
    for entry in std::fs::read_dir(&dir).expect("tests/ui/pass is readable") {
        let name = entry.expect("a directory entry").file_name();
        let name = name.to_string_lossy();
        if name.ends_with(".rs") && !this.contains(&format!("\"ui/pass/{name}\"")) {
            missing.push(name.into_owned());
        }
    }
    assert!(missing.is_empty(), "not run by tests/pass.rs: {missing:?}");
}
