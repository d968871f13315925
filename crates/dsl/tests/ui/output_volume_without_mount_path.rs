// A Job's output volume is mounted somewhere: an `OutputVolume` without
// `.mount_path(..)` does not compile.
use dsl::*;

fn main() {
    let _results = OutputVolume::builder().size(storage!("10Gi")).build();
}
