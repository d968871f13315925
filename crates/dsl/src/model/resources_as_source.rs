//! Resources as the source has them: any subset of CPU and memory requests and limits
//! (possibly none), declared with a reason, for an app that runs already.
//!
//! kairn gives every container both requests and limits, and `Resources::new` takes all
//! four. An imported app may have fewer: an invented memory limit OOM-kills it, an
//! invented request may leave it unschedulable. [`Resources::as_source`] keeps exactly
//! the values given; an absent one is not rendered (with none at all, the container has
//! no `resources`). The reason is written into the workload's
//! `kairn.dev/resources-as-source` annotation as `<container>: <reason>`, one line per
//! container, and `lint` then does not report the absent values (`resources-missing`);
//! every other check of the present ones still applies (`requests-exceed-limits`,
//! `hpa-missing-requests` for an autoscaled workload without the request it scales on).
//! Setting the missing values later is a hardening step: switch to `Resources::new`.
//!
//! ```
//! use dsl::*;
//! let r = Resources::as_source(
//!     ResourcesAsSource { memory_request: Some(memory!("256Mi")), ..Default::default() },
//!     reason!("as in deploy/api.yaml:31, which sets only a memory request"),
//! );
//! assert_eq!(r.memory_request, Some(memory!("256Mi")));
//! assert_eq!(r.cpu_limit, None);
//! assert!(r.as_source.is_some());
//! ```

use super::host_access::Reason;
use super::pod::Resources;
use crate::primitives::quantity::{Cpu, Memory};

/// The values the source sets; `None` is absent (not rendered). See
/// [`Resources::as_source`].
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct ResourcesAsSource {
    /// CPU request, if the source sets one.
    pub cpu_request: Option<Cpu>,
    /// CPU limit, if the source sets one.
    pub cpu_limit: Option<Cpu>,
    /// Memory request, if the source sets one.
    pub memory_request: Option<Memory>,
    /// Memory limit, if the source sets one.
    pub memory_limit: Option<Memory>,
}

impl Resources {
    /// Requests and limits exactly as the source has them, any of them absent, with the
    /// reason (see the [module docs](crate::model::resources_as_source)).
    pub fn as_source(values: ResourcesAsSource, reason: Reason) -> Self {
        Resources {
            cpu_request: values.cpu_request,
            cpu_limit: values.cpu_limit,
            memory_request: values.memory_request,
            memory_limit: values.memory_limit,
            as_source: Some(reason.into_static()),
        }
    }
}
