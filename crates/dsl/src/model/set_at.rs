//! Where each setting of a component was made: the line of its builder call, so that a
//! validator finding on the field a setting renders to is reported at that line rather
//! than at `Component::builder()` (see `render/field_locations.rs`).

use std::collections::BTreeMap;
use std::panic::Location;

/// A setting of [`ComponentBuilder`](super::builder::ComponentBuilder) whose call site
/// is recorded.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Setting {
    /// `.image(..)`.
    Image,
    /// `.resources(..)`.
    Resources,
    /// `.workload(..)`: replicas, probes, ports, strategy, the Service.
    Workload,
    /// `.command(..)`.
    Command,
    /// `.args(..)`.
    Args,
    /// `.env(..)`.
    Env,
    /// `.env_from_config(..)`.
    EnvFromConfig,
    /// `.writable_dirs(..)`.
    WritableDirs,
    /// `.talks_to(..)` (the last call).
    TalksTo,
    /// `.api_access(..)`.
    ApiAccess,
    /// `.run_as(..)`.
    RunAs,
    /// `.service_account_annotations(..)`.
    ServiceAccountAnnotations,
    /// `.files(..)`.
    Files,
    /// `.spawns_jobs(..)`.
    SpawnsJobs,
    /// `.node_selector(..)` (the last call).
    NodeSelector,
    /// `.tolerate(..)` (the last call).
    Tolerations,
    /// `.priority_class(..)`.
    PriorityClass,
    /// `.termination_grace_period_seconds(..)`.
    TerminationGracePeriod,
    /// `.pre_stop(..)`.
    PreStop,
}

/// The recorded call site of each setting made.
pub type SetAt = BTreeMap<Setting, &'static Location<'static>>;
