// Kubernetes schedules have five fields; a six-field (seconds) expression is rejected.
use dsl::*;

fn main() {
    let _often = cron!("*/30 * * * * *");
}
