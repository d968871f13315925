//! Helm charts: `helm template RELEASE CHART [--namespace NS] [--values FILE] [--set ..]`,
//! the release named after the app (so a chart's `fullname` helper gives the chart's own
//! name). Each object's file is the template helm names in its `# Source:` comment
//! (`web/templates/deployment.yaml` → `CHART/templates/deployment.yaml`; for a packaged
//! chart, the path inside the archive after the archive's path); its line is 1, since a
//! rendered document has no line in the template it came from.

use std::ffi::OsString;
use std::fs;
use std::path::{Path, PathBuf};

use super::tool::{ToolError, HELM};
use super::yaml::read_error;
use super::{dns_label, Render};
use crate::source::SourceObject;
use crate::ImportError;

const SOURCE_MARK: &str = "# Source: ";

/// The name of a chart: `name:` of its `Chart.yaml`, or a packaged chart's file name
/// without its version (`web-1.2.0.tgz` → `web`), as a DNS label.
pub(crate) fn chart_name(chart: &Path) -> Result<String, ImportError> {
    if chart.is_dir() && !chart.join("Chart.yaml").is_file() {
        return Err(ImportError::Other(format!(
            "{}: not a Helm chart (no Chart.yaml)",
            chart.display()
        )));
    }
    let raw = if chart.is_dir() {
        let file = chart.join("Chart.yaml");
        let text = fs::read_to_string(&file).map_err(|e| read_error(&file, &e))?;
        text.lines()
            .find_map(|l| l.strip_prefix("name:"))
            .map(|n| n.trim().trim_matches(|c| c == '"' || c == '\'').to_owned())
            .ok_or_else(|| {
                ImportError::Other(format!(
                    "{}: no `name:` (a chart's Chart.yaml names the chart)",
                    file.display()
                ))
            })?
    } else {
        let file = chart
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let stem = file
            .strip_suffix(".tgz")
            .or_else(|| file.strip_suffix(".tar.gz"))
            .unwrap_or(&file);
        without_version(stem).to_owned()
    };
    let name = dns_label(&raw);
    if name.is_empty() {
        return Err(ImportError::Other(format!(
            "cannot name an app after the chart {}: give --app NAME",
            chart.display()
        )));
    }
    Ok(name)
}

/// `web-1.2.0` → `web`; `my-app-0.1.0-rc.1` → `my-app`.
fn without_version(stem: &str) -> &str {
    let bytes = stem.as_bytes();
    for (i, b) in bytes.iter().enumerate() {
        if *b == b'-'
            && bytes.get(i + 1).is_some_and(u8::is_ascii_digit)
            && stem[i + 1..].contains('.')
        {
            return &stem[..i];
        }
    }
    stem
}

/// Renders `chart` as release `release`, with `values` when given.
pub(crate) fn render(
    chart: &Path,
    release: &str,
    values: Option<&Path>,
    settings: &Render<'_>,
) -> Result<Vec<SourceObject>, ImportError> {
    render_tool(chart, release, values, settings).map_err(|e| e.into_import(&HELM))
}

/// [`render`], telling a missing helm from a failing render.
pub(crate) fn render_tool(
    chart: &Path,
    release: &str,
    values: Option<&Path>,
    settings: &Render<'_>,
) -> Result<Vec<SourceObject>, ToolError> {
    let failed = |e: ImportError| ToolError::Failed(e.to_string());
    if !chart.exists() {
        return Err(ToolError::Failed(format!(
            "{}: no such chart (a directory with Chart.yaml, or a packaged .tgz)",
            chart.display()
        )));
    }
    if chart.is_dir() && !chart.join("Chart.yaml").is_file() {
        return Err(ToolError::Failed(format!(
            "{}: not a Helm chart (no Chart.yaml)",
            chart.display()
        )));
    }
    if let Some(values) = values {
        fs::metadata(values).map_err(|e| failed(read_error(values, &e)))?;
    }
    let mut args: Vec<OsString> = vec!["template".into(), release.into(), chart.into()];
    if settings.skip_tests {
        args.push("--skip-tests".into());
    }
    if let Some(ns) = settings.namespace {
        args.extend(["--namespace".into(), ns.into()]);
    }
    if let Some(values) = values {
        args.extend(["--values".into(), values.into()]);
    }
    for set in settings.set {
        args.extend(["--set".into(), set.into()]);
    }
    let mut what = format!("helm template {release} {}", chart.display());
    if let Some(values) = values {
        what.push_str(&format!(" --values {}", values.display()));
    }
    let out = HELM.output(&args, None, &what)?;
    split(chart, &out, &what).map_err(failed)
}

/// The objects of helm's output, each with the template it came from.
fn split(chart: &Path, out: &str, what: &str) -> Result<Vec<SourceObject>, ImportError> {
    // (line of the comment, template path as helm prints it)
    let sources: Vec<(u64, &str)> = out
        .lines()
        .enumerate()
        .filter_map(|(i, l)| Some((i as u64 + 1, l.strip_prefix(SOURCE_MARK)?.trim())))
        .collect();
    let mut notes = Vec::new();
    let objects = super::yaml::parse(Path::new(what), out, &mut notes)
        .map_err(|e| ImportError::Other(format!("{what} printed YAML kairn cannot read: {e}")))?;
    Ok(objects
        .into_iter()
        .map(|mut o| {
            let template = sources
                .iter()
                .take_while(|(line, _)| *line <= o.line)
                .last()
                .map(|(_, path)| *path);
            o.file = match template {
                Some(path) => template_file(chart, path),
                None => chart.to_path_buf(),
            };
            o.line = 1;
            o
        })
        .collect())
}

/// `web/templates/x.yaml` (as helm prints it) → `CHART/templates/x.yaml` for a chart
/// directory, `CHART.tgz/web/templates/x.yaml` for a packaged chart.
fn template_file(chart: &Path, printed: &str) -> PathBuf {
    if chart.is_dir() {
        match printed.split_once('/') {
            Some((_, inside)) => chart.join(inside),
            None => chart.join(printed),
        }
    } else {
        chart.join(printed)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn versions_come_off_packaged_chart_names() {
        assert_eq!(without_version("web-1.2.0"), "web");
        assert_eq!(without_version("my-app-0.1.0-rc.1"), "my-app");
        assert_eq!(without_version("app-v2"), "app-v2");
        assert_eq!(without_version("redis"), "redis");
    }

    #[test]
    fn objects_take_the_template_helm_names() {
        let out = "---\n# Source: web/templates/sa.yaml\napiVersion: v1\nkind: ServiceAccount\nmetadata:\n  name: a\n---\n# Source: web/charts/db/templates/svc.yaml\napiVersion: v1\nkind: Service\nmetadata:\n  name: b\n";
        let objects = split(Path::new("charts/web.tgz"), out, "helm template web").unwrap();
        let files: Vec<_> = objects.iter().map(|o| (o.file.clone(), o.line)).collect();
        assert_eq!(
            files,
            [
                (PathBuf::from("charts/web.tgz/web/templates/sa.yaml"), 1),
                (
                    PathBuf::from("charts/web.tgz/web/charts/db/templates/svc.yaml"),
                    1
                )
            ]
        );
    }
}
