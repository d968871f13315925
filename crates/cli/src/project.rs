//! Where the project is: the default output root comes from the project, not from the
//! directory the command happens to run in.

use std::fs;
use std::path::{Path, PathBuf};

/// The output root used when `--out` is not given, relative to the project root.
pub const DEFAULT_OUT: &str = "generated";

/// The nearest directory at or above `start` whose `Cargo.toml` declares a
/// `[workspace]`, the way cargo finds the workspace of a package.
pub fn project_root(start: &Path) -> Option<PathBuf> {
    start.ancestors().find_map(|dir| {
        let manifest = fs::read_to_string(dir.join("Cargo.toml")).ok()?;
        manifest
            .lines()
            .any(|l| l.trim() == "[workspace]")
            .then(|| dir.to_path_buf())
    })
}

/// The output root: `--out` as given (relative to the current directory), else
/// `<project root>/generated`.
pub fn output_root(out: Option<&Path>) -> Result<PathBuf, String> {
    if let Some(out) = out {
        return Ok(out.to_path_buf());
    }
    let cwd =
        std::env::current_dir().map_err(|e| format!("cannot read the current directory: {e}"))?;
    project_root(&cwd)
        .map(|root| root.join(DEFAULT_OUT))
        .ok_or_else(|| {
            format!(
                "{} is not inside a Cargo workspace (no Cargo.toml with [workspace] above it), so there is no default output directory; run kairn from the project or pass --out DIR",
                cwd.display()
            )
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_root_is_the_nearest_workspace_above() {
        let here = Path::new(env!("CARGO_MANIFEST_DIR"));
        let root = project_root(&here.join("src")).expect("inside the kairn workspace");
        assert_eq!(root, here.parent().unwrap().parent().unwrap());
        assert_eq!(project_root(Path::new("/")), None);
    }
}
