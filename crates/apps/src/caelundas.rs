//! caelundas (seed 002): a batch Job that generates astronomical calendars into a PVC
//! that outlives the Job, with env from a Secret, an image pull secret, a pinned image
//! and per-run tracking labels given as inputs.

use std::collections::BTreeMap;

use dsl::*;

use crate::inputs::{InputError, Inputs};
use crate::registry::{Declaration, InputSpec};

environments! {
    /// caelundas' environments.
    pub enum Env { Production => "production" }
}

/// The caelundas declaration.
pub struct Caelundas;

/// Label carrying the git commit a run was built from.
pub const GIT_COMMIT_LABEL: LabelKey = label_key!("kairn.dev/git-commit");
/// Label carrying when a run was started (Unix seconds).
pub const TIMESTAMP_LABEL: LabelKey = label_key!("kairn.dev/timestamp");

fn error(key: &str, message: String) -> InputError {
    InputError {
        app: Caelundas::ID.to_owned(),
        key: key.to_owned(),
        message,
    }
}

/// 2000-01-01T00:00:00Z: no run of this project started earlier.
pub const EARLIEST_TIMESTAMP: u64 = 946_684_800;
/// 2100-01-01T00:00:00Z: later values are almost always milliseconds, not seconds.
pub const LATEST_TIMESTAMP: u64 = 4_102_444_800;

/// The `timestamp` input: Unix seconds (decimal digits, no sign, no leading zero), between
/// 2000 and 2100.
fn timestamp_input(inputs: &Inputs) -> Result<Option<LabelValue>, InputError> {
    let Some(v) = inputs.get("timestamp") else {
        return Ok(None);
    };
    let usage = "expected Unix seconds, e.g. --set timestamp=$(date +%s)";
    let bad = |why: String| Err(error("timestamp", format!("{why}; {usage}")));
    if v.is_empty() || !v.bytes().all(|b| b.is_ascii_digit()) {
        return bad(format!("`{v}` is not a whole number of seconds"));
    }
    if v.len() > 1 && v.starts_with('0') {
        return bad(format!("`{v}` has a leading zero"));
    }
    let Ok(seconds) = v.parse::<u64>() else {
        return bad(format!("`{v}` is too large"));
    };
    if seconds < EARLIEST_TIMESTAMP {
        return bad(format!("`{v}` is before 2000-01-01"));
    }
    if seconds >= LATEST_TIMESTAMP {
        return bad(format!(
            "`{v}` is after 2100-01-01 (milliseconds? divide by 1000)"
        ));
    }
    LabelValue::parse(v)
        .map(Some)
        .map_err(|e| error("timestamp", e.to_string()))
}

fn label_input(inputs: &Inputs, key: &str) -> Result<Option<LabelValue>, InputError> {
    inputs
        .get(key)
        .map(|v| LabelValue::parse(v).map_err(|e| error(key, e.to_string())))
        .transpose()
}

external_secret! {
    /// The run's parameters, one Secret key per environment variable.
    struct EnvSecret {
        start_date: "START_DATE",
        end_date: "END_DATE",
        latitude: "LATITUDE",
        longitude: "LONGITUDE",
    }
}

dsl::register!(Caelundas);

impl Declaration for Caelundas {
    type Env = Env;
    const ID: &'static str = "caelundas";
    const INPUTS: &'static [InputSpec] = &[
        InputSpec {
            key: "release",
            help: "release name, the base of every object name (default: caelundas)",
        },
        InputSpec {
            key: "git-commit",
            help: "git commit of the run, as a tracking label",
        },
        InputSpec {
            key: "timestamp",
            help: "start time of the run in Unix seconds (2000..2100), as a tracking label, e.g. $(date +%s)",
        },
        InputSpec {
            key: "image-tag",
            help: "image version to run: TAG, TAG@sha256:<64 hex digits> or sha256:<64 hex digits> (default: 1.0.0; the tag becomes the version label)",
        },
    ];

    fn declare(env: Env, inputs: &Inputs) -> Result<App, InputError> {
        let release = inputs
            .get("release")
            .map(|r| Name::parse(r).map_err(|e| error("release", e.to_string())))
            .transpose()?;
        let mut image = image!("ghcr.io/jimmypaolini/caelundas:1.0.0");
        if let Some(version) = inputs.get("image-tag") {
            let version =
                ImageVersion::parse(version).map_err(|e| error("image-tag", e.to_string()))?;
            image = image.with_version(&version);
        }
        if image.tag() == Some("latest") && image.digest().is_none() {
            return Err(error(
                "image-tag",
                "pin a version; `latest` is mutable and not reproducible".into(),
            ));
        }
        let mut labels = BTreeMap::new();
        if let Some(commit) = label_input(inputs, "git-commit")? {
            labels.insert(GIT_COMMIT_LABEL, commit);
        }
        if let Some(ts) = timestamp_input(inputs)? {
            labels.insert(TIMESTAMP_LABEL, ts);
        }

        let (backoff_limit, ttl, size) = match env {
            Env::Production => (1, 3600, storage!("2Gi")),
        };
        let env_secret = EnvSecret::named(name!("caelundas-env-secret"));
        let internet = Dependency::public_https(name!("internet-https"));

        let generator = Component::builder()
            .name(name!("generator"))
            .image(image)
            .resources(Resources::new(
                cpu!("250m"),
                cpu!("1"),
                memory!("512Mi"),
                memory!("1Gi"),
            ))
            .workload(
                BatchJob::builder()
                    .backoff_limit(backoff_limit)
                    .completions(1)
                    .parallelism(1)
                    .ttl_seconds_after_finished(ttl)
                    .output(
                        OutputVolume::builder()
                            .size(size)
                            .mount_path("/app/output")
                            .storage_class(name!("standard"))
                            .access_mode(AccessMode::ReadWriteOnce)
                            .build(),
                    )
                    .build(),
            )
            .env(vec![
                EnvVar::secret(env_name!("START_DATE"), env_secret.start_date()),
                EnvVar::secret(env_name!("END_DATE"), env_secret.end_date()),
                EnvVar::secret(env_name!("LATITUDE"), env_secret.latitude()),
                EnvVar::secret(env_name!("LONGITUDE"), env_secret.longitude()),
                EnvVar::literal(env_name!("HOME"), "/tmp"),
            ])
            .writable_dirs(vec![WritableDir::tmp(storage!("512Mi"))])
            .talks_to([&internet])
            .run_as(run_as!(1000, 1000))
            .build();

        let mut app = App::builder()
            .name(name!("caelundas"))
            .environment(env.name())
            .namespace(name!("caelundas"))
            .create_namespace(true)
            .components(vec![generator])
            .dependencies(vec![internet])
            .secrets(vec![env_secret.declaration()])
            .image_pull_secrets(vec![name!("ghcr-secret")])
            .labels(labels)
            .build();
        app.instance = release;
        Ok(app)
    }
}

#[cfg(test)]
mod timestamp_tests {
    use super::*;

    fn with_timestamp(v: &str) -> Result<Option<LabelValue>, InputError> {
        timestamp_input(&Inputs::new(BTreeMap::from([(
            "timestamp".to_owned(),
            v.to_owned(),
        )])))
    }

    #[test]
    fn timestamp_is_unix_seconds() {
        assert_eq!(
            with_timestamp("1769351422").unwrap().map(|l| l.to_string()),
            Some("1769351422".to_owned())
        );
        assert_eq!(timestamp_input(&Inputs::default()).unwrap(), None);
        for bad in [
            "",
            "now",
            "2026-01-25",
            "+1769351422",
            "-1",
            "1769351422.5",
            "01769351422",
            "0",
            "946684799",
            "1769351422000",
            "18446744073709551616",
        ] {
            let e = with_timestamp(bad).unwrap_err();
            assert_eq!((e.app.as_str(), e.key.as_str()), ("caelundas", "timestamp"));
            assert!(
                e.message.contains("--set timestamp=$(date +%s)"),
                "{bad}: {e}"
            );
        }
    }
}
