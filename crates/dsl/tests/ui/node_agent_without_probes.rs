// A node agent is probed, or says why it is not: neither `.probes(..)` nor
// `.without_probes(reason!(".."))` does not compile.
use dsl::*;

fn main() {
    let _agent = NodeAgent::builder()
        .host_access([HostAccess::host_path(host_path!("/var/log"), "/var/log")
            .reason(reason!("ships the node's log files"))])
        .build();
}
