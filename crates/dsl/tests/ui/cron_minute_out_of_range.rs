// A CronJob schedule is five cron fields checked at compile time: the minute is 0-59.
use dsl::*;

fn main() {
    let _hourly = cron!("61 * * * *");
}
