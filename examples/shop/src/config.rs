//! The shop's configuration file, `/etc/shop/shop.yaml`, written from a typed value:
//! mounted read-only from a ConfigMap and hashed into the pod template, so pods roll when
//! it changes.

use dsl::*;
use serde::Serialize;

use crate::profile::Profile;

/// The content of `shop.yaml`.
#[derive(Clone, Debug, Serialize)]
pub struct ShopConfig {
    /// How much the shop logs.
    pub log_level: &'static str,
    /// Prices are in this ISO 4217 currency.
    pub currency: &'static str,
    /// Products per catalogue page.
    pub page_size: u32,
    /// Whether customers can check out (off during a stock take).
    pub checkout_enabled: bool,
}

/// The file's name in the mounted directory.
pub const FILE: DataKey = key!("shop.yaml");

/// The directory with `shop.yaml`, for the components that read it.
pub fn files(p: &Profile) -> Result<ConfigFiles, dsl::yaml::YamlError> {
    let config = ShopConfig {
        log_level: p.log_level,
        currency: "EUR",
        page_size: 48,
        checkout_enabled: true,
    };
    ConfigFiles::new(name!("config"), "/etc/shop").yaml(FILE, &config)
}
