//! Host access a workload declares in `kairn.dev/host-access` (one `<access>: <reason>`
//! per line): what the Pod Security rules accept when the pods' namespace admits it, and
//! the level a namespace needs for the declared access of the workloads in it.

use crate::object::Object;
use crate::set::{each, Set, Workload};
use crate::HOST_ACCESS_ANNOTATION;

use super::pod_security::{Level, BASELINE_CAPABILITIES};

/// The host access one workload declares. A line without a non-empty reason declares
/// nothing.
#[derive(Debug, Default)]
pub(crate) struct Declared {
    pub host_network: bool,
    pub host_paths: Vec<String>,
    pub host_ports: Vec<i32>,
    pub capabilities: Vec<String>,
    /// `runAsRoot`: containers may run as UID 0 (baseline admits it).
    pub run_as_root: bool,
}

impl Declared {
    /// Parses the annotation's value.
    pub(crate) fn parse(text: &str) -> Declared {
        let mut out = Declared::default();
        for line in text.lines() {
            let Some((access, reason)) = line.split_once(": ") else {
                continue;
            };
            if reason.trim().is_empty() {
                continue;
            }
            match access.trim().split_once('=') {
                None if access.trim() == "hostNetwork" => out.host_network = true,
                None if access.trim() == "runAsRoot" => out.run_as_root = true,
                Some(("hostPath", path)) if !path.is_empty() => {
                    out.host_paths.push(path.to_owned())
                }
                Some(("hostPort", port)) => {
                    if let Ok(n) = port.parse::<i32>() {
                        out.host_ports.push(n);
                    }
                }
                Some(("capability", cap)) if !cap.is_empty() => {
                    out.capabilities.push(cap.to_owned())
                }
                _ => {}
            }
        }
        out
    }

    /// What the workload at `w` declares.
    pub(crate) fn of(set: &Set<'_>, w: &Workload<'_>) -> Declared {
        set.items[w.idx]
            .object
            .map(Object::metadata)
            .and_then(|m| m.annotations.as_ref())
            .and_then(|a| a.get(HOST_ACCESS_ANNOTATION))
            .map(|t| Declared::parse(t))
            .unwrap_or_default()
    }

    /// The least Pod Security level admitting everything declared (`None`: nothing is).
    pub(crate) fn needs(&self) -> Option<Level> {
        if self.host_network || !self.host_paths.is_empty() || !self.host_ports.is_empty() {
            return Some(Level::Privileged);
        }
        let beyond_restricted: Vec<&String> = self
            .capabilities
            .iter()
            .filter(|c| c.as_str() != "NET_BIND_SERVICE")
            .collect();
        if beyond_restricted.is_empty() && !self.run_as_root {
            None
        } else if beyond_restricted
            .iter()
            .all(|c| BASELINE_CAPABILITIES.contains(&c.as_str()))
        {
            Some(Level::Baseline)
        } else {
            Some(Level::Privileged)
        }
    }
}

/// The least level the namespace `ns` must enforce for the declared host access of the
/// workloads in it (`None`: restricted suffices).
pub(crate) fn namespace_needs(set: &Set<'_>, ns: &str) -> Option<Level> {
    set.workloads
        .iter()
        .filter(|w| w.ns == Some(ns))
        .filter_map(|w| Declared::of(set, w).needs())
        .min()
}

/// One note per Namespace whose enforced Pod Security level is lowered for declared host
/// access (`kairn.dev/pod-security-exception`), naming the level and every exception, so
/// that `emit`, `check` and `lint` say so.
pub(crate) fn exception_notes(set: &Set<'_>) -> Vec<crate::Note> {
    let mut out = Vec::new();
    for (i, n) in each!(set, Namespace) {
        let Some(why) = n
            .metadata
            .annotations
            .as_ref()
            .and_then(|a| a.get(crate::POD_SECURITY_EXCEPTION_ANNOTATION))
            .filter(|w| !w.trim().is_empty())
        else {
            continue;
        };
        let enforce = n
            .metadata
            .labels
            .as_ref()
            .and_then(|l| l.get("pod-security.kubernetes.io/enforce"))
            .map_or("nothing", String::as_str);
        let doc = set.items[i].doc;
        out.push(crate::Note {
            file: doc.map(|d| d.file.clone()),
            line: doc.map(|d| d.line),
            message: format!(
                "namespace `{}` enforces the {enforce} Pod Security Standard for declared host access: {}",
                n.metadata.name.as_deref().unwrap_or_default(),
                why.lines().collect::<Vec<_>>().join("; ")
            ),
        });
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn run_as_root_needs_baseline_or_more_with_other_access() {
        let root = Declared::parse("runAsRoot: reads root-owned logs");
        assert!(root.run_as_root);
        assert_eq!(root.needs(), Some(Level::Baseline));
        let with_cap = Declared::parse("runAsRoot: logs\ncapability=DAC_READ_SEARCH: logs");
        assert_eq!(with_cap.needs(), Some(Level::Privileged));
        let with_chown = Declared::parse("runAsRoot: logs\ncapability=CHOWN: hands over");
        assert_eq!(with_chown.needs(), Some(Level::Baseline));
        // Without a reason, or misspelt, it declares nothing.
        assert!(!Declared::parse("runAsRoot: ").run_as_root);
        assert!(!Declared::parse("runAsRoot=true: why").run_as_root);
        assert_eq!(Declared::parse("runAsRoot: ").needs(), None);
    }
}
