//! Carries a [`Plan`] out so that every environment directory switches from its old
//! content to its new content in one step.
//!
//! 1. Every changed environment is first written in full to a fresh staging directory
//!    beside it (`<app>/.<env>.kairn-stage-<pid>-<n>`): a marker saying the stage is
//!    incomplete ([`INCOMPLETE_MARK`]), the ownership record, then each file under its
//!    final name (no temporary name and rename per file: until the marker is removed,
//!    every file in the stage is kairn's own, complete or not). Unchanged files and the
//!    user's files are hard-linked, so they keep their inode, bytes and mtime. The marker
//!    is removed once everything is written, before anything of the user's is moved in.
//!    If anything fails here, the staging directories are removed and the output tree
//!    is untouched.
//! 2. Each staging directory is then exchanged with the live directory in one
//!    `renameat2(RENAME_EXCHANGE)` (Linux; elsewhere two renames). A reader such as
//!    `kubectl kustomize` sees the old directory or the new one, never a mix.
//! 3. The old content, now at the staging path, is retired: kairn's files (by the
//!    ownership record) and links to files that live on in the new directory are
//!    removed; anything else is moved back or left with a warning, never deleted.
//!
//! An emit killed at any point leaves staging directories that the next emit retires the
//! same way ([`recover`]) before it plans, and that `check` reports.
//!
//! Environment directories are independent, so each step runs on every core
//! ([`crate::parallel`]): all environments are staged before any is switched, and the
//! report lists them in plan order whatever the number of threads.

use std::collections::BTreeSet;
use std::ffi::{OsStr, OsString};
use std::fs;
use std::io;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};

use super::ownership::{Ownership, OWNERSHIP_FILE};
use super::plan::{entries, is_stage_name, read_ownership, EnvPlan, Plan, Unit, STAGE_MARK};
use super::{io_err, TreeError};
use crate::parallel;

/// Suffix of the temporary files of earlier kairn versions (one per file being staged).
const PART_SUFFIX: &str = ".kairn-part";
/// File in a staging directory while kairn is still writing it: everything in such a
/// stage is a file kairn wrote (perhaps partly) or a second name of one that lives on.
pub(crate) const INCOMPLETE_MARK: &str = ".kairn-incomplete";

/// What an emit changed.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct WriteReport {
    /// Files created or rewritten.
    pub written: Vec<PathBuf>,
    /// Files already up to date.
    pub unchanged: usize,
    /// Files kairn had written earlier and removed.
    pub removed: Vec<PathBuf>,
    /// Environment directories removed because they are no longer declared.
    pub retired: Vec<PathBuf>,
    /// Leftovers of an interrupted emit that were cleaned up.
    pub recovered: Vec<PathBuf>,
    /// Paths kept because kairn could not prove they were its own (with the reason).
    pub warnings: Vec<String>,
}

#[cfg(test)]
thread_local! {
    /// Test hook: fail the N-th file write (0-based) of the next commit started on this
    /// thread with an I/O error, whichever thread stages that file.
    pub(crate) static FAIL_WRITE_AT: std::cell::Cell<Option<usize>> = const { std::cell::Cell::new(None) };
}

/// What the threads staging one commit share (nothing outside tests).
struct Stager {
    /// The write that fails ([`FAIL_WRITE_AT`] of the committing thread).
    #[cfg(test)]
    fail_at: Option<usize>,
    /// Writes so far.
    #[cfg(test)]
    writes: AtomicUsize,
}

impl Stager {
    fn new() -> Self {
        Stager {
            #[cfg(test)]
            fail_at: FAIL_WRITE_AT.with(|f| f.take()),
            #[cfg(test)]
            writes: AtomicUsize::new(0),
        }
    }

    /// Writes a file of an incomplete staging directory whose parent exists.
    fn write_new(&self, path: &Path, content: &[u8]) -> io::Result<()> {
        #[cfg(test)]
        {
            if self.fail_at == Some(self.writes.fetch_add(1, Ordering::Relaxed)) {
                return Err(io::Error::other("injected write failure"));
            }
        }
        fs::write(path, content)
    }
}

fn append(path: &Path, suffix: &str) -> PathBuf {
    let mut s = path.as_os_str().to_owned();
    s.push(suffix);
    PathBuf::from(s)
}

/// Creates a fresh staging directory for `env_dir` (a unique name, never reused).
fn create_stage(env_dir: &Path) -> Result<PathBuf, TreeError> {
    static COUNTER: AtomicUsize = AtomicUsize::new(0);
    let parent = env_dir.parent().unwrap_or(Path::new("."));
    fs::create_dir_all(parent).map_err(io_err("create directory", parent))?;
    let env = env_dir.file_name().unwrap_or(OsStr::new("env"));
    loop {
        let mut name = OsString::from(".");
        name.push(env);
        name.push(format!(
            "{STAGE_MARK}{}-{}",
            std::process::id(),
            COUNTER.fetch_add(1, Ordering::Relaxed)
        ));
        let stage = parent.join(name);
        match fs::create_dir(&stage) {
            Ok(()) => return Ok(stage),
            Err(e) if e.kind() == io::ErrorKind::AlreadyExists => continue,
            Err(e) => return Err(io_err("create directory", &stage)(e)),
        }
    }
}

/// Makes `to` a second name of `from` (or a copy where links are not possible).
fn link_or_copy(from: &Path, to: &Path) -> io::Result<()> {
    if fs::hard_link(from, to).is_ok() {
        return Ok(());
    }
    fs::copy(from, to).map(|_| ())
}

#[cfg(unix)]
fn copy_symlink(from: &Path, to: &Path) -> io::Result<()> {
    std::os::unix::fs::symlink(fs::read_link(from)?, to)
}

#[cfg(not(unix))]
fn copy_symlink(from: &Path, to: &Path) -> io::Result<()> {
    fs::copy(from, to).map(|_| ())
}

/// Creates the parent directory of `path` inside a staging directory.
fn create_parent(path: &Path) -> Result<(), TreeError> {
    match path.parent() {
        Some(parent) => fs::create_dir_all(parent).map_err(io_err("create directory", parent)),
        None => Ok(()),
    }
}

/// Creates, once per staging directory, each directory a file of it lives in.
struct StageDirs<'s> {
    stage: &'s Path,
    created: BTreeSet<&'s str>,
}

impl<'s> StageDirs<'s> {
    /// Makes sure the parent of `rel` (a `/`-separated path inside the stage) exists.
    fn parent_of(&mut self, rel: &'s str) -> Result<(), TreeError> {
        let Some((dir, _)) = rel.rsplit_once('/') else {
            return Ok(());
        };
        if self.created.insert(dir) {
            let path = self.stage.join(dir);
            fs::create_dir_all(&path).map_err(io_err("create directory", &path))?;
        }
        Ok(())
    }
}

/// Writes one directory into a new staging directory; entries that can only be moved
/// (the user's directories) are returned for [`switch`] to move at the last moment.
fn stage(
    env: &EnvPlan,
    unit: &Unit<'_>,
    stager: &Stager,
) -> Result<(PathBuf, Vec<PathBuf>), TreeError> {
    let stage = create_stage(&env.dir)?;
    let result = (|| {
        let mark = stage.join(INCOMPLETE_MARK);
        fs::write(&mark, b"").map_err(io_err("write", &mark))?;
        let record = unit.files.get(OWNERSHIP_FILE).copied().unwrap_or_default();
        let path = stage.join(OWNERSHIP_FILE);
        stager
            .write_new(&path, record)
            .map_err(io_err("write", &path))?;
        let unchanged: BTreeSet<&str> = env.unchanged.iter().map(String::as_str).collect();
        let mut dirs = StageDirs {
            stage: &stage,
            created: BTreeSet::new(),
        };
        for (name, content) in &unit.files {
            if *name == OWNERSHIP_FILE {
                continue;
            }
            let to = stage.join(name);
            dirs.parent_of(name)?;
            if unchanged.contains(name) && fs::hard_link(env.dir.join(name), &to).is_ok() {
                continue;
            }
            stager
                .write_new(&to, content)
                .map_err(io_err("write", &to))?;
        }
        let mut moved = Vec::new();
        for rel in &env.keep {
            let from = env.dir.join(rel);
            let to = stage.join(rel);
            let kind = fs::symlink_metadata(&from)
                .map_err(io_err("read", &from))?
                .file_type();
            create_parent(&to)?;
            if kind.is_file() {
                link_or_copy(&from, &to).map_err(io_err("link", &to))?;
            } else if kind.is_symlink() {
                copy_symlink(&from, &to).map_err(io_err("copy the symlink", &from))?;
            } else {
                moved.push(rel.clone());
            }
        }
        fs::remove_file(&mark).map_err(io_err("remove", &mark))?;
        Ok(moved)
    })();
    match result {
        Ok(moved) => Ok((stage, moved)),
        Err(e) => {
            let _ = fs::remove_dir_all(&stage);
            Err(e)
        }
    }
}

/// Swaps two directories in one step.
#[cfg(target_os = "linux")]
fn exchange(a: &Path, b: &Path) -> io::Result<()> {
    use rustix::fs::{renameat_with, RenameFlags, CWD};
    match renameat_with(CWD, a, CWD, b, RenameFlags::EXCHANGE) {
        Ok(()) => Ok(()),
        // Filesystems without RENAME_EXCHANGE: fall back to two renames.
        Err(e) if e == rustix::io::Errno::INVAL || e == rustix::io::Errno::NOSYS => {
            exchange_by_renames(a, b)
        }
        Err(e) => Err(e.into()),
    }
}

#[cfg(not(target_os = "linux"))]
fn exchange(a: &Path, b: &Path) -> io::Result<()> {
    exchange_by_renames(a, b)
}

fn exchange_by_renames(a: &Path, b: &Path) -> io::Result<()> {
    let aside = append(a, ".aside");
    fs::rename(b, &aside)?;
    if let Err(e) = fs::rename(a, b) {
        let _ = fs::rename(&aside, b);
        return Err(e);
    }
    fs::rename(&aside, a)
}

/// Puts a staged directory in place of the live one; the old content ends up at `stage`.
fn switch(env: &EnvPlan, stage: &Path, moved: &[PathBuf]) -> Result<(), TreeError> {
    if !env.exists {
        return fs::rename(stage, &env.dir).map_err(io_err("rename", stage));
    }
    let mut done = Vec::new();
    let result = (|| {
        for name in moved {
            let from = env.dir.join(name);
            fs::rename(&from, stage.join(name)).map_err(io_err("move", &from))?;
            done.push(name.clone());
        }
        exchange(stage, &env.dir).map_err(io_err("switch in the new content of", &env.dir))
    })();
    if result.is_err() {
        for name in done {
            let _ = fs::rename(stage.join(&name), env.dir.join(&name));
        }
    }
    result
}

#[cfg(unix)]
fn same_inode(a: &Path, b: &Path) -> bool {
    use std::os::unix::fs::MetadataExt;
    match (fs::symlink_metadata(a), fs::symlink_metadata(b)) {
        (Ok(a), Ok(b)) => a.dev() == b.dev() && a.ino() == b.ino(),
        _ => false,
    }
}

#[cfg(not(unix))]
fn same_inode(_: &Path, _: &Path) -> bool {
    false
}

/// Whether `path` (in a directory being retired) survives unchanged as `twin` in the
/// live directory: the same inode, the same bytes, or the same symlink target.
fn is_duplicate(path: &Path, kind: &fs::FileType, twin: &Path) -> bool {
    if kind.is_file() {
        same_inode(path, twin)
            || matches!((fs::read(path), fs::read(twin)), (Ok(a), Ok(b)) if a == b)
    } else if kind.is_symlink() {
        matches!((fs::read_link(path), fs::read_link(twin)), (Ok(a), Ok(b)) if a == b)
    } else {
        false
    }
}

/// Empties and removes a directory that is no longer live (`old`), removing only what
/// is provably kairn's or provably still present in `live`; anything else is moved into
/// `live` when that path is free there, else left (and reported).
fn retire(old: &Path, live: &Path, forced: &BTreeSet<&str>) -> Result<Vec<String>, TreeError> {
    let owned: Ownership = read_ownership(old)?.unwrap_or_default();
    let incomplete = fs::symlink_metadata(old.join(INCOMPLETE_MARK)).is_ok_and(|m| m.is_file());
    let mut warnings = Vec::new();
    let emptied = retire_below(old, live, "", &owned, forced, incomplete, &mut warnings)?;
    if emptied {
        fs::remove_dir(old).map_err(io_err("remove directory", old))?;
    }
    Ok(warnings)
}

/// [`retire`] for the entries of `old/prefix`; whether that directory is now empty
/// except for the ownership record (which is then removed too). In an `incomplete`
/// stage every regular file is kairn's.
fn retire_below(
    old: &Path,
    live: &Path,
    prefix: &str,
    owned: &Ownership,
    forced: &BTreeSet<&str>,
    incomplete: bool,
    warnings: &mut Vec<String>,
) -> Result<bool, TreeError> {
    let here = old.join(prefix);
    let mut remaining = 0;
    let mut record = None;
    let mut mark = None;
    for (name, kind) in entries(&here)? {
        let rel = format!("{prefix}{}", name.to_string_lossy());
        let path = old.join(&rel);
        let twin = live.join(&rel);
        if incomplete && rel == INCOMPLETE_MARK {
            // Removed last: a retire cut short must leave the stage marked, or the next
            // one would take its partial files for the user's.
            mark = Some(path);
            continue;
        }
        if kind.is_dir() {
            let below = format!("{rel}/");
            if retire_below(old, live, &below, owned, forced, incomplete, warnings)? {
                fs::remove_dir(&path).map_err(io_err("remove directory", &path))?;
            } else {
                remaining += 1;
            }
            continue;
        }
        let ours = kind.is_file()
            && (incomplete
                || rel.ends_with(PART_SUFFIX)
                || forced.contains(rel.as_str())
                || fs::read(&path).is_ok_and(|c| owned.owns_unchanged(&rel, &c)));
        if ours || is_duplicate(&path, &kind, &twin) {
            fs::remove_file(&path).map_err(io_err("remove", &path))?;
        } else if rel == OWNERSHIP_FILE {
            record = Some(path);
        } else if fs::symlink_metadata(&twin).is_err() {
            create_parent(&twin)?;
            fs::rename(&path, &twin).map_err(io_err("move back", &path))?;
        } else {
            warnings.push(format!(
                "kept {}: it is not kairn's and {} exists too; compare them and remove the one you do not need",
                path.display(),
                twin.display()
            ));
            remaining += 1;
        }
    }
    if remaining == 0 {
        for last in record.iter().chain(&mark) {
            fs::remove_file(last).map_err(io_err("remove", last))?;
        }
    }
    Ok(remaining == 0)
}

/// The live environment directory a staging directory belongs to.
fn live_dir_of(stage: &Path) -> Option<PathBuf> {
    let name = stage.file_name()?.to_str()?;
    let env = name.strip_prefix('.')?.split(STAGE_MARK).next()?;
    Some(stage.with_file_name(env))
}

/// Cleans up after an interrupted emit: retires every staging directory and removes
/// the temporary files of earlier kairn versions listed in `plan.leftovers`.
pub fn recover(plan: &Plan, report: &mut WriteReport) -> Result<(), TreeError> {
    for path in &plan.leftovers {
        let name = path.file_name().and_then(OsStr::to_str).unwrap_or_default();
        if is_stage_name(name) {
            if let Some(live) = live_dir_of(path) {
                report
                    .warnings
                    .extend(retire(path, &live, &BTreeSet::new())?);
            }
        } else {
            fs::remove_file(path).map_err(io_err("remove", path))?;
        }
        report.recovered.push(path.clone());
    }
    Ok(())
}

/// Removes the parent directories this emit created for staging, when they are empty.
fn remove_created_parents(plan: &Plan) {
    for dir in plan.envs.iter().flat_map(|e| &e.created_parents) {
        let _ = fs::remove_dir(dir);
    }
}

/// Switches a staged environment into place and retires its old content: the warnings
/// about entries kept. A failed switch removes the stage (the old content stays live).
fn switch_and_retire(
    env: &EnvPlan,
    stage: &Path,
    moved: &[PathBuf],
) -> Result<Vec<String>, TreeError> {
    if let Err(e) = switch(env, stage, moved) {
        let _ = fs::remove_dir_all(stage);
        return Err(e);
    }
    if !env.exists {
        return Ok(Vec::new());
    }
    let forced: BTreeSet<&str> = env.forced.iter().map(String::as_str).collect();
    retire(stage, &env.dir, &forced)
}

/// Carries out a plan computed after [`recover`]. Blocking conflicts are returned as an
/// error before anything is written; with `force`, overridable ones are overwritten.
pub fn commit(
    plan: &Plan,
    units: &[Unit<'_>],
    force: bool,
    report: &mut WriteReport,
) -> Result<(), TreeError> {
    let blocking = plan.blocking(force);
    if !blocking.is_empty() {
        return Err(TreeError::Conflicts(
            blocking.into_iter().cloned().collect(),
        ));
    }
    // 1. Stage every environment that changes, in parallel; on failure remove every
    //    stage: the tree is untouched.
    let changed: Vec<&EnvPlan> = plan.envs.iter().filter(|e| !e.is_current()).collect();
    let stager = Stager::new();
    let staged = parallel::map(&changed, |env| stage(env, &units[env.output], &stager));
    let mut ok = Vec::new();
    let mut first_error = None;
    for (env, result) in changed.into_iter().zip(staged) {
        match result {
            Ok((stage, moved)) => ok.push((env, stage, moved)),
            Err(e) => {
                first_error.get_or_insert(e);
            }
        }
    }
    if let Some(e) = first_error {
        for (_, stage, _) in &ok {
            let _ = fs::remove_dir_all(stage);
        }
        remove_created_parents(plan);
        return Err(e);
    }
    let staged = ok;
    for env in plan.envs.iter().filter(|e| e.is_current()) {
        report.unchanged += env.unchanged.len();
    }
    // 2. Switch each environment, 3. retire its old content, in parallel. After a
    //    failure no further environment is switched (its stage is removed): each
    //    directory holds its old content or its new content.
    let failed = AtomicBool::new(false);
    let done = parallel::map(&staged, |(env, stage, moved)| {
        if failed.load(Ordering::SeqCst) {
            let _ = fs::remove_dir_all(stage);
            return None;
        }
        let result = switch_and_retire(env, stage, moved);
        if result.is_err() {
            failed.store(true, Ordering::SeqCst);
        }
        Some(result)
    });
    let mut switch_error = None;
    for ((env, _, _), result) in staged.iter().zip(done) {
        match result {
            Some(Ok(warnings)) => {
                report.warnings.extend(warnings);
                report.unchanged += env.unchanged.len();
                report
                    .written
                    .extend(env.write.iter().map(|n| env.dir.join(n)));
                report
                    .removed
                    .extend(env.remove.iter().map(|n| env.dir.join(n)));
            }
            Some(Err(e)) => {
                switch_error.get_or_insert(e);
            }
            None => {}
        }
    }
    if let Some(e) = switch_error {
        return Err(e);
    }
    // Environments no longer declared: take the directory away in one rename, then
    // retire it (the user's entries are moved back into a directory of that name).
    for retired in &plan.retired {
        // Renaming a directory onto the fresh, empty staging directory replaces it.
        let aside = create_stage(&retired.dir)?;
        fs::rename(&retired.dir, &aside).map_err(io_err("rename", &retired.dir))?;
        let forced: BTreeSet<&str> = retired.forced.iter().map(String::as_str).collect();
        report
            .warnings
            .extend(retire(&aside, &retired.dir, &forced)?);
        report
            .removed
            .extend(retired.remove.iter().map(|n| retired.dir.join(n)));
        report.retired.push(retired.dir.clone());
        if let Some(app_dir) = retired.dir.parent()
            && fs::read_dir(app_dir).is_ok_and(|mut d| d.next().is_none())
        {
            let _ = fs::remove_dir(app_dir);
        }
    }
    Ok(())
}
