//! Running `helm` and `kubectl`: the binary from an environment variable or `PATH`, a
//! missing tool named with where to get it, a failing one with the first lines of what it
//! said.

use std::ffi::OsString;
use std::io;
use std::path::Path;
use std::process::Command;

use crate::ImportError;

/// An external tool `import` runs.
pub(crate) struct Tool {
    /// The command name on `PATH`.
    pub name: &'static str,
    /// The environment variable that names the binary instead.
    pub var: &'static str,
    /// Where to get it.
    pub install: &'static str,
}

pub(crate) const HELM: Tool = Tool {
    name: "helm",
    var: "KAIRN_HELM",
    install: "https://helm.sh/docs/intro/install/",
};

pub(crate) const KUBECTL: Tool = Tool {
    name: "kubectl",
    var: "KAIRN_KUBECTL",
    install: "https://kubernetes.io/docs/tasks/tools/",
};

/// Why a tool run gave no output.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum ToolError {
    /// The binary is not there (not on `PATH`, or the variable names no file).
    Missing {
        /// What was being done.
        what: String,
        /// The binary looked for.
        binary: String,
    },
    /// It could not run, failed, or printed what is not text: one line.
    Failed(String),
}

impl ToolError {
    /// The error as `import` reports it.
    pub fn into_import(self, tool: &Tool) -> ImportError {
        match self {
            ToolError::Missing { what, binary } => ImportError::Other(format!(
                "{what}: {} not found ({binary}): install {} ({}) or set {}",
                tool.name, tool.name, tool.install, tool.var
            )),
            ToolError::Failed(message) => ImportError::Other(message),
        }
    }
}

/// Most lines of a failing tool's standard error quoted in the error.
const STDERR_LINES: usize = 3;

impl Tool {
    fn binary(&self) -> OsString {
        std::env::var_os(self.var)
            .filter(|v| !v.is_empty())
            .unwrap_or_else(|| OsString::from(self.name))
    }

    /// Runs the tool with `args` (in `dir` when given) and returns its standard output.
    /// `what` says what was being done, e.g. `helm template charts/web`.
    pub fn run(
        &self,
        args: &[OsString],
        dir: Option<&Path>,
        what: &str,
    ) -> Result<String, ImportError> {
        self.output(args, dir, what)
            .map_err(|e| e.into_import(self))
    }

    /// [`Tool::run`], telling a missing binary from a failing run.
    pub fn output(
        &self,
        args: &[OsString],
        dir: Option<&Path>,
        what: &str,
    ) -> Result<String, ToolError> {
        let bin = self.binary();
        let mut command = Command::new(&bin);
        command.args(args);
        if let Some(dir) = dir {
            command.current_dir(dir);
        }
        let output = match command.output() {
            Ok(o) => o,
            Err(e) if e.kind() == io::ErrorKind::NotFound => {
                return Err(ToolError::Missing {
                    what: what.to_owned(),
                    binary: Path::new(&bin).display().to_string(),
                })
            }
            Err(e) => {
                return Err(ToolError::Failed(format!(
                    "{what}: cannot run {}: {e}",
                    Path::new(&bin).display()
                )))
            }
        };
        if !output.status.success() {
            let stderr = String::from_utf8_lossy(&output.stderr);
            let said: Vec<&str> = stderr
                .lines()
                .map(str::trim)
                .filter(|l| !l.is_empty())
                .take(STDERR_LINES)
                .collect();
            let status = output
                .status
                .code()
                .map_or_else(|| "killed by a signal".to_owned(), |c| format!("exit {c}"));
            return Err(ToolError::Failed(format!(
                "{what} failed ({status}): {}",
                if said.is_empty() {
                    "it printed nothing on standard error".to_owned()
                } else {
                    said.join(" | ")
                }
            )));
        }
        String::from_utf8(output.stdout)
            .map_err(|_| ToolError::Failed(format!("{what}: its output is not UTF-8 text")))
    }
}
