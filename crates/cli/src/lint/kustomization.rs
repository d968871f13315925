//! What a kustomization file refers to, read without running kustomize: the directories
//! it builds on (`resources`, `components` and generator or transformer directories),
//! the files it reads (resources, patches, generator inputs, transformer configs: never
//! linted as objects of their own), and its patch files with their targets (to place a
//! finding on the patch that set the field).

use std::fs;
use std::path::{Path, PathBuf};

use serde_json::Value;

/// The file names kustomize reads a kustomization from, in its order of preference.
pub use import::render::KUSTOMIZATION_FILES;

/// One kustomization file, as far as `lint` needs it.
#[derive(Clone, Debug, Default)]
pub struct Kustomization {
    /// The kustomization file.
    pub file: PathBuf,
    /// `kind: Component`: built only as part of another kustomization.
    pub component: bool,
    /// Local directories it builds on, in order: `resources`, then `components`, then
    /// generator, transformer and validator directories.
    pub dirs: Vec<PathBuf>,
    /// Local files it reads.
    pub files: Vec<PathBuf>,
    /// Patches it applies, in order.
    pub patches: Vec<Patch>,
    /// The directory of the charts its `helmCharts` render (`helmGlobals.chartHome`,
    /// default `charts`), when it has `helmCharts`: kustomize renders those charts.
    pub chart_home: Option<PathBuf>,
    /// It only gathers YAML files and directories beneath it (`resources:` and nothing
    /// else: no namespace, prefix, labels, patches, generators...), so what it builds is
    /// those files' objects as written: `lint` reads them in place rather than run
    /// kustomize (kairn's own output is such a tree).
    pub plain: bool,
}

/// A patch a kustomization applies.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Patch {
    /// The patch file; for an inline patch, the kustomization file.
    pub file: PathBuf,
    /// The inline patch text and the line of its `patch:` key, when inline.
    pub inline: Option<(String, u64)>,
    /// `target:`: the kind and name it applies to (`None`: the patch's own kind and name).
    pub target: Option<Target>,
}

/// A patch's `target`.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Target {
    /// `kind`.
    pub kind: Option<String>,
    /// `name` (kustomize reads it as a regular expression; `lint` compares it as text,
    /// with `.*` matching any name).
    pub name: Option<String>,
}

impl Target {
    /// Whether the target covers an object of `kind` named one of `names`.
    pub fn covers(&self, kind: &str, names: &[&str]) -> bool {
        self.kind.as_deref().is_none_or(|k| k == kind)
            && self
                .name
                .as_deref()
                .is_none_or(|n| n == ".*" || n == "*" || names.contains(&n))
    }
}

/// The kustomization file in `dir`, if there is one.
pub fn file_in(dir: &Path) -> Option<PathBuf> {
    KUSTOMIZATION_FILES
        .iter()
        .map(|f| dir.join(f))
        .find(|f| f.is_file())
}

fn is_remote(entry: &str) -> bool {
    entry.contains("://") || entry.starts_with("github.com/") || entry.starts_with("git@")
}

/// Whether a kustomization only gathers YAML files and directories beneath `dir`
/// (`kind_of`: what a path is, if anything).
fn is_plain(dir: &Path, value: &Value, kind_of: impl Fn(&Path) -> Option<fs::FileType>) -> bool {
    let Some(map) = value.as_object() else {
        return false;
    };
    let only_resources = map
        .keys()
        .all(|k| matches!(k.as_str(), "apiVersion" | "kind" | "metadata" | "resources"));
    let kind = value.get("kind").and_then(Value::as_str);
    let entries = match value.get("resources") {
        None => Vec::new(),
        Some(Value::Array(items)) if items.iter().all(Value::is_string) => {
            strings(Some(&value["resources"]))
        }
        Some(_) => return false,
    };
    let beneath = |e: &str| {
        let rel = Path::new(e);
        !e.is_empty()
            && !is_remote(e)
            && rel.is_relative()
            && rel.components().all(|c| {
                matches!(
                    c,
                    std::path::Component::Normal(_) | std::path::Component::CurDir
                )
            })
    };
    only_resources
        && matches!(kind, None | Some("Kustomization"))
        && entries.iter().all(|e| {
            beneath(e)
                && kind_of(&dir.join(e)).is_some_and(|m| {
                    m.is_dir() || (m.is_file() && (e.ends_with(".yaml") || e.ends_with(".yml")))
                })
        })
}

fn strings(v: Option<&Value>) -> Vec<&str> {
    match v {
        Some(Value::Array(items)) => items.iter().filter_map(Value::as_str).collect(),
        Some(Value::String(s)) => vec![s.as_str()],
        _ => Vec::new(),
    }
}

/// `file` for a `KEY=path` entry of a generator's `files` (`name=path` renames the key).
fn generator_file(entry: &str) -> &str {
    entry.split_once('=').map_or(entry, |(_, p)| p)
}

/// The line of the `n`-th (0-based) `patch:` key in `text`, 1-based.
fn inline_line(text: &str, n: usize) -> u64 {
    text.lines()
        .enumerate()
        .filter(|(_, l)| {
            let t = l.trim_start().trim_start_matches("- ").trim_start();
            t.starts_with("patch:")
        })
        .nth(n)
        .map_or(1, |(i, _)| i as u64 + 1)
}

/// Reads the kustomization of `dir`: `None` when there is none, `Err` (the file and one
/// line) when it cannot be read as YAML.
pub fn read(dir: &Path) -> Option<Result<Kustomization, (PathBuf, String)>> {
    let file = file_in(dir)?;
    let text = match fs::read_to_string(&file) {
        Ok(t) => t,
        Err(e) => return Some(Err((file, format!("cannot read: {e}")))),
    };
    let value: Value = match dsl::yaml::from_str(&text) {
        Ok(v) => v,
        Err(e) => return Some(Err((file, format!("not YAML: {e}")))),
    };
    Some(Ok(parse(dir, file, &text, &value)))
}

fn parse(dir: &Path, file: PathBuf, text: &str, value: &Value) -> Kustomization {
    let mut k = Kustomization {
        component: value.get("kind").and_then(Value::as_str) == Some("Component"),
        ..Kustomization::default()
    };
    // What each path is, asked once (a resource is looked at here and by `is_plain`).
    let kinds = std::cell::RefCell::new(std::collections::HashMap::new());
    let kind_of = |p: &Path| -> Option<fs::FileType> {
        *kinds
            .borrow_mut()
            .entry(p.to_owned())
            .or_insert_with(|| fs::metadata(p).ok().map(|m| m.file_type()))
    };
    let local = |entry: &str, k: &mut Kustomization| {
        if is_remote(entry) || entry.is_empty() {
            return;
        }
        let path = dir.join(entry);
        if kind_of(&path).is_some_and(|t| t.is_dir()) {
            k.dirs.push(path);
        } else {
            k.files.push(path);
        }
    };
    for key in ["resources", "bases", "components"] {
        for entry in strings(value.get(key)) {
            local(entry, &mut k);
        }
    }
    for key in ["generators", "transformers", "validators"] {
        // Entries are file or directory paths, or inline configurations (not strings
        // without a newline).
        for entry in strings(value.get(key))
            .into_iter()
            .filter(|e| !e.contains('\n'))
        {
            local(entry, &mut k);
        }
    }
    for key in ["crds", "configurations"] {
        for entry in strings(value.get(key)) {
            local(entry, &mut k);
        }
    }
    for key in ["configMapGenerator", "secretGenerator"] {
        for generator in value
            .get(key)
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
        {
            for f in strings(generator.get("files")) {
                local(generator_file(f), &mut k);
            }
            for f in strings(generator.get("envs"))
                .into_iter()
                .chain(strings(generator.get("env")))
            {
                local(f, &mut k);
            }
        }
    }
    for r in value
        .get("replacements")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
    {
        if let Some(p) = r.get("path").and_then(Value::as_str) {
            local(p, &mut k);
        }
    }
    if let Some(p) = value.pointer("/openapi/path").and_then(Value::as_str) {
        local(p, &mut k);
    }
    if let Some(charts) = value.get("helmCharts").and_then(Value::as_array) {
        for chart in charts {
            for f in strings(chart.get("valuesFile"))
                .into_iter()
                .chain(strings(chart.get("additionalValuesFiles")))
            {
                local(f, &mut k);
            }
        }
        let home = value
            .pointer("/helmGlobals/chartHome")
            .and_then(Value::as_str)
            .unwrap_or("charts");
        k.chart_home = Some(dir.join(home));
    }
    let target = |t: Option<&Value>| {
        t.map(|t| Target {
            kind: t.get("kind").and_then(Value::as_str).map(str::to_owned),
            name: t.get("name").and_then(Value::as_str).map(str::to_owned),
        })
    };
    let mut inline = 0;
    let mut patch = |p: &Value, k: &mut Kustomization| {
        if let Some(path) = p.get("path").and_then(Value::as_str) {
            let f = dir.join(path);
            k.files.push(f.clone());
            k.patches.push(Patch {
                file: f,
                inline: None,
                target: target(p.get("target")),
            });
        } else if let Some(text_of_patch) = p.get("patch").and_then(Value::as_str) {
            k.patches.push(Patch {
                file: file.clone(),
                inline: Some((text_of_patch.to_owned(), inline_line(text, inline))),
                target: target(p.get("target")),
            });
            inline += 1;
        }
    };
    for key in ["patches", "patchesJson6902"] {
        for p in value
            .get(key)
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
        {
            patch(p, &mut k);
        }
    }
    for p in value
        .get("patchesStrategicMerge")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
    {
        match p.as_str() {
            Some(s) if !s.contains('\n') => {
                let f = dir.join(s);
                k.files.push(f.clone());
                k.patches.push(Patch {
                    file: f,
                    inline: None,
                    target: None,
                });
            }
            _ => {}
        }
    }
    k.plain = is_plain(dir, value, kind_of);
    k.file = file;
    k
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn references_patches_and_generator_files_are_read() {
        let text = "resources:\n- ../../base\n- extra.yaml\n- https://example.com/x.yaml\n\
                    components:\n- ../../components/np\n\
                    configMapGenerator:\n- name: c\n  files:\n  - key=conf/a.conf\n  envs: [e.env]\n\
                    patches:\n- path: replicas.yaml\n  target: {kind: Deployment, name: web}\n\
                    - patch: |-\n    - op: add\n      path: /spec/replicas\n      value: 3\n\
                    patchesStrategicMerge:\n- smp.yaml\n";
        let value: Value = dsl::yaml::from_str(text).unwrap();
        let dir = Path::new("/nonexistent/overlay");
        let k = parse(dir, dir.join("kustomization.yaml"), text, &value);
        let names: Vec<String> = k.files.iter().map(|f| f.display().to_string()).collect();
        assert_eq!(
            names,
            [
                "/nonexistent/overlay/../../base",
                "/nonexistent/overlay/extra.yaml",
                "/nonexistent/overlay/../../components/np",
                "/nonexistent/overlay/conf/a.conf",
                "/nonexistent/overlay/e.env",
                "/nonexistent/overlay/replicas.yaml",
                "/nonexistent/overlay/smp.yaml",
            ]
        );
        assert_eq!(k.patches.len(), 3);
        let t = k.patches[0].target.as_ref().unwrap();
        assert!(t.covers("Deployment", &["web"]) && !t.covers("Deployment", &["api"]));
        assert_eq!(k.patches[1].inline.as_ref().map(|(_, l)| *l), Some(15));
        assert!(k.patches[2].target.is_none());
    }

    #[test]
    fn entries_that_yaml_1_1_takes_for_booleans_or_numbers_stay_paths() {
        // kustomize reads these fields as strings: so does kairn (YAML 1.2 core schema).
        let text = "resources:\n- on\n- 0755\n- 1_000\n";
        let value: Value = dsl::yaml::from_str(text).unwrap();
        let dir = Path::new("/nonexistent/k");
        let k = parse(dir, dir.join("kustomization.yaml"), text, &value);
        let names: Vec<String> = k.files.iter().map(|f| f.display().to_string()).collect();
        assert_eq!(
            names,
            [
                "/nonexistent/k/on",
                "/nonexistent/k/0755",
                "/nonexistent/k/1_000"
            ]
        );
    }

    #[test]
    fn a_kustomization_that_is_not_yaml_is_an_error_with_its_line() {
        let dir = std::env::temp_dir().join(format!("kairn-kustomization-{}", std::process::id()));
        fs::create_dir_all(&dir).unwrap();
        for (text, at) in [
            (
                "resources:\n- a.yaml\nresources:\n- b.yaml\n",
                "at line 3, column 1",
            ),
            ("resources: [a.yaml\n", "at line 1, column 12"),
        ] {
            fs::write(dir.join("kustomization.yaml"), text).unwrap();
            let Some(Err((file, message))) = read(&dir) else {
                panic!("{text:?} was read");
            };
            assert_eq!(file, dir.join("kustomization.yaml"));
            assert!(
                message.starts_with("not YAML: ")
                    && message.ends_with(at)
                    && !message.contains('\n'),
                "{text:?}: {message}"
            );
        }
        fs::remove_dir_all(&dir).unwrap();
    }
}
