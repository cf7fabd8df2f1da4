"""`tandem match solve`, the whole command, against the peers' read + solve
(issue 17): scipy's linear_sum_assignment, lap's lapjv and OR-Tools'
SimpleLinearSumAssignment, each after reading the same CSV files with
pandas. Dense instances, every mentor with the same capacity, scores from a
fixed seed.

Tandem is timed from outside, as a user runs it: user + system CPU and peak
resident memory of the finished process (os.wait4). A peer is timed inside
its own Python process from just before it reads the files to just after it
solves (time.process_time), so the interpreter's start and the imports are
not counted against it. Each run's totals are compared: every tool must
find the same optimum.

Usage: python match_solve.py --tandem BIN --work DIR [--runs N] MxN ...
"""

import argparse
import json
import os
import statistics
import subprocess
import sys
import time

CAPACITY = 5
SEED = 17
PEERS = ("scipy", "lap", "ortools")


def generate(work, mentees, mentors):
    """Writes the instance once: pairs-MxN.csv and capacities-N.csv."""
    pairs = os.path.join(work, f"pairs-{mentees}x{mentors}.csv")
    capacities = os.path.join(work, f"capacities-{mentees}x{mentors}.csv")
    if os.path.exists(pairs) and os.path.exists(capacities):
        return pairs, capacities
    import numpy as np

    rng = np.random.default_rng(SEED)
    names = [f"r{j}" for j in range(mentors)]
    with open(capacities, "w") as out:
        out.write("mentor,capacity\n")
        out.writelines(f"{name},{CAPACITY}\n" for name in names)
    partial = pairs + ".part"
    with open(partial, "w") as out:
        out.write("mentee,mentor,score\n")
        for i in range(mentees):
            scores = rng.integers(0, 1000, size=mentors)
            mentee = f"e{i}"
            out.write("".join(f"{mentee},{name},{s}\n" for name, s in zip(names, scores.tolist())))
    os.replace(partial, pairs)
    return pairs, capacities


def run_tandem(binary, pairs, capacities, out):
    """CPU seconds, peak MB and the total score of one whole command."""
    with open(out, "w") as stdout:
        process = subprocess.Popen(
            [binary, "match", "solve", "--pairs", pairs, "--capacities", capacities],
            stdout=stdout,
            stderr=subprocess.PIPE,
        )
        _, status, usage = os.wait4(process.pid, 0)
        stderr = process.stderr.read().decode()
    if status != 0:
        sys.exit(f"tandem match solve failed ({status}): {stderr}")
    with open(out) as result:
        last = result.read().splitlines()[-1]
    total = int(last.rsplit(" ", 1)[1])
    return usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024, total


def run_peer(python, peer, pairs, capacities):
    """CPU seconds of read + solve, peak MB of the process, total score."""
    process = subprocess.Popen(
        [python, __file__, "--peer", peer, pairs, capacities],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    _, status, usage = os.wait4(process.pid, 0)
    out = process.stdout.read().decode()
    if status != 0:
        sys.exit(f"{peer} failed ({status}): {process.stderr.read().decode()}")
    result = json.loads(out)
    return result["cpu"], usage.ru_maxrss / 1024, result["total"]


def peer_main(peer, pairs, capacities):
    """Runs in a fresh process: imports first, then times read + solve."""
    import numpy as np
    import pandas as pd

    if peer == "scipy":
        from scipy.optimize import linear_sum_assignment
    elif peer == "lap":
        import lap
    else:
        from ortools.graph.python import linear_sum_assignment as ortools_lsa

    start = time.process_time()
    frame = pd.read_csv(pairs, dtype={"mentee": str, "mentor": str, "score": np.int64})
    caps = pd.read_csv(capacities, dtype={"mentor": str, "capacity": np.int64})
    mentor_codes = {name: j for j, name in enumerate(caps["mentor"])}
    rows, _ = pd.factorize(frame["mentee"])
    cols = frame["mentor"].map(mentor_codes).to_numpy()
    m, n = rows.max() + 1, len(caps)
    # Pairs not listed are not allowed: a score far below any real one.
    forbidden = -(10**9)
    weight = np.full((m, n), forbidden, dtype=np.int64)
    weight[rows, cols] = frame["score"].to_numpy()
    slots = np.repeat(np.arange(n), caps["capacity"].to_numpy())
    expanded = weight[:, slots]
    if peer == "scipy":
        r, c = linear_sum_assignment(expanded, maximize=True)
        total = int(expanded[r, c].sum())
    elif peer == "lap":
        _, x, _ = lap.lapjv(-expanded.astype(np.float64), extend_cost=True)
        matched = x >= 0
        total = int(expanded[np.arange(m)[matched], x[matched]].sum())
    else:
        solver = ortools_lsa.SimpleLinearSumAssignment()
        left = np.repeat(np.arange(m), expanded.shape[1])
        right = np.tile(np.arange(expanded.shape[1]), m)
        solver.add_arcs_with_cost(left, right, -expanded.ravel())
        if solver.solve() != solver.OPTIMAL:
            sys.exit("OR-Tools found no optimal assignment")
        total = -int(solver.optimal_cost())
    cpu = time.process_time() - start
    print(json.dumps({"cpu": cpu, "total": total}))


def main():
    if len(sys.argv) > 1 and sys.argv[1] == "--peer":
        peer_main(*sys.argv[2:5])
        return
    parser = argparse.ArgumentParser()
    parser.add_argument("--tandem", required=True)
    parser.add_argument("--work", required=True)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--peers", default=",".join(PEERS))
    parser.add_argument("sizes", nargs="+")
    args = parser.parse_args()
    peers = [p for p in args.peers.split(",") if p]
    os.makedirs(args.work, exist_ok=True)

    print("| instance (CSV) | tandem match solve, CPU | peak (× CSV) | "
          + " | ".join(f"{p} read + solve, CPU (÷ tandem)" for p in peers) + " |")
    print("|---|---|---|" + "---|" * len(peers))
    for size in args.sizes:
        mentees, mentors = (int(x) for x in size.split("x"))
        pairs, capacities = generate(args.work, mentees, mentors)
        csv_mb = os.path.getsize(pairs) / 1e6
        out = os.path.join(args.work, f"solution-{size}.csv")
        cpu = {name: [] for name in ["tandem", *peers]}
        peak = {name: [] for name in ["tandem", *peers]}
        totals = set()
        for _ in range(args.runs):
            c, p, t = run_tandem(args.tandem, pairs, capacities, out)
            cpu["tandem"].append(c)
            peak["tandem"].append(p)
            totals.add(("tandem", t))
            for peer in peers:
                c, p, t = run_peer(sys.executable, peer, pairs, capacities)
                cpu[peer].append(c)
                peak[peer].append(p)
                totals.add((peer, t))
        if len({t for _, t in totals}) != 1:
            sys.exit(f"{size}: the tools disagree on the optimum: {sorted(totals)}")
        tandem_cpu = statistics.median(cpu["tandem"])
        tandem_peak = statistics.median(peak["tandem"])
        cells = []
        for peer in peers:
            peer_cpu = statistics.median(cpu[peer])
            cells.append(f"{peer_cpu:.3f} s ({peer_cpu / tandem_cpu:.1f}×)")
        print(
            f"| {mentees:,}×{mentors:,} ({csv_mb:.0f} MB) | {tandem_cpu:.3f} s "
            f"| {tandem_peak:.0f} MB ({tandem_peak / csv_mb:.2f}×) | " + " | ".join(cells) + " |",
            flush=True,
        )
    print(f"\nMedians of {args.runs} interleaved runs; capacity {CAPACITY}; "
          "every tool found the same total score.")


if __name__ == "__main__":
    main()
