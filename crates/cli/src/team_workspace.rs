//! A team's kairn workspace, as `kairn new` and `kairn import` write it: the template
//! files under `crates/cli/template/` (real files, reviewed like code) with their
//! `{{key}}` placeholders filled in, and the safe writing of a new repository (staged,
//! then moved into place, so an interrupted or failed run leaves no partial repository).
//!
//! Layout (the one of `examples/standalone/`): a workspace `Cargo.toml` depending on kairn
//! (a path to the checkout this binary was built from, or `--kairn-git URL --kairn-rev
//! REV`), `Cargo.lock` (kairn's own, so the first build uses the versions kairn is tested
//! with), a one-line `src/main.rs`, one team crate `teams/<team>/` whose `src/lib.rs`
//! lists one `mod` per app and whose `examples/kairn.rs` runs the command line over its
//! apps alone (`kairn::main_partial`), CI, `.gitignore` and a README. The app modules themselves are
//! the caller's: `kairn new`'s first app, or `kairn import`'s declarations.

use std::ffi::{OsStr, OsString};
use std::fs;
use std::io;
use std::path::{Path, PathBuf};

/// The dev-profile settings of a kairn workspace: the same text ends kairn's own
/// `Cargo.toml`, `examples/standalone/Cargo.toml` and every repository `kairn new`
/// writes (a test checks the three agree).
pub const PROFILE: &str = include_str!("../template/profile.toml");

const CARGO_TOML: &str = include_str!("../template/Cargo.toml");
const MAIN_RS: &str = include_str!("../template/src/main.rs");
const TEAM_CARGO_TOML: &str = include_str!("../template/team/Cargo.toml");
const TEAM_LIB_RS: &str = include_str!("../template/team/src/lib.rs");
const TEAM_KAIRN_RS: &str = include_str!("../template/team/examples/kairn.rs");
const CI_YML: &str = include_str!("../template/.github/workflows/ci.yml");
const GITIGNORE: &str = include_str!("../template/.gitignore");
const README_MD: &str = include_str!("../template/README.md");
/// kairn's own lock file: the new repository starts with the versions kairn is tested
/// with (cargo drops the entries it does not need on the first build).
const CARGO_LOCK: &str = include_str!("../../../Cargo.lock");

/// The root of the kairn checkout this binary was built from.
pub fn kairn_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// Rust's keywords, which a module or crate cannot be named.
pub const KEYWORDS: &[&str] = &[
    "as", "async", "await", "break", "const", "continue", "crate", "dyn", "else", "enum", "extern",
    "false", "fn", "for", "gen", "if", "impl", "in", "let", "loop", "match", "mod", "move", "mut",
    "pub", "ref", "return", "self", "static", "struct", "super", "trait", "true", "type", "unsafe",
    "use", "where", "while", "abstract", "become", "box", "do", "final", "macro", "override",
    "priv", "try", "typeof", "unsized", "virtual", "yield",
];

/// Names a team crate cannot take: kairn's own crates, the repository's package and the
/// standard library's.
const RESERVED_CRATES: &[&str] = &[
    "dsl",
    "kairn",
    "kairn-repository",
    "kairn_repository",
    "cli",
    "lint",
    "ship",
    "apps",
    "std",
    "core",
    "alloc",
    "proc_macro",
    "test",
];

/// An app name: a DNS label short enough for `<app>-production` and `<app>-<component>`.
pub fn parse_app(s: &str) -> Result<String, String> {
    let dns_label = s.len() <= 40
        && s.starts_with(|c: char| c.is_ascii_lowercase())
        && s.ends_with(|c: char| c.is_ascii_lowercase() || c.is_ascii_digit())
        && s.bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-');
    if !dns_label {
        return Err(format!(
            "{s:?} is not an app name: write a DNS label of at most 40 characters (lower case \
             letters, digits and `-`, starting with a letter), e.g. --app bookstore"
        ));
    }
    let module = s.replace('-', "_");
    if KEYWORDS.contains(&module.as_str()) || camel_case(s) == "Self" {
        return Err(format!(
            "{s:?} is a Rust keyword, which the app's module cannot be named: choose another \
             name, e.g. --app {s}-api"
        ));
    }
    Ok(s.to_owned())
}

/// A team crate's name: a cargo package name that is also a Rust crate name.
pub fn parse_team(s: &str) -> Result<String, String> {
    let valid = !s.is_empty()
        && s.len() <= 64
        && s.starts_with(|c: char| c.is_ascii_lowercase())
        && s.bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-' || b == b'_');
    if !valid {
        return Err(format!(
            "{s:?} is not a team crate name: write lower case letters, digits, `-` and `_`, \
             starting with a letter, e.g. --team payments"
        ));
    }
    let crate_name = s.replace('-', "_");
    if KEYWORDS.contains(&crate_name.as_str())
        || RESERVED_CRATES.contains(&s)
        || RESERVED_CRATES.contains(&crate_name.as_str())
    {
        return Err(format!(
            "{s:?} is taken (a Rust keyword, or a crate the repository already uses): choose \
             another team name, e.g. --team {s}-team"
        ));
    }
    Ok(s.to_owned())
}

/// `order-api` → `OrderApi`.
pub fn camel_case(s: &str) -> String {
    s.split('-')
        .map(|part| {
            let mut chars = part.chars();
            chars.next().map_or_else(String::new, |first| {
                first.to_ascii_uppercase().to_string() + chars.as_str()
            })
        })
        .collect()
}

/// `s` as a TOML basic string, quotes included.
pub fn toml_string(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            c if c.is_control() => out.push_str(&format!("\\u{:04X}", u32::from(c))),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// Where the repository gets kairn from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Source {
    /// A path dependency on a kairn checkout (its root directory).
    Path(PathBuf),
    /// A git dependency pinned to a revision.
    Git {
        /// The repository URL.
        url: String,
        /// The commit id or tag.
        rev: String,
    },
}

impl Source {
    /// The two `[workspace.dependencies]` lines for `dsl` and the `kairn` command line.
    pub fn dependencies(&self) -> String {
        let (dsl, cli) = match self {
            Source::Path(root) => {
                let path = |krate: &str| {
                    format!(
                        "path = {}",
                        toml_string(&root.join("crates").join(krate).to_string_lossy())
                    )
                };
                (path("dsl"), path("cli"))
            }
            Source::Git { url, rev } => {
                let git = format!("git = {}, rev = {}", toml_string(url), toml_string(rev));
                (git.clone(), git)
            }
        };
        format!(
            "dsl = {{ {dsl} }}\n\
             # The kairn command line as a library (`kairn::main_with`), with `kairn lint`'s\n\
             # evaluation of admission policies and without the `publish` command (add\n\
             # \"publish\" to `features` to push packages to an OCI registry).\n\
             kairn = {{ package = \"cli\", {cli}, default-features = false, features = [\"admission\"] }}"
        )
    }

    /// The README's sentence on where kairn comes from.
    pub fn readme_note(&self) -> String {
        match self {
            Source::Path(root) => format!(
                "`Cargo.toml` depends on kairn by path, on the checkout in `{}`, which only \
                 this machine has: for CI, change the `dsl` and `kairn` lines of \
                 `[workspace.dependencies]` to a git URL and revision (`kairn new --kairn-git \
                 URL --kairn-rev REV` writes them).",
                root.display()
            ),
            Source::Git { rev, .. } => format!(
                "kairn is a git dependency pinned to revision `{rev}`: to upgrade, change \
                 `rev` in `Cargo.toml` (both lines), run `cargo run -- emit` and review the \
                 diff of `generated/`."
            ),
        }
    }
}

/// Where the workspace gets kairn from: `--kairn-git URL --kairn-rev REV`, else a path to
/// the checkout this binary was built from; an error (one line) when that is gone.
pub fn kairn_source(git: Option<&str>, rev: Option<&str>) -> Result<Source, String> {
    if let (Some(url), Some(rev)) = (git, rev) {
        return Ok(Source::Git {
            url: url.to_owned(),
            rev: rev.to_owned(),
        });
    }
    kairn_root().canonicalize().map(Source::Path).map_err(|e| {
        format!(
            "the kairn checkout this binary was built from ({}) is gone ({e}): give \
             --kairn-git URL --kairn-rev REV",
            kairn_root().display()
        )
    })
}

/// The files every team workspace has, around its app modules.
#[derive(Clone, Debug)]
pub struct Workspace<'a> {
    /// The team crate's name (checked by [`parse_team`]).
    pub team: &'a str,
    /// Where kairn comes from.
    pub source: &'a Source,
    /// The app modules of the team crate (`order_api`), in `mod` order; the README names
    /// the first one's file.
    pub modules: &'a [String],
    /// Every team crate of the workspace (`team` among them), each a dependency of the
    /// binary and linked by a `use` in `src/main.rs`; empty means `team` alone.
    pub teams: &'a [String],
}

impl Workspace<'_> {
    /// `text` with the workspace's `{{key}}`s filled in, then `extra` ones.
    pub fn fill(&self, text: &str, extra: &[(&str, String)]) -> String {
        // In rustfmt's order (it sorts adjacent `mod`s by name, byte for byte, in edition 2021).
        let mut sorted: Vec<&String> = self.modules.iter().collect();
        sorted.sort_unstable();
        let mods: String = sorted.iter().map(|m| format!("mod {m};\n")).collect();
        let mut teams: Vec<&str> = self.teams.iter().map(String::as_str).collect();
        if !teams.contains(&self.team) {
            teams.push(self.team);
        }
        teams.sort_unstable();
        let dependencies: Vec<String> = teams
            .iter()
            .map(|t| format!("{t} = {{ path = \"teams/{t}\" }}"))
            .collect();
        let uses: Vec<String> = teams
            .iter()
            .map(|t| format!("use {} as _;", t.replace('-', "_")))
            .collect();
        let pairs = [
            ("{{kairn_dependencies}}", self.source.dependencies()),
            ("{{profile}}", PROFILE.trim_end().to_owned()),
            ("{{ci_note}}", self.source.readme_note()),
            ("{{team_dependencies}}", dependencies.join("\n")),
            ("{{team_uses}}", uses.join("\n")),
            ("{{team_crate}}", self.team.replace('-', "_")),
            ("{{team}}", self.team.to_owned()),
            ("{{app_modules}}", mods.trim_end().to_owned()),
            (
                "{{app_module}}",
                self.modules.first().cloned().unwrap_or_default(),
            ),
        ];
        let filled = pairs
            .iter()
            .fold(text.to_owned(), |acc, (key, value)| acc.replace(key, value));
        extra
            .iter()
            .fold(filled, |acc, (key, value)| acc.replace(key, value))
    }

    /// `teams/<team>`.
    pub fn team_dir(&self) -> PathBuf {
        Path::new("teams").join(self.team)
    }

    /// Every file but the app modules: path relative to the root, and content.
    pub fn files(&self) -> Vec<(PathBuf, String)> {
        let team = self.team_dir();
        vec![
            ("Cargo.toml".into(), self.fill(CARGO_TOML, &[])),
            ("Cargo.lock".into(), CARGO_LOCK.to_owned()),
            (".gitignore".into(), GITIGNORE.to_owned()),
            ("README.md".into(), self.fill(README_MD, &[])),
            // No placeholders: `${{ }}` is GitHub's.
            (".github/workflows/ci.yml".into(), CI_YML.to_owned()),
            ("src/main.rs".into(), self.fill(MAIN_RS, &[])),
            (team.join("Cargo.toml"), self.fill(TEAM_CARGO_TOML, &[])),
            (team.join("src/lib.rs"), self.fill(TEAM_LIB_RS, &[])),
            (
                team.join("examples/kairn.rs"),
                self.fill(TEAM_KAIRN_RS, &[]),
            ),
        ]
    }
}

/// Why a workspace was not written.
#[derive(Debug)]
pub enum WriteError {
    /// DIR cannot be used (exit 2); nothing was written.
    Refused(String),
    /// Writing failed (exit 74); nothing was left behind.
    Io(String),
}

/// Whether `dir` is a directory holding nothing but, at most, `.git`.
pub fn is_empty_dir(dir: &Path) -> io::Result<bool> {
    for entry in fs::read_dir(dir)? {
        if entry?.file_name() != ".git" {
            return Ok(false);
        }
    }
    Ok(true)
}

/// Writes `files` under `root` (which exists).
pub fn write_files(root: &Path, files: &[(PathBuf, String)]) -> io::Result<()> {
    for (path, text) in files {
        let path = root.join(path);
        if let Some(parent) = path.parent() {
            fs::create_dir_all(parent)?;
        }
        fs::write(&path, text)?;
    }
    Ok(())
}

/// A staging directory name beside or inside the target, unique to this process.
pub fn staging_name(base: &OsStr) -> OsString {
    let mut name = OsString::from(".");
    name.push(base);
    name.push(format!(".kairn-new-{}", std::process::id()));
    name
}

/// Writes `files` as a new repository in `dir` (new, or empty but for `.git`); on any
/// failure nothing is left behind (DIR itself, if it existed, is left as it was).
/// `command` names the command in the refusal of a non-empty DIR (`kairn new`).
pub fn create(
    dir: &Path,
    files: &[(PathBuf, String)],
    command: &str,
) -> Result<PathBuf, WriteError> {
    let refused = |why: String| WriteError::Refused(why);
    let shown = dir.display();
    match fs::symlink_metadata(dir) {
        Ok(meta) if meta.is_dir() => match is_empty_dir(dir) {
            Ok(true) => create_inside(dir, files),
            Ok(false) => Err(refused(format!(
                "{shown} is not empty: {command} writes only into a new or empty directory \
                 (nothing was written); choose another DIR, e.g. `{command} {shown}-kairn`"
            ))),
            Err(e) => Err(refused(format!("cannot read {shown}: {e}"))),
        },
        Ok(_) => Err(refused(format!(
            "{shown} exists and is not a directory: choose a new DIR (nothing was written)"
        ))),
        Err(e) if e.kind() == io::ErrorKind::NotFound => create_beside(dir, files),
        Err(e) => Err(refused(format!("cannot read {shown}: {e}"))),
    }
}

/// DIR does not exist: write a staging directory beside it, then rename it to DIR.
fn create_beside(dir: &Path, files: &[(PathBuf, String)]) -> Result<PathBuf, WriteError> {
    let shown = dir.display();
    let Some(name) = dir.file_name() else {
        return Err(WriteError::Refused(format!(
            "{shown} does not name a directory to create: give a path ending in its name"
        )));
    };
    let parent = match dir.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    };
    if !parent.is_dir() {
        return Err(WriteError::Refused(format!(
            "{} does not exist: create it first, or choose a DIR in an existing directory \
             (nothing was written)",
            parent.display()
        )));
    }
    let staging = parent.join(staging_name(name));
    let result = fs::create_dir(&staging)
        .and_then(|()| write_files(&staging, files))
        .and_then(|()| fs::rename(&staging, dir));
    match result {
        Ok(()) => Ok(dir.to_path_buf()),
        Err(e) => {
            let _ = fs::remove_dir_all(&staging);
            Err(WriteError::Io(format!(
                "cannot create {shown}: {e} (nothing was written)"
            )))
        }
    }
}

/// DIR exists and is empty (but for `.git`): write a staging directory inside it, then
/// move its entries up one by one (each a rename); if one fails, those moved are moved
/// back. DIR itself is not replaced, so a shell whose working directory it is keeps it.
fn create_inside(dir: &Path, files: &[(PathBuf, String)]) -> Result<PathBuf, WriteError> {
    let shown = dir.display();
    let staging = dir.join(staging_name(
        dir.file_name().unwrap_or(OsStr::new("repository")),
    ));
    let io_error = |e: io::Error| {
        WriteError::Io(format!(
            "cannot write into {shown}: {e} (it was left as it was)"
        ))
    };
    if let Err(e) = fs::create_dir(&staging).and_then(|()| write_files(&staging, files)) {
        let _ = fs::remove_dir_all(&staging);
        return Err(io_error(e));
    }
    let mut tops: Vec<OsString> = Vec::new();
    for (path, _) in files {
        if let Some(first) = path.components().next() {
            let first = first.as_os_str().to_owned();
            if !tops.contains(&first) {
                tops.push(first);
            }
        }
    }
    let mut moved: Vec<&OsString> = Vec::new();
    for top in &tops {
        if let Err(e) = fs::rename(staging.join(top), dir.join(top)) {
            for back in moved.iter().rev() {
                let _ = fs::rename(dir.join(back), staging.join(back));
            }
            let _ = fs::remove_dir_all(&staging);
            return Err(io_error(e));
        }
        moved.push(top);
    }
    let _ = fs::remove_dir(&staging);
    Ok(dir.to_path_buf())
}
