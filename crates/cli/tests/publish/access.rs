//! Access to the registry: a registry that refuses pushes, and credentials from the
//! environment or the Docker config file, never printed.

use super::*;

#[test]
fn a_registry_that_refuses_pushes_fails_naming_registry_and_artifact() {
    let Some(registry_bin) = require(
        "docker-registry",
        on_path("docker-registry"),
        "apt-get install docker-registry; scripts/install-test-tools.sh",
    ) else {
        return;
    };
    let registry = Registry::start(&registry_bin, Mode::ReadOnly);
    let pkg = package(VERSION);
    let to = format!("oci://{}/kairn", registry.addr());
    let args = ["publish", "--from", pkg.arg(), "--to", &to, "--plain-http"];
    let o = kairn(&args);
    assert_eq!(o.status.code(), Some(1), "{}", describe(&args, &o));
    assert!(
        o.stdout.is_empty(),
        "nothing was published, yet: {:?}",
        o.stdout
    );
    let err = stderr(&o);
    assert_eq!(err.lines().count(), 1, "one line: {err}");
    assert!(err.contains(&registry.addr()), "{err}");
    assert!(
        err.contains(&format!("oci://{}/kairn/", registry.addr())),
        "{err}"
    );
}

fn base64(bytes: &[u8]) -> String {
    const A: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::new();
    for chunk in bytes.chunks(3) {
        let n = chunk
            .iter()
            .enumerate()
            .fold(0u32, |n, (i, b)| n | u32::from(*b) << (16 - 8 * i));
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(A[(n >> (18 - 6 * i) & 63) as usize] as char);
            } else {
                out.push('=');
            }
        }
    }
    out
}

#[test]
fn credentials_come_from_the_environment_or_the_docker_config_and_are_never_printed() {
    let Some(registry_bin) = require(
        "docker-registry",
        on_path("docker-registry"),
        "apt-get install docker-registry; scripts/install-test-tools.sh",
    ) else {
        return;
    };
    let registry = Registry::start(&registry_bin, Mode::Htpasswd);
    let pkg = package(VERSION);
    let to = format!("oci://{}/kairn", registry.addr());
    let docker = TempDir::new("docker-config");
    let args = [
        "publish",
        "--from",
        pkg.arg(),
        "--to",
        &to,
        "--plain-http",
        "--app",
        "gorax",
        "--env",
        "staging",
    ];
    let run = |user: Option<&str>, password: Option<&str>| -> Output {
        let mut cmd = support::kairn_cmd(&args);
        cmd.env_remove("KAIRN_REGISTRY_USERNAME")
            .env_remove("KAIRN_REGISTRY_PASSWORD")
            .env("DOCKER_CONFIG", docker.path());
        if let Some(u) = user {
            cmd.env("KAIRN_REGISTRY_USERNAME", u);
        }
        if let Some(p) = password {
            cmd.env("KAIRN_REGISTRY_PASSWORD", p);
        }
        cmd.output().expect("kairn runs")
    };
    let no_secret = |o: &Output, secret: &str| {
        let all = format!("{}{}", String::from_utf8_lossy(&o.stdout), stderr(o));
        assert!(!all.contains(secret), "printed a password: {all}");
    };

    // Anonymous: refused, one line, nothing reported.
    let o = run(None, None);
    assert_eq!(o.status.code(), Some(1), "{}", describe(&args, &o));
    assert!(o.stdout.is_empty());
    assert_eq!(stderr(&o).lines().count(), 1, "{}", stderr(&o));
    assert!(
        stderr(&o).contains("no credentials were sent"),
        "{}",
        stderr(&o)
    );

    // A wrong password: refused, and not echoed.
    let o = run(Some(USER), Some("wrong-secret-123"));
    assert_eq!(o.status.code(), Some(1), "{}", describe(&args, &o));
    assert!(o.stdout.is_empty());
    no_secret(&o, "wrong-secret-123");
    assert!(
        stderr(&o).contains(
            "the credentials from KAIRN_REGISTRY_USERNAME/KAIRN_REGISTRY_PASSWORD were refused"
        ),
        "{}",
        stderr(&o)
    );

    // Only one of the two variables: a usage error.
    let o = run(Some(USER), None);
    assert_eq!(o.status.code(), Some(2), "{}", describe(&args, &o));

    // From the environment.
    let o = run(Some(USER), Some(PASSWORD));
    assert!(o.status.success(), "{}", describe(&args, &o));
    assert_eq!(String::from_utf8_lossy(&o.stdout).lines().count(), 2);
    no_secret(&o, PASSWORD);

    // From the Docker config file (`auths."HOST:PORT".auth`).
    std::fs::write(
        docker.path().join("config.json"),
        format!(
            r#"{{"auths": {{"{}": {{"auth": "{}"}}}}}}"#,
            registry.addr(),
            base64(format!("{USER}:{PASSWORD}").as_bytes())
        ),
    )
    .unwrap();
    let o = run(None, None);
    assert!(o.status.success(), "{}", describe(&args, &o));
    assert_eq!(String::from_utf8_lossy(&o.stdout).lines().count(), 2);
    no_secret(&o, PASSWORD);
}
