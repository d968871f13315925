// Pods never run as root: uid/gid 0 is rejected when the identity is a constant.
use dsl::*;

const ROOT: RunAs = RunAs::new(0, 0);

fn main() {
    let _r = ROOT;
}
