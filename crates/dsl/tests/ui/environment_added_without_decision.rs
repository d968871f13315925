// Everything that differs per environment is decided in one exhaustive `match`. Adding an
// environment (here `Preview`) without deciding its namespace, prefix and replicas does not
// compile: there is no silent default for the new environment.
use dsl::*;

environments! {
    /// Where the app runs.
    pub enum Env {
        Development => "development",
        Staging => "staging",
        Production => "production",
        Preview => "preview",
    }
}

struct Profile {
    namespace: Name,
    prefix: Name,
    api_replicas: Replicas,
}

fn profile(env: Env) -> Profile {
    match env {
        Env::Development => Profile {
            namespace: name!("gorax-dev"),
            prefix: name!("dev"),
            api_replicas: Replicas::Fixed(1),
        },
        Env::Staging => Profile {
            namespace: name!("gorax-staging"),
            prefix: name!("staging"),
            api_replicas: Replicas::Autoscaled(autoscaling!(2..=6).cpu(70).memory(80)),
        },
        Env::Production => Profile {
            namespace: name!("gorax-prod"),
            prefix: name!("prod"),
            api_replicas: Replicas::Autoscaled(autoscaling!(3..=20).cpu(70).memory(80)),
        },
    }
}

fn main() {
    for env in Env::ALL {
        let p = profile(*env);
        let _ = (p.namespace, p.prefix, p.api_replicas);
    }
}
