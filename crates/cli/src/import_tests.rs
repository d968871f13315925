//! `kairn import` around the engine, with fake engines (the real one is tested in
//! `crates/import`): what the workspace holds, and that an engine failure or a bad module
//! name writes nothing.

use std::collections::BTreeMap;
use std::fs;

use import::report::{ObjectEntry, Placement, Report};
use import::AppModule;

use super::*;

struct Scratch(PathBuf);

impl Scratch {
    fn new(name: &str) -> Scratch {
        let dir =
            std::env::temp_dir().join(format!("kairn-import-c-{name}-{}", std::process::id()));
        let _ = fs::remove_dir_all(&dir);
        fs::create_dir_all(&dir).unwrap();
        Scratch(dir)
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = fs::remove_dir_all(&self.0);
    }
}

fn fixture(path: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../import/tests/fixtures")
        .join(path)
}

fn args(out: &Path) -> ImportArgs {
    ImportArgs {
        sources: vec![fixture("plain/shop.yaml"), fixture("tree")],
        helm: vec![],
        values: vec![],
        envs: vec![],
        set: vec![],
        app: None,
        namespace: None,
        team: "payments".into(),
        out: out.to_path_buf(),
        kairn_git: Some("https://example.com/kairn.git".into()),
        kairn_rev: Some("v0.1.0".into()),
    }
}

/// An engine that makes one module per app, named after it.
fn fake(apps: &[SourceApp], options: &Options) -> Result<Imported, ImportError> {
    assert_eq!(options.team, "payments");
    Ok(Imported {
        apps: apps
            .iter()
            .map(|a| AppModule {
                module: a.name.replace('-', "_"),
                id: a.name.clone(),
                source: format!("//! {}\n", a.name),
            })
            .collect(),
        report: Report {
            objects: vec![ObjectEntry {
                app: "shop".into(),
                environment: "default".into(),
                object: "ConfigMap/settings".into(),
                source: "shop.yaml:14".into(),
                placement: Placement::Regenerated,
            }],
            workloads_as_components: (2, 2),
            lines: (10, 50),
            ..Report::default()
        },
    })
}

#[test]
fn the_workspace_has_the_template_one_module_per_app_and_the_reports() {
    let scratch = Scratch::new("ok");
    let out = scratch.0.join("ws");
    let (imported, written, notes) =
        import_into(&args(&out), fake, "kairn import x --out ws").unwrap();
    assert_eq!(imported.apps.len(), 2);
    assert_eq!(written.changed, 14, "{written:?}");
    assert_eq!(
        notes.len(),
        1,
        "the scalar document of shop.yaml: {notes:?}"
    );
    let read = |p: &str| fs::read_to_string(out.join(p)).unwrap();
    assert_eq!(
        read("teams/payments/src/lib.rs")
            .lines()
            .filter(|l| l.starts_with("mod "))
            .collect::<Vec<_>>(),
        ["mod shop;", "mod tree;"]
    );
    assert_eq!(read("teams/payments/src/shop.rs"), "//! shop\n");
    assert!(read("src/main.rs").contains("use payments as _;"));
    assert!(read("Cargo.toml")
        .contains(r#"dsl = { git = "https://example.com/kairn.git", rev = "v0.1.0" }"#));
    assert!(read("README.md").contains("```sh\nkairn import x --out ws\n```"));
    assert!(read("import-report.md").starts_with("# Import report\n\n1 object(s) of 1 app(s); workload objects as components: 2 of 2 (100 %); 10 line(s) of Rust for 50 line(s)"));
    let json: serde_json::Value = serde_json::from_str(&read("import-report.json")).unwrap();
    assert_eq!(json["objects"][0]["placement"]["as"], "regenerated");
    assert!(
        !out.join("teams/payments/src/app.rs").exists(),
        "no `kairn new` sample app"
    );
}

#[test]
fn an_engine_failure_writes_nothing() {
    let scratch = Scratch::new("engine");
    let out = scratch.0.join("ws");
    let failing = |_: &[SourceApp], _: &Options| {
        Err(ImportError::Object {
            at: "shop.yaml:20".into(),
            message: "cannot import".into(),
        })
    };
    match import_into(&args(&out), failing, "kairn import") {
        Err(Failure::Input(why)) => assert_eq!(why, ["shop.yaml:20: cannot import"]),
        other => panic!("expected an input error, got {other:?}"),
    }
    assert!(!out.exists());
    let entries: Vec<_> = fs::read_dir(&scratch.0).unwrap().collect();
    assert!(entries.is_empty(), "something was written beside DIR");
}

#[test]
fn a_load_error_writes_nothing() {
    let scratch = Scratch::new("load");
    let out = scratch.0.join("ws");
    let mut a = args(&out);
    a.sources = vec![fixture("plain/bad.yaml")];
    match import_into(&a, fake, "kairn import") {
        Err(Failure::Input(why)) => {
            assert!(why[0].contains("bad.yaml:10: malformed YAML"), "{why:?}")
        }
        other => panic!("expected an input error, got {other:?}"),
    }
    assert!(!out.exists());
}

#[test]
fn module_names_that_would_escape_or_not_compile_are_refused_before_writing() {
    let scratch = Scratch::new("modules");
    let out = scratch.0.join("ws");
    for bad in ["../x", "lib", "match", "Web", ""] {
        let engine = |_: &[SourceApp], _: &Options| {
            Ok(Imported {
                apps: vec![AppModule {
                    module: bad.into(),
                    id: "x".into(),
                    source: String::new(),
                }],
                report: Report::default(),
            })
        };
        match import_into(&args(&out), engine, "kairn import") {
            Err(Failure::Internal(why)) => assert!(why.contains("not a Rust module name"), "{why}"),
            other => panic!("{bad:?}: expected an internal error, got {other:?}"),
        }
        assert!(!out.exists());
    }
    let twice = |_: &[SourceApp], _: &Options| {
        let m = AppModule {
            module: "web".into(),
            id: "web".into(),
            source: String::new(),
        };
        Ok(Imported {
            apps: vec![m.clone(), m],
            report: Report::default(),
        })
    };
    assert!(matches!(
        import_into(&args(&out), twice, "kairn import"),
        Err(Failure::Internal(_))
    ));
    assert!(!out.exists());
}

#[test]
fn importing_again_rewrites_its_own_files_only() {
    let scratch = Scratch::new("again");
    let out = scratch.0.join("ws");
    import_into(&args(&out), fake, "kairn import").unwrap();
    let (_, written, _) = import_into(&args(&out), fake, "kairn import").unwrap();
    assert_eq!(
        (written.changed, written.unchanged, written.removed),
        (0, 14, 0),
        "the same import again changes nothing: {written:?}"
    );
    fs::write(out.join("teams/payments/src/tree.rs"), "// mine\n").unwrap();
    let before: BTreeMap<_, _> = ["teams/payments/src/tree.rs", "import-report.md"]
        .iter()
        .map(|p| (*p, fs::read_to_string(out.join(p)).unwrap()))
        .collect();
    let mut changed = args(&out);
    changed.sources.pop();
    match import_into(&changed, fake, "kairn import") {
        Err(Failure::Conflicts(paths)) => assert_eq!(paths.len(), 1, "{paths:?}"),
        other => panic!("expected a conflict, got {other:?}"),
    }
    for (p, text) in before {
        assert_eq!(fs::read_to_string(out.join(p)).unwrap(), text);
    }
}

/// Two imports with different `--team`s into one workspace: both team crates are built
/// (`Cargo.toml` depends on both, `src/main.rs` links both).
#[test]
fn a_second_team_joins_the_workspace() {
    let scratch = Scratch::new("teams");
    let out = scratch.0.join("ws");
    import_into(&args(&out), fake, "kairn import").unwrap();
    let mut second = args(&out);
    second.team = "shipping".into();
    second.sources = vec![fixture("tree")];
    let shipping = |apps: &[SourceApp], _: &Options| {
        let mut imported = fake(
            apps,
            &Options {
                team: "payments".into(),
            },
        )?;
        imported.report = Report::default();
        Ok(imported)
    };
    import_into(&second, shipping, "kairn import").unwrap();
    let read = |p: &str| fs::read_to_string(out.join(p)).unwrap();
    let cargo = read("Cargo.toml");
    assert!(
        cargo.contains(
            "payments = { path = \"teams/payments\" }\nshipping = { path = \"teams/shipping\" }"
        ),
        "{cargo}"
    );
    assert!(read("src/main.rs").contains("use payments as _;\nuse shipping as _;"));
    assert_eq!(read("teams/payments/src/shop.rs"), "//! shop\n");
    assert_eq!(read("teams/shipping/src/tree.rs"), "//! tree\n");
    assert!(
        read("import-report.md").contains("0 object(s)"),
        "the report is the last import's"
    );
}
