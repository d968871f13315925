//! Registry credentials: from `KAIRN_REGISTRY_USERNAME`/`KAIRN_REGISTRY_PASSWORD` or the
//! Docker config file, never shown.

use std::fmt;
use std::io::Read;
use std::path::{Path, PathBuf};

use oci_client::secrets::RegistryAuth;

/// Environment variable holding the registry user name.
pub const USERNAME_VAR: &str = "KAIRN_REGISTRY_USERNAME";
/// Environment variable holding the registry password or token.
pub const PASSWORD_VAR: &str = "KAIRN_REGISTRY_PASSWORD";

/// Registry credentials. `Debug` and `Display` never show the secret.
#[derive(Clone, PartialEq, Eq)]
pub struct Credentials {
    pub(super) username: String,
    pub(super) password: String,
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

    pub(super) fn auth(&self) -> RegistryAuth {
        RegistryAuth::Basic(self.username.clone(), self.password.clone())
    }
}

fn docker_config_path() -> Option<PathBuf> {
    let dir = std::env::var_os("DOCKER_CONFIG")
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| Path::new(&h).join(".docker")))?;
    Some(dir.join("config.json"))
}
