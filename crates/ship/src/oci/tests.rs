//! Unit tests of the `oci` module: targets, package checks, artifacts, times, credentials.

use super::package::plain_file_name;
use super::*;
use semver::Version;
use serde_json::{json, Value};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};

struct Tmp(PathBuf);

impl Tmp {
    fn new() -> Tmp {
        static N: AtomicUsize = AtomicUsize::new(0);
        let p = std::env::temp_dir().join(format!(
            "kairn-oci-unit-{}-{}",
            std::process::id(),
            N.fetch_add(1, Ordering::Relaxed)
        ));
        let _ = std::fs::remove_dir_all(&p);
        std::fs::create_dir_all(&p).unwrap();
        Tmp(p)
    }
}

impl Drop for Tmp {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

fn tar_gz(entries: &[(&str, &str)]) -> Vec<u8> {
    let gz = flate2::GzBuilder::new()
        .mtime(0)
        .write(Vec::new(), flate2::Compression::default());
    let mut tar = tar::Builder::new(gz);
    for (path, content) in entries {
        let mut h = tar::Header::new_ustar();
        h.set_size(content.len() as u64);
        h.set_mode(0o644);
        h.set_mtime(1);
        tar.append_data(&mut h, path, content.as_bytes()).unwrap();
    }
    tar.into_inner().unwrap().finish().unwrap()
}

const CHART_YAML: &str = "apiVersion: v2\nname: shop-production\ndescription: shop\ntype: application\nversion: 1.2.3\nappVersion: \"1.2.3\"\n";

/// A package with one chart and one bundle; returns its directory.
fn write_package(dir: &Path, version: &str) {
    let chart = tar_gz(&[
        ("shop-production/Chart.yaml", CHART_YAML),
        ("shop-production/values.yaml", "{}\n"),
    ]);
    let bundle = tar_gz(&[("kustomization.yaml", "resources: []\n")]);
    let files = [
        ("shop-production-1.2.3.tgz", chart),
        ("shop-production-manifests-1.2.3.tar.gz", bundle),
    ];
    let index = json!({
        "version": version,
        "source": "https://example.com/shop",
        "revision": "sha1:abc",
        "archives": [
            {"file": files[0].0, "kind": "helm-chart", "app": "shop",
             "environment": "production", "chart": "shop-production",
             "sha256": sha256_hex(&files[0].1)},
            {"file": files[1].0, "kind": "manifests", "app": "shop",
             "environment": "production", "sha256": sha256_hex(&files[1].1)},
        ],
        "objects": [],
    });
    let index = serde_json::to_vec_pretty(&index).unwrap();
    let mut sums = String::new();
    for (name, bytes) in &files {
        std::fs::write(dir.join(name), bytes).unwrap();
        sums.push_str(&format!("{}  {name}\n", sha256_hex(bytes)));
    }
    std::fs::write(dir.join(INDEX_FILE), &index).unwrap();
    sums.push_str(&format!("{}  {INDEX_FILE}\n", sha256_hex(&index)));
    std::fs::write(dir.join(SUMS_FILE), sums).unwrap();
}

fn target() -> Target {
    Target::parse("oci://registry.example.com:5000/team/releases").unwrap()
}

#[test]
fn targets_are_oci_references() {
    let t = target();
    assert_eq!(t.registry, "registry.example.com:5000");
    assert_eq!(t.path, "team/releases");
    assert_eq!(t.repository("x"), "team/releases/x");
    assert_eq!(
        t.to_string(),
        "oci://registry.example.com:5000/team/releases"
    );
    let bare = Target::parse("oci://localhost").unwrap();
    assert_eq!(bare.repository("x"), "x");
    for bad in [
        "https://ghcr.io/acme",
        "ghcr.io/acme",
        "oci://",
        "oci:///acme",
        "oci://ghcr.io/Acme",
        "oci://ghcr.io/acme//x",
        "oci://ghcr.io:99999/acme",
        "oci://user:pw@ghcr.io/acme",
    ] {
        assert!(Target::parse(bad).is_err(), "{bad} accepted");
    }
}

#[test]
fn repository_components_follow_the_distribution_grammar() {
    for ok in ["a", "shop-production", "a.b", "a_b", "a__b", "a--b", "v1"] {
        assert!(is_repository_component(ok), "{ok}");
    }
    for bad in ["", "-a", "a-", "A", "a___b", "a._b", "a b", "a/b"] {
        assert!(!is_repository_component(bad), "{bad}");
    }
}

#[test]
fn tags_replace_build_metadata_plus() {
    assert_eq!(
        tag_for(&Version::parse("1.2.3-rc.1+build.5").unwrap()),
        "1.2.3-rc.1_build.5"
    );
}

#[test]
fn created_is_rfc3339_and_epochs_format_as_utc() {
    for ok in [
        "2026-01-25T14:30:22Z",
        "2026-01-25T14:30:22.123Z",
        "2026-01-25T14:30:22+01:00",
        "2024-02-29T00:00:00Z",
    ] {
        assert!(check_created(ok).is_ok(), "{ok}");
    }
    for bad in [
        "2026-01-25",
        "2026-01-25 14:30:22Z",
        "2026-13-01T00:00:00Z",
        "2025-02-29T00:00:00Z",
        "2026-01-25T24:00:00Z",
        "2026-01-25T14:30:22",
        "2026-01-25T14:30:22.Z",
        "yesterday",
    ] {
        assert!(check_created(bad).is_err(), "{bad}");
    }
    assert_eq!(rfc3339_utc(0).as_deref(), Ok("1970-01-01T00:00:00Z"));
    assert_eq!(
        rfc3339_utc(1_769_351_422).as_deref(),
        Ok("2026-01-25T14:30:22Z")
    );
    assert_eq!(
        rfc3339_utc(951_782_400).as_deref(),
        Ok("2000-02-29T00:00:00Z")
    );
    assert_eq!(
        rfc3339_utc(4_102_444_799).as_deref(),
        Ok("2099-12-31T23:59:59Z")
    );
}

#[test]
fn a_verified_package_gives_deterministic_artifacts() {
    let tmp = Tmp::new();
    write_package(&tmp.0, "1.2.3");
    let pkg = read_package(&tmp.0).unwrap();
    assert_eq!(pkg.archives.len(), 2);
    let opts = ArtifactOptions {
        created: Some("2026-01-25T14:30:22Z".into()),
    };
    let make = |opts: &ArtifactOptions| -> Vec<Artifact> {
        pkg.archives
            .iter()
            .map(|a| artifact(&pkg, a, &target(), opts).unwrap())
            .collect()
    };
    let first = make(&opts);
    assert_eq!(first, make(&opts), "same inputs, same bytes");
    let later = make(&ArtifactOptions {
        created: Some("2026-01-26T00:00:00Z".into()),
    });
    assert_ne!(first[0].digest(), later[0].digest());

    let chart = &first[0];
    assert_eq!(chart.repository, "team/releases/shop-production");
    assert_eq!(chart.tag, "1.2.3");
    assert_eq!(
        chart.reference(),
        "oci://registry.example.com:5000/team/releases/shop-production:1.2.3"
    );
    assert_eq!(
        String::from_utf8(chart.config.bytes.clone()).unwrap(),
        r#"{"name":"shop-production","version":"1.2.3","description":"shop","apiVersion":"v2","appVersion":"1.2.3","type":"application"}"#
    );
    let m: Value = serde_json::from_slice(&chart.manifest).unwrap();
    assert_eq!(m["schemaVersion"], 2);
    assert_eq!(m["mediaType"], OCI_MANIFEST_MEDIA_TYPE);
    assert_eq!(m["config"]["mediaType"], HELM_CONFIG_MEDIA_TYPE);
    assert_eq!(m["config"]["digest"], chart.config.digest());
    assert_eq!(m["layers"][0]["mediaType"], HELM_CHART_MEDIA_TYPE);
    assert_eq!(m["layers"][0]["size"], chart.layer.bytes.len());
    assert_eq!(
        m["annotations"][ANNOTATION_SOURCE],
        "https://example.com/shop"
    );
    assert_eq!(m["annotations"][ANNOTATION_REVISION], "sha1:abc");
    assert_eq!(m["annotations"][ANNOTATION_CREATED], "2026-01-25T14:30:22Z");
    assert_eq!(m["annotations"][ANNOTATION_TITLE], "shop-production");
    assert_eq!(m["annotations"][ANNOTATION_VERSION], "1.2.3");

    let bundle = &first[1];
    assert_eq!(bundle.repository, "team/releases/shop-production-manifests");
    assert_eq!(bundle.config.bytes, b"{}");
    let m: Value = serde_json::from_slice(&bundle.manifest).unwrap();
    assert_eq!(m["config"]["mediaType"], FLUX_CONFIG_MEDIA_TYPE);
    assert_eq!(m["layers"][0]["mediaType"], FLUX_CONTENT_MEDIA_TYPE);
    assert_eq!(
        m["annotations"].as_object().unwrap().len(),
        3,
        "source, revision, created"
    );
    assert_eq!(bundle.layer.bytes, pkg.archives[1].bytes);

    let none = make(&ArtifactOptions::default());
    let m: Value = serde_json::from_slice(&none[1].manifest).unwrap();
    assert!(m["annotations"].get(ANNOTATION_CREATED).is_none());
}

#[test]
fn selecting_unknown_apps_or_environments_names_what_exists() {
    let tmp = Tmp::new();
    write_package(&tmp.0, "1.2.3");
    let pkg = read_package(&tmp.0).unwrap();
    assert_eq!(pkg.select(None, None).unwrap().len(), 2);
    assert_eq!(
        pkg.select(Some("shop"), Some("production")).unwrap().len(),
        2
    );
    let e = pkg.select(Some("nope"), None).unwrap_err();
    assert!(
        e.contains("unknown app `nope`") && e.contains("shop"),
        "{e}"
    );
    let e = pkg.select(Some("shop"), Some("staging")).unwrap_err();
    assert!(e.contains("shop/production"), "{e}");
}

#[test]
fn damaged_or_unlisted_files_are_refused() {
    let tmp = Tmp::new();
    write_package(&tmp.0, "1.2.3");
    let chart = tmp.0.join("shop-production-1.2.3.tgz");
    let mut bytes = std::fs::read(&chart).unwrap();
    bytes[20] ^= 1;
    std::fs::write(&chart, &bytes).unwrap();
    assert!(
        matches!(read_package(&tmp.0), Err(PackageError::Mismatch(m)) if m.contains("does not match SHA256SUMS"))
    );

    write_package(&tmp.0, "1.2.3");
    let sums = std::fs::read_to_string(tmp.0.join(SUMS_FILE)).unwrap();
    let without_index: String = sums
        .lines()
        .filter(|l| !l.ends_with(INDEX_FILE))
        .map(|l| format!("{l}\n"))
        .collect();
    std::fs::write(tmp.0.join(SUMS_FILE), without_index).unwrap();
    assert!(
        matches!(read_package(&tmp.0), Err(PackageError::Mismatch(m)) if m.contains("not listed"))
    );

    write_package(&tmp.0, "1.2");
    assert!(
        matches!(read_package(&tmp.0), Err(PackageError::Unreadable(m)) if m.contains("not SemVer"))
    );

    let empty = Tmp::new();
    assert!(matches!(
        read_package(&empty.0),
        Err(PackageError::Unreadable(_))
    ));
}

#[test]
fn archive_names_cannot_leave_the_package() {
    for bad in ["../x.tgz", "a/b.tgz", "..", ""] {
        assert!(!plain_file_name(bad), "{bad}");
    }
    assert!(plain_file_name("shop-production-1.2.3.tgz"));
}

#[test]
fn credentials_from_a_docker_config_never_show_the_password() {
    let config = r#"{"auths": {"registry.example.com:5000": {"auth": "YWxpY2U6czNjcmV0Ong="}}}"#;
    let path = Path::new("/home/x/.docker/config.json");
    let c = Credentials::from_docker_config(config.as_bytes(), "registry.example.com:5000", path)
        .unwrap()
        .expect("credentials");
    assert_eq!(c.username, "alice");
    assert_eq!(c.password, "s3cret:x");
    let shown = format!(
        "{c:?} {:?}",
        PushOptions {
            plain_http: false,
            credentials: Some(c.clone())
        }
    );
    assert!(
        !shown.contains("s3cret") && !shown.contains("alice"),
        "{shown}"
    );
    assert!(
        Credentials::from_docker_config(config.as_bytes(), "other.example.com", path)
            .unwrap()
            .is_none()
    );
    let url_key =
        r#"{"auths": {"https://registry.example.com": {"username": "bob", "password": "pw"}}}"#;
    let c = Credentials::from_docker_config(url_key.as_bytes(), "registry.example.com", path)
        .unwrap()
        .expect("credentials under an https:// key");
    assert_eq!(c.username, "bob");
    assert!(Credentials::from_docker_config(&b"not json"[..], "x", path).is_err());
}
