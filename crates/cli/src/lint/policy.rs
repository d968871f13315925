//! What a `lint` run reports: the config file that governs each linted file (found upward
//! from it, or given with `--config`), layered under the command line's `--disable`,
//! `--enable` and `--min-severity`, applied to the validator's report: rules turned off,
//! severities replaced, config waivers, findings below the minimum severity hidden.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::path::{Path, PathBuf};

use dsl::validate::{self, Finding, Loaded, Note, Report};

use super::config::{self, Config, MinSeverity};
use super::select::{enabled_rules, Layer};

/// Where the config comes from.
#[derive(Clone, Debug)]
pub enum Source {
    /// `.kairn-lint.yaml` found upward from each linted file.
    Discover,
    /// `--config FILE`, for every file.
    File(PathBuf),
    /// `--no-config`.
    Nothing,
}

/// The command line's share of the policy.
#[derive(Clone, Debug, Default)]
pub struct CommandLine {
    /// `--disable` and `--enable`.
    pub rules: Layer,
    /// `--min-severity`.
    pub min_severity: Option<MinSeverity>,
}

/// What one config (or none) makes of the command line.
#[derive(Clone, Debug)]
struct Effective {
    enabled: BTreeSet<&'static str>,
    min_severity: MinSeverity,
}

/// The configs in force and which file each governs.
#[derive(Debug)]
pub struct Policy {
    configs: Vec<Config>,
    /// Config index per file label (as the loader names files), `None` for no config.
    by_file: HashMap<String, Option<usize>>,
    /// Absolute path per file label, for the configs' `exclude` globs.
    absolute: HashMap<String, PathBuf>,
    /// The config of input that is not a file (standard input): found from the current
    /// directory.
    default: Option<usize>,
    /// Per config index, then one more for "no config".
    effective: Vec<Effective>,
}

/// The report after the policy, with what it hid.
#[derive(Debug, Default)]
pub struct Applied {
    /// The findings shown (waived ones included) and the notes shown.
    pub report: Report,
    /// Per finding of [`Applied::report`]: whether it was waived in a config file (an
    /// external suppression) rather than on the object.
    pub waived_in_config: Vec<bool>,
    /// Findings of enabled rules hidden because they are below the minimum severity.
    pub hidden: usize,
}

impl Policy {
    /// Reads the configs that govern `files` (plus standard input when `stdin`), and
    /// combines each with the command line. `Err` lists every config problem.
    pub fn resolve(
        source: &Source,
        files: &[PathBuf],
        stdin: bool,
        cli: &CommandLine,
    ) -> Result<Policy, Vec<String>> {
        let mut paths: Vec<PathBuf> = Vec::new();
        let index_of =
            |p: PathBuf, paths: &mut Vec<PathBuf>| match paths.iter().position(|q| *q == p) {
                Some(i) => i,
                None => {
                    paths.push(p);
                    paths.len() - 1
                }
            };
        let mut by_file = HashMap::new();
        let mut absolute = HashMap::new();
        let default;
        match source {
            Source::Nothing => {
                default = None;
                for f in files {
                    by_file.insert(f.display().to_string(), None);
                }
            }
            Source::File(p) => {
                let i = index_of(p.clone(), &mut paths);
                default = Some(i);
                for f in files {
                    by_file.insert(f.display().to_string(), Some(i));
                    absolute.insert(f.display().to_string(), config::absolute(f));
                }
            }
            Source::Discover => {
                let mut cache: HashMap<PathBuf, Option<PathBuf>> = HashMap::new();
                let mut find = |dir: PathBuf| config::discover_cached(&dir, &mut cache);
                for f in files {
                    let abs = config::absolute(f);
                    let dir = abs.parent().map(Path::to_owned).unwrap_or_default();
                    let found = find(dir).map(|p| index_of(p, &mut paths));
                    by_file.insert(f.display().to_string(), found);
                    absolute.insert(f.display().to_string(), abs);
                }
                default = if stdin {
                    find(config::absolute(Path::new("."))).map(|p| index_of(p, &mut paths))
                } else {
                    None
                };
            }
        }
        let mut configs = Vec::new();
        let mut errors = Vec::new();
        for p in &paths {
            match Config::read(p) {
                Ok(c) => configs.push(c),
                Err(e) => errors.push(e),
            }
        }
        if !errors.is_empty() {
            return Err(errors);
        }
        let effective = configs
            .iter()
            .map(Some)
            .chain([None])
            .map(|c| Effective {
                enabled: match c {
                    Some(c) => enabled_rules(&[&c.rules, &cli.rules]),
                    None => enabled_rules(&[&cli.rules]),
                },
                min_severity: cli
                    .min_severity
                    .or(c.and_then(|c| c.min_severity))
                    .unwrap_or_default(),
            })
            .collect();
        Ok(Policy {
            configs,
            by_file,
            absolute,
            default,
            effective,
        })
    }

    fn config_index(&self, file: Option<&str>) -> Option<usize> {
        file.and_then(|f| self.by_file.get(f).copied())
            .unwrap_or(self.default)
    }

    fn effective(&self, config: Option<usize>) -> &Effective {
        &self.effective[config.unwrap_or(self.configs.len())]
    }

    /// The config that excludes `file`, if any. A file named on the command line
    /// (`named`) is never excluded.
    pub fn excluded_by(&self, file: &Path, named: bool) -> Option<&Config> {
        if named {
            return None;
        }
        let label = file.display().to_string();
        let c = &self.configs[self.config_index(Some(&label))?];
        let excluded = match self.absolute.get(&label) {
            Some(abs) => c.excludes(abs),
            None => c.excludes(&config::absolute(file)),
        };
        excluded.then_some(c)
    }

    /// Applies the policy to the validator's `report` over `loaded`.
    pub fn apply(&self, report: Report, loaded: &Loaded) -> Applied {
        let mut used: Vec<Vec<bool>> = self
            .configs
            .iter()
            .map(|c| vec![false; c.waivers.len()])
            .collect();
        let mut hidden = 0;
        let mut shown: Vec<(Finding, bool)> = Vec::new();
        for mut f in report.findings {
            let ci = self.config_index(f.file.as_deref());
            let eff = self.effective(ci);
            if !eff.enabled.contains(f.rule) {
                continue;
            }
            let mut in_config = false;
            if let Some(ci) = ci {
                let c = &self.configs[ci];
                if let Some(s) = c.severity.get(f.rule) {
                    f.severity = *s;
                }
                if f.waived.is_none() {
                    if let Some(wi) = c.waivers.iter().position(|w| {
                        w.rule == f.rule
                            && w.kind == f.kind
                            && w.name == f.name
                            && (w.namespace.is_none() || w.namespace == f.namespace)
                    }) {
                        used[ci][wi] = true;
                        let w = &c.waivers[wi];
                        f.waived = Some(format!(
                            "{} (waived in {}:{})",
                            w.reason,
                            c.path.display(),
                            w.line
                        ));
                        in_config = true;
                    }
                }
            }
            if eff.min_severity.shows(f.severity) {
                shown.push((f, in_config));
            } else {
                hidden += 1;
            }
        }
        for (f, in_config) in self.unmatched_waivers(&used, loaded) {
            shown.push((f, in_config));
        }
        shown.sort_by(|(a, _), (b, _)| sort_key(a).cmp(&sort_key(b)));
        let notes: Vec<Note> = report
            .notes
            .into_iter()
            .filter(|n| {
                self.effective(self.config_index(n.file.as_deref()))
                    .min_severity
                    .shows_notes()
            })
            .collect();
        let (findings, waived_in_config) = shown.into_iter().unzip();
        Applied {
            report: Report { findings, notes },
            waived_in_config,
            hidden,
        }
    }

    /// `waiver-unmatched` for each config waiver of an enabled rule whose object is in the
    /// set but has no finding of the rule. A waiver of an object the set does not hold says nothing (the
    /// run may lint only part of the repository).
    fn unmatched_waivers(&self, used: &[Vec<bool>], loaded: &Loaded) -> Vec<(Finding, bool)> {
        let info = validate::rule("waiver-unmatched").expect("registered rule");
        let mut objects: BTreeMap<(&str, &str), Vec<Option<&str>>> = BTreeMap::new();
        for d in &loaded.documents {
            objects
                .entry((d.kind.as_str(), d.name.as_str()))
                .or_default()
                .push(d.namespace.as_deref());
        }
        let mut out = Vec::new();
        for (ci, c) in self.configs.iter().enumerate() {
            let eff = self.effective(Some(ci));
            if !eff.enabled.contains(info.id) || !eff.min_severity.shows(info.severity) {
                continue;
            }
            for (wi, w) in c.waivers.iter().enumerate() {
                let present = objects
                    .get(&(w.kind.as_str(), w.name.as_str()))
                    .is_some_and(|ns| {
                        ns.iter()
                            .any(|n| w.namespace.is_none() || *n == w.namespace.as_deref())
                    });
                // A waiver of a rule that is off has nothing to match.
                if used[ci][wi] || !present || !eff.enabled.contains(w.rule) {
                    continue;
                }
                out.push((
                    Finding {
                        rule: info.id,
                        severity: info.severity,
                        app: None,
                        environment: None,
                        kind: w.kind.clone(),
                        name: w.name.clone(),
                        namespace: w.namespace.clone(),
                        field: String::new(),
                        message: format!(
                            "the waiver of `{}` on {}/{} matches no finding",
                            w.rule, w.kind, w.name
                        ),
                        fix: "remove the waiver, or correct its rule, kind, name or namespace"
                            .to_owned(),
                        declared_at: None,
                        customized_at: Vec::new(),
                        unit: None,
                        file: Some(c.path.display().to_string()),
                        line: Some(w.line),
                        waived: None,
                    },
                    false,
                ));
            }
        }
        out
    }
}

type SortKey<'a> = (
    &'a Option<String>,
    Option<u64>,
    &'a str,
    &'a str,
    &'a Option<String>,
    &'static str,
    &'a str,
    &'a str,
);

/// The order of findings: by file and line, then object, rule, field and message.
fn sort_key(f: &Finding) -> SortKey<'_> {
    (
        &f.file,
        f.line,
        &f.kind,
        &f.name,
        &f.namespace,
        f.rule,
        &f.field,
        &f.message,
    )
}
