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
//!
//! One concern per module:
//! - [`target`]: the `--to` reference (`oci://HOST[:PORT]/PATH`), repository names, tags;
//! - [`package`]: reading and checking a package directory against `SHA256SUMS` and its index;
//! - [`artifact`](mod@artifact): building the config blob, layer and manifest of each artifact, and digests;
//! - [`created`]: the `org.opencontainers.image.created` time (RFC 3339, through `jiff`);
//! - [`credentials`]: registry credentials from the environment or the Docker config file;
//! - [`push`]: the registry client that pushes artifacts and reads manifests back.

pub mod artifact;
pub mod created;
pub mod credentials;
pub mod package;
pub mod push;
pub mod target;
#[cfg(test)]
mod tests;

pub use artifact::{artifact, Artifact, ArtifactOptions, Blob};
pub use created::{check_created, rfc3339_utc};
pub use credentials::{Credentials, PASSWORD_VAR, USERNAME_VAR};
pub use package::{
    read_package, sha256_hex, ArchiveKind, Package, PackageArchive, PackageError, INDEX_FILE,
    SUMS_FILE,
};
pub use push::{Publisher, PushError, PushOptions};
pub use target::{is_repository_component, tag_for, Target};

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

/// Suffix of the repository a manifests bundle is pushed to (`<app>-<env>-manifests`).
pub const MANIFESTS_SUFFIX: &str = "-manifests";
