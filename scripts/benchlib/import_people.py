"""Issue 17 goal 3: `tandem import people`, the whole command, beside the
database's own bulk loader reading the same file, interleaved, in CPU
seconds (user + system of the finished processes, the database server's
included on PostgreSQL).

On SQLite the baseline is the sqlite3 shell's `.import` into a bare table
(no key, no index), and, to show what indexes alone cost, `.import` into a
table with keys and indexes of the same shape as the people table's (the
file's one constant column, employment_type, standing in for the
organisation). On PostgreSQL it is
`psql \\copy` into a bare table. Each size is a fresh database. The files
are HR exports as the project's own scale module writes them
(`tandem_app::scale::people_csv`): a chief executive, 50 heads of service,
1,000 team managers and staff under them.

Called by scripts/bench; run alone with --help.
"""

import argparse
import os
import resource
import shutil
import statistics
import subprocess
import sys
import time

HEADER = ("employee_id,given_name,family_name,email,region,team,line_manager_employee_id,"
          "job_title,grade,start_date,employment_type\n")

INDEXED_TABLE = """
CREATE TABLE people (employee_id TEXT NOT NULL, given_name TEXT NOT NULL, family_name TEXT NOT NULL,
  email TEXT NOT NULL, region TEXT, team TEXT, line_manager_employee_id TEXT, job_title TEXT,
  grade TEXT, start_date TEXT, employment_type TEXT, UNIQUE (employment_type, employee_id));
CREATE INDEX people_by_manager ON people (employment_type, line_manager_employee_id, family_name, given_name);
CREATE INDEX people_by_name ON people (family_name, given_name);
CREATE INDEX people_by_organisation_and_name ON people (employment_type, family_name, given_name);
"""


def people_csv(path, rows):
    """The same file as tandem_app::scale::people_csv(rows)."""
    if os.path.exists(path):
        return
    with open(path + ".part", "w") as out:
        out.write(HEADER)
        for i in range(rows):
            if i == 0:
                manager, title, team = "", "Chief executive", 0
            elif i <= 50:
                manager, title, team = "E0", "Head of service", i
            elif i <= 1050:
                manager, title, team = f"E{1 + (i - 51) % 50}", "Team manager", i - 51
            else:
                manager, title, team = f"E{51 + (i - 1051) % 1000}", "Practitioner", (i - 1051) % 1000
            out.write(f"E{i},Given{i},Family{i},person{i}@national.example,Region {team % 50},"
                      f"Team {team},{manager},{title},Band {5 + i % 4},20{10 + i % 15:02d}-{1 + i % 12:02d}-01,employee\n")
    os.rename(path + ".part", path)


def cpu(command, env=None, stdin=None):
    """Runs a command; its CPU seconds (user + system) and wall seconds."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    result = subprocess.run(command, env=env, stdin=stdin, capture_output=True, text=True)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if result.returncode != 0:
        sys.exit(f"import: {' '.join(command)} failed:\n{result.stdout}{result.stderr}")
    return (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime), wall


def fresh_sqlite(path):
    for suffix in ("", "-wal", "-shm"):
        if os.path.exists(path + suffix):
            os.remove(path + suffix)


def postgres_backend_cpu(url):
    """CPU seconds used so far by the PostgreSQL server's processes."""
    total = 0.0
    ticks = os.sysconf("SC_CLK_TCK")
    for pid in os.listdir("/proc"):
        if not pid.isdigit():
            continue
        try:
            with open(f"/proc/{pid}/comm") as f:
                if f.read().strip() != "postgres":
                    continue
            with open(f"/proc/{pid}/stat") as f:
                fields = f.read().rsplit(")", 1)[1].split()
            # utime, stime, cutime, cstime (fields 14-17 of stat).
            total += sum(int(x) for x in fields[11:15]) / ticks
        except (FileNotFoundError, ProcessLookupError):
            continue
    return total


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--tandem", required=True)
    p.add_argument("--work", required=True)
    p.add_argument("--runs", type=int, default=3)
    p.add_argument("--postgres-url", default="")
    p.add_argument("sizes", nargs="*", type=int, default=[50_000, 100_000, 200_000, 500_000])
    args = p.parse_args()
    if not shutil.which("sqlite3"):
        sys.exit("import: the sqlite3 shell is needed for the baseline (apt-get install sqlite3)")

    results = {}
    for rows in args.sizes:
        csv = os.path.join(args.work, f"people-{rows}.csv")
        people_csv(csv, rows)
        db = os.path.join(args.work, "import.db")
        samples = {"tandem": [], "wall": [], "bare": [], "indexed": [], "pg": [], "copy": []}
        for _ in range(args.runs):
            fresh_sqlite(db)
            env = dict(os.environ, TANDEM_DATABASE_URL=f"sqlite://{db}")
            cpu([args.tandem, "organisation", "add", "Bench", "--jurisdiction", "England"], env)
            used, wall = cpu([args.tandem, "import", "people", csv, "--organisation", "Bench"], env)
            samples["tandem"].append(used)
            samples["wall"].append(wall)
            fresh_sqlite(db)
            samples["bare"].append(cpu(["sqlite3", db, ".mode csv", f".import {csv} people"])[0])
            fresh_sqlite(db)
            subprocess.run(["sqlite3", db], input=INDEXED_TABLE, text=True, check=True)
            samples["indexed"].append(
                cpu(["sqlite3", db, ".mode csv", f".import --skip 1 {csv} people"])[0])
            if args.postgres_url:
                name = "tandem_import_bench"
                admin = args.postgres_url
                subprocess.run(["psql", admin, "-qc", f"DROP DATABASE IF EXISTS {name}"], check=True,
                               capture_output=True)
                subprocess.run(["psql", admin, "-qc", f"CREATE DATABASE {name}"], check=True,
                               capture_output=True)
                url = admin.rsplit("/", 1)[0] + "/" + name
                env = dict(os.environ, TANDEM_DATABASE_URL=url)
                cpu([args.tandem, "organisation", "add", "Bench", "--jurisdiction", "England"], env)
                server = postgres_backend_cpu(url)
                used, _ = cpu([args.tandem, "import", "people", csv, "--organisation", "Bench"], env)
                samples["pg"].append(used + postgres_backend_cpu(url) - server)
                subprocess.run(["psql", url, "-qc",
                                "CREATE TABLE bare (employee_id text, given_name text, family_name text, "
                                "email text, region text, team text, line_manager_employee_id text, "
                                "job_title text, grade text, start_date text, employment_type text)"],
                               check=True, capture_output=True)
                server = postgres_backend_cpu(url)
                used, _ = cpu(["psql", url, "-qc", f"\\copy bare FROM '{csv}' WITH (FORMAT csv, HEADER true)"])
                samples["copy"].append(used + postgres_backend_cpu(url) - server)
        results[rows] = {k: statistics.median(v) for k, v in samples.items() if v}
        r = results[rows]
        line = (f"  {rows:,} rows: tandem {r['tandem']:.3f} s CPU ({r['wall']:.2f} s wall), "
                f"sqlite3 .import {r['bare']:.3f} s ({r['tandem'] / r['bare']:.1f}x), "
                f"into the indexed table {r['indexed']:.3f} s")
        if "pg" in r:
            line += f"; PostgreSQL tandem {r['pg']:.3f} s, \\copy {r['copy']:.3f} s ({r['pg'] / r['copy']:.1f}x)"
        print(line, flush=True)

    first = min(results)
    print()
    print(f"`tandem import people`, whole command, CPU seconds, median of {args.runs} interleaved runs:")
    print()
    head = "| rows | tandem (wall) | sqlite3 `.import`, bare table | × | `.import`, people's indexes | µs a row (vs first size) |"
    rule = "|---|---|---|---|---|---|"
    if args.postgres_url:
        head += " tandem on PostgreSQL | `psql \\copy` | × |"
        rule += "---|---|---|"
    print(head)
    print(rule)
    for rows, r in sorted(results.items()):
        per_row = r["tandem"] / rows * 1e6
        growth = per_row / (results[first]["tandem"] / first * 1e6)
        line = (f"| {rows:,} | {r['tandem']:.3f} s ({r['wall']:.2f} s) | {r['bare']:.3f} s | "
                f"{r['tandem'] / r['bare']:.1f} | {r['indexed']:.3f} s | {per_row:.1f} ({growth:.2f}×) |")
        if "pg" in r:
            line += f" {r['pg']:.3f} s | {r['copy']:.3f} s | {r['pg'] / r['copy']:.1f} |"
        print(line)


if __name__ == "__main__":
    main()
