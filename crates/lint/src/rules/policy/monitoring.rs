//! `prometheus-scrape-annotations`, `alert-up-without-absent`, `alert-error-rate-not-ratio`.

use crate::rules::wiring::monitored_services;
use crate::set::{each, Set, Sink};
use crate::source::join_key;

pub(super) fn monitoring(set: &Set<'_>, sink: &mut Sink) {
    // Services some ServiceMonitor selects, computed once when first needed.
    let mut selected: Option<std::collections::BTreeSet<usize>> = None;
    for (i, svc) in each!(set, Service) {
        let Some(a) = &svc.metadata.annotations else {
            continue;
        };
        let keys: Vec<&String> = a
            .keys()
            .filter(|k| k.starts_with("prometheus.io/"))
            .collect();
        if keys.is_empty() {
            continue;
        }
        let monitored = selected
            .get_or_insert_with(|| {
                each!(set, ServiceMonitor)
                    .flat_map(|(m, sm)| monitored_services(set, m, sm))
                    .map(|(s, _)| s)
                    .collect()
            })
            .contains(&i);
        if !monitored {
            sink.add(i, "prometheus-scrape-annotations", join_key("metadata.annotations", keys[0]), "prometheus.io/* annotations only work with an annotation-driven scrape configuration; the Prometheus Operator ignores them and no ServiceMonitor selects this Service", "add a ServiceMonitor for the metrics port and drop the annotations");
        }
    }
    for (i, r) in each!(set, PrometheusRule) {
        for (g, group) in r.spec.groups.iter().enumerate() {
            for (j, rule) in group.rules.iter().enumerate() {
                let Some(alert) = rule.alert.as_deref() else {
                    // A recording rule.
                    continue;
                };
                let expr = rule.expr_text().replace(' ', "");
                let field = format!("spec.groups[{g}].rules[{j}].expr");
                let on_up = expr.starts_with("up{")
                    || expr.contains("(up{")
                    || expr.contains(" up{")
                    || expr.starts_with("up==");
                if on_up
                    && (expr.contains("==0") || expr.contains("<1"))
                    && !expr.contains("absent(")
                {
                    sink.add(i, "alert-up-without-absent", field.clone(), format!("alert `{alert}` tests up == 0, which never fires when the target disappears (no pods, or the scrape selects nothing) because the series is then absent"), "add `or absent(up{...})`");
                }
                let five_xx =
                    expr.contains("\"5..\"") || expr.contains("=~\"5") || expr.contains("=~'5");
                if five_xx
                    && (expr.contains("rate(") || expr.contains("increase("))
                    && !expr.contains('/')
                {
                    sink.add(i, "alert-error-rate-not-ratio", field, format!("alert `{alert}` compares an absolute rate of 5xx responses to a threshold per series; it is not an error ratio"), "divide sum(rate(5xx)) by sum(rate(all requests))");
                }
            }
        }
    }
}
