//! Where a service keeps its files: a cloud object store reached through workload
//! identity, or a filesystem on a PersistentVolumeClaim.
//!
//! The choice is typed ([`ObjectStorage`]); the renderer derives from it the cloud
//! identity annotations (and labels) of the service's ServiceAccount and pods, the egress
//! the backend needs, or the claim, mount and rollout strategy of a filesystem volume.
//! Applications turn the same value into their own configuration format.
//!
//! A filesystem on a ReadWriteOnce volume can be mounted by a single pod only. Such a
//! volume ([`SingleNodeVolume`]) is attached with
//! [`HttpServiceBuilder::single_node_volume`](crate::model::builders::http::HttpServiceBuilder::single_node_volume),
//! which sets the replica count to one itself; it cannot be combined with
//! `.replicas(..)` (nor passed to `.storage(..)`), so a scaled service on a
//! ReadWriteOnce volume does not compile:
//!
//! ```compile_fail
//! use dsl::*;
//! let http = NamedPort::new(port_name!("http"), port!(8000));
//! let api = HttpService::builder()
//!     .port(http.clone())
//!     .probes(Probes::http(&http, http_path!("/health"), http_path!("/ready")))
//!     .replicas(Replicas::Fixed(3))
//!     .single_node_volume(SingleNodeVolume::new(storage!("50Gi"), "/var/lib/app"))
//!     .build();
//! ```

use std::borrow::Cow;
use std::collections::BTreeMap;
use std::fmt;

use super::builder::Unset;
use super::builders::http::HttpServiceBuilder;
use super::component::AccessMode;
use super::scaling::Replicas;
use crate::primitives::quantity::Storage;
use crate::primitives::text::{InvalidValue, Name};

const fn is_digit_run(b: &[u8], start: usize, len: usize) -> bool {
    if start + len > b.len() {
        return false;
    }
    let mut i = start;
    while i < start + len {
        if !b[i].is_ascii_digit() {
            return false;
        }
        i += 1;
    }
    true
}

const fn starts_with(b: &[u8], at: usize, prefix: &[u8]) -> bool {
    if at + prefix.len() > b.len() {
        return false;
    }
    let mut i = 0;
    while i < prefix.len() {
        if b[at + i] != prefix[i] {
            return false;
        }
        i += 1;
    }
    true
}

pub use lint::AWS_DOCUMENTATION_ACCOUNTS;

/// Whether the 12 bytes of `b` at `at` are one of [`AWS_DOCUMENTATION_ACCOUNTS`].
const fn is_documentation_account(b: &[u8], at: usize) -> bool {
    let mut i = 0;
    while i < AWS_DOCUMENTATION_ACCOUNTS.len() {
        if starts_with(b, at, AWS_DOCUMENTATION_ACCOUNTS[i].as_bytes()) {
            return true;
        }
        i += 1;
    }
    false
}

/// `arn:<partition>:iam::<12-digit account>:role/<path/name>`, in a real account.
const fn check_role_arn(s: &str) -> Option<&'static str> {
    const MSG: &str = "an IAM role ARN is arn:aws:iam::<12-digit account id>:role/<name> (placeholders such as ACCOUNT_ID do not work)";
    let b = s.as_bytes();
    let after = if starts_with(b, 0, b"arn:aws:iam::") {
        13
    } else if starts_with(b, 0, b"arn:aws-cn:iam::") {
        16
    } else if starts_with(b, 0, b"arn:aws-us-gov:iam::") {
        20
    } else {
        return Some(MSG);
    };
    if !is_digit_run(b, after, 12) || !starts_with(b, after + 12, b":role/") {
        return Some(MSG);
    }
    if is_documentation_account(b, after) {
        return Some("the account id is an AWS documentation example (e.g. 123456789012), not a real account; pass the real role ARN as an input");
    }
    let name = after + 18;
    if name >= b.len() {
        return Some(MSG);
    }
    let mut i = name;
    while i < b.len() {
        let c = b[i];
        if !(c.is_ascii_alphanumeric()
            || matches!(c, b'+' | b'=' | b',' | b'.' | b'@' | b'_' | b'-' | b'/'))
        {
            return Some("an IAM role name may contain only letters, digits and +=,.@_-/");
        }
        i += 1;
    }
    None
}

/// A GUID: 8-4-4-4-12 hex digits.
const fn check_guid(s: &str) -> Option<&'static str> {
    let b = s.as_bytes();
    if b.len() != 36 {
        return Some("an Azure client id is a GUID (xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx)");
    }
    let mut i = 0;
    while i < 36 {
        let dash = i == 8 || i == 13 || i == 18 || i == 23;
        if dash != (b[i] == b'-') || (!dash && !b[i].is_ascii_hexdigit()) {
            return Some("an Azure client id is a GUID (xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx)");
        }
        i += 1;
    }
    None
}

/// `<name>@<project>.iam.gserviceaccount.com`.
const fn check_gcp_service_account(s: &str) -> Option<&'static str> {
    const MSG: &str = "a Google service account is <name>@<project-id>.iam.gserviceaccount.com with lowercase letters, digits and '-'";
    const SUFFIX: &[u8] = b".iam.gserviceaccount.com";
    let b = s.as_bytes();
    let mut at = 0;
    while at < b.len() && b[at] != b'@' {
        at += 1;
    }
    if at == 0 || at >= b.len() || b.len() < at + 1 + SUFFIX.len() + 1 {
        return Some(MSG);
    }
    let project_end = b.len() - SUFFIX.len();
    if !starts_with(b, project_end, SUFFIX) || project_end <= at + 1 {
        return Some(MSG);
    }
    let mut i = 0;
    while i < project_end {
        let c = b[i];
        if i != at && !(c.is_ascii_lowercase() || c.is_ascii_digit() || c == b'-') {
            return Some(MSG);
        }
        i += 1;
    }
    None
}

macro_rules! identity_string {
    ($(#[$doc:meta])* $ty:ident, $check:path, $kind:literal, $macro:ident) => {
        crate::primitives::text::validated_string!($(#[$doc])* $ty, $check, $kind);

        #[doc = concat!("A [`", stringify!($ty), "`] literal checked at compile time.")]
        #[macro_export]
        macro_rules! $macro {
            ($s:literal) => {{
                const VALUE: $crate::$ty = $crate::$ty::from_static($s);
                VALUE
            }};
        }
    };
}

identity_string!(
    /// An AWS IAM role ARN for IRSA (IAM Roles for Service Accounts).
    ///
    /// ```
    /// let arn = dsl::aws_role_arn!("arn:aws:iam::210987654321:role/terrapod-api");
    /// assert!(dsl::AwsRoleArn::parse("arn:aws:iam::ACCOUNT_ID:role/x").is_err());
    /// // The AWS documentation account is a placeholder, not an account.
    /// assert!(dsl::AwsRoleArn::parse("arn:aws:iam::123456789012:role/x").is_err());
    /// ```
    AwsRoleArn,
    check_role_arn,
    "IAM role ARN",
    aws_role_arn
);

identity_string!(
    /// The client id (a GUID) of an Azure managed identity for Azure Workload Identity.
    ///
    /// ```
    /// let id = dsl::azure_client_id!("00000000-1111-2222-3333-444444444444");
    /// assert!(dsl::AzureClientId::parse("<managed-identity-client-id>").is_err());
    /// ```
    AzureClientId,
    check_guid,
    "Azure client id",
    azure_client_id
);

identity_string!(
    /// A Google service account e-mail for GKE Workload Identity.
    ///
    /// ```
    /// let sa = dsl::gcp_service_account!("terrapod@my-project.iam.gserviceaccount.com");
    /// assert!(dsl::GcpServiceAccount::parse("terrapod@PROJECT_ID.iam.gserviceaccount.com").is_err());
    /// ```
    GcpServiceAccount,
    check_gcp_service_account,
    "Google service account",
    gcp_service_account
);

/// A cloud identity bound to a Kubernetes ServiceAccount, so pods get short-lived cloud
/// credentials without a key in a Secret.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum CloudIdentity {
    /// EKS IAM Roles for Service Accounts.
    AwsIrsa(AwsRoleArn),
    /// AKS Azure Workload Identity (also labels pods `azure.workload.identity/use: "true"`).
    AzureWorkloadIdentity(AzureClientId),
    /// GKE Workload Identity Federation.
    GkeWorkloadIdentity(GcpServiceAccount),
    /// EKS Pod Identity: the IAM role is associated with the ServiceAccount on the AWS side
    /// (`aws eks create-pod-identity-association --namespace <ns> --service-account <sa>
    /// --role-arn <arn>`), so nothing in the manifests names it. Pods fetch credentials
    /// from the node's Pod Identity Agent (169.254.170.23:80).
    EksPodIdentity,
}

impl CloudIdentity {
    /// The ServiceAccount annotations that bind the identity.
    ///
    /// ```
    /// use dsl::*;
    /// let id = CloudIdentity::AwsIrsa(aws_role_arn!("arn:aws:iam::210987654321:role/api"));
    /// assert_eq!(id.service_account_annotations()["eks.amazonaws.com/role-arn"], "arn:aws:iam::210987654321:role/api");
    /// ```
    pub fn service_account_annotations(&self) -> BTreeMap<String, String> {
        let (key, value) = match self {
            CloudIdentity::AwsIrsa(arn) => ("eks.amazonaws.com/role-arn", arn.as_str()),
            CloudIdentity::AzureWorkloadIdentity(id) => {
                ("azure.workload.identity/client-id", id.as_str())
            }
            CloudIdentity::GkeWorkloadIdentity(sa) => {
                ("iam.gke.io/gcp-service-account", sa.as_str())
            }
            CloudIdentity::EksPodIdentity => return BTreeMap::new(),
        };
        BTreeMap::from([(key.to_owned(), value.to_owned())])
    }

    /// Pod labels the identity's admission webhook needs.
    pub fn pod_labels(&self) -> BTreeMap<String, String> {
        match self {
            CloudIdentity::AzureWorkloadIdentity(_) => {
                BTreeMap::from([("azure.workload.identity/use".to_owned(), "true".to_owned())])
            }
            _ => BTreeMap::new(),
        }
    }
}

/// An S3 bucket, accessed with an IRSA role or through EKS Pod Identity.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct S3Bucket {
    /// Bucket name.
    pub bucket: Name,
    /// AWS region, e.g. `eu-west-1`.
    pub region: Name,
    /// Key prefix inside the bucket.
    pub prefix: Option<String>,
    /// Custom endpoint (S3-compatible stores); `None` uses AWS.
    pub endpoint_url: Option<String>,
    /// The IAM role the ServiceAccount assumes through IRSA (annotated on it); `None`
    /// when the role is bound by an EKS Pod Identity association made outside the
    /// manifests ([`CloudIdentity::EksPodIdentity`]).
    pub role: Option<AwsRoleArn>,
}

impl S3Bucket {
    /// A bucket in a region, accessed through an IRSA role.
    pub fn new(bucket: Name, region: Name, role: AwsRoleArn) -> Self {
        S3Bucket {
            bucket,
            region,
            prefix: None,
            endpoint_url: None,
            role: Some(role),
        }
    }

    /// A bucket in a region, accessed through EKS Pod Identity: the role is associated
    /// with the ServiceAccount on the AWS side, so no account id appears in the output.
    ///
    /// ```
    /// use dsl::*;
    /// let s = S3Bucket::with_pod_identity(name!("data"), name!("eu-west-1"));
    /// let storage = ObjectStorage::S3(s);
    /// assert_eq!(storage.identity(), Some(CloudIdentity::EksPodIdentity));
    /// assert!(CloudIdentity::EksPodIdentity.service_account_annotations().is_empty());
    /// ```
    pub fn with_pod_identity(bucket: Name, region: Name) -> Self {
        S3Bucket {
            bucket,
            region,
            prefix: None,
            endpoint_url: None,
            role: None,
        }
    }

    /// Stores keys under a prefix.
    pub fn prefix(mut self, prefix: impl Into<String>) -> Self {
        self.prefix = Some(prefix.into());
        self
    }
}

/// An Azure Blob Storage container, accessed with Azure Workload Identity.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AzureContainer {
    /// Storage account name.
    pub account_name: Name,
    /// Blob container name.
    pub container_name: Name,
    /// The managed identity's client id.
    pub client_id: AzureClientId,
}

/// A Google Cloud Storage bucket, accessed with GKE Workload Identity.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct GcsBucket {
    /// Bucket name.
    pub bucket: Name,
    /// GCP project id.
    pub project_id: Name,
    /// The Google service account the ServiceAccount impersonates.
    pub service_account: GcpServiceAccount,
}

/// A filesystem on a PersistentVolumeClaim that outlives the release.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FilesystemVolume {
    /// Requested size.
    pub size: Storage,
    /// Storage class; `None` uses the cluster default.
    pub storage_class: Option<Name>,
    /// Where the volume is mounted (the application's storage root).
    pub root_dir: String,
    /// ReadWriteMany for [`SharedVolume`], ReadWriteOnce for [`SingleNodeVolume`].
    pub access_mode: AccessMode,
}

/// A ReadWriteMany filesystem volume (NFS, EFS, Azure Files, CephFS...): any number of
/// replicas on any nodes can mount it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SharedVolume(FilesystemVolume);

impl SharedVolume {
    /// A ReadWriteMany claim of `size` mounted at `root_dir`.
    pub fn new(size: Storage, root_dir: impl Into<String>) -> Self {
        SharedVolume(FilesystemVolume {
            size,
            storage_class: None,
            root_dir: root_dir.into(),
            access_mode: AccessMode::ReadWriteMany,
        })
    }

    /// Uses a storage class that supports ReadWriteMany.
    pub fn storage_class(mut self, class: Name) -> Self {
        self.0.storage_class = Some(class);
        self
    }
}

/// A ReadWriteOnce filesystem volume: one node, so one pod, mounts it. The service that
/// uses it runs exactly one replica and is updated by recreating its pod.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SingleNodeVolume(FilesystemVolume);

impl SingleNodeVolume {
    /// A ReadWriteOnce claim of `size` mounted at `root_dir`.
    pub fn new(size: Storage, root_dir: impl Into<String>) -> Self {
        SingleNodeVolume(FilesystemVolume {
            size,
            storage_class: None,
            root_dir: root_dir.into(),
            access_mode: AccessMode::ReadWriteOnce,
        })
    }

    /// Uses a specific storage class.
    pub fn storage_class(mut self, class: Name) -> Self {
        self.0.storage_class = Some(class);
        self
    }
}

/// The storage backend of a service.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ObjectStorage {
    /// Amazon S3 (or compatible) through IRSA or EKS Pod Identity.
    S3(S3Bucket),
    /// Azure Blob Storage through Azure Workload Identity.
    AzureBlob(AzureContainer),
    /// Google Cloud Storage through GKE Workload Identity.
    Gcs(GcsBucket),
    /// A filesystem on a PersistentVolumeClaim.
    Filesystem(FilesystemVolume),
}

impl ObjectStorage {
    /// The cloud identity the backend is reached with (`None` for a filesystem).
    pub fn identity(&self) -> Option<CloudIdentity> {
        match self {
            ObjectStorage::S3(s) => Some(match &s.role {
                Some(role) => CloudIdentity::AwsIrsa(role.clone()),
                None => CloudIdentity::EksPodIdentity,
            }),
            ObjectStorage::AzureBlob(a) => {
                Some(CloudIdentity::AzureWorkloadIdentity(a.client_id.clone()))
            }
            ObjectStorage::Gcs(g) => Some(CloudIdentity::GkeWorkloadIdentity(
                g.service_account.clone(),
            )),
            ObjectStorage::Filesystem(_) => None,
        }
    }

    /// The filesystem volume, if the backend is one.
    pub fn filesystem(&self) -> Option<&FilesystemVolume> {
        match self {
            ObjectStorage::Filesystem(f) => Some(f),
            _ => None,
        }
    }

    /// Whether only one pod can mount the storage (a ReadWriteOnce filesystem).
    pub fn single_node(&self) -> bool {
        self.filesystem()
            .is_some_and(|f| f.access_mode != AccessMode::ReadWriteMany)
    }
}

/// Storage that any number of replicas can share: an object store or a ReadWriteMany
/// volume. What [`HttpServiceBuilder::storage`](crate::model::builders::http::HttpServiceBuilder)
/// accepts; a [`SingleNodeVolume`] does not convert into it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ScalableStorage(pub(crate) ObjectStorage);

impl From<S3Bucket> for ScalableStorage {
    fn from(s: S3Bucket) -> Self {
        ScalableStorage(ObjectStorage::S3(s))
    }
}

impl From<AzureContainer> for ScalableStorage {
    fn from(a: AzureContainer) -> Self {
        ScalableStorage(ObjectStorage::AzureBlob(a))
    }
}

impl From<GcsBucket> for ScalableStorage {
    fn from(g: GcsBucket) -> Self {
        ScalableStorage(ObjectStorage::Gcs(g))
    }
}

impl From<SharedVolume> for ScalableStorage {
    fn from(v: SharedVolume) -> Self {
        ScalableStorage(ObjectStorage::Filesystem(v.0))
    }
}

impl From<ScalableStorage> for ObjectStorage {
    fn from(s: ScalableStorage) -> Self {
        s.0
    }
}

impl ScalableStorage {
    /// The backend.
    pub fn storage(&self) -> &ObjectStorage {
        &self.0
    }
}

impl From<SingleNodeVolume> for ObjectStorage {
    /// The backend a single-node volume describes (for configuration files; a service
    /// mounts it only through `single_node_volume`).
    fn from(v: SingleNodeVolume) -> Self {
        ObjectStorage::Filesystem(v.0)
    }
}

/// Implemented only when neither `.replicas(..)` nor `.storage(..)` was set on an
/// [`HttpServiceBuilder`]: what [`HttpServiceBuilder::single_node_volume`] requires.
#[diagnostic::on_unimplemented(
    message = "a ReadWriteOnce volume is mounted by a single pod: `.single_node_volume(..)` sets the replica count to 1, so this service must not also set `.replicas(..)` (or `.storage(..)`)",
    label = "this HTTP service already sets its replicas or storage",
    note = "remove `.replicas(..)`, or share the files with `SharedVolume` (ReadWriteMany) or an object store passed to `.storage(..)`"
)]
pub trait SingleNodeCompatible<Builder> {
    /// The builder with replicas and storage set.
    type Output;
    /// Sets one replica and the volume.
    fn attach(builder: Builder, volume: SingleNodeVolume) -> Self::Output;
}

impl<Po, Pr> SingleNodeCompatible<HttpServiceBuilder<Po, Pr, Unset, Unset>> for Unset {
    type Output = HttpServiceBuilder<Po, Pr, Replicas, Option<ObjectStorage>>;

    fn attach(
        builder: HttpServiceBuilder<Po, Pr, Unset, Unset>,
        volume: SingleNodeVolume,
    ) -> Self::Output {
        builder
            .replicas(Replicas::Fixed(1))
            .storage(ScalableStorage(ObjectStorage::Filesystem(volume.0)))
    }
}

impl<Po, Pr, R, S> HttpServiceBuilder<Po, Pr, R, S> {
    /// Stores the service's files on a ReadWriteOnce volume. Only one pod can mount it, so
    /// this sets the replica count to one (and the Deployment strategy to `Recreate`, so
    /// an update never waits on a second pod that cannot attach the volume). It does not
    /// compile together with `.replicas(..)` or `.storage(..)`.
    ///
    /// ```
    /// use dsl::*;
    /// let http = NamedPort::new(port_name!("http"), port!(8000));
    /// let api = HttpService::builder()
    ///     .port(http.clone())
    ///     .probes(Probes::http(&http, http_path!("/health"), http_path!("/ready")))
    ///     .single_node_volume(SingleNodeVolume::new(storage!("50Gi"), "/var/lib/app"))
    ///     .build();
    /// assert_eq!(api.replicas, Replicas::Fixed(1));
    /// ```
    pub fn single_node_volume(
        self,
        volume: SingleNodeVolume,
    ) -> HttpServiceBuilder<Po, Pr, Replicas, Option<ObjectStorage>>
    where
        R: SingleNodeCompatible<
            Self,
            Output = HttpServiceBuilder<Po, Pr, Replicas, Option<ObjectStorage>>,
        >,
    {
        R::attach(self, volume)
    }
}
