// Host access lowers the namespace's Pod Security level, so it must say why: a host
// path without `.reason(reason!("…"))` is refused by the node agent.
use dsl::*;

fn main() {
    let _agent = NodeAgent::builder()
        .without_probes(reason!("the agent serves no health endpoint"))
        .host_access([HostAccess::host_path(host_path!("/var/log"), "/host/var/log")])
        .build();
}
