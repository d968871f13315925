//! Jobs a component creates at run time, such as CI runners or Terraform runs.
//!
//! Declaring them on the launching component ([`Component::spawns_jobs`](crate::Component))
//! derives everything around them: a Role in the jobs' namespace that allows exactly
//! creating, watching and deleting Jobs (plus reading pod logs when asked for), a
//! RoleBinding to the launcher's ServiceAccount (whose token is then mounted, with egress
//! to the API server), the ServiceAccount the spawned pods run as (no token), and, when
//! the jobs have their own namespace, that Namespace (restricted Pod Security Standard)
//! and a NetworkPolicy for every pod in it: no ingress, egress only to DNS and to what
//! [`talks_to`](SpawnedJobs::talks_to) lists. Components the jobs talk to admit them.

use std::collections::BTreeMap;

use crate::model::storage::CloudIdentity;
use crate::primitives::text::Name;

/// Jobs a component launches through the Kubernetes API.
///
/// ```
/// use dsl::*;
/// let github = Dependency::public_https(name!("github"));
/// let runners = SpawnedJobs::builder()
///     .namespace(name!("terrapod-runners"))
///     .service_account(name!("terrapod-runner"))
///     .talks_to([&github])
///     .build();
/// assert_eq!(runners.talks_to, [name!("github")]);
/// assert!(!runners.read_logs);
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SpawnedJobs {
    /// Namespace the Jobs are created in. A namespace of their own isolates them: the
    /// launcher's rights and the jobs' NetworkPolicy then cover nothing else.
    pub namespace: Name,
    /// ServiceAccount the spawned pods run as (created by kairn, token not mounted).
    pub service_account: Name,
    /// Cloud identity of the spawned pods (e.g. the role Terraform runs with).
    pub identity: Option<CloudIdentity>,
    /// Extra annotations of the spawned pods' ServiceAccount.
    pub service_account_annotations: BTreeMap<String, String>,
    /// Components of the app and dependencies the spawned pods connect to, set from
    /// their handles: `.talks_to([&api])`.
    /// Repeated calls add to the list (dependencies and components separately).
    pub talks_to: Vec<Name>,
    /// The dependencies among [`talks_to`](Self::talks_to), carried by their handles:
    /// each is one of the app's (see [`App::all_dependencies`](crate::App::all_dependencies)).
    pub dependencies: Vec<crate::model::dependency::Dependency>,
    /// Also allow reading the spawned pods and their logs (`pods` get/list/watch,
    /// `pods/log` get), for launchers that stream job output.
    pub read_logs: bool,
}

impl SpawnedJobs {
    /// Annotations of the spawned pods' ServiceAccount: the cloud identity plus extras.
    pub fn annotations(&self) -> BTreeMap<String, String> {
        let mut out = self.service_account_annotations.clone();
        if let Some(id) = &self.identity {
            out.extend(id.service_account_annotations());
        }
        out
    }
}
