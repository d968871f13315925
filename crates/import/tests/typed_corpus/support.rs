//! The generator of `typed_corpus.rs` and `typed_corpus/<set>.rs`, and what their tests call.
//!
//! A set is a directory of YAML: the shared corpus beside the workspace
//! (`../shared/corpus/<set>`, or `$KAIRN_SHARED_CORPUS/<set>`), `tests/fixtures/corpus/<set>`,
//! the CRDs of `tests/fixtures/import/cloudnative-pg`, the hand-written `synthetic`, and each
//! app of the frozen sample of kairn's output in `typed_corpus/kairn/`. For every document whose
//! `apiVersion` and `kind` k8s-openapi types ([`import::typed::root_type`]), the generator
//! writes a function whose body is [`import::typed::expr`]'s output, and the set's test
//! checks that the object it builds serializes exactly as the source document read into the
//! same k8s-openapi type (unknown fields dropped by k8s-openapi on both sides).

use std::fmt::Write as _;
use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use dsl::validate::{collect_files, load_files, Document};
use serde::de::DeserializeOwned;
use serde::Serialize;

/// Sets of the shared corpus (fixed: the directory is not always there).
const SHARED: &[&str] = &["bookinfo", "cassandra", "guestbook", "metrics-server-ha"];

/// The frozen sample of kairn's output, one directory per app, one per environment inside.
pub const KAIRN: &str = "crates/import/tests/typed_corpus/kairn";

/// Schemas of a CRD this long or longer become functions of their own
/// ([`import::typed::expr_split`]).
const SPLIT_AT: usize = 600;

/// The command that rewrites the generated files.
pub const UPDATE: &str = "KAIRN_UPDATE_TYPED=1 cargo test -p import --test typed_corpus";

pub fn workspace() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../..")
        .canonicalize()
        .expect("workspace root")
}

/// Directory of a set's location: `shared/<set>`, `fixtures/<set>`, or a path under the
/// workspace (`generated/gorax`).
fn dir_of(location: &str) -> PathBuf {
    if let Some(set) = location.strip_prefix("shared/") {
        let base = std::env::var_os("KAIRN_SHARED_CORPUS")
            .map(PathBuf::from)
            .unwrap_or_else(|| workspace().join("../shared/corpus"));
        return base.join(set);
    }
    if let Some(set) = location.strip_prefix("fixtures/") {
        return workspace().join("tests/fixtures/corpus").join(set);
    }
    workspace().join(location)
}

/// One set, loaded.
pub struct Set {
    location: String,
    pub dir: PathBuf,
    docs: Vec<Document>,
    checked: usize,
    failures: Vec<String>,
}

impl Set {
    /// Loads a set; `None` (and a note) when the shared corpus is not there, which CI forbids.
    pub fn load(location: &str) -> Option<Set> {
        let dir = dir_of(location);
        if !dir.is_dir() {
            assert!(
                location.starts_with("shared/") && std::env::var("CI").as_deref() != Ok("true"),
                "{} is missing (CI must check out ../shared beside the repository)",
                dir.display()
            );
            eprintln!("skipping {location}: {} is missing", dir.display());
            return None;
        }
        let found = collect_files(std::slice::from_ref(&dir));
        assert!(found.errors.is_empty(), "{location}: {:?}", found.errors);
        let (loaded, errors) = load_files(&found.files);
        assert!(errors.is_empty(), "{location}: {errors:?}");
        Some(Set {
            location: location.to_owned(),
            dir,
            docs: loaded.documents,
            checked: 0,
            failures: Vec::new(),
        })
    }

    /// The documents k8s-openapi types, with their index and definition.
    pub fn typed(&self) -> Vec<(usize, &'static str, &Document)> {
        self.docs
            .iter()
            .enumerate()
            .filter_map(|(i, d)| {
                import::typed::root_type(&d.api_version, &d.kind).map(|def| (i, def, d))
            })
            .collect()
    }

    /// The one typed document `Kind/name` of the set, with its index and definition.
    pub fn find(&self, label: &str) -> (usize, &'static str, &Document) {
        let found: Vec<_> = self
            .typed()
            .into_iter()
            .filter(|(_, _, d)| format!("{}/{}", d.kind, d.name) == label)
            .collect();
        assert_eq!(
            found.len(),
            1,
            "{}: {label} is not one object",
            self.location
        );
        found[0]
    }

    /// Checks that `built` serializes as document `index` read into `T`.
    pub fn check<T: Serialize + DeserializeOwned>(&mut self, index: usize, label: &str, built: T) {
        self.checked += 1;
        let doc = &self.docs[index];
        assert_eq!(
            format!("{}/{}", doc.kind, doc.name),
            label,
            "{}: document {index} is not the one generated: {UPDATE}",
            self.location
        );
        let source: T = match lint::source::from_json(doc.value().clone()) {
            Ok(t) => t,
            Err(e) => {
                self.failures
                    .push(format!("{label}: the source does not parse: {e}"));
                return;
            }
        };
        let want = serde_json::to_value(&source).expect("serializes");
        let got = serde_json::to_value(&built).expect("serializes");
        if got != want {
            self.failures.push(format!(
                "{label} ({}:{}): built\n{}\nsource\n{}",
                doc.file,
                doc.line,
                serde_json::to_string_pretty(&got).unwrap_or_default(),
                serde_json::to_string_pretty(&want).unwrap_or_default()
            ));
        }
    }

    /// Each object checked came out equal.
    pub fn assert_ok(self) {
        assert!(
            self.failures.is_empty(),
            "{}: {} objects differ:\n{}",
            self.location,
            self.failures.len(),
            self.failures.join("\n\n")
        );
    }

    /// Every typed document was checked, and each came out equal.
    pub fn done(self) {
        assert_eq!(
            self.checked,
            self.typed().len(),
            "{}: the set changed: {UPDATE}",
            self.location
        );
        assert!(
            self.failures.is_empty(),
            "{}: {} of {} objects differ:\n{}",
            self.location,
            self.failures.len(),
            self.checked,
            self.failures.join("\n\n")
        );
    }
}

/// `(module, location)` of every set, in order.
pub fn sets() -> Vec<(String, String)> {
    let mut out: Vec<(String, String)> = SHARED
        .iter()
        .map(|s| (module(s), format!("shared/{s}")))
        .collect();
    let subdirs = |rel: &str| -> Vec<String> {
        let mut names: Vec<String> = std::fs::read_dir(workspace().join(rel))
            .unwrap_or_else(|e| panic!("{rel}: {e}"))
            .filter_map(Result::ok)
            .filter(|e| e.path().is_dir())
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        names
    };
    for s in subdirs("tests/fixtures/corpus") {
        out.push((module(&s), format!("fixtures/{s}")));
    }
    out.push((
        "synthetic".to_owned(),
        "crates/import/tests/typed_corpus/synthetic".to_owned(),
    ));
    // CRDs of a real operator (11, 1.2 MB of YAML).
    out.push((
        "cloudnative_pg".to_owned(),
        "tests/fixtures/import/cloudnative-pg".to_owned(),
    ));
    // A frozen sample of kairn's own output (see `kairn/README.md`): not `generated/`, so
    // that a change to what kairn emits does not rewrite these files.
    for s in subdirs(KAIRN) {
        out.push((format!("kairn_{}", module(&s)), format!("{KAIRN}/{s}")));
    }
    out
}

fn module(name: &str) -> String {
    name.replace(['-', '.'], "_")
}

const HEADER: &str = "// Generated by `typed_corpus_current` in `typed_corpus.rs`: do not edit.\n";

/// The text of `typed_corpus.rs`.
pub fn main_file(sets: &[(String, String)]) -> String {
    let mut t = String::from(HEADER);
    t.push_str(
        "//! Every object of the corpora that k8s-openapi types, written as Rust by
//! `import::typed::expr`, compiles and builds exactly the source object (one test per set,
//! in `typed_corpus/<set>.rs`); `typed_corpus_current` fails when these files are not what the
//! generator (`typed_corpus/support.rs`) writes today (after a change to `import::typed` or
//! to the corpora). To rewrite them:
//! `KAIRN_UPDATE_TYPED=1 cargo test -p import --test typed_corpus` (with the shared corpus in
//! `../shared/corpus`, or at `$KAIRN_SHARED_CORPUS`; without it its sets are skipped).
//!
//! Also here: assignments on real objects (`cases.rs`, `assign.rs`), the differences between
//! environments as closures (`pairs.rs`, `diff.rs`), and every field of the schema table
//! against the compiled k8s-openapi (`fields.rs`).\n
#[path = \"typed_corpus/support.rs\"]\nmod support;\n\
#[path = \"typed_corpus/cases.rs\"]\nmod cases;\n#[path = \"typed_corpus/assign.rs\"]\nmod assign;\n\
#[path = \"typed_corpus/fields.rs\"]\nmod fields;\n\
#[path = \"typed_corpus/pairs.rs\"]\nmod pairs;\n#[path = \"typed_corpus/diff.rs\"]\nmod diff;\n",
    );
    for (m, _) in sets {
        let _ = writeln!(t, "#[path = \"typed_corpus/{m}.rs\"]\nmod {m};");
    }
    t.push_str("\n#[test]\nfn typed_corpus_current() {\n    support::current();\n}\n");
    t
}

/// The text of `typed_corpus/<module>.rs`, or `None` when the set is not there. Types are
/// written short with `use` lines ([`import::typed::shorten`]), as the import writes them.
pub fn set_file(module: &str, location: &str) -> Option<String> {
    let set = Set::load(location)?;
    let mut t = String::from("#[test]\n");
    let _ = writeln!(t, "fn {module}() {{");
    let _ = writeln!(t, "    let Some(mut set) = Set::load({location:?}) else {{");
    t.push_str("        return;\n    };\n");
    let mut fns = String::new();
    for (i, def, doc) in set.typed() {
        let label = format!("{}/{}", doc.kind, doc.name);
        let _ = writeln!(t, "    set.check({i}, {label:?}, object_{i}());");
        let (body, helpers) =
            import::typed::expr_split(def, doc.value(), &format!("schema_{i}"), SPLIT_AT)
                .unwrap_or_else(|e| panic!("{location}: {label} ({}:{}): {e}", doc.file, doc.line));
        let file = Path::new(&doc.file)
            .strip_prefix(&set.dir)
            .map_or_else(|_| doc.file.clone(), |p| p.display().to_string());
        let _ = write!(
            fns,
            "\n/// {label} ({file}:{})\npub fn object_{i}() -> {} {{\n{body}\n}}\n",
            doc.line,
            import::typed::rust_type_path(def),
        );
        for helper in helpers {
            let _ = write!(fns, "\n{helper}");
        }
    }
    t.push_str("    set.done();\n}\n");
    t.push_str(&fns);
    let doc = format!(
        "//! `{location}`: each object k8s-openapi types, built by `import::typed::expr`.\n"
    );
    Some(with_uses(&doc, &["use super::support::Set;"], &t, &["Set"]))
}

/// `HEADER`, the module doc, the `use` lines, and `code` with short type names.
pub fn with_uses(doc: &str, uses: &[&str], code: &str, taken: &[&str]) -> String {
    let (code, more) = import::typed::shorten(code, taken);
    let mut all: Vec<String> = uses.iter().map(|u| (*u).to_owned()).collect();
    all.extend(more);
    format!("{HEADER}{doc}\n{}\n\n{code}", all.join("\n"))
}

/// The text of `typed_corpus/fields.rs`: for every struct of the table, a function that
/// takes the k8s-openapi struct apart naming every field (no `..`: the struct has no other
/// field) and binds each to the type the table gives (so name, type and `Option` agree).
pub fn fields_file() -> String {
    let mut t = String::from(HEADER);
    t.push_str(
        "//! Every field of every struct in the schema table, as k8s-openapi has it: each function\n\
         //! destructures a struct without `..` and binds each field to the table's type, so this\n\
         //! compiles only if the table's Rust names, types and `Option`s are k8s-openapi's.\n\n\
         #![allow(dead_code)]\n",
    );
    let schema = import::typed::schema();
    let mut names: Vec<&&str> = schema.definitions.keys().collect();
    names.sort();
    for name in names {
        let def = &schema.definitions[*name];
        if def.special.is_some() {
            continue;
        }
        let path = import::typed::rust_type_path(name);
        let f = name.replace(['.', '-'], "_").to_lowercase();
        let _ = writeln!(t, "\nfn {f}(x: {path}) {{");
        let bindings: Vec<&str> = def.fields.iter().map(|f| f.rust.as_str()).collect();
        let _ = writeln!(t, "    let {path} {{ {} }} = x;", bindings.join(", "));
        for field in &def.fields {
            let _ = writeln!(
                t,
                "    let _: {} = {};",
                import::typed::rust_type(&field.ty, field.required),
                field.rust
            );
        }
        if def.default {
            let _ = writeln!(t, "    let _ = {path}::default();");
        }
        t.push_str("}\n");
    }
    t
}

/// Formats Rust text with rustfmt (as `cargo fmt` would, so the files stay as written).
pub fn rustfmt(text: &str) -> String {
    let mut child = Command::new("rustfmt")
        .args(["--edition", "2021", "--emit", "stdout"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("rustfmt runs (rustup component add rustfmt)");
    let mut stdin = child.stdin.take().expect("stdin");
    let input = text.to_owned();
    let writer = std::thread::spawn(move || stdin.write_all(input.as_bytes()));
    let out = child.wait_with_output().expect("rustfmt finishes");
    writer.join().expect("writer").expect("rustfmt reads");
    assert!(
        out.status.success(),
        "rustfmt failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).expect("UTF-8")
}

/// Regenerates every file; with `KAIRN_UPDATE_TYPED=1` writes them, else fails on the first
/// that differs from what is committed.
pub fn current() {
    let update = std::env::var("KAIRN_UPDATE_TYPED").as_deref() == Ok("1");
    let tests = workspace().join("crates/import/tests");
    let sets = sets();
    let mut files = vec![(tests.join("typed_corpus.rs"), Some(main_file(&sets)))];
    for (m, loc) in &sets {
        files.push((tests.join(format!("typed_corpus/{m}.rs")), set_file(m, loc)));
    }
    files.push((tests.join("typed_corpus/fields.rs"), Some(fields_file())));
    files.push((
        tests.join("typed_corpus/diff.rs"),
        Some(super::pairs::file()),
    ));
    files.push((tests.join("typed_corpus/assign.rs"), super::cases::file()));
    let mut stale = Vec::new();
    // Files of sets that are gone.
    let written: Vec<PathBuf> = files.iter().map(|(p, _)| p.clone()).collect();
    for entry in std::fs::read_dir(tests.join("typed_corpus")).expect("typed_corpus/") {
        let path = entry.expect("an entry").path();
        let hand_written = ["support.rs", "cases.rs", "pairs.rs"]
            .iter()
            .any(|n| path.ends_with(n));
        let rust = path.extension().is_some_and(|e| e == "rs");
        if rust && !hand_written && !written.contains(&path) {
            if update {
                std::fs::remove_file(&path).expect("removes");
            } else {
                stale.push(path.display().to_string());
            }
        }
    }
    for (path, text) in files {
        let Some(text) = text else { continue };
        let text = rustfmt(&text);
        let committed = std::fs::read_to_string(&path).unwrap_or_default();
        if committed == text {
            continue;
        }
        if update {
            std::fs::write(&path, text).expect("writes");
            eprintln!("wrote {}", path.display());
        } else {
            stale.push(path.display().to_string());
        }
    }
    assert!(stale.is_empty(), "not current: {stale:?}; run {UPDATE}");
}
