//! Work spread over threads with results in input order, so a command's output is the same,
//! byte for byte, on one core or many.

use std::num::NonZeroUsize;
use std::sync::atomic::{AtomicUsize, Ordering};

/// The threads to use: `wanted` if given, else one per core.
pub fn threads(wanted: Option<NonZeroUsize>) -> usize {
    wanted
        .or_else(|| std::thread::available_parallelism().ok())
        .map_or(1, NonZeroUsize::get)
}

/// `f` applied to every item on up to `threads` scoped threads, results in `items` order.
/// Items are handed out one at a time, so a few long ones do not leave threads idle.
pub fn map_ordered<'a, T, R, F>(items: &'a [T], threads: usize, f: F) -> Vec<R>
where
    T: Sync,
    R: Send,
    F: Fn(&'a T) -> R + Sync,
{
    let threads = threads.clamp(1, items.len().max(1));
    if threads == 1 {
        return items.iter().map(f).collect();
    }
    let next = AtomicUsize::new(0);
    let mut done: Vec<(usize, R)> = std::thread::scope(|scope| {
        let workers: Vec<_> = (0..threads)
            .map(|_| {
                scope.spawn(|| {
                    let mut out = Vec::new();
                    loop {
                        let i = next.fetch_add(1, Ordering::Relaxed);
                        let Some(item) = items.get(i) else { break out };
                        out.push((i, f(item)));
                    }
                })
            })
            .collect();
        workers
            .into_iter()
            .flat_map(|w| w.join().unwrap_or_else(|p| std::panic::resume_unwind(p)))
            .collect()
    });
    done.sort_unstable_by_key(|(i, _)| *i);
    done.into_iter().map(|(_, r)| r).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn results_come_in_input_order_whatever_the_threads() {
        let items: Vec<u64> = (0..1000).collect();
        // Uneven work, so threads finish out of order.
        let work = |&n: &u64| (0..(n % 7) * 1000).fold(n, |a, b| a.wrapping_mul(31) ^ b);
        let one = map_ordered(&items, 1, work);
        for threads in [2, 3, 8] {
            assert_eq!(map_ordered(&items, threads, work), one);
        }
        assert_eq!(map_ordered(&[] as &[u64], 4, work), Vec::<u64>::new());
    }
}
