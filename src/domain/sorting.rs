//! Stable sorting through one compiled sort routine.
//!
//! The standard library's sort is compiled anew for every element type and
//! comparison it is used with, and each copy adds to the wasm. These helpers sort
//! positions (`usize`) with a comparison behind a reference, so the sort
//! routine exists once, then move the items into their sorted places.

use std::cmp::Ordering;

use chrono::{DateTime, Utc};
use uuid::Uuid;

/// Sorts `items` by `compare`, keeping equal items in their order.
pub fn sort_by<T>(items: &mut [T], mut compare: impl FnMut(&T, &T) -> Ordering) {
    if items.len() < 2 {
        return;
    }
    let mut order: Vec<usize> = (0..items.len()).collect();
    sort_positions(&mut order, &mut |a, b| compare(&items[a], &items[b]));
    permute(items, order);
}

/// Sorts `items` by the key `key` gives each, keeping equal keys in their
/// order.
pub fn sort_by_key<T, K: Ord>(items: &mut [T], key: impl FnMut(&T) -> K) {
    // Each key made once, not at every comparison: keys are often
    // lower-cased copies of names.
    let keys: Vec<K> = items.iter().map(key).collect();
    let mut order: Vec<usize> = (0..items.len()).collect();
    sort_positions(&mut order, &mut |a, b| keys[a].cmp(&keys[b]));
    permute(items, order);
}

/// Sorts `items` in their natural order.
pub fn sort<T: Ord>(items: &mut [T]) {
    sort_by(items, T::cmp);
}

/// Sorts records by a moment, then id: the canonical order of stored
/// records (see `Workspace::canonical`). Each record's key is computed once,
/// as plain numbers side by side, and the positions are sorted by those:
/// loading a large workspace sorts tens of thousands of records, and
/// comparing them through [`sort_by_key`] (each comparison reading two
/// records scattered in memory) cost more than reading them.
pub fn sort_by_moment_and_id<T>(items: &mut [T], key: impl Fn(&T) -> (DateTime<Utc>, Uuid)) {
    let keys: Vec<(i64, u32, u128)> = items
        .iter()
        .map(|item| {
            let (moment, id) = key(item);
            (
                moment.timestamp(),
                moment.timestamp_subsec_nanos(),
                id.as_u128(),
            )
        })
        .collect();
    if keys.is_sorted() {
        return;
    }
    let mut order: Vec<usize> = (0..items.len()).collect();
    sort_positions(&mut order, &mut |a, b| keys[a].cmp(&keys[b]));
    permute(items, order);
}

/// Whether `items` are already in the order [`sort_by_moment_and_id`] gives.
pub fn in_moment_and_id_order<T>(items: &[T], key: impl Fn(&T) -> (DateTime<Utc>, Uuid)) -> bool {
    items.windows(2).all(|w| {
        let ((a, x), (b, y)) = (key(&w[0]), key(&w[1]));
        (a, x.as_u128()) <= (b, y.as_u128())
    })
}

/// The one instance of the sort routine.
#[inline(never)]
fn sort_positions(order: &mut [usize], compare: &mut dyn FnMut(usize, usize) -> Ordering) {
    order.sort_by(|a, b| compare(*a, *b));
}

/// Puts `items[order[i]]` at `i` for every `i`, one cycle of the permutation
/// at a time (each item moves once).
fn permute<T>(items: &mut [T], mut order: Vec<usize>) {
    const DONE: usize = usize::MAX;
    for start in 0..order.len() {
        let mut at = start;
        while order[at] != DONE {
            let from = order[at];
            order[at] = DONE;
            if from == start {
                break;
            }
            items.swap(at, from);
            at = from;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sorts_like_the_standard_stable_sort() {
        // Pairs sorted by their first half only: stability shows in the second.
        let mut seed = 7u64;
        for len in [0usize, 1, 2, 3, 10, 100, 1000] {
            let items: Vec<(u8, usize)> = (0..len)
                .map(|i| {
                    seed = seed.wrapping_mul(6364136223846793005).wrapping_add(1);
                    ((seed >> 59) as u8, i)
                })
                .collect();
            let mut ours = items.clone();
            let mut theirs = items;
            sort_by_key(&mut ours, |p| p.0);
            theirs.sort_by_key(|p| p.0);
            assert_eq!(ours, theirs, "{len}");
        }
        let mut words = vec!["pear", "apple", "fig", "apple"];
        sort(&mut words);
        assert_eq!(words, ["apple", "apple", "fig", "pear"]);
        let mut desc = vec![1, 3, 2];
        sort_by(&mut desc, |a, b| b.cmp(a));
        assert_eq!(desc, [3, 2, 1]);
    }

    #[test]
    fn sorts_by_moment_and_id_like_the_standard_stable_sort() {
        use chrono::TimeZone;
        let mut seed = 11u64;
        let mut next = || {
            seed = seed.wrapping_mul(6364136223846793005).wrapping_add(1);
            seed >> 33
        };
        for len in [0usize, 1, 2, 5, 300, 3000] {
            // Few distinct moments and ids, so that ties in both show.
            let items: Vec<(DateTime<Utc>, Uuid, usize)> = (0..len)
                .map(|i| {
                    let secs = 1_700_000_000 + (next() % 4) as i64 * 86_400;
                    let nanos = (next() % 2) as u32 * 500_000_000;
                    let id =
                        Uuid::from_u128(u128::from(next() % 3) << 120 | u128::from(next() % 2));
                    (Utc.timestamp_opt(secs, nanos).unwrap(), id, i)
                })
                .collect();
            let mut ours = items.clone();
            let mut theirs = items;
            sort_by_moment_and_id(&mut ours, |r| (r.0, r.1));
            theirs.sort_by_key(|r| (r.0, r.1));
            assert_eq!(ours, theirs, "{len}");
            // Sorted input stays as it is.
            sort_by_moment_and_id(&mut ours, |r| (r.0, r.1));
            assert_eq!(ours, theirs, "{len}, sorted again");
        }
    }
}
