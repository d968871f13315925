//! The seed applications, as registered: each module registers its declaration with
//! `dsl::register!` next to it (see [`dsl::registry`]); this is the seeds' share of the
//! registry, for the `kairn` binary of this repository and its tests.

pub use dsl::registry::{AppEntry, Declaration, InputSpec};

/// Every seed application, sorted by id: the registrations made from this crate.
pub fn registry() -> Vec<AppEntry> {
    dsl::registry::registered()
        .into_iter()
        .filter(|a| {
            a.module.split("::").next()
                == Some(module_path!().split("::").next().unwrap_or_default())
        })
        .collect()
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_five_seeds_register_themselves() {
        let ids: Vec<&str> = super::registry().iter().map(|a| a.id).collect();
        assert_eq!(
            ids,
            [
                "caelundas",
                "gorax",
                "inquisitor",
                "terrapod",
                "triage-warden"
            ]
        );
    }
}
