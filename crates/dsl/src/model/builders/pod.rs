//! Builders of [`Probe`] and [`Probes`].

use crate::model::builder_macro::typestate_builder;
use crate::model::pod::{Check, Probe, Probes};

typestate_builder! {
    /// Declares a [`Probe`]: `.check(..)` (required), optional timings, `.build()`.
    pub struct ProbeBuilder for Probe {
        builder: fn builder;
        note: "a probe needs `.check(..)`";
        required {
            /// What is checked.
            check [C: ProbeCheck]: Check = |check: Check| check,
                message "this probe checks nothing: add `.check(Check::http(http_path!(\"/ready\"), &http))` before `.build()`",
                label "`.check(..)` is missing";
        }
        tracked {}
        fixed {}
        optional {
            /// Seconds before the first check (default 0).
            initial_delay_seconds: i32 = 0, |seconds: i32| seconds;
            /// Seconds between checks (default 10).
            period_seconds: i32 = 10, |seconds: i32| seconds;
            /// Seconds before a check times out (default 1).
            timeout_seconds: i32 = 1, |seconds: i32| seconds;
            /// Consecutive failures before the probe fails (default 3).
            failure_threshold: i32 = 3, |failures: i32| failures;
        }
    }
}

typestate_builder! {
    /// Declares [`Probes`]: `.liveness(..)` and `.readiness(..)` (both required),
    /// optionally `.startup(..)`, then `.build()`.
    pub struct ProbesBuilder for Probes {
        builder: fn builder;
        note: "probes need both `.liveness(..)` and `.readiness(..)`: a liveness probe without a readiness probe sends traffic to pods that cannot serve it (a pod no Service routes to may take `Probes::liveness_only(..)`)";
        required {
            /// Restarts the container when it fails.
            liveness [L: ProbesLiveness]: Probe = |probe: Probe| probe,
                message "these probes have no liveness probe: add `.liveness(Probe::builder().check(..).build())` before `.build()`",
                label "`.liveness(..)` is missing";
            /// Removes the pod from Service endpoints when it fails.
            readiness [R: ProbesReadiness]: Option<Probe> = |probe: Probe| Some(probe),
                message "these probes have no readiness probe: add `.readiness(Probe::builder().check(..).build())` before `.build()`",
                label "`.readiness(..)` is missing";
        }
        tracked {}
        fixed {}
        optional {
            /// Holds the other probes back until the application has started.
            startup: Option<Probe> = None, |probe: Probe| Some(probe);
        }
    }
}
