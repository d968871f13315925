//! The tests of rendered apps that run the validator on what `render` made: each module
//! beside the render tests of the same name (`render/<name>_tests.rs`, whose fixtures it
//! borrows), so that `render`'s own tests use only `render` and `model`.

mod containers;
mod customize;
mod general;
mod node_agent;
mod pod;
mod pod_options;
mod run_as_root;
mod shared_files;
mod stateful;
