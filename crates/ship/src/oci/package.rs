//! Reading and checking a package directory written by `kairn package`: `SHA256SUMS`,
//! `index.json` and the archives they list, verified before anything is pushed.

use std::collections::BTreeMap;
use std::fmt;
use std::path::{Path, PathBuf};

use semver::Version;
use serde::Deserialize;

use super::target::is_repository_component;
use super::MANIFESTS_SUFFIX;

// The package format is `crate::package`'s (the writer's): the same file names, archive
// kinds and checksums, not a second definition that could drift from it.
pub use crate::package::{ArchiveKind, INDEX_FILE, SUMS_FILE};
pub use dsl::output::sha256_hex;

#[derive(Deserialize)]
struct RawIndex {
    version: String,
    #[serde(default)]
    source: Option<String>,
    #[serde(default)]
    revision: Option<String>,
    archives: Vec<RawArchive>,
}

#[derive(Deserialize)]
struct RawArchive {
    file: String,
    kind: ArchiveKind,
    app: String,
    environment: String,
    #[serde(default)]
    chart: Option<String>,
    sha256: String,
}

/// A verified package directory.
#[derive(Clone, Debug)]
pub struct Package {
    /// The directory.
    pub dir: PathBuf,
    /// The package version (every artifact's tag, see [`tag_for`](super::tag_for)).
    pub version: Version,
    /// Source URL from the index.
    pub source: Option<String>,
    /// Source revision from the index.
    pub revision: Option<String>,
    /// Every archive, in index order.
    pub archives: Vec<PackageArchive>,
}

/// One verified archive of a package.
#[derive(Clone, PartialEq, Eq)]
pub struct PackageArchive {
    /// File name in the package directory.
    pub file: String,
    /// What it holds.
    pub kind: ArchiveKind,
    /// Application id.
    pub app: String,
    /// Environment name.
    pub environment: String,
    /// Chart name (charts only).
    pub chart: Option<String>,
    /// The archive's bytes (checked against `SHA256SUMS` and the index).
    pub bytes: Vec<u8>,
}

impl fmt::Debug for PackageArchive {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("PackageArchive")
            .field("file", &self.file)
            .field("kind", &self.kind)
            .field("app", &self.app)
            .field("environment", &self.environment)
            .field("chart", &self.chart)
            .field("bytes", &self.bytes.len())
            .finish()
    }
}

/// Why a package directory cannot be published.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum PackageError {
    /// A file is missing or cannot be read or parsed, or the version is not SemVer
    /// (unreadable input: exit 2).
    Unreadable(String),
    /// The files do not match `SHA256SUMS` or the index (a damaged or altered package:
    /// nothing is pushed, exit 1).
    Mismatch(String),
}

impl fmt::Display for PackageError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            PackageError::Unreadable(m) | PackageError::Mismatch(m) => f.write_str(m),
        }
    }
}

impl std::error::Error for PackageError {}

/// Parses `SHA256SUMS` (`<hex>  <name>` or `<hex> *<name>` lines).
fn parse_sums(text: &str) -> Result<BTreeMap<String, String>, String> {
    let mut sums = BTreeMap::new();
    for (n, line) in text.lines().enumerate() {
        if line.trim().is_empty() {
            continue;
        }
        let parsed = line
            .split_once("  ")
            .or_else(|| line.split_once(" *"))
            .filter(|(h, _)| h.len() == 64 && h.bytes().all(|b| b.is_ascii_hexdigit()));
        let Some((hash, name)) = parsed else {
            return Err(format!(
                "{SUMS_FILE} line {}: not `<sha256>  <file>`",
                n + 1
            ));
        };
        if sums
            .insert(name.to_owned(), hash.to_ascii_lowercase())
            .is_some()
        {
            return Err(format!("{SUMS_FILE} lists {name} twice"));
        }
    }
    Ok(sums)
}

/// A file name inside the package directory: one plain path component.
pub(super) fn plain_file_name(name: &str) -> bool {
    !name.is_empty()
        && name != "."
        && name != ".."
        && !name.contains('/')
        && !name.contains('\\')
        && !name.contains('\0')
}

/// Reads and verifies a package directory: `SHA256SUMS` must list `index.json` and every
/// archive of the index, and every listed file must have the listed SHA-256 (and, for
/// archives, the one the index records). Nothing is pushed from a package that fails.
pub fn read_package(dir: &Path) -> Result<Package, PackageError> {
    let read = |name: &str| {
        std::fs::read(dir.join(name)).map_err(|e| {
            PackageError::Unreadable(format!(
                "cannot read {}: {e} (is {} a directory written by `kairn package`?)",
                dir.join(name).display(),
                dir.display()
            ))
        })
    };
    let sums_text = String::from_utf8(read(SUMS_FILE)?).map_err(|_| {
        PackageError::Unreadable(format!("{} is not UTF-8", dir.join(SUMS_FILE).display()))
    })?;
    let sums = parse_sums(&sums_text)
        .map_err(|e| PackageError::Unreadable(format!("{}: {e}", dir.display())))?;
    let check = |name: &str, bytes: &[u8]| -> Result<(), PackageError> {
        let actual = sha256_hex(bytes);
        match sums.get(name) {
            None => Err(PackageError::Mismatch(format!(
                "{}: {name} is not listed in {SUMS_FILE}; refusing to publish",
                dir.display()
            ))),
            Some(listed) if *listed != actual => Err(PackageError::Mismatch(format!(
                "{}: {name} does not match {SUMS_FILE} (sha256 {actual}, listed {listed}); \
                 the package is damaged or was altered, refusing to publish",
                dir.display()
            ))),
            Some(_) => Ok(()),
        }
    };
    let index_bytes = read(INDEX_FILE)?;
    check(INDEX_FILE, &index_bytes)?;
    let index: RawIndex = serde_json::from_slice(&index_bytes).map_err(|e| {
        PackageError::Unreadable(format!("{}: {e}", dir.join(INDEX_FILE).display()))
    })?;
    let version = Version::parse(&index.version).map_err(|e| {
        PackageError::Unreadable(format!(
            "{}: version {:?} is not SemVer: {e}",
            dir.join(INDEX_FILE).display(),
            index.version
        ))
    })?;
    let mut archives = Vec::new();
    for a in index.archives {
        if !plain_file_name(&a.file) {
            return Err(PackageError::Unreadable(format!(
                "{}: archive file {:?} is not a file name inside the package",
                dir.join(INDEX_FILE).display(),
                a.file
            )));
        }
        let bytes = read(&a.file)?;
        check(&a.file, &bytes)?;
        if !a.sha256.eq_ignore_ascii_case(&sha256_hex(&bytes)) {
            return Err(PackageError::Mismatch(format!(
                "{}: {} does not match the sha256 {INDEX_FILE} records; refusing to publish",
                dir.display(),
                a.file
            )));
        }
        let name = match a.kind {
            ArchiveKind::HelmChart => a.chart.clone().ok_or_else(|| {
                PackageError::Unreadable(format!(
                    "{}: chart archive {} has no `chart` name",
                    dir.join(INDEX_FILE).display(),
                    a.file
                ))
            })?,
            ArchiveKind::Manifests => format!("{}-{}{MANIFESTS_SUFFIX}", a.app, a.environment),
        };
        if !is_repository_component(&name) {
            return Err(PackageError::Unreadable(format!(
                "{}: {name:?} (of {}) is not a valid OCI repository name",
                dir.join(INDEX_FILE).display(),
                a.file
            )));
        }
        archives.push(PackageArchive {
            file: a.file,
            kind: a.kind,
            app: a.app,
            environment: a.environment,
            chart: a.chart,
            bytes,
        });
    }
    Ok(Package {
        dir: dir.to_path_buf(),
        version,
        source: index.source,
        revision: index.revision,
        archives,
    })
}

impl Package {
    /// The archives of `app` (all if `None`) and `environment` (all if `None`); an app or
    /// environment the package does not hold is an error naming what it holds.
    pub fn select(
        &self,
        app: Option<&str>,
        environment: Option<&str>,
    ) -> Result<Vec<&PackageArchive>, String> {
        let mut apps: Vec<&str> = self.archives.iter().map(|a| a.app.as_str()).collect();
        apps.sort_unstable();
        apps.dedup();
        if let Some(app) = app {
            if !apps.contains(&app) {
                return Err(format!(
                    "unknown app `{app}`: {} holds {}",
                    self.dir.display(),
                    apps.join(", ")
                ));
            }
        }
        let of_app: Vec<&PackageArchive> = self
            .archives
            .iter()
            .filter(|a| app.is_none_or(|x| a.app == x))
            .collect();
        let selected: Vec<&PackageArchive> = of_app
            .iter()
            .copied()
            .filter(|a| environment.is_none_or(|e| a.environment == e))
            .collect();
        if let Some(env) = environment {
            if selected.is_empty() {
                let mut envs: Vec<String> = of_app
                    .iter()
                    .map(|a| format!("{}/{}", a.app, a.environment))
                    .collect();
                envs.dedup();
                return Err(format!(
                    "unknown environment `{env}`: {} holds {}",
                    self.dir.display(),
                    envs.join(", ")
                ));
            }
        }
        Ok(selected)
    }
}
