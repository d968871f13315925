//! What writing a set of environments would change in an output tree, computed without
//! changing anything. `emit` carries a plan out ([`super::commit`]); `check` reports it
//! as drift, so the two always agree on what is out of date.

use std::collections::BTreeSet;
use std::ffi::OsString;
use std::fmt;
use std::fs;
use std::io;
use std::path::{Path, PathBuf};

use super::ownership::{Ownership, OWNERSHIP_FILE};
use super::{io_err, EnvOutput, TreeError};

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
    /// Index of its [`EnvOutput`] in the slice given to [`plan`].
    pub output: usize,
    /// Whether the directory exists now.
    pub exists: bool,
    /// Whether its app directory exists now (a failed emit removes one it created).
    pub app_dir_exists: bool,
    /// Files to create or rewrite.
    pub write: Vec<String>,
    /// Files whose bytes are already right.
    pub unchanged: Vec<String>,
    /// Files kairn wrote earlier that are no longer part of the output.
    pub remove: Vec<String>,
    /// Entries that are not kairn's: they stay, untouched.
    pub keep: Vec<OsString>,
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
    /// Entries that are not kairn's: they stay.
    pub keep: Vec<OsString>,
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

/// Whether `name` in an app directory is a staging directory of an interrupted emit.
pub(crate) fn is_stage_name(name: &str) -> bool {
    name.starts_with('.') && name.contains(STAGE_MARK)
}

fn is_legacy_temp(name: &str) -> bool {
    name.starts_with('.') && name.ends_with(LEGACY_TEMP_SUFFIX)
}

fn plan_env(
    root: &Path,
    index: usize,
    out: &EnvOutput,
    plan: &mut Plan,
) -> Result<EnvPlan, TreeError> {
    let dir = root.join(out.relative_dir());
    let mut env = EnvPlan {
        dir: dir.clone(),
        output: index,
        ..EnvPlan::default()
    };
    for ancestor in [root.join(&out.app), dir.clone()] {
        if let Ok(meta) = fs::symlink_metadata(&ancestor) {
            if !meta.is_dir() {
                plan.conflicts.push(Conflict {
                    path: ancestor,
                    kind: ConflictKind::NotADirectory,
                });
                return Ok(env);
            }
        }
    }
    env.exists = dir.is_dir();
    env.app_dir_exists = root.join(&out.app).is_dir();
    if !env.exists {
        env.write = out.files.keys().cloned().collect();
        return Ok(env);
    }
    let owned = match read_ownership(&dir)? {
        Ok(o) => o,
        Err(why) => {
            plan.conflicts.push(Conflict {
                path: dir.join(OWNERSHIP_FILE),
                kind: ConflictKind::MalformedOwnership(why),
            });
            env.forced.push(OWNERSHIP_FILE.to_owned());
            Ownership::default()
        }
    };
    let present = entries(&dir)?;
    for (name, kind) in &present {
        let Some(name_str) = name.to_str() else {
            env.keep.push(name.clone());
            continue;
        };
        if let Some(content) = out.files.get(name_str) {
            let path = dir.join(name);
            if !kind.is_file() {
                plan.conflicts.push(Conflict {
                    path,
                    kind: ConflictKind::NotAFile,
                });
                continue;
            }
            let current = fs::read(&path).map_err(io_err("read", &path))?;
            if current == content.as_bytes() {
                env.unchanged.push(name_str.to_owned());
                continue;
            }
            env.write.push(name_str.to_owned());
            if name_str == OWNERSHIP_FILE {
                continue;
            }
            if !owned.lists(name_str) {
                plan.conflicts.push(Conflict {
                    path,
                    kind: ConflictKind::NotWrittenByKairn,
                });
                env.forced.push(name_str.to_owned());
            } else if !owned.owns_unchanged(name_str, &current) {
                plan.conflicts.push(Conflict {
                    path,
                    kind: ConflictKind::EditedSinceEmit,
                });
                env.forced.push(name_str.to_owned());
            }
        } else if is_legacy_temp(name_str) && kind.is_file() {
            plan.leftovers.push(dir.join(name));
        } else if owned.lists(name_str) && kind.is_file() {
            let path = dir.join(name);
            let current = fs::read(&path).map_err(io_err("read", &path))?;
            if !owned.owns_unchanged(name_str, &current) {
                plan.conflicts.push(Conflict {
                    path,
                    kind: ConflictKind::EditedSinceEmit,
                });
                env.forced.push(name_str.to_owned());
            }
            env.remove.push(name_str.to_owned());
        } else {
            env.keep.push(name.clone());
        }
    }
    for name in out.files.keys() {
        if !present.iter().any(|(n, _)| n.to_str() == Some(name)) {
            env.write.push(name.clone());
        }
    }
    env.write.sort();
    Ok(env)
}

fn plan_retired(dir: &Path, plan: &mut Plan) -> Result<RetiredEnv, TreeError> {
    let mut env = RetiredEnv {
        dir: dir.to_path_buf(),
        ..RetiredEnv::default()
    };
    let owned = match read_ownership(dir)? {
        Ok(o) => o,
        Err(why) => {
            plan.conflicts.push(Conflict {
                path: dir.join(OWNERSHIP_FILE),
                kind: ConflictKind::MalformedOwnership(why),
            });
            Ownership::default()
        }
    };
    for (name, kind) in entries(dir)? {
        match name.to_str() {
            Some(OWNERSHIP_FILE) => env.remove.push(OWNERSHIP_FILE.to_owned()),
            Some(n) if is_legacy_temp(n) && kind.is_file() => plan.leftovers.push(dir.join(n)),
            Some(n) if owned.lists(n) && kind.is_file() => {
                let path = dir.join(n);
                let current = fs::read(&path).map_err(io_err("read", &path))?;
                if !owned.owns_unchanged(n, &current) {
                    plan.conflicts.push(Conflict {
                        path,
                        kind: ConflictKind::EditedSinceEmit,
                    });
                    env.forced.push(n.to_owned());
                }
                env.remove.push(n.to_owned());
            }
            _ => env.keep.push(name),
        }
    }
    Ok(env)
}

/// Computes what writing `outputs` under `root` changes, without changing anything.
///
/// Only files listed in an environment directory's ownership record (and unchanged since
/// kairn wrote them) are planned for overwriting or removal; a file whose bytes already
/// equal the output is simply kept. Everything else is either kept or a [`Conflict`].
pub fn plan(root: &Path, outputs: &[EnvOutput], prune: &Prune) -> Result<Plan, TreeError> {
    let mut plan = Plan {
        root: root.to_path_buf(),
        ..Plan::default()
    };
    if let Ok(meta) = fs::metadata(root) {
        if !meta.is_dir() {
            plan.conflicts.push(Conflict {
                path: root.to_path_buf(),
                kind: ConflictKind::NotADirectory,
            });
            return Ok(plan);
        }
    }
    for (i, out) in outputs.iter().enumerate() {
        let env = plan_env(root, i, out, &mut plan)?;
        plan.envs.push(env);
    }
    if !root.is_dir() {
        return Ok(plan);
    }
    let declared: BTreeSet<PathBuf> = outputs
        .iter()
        .map(|o| root.join(o.relative_dir()))
        .collect();
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
                plan.leftovers.push(path);
            } else if kind.is_dir()
                && prune.covers(&app_name)
                && !declared.contains(&path)
                && path.join(OWNERSHIP_FILE).is_file()
            {
                let retired = plan_retired(&path, &mut plan)?;
                plan.retired.push(retired);
            }
        }
    }
    Ok(plan)
}
