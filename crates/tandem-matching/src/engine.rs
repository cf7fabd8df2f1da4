//! The exact core: maximum-weight bipartite b-matching by the primal-dual
//! (Hungarian) method, one Dijkstra search per mentee.
//!
//! The linear programme is
//!
//! ```text
//! maximise   Σ w(i,j)·x(i,j)
//! subject to Σ_j x(i,j) ≤ 1        for every mentee i
//!            Σ_i x(i,j) ≤ cap(j)   for every mentor j
//!            x ≥ 0
//! ```
//!
//! and its dual is `minimise Σ u(i) + Σ cap(j)·v(j)` subject to
//! `u(i) + v(j) ≥ w(i,j)`, `u ≥ 0`, `v ≥ 0`. The constraint matrix is
//! totally unimodular, so an integral matching together with integral duals
//! that satisfy complementary slackness proves optimality exactly.
//!
//! Every processed mentee keeps these invariants, which together are
//! complementary slackness:
//! - every edge satisfies `u(i) + v(j) ≥ w(i,j)`, matched edges with equality;
//! - a mentee with `u(i) > 0` is matched;
//! - a mentor with `v(j) > 0` is full.
//!
//! A new mentee `r` starts with `u(r) = max(0, max_j w(r,j) − v(j))`, which
//! keeps its edges feasible. A Dijkstra search over reduced costs
//! `u(i) + v(j) − w(i,j)` then grows a tree of tight edges from `r`; it ends
//! when it reaches a mentor with a free slot (an augmenting path) or when a
//! tree mentee's dual would fall to zero (that mentee, possibly `r` itself,
//! may then be left unmatched). Shifting the duals by the search distances
//! keeps all three invariants, so after the last mentee the matching is
//! optimal. All duals stay within `[0, max w]`, so `i64` arithmetic cannot
//! overflow while `|w| ≤ 2^61`.

use std::cmp::Reverse;
use std::collections::BinaryHeap;

/// Marks an absent mentor or mentee in the `u32` index arrays.
pub(crate) const NONE: u32 = u32::MAX;

/// A bipartite graph in compressed sparse row form, rows being mentees.
#[derive(Debug, Clone, Default)]
pub(crate) struct Graph {
    /// `start[i]..start[i + 1]` indexes mentee `i`'s edges.
    pub start: Vec<usize>,
    /// The mentor at the far end of each edge.
    pub mentor: Vec<u32>,
    /// The (transformed) weight of each edge.
    pub weight: Vec<i64>,
}

impl Graph {
    /// Builds the graph from one edge list per mentee.
    pub(crate) fn from_rows(rows: &[Vec<(u32, i64)>]) -> Self {
        let total = rows.iter().map(Vec::len).sum();
        let mut graph = Graph {
            start: Vec::with_capacity(rows.len() + 1),
            mentor: Vec::with_capacity(total),
            weight: Vec::with_capacity(total),
        };
        graph.start.push(0);
        for row in rows {
            for &(j, w) in row {
                graph.mentor.push(j);
                graph.weight.push(w);
            }
            graph.start.push(graph.mentor.len());
        }
        graph
    }

    pub(crate) fn mentees(&self) -> usize {
        self.start.len().saturating_sub(1)
    }

    pub(crate) fn edges(&self, i: usize) -> std::ops::Range<usize> {
        self.start[i]..self.start[i + 1]
    }
}

/// An optimal matching with the dual values that prove it.
#[derive(Debug, Clone)]
pub(crate) struct Matched {
    /// The mentor of each mentee, or [`NONE`].
    pub mate: Vec<u32>,
    /// The mentee duals `u`.
    pub u: Vec<i64>,
    /// The mentor duals `v`.
    pub v: Vec<i64>,
}

/// Where a search ended.
enum End {
    /// A mentor with a free slot was reached.
    FreeMentor(u32),
    /// This tree mentee's dual reached zero, so it can be left unmatched.
    Released(u32),
}

/// Per-mentor slot lists, packed so adding and removing are O(1).
struct Slots {
    start: Vec<usize>,
    load: Vec<u32>,
    capacity: Vec<u32>,
    mentee: Vec<u32>,
    /// The position of each matched mentee within its mentor's slots.
    position: Vec<u32>,
}

impl Slots {
    fn new(capacity: &[u32], mentees: usize) -> Self {
        let mut start = Vec::with_capacity(capacity.len() + 1);
        let mut total = 0usize;
        for &c in capacity {
            start.push(total);
            total += c as usize;
        }
        start.push(total);
        Slots {
            start,
            load: vec![0; capacity.len()],
            capacity: capacity.to_vec(),
            mentee: vec![NONE; total],
            position: vec![NONE; mentees],
        }
    }

    fn is_full(&self, j: usize) -> bool {
        self.load[j] >= self.capacity[j]
    }

    fn of(&self, j: usize) -> &[u32] {
        &self.mentee[self.start[j]..self.start[j] + self.load[j] as usize]
    }

    fn add(&mut self, j: usize, i: u32) {
        let at = self.load[j];
        self.mentee[self.start[j] + at as usize] = i;
        self.position[i as usize] = at;
        self.load[j] += 1;
    }

    fn remove(&mut self, j: usize, i: u32) {
        let at = self.position[i as usize] as usize;
        let last = self.load[j] as usize - 1;
        let moved = self.mentee[self.start[j] + last];
        self.mentee[self.start[j] + at] = moved;
        self.position[moved as usize] = at as u32;
        self.mentee[self.start[j] + last] = NONE;
        self.position[i as usize] = NONE;
        self.load[j] -= 1;
    }
}

/// Finds a maximum-weight b-matching. Edges to mentors of capacity zero and
/// edges of non-positive weight are harmless: they are never worth taking.
pub(crate) fn max_weight_matching(graph: &Graph, capacity: &[u32]) -> Matched {
    let m = graph.mentees();
    let n = capacity.len();
    let mut mate = vec![NONE; m];
    let mut u = vec![0i64; m];
    let mut v = vec![0i64; n];
    let mut slots = Slots::new(capacity, m);

    // Search state, stamped with the root's epoch so it never needs clearing.
    let mut seen = vec![0u32; n];
    let mut settled = vec![0u32; n];
    let mut key = vec![0i64; n];
    let mut pred = vec![NONE; n];
    let mut tree: Vec<(u32, i64)> = Vec::new();
    let mut settled_list: Vec<(u32, i64)> = Vec::new();
    let mut heap: BinaryHeap<Reverse<(i64, u32)>> = BinaryHeap::new();
    let mut epoch = 0u32;
    // Heap codes below `n` are mentors; `n + i` is mentee i's release event,
    // so that on equal keys a free mentor wins and more mentees are matched.
    let release = |i: u32| n as u32 + i;

    for r in 0..m {
        let mut best = 0i64;
        let mut best_mentor = NONE;
        for e in graph.edges(r) {
            let j = graph.mentor[e] as usize;
            let gain = graph.weight[e] - v[j];
            if gain > best {
                best = gain;
                best_mentor = j as u32;
            }
        }
        u[r] = best;
        if best_mentor == NONE {
            // Nothing is worth more than leaving r unmatched.
            continue;
        }
        if !slots.is_full(best_mentor as usize) {
            // The most valuable edge is tight and its mentor has room.
            slots.add(best_mentor as usize, r as u32);
            mate[r] = best_mentor;
            continue;
        }

        epoch = epoch.wrapping_add(1);
        if epoch == 0 {
            seen.fill(0);
            settled.fill(0);
            epoch = 1;
        }
        tree.clear();
        settled_list.clear();
        heap.clear();

        let relax = |i: u32,
                     d: i64,
                     u: &[i64],
                     v: &[i64],
                     seen: &mut [u32],
                     settled: &[u32],
                     key: &mut [i64],
                     pred: &mut [u32],
                     heap: &mut BinaryHeap<Reverse<(i64, u32)>>| {
            let base = d + u[i as usize];
            for e in graph.edges(i as usize) {
                let j = graph.mentor[e] as usize;
                if settled[j] == epoch {
                    continue;
                }
                let k = base + v[j] - graph.weight[e];
                if seen[j] != epoch || k < key[j] {
                    seen[j] = epoch;
                    key[j] = k;
                    pred[j] = i;
                    heap.push(Reverse((k, j as u32)));
                }
            }
        };

        let root = r as u32;
        tree.push((root, 0));
        heap.push(Reverse((u[r], release(root))));
        relax(
            root,
            0,
            &u,
            &v,
            &mut seen,
            &settled,
            &mut key,
            &mut pred,
            &mut heap,
        );

        // The root's release event is always in the heap until popped, and
        // popping it ends the search, so the loop always ends.
        let (distance, end) = loop {
            let Some(Reverse((d, code))) = heap.pop() else {
                // Unreachable by the argument above; releasing the root is
                // the safe answer if it ever were reached.
                break (u[r], End::Released(root));
            };
            if (code as usize) >= n {
                break (d, End::Released(code - n as u32));
            }
            let j = code as usize;
            if settled[j] == epoch || d != key[j] {
                continue;
            }
            if !slots.is_full(j) {
                break (d, End::FreeMentor(code));
            }
            settled[j] = epoch;
            settled_list.push((code, d));
            for &k in slots.of(j) {
                tree.push((k, d));
                heap.push(Reverse((d + u[k as usize], release(k))));
            }
            let start = tree.len() - slots.of(j).len();
            for t in start..tree.len() {
                let k = tree[t].0;
                relax(
                    k,
                    d,
                    &u,
                    &v,
                    &mut seen,
                    &settled,
                    &mut key,
                    &mut pred,
                    &mut heap,
                );
            }
        };

        for &(i, d) in &tree {
            u[i as usize] -= distance - d;
        }
        for &(j, d) in &settled_list {
            v[j as usize] += distance - d;
        }

        // Flip the alternating path. `j` always has one free slot here.
        let mut j = match end {
            End::FreeMentor(j) => j,
            End::Released(t) => {
                if t == root {
                    continue;
                }
                let j = mate[t as usize];
                slots.remove(j as usize, t);
                mate[t as usize] = NONE;
                j
            }
        };
        loop {
            let i = pred[j as usize];
            let previous = mate[i as usize];
            if previous != NONE {
                slots.remove(previous as usize, i);
            }
            slots.add(j as usize, i);
            mate[i as usize] = j;
            if i == root {
                break;
            }
            j = previous;
        }
    }

    Matched { mate, u, v }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn graph(rows: &[&[(u32, i64)]]) -> Graph {
        let rows: Vec<Vec<(u32, i64)>> = rows.iter().map(|r| r.to_vec()).collect();
        Graph::from_rows(&rows)
    }

    fn total(g: &Graph, m: &Matched) -> i64 {
        (0..g.mentees())
            .filter(|&i| m.mate[i] != NONE)
            .map(|i| {
                g.edges(i)
                    .find(|&e| g.mentor[e] == m.mate[i])
                    .map_or(0, |e| g.weight[e])
            })
            .sum()
    }

    #[test]
    fn takes_the_better_of_two_conflicting_edges() {
        let g = graph(&[&[(0, 5)], &[(0, 7)]]);
        let m = max_weight_matching(&g, &[1]);
        assert_eq!(m.mate, vec![NONE, 0]);
        assert_eq!(total(&g, &m), 7);
    }

    #[test]
    fn reroutes_along_an_augmenting_path() {
        // Greedy would give mentee 0 mentor 0 (10) and leave mentee 1 with
        // nothing; the optimum is 9 + 8.
        let g = graph(&[&[(0, 10), (1, 9)], &[(0, 8)]]);
        let m = max_weight_matching(&g, &[1, 1]);
        assert_eq!(m.mate, vec![1, 0]);
        assert_eq!(total(&g, &m), 17);
    }

    #[test]
    fn never_takes_negative_edges() {
        let g = graph(&[&[(0, -3)], &[(0, 0)]]);
        let m = max_weight_matching(&g, &[2]);
        assert_eq!(total(&g, &m), 0);
        assert_eq!(m.mate[0], NONE);
    }

    #[test]
    fn respects_capacity() {
        let g = graph(&[&[(0, 4)], &[(0, 5)], &[(0, 6)]]);
        let m = max_weight_matching(&g, &[2]);
        assert_eq!(total(&g, &m), 11);
    }
}
