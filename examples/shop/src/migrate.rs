//! The schema migration: a Job run before every deploy (a Helm `pre-upgrade` and Argo CD
//! `PreSync` hook; for kubectl and Flux the environment is written in phases).

use dsl::*;

use crate::api::IMAGE;
use crate::secrets::ShopSecrets;
use crate::stores::Stores;

/// The migration component: the shop's image running its `migrate` command.
pub fn migrate(stores: &Stores, secrets: &ShopSecrets) -> Component {
    Component::builder()
        .name(name!("migrate"))
        .image(IMAGE)
        .resources(Resources::new(
            cpu!("100m"),
            cpu!("500m"),
            memory!("128Mi"),
            memory!("256Mi"),
        ))
        .command(vec!["/app/shop".to_owned(), "migrate".to_owned()])
        .workload(
            BatchJob::builder()
                .backoff_limit(1)
                .active_deadline_seconds(600)
                .ttl_seconds_after_finished(3600)
                .hook(Hook::before_deploy())
                .build(),
        )
        .env(vec![EnvVar::secret(
            env_name!("DATABASE_URL"),
            secrets.database_url(),
        )])
        .talks_to([&stores.postgres])
        .build()
}
