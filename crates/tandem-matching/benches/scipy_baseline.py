#!/usr/bin/env python3
"""Baseline for benches/assignment.rs: the same dense random scores as
benches/support/instance.rs (splitmix64 of (mentee << 32 | mentor) ^ SEED,
modulo 1000), each mentor expanded into `capacity` identical slots, solved by
scipy.optimize.linear_sum_assignment(maximize=True).

Usage: python3 scipy_baseline.py [mentees] [mentors] [capacity]
(defaults 10000 2000 5). Prints the generation time, the solve time and the
total, to compare with `cargo run --release --example dense_total`.
"""

import sys
import time

import numpy as np
from scipy.optimize import linear_sum_assignment

SEED = np.uint64(0x5EED7A4DE3000001)
SCORE_RANGE = np.uint64(1000)


def splitmix64(x):
    """Vectorised splitmix64 finaliser; uint64 arithmetic wraps like Rust's."""
    z = x + np.uint64(0x9E3779B97F4A7C15)
    z = (z ^ (z >> np.uint64(30))) * np.uint64(0xBF58476D1CE4E5B9)
    z = (z ^ (z >> np.uint64(27))) * np.uint64(0x94D049BB133111EB)
    return z ^ (z >> np.uint64(31))


def scores(mentees, mentors):
    """The mentees x mentors score matrix, built in row blocks."""
    out = np.empty((mentees, mentors), dtype=np.int64)
    cols = np.arange(mentors, dtype=np.uint64)
    block = 1000
    with np.errstate(over="ignore"):
        for start in range(0, mentees, block):
            rows = np.arange(start, min(start + block, mentees), dtype=np.uint64)
            keys = ((rows[:, None] << np.uint64(32)) | cols[None, :]) ^ SEED
            out[start : start + len(rows)] = (splitmix64(keys) % SCORE_RANGE).astype(np.int64)
    return out


def main():
    args = [int(a) for a in sys.argv[1:]]
    mentees, mentors, capacity = (args + [10000, 2000, 5][len(args) :])[:3]
    t0 = time.perf_counter()
    matrix = scores(mentees, mentors)
    # Each mentor becomes `capacity` identical columns (slots).
    expanded = np.repeat(matrix, capacity, axis=1).astype(np.float64)
    t1 = time.perf_counter()
    rows, cols = linear_sum_assignment(expanded, maximize=True)
    t2 = time.perf_counter()
    total = int(matrix[rows, cols // capacity].sum())
    print(
        f"scipy {mentees}x{mentors} cap {capacity} (expanded {expanded.shape[0]}x{expanded.shape[1]}): "
        f"total {total} matched {len(rows)} generate {t1 - t0:.3f} s solve {t2 - t1:.3f} s"
    )


if __name__ == "__main__":
    main()
