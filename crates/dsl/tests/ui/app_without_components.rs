// An App must say which components it is made of.
use dsl::*;

fn main() {
    let _app = App::builder()
        .name(name!("shop"))
        .environment(name!("production"))
        .namespace(name!("shop"))
        .build();
}
