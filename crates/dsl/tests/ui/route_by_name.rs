// Nor can a route name a component by string: `name!("api")` may name nothing, or a
// component without a Service.
use dsl::*;

fn main() {
    let _rules = HostRules::all_to(host!("shop.example.com"), name!("api"));
}
