// A reason must explain something: an empty one does not compile.
use dsl::*;

fn main() {
    let _network = HostAccess::host_network().reason(reason!(""));
}
