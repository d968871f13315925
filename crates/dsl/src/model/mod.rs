//! The application model: what users declare, at the level they think in.
//!
//! An [`App`](app::App) is one application in one environment. It holds [`Component`](component::Component)s
//! (HTTP services, workers, batch jobs), the [`Dependency`](dependency::Dependency)s they talk to, its
//! configuration, secret references, ingress and monitoring. The renderer expands
//! one `App` into every Kubernetes object it needs.

pub mod affinity;
pub mod app;
pub mod builder;
pub(crate) mod builder_macro;
pub mod builders;
pub mod cluster;
pub mod component;
pub mod container;
pub mod customize;
pub mod dependency;
pub mod dns;
pub mod environment;
pub mod exposure;
pub mod extra_json;
pub mod files;
pub mod handles;
pub mod hook;
pub mod host_access;
pub mod ingress;
pub mod jobs;
pub mod kept;
pub mod metadata;
pub mod monitoring;
pub mod node_agent;
pub mod open_network;
pub mod pod;
pub mod pod_options;
mod references;
pub mod resources_as_source;
pub mod scaling;
pub mod scheduling;
pub mod set_at;
pub mod stateful;
pub mod storage;
pub mod volumes;
