// The literal macros only accept literals, so their check always runs at compile time;
// a value known only at run time must go through `Name::parse`.
use dsl::*;

fn main() {
    let s = "api";
    let _n = name!(s);
}
