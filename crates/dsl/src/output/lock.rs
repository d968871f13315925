//! One writer at a time: an advisory lock on the output root directory itself.
//!
//! `emit` holds an exclusive lock while it recovers, plans and writes; `check` holds a
//! shared one while it reads, so it never compares against a tree half-way through a
//! switch. The lock is `flock(2)` on the directory (no lock file is left behind) and is
//! released when the [`OutputLock`] is dropped or the process dies.

use std::fs::{self, File, TryLockError};
use std::path::Path;

use super::{io_err, TreeError};

/// A held lock on an output root.
#[derive(Debug)]
pub struct OutputLock {
    _dir: File,
}

impl OutputLock {
    /// Takes the exclusive (writer) lock, creating `root` if needed. If another process
    /// holds the lock, calls `waiting` once and then blocks until it is released.
    pub fn exclusive(root: &Path, waiting: impl FnOnce()) -> Result<OutputLock, TreeError> {
        fs::create_dir_all(root).map_err(io_err("create directory", root))?;
        Self::take(root, true, waiting)
    }

    /// Takes a shared (reader) lock; `None` when `root` does not exist.
    pub fn shared(root: &Path, waiting: impl FnOnce()) -> Result<Option<OutputLock>, TreeError> {
        if !root.is_dir() {
            return Ok(None);
        }
        Self::take(root, false, waiting).map(Some)
    }

    fn take(root: &Path, exclusive: bool, waiting: impl FnOnce()) -> Result<OutputLock, TreeError> {
        let dir = File::open(root).map_err(io_err("open", root))?;
        let attempt = if exclusive {
            dir.try_lock()
        } else {
            dir.try_lock_shared()
        };
        match attempt {
            Ok(()) => {}
            Err(TryLockError::WouldBlock) => {
                waiting();
                if exclusive {
                    dir.lock().map_err(io_err("lock", root))?;
                } else {
                    dir.lock_shared().map_err(io_err("lock", root))?;
                }
            }
            Err(TryLockError::Error(e)) => return Err(io_err("lock", root)(e)),
        }
        Ok(OutputLock { _dir: dir })
    }
}
