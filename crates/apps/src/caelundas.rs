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
pub const GIT_COMMIT_LABEL: &str = "kairn.dev/git-commit";
/// Label carrying when a run was started (Unix seconds).
pub const TIMESTAMP_LABEL: &str = "kairn.dev/timestamp";

fn error(key: &str, message: String) -> InputError {
    InputError {
        app: Caelundas::ID.to_owned(),
        key: key.to_owned(),
        message,
    }
}

fn label_input(inputs: &Inputs, key: &str) -> Result<Option<LabelValue>, InputError> {
    inputs
        .get(key)
        .map(|v| LabelValue::parse(v).map_err(|e| error(key, e.to_string())))
        .transpose()
}

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
            help: "start time of the run in Unix seconds, as a tracking label",
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
            labels.insert(GIT_COMMIT_LABEL.to_owned(), commit);
        }
        if let Some(ts) = label_input(inputs, "timestamp")? {
            labels.insert(TIMESTAMP_LABEL.to_owned(), ts);
        }

        let (backoff_limit, ttl, size) = match env {
            Env::Production => (1, 3600, storage!("2Gi")),
        };
        let env_secret = ExternalSecret::new(
            name!("caelundas-env-secret"),
            [
                key!("START_DATE"),
                key!("END_DATE"),
                key!("LATITUDE"),
                key!("LONGITUDE"),
            ],
        );
        let from_secret = |k: DataKey| {
            EnvVar::secret(
                EnvName::parse(k.as_str()).expect("keys are env names"),
                env_secret.key(k),
            )
        };

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
            .env(
                [
                    key!("START_DATE"),
                    key!("END_DATE"),
                    key!("LATITUDE"),
                    key!("LONGITUDE"),
                ]
                .into_iter()
                .map(from_secret)
                .chain([EnvVar::literal(env_name!("HOME"), "/tmp")])
                .collect(),
            )
            .writable_dirs(vec![WritableDir::tmp(storage!("512Mi"))])
            .talks_to(vec![name!("internet-https")])
            .run_as(run_as!(1000, 1000))
            .build();

        let mut app = App::builder()
            .name(name!("caelundas"))
            .environment(env.name())
            .namespace(name!("caelundas"))
            .create_namespace(true)
            .components(vec![generator])
            .dependencies(vec![Dependency::public_https(name!("internet-https"))])
            .secrets(vec![env_secret.clone()])
            .image_pull_secrets(vec![name!("ghcr-secret")])
            .labels(labels)
            .build();
        app.instance = release;
        Ok(app)
    }
}
