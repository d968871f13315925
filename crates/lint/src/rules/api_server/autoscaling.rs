//! HorizontalPodAutoscaler behaviour (`validateBehavior`).

use crate::set::{each, Set, Sink};

/// `validateBehavior`: stabilizationWindowSeconds 0-3600, selectPolicy Max, Min or
/// Disabled, policies of type Pods or Percent with value > 0 and periodSeconds 1-1800.
pub(super) fn autoscalers(set: &Set<'_>, sink: &mut Sink) {
    for (i, h) in each!(set, HorizontalPodAutoscaler) {
        let Some(b) = h.spec.as_ref().and_then(|s| s.behavior.as_ref()) else {
            continue;
        };
        for (dir, rules) in [("scaleUp", &b.scale_up), ("scaleDown", &b.scale_down)] {
            let Some(r) = rules else { continue };
            let f = format!("spec.behavior.{dir}");
            let mut bad = |field: String, why: String, fix: &str| {
                sink.add(
                    i,
                    "hpa-behavior-invalid",
                    field,
                    format!("{why}; the API server rejects the autoscaler (validateBehavior)"),
                    fix,
                );
            };
            if let Some(s) = r
                .stabilization_window_seconds
                .filter(|s| !(0..=3600).contains(s))
            {
                bad(
                    format!("{f}.stabilizationWindowSeconds"),
                    format!("stabilizationWindowSeconds {s} must be between 0 and 3600"),
                    "use 0-3600 seconds",
                );
            }
            if let Some(p) = r
                .select_policy
                .as_deref()
                .filter(|p| !matches!(*p, "Max" | "Min" | "Disabled"))
            {
                bad(
                    format!("{f}.selectPolicy"),
                    format!("selectPolicy `{p}` is not supported"),
                    "use Max, Min or Disabled",
                );
            }
            for (j, p) in r.policies.iter().flatten().enumerate() {
                let pf = format!("{f}.policies[{j}]");
                if !matches!(p.type_.as_str(), "Pods" | "Percent") {
                    bad(
                        format!("{pf}.type"),
                        format!("policy type `{}` is not supported", p.type_),
                        "use Pods or Percent",
                    );
                }
                if p.value <= 0 {
                    bad(
                        format!("{pf}.value"),
                        format!("policy value {} must be greater than zero", p.value),
                        "use a positive value",
                    );
                }
                if !(1..=1800).contains(&p.period_seconds) {
                    bad(
                        format!("{pf}.periodSeconds"),
                        format!(
                            "periodSeconds {} must be between 1 and 1800",
                            p.period_seconds
                        ),
                        "use 1-1800 seconds",
                    );
                }
            }
        }
    }
}
