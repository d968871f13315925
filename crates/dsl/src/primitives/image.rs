//! Container image references that always carry a tag or a digest.
//!
//! The grammar (that of `github.com/distribution/reference`, plus kairn's policy that a
//! reference carries a tag or a digest) lives in [`lint::image`], whose `const fn`s check a
//! literal at compile time ([`image!`](crate::image)), a run-time [`Image::parse`], an
//! [`ImageVersion`] given as input, and `image:` fields in YAML given to `kairn lint`.

use std::borrow::Cow;
use std::fmt;

use lint::image::{check_image, check_tag, check_version};

use super::text::InvalidValue;
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

    /// Parses a run-time image reference (see [`lint::image`] for the grammar).
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
        match check_tag(&s) {
            None => Ok(ImageVersion {
                tag_end: s.len(),
                text: s,
                digest_start: None,
            }),
            Some(reason) => Err(InvalidValue {
                kind: "image tag",
                value: s,
                reason,
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
        use lint::image::reference_problem;
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
