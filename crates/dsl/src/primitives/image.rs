//! Container image references that always carry a tag or a digest.

use std::borrow::Cow;
use std::fmt;

use super::text::InvalidValue;

const fn is_hex(c: u8) -> bool {
    c.is_ascii_digit() || (c >= b'a' && c <= b'f')
}

/// Returns the byte index where the repository ends (`:` of the tag or `@` of the digest).
const fn check_image(s: &str) -> Result<usize, &'static str> {
    let b = s.as_bytes();
    if b.is_empty() {
        return Err("an image reference must not be empty");
    }
    let mut i = 0;
    let mut last_slash = 0;
    let mut at: Option<usize> = None;
    while i < b.len() {
        let c = b[i];
        if c == b'/' {
            last_slash = i;
        } else if c == b'@' {
            at = Some(i);
            break;
        } else if c.is_ascii_whitespace() {
            return Err("an image reference must not contain whitespace");
        }
        i += 1;
    }
    if let Some(at) = at {
        let d = at + 1;
        let prefix = b"sha256:";
        if b.len() != d + prefix.len() + 64 {
            return Err("an image digest must be \"@sha256:\" followed by 64 lowercase hex digits");
        }
        let mut k = 0;
        while k < prefix.len() {
            if b[d + k] != prefix[k] {
                return Err(
                    "an image digest must be \"@sha256:\" followed by 64 lowercase hex digits",
                );
            }
            k += 1;
        }
        let mut k = d + prefix.len();
        while k < b.len() {
            if !is_hex(b[k]) {
                return Err(
                    "an image digest must be \"@sha256:\" followed by 64 lowercase hex digits",
                );
            }
            k += 1;
        }
        return check_repository(b, at);
    }
    // The tag separator is the last ':' after the last '/' (a ':' before it is a registry port).
    let mut colon = None;
    let mut j = b.len();
    while j > last_slash {
        j -= 1;
        if b[j] == b':' {
            colon = Some(j);
            break;
        }
    }
    let colon = match colon {
        Some(c) if c > 0 && (last_slash == 0 || c > last_slash) => c,
        _ => {
            return Err(
                "an image must name a tag or digest (\"repo:1.2.3\" or \"repo@sha256:...\"); an untagged image silently means :latest",
            )
        }
    };
    let tag_len = b.len() - colon - 1;
    if tag_len == 0 || tag_len > 128 {
        return Err("an image tag must be 1-128 characters");
    }
    let mut k = colon + 1;
    if !(b[k].is_ascii_alphanumeric() || b[k] == b'_') {
        return Err("an image tag must start with a letter, digit or '_'");
    }
    while k < b.len() {
        let c = b[k];
        if !(c.is_ascii_alphanumeric() || c == b'_' || c == b'.' || c == b'-') {
            return Err("an image tag may contain only letters, digits, '_', '.' and '-'");
        }
        k += 1;
    }
    check_repository(b, colon)
}

const fn check_repository(b: &[u8], end: usize) -> Result<usize, &'static str> {
    if end == 0 {
        return Err("an image reference needs a repository before its tag or digest");
    }
    // The first path component may be a registry host (with '.', ':' or upper case is
    // still not allowed); the rest must be lowercase.
    let mut i = 0;
    while i < end {
        let c = b[i];
        if !(c.is_ascii_lowercase()
            || c.is_ascii_digit()
            || c == b'.'
            || c == b'-'
            || c == b'_'
            || c == b'/'
            || c == b':')
        {
            return Err("an image repository may contain only lowercase letters, digits, '.', '-', '_', '/' (and a registry port)");
        }
        i += 1;
    }
    Ok(end)
}

/// A container image with a mandatory tag or digest.
///
/// ```
/// let img = dsl::image!("ghcr.io/jimmypaolini/caelundas:1.0.0");
/// assert_eq!(img.repository(), "ghcr.io/jimmypaolini/caelundas");
/// assert_eq!(img.tag(), Some("1.0.0"));
/// ```
///
/// An untagged image does not compile:
///
/// ```compile_fail
/// let img = dsl::image!("ghcr.io/jimmypaolini/caelundas");
/// ```
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Image {
    reference: Cow<'static, str>,
    repository_end: usize,
}

impl Image {
    /// Parses a literal; a compile error in `const` context (see [`image!`](crate::image)).
    #[doc(hidden)]
    pub const fn from_static(s: &'static str) -> Self {
        match check_image(s) {
            Ok(end) => Image {
                reference: Cow::Borrowed(s),
                repository_end: end,
            },
            Err(reason) => panic!("{}", reason),
        }
    }

    /// Parses a run-time image reference.
    pub fn parse(s: impl Into<String>) -> Result<Self, InvalidValue> {
        let s = s.into();
        match check_image(&s) {
            Ok(end) => Ok(Image {
                reference: Cow::Owned(s),
                repository_end: end,
            }),
            Err(reason) => Err(InvalidValue {
                kind: "image reference",
                value: s,
                reason,
            }),
        }
    }

    /// The same repository with another tag (e.g. a release version given on the command line).
    pub fn with_tag(&self, tag: &str) -> Result<Self, InvalidValue> {
        Image::parse(format!("{}:{}", self.repository(), tag))
    }

    /// The repository, including any registry host.
    pub fn repository(&self) -> &str {
        &self.reference[..self.repository_end]
    }

    /// The tag, if the image is pinned by tag.
    pub fn tag(&self) -> Option<&str> {
        self.reference[self.repository_end..].strip_prefix(':')
    }

    /// The digest (`sha256:...`), if the image is pinned by digest.
    pub fn digest(&self) -> Option<&str> {
        self.reference[self.repository_end..].strip_prefix('@')
    }

    /// The full reference as written into manifests.
    pub fn as_str(&self) -> &str {
        &self.reference
    }
}

impl fmt::Display for Image {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.reference)
    }
}

/// An image literal checked at compile time: it must carry a tag or a digest.
#[macro_export]
macro_rules! image {
    ($s:literal) => {{
        const VALUE: $crate::Image = $crate::Image::from_static($s);
        VALUE
    }};
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_tags_and_digests() {
        let i = Image::parse("localhost:5000/app:v1").unwrap();
        assert_eq!(i.repository(), "localhost:5000/app");
        assert_eq!(i.tag(), Some("v1"));
        let d = format!("ghcr.io/x/y@sha256:{}", "a".repeat(64));
        assert_eq!(Image::parse(d).unwrap().digest().unwrap().len(), 71);
        assert!(Image::parse("localhost:5000/app").is_err());
        assert!(Image::parse("ghcr.io/x/y").is_err());
        assert!(Image::parse("ghcr.io/x/y:").is_err());
        assert!(Image::parse("Ghcr.io/x/Y:1").is_err());
        assert!(Image::parse("ghcr.io/x/y@sha256:abc").is_err());
    }
}
