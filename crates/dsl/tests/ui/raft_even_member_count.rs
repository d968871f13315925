// A consensus cluster has 2f+1 members: an even count tolerates no more failures than the
// odd count below it and allows split votes, so it does not compile.
use dsl::*;

fn main() {
    let _members: Quorum = quorum!(4);
}
