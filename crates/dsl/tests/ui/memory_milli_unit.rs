// "m" means milli: "512m" of memory is half a byte, a classic typo for "512Mi".
use dsl::*;

fn main() {
    let _m = memory!("512m");
}
