//! The `lint` configuration file, `.kairn-lint.yaml`: its format, reading it (unknown keys
//! and unknown rules are errors naming the file and line) and finding it upward from each
//! linted file. The format is documented in `docs/lint.md`.

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};

use dsl::validate::{self, Severity};
use serde::Deserialize;
use serde_saphyr::Spanned;

use super::select::{unknown_rule, Layer, RulePattern};

/// The name looked for in each directory from a linted file up to the repository root.
pub const CONFIG_FILE: &str = ".kairn-lint.yaml";

/// The lowest severity `lint` shows (`--min-severity`, `min-severity:`).
#[derive(
    Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Deserialize, clap::ValueEnum,
)]
#[serde(rename_all = "lowercase")]
pub enum MinSeverity {
    /// Errors only.
    Error,
    /// Errors and warnings.
    Warning,
    /// Everything, also the notes on what was passed over (the default).
    #[default]
    Info,
}

impl MinSeverity {
    /// Whether a finding of `severity` is shown.
    pub fn shows(self, severity: Severity) -> bool {
        match severity {
            Severity::Error => true,
            Severity::Warning => self >= MinSeverity::Warning,
        }
    }

    /// Whether notes (documents passed over) are shown.
    pub fn shows_notes(self) -> bool {
        self == MinSeverity::Info
    }
}

/// A severity a rule can be set to.
#[derive(Clone, Copy, Debug, Deserialize)]
#[serde(rename_all = "lowercase")]
enum RuleSeverity {
    Error,
    Warning,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
struct RawConfig {
    #[serde(default)]
    disable: Vec<Spanned<String>>,
    #[serde(default)]
    enable: Vec<Spanned<String>>,
    min_severity: Option<MinSeverity>,
    #[serde(default)]
    severity: BTreeMap<String, Spanned<RuleSeverity>>,
    #[serde(default)]
    exclude: Vec<Spanned<String>>,
    #[serde(default)]
    waivers: Vec<RawWaiver>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawWaiver {
    rule: Spanned<String>,
    kind: String,
    name: String,
    namespace: Option<String>,
    reason: String,
}

/// A waiver in a config file: one rule on one object, with a reason.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ConfigWaiver {
    /// Rule id.
    pub rule: &'static str,
    /// Object kind.
    pub kind: String,
    /// Object name.
    pub name: String,
    /// Object namespace; any namespace when absent.
    pub namespace: Option<String>,
    /// Why the finding is acceptable.
    pub reason: String,
    /// Line of the waiver's `rule:` in the file.
    pub line: u64,
}

/// A config file, read and checked.
#[derive(Clone, Debug)]
pub struct Config {
    /// The file, as found or given.
    pub path: PathBuf,
    /// Its directory, absolute: excludes are relative to it.
    pub dir: PathBuf,
    /// Rules it turns off and on.
    pub rules: Layer,
    /// The lowest severity shown.
    pub min_severity: Option<MinSeverity>,
    /// Severity per rule, replacing the rule's own.
    pub severity: BTreeMap<&'static str, Severity>,
    /// Files left out, as globs over the path relative to [`Config::dir`].
    pub exclude: globset::GlobSet,
    /// Waivers.
    pub waivers: Vec<ConfigWaiver>,
}

impl Config {
    /// Reads and checks `path`: `Err` is a message naming the file (and line).
    pub fn read(path: &Path) -> Result<Config, String> {
        let text = std::fs::read_to_string(path)
            .map_err(|e| format!("{}: cannot read: {e}", path.display()))?;
        Config::parse(path, &text)
    }

    /// Checks the text of a config file read from `path`.
    pub fn parse(path: &Path, text: &str) -> Result<Config, String> {
        let at = |line: u64, msg: String| format!("{}:{line}: {msg}", path.display());
        let blank = text
            .lines()
            .all(|l| l.trim().is_empty() || l.trim_start().starts_with('#'));
        let raw: RawConfig = if blank {
            serde_saphyr::from_str("{}")
        } else {
            serde_saphyr::from_str(text)
        }
        .map_err(|e| {
            let text = e.without_snippet().to_string();
            let text = text.strip_prefix("error: ").unwrap_or(&text);
            match e.location() {
                Some(l) => {
                    let suffix = format!(" at line {}, column {}", l.line(), l.column());
                    at(
                        l.line(),
                        text.strip_suffix(&suffix).unwrap_or(text).to_owned(),
                    )
                }
                None => format!("{}: {text}", path.display()),
            }
        })?;
        let patterns = |list: &[Spanned<String>]| -> Result<Vec<RulePattern>, String> {
            list.iter()
                .map(|s| RulePattern::parse(&s.value).map_err(|e| at(s.referenced.line(), e)))
                .collect()
        };
        let rules = Layer {
            disable: patterns(&raw.disable)?,
            enable: patterns(&raw.enable)?,
        };
        let mut severity = BTreeMap::new();
        for (rule, level) in &raw.severity {
            let info = validate::rule(rule).ok_or_else(|| {
                at(
                    level.referenced.line(),
                    format!("severity: {}", unknown_rule(rule)),
                )
            })?;
            let level = match level.value {
                RuleSeverity::Error => Severity::Error,
                RuleSeverity::Warning => Severity::Warning,
            };
            severity.insert(info.id, level);
        }
        let mut exclude = globset::GlobSetBuilder::new();
        for glob in &raw.exclude {
            let g = globset::GlobBuilder::new(&glob.value)
                .literal_separator(true)
                .build()
                .map_err(|e| {
                    at(
                        glob.referenced.line(),
                        format!("exclude: `{}`: {}", glob.value, e.kind()),
                    )
                })?;
            exclude.add(g);
        }
        let exclude = exclude
            .build()
            .map_err(|e| format!("{}: exclude: {e}", path.display()))?;
        let mut waivers = Vec::new();
        for w in raw.waivers {
            let line = w.rule.referenced.line();
            let info = validate::rule(&w.rule.value)
                .ok_or_else(|| at(line, format!("waiver: {}", unknown_rule(&w.rule.value))))?;
            if w.reason.trim().is_empty() {
                return Err(at(
                    line,
                    format!("the waiver of `{}` has no reason", info.id),
                ));
            }
            waivers.push(ConfigWaiver {
                rule: info.id,
                kind: w.kind,
                name: w.name,
                namespace: w.namespace,
                reason: w.reason,
                line,
            });
        }
        Ok(Config {
            path: path.to_owned(),
            dir: absolute(path.parent().unwrap_or(Path::new("."))),
            rules,
            min_severity: raw.min_severity,
            severity,
            exclude,
            waivers,
        })
    }

    /// Whether the file at `absolute_path` is excluded by this config.
    pub fn excludes(&self, absolute_path: &Path) -> bool {
        absolute_path
            .strip_prefix(&self.dir)
            .is_ok_and(|rel| self.exclude.is_match(rel))
    }
}

/// `path` made absolute with `..` and symbolic links resolved when it exists, else only
/// joined to the current directory.
pub fn absolute(path: &Path) -> PathBuf {
    let path = if path.as_os_str().is_empty() {
        Path::new(".")
    } else {
        path
    };
    super::paths::real(path)
        .or_else(|| std::path::absolute(path).ok())
        .unwrap_or_else(|| path.to_owned())
}

/// The config file that governs files in `dir`: the nearest `.kairn-lint.yaml` in `dir` or
/// above it, looking no higher than the repository root (a directory holding `.git`) or
/// the filesystem root.
#[cfg(test)]
pub fn discover(dir: &Path) -> Option<PathBuf> {
    discover_cached(dir, &mut HashMap::new())
}

/// [`discover`] for many directories: each directory is looked at once, its answer
/// shared by the directories beneath it (`cache` holds the answers so far).
pub fn discover_cached(
    dir: &Path,
    cache: &mut HashMap<PathBuf, Option<PathBuf>>,
) -> Option<PathBuf> {
    if let Some(found) = cache.get(dir) {
        return found.clone();
    }
    let candidate = dir.join(CONFIG_FILE);
    let found = if candidate.is_file() {
        Some(candidate)
    } else if dir.join(".git").exists() {
        None
    } else {
        // `Path::ancestors` is the chain of `Path::parent`.
        dir.parent().and_then(|p| discover_cached(p, cache))
    };
    cache.insert(dir.to_owned(), found.clone());
    found
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> Result<Config, String> {
        Config::parse(Path::new("/repo/.kairn-lint.yaml"), text)
    }

    #[test]
    fn a_full_config_is_read() {
        let c = parse(
            "disable: [pdb-missing, 'pss-*']\nenable: [pss-privileged]\nmin-severity: warning\n\
             severity:\n  resources-missing: error\nexclude: ['charts/**/tests/*.yaml']\n\
             waivers:\n  - rule: image-latest\n    kind: Deployment\n    name: api\n    \
             namespace: shop\n    reason: dev mirror\n",
        )
        .expect("valid");
        assert_eq!(c.rules.disable.len(), 2);
        assert_eq!(c.min_severity, Some(MinSeverity::Warning));
        assert_eq!(c.severity["resources-missing"], Severity::Error);
        assert_eq!(c.waivers[0].rule, "image-latest");
        assert_eq!(c.waivers[0].line, 8);
        assert!(c.excludes(Path::new("/repo/charts/a/tests/t.yaml")));
        assert!(!c.excludes(Path::new("/repo/charts/a/t.yaml")));
        assert!(!c.excludes(Path::new("/elsewhere/charts/a/tests/t.yaml")));
        assert!(parse("# nothing yet\n").is_ok());
        assert!(parse("").is_ok());
    }

    #[test]
    fn unknown_keys_and_rules_are_errors_naming_file_key_and_line() {
        let e = parse("disable: [pdb-missing]\nignore: [x]\n").unwrap_err();
        assert!(
            e.starts_with("/repo/.kairn-lint.yaml:2: unknown field `ignore`, expected one of"),
            "{e}"
        );
        assert!(!e.contains('\n'), "one line: {e}");
        let e = parse("waivers:\n  - rule: image-latest\n    kind: D\n    name: a\n    reason: r\n    why: x\n")
            .unwrap_err();
        assert!(e.contains("why"), "{e}");
        let e = parse("enable:\n  - pdb-missing\n  - imag-latest\n").unwrap_err();
        assert!(
            e.starts_with(
                "/repo/.kairn-lint.yaml:3: unknown rule `imag-latest`; did you mean `image-latest`"
            ),
            "{e}"
        );
        let e = parse("severity:\n  image-lates: warning\n").unwrap_err();
        assert!(e.contains(":2: severity: unknown rule"), "{e}");
        let e = parse("severity:\n  image-latest: info\n").unwrap_err();
        assert!(e.contains("info"), "{e}");
        let e =
            parse("waivers:\n  - rule: image-latest\n    kind: D\n    name: a\n    reason: ' '\n")
                .unwrap_err();
        assert!(
            e.contains(":2: the waiver of `image-latest` has no reason"),
            "{e}"
        );
        let e = parse("min-severity: loud\n").unwrap_err();
        assert!(e.contains("loud"), "{e}");
    }

    #[test]
    fn discovery_stops_at_the_repository_root() {
        let root = std::env::temp_dir().join(format!("kairn-lint-config-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&root);
        let repo = root.join("repo");
        std::fs::create_dir_all(repo.join(".git")).unwrap();
        std::fs::create_dir_all(repo.join("deploy/app")).unwrap();
        std::fs::write(root.join(CONFIG_FILE), "").unwrap();
        assert_eq!(
            discover(&repo.join("deploy/app")),
            None,
            "above the repository"
        );
        std::fs::write(repo.join(CONFIG_FILE), "").unwrap();
        assert_eq!(
            discover(&repo.join("deploy/app")),
            Some(repo.join(CONFIG_FILE))
        );
        std::fs::write(repo.join("deploy").join(CONFIG_FILE), "").unwrap();
        assert_eq!(
            discover(&repo.join("deploy/app")),
            Some(repo.join("deploy").join(CONFIG_FILE)),
            "the nearest wins"
        );
        let _ = std::fs::remove_dir_all(&root);
    }
}
