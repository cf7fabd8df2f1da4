//! Maximum-cardinality b-matching by augmenting paths (Kuhn's algorithm),
//! processing mentees in a given order, with Hall-violator witnesses.
//!
//! The sets of mentees that can all be matched at once form a matroid (a
//! transversal matroid once each mentor is split into its slots), so adding
//! mentees greedily in priority order gives the lexicographically earliest
//! maximal set, and that set has maximum cardinality. When the search from a
//! mentee fails, the mentees it reached (all already matched, plus itself)
//! have fewer mentor slots between them than members: a Hall violator that
//! proves the failure without trusting this code.

use std::collections::VecDeque;

use crate::engine::NONE;

/// Adjacency of mentees to mentors, without weights.
pub(crate) struct Adjacency {
    pub start: Vec<usize>,
    pub mentor: Vec<u32>,
}

impl Adjacency {
    pub(crate) fn from_rows(rows: &[Vec<u32>]) -> Self {
        let mut start = Vec::with_capacity(rows.len() + 1);
        let mut mentor = Vec::new();
        start.push(0);
        for row in rows {
            mentor.extend_from_slice(row);
            start.push(mentor.len());
        }
        Adjacency { start, mentor }
    }

    fn row(&self, i: usize) -> &[u32] {
        &self.mentor[self.start[i]..self.start[i + 1]]
    }

    fn mentees(&self) -> usize {
        self.start.len().saturating_sub(1)
    }
}

/// The greedy result.
pub(crate) struct Greedy {
    /// The mentor of each mentee, or [`NONE`].
    pub mate: Vec<u32>,
    /// For each mentee that could not be added, in processing order, the
    /// mentee and the Hall violator found (the mentee itself first).
    pub blocked: Vec<(u32, Vec<u32>)>,
}

/// Adds mentees in `order`, each if and only if it can be matched together
/// with every mentee added before it.
pub(crate) fn greedy(adjacency: &Adjacency, capacity: &[u32], order: &[u32]) -> Greedy {
    let m = adjacency.mentees();
    let n = capacity.len();
    let mut mate = vec![NONE; m];
    let mut load = vec![0u32; n];
    // Each mentor's mentees; small vectors are fine at the sizes where the
    // cardinality modes are used.
    let mut assigned: Vec<Vec<u32>> = vec![Vec::new(); n];
    let mut mentor_seen = vec![0u32; n];
    let mut mentee_seen = vec![0u32; m];
    let mut via = vec![NONE; n];
    let mut blocked = Vec::new();
    let mut queue = VecDeque::new();
    let mut reached = Vec::new();

    for (round, &r) in order.iter().enumerate() {
        let epoch = round as u32 + 1;
        queue.clear();
        reached.clear();
        queue.push_back(r);
        mentee_seen[r as usize] = epoch;
        reached.push(r);
        let mut free = NONE;
        'search: while let Some(i) = queue.pop_front() {
            for &j in adjacency.row(i as usize) {
                let ju = j as usize;
                if capacity[ju] == 0 || mentor_seen[ju] == epoch {
                    continue;
                }
                mentor_seen[ju] = epoch;
                via[ju] = i;
                if load[ju] < capacity[ju] {
                    free = j;
                    break 'search;
                }
                for &k in &assigned[ju] {
                    if mentee_seen[k as usize] != epoch {
                        mentee_seen[k as usize] = epoch;
                        reached.push(k);
                        queue.push_back(k);
                    }
                }
            }
        }
        if free == NONE {
            blocked.push((r, reached.clone()));
            continue;
        }
        let mut j = free;
        loop {
            let i = via[j as usize];
            let previous = mate[i as usize];
            if previous != NONE {
                let list = &mut assigned[previous as usize];
                if let Some(at) = list.iter().position(|&k| k == i) {
                    list.swap_remove(at);
                }
                load[previous as usize] -= 1;
            }
            assigned[j as usize].push(i);
            load[j as usize] += 1;
            mate[i as usize] = j;
            if i == r {
                break;
            }
            j = previous;
        }
    }
    Greedy { mate, blocked }
}

/// The König–Hall deficiency witness for a maximum matching: the mentees
/// reachable by alternating paths from unmatched mentees. For a maximum
/// matching every mentor they reach is full with mentees of the set, so
/// `|X| − cap(N(X))` equals the number of unmatched mentees.
pub(crate) fn deficiency_witness(
    adjacency: &Adjacency,
    capacity: &[u32],
    mate: &[u32],
) -> Vec<u32> {
    let m = adjacency.mentees();
    let n = capacity.len();
    let mut assigned: Vec<Vec<u32>> = vec![Vec::new(); n];
    for (i, &j) in mate.iter().enumerate() {
        if j != NONE {
            assigned[j as usize].push(i as u32);
        }
    }
    let mut mentee_seen = vec![false; m];
    let mut mentor_seen = vec![false; n];
    let mut queue: VecDeque<u32> = VecDeque::new();
    let mut set = Vec::new();
    for i in 0..m {
        if mate[i] == NONE {
            mentee_seen[i] = true;
            queue.push_back(i as u32);
            set.push(i as u32);
        }
    }
    while let Some(i) = queue.pop_front() {
        for &j in adjacency.row(i as usize) {
            let ju = j as usize;
            if capacity[ju] == 0 || mentor_seen[ju] {
                continue;
            }
            mentor_seen[ju] = true;
            for &k in &assigned[ju] {
                if !mentee_seen[k as usize] {
                    mentee_seen[k as usize] = true;
                    queue.push_back(k);
                    set.push(k);
                }
            }
        }
    }
    set.sort_unstable();
    set
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn earlier_mentee_keeps_its_place() {
        // Mentees 0 and 1 both want the single slot; 1 asked first.
        let adjacency = Adjacency::from_rows(&[vec![0], vec![0]]);
        let result = greedy(&adjacency, &[1], &[1, 0]);
        assert_eq!(result.mate, vec![NONE, 0]);
        assert_eq!(result.blocked, vec![(0, vec![0, 1])]);
    }

    #[test]
    fn augmenting_path_keeps_earlier_mentees_matched() {
        let adjacency = Adjacency::from_rows(&[vec![0, 1], vec![0]]);
        let result = greedy(&adjacency, &[1, 1], &[0, 1]);
        assert_eq!(result.mate, vec![1, 0]);
        assert!(result.blocked.is_empty());
    }
}
