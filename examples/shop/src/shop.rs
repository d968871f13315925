//! The shop app: its components, the Ingress and the Secret put together, per environment.

use dsl::registry::{Declaration, InputError, Inputs};
use dsl::*;

use crate::profile::{Env, Profile};
use crate::secrets::ShopSecrets;
use crate::stores::Stores;
use crate::{api, config, migrate, redis, report, worker};

/// The shop declaration.
pub struct Shop;

dsl::register!(Shop);

impl Declaration for Shop {
    type Env = Env;
    const ID: &'static str = "shop";

    fn declare(env: Env, _inputs: &Inputs) -> Result<App, InputError> {
        let p = Profile::of(env);
        let stores = Stores::declare();
        let secrets = ShopSecrets::named(name!("shop-secrets"));
        let config = config::files(&p).map_err(|e| InputError {
            app: Self::ID.to_owned(),
            key: "config".to_owned(),
            message: e.to_string(),
        })?;
        let redis = redis::redis(&secrets);
        let api = api::api(&p, &stores, &redis, &secrets, &config);
        let worker = worker::worker(&p, &stores, &redis, &secrets, &config);
        let report = report::report(&stores, &secrets);
        let migrate = migrate::migrate(&stores, &secrets);
        let ingress = Ingress::builder()
            .class(name!("nginx"))
            .hosts(vec![HostRules::all_to(p.host, &api)])
            .tls(Tls::CertManager {
                cluster_issuer: name!("letsencrypt-prod"),
            })
            .build();
        Ok(App::builder()
            .name(name!("shop"))
            .environment(env.name())
            .namespace(p.namespace)
            .create_namespace(true)
            .components((api, worker, redis, report, migrate))
            .dependencies(stores.into_vec())
            .secrets(vec![secrets.declaration()])
            .ingress(ingress)
            // Prometheus (namespace `monitoring`) scrapes the API's metrics sidecar.
            .monitoring(Monitoring::builder().build())
            .build())
    }
}
