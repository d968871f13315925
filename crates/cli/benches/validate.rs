//! How much validation adds to emit: medians over many iterations of render only,
//! render + validate, and the full in-memory emit (render + validate + YAML), for every
//! declared app environment; plus `lint` over the seed fixtures.
//!
//! `cargo bench -p cli --bench validate [-- ITERATIONS]` (see scripts/bench-validate.sh).

use std::hint::black_box;
use std::path::Path;
use std::time::{Duration, Instant};

use dsl::validate::{self, Context};

fn median(mut samples: Vec<Duration>) -> Duration {
    samples.sort();
    samples[samples.len() / 2]
}

fn measure(iterations: usize, mut f: impl FnMut()) -> Duration {
    for _ in 0..iterations.min(20) {
        f();
    }
    median(
        (0..iterations)
            .map(|_| {
                let t = Instant::now();
                f();
                t.elapsed()
            })
            .collect(),
    )
}

fn us(d: Duration) -> String {
    format!("{:.1} µs", d.as_secs_f64() * 1e6)
}

fn main() {
    let iterations: usize = std::env::args()
        .skip(1)
        .find_map(|a| a.parse().ok())
        .unwrap_or(500);
    let apps: Vec<(String, dsl::App)> = apps::registry()
        .iter()
        .flat_map(|e| {
            e.environments().into_iter().filter_map(move |env| {
                e.declare(env.as_str(), &apps::Inputs::default())
                    .and_then(Result::ok)
                    .map(|a| (e.id.to_owned(), a))
            })
        })
        .collect();
    let objects: usize = apps.iter().map(|(_, a)| dsl::render(a).len()).sum();
    println!(
        "{} app environment(s), {objects} object(s), {iterations} iterations, medians:",
        apps.len()
    );

    let render = measure(iterations, || {
        for (_, a) in &apps {
            black_box(dsl::render(a));
        }
    });
    let render_validate = measure(iterations, || {
        for (_, a) in &apps {
            let m = dsl::render(a);
            black_box(dsl::validate(&m, &validate::context_for(a)));
        }
    });
    let emit_no_validate = measure(iterations, || {
        for (id, a) in &apps {
            let m = dsl::render(a);
            black_box(dsl::output::env_output(id, a.environment.as_str(), &m).ok());
        }
    });
    let emit = measure(iterations, || {
        for (id, a) in &apps {
            let m = dsl::render(a);
            black_box(dsl::validate(&m, &validate::context_for(a)));
            black_box(dsl::output::env_output(id, a.environment.as_str(), &m).ok());
        }
    });
    let manifests: Vec<_> = apps
        .iter()
        .map(|(_, a)| (dsl::render(a), validate::context_for(a)))
        .collect();
    let validate_only = measure(iterations, || {
        for (m, ctx) in &manifests {
            black_box(dsl::validate(m, ctx));
        }
    });
    println!("  render only                        {:>12}", us(render));
    println!(
        "  validate only                      {:>12}",
        us(validate_only)
    );
    println!(
        "  render + validate                  {:>12}",
        us(render_validate)
    );
    println!(
        "  render + YAML (emit, no validation){:>12}",
        us(emit_no_validate)
    );
    println!("  render + validate + YAML (emit)    {:>12}", us(emit));
    println!(
        "  validation adds {:.1}% to in-memory emit",
        (emit.as_secs_f64() / emit_no_validate.as_secs_f64() - 1.0) * 100.0
    );

    let seeds = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/fixtures/seeds");
    let files = validate::collect_files(&[seeds]).files;
    if !files.is_empty() {
        let texts: Vec<(String, String)> = files
            .iter()
            .map(|f| {
                (
                    f.display().to_string(),
                    std::fs::read_to_string(f).unwrap_or_default(),
                )
            })
            .collect();
        let lint = measure(iterations, || {
            let mut loaded = validate::Loaded::default();
            for (name, text) in &texts {
                if let Ok(l) = validate::parse_str(name, text) {
                    loaded.documents.extend(l.documents);
                }
            }
            black_box(validate::lint(&loaded, &Context::lint()));
        });
        println!(
            "  lint seeds ({} files, parse + validate) {:>8}",
            texts.len(),
            us(lint)
        );
    }
}
