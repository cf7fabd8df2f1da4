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
    /// A mentor never holds more mentees than there are, so each capacity
    /// counts at most `mentees` places: memory follows the data, not the
    /// capacity figure (one mentor of capacity 4,294,967,295 would
    /// otherwise need 17 GB). Behaviour is the same, because a search only
    /// runs while fewer than `mentees` are matched, so a mentor is never
    /// found full by the cap that would not be full by its capacity.
    fn new(capacity: &[u32], mentees: usize) -> Self {
        let most = u32::try_from(mentees).unwrap_or(u32::MAX);
        let capacity: Vec<u32> = capacity.iter().map(|&c| c.min(most)).collect();
        let mut start = Vec::with_capacity(capacity.len() + 1);
        let mut total = 0usize;
        for &c in &capacity {
            start.push(total);
            total += c as usize;
        }
        start.push(total);
        Slots {
            start,
            load: vec![0; capacity.len()],
            capacity,
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
///
/// First every mentee takes a most valuable mentor with room, if it has one;
/// this settles most mentees in linear time. The rest are handled in
/// phases, as in Hopcroft–Karp: one Dijkstra search from all free mentees at
/// once finds the distance `D` to the nearest end (a free slot or a release),
/// the duals move by the search distances capped at `D`, and then a
/// depth-first search augments along as many tight alternating paths as it
/// finds. Scores are often tied, so one phase typically serves many mentees.
#[cfg(test)]
pub(crate) fn max_weight_matching(graph: &Graph, capacity: &[u32]) -> Matched {
    max_weight_matching_with(graph, capacity, false)
}

/// [`max_weight_matching`], told whether the weights take few distinct
/// values (then augmenting paths are reopened; see `Search::augment_all`).
pub(crate) fn max_weight_matching_with(
    graph: &Graph,
    capacity: &[u32],
    few_weights: bool,
) -> Matched {
    let m = graph.mentees();
    let n = capacity.len();
    let mut state = State {
        graph,
        mate: vec![NONE; m],
        u: vec![0; m],
        v: vec![0; n],
        slots: Slots::new(capacity, m),
    };

    let mut free: Vec<u32> = Vec::new();
    for r in 0..m {
        let mut best = 0i64;
        for e in graph.edges(r) {
            best = best.max(graph.weight[e]);
        }
        state.u[r] = best;
        if best == 0 {
            // Nothing is worth more than leaving r unmatched.
            continue;
        }
        let room = graph
            .edges(r)
            .find(|&e| graph.weight[e] == best && !state.slots.is_full(graph.mentor[e] as usize));
        match room {
            Some(e) => state.assign(r as u32, graph.mentor[e]),
            None => free.push(r as u32),
        }
    }

    let mut search = Search::new(m, n);
    search.reopen = few_weights;
    while !free.is_empty() {
        search.shift_duals(&mut state, &free);
        // Augmenting keeps tight every edge that was, so repeat the passes
        // until one finds no path before moving the duals again.
        loop {
            let before = free.len();
            search.augment_all(&mut state, &mut free);
            if free.len() == before || free.is_empty() {
                break;
            }
        }
    }

    Matched {
        mate: state.mate,
        u: state.u,
        v: state.v,
    }
}

/// The matching and duals being improved.
struct State<'g> {
    graph: &'g Graph,
    mate: Vec<u32>,
    u: Vec<i64>,
    v: Vec<i64>,
    slots: Slots,
}

impl State<'_> {
    fn assign(&mut self, i: u32, j: u32) {
        let previous = self.mate[i as usize];
        if previous != NONE {
            self.slots.remove(previous as usize, i);
        }
        self.slots.add(j as usize, i);
        self.mate[i as usize] = j;
    }

    fn release(&mut self, i: u32) {
        let previous = self.mate[i as usize];
        if previous != NONE {
            self.slots.remove(previous as usize, i);
            self.mate[i as usize] = NONE;
        }
    }
}

/// One stack frame of the augmenting depth-first search: a mentee, its next
/// edge to try, and the full mentor being expanded with the next occupant.
struct Frame {
    mentee: u32,
    edge: usize,
    mentor: u32,
    occupant: u32,
}

/// Where a depth-first search ended.
enum End {
    /// The path reached a mentor with a free slot.
    FreeMentor(u32),
    /// The path reached a matched mentee whose dual is zero; it is released.
    Released(u32),
}

/// Reusable search buffers, stamped by phase so they never need clearing.
struct Search {
    epoch: u32,
    seen: Vec<u32>,
    settled: Vec<u32>,
    key: Vec<i64>,
    mentee_mark: Vec<u32>,
    mentor_mark: Vec<u32>,
    tree: Vec<(u32, i64)>,
    settled_list: Vec<(u32, i64)>,
    heap: BinaryHeap<Reverse<(i64, u64)>>,
    stack: Vec<Frame>,
    /// Edges a pass may still scan while reopening flipped paths.
    budget: usize,
    /// Whether flipped paths are reopened at all (see `augment_all`).
    reopen: bool,
}

impl Search {
    fn new(m: usize, n: usize) -> Self {
        Search {
            epoch: 0,
            seen: vec![0; n],
            settled: vec![0; n],
            key: vec![0; n],
            mentee_mark: vec![0; m],
            mentor_mark: vec![0; n],
            tree: Vec::new(),
            settled_list: Vec::new(),
            heap: BinaryHeap::new(),
            stack: Vec::new(),
            budget: 0,
            reopen: false,
        }
    }

    fn next_epoch(&mut self) -> u32 {
        self.epoch = self.epoch.wrapping_add(1);
        if self.epoch == 0 {
            self.seen.fill(0);
            self.settled.fill(0);
            self.mentee_mark.fill(0);
            self.mentor_mark.fill(0);
            self.epoch = 1;
        }
        self.epoch
    }

    fn relax(&mut self, state: &State<'_>, i: u32, d: i64) {
        let graph = state.graph;
        let n = state.v.len();
        let base = d + state.u[i as usize];
        for e in graph.edges(i as usize) {
            let j = graph.mentor[e] as usize;
            if self.settled[j] == self.epoch {
                continue;
            }
            let k = base + state.v[j] - graph.weight[e];
            if self.seen[j] != self.epoch || k < self.key[j] {
                self.seen[j] = self.epoch;
                self.key[j] = k;
                // Heap codes order events with equal keys: mentors with a
                // free slot (`j`) first, then full mentors (`n + j`), then
                // releases (`2n + i`). Scores are often tied, making large
                // plateaus of equal distance; popping a free mentor first
                // ends the search without exploring them.
                let code = if state.slots.is_full(j) { n + j } else { j };
                self.heap.push(Reverse((k, code as u64)));
            }
        }
    }

    /// Dijkstra from all free mentees over reduced costs
    /// `u(i) + v(j) − w(i,j)`, stopping at the first free slot or release at
    /// distance `D`; then every node reached at distance `d < D` has its
    /// dual moved by `D − d`. Afterwards at least one free mentee has a
    /// tight augmenting path or a zero dual, and all invariants hold.
    fn shift_duals(&mut self, state: &mut State<'_>, free: &[u32]) {
        let n = state.v.len() as u64;
        let epoch = self.next_epoch();
        self.tree.clear();
        self.settled_list.clear();
        self.heap.clear();
        for &r in free {
            self.tree.push((r, 0));
            self.heap
                .push(Reverse((state.u[r as usize], 2 * n + u64::from(r))));
        }
        for &r in free {
            self.relax(state, r, 0);
        }
        // Each free mentee's release event is in the heap until popped, and
        // popping any release ends the search, so the loop always ends.
        let mut distance = 0;
        while let Some(Reverse((d, code))) = self.heap.pop() {
            distance = d;
            if code >= 2 * n {
                break;
            }
            let j = (code % n) as usize;
            if self.settled[j] == epoch || d != self.key[j] {
                continue;
            }
            if !state.slots.is_full(j) {
                break;
            }
            self.settled[j] = epoch;
            self.settled_list.push((j as u32, d));
            let first = self.tree.len();
            for &k in state.slots.of(j) {
                self.tree.push((k, d));
                self.heap
                    .push(Reverse((d + state.u[k as usize], 2 * n + u64::from(k))));
            }
            for t in first..self.tree.len() {
                let k = self.tree[t].0;
                self.relax(state, k, d);
            }
        }
        for &(i, d) in &self.tree {
            state.u[i as usize] -= distance - d;
        }
        for &(j, d) in &self.settled_list {
            state.v[j as usize] += distance - d;
        }
    }

    /// Augments along vertex-disjoint tight alternating paths from the free
    /// mentees, keeping in `free` only those still unmatched with a positive
    /// dual.
    fn augment_all(&mut self, state: &mut State<'_>, free: &mut Vec<u32>) {
        let epoch = self.next_epoch();
        // Reopening flipped paths pays when the weights take few distinct
        // values: many roots then share long tight paths through a few
        // popular mentors, and without reopening each pass serves one root
        // per mentor. With many distinct weights it makes searches explore
        // the same long paths again and again, so it is used only when the
        // caller says the weights are few, and a pass stops reopening once
        // it has scanned as many edges as the graph has.
        self.budget = if self.reopen {
            state.graph.mentor.len()
        } else {
            0
        };
        free.retain(|&r| {
            if state.u[r as usize] == 0 {
                // Leaving r unmatched is now optimal.
                return false;
            }
            !self.augment_from(state, r, epoch)
        });
    }

    fn augment_from(&mut self, state: &mut State<'_>, root: u32, epoch: u32) -> bool {
        let graph = state.graph;
        self.stack.clear();
        self.mentee_mark[root as usize] = epoch;
        self.stack.push(Frame {
            mentee: root,
            edge: graph.start[root as usize],
            mentor: NONE,
            occupant: 0,
        });
        let end = 'search: loop {
            let Some(top) = self.stack.last_mut() else {
                return false;
            };
            if top.mentor != NONE {
                let occupants = state.slots.of(top.mentor as usize);
                while (top.occupant as usize) < occupants.len() {
                    let k = occupants[top.occupant as usize];
                    top.occupant += 1;
                    if self.mentee_mark[k as usize] == epoch {
                        continue;
                    }
                    self.mentee_mark[k as usize] = epoch;
                    if state.u[k as usize] == 0 {
                        break 'search End::Released(k);
                    }
                    let edge = graph.start[k as usize];
                    self.stack.push(Frame {
                        mentee: k,
                        edge,
                        mentor: NONE,
                        occupant: 0,
                    });
                    continue 'search;
                }
                top.mentor = NONE;
            }
            let i = top.mentee as usize;
            let stop = graph.start[i + 1];
            while top.edge < stop {
                let e = top.edge;
                top.edge += 1;
                self.budget = self.budget.saturating_sub(1);
                let j = graph.mentor[e];
                let ju = j as usize;
                if self.mentor_mark[ju] == epoch || state.u[i] + state.v[ju] != graph.weight[e] {
                    continue;
                }
                if !state.slots.is_full(ju) {
                    break 'search End::FreeMentor(j);
                }
                // Full mentors are explored once per phase; a free one
                // always ends a path, so it is never marked.
                self.mentor_mark[ju] = epoch;
                top.mentor = j;
                top.occupant = 0;
                continue 'search;
            }
            self.stack.pop();
        };

        // Flip the path from its end back to the root: each mentee takes the
        // slot freed by the one after it.
        let mut destination = match end {
            End::FreeMentor(j) => j,
            End::Released(k) => {
                let j = state.mate[k as usize];
                state.release(k);
                j
            }
        };
        let reopen = self.budget > 0;
        while let Some(frame) = self.stack.pop() {
            state.assign(frame.mentee, destination);
            if reopen {
                // The path stays tight after the flip, so later searches
                // in this pass may pass through it again.
                self.mentee_mark[frame.mentee as usize] = 0;
                self.mentor_mark[destination as usize] = 0;
            }
            destination = self.stack.last().map_or(NONE, |parent| parent.mentor);
        }
        true
    }
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
    fn a_capacity_above_the_mentee_count_takes_no_more_places_than_one_equal_to_it() {
        let huge = Slots::new(&[u32::MAX, 2, 100_000_000], 3);
        let equal = Slots::new(&[3, 2, 3], 3);
        assert_eq!(huge.mentee.len(), equal.mentee.len());
        assert_eq!(huge.mentee.len(), 8);
        assert_eq!(huge.start, equal.start);
        // One mentor of capacity u32::MAX still takes every mentee.
        let g = graph(&[&[(0, 5)], &[(0, 7)], &[(0, 1)]]);
        let m = max_weight_matching(&g, &[u32::MAX]);
        assert_eq!(m.mate, vec![0, 0, 0]);
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
