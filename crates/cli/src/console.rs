//! Standard output and standard error that never panic.
//!
//! `println!` and `eprintln!` panic when a write fails (a closed pipe, a full disk), so
//! the CLI never uses them (`clippy::print_stdout`/`print_stderr` are denied in `main`):
//! - diagnostics go through [`say!`]: a failed write to standard error is ignored, since
//!   there is nowhere left to report it and it must not change the command's outcome;
//! - results go through [`stdout`]: a closed pipe (`kairn list | head -1`) ends the
//!   command quietly with [`EXIT_BROKEN_PIPE`], like a program killed by `SIGPIPE`; any
//!   other failure prints one line on standard error and exits with [`EXIT_IO`].

use std::fmt;
use std::io::{self, Write};
use std::process::ExitCode;
use std::sync::atomic::{AtomicBool, Ordering};

static VERBOSE: AtomicBool = AtomicBool::new(false);

/// Sets whether diagnostics are printed in full (`--verbose`).
pub fn set_verbose(on: bool) {
    VERBOSE.store(on, Ordering::Relaxed);
}

/// Whether `--verbose` was given.
pub fn verbose() -> bool {
    VERBOSE.load(Ordering::Relaxed)
}

/// Exit status when standard output is a closed pipe (128 + SIGPIPE, what shells report).
pub const EXIT_BROKEN_PIPE: u8 = 141;
/// Exit status when output could not be written (sysexits' `EX_IOERR`).
pub const EXIT_IO: u8 = 74;

/// Writes one line on standard error, ignoring failures. Use through [`say!`].
pub fn say_line(args: fmt::Arguments<'_>) {
    let mut err = io::stderr().lock();
    let _ = err.write_fmt(args).and_then(|()| err.write_all(b"\n"));
}

/// Like `eprintln!`, but a failed write is ignored instead of panicking.
macro_rules! say {
    ($($arg:tt)*) => {
        $crate::console::say_line(format_args!($($arg)*))
    };
}
pub(crate) use say;

/// Runs `write` against locked standard output and flushes it; a failure becomes the
/// exit status to return ([`failed_stdout`]).
pub fn stdout(write: impl FnOnce(&mut dyn Write) -> io::Result<()>) -> Result<(), ExitCode> {
    // Buffered: standard output is line-buffered, a system call per line of a report.
    let mut out = io::BufWriter::with_capacity(1 << 16, io::stdout().lock());
    write(&mut out)
        .and_then(|()| out.flush())
        .map_err(failed_stdout)
}

/// The exit status for a failed write to standard output, after saying why (except for
/// a closed pipe, which is the reader's choice, not an error).
pub fn failed_stdout(e: io::Error) -> ExitCode {
    if e.kind() == io::ErrorKind::BrokenPipe {
        ExitCode::from(EXIT_BROKEN_PIPE)
    } else {
        say!("error: cannot write to standard output: {e}");
        ExitCode::from(EXIT_IO)
    }
}

/// Prints clap's help, version or usage error and returns its exit status; a failure to
/// print help or the version is handled like any failed write to standard output.
pub fn clap_exit(e: &clap::Error) -> ExitCode {
    let printed = e.print();
    let to_stdout = e.exit_code() == 0;
    match printed {
        Err(err) if to_stdout => failed_stdout(err),
        _ => ExitCode::from(u8::try_from(e.exit_code()).unwrap_or(2)),
    }
}
