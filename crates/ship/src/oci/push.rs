//! Pushing: the OCI registry client (oci-client on a current-thread tokio runtime) that
//! pushes artifacts and reads their manifests back.

use std::fmt;

use oci_client::client::{ClientConfig, ClientProtocol};
use oci_client::secrets::RegistryAuth;
use oci_client::{Client, Reference, RegistryOperation};

use super::artifact::Artifact;
use super::credentials::{Credentials, PASSWORD_VAR, USERNAME_VAR};
use super::package::sha256_hex;
use super::OCI_MANIFEST_MEDIA_TYPE;

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
