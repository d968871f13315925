//! The queue worker: takes jobs (order e-mails, stock updates) from Redis.

use dsl::*;

use crate::api::IMAGE;
use crate::config::FILE as CONFIG_FILE;
use crate::profile::Profile;
use crate::secrets::ShopSecrets;
use crate::stores::Stores;

/// The worker's health endpoint (no Service: only the kubelet's probes call it).
pub const HEALTH: NamedPort = NamedPort::new(port_name!("health"), port!(8081));

/// The worker component: the shop's image running its `worker` command.
pub fn worker(
    p: &Profile,
    stores: &Stores,
    redis: &Component,
    secrets: &ShopSecrets,
    config: &ConfigFiles,
) -> Component {
    let mut queue = Worker::builder()
        .replicas(Replicas::Fixed(p.workers))
        .probes(Probes::http(
            &HEALTH,
            http_path!("/health/live"),
            http_path!("/health/ready"),
        ))
        .ports(vec![HEALTH])
        .spread(p.spread)
        .build();
    // With more than one worker, a node drain keeps all but one running.
    queue.disruption = (p.workers > 1).then_some(Disruption::MaxUnavailable(1));
    Component::builder()
        .name(name!("worker"))
        .image(IMAGE)
        .resources(p.worker_resources)
        .command(vec!["/app/shop".to_owned(), "worker".to_owned()])
        .workload(queue)
        .env(vec![
            EnvVar::secret(env_name!("DATABASE_URL"), secrets.database_url()),
            EnvVar::secret(env_name!("REDIS_URL"), secrets.redis_url()),
            EnvVar::literal(env_name!("SHOP_CONFIG"), config.path_of(&CONFIG_FILE)),
        ])
        .files(vec![config.clone()])
        // Runs to completion first: the worker starts once Redis and PostgreSQL answer.
        .init_container(
            Container::builder()
                .name(name!("wait-for-stores"))
                .image(IMAGE)
                .resources(Resources::new(
                    cpu!("10m"),
                    cpu!("100m"),
                    memory!("32Mi"),
                    memory!("64Mi"),
                ))
                .command(vec!["/app/shop".to_owned(), "wait-for-stores".to_owned()])
                .env(vec![
                    EnvVar::secret(env_name!("DATABASE_URL"), secrets.database_url()),
                    EnvVar::secret(env_name!("REDIS_URL"), secrets.redis_url()),
                ])
                .build(),
        )
        .talks_to([&stores.postgres])
        .talks_to([redis])
        .build()
}
