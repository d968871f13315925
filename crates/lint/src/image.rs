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
//! kairn adds its own policy on top: an image (`dsl::Image`) must carry a tag or a digest (or
//! both, `repo:tag@sha256:...`, which is pinned by the digest), since an untagged image
//! silently means `:latest`; a repository may not be a bare 64-digit hex string (the
//! kubelet reads that as an image ID) nor a bare `sha256`/`sha384`/`sha512` (that is a
//! digest with its repository missing).
//!
//! The same `const fn` checks a literal at compile time (`dsl::image!`), a run-time
//! `dsl::Image::parse`, a `dsl::ImageVersion` given as input, and `image:` fields in
//! YAML given to `kairn lint`.

/// Positions of the parts of a reference that follows the grammar.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Parsed {
    /// End of the name (registry host and repository path): the index of the tag's
    /// `:`, of the digest's `@`, or the length.
    pub name_end: usize,
    /// Whether a `:tag` follows the name.
    pub tagged: bool,
    /// Index of the `@` before the digest, if there is one.
    pub digest_at: Option<usize>,
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

/// Appends the forms `dsl::ImageVersion::parse` accepts.
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

    /// The message for a version given alone (a `dsl::ImageVersion`).
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
pub const fn parse_reference(s: &str) -> Result<Parsed, &'static str> {
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
pub const fn check_image(s: &str) -> Result<Parsed, &'static str> {
    match parse_reference(s) {
        Ok(p) if !p.tagged && p.digest_at.is_none() => Err(UNTAGGED),
        other => other,
    }
}

/// Why an image reference (tag optional) is invalid, or `None` if the kubelet can pull
/// it. Used by `kairn lint` for `image:` fields.
pub fn reference_problem(s: &str) -> Option<&'static str> {
    parse_reference(s).err()
}

/// Checks a version given alone; returns (end of the tag, start of the digest).
pub const fn check_version(s: &str) -> Result<(usize, Option<usize>), &'static str> {
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

/// Why `s` is not a valid tag given alone (`[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}`), for
/// inputs where only a tag is accepted; `None` if it is one.
pub const fn check_tag(s: &str) -> Option<&'static str> {
    match tag_error(s.as_bytes(), 0, s.len()) {
        Some(e) => Some(e.in_tag()),
        None => None,
    }
}
