//! Linting the units `lint DIR` found (see [`super::units`]): each rendered on its own
//! (`helm template`, `kubectl kustomize`, on every core), linted as its own set, and its
//! findings placed in the user's files ([`super::locate`]). A finding the same at the
//! same place in several units (a template with two values files) is reported once,
//! naming every unit.

use std::collections::{BTreeMap, HashMap};
use std::fs;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use dsl::validate::{self, Context, Finding, LoadError, Loaded, Note, Report};
use import::render::{self, HelmRender, RenderError, Tool};
use import::SourceObject;

use super::annotations;
use super::kustomization;
use super::locate::{Locator, Rendered};
use super::units::{self, Discovery, Unit};

/// What linting the units gave.
#[derive(Debug, Default)]
pub struct Outcome {
    /// The findings (each naming its unit) and notes, placed in the user's files.
    pub report: Report,
    /// Every rendered object (for config waivers: which objects the run saw).
    pub loaded: Loaded,
    /// Units that could not be rendered, and a missing tool (one error per tool).
    pub errors: Vec<LoadError>,
    /// Documents the renders printed that are not objects.
    pub notes: Vec<LoadError>,
    /// Chart sets (chart × values file) rendered.
    pub charts: usize,
    /// Kustomizations rendered.
    pub overlays: usize,
    /// Wall time of the renders.
    pub elapsed: Duration,
}

impl Outcome {
    /// `; rendered 6 chart set(s) and 3 overlay(s) in 1.42 s`, or nothing.
    pub fn summary(&self) -> String {
        if self.charts + self.overlays == 0 {
            return String::new();
        }
        format!(
            "; rendered {} chart set(s) and {} overlay(s) in {:.2} s",
            self.charts,
            self.overlays,
            self.elapsed.as_secs_f64()
        )
    }
}

/// Renders one unit.
fn render_unit(
    unit: &Unit,
    set: &[String],
) -> (Result<Vec<SourceObject>, RenderError>, Vec<String>) {
    let mut notes = Vec::new();
    let result = match unit {
        Unit::Chart { dir, values } => {
            let release = render::chart_name(dir).unwrap_or_else(|_| "release".to_owned());
            render::helm_template(
                dir,
                &HelmRender {
                    release: &release,
                    values: values.as_deref(),
                    set,
                    namespace: None,
                    skip_tests: true,
                },
            )
        }
        Unit::Kustomize { dir } => render::kustomize_build(dir, &mut notes),
    };
    (result, notes)
}

/// Paths as the user named them: a path below a named directory is written from that
/// directory as given (`deploy/base/x.yaml`, not `/home/.../deploy/base/x.yaml`).
struct Names {
    roots: Vec<(PathBuf, PathBuf)>,
}

impl Names {
    fn new(named: &[PathBuf]) -> Names {
        let roots = named
            .iter()
            .filter(|p| p.is_dir())
            .filter_map(|p| Some((fs::canonicalize(p).ok()?, p.clone())))
            .collect();
        Names { roots }
    }

    fn show(&self, path: &Path) -> String {
        if let Ok(real) = fs::canonicalize(path) {
            for (root, given) in &self.roots {
                if let Ok(rest) = real.strip_prefix(root) {
                    return given.join(rest).display().to_string();
                }
            }
        }
        path.display().to_string()
    }
}

/// One line for every unit a missing tool left unlinted.
fn missing_tool(tool: Tool, binary: &str, dirs: &[&Path]) -> LoadError {
    let what = match tool {
        Tool::Helm => "a Helm chart",
        Tool::Kubectl => "a kustomization",
    };
    let mut all: Vec<String> = dirs.iter().map(|d| d.display().to_string()).collect();
    all.dedup();
    let others = &all[1.min(all.len())..];
    let more = match others.len() {
        0 => String::new(),
        n if n <= 3 => format!(" (so are {})", others.join(", ")),
        n => format!(" (so are {} and {} more)", others[..3].join(", "), n - 3),
    };
    let var_set = std::env::var_os(tool.var()).is_some_and(|v| !v.is_empty());
    let where_ = if var_set {
        format!("which is not found at {binary} ({})", tool.var())
    } else {
        "which is not on PATH".to_owned()
    };
    LoadError {
        file: all.first().cloned().unwrap_or_default(),
        line: None,
        message: format!(
            "{what}{more}, not linted: lint renders it with {}, {where_}: install it ({}) or set {}",
            tool.name(),
            tool.install(),
            tool.var()
        ),
    }
}

/// Renders and lints every unit of `found`; `set` is `--set`, `named` the paths given,
/// `policies` the cluster's admission policies (`--policy`), evaluated on every unit.
pub fn lint_units(
    found: &Discovery,
    set: &[String],
    named: &[PathBuf],
    ctx: &Context,
    policies: &Loaded,
) -> Outcome {
    let mut out = Outcome::default();
    if found.units.is_empty() {
        return out;
    }
    let start = Instant::now();
    let rendered = dsl::parallel::map(&found.units, |u| render_unit(u, set));
    out.elapsed = start.elapsed();
    let names = Names::new(named);
    let mut locator = Locator::default();
    let mut missing: BTreeMap<(Tool, String), Vec<&Path>> = BTreeMap::new();
    let mut findings: Vec<Finding> = Vec::new();
    let mut index: HashMap<String, usize> = HashMap::new();
    let mut note_index: HashMap<String, usize> = HashMap::new();
    for (n, (unit, (result, notes))) in found.units.iter().zip(rendered).enumerate() {
        let label = unit.label();
        for note in notes {
            out.notes.push(LoadError {
                file: label.clone(),
                line: None,
                message: note,
            });
        }
        let objects = match result {
            Ok(objects) => objects,
            Err(RenderError::Missing { tool, binary }) => {
                missing.entry((tool, binary)).or_default().push(unit.dir());
                continue;
            }
            Err(RenderError::Failed(message)) => {
                out.errors.push(LoadError {
                    file: label,
                    line: None,
                    message: format!("not linted: {message}"),
                });
                continue;
            }
        };
        match unit {
            Unit::Chart { .. } => out.charts += 1,
            Unit::Kustomize { .. } => out.overlays += 1,
        }
        let patches: Vec<&kustomization::Patch> = match unit {
            Unit::Kustomize { dir } => units::kustomizations_of(found, dir)
                .into_iter()
                .flat_map(|k| &k.patches)
                .collect(),
            Unit::Chart { .. } => Vec::new(),
        };
        let mut loaded = Loaded::default();
        let mut of_label: HashMap<String, usize> = HashMap::new();
        for (i, o) in objects.iter().enumerate() {
            let key = format!("<{label} #{n}.{i}>");
            let yaml = match dsl::yaml::to_yaml(&o.value) {
                Ok(y) => y,
                Err(e) => {
                    out.errors.push(LoadError {
                        file: label.clone(),
                        line: None,
                        message: format!("an object of the render cannot be read: {e}"),
                    });
                    continue;
                }
            };
            match validate::parse_str(&key, &yaml) {
                Ok(l) => {
                    loaded.documents.extend(l.documents);
                    loaded.skipped.extend(l.skipped);
                    of_label.insert(key, i);
                }
                Err(e) => out.errors.push(LoadError {
                    file: label.clone(),
                    line: None,
                    message: format!("an object of the render cannot be read: {}", e.message),
                }),
            }
        }
        let (mut report, broken) = validate::lint_with_policies(&loaded, policies, ctx);
        for b in broken {
            if !out.errors.contains(&b) {
                out.errors.push(b);
            }
        }
        report.findings.extend(annotations::check(&loaded));
        for mut f in report.findings {
            if let Some(&i) = f.file.as_ref().and_then(|k| of_label.get(k)) {
                let o = &objects[i];
                let (file, line) = place(&mut locator, unit, o, &f, &patches);
                f.file = Some(names.show(&file));
                f.line = line;
            }
            f.unit = None;
            let key = format!("{f:?}");
            match index.get(&key) {
                Some(&at) => {
                    let shown = findings[at].unit.get_or_insert_with(String::new);
                    shown.push_str("; ");
                    shown.push_str(&label);
                }
                None => {
                    index.insert(key, findings.len());
                    f.unit = Some(label.clone());
                    findings.push(f);
                }
            }
        }
        for mut note in report.notes {
            if let Some(&i) = note.file.as_ref().and_then(|k| of_label.get(k)) {
                let o = &objects[i];
                let file = source_file(unit, o);
                note.line = Some(match unit {
                    Unit::Chart { .. } if file.is_file() => {
                        let kind = o.value.get("kind").and_then(|k| k.as_str());
                        locator.helm_line(&file, kind.unwrap_or_default(), "", &o.value)
                    }
                    _ => o.line,
                });
                note.file = Some(names.show(&file));
            }
            // The same note from several units once, naming them.
            let key = format!("{:?}", (&note.file, note.line, &note.message));
            match note_index.get(&key) {
                Some(&at) => {
                    let n: &mut Note = &mut out.report.notes[at];
                    n.message.truncate(n.message.len() - 1);
                    n.message.push_str(&format!("; {label})"));
                }
                None => {
                    note_index.insert(key, out.report.notes.len());
                    note.message = format!("{} (in {label})", note.message);
                    out.report.notes.push(note);
                }
            }
        }
        out.loaded.documents.extend(loaded.documents);
    }
    for ((tool, binary), dirs) in missing {
        out.errors.push(missing_tool(tool, &binary, &dirs));
    }
    out.report.findings = findings;
    out
}

/// The file an object came from: a directory (kustomize could not name files) becomes its
/// kustomization file.
fn source_file(unit: &Unit, o: &SourceObject) -> PathBuf {
    if o.file.is_dir() {
        return kustomization::file_in(&o.file).unwrap_or_else(|| unit.dir().to_path_buf());
    }
    o.file.clone()
}

/// The file and line of finding `f` on the rendered object `o` of `unit`.
fn place(
    locator: &mut Locator,
    unit: &Unit,
    o: &SourceObject,
    f: &Finding,
    patches: &[&kustomization::Patch],
) -> (PathBuf, Option<u64>) {
    let file = source_file(unit, o);
    if !file.is_file() {
        return (file, None);
    }
    match unit {
        Unit::Chart { .. } => {
            let line = locator.helm_line(&file, &f.kind, &f.field, &o.value);
            (file, Some(line))
        }
        Unit::Kustomize { .. } => {
            let generated = file
                .file_name()
                .is_some_and(|n| kustomization::KUSTOMIZATION_FILES.iter().any(|k| n == *k));
            if generated || o.file.is_dir() {
                return (file, Some(o.line));
            }
            let rendered = Rendered {
                kind: &f.kind,
                name: &f.name,
                value: &o.value,
            };
            let (file, line) = locator.kustomize_place(&file, o.line, &rendered, &f.field, patches);
            (file, Some(line))
        }
    }
}
