// A gRPC probe is built from the container's declared `NamedPort` (whose number it
// renders), never from a bare port name.
use dsl::*;

fn main() {
    let _check = Check::grpc(port_name!("grpc"));
}
