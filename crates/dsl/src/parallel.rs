//! Work on every selected environment at once: an order-preserving parallel map over
//! scoped threads (std only: one environment is milliseconds of work, so a shared
//! counter balances the load as well as a work-stealing pool would, without compiling
//! one). Results come back in input order, so output is byte-identical to a
//! single-threaded run; `KAIRN_THREADS=1` forces one.
//!
//! Users: `kairn emit`, `check` and `package` render, validate and serialise every
//! environment through [`map`] (`cli/src/emit.rs`); the writer works per environment
//! directory (`output/plan.rs` reads, `output/commit.rs` stages, switches and retires);
//! `kairn lint` renders its Helm charts and kustomizations this way.

use std::num::NonZeroUsize;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::thread;

/// Threads to use: `KAIRN_THREADS` if set to a positive number, else every core.
pub fn threads() -> usize {
    std::env::var("KAIRN_THREADS")
        .ok()
        .and_then(|v| v.parse::<NonZeroUsize>().ok())
        .or_else(|| thread::available_parallelism().ok())
        .map_or(1, NonZeroUsize::get)
}

/// `items.iter().map(f).collect()`, on [`threads`] threads.
pub fn map<T: Sync, R: Send>(items: &[T], f: impl Fn(&T) -> R + Sync) -> Vec<R> {
    let workers = threads().min(items.len());
    if workers <= 1 {
        return items.iter().map(f).collect();
    }
    let next = AtomicUsize::new(0);
    let work = || {
        let mut done = Vec::new();
        loop {
            let i = next.fetch_add(1, Ordering::Relaxed);
            let Some(item) = items.get(i) else { break };
            done.push((i, f(item)));
        }
        done
    };
    let parts: Vec<Vec<(usize, R)>> = thread::scope(|s| {
        let handles: Vec<_> = (0..workers).map(|_| s.spawn(work)).collect();
        handles
            .into_iter()
            .map(|h| h.join().unwrap_or_else(|p| std::panic::resume_unwind(p)))
            .collect()
    });
    let mut slots: Vec<Option<R>> = items.iter().map(|_| None).collect();
    for (i, r) in parts.into_iter().flatten() {
        slots[i] = Some(r);
    }
    slots
        .into_iter()
        .map(|r| r.expect("every item is mapped once"))
        .collect()
}

#[cfg(test)]
mod tests {
    #[test]
    fn keeps_the_order() {
        let items: Vec<u32> = (0..1000).collect();
        let squares = super::map(&items, |i| i * i);
        assert_eq!(squares, items.iter().map(|i| i * i).collect::<Vec<_>>());
        assert!(super::map(&[] as &[u32], |i| *i).is_empty());
    }
}
