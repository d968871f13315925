//! Finding the YAML files under the paths given: directories searched in name order,
//! symbolic links followed once, nothing skipped silently.

use std::collections::HashMap;
use std::fs::{self, Metadata};
use std::path::{Path, PathBuf};

use super::input::io_text;
use super::LoadError;

/// What [`collect_files`] found under the given paths.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Collected {
    /// The files to read, in a deterministic order: the paths as given, each directory
    /// depth-first with its entries sorted by name.
    pub files: Vec<PathBuf>,
    /// Paths that could not be searched or followed (unreadable directory, broken symbolic
    /// link, special file named `*.yaml`): the set is not fully checked.
    pub errors: Vec<LoadError>,
    /// Paths passed over because what they lead to is read anyway (a symbolic link back to
    /// a directory being searched, a second way to a directory or file already found).
    pub notes: Vec<LoadError>,
}

#[cfg(unix)]
type FileId = (u64, u64);
#[cfg(not(unix))]
type FileId = PathBuf;

/// What identifies a file or directory, whatever the path to it.
#[cfg(unix)]
fn file_id(_path: &Path, meta: &Metadata) -> Option<FileId> {
    use std::os::unix::fs::MetadataExt;
    Some((meta.dev(), meta.ino()))
}

#[cfg(not(unix))]
fn file_id(path: &Path, _meta: &Metadata) -> Option<FileId> {
    fs::canonicalize(path).ok()
}

fn is_yaml_name(path: &Path) -> bool {
    path.extension().is_some_and(|e| e == "yaml" || e == "yml")
}

fn special_kind(meta: &Metadata) -> &'static str {
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        let t = meta.file_type();
        if t.is_fifo() {
            return "a FIFO (named pipe)";
        }
        if t.is_char_device() {
            return "a character device";
        }
        if t.is_block_device() {
            return "a block device";
        }
        if t.is_socket() {
            return "a socket";
        }
    }
    let _ = meta;
    "not a regular file"
}

#[derive(Default)]
struct Walk {
    out: Collected,
    dirs: HashMap<FileId, PathBuf>,
    files: HashMap<FileId, PathBuf>,
}

impl Walk {
    fn error(&mut self, path: &Path, message: String) {
        self.out.errors.push(LoadError {
            file: path.display().to_string(),
            line: None,
            message,
        });
    }

    fn note(&mut self, path: &Path, message: String) {
        self.out.notes.push(LoadError {
            file: path.display().to_string(),
            line: None,
            message,
        });
    }

    /// Adds a file once, however many paths lead to it.
    fn file(&mut self, path: &Path, meta: &Metadata) {
        if meta.is_file() {
            if let Some(id) = file_id(path, meta) {
                if let Some(first) = self.files.get(&id) {
                    let first = first.display().to_string();
                    self.note(path, format!("not read again: same file as {first}"));
                    return;
                }
                self.files.insert(id, path.to_owned());
            }
        }
        self.out.files.push(path.to_owned());
    }

    /// Whether to search a directory: not when it was reached before.
    fn enter(&mut self, dir: &Path, meta: &Metadata) -> bool {
        let Some(id) = file_id(dir, meta) else {
            return true;
        };
        match self.dirs.get(&id) {
            None => {
                self.dirs.insert(id, dir.to_owned());
                true
            }
            Some(first) => {
                let first = first.clone();
                let message = if dir != first && dir.starts_with(&first) {
                    format!(
                        "not followed: symbolic link loop back to {}, which is searched once",
                        first.display()
                    )
                } else {
                    format!("not searched again: same directory as {}", first.display())
                };
                self.note(dir, message);
                false
            }
        }
    }

    /// The sorted entries of a directory, or `None` (reported) when it cannot be read.
    fn entries(&mut self, dir: &Path) -> Option<Vec<PathBuf>> {
        let reader = match fs::read_dir(dir) {
            Ok(r) => r,
            Err(e) => {
                self.error(
                    dir,
                    format!(
                        "cannot read directory: {}; its files are not checked",
                        io_text(&e)
                    ),
                );
                return None;
            }
        };
        let mut entries = Vec::new();
        for entry in reader {
            match entry {
                Ok(e) => entries.push(e.path()),
                Err(e) => self.error(
                    dir,
                    format!("cannot list every entry of the directory: {}", io_text(&e)),
                ),
            }
        }
        entries.sort();
        Some(entries)
    }

    /// Searches a directory tree depth-first, with an explicit stack rather than recursion
    /// (no depth limit: loops are cut by remembering every directory searched).
    fn tree(&mut self, root: &Path, meta: &Metadata) {
        if !self.enter(root, meta) {
            return;
        }
        let mut stack = Vec::new();
        if let Some(entries) = self.entries(root) {
            stack.push(entries.into_iter());
        }
        while let Some(top) = stack.last_mut() {
            let Some(path) = top.next() else {
                stack.pop();
                continue;
            };
            let (link, own) = match fs::symlink_metadata(&path) {
                Ok(m) if m.file_type().is_symlink() => (true, None),
                Ok(m) => (false, Some(m)),
                Err(e) => {
                    self.error(&path, format!("cannot read: {}", io_text(&e)));
                    continue;
                }
            };
            // What is not a link is what `lstat` read: no second `stat`.
            let meta = match own.map_or_else(|| fs::metadata(&path), Ok) {
                Ok(m) => m,
                Err(e) if link => {
                    self.error(
                        &path,
                        format!(
                            "cannot follow symbolic link: {}; what it points to is not checked",
                            io_text(&e)
                        ),
                    );
                    continue;
                }
                Err(e) => {
                    self.error(&path, format!("cannot read: {}", io_text(&e)));
                    continue;
                }
            };
            if meta.is_dir() {
                if self.enter(&path, &meta) {
                    if let Some(entries) = self.entries(&path) {
                        stack.push(entries.into_iter());
                    }
                }
            } else if !is_yaml_name(&path) {
                // Not a manifest: README.md, Chart.lock, ...
            } else if meta.is_file() {
                self.file(&path, &meta);
            } else {
                let kind = special_kind(&meta);
                self.error(
                    &path,
                    format!(
                        "not read: {kind}, not a regular file; name it on the command line to read it"
                    ),
                );
            }
        }
    }
}

/// The YAML files under the given paths: files as given (special files such as
/// `/dev/stdin` included), directories searched to any depth for `*.yaml` and `*.yml`.
/// Symbolic links are followed; a directory or file reached a second time (a link loop,
/// two links to one place) is read once and noted. Nothing is skipped silently: every
/// path that cannot be searched or followed is an error, and the search goes on.
pub fn collect_files(paths: &[PathBuf]) -> Collected {
    let mut walk = Walk::default();
    for p in paths {
        let meta = match fs::metadata(p) {
            Ok(m) => m,
            Err(e) => {
                walk.error(p, format!("cannot read: {}", io_text(&e)));
                continue;
            }
        };
        if meta.is_dir() {
            let before = (
                walk.out.files.len(),
                walk.out.errors.len(),
                walk.out.notes.len(),
            );
            walk.tree(p, &meta);
            let after = (
                walk.out.files.len(),
                walk.out.errors.len(),
                walk.out.notes.len(),
            );
            if before == after {
                walk.error(p, "no *.yaml or *.yml files found".to_owned());
            }
        } else {
            walk.file(p, &meta);
        }
    }
    walk.out
}
