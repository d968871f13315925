//! The nightly sales report: a CronJob, its schedule checked at compile time.

use dsl::*;

use crate::api::IMAGE;
use crate::secrets::ShopSecrets;
use crate::stores::Stores;

/// The report component: every night at 02:30 Berlin time, never two at once.
pub fn report(stores: &Stores, secrets: &ShopSecrets) -> Component {
    let nightly = ScheduledJob::builder()
        .schedule(cron!("30 2 * * *"))
        .time_zone(time_zone!("Europe/Berlin"))
        .starting_deadline_seconds(3600)
        .backoff_limit(2)
        .active_deadline_seconds(1800)
        .ttl_seconds_after_finished(86_400)
        .build();
    Component::builder()
        .name(name!("report"))
        .image(IMAGE)
        .resources(Resources::new(
            cpu!("100m"),
            cpu!("500m"),
            memory!("128Mi"),
            memory!("256Mi"),
        ))
        .command(vec!["/app/shop".to_owned(), "report".to_owned()])
        .workload(nightly)
        // Only what it needs: the database, nothing else.
        .env(vec![EnvVar::secret(
            env_name!("DATABASE_URL"),
            secrets.database_url(),
        )])
        .talks_to([&stores.postgres])
        .build()
}
