//! Building artifacts: the config blob, the layer and the manifest of each archive of a
//! package, in memory and byte-deterministic, with their digests.

use std::collections::BTreeMap;
use std::fmt;
use std::io::Read;

use semver::Version;
use serde::{Deserialize, Serialize};
use serde_json::{json, Map, Value};

use super::created::check_created;
use super::package::{sha256_hex, ArchiveKind, Package, PackageArchive};
use super::target::{tag_for, Target};
use super::{
    ANNOTATION_CREATED, ANNOTATION_REVISION, ANNOTATION_SOURCE, ANNOTATION_TITLE,
    ANNOTATION_VERSION, FLUX_CONFIG_MEDIA_TYPE, FLUX_CONTENT_MEDIA_TYPE, HELM_CHART_MEDIA_TYPE,
    HELM_CONFIG_MEDIA_TYPE, MANIFESTS_SUFFIX, OCI_MANIFEST_MEDIA_TYPE,
};

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
    let meta: ChartMetadata = dsl::yaml::from_str(&text)
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
