//! `kairn import`: existing Kubernetes manifests become typed kairn declarations.
//!
//! The flow, one module each:
//!
//! ```text
//! source   SourceApp { envs: [SourceEnv { objects: [SourceObject] }] }   (load/: YAML, kustomize, Helm, kairn output)
//!   │
//! recognize  objects → components of kairn's model (plan.rs: the import plan, one per app)
//!   │
//! build    plan → dsl::App per environment, rendered in process
//!   │
//! residual what the render does not reproduce → typed customize closures, extra objects,
//!   │      waivers with a reason naming the source
//! rust     plan → Rust source (typed/: k8s-openapi values as Rust expressions)
//!   │
//! report   per source object: where it went, what changed, hardening steps (Markdown, JSON)
//! ```

pub mod report;
pub mod source;
