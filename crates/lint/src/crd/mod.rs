//! Typed custom resources that kairn emits (Prometheus Operator `monitoring.coreos.com/v1`).

pub mod monitoring;
