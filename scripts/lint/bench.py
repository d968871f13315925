#!/usr/bin/env python3
"""Runs `kairn lint` on generated sets and prints a markdown table (scripts/bench-lint.sh).

    bench.py KAIRN SETS_DIR SET... [--runs R] [--label TEXT]

For each SET (N: a set of N objects written by generate.py; copiesN: N renamed copies of
kairn's own output written by copies.py), lints SETS_DIR/SET R times (default 5; 3 from
10,000 objects or 10 MB on) and reports the median wall time, the median peak resident set size of the
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
    kairn, sets, names = args[0], args[1], args[2:]
    load_before = os.getloadavg()
    rows = []
    for name in names:
        path = os.path.join(sets, name)
        objects, size = 0, 0
        for d, _, files in os.walk(path):
            for f in files:
                if f.endswith((".yaml", ".yml")):
                    with open(os.path.join(d, f), "rb") as fh:
                        body = fh.read()
                    size += len(body)
                    objects += sum(1 for line in body.splitlines() if line.startswith(b"kind: "))
        r = runs or (5 if objects < 10_000 and size < 10e6 else 3)
        times, rss, out = [], [], b""
        for _ in range(r):
            wall, mb, out = run_once(kairn, path)
            times.append(wall)
            rss.append(mb)
        findings = json.loads(out)
        errors = sum(1 for f in findings if f["severity"] == "error")
        t = statistics.median(times)
        rows.append((name, objects, size / 1e6, t, statistics.median(rss), r,
                     errors, len(findings) - errors))
    load_after = os.getloadavg()
    print(f"{label}: median of R runs; load average (1, 5, 15 min) "
          f"{' '.join(f'{x:.2f}' for x in load_before)} before, "
          f"{' '.join(f'{x:.2f}' for x in load_after)} after\n")
    print("| set | documents | input | wall time | MB/s | peak RSS | runs | errors | warnings |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|---:|")
    for name, objects, size, t, mb, r, e, w in rows:
        print(f"| {name} | {objects:,} | {size:.1f} MB | {t:.2f} s | {size / t:.1f} | "
              f"{mb:.0f} MB | {r} | {e} | {w} |")


if __name__ == "__main__":
    main()
