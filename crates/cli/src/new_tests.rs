//! Unit tests of `kairn new` (the end-to-end build of a new repository is
//! `crates/cli/tests/new.rs` and the `kairn new` step of `scripts/test.sh`).

use std::collections::{BTreeMap, BTreeSet};
use std::fs;

use super::*;

/// A fresh directory under the system's temp dir, removed when dropped.
struct Scratch(PathBuf);

impl Scratch {
    fn new(name: &str) -> Scratch {
        let dir = std::env::temp_dir().join(format!("kairn-new-{name}-{}", std::process::id()));
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

fn template() -> Template {
    Template {
        app: "order-api".to_owned(),
        team: "payments".to_owned(),
        source: Source::Path(PathBuf::from("/opt/kairn")),
    }
}

/// Every path under `dir`, relative, sorted (directories included).
fn listing(dir: &Path) -> BTreeSet<PathBuf> {
    fn walk(root: &Path, dir: &Path, out: &mut BTreeSet<PathBuf>) {
        for entry in fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            out.insert(path.strip_prefix(root).unwrap().to_path_buf());
            if path.is_dir() {
                walk(root, &path, out);
            }
        }
    }
    let mut out = BTreeSet::new();
    walk(dir, dir, &mut out);
    out
}

#[test]
fn a_non_empty_dir_is_refused_and_left_untouched() {
    let scratch = Scratch::new("refuse");
    let dir = scratch.0.join("repo");
    fs::create_dir_all(dir.join(".git")).unwrap();
    fs::write(dir.join("notes.txt"), "mine").unwrap();
    let before = listing(&scratch.0);
    let why = match create(&dir, &template()) {
        Err(NewError::Refused(why)) => why,
        other => panic!("expected a refusal, got {other:?}"),
    };
    assert!(
        why.contains("is not empty") && why.contains("nothing was written"),
        "{why}"
    );
    assert_eq!(listing(&scratch.0), before, "kairn new wrote into {dir:?}");
    assert_eq!(fs::read_to_string(dir.join("notes.txt")).unwrap(), "mine");
}

#[test]
fn a_file_or_a_missing_parent_is_refused() {
    let scratch = Scratch::new("file");
    let file = scratch.0.join("taken");
    fs::write(&file, "x").unwrap();
    let before = listing(&scratch.0);
    assert!(matches!(
        create(&file, &template()),
        Err(NewError::Refused(why)) if why.contains("not a directory")
    ));
    assert!(matches!(
        create(&scratch.0.join("no/such/parent"), &template()),
        Err(NewError::Refused(why)) if why.contains("does not exist")
    ));
    assert_eq!(listing(&scratch.0), before);
}

#[test]
fn a_new_dir_gets_every_file_and_no_staging_is_left() {
    let scratch = Scratch::new("create");
    let dir = scratch.0.join("repo");
    create(&dir, &template()).unwrap();
    let expected: BTreeSet<PathBuf> = template().files().into_iter().map(|(p, _)| p).collect();
    let files: BTreeSet<PathBuf> = listing(&dir)
        .into_iter()
        .filter(|p| dir.join(p).is_file())
        .collect();
    assert_eq!(files, expected);
    assert!(expected.contains(Path::new("teams/payments/src/order_api.rs")));
    assert_eq!(
        listing(&scratch.0)
            .into_iter()
            .filter(|p| p.components().count() == 1)
            .collect::<Vec<_>>(),
        vec![PathBuf::from("repo")],
        "a staging directory was left beside the repository"
    );
    for (path, text) in template().files() {
        assert_eq!(
            fs::read_to_string(dir.join(&path)).unwrap(),
            text,
            "{path:?}"
        );
    }
}

#[test]
fn an_empty_dir_with_only_git_is_filled_in_place() {
    let scratch = Scratch::new("inplace");
    let dir = scratch.0.join("repo");
    fs::create_dir_all(dir.join(".git")).unwrap();
    fs::write(dir.join(".git/HEAD"), "ref: refs/heads/main\n").unwrap();
    create(&dir, &template()).unwrap();
    assert_eq!(
        fs::read_to_string(dir.join(".git/HEAD")).unwrap(),
        "ref: refs/heads/main\n"
    );
    let top: BTreeSet<String> = fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    let expected: BTreeSet<String> = [
        ".git",
        ".github",
        ".gitignore",
        "Cargo.lock",
        "Cargo.toml",
        "README.md",
        "src",
        "teams",
    ]
    .map(str::to_owned)
    .into();
    assert_eq!(top, expected, "a staging directory was left inside");
}

#[test]
fn every_placeholder_is_filled_and_names_are_derived() {
    for (path, text) in template().files() {
        if path.ends_with("ci.yml") {
            assert!(!text.contains("{{team") && !text.contains("{{app"));
            continue;
        }
        assert!(
            !text.contains("{{"),
            "{path:?} keeps a placeholder:\n{text}"
        );
    }
    let files: BTreeMap<PathBuf, String> = template().files().into_iter().collect();
    let app = &files[Path::new("teams/payments/src/order_api.rs")];
    assert!(
        app.contains("pub struct OrderApi;")
            && app.contains("const ID: &'static str = \"order-api\";")
    );
    assert!(app.contains("name!(\"order-api-production\")"));
    assert!(files[Path::new("src/main.rs")].contains("use payments as _;"));
    assert!(files[Path::new("teams/payments/src/lib.rs")].contains("mod order_api;"));
    let cargo = &files[Path::new("Cargo.toml")];
    assert!(
        cargo.contains("dsl = { path = \"/opt/kairn/crates/dsl\" }"),
        "{cargo}"
    );
    assert!(cargo.contains(
        "kairn = { package = \"cli\", path = \"/opt/kairn/crates/cli\", default-features = false, features = [\"admission\"] }"
    ));
    assert!(
        cargo.ends_with(PROFILE),
        "the profile ends Cargo.toml:\n{cargo}"
    );
}

#[test]
fn the_git_form_pins_both_dependencies_and_escapes_toml() {
    let t = Template {
        source: Source::Git {
            url: "file:///tmp/a \"b\"\\c".to_owned(),
            rev: "0123abc".to_owned(),
        },
        ..template()
    };
    let files: BTreeMap<PathBuf, String> = t.files().into_iter().collect();
    let cargo = &files[Path::new("Cargo.toml")];
    let git = r#"git = "file:///tmp/a \"b\"\\c", rev = "0123abc""#;
    assert!(cargo.contains(&format!("dsl = {{ {git} }}")), "{cargo}");
    assert!(cargo.contains(&format!(
        "kairn = {{ package = \"cli\", {git}, default-features = false, features = [\"admission\"] }}"
    )));
    assert!(files[Path::new("README.md")].contains("pinned to revision `0123abc`"));
}

#[test]
fn names_that_would_not_compile_are_refused_with_an_example() {
    for bad in [
        "",
        "Hello",
        "1app",
        "app-",
        "a_b",
        "type",
        "self",
        &"a".repeat(41),
    ] {
        let err = parse_app(bad).unwrap_err();
        assert!(err.contains("e.g. --app"), "{bad:?}: {err}");
    }
    for good in ["hello", "order-api", "a1", "bookstore"] {
        assert_eq!(parse_app(good).as_deref(), Ok(good));
    }
    for bad in [
        "",
        "Team",
        "9x",
        "a.b",
        "dsl",
        "kairn",
        "std",
        "fn",
        "kairn-repository",
    ] {
        let err = parse_team(bad).unwrap_err();
        assert!(err.contains("e.g. --team"), "{bad:?}: {err}");
    }
    for good in ["payments", "web-team", "team_2"] {
        assert_eq!(parse_team(good).as_deref(), Ok(good));
    }
}

/// One source for the dev profile: kairn's own workspace, the standalone example and
/// every new repository end with the same text (crates/cli/template/profile.toml).
#[test]
fn the_profile_is_the_same_in_every_workspace() {
    let root = include_str!("../../../Cargo.toml");
    let standalone = include_str!("../../../examples/standalone/Cargo.toml");
    for (name, text) in [
        ("Cargo.toml", root),
        ("examples/standalone/Cargo.toml", standalone),
    ] {
        assert!(
            text.trim_end().ends_with(PROFILE.trim_end()),
            "{name} must end with crates/cli/template/profile.toml, verbatim"
        );
        assert_eq!(
            text.matches("[profile.").count(),
            PROFILE.matches("[profile.").count(),
            "{name} has profile settings outside the shared section"
        );
    }
    assert!(
        PROFILE.lines().count() < 10,
        "the shared profile section is meant to stay short:\n{PROFILE}"
    );
}
