//! Container image references that always carry a tag or a digest.
//!
//! References follow the grammar of `github.com/distribution/reference`, which
//! containerd and the kubelet use (a reference the kubelet cannot parse fails the pod
//! with `InvalidImageName`):
//!
//! ```text
//! reference  := name [ ":" tag ] [ "@" digest ]
//! name       := [ domain "/" ] path            (at most 255 characters)
//! domain     := host [ ":" port ]              (the first component, only if it contains
//!                                               '.' or ':' or is "localhost")
//! host       := DNS labels separated by '.' | "[" IPv6 "]"
//! path       := component { "/" component }
//! component  := [a-z0-9]+ { separator [a-z0-9]+ }
//! separator  := "." | "_" | "__" | "-"+
//! tag        := [A-Za-z0-9_] [A-Za-z0-9_.-]{0,127}
//! digest     := "sha256:" 64 lowercase hex digits | "sha512:" 128 lowercase hex digits
//! ```
//!
//! kairn adds its own policy on top: an [`Image`] must carry a tag or a digest (or
//! both, `repo:tag@sha256:...`, which is pinned by the digest), since an untagged image
//! silently means `:latest`; a repository may not be a bare 64-digit hex string (the
//! kubelet reads that as an image ID) nor a bare `sha256`/`sha384`/`sha512` (that is a
//! digest with its repository missing).
//!
//! The same `const fn` checks a literal at compile time ([`image!`](crate::image)),
//! a run-time [`Image::parse`], an [`ImageVersion`] given as input, and `image:` fields
//! in YAML given to `kairn lint`.

use std::borrow::Cow;
use std::fmt;

use super::text::InvalidValue;

/// Positions of the parts of a reference that follows the grammar.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Parsed {
    /// End of the name (registry host and repository path): the index of the tag's
    /// `:`, of the digest's `@`, or the length.
    pub(crate) name_end: usize,
    /// Whether a `:tag` follows the name.
    pub(crate) tagged: bool,
    /// Index of the `@` before the digest, if there is one.
    pub(crate) digest_at: Option<usize>,
}

const EMPTY: &str = "an image reference must not be empty";
const WHITESPACE: &str =
    "an image reference must not contain whitespace or control characters; remove them";
const NO_NAME: &str =
    "an image reference needs a repository before its tag or digest (\"repo:1.2.3\" or \"repo@sha256:<64 hex digits>\")";
const COLON: &str = "':' may only appear once in the last path component (before the tag) or after the registry host (a port); a tag cannot contain ':' (write \"12-30\", not \"12:30\")";
const NAME_TOO_LONG: &str =
    "an image name (registry host and repository path) must be at most 255 characters";
const EMPTY_COMPONENT: &str =
    "an image repository path must not have empty parts: remove the doubled, leading or trailing '/'";
const UPPERCASE: &str =
    "an image repository path must be lowercase (only the registry host may contain capitals)";
const PATH_CHARS: &str =
    "an image repository path may contain only lowercase letters, digits and the separators '.', '_', '__' and '-' (and '/' between parts)";
const PATH_EDGE: &str =
    "each '/'-separated part of an image repository path must start and end with a lowercase letter or digit";
const PATH_SEPARATOR: &str =
    "letters and digits in an image repository path must be separated by a single '.', a single '_', \"__\", or one or more '-' (not \"..\", \"._\", \"___\", ...)";
const HOST: &str =
    "a registry host must be dot-separated labels of letters, digits and '-' (no '-' at either end of a label), or an IPv6 address in brackets such as [::1]";
const PORT: &str = "a registry port (after the host's ':') must be digits, e.g. localhost:5000";
const HEX_NAME: &str =
    "an image repository must not be 64 hex digits (it would be read as an image ID); name the repository";
const DIGEST_AS_NAME: &str =
    "\"sha256\" (or sha384, sha512) is a digest algorithm, not a repository: write \"repo@sha256:<64 hex digits>\"";
const UNTAGGED: &str =
    "an image must name a tag or digest (\"repo:1.2.3\" or \"repo@sha256:...\"); an untagged image silently means :latest";

/// Why a tag (the part after `:`) is invalid.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum TagError {
    Empty,
    TooLong,
    Start,
    Colon,
    Chars,
}

/// Appends the forms [`ImageVersion::parse`] accepts.
macro_rules! with_forms {
    ($s:literal) => {
        concat!(
            $s,
            "; accepted forms: a tag (1.2.3), a tag with its digest (1.2.3@sha256:<64 hex digits>) or a digest alone (sha256:<64 hex digits>)"
        )
    };
}

impl TagError {
    /// The message inside an image reference.
    const fn in_reference(self) -> &'static str {
        match self {
            TagError::Empty => "an image tag after ':' must not be empty; write \"repo:1.2.3\"",
            TagError::TooLong => "an image tag must be at most 128 characters",
            TagError::Start => "an image tag must start with a letter, digit or '_'",
            TagError::Colon => COLON,
            TagError::Chars => "an image tag may contain only letters, digits, '_', '.' and '-'",
        }
    }

    /// The message for a tag given alone where only a tag is accepted.
    const fn in_tag(self) -> &'static str {
        match self {
            TagError::Empty => "the tag is empty; give a tag such as 1.2.3",
            TagError::Colon => "a tag cannot contain ':' (the repository and registry port come from the application, only the tag is given); give a tag such as 1.2.3",
            TagError::Chars => "a tag may contain only letters, digits, '_', '.' and '-' (e.g. 1.2.3)",
            other => other.in_reference(),
        }
    }

    /// The message for a version given alone (an [`ImageVersion`]).
    const fn in_version(self) -> &'static str {
        match self {
            TagError::Empty => with_forms!("the tag is empty"),
            TagError::TooLong => with_forms!("a tag must be at most 128 characters"),
            TagError::Start => with_forms!("a tag must start with a letter, digit or '_'"),
            TagError::Colon => with_forms!(
                "a tag cannot contain ':' (the repository and registry port come from the application, only the tag is given)"
            ),
            TagError::Chars => {
                with_forms!("a tag may contain only letters, digits, '_', '.' and '-'")
            }
        }
    }
}

const DIGEST_IN_REFERENCE: &str = "an image digest must be \"@sha256:\" followed by 64 lowercase hex digits (or \"@sha512:\" and 128)";
const DIGEST_IN_VERSION: &str = with_forms!(
    "a digest must be \"sha256:\" followed by 64 lowercase hex digits (or \"sha512:\" and 128)"
);

const fn is_lower_alnum(c: u8) -> bool {
    c.is_ascii_lowercase() || c.is_ascii_digit()
}

const fn is_word(c: u8) -> bool {
    c.is_ascii_alphanumeric() || c == b'_'
}

/// Checks `b[start..end]` as a tag: `[\w][\w.-]{0,127}`.
const fn tag_error(b: &[u8], start: usize, end: usize) -> Option<TagError> {
    if start >= end {
        return Some(TagError::Empty);
    }
    let mut i = start;
    while i < end {
        if b[i] == b':' {
            return Some(TagError::Colon);
        }
        i += 1;
    }
    if !is_word(b[start]) {
        return Some(TagError::Start);
    }
    let mut i = start;
    while i < end {
        let c = b[i];
        if !(is_word(c) || c == b'.' || c == b'-') {
            return Some(TagError::Chars);
        }
        i += 1;
    }
    if end - start > 128 {
        return Some(TagError::TooLong);
    }
    None
}

/// Whether `b[start..end]` is a digest: `sha256:` + 64 or `sha512:` + 128 lowercase hex.
const fn is_digest(b: &[u8], start: usize, end: usize) -> bool {
    const fn has_prefix(b: &[u8], start: usize, end: usize, p: &[u8]) -> bool {
        if end - start < p.len() {
            return false;
        }
        let mut k = 0;
        while k < p.len() {
            if b[start + k] != p[k] {
                return false;
            }
            k += 1;
        }
        true
    }
    if start > end {
        return false;
    }
    let hex = if has_prefix(b, start, end, b"sha256:") {
        64
    } else if has_prefix(b, start, end, b"sha512:") {
        128
    } else {
        return false;
    };
    let h = start + 7;
    if end - h != hex {
        return false;
    }
    let mut k = h;
    while k < end {
        let c = b[k];
        if !(c.is_ascii_digit() || (c >= b'a' && c <= b'f')) {
            return false;
        }
        k += 1;
    }
    true
}

/// Checks the registry host and optional port in `b[start..end]`.
const fn domain_error(b: &[u8], start: usize, end: usize) -> Option<&'static str> {
    let mut i = start;
    if b[start] == b'[' {
        // IPv6 in brackets: hex digits and ':'.
        i += 1;
        while i < end && b[i] != b']' {
            if !(b[i].is_ascii_hexdigit() || b[i] == b':') {
                return Some(HOST);
            }
            i += 1;
        }
        if i >= end || i == start + 1 {
            return Some(HOST);
        }
        i += 1; // past ']'
    } else {
        // DNS labels separated by '.'.
        let mut label = i;
        while i <= end {
            if i == end || b[i] == b'.' || b[i] == b':' {
                if i == label || b[label] == b'-' || b[i - 1] == b'-' {
                    return Some(HOST);
                }
                if i == end || b[i] == b':' {
                    break;
                }
                label = i + 1;
            } else if !(b[i].is_ascii_alphanumeric() || b[i] == b'-') {
                return Some(HOST);
            }
            i += 1;
        }
    }
    if i == end {
        return None;
    }
    if b[i] != b':' {
        return Some(HOST);
    }
    i += 1;
    if i == end {
        return Some(PORT);
    }
    while i < end {
        if !b[i].is_ascii_digit() {
            return Some(PORT);
        }
        i += 1;
    }
    None
}

/// Checks one `/`-separated part of the repository path in `b[start..end]`.
const fn component_error(b: &[u8], start: usize, end: usize) -> Option<&'static str> {
    if start == end {
        return Some(EMPTY_COMPONENT);
    }
    let mut i = start;
    while i < end {
        let c = b[i];
        if c.is_ascii_uppercase() {
            return Some(UPPERCASE);
        }
        if !(is_lower_alnum(c) || c == b'.' || c == b'_' || c == b'-') {
            return Some(PATH_CHARS);
        }
        i += 1;
    }
    if !is_lower_alnum(b[start]) || !is_lower_alnum(b[end - 1]) {
        return Some(PATH_EDGE);
    }
    let mut i = start;
    while i < end {
        if is_lower_alnum(b[i]) {
            i += 1;
            continue;
        }
        let run = i;
        let mut dashes = true;
        while i < end && !is_lower_alnum(b[i]) {
            dashes = dashes && b[i] == b'-';
            i += 1;
        }
        let len = i - run;
        let ok = dashes || len == 1 || (len == 2 && b[run] == b'_' && b[run + 1] == b'_');
        if !ok {
            return Some(PATH_SEPARATOR);
        }
    }
    None
}

/// Parses a reference by the distribution grammar (tag and digest both optional) plus
/// kairn's two name rules (no 64-hex or `sha256` repository).
pub(crate) const fn parse_reference(s: &str) -> Result<Parsed, &'static str> {
    let b = s.as_bytes();
    if b.is_empty() {
        return Err(EMPTY);
    }
    let mut i = 0;
    let mut at = None;
    while i < b.len() {
        let c = b[i];
        if c <= b' ' || c == 0x7f {
            return Err(WHITESPACE);
        }
        if c == b'@' && at.is_none() {
            at = Some(i);
        }
        i += 1;
    }
    // The name and tag end where the digest starts.
    let nt_end = match at {
        Some(a) => {
            if !is_digest(b, a + 1, b.len()) {
                return Err(DIGEST_IN_REFERENCE);
            }
            a
        }
        None => b.len(),
    };
    if nt_end == 0 {
        return Err(NO_NAME);
    }
    // The first component is a registry host if another follows and it has '.' or ':'
    // or is "localhost".
    let mut first_slash = None;
    let mut last_slash = None;
    let mut i = 0;
    while i < nt_end {
        if b[i] == b'/' {
            if first_slash.is_none() {
                first_slash = Some(i);
            }
            last_slash = Some(i);
        }
        i += 1;
    }
    let path_start = match first_slash {
        Some(f) => {
            let mut host_like = f == 9
                && b[0] == b'l'
                && b[1] == b'o'
                && b[2] == b'c'
                && b[3] == b'a'
                && b[4] == b'l'
                && b[5] == b'h'
                && b[6] == b'o'
                && b[7] == b's'
                && b[8] == b't';
            let mut k = 0;
            while k < f {
                if b[k] == b'.' || b[k] == b':' {
                    host_like = true;
                }
                k += 1;
            }
            if host_like {
                f + 1
            } else {
                0
            }
        }
        None => 0,
    };
    // A ':' in the path must be the tag separator in the last component.
    let last_start = match last_slash {
        Some(l) if l + 1 > path_start => l + 1,
        _ => path_start,
    };
    let mut tag_colon = None;
    let mut i = path_start;
    while i < nt_end {
        if b[i] == b':' {
            if i < last_start || tag_colon.is_some() {
                return Err(COLON);
            }
            tag_colon = Some(i);
        }
        i += 1;
    }
    let name_end = match tag_colon {
        Some(c) => {
            if let Some(e) = tag_error(b, c + 1, nt_end) {
                return Err(e.in_reference());
            }
            c
        }
        None => nt_end,
    };
    if name_end == 0 {
        return Err(NO_NAME);
    }
    if name_end > 255 {
        return Err(NAME_TOO_LONG);
    }
    if path_start > 0 {
        if let Some(e) = domain_error(b, 0, path_start - 1) {
            return Err(e);
        }
    }
    // Each '/'-separated part of the path.
    let mut start = path_start;
    let mut i = path_start;
    while i <= name_end {
        if i == name_end || b[i] == b'/' {
            if let Some(e) = component_error(b, start, i) {
                return Err(e);
            }
            start = i + 1;
        }
        i += 1;
    }
    if path_start == 0 && first_slash.is_none() {
        // A bare 64-digit hex name is an image ID; a bare sha256/sha384/sha512 is a
        // digest whose repository is missing.
        if name_end == 64 {
            let mut hex = true;
            let mut k = 0;
            while k < 64 {
                if !(b[k].is_ascii_digit() || (b[k] >= b'a' && b[k] <= b'f')) {
                    hex = false;
                }
                k += 1;
            }
            if hex {
                return Err(HEX_NAME);
            }
        }
        if name_end == 6
            && b[0] == b's'
            && b[1] == b'h'
            && b[2] == b'a'
            && ((b[3] == b'2' && b[4] == b'5' && b[5] == b'6')
                || (b[3] == b'3' && b[4] == b'8' && b[5] == b'4')
                || (b[3] == b'5' && b[4] == b'1' && b[5] == b'2'))
        {
            return Err(DIGEST_AS_NAME);
        }
    }
    Ok(Parsed {
        name_end,
        tagged: tag_colon.is_some(),
        digest_at: at,
    })
}

/// Parses a reference and applies kairn's policy: it must carry a tag or a digest.
const fn check_image(s: &str) -> Result<Parsed, &'static str> {
    match parse_reference(s) {
        Ok(p) if !p.tagged && p.digest_at.is_none() => Err(UNTAGGED),
        other => other,
    }
}

/// Why an image reference (tag optional) is invalid, or `None` if the kubelet can pull
/// it. Used by `kairn lint` for `image:` fields.
pub(crate) fn reference_problem(s: &str) -> Option<&'static str> {
    parse_reference(s).err()
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
///
/// Nor does a `:` in the repository path (only a registry port or the tag may follow one):
///
/// ```compile_fail
/// let img = dsl::image!("ghcr.io/acme/app:12:30");
/// ```
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Image {
    reference: Cow<'static, str>,
    repository_end: usize,
    digest_at: Option<usize>,
}

impl Image {
    /// Parses a literal; a compile error in `const` context (see [`image!`](crate::image)).
    #[doc(hidden)]
    pub const fn from_static(s: &'static str) -> Self {
        match check_image(s) {
            Ok(p) => Image {
                reference: Cow::Borrowed(s),
                repository_end: p.name_end,
                digest_at: p.digest_at,
            },
            Err(reason) => panic!("{}", reason),
        }
    }

    /// Checks a literal without panicking (used by [`image!`](crate::image)).
    #[doc(hidden)]
    pub const fn check_static(s: &'static str) -> Option<&'static str> {
        match check_image(s) {
            Ok(_) => None,
            Err(reason) => Some(reason),
        }
    }

    /// Parses a run-time image reference (see the [module docs](self) for the grammar).
    pub fn parse(s: impl Into<String>) -> Result<Self, InvalidValue> {
        let s = s.into();
        match check_image(&s) {
            Ok(p) => Ok(Image {
                reference: Cow::Owned(s),
                repository_end: p.name_end,
                digest_at: p.digest_at,
            }),
            Err(reason) => Err(InvalidValue {
                kind: "image reference",
                value: s,
                reason,
            }),
        }
    }

    /// The same repository with another tag and no digest (e.g. a release version given
    /// on the command line). The tag alone is checked (see [`ImageVersion::parse_tag`]):
    /// `12:30` or `a:b` is an error, not a new repository path.
    pub fn with_tag(&self, tag: &str) -> Result<Self, InvalidValue> {
        Ok(self.with_version(&ImageVersion::parse_tag(tag)?))
    }

    /// The same repository at `version`: its tag, its digest, or both. The image's own
    /// tag and digest are replaced (a digest-only version leaves no tag).
    pub fn with_version(&self, version: &ImageVersion) -> Self {
        let mut reference = self.repository().to_owned();
        if let Some(tag) = version.tag() {
            reference.push(':');
            reference.push_str(tag);
        }
        let digest_at = version.digest().map(|d| {
            let at = reference.len();
            reference.push('@');
            reference.push_str(d);
            at
        });
        Image {
            reference: Cow::Owned(reference),
            repository_end: self.repository_end,
            digest_at,
        }
    }

    /// The repository, including any registry host.
    pub fn repository(&self) -> &str {
        &self.reference[..self.repository_end]
    }

    /// The tag, if the reference names one (`repo:tag` or `repo:tag@sha256:...`).
    pub fn tag(&self) -> Option<&str> {
        let end = self.digest_at.unwrap_or(self.reference.len());
        self.reference[self.repository_end..end].strip_prefix(':')
    }

    /// The digest (`sha256:...`), if the image is pinned by digest.
    pub fn digest(&self) -> Option<&str> {
        self.digest_at.map(|at| &self.reference[at + 1..])
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

/// The version of an image to run, given on its own (e.g. `--set image-tag=...`): a tag
/// (`1.2.3`), a tag pinned by its digest (`1.2.3@sha256:<64 hex digits>`) or a digest
/// alone (`sha256:<64 hex digits>`). Apply it with [`Image::with_version`].
///
/// ```
/// let v = dsl::ImageVersion::parse("1.2.3").unwrap();
/// let img = dsl::image!("ghcr.io/acme/app:1.0.0").with_version(&v);
/// assert_eq!(img.as_str(), "ghcr.io/acme/app:1.2.3");
/// assert!(dsl::ImageVersion::parse("12:30").is_err());
/// ```
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct ImageVersion {
    text: String,
    /// Index where the tag ends (`@` or the length); 0 for a digest alone.
    tag_end: usize,
    /// Index where the digest starts, if there is one.
    digest_start: Option<usize>,
}

impl ImageVersion {
    /// The accepted forms, for help texts.
    pub const FORMS: &'static str =
        "TAG (e.g. 1.2.3), TAG@sha256:<64 hex digits> or sha256:<64 hex digits>";

    /// Parses `TAG`, `TAG@sha256:<64 hex>` or `sha256:<64 hex>` (`sha512:` with 128 hex
    /// digits is accepted too). The error names the accepted forms.
    pub fn parse(s: impl Into<String>) -> Result<Self, InvalidValue> {
        let s = s.into();
        match check_version(&s) {
            Ok((tag_end, digest_start)) => Ok(ImageVersion {
                text: s,
                tag_end,
                digest_start,
            }),
            Err(reason) => Err(InvalidValue {
                kind: "image version",
                value: s,
                reason,
            }),
        }
    }

    /// Parses a tag alone (`[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}`), for inputs where a
    /// digest makes no sense (e.g. one tag for several images).
    pub fn parse_tag(s: impl Into<String>) -> Result<Self, InvalidValue> {
        let s = s.into();
        match tag_error(s.as_bytes(), 0, s.len()) {
            None => Ok(ImageVersion {
                tag_end: s.len(),
                text: s,
                digest_start: None,
            }),
            Some(e) => Err(InvalidValue {
                kind: "image tag",
                value: s,
                reason: e.in_tag(),
            }),
        }
    }

    /// The tag, unless this is a digest alone.
    pub fn tag(&self) -> Option<&str> {
        (self.tag_end > 0).then(|| &self.text[..self.tag_end])
    }

    /// The digest (`sha256:...`), if given.
    pub fn digest(&self) -> Option<&str> {
        self.digest_start.map(|d| &self.text[d..])
    }

    /// The text as given.
    pub fn as_str(&self) -> &str {
        &self.text
    }
}

impl fmt::Display for ImageVersion {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.text)
    }
}

/// Checks a version given alone; returns (end of the tag, start of the digest).
const fn check_version(s: &str) -> Result<(usize, Option<usize>), &'static str> {
    let b = s.as_bytes();
    let mut at = None;
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'@' {
            at = Some(i);
            break;
        }
        i += 1;
    }
    match at {
        Some(0) => Err(with_forms!(
            "nothing comes before '@': put the tag before it, or drop the '@' to give a digest alone"
        )),
        Some(a) => {
            if let Some(e) = tag_error(b, 0, a) {
                return Err(e.in_version());
            }
            if !is_digest(b, a + 1, b.len()) {
                return Err(DIGEST_IN_VERSION);
            }
            Ok((a, Some(a + 1)))
        }
        None => {
            // "sha256:..." (or sha512) is a digest alone; a tag cannot contain ':'.
            let looks_like_digest =
                b.len() >= 7 && b[0] == b's' && b[1] == b'h' && b[2] == b'a' && b[6] == b':';
            if looks_like_digest {
                if !is_digest(b, 0, b.len()) {
                    return Err(DIGEST_IN_VERSION);
                }
                return Ok((0, Some(0)));
            }
            match tag_error(b, 0, b.len()) {
                Some(e) => Err(e.in_version()),
                None => Ok((b.len(), None)),
            }
        }
    }
}

/// An image literal checked at compile time: it must follow the reference grammar and
/// carry a tag or a digest.
#[macro_export]
macro_rules! image {
    ($s:literal) => {
        $crate::__literal!("image", $crate::Image, $s, "write [registry/]repository:tag or @sha256:digest, e.g. image!(\"ghcr.io/acme/shop:1.4.2\")")
    };
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hex(n: usize) -> String {
        "0123456789abcdef".repeat(n / 16 + 1)[..n].to_owned()
    }

    /// Repository, tag and digest of a valid reference.
    type Parts = (String, Option<String>, Option<String>);

    /// (reference, its parts if valid, or the start of the error).
    fn table() -> Vec<(String, Result<Parts, &'static str>)> {
        let d = format!("sha256:{}", hex(64));
        let d512 = format!("sha512:{}", hex(128));
        let ok = |r: &str, t: Option<&str>, dg: Option<&str>| {
            Ok((r.to_owned(), t.map(str::to_owned), dg.map(str::to_owned)))
        };
        vec![
            // Valid.
            ("nginx:1.27".into(), ok("nginx", Some("1.27"), None)),
            ("a:b".into(), ok("a", Some("b"), None)),
            (
                "library/nginx:1".into(),
                ok("library/nginx", Some("1"), None),
            ),
            (
                "ghcr.io/acme/app:1.2.3".into(),
                ok("ghcr.io/acme/app", Some("1.2.3"), None),
            ),
            (
                "localhost:5000/x:1".into(),
                ok("localhost:5000/x", Some("1"), None),
            ),
            ("localhost/x:1".into(), ok("localhost/x", Some("1"), None)),
            ("localhost:5000".into(), ok("localhost", Some("5000"), None)),
            ("[::1]:5000/x:1".into(), ok("[::1]:5000/x", Some("1"), None)),
            ("[fe80::1]/x:1".into(), ok("[fe80::1]/x", Some("1"), None)),
            (
                "10.0.0.1:5000/team/app:v2".into(),
                ok("10.0.0.1:5000/team/app", Some("v2"), None),
            ),
            (
                "Registry.Example.com/app:1".into(),
                ok("Registry.Example.com/app", Some("1"), None),
            ),
            (
                "a/b__c/d-e/f---g/h.i/j_k:x".into(),
                ok("a/b__c/d-e/f---g/h.i/j_k", Some("x"), None),
            ),
            (
                "ghcr.io/x:_Tag-1.2".into(),
                ok("ghcr.io/x", Some("_Tag-1.2"), None),
            ),
            (
                format!("ghcr.io/x:{}", "t".repeat(128)),
                Ok(("ghcr.io/x".into(), Some("t".repeat(128)), None)),
            ),
            (
                format!("ghcr.io/x/y@{d}"),
                ok("ghcr.io/x/y", None, Some(&d)),
            ),
            (
                format!("ghcr.io/x/y:1.2.3@{d}"),
                ok("ghcr.io/x/y", Some("1.2.3"), Some(&d)),
            ),
            (format!("x@{d512}"), ok("x", None, Some(&d512))),
            // Invalid.
            ("".into(), Err("an image reference must not be empty")),
            ("repo:12:30".into(), Err("':' may only appear once")),
            (
                "ghcr.io/jimmypaolini/caelundas:12:30".into(),
                Err("':' may only appear once"),
            ),
            (
                "ghcr.io/acme:1/app:2".into(),
                Err("':' may only appear once"),
            ),
            ("ghcr.io:x/app:2".into(), Err("a registry port")),
            ("ghcr.io:/app:2".into(), Err("a registry port")),
            (
                "sha256:abc".into(),
                Err("\"sha256\" (or sha384, sha512) is a digest algorithm"),
            ),
            (
                format!("@{d}"),
                Err("an image reference needs a repository"),
            ),
            (":1".into(), Err("an image reference needs a repository")),
            (
                "ghcr.io/x/y@sha256:abc".into(),
                Err("an image digest must be"),
            ),
            (
                format!("ghcr.io/x/y@sha256:{}", hex(64).to_uppercase()),
                Err("an image digest must be"),
            ),
            (
                format!("ghcr.io/x/y@md5:{}", hex(64)),
                Err("an image digest must be"),
            ),
            (
                format!("ghcr.io/x/y@{d}@{d}"),
                Err("an image digest must be"),
            ),
            (
                "ghcr.io/Acme/app:1".into(),
                Err("an image repository path must be lowercase"),
            ),
            (
                "Ghcr.io/x/Y:1".into(),
                Err("an image repository path must be lowercase"),
            ),
            (
                "Acme/app:1".into(),
                Err("an image repository path must be lowercase"),
            ),
            (
                "ghcr.io//app:1".into(),
                Err("an image repository path must not have empty parts"),
            ),
            (
                "/app:1".into(),
                Err("an image repository path must not have empty parts"),
            ),
            (
                "ghcr.io/app/:1".into(),
                Err("an image repository path must not have empty parts"),
            ),
            ("ghcr.io/app-:1".into(), Err("each '/'-separated part")),
            ("ghcr.io/-app:1".into(), Err("each '/'-separated part")),
            (
                "ghcr.io/a..b:1".into(),
                Err("letters and digits in an image repository path"),
            ),
            (
                "ghcr.io/a___b:1".into(),
                Err("letters and digits in an image repository path"),
            ),
            (
                "ghcr.io/a._b:1".into(),
                Err("letters and digits in an image repository path"),
            ),
            (
                "ghcr.io/a+b:1".into(),
                Err("an image repository path may contain only"),
            ),
            ("-bad.io/app:1".into(), Err("a registry host")),
            ("bad_host.io/app:1".into(), Err("a registry host")),
            ("[::g]/app:1".into(), Err("a registry host")),
            (
                "ghcr.io/x:".into(),
                Err("an image tag after ':' must not be empty"),
            ),
            ("ghcr.io/x:-1".into(), Err("an image tag must start")),
            ("ghcr.io/x:1+2".into(), Err("an image tag may contain only")),
            (
                format!("ghcr.io/x:{}", "t".repeat(129)),
                Err("an image tag must be at most 128"),
            ),
            (format!("{}:1", "a".repeat(256)), Err("an image name")),
            (
                format!("{}:1", hex(64)),
                Err("an image repository must not be 64 hex digits"),
            ),
            (
                "ghcr.io/x y:1".into(),
                Err("an image reference must not contain whitespace"),
            ),
            // kairn's policy: a tag or a digest.
            (
                "ghcr.io/x/y".into(),
                Err("an image must name a tag or digest"),
            ),
            (
                "localhost:5000/app".into(),
                Err("an image must name a tag or digest"),
            ),
        ]
    }

    #[test]
    fn reference_table() {
        for (reference, want) in table() {
            match (Image::parse(reference.clone()), want) {
                (Ok(img), Ok((repo, tag, digest))) => {
                    assert_eq!(img.repository(), repo, "{reference}");
                    assert_eq!(img.tag(), tag.as_deref(), "{reference}");
                    assert_eq!(img.digest(), digest.as_deref(), "{reference}");
                    assert_eq!(img.as_str(), reference);
                }
                (Err(e), Err(prefix)) => {
                    assert!(e.reason.starts_with(prefix), "{reference:?}: {}", e.reason);
                }
                (got, want) => panic!("{reference:?}: got {got:?}, want {want:?}"),
            }
        }
    }

    #[test]
    fn the_const_check_agrees_with_parse() {
        const I: Image = Image::from_static("localhost:5000/app:v1");
        assert_eq!(I, Image::parse("localhost:5000/app:v1").unwrap());
        assert_eq!(I.tag(), Some("v1"));
    }

    #[test]
    fn lint_accepts_untagged_but_not_malformed() {
        assert_eq!(reference_problem("nginx"), None);
        assert_eq!(reference_problem("localhost:5000/app"), None);
        assert!(reference_problem("repo:12:30").is_some());
        assert!(reference_problem(&format!("@sha256:{}", hex(64))).is_some());
    }

    #[test]
    fn versions() {
        let d = format!("sha256:{}", hex(64));
        let base = Image::parse("ghcr.io/acme/app:1.0.0").unwrap();
        for (input, want) in [
            ("1.2.3".to_owned(), "ghcr.io/acme/app:1.2.3".to_owned()),
            (format!("1.2.3@{d}"), format!("ghcr.io/acme/app:1.2.3@{d}")),
            (d.clone(), format!("ghcr.io/acme/app@{d}")),
        ] {
            let v = ImageVersion::parse(input.clone()).unwrap();
            let img = base.with_version(&v);
            assert_eq!(img.as_str(), want);
            assert_eq!(img, Image::parse(want.clone()).unwrap(), "{input}");
        }
        let v = ImageVersion::parse(format!("1.2.3@{d}")).unwrap();
        assert_eq!((v.tag(), v.digest()), (Some("1.2.3"), Some(d.as_str())));
        let v = ImageVersion::parse(d.clone()).unwrap();
        assert_eq!((v.tag(), v.digest()), (None, Some(d.as_str())));
        // Re-versioning a digest-pinned image drops the old digest.
        let pinned = Image::parse(format!("ghcr.io/acme/app:1@{d}")).unwrap();
        assert_eq!(
            pinned
                .with_version(&ImageVersion::parse("2").unwrap())
                .as_str(),
            "ghcr.io/acme/app:2"
        );
        for bad in [
            "12:30".to_owned(),
            "a:b".to_owned(),
            "".to_owned(),
            "sha256:abc".to_owned(),
            format!("@{d}"),
            format!("1.2.3@sha256:{}", hex(63)),
            "-1".to_owned(),
            "t".repeat(129),
            "1 2".to_owned(),
            "ghcr.io/acme/app:1".to_owned(),
        ] {
            let e = ImageVersion::parse(bad.clone()).expect_err(&bad);
            assert!(
                e.reason.contains("accepted forms: a tag (1.2.3)"),
                "{bad:?}: {}",
                e.reason
            );
        }
        assert!(ImageVersion::parse("t".repeat(128)).is_ok());
        assert_eq!(
            ImageVersion::parse_tag("1.2.3").unwrap(),
            ImageVersion::parse("1.2.3").unwrap()
        );
        for bad in [
            "12:30".to_owned(),
            d.clone(),
            format!("1@{d}"),
            "".to_owned(),
        ] {
            let e = ImageVersion::parse_tag(bad.clone()).expect_err(&bad);
            assert!(e.reason.contains("tag"), "{bad:?}: {}", e.reason);
        }
    }

    #[test]
    fn with_tag_checks_the_tag_alone() {
        let base = Image::parse("ghcr.io/acme/app:1.0.0").unwrap();
        assert_eq!(
            base.with_tag("2.0").unwrap().as_str(),
            "ghcr.io/acme/app:2.0"
        );
        assert!(base.with_tag("12:30").is_err());
        assert!(base.with_tag("a:b").is_err());
        let d = format!("sha256:{}", hex(64));
        assert!(base.with_tag(&d).is_err());
    }
}
