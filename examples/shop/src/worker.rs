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
        .talks_to([&stores.redis, &stores.postgres])
        .build()
}
