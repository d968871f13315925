//! `kairn publish`: the archives of a package directory pushed to an OCI registry.
//!
//! Input is a directory written by `kairn package` (only its files are read:
//! [`INDEX_FILE`], [`SUMS_FILE`] and the archives they list; nothing of the package
//! builder is needed). [`read_package`] checks every archive against `SHA256SUMS` and the
//! index before anything is pushed.
//!
//! Each archive becomes one OCI artifact, tagged with the package version
//! ([`tag_for`]):
//! - a Helm chart (`<chart>-<version>.tgz`) is pushed to `PATH/<app>-<env>` exactly as
//!   `helm push` does it: config [`HELM_CONFIG_MEDIA_TYPE`] (the chart's `Chart.yaml`
//!   as JSON) and one [`HELM_CHART_MEDIA_TYPE`] layer (the archive), so
//!   `helm pull oci://HOST/PATH/<app>-<env> --version <version>` works;
//! - a manifests bundle is pushed to `PATH/<app>-<env>-manifests` as `flux push artifact`
//!   does it: config [`FLUX_CONFIG_MEDIA_TYPE`] (`{}`) and one [`FLUX_CONTENT_MEDIA_TYPE`]
//!   layer, which a Flux `OCIRepository` fetches and unpacks.
//!
//! Manifests carry `org.opencontainers.image.source`, `.revision` (from the package
//! index) and `.created` (from the caller: `--created` or `SOURCE_DATE_EPOCH`, never
//! the clock) when given. Everything pushed is a function of the package bytes and those
//! inputs: publishing the same package twice gives the same manifest digests
//! ([`Artifact::digest`]).
//!
//! Registry access goes through [`oci_client`] (the ORAS project's OCI distribution
//! client) on a current-thread tokio runtime, see [`Publisher`]. Credentials
//! ([`Credentials::lookup`]): `KAIRN_REGISTRY_USERNAME`/`KAIRN_REGISTRY_PASSWORD`, else the
//! Docker config file (`$DOCKER_CONFIG/config.json` or `~/.docker/config.json`: `auths`,
//! credential helpers), else anonymous. They are never printed, also not by `Debug`.

use std::collections::BTreeMap;
use std::fmt;
use std::io::Read;
use std::path::{Path, PathBuf};

use oci_client::client::{ClientConfig, ClientProtocol};
use oci_client::secrets::RegistryAuth;
use oci_client::{Client, Reference, RegistryOperation};
use semver::Version;
use serde::{Deserialize, Serialize};
use serde_json::{json, Map, Value};
use sha2::{Digest, Sha256};

/// The package index file (written by `kairn package`).
pub const INDEX_FILE: &str = "index.json";
/// The checksum file of a package (GNU `sha256sum` format).
pub const SUMS_FILE: &str = "SHA256SUMS";

/// Media type of an OCI image manifest (every manifest pushed).
pub const OCI_MANIFEST_MEDIA_TYPE: &str = "application/vnd.oci.image.manifest.v1+json";
/// Media type of a Helm chart's config blob (`Chart.yaml` as JSON), as `helm push` writes it.
pub const HELM_CONFIG_MEDIA_TYPE: &str = "application/vnd.cncf.helm.config.v1+json";
/// Media type of a Helm chart's archive layer.
pub const HELM_CHART_MEDIA_TYPE: &str = "application/vnd.cncf.helm.chart.content.v1.tar+gzip";
/// Media type of a Flux artifact's config blob, as `flux push artifact` writes it.
pub const FLUX_CONFIG_MEDIA_TYPE: &str = "application/vnd.cncf.flux.config.v1+json";
/// Media type of a Flux artifact's content layer (what an `OCIRepository` unpacks).
pub const FLUX_CONTENT_MEDIA_TYPE: &str = "application/vnd.cncf.flux.content.v1.tar+gzip";

/// Manifest annotation: URL of the source (`source` of the package index).
pub const ANNOTATION_SOURCE: &str = "org.opencontainers.image.source";
/// Manifest annotation: source revision (`revision` of the package index); Flux shows
/// it as the artifact revision and expects `<branch>@sha1:<sha>` or `sha1:<sha>`.
pub const ANNOTATION_REVISION: &str = "org.opencontainers.image.revision";
/// Manifest annotation: creation time (RFC 3339), from an input, never the clock.
pub const ANNOTATION_CREATED: &str = "org.opencontainers.image.created";
/// Manifest annotation: the chart name (charts only, as `helm push` sets it).
pub const ANNOTATION_TITLE: &str = "org.opencontainers.image.title";
/// Manifest annotation: the chart version (charts only, as `helm push` sets it).
pub const ANNOTATION_VERSION: &str = "org.opencontainers.image.version";

/// Environment variable holding the registry user name.
pub const USERNAME_VAR: &str = "KAIRN_REGISTRY_USERNAME";
/// Environment variable holding the registry password or token.
pub const PASSWORD_VAR: &str = "KAIRN_REGISTRY_PASSWORD";

/// Suffix of the repository a manifests bundle is pushed to (`<app>-<env>-manifests`).
pub const MANIFESTS_SUFFIX: &str = "-manifests";

// ---------------------------------------------------------------------------------------
// Target

/// Where to publish: `oci://HOST[:PORT]/PATH` (`--to`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Target {
    /// `HOST[:PORT]`.
    pub registry: String,
    /// Repository prefix, without leading or trailing `/`; may be empty.
    pub path: String,
}

impl Target {
    /// Parses `oci://HOST[:PORT][/PATH]`. PATH components must be valid OCI repository
    /// name components (lower case letters, digits, `.`, `_`, `-` between them).
    pub fn parse(to: &str) -> Result<Target, String> {
        let Some(rest) = to.strip_prefix("oci://") else {
            return Err(format!(
                "--to {to:?} is not an OCI reference; expected oci://HOST[:PORT]/PATH"
            ));
        };
        let (registry, path) = rest.split_once('/').unwrap_or((rest, ""));
        let path = path.trim_end_matches('/');
        if registry.is_empty() {
            return Err(format!("--to {to:?} names no registry host"));
        }
        let (host, port) = match registry.rsplit_once(':') {
            Some((h, p)) if !h.ends_with(']') || h.starts_with('[') => (h, Some(p)),
            _ => (registry, None),
        };
        let host_ok = !host.is_empty()
            && host.chars().all(|c| {
                c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '[' | ']' | ':' | '_')
            });
        let port_ok = port.is_none_or(|p| {
            !p.is_empty() && p.chars().all(|c| c.is_ascii_digit()) && p.parse::<u16>().is_ok()
        });
        if !host_ok || !port_ok || registry.contains('@') {
            return Err(format!(
                "--to {to:?}: {registry:?} is not a registry HOST[:PORT]"
            ));
        }
        if !path.is_empty() {
            if let Some(bad) = path.split('/').find(|c| !is_repository_component(c)) {
                return Err(format!(
                    "--to {to:?}: path component {bad:?} is not a valid OCI repository name \
                     (lower case letters and digits, separated by '.', '_', '__' or '-')"
                ));
            }
        }
        Ok(Target {
            registry: registry.to_owned(),
            path: path.to_owned(),
        })
    }

    /// The repository `name` under the target path.
    pub fn repository(&self, name: &str) -> String {
        if self.path.is_empty() {
            name.to_owned()
        } else {
            format!("{}/{name}", self.path)
        }
    }
}

impl fmt::Display for Target {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.path.is_empty() {
            write!(f, "oci://{}", self.registry)
        } else {
            write!(f, "oci://{}/{}", self.registry, self.path)
        }
    }
}

/// Whether `c` is one OCI repository path component: `[a-z0-9]+((\.|_|__|-+)[a-z0-9]+)*`.
pub fn is_repository_component(c: &str) -> bool {
    let b = c.as_bytes();
    let alnum = |x: u8| x.is_ascii_lowercase() || x.is_ascii_digit();
    if b.is_empty() || !alnum(b[0]) || !alnum(b[b.len() - 1]) {
        return false;
    }
    let mut i = 0;
    while i < b.len() {
        if alnum(b[i]) {
            i += 1;
            continue;
        }
        let start = i;
        while i < b.len() && !alnum(b[i]) {
            i += 1;
        }
        let sep = &c[start..i];
        let ok = sep == "." || sep == "_" || sep == "__" || sep.bytes().all(|x| x == b'-');
        if !ok {
            return false;
        }
    }
    true
}

/// The OCI tag of a version: SemVer build metadata's `+` becomes `_` (not allowed in
/// tags), as Helm does it.
pub fn tag_for(version: &Version) -> String {
    version.to_string().replace('+', "_")
}

// ---------------------------------------------------------------------------------------
// Package

/// What an archive of a package holds (`kind` in the index).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub enum ArchiveKind {
    /// A Helm chart archive.
    #[serde(rename = "helm-chart")]
    HelmChart,
    /// A kustomize directory (manifests bundle).
    #[serde(rename = "manifests")]
    Manifests,
}

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
    /// The package version (every artifact's tag, see [`tag_for`]).
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

/// SHA-256 of `bytes`, lower-case hex.
pub fn sha256_hex(bytes: &[u8]) -> String {
    let digest = Sha256::digest(bytes);
    let mut s = String::with_capacity(64);
    for b in digest {
        s.push_str(&format!("{b:02x}"));
    }
    s
}

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
fn plain_file_name(name: &str) -> bool {
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

// ---------------------------------------------------------------------------------------
// Artifacts

/// A blob of an artifact.
#[derive(Clone, PartialEq, Eq)]
pub struct Blob {
    /// Its media type.
    pub media_type: &'static str,
    /// Its content.
    pub bytes: Vec<u8>,
}

impl Blob {
    /// `sha256:<hex>`.
    pub fn digest(&self) -> String {
        format!("sha256:{}", sha256_hex(&self.bytes))
    }

    fn descriptor(&self) -> Value {
        json!({
            "mediaType": self.media_type,
            "digest": self.digest(),
            "size": self.bytes.len(),
        })
    }
}

impl fmt::Debug for Blob {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "Blob({}, {}, {} bytes)",
            self.media_type,
            self.digest(),
            self.bytes.len()
        )
    }
}

/// One OCI artifact, ready to push: everything is computed in memory, so its
/// [`digest`](Artifact::digest) is known before anything is sent.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Artifact {
    /// The package file it carries.
    pub file: String,
    /// What it carries.
    pub kind: ArchiveKind,
    /// Registry `HOST[:PORT]`.
    pub registry: String,
    /// Repository (`PATH/<name>`).
    pub repository: String,
    /// Tag ([`tag_for`] of the package version).
    pub tag: String,
    /// Config blob.
    pub config: Blob,
    /// The one layer: the archive itself.
    pub layer: Blob,
    /// The manifest's bytes, exactly as pushed (compact JSON, keys sorted).
    pub manifest: Vec<u8>,
}

impl Artifact {
    /// The manifest digest, `sha256:<hex>`: what the registry stores the manifest under.
    pub fn digest(&self) -> String {
        format!("sha256:{}", sha256_hex(&self.manifest))
    }

    /// `oci://HOST/REPOSITORY:TAG`.
    pub fn reference(&self) -> String {
        format!("oci://{}/{}:{}", self.registry, self.repository, self.tag)
    }

    /// `oci://HOST/REPOSITORY:TAG@sha256:<hex>`: what `publish` prints once pushed.
    pub fn pinned_reference(&self) -> String {
        format!("{}@{}", self.reference(), self.digest())
    }
}

/// What the manifests carry besides the package's source and revision.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ArtifactOptions {
    /// `org.opencontainers.image.created` (RFC 3339, see [`check_created`]); omitted if `None`.
    pub created: Option<String>,
}

/// Helm's chart metadata as JSON, in the field order and with the omissions of Helm's
/// `chart.Metadata` (what `helm push` stores as the config blob).
#[derive(Serialize, Deserialize, Default)]
#[serde(rename_all = "camelCase")]
struct ChartMetadata {
    #[serde(default, skip_serializing_if = "String::is_empty")]
    name: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    home: String,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    sources: Vec<String>,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    version: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    description: String,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    keywords: Vec<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    maintainers: Vec<Value>,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    icon: String,
    #[serde(
        default,
        rename = "apiVersion",
        skip_serializing_if = "String::is_empty"
    )]
    api_version: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    condition: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    tags: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    app_version: String,
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    deprecated: bool,
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    annotations: BTreeMap<String, String>,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    kube_version: String,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    dependencies: Vec<Value>,
    #[serde(default, rename = "type", skip_serializing_if = "String::is_empty")]
    chart_type: String,
}

/// The `Chart.yaml` of a chart archive (the entry `<chart>/Chart.yaml`).
fn chart_yaml(archive: &PackageArchive, chart: &str) -> Result<String, String> {
    let gz = flate2::read::GzDecoder::new(archive.bytes.as_slice());
    let mut tar = tar::Archive::new(gz);
    let wanted = format!("{chart}/Chart.yaml");
    let entries = tar
        .entries()
        .map_err(|e| format!("{}: not a tar.gz archive: {e}", archive.file))?;
    for entry in entries {
        let mut entry = entry.map_err(|e| format!("{}: {e}", archive.file))?;
        let path = entry
            .path()
            .map_err(|e| format!("{}: {e}", archive.file))?
            .to_string_lossy()
            .into_owned();
        if path == wanted {
            let mut text = String::new();
            entry
                .read_to_string(&mut text)
                .map_err(|e| format!("{}: {wanted}: {e}", archive.file))?;
            return Ok(text);
        }
    }
    Err(format!(
        "{}: no {wanted} in the chart archive",
        archive.file
    ))
}

/// The Helm config blob of a chart archive: its `Chart.yaml` as JSON. The chart's name
/// and version must be the index's.
fn helm_config(
    archive: &PackageArchive,
    chart: &str,
    version: &Version,
) -> Result<(Vec<u8>, ChartMetadata), String> {
    let text = chart_yaml(archive, chart)?;
    let meta: ChartMetadata = serde_yaml::from_str(&text)
        .map_err(|e| format!("{}: {chart}/Chart.yaml: {e}", archive.file))?;
    if meta.name != chart {
        return Err(format!(
            "{}: Chart.yaml names chart {:?}, the index says {chart:?}",
            archive.file, meta.name
        ));
    }
    if meta.version != version.to_string() {
        return Err(format!(
            "{}: Chart.yaml has version {:?}, the package version is {version}",
            archive.file, meta.version
        ));
    }
    let bytes = serde_json::to_vec(&meta).map_err(|e| format!("{}: {e}", archive.file))?;
    Ok((bytes, meta))
}

/// The manifest of one artifact: compact JSON with sorted keys, so equal inputs give
/// equal bytes and therefore equal digests.
fn manifest_bytes(config: &Blob, layer: &Blob, annotations: &BTreeMap<&str, String>) -> Vec<u8> {
    let mut m = Map::new();
    m.insert("schemaVersion".into(), json!(2));
    m.insert("mediaType".into(), json!(OCI_MANIFEST_MEDIA_TYPE));
    m.insert("config".into(), config.descriptor());
    m.insert("layers".into(), json!([layer.descriptor()]));
    if !annotations.is_empty() {
        m.insert("annotations".into(), json!(annotations));
    }
    // serde_json's Map is a BTreeMap here (no `preserve_order`): keys come out sorted.
    serde_json::to_vec(&Value::Object(m)).expect("a JSON value serializes")
}

/// The artifact of one archive of `package`, for `target`.
pub fn artifact(
    package: &Package,
    archive: &PackageArchive,
    target: &Target,
    opts: &ArtifactOptions,
) -> Result<Artifact, String> {
    let mut annotations: BTreeMap<&str, String> = BTreeMap::new();
    if let Some(source) = &package.source {
        annotations.insert(ANNOTATION_SOURCE, source.clone());
    }
    if let Some(revision) = &package.revision {
        annotations.insert(ANNOTATION_REVISION, revision.clone());
    }
    if let Some(created) = &opts.created {
        check_created(created)?;
        annotations.insert(ANNOTATION_CREATED, created.clone());
    }
    let (name, config, layer_type) = match archive.kind {
        ArchiveKind::HelmChart => {
            let chart = archive
                .chart
                .as_deref()
                .ok_or_else(|| format!("{}: chart archive without a chart name", archive.file))?;
            let (config, meta) = helm_config(archive, chart, &package.version)?;
            annotations.insert(ANNOTATION_TITLE, meta.name.clone());
            annotations.insert(ANNOTATION_VERSION, meta.version.clone());
            (
                chart.to_owned(),
                Blob {
                    media_type: HELM_CONFIG_MEDIA_TYPE,
                    bytes: config,
                },
                HELM_CHART_MEDIA_TYPE,
            )
        }
        ArchiveKind::Manifests => (
            format!("{}-{}{MANIFESTS_SUFFIX}", archive.app, archive.environment),
            Blob {
                media_type: FLUX_CONFIG_MEDIA_TYPE,
                bytes: b"{}".to_vec(),
            },
            FLUX_CONTENT_MEDIA_TYPE,
        ),
    };
    let layer = Blob {
        media_type: layer_type,
        bytes: archive.bytes.clone(),
    };
    let manifest = manifest_bytes(&config, &layer, &annotations);
    Ok(Artifact {
        file: archive.file.clone(),
        kind: archive.kind,
        registry: target.registry.clone(),
        repository: target.repository(&name),
        tag: tag_for(&package.version),
        config,
        layer,
        manifest,
    })
}

// ---------------------------------------------------------------------------------------
// Creation time

/// Checks an RFC 3339 date-time (`2026-01-25T14:30:22Z`, `...22.5+01:00`).
pub fn check_created(s: &str) -> Result<(), String> {
    let bad = || format!("--created {s:?} is not an RFC 3339 date-time like 2026-01-25T14:30:22Z");
    let b = s.as_bytes();
    let digits = |r: std::ops::Range<usize>| -> Option<u32> {
        let part = s.get(r)?;
        (!part.is_empty() && part.bytes().all(|c| c.is_ascii_digit())).then(|| part.parse().ok())?
    };
    if b.len() < 20 || b[4] != b'-' || b[7] != b'-' || !matches!(b[10], b'T' | b't') {
        return Err(bad());
    }
    if b[13] != b':' || b[16] != b':' {
        return Err(bad());
    }
    let (Some(year), Some(month), Some(day), Some(hour), Some(min), Some(sec)) = (
        digits(0..4),
        digits(5..7),
        digits(8..10),
        digits(11..13),
        digits(14..16),
        digits(17..19),
    ) else {
        return Err(bad());
    };
    let leap = year % 4 == 0 && (year % 100 != 0 || year % 400 == 0);
    let days = [
        31,
        if leap { 29 } else { 28 },
        31,
        30,
        31,
        30,
        31,
        31,
        30,
        31,
        30,
        31,
    ];
    if !(1..=12).contains(&month)
        || day == 0
        || day > days[month as usize - 1]
        || hour > 23
        || min > 59
        || sec > 60
    {
        return Err(bad());
    }
    let mut rest = &s[19..];
    if let Some(frac) = rest.strip_prefix('.') {
        let n = frac.bytes().take_while(u8::is_ascii_digit).count();
        if n == 0 {
            return Err(bad());
        }
        rest = &frac[n..];
    }
    let offset_ok = match rest.as_bytes() {
        [b'Z' | b'z'] => true,
        [b'+' | b'-', h1, h2, b':', m1, m2] => {
            [h1, h2, m1, m2].iter().all(|c| c.is_ascii_digit())
                && (h1 - b'0') * 10 + (h2 - b'0') <= 23
                && (m1 - b'0') * 10 + (m2 - b'0') <= 59
        }
        _ => false,
    };
    if offset_ok {
        Ok(())
    } else {
        Err(bad())
    }
}

/// `SOURCE_DATE_EPOCH` seconds as an RFC 3339 UTC date-time (`1970-01-01T00:00:00Z`).
pub fn rfc3339_utc(epoch_seconds: u64) -> String {
    let days = epoch_seconds / 86_400;
    let secs = epoch_seconds % 86_400;
    // Civil date from days since 1970-01-01 (Howard Hinnant's algorithm).
    let z = days as i64 + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!(
        "{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}Z",
        secs / 3600,
        secs % 3600 / 60,
        secs % 60
    )
}

// ---------------------------------------------------------------------------------------
// Credentials

/// Registry credentials. `Debug` and `Display` never show the secret.
#[derive(Clone, PartialEq, Eq)]
pub struct Credentials {
    username: String,
    password: String,
    /// Where they came from, for messages (`KAIRN_REGISTRY_USERNAME`, a config path...).
    pub origin: String,
}

impl fmt::Debug for Credentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "Credentials(user from {}, password redacted)",
            self.origin
        )
    }
}

impl Credentials {
    /// Credentials for `registry` (`HOST[:PORT]`): `KAIRN_REGISTRY_USERNAME` and
    /// `KAIRN_REGISTRY_PASSWORD` if both are set; else the Docker config file
    /// (`$DOCKER_CONFIG/config.json`, default `~/.docker/config.json`): a credential
    /// helper for the host, `auths.<host>` (`auth` = base64 `user:password`, or
    /// `username`/`password`), the `credsStore`; else `None` (anonymous).
    pub fn lookup(registry: &str) -> Result<Option<Credentials>, String> {
        let user = std::env::var(USERNAME_VAR).ok().filter(|v| !v.is_empty());
        let pass = std::env::var(PASSWORD_VAR).ok().filter(|v| !v.is_empty());
        match (user, pass) {
            (Some(username), Some(password)) => {
                return Ok(Some(Credentials {
                    username,
                    password,
                    origin: format!("{USERNAME_VAR}/{PASSWORD_VAR}"),
                }))
            }
            (Some(_), None) | (None, Some(_)) => {
                return Err(format!(
                    "set both {USERNAME_VAR} and {PASSWORD_VAR}, or neither"
                ))
            }
            (None, None) => {}
        }
        let Some(path) = docker_config_path() else {
            return Ok(None);
        };
        let Ok(file) = std::fs::File::open(&path) else {
            return Ok(None);
        };
        Credentials::from_docker_config(std::io::BufReader::new(file), registry, &path)
    }

    /// Credentials for `registry` from a Docker config file's content (see
    /// [`lookup`](Credentials::lookup)); `path` is only used in messages.
    pub fn from_docker_config(
        reader: impl Read,
        registry: &str,
        path: &Path,
    ) -> Result<Option<Credentials>, String> {
        use docker_credential::{CredentialRetrievalError as E, DockerCredential};
        let mut text = Vec::new();
        let mut reader = reader;
        reader
            .read_to_end(&mut text)
            .map_err(|e| format!("cannot read {}: {e}", path.display()))?;
        // The keys Docker writes for a registry: the host, or an https:// URL of it.
        let keys = [
            registry.to_owned(),
            format!("https://{registry}"),
            format!("http://{registry}"),
        ];
        for key in keys {
            match docker_credential::get_credential_from_reader(text.as_slice(), &key) {
                Ok(DockerCredential::UsernamePassword(username, password)) => {
                    return Ok(Some(Credentials {
                        username,
                        password,
                        origin: format!("{} ({key})", path.display()),
                    }))
                }
                Ok(DockerCredential::IdentityToken(_)) => {
                    return Err(format!(
                        "{} holds an identity token for {key}; kairn needs a user name and \
                         password (set {USERNAME_VAR} and {PASSWORD_VAR})",
                        path.display()
                    ))
                }
                Err(E::NoCredentialConfigured) => {}
                // Never echo a helper's output: it may hold secrets.
                Err(E::HelperFailure { helper, .. }) => {
                    return Err(format!(
                        "docker-credential-{helper} (from {}) failed for {key}",
                        path.display()
                    ))
                }
                Err(E::ConfigReadError | E::ConfigNotFound) => {
                    return Err(format!("{} is not a Docker config file", path.display()))
                }
                Err(e) => return Err(format!("{}: credentials for {key}: {e}", path.display())),
            }
        }
        Ok(None)
    }

    fn auth(&self) -> RegistryAuth {
        RegistryAuth::Basic(self.username.clone(), self.password.clone())
    }
}

fn docker_config_path() -> Option<PathBuf> {
    let dir = std::env::var_os("DOCKER_CONFIG")
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| Path::new(&h).join(".docker")))?;
    Some(dir.join("config.json"))
}

// ---------------------------------------------------------------------------------------
// Pushing

/// How to reach the registry.
#[derive(Clone, Debug, Default)]
pub struct PushOptions {
    /// Plain HTTP instead of HTTPS (`--plain-http`, for a loopback or test registry).
    pub plain_http: bool,
    /// Credentials; anonymous if `None`.
    pub credentials: Option<Credentials>,
}

/// A push that failed: which artifact, which registry, why (one line).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PushError {
    /// `HOST[:PORT]`.
    pub registry: String,
    /// The artifact reference (`oci://HOST/REPO:TAG`).
    pub artifact: String,
    /// The package file it carries.
    pub file: String,
    /// Why.
    pub reason: String,
}

impl fmt::Display for PushError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "registry {} did not take {} ({}): {}",
            self.registry, self.artifact, self.file, self.reason
        )
    }
}

impl std::error::Error for PushError {}

/// One line from an error and its sources (`a: b: c`), without repeats.
fn error_line(e: &(dyn std::error::Error + 'static)) -> String {
    let mut parts: Vec<String> = Vec::new();
    let mut cur: Option<&(dyn std::error::Error + 'static)> = Some(e);
    while let Some(err) = cur {
        let text = err
            .to_string()
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ");
        if !parts.iter().any(|p| p.contains(&text)) {
            parts.push(text);
        }
        cur = err.source();
    }
    parts.join(": ")
}

/// An OCI registry client on its own current-thread tokio runtime, for a sync caller.
pub struct Publisher {
    runtime: tokio::runtime::Runtime,
    client: Client,
    auth: RegistryAuth,
    /// Where the credentials came from, for messages.
    origin: Option<String>,
}

impl fmt::Debug for Publisher {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Publisher").finish_non_exhaustive()
    }
}

impl Publisher {
    /// A client for `opts` (no connection is made yet).
    pub fn new(opts: &PushOptions) -> Result<Publisher, String> {
        // reqwest is built without a default TLS provider (`ring` is lighter to build
        // than aws-lc); installing fails only if one is installed already.
        let _ = rustls::crypto::ring::default_provider().install_default();
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .map_err(|e| format!("cannot start the I/O runtime: {e}"))?;
        let config = ClientConfig {
            protocol: if opts.plain_http {
                ClientProtocol::Http
            } else {
                ClientProtocol::Https
            },
            // Blobs are small archives: one PUT each instead of PATCH chunks.
            use_monolithic_push: true,
            connect_timeout: Some(std::time::Duration::from_secs(10)),
            read_timeout: Some(std::time::Duration::from_secs(120)),
            ..ClientConfig::default()
        };
        // Building the reqwest client inside the runtime context (it may spawn).
        let client = {
            let _guard = runtime.enter();
            Client::new(config)
        };
        let auth = opts
            .credentials
            .as_ref()
            .map_or(RegistryAuth::Anonymous, Credentials::auth);
        Ok(Publisher {
            runtime,
            client,
            auth,
            origin: opts.credentials.as_ref().map(|c| c.origin.clone()),
        })
    }

    fn reference(artifact: &Artifact) -> Reference {
        Reference::with_tag(
            artifact.registry.clone(),
            artifact.repository.clone(),
            artifact.tag.clone(),
        )
    }

    /// Pushes one artifact: its layer and config blobs (skipping blobs the repository
    /// already has), then its manifest under its tag. Returns the manifest digest, which
    /// equals [`Artifact::digest`].
    pub fn push(&self, artifact: &Artifact) -> Result<String, PushError> {
        let fail = |reason: String| PushError {
            registry: artifact.registry.clone(),
            artifact: artifact.reference(),
            file: artifact.file.clone(),
            reason,
        };
        let reference = Self::reference(artifact);
        self.runtime
            .block_on(async {
                self.client
                    .auth(&reference, &self.auth, RegistryOperation::Push)
                    .await?;
                for blob in [&artifact.layer, &artifact.config] {
                    let digest = blob.digest();
                    if !self.client.blob_exists(&reference, &digest).await? {
                        self.client
                            .push_blob(&reference, blob.bytes.clone(), &digest)
                            .await?;
                    }
                }
                self.client
                    .push_manifest_raw(
                        &reference,
                        artifact.manifest.clone(),
                        http::HeaderValue::from_static(OCI_MANIFEST_MEDIA_TYPE),
                    )
                    .await?;
                Ok::<(), oci_client::errors::OciDistributionError>(())
            })
            .map_err(|e| {
                let mut reason = error_line(&e);
                if reason.contains("InvalidContentType") {
                    reason.push_str(" (the registry answers plain HTTP? then pass --plain-http)");
                }
                let refused = ["401 Unauthorized", "403 Forbidden", "Not authorized"];
                if refused.iter().any(|r| reason.contains(r)) {
                    match &self.origin {
                        Some(origin) => {
                            reason.push_str(&format!(" (the credentials from {origin} were refused)"))
                        }
                        None => reason.push_str(&format!(
                            " (no credentials were sent: set {USERNAME_VAR} and {PASSWORD_VAR}, or `docker login {}`)",
                            artifact.registry
                        )),
                    }
                }
                fail(reason)
            })?;
        Ok(artifact.digest())
    }

    /// The manifest stored under `artifact`'s tag and its digest (`sha256:<hex>` of the
    /// bytes the registry returns).
    pub fn fetch_manifest(&self, artifact: &Artifact) -> Result<(Vec<u8>, String), String> {
        let reference = Self::reference(artifact);
        self.runtime
            .block_on(async {
                self.client
                    .pull_manifest_raw(&reference, &self.auth, &[OCI_MANIFEST_MEDIA_TYPE])
                    .await
            })
            .map(|(bytes, _)| {
                let digest = format!("sha256:{}", sha256_hex(&bytes));
                (bytes.to_vec(), digest)
            })
            .map_err(|e| format!("{}: {}", artifact.reference(), error_line(&e)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicUsize, Ordering};

    struct Tmp(PathBuf);

    impl Tmp {
        fn new() -> Tmp {
            static N: AtomicUsize = AtomicUsize::new(0);
            let p = std::env::temp_dir().join(format!(
                "kairn-oci-unit-{}-{}",
                std::process::id(),
                N.fetch_add(1, Ordering::Relaxed)
            ));
            let _ = std::fs::remove_dir_all(&p);
            std::fs::create_dir_all(&p).unwrap();
            Tmp(p)
        }
    }

    impl Drop for Tmp {
        fn drop(&mut self) {
            let _ = std::fs::remove_dir_all(&self.0);
        }
    }

    fn tar_gz(entries: &[(&str, &str)]) -> Vec<u8> {
        let gz = flate2::GzBuilder::new()
            .mtime(0)
            .write(Vec::new(), flate2::Compression::default());
        let mut tar = tar::Builder::new(gz);
        for (path, content) in entries {
            let mut h = tar::Header::new_ustar();
            h.set_size(content.len() as u64);
            h.set_mode(0o644);
            h.set_mtime(1);
            tar.append_data(&mut h, path, content.as_bytes()).unwrap();
        }
        tar.into_inner().unwrap().finish().unwrap()
    }

    const CHART_YAML: &str = "apiVersion: v2\nname: shop-production\ndescription: shop\ntype: application\nversion: 1.2.3\nappVersion: \"1.2.3\"\n";

    /// A package with one chart and one bundle; returns its directory.
    fn write_package(dir: &Path, version: &str) {
        let chart = tar_gz(&[
            ("shop-production/Chart.yaml", CHART_YAML),
            ("shop-production/values.yaml", "{}\n"),
        ]);
        let bundle = tar_gz(&[("kustomization.yaml", "resources: []\n")]);
        let files = [
            ("shop-production-1.2.3.tgz", chart),
            ("shop-production-manifests-1.2.3.tar.gz", bundle),
        ];
        let index = json!({
            "version": version,
            "source": "https://example.com/shop",
            "revision": "sha1:abc",
            "archives": [
                {"file": files[0].0, "kind": "helm-chart", "app": "shop",
                 "environment": "production", "chart": "shop-production",
                 "sha256": sha256_hex(&files[0].1)},
                {"file": files[1].0, "kind": "manifests", "app": "shop",
                 "environment": "production", "sha256": sha256_hex(&files[1].1)},
            ],
            "objects": [],
        });
        let index = serde_json::to_vec_pretty(&index).unwrap();
        let mut sums = String::new();
        for (name, bytes) in &files {
            std::fs::write(dir.join(name), bytes).unwrap();
            sums.push_str(&format!("{}  {name}\n", sha256_hex(bytes)));
        }
        std::fs::write(dir.join(INDEX_FILE), &index).unwrap();
        sums.push_str(&format!("{}  {INDEX_FILE}\n", sha256_hex(&index)));
        std::fs::write(dir.join(SUMS_FILE), sums).unwrap();
    }

    fn target() -> Target {
        Target::parse("oci://registry.example.com:5000/team/releases").unwrap()
    }

    #[test]
    fn targets_are_oci_references() {
        let t = target();
        assert_eq!(t.registry, "registry.example.com:5000");
        assert_eq!(t.path, "team/releases");
        assert_eq!(t.repository("x"), "team/releases/x");
        assert_eq!(
            t.to_string(),
            "oci://registry.example.com:5000/team/releases"
        );
        let bare = Target::parse("oci://localhost").unwrap();
        assert_eq!(bare.repository("x"), "x");
        for bad in [
            "https://ghcr.io/acme",
            "ghcr.io/acme",
            "oci://",
            "oci:///acme",
            "oci://ghcr.io/Acme",
            "oci://ghcr.io/acme//x",
            "oci://ghcr.io:99999/acme",
            "oci://user:pw@ghcr.io/acme",
        ] {
            assert!(Target::parse(bad).is_err(), "{bad} accepted");
        }
    }

    #[test]
    fn repository_components_follow_the_distribution_grammar() {
        for ok in ["a", "shop-production", "a.b", "a_b", "a__b", "a--b", "v1"] {
            assert!(is_repository_component(ok), "{ok}");
        }
        for bad in ["", "-a", "a-", "A", "a___b", "a._b", "a b", "a/b"] {
            assert!(!is_repository_component(bad), "{bad}");
        }
    }

    #[test]
    fn tags_replace_build_metadata_plus() {
        assert_eq!(
            tag_for(&Version::parse("1.2.3-rc.1+build.5").unwrap()),
            "1.2.3-rc.1_build.5"
        );
    }

    #[test]
    fn created_is_rfc3339_and_epochs_format_as_utc() {
        for ok in [
            "2026-01-25T14:30:22Z",
            "2026-01-25T14:30:22.123Z",
            "2026-01-25T14:30:22+01:00",
            "2024-02-29T00:00:00Z",
        ] {
            assert!(check_created(ok).is_ok(), "{ok}");
        }
        for bad in [
            "2026-01-25",
            "2026-01-25 14:30:22Z",
            "2026-13-01T00:00:00Z",
            "2025-02-29T00:00:00Z",
            "2026-01-25T24:00:00Z",
            "2026-01-25T14:30:22",
            "2026-01-25T14:30:22.Z",
            "yesterday",
        ] {
            assert!(check_created(bad).is_err(), "{bad}");
        }
        assert_eq!(rfc3339_utc(0), "1970-01-01T00:00:00Z");
        assert_eq!(rfc3339_utc(1_769_351_422), "2026-01-25T14:30:22Z");
        assert_eq!(rfc3339_utc(951_782_400), "2000-02-29T00:00:00Z");
        assert_eq!(rfc3339_utc(4_102_444_799), "2099-12-31T23:59:59Z");
    }

    #[test]
    fn a_verified_package_gives_deterministic_artifacts() {
        let tmp = Tmp::new();
        write_package(&tmp.0, "1.2.3");
        let pkg = read_package(&tmp.0).unwrap();
        assert_eq!(pkg.archives.len(), 2);
        let opts = ArtifactOptions {
            created: Some("2026-01-25T14:30:22Z".into()),
        };
        let make = |opts: &ArtifactOptions| -> Vec<Artifact> {
            pkg.archives
                .iter()
                .map(|a| artifact(&pkg, a, &target(), opts).unwrap())
                .collect()
        };
        let first = make(&opts);
        assert_eq!(first, make(&opts), "same inputs, same bytes");
        let later = make(&ArtifactOptions {
            created: Some("2026-01-26T00:00:00Z".into()),
        });
        assert_ne!(first[0].digest(), later[0].digest());

        let chart = &first[0];
        assert_eq!(chart.repository, "team/releases/shop-production");
        assert_eq!(chart.tag, "1.2.3");
        assert_eq!(
            chart.reference(),
            "oci://registry.example.com:5000/team/releases/shop-production:1.2.3"
        );
        assert_eq!(
            String::from_utf8(chart.config.bytes.clone()).unwrap(),
            r#"{"name":"shop-production","version":"1.2.3","description":"shop","apiVersion":"v2","appVersion":"1.2.3","type":"application"}"#
        );
        let m: Value = serde_json::from_slice(&chart.manifest).unwrap();
        assert_eq!(m["schemaVersion"], 2);
        assert_eq!(m["mediaType"], OCI_MANIFEST_MEDIA_TYPE);
        assert_eq!(m["config"]["mediaType"], HELM_CONFIG_MEDIA_TYPE);
        assert_eq!(m["config"]["digest"], chart.config.digest());
        assert_eq!(m["layers"][0]["mediaType"], HELM_CHART_MEDIA_TYPE);
        assert_eq!(m["layers"][0]["size"], chart.layer.bytes.len());
        assert_eq!(
            m["annotations"][ANNOTATION_SOURCE],
            "https://example.com/shop"
        );
        assert_eq!(m["annotations"][ANNOTATION_REVISION], "sha1:abc");
        assert_eq!(m["annotations"][ANNOTATION_CREATED], "2026-01-25T14:30:22Z");
        assert_eq!(m["annotations"][ANNOTATION_TITLE], "shop-production");
        assert_eq!(m["annotations"][ANNOTATION_VERSION], "1.2.3");

        let bundle = &first[1];
        assert_eq!(bundle.repository, "team/releases/shop-production-manifests");
        assert_eq!(bundle.config.bytes, b"{}");
        let m: Value = serde_json::from_slice(&bundle.manifest).unwrap();
        assert_eq!(m["config"]["mediaType"], FLUX_CONFIG_MEDIA_TYPE);
        assert_eq!(m["layers"][0]["mediaType"], FLUX_CONTENT_MEDIA_TYPE);
        assert_eq!(
            m["annotations"].as_object().unwrap().len(),
            3,
            "source, revision, created"
        );
        assert_eq!(bundle.layer.bytes, pkg.archives[1].bytes);

        let none = make(&ArtifactOptions::default());
        let m: Value = serde_json::from_slice(&none[1].manifest).unwrap();
        assert!(m["annotations"].get(ANNOTATION_CREATED).is_none());
    }

    #[test]
    fn selecting_unknown_apps_or_environments_names_what_exists() {
        let tmp = Tmp::new();
        write_package(&tmp.0, "1.2.3");
        let pkg = read_package(&tmp.0).unwrap();
        assert_eq!(pkg.select(None, None).unwrap().len(), 2);
        assert_eq!(
            pkg.select(Some("shop"), Some("production")).unwrap().len(),
            2
        );
        let e = pkg.select(Some("nope"), None).unwrap_err();
        assert!(
            e.contains("unknown app `nope`") && e.contains("shop"),
            "{e}"
        );
        let e = pkg.select(Some("shop"), Some("staging")).unwrap_err();
        assert!(e.contains("shop/production"), "{e}");
    }

    #[test]
    fn damaged_or_unlisted_files_are_refused() {
        let tmp = Tmp::new();
        write_package(&tmp.0, "1.2.3");
        let chart = tmp.0.join("shop-production-1.2.3.tgz");
        let mut bytes = std::fs::read(&chart).unwrap();
        bytes[20] ^= 1;
        std::fs::write(&chart, &bytes).unwrap();
        assert!(
            matches!(read_package(&tmp.0), Err(PackageError::Mismatch(m)) if m.contains("does not match SHA256SUMS"))
        );

        write_package(&tmp.0, "1.2.3");
        let sums = std::fs::read_to_string(tmp.0.join(SUMS_FILE)).unwrap();
        let without_index: String = sums
            .lines()
            .filter(|l| !l.ends_with(INDEX_FILE))
            .map(|l| format!("{l}\n"))
            .collect();
        std::fs::write(tmp.0.join(SUMS_FILE), without_index).unwrap();
        assert!(
            matches!(read_package(&tmp.0), Err(PackageError::Mismatch(m)) if m.contains("not listed"))
        );

        write_package(&tmp.0, "1.2");
        assert!(
            matches!(read_package(&tmp.0), Err(PackageError::Unreadable(m)) if m.contains("not SemVer"))
        );

        let empty = Tmp::new();
        assert!(matches!(
            read_package(&empty.0),
            Err(PackageError::Unreadable(_))
        ));
    }

    #[test]
    fn archive_names_cannot_leave_the_package() {
        for bad in ["../x.tgz", "a/b.tgz", "..", ""] {
            assert!(!plain_file_name(bad), "{bad}");
        }
        assert!(plain_file_name("shop-production-1.2.3.tgz"));
    }

    #[test]
    fn credentials_from_a_docker_config_never_show_the_password() {
        let config =
            r#"{"auths": {"registry.example.com:5000": {"auth": "YWxpY2U6czNjcmV0Ong="}}}"#;
        let path = Path::new("/home/x/.docker/config.json");
        let c =
            Credentials::from_docker_config(config.as_bytes(), "registry.example.com:5000", path)
                .unwrap()
                .expect("credentials");
        assert_eq!(c.username, "alice");
        assert_eq!(c.password, "s3cret:x");
        let shown = format!(
            "{c:?} {:?}",
            PushOptions {
                plain_http: false,
                credentials: Some(c.clone())
            }
        );
        assert!(
            !shown.contains("s3cret") && !shown.contains("alice"),
            "{shown}"
        );
        assert!(
            Credentials::from_docker_config(config.as_bytes(), "other.example.com", path)
                .unwrap()
                .is_none()
        );
        let url_key =
            r#"{"auths": {"https://registry.example.com": {"username": "bob", "password": "pw"}}}"#;
        let c = Credentials::from_docker_config(url_key.as_bytes(), "registry.example.com", path)
            .unwrap()
            .expect("credentials under an https:// key");
        assert_eq!(c.username, "bob");
        assert!(Credentials::from_docker_config(&b"not json"[..], "x", path).is_err());
    }
}
