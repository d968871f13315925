//! The log shipper, a node agent in an app of its own (`shop-logs`): Fluent Bit on every
//! node tails the shop's container logs from the node's `/var/log` and sends them to
//! Loki. Reading the node's files needs host access, which lowers the Pod Security level
//! of the namespace it runs in; in its own namespace, the shop's stays `restricted`.

use dsl::registry::{Declaration, InputError, Inputs};
use dsl::*;

use crate::profile::{Env, Profile};

/// Fluent Bit's HTTP server: health endpoint and Prometheus metrics.
pub const HTTP: NamedPort = NamedPort::new(port_name!("http"), port!(2020));

/// Where the logs go: Loki's HTTPS endpoint on the internet.
pub fn loki() -> Dependency {
    Dependency::public_https(name!("loki"))
}

/// Fluent Bit's configuration: the shop namespace's container logs (file names are
/// `<pod>_<namespace>_<container>-<id>.log`) to Loki.
pub fn files(shop: &Profile) -> ConfigFiles {
    let config = format!(
        "service:
  http_server: on
  http_listen: 0.0.0.0
  http_port: {port}
  health_check: on
pipeline:
  inputs:
    - name: tail
      path: /var/log/containers/*_{namespace}_*.log
      multiline.parser: cri
      tag: shop.*
      mem_buf_limit: 16MB
  outputs:
    - name: loki
      match: '*'
      host: logs.example.com
      port: 443
      tls: on
      labels: namespace={namespace}
",
        port = HTTP.number,
        namespace = shop.namespace,
    );
    ConfigFiles::new(name!("config"), "/etc/fluent-bit").file(key!("fluent-bit.yaml"), config)
}

/// The log shipper: a DaemonSet on every node, tainted ones included. The container log
/// files are root's (mode 0640), so it runs as root, with no capability added: root
/// reads the files it owns without `DAC_READ_SEARCH`, while a non-root process gets no
/// ambient capabilities from Kubernetes, so adding one would not help it.
pub fn shipper(shop: &Profile, loki: &Dependency) -> Component {
    let agent = NodeAgent::builder()
        .ports(vec![HTTP])
        .probes(Probes::http(
            &HTTP,
            http_path!("/"),
            http_path!("/api/v1/health"),
        ))
        .host_access([
            HostAccess::host_path(host_path!("/var/log"), "/var/log")
                .reason(reason!("tails the shop's container logs on the node")),
            HostAccess::run_as_root()
                .reason(reason!("reads root-owned container logs under /var/log")),
        ])
        .build();
    Component::builder()
        .name(name!("shipper"))
        .image(image!("cr.fluentbit.io/fluent/fluent-bit:3.1.9"))
        .resources(Resources::new(
            cpu!("50m"),
            cpu!("200m"),
            memory!("64Mi"),
            memory!("128Mi"),
        ))
        .args(vec![
            "--config".to_owned(),
            "/etc/fluent-bit/fluent-bit.yaml".to_owned(),
        ])
        .workload(agent)
        .files(vec![files(shop)])
        .tolerate_all(Toleration::everything())
        .talks_to([loki])
        .build()
}

/// The log shipping app, one per environment, next to the shop.
pub struct ShopLogs;

dsl::register!(ShopLogs);

impl Declaration for ShopLogs {
    type Env = Env;
    const ID: &'static str = "shop-logs";

    fn declare(env: Env, _inputs: &Inputs) -> Result<App, InputError> {
        let shop = Profile::of(env);
        let loki = loki();
        let shipper = shipper(&shop, &loki);
        Ok(App::builder()
            .name(name!("shop-logs"))
            .environment(env.name())
            .namespace(shop.logs_namespace)
            // Created by kairn, so it can carry the Pod Security level the host access
            // needs (and say why).
            .create_namespace(true)
            .components([shipper])
            .dependencies(vec![loki])
            .build())
    }
}
