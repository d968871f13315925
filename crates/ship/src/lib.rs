//! # kairn ship
//!
//! Turns the environments `dsl` renders into things a platform team ships:
//! - [`helm`]: a Helm chart per application environment (`kairn emit --format helm`);
//! - [`archive`]: byte-reproducible `.tar.gz` archives;
//! - [`package`]: `kairn package`: chart archives, manifest bundles, `SHA256SUMS`, `index.json`;
//! - `oci` (feature `oci`): `kairn publish`: charts and Flux bundles pushed to an OCI registry;
//! - [`diff`]: `kairn diff`: object-level differences against an earlier render.

#![warn(missing_docs)]

pub mod archive;
pub mod diff;
pub mod helm;
#[cfg(feature = "oci")]
pub mod oci;
pub mod package;
