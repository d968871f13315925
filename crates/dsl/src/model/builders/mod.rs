//! Type-state builders of the model structs (written by
//! `typestate_builder!`): a missing required field is a compile
//! error naming the field and the call that sets it. [`Component`](super::component::Component)'s
//! own builder is hand-written in [`builder`](super::builder).

pub mod app;
pub mod cluster;
pub mod http;
pub mod ingress;
pub mod job;
pub mod monitoring;
pub mod pod;
pub mod workloads;
