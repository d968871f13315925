//! rustfmt over the written modules: in batches, started while the import goes on.
//!
//! A rustfmt process takes about 20 ms to start (it loads the compiler's libraries) and one
//! process over many files slows down per file, so modules go to rustfmt six at a time, as
//! files in a temporary directory: the thread that completes a batch formats it while the
//! other threads go on importing. A text rustfmt cannot format (or no rustfmt at all) stays
//! as written.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Mutex;

/// Modules a rustfmt process formats at once.
const BATCH: usize = 6;

/// Formats module texts, identified by an index, as they come.
pub struct Formatter {
    rustfmt: PathBuf,
    /// The temporary directory (removed on drop); `None` when it cannot be made.
    dir: Option<PathBuf>,
    pending: Mutex<Vec<(usize, String)>>,
    done: Mutex<BTreeMap<usize, String>>,
}

impl Formatter {
    /// A formatter running `rustfmt`.
    pub fn new(rustfmt: PathBuf) -> Formatter {
        static RUN: AtomicUsize = AtomicUsize::new(0);
        let dir = std::env::temp_dir().join(format!(
            "kairn-import-fmt-{}-{}",
            std::process::id(),
            RUN.fetch_add(1, Ordering::Relaxed)
        ));
        let dir = std::fs::create_dir_all(&dir).is_ok().then_some(dir);
        Formatter {
            rustfmt,
            dir,
            pending: Mutex::new(Vec::new()),
            done: Mutex::new(BTreeMap::new()),
        }
    }

    /// Queues text `index`; when that fills a batch, formats the batch on this thread.
    pub fn add(&self, index: usize, text: String) {
        let full = {
            let mut pending = self.pending.lock().unwrap_or_else(|p| p.into_inner());
            pending.push((index, text));
            if pending.len() >= BATCH {
                std::mem::take(&mut *pending)
            } else {
                Vec::new()
            }
        };
        if !full.is_empty() {
            self.format(full);
        }
    }

    /// Formats what is still queued (spread over the threads) and returns every text added,
    /// by index.
    pub fn finish(self) -> BTreeMap<usize, String> {
        let rest = std::mem::take(&mut *self.pending.lock().unwrap_or_else(|p| p.into_inner()));
        let shares = dsl::parallel::threads().clamp(1, rest.len().max(1));
        let mut parts: Vec<Vec<(usize, String)>> = vec![Vec::new(); shares];
        for (n, item) in rest.into_iter().enumerate() {
            parts[n % shares].push(item);
        }
        dsl::parallel::map(&parts, |part| self.format(part.clone()));
        std::mem::take(&mut *self.done.lock().unwrap_or_else(|p| p.into_inner()))
    }

    fn format(&self, items: Vec<(usize, String)>) {
        if items.is_empty() {
            return;
        }
        let file = |dir: &Path, i: usize| dir.join(format!("m{i}.rs"));
        let formatted: Vec<(usize, String)> = match &self.dir {
            Some(dir)
                if items
                    .iter()
                    .all(|(i, t)| std::fs::write(file(dir, *i), t).is_ok()) =>
            {
                // rustfmt writes each file it formats; one it cannot is left as it was.
                let _ = std::process::Command::new(&self.rustfmt)
                    .args(["--edition", "2021"])
                    .args(items.iter().map(|(i, _)| file(dir, *i)))
                    .stdout(std::process::Stdio::null())
                    .stderr(std::process::Stdio::null())
                    .status();
                items
                    .into_iter()
                    .map(|(i, t)| {
                        let out = std::fs::read_to_string(file(dir, i)).unwrap_or(t);
                        let _ = std::fs::remove_file(file(dir, i));
                        (i, out)
                    })
                    .collect()
            }
            _ => items,
        };
        self.done
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .extend(formatted);
    }
}

impl Drop for Formatter {
    fn drop(&mut self) {
        if let Some(dir) = &self.dir {
            let _ = std::fs::remove_dir_all(dir);
        }
    }
}
