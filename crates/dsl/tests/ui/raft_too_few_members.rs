// Fewer than three members tolerate no failure at all: not a consensus cluster.
use dsl::*;

fn main() {
    let _members: Quorum = quorum!(1);
}
