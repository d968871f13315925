//! The record of which files kairn wrote in an environment directory.
//!
//! Every environment directory kairn writes holds [`OWNERSHIP_FILE`], in `sha256sum`
//! format (`<64 hex>  <file name>` per line, sorted by name), listing each file kairn
//! wrote there with the SHA-256 of its bytes. `emit` overwrites or removes a file only
//! when this record lists it *and* the file still has the recorded digest: a file the
//! user added, or a kairn file the user edited since, is never touched without
//! `--force`. Users can verify a directory with `sha256sum -c .kairn-manifest`.

use std::collections::BTreeMap;
use std::fmt;

use sha2::{Digest, Sha256};

/// Name of the ownership record inside each environment directory.
pub const OWNERSHIP_FILE: &str = ".kairn-manifest";

/// Lowercase hex SHA-256 of `bytes`.
///
/// ```
/// assert_eq!(
///     dsl::output::sha256_hex(b""),
///     "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
/// );
/// ```
pub fn sha256_hex(bytes: &[u8]) -> String {
    hex(&Sha256::digest(bytes))
}

/// Lowercase hex of `bytes`.
pub(crate) fn hex(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(2 * bytes.len());
    for b in bytes {
        out.push(char::from_digit(u32::from(b >> 4), 16).unwrap_or('0'));
        out.push(char::from_digit(u32::from(b & 0xf), 16).unwrap_or('0'));
    }
    out
}

/// File names kairn wrote in one directory, with the SHA-256 of what it wrote.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Ownership {
    files: BTreeMap<String, String>,
}

/// An ownership record that cannot be read.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MalformedOwnership {
    /// 1-based line number.
    pub line: usize,
    /// What is wrong.
    pub message: String,
}

impl fmt::Display for MalformedOwnership {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "line {}: {}", self.line, self.message)
    }
}

impl Ownership {
    /// The record of the given files (name to content).
    pub fn of<'a, C: AsRef<[u8]> + 'a>(
        files: impl IntoIterator<Item = (&'a String, &'a C)>,
    ) -> Self {
        Ownership {
            files: files
                .into_iter()
                .map(|(name, content)| (name.clone(), sha256_hex(content.as_ref())))
                .collect(),
        }
    }

    /// Whether `name` is recorded with exactly the digest of `content`.
    pub fn owns_unchanged(&self, name: &str, content: &[u8]) -> bool {
        self.files
            .get(name)
            .is_some_and(|d| *d == sha256_hex(content))
    }

    /// Whether `name` is recorded at all.
    pub fn lists(&self, name: &str) -> bool {
        self.files.contains_key(name)
    }

    /// The recorded file names, sorted.
    pub fn names(&self) -> impl Iterator<Item = &str> {
        self.files.keys().map(String::as_str)
    }

    /// The record as file content (`sha256sum` format).
    pub fn to_text(&self) -> String {
        self.files
            .iter()
            .map(|(name, digest)| format!("{digest}  {name}\n"))
            .collect()
    }

    /// Parses a record written by [`Ownership::to_text`].
    pub fn parse(text: &str) -> Result<Self, MalformedOwnership> {
        let mut files = BTreeMap::new();
        for (i, line) in text.lines().enumerate() {
            let bad = |message: &str| MalformedOwnership {
                line: i + 1,
                message: message.to_owned(),
            };
            let (digest, name) = line
                .split_once("  ")
                .ok_or_else(|| bad("expected `<sha256>  <file name>`"))?;
            if digest.len() != 64 || !digest.bytes().all(|b| b.is_ascii_hexdigit()) {
                return Err(bad("the digest is not 64 hex digits"));
            }
            if name.is_empty()
                || name.contains('\\')
                || name
                    .split('/')
                    .any(|part| part.is_empty() || part == "." || part == "..")
            {
                return Err(bad(
                    "the file name must be a relative path inside this directory",
                ));
            }
            files.insert(name.to_owned(), digest.to_ascii_lowercase());
        }
        Ok(Ownership { files })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_in_sha256sum_format() {
        let files = BTreeMap::from([
            ("b.yaml".to_owned(), "b\n".to_owned()),
            ("a.yaml".to_owned(), "a\n".to_owned()),
        ]);
        let record = Ownership::of(&files);
        let text = record.to_text();
        assert!(text.starts_with(&format!("{}  a.yaml\n", sha256_hex(b"a\n"))));
        assert_eq!(Ownership::parse(&text).unwrap(), record);
        assert!(record.owns_unchanged("a.yaml", b"a\n"));
        assert!(!record.owns_unchanged("a.yaml", b"edited\n"));
        assert!(!record.owns_unchanged("c.yaml", b"a\n"));
    }

    #[test]
    fn malformed_records_name_the_line() {
        let err =
            Ownership::parse(&format!("{}  ok.yaml\nnonsense\n", "0".repeat(64))).unwrap_err();
        assert_eq!(err.line, 2);
        assert!(Ownership::parse(&format!("{}  ../x\n", "0".repeat(64))).is_err());
        assert!(Ownership::parse(&format!("{}  /x\n", "0".repeat(64))).is_err());
        assert!(Ownership::parse(&format!("{}  templates/x.yaml\n", "0".repeat(64))).is_ok());
        assert!(Ownership::parse("abc  x.yaml\n").is_err());
    }
}
