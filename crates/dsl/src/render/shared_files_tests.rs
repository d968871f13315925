//! Configuration files mounted by one component (several components sharing a set:
//! `validate/render_tests/shared_files.rs`).

use k8s_openapi::api::apps::v1::Deployment;
use k8s_openapi::api::core::v1::ConfigMap;

use super::pod::CONFIG_HASH_ANNOTATION;
use crate::*;

pub(crate) fn shop(components: Vec<Component>) -> App {
    App::builder()
        .name(name!("shop"))
        .environment(name!("production"))
        .namespace(name!("shop"))
        .components(components)
        .build()
}

pub(crate) fn worker(name: Name, files: Vec<ConfigFiles>) -> Component {
    Component::builder()
        .name(name)
        .image(image!("ghcr.io/acme/shop:1.4.2"))
        .resources(Resources::new(
            cpu!("100m"),
            cpu!("500m"),
            memory!("128Mi"),
            memory!("256Mi"),
        ))
        .files(files)
        .workload(Worker::builder().replicas(Replicas::Fixed(1)).build())
        .build()
}

pub(crate) fn settings(dir: &str, currency: &str) -> ConfigFiles {
    ConfigFiles::new(name!("config"), dir)
        .file(key!("shop.yaml"), format!("currency: {currency}\n"))
}

pub(crate) fn config_maps(manifests: &[Manifest]) -> Vec<&ConfigMap> {
    manifests
        .iter()
        .filter_map(|m| match &m.object {
            Object::ConfigMap(c) => Some(&**c),
            _ => None,
        })
        .collect()
}

pub(crate) fn deployment<'a>(manifests: &'a [Manifest], name: &str) -> &'a Deployment {
    manifests
        .iter()
        .find_map(|m| match &m.object {
            Object::Deployment(d) if d.metadata.name.as_deref() == Some(name) => Some(d),
            _ => None,
        })
        .expect("the Deployment")
}

/// `(ConfigMap name, mount path)` of the volume `config` of a Deployment, and its
/// pod template's config hash.
pub(crate) fn mounted(d: &Deployment) -> (String, String, Option<String>) {
    let template = &d.spec.as_ref().expect("spec").template;
    let pod = template.spec.as_ref().expect("pod");
    let volume = pod
        .volumes
        .iter()
        .flatten()
        .find(|v| v.name == "config")
        .and_then(|v| v.config_map.as_ref())
        .expect("a ConfigMap volume");
    let mount = pod.containers[0]
        .volume_mounts
        .iter()
        .flatten()
        .find(|m| m.name == "config")
        .expect("its mount");
    let hash = template
        .metadata
        .as_ref()
        .and_then(|m| m.annotations.as_ref())
        .and_then(|a| a.get(CONFIG_HASH_ANNOTATION))
        .cloned();
    (volume.name.clone(), mount.mount_path.clone(), hash)
}

#[test]
fn a_set_mounted_by_one_component_keeps_its_component_name() {
    let app = shop(vec![
        worker(name!("api"), vec![settings("/etc/shop", "EUR")]),
        worker(name!("mailer"), vec![settings("/etc/shop", "USD")]),
    ]);
    let manifests = render(&app);
    let mut names: Vec<_> = config_maps(&manifests)
        .iter()
        .filter_map(|c| c.metadata.name.clone())
        .collect();
    names.sort();
    assert_eq!(names, ["shop-api-config", "shop-mailer-config"]);
    assert_eq!(
        mounted(deployment(&manifests, "shop-api")).0,
        "shop-api-config"
    );
}
