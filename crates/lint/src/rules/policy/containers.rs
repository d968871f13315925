//! `image-latest`, `liveness-without-readiness`, `replicas-with-hpa`, `deprecated-field`
//! on containers.

use crate::set::{image_problem, Set, Sink, Workload};

use super::resources::resources;

pub(super) fn containers(set: &Set<'_>, w: &Workload<'_>, sink: &mut Sink) {
    let dev = set.ctx.environment.as_deref() == Some("development");
    for (f, c) in w.containers() {
        // Kept as the source had them, with a reason (`Resources::as_source`).
        let as_source = crate::declared::container_reason(
            &set.items[w.idx],
            crate::RESOURCES_AS_SOURCE_ANNOTATION,
            &c.name,
        )
        .is_some();
        resources(w, &f, c, as_source, sink);
        if let Some(image) = c.image.as_deref().filter(|i| !i.trim().is_empty()) {
            if let Some(problem) = image_problem(image).filter(|_| !dev) {
                sink.add(w.idx, "image-latest", format!("{f}.image"), format!("image `{image}` {problem}; each pull may run a different build, and members of one workload can run different versions"), "pin a version tag or a digest (@sha256:...)");
            }
        }
        let main = f.contains(".containers[");
        if w.serving && main && c.liveness_probe.is_some() && c.readiness_probe.is_none() {
            sink.add(w.idx, "liveness-without-readiness", format!("{f}.readinessProbe"), format!("container `{}` has a liveness probe but no readiness probe, so it receives traffic before it can serve", c.name), "add a readiness probe");
        }
    }
    if w.hpa.is_some() && w.replicas.is_some() {
        sink.add(w.idx, "replicas-with-hpa", "spec.replicas", format!("spec.replicas is {} although a HorizontalPodAutoscaler manages this {}; every apply resets the scale", w.replicas.unwrap_or_default(), w.kind), "omit spec.replicas when an autoscaler targets the workload");
    }
    if let Some(sa) = w.spec.service_account.as_deref().filter(|s| !s.is_empty()) {
        sink.add(
            w.idx,
            "deprecated-field",
            format!("{}.serviceAccount", w.prefix),
            format!("serviceAccount `{sa}` is the deprecated alias of serviceAccountName"),
            "use serviceAccountName",
        );
    }
}
