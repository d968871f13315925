//! Rendering a Helm chart or a kustomization into objects that keep the file they came
//! from, for commands other than `import` (`kairn lint DIR` lints charts and overlays as
//! they are deployed). The same code as `import`'s loaders (`load/helm.rs`,
//! `load/kustomize.rs`): helm from `KAIRN_HELM`, else `helm` on `PATH`; kubectl from
//! `KAIRN_KUBECTL`, else `kubectl` on `PATH`.

use std::fmt;
use std::path::Path;

use crate::load::{helm, kustomize, tool, Render};
use crate::source::SourceObject;

pub use crate::load::KUSTOMIZATION_FILES;

/// A tool a render needs.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Tool {
    /// `helm`, for charts.
    Helm,
    /// `kubectl`, for kustomizations (`kubectl kustomize`).
    Kubectl,
}

impl Tool {
    fn spec(self) -> &'static tool::Tool {
        match self {
            Tool::Helm => &tool::HELM,
            Tool::Kubectl => &tool::KUBECTL,
        }
    }

    /// The command name: `helm`, `kubectl`.
    pub fn name(self) -> &'static str {
        self.spec().name
    }

    /// The environment variable that names the binary instead of `PATH`.
    pub fn var(self) -> &'static str {
        self.spec().var
    }

    /// Where to get it.
    pub fn install(self) -> &'static str {
        self.spec().install
    }
}

/// Why a render gave no objects.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum RenderError {
    /// The tool is not installed (or its variable names no file).
    Missing {
        /// Which tool.
        tool: Tool,
        /// The binary looked for (`helm`, or the variable's value).
        binary: String,
    },
    /// The tool failed or printed what kairn cannot read: one line, with the first lines
    /// the tool wrote on standard error.
    Failed(String),
}

impl fmt::Display for RenderError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            RenderError::Missing { tool, binary } => write!(
                f,
                "{} not found ({binary}): install it ({}) or set {}",
                tool.name(),
                tool.install(),
                tool.var()
            ),
            RenderError::Failed(message) => f.write_str(message),
        }
    }
}

impl std::error::Error for RenderError {}

fn from_tool(e: tool::ToolError, which: Tool) -> RenderError {
    match e {
        tool::ToolError::Missing { binary, .. } => RenderError::Missing {
            tool: which,
            binary,
        },
        tool::ToolError::Failed(message) => RenderError::Failed(message),
    }
}

/// What a chart is rendered with.
#[derive(Clone, Copy, Debug, Default)]
pub struct HelmRender<'a> {
    /// The release name (`helm template RELEASE`).
    pub release: &'a str,
    /// `--values FILE`, when given.
    pub values: Option<&'a Path>,
    /// `--set KEY=VALUE`, each.
    pub set: &'a [String],
    /// `--namespace NS`, when given.
    pub namespace: Option<&'a str>,
    /// `--skip-tests`: leave out the chart's `helm test` hooks (Pods `helm install`
    /// does not create).
    pub skip_tests: bool,
}

/// `helm template` of a chart directory (or packaged `.tgz`): its objects in order, each
/// with the template file helm names in its `# Source:` comment (line 1: a rendered
/// document has no line in its template).
pub fn helm_template(chart: &Path, how: &HelmRender<'_>) -> Result<Vec<SourceObject>, RenderError> {
    let settings = Render {
        set: how.set,
        namespace: how.namespace,
        skip_tests: how.skip_tests,
    };
    helm::render_tool(chart, how.release, how.values, &settings)
        .map_err(|e| from_tool(e, Tool::Helm))
}

/// The name of a chart: `name:` of its `Chart.yaml` as a DNS label.
pub fn chart_name(chart: &Path) -> Result<String, String> {
    helm::chart_name(chart).map_err(|e| e.to_string())
}

/// `kubectl kustomize DIR`: its objects in order, each with the resource file it came from
/// and the line of its document there (the kustomization file, line 1, for a generated
/// object; the directory when kustomize cannot name files). `notes` receives the
/// documents passed over.
pub fn kustomize_build(
    dir: &Path,
    notes: &mut Vec<String>,
) -> Result<Vec<SourceObject>, RenderError> {
    kustomize::build_tool(dir, notes).map_err(|e| from_tool(e, Tool::Kubectl))
}
