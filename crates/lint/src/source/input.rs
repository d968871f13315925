//! Reading files and streams within limits, and parsing them on every core in file order.

use std::fs;
use std::io::{self, Read};
use std::path::{Path, PathBuf};

use super::{parse_str, LoadError, Loaded};

/// Most bytes `lint` reads from one file or from standard input: 64 MiB. Kubernetes stores
/// an object in at most 1.5 MiB (etcd's request limit), so real manifests are far smaller.
pub const MAX_FILE_BYTES: u64 = 64 << 20;

/// Most bytes `lint` reads from all files and streams together: 512 MiB.
pub const MAX_TOTAL_BYTES: u64 = 512 << 20;

/// How much input an [`Input`] reads.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Limits {
    /// Most bytes from one file or stream.
    pub file_bytes: u64,
    /// Most bytes from all files and streams together.
    pub total_bytes: u64,
}

impl Default for Limits {
    /// [`MAX_FILE_BYTES`] and [`MAX_TOTAL_BYTES`].
    fn default() -> Self {
        Limits {
            file_bytes: MAX_FILE_BYTES,
            total_bytes: MAX_TOTAL_BYTES,
        }
    }
}

impl Limits {
    /// One sentence stating the limits, e.g. for `--help` and error messages.
    pub fn describe(&self) -> String {
        format!(
            "lint reads at most {} from each file or from standard input, and {} in all",
            size(self.file_bytes),
            size(self.total_bytes)
        )
    }
}

/// `64 MiB`, `12 KiB` or `1000 bytes`.
pub(super) fn size(bytes: u64) -> String {
    const KIB: u64 = 1 << 10;
    const MIB: u64 = 1 << 20;
    const GIB: u64 = 1 << 30;
    match bytes {
        0 => "0 bytes".to_owned(),
        1 => "1 byte".to_owned(),
        b if b % GIB == 0 => format!("{} GiB", b / GIB),
        b if b % MIB == 0 => format!("{} MiB", b / MIB),
        b if b % KIB == 0 => format!("{} KiB", b / KIB),
        b => format!("{b} bytes"),
    }
}

/// An I/O error's text without the trailing ` (os error N)`.
pub(super) fn io_text(e: &io::Error) -> String {
    let text = e.to_string();
    match text.rfind(" (os error ") {
        Some(i) if text.ends_with(')') => text[..i].to_owned(),
        _ => text,
    }
}

/// Reads `lint` input within [`Limits`]: every file or stream is read through
/// [`Read::take`], so an endless or huge input (`/dev/zero`, `cat /dev/zero | kairn lint -`)
/// stops at the limit without being held in memory first.
#[derive(Clone, Debug)]
pub struct Input {
    limits: Limits,
    used: u64,
}

impl Default for Input {
    fn default() -> Self {
        Input::new(Limits::default())
    }
}

impl Input {
    /// Reads nothing yet.
    pub fn new(limits: Limits) -> Self {
        Input { limits, used: 0 }
    }

    /// Bytes read so far, over all files and streams.
    pub fn used(&self) -> u64 {
        self.used
    }

    /// Whether the total limit is used up, so that only empty inputs can still be read.
    pub fn exhausted(&self) -> bool {
        self.used >= self.limits.total_bytes
    }

    /// Reads one file or stream as UTF-8 text: at most the per-file limit and what is left
    /// of the total limit, or an error naming the limit.
    pub fn read_text(&mut self, label: &str, reader: impl Read) -> Result<String, LoadError> {
        self.read_text_sized(label, reader, 0)
    }

    /// [`Input::read_text`] into a buffer of `size` bytes to begin with (a file's length:
    /// one read instead of a doubling series).
    fn read_text_sized(
        &mut self,
        label: &str,
        reader: impl Read,
        size_hint: u64,
    ) -> Result<String, LoadError> {
        let left = self.limits.total_bytes.saturating_sub(self.used);
        let cap = self.limits.file_bytes.min(left);
        let error = |message: String| LoadError {
            file: label.to_owned(),
            line: None,
            message,
        };
        let mut bytes =
            Vec::with_capacity(usize::try_from(size_hint.min(cap).saturating_add(1)).unwrap_or(0));
        let read = reader.take(cap.saturating_add(1)).read_to_end(&mut bytes);
        self.used = self.used.saturating_add((bytes.len() as u64).min(cap));
        if let Err(e) = read {
            return Err(error(format!("cannot read: {}", io_text(&e))));
        }
        if bytes.len() as u64 > cap {
            return Err(error(if cap == self.limits.file_bytes {
                format!(
                    "larger than {} (the per-file limit); {}: split it, or lint its parts one by one",
                    size(self.limits.file_bytes),
                    self.limits.describe()
                )
            } else {
                format!(
                    "not read in full: together with the inputs before it, it exceeds {} (the limit for all input); {}: lint fewer files at once",
                    size(self.limits.total_bytes),
                    self.limits.describe()
                )
            }));
        }
        String::from_utf8(bytes).map_err(|e| {
            let valid = &e.as_bytes()[..e.utf8_error().valid_up_to()];
            let line = valid.iter().filter(|b| **b == b'\n').count() as u64 + 1;
            LoadError {
                file: label.to_owned(),
                line: Some(line),
                message: "not UTF-8 text".to_owned(),
            }
        })
    }

    /// Reads and parses one file or stream into `into`.
    pub fn load(
        &mut self,
        label: &str,
        reader: impl Read,
        into: &mut Loaded,
    ) -> Result<(), LoadError> {
        let text = self.read_text(label, reader)?;
        let loaded = parse_str(label, &text)?;
        into.documents.extend(loaded.documents);
        into.skipped.extend(loaded.skipped);
        Ok(())
    }

    /// Opens, reads and parses one file into `into`. Special files (a FIFO, `/dev/stdin`,
    /// `/dev/zero`) are read like any other, up to the limits.
    pub fn load_file(&mut self, path: &Path, into: &mut Loaded) -> Result<(), LoadError> {
        let (label, text) = self.read_file(path)?;
        let loaded = parse_str(&label, &text)?;
        into.documents.extend(loaded.documents);
        into.skipped.extend(loaded.skipped);
        Ok(())
    }

    /// Opens and reads one file: its label (the path as given) and text.
    fn read_file(&mut self, path: &Path) -> Result<(String, String), LoadError> {
        let label = path.display().to_string();
        let file = fs::File::open(path).map_err(|e| LoadError {
            file: label.clone(),
            line: None,
            message: format!("cannot read: {}", io_text(&e)),
        })?;
        let len = file.metadata().map_or(0, |m| m.len());
        let text = self.read_text_sized(&label, file, len)?;
        Ok((label, text))
    }
}

/// Reads and parses files within the default [`Limits`]; every unreadable, oversized or
/// malformed file is reported, the rest load.
pub fn load_files(files: &[PathBuf]) -> (Loaded, Vec<LoadError>) {
    let mut input = Input::default();
    let mut loaded = Loaded::default();
    let errors = load_files_with(&mut input, files, &mut loaded);
    (loaded, errors)
}

/// Reads and parses files through `input` into `into`, returning what could not be read.
/// Once the total limit is used up, the files left are reported in one error.
pub fn load_files_with(input: &mut Input, files: &[PathBuf], into: &mut Loaded) -> Vec<LoadError> {
    // Read in order (the limits count bytes in file order) while other threads parse
    // what was read so far, and keep the file order in what comes out.
    let mut next = 0;
    let mut stopped = false;
    let reads = std::iter::from_fn(|| {
        let f = files.get(next).filter(|_| !stopped)?;
        next += 1;
        if input.exhausted() {
            // One error for this file and the ones after it; nothing more is read.
            stopped = true;
            let rest = files.len() - (next - 1);
            return Some(Err(LoadError {
                file: f.display().to_string(),
                line: None,
                message: format!(
                    "not read{}: the input already totals {} (the limit for all input); {}: lint fewer files at once",
                    match rest {
                        1 => String::new(),
                        n => format!(", nor the {} file(s) after it", n - 1),
                    },
                    size(input.limits.total_bytes),
                    input.limits.describe()
                ),
            }));
        }
        Some(input.read_file(f))
    });
    let parsed = parse_all(reads);
    // Reserved once: growing a vector of documents moves every one each time it doubles.
    let documents: usize = parsed
        .iter()
        .map(|p| p.as_ref().map_or(0, |l| l.documents.len()))
        .sum();
    into.documents.reserve(documents);
    let mut errors = Vec::new();
    for p in parsed {
        match p {
            Ok(loaded) => {
                into.documents.extend(loaded.documents);
                into.skipped.extend(loaded.skipped);
            }
            Err(e) => errors.push(e),
        }
    }
    errors
}

type FileText = Result<(String, String), LoadError>;

/// How much text one batch for a parsing thread holds at most (or 64 files).
const BATCH_BYTES: usize = 128 << 10;

fn parse(r: FileText) -> Result<Loaded, LoadError> {
    let mut loaded = r.and_then(|(l, t)| parse_str(&l, &t))?;
    // Kept until every file is parsed: without the room a vector grows by (a file holds
    // one document, most often, in room for four).
    loaded.documents.shrink_to_fit();
    Ok(loaded)
}

/// Parses every text read (`(label, text)`), on up to one thread per core while the
/// texts are still being read, in order.
fn parse_all(mut reads: impl Iterator<Item = FileText>) -> Vec<Result<Loaded, LoadError>> {
    let threads = std::thread::available_parallelism()
        .map_or(1, usize::from)
        .min(8);
    // Below a megabyte, threads cost more than they save.
    let mut first = Vec::new();
    let mut bytes = 0;
    while bytes < (1 << 20) {
        let Some(r) = reads.next() else { break };
        bytes += r.as_ref().map_or(0, |(_, t)| t.len());
        first.push(r);
    }
    if threads < 2 || bytes < (1 << 20) {
        return first.into_iter().map(parse).collect();
    }
    // Workers take batches of texts off one queue as they are read (one message per file
    // woke a thread per file); each batch keeps the index of its first text.
    type Batch = (usize, Vec<FileText>);
    let (to_parse, queue) = std::sync::mpsc::channel::<Batch>();
    let queue = std::sync::Mutex::new(queue);
    let (to_collect, results) = std::sync::mpsc::channel();
    std::thread::scope(|scope| {
        let workers: Vec<_> = (0..threads)
            .map(|_| {
                let to_collect = to_collect.clone();
                let queue = &queue;
                scope.spawn(move || loop {
                    let next = match queue.lock() {
                        Ok(q) => q.recv(),
                        Err(_) => return,
                    };
                    let Ok((first, batch)) = next else { return };
                    let parsed: Vec<_> = batch.into_iter().map(parse).collect();
                    if to_collect.send((first, parsed)).is_err() {
                        return;
                    }
                })
            })
            .collect();
        drop(to_collect);
        let mut n = 0;
        let mut batch = Vec::new();
        let mut batch_bytes = 0;
        for r in first.into_iter().chain(reads) {
            batch_bytes += r.as_ref().map_or(0, |(_, t)| t.len());
            batch.push(r);
            n += 1;
            if batch.len() == 64 || batch_bytes >= BATCH_BYTES {
                // The workers stop only when the queue closes.
                let _ = to_parse.send((n - batch.len(), std::mem::take(&mut batch)));
                batch_bytes = 0;
            }
        }
        if !batch.is_empty() {
            let _ = to_parse.send((n - batch.len(), batch));
        }
        drop(to_parse);
        let mut out: Vec<Option<Result<Loaded, LoadError>>> = (0..n).map(|_| None).collect();
        for (first, parsed) in results.iter() {
            for (i, p) in parsed.into_iter().enumerate() {
                out[first + i] = Some(p);
            }
        }
        for w in workers {
            if let Err(panic) = w.join() {
                std::panic::resume_unwind(panic);
            }
        }
        out.into_iter().flatten().collect()
    })
}
