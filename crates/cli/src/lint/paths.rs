//! Real paths (symbolic links, `.` and `..` resolved), shared by discovery, the configs and
//! the loader, which ask about the same files and directories many times over.
//!
//! A file or directory that is not a symbolic link is its parent's real path joined with its
//! name: each directory is resolved once, and every answer is kept for the whole run (one
//! `lstat` per path instead of `realpath`'s walk over every component each time; on 14,700
//! files that walk was a quarter of `lint`'s wall time).

use std::collections::HashMap;
use std::ffi::OsString;
use std::fs;
use std::path::{Component, Path, PathBuf};
use std::sync::{Mutex, MutexGuard, OnceLock};

// Keyed by the path's text: hashing a `Path` walks its components.
type Answers = HashMap<OsString, Option<PathBuf>>;

fn answers() -> MutexGuard<'static, Answers> {
    static ANSWERS: OnceLock<Mutex<Answers>> = OnceLock::new();
    ANSWERS
        .get_or_init(Mutex::default)
        .lock()
        // An answer is inserted whole or not at all.
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}

/// The real path of `p` (as [`fs::canonicalize`] gives it), `None` when it cannot be
/// resolved (it does not exist, or a directory on the way cannot be read).
pub fn real(p: &Path) -> Option<PathBuf> {
    if let Some(known) = answers().get(p.as_os_str()) {
        return known.clone();
    }
    let found = resolve(p);
    answers().insert(p.as_os_str().to_owned(), found.clone());
    found
}

fn resolve(p: &Path) -> Option<PathBuf> {
    let slow = || fs::canonicalize(p).ok();
    // Only a path ending in a plain name (not `.`, `..`, a trailing `/`), under a parent.
    let (Some(parent), Some(Component::Normal(name))) = (p.parent(), p.components().next_back())
    else {
        return slow();
    };
    if parent.as_os_str().is_empty()
        || !p
            .as_os_str()
            .as_encoded_bytes()
            .ends_with(name.as_encoded_bytes())
    {
        return slow();
    }
    match fs::symlink_metadata(p) {
        Ok(m) if !m.file_type().is_symlink() => real(parent).map(|dir| dir.join(name)),
        _ => slow(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn answers_agree_with_canonicalize() {
        let root = std::env::temp_dir().join(format!("kairn-lint-paths-{}", std::process::id()));
        let _ = fs::remove_dir_all(&root);
        fs::create_dir_all(root.join("a/b")).unwrap();
        fs::write(root.join("a/b/f.yaml"), "").unwrap();
        let mut cases = vec![
            root.join("a/b/f.yaml"),
            root.join("a/b"),
            root.join("a/./b/f.yaml"),
            root.join("a/b/../b/f.yaml"),
            root.join("a/b/"),
            root.join("a/missing.yaml"),
            root.join("missing/f.yaml"),
            PathBuf::from("/"),
        ];
        #[cfg(unix)]
        {
            std::os::unix::fs::symlink(root.join("a/b"), root.join("link")).unwrap();
            std::os::unix::fs::symlink(root.join("a/b/f.yaml"), root.join("a/flink.yaml")).unwrap();
            std::os::unix::fs::symlink(root.join("nowhere"), root.join("a/broken.yaml")).unwrap();
            cases.extend([
                root.join("link/f.yaml"),
                root.join("link"),
                root.join("a/flink.yaml"),
                root.join("a/broken.yaml"),
            ]);
        }
        for p in &cases {
            // Twice: the second answer comes from what the first one kept.
            for _ in 0..2 {
                assert_eq!(real(p), fs::canonicalize(p).ok(), "{}", p.display());
            }
        }
        let _ = fs::remove_dir_all(&root);
    }
}
