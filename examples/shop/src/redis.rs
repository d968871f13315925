//! Redis, the job queue and cache: a single-instance StatefulSet of the shop's own, with
//! a claim for its data, TCP probes, and its configuration (password included) mounted
//! from one key of the shop's Secret.

use dsl::*;

use crate::secrets::ShopSecrets;

/// The Redis port; the API and the worker reach it through the component's handle.
pub const REDIS: NamedPort = NamedPort::new(port_name!("redis"), port!(6379));

/// The Redis component: one member, its append-only file on a 2 GiB claim.
pub fn redis(secrets: &ShopSecrets) -> Component {
    let probes = Probes::builder()
        .liveness(Probe::builder().check(Check::tcp(&REDIS)).build())
        .readiness(Probe::builder().check(Check::tcp(&REDIS)).build())
        .build();
    let data = MemberVolume::builder()
        .name(name!("data"))
        .size(storage!("2Gi"))
        .mount_path("/data")
        .build();
    // `redis.conf` (`requirepass`, `appendonly yes`, `dir /data`) is the Secret's key:
    // only that key is mounted, read-only, for the pod's group (Redis's `fsGroup`).
    let config = ProjectedFiles::new(name!("redis-config"), "/etc/redis")
        .secret_file(secrets.redis_conf(), key!("redis.conf"))
        .default_mode(FileMode::READ_OWNER_GROUP);
    Component::builder()
        .name(name!("redis"))
        .image(image!("docker.io/library/redis:7.2.5"))
        .resources(Resources::new(
            cpu!("100m"),
            cpu!("500m"),
            memory!("256Mi"),
            memory!("512Mi"),
        ))
        .command(vec![
            "redis-server".to_owned(),
            "/etc/redis/redis.conf".to_owned(),
        ])
        .workload(StatefulService::single(REDIS, probes, data))
        .volume(config)
        .build()
}
