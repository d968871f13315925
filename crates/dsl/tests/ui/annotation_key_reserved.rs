// kairn's own annotations drive behaviour (the config hash rolls pods, the
// external-Secrets list feeds `kairn lint`): a component cannot set one by hand.
use dsl::*;

fn main() {
    let _key = annotation_key!("kairn.dev/config-hash");
}
