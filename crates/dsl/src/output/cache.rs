//! `emit`'s cache: environments whose declaration is unchanged since the last emit are
//! neither rendered, validated nor serialised again, and their directories are not read.
//!
//! After a successful `emit`, each environment's entry records
//! - its **key**: SHA-256 over the binary that ran (path, size, modification time, inode:
//!   any rebuild changes it, so a change to kairn, to a `customize` closure or to any
//!   code of the team's crates is never served from the cache), the `--set` inputs, the
//!   emit command named in the files, the app id, the environment and the declaration
//!   itself ([`App::digest`]: its `Debug` form, every setting and `declared at` line);
//! - its **findings** (waived ones too) and object count, printed again on a hit exactly
//!   as validation printed them;
//! - the **listing** of the files emit wrote in its directory: each one's name, size and
//!   modification time (nanoseconds).
//!
//! A later `emit` or `check` whose key matches reuses the findings. Under the output lock
//! it reads the listing again: when every file is still a file of the recorded size and
//! time and no staging directory of an interrupted emit is beside the directory, it is
//! planned as current without being read ([`super::Unit::known_current`]); otherwise the
//! environment is rendered and planned as usual. Files of the user's own in the directory
//! change nothing either way (emit keeps them). A hand edit changes a file's modification
//! time, so it is never hidden (the way `git status` trusts its index). An entry is
//! recorded only when every file still holds what emit wrote (read back between two
//! identical listings) and the newest is more than 100 ms older than the listing (2 s on
//! a file system with whole-second times): an edit in the same tick of the file system's
//! clock would keep the recorded time ("racily clean", in git's words). A later emit
//! records such a directory.
//!
//! `kairn emit` and `kairn check` use it (`cli/src/emit.rs`); it lives here, beside the
//! writer, so that it runs with `dsl`'s optimisation in a team's dev profile.
//!
//! The cache lives beside the binary (`<target>/<profile>/kairn-cache/`, one directory
//! per output root) or in `KAIRN_CACHE_DIR`; `KAIRN_CACHE_DIR=` (empty) turns it off.
//! Only `emit` into a tree writes it; `check` only reads it. A missing, unreadable or
//! stale entry is a miss, never an error. It assumes what kairn asks of declarations
//! anyway: they read run-time values only through `--set` inputs, and `customize`
//! closures depend only on the object they are given and on what they capture from the
//! declaration.

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};

use lint::{Finding, Note, Report, Severity};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use super::ownership::hex;
use crate::model::app::App;
use crate::registry::Inputs;

/// Version of the entry format and of what the key covers; part of every key.
const FORMAT: &str = "kairn emit cache 2";

/// An opened cache for one output root.
pub struct Cache {
    dir: PathBuf,
    build: String,
}

/// One environment's key.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Key(String);

/// What an entry holds for a matching key.
pub struct Hit {
    /// The environment's findings as validation reported them.
    pub report: Report,
    /// Its object count.
    pub objects: usize,
    /// The files kairn wrote in its directory (relative paths).
    pub files: Vec<String>,
    listing: Vec<String>,
}

#[derive(Serialize, Deserialize)]
struct Entry {
    key: String,
    objects: usize,
    findings: Vec<StoredFinding>,
    notes: Vec<StoredNote>,
    listing: Vec<String>,
}

/// [`Finding`] as stored (its rule id as text).
#[derive(Serialize, Deserialize)]
struct StoredFinding {
    rule: String,
    error: bool,
    app: Option<String>,
    environment: Option<String>,
    kind: String,
    name: String,
    namespace: Option<String>,
    field: String,
    message: String,
    fix: String,
    declared_at: Option<String>,
    customized_at: Vec<String>,
    file: Option<String>,
    line: Option<u64>,
    waived: Option<String>,
    unit: Option<String>,
}

#[derive(Serialize, Deserialize)]
struct StoredNote {
    file: Option<String>,
    line: Option<u64>,
    message: String,
}

impl StoredFinding {
    fn of(f: &Finding) -> Self {
        StoredFinding {
            rule: f.rule.to_owned(),
            error: f.severity == Severity::Error,
            app: f.app.clone(),
            environment: f.environment.clone(),
            kind: f.kind.clone(),
            name: f.name.clone(),
            namespace: f.namespace.clone(),
            field: f.field.clone(),
            message: f.message.clone(),
            fix: f.fix.clone(),
            declared_at: f.declared_at.clone(),
            customized_at: f.customized_at.clone(),
            file: f.file.clone(),
            line: f.line,
            waived: f.waived.clone(),
            unit: f.unit.clone(),
        }
    }

    /// The finding, when its rule still exists.
    fn finding(self) -> Option<Finding> {
        Some(Finding {
            rule: lint::rule(&self.rule)?.id,
            severity: if self.error {
                Severity::Error
            } else {
                Severity::Warning
            },
            app: self.app,
            environment: self.environment,
            kind: self.kind,
            name: self.name,
            namespace: self.namespace,
            field: self.field,
            message: self.message,
            fix: self.fix,
            declared_at: self.declared_at,
            customized_at: self.customized_at,
            file: self.file,
            line: self.line,
            waived: self.waived,
            unit: self.unit,
        })
    }
}

/// What identifies the running binary: path, size, modification time and inode.
fn binary_identity() -> Option<String> {
    let exe = std::env::current_exe().ok()?;
    let meta = fs::metadata(&exe).ok()?;
    let modified = nanos(meta.modified().ok()?)?;
    #[cfg(unix)]
    let inode = {
        use std::os::unix::fs::MetadataExt;
        (meta.dev(), meta.ino())
    };
    #[cfg(not(unix))]
    let inode = (0u64, 0u64);
    Some(format!(
        "{}\0{}\0{modified}\0{inode:?}",
        exe.display(),
        meta.len()
    ))
}

/// Where entries live: `KAIRN_CACHE_DIR`, else `kairn-cache` beside the binary; `None`
/// when `KAIRN_CACHE_DIR` is set empty.
fn base_dir() -> Option<PathBuf> {
    match std::env::var_os("KAIRN_CACHE_DIR") {
        Some(dir) if dir.is_empty() => None,
        Some(dir) => Some(PathBuf::from(dir)),
        None => Some(std::env::current_exe().ok()?.parent()?.join("kairn-cache")),
    }
}

impl Cache {
    /// The cache of output root `root` for this binary and these inputs; `None` when it
    /// is turned off or the binary cannot be identified.
    pub fn open(root: &Path, inputs: &Inputs) -> Option<Cache> {
        let base = base_dir()?;
        let root = std::path::absolute(root).unwrap_or_else(|_| root.to_path_buf());
        let root_id = hex(&Sha256::digest(root.to_string_lossy().as_bytes()));
        let mut build = Sha256::new();
        build.update(FORMAT.as_bytes());
        build.update([0]);
        build.update(binary_identity()?.as_bytes());
        build.update([0]);
        build.update(super::emit_command().as_bytes());
        for key in inputs.keys() {
            build.update([0]);
            build.update(key.as_bytes());
            build.update([0]);
            build.update(inputs.get(key).unwrap_or_default().as_bytes());
        }
        Some(Cache {
            dir: base.join(&root_id[..16]),
            build: hex(&build.finalize()),
        })
    }

    /// The key of one declared environment.
    pub fn key(&self, id: &str, app: &App) -> Key {
        let mut h = Sha256::new();
        h.update(self.build.as_bytes());
        h.update([0]);
        h.update(id.as_bytes());
        h.update([0]);
        h.update(app.environment.as_str().as_bytes());
        h.update([0]);
        h.update(app.digest());
        Key(hex(&h.finalize()))
    }

    fn entry_path(&self, id: &str, env: &str) -> PathBuf {
        self.dir.join(id).join(format!("{env}.json"))
    }

    /// The entry of `id`/`env` when its key is `key`.
    pub fn load(&self, id: &str, env: &str, key: &Key) -> Option<Hit> {
        let text = fs::read(self.entry_path(id, env)).ok()?;
        let entry: Entry = serde_json::from_slice(&text).ok()?;
        if entry.key != key.0 {
            return None;
        }
        let findings = entry
            .findings
            .into_iter()
            .map(StoredFinding::finding)
            .collect::<Option<Vec<_>>>()?;
        let notes = entry
            .notes
            .into_iter()
            .map(|n| Note {
                file: n.file,
                line: n.line,
                message: n.message,
            })
            .collect();
        Some(Hit {
            report: Report { findings, notes },
            objects: entry.objects,
            // Each listing line starts with the file's name (a name has no tab: `listing`).
            files: entry
                .listing
                .iter()
                .map(|line| line.split('\t').next().unwrap_or_default().to_owned())
                .collect(),
            listing: entry.listing,
        })
    }

    /// Records a successfully emitted environment: its findings and its directory as it
    /// is now, provided every file still holds what emit wrote (`files`, read back
    /// between two identical listings) and is not racily clean. Failing to record is
    /// not an error: the next emit renders the environment again.
    #[allow(clippy::too_many_arguments)]
    pub fn store(
        &self,
        dir: &Path,
        id: &str,
        env: &str,
        key: &Key,
        report: &Report,
        objects: usize,
        files: &BTreeMap<String, String>,
    ) {
        let names: Vec<String> = files.keys().cloned().collect();
        let listed_at = nanos(std::time::SystemTime::now()).unwrap_or(0);
        let Some((before, newest, coarse)) = listing(dir, &names) else {
            return;
        };
        // Racily clean (as git calls it): an edit in the same tick of the file system's
        // clock as emit's write would keep the recorded time. Such a directory is
        // recorded by a later emit, once its files are older.
        let window = if coarse {
            COARSE_RACY_NANOS
        } else {
            RACY_NANOS
        };
        if newest.saturating_add(window) > listed_at {
            return;
        }
        // A hand edit during this emit, after its write: not emit's content.
        let written = files.iter().all(|(name, content)| {
            fs::read(dir.join(name)).is_ok_and(|bytes| bytes == content.as_bytes())
        });
        if !written || listing(dir, &names).is_none_or(|(again, _, _)| again != before) {
            return;
        }
        let entry = Entry {
            key: key.0.clone(),
            objects,
            findings: report.findings.iter().map(StoredFinding::of).collect(),
            notes: report
                .notes
                .iter()
                .map(|n| StoredNote {
                    file: n.file.clone(),
                    line: n.line,
                    message: n.message.clone(),
                })
                .collect(),
            listing: before,
        };
        let path = self.entry_path(id, env);
        let Some(parent) = path.parent() else { return };
        let Ok(text) = serde_json::to_vec(&entry) else {
            return;
        };
        let temp = parent.join(format!(".{env}.json.{}", std::process::id()));
        if fs::create_dir_all(parent).is_ok()
            && fs::write(&temp, text).is_ok()
            && fs::rename(&temp, &path).is_err()
        {
            let _ = fs::remove_file(&temp);
        }
    }
}

impl Hit {
    /// Whether `dir` is exactly as this entry recorded it, with no leftover of an
    /// interrupted emit beside it (a `.`-named entry of its parent): then it needs no
    /// reading. Call under the output lock.
    pub fn still_current(&self, dir: &Path) -> bool {
        let (Some(parent), Some(name)) = (dir.parent(), dir.file_name()) else {
            return false;
        };
        let stage = format!(".{}", name.to_string_lossy());
        let Ok(beside) = fs::read_dir(parent) else {
            return false;
        };
        for entry in beside {
            let Ok(entry) = entry else { return false };
            if entry.file_name().to_string_lossy().starts_with(&stage) {
                return false;
            }
        }
        listing(dir, &self.files).is_some_and(|(now, _, _)| now == self.listing)
    }
}

/// How much older than the listing every entry must be for it to be recorded: more than
/// a tick of the clock that stamps files (at most 10 ms on Linux) on file systems with
/// sub-second times, and more than the coarsest resolution (2 s, FAT) on the others.
const RACY_NANOS: u128 = 100_000_000;
const COARSE_RACY_NANOS: u128 = 2_000_000_000;

fn nanos(t: std::time::SystemTime) -> Option<u128> {
    Some(t.duration_since(std::time::UNIX_EPOCH).ok()?.as_nanos())
}

/// `name<TAB>size<TAB>modified-ns` of each of `files` in `dir` (each must be a regular
/// file, its name without a tab), the newest modification time, and whether every time
/// is a whole second (a file system with coarse times).
fn listing(dir: &Path, files: &[String]) -> Option<(Vec<String>, u128, bool)> {
    let mut out = Vec::with_capacity(files.len());
    let mut newest = 0;
    let mut coarse = true;
    for name in files {
        if name.contains('\t') {
            return None;
        }
        let meta = fs::symlink_metadata(dir.join(name)).ok()?;
        if !meta.is_file() {
            return None;
        }
        let modified = nanos(meta.modified().ok()?)?;
        newest = newest.max(modified);
        coarse &= modified % 1_000_000_000 == 0;
        out.push(format!("{name}\t{}\t{modified}", meta.len()));
    }
    Some((out, newest, coarse))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn findings_round_trip_through_an_entry() {
        let finding = Finding {
            rule: lint::RULES[0].id,
            severity: lint::RULES[0].severity,
            app: Some("shop".into()),
            environment: Some("production".into()),
            kind: "Deployment".into(),
            name: "web".into(),
            namespace: Some("shop".into()),
            field: "spec.replicas".into(),
            message: "m".into(),
            fix: "f".into(),
            declared_at: Some("src/shop.rs:3".into()),
            customized_at: vec!["src/shop.rs:9".into()],
            file: None,
            line: None,
            waived: Some("why".into()),
            unit: None,
        };
        let stored = serde_json::to_vec(&StoredFinding::of(&finding)).unwrap();
        let back: StoredFinding = serde_json::from_slice(&stored).unwrap();
        assert_eq!(back.finding(), Some(finding));
    }

    #[test]
    fn only_what_emit_wrote_and_is_not_racily_clean_is_recorded() {
        let base = std::env::temp_dir().join(format!("kairn-cache-unit-{}", std::process::id()));
        let _ = fs::remove_dir_all(&base);
        let dir = base.join("out/shop/production");
        fs::create_dir_all(&dir).unwrap();
        let file = dir.join("a.yaml");
        fs::write(&file, "a: 1\n").unwrap();
        let cache = Cache {
            dir: base.join("cache"),
            build: "b".into(),
        };
        let key = Key("k".into());
        let store = |content: &str| {
            let files = BTreeMap::from([("a.yaml".to_owned(), content.to_owned())]);
            cache.store(
                &dir,
                "shop",
                "production",
                &key,
                &Report::default(),
                1,
                &files,
            );
            cache.load("shop", "production", &key).is_some()
        };
        // Just written: racily clean.
        assert!(!store("a: 1\n"));
        let past = std::time::SystemTime::now() - std::time::Duration::from_secs(3600);
        fs::File::open(&file).unwrap().set_modified(past).unwrap();
        // Not what emit wrote (edited after the write): never recorded.
        assert!(!store("a: 2\n"));
        assert!(store("a: 1\n"));
        let hit = cache.load("shop", "production", &key).unwrap();
        assert!(hit.still_current(&dir));
        fs::write(&file, "a: 3\n").unwrap();
        assert!(!hit.still_current(&dir));
        assert!(cache
            .load("shop", "production", &Key("other".into()))
            .is_none());
        let _ = fs::remove_dir_all(&base);
    }
}
