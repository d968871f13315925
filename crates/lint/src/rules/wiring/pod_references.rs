//! What a pod template names: Secrets and their keys (`secret-missing`,
//! `secret-key-missing`), ConfigMaps and their keys (`configmap-missing`,
//! `configmap-key-missing`), claims (`pvc-missing`, `pvc-rwo-shared`), ServiceAccounts
//! (`service-account-missing`), and `reference-unresolved` for partial sets.

use std::collections::BTreeSet;

use crate::set::each_named;
use crate::set::{builtin_config_map, same_ns, Set, Sink, Workload};

/// What a Secret in the set (or declared outside it) holds: `None` keys when unknown.
fn secret_keys(set: &Set<'_>, name: &str, ns: Option<&str>) -> Option<Option<BTreeSet<String>>> {
    for (i, s) in each_named!(set, Secret, ns, name) {
        if s.metadata.name.as_deref() == Some(name) && same_ns(set.items[i].namespace, ns) {
            let empty = s.data.as_ref().is_none_or(|d| d.is_empty())
                && s.string_data.as_ref().is_none_or(|d| d.is_empty());
            if empty || s.type_.as_deref() == Some("kubernetes.io/service-account-token") {
                // Filled in at run time (by a controller, a Job, the token controller).
                return Some(None);
            }
            let keys = s
                .data
                .iter()
                .flat_map(|d| d.keys())
                .chain(s.string_data.iter().flat_map(|d| d.keys()))
                .cloned()
                .collect();
            return Some(Some(keys));
        }
    }
    // Only ExternalSecrets and SealedSecrets make Secrets (in set order).
    let mut makers: Vec<usize> = ["ExternalSecret", "SealedSecret"]
        .iter()
        .flat_map(|k| set.index.in_ns(k, ns).into_owned())
        .collect();
    makers.sort_unstable();
    makers.dedup();
    for item in makers.iter().map(|&i| &set.items[i]) {
        let Some(doc) = item.doc else { continue };
        if !same_ns(item.namespace, ns) {
            continue;
        }
        match doc.kind.as_str() {
            "ExternalSecret" => {
                let target = doc
                    .value()
                    .pointer("/spec/target/name")
                    .and_then(|v| v.as_str())
                    .unwrap_or(&doc.name);
                if target == name {
                    if doc.value().pointer("/spec/dataFrom").is_some()
                        || doc.value().pointer("/spec/target/template").is_some()
                    {
                        return Some(None);
                    }
                    let keys = doc
                        .value()
                        .pointer("/spec/data")
                        .and_then(|d| d.as_array())
                        .into_iter()
                        .flatten()
                        .filter_map(|d| d.get("secretKey")?.as_str().map(str::to_owned))
                        .collect();
                    return Some(Some(keys));
                }
            }
            "SealedSecret" => {
                let target = doc
                    .value()
                    .pointer("/spec/template/metadata/name")
                    .and_then(|v| v.as_str())
                    .unwrap_or(&doc.name);
                if target == name {
                    let keys = doc
                        .value()
                        .pointer("/spec/encryptedData")
                        .and_then(|d| d.as_object())
                        .map(|m| m.keys().cloned().collect());
                    return Some(keys);
                }
            }
            _ => {}
        }
    }
    set.ctx
        .external_secrets
        .iter()
        .find(|s| s.name == name)
        .map(|s| s.keys.as_ref().map(|k| k.iter().cloned().collect()))
}

fn config_map_keys(set: &Set<'_>, name: &str, ns: Option<&str>) -> Option<BTreeSet<String>> {
    if let Some(keys) = builtin_config_map(name) {
        return Some(keys.iter().map(|k| (*k).to_owned()).collect());
    }
    each_named!(set, ConfigMap, ns, name)
        .find(|(i, c)| {
            c.metadata.name.as_deref() == Some(name) && same_ns(set.items[*i].namespace, ns)
        })
        .map(|(_, c)| {
            c.data
                .iter()
                .flat_map(|d| d.keys())
                .chain(c.binary_data.iter().flat_map(|d| d.keys()))
                .cloned()
                .collect()
        })
}

struct Refs<'a, 's> {
    set: &'s Set<'a>,
    w: &'s Workload<'a>,
    sink: &'s mut Sink,
}

impl Refs<'_, '_> {
    fn secret(&mut self, field: String, name: &str, key: Option<&str>, optional: bool) {
        if optional {
            return;
        }
        match secret_keys(self.set, name, self.w.ns) {
            None => {
                let (rule, why) = self.set.unresolved("secret-missing", "Secret", self.w.ns);
                // Read into env, the container fails to be created; mounted, the pod waits
                // on the volume instead.
                let symptom = if field.contains(".volumes[") {
                    "the pod waits in ContainerCreating on the mount (FailedMount events)"
                } else {
                    "the container fails with CreateContainerConfigError"
                };
                self.sink.add(self.w.idx, rule, field, format!("Secret `{name}` is neither in the set nor declared as external, so {symptom}{why}"), "add the Secret to the set, or declare it as an external secret with its keys");
            }
            Some(Some(keys)) => {
                if let Some(k) = key {
                    if !keys.contains(k) {
                        let known: Vec<&str> = keys.iter().map(String::as_str).collect();
                        self.sink.add(self.w.idx, "secret-key-missing", field, format!("Secret `{name}` has no key `{k}` (it has: {})", known.join(", ")), "read a key the Secret has, or add the key to the Secret or its declaration");
                    }
                }
            }
            Some(None) => {}
        }
    }

    fn config_map(&mut self, field: String, name: &str, key: Option<&str>, optional: bool) {
        if optional {
            return;
        }
        match config_map_keys(self.set, name, self.w.ns) {
            None => {
                let (rule, why) = self
                    .set
                    .unresolved("configmap-missing", "ConfigMap", self.w.ns);
                self.sink.add(
                    self.w.idx,
                    rule,
                    field,
                    format!("ConfigMap `{name}` is not in the set, so the pod does not start{why}"),
                    "add the ConfigMap or fix the reference",
                );
            }
            Some(keys) => {
                if let Some(k) = key {
                    if !keys.contains(k) {
                        self.sink.add(
                            self.w.idx,
                            "configmap-key-missing",
                            field,
                            format!("ConfigMap `{name}` has no key `{k}`"),
                            "read a key the ConfigMap has, or add it",
                        );
                    }
                }
            }
        }
    }
}

pub(super) fn pod_references(set: &Set<'_>, sink: &mut Sink) {
    for w in &set.workloads {
        let p = w.prefix;
        let mut r = Refs { set, w, sink };
        for (f, c) in w.containers() {
            for (j, e) in c.env.iter().flatten().enumerate() {
                let Some(from) = &e.value_from else { continue };
                if let Some(s) = &from.secret_key_ref {
                    r.secret(
                        format!("{f}.env[{j}].valueFrom.secretKeyRef"),
                        &s.name,
                        Some(&s.key),
                        s.optional == Some(true),
                    );
                }
                if let Some(s) = &from.config_map_key_ref {
                    r.config_map(
                        format!("{f}.env[{j}].valueFrom.configMapKeyRef"),
                        &s.name,
                        Some(&s.key),
                        s.optional == Some(true),
                    );
                }
            }
            for (j, e) in c.env_from.iter().flatten().enumerate() {
                if let Some(s) = &e.secret_ref {
                    r.secret(
                        format!("{f}.envFrom[{j}].secretRef"),
                        &s.name,
                        None,
                        s.optional == Some(true),
                    );
                }
                if let Some(s) = &e.config_map_ref {
                    r.config_map(
                        format!("{f}.envFrom[{j}].configMapRef"),
                        &s.name,
                        None,
                        s.optional == Some(true),
                    );
                }
            }
        }
        for (j, v) in w.spec.volumes.iter().flatten().enumerate() {
            let vf = format!("{p}.volumes[{j}]");
            if let Some(s) = &v.secret {
                let name = s.secret_name.as_deref().unwrap_or_default();
                r.secret(
                    format!("{vf}.secret.secretName"),
                    name,
                    None,
                    s.optional == Some(true),
                );
                for (k, item) in s.items.iter().flatten().enumerate() {
                    r.secret(
                        format!("{vf}.secret.items[{k}].key"),
                        name,
                        Some(&item.key),
                        s.optional == Some(true),
                    );
                }
            }
            if let Some(c) = &v.config_map {
                r.config_map(
                    format!("{vf}.configMap.name"),
                    &c.name,
                    None,
                    c.optional == Some(true),
                );
                for (k, item) in c.items.iter().flatten().enumerate() {
                    r.config_map(
                        format!("{vf}.configMap.items[{k}].key"),
                        &c.name,
                        Some(&item.key),
                        c.optional == Some(true),
                    );
                }
            }
            for (k, src) in v
                .projected
                .iter()
                .flat_map(|p| p.sources.iter().flatten())
                .enumerate()
            {
                if let Some(s) = &src.secret {
                    r.secret(
                        format!("{vf}.projected.sources[{k}].secret"),
                        &s.name,
                        None,
                        s.optional == Some(true),
                    );
                    for (n, item) in s.items.iter().flatten().enumerate() {
                        r.secret(
                            format!("{vf}.projected.sources[{k}].secret.items[{n}].key"),
                            &s.name,
                            Some(&item.key),
                            s.optional == Some(true),
                        );
                    }
                }
                if let Some(c) = &src.config_map {
                    r.config_map(
                        format!("{vf}.projected.sources[{k}].configMap"),
                        &c.name,
                        None,
                        c.optional == Some(true),
                    );
                    for (n, item) in c.items.iter().flatten().enumerate() {
                        r.config_map(
                            format!("{vf}.projected.sources[{k}].configMap.items[{n}].key"),
                            &c.name,
                            Some(&item.key),
                            c.optional == Some(true),
                        );
                    }
                }
            }
            if let Some(claim) = &v.persistent_volume_claim {
                let found = each_named!(set, PersistentVolumeClaim, w.ns, &claim.claim_name).find(
                    |(i, c)| {
                        c.metadata.name.as_deref() == Some(claim.claim_name.as_str())
                            && same_ns(set.items[*i].namespace, w.ns)
                    },
                );
                let external = set.ctx.external_claims.iter().any(|(ns, name)| {
                    *name == claim.claim_name && same_ns(Some(ns.as_str()), w.ns)
                });
                match found {
                    None if external => {}
                    None => {
                        let (rule, why) =
                            set.unresolved("pvc-missing", "PersistentVolumeClaim", w.ns);
                        r.sink.add(w.idx, rule, format!("{vf}.persistentVolumeClaim.claimName"), format!("PersistentVolumeClaim `{}` is not in the set, so the pod stays Pending{why}", claim.claim_name), "add the claim, or use volumeClaimTemplates on a StatefulSet");
                    }
                    Some((_, pvc)) => {
                        let modes = pvc
                            .spec
                            .as_ref()
                            .and_then(|s| s.access_modes.as_deref())
                            .unwrap_or_default();
                        let single = !modes.is_empty()
                            && modes
                                .iter()
                                .all(|m| m == "ReadWriteOnce" || m == "ReadWriteOncePod");
                        if single && w.max > 1 && claim.read_only != Some(true) {
                            let scaled = if w.hpa.is_some() {
                                format!("scales up to {} pods", w.max)
                            } else {
                                format!("runs {} pods", w.max)
                            };
                            r.sink.add(w.idx, "pvc-rwo-shared", format!("{vf}.persistentVolumeClaim.claimName"), format!("the {} {scaled} that all mount the {} claim `{}`; pods on other nodes hang in ContainerCreating (Multi-Attach) and pods on the same node share one data directory", w.kind, modes.join("/"), claim.claim_name), if w.kind == "StatefulSet" { "use spec.volumeClaimTemplates so every member gets its own volume".to_owned() } else { "run one replica, or use a ReadWriteMany claim or object storage".to_owned() });
                        }
                    }
                }
            }
        }
        for (j, s) in w.spec.image_pull_secrets.iter().flatten().enumerate() {
            // Pull secrets are usually created out of band, and the kubelet pulls without a
            // missing one: never more than unresolved.
            if s.name.is_empty() || secret_keys(set, &s.name, w.ns).is_some() {
                continue;
            }
            r.sink.add(
                w.idx,
                "reference-unresolved",
                format!("{p}.imagePullSecrets[{j}].name"),
                format!("image pull Secret `{}` is not in the set; the kubelet pulls without it, which fails for a private registry", s.name),
                "create the pull Secret in the namespace (or add it to the set)",
            );
        }
        let sa = w.service_account();
        if sa != "default" {
            let exists = each_named!(set, ServiceAccount, w.ns, sa).any(|(i, a)| {
                a.metadata.name.as_deref() == Some(sa) && same_ns(set.items[i].namespace, w.ns)
            });
            let external = crate::declared::external_service_account(&set.items[w.idx], sa);
            if !exists && !external {
                let (rule, why) = set.unresolved("service-account-missing", "ServiceAccount", w.ns);
                r.sink.add(
                    w.idx,
                    rule,
                    format!("{p}.serviceAccountName"),
                    format!("ServiceAccount `{sa}` is not in the set, so pod creation fails{why}"),
                    "add the ServiceAccount or fix serviceAccountName",
                );
            }
        }
    }
}
