//! The round trip: every chart and manifests bundle published to a real registry comes
//! back as `generated/<app>/<env>/`, and publishing twice gives the same digests.

use super::*;

// ---------------------------------------------------------------------------------------
// Objects (keyed by `support::objects`)

fn run_ok(bin: &Path, args: &[&str], envs: &[(&str, &Path)]) -> String {
    let o = Command::new(bin)
        .args(args)
        .envs(envs.iter().map(|(k, v)| (*k, *v)))
        .output()
        .unwrap_or_else(|e| panic!("cannot run {}: {e}", bin.display()));
    assert!(
        o.status.success(),
        "`{} {}` failed: {}",
        bin.display(),
        args.join(" "),
        String::from_utf8_lossy(&o.stderr)
    );
    String::from_utf8(o.stdout).expect("UTF-8 output")
}

fn untar_gz(bytes: &[u8]) -> BTreeMap<String, Vec<u8>> {
    let mut tar = tar::Archive::new(flate2::read::GzDecoder::new(bytes));
    let mut out = BTreeMap::new();
    for e in tar.entries().expect("a tar.gz") {
        let mut e = e.expect("entry");
        let path = e.path().unwrap().to_string_lossy().into_owned();
        let mut content = Vec::new();
        e.read_to_end(&mut content).unwrap();
        out.insert(path, content);
    }
    out
}

/// Publishes `pkg` to `registry`, returning (stdout lines, seconds taken).
fn publish(pkg: &TempDir, to: &str) -> (Vec<String>, f64) {
    let args = [
        "publish",
        "--from",
        pkg.arg(),
        "--to",
        to,
        "--plain-http",
        "--created",
        CREATED,
    ];
    let start = Instant::now();
    let o = kairn(&args);
    let took = start.elapsed().as_secs_f64();
    assert!(o.status.success(), "{}", describe(&args, &o));
    let lines = String::from_utf8(o.stdout)
        .unwrap()
        .lines()
        .map(str::to_owned)
        .collect();
    (lines, took)
}

// ---------------------------------------------------------------------------------------
// The round trip

#[test]
fn published_charts_and_bundles_come_back_as_generated() {
    let Some(registry_bin) = require(
        "docker-registry",
        on_path("docker-registry"),
        "apt-get install docker-registry; scripts/install-test-tools.sh",
    ) else {
        return;
    };
    let Some(helm) = require(
        "helm",
        helm_bin(),
        "set KAIRN_HELM or put helm 3.8+ in .tools/bin/helm",
    ) else {
        return;
    };
    let Some(kubectl) = require("kubectl", kubectl_bin(), "kubectl on PATH or KAIRN_KUBECTL")
    else {
        return;
    };
    let registry = Registry::start(&registry_bin, Mode::Open);
    let pkg = package(VERSION);
    let to = format!("oci://{}/kairn/releases", registry.addr());

    let (first, took) = publish(&pkg, &to);
    let envs = generated_envs();
    eprintln!(
        "published {} artifacts of {} environments to {} in {took:.2}s (kairn process, loopback registry)",
        first.len(),
        envs.len(),
        registry.addr()
    );
    assert_eq!(first.len(), 2 * envs.len(), "one chart and one bundle each");

    // Same package again: same references, same digests.
    let (second, _) = publish(&pkg, &to);
    assert_eq!(first, second, "re-publishing changed a digest");

    // What kairn's own client reads back agrees with what it reported.
    let pkg_read = ship::oci::read_package(pkg.path()).expect("the package verifies");
    let target = ship::oci::Target::parse(&to).unwrap();
    let client = ship::oci::Publisher::new(&ship::oci::PushOptions {
        plain_http: true,
        credentials: None,
    })
    .unwrap();
    for archive in &pkg_read.archives {
        let opts = ship::oci::ArtifactOptions {
            created: Some(CREATED.to_owned()),
        };
        let a = ship::oci::artifact(&pkg_read, archive, &target, &opts).unwrap();
        let (bytes, digest) = client.fetch_manifest(&a).expect("manifest fetched");
        assert_eq!(bytes, a.manifest, "{}", a.reference());
        assert!(first.contains(&format!("{}@{digest}", a.reference())));
    }

    let reported: BTreeMap<String, String> = first
        .iter()
        .map(|l| {
            let (reference, digest) = l.rsplit_once('@').expect("REF@DIGEST");
            (reference.to_owned(), digest.to_owned())
        })
        .collect();

    let work = TempDir::new("helm");
    let helm_env: Vec<(&str, PathBuf)> = ["HELM_CACHE_HOME", "HELM_CONFIG_HOME", "HELM_DATA_HOME"]
        .iter()
        .map(|k| (*k, work.path().join(k)))
        .collect();
    let helm_env: Vec<(&str, &Path)> = helm_env.iter().map(|(k, p)| (*k, p.as_path())).collect();

    for (app, env, dir) in &envs {
        let chart = format!("{app}-{env}");
        let expected = support::objects(
            &run_ok(&kubectl, &["kustomize", dir.to_str().unwrap()], &[]),
            &format!("kubectl kustomize {}", dir.display()),
        );

        // Chart: manifest as helm push writes it, pulled and rendered by helm.
        let repo = format!("kairn/releases/{chart}");
        let chart_ref = format!("oci://{}/{repo}:{VERSION}", registry.addr());
        let m = get_ok(
            registry.port,
            &format!("/v2/{repo}/manifests/{VERSION}"),
            Some("application/vnd.oci.image.manifest.v1+json"),
        );
        let digest = format!("sha256:{}", sha256_hex(&m.body));
        assert_eq!(reported.get(&chart_ref), Some(&digest), "{chart_ref}");
        assert_eq!(m.headers.get("docker-content-digest"), Some(&digest));
        let manifest: Value = serde_json::from_slice(&m.body).unwrap();
        assert_eq!(
            manifest["config"]["mediaType"],
            "application/vnd.cncf.helm.config.v1+json"
        );
        assert_eq!(
            manifest["layers"][0]["mediaType"],
            "application/vnd.cncf.helm.chart.content.v1.tar+gzip"
        );
        let a = &manifest["annotations"];
        assert_eq!(a["org.opencontainers.image.source"], SOURCE);
        assert_eq!(a["org.opencontainers.image.revision"], REVISION);
        assert_eq!(a["org.opencontainers.image.created"], CREATED);
        let config = get_ok(
            registry.port,
            &format!(
                "/v2/{repo}/blobs/{}",
                manifest["config"]["digest"].as_str().unwrap()
            ),
            None,
        );
        let config: Value = serde_json::from_slice(&config.body).unwrap();
        assert_eq!(config["name"], chart.as_str());
        assert_eq!(config["version"], VERSION);
        assert_eq!(config["apiVersion"], "v2");

        let pulled = work.path().join(&chart);
        std::fs::create_dir_all(&pulled).unwrap();
        run_ok(
            &helm,
            &[
                "pull",
                &format!("oci://{}/{repo}", registry.addr()),
                "--version",
                VERSION,
                "--plain-http",
                "--destination",
                pulled.to_str().unwrap(),
            ],
            &helm_env,
        );
        let tgz = pulled.join(format!("{chart}-{VERSION}.tgz"));
        assert_eq!(
            std::fs::read(&tgz).unwrap(),
            std::fs::read(pkg.path().join(format!("{chart}-{VERSION}.tgz"))).unwrap(),
            "helm pull returned other bytes than the package's chart"
        );
        let rendered = support::objects(
            &run_ok(
                &helm,
                &["template", "release", tgz.to_str().unwrap()],
                &helm_env,
            ),
            &format!("helm template {chart}"),
        );
        assert_eq!(
            rendered.keys().collect::<Vec<_>>(),
            expected.keys().collect::<Vec<_>>(),
            "{chart}: helm template yields other objects than kubectl kustomize {}",
            dir.display()
        );
        for (key, object) in &expected {
            assert_eq!(&rendered[key], object, "{chart}: {key:?} differs");
        }

        // Bundle: a Flux artifact whose layer is the environment directory.
        let repo = format!("kairn/releases/{chart}-manifests");
        let bundle_ref = format!("oci://{}/{repo}:{VERSION}", registry.addr());
        let m = get_ok(
            registry.port,
            &format!("/v2/{repo}/manifests/{VERSION}"),
            Some("application/vnd.oci.image.manifest.v1+json"),
        );
        let digest = format!("sha256:{}", sha256_hex(&m.body));
        assert_eq!(reported.get(&bundle_ref), Some(&digest), "{bundle_ref}");
        let manifest: Value = serde_json::from_slice(&m.body).unwrap();
        assert_eq!(
            manifest["config"]["mediaType"],
            "application/vnd.cncf.flux.config.v1+json"
        );
        let layer = &manifest["layers"][0];
        assert_eq!(
            layer["mediaType"],
            "application/vnd.cncf.flux.content.v1.tar+gzip"
        );
        assert_eq!(manifest["layers"].as_array().unwrap().len(), 1);
        let a = &manifest["annotations"];
        assert_eq!(a["org.opencontainers.image.source"], SOURCE);
        assert_eq!(a["org.opencontainers.image.revision"], REVISION);
        assert_eq!(a["org.opencontainers.image.created"], CREATED);
        let blob = get_ok(
            registry.port,
            &format!("/v2/{repo}/blobs/{}", layer["digest"].as_str().unwrap()),
            None,
        );
        assert_eq!(
            untar_gz(&blob.body),
            bundle_files(dir),
            "{bundle_ref}: the layer does not unpack to {}",
            dir.display()
        );
    }
    drop(registry);
}
