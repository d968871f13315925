//! Writing `kairn import`'s workspace into `--out DIR`, all or nothing.
//!
//! DIR must not exist, be empty (a `.git` directory alone counts as empty), or hold an
//! earlier import: its [`RECORD`] (`sha256sum` format, like emit's `.kairn-manifest`)
//! lists every file the import wrote there with the SHA-256 of what it wrote. Over an
//! earlier import, a file is overwritten or removed only when the record lists it and it
//! is unchanged since; a file the user changed or added where the import would write is a
//! conflict, and then nothing is written (the conflicts are listed by path). Files the
//! import does not write (`target/`, `generated/`, the user's own) are left alone.
//! One workspace can take several imports with different `--team`s (a team migrating app
//! by app): each writes its own `teams/<team>/` and the shared files (`Cargo.toml` and
//! `src/main.rs` then list every team crate); other teams' files stay, and stay recorded.
//! `Cargo.lock` is written only when absent (cargo updates it), and is not recorded.
//!
//! A new or empty DIR is filled through a staging directory moved into place
//! ([`crate::team_workspace::create`]). Over an earlier import, the new files are staged inside
//! DIR, then each old file is moved aside and the new one moved in (renames); if any step
//! fails, every step done is undone, so DIR is left as it was.

use std::collections::BTreeMap;
use std::fs;
use std::io;
use std::path::{Path, PathBuf};

use dsl::output::{sha256_hex, Ownership};

use crate::team_workspace::{self, is_empty_dir, write_files, WriteError};

/// The record of what `kairn import` wrote, at the root of DIR.
pub const RECORD: &str = ".kairn-import";

/// Files written only when absent, and not recorded: tools change them.
const SEEDED: &[&str] = &["Cargo.lock"];

/// Why the workspace was not written.
#[derive(Debug)]
pub enum ImportWriteError {
    /// DIR cannot be used (exit 2); nothing was written.
    Refused(String),
    /// Files the user changed or added where the import writes (exit 1); nothing was
    /// written. Each: path relative to DIR and why.
    Conflicts(Vec<String>),
    /// Writing failed (exit 74); DIR was left as it was.
    Io(String),
}

/// What was written.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Written {
    /// Files created or changed.
    pub changed: usize,
    /// Files already as they should be.
    pub unchanged: usize,
    /// Files of an earlier import no longer written, removed.
    pub removed: usize,
}

fn name(path: &Path) -> String {
    path.to_string_lossy().replace('\\', "/")
}

/// What `--out DIR` holds before an import.
#[derive(Debug)]
pub enum Prior {
    /// Nothing yet (missing, or empty but for `.git`).
    Fresh,
    /// An earlier import: its record, as parsed and as digests by file name.
    Earlier {
        /// The parsed record.
        record: Ownership,
        /// File name to recorded SHA-256, as the record lists them.
        digests: BTreeMap<String, String>,
    },
}

impl Prior {
    /// The team crates earlier imports wrote (`teams/<team>/Cargo.toml` recorded), sorted.
    pub fn teams(&self) -> Vec<String> {
        match self {
            Prior::Fresh => Vec::new(),
            Prior::Earlier { digests, .. } => digests
                .keys()
                .filter_map(|k| k.strip_prefix("teams/")?.strip_suffix("/Cargo.toml"))
                .filter(|t| !t.contains('/'))
                .map(str::to_owned)
                .collect(),
        }
    }
}

/// Whether a recorded file belongs to another team crate than `team`: an import for
/// `team` neither rewrites nor removes it, and keeps its record.
fn other_team(key: &str, team: &str) -> bool {
    key.strip_prefix("teams/")
        .and_then(|rest| rest.split_once('/'))
        .is_some_and(|(t, _)| t != team)
}

/// Reads what `dir` holds: refused when it is not empty and holds no earlier import, or
/// an interrupted one's leftovers.
pub fn prior(dir: &Path) -> Result<Prior, ImportWriteError> {
    let shown = dir.display();
    let fresh = match fs::symlink_metadata(dir) {
        Err(e) if e.kind() == io::ErrorKind::NotFound => true,
        Err(e) => {
            return Err(ImportWriteError::Refused(format!(
                "cannot read {shown}: {e}"
            )))
        }
        Ok(meta) if !meta.is_dir() => {
            return Err(ImportWriteError::Refused(format!(
                "{shown} exists and is not a directory: choose a new --out DIR (nothing was \
                 written)"
            )))
        }
        Ok(_) => is_empty_dir(dir)
            .map_err(|e| ImportWriteError::Refused(format!("cannot read {shown}: {e}")))?,
    };
    if fresh {
        return Ok(Prior::Fresh);
    }
    if let Some(left) = leftover(dir) {
        return Err(ImportWriteError::Refused(format!(
            "{} is left from an import that was interrupted: `.kairn-import-old-*` holds the \
             files it replaced, `.kairn-import-new-*` the ones it was writing; move the old \
             ones back (or keep the new), remove both directories, then import again \
             (nothing was written)",
            left.display()
        )));
    }
    let record_path = dir.join(RECORD);
    let text = match fs::read_to_string(&record_path) {
        Ok(text) => text,
        Err(e) if e.kind() == io::ErrorKind::NotFound => {
            return Err(ImportWriteError::Refused(format!(
                "{shown} is not empty and holds no earlier import ({RECORD}): kairn import \
                 writes only into a new or empty directory, or over its own earlier output \
                 (nothing was written); choose another --out DIR"
            )))
        }
        Err(e) => {
            return Err(ImportWriteError::Refused(format!(
                "cannot read {}: {e}",
                record_path.display()
            )))
        }
    };
    let record = Ownership::parse(&text).map_err(|e| {
        ImportWriteError::Refused(format!(
            "{}: {e}: the record of an earlier import is damaged; restore it from version \
             control, or import into a new directory (nothing was written)",
            record_path.display()
        ))
    })?;
    let digests = text
        .lines()
        .filter_map(|l| l.split_once("  "))
        .map(|(digest, name)| (name.to_owned(), digest.to_ascii_lowercase()))
        .collect();
    Ok(Prior::Earlier { record, digests })
}

/// `files` plus the record: of them (seeded files left out) and of the other teams'
/// files `kept` from the earlier record.
fn with_record(
    files: &[(PathBuf, String)],
    kept: &BTreeMap<String, String>,
) -> Vec<(PathBuf, String)> {
    let mut digests = kept.clone();
    for (path, text) in files {
        let key = name(path);
        if !SEEDED.contains(&key.as_str()) {
            digests.insert(key, sha256_hex(text.as_bytes()));
        }
    }
    let record: String = digests
        .iter()
        .map(|(name, digest)| format!("{digest}  {name}\n"))
        .collect();
    let mut out = files.to_vec();
    out.push((PathBuf::from(RECORD), record));
    out
}

/// Writes the workspace `files` (paths relative to DIR) of team crate `team` into `dir`,
/// which held `prior` ([`prior`]). Over an earlier import, other team crates' files are
/// kept, and so is their record.
pub fn write(
    dir: &Path,
    prior: &Prior,
    files: &[(PathBuf, String)],
    team: &str,
) -> Result<Written, ImportWriteError> {
    let shown = dir.display();
    let (record, digests) = match prior {
        Prior::Fresh => {
            let all = with_record(files, &BTreeMap::new());
            return match team_workspace::create(dir, &all, "kairn import --out") {
                Ok(_) => Ok(Written {
                    changed: all.len(),
                    ..Written::default()
                }),
                Err(WriteError::Refused(why)) => Err(ImportWriteError::Refused(why)),
                Err(WriteError::Io(why)) => Err(ImportWriteError::Io(why)),
            };
        }
        Prior::Earlier { record, digests } => (record, digests),
    };
    let kept: BTreeMap<String, String> = digests
        .iter()
        .filter(|(k, _)| other_team(k, team))
        .map(|(k, d)| (k.clone(), d.clone()))
        .collect();
    let all = with_record(files, &kept);
    let plan = plan(dir, record, &all, team)?;
    let written = Written {
        changed: plan.writes.len(),
        unchanged: plan.unchanged,
        removed: plan.removals.len(),
    };
    commit(dir, &plan, &mut |from, to| fs::rename(from, to)).map_err(|e| {
        ImportWriteError::Io(format!(
            "cannot write into {shown}: {e} (it was left as it was)"
        ))
    })?;
    Ok(written)
}

/// A staging or backup directory an interrupted import left in `dir`.
fn leftover(dir: &Path) -> Option<PathBuf> {
    let mut found: Vec<PathBuf> = fs::read_dir(dir)
        .ok()?
        .filter_map(Result::ok)
        .filter(|e| {
            let name = e.file_name().to_string_lossy().into_owned();
            name.starts_with(".kairn-import-new-") || name.starts_with(".kairn-import-old-")
        })
        .map(|e| e.path())
        .collect();
    found.sort();
    found.into_iter().next()
}

/// What an import over an earlier one changes.
#[derive(Debug, Default)]
struct Plan {
    /// Files to write (new or changed), with their content.
    writes: Vec<(PathBuf, String)>,
    /// Recorded files no longer written, unchanged since: removed.
    removals: Vec<PathBuf>,
    /// Files already as they should be.
    unchanged: usize,
}

fn plan(
    dir: &Path,
    record: &Ownership,
    all: &[(PathBuf, String)],
    team: &str,
) -> Result<Plan, ImportWriteError> {
    let mut plan = Plan::default();
    let mut conflicts = Vec::new();
    for (path, text) in all {
        let key = name(path);
        let target = dir.join(path);
        match fs::read(&target) {
            Err(e) if e.kind() == io::ErrorKind::NotFound => {
                plan.writes.push((path.clone(), text.clone()))
            }
            Err(e) => conflicts.push(format!("{key}: cannot read it ({e})")),
            Ok(_) if SEEDED.contains(&key.as_str()) => plan.unchanged += 1,
            Ok(bytes) if bytes == text.as_bytes() => plan.unchanged += 1,
            Ok(_) if key == RECORD => plan.writes.push((path.clone(), text.clone())),
            Ok(bytes) if record.owns_unchanged(&key, &bytes) => {
                plan.writes.push((path.clone(), text.clone()));
            }
            Ok(_) if record.lists(&key) => conflicts.push(format!(
                "{key}: changed since kairn import wrote it (import would overwrite it)"
            )),
            Ok(_) => conflicts.push(format!(
                "{key}: not written by kairn import (import would overwrite it)"
            )),
        }
    }
    let written: std::collections::BTreeSet<String> = all.iter().map(|(p, _)| name(p)).collect();
    for key in record
        .names()
        .filter(|k| !written.contains(*k) && !other_team(k, team))
    {
        let target = dir.join(key);
        match fs::read(&target) {
            Err(e) if e.kind() == io::ErrorKind::NotFound => {}
            Err(e) => conflicts.push(format!("{key}: cannot read it ({e})")),
            Ok(bytes) if record.owns_unchanged(key, &bytes) => {
                plan.removals.push(PathBuf::from(key))
            }
            Ok(_) => conflicts.push(format!(
                "{key}: changed since kairn import wrote it (import would remove it: its app \
                 is no longer imported)"
            )),
        }
    }
    if conflicts.is_empty() {
        Ok(plan)
    } else {
        Err(ImportWriteError::Conflicts(conflicts))
    }
}

/// One step done, for undoing it.
enum Done {
    /// The new file moved in (from staging), the old one (if any) moved to the backup.
    Placed { path: PathBuf, had_old: bool },
    /// The old file moved to the backup.
    Removed { path: PathBuf },
}

/// Applies `plan`: stage, then move; undoes everything on failure. `rename` is
/// `fs::rename` (a parameter so tests can make a step fail).
fn commit(
    dir: &Path,
    plan: &Plan,
    rename: &mut dyn FnMut(&Path, &Path) -> io::Result<()>,
) -> io::Result<()> {
    let pid = std::process::id();
    let staging = dir.join(format!(".kairn-import-new-{pid}"));
    let backup = dir.join(format!(".kairn-import-old-{pid}"));
    let cleanup = || {
        let _ = fs::remove_dir_all(&staging);
        let _ = fs::remove_dir_all(&backup);
    };
    cleanup();
    if let Err(e) = fs::create_dir(&staging)
        .and_then(|()| fs::create_dir(&backup))
        .and_then(|()| write_files(&staging, &plan.writes))
    {
        cleanup();
        return Err(e);
    }
    let mut done: Vec<Done> = Vec::new();
    let mut step = |done: &mut Vec<Done>| -> io::Result<()> {
        for (path, _) in &plan.writes {
            let target = dir.join(path);
            let had_old = target.exists();
            if had_old {
                move_to(rename, &target, &backup.join(path))?;
            } else if let Some(parent) = target.parent() {
                fs::create_dir_all(parent)?;
            }
            if let Err(e) = rename(&staging.join(path), &target) {
                if had_old {
                    // Undone with the real rename: `rename` is what just failed.
                    let _ = fs::rename(backup.join(path), &target);
                }
                return Err(e);
            }
            done.push(Done::Placed {
                path: path.clone(),
                had_old,
            });
        }
        for path in &plan.removals {
            move_to(rename, &dir.join(path), &backup.join(path))?;
            done.push(Done::Removed { path: path.clone() });
        }
        Ok(())
    };
    let result = step(&mut done);
    if result.is_err() {
        for d in done.iter().rev() {
            match d {
                Done::Placed { path, had_old } => {
                    let _ = fs::remove_file(dir.join(path));
                    if *had_old {
                        let _ = fs::rename(backup.join(path), dir.join(path));
                    } else {
                        remove_empty_parents(dir, path);
                    }
                }
                Done::Removed { path } => {
                    let _ = fs::rename(backup.join(path), dir.join(path));
                }
            }
        }
    } else {
        for path in &plan.removals {
            remove_empty_parents(dir, path);
        }
    }
    cleanup();
    result
}

/// Moves `from` to `to`, creating `to`'s directory.
fn move_to(
    rename: &mut dyn FnMut(&Path, &Path) -> io::Result<()>,
    from: &Path,
    to: &Path,
) -> io::Result<()> {
    if let Some(parent) = to.parent() {
        fs::create_dir_all(parent)?;
    }
    rename(from, to)
}

/// Removes the directories a removed file leaves empty, up to (not including) DIR.
fn remove_empty_parents(dir: &Path, path: &Path) {
    let mut parent = path.parent();
    while let Some(p) = parent.filter(|p| !p.as_os_str().is_empty()) {
        if fs::remove_dir(dir.join(p)).is_err() {
            break;
        }
        parent = p.parent();
    }
}

/// Whether the record in `dir` lists `key` with the digest of its current content.
#[cfg(test)]
pub(crate) fn recorded(dir: &Path, key: &str) -> bool {
    let record = fs::read_to_string(dir.join(RECORD))
        .ok()
        .and_then(|text| Ownership::parse(&text).ok());
    let bytes = fs::read(dir.join(key)).ok();
    matches!((record, bytes), (Some(r), Some(b)) if r.owns_unchanged(key, &b))
}

#[cfg(test)]
#[path = "import_write_tests.rs"]
mod tests;
