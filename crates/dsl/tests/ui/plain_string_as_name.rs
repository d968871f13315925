// A plain string is not a Name: names only come from `name!` (checked at compile time)
// or `Name::parse` (checked at run time).
use dsl::*;

fn main() {
    let _api = Component::builder().name("api");
}
