//! `kairn package`: reproducible release files for every application environment.
//!
//! [`build`] returns, in memory, the whole content of a package directory (the
//! `publish` command pushes the same bytes):
//! - `<app>-<env>-<version>.tgz`: the Helm chart ([`crate::helm::chart_files`]) in the
//!   layout `helm package` writes (every entry under `<app>-<env>/`), see [`chart_archive`];
//! - `<app>-<env>-manifests-<version>.tar.gz`: the kustomize directory (every file of
//!   `generated/<app>/<env>/` but the ownership record) at the archive root, what a Flux
//!   `OCIRepository` unpacks and a Flux `Kustomization` with `path: ./` builds, see
//!   [`manifests_bundle`];
//! - [`INDEX_FILE`]: what the package holds ([`Index`]), with the SHA-256 of every
//!   archive and of every object file;
//! - [`SUMS_FILE`]: `sha256sum -c SHA256SUMS` verifies the archives and the index.
//!
//! Same declarations and options give byte-identical files ([`crate::archive`]).
//!
//! `kairn package` (`cli/src/package.rs`) writes the directory with `dsl::output::write_dir`;
//! `kairn emit --format helm` writes the charts with `dsl::output::write_units`.

use std::collections::BTreeMap;
use std::fmt;
use std::io;

use dsl::output::{sha256_hex, EnvOutput, OWNERSHIP_FILE};
use semver::Version;
use serde::{Deserialize, Serialize};

use crate::archive::tar_gz;
use crate::helm::{
    chart_files, chart_name, object_files, object_id, parse_object, ChartError, ChartOptions,
};

/// Name of the package index.
pub const INDEX_FILE: &str = "index.json";
/// Name of the checksum list (GNU `sha256sum` format).
pub const SUMS_FILE: &str = "SHA256SUMS";

/// What a package is built with.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PackageOptions {
    /// Version of every chart and archive (`--chart-version`).
    pub version: Version,
    /// URL of the source (`--source`), recorded in the index and in each `Chart.yaml`.
    pub source: Option<String>,
    /// Source revision (`--revision`), recorded in the index and in each `Chart.yaml`.
    pub revision: Option<String>,
    /// The mtime of every archive entry ([`crate::archive::source_date_epoch`]).
    pub mtime: u64,
}

impl PackageOptions {
    /// Options with `version`, no source or revision, and the default mtime.
    pub fn new(version: Version) -> Self {
        PackageOptions {
            version,
            source: None,
            revision: None,
            mtime: crate::archive::DEFAULT_MTIME,
        }
    }

    /// The options of the charts inside the package.
    pub fn chart(&self) -> ChartOptions {
        ChartOptions {
            version: self.version.clone(),
            source: self.source.clone(),
            revision: self.revision.clone(),
        }
    }
}

/// Why a package cannot be built.
#[derive(Debug)]
pub enum PackageError {
    /// A chart cannot be built (or an object file cannot be read).
    Chart {
        /// `<app>/<env>`.
        env: String,
        /// Why.
        error: ChartError,
    },
    /// Writing an archive in memory failed.
    Io(io::Error),
    /// Two environments would produce the same file.
    Duplicate(String),
}

impl fmt::Display for PackageError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            PackageError::Chart { env, error } => write!(f, "{env}: {error}"),
            PackageError::Io(e) => write!(f, "cannot build an archive: {e}"),
            PackageError::Duplicate(file) => write!(f, "two environments produce {file}"),
        }
    }
}

impl std::error::Error for PackageError {}

impl From<io::Error> for PackageError {
    fn from(e: io::Error) -> Self {
        PackageError::Io(e)
    }
}

/// What an archive holds.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub enum ArchiveKind {
    /// A Helm chart archive (`.tgz`).
    #[serde(rename = "helm-chart")]
    HelmChart,
    /// A kustomize directory (`.tar.gz`).
    #[serde(rename = "manifests")]
    Manifests,
}

/// One archive of a package, in memory.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Archive {
    /// File name.
    pub file: String,
    /// What it holds.
    pub kind: ArchiveKind,
    /// Application id.
    pub app: String,
    /// Environment name.
    pub environment: String,
    /// The chart name (`<app>-<env>`), for chart archives.
    pub chart: Option<String>,
    /// The `.tar.gz` bytes.
    pub bytes: Vec<u8>,
}

/// File name of a chart archive: `<app>-<env>-<version>.tgz`, as `helm package` names it.
pub fn chart_archive_name(chart: &str, version: &Version) -> String {
    format!("{chart}-{version}.tgz")
}

/// File name of a manifests bundle: `<app>-<env>-manifests-<version>.tar.gz`.
pub fn bundle_name(app: &str, environment: &str, version: &Version) -> String {
    format!("{app}-{environment}-manifests-{version}.tar.gz")
}

fn chart_err(output: &EnvOutput) -> impl FnOnce(ChartError) -> PackageError + '_ {
    move |error| PackageError::Chart {
        env: format!("{}/{}", output.app, output.environment),
        error,
    }
}

/// The Helm chart archive of one environment: [`chart_files`] under `<app>-<env>/`.
/// `helm template`, `helm lint` and `helm install` read it directly.
pub fn chart_archive(output: &EnvOutput, opts: &PackageOptions) -> Result<Archive, PackageError> {
    let chart = chart_name(&output.app, &output.environment).map_err(chart_err(output))?;
    let files = chart_files(output, &opts.chart()).map_err(chart_err(output))?;
    let entries: BTreeMap<String, String> = files
        .into_iter()
        .map(|(path, content)| (format!("{chart}/{path}"), content))
        .collect();
    Ok(Archive {
        file: chart_archive_name(&chart, &opts.version),
        kind: ArchiveKind::HelmChart,
        app: output.app.clone(),
        environment: output.environment.clone(),
        chart: Some(chart),
        bytes: tar_gz(&entries, opts.mtime)?,
    })
}

/// The files of a manifests bundle: every file of the environment directory but the
/// ownership record, paths relative to the archive root.
pub fn bundle_files(output: &EnvOutput) -> BTreeMap<&str, &str> {
    output
        .files
        .iter()
        .filter(|(p, _)| p.as_str() != OWNERSHIP_FILE)
        .map(|(p, c)| (p.as_str(), c.as_str()))
        .collect()
}

/// The manifests bundle of one environment: the kustomize directory at the archive
/// root ([`bundle_files`]).
pub fn manifests_bundle(
    output: &EnvOutput,
    opts: &PackageOptions,
) -> Result<Archive, PackageError> {
    let entries: BTreeMap<String, &str> = bundle_files(output)
        .into_iter()
        .map(|(p, c)| (p.to_owned(), c))
        .collect();
    Ok(Archive {
        file: bundle_name(&output.app, &output.environment, &opts.version),
        kind: ArchiveKind::Manifests,
        app: output.app.clone(),
        environment: output.environment.clone(),
        chart: None,
        bytes: tar_gz(&entries, opts.mtime)?,
    })
}

/// `index.json`: what a package holds. Archives are sorted by file name, objects by
/// application, environment and file.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Index {
    /// The package version (every chart's `version`).
    pub version: String,
    /// The source URL, if given.
    pub source: Option<String>,
    /// The source revision, if given.
    pub revision: Option<String>,
    /// Every archive.
    pub archives: Vec<IndexArchive>,
    /// Every object of every manifests bundle.
    pub objects: Vec<IndexObject>,
}

/// One archive in [`Index`].
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct IndexArchive {
    /// File name inside the package directory.
    pub file: String,
    /// What it holds.
    pub kind: ArchiveKind,
    /// Application id.
    pub app: String,
    /// Environment name.
    pub environment: String,
    /// Chart name, for chart archives only.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub chart: Option<String>,
    /// SHA-256 of the archive file.
    pub sha256: String,
}

/// One object in [`Index`].
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct IndexObject {
    /// Application id.
    pub app: String,
    /// Environment name.
    pub environment: String,
    /// `apiVersion`.
    #[serde(rename = "apiVersion")]
    pub api_version: String,
    /// `kind`.
    pub kind: String,
    /// `metadata.namespace`; `null` for cluster-scoped objects.
    pub namespace: Option<String>,
    /// `metadata.name`.
    pub name: String,
    /// Path of the object's file inside the manifests bundle.
    pub file: String,
    /// SHA-256 of the object file's bytes.
    pub sha256: String,
}

/// The index objects of one environment, sorted by file.
pub fn index_objects(output: &EnvOutput) -> Result<Vec<IndexObject>, ChartError> {
    object_files(output)
        .map(|(file, content)| {
            let id = object_id(file, &parse_object(file, content)?)?;
            Ok(IndexObject {
                app: output.app.clone(),
                environment: output.environment.clone(),
                api_version: id.api_version,
                kind: id.kind,
                namespace: id.namespace,
                name: id.name,
                file: file.to_owned(),
                sha256: sha256_hex(content.as_bytes()),
            })
        })
        .collect()
}

/// `SHA256SUMS` of `files` (GNU `sha256sum` text format, sorted by name).
pub fn sha256sums<C: AsRef<[u8]>>(files: &BTreeMap<String, C>) -> String {
    files
        .iter()
        .map(|(name, content)| format!("{}  {name}\n", sha256_hex(content.as_ref())))
        .collect()
}

/// The whole package directory in memory: per environment a chart archive and a
/// manifests bundle, then [`INDEX_FILE`] and [`SUMS_FILE`] (which lists the archives and
/// the index). The ownership record is not included ([`dsl::output::write_dir`] adds it).
pub fn build(
    outputs: &[EnvOutput],
    opts: &PackageOptions,
) -> Result<BTreeMap<String, Vec<u8>>, PackageError> {
    let mut archives = Vec::new();
    let mut objects = Vec::new();
    for output in outputs {
        archives.push(chart_archive(output, opts)?);
        archives.push(manifests_bundle(output, opts)?);
        objects.extend(index_objects(output).map_err(chart_err(output))?);
    }
    archives.sort_by(|a, b| a.file.cmp(&b.file));
    objects
        .sort_by(|a, b| (&a.app, &a.environment, &a.file).cmp(&(&b.app, &b.environment, &b.file)));
    let index = Index {
        version: opts.version.to_string(),
        source: opts.source.clone(),
        revision: opts.revision.clone(),
        archives: archives
            .iter()
            .map(|a| IndexArchive {
                file: a.file.clone(),
                kind: a.kind,
                app: a.app.clone(),
                environment: a.environment.clone(),
                chart: a.chart.clone(),
                sha256: sha256_hex(&a.bytes),
            })
            .collect(),
        objects,
    };
    let mut files = BTreeMap::new();
    for a in archives {
        if files.insert(a.file.clone(), a.bytes).is_some() {
            return Err(PackageError::Duplicate(a.file));
        }
    }
    let mut json =
        serde_json::to_vec_pretty(&index).map_err(|e| PackageError::Io(io::Error::other(e)))?;
    json.push(b'\n');
    files.insert(INDEX_FILE.to_owned(), json);
    let sums = sha256sums(&files);
    files.insert(SUMS_FILE.to_owned(), sums.into_bytes());
    Ok(files)
}
