//! What writing a set of environments would change in an output tree, computed without
//! changing anything. `emit` carries a plan out ([`super::commit`]); `check` reports it
//! as drift, so the two always agree on what is out of date.

use std::collections::{BTreeMap, BTreeSet};
use std::ffi::OsString;
use std::fmt;
use std::fs;
use std::io;
use std::path::{Path, PathBuf};

use super::ownership::{Ownership, OWNERSHIP_FILE};
use super::{io_err, EnvOutput, TreeError};
use crate::parallel;

/// One directory kairn writes in full: its files (relative paths, `/`-separated, the
/// ownership record included) are switched into place together.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Unit<'a> {
    /// The directory.
    pub dir: PathBuf,
    /// Relative path to content.
    pub files: BTreeMap<&'a str, &'a [u8]>,
    /// Whether every entry of the directory must be kairn's (a package directory): an
    /// entry it did not write is then a conflict (kept, with `--force`), not just kept.
    pub exclusive: bool,
    /// Whether the caller vouches that the directory holds exactly these files as kairn
    /// last wrote them (`emit`'s cache checked the size and modification time of every
    /// entry since): it is planned as current without being read, and `files` holds the
    /// names only (empty contents).
    pub vouched: bool,
}

impl<'a> Unit<'a> {
    /// A unit of `files` (which must include the ownership record) at `dir`.
    pub fn new<C: AsRef<[u8]>>(dir: PathBuf, files: &'a BTreeMap<String, C>) -> Self {
        Unit {
            dir,
            files: files
                .iter()
                .map(|(k, v)| (k.as_str(), v.as_ref()))
                .collect(),
            exclusive: false,
            vouched: false,
        }
    }

    /// A directory the caller vouches holds exactly the files `names` as kairn last
    /// wrote them (see the field [`vouched`](Self#structfield.vouched)): planned as
    /// current, never read or written.
    pub fn known_current(dir: PathBuf, names: &'a [String]) -> Self {
        Unit {
            dir,
            files: names.iter().map(|n| (n.as_str(), &[][..])).collect(),
            exclusive: false,
            vouched: true,
        }
    }

    /// Whether `rel` is a directory some output file lives in.
    fn holds_dir(&self, rel: &str) -> bool {
        let prefix = format!("{rel}/");
        self.files
            .range(prefix.as_str()..)
            .next()
            .is_some_and(|(k, _)| k.starts_with(&prefix))
    }
}

/// Suffix of the staging directories an interrupted `emit` can leave in an app directory.
pub(crate) const STAGE_MARK: &str = ".kairn-stage-";
/// Suffix of the temporary files written by kairn versions before the ownership record.
const LEGACY_TEMP_SUFFIX: &str = ".kairn-tmp";

/// Which environment directories that are no longer declared an emit removes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Prune {
    /// Any app's (the whole declaration set was emitted).
    AllApps,
    /// Only these apps' (the selection named apps but every one of their environments).
    Apps(BTreeSet<String>),
    /// None (the selection named an environment).
    Nothing,
}

impl Prune {
    fn covers(&self, app: &str) -> bool {
        match self {
            Prune::AllApps => true,
            Prune::Apps(apps) => apps.contains(app),
            Prune::Nothing => false,
        }
    }
}

/// Why a path blocks an emit.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ConflictKind {
    /// A file emit would overwrite that kairn's ownership record does not list.
    NotWrittenByKairn,
    /// A file kairn wrote whose content changed since (edited by hand).
    EditedSinceEmit,
    /// The ownership record cannot be read.
    MalformedOwnership(String),
    /// An entry kairn did not write in a directory it writes in full.
    Foreign,
    /// A directory or special file where kairn would write a file.
    NotAFile,
    /// A file where kairn needs a directory.
    NotADirectory,
}

/// A path emit will not overwrite or remove on its own.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Conflict {
    /// The path.
    pub path: PathBuf,
    /// Why.
    pub kind: ConflictKind,
}

impl Conflict {
    /// Whether `--force` lets emit overwrite or remove it.
    pub fn forceable(&self) -> bool {
        matches!(
            self.kind,
            ConflictKind::NotWrittenByKairn
                | ConflictKind::EditedSinceEmit
                | ConflictKind::MalformedOwnership(_)
                | ConflictKind::Foreign
        )
    }
}

impl fmt::Display for Conflict {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let p = self.path.display();
        match &self.kind {
            ConflictKind::NotWrittenByKairn => write!(
                f,
                "{p} was not written by kairn (it is not in {OWNERSHIP_FILE}) and emit would overwrite it; move it out of the output tree, or pass --force to overwrite it"
            ),
            ConflictKind::EditedSinceEmit => write!(
                f,
                "{p} was written by kairn but edited since (its SHA-256 differs from {OWNERSHIP_FILE}); change the Rust declaration instead and restore the file (e.g. `git checkout -- {p}`), or pass --force to discard the edit"
            ),
            ConflictKind::MalformedOwnership(why) => write!(
                f,
                "{p} cannot be read ({why}); restore it (e.g. `git checkout -- {p}`), or pass --force to treat no file of this directory as kairn's"
            ),
            ConflictKind::Foreign => write!(
                f,
                "{p} is in a directory kairn writes in full, but kairn did not write it; move it away, or pass --force to write around it (it is kept)"
            ),
            ConflictKind::NotAFile => write!(
                f,
                "{p} is a directory or special file where kairn writes a file; move it away (--force never removes directories)"
            ),
            ConflictKind::NotADirectory => write!(
                f,
                "{p} is a file where kairn needs a directory; move it away or choose another --out"
            ),
        }
    }
}

/// What emit does in one declared environment directory.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct EnvPlan {
    /// The environment directory.
    pub dir: PathBuf,
    /// Index of its [`Unit`] in the slice given to [`plan_units`].
    pub output: usize,
    /// Whether the directory exists now.
    pub exists: bool,
    /// Ancestors this emit creates, deepest first (a failed emit removes them again).
    pub created_parents: Vec<PathBuf>,
    /// Files to create or rewrite (relative paths).
    pub write: Vec<String>,
    /// Files whose bytes are already right.
    pub unchanged: Vec<String>,
    /// Files kairn wrote earlier that are no longer part of the output.
    pub remove: Vec<String>,
    /// Entries that are not kairn's (relative paths): they stay, untouched.
    pub keep: Vec<PathBuf>,
    /// Names that only `--force` lets emit overwrite or remove.
    pub forced: Vec<String>,
}

impl EnvPlan {
    /// Whether the directory is already exactly right.
    pub fn is_current(&self) -> bool {
        self.exists && self.write.is_empty() && self.remove.is_empty()
    }
}

/// An environment directory kairn wrote whose environment is no longer declared.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct RetiredEnv {
    /// The directory.
    pub dir: PathBuf,
    /// kairn's files in it (all removed, with the ownership record).
    pub remove: Vec<String>,
    /// Entries that are not kairn's (relative paths): they stay.
    pub keep: Vec<PathBuf>,
    /// Names that only `--force` lets emit remove.
    pub forced: Vec<String>,
}

/// Everything an emit would change under one output root.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Plan {
    /// The output root.
    pub root: PathBuf,
    /// One entry per declared environment, in the order of the outputs.
    pub envs: Vec<EnvPlan>,
    /// Environment directories to remove.
    pub retired: Vec<RetiredEnv>,
    /// Staging directories and temporary files left by an interrupted emit.
    pub leftovers: Vec<PathBuf>,
    /// Paths emit will not touch without `--force` (or at all).
    pub conflicts: Vec<Conflict>,
}

impl Plan {
    /// Whether carrying the plan out would change nothing.
    pub fn is_current(&self) -> bool {
        self.envs.iter().all(EnvPlan::is_current)
            && self.retired.is_empty()
            && self.leftovers.is_empty()
    }

    /// Conflicts that stop an emit: all of them, or with `force` those it cannot override.
    pub fn blocking(&self, force: bool) -> Vec<&Conflict> {
        self.conflicts
            .iter()
            .filter(|c| !force || !c.forceable())
            .collect()
    }
}

/// Entry names of a directory with their types (not following symlinks), sorted.
pub(crate) fn entries(dir: &Path) -> Result<Vec<(OsString, fs::FileType)>, TreeError> {
    let mut out = Vec::new();
    for entry in fs::read_dir(dir).map_err(io_err("read directory", dir))? {
        let entry = entry.map_err(io_err("read directory", dir))?;
        let kind = entry
            .file_type()
            .map_err(io_err("read the type of", &entry.path()))?;
        out.push((entry.file_name(), kind));
    }
    out.sort_by(|a, b| a.0.cmp(&b.0));
    Ok(out)
}

/// The ownership record of a directory: empty when absent, an error when unreadable.
pub(crate) fn read_ownership(dir: &Path) -> Result<Result<Ownership, String>, TreeError> {
    let path = dir.join(OWNERSHIP_FILE);
    match fs::read_to_string(&path) {
        Ok(text) => Ok(Ownership::parse(&text).map_err(|e| e.to_string())),
        Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(Ok(Ownership::default())),
        Err(e) if e.kind() == io::ErrorKind::InvalidData => Ok(Err("not UTF-8".to_owned())),
        Err(e) => Err(io_err("read", &path)(e)),
    }
}

/// Whether `name` is a staging directory of an interrupted emit.
pub(crate) fn is_stage_name(name: &str) -> bool {
    name.starts_with('.') && name.contains(STAGE_MARK)
}

/// Whether `name` is a staging directory of an interrupted emit of directory `unit`.
fn is_stage_of(name: &str, unit: &str) -> bool {
    name.strip_prefix('.')
        .and_then(|n| n.strip_prefix(unit))
        .is_some_and(|rest| rest.starts_with(STAGE_MARK))
}

fn is_legacy_temp(name: &str) -> bool {
    name.starts_with('.') && name.ends_with(LEGACY_TEMP_SUFFIX)
}

/// Compares a live directory (recursively, below `prefix`) with a unit's files.
struct LiveWalk<'u, 'a> {
    unit: &'u Unit<'a>,
    owned: Ownership,
    seen: BTreeSet<String>,
}

impl LiveWalk<'_, '_> {
    /// Whether `rel` is a directory kairn manages: some file it writes or wrote is in it.
    fn manages_dir(&self, rel: &str) -> bool {
        let prefix = format!("{rel}/");
        self.unit.holds_dir(rel) || self.owned.names().any(|n| n.starts_with(&prefix))
    }

    fn walk(
        &mut self,
        dir: &Path,
        prefix: &str,
        env: &mut EnvPlan,
        plan: &mut Plan,
    ) -> Result<(), TreeError> {
        for (name, kind) in entries(dir)? {
            let Some(n) = name.to_str() else {
                env.keep.push(Path::new(prefix).join(&name));
                continue;
            };
            let rel = format!("{prefix}{n}");
            let path = dir.join(n);
            self.seen.insert(rel.clone());
            if kind.is_dir() && self.manages_dir(&rel) {
                self.walk(&path, &format!("{rel}/"), env, plan)?;
            } else if let Some(content) = self.unit.files.get(rel.as_str()) {
                if !kind.is_file() {
                    plan.conflicts.push(Conflict {
                        path,
                        kind: ConflictKind::NotAFile,
                    });
                    continue;
                }
                let current = fs::read(&path).map_err(io_err("read", &path))?;
                if current == *content {
                    env.unchanged.push(rel);
                    continue;
                }
                if rel != OWNERSHIP_FILE {
                    let kind = if !self.owned.lists(&rel) {
                        Some(ConflictKind::NotWrittenByKairn)
                    } else if !self.owned.owns_unchanged(&rel, &current) {
                        Some(ConflictKind::EditedSinceEmit)
                    } else {
                        None
                    };
                    if let Some(kind) = kind {
                        plan.conflicts.push(Conflict { path, kind });
                        env.forced.push(rel.clone());
                    }
                }
                env.write.push(rel);
            } else if is_legacy_temp(n) && kind.is_file() {
                plan.leftovers.push(path);
            } else if self.owned.lists(&rel) && kind.is_file() {
                let current = fs::read(&path).map_err(io_err("read", &path))?;
                if !self.owned.owns_unchanged(&rel, &current) {
                    plan.conflicts.push(Conflict {
                        path,
                        kind: ConflictKind::EditedSinceEmit,
                    });
                    env.forced.push(rel.clone());
                }
                env.remove.push(rel);
            } else {
                if self.unit.exclusive {
                    plan.conflicts.push(Conflict {
                        path,
                        kind: ConflictKind::Foreign,
                    });
                }
                env.keep.push(PathBuf::from(rel));
            }
        }
        Ok(())
    }
}

/// The ownership record of `dir`, or an empty one and a conflict when it is unreadable.
fn ownership_or_conflict(
    dir: &Path,
    plan: &mut Plan,
    forced: &mut Vec<String>,
) -> Result<Ownership, TreeError> {
    Ok(match read_ownership(dir)? {
        Ok(o) => o,
        Err(why) => {
            plan.conflicts.push(Conflict {
                path: dir.join(OWNERSHIP_FILE),
                kind: ConflictKind::MalformedOwnership(why),
            });
            forced.push(OWNERSHIP_FILE.to_owned());
            Ownership::default()
        }
    })
}

fn plan_unit(
    root: &Path,
    index: usize,
    unit: &Unit<'_>,
    plan: &mut Plan,
) -> Result<EnvPlan, TreeError> {
    let mut env = EnvPlan {
        dir: unit.dir.clone(),
        output: index,
        ..EnvPlan::default()
    };
    if unit.vouched {
        env.exists = true;
        env.unchanged = unit.files.keys().map(|k| (*k).to_owned()).collect();
        return Ok(env);
    }
    // Every ancestor from the root down, and the directory itself, must be a directory.
    let below_root: Vec<&Path> = unit
        .dir
        .ancestors()
        .take_while(|a| a.starts_with(root) && *a != root)
        .collect();
    for ancestor in below_root.iter().rev() {
        match fs::symlink_metadata(ancestor) {
            Ok(meta) if !meta.is_dir() => {
                plan.conflicts.push(Conflict {
                    path: ancestor.to_path_buf(),
                    kind: ConflictKind::NotADirectory,
                });
                return Ok(env);
            }
            Ok(_) => {}
            Err(_) if *ancestor != unit.dir => {
                env.created_parents.insert(0, ancestor.to_path_buf())
            }
            Err(_) => {}
        }
    }
    env.exists = unit.dir.is_dir();
    if !env.exists {
        env.write = unit.files.keys().map(|k| (*k).to_owned()).collect();
        return Ok(env);
    }
    let mut forced = Vec::new();
    let owned = ownership_or_conflict(&unit.dir, plan, &mut forced)?;
    env.forced = forced;
    let mut walk = LiveWalk {
        unit,
        owned,
        seen: BTreeSet::new(),
    };
    walk.walk(&unit.dir, "", &mut env, plan)?;
    for name in unit.files.keys() {
        if !walk.seen.contains(*name) {
            env.write.push((*name).to_owned());
        }
    }
    env.write.sort();
    Ok(env)
}

fn plan_retired(dir: &Path, plan: &mut Plan) -> Result<RetiredEnv, TreeError> {
    let mut retired = RetiredEnv {
        dir: dir.to_path_buf(),
        ..RetiredEnv::default()
    };
    let files = BTreeMap::<&str, &[u8]>::new();
    let unit = Unit {
        dir: dir.to_path_buf(),
        files,
        exclusive: false,
        vouched: false,
    };
    let mut env = EnvPlan::default();
    let mut forced = Vec::new();
    let owned = ownership_or_conflict(dir, plan, &mut forced)?;
    let mut walk = LiveWalk {
        unit: &unit,
        owned,
        seen: BTreeSet::new(),
    };
    walk.walk(dir, "", &mut env, plan)?;
    retired.remove = env.remove;
    retired.forced = forced.into_iter().chain(env.forced).collect();
    retired.keep = env
        .keep
        .into_iter()
        .filter(|k| k.as_os_str() != OWNERSHIP_FILE)
        .collect();
    retired.remove.push(OWNERSHIP_FILE.to_owned());
    Ok(retired)
}

/// Computes what writing `outputs` under `root` (`<root>/<app>/<env>/`) changes,
/// without changing anything; see [`plan_units`].
pub fn plan(root: &Path, outputs: &[EnvOutput], prune: &Prune) -> Result<Plan, TreeError> {
    let units: Vec<Unit<'_>> = outputs
        .iter()
        .map(|o| Unit::new(root.join(o.relative_dir()), &o.files))
        .collect();
    plan_units(root, &units, prune)
}

/// Computes what writing `units` (directories at or below `root`) changes, without
/// changing anything.
///
/// Only files listed in a directory's ownership record (and unchanged since kairn wrote
/// them) are planned for overwriting or removal; a file whose bytes already equal the
/// output is simply kept. Everything else is either kept or a [`Conflict`]. With a
/// [`Prune`] other than `Nothing`, `root` is read as `<root>/<app>/<env>/` and
/// environment directories kairn wrote that no unit covers are planned for removal.
pub fn plan_units(root: &Path, units: &[Unit<'_>], prune: &Prune) -> Result<Plan, TreeError> {
    let mut plan = Plan {
        root: root.to_path_buf(),
        ..Plan::default()
    };
    if let Ok(meta) = fs::metadata(root)
        && !meta.is_dir()
    {
        plan.conflicts.push(Conflict {
            path: root.to_path_buf(),
            kind: ConflictKind::NotADirectory,
        });
        return Ok(plan);
    }
    // Each directory is read on its own thread; conflicts and leftovers are merged in
    // the order of the units, as one thread would find them.
    let indexed: Vec<(usize, &Unit<'_>)> = units.iter().enumerate().collect();
    let planned = parallel::map(&indexed, |&(i, unit)| {
        let mut found = Plan::default();
        plan_unit(root, i, unit, &mut found).map(|env| (env, found))
    });
    for result in planned {
        let (env, found) = result?;
        plan.conflicts.extend(found.conflicts);
        plan.leftovers.extend(found.leftovers);
        plan.envs.push(env);
    }
    // Staging directories of interrupted runs, beside each unit (each parent read once).
    let mut beside: BTreeMap<&Path, Vec<String>> = BTreeMap::new();
    for unit in units {
        if let (Some(parent), Some(name)) = (unit.dir.parent(), unit.dir.file_name()) {
            beside
                .entry(parent)
                .or_default()
                .push(name.to_string_lossy().into_owned());
        }
    }
    let mut scanned = BTreeSet::new();
    for (parent, names) in &beside {
        for (entry, _) in entries(parent).unwrap_or_default() {
            let entry_name = entry.to_string_lossy();
            if names.iter().any(|name| is_stage_of(&entry_name, name)) {
                let path = parent.join(&entry);
                if scanned.insert(path.clone()) {
                    plan.leftovers.push(path);
                }
            }
        }
    }
    if *prune == Prune::Nothing || !root.is_dir() {
        return Ok(plan);
    }
    let declared: BTreeSet<&Path> = units.iter().map(|u| u.dir.as_path()).collect();
    for (app, kind) in entries(root)? {
        if !kind.is_dir() {
            continue;
        }
        let app_dir = root.join(&app);
        let app_name = app.to_string_lossy();
        for (name, kind) in entries(&app_dir)? {
            let path = app_dir.join(&name);
            let name = name.to_string_lossy();
            if is_stage_name(&name) {
                if scanned.insert(path.clone()) {
                    plan.leftovers.push(path);
                }
            } else if kind.is_dir()
                && prune.covers(&app_name)
                && !declared.contains(path.as_path())
                && path.join(OWNERSHIP_FILE).is_file()
            {
                let retired = plan_retired(&path, &mut plan)?;
                plan.retired.push(retired);
            }
        }
    }
    plan.leftovers.sort();
    Ok(plan)
}
