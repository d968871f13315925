//! Volumes a component mounts besides its scratch directories ([`WritableDir`]) and its
//! configuration files ([`ConfigFiles`](crate::ConfigFiles)): files projected from
//! external Secrets and from keys of the app's ConfigMap, and existing
//! PersistentVolumeClaims.
//!
//! A claim per replica belongs to a StatefulSet (`volumeClaimTemplates`), not here.
//!
//! [`WritableDir`]: crate::WritableDir

use crate::model::builder::ComponentBuilder;
use crate::primitives::secret::SecretRef;
use crate::primitives::text::{DataKey, Name};

/// Permission bits of projected files (`defaultMode`), at most `0o777`. Build it with
/// [`file_mode!`](crate::file_mode) so that a bad value fails the build. It is written as
/// the decimal integer the API expects (`0o440` is `288`), never as a YAML 1.1 octal
/// literal or a string.
///
/// ```
/// let mode = dsl::file_mode!(0o440);
/// assert_eq!(mode.bits(), 288);
/// ```
///
/// ```compile_fail
/// let mode = dsl::file_mode!(0o1777); // sticky bit: not a file permission
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct FileMode(u16);

impl FileMode {
    /// Owner and group may read (`0o440`).
    pub const READ_OWNER_GROUP: FileMode = FileMode(0o440);
    /// Only the owner may read (`0o400`).
    pub const READ_OWNER: FileMode = FileMode(0o400);

    /// Builds a mode; above `0o777` is a compile error in `const` context. Prefer
    /// [`file_mode!`](crate::file_mode), which always evaluates in `const` context; use
    /// [`parse`](Self::parse) for run-time input.
    pub const fn new(bits: u16) -> Self {
        if bits > 0o777 {
            panic!("a file mode has permission bits only (at most 0o777), e.g. file_mode!(0o440)");
        }
        FileMode(bits)
    }

    /// A mode from run-time input; `None` above `0o777`.
    pub const fn parse(bits: u32) -> Option<Self> {
        if bits > 0o777 {
            None
        } else {
            Some(FileMode(bits as u16))
        }
    }

    /// The permission bits.
    pub const fn bits(self) -> u16 {
        self.0
    }
}

/// A file mode checked at compile time: `file_mode!(0o440)`.
#[macro_export]
macro_rules! file_mode {
    ($bits:literal) => {{
        const VALUE: $crate::FileMode = $crate::FileMode::new($bits);
        VALUE
    }};
}

/// Where one projected file comes from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum FileSource {
    /// A listed key of an external Secret (a [`SecretRef`] from
    /// [`external_secret!`](crate::external_secret)).
    Secret(SecretRef),
    /// A key of the app's ConfigMap ([`App::config`](crate::App::config)).
    Config(DataKey),
}

/// One file of a [`ProjectedFiles`] volume.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ProjectedFile {
    /// Where the content comes from.
    pub source: FileSource,
    /// The file's name in the mounted directory.
    pub file_name: DataKey,
}

/// Read-only files in one directory, each taken from a Secret key or a key of the app's
/// ConfigMap (a `projected` volume). Only the listed keys appear, so a Secret with more
/// keys than the component needs does not leak them into its filesystem.
///
/// ```
/// use dsl::*;
/// external_secret! { pub struct Tls { cert: "tls.crt", key: "tls.key" } }
/// let tls = Tls::named(name!("shop-tls"));
/// let files = ProjectedFiles::new(name!("tls"), "/etc/tls")
///     .secret_file(tls.cert(), key!("tls.crt"))
///     .secret_file(tls.key(), key!("tls.key"))
///     .config_file(key!("ca-bundle"), key!("ca.crt"))
///     .default_mode(file_mode!(0o440));
/// assert_eq!(files.files.len(), 3);
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ProjectedFiles {
    /// Volume name (unique within the pod).
    pub name: Name,
    /// Directory the files appear in (mounted read-only).
    pub mount_dir: String,
    /// The files, in declaration order.
    pub files: Vec<ProjectedFile>,
    /// Permission bits of the files; `None` is the Kubernetes default (`0o644`).
    pub default_mode: Option<FileMode>,
}

impl ProjectedFiles {
    /// An empty directory of projected files.
    pub fn new(name: Name, mount_dir: impl Into<String>) -> Self {
        ProjectedFiles {
            name,
            mount_dir: mount_dir.into(),
            files: Vec::new(),
            default_mode: None,
        }
    }

    /// Adds the Secret key `secret` as the file `file_name`.
    pub fn secret_file(mut self, secret: SecretRef, file_name: DataKey) -> Self {
        self.files.push(ProjectedFile {
            source: FileSource::Secret(secret),
            file_name,
        });
        self
    }

    /// Adds the key `key` of the app's ConfigMap as the file `file_name`. A key the app's
    /// config does not have is reported at emit time (rule `declaration-unresolved`).
    pub fn config_file(mut self, key: DataKey, file_name: DataKey) -> Self {
        self.files.push(ProjectedFile {
            source: FileSource::Config(key),
            file_name,
        });
        self
    }

    /// Sets the files' permission bits (`defaultMode`).
    pub fn default_mode(mut self, mode: FileMode) -> Self {
        self.default_mode = Some(mode);
        self
    }
}

/// Whether a claim is mounted read-only.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ClaimAccess {
    /// Mounted read-only (`readOnly: true` on the volume and the mount).
    ReadOnly,
    /// Mounted read-write.
    ReadWrite,
}

/// An existing PersistentVolumeClaim, created outside kairn, mounted by name. The
/// validator treats the claim as existing (it is recorded in the
/// `kairn.dev/external-claims` annotation of the workload); with more than one replica a
/// ReadWriteOnce claim mounted read-write hangs pods on other nodes, so mount a shared
/// claim read-only or use a ReadWriteMany one.
///
/// ```
/// use dsl::*;
/// let models = ClaimVolume::new(name!("models"), name!("ml-models"), "/models", ClaimAccess::ReadOnly);
/// assert_eq!(models.claim.as_str(), "ml-models");
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ClaimVolume {
    /// Volume name (unique within the pod).
    pub name: Name,
    /// The claim's name in the app's namespace.
    pub claim: Name,
    /// Absolute mount path in the container.
    pub mount_path: String,
    /// Read-only or read-write.
    pub access: ClaimAccess,
}

impl ClaimVolume {
    /// The claim `claim` mounted at `mount_path` as the volume `name`.
    pub fn new(
        name: Name,
        claim: Name,
        mount_path: impl Into<String>,
        access: ClaimAccess,
    ) -> Self {
        ClaimVolume {
            name,
            claim,
            mount_path: mount_path.into(),
            access,
        }
    }
}

/// A volume a component mounts, added with [`ComponentBuilder::volume`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Volume {
    /// Read-only files from Secret and ConfigMap keys.
    Files(ProjectedFiles),
    /// An existing PersistentVolumeClaim.
    Claim(ClaimVolume),
}

impl Volume {
    /// An existing PersistentVolumeClaim (see [`ClaimVolume`]).
    pub fn claim(
        name: Name,
        claim: Name,
        mount_path: impl Into<String>,
        access: ClaimAccess,
    ) -> Self {
        Volume::Claim(ClaimVolume::new(name, claim, mount_path, access))
    }

    /// The volume's name.
    pub fn name(&self) -> &Name {
        match self {
            Volume::Files(f) => &f.name,
            Volume::Claim(c) => &c.name,
        }
    }
}

impl From<ProjectedFiles> for Volume {
    fn from(v: ProjectedFiles) -> Self {
        Volume::Files(v)
    }
}

impl From<ClaimVolume> for Volume {
    fn from(v: ClaimVolume) -> Self {
        Volume::Claim(v)
    }
}

impl<N, I, R, W> ComponentBuilder<N, I, R, W> {
    /// Mounts a volume: [`ProjectedFiles`] (read-only Secret and ConfigMap keys) or an
    /// existing claim ([`Volume::claim`]). Repeated calls add volumes.
    ///
    /// ```
    /// use dsl::*;
    /// # let http = NamedPort::new(port_name!("http"), port!(8080));
    /// external_secret! { pub struct Tls { cert: "tls.crt" } }
    /// let tls = Tls::named(name!("shop-tls"));
    /// let api = Component::builder()
    ///     .name(name!("api"))
    ///     .image(image!("ghcr.io/acme/shop:1.4.2"))
    ///     .resources(Resources::new(cpu!("250m"), cpu!("1"), memory!("256Mi"), memory!("1Gi")))
    /// #   .workload(HttpService::builder().port(http.clone())
    /// #       .probes(Probes::http(&http, http_path!("/live"), http_path!("/ready")))
    /// #       .replicas(Replicas::Fixed(2)).build())
    ///     .volume(ProjectedFiles::new(name!("tls"), "/etc/tls").secret_file(tls.cert(), key!("tls.crt")))
    ///     .volume(Volume::claim(name!("models"), name!("ml-models"), "/models", ClaimAccess::ReadOnly))
    ///     .build();
    /// assert_eq!(api.pod.volumes.len(), 2);
    /// ```
    pub fn volume(mut self, volume: impl Into<Volume>) -> Self {
        self.optional.pod.volumes.push(volume.into());
        self
    }
}
