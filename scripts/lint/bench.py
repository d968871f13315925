#!/usr/bin/env python3
"""Runs `kairn lint` on generated sets and prints a markdown table (scripts/bench-lint.sh).

    bench.py KAIRN SETS_DIR N... [--runs R] [--label TEXT]

For each N, lints SETS_DIR/N (written by generate.py) R times (default 5; 3 from 10,000
objects on) and reports the median wall time, the median peak resident set size of the
`kairn` process (its own rusage, from wait4: what `/usr/bin/time -v` reports as "Maximum
resident set size") and the findings counted once. The load average before and after is
printed with the table: the machine may be shared, and single numbers move with it.
"""
import json
import os
import statistics
import subprocess
import sys
import time


def run_once(kairn, path):
    start = time.perf_counter()
    p = subprocess.Popen([kairn, "lint", "--format", "json", path],
                         stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
    out = p.stdout.read()
    _, status, usage = os.wait4(p.pid, 0)
    wall = time.perf_counter() - start
    code = os.waitstatus_to_exitcode(status)
    if code not in (0, 1):
        sys.exit(f"kairn lint {path} exited {code}")
    return wall, usage.ru_maxrss / 1024, out  # ru_maxrss is in KiB on Linux


def main():
    args = sys.argv[1:]
    runs, label = None, "kairn lint"
    if "--runs" in args:
        i = args.index("--runs")
        runs = int(args[i + 1])
        del args[i:i + 2]
    if "--label" in args:
        i = args.index("--label")
        label = args[i + 1]
        del args[i:i + 2]
    if len(args) < 3:
        sys.exit(__doc__)
    kairn, sets, sizes = args[0], args[1], [int(n) for n in args[2:]]
    load_before = os.getloadavg()
    rows = []
    for n in sizes:
        path = os.path.join(sets, str(n))
        r = runs or (5 if n < 10_000 else 3)
        times, rss, out = [], [], b""
        for _ in range(r):
            wall, mb, out = run_once(kairn, path)
            times.append(wall)
            rss.append(mb)
        findings = json.loads(out)
        objects = 0
        for name in sorted(os.listdir(path)):
            with open(os.path.join(path, name)) as f:
                objects += sum(1 for line in f if line.startswith("kind: "))
        errors = sum(1 for f in findings if f["severity"] == "error")
        rows.append((n, objects, statistics.median(times), statistics.median(rss), r,
                     errors, len(findings) - errors))
    load_after = os.getloadavg()
    print(f"{label}: median of R runs; load average (1, 5, 15 min) "
          f"{' '.join(f'{x:.2f}' for x in load_before)} before, "
          f"{' '.join(f'{x:.2f}' for x in load_after)} after\n")
    print("| objects (target) | documents | wall time | peak RSS | runs | errors | warnings |")
    print("|---:|---:|---:|---:|---:|---:|---:|")
    for n, objects, t, mb, r, e, w in rows:
        print(f"| {n:,} | {objects:,} | {t:.2f} s | {mb:.0f} MB | {r} | {e} | {w} |")


if __name__ == "__main__":
    main()
