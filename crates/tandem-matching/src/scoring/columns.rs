//! The mentors in column form, for scoring a mentee's whole row at once:
//! one byte column per value of each weighted set, one column per attribute
//! (in `u16` when every interned number fits), and the hard exclusions as a
//! sorted list of mentors per mentee. A row is scored in blocks of mentors
//! with branch-free sums that vectorise, in `i16` lanes when every possible
//! score fits and in `i32` lanes otherwise.

use std::collections::HashMap;

use super::compiled::{CompiledPerson, CompiledWeights, SetDim};
use super::profiles::PersonId;

/// Marks an excluded pair in a block from [`RowData::score_blocks`].
pub(crate) const BLOCK_EXCLUDED: i32 = i32::MIN;

/// Mentors scored per block of a row, so the block's sums stay in L1.
const BLOCK: usize = 256;

/// Column bytes beyond which rows are scored pair by pair instead.
const COLUMN_LIMIT: usize = 1 << 28;

/// The mentor side in struct-of-arrays form: one byte column per value of
/// each weighted set dimension (1 when the mentor has it), the interned
/// attributes as `u32` columns, and per mentee the mentors a hard exclusion
/// forbids.
#[derive(Debug, Clone)]
pub(super) struct RowData {
    /// Every sum fits in `i16`.
    narrow: bool,
    /// `columns[c * mentors + j]`.
    columns: Vec<u8>,
    /// Per weighted dimension (as in `Scorer::dims`), its first column.
    first_column: Vec<usize>,
    /// The mentors' interned attributes.
    keys: Keys<Vec<u32>>,
    /// The same in 16 bits, when every interned number fits.
    short_keys: Option<Keys<Vec<u16>>>,
    /// Mentors who cannot take anyone.
    closed: Vec<u32>,
    /// Per mentee, the mentors excluded for that mentee alone (same person,
    /// line management, conflicts, "not this person").
    excluded: Vec<Vec<u32>>,
}

impl RowData {
    /// One mentee's terms, from its bits `x` (laid out as `dims` say), its
    /// attributes and the weights: a column adds its weight (counted
    /// dimensions), or a group of columns adds its weight once when any is
    /// set (identities).
    pub(super) fn terms(
        &self,
        dims: &[SetDim],
        x: &[u64],
        person: &CompiledPerson,
        weight: &CompiledWeights,
    ) -> Terms {
        // Weights fit in i32: `row_data` checked that every sum does.
        let mut single: Vec<(usize, i32)> = Vec::new();
        let mut groups: Vec<(Vec<usize>, i32)> = Vec::new();
        for (d, dim) in dims.iter().enumerate() {
            let mut cols = Vec::new();
            for word in 0..dim.words {
                let mut bits = x[dim.offset + word];
                while bits != 0 {
                    let b = bits.trailing_zeros() as usize;
                    bits &= bits - 1;
                    cols.push(self.first_column[d] + word * 64 + b);
                }
            }
            let w = dim.weight as i32;
            if dim.count || cols.len() == 1 {
                single.extend(cols.into_iter().map(|c| (c, w)));
            } else if !cols.is_empty() {
                groups.push((cols, w));
            }
        }
        let a = person;
        let w = weight;
        let p = a.prefers;
        let preferred = |wished: bool| if wished { w.preferred as i32 } else { 0 };
        Terms {
            single,
            groups,
            person: *a,
            approval: w.approval as i32,
            household: w.household as i32,
            location: w.location as i32,
            organisation: w.organisation as i32 + preferred(p.organisation),
            jurisdiction: w.jurisdiction as i32 + preferred(p.jurisdiction),
            elsewhere: w.team as i32 + if a.isolated { w.isolated as i32 } else { 0 },
            other_team: preferred(p.team),
            other_region: preferred(p.region),
        }
    }

    /// Scores the mentee's row in blocks of consecutive mentors, calling
    /// `visit(first mentor, scores)` for each block, with
    /// [`BLOCK_EXCLUDED`] for excluded pairs and for the mentors listed in
    /// `skip` (sorted). `terms` are the mentee's, from [`RowData::terms`].
    /// The row is visited from mentor `from` to the last, then from the
    /// first to `from`, so the block holding `from` comes in two parts;
    /// every mentor is visited once.
    pub(super) fn score_blocks(
        &self,
        terms: &Terms,
        mentee: usize,
        skip: &[u32],
        from: usize,
        mut visit: impl FnMut(usize, &[i32]),
    ) {
        // One key per mentor.
        let n = self.keys.approval.len();
        let from = if n == 0 { 0 } else { from % n };
        let split = from - from % BLOCK;
        self.blocks_in(terms, mentee, skip, split..n, from..n, &mut visit);
        if from > 0 {
            self.blocks_in(terms, mentee, skip, 0..from, 0..from, &mut visit);
        }
    }

    /// Scores the blocks of mentors that start in `blocks` (its start a
    /// multiple of [`BLOCK`]) and visits the part of each within `keep`.
    fn blocks_in(
        &self,
        terms: &Terms,
        mentee: usize,
        skip: &[u32],
        blocks: std::ops::Range<usize>,
        keep: std::ops::Range<usize>,
        visit: &mut impl FnMut(usize, &[i32]),
    ) {
        let n = self.keys.approval.len();
        let mut acc = [0i32; BLOCK];
        let mut narrow = [0i16; BLOCK];
        let mut any = [0u8; BLOCK];
        let first = blocks.start;
        let at = |list: &[u32]| list.partition_point(|&j| (j as usize) < first);
        let (mut at_closed, mut at_excluded, mut at_skip) =
            (at(&self.closed), at(&self.excluded[mentee]), at(skip));
        for start in blocks.step_by(BLOCK) {
            let len = BLOCK.min(n - start);
            let acc = &mut acc[..len];
            if self.narrow {
                // Twice the lanes per instruction when every sum fits.
                let narrow = &mut narrow[..len];
                match &self.short_keys {
                    Some(keys) => block_sums(terms, &self.columns, keys, start, narrow, &mut any),
                    None => block_sums(terms, &self.columns, &self.keys, start, narrow, &mut any),
                }
                for (s, &t) in acc.iter_mut().zip(narrow.iter()) {
                    *s = i32::from(t);
                }
            } else {
                block_sums(terms, &self.columns, &self.keys, start, acc, &mut any);
            }
            let end = start + len;
            for (list, at) in [
                (&self.closed[..], &mut at_closed),
                (&self.excluded[mentee][..], &mut at_excluded),
                (skip, &mut at_skip),
            ] {
                while let Some(&j) = list.get(*at) {
                    let j = j as usize;
                    if j >= end {
                        break;
                    }
                    acc[j - start] = BLOCK_EXCLUDED;
                    *at += 1;
                }
            }
            let lo = keep.start.max(start);
            let hi = keep.end.min(end);
            if lo < hi {
                visit(lo, &acc[lo - start..hi - start]);
            }
        }
    }
}

/// One mentee's side of a row: what each column and attribute adds.
pub(super) struct Terms {
    /// Columns adding their weight when set.
    single: Vec<(usize, i32)>,
    /// Groups of columns adding their weight once when any is set.
    groups: Vec<(Vec<usize>, i32)>,
    person: CompiledPerson,
    approval: i32,
    household: i32,
    location: i32,
    organisation: i32,
    jurisdiction: i32,
    /// Another team or region, plus the bonus for an isolated mentee.
    elsewhere: i32,
    /// Another team, where the mentee asked for one.
    other_team: i32,
    /// Another region (both known), where the mentee asked for one.
    other_region: i32,
}

/// Interned attributes, one column each (or one person's, for a mentee).
#[derive(Debug, Clone)]
struct Keys<K> {
    approval: K,
    household: K,
    location: K,
    organisation: K,
    jurisdiction: K,
    team: K,
    region: K,
}

impl<K: Key> Keys<K> {
    fn of(p: &CompiledPerson) -> Self {
        Keys {
            approval: K::from_id(p.approval),
            household: K::from_id(p.household),
            location: K::from_id(p.location),
            organisation: K::from_id(p.organisation),
            jurisdiction: K::from_id(p.jurisdiction),
            team: K::from_id(p.team),
            region: K::from_id(p.region),
        }
    }

    fn columns(people: &[CompiledPerson]) -> Keys<Vec<K>> {
        let column =
            |f: fn(&CompiledPerson) -> u32| people.iter().map(|p| K::from_id(f(p))).collect();
        Keys {
            approval: column(|p| p.approval),
            household: column(|p| p.household),
            location: column(|p| p.location),
            organisation: column(|p| p.organisation),
            jurisdiction: column(|p| p.jurisdiction),
            team: column(|p| p.team),
            region: column(|p| p.region),
        }
    }
}

/// An interned number as stored in a key column; `NONE` stands for an
/// unknown value (`u32::MAX` when interned).
trait Key: Copy + PartialEq {
    const NONE: Self;
    fn from_id(id: u32) -> Self;
}

impl Key for u32 {
    const NONE: Self = u32::MAX;
    fn from_id(id: u32) -> Self {
        id
    }
}

impl Key for u16 {
    const NONE: Self = u16::MAX;
    /// Only used when every interned number is below `u16::MAX`.
    fn from_id(id: u32) -> Self {
        u16::try_from(id).unwrap_or(u16::MAX)
    }
}

/// An accumulator lane: `i16` when every sum fits, else `i32`.
trait Lane:
    Copy
    + Default
    + std::ops::AddAssign
    + std::ops::BitAnd<Output = Self>
    + std::ops::Neg<Output = Self>
    + From<u8>
    + From<bool>
    + TryFrom<i32>
{
}

impl Lane for i16 {}
impl Lane for i32 {}

/// The sums of one block of mentors starting at `start`, into `acc` (one
/// lane per mentor of the block), branch-free so that they vectorise.
fn block_sums<T: Lane, K: Key>(
    terms: &Terms,
    columns: &[u8],
    keys: &Keys<Vec<K>>,
    start: usize,
    acc: &mut [T],
    any: &mut [u8],
) {
    let n = keys.approval.len();
    let len = acc.len();
    let block = start..start + len;
    // `row_data` checked that every weight and sum fits the lane.
    let lane = |w: i32| T::try_from(w).unwrap_or_default();
    acc.fill(T::default());
    for &(c, w) in &terms.single {
        let w = lane(w);
        let col = &columns[c * n + start..c * n + start + len];
        for (s, &b) in acc.iter_mut().zip(col) {
            *s += w & -T::from(b);
        }
    }
    for (cols, w) in &terms.groups {
        let w = lane(*w);
        let any = &mut any[..len];
        any.fill(0);
        for &c in cols {
            let col = &columns[c * n + start..c * n + start + len];
            for (s, &b) in any.iter_mut().zip(col) {
                *s |= b;
            }
        }
        for (s, &b) in acc.iter_mut().zip(any.iter()) {
            *s += w & -T::from(b);
        }
    }
    let a = Keys::<K>::of(&terms.person);
    let same = |acc: &mut [T], key: K, col: &[K], w: i32| {
        if key != K::NONE && w != 0 {
            let w = lane(w);
            for (s, &k) in acc.iter_mut().zip(col) {
                *s += w & -T::from(k == key);
            }
        }
    };
    same(
        acc,
        a.approval,
        &keys.approval[block.clone()],
        terms.approval,
    );
    same(
        acc,
        a.household,
        &keys.household[block.clone()],
        terms.household,
    );
    same(
        acc,
        a.location,
        &keys.location[block.clone()],
        terms.location,
    );
    if terms.organisation != 0 {
        let (key, w) = (a.organisation, lane(terms.organisation));
        for (s, &k) in acc.iter_mut().zip(&keys.organisation[block.clone()]) {
            *s += w & -T::from(k != key);
        }
    }
    if terms.jurisdiction != 0 && a.jurisdiction != K::NONE {
        let (key, w) = (a.jurisdiction, lane(terms.jurisdiction));
        for (s, &k) in acc.iter_mut().zip(&keys.jurisdiction[block.clone()]) {
            *s += w & -T::from(k != K::NONE && k != key);
        }
    }
    if terms.elsewhere != 0 {
        let (team, region, w) = (a.team, a.region, lane(terms.elsewhere));
        let teams = &keys.team[block.clone()];
        let regions = &keys.region[block.clone()];
        for ((s, &t), &r) in acc.iter_mut().zip(teams).zip(regions) {
            let other_region = region != K::NONE && r != K::NONE && r != region;
            *s += w & -T::from(t != team || other_region);
        }
    }
    if terms.other_team != 0 {
        let (team, w) = (a.team, lane(terms.other_team));
        for (s, &t) in acc.iter_mut().zip(&keys.team[block.clone()]) {
            *s += w & -T::from(t != team);
        }
    }
    if terms.other_region != 0 && a.region != K::NONE {
        let (region, w) = (a.region, lane(terms.other_region));
        for (s, &r) in acc.iter_mut().zip(&keys.region[block]) {
            *s += w & -T::from(r != K::NONE && r != region);
        }
    }
}

/// Builds the column form of the mentors, or `None` when a score could
/// leave `i32` (then rows are scored pair by pair) or the columns would be
/// too large.
#[allow(
    clippy::too_many_arguments,
    reason = "the parts of a Scorer under construction"
)]
pub(super) fn row_data(
    dims: &[SetDim],
    weight: &CompiledWeights,
    stride: usize,
    mentor_bits: &[u64],
    mentee: &[CompiledPerson],
    mentor: &[CompiledPerson],
    mentee_blocks: &[Vec<PersonId>],
    mentor_blocks: &[Vec<PersonId>],
    mentor_closed: &[bool],
) -> Option<RowData> {
    // Every partial sum of a score is bounded by the sum of the absolute
    // weights times the most each criterion can count.
    let mut total: i128 = 0;
    for dim in dims {
        let most = if dim.count { dim.words * 64 } else { 1 };
        total += i128::from(dim.weight).abs() * most as i128;
    }
    let w = weight;
    for x in [
        w.approval,
        w.household,
        w.location,
        w.organisation,
        w.jurisdiction,
        w.team,
        w.isolated,
    ] {
        total += i128::from(x).abs();
    }
    // Up to four wishes for a mentor from elsewhere.
    total += i128::from(w.preferred).abs() * 4;
    if total > i128::from(i32::MAX) {
        return None;
    }
    let n = mentor.len();
    let column_count: usize = dims.iter().map(|d| d.words * 64).sum();
    if column_count.checked_mul(n)? > COLUMN_LIMIT {
        return None;
    }
    let mut first_column = Vec::with_capacity(dims.len());
    let mut columns = vec![0u8; column_count * n];
    let mut next = 0;
    for dim in dims {
        first_column.push(next);
        for j in 0..n {
            let y = &mentor_bits[j * stride..(j + 1) * stride];
            for word in 0..dim.words {
                let mut bits = y[dim.offset + word];
                while bits != 0 {
                    let b = bits.trailing_zeros() as usize;
                    bits &= bits - 1;
                    columns[(next + word * 64 + b) * n + j] = 1;
                }
            }
        }
        next += dim.words * 64;
    }

    // Every pairwise exclusion, as mentor indices per mentee.
    let mut mentors_of: HashMap<PersonId, Vec<u32>> = HashMap::new();
    for (j, b) in mentor.iter().enumerate() {
        mentors_of.entry(b.person).or_default().push(j as u32);
    }
    let mut mentees_of: HashMap<PersonId, Vec<u32>> = HashMap::new();
    for (i, a) in mentee.iter().enumerate() {
        mentees_of.entry(a.person).or_default().push(i as u32);
    }
    let mut excluded: Vec<Vec<u32>> = mentee
        .iter()
        .zip(mentee_blocks)
        .map(|(a, blocks)| {
            std::iter::once(&a.person)
                .chain(blocks)
                .filter_map(|p| mentors_of.get(p))
                .flatten()
                .copied()
                .collect()
        })
        .collect();
    for (j, blocks) in mentor_blocks.iter().enumerate() {
        for &i in blocks.iter().filter_map(|p| mentees_of.get(p)).flatten() {
            excluded[i as usize].push(j as u32);
        }
    }
    for list in &mut excluded {
        list.sort_unstable();
        list.dedup();
    }
    // Interned numbers count up from 0 over mentees and mentors together.
    let short = mentee.iter().chain(mentor).all(|p| {
        [
            p.approval,
            p.household,
            p.location,
            p.organisation,
            p.jurisdiction,
            p.team,
            p.region,
        ]
        .iter()
        .all(|&id| id == u32::MAX || id < u32::from(u16::MAX))
    });
    Some(RowData {
        narrow: total <= i128::from(i16::MAX),
        columns,
        first_column,
        keys: Keys::<u32>::columns(mentor),
        short_keys: short.then(|| Keys::<u16>::columns(mentor)),
        closed: (0..n as u32)
            .filter(|&j| mentor_closed[j as usize])
            .collect(),
        excluded,
    })
}
