// Plain-HTTP ingress is not expressible: the Ingress builder requires `.tls(...)`.
use dsl::*;

fn main() {
    let _ingress = Ingress::builder()
        .class(name!("nginx"))
        .hosts(vec![])
        .build();
}
