//! Which rules run: rule patterns (`image-latest`, `pss-*`, `all`) and the layers of
//! `disable`/`enable` lists (the config file, then the command line) that decide them.

use std::collections::BTreeSet;

use dsl::validate::RULES;

/// A rule id, a glob over rule ids (`pss-*`, `netpol-dns-?cp`), or `all`.
#[derive(Clone, Debug)]
pub struct RulePattern {
    matcher: globset::GlobMatcher,
}

impl RulePattern {
    /// Parses `text`; a pattern that names no registered rule is an error that lists the
    /// closest rule ids.
    pub fn parse(text: &str) -> Result<RulePattern, String> {
        let glob = if text == "all" { "*" } else { text };
        let matcher = globset::GlobBuilder::new(glob)
            .literal_separator(true)
            .build()
            .map_err(|e| format!("`{text}` is not a rule id or pattern: {}", e.kind()))?
            .compile_matcher();
        let pattern = RulePattern { matcher };
        if RULES.iter().any(|r| pattern.matches(r.id)) {
            Ok(pattern)
        } else {
            Err(unknown_rule(text))
        }
    }

    /// Whether the pattern covers the rule `id`.
    pub fn matches(&self, id: &str) -> bool {
        self.matcher.is_match(id)
    }
}

/// The message for a rule name that is not registered: `unknown rule `x`; did you mean
/// `a`, `b`?` (the closest ids by edit distance), or a pointer to the list.
pub fn unknown_rule(name: &str) -> String {
    let close = close_names(name);
    if close.is_empty() {
        format!("unknown rule `{name}` (the rules are listed in docs/rules.md)")
    } else {
        let list: Vec<String> = close.iter().map(|c| format!("`{c}`")).collect();
        format!("unknown rule `{name}`; did you mean {}?", list.join(", "))
    }
}

/// Up to five registered rule ids close to `name`, closest first (ties by id).
pub fn close_names(name: &str) -> Vec<&'static str> {
    let mut scored: Vec<(f64, &'static str)> = RULES
        .iter()
        .map(|r| {
            let similarity = strsim::normalized_damerau_levenshtein(name, r.id)
                .max(strsim::jaro_winkler(name, r.id) - 0.1);
            let contains = !name.is_empty() && (r.id.contains(name) || name.contains(r.id));
            (if contains { 1.0 } else { similarity }, r.id)
        })
        .filter(|(score, _)| *score >= 0.7)
        .collect();
    scored.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(b.1)));
    scored.into_iter().take(5).map(|(_, id)| id).collect()
}

/// One layer of rule selection: what it turns off, then what it turns (back) on.
#[derive(Clone, Debug, Default)]
pub struct Layer {
    /// Rules turned off.
    pub disable: Vec<RulePattern>,
    /// Rules turned on, after `disable` (so `disable: [all]` + `enable: [x]` runs only x).
    pub enable: Vec<RulePattern>,
}

/// The rules that run after applying `layers` in order to "every rule on".
pub fn enabled_rules(layers: &[&Layer]) -> BTreeSet<&'static str> {
    let mut on: BTreeSet<&'static str> = RULES.iter().map(|r| r.id).collect();
    for layer in layers {
        for p in &layer.disable {
            on.retain(|id| !p.matches(id));
        }
        for p in &layer.enable {
            on.extend(RULES.iter().map(|r| r.id).filter(|id| p.matches(id)));
        }
    }
    on
}

#[cfg(test)]
mod tests {
    use super::*;

    fn layer(disable: &[&str], enable: &[&str]) -> Layer {
        let parse = |l: &[&str]| {
            l.iter()
                .map(|s| RulePattern::parse(s).expect("pattern"))
                .collect()
        };
        Layer {
            disable: parse(disable),
            enable: parse(enable),
        }
    }

    #[test]
    fn unknown_rules_are_rejected_with_close_names() {
        let e = RulePattern::parse("image-lates").unwrap_err();
        assert!(e.contains("did you mean `image-latest`"), "{e}");
        let e = RulePattern::parse("pdb-misssing").unwrap_err();
        assert!(e.contains("`pdb-missing`"), "{e}");
        let e = RulePattern::parse("zzzz").unwrap_err();
        assert!(e.contains("docs/rules.md"), "{e}");
        // A pattern must match some rule.
        assert!(RulePattern::parse("nothing-*").is_err());
        assert!(RulePattern::parse("pss-*").is_ok());
    }

    #[test]
    fn layers_apply_disable_then_enable_in_order() {
        let all = enabled_rules(&[]);
        assert_eq!(all.len(), RULES.len());
        let no_pss = enabled_rules(&[&layer(&["pss-*"], &[])]);
        assert!(!no_pss.contains("pss-privileged") && no_pss.contains("image-latest"));
        let only = enabled_rules(&[&layer(&["all"], &["image-latest"])]);
        assert_eq!(only.into_iter().collect::<Vec<_>>(), ["image-latest"]);
        // A later layer turns back on what an earlier one turned off.
        let back = enabled_rules(&[&layer(&["pss-*"], &[]), &layer(&[], &["pss-privileged"])]);
        assert!(back.contains("pss-privileged") && !back.contains("pss-seccomp"));
    }
}
