//! Per-object cost of the three in-memory steps of `emit`, over every environment of the
//! seed apps (divan; medians and throughput in objects per second):
//!
//!   cargo bench -p cli --bench objects
//!
//! `render` (declaration to k8s-openapi objects), `validate` (every rule over the object
//! graph), `serialize` (YAML files, kustomization.yaml and the ownership record).

use divan::counter::ItemsCount;
use divan::{black_box, Bencher};

fn main() {
    divan::main();
}

fn seeds() -> Vec<(String, dsl::App)> {
    apps::registry()
        .iter()
        .flat_map(|e| {
            e.environments().into_iter().filter_map(move |env| {
                e.declare(env.as_str(), &apps::Inputs::default())
                    .and_then(Result::ok)
                    .map(|a| (e.id.to_owned(), a))
            })
        })
        .collect()
}

fn rendered() -> Vec<(String, dsl::App, Vec<dsl::Manifest>)> {
    seeds()
        .into_iter()
        .map(|(id, app)| {
            let manifests = dsl::render(&app);
            (id, app, manifests)
        })
        .collect()
}

fn objects(r: &[(String, dsl::App, Vec<dsl::Manifest>)]) -> ItemsCount {
    ItemsCount::new(r.iter().map(|(_, _, m)| m.len()).sum::<usize>())
}

#[divan::bench]
fn render(b: Bencher) {
    let apps = seeds();
    let n = objects(&rendered());
    b.counter(n).bench(|| {
        for (_, a) in &apps {
            black_box(dsl::render(a));
        }
    });
}

#[divan::bench]
fn validate(b: Bencher) {
    let r = rendered();
    b.counter(objects(&r)).bench(|| {
        for (_, a, m) in &r {
            black_box(dsl::validate(m, &dsl::validate::context_for(a)));
        }
    });
}

#[divan::bench]
fn serialize(b: Bencher) {
    let r = rendered();
    b.counter(objects(&r)).bench(|| {
        for (id, a, m) in &r {
            black_box(dsl::output::env_output(id, a.environment.as_str(), m).expect("serializes"));
        }
    });
}
