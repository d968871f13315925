//! Builders of [`BatchJob`], [`ScheduledJob`], [`OutputVolume`] and [`SpawnedJobs`].

use std::collections::BTreeMap;

use crate::model::builder_macro::{typestate_builder, NotYetSet};
use crate::model::host_access::Reason;
use crate::model::component::{
    AccessMode, BatchJob, ConcurrencyPolicy, JobRestart, OutputVolume, ScheduledJob,
};
use crate::model::dependency::Dependency;
use crate::model::handles::TalksTo;
use crate::model::hook::Hook;
use crate::model::jobs::SpawnedJobs;
use crate::model::storage::CloudIdentity;
use crate::primitives::quantity::Storage;
use crate::primitives::text::{CronSchedule, Name, TimeZone};

typestate_builder! {
    /// Declares a [`BatchJob`]: `.backoff_limit(..)` and `.ttl_seconds_after_finished(..)`
    /// are required.
    pub struct BatchJobBuilder for BatchJob {
        builder: fn builder;
        note: "a job needs `.backoff_limit(..)` and `.ttl_seconds_after_finished(..)` (finished Jobs are cleaned up)";
        required {
            /// Retries before the Job is marked failed.
            backoff_limit [B: BatchJobBackoffLimit]: u32 = |retries: u32| retries,
                message "this job has no retry limit: add `.backoff_limit(3)` before `.build()`",
                label "`.backoff_limit(..)` is missing";
            /// Seconds after completion before the Job (and its pods) are deleted.
            ttl_seconds_after_finished [T: BatchJobTtl]: u32 = |seconds: u32| seconds,
                message "this job is never cleaned up: add `.ttl_seconds_after_finished(86_400)` before `.build()`",
                label "`.ttl_seconds_after_finished(..)` is missing";
        }
        tracked {}
        fixed {}
        optional {
            /// Successful pods required (default 1).
            completions: u32 = 1, |completions: u32| completions;
            /// Pods running at once (default 1).
            parallelism: u32 = 1, |parallelism: u32| parallelism;
            /// Wall-clock limit for the whole Job.
            active_deadline_seconds: Option<u32> = None, |seconds: u32| Some(seconds);
            /// Restart policy of its pods.
            restart: JobRestart = JobRestart::default(), |restart: JobRestart| restart;
            /// Volume for results that must outlive the Job.
            output: Option<OutputVolume> = None, |output: OutputVolume| Some(output);
            /// Run as a lifecycle hook (before or after the rest of the app is deployed).
            hook: Option<Hook> = None, |hook: Hook| Some(hook);
            /// Why finished Jobs are never deleted (set by [`without_ttl`](BatchJobBuilder::without_ttl)).
            kept_finished: Option<Reason> = None, |reason: Reason| Some(reason);
        }
    }
}

impl<B, T: NotYetSet> BatchJobBuilder<B, T> {
    /// Keeps finished Jobs (no `ttlSecondsAfterFinished`), saying why: for an app imported
    /// from manifests whose Jobs had none (`kairn import`). The alternative to
    /// [`ttl_seconds_after_finished`](Self::ttl_seconds_after_finished).
    pub fn without_ttl(self, reason: Reason) -> BatchJobBuilder<B, u32> {
        BatchJobBuilder {
            backoff_limit: self.backoff_limit,
            ttl_seconds_after_finished: 0,
            completions: self.completions,
            parallelism: self.parallelism,
            active_deadline_seconds: self.active_deadline_seconds,
            restart: self.restart,
            output: self.output,
            hook: self.hook,
            kept_finished: Some(reason),
        }
    }
}

typestate_builder! {
    /// Declares a [`ScheduledJob`]: `.schedule(..)`, `.backoff_limit(..)` and
    /// `.ttl_seconds_after_finished(..)` are required.
    pub struct ScheduledJobBuilder for ScheduledJob {
        builder: fn builder;
        note: "a scheduled job needs `.schedule(..)`, `.backoff_limit(..)` and `.ttl_seconds_after_finished(..)`";
        required {
            /// When it runs (`spec.schedule`), checked at compile time by [`cron!`](crate::cron).
            schedule [Sc: ScheduledJobSchedule]: CronSchedule = |schedule: CronSchedule| schedule,
                message "this scheduled job has no schedule: add `.schedule(cron!(\"30 2 * * *\"))` before `.build()`",
                label "`.schedule(..)` is missing";
            /// Retries of one run before its Job is marked failed.
            backoff_limit [B: ScheduledJobBackoffLimit]: u32 = |retries: u32| retries,
                message "this scheduled job has no retry limit: add `.backoff_limit(2)` before `.build()`",
                label "`.backoff_limit(..)` is missing";
            /// Seconds after a run finishes before its Job (and pods) are deleted.
            ttl_seconds_after_finished [T: ScheduledJobTtl]: u32 = |seconds: u32| seconds,
                message "the runs of this scheduled job are never cleaned up: add `.ttl_seconds_after_finished(86_400)` before `.build()`",
                label "`.ttl_seconds_after_finished(..)` is missing";
        }
        tracked {}
        fixed {}
        optional {
            /// The time zone the schedule is read in (`spec.timeZone`).
            time_zone: Option<TimeZone> = None, |zone: TimeZone| Some(zone);
            /// What happens when a run is due while the previous one still runs (default `Forbid`).
            concurrency: ConcurrencyPolicy = ConcurrencyPolicy::default(), |policy: ConcurrencyPolicy| policy;
            /// Finished successful Jobs kept for inspection (default 3).
            successful_jobs_history_limit: u32 = 3, |jobs: u32| jobs;
            /// Failed Jobs kept for inspection (default 1).
            failed_jobs_history_limit: u32 = 1, |jobs: u32| jobs;
            /// A run that could not start within this many seconds of its time is skipped.
            starting_deadline_seconds: Option<u32> = None, |seconds: u32| Some(seconds);
            /// Pause the schedule (`spec.suspend`) without deleting anything.
            suspend: bool = false, |suspend: bool| suspend;
            /// Wall-clock limit of one run.
            active_deadline_seconds: Option<u32> = None, |seconds: u32| Some(seconds);
            /// Restart policy of its pods.
            restart: JobRestart = JobRestart::default(), |restart: JobRestart| restart;
            /// Why finished Jobs are never deleted (set by [`without_ttl`](ScheduledJobBuilder::without_ttl)).
            kept_finished: Option<Reason> = None, |reason: Reason| Some(reason);
        }
    }
}

impl<Sc, B, T: NotYetSet> ScheduledJobBuilder<Sc, B, T> {
    /// Keeps the finished Jobs of each run (no `ttlSecondsAfterFinished`; the history
    /// limits still apply), saying why: for an app imported from manifests whose CronJob
    /// had none (`kairn import`).
    pub fn without_ttl(self, reason: Reason) -> ScheduledJobBuilder<Sc, B, u32> {
        ScheduledJobBuilder {
            schedule: self.schedule,
            backoff_limit: self.backoff_limit,
            ttl_seconds_after_finished: 0,
            time_zone: self.time_zone,
            concurrency: self.concurrency,
            successful_jobs_history_limit: self.successful_jobs_history_limit,
            failed_jobs_history_limit: self.failed_jobs_history_limit,
            starting_deadline_seconds: self.starting_deadline_seconds,
            suspend: self.suspend,
            active_deadline_seconds: self.active_deadline_seconds,
            restart: self.restart,
            kept_finished: Some(reason),
        }
    }
}

typestate_builder! {
    /// Declares an [`OutputVolume`]: `.size(..)` and `.mount_path(..)` are required.
    pub struct OutputVolumeBuilder for OutputVolume {
        builder: fn builder;
        note: "an output volume needs `.size(..)` and `.mount_path(..)`";
        required {
            /// Requested size.
            size [Si: OutputVolumeSize]: Storage = |size: Storage| size,
                message "this output volume has no size: add `.size(storage!(\"10Gi\"))` before `.build()`",
                label "`.size(..)` is missing";
            /// Mount path in the container.
            mount_path [M: OutputVolumeMountPath]: String = |path: impl Into<String>| path.into(),
                message "this output volume has no mount path: add `.mount_path(\"/results\")` before `.build()`",
                label "`.mount_path(..)` is missing";
        }
        tracked {}
        fixed {}
        optional {
            /// Storage class; unset uses the cluster default.
            storage_class: Option<Name> = None, |class: Name| Some(class);
            /// Access mode (default ReadWriteOnce).
            access_mode: AccessMode = AccessMode::ReadWriteOnce, |mode: AccessMode| mode;
        }
    }
}

typestate_builder! {
    /// Declares [`SpawnedJobs`]: `.namespace(..)` and `.service_account(..)` are required.
    pub struct SpawnedJobsBuilder for SpawnedJobs {
        builder: fn builder;
        note: "spawned jobs need `.namespace(..)` and `.service_account(..)`";
        required {
            /// Namespace the Jobs are created in.
            namespace [N: SpawnedJobsNamespace]: Name = |namespace: Name| namespace,
                message "these spawned jobs have no namespace: add `.namespace(name!(\"runners\"))` before `.build()`",
                label "`.namespace(..)` is missing";
            /// ServiceAccount the spawned pods run as (created by kairn, token not mounted).
            service_account [A: SpawnedJobsServiceAccount]: Name = |account: Name| account,
                message "these spawned jobs have no ServiceAccount: add `.service_account(name!(\"runner\"))` before `.build()`",
                label "`.service_account(..)` is missing";
        }
        tracked {}
        fixed {
            talks_to: Vec<Name> = Vec::new();
            dependencies: Vec<Dependency> = Vec::new();
        }
        optional {
            /// Cloud identity of the spawned pods (e.g. the role Terraform runs with).
            identity: Option<CloudIdentity> = None, |identity: CloudIdentity| Some(identity);
            /// Extra annotations of the spawned pods' ServiceAccount.
            service_account_annotations: BTreeMap<String, String> = BTreeMap::new(),
                |annotations: BTreeMap<String, String>| annotations;
            /// Also allow reading the spawned pods and their logs.
            read_logs: bool = false, |yes: bool| yes;
        }
    }
}

impl<N, A> SpawnedJobsBuilder<N, A> {
    /// Components of the app and dependencies the spawned pods connect to (adds to the
    /// list): `.talks_to([&api])`.
    pub fn talks_to<P: TalksTo>(mut self, peers: impl IntoIterator<Item = P>) -> Self {
        for peer in peers {
            self.talks_to.push(peer.peer_name());
            if let Some(dependency) = peer.dependency() {
                self.dependencies.push(dependency);
            }
        }
        self
    }
}
