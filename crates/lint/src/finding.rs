//! Findings and the report the validator returns.

use std::fmt;

use serde::Serialize;

/// How bad a finding is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// Wrong, rejected by the API server, or broken at run time: `emit` writes nothing.
    Error,
    /// A weakness to fix or waive with a reason; `emit` still writes.
    Warning,
}

impl Severity {
    /// `error` or `warning`.
    pub const fn as_str(self) -> &'static str {
        match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
        }
    }
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One problem found in one object.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Finding {
    /// Stable rule id, e.g. `pss-run-as-non-root` (see `docs/rules.md`).
    pub rule: &'static str,
    /// The rule's severity.
    pub severity: Severity,
    /// Application (declared apps only).
    pub app: Option<String>,
    /// Environment (declared apps only).
    pub environment: Option<String>,
    /// Object kind.
    pub kind: String,
    /// Object name.
    pub name: String,
    /// Object namespace, if set.
    pub namespace: Option<String>,
    /// Field path inside the object, e.g. `spec.template.spec.containers[0].image`.
    pub field: String,
    /// What is wrong.
    pub message: String,
    /// How to fix it.
    pub fix: String,
    /// `file:line` of the Rust declaration that produced the object (declared apps only):
    /// the setting that made the field, else the component or app; a `customize` closure
    /// only when the finding is on a field that closure changed.
    pub declared_at: Option<String>,
    /// `file:line` of each `customize` closure that changed the object (declared apps
    /// only; empty when none did).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub customized_at: Vec<String>,
    /// YAML file the object was read from (`lint` only).
    pub file: Option<String>,
    /// Line in [`file`](Self::file) of the field, or of the object when the field is absent.
    pub line: Option<u64>,
    /// The written reason when the finding was waived; waived findings never fail a run.
    pub waived: Option<String>,
    /// The rendered unit the object belongs to (`lint DIR` over a Helm chart or a
    /// kustomization: `charts/web (values-prod.yaml)`, `deploy/overlays/prod`); each unit
    /// is linted as its own set. Absent for plain YAML, and then left out of JSON.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub unit: Option<String>,
}

impl Finding {
    /// An unwaived error.
    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error && self.waived.is_none()
    }

    /// An unwaived warning.
    pub fn is_warning(&self) -> bool {
        self.severity == Severity::Warning && self.waived.is_none()
    }

    /// `file:line`, `file`, or `None`.
    pub fn location(&self) -> Option<String> {
        match (&self.file, self.line) {
            (Some(f), Some(l)) => Some(format!("{f}:{l}")),
            (Some(f), None) => Some(f.clone()),
            _ => None,
        }
    }
}

/// Something the validator passed over (an unknown kind, a non-object document).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Note {
    /// File, when linting YAML.
    pub file: Option<String>,
    /// Line of the document.
    pub line: Option<u64>,
    /// What was skipped and why.
    pub message: String,
}

/// Every finding of one validation run, sorted, plus notes.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Report {
    /// All findings, including waived ones.
    pub findings: Vec<Finding>,
    /// Things passed over.
    pub notes: Vec<Note>,
}

impl Report {
    /// Whether any unwaived error exists.
    pub fn has_errors(&self) -> bool {
        self.findings.iter().any(Finding::is_error)
    }

    /// Unwaived errors, unwaived warnings and waived findings.
    pub fn counts(&self) -> (usize, usize, usize) {
        let errors = self.findings.iter().filter(|f| f.is_error()).count();
        let warnings = self.findings.iter().filter(|f| f.is_warning()).count();
        let waived = self.findings.iter().filter(|f| f.waived.is_some()).count();
        (errors, warnings, waived)
    }

    /// Adds another report's findings and notes.
    pub fn extend(&mut self, other: Report) {
        self.findings.extend(other.findings);
        self.notes.extend(other.notes);
    }
}
