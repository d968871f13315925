// A member volume states its size: a `MemberVolume` without `.size(..)` does not compile.
use dsl::*;

fn main() {
    let _data = MemberVolume::builder()
        .name(name!("data"))
        .mount_path("/var/lib/data")
        .build();
}
