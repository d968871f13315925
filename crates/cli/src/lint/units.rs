//! Finding what `lint DIR` renders: Helm charts (a directory with `Chart.yaml`) and
//! kustomizations (a directory with `kustomization.yaml`), and the files they take in,
//! which are not linted as plain YAML.
//!
//! A chart is linted once per values file: `--values FILE` when given (each, for every
//! chart), else the values files found by convention — `ci/*-values.yaml` (chart-testing),
//! `values-*.yaml` and `values.*.yaml` beside `Chart.yaml`, and the same names in the
//! directory above the chart when that directory holds no other chart — else once with
//! the chart's defaults. A kustomization is linted as its own unit unless another
//! kustomization in the tree builds on it (a base, a component): then it is linted
//! through those.

use std::collections::{BTreeMap, BTreeSet, HashSet};
use std::fs;
use std::path::{Path, PathBuf};

use dsl::validate::LoadError;

use super::kustomization::{self, Kustomization};

/// One set `lint` renders and lints on its own.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Unit {
    /// `helm template` of a chart with one values file (or its defaults).
    Chart {
        /// The chart directory.
        dir: PathBuf,
        /// The values file, if any.
        values: Option<PathBuf>,
    },
    /// `kubectl kustomize` of a kustomization directory.
    Kustomize {
        /// The kustomization directory.
        dir: PathBuf,
    },
}

impl Unit {
    /// How findings name the unit: `charts/web (values-prod.yaml)` (a values file inside
    /// the chart, from the chart; one elsewhere, as given), `charts/web (chart defaults)`,
    /// `deploy/overlays/prod`.
    pub fn label(&self) -> String {
        match self {
            Unit::Chart { dir, values } => {
                let values = match values {
                    Some(v) => match v.strip_prefix(dir) {
                        Ok(inside) => inside.display().to_string(),
                        Err(_) => v.display().to_string(),
                    },
                    None => "chart defaults".to_owned(),
                };
                format!("{} ({values})", dir.display())
            }
            Unit::Kustomize { dir } => dir.display().to_string(),
        }
    }

    /// The file that makes the directory a unit: `Chart.yaml` or the kustomization file
    /// (what a config's `exclude` is matched against).
    pub fn key_file(&self) -> PathBuf {
        match self {
            Unit::Chart { dir, .. } => dir.join("Chart.yaml"),
            Unit::Kustomize { dir } => {
                kustomization::file_in(dir).unwrap_or_else(|| dir.join("kustomization.yaml"))
            }
        }
    }

    /// The directory rendered.
    pub fn dir(&self) -> &Path {
        match self {
            Unit::Chart { dir, .. } | Unit::Kustomize { dir } => dir,
        }
    }
}

/// What the paths hold besides plain YAML.
#[derive(Debug, Default)]
pub struct Discovery {
    /// The units, charts first, each in path order.
    pub units: Vec<Unit>,
    /// Every kustomization found, by canonical directory.
    pub kustomizations: BTreeMap<PathBuf, Kustomization>,
    /// Files not to lint as plain YAML (canonical paths): chart files, values files,
    /// kustomization files and every file a kustomization reads.
    pub taken: HashSet<PathBuf>,
    /// Chart directories (canonical): everything under them is helm's.
    pub chart_dirs: Vec<PathBuf>,
    /// Kustomizations linted through others: (directory, the units that build on it).
    pub through: Vec<(PathBuf, Vec<PathBuf>)>,
    /// Kustomization files that cannot be read.
    pub errors: Vec<LoadError>,
}

/// The canonical path of `p` (`p` itself when it cannot be resolved).
fn canonical(p: &Path) -> PathBuf {
    super::paths::real(p).unwrap_or_else(|| p.to_path_buf())
}

fn is_chart_dir(dir: &Path) -> bool {
    dir.join("Chart.yaml").is_file()
}

/// Whether a file name is a values file by convention (`values.yaml` itself is the
/// chart's defaults).
fn is_values_name(name: &str) -> bool {
    let yaml = name.ends_with(".yaml") || name.ends_with(".yml");
    yaml && (name.starts_with("values-")
        || (name.starts_with("values.") && name != "values.yaml" && name != "values.yml"))
}

fn file_name(p: &Path) -> String {
    p.file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default()
}

/// The regular files (or links to them) among `entries` whose name `keep` accepts.
fn values_files(
    entries: Vec<(PathBuf, Option<fs::FileType>)>,
    keep: impl Fn(&str) -> bool,
) -> Vec<PathBuf> {
    entries
        .into_iter()
        .filter(|(p, kind)| kind.is_some_and(|k| k.is_file()) && keep(&file_name(p)))
        .map(|(p, _)| p)
        .collect()
}

/// The values files of `chart` by convention (see the module documentation).
fn conventional_values(chart: &Path) -> Vec<PathBuf> {
    let mut out = values_files(typed_entries(&chart.join("ci")), |n| {
        n.ends_with("-values.yaml")
    });
    out.extend(values_files(typed_entries(chart), is_values_name));
    if let Some(parent) = chart.parent().filter(|p| !p.as_os_str().is_empty()) {
        let entries = typed_entries(parent);
        let charts = entries
            .iter()
            .filter(|(p, kind)| kind.is_some_and(|k| k.is_dir()) && is_chart_dir(p))
            .count();
        if charts == 1 && !is_chart_dir(parent) && kustomization::file_in(parent).is_none() {
            out.extend(values_files(entries, is_values_name));
        }
    }
    out
}

/// A directory's entries in name order, each with its type (what a symbolic link points
/// to; `None` when it cannot be followed): the directory is listed once and only links are
/// `stat`ed.
fn typed_entries(dir: &Path) -> Vec<(PathBuf, Option<fs::FileType>)> {
    let mut out: Vec<(PathBuf, Option<fs::FileType>)> = fs::read_dir(dir)
        .into_iter()
        .flatten()
        .filter_map(Result::ok)
        .map(|e| {
            let path = e.path();
            let kind = match e.file_type() {
                Ok(t) if !t.is_symlink() => Some(t),
                _ => fs::metadata(&path).ok().map(|m| m.file_type()),
            };
            (path, kind)
        })
        .collect();
    out.sort_by(|a, b| a.0.cmp(&b.0));
    out
}

/// Whether `entries` may hold a file named one of `names`: an entry whose name is one of
/// them ignoring ASCII case, confirmed by `holds` (a file system may ignore case).
fn has_one_of(
    entries: &[(PathBuf, Option<fs::FileType>)],
    names: &[&str],
    holds: impl FnOnce() -> bool,
) -> bool {
    let named = entries.iter().any(|(p, kind)| {
        kind.is_some_and(|k| k.is_file())
            && p.file_name()
                .and_then(|n| n.to_str())
                .is_some_and(|n| names.iter().any(|x| n.eq_ignore_ascii_case(x)))
    });
    named && holds()
}

/// The chart and kustomization directories under `paths` (directories only; hidden
/// directories and a chart's insides are not searched).
fn find_dirs(paths: &[PathBuf]) -> (Vec<PathBuf>, Vec<PathBuf>) {
    let mut charts = Vec::new();
    let mut kustomizations = Vec::new();
    let mut seen = BTreeSet::new();
    let mut stack: Vec<PathBuf> = paths.iter().rev().filter(|p| p.is_dir()).cloned().collect();
    while let Some(dir) = stack.pop() {
        if !seen.insert(canonical(&dir)) {
            continue;
        }
        let entries = typed_entries(&dir);
        if has_one_of(&entries, &["Chart.yaml"], || is_chart_dir(&dir)) {
            charts.push(dir);
            continue;
        }
        if has_one_of(&entries, kustomization::KUSTOMIZATION_FILES, || {
            kustomization::file_in(&dir).is_some()
        }) {
            kustomizations.push(dir.clone());
        }
        let subdirs = entries.into_iter().filter_map(|(p, kind)| {
            (kind.is_some_and(|k| k.is_dir()) && !file_name(&p).starts_with('.')).then_some(p)
        });
        stack.extend(subdirs.collect::<Vec<_>>().into_iter().rev());
    }
    (charts, kustomizations)
}

/// Finds the units under `paths`; `values` is `--values` (every chart once per file).
pub fn discover(paths: &[PathBuf], values: &[PathBuf]) -> Discovery {
    let mut out = Discovery::default();
    let (charts, kdirs) = find_dirs(paths);
    // The kustomizations first: the charts their `helmCharts` render are theirs.
    let mut referenced: BTreeMap<PathBuf, Vec<PathBuf>> = BTreeMap::new();
    let mut order = Vec::new();
    let mut chart_homes = Vec::new();
    for dir in &kdirs {
        match kustomization::read(dir) {
            Some(Ok(k)) => {
                let key = canonical(dir);
                out.taken.insert(canonical(&k.file));
                for f in &k.files {
                    out.taken.insert(canonical(f));
                }
                for d in &k.dirs {
                    referenced
                        .entry(canonical(d))
                        .or_default()
                        .push(dir.clone());
                }
                if let Some(home) = &k.chart_home {
                    chart_homes.push(canonical(home));
                }
                order.push((key.clone(), dir.clone(), k.component));
                out.kustomizations.insert(key, k);
            }
            Some(Err((file, message))) => out.errors.push(LoadError {
                file: file.display().to_string(),
                line: None,
                message,
            }),
            None => {}
        }
    }
    for dir in &charts {
        out.chart_dirs.push(canonical(dir));
        if chart_homes.iter().any(|h| canonical(dir).starts_with(h)) {
            continue;
        }
        let files = if values.is_empty() {
            conventional_values(dir)
        } else {
            values.to_vec()
        };
        if files.is_empty() {
            out.units.push(Unit::Chart {
                dir: dir.clone(),
                values: None,
            });
        }
        for v in files {
            out.taken.insert(canonical(&v));
            out.units.push(Unit::Chart {
                dir: dir.clone(),
                values: Some(v),
            });
        }
    }
    // Trees of plain kustomizations (only `resources:` beneath them) are read in place,
    // as plain YAML: what kustomize would build is their files as written.
    let native = native_trees(&out.kustomizations, &referenced);
    if !native.is_empty() {
        out.taken = out
            .kustomizations
            .iter()
            .filter(|(key, _)| !native.contains(*key))
            .flat_map(|(_, k)| std::iter::once(&k.file).chain(&k.files))
            .map(|f| canonical(f))
            .collect();
        for v in out.units.iter().filter_map(|u| match u {
            Unit::Chart {
                values: Some(v), ..
            } => Some(v.clone()),
            _ => None,
        }) {
            out.taken.insert(canonical(&v));
        }
    }
    for (key, dir, component) in order {
        if native.contains(&key) {
            continue;
        }
        match referenced.get(&key) {
            Some(by) => out.through.push((dir, by.clone())),
            None if component => out.through.push((dir, Vec::new())),
            None => out.units.push(Unit::Kustomize { dir }),
        }
    }
    out
}

/// The kustomizations (canonical directories) read in place: every kustomization reached
/// from a top-level plain one, when all it reaches is plain and nothing else builds on it.
fn native_trees(
    all: &BTreeMap<PathBuf, Kustomization>,
    referenced: &BTreeMap<PathBuf, Vec<PathBuf>>,
) -> BTreeSet<PathBuf> {
    let mut native = BTreeSet::new();
    for (key, k) in all {
        if !k.plain || referenced.contains_key(key) {
            continue;
        }
        // Everything this top-level kustomization reaches.
        let mut reached = BTreeSet::new();
        let mut stack = vec![key.clone()];
        let mut plain = true;
        while let Some(d) = stack.pop() {
            if !reached.insert(d.clone()) {
                continue;
            }
            match all.get(&d) {
                Some(k) if k.plain => stack.extend(k.dirs.iter().map(|x| canonical(x))),
                _ => {
                    plain = false;
                    break;
                }
            }
        }
        // A kustomization reached here that a rendered unit also builds on stays rendered.
        let shared = reached.iter().any(|d| {
            referenced
                .get(d)
                .is_some_and(|by| by.iter().any(|b| !reached.contains(&canonical(b))))
        });
        if plain && !shared {
            native.extend(reached);
        }
    }
    native
}

/// Whether the plain YAML file `file` belongs to a unit (and is not linted on its own).
pub fn is_taken(d: &Discovery, file: &Path) -> bool {
    let real = canonical(file);
    d.taken.contains(&real) || d.chart_dirs.iter().any(|c| real.starts_with(c))
}

/// The kustomizations a unit builds, each once, in the order kustomize applies their
/// patches: what a kustomization builds on before itself.
pub fn kustomizations_of<'a>(d: &'a Discovery, dir: &Path) -> Vec<&'a Kustomization> {
    fn visit<'a>(
        d: &'a Discovery,
        dir: &Path,
        seen: &mut BTreeSet<PathBuf>,
        out: &mut Vec<&'a Kustomization>,
    ) {
        let key = canonical(dir);
        if !seen.insert(key.clone()) {
            return;
        }
        let Some(k) = d.kustomizations.get(&key) else {
            // Outside the linted tree: read it here.
            return;
        };
        for sub in &k.dirs {
            visit(d, sub, seen, out);
        }
        out.push(k);
    }
    let mut out = Vec::new();
    visit(d, dir, &mut BTreeSet::new(), &mut out);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn write(root: &Path, file: &str, text: &str) {
        let path = root.join(file);
        fs::create_dir_all(path.parent().unwrap()).unwrap();
        fs::write(path, text).unwrap();
    }

    /// kairn's own output: a kustomization per environment gathering one per phase, each
    /// listing files. Nothing to render: the files are linted in place. A plain tree one
    /// of whose kustomizations is not plain (a namespace) is rendered.
    #[test]
    fn trees_of_plain_kustomizations_are_read_in_place() {
        let root = std::env::temp_dir().join(format!("kairn-lint-native-{}", std::process::id()));
        let _ = fs::remove_dir_all(&root);
        let k = "apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\n";
        write(
            &root,
            "app/prod/kustomization.yaml",
            &format!("{k}resources:\n- phases/1\n- phases/2\n"),
        );
        write(
            &root,
            "app/prod/phases/1/kustomization.yaml",
            &format!("{k}resources: [ns.yaml]\n"),
        );
        write(&root, "app/prod/phases/1/ns.yaml", "kind: Namespace\n");
        write(
            &root,
            "app/prod/phases/2/kustomization.yaml",
            &format!("{k}resources: [d.yaml]\n"),
        );
        write(&root, "app/prod/phases/2/d.yaml", "kind: Deployment\n");
        write(
            &root,
            "other/kustomization.yaml",
            "resources: [sub, ../outside.yaml]\n",
        );
        write(
            &root,
            "other/sub/kustomization.yaml",
            "namespace: x\nresources: [c.yaml]\n",
        );
        write(&root, "other/sub/c.yaml", "kind: ConfigMap\n");
        let found = discover(std::slice::from_ref(&root), &[]);
        let labels: Vec<String> = found
            .units
            .iter()
            .map(|u| u.label().replace(&format!("{}/", root.display()), ""))
            .collect();
        assert_eq!(labels, ["other"]);
        for plain in [
            "app/prod/kustomization.yaml",
            "app/prod/phases/1/ns.yaml",
            "app/prod/phases/2/d.yaml",
        ] {
            assert!(!is_taken(&found, &root.join(plain)), "{plain}");
        }
        assert!(is_taken(&found, &root.join("other/sub/c.yaml")));
        let _ = fs::remove_dir_all(&root);
    }

    #[test]
    fn charts_overlays_bases_components_and_the_files_they_take_are_found() {
        let root = std::env::temp_dir().join(format!("kairn-lint-units-{}", std::process::id()));
        let _ = fs::remove_dir_all(&root);
        let chart = "apiVersion: v2\nname: web\nversion: 0.1.0\n";
        // A chart with chart-testing values and a values file beside it; one with none;
        // and one whose directory above holds two charts (its values files there are not
        // taken).
        write(&root, "charts/web/Chart.yaml", chart);
        write(&root, "charts/web/ci/small-values.yaml", "a: 1\n");
        write(&root, "charts/web/values.yaml", "a: 0\n");
        write(&root, "charts/web/values-prod.yaml", "a: 2\n");
        write(&root, "charts/web/templates/d.yaml", "kind: Deployment\n");
        write(&root, "charts/api/Chart.yaml", chart);
        write(&root, "charts/values-shared.yaml", "a: 3\n");
        write(&root, "k/base/kustomization.yaml", "resources: [d.yaml]\n");
        write(&root, "k/base/d.yaml", "kind: Deployment\n");
        write(
            &root,
            "k/comp/kustomization.yaml",
            "kind: Component\npatches:\n- path: p.yaml\n",
        );
        write(&root, "k/comp/p.yaml", "kind: Deployment\n");
        write(
            &root,
            "k/prod/kustomization.yaml",
            "resources: [../base]\ncomponents: [../comp]\npatchesStrategicMerge: [r.yaml]\n",
        );
        write(&root, "k/prod/r.yaml", "kind: Deployment\n");
        write(&root, "k/prod/stray.yaml", "kind: ConfigMap\n");
        write(&root, "plain/cm.yaml", "kind: ConfigMap\n");
        // kustomize renders the charts of `helmCharts` itself, from `charts/`.
        write(
            &root,
            "k/helm/kustomization.yaml",
            "helmCharts:\n- name: redis\n  valuesFile: redis-values.yaml\n",
        );
        write(&root, "k/helm/redis-values.yaml", "a: 1\n");
        write(&root, "k/helm/charts/redis/Chart.yaml", chart);
        write(&root, "k/helm/charts/redis/values-ha.yaml", "a: 1\n");
        let found = discover(std::slice::from_ref(&root), &[]);
        let labels: Vec<String> = found
            .units
            .iter()
            .map(|u| u.label().replace(&format!("{}/", root.display()), ""))
            .collect();
        assert_eq!(
            labels,
            [
                "charts/api (chart defaults)",
                "charts/web (ci/small-values.yaml)",
                "charts/web (values-prod.yaml)",
                "k/helm",
                "k/prod"
            ]
        );
        let through: Vec<(String, usize)> = found
            .through
            .iter()
            .map(|(d, by)| (file_name(d), by.len()))
            .collect();
        assert_eq!(through, [("base".to_owned(), 1), ("comp".to_owned(), 1)]);
        for taken in [
            "charts/web/templates/d.yaml",
            "charts/web/values-prod.yaml",
            "k/base/d.yaml",
            "k/base/kustomization.yaml",
            "k/comp/p.yaml",
            "k/prod/r.yaml",
            "k/helm/redis-values.yaml",
            "k/helm/charts/redis/values-ha.yaml",
        ] {
            assert!(is_taken(&found, &root.join(taken)), "{taken}");
        }
        for plain in [
            "charts/values-shared.yaml",
            "k/prod/stray.yaml",
            "plain/cm.yaml",
        ] {
            assert!(!is_taken(&found, &root.join(plain)), "{plain}");
        }
        let patches: Vec<String> = kustomizations_of(&found, &root.join("k/prod"))
            .iter()
            .flat_map(|k| &k.patches)
            .map(|p| file_name(&p.file))
            .collect();
        assert_eq!(patches, ["p.yaml", "r.yaml"]);
        let _ = fs::remove_dir_all(&root);
    }

    #[test]
    fn values_names_follow_the_conventions() {
        assert!(is_values_name("values-prod.yaml"));
        assert!(is_values_name("values.staging.yml"));
        assert!(!is_values_name("values.yaml"));
        assert!(!is_values_name("values.schema.json"));
        assert!(!is_values_name("prod-values.txt"));
    }
}
