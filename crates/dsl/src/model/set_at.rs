//! Where each setting of a component was made: the line of its builder call, so that a
//! validator finding on the field a setting renders to is reported at that line rather
//! than at `Component::builder()` (see `render/field_locations.rs`).
//!
//! The chain: the component builder's setters are `#[track_caller]` and record their line
//! per `Setting` here; `render/field_locations.rs` maps each setting to the field path
//! prefixes it renders to, per object kind (`Origin::field_locations`); `lint`'s
//! `located.rs` reports a finding at the longest prefix covering its field, else at the
//! component's `builder()` line. A `customize` closure records the field paths it changed
//! (`Customization::apply_tracked`, a JSON diff), so only a finding on such a field points
//! at the closure, and every finding on an object a closure changed names it besides
//! (`Origin::customized_at`, `Finding::customized_at`).

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
    /// [`Component::keep`](crate::Component::keep).
    Keep,
    /// [`Component::open_network`](crate::Component::open_network).
    OpenNetwork,
}

/// The recorded call site of each setting made.
pub type SetAt = BTreeMap<Setting, &'static Location<'static>>;

#[cfg(test)]
mod tests {
    use super::Setting;
    use crate::*;

    #[test]
    fn each_setter_records_the_line_of_its_call() {
        let resources = Resources::new(cpu!("1"), cpu!("1"), memory!("1Gi"), memory!("1Gi"));
        let worker = Worker::builder().replicas(Replicas::Fixed(1)).build();
        let env = vec![EnvVar::literal(env_name!("MODE"), "fast")];
        let start = line!();
        let c = Component::builder()
            .name(name!("api"))
            .image(image!("ghcr.io/acme/api:1.0.0"))
            .resources(resources)
            .workload(worker)
            .env(env)
            .priority_class(name!("high"))
            .build();
        let line = |s: Setting| c.set_at.get(&s).map(|l| l.line() - start);
        assert_eq!(c.declared_at.line() - start, 1);
        assert_eq!(line(Setting::Image), Some(3));
        assert_eq!(line(Setting::Resources), Some(4));
        assert_eq!(line(Setting::Workload), Some(5));
        assert_eq!(line(Setting::Env), Some(6));
        assert_eq!(line(Setting::PriorityClass), Some(7));
        assert_eq!(line(Setting::Tolerations), None);
        assert!(c.set_at.values().all(|l| l.file() == file!()));
    }
}
