//! `resources-missing`, `requests-exceed-limits`.

use k8s_openapi::api::core::v1::Container;

use crate::set::{quantity, Sink, Workload};

/// `as_source`: the workload says why this container's values are as its source had
/// them (`kairn.dev/resources-as-source`), so absent ones are not reported.
pub(super) fn resources(
    w: &Workload<'_>,
    f: &str,
    c: &Container,
    as_source: bool,
    sink: &mut Sink,
) {
    let r = c.resources.as_ref();
    let get = |part: &str, res: &str| {
        let map = match part {
            "requests" => r.and_then(|r| r.requests.as_ref()),
            _ => r.and_then(|r| r.limits.as_ref()),
        };
        map.and_then(|m| m.get(res))
    };
    let missing: Vec<String> = [
        ("requests", "cpu"),
        ("requests", "memory"),
        ("limits", "cpu"),
        ("limits", "memory"),
    ]
    .iter()
    .filter(|(p, res)| get(p, res).is_none())
    .map(|(p, res)| format!("{p}.{res}"))
    .collect();
    if !missing.is_empty() && !as_source {
        sink.add(
            w.idx,
            "resources-missing",
            format!("{f}.resources"),
            format!("container `{}` sets no {}", c.name, missing.join(", ")),
            "set CPU and memory requests (what the scheduler reserves) and limits (the ceiling)",
        );
    }
    for res in ["cpu", "memory"] {
        let (Some(req), Some(lim)) = (get("requests", res), get("limits", res)) else {
            continue;
        };
        if let (Some(a), Some(b)) = (quantity(&req.0), quantity(&lim.0)) {
            if a > b {
                sink.add(w.idx, "requests-exceed-limits", format!("{f}.resources.requests.{res}"), format!("container `{}` requests {} {res} but is limited to {}; the API server rejects this", c.name, req.0, lim.0), "lower the request or raise the limit");
            }
        }
    }
}
