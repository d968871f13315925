// A metrics endpoint is on a declared port: `Metrics::builder()` without `.port(..)`
// does not compile.
use dsl::*;

fn main() {
    let _metrics = Metrics::builder().path(http_path!("/metrics")).build();
}
