//! `job-backoff-limit-missing`, `job-ttl-missing`.

use crate::set::{each, Set, Sink};

pub(super) fn jobs(set: &Set<'_>, sink: &mut Sink) {
    for (i, j) in each!(set, Job) {
        let Some(spec) = &j.spec else { continue };
        if spec.ttl_seconds_after_finished.is_none() {
            sink.add(
                i,
                "job-ttl-missing",
                "spec.ttlSecondsAfterFinished",
                "finished Jobs and their pods are never cleaned up",
                "set ttlSecondsAfterFinished",
            );
        }
        if spec.backoff_limit.is_none() {
            sink.add(
                i,
                "job-backoff-limit-missing",
                "spec.backoffLimit",
                "the default backoffLimit retries a failing Job 6 times",
                "set an explicit backoffLimit (and activeDeadlineSeconds)",
            );
        }
    }
}
