//! `name-format`, `required-field`: object names.

use crate::set::{dns1035_label, dns_label, dns_subdomain, Set, Sink};

pub(super) fn names(set: &Set<'_>, sink: &mut Sink) {
    for (i, item) in set.items.iter().enumerate() {
        let Some(object) = item.object else { continue };
        let meta = object.metadata();
        let name = meta.name.as_deref().unwrap_or_default();
        if name.is_empty() {
            if meta.generate_name.is_none() {
                sink.add(
                    i,
                    "required-field",
                    "metadata.name",
                    format!("the {} has no name", item.kind),
                    "set metadata.name",
                );
            }
            continue;
        }
        let problem = match object.kind() {
            "Service" => dns1035_label(name),
            "Namespace" | "StatefulSet" | "Job" => dns_label(name),
            "Role" | "RoleBinding" => {
                (name.contains('/') || name.contains('%') || name == "." || name == "..")
                    .then_some("a Role or RoleBinding name must not contain '/' or '%'")
            }
            _ => dns_subdomain(name),
        };
        if let Some(p) = problem {
            sink.add(
                i,
                "name-format",
                "metadata.name",
                format!("`{name}`: {p}"),
                "rename it with lowercase letters, digits and '-'",
            );
        }
    }
}
