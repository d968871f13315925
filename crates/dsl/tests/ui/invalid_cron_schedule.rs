// A CronJob schedule is five cron fields checked at compile time: the hour is 0-23.
use dsl::*;

fn main() {
    let _nightly = cron!("0 25 * * *");
}
