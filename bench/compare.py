#!/usr/bin/env python
"""``compare`` on the screen's machinery (issue 14, part 2): rows/s and CPU per row, in process against
worker processes (and Dask), with the run's peak memory. One run prints every figure and the ratios.

    python bench/compare.py                         # 10,000 rows: in process, 2 workers (2 rounds each)
    python bench/compare.py --sizes 2000 --rounds 1 # a short run while developing
    python bench/compare.py --dask                  # also a Dask LocalCluster of 2 processes (local:2)
    python bench/compare.py --sizes 5000,20000 --workers 2 --rounds 1 --dates 2024-01-01,2029-06-01
                                                    # memory flat in the pool size, with many flips?

Each configuration is ``eligibility.api.compare_files`` on a synthetic JSONL pool (seed 101, each row with
its post; written before timing), appointment in Lào Cai on 31/7/2026 against 1/8/2026 (the day NĐ 300/2026
took effect: "who flips?"), the comparison written to a .json file — run as a fresh child process and
measured from outside with ``os.wait4``: CPU seconds of the child and all its reaped worker processes
(start-up included: import, rule pack, workers started by ``spawn``), wall time, and the child's own peak
RSS (``VmHWM``). The box is shared: compare the ratios within one run, and read the load average printed.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import measured

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

REQUEST = {"action": "appointment", "locality": "lao-cai"}
DATES = "2026-07-31,2026-08-01"


def child(spec: dict[str, Any]) -> dict[str, Any]:
    from eligibility import api

    out = Path(spec["outdir"]) / "flips.json"
    t = time.perf_counter()
    result = api.compare_files(
        spec["pool"],
        REQUEST,
        spec["dates"].split(","),
        out=out,
        workers=spec.get("workers"),
        scheduler=spec.get("scheduler"),
    )
    seconds = time.perf_counter() - t
    out.unlink()
    peak = next(
        int(line.split()[1]) / 1024
        for line in Path("/proc/self/status").read_text().splitlines()
        if line.startswith("VmHWM:")
    )
    return {"rows": result.total, "flipped": len(result.flips), "seconds": seconds, "peak_mb": peak}


def measure(spec: dict[str, Any]) -> dict[str, Any]:
    """Run ``spec`` in a fresh process: its result, CPU with its descendants, wall time, peak RSS (:func:`measured.measure`)."""
    return measured.measure(__file__, spec, "bench-compare-")


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--sizes", default="10000")
    ap.add_argument("--workers", default="1,2", help="configurations: 1 = in process, N = N worker processes")
    ap.add_argument("--dask", action="store_true", help="also --scheduler local:2")
    ap.add_argument("--dates", default=DATES, help="A,B (2024-01-01,2029-06-01: many flips, kept rows spilled)")
    ap.add_argument("--rounds", type=int, default=2, help="runs of each configuration, interleaved (median)")
    ap.add_argument("--child", help=argparse.SUPPRESS)
    ap.add_argument("--result", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.child:
        Path(args.result).write_text(json.dumps(child(json.loads(args.child))))
        return 0
    from eligibility.batch import synthetic

    configs: list[tuple[str, dict[str, Any]]] = [
        ("in process" if n == 1 else f"{n} workers", {"workers": n}) for n in map(int, args.workers.split(","))
    ]
    if args.dask:
        configs.append(("Dask local:2", {"scheduler": "local:2"}))
    print(f"dates {args.dates}; load average at start: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    rows_out = []
    with tempfile.TemporaryDirectory() as d:
        for size in map(int, args.sizes.split(",")):
            pool = Path(d) / f"pool-{size}.jsonl"
            synthetic.write_pool(synthetic.generate(size, seed=101, with_request=True), pool)
            runs: dict[str, list[dict[str, Any]]] = {name: [] for name, _ in configs}
            for _ in range(args.rounds):
                for name, opts in configs:
                    runs[name].append(measure({"pool": str(pool), "outdir": d, "dates": args.dates, **opts}))
            first = None
            for name, got in runs.items():
                cpu = statistics.median(r["cpu"] for r in got) / size * 1e6
                wall = statistics.median(r["wall"] for r in got)
                row = {
                    "rows": size,
                    "config": name,
                    "rows_s": size / wall,
                    "cpu_us": cpu,
                    "peak_mb": max(r["peak_mb"] for r in got),
                    "flipped": got[0]["flipped"],
                }
                first = first or row
                row["cpu_ratio"] = cpu / first["cpu_us"]
                row["wall_ratio"] = first["rows_s"] / row["rows_s"]
                rows_out.append(row)
    print(f"load average at end:   {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    print("| configuration | rows | rows/s | CPU µs/row | CPU ÷ first | wall ÷ first | parent peak MB | flips |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|")
    for r in rows_out:
        print(
            f"| {r['config']} | {r['rows']:,} | {r['rows_s']:,.0f} | {r['cpu_us']:,.0f} | {r['cpu_ratio']:.2f}× "
            f"| {r['wall_ratio']:.2f}× | {r['peak_mb']:.0f} | {r['flipped']:,} |"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
