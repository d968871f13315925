//! Terrapod (seed 000): a Terraform platform of an API (storage backend chosen from S3,
//! Azure Blob, GCS or a filesystem volume), a web UI that receives all ingress traffic,
//! and a listener that launches runner Jobs in their own namespace; database migrations
//! run before every deploy and the admin bootstrap after the first install.
//!
//! The storage backend is an input (`--set storage=s3|azure|gcs|filesystem`, default
//! `s3` as in the seed's production values): each one is a typed [`ObjectStorage`] that
//! yields the API's `config.yaml` section, the cloud identity annotation on the API's
//! ServiceAccount, and for a filesystem the claim, mount and single-replica rollout.
//!
//! Values that only the deploying organisation knows are inputs, never invented defaults:
//! the IRSA role (`aws-role-arn`; without it the API's ServiceAccount is bound to its role
//! by an EKS Pod Identity association, which needs no account id in the manifests) and the
//! OIDC provider (`oidc-issuer-url` + `oidc-client-id`; without them single sign-on is
//! left out and only local accounts log in). The seed's `123456789012` role and
//! `your-org.okta.com` / `your-client-id` provider are guide placeholders and are rejected.

use std::collections::BTreeMap;

use dsl::*;
use serde::Serialize;

use crate::inputs::{InputError, Inputs};
use crate::registry::{Declaration, InputSpec};

environments! {
    /// Terrapod's environments.
    pub enum Env { Production => "production" }
}

/// The Terrapod declaration.
pub struct Terrapod;

const HTTP: PortName = port_name!("http");
/// The API's port.
const API_HTTP: NamedPort = NamedPort::new(HTTP, port!(8000));
/// Default image tag. The seed leaves `api.image.tag` to the chart's appVersion, which it
/// never states; kairn always pins one (override with `--set image-tag=...`).
const DEFAULT_TAG: &str = "0.1.0";

/// A Terraform or OpenTofu version (`major.minor.patch`), checked when it is a literal.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ToolVersion(&'static str);

impl ToolVersion {
    /// A `x.y.z` version; anything else is a compile error in `const` context (use it in
    /// `const` items only).
    pub const fn new(v: &'static str) -> Self {
        let b = v.as_bytes();
        let mut dots = 0;
        let mut digits = 0;
        let mut i = 0;
        while i < b.len() {
            if b[i] == b'.' {
                if digits == 0 {
                    panic!("a tool version is major.minor.patch, e.g. \"1.9.8\"");
                }
                dots += 1;
                digits = 0;
            } else if b[i].is_ascii_digit() {
                digits += 1;
            } else {
                panic!("a tool version is major.minor.patch, e.g. \"1.9.8\"");
            }
            i += 1;
        }
        if dots != 2 || digits == 0 {
            panic!("a tool version is major.minor.patch, e.g. \"1.9.8\"");
        }
        ToolVersion(v)
    }
}

impl Serialize for ToolVersion {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.0)
    }
}

/// What a runner executes plans with.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ExecutionBackend {
    /// HashiCorp Terraform.
    Terraform(ToolVersion),
    /// OpenTofu.
    Tofu(ToolVersion),
}

/// CPU and memory of one side (requests or limits) of a runner Job.
#[derive(Serialize)]
struct Amounts {
    cpu: String,
    memory: String,
}

#[derive(Serialize)]
struct RunnerResources {
    requests: Amounts,
    limits: Amounts,
}

impl From<Resources> for RunnerResources {
    fn from(r: Resources) -> Self {
        RunnerResources {
            requests: Amounts {
                cpu: r.cpu_request.map(|c| c.to_string()).unwrap_or_default(),
                memory: r.memory_request.map(|m| m.to_string()).unwrap_or_default(),
            },
            limits: Amounts {
                cpu: r.cpu_limit.map(|c| c.to_string()).unwrap_or_default(),
                memory: r.memory_limit.map(|m| m.to_string()).unwrap_or_default(),
            },
        }
    }
}

/// One named runner definition.
pub struct RunnerDefinition {
    /// Terraform or OpenTofu, with its version.
    pub backend: ExecutionBackend,
    /// Requests and limits of the runner Job.
    pub resources: Resources,
    /// Seconds a finished runner Job is kept.
    pub ttl_seconds_after_finished: u32,
}

/// The seed's default Terraform version.
const TERRAFORM: ToolVersion = ToolVersion::new("1.9.8");
/// The OpenTofu release of the `tofu` runner definition.
const TOFU: ToolVersion = ToolVersion::new("1.8.8");

impl Default for RunnerDefinition {
    /// The seed's defaults: terraform 1.9.8, 1 CPU request / 2 limit, 2Gi / 4Gi, TTL 600 s.
    fn default() -> Self {
        RunnerDefinition {
            backend: ExecutionBackend::Terraform(TERRAFORM),
            resources: Resources::new(cpu!("1"), cpu!("2"), memory!("2Gi"), memory!("4Gi")),
            ttl_seconds_after_finished: 600,
        }
    }
}

#[derive(Serialize)]
struct RunnerDefinitionFile {
    execution_backend: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    terraform_version: Option<ToolVersion>,
    #[serde(skip_serializing_if = "Option::is_none")]
    tofu_version: Option<ToolVersion>,
    resources: RunnerResources,
    ttl_seconds_after_finished: u32,
}

impl From<&RunnerDefinition> for RunnerDefinitionFile {
    fn from(d: &RunnerDefinition) -> Self {
        let (execution_backend, terraform_version, tofu_version) = match d.backend {
            ExecutionBackend::Terraform(v) => ("terraform", Some(v), None),
            ExecutionBackend::Tofu(v) => ("tofu", None, Some(v)),
        };
        RunnerDefinitionFile {
            execution_backend,
            terraform_version,
            tofu_version,
            resources: d.resources.into(),
            ttl_seconds_after_finished: d.ttl_seconds_after_finished,
        }
    }
}

/// `runners.yaml`: where and how the listener creates runner Jobs.
#[derive(Serialize)]
struct RunnersFile {
    namespace: String,
    service_account_name: String,
    image: String,
    default: String,
    definitions: BTreeMap<String, RunnerDefinitionFile>,
}

/// The API's `config.yaml`.
#[derive(Serialize)]
struct ApiConfig {
    log_level: &'static str,
    storage: StorageConfig,
    auth: AuthConfig,
    registry: RegistryConfig,
    vcs: VcsConfig,
}

#[derive(Serialize)]
struct StorageConfig {
    backend: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    s3: Option<S3Config>,
    #[serde(skip_serializing_if = "Option::is_none")]
    azure: Option<AzureConfig>,
    #[serde(skip_serializing_if = "Option::is_none")]
    gcs: Option<GcsConfig>,
    #[serde(skip_serializing_if = "Option::is_none")]
    filesystem: Option<FilesystemConfig>,
}

#[derive(Serialize)]
struct S3Config {
    bucket: String,
    region: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    prefix: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    endpoint_url: Option<String>,
}

#[derive(Serialize)]
struct AzureConfig {
    account_name: String,
    container_name: String,
}

#[derive(Serialize)]
struct GcsConfig {
    bucket: String,
    project_id: String,
}

#[derive(Serialize)]
struct FilesystemConfig {
    root_dir: String,
}

impl From<&ObjectStorage> for StorageConfig {
    fn from(s: &ObjectStorage) -> Self {
        let mut out = StorageConfig {
            backend: "filesystem",
            s3: None,
            azure: None,
            gcs: None,
            filesystem: None,
        };
        match s {
            ObjectStorage::S3(b) => {
                out.backend = "s3";
                out.s3 = Some(S3Config {
                    bucket: b.bucket.to_string(),
                    region: b.region.to_string(),
                    prefix: b.prefix.clone(),
                    endpoint_url: b.endpoint_url.clone(),
                });
            }
            ObjectStorage::AzureBlob(a) => {
                out.backend = "azure";
                out.azure = Some(AzureConfig {
                    account_name: a.account_name.to_string(),
                    container_name: a.container_name.to_string(),
                });
            }
            ObjectStorage::Gcs(g) => {
                out.backend = "gcs";
                out.gcs = Some(GcsConfig {
                    bucket: g.bucket.to_string(),
                    project_id: g.project_id.to_string(),
                });
            }
            ObjectStorage::Filesystem(f) => {
                out.filesystem = Some(FilesystemConfig {
                    root_dir: f.root_dir.clone(),
                });
            }
        }
        out
    }
}

#[derive(Serialize)]
struct AuthConfig {
    local_enabled: bool,
    callback_base_url: String,
    session_ttl_hours: u32,
    api_token_max_ttl_hours: u32,
    #[serde(skip_serializing_if = "Option::is_none")]
    sso: Option<SsoConfig>,
}

#[derive(Serialize)]
struct SsoConfig {
    default_provider: &'static str,
    oidc: Vec<OidcProvider>,
}

#[derive(Serialize)]
struct OidcProvider {
    name: &'static str,
    display_name: &'static str,
    issuer_url: String,
    client_id: String,
    scopes: Vec<&'static str>,
    groups_claim: &'static str,
}

/// The OIDC provider given by `oidc-issuer-url` and `oidc-client-id` (both or neither);
/// `None` leaves single sign-on out (local accounts only).
fn oidc_provider(inputs: &Inputs) -> Result<Option<OidcProvider>, InputError> {
    let (issuer, client_id) = match (inputs.get("oidc-issuer-url"), inputs.get("oidc-client-id")) {
        (None, None) => return Ok(None),
        (Some(i), Some(c)) => (i, c),
        (Some(_), None) => {
            return Err(error(
                "oidc-client-id",
                "required with oidc-issuer-url: the client id registered for Terrapod at the identity provider",
            ))
        }
        (None, Some(_)) => {
            return Err(error(
                "oidc-issuer-url",
                "required with oidc-client-id: the identity provider's issuer, e.g. https://acme.okta.com/oauth2/default",
            ))
        }
    };
    let host = issuer
        .strip_prefix("https://")
        .and_then(|rest| rest.split(['/', '?', '#']).next())
        .filter(|h| !h.is_empty() && !h.contains(char::is_whitespace));
    if host.is_none() {
        return Err(error(
            "oidc-issuer-url",
            format!("`{issuer}` is not an https:// issuer URL; use the identity provider's issuer, e.g. https://acme.okta.com/oauth2/default"),
        ));
    }
    for (key, value) in [("oidc-issuer-url", issuer), ("oidc-client-id", client_id)] {
        if let Some(p) = dsl::validate::placeholder(value) {
            return Err(error(
                key,
                format!("{p} is a placeholder from a guide; use the real value from the identity provider"),
            ));
        }
        if value.trim().is_empty() || value.contains(char::is_whitespace) {
            return Err(error(
                key,
                format!("`{value}` is empty or contains whitespace"),
            ));
        }
    }
    Ok(Some(OidcProvider {
        name: "oidc",
        display_name: "Single sign-on",
        issuer_url: issuer.to_owned(),
        client_id: client_id.to_owned(),
        scopes: vec!["openid", "profile", "email", "groups"],
        groups_claim: "groups",
    }))
}

#[derive(Serialize)]
struct Enabled {
    enabled: bool,
}

#[derive(Serialize)]
struct RegistryConfig {
    enabled: bool,
    module_cache: Enabled,
    provider_cache: Enabled,
    binary_cache: Enabled,
}

#[derive(Serialize)]
struct VcsConfig {
    enabled: bool,
    poll_interval_seconds: u32,
}

fn error(key: &str, message: impl Into<String>) -> InputError {
    InputError {
        app: Terrapod::ID.to_owned(),
        key: key.to_owned(),
        message: message.into(),
    }
}

fn required<'a>(inputs: &'a Inputs, key: &str, why: &str) -> Result<&'a str, InputError> {
    inputs
        .get(key)
        .ok_or_else(|| error(key, format!("required with {why}")))
}

/// The storage backend chosen by the `storage` input.
enum Backend {
    Scalable(ScalableStorage),
    SingleNode(SingleNodeVolume),
}

fn backend(inputs: &Inputs) -> Result<Backend, InputError> {
    fn e(key: &'static str) -> impl Fn(InvalidValue) -> InputError {
        move |err| error(key, err.to_string())
    }
    Ok(match inputs.get("storage").unwrap_or("s3") {
        "s3" => {
            let (bucket, region) = (name!("terrapod-storage"), name!("eu-west-1"));
            Backend::Scalable(
                match inputs.get("aws-role-arn") {
                    // IRSA: the role is annotated on the API's ServiceAccount.
                    Some(arn) => S3Bucket::new(
                        bucket,
                        region,
                        AwsRoleArn::parse(arn).map_err(e("aws-role-arn"))?,
                    ),
                    // No account id is invented: the role is bound to the ServiceAccount
                    // by an EKS Pod Identity association on the AWS side.
                    None => S3Bucket::with_pod_identity(bucket, region),
                }
                .into(),
            )
        }
        "azure" => {
            let id = required(inputs, "azure-client-id", "storage=azure")?;
            Backend::Scalable(
                AzureContainer {
                    account_name: name!("terrapodstore"),
                    container_name: name!("terrapod"),
                    client_id: AzureClientId::parse(id).map_err(e("azure-client-id"))?,
                }
                .into(),
            )
        }
        "gcs" => {
            let sa = required(inputs, "gcp-service-account", "storage=gcs")?;
            let project = required(inputs, "gcp-project", "storage=gcs")?;
            Backend::Scalable(
                GcsBucket {
                    bucket: name!("terrapod-storage"),
                    project_id: Name::parse(project).map_err(e("gcp-project"))?,
                    service_account: GcpServiceAccount::parse(sa)
                        .map_err(e("gcp-service-account"))?,
                }
                .into(),
            )
        }
        // The seed's filesystem example: 100Gi on gp3, ReadWriteOnce.
        "filesystem" => Backend::SingleNode(
            SingleNodeVolume::new(storage!("100Gi"), "/var/lib/terrapod/storage")
                .storage_class(name!("gp3")),
        ),
        other => {
            return Err(error(
                "storage",
                format!("unknown backend `{other}`; use s3, azure, gcs or filesystem"),
            ))
        }
    })
}

/// `/health` (liveness) and `/ready` (readiness: database, Redis and storage).
fn api_probes() -> Probes {
    Probes::http(&API_HTTP, http_path!("/health"), http_path!("/ready"))
}

external_secret! {
    /// The database connection (created outside kairn, like every Secret here).
    struct DbCredentials { database_url: "database-url" }
}
external_secret! {
    /// The Redis connection.
    struct RedisCredentials { redis_url: "redis-url" }
}
external_secret! {
    /// The key state and variables are encrypted with.
    struct Encryption { encryption_key: "encryption-key" }
}
external_secret! {
    /// The first admin's password, read by the bootstrap hook.
    struct AdminCredentials { password: "password" }
}

dsl::register!(Terrapod);

impl Declaration for Terrapod {
    type Env = Env;
    const ID: &'static str = "terrapod";
    const INPUTS: &'static [InputSpec] = &[
        InputSpec {
            key: "image-tag",
            help: "Terrapod release tag to run, e.g. 0.1.0 (the default), for the api, web and runner images; a tag only: @sha256 digests differ per image",
        },
        InputSpec {
            key: "storage",
            help: "storage backend: s3 (default), azure, gcs or filesystem",
        },
        InputSpec {
            key: "aws-role-arn",
            help: "IRSA role of the API for storage=s3, e.g. arn:aws:iam::<account>:role/terrapod-api; \
                   without it no role is annotated and the ServiceAccount terrapod/terrapod-api \
                   needs an EKS Pod Identity association (aws eks create-pod-identity-association)",
        },
        InputSpec {
            key: "oidc-issuer-url",
            help: "issuer URL of the OIDC provider for single sign-on (with oidc-client-id), \
                   e.g. https://acme.okta.com/oauth2/default; without both, SSO is off and \
                   only local accounts log in",
        },
        InputSpec {
            key: "oidc-client-id",
            help: "client id registered for Terrapod at the OIDC provider (with oidc-issuer-url)",
        },
        InputSpec {
            key: "azure-client-id",
            help: "managed identity client id of the API, required with storage=azure",
        },
        InputSpec {
            key: "gcp-service-account",
            help: "Google service account of the API, required with storage=gcs",
        },
        InputSpec {
            key: "gcp-project",
            help: "GCP project of the bucket, required with storage=gcs",
        },
        InputSpec {
            key: "tls-secret",
            help: "existing kubernetes.io/tls Secret for the ingress (default: cert-manager)",
        },
    ];

    fn declare(env: Env, inputs: &Inputs) -> Result<App, InputError> {
        let (host, api_scaling, runner_namespace) = match env {
            Env::Production => (
                host!("terrapod.example.com"),
                autoscaling!(2..=10).cpu(70),
                name!("terrapod-runners"),
            ),
        };
        // One input names the release of three images, so it is a tag only: each image
        // has its own digest, and one digest cannot pin all three.
        let given = inputs.get("image-tag").unwrap_or(DEFAULT_TAG);
        let version = ImageVersion::parse_tag(given).map_err(|e| {
            if ImageVersion::parse(given).is_ok() {
                error(
                    "image-tag",
                    format!("`{given}` names a digest, but this input sets the tag of three images (api, web, runner), which have different digests; give a tag such as 0.1.0"),
                )
            } else {
                error("image-tag", e.to_string())
            }
        })?;
        if version.tag() == Some("latest") {
            return Err(error("image-tag", "pin a release; `latest` is mutable"));
        }
        let api_image = image!("ghcr.io/mattrobinsonsre/terrapod-api:0.1.0").with_version(&version);
        let web_image = image!("ghcr.io/mattrobinsonsre/terrapod-web:0.1.0").with_version(&version);
        let runner_image =
            image!("ghcr.io/mattrobinsonsre/terrapod-runner:0.1.0").with_version(&version);

        let namespace = name!("terrapod");
        let app_name = name!("terrapod");
        let db = DbCredentials::named(name!("terrapod-db-credentials"));
        let redis = RedisCredentials::named(name!("terrapod-redis-credentials"));
        let encryption = Encryption::named(name!("terrapod-encryption"));
        let admin = AdminCredentials::named(name!("terrapod-admin-credentials"));
        let database_url = EnvVar::secret(env_name!("TERRAPOD_DATABASE_URL"), db.database_url());
        let redis_url = EnvVar::secret(env_name!("TERRAPOD_REDIS_URL"), redis.redis_url());
        let managed = |name: Name, port: Port| {
            Dependency::new(
                name,
                DependencyKind::Other,
                Endpoint::Cidrs {
                    cidrs: dsl::render::PRIVATE_RANGES
                        .iter()
                        .map(|c| (*c).to_owned())
                        .collect(),
                    port,
                },
            )
        };
        let mut postgres = managed(name!("postgres"), port!(5432));
        postgres.kind = DependencyKind::Postgres;
        let mut redis_dep = managed(name!("redis"), port!(6379));
        redis_dep.kind = DependencyKind::Redis;
        let internet = Dependency::public_https(name!("internet-https"));
        let api_url = format!("http://{}.{namespace}.svc:80", app_name.join("api"));

        // API
        let storage = backend(inputs)?;
        let storage_config = match &storage {
            Backend::Scalable(s) => StorageConfig::from(s.storage()),
            Backend::SingleNode(v) => StorageConfig::from(&ObjectStorage::from(v.clone())),
        };
        let config = ApiConfig {
            log_level: "info",
            storage: storage_config,
            auth: AuthConfig {
                local_enabled: true,
                callback_base_url: format!("https://{host}"),
                session_ttl_hours: 12,
                // The chart default 0 means tokens never expire; the seed's production
                // values cap them at one year.
                api_token_max_ttl_hours: 8760,
                // The seed's Okta provider is a placeholder (`your-org`, `your-client-id`):
                // the provider is an input, and without it only local accounts log in.
                sso: oidc_provider(inputs)?.map(|provider| SsoConfig {
                    default_provider: provider.name,
                    oidc: vec![provider],
                }),
            },
            registry: RegistryConfig {
                enabled: true,
                module_cache: Enabled { enabled: true },
                provider_cache: Enabled { enabled: true },
                binary_cache: Enabled { enabled: true },
            },
            vcs: VcsConfig {
                enabled: true,
                poll_interval_seconds: 60,
            },
        };
        let api_files = ConfigFiles::new(name!("config"), "/etc/terrapod")
            .yaml(key!("config.yaml"), &config)
            .map_err(|e| error("config", e.to_string()))?;
        let api_workload = match storage {
            Backend::Scalable(s) => HttpService::builder()
                .port(API_HTTP)
                .probes(api_probes())
                .replicas(Replicas::Autoscaled(api_scaling))
                .disruption(Disruption::MinAvailable(1))
                .spread(Spread::AcrossNodes)
                .storage(s)
                .build(),
            // One pod on a ReadWriteOnce volume: no HPA, and no budget (it would block
            // every node drain).
            Backend::SingleNode(v) => HttpService::builder()
                .port(API_HTTP)
                .probes(api_probes())
                .single_node_volume(v)
                .build(),
        };
        let api = Component::builder()
            .name(name!("api"))
            .image(api_image.clone())
            .resources(Resources::new(
                cpu!("250m"),
                cpu!("1"),
                memory!("512Mi"),
                memory!("1Gi"),
            ))
            .workload(api_workload)
            .env(vec![
                database_url.clone(),
                redis_url.clone(),
                EnvVar::secret(
                    env_name!("TERRAPOD_ENCRYPTION__KEY"),
                    encryption.encryption_key(),
                ),
                EnvVar::literal(
                    env_name!("TERRAPOD_CONFIG_FILE"),
                    api_files.path_of(&key!("config.yaml")),
                ),
            ])
            .files(vec![api_files])
            .writable_dirs(vec![WritableDir::tmp(storage!("1Gi"))])
            // SSO token exchange, VCS polling and the registry caches reach public HTTPS.
            .talks_to([&postgres, &redis_dep, &internet])
            .build();

        // Web UI: receives all ingress traffic and proxies API calls (BFF).
        let web_http = NamedPort::new(HTTP, port!(3000));
        let web_probe = |delay: i32| {
            Probe::builder()
                .check(Check::tcp(&web_http))
                .initial_delay_seconds(delay)
                .build()
        };
        let web = Component::builder()
            .name(name!("web"))
            .image(web_image)
            .resources(Resources::new(
                cpu!("100m"),
                cpu!("500m"),
                memory!("128Mi"),
                memory!("512Mi"),
            ))
            .workload(
                HttpService::builder()
                    .port(web_http.clone())
                    .probes(
                        Probes::builder()
                            .liveness(web_probe(10))
                            .readiness(web_probe(5))
                            .build(),
                    )
                    .replicas(Replicas::Fixed(2))
                    .disruption(Disruption::MinAvailable(1))
                    .spread(Spread::AcrossNodes)
                    .build(),
            )
            .env(vec![EnvVar::literal(
                env_name!("TERRAPOD_API_URL"),
                api_url.clone(),
            )])
            .writable_dirs(vec![
                WritableDir::tmp(storage!("256Mi")),
                WritableDir::new(name!("next-cache"), "/app/.next/cache", storage!("512Mi")),
            ])
            .talks_to([&api])
            .build();

        // Listener: polls for queued runs and creates runner Jobs in their own namespace.
        let runner_sa = name!("terrapod-runner");
        let standard = RunnerDefinition::default();
        let runners = RunnersFile {
            namespace: runner_namespace.to_string(),
            service_account_name: runner_sa.to_string(),
            image: runner_image.to_string(),
            default: "standard".to_owned(),
            definitions: BTreeMap::from([
                ("standard".to_owned(), (&standard).into()),
                // The same runner with OpenTofu, for workspaces that choose it.
                (
                    "tofu".to_owned(),
                    (&RunnerDefinition {
                        backend: ExecutionBackend::Tofu(TOFU),
                        ..RunnerDefinition::default()
                    })
                        .into(),
                ),
            ]),
        };
        let listener_files = ConfigFiles::new(name!("runners"), "/etc/terrapod")
            .yaml(key!("runners.yaml"), &runners)
            .map_err(|e| error("runners", e.to_string()))?;
        let listener = Component::builder()
            .name(name!("listener"))
            .image(api_image.clone())
            .resources(Resources::new(
                cpu!("100m"),
                cpu!("500m"),
                memory!("256Mi"),
                memory!("512Mi"),
            ))
            .args(vec!["listener".to_owned()])
            .workload(Worker::builder().replicas(Replicas::Fixed(1)).build())
            .env(vec![
                redis_url,
                EnvVar::literal(env_name!("TERRAPOD_API_URL"), api_url),
                EnvVar::literal(
                    env_name!("TERRAPOD_RUNNERS_FILE"),
                    listener_files.path_of(&key!("runners.yaml")),
                ),
            ])
            .files(vec![listener_files])
            .writable_dirs(vec![WritableDir::tmp(storage!("256Mi"))])
            .talks_to([&api])
            .talks_to([&redis_dep])
            .spawns_jobs(
                SpawnedJobs::builder()
                    .namespace(runner_namespace)
                    .service_account(runner_sa)
                    // Runners fetch providers and modules, talk to cloud APIs and report
                    // to the API.
                    .talks_to([&*api])
                    .talks_to([&internet])
                    .build(),
            )
            .build();

        // Hooks: migrations before every deploy, the admin bootstrap after the first.
        let hook_resources = Resources::new(
            cpu!("100m"),
            cpu!("500m"),
            memory!("256Mi"),
            memory!("512Mi"),
        );
        let migrations = Component::builder()
            .name(name!("migrations"))
            .image(api_image.clone())
            .resources(hook_resources)
            .args(vec!["alembic".into(), "upgrade".into(), "head".into()])
            .workload(
                BatchJob::builder()
                    .backoff_limit(1)
                    .active_deadline_seconds(900)
                    .ttl_seconds_after_finished(3600)
                    .hook(Hook::before_deploy())
                    .build(),
            )
            .env(vec![database_url.clone()])
            .writable_dirs(vec![WritableDir::tmp(storage!("128Mi"))])
            .talks_to([&postgres])
            .build();
        let bootstrap = Component::builder()
            .name(name!("bootstrap"))
            .image(api_image)
            .resources(hook_resources)
            .args(vec!["bootstrap".into()])
            .workload(
                BatchJob::builder()
                    .backoff_limit(2)
                    .active_deadline_seconds(600)
                    .ttl_seconds_after_finished(3600)
                    .hook(Hook::after_install())
                    .build(),
            )
            .env(vec![
                database_url,
                EnvVar::literal(
                    env_name!("TERRAPOD_BOOTSTRAP__ADMIN_EMAIL"),
                    "admin@example.com",
                ),
                EnvVar::secret(
                    env_name!("TERRAPOD_BOOTSTRAP__ADMIN_PASSWORD"),
                    admin.password(),
                ),
            ])
            .writable_dirs(vec![WritableDir::tmp(storage!("128Mi"))])
            .talks_to([&postgres])
            .build();

        let tls = match inputs.get("tls-secret") {
            Some(secret) => Tls::ExistingSecret(
                Name::parse(secret).map_err(|e| error("tls-secret", e.to_string()))?,
            ),
            None => Tls::CertManager {
                cluster_issuer: name!("letsencrypt-prod"),
            },
        };
        let web_service = web.service();
        Ok(App::builder()
            .name(app_name)
            .environment(env.name())
            .namespace(namespace)
            .create_namespace(true)
            .components((api, web, listener, migrations, bootstrap))
            .dependencies(vec![postgres, redis_dep, internet])
            .secrets(vec![
                db.declaration(),
                redis.declaration(),
                encryption.declaration(),
                admin.declaration(),
            ])
            .ingress(
                Ingress::builder()
                    .class(name!("nginx"))
                    .hosts(vec![HostRules::all_to(host, web_service)])
                    .tls(tls)
                    .build(),
            )
            .build())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn declare(pairs: &[(&str, &str)]) -> Result<App, InputError> {
        Terrapod::declare(
            Env::Production,
            &Inputs::new(
                pairs
                    .iter()
                    .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
                    .collect(),
            ),
        )
    }

    fn config_yaml(app: &App) -> String {
        let api = app.component(&name!("api")).expect("api");
        let Some(f) = api.files.first() else {
            panic!("api has config files")
        };
        format!("{f:?}")
    }

    #[test]
    fn no_placeholder_without_inputs() {
        let app = declare(&[]).expect("declares without inputs");
        let config = config_yaml(&app);
        assert!(!config.contains("your-"), "{config}");
        assert!(!config.contains("sso"), "local accounts only: {config}");
        let api = app.component(&name!("api")).expect("api");
        let Workload::Http(h) = &api.workload else {
            panic!("api is an HTTP service")
        };
        let storage = h.storage.as_ref().expect("s3 storage");
        assert_eq!(storage.identity(), Some(CloudIdentity::EksPodIdentity));
        let report = validate::validate(&render(&app), &validate::context_for(&app));
        assert!(!report.has_errors(), "{:#?}", report.findings);
    }

    #[test]
    fn deployment_specific_values_are_inputs() {
        let app = declare(&[
            (
                "aws-role-arn",
                "arn:aws:iam::210987654321:role/terrapod-api",
            ),
            ("oidc-issuer-url", "https://acme.okta.com/oauth2/default"),
            ("oidc-client-id", "0oa1b2c3d4e5f6g7h8i9"),
        ])
        .expect("declares");
        let config = config_yaml(&app);
        assert!(
            config.contains("https://acme.okta.com/oauth2/default"),
            "{config}"
        );
        assert!(config.contains("0oa1b2c3d4e5f6g7h8i9"), "{config}");
        let report = validate::validate(&render(&app), &validate::context_for(&app));
        assert!(!report.has_errors(), "{:#?}", report.findings);
    }

    #[test]
    fn placeholders_and_half_given_providers_are_input_errors() {
        for (pairs, key) in [
            (
                &[(
                    "aws-role-arn",
                    "arn:aws:iam::123456789012:role/terrapod-api",
                )][..],
                "aws-role-arn",
            ),
            (
                &[
                    (
                        "oidc-issuer-url",
                        "https://your-org.okta.com/oauth2/default",
                    ),
                    ("oidc-client-id", "0oa1b2c3d4e5f6g7h8i9"),
                ],
                "oidc-issuer-url",
            ),
            (
                &[
                    ("oidc-issuer-url", "https://acme.okta.com/oauth2/default"),
                    ("oidc-client-id", "your-client-id"),
                ],
                "oidc-client-id",
            ),
            (
                &[
                    ("oidc-issuer-url", "http://acme.okta.com"),
                    ("oidc-client-id", "x"),
                ],
                "oidc-issuer-url",
            ),
            (&[("oidc-client-id", "0oa1")], "oidc-issuer-url"),
            (
                &[("oidc-issuer-url", "https://acme.okta.com/oauth2/default")],
                "oidc-client-id",
            ),
        ] {
            let Err(e) = declare(pairs) else {
                panic!("{pairs:?} should be rejected")
            };
            assert_eq!(e.key, key, "{pairs:?}: {e}");
        }
    }
}
