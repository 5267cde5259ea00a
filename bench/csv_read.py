#!/usr/bin/env python
"""A CSV pool read by the parent or by the workers (issue 14, part 2: the parent out of the hot path).

    python bench/csv_read.py                    # 100,000 rows (the three whole runs take most of it: 30+ minutes under load)
    python bench/csv_read.py --rows 5000        # a short run while developing
    python bench/csv_read.py --markdown         # also the tables as Markdown (for RESULTS.md)

One synthetic pool (``eligibility.batch.synthetic``, seed 101) written twice, as CSV and as JSONL (the same
people), before anything is timed. Every configuration runs in a fresh child process.

- **reading**: the parent's side of a run alone: ``read_pool`` iterated to the end and its rows pickled in
  chunks of 500 (what the parent sends to the workers), CPU seconds of that loop (imports excluded), per
  row. ``eager`` converts every row in the parent (``lazy=False``: what ``compare`` does); ``lazy`` is
  what ``screen`` uses: CSV records split by the parent and parsed by the workers; ``lazy, parsed here``
  is the path before that change (every record parsed by the parent, cells shipped: the same code with
  the test that lets a line go unparsed, ``csvfile.complete``, answering "cannot tell"); JSONL ``lazy``
  splits lines only.
- **screening**: ``eligibility.screen_file`` with 2 workers, one action (appointment, post giam-doc-so,
  Lào Cai, 2025-11-03) and an .xlsx report: rows/s, CPU µs per row of the run (the parent and its
  workers, ``os.wait4``) and of the parent alone (``RUSAGE_SELF`` at the end of the run), for the CSV pool
  (lazy, and parsed by the parent as before) and the same pool as JSONL.

Wall time is what other sessions' load moves most; compare ratios within one run. The load average is
printed at the start and the end.
"""

from __future__ import annotations

import argparse
import json
import os
import pickle
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import measured

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

REQUEST = {"post": "giam-doc-so", "locality": "lao-cai", "date": "2025-11-03"}


def _as_before() -> None:
    """Every CSV record parsed by the reading process (the lazy path before workers parsed records)."""
    from eligibility.batch import csvfile

    csvfile.complete = lambda text, delimiter: None


def child(spec: dict[str, Any]) -> dict[str, Any]:
    import resource

    if spec.get("before"):
        _as_before()
    if spec["kind"] == "read":
        from eligibility.batch.reader import read_pool

        t = time.process_time()
        rows, chunk, size, unparsed = 0, [], 0, 0
        for row in read_pool(spec["pool"], lazy=spec["lazy"]):
            rows += 1
            unparsed += row.text is not None
            chunk.append(row)
            if len(chunk) == 500:
                size += len(pickle.dumps(chunk, protocol=pickle.HIGHEST_PROTOCOL))
                chunk = []
        size += len(pickle.dumps(chunk, protocol=pickle.HIGHEST_PROTOCOL))
        return {"rows": rows, "cpu_inner": time.process_time() - t, "bytes": size, "unparsed": unparsed}
    from eligibility import api

    out = Path(spec["outdir"]) / "report.xlsx"
    t = time.perf_counter()
    run = api.screen_file(spec["pool"], dict(REQUEST), out=[out], actions="appointment", workers=2)
    seconds = time.perf_counter() - t
    out.unlink()
    me = resource.getrusage(resource.RUSAGE_SELF)
    return {
        "rows": run.report.rows,
        "seconds": seconds,
        "parent_cpu": me.ru_utime + me.ru_stime,
        "verdicts": run.reports[0].verdicts,
    }


def measure(spec: dict[str, Any]) -> dict[str, Any]:
    """Run ``spec`` in a fresh process: its result, CPU with its descendants, wall time, peak RSS (:func:`measured.measure`)."""
    return measured.measure(__file__, spec, "bench-csv-")


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[1] if __doc__ else None)
    ap.add_argument("--rows", type=int, default=100_000)
    ap.add_argument("--rounds", type=int, default=3, help="rounds of each reading configuration (the median)")
    ap.add_argument("--markdown", action="store_true")
    ap.add_argument("--only", choices=("read", "screen"), help="one part of the run")
    ap.add_argument("--child", help=argparse.SUPPRESS)
    ap.add_argument("--result", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.child:
        Path(args.result).write_text(json.dumps(child(json.loads(args.child))))
        return 0

    from eligibility.batch import synthetic

    load_start = os.getloadavg()
    print(f"load average at start: {load_start[0]:.2f} {load_start[1]:.2f} {load_start[2]:.2f}", flush=True)
    with tempfile.TemporaryDirectory(prefix="bench-csv-") as tmp:
        where = Path(tmp)
        csv_pool, jsonl_pool = where / "pool.csv", where / "pool.jsonl"
        synthetic.write_pool(synthetic.iter_profiles(args.rows, seed=101), csv_pool)
        synthetic.write_pool(synthetic.iter_profiles(args.rows, seed=101), jsonl_pool)
        reading = [
            ("CSV, eager (every row converted in the parent)", {"pool": str(csv_pool), "lazy": False}),
            ("CSV, lazy, parsed here (before)", {"pool": str(csv_pool), "lazy": True, "before": True}),
            ("CSV, lazy (records split here, parsed by the workers)", {"pool": str(csv_pool), "lazy": True}),
            ("JSONL, lazy (lines split here, parsed by the workers)", {"pool": str(jsonl_pool), "lazy": True}),
        ]
        read_rows = []
        for label, spec in reading if args.only != "screen" else ():
            runs = [measure({"kind": "read", **spec}) for _ in range(args.rounds)]
            runs.sort(key=lambda r: r["cpu_inner"])
            mid = runs[len(runs) // 2]
            us = mid["cpu_inner"] / mid["rows"] * 1e6
            read_rows.append((label, mid["rows"], us, mid["bytes"] / mid["rows"], mid["unparsed"]))
            print(f"{label}: {us:.1f} µs/row, {mid['bytes'] / mid['rows']:.0f} B/row pickled", flush=True)
        screening = [
            ("CSV, lazy (workers parse)", {"pool": str(csv_pool)}),
            ("CSV, parsed by the parent (before)", {"pool": str(csv_pool), "before": True}),
            ("JSONL", {"pool": str(jsonl_pool)}),
        ]
        screen_rows = []
        verdicts = []
        for label, spec in screening if args.only != "read" else ():
            r = measure({"kind": "screen", "outdir": tmp, **spec})
            n = r["rows"]
            verdicts.append(r["verdicts"])
            screen_rows.append((label, n, n / r["seconds"], r["cpu"] / n * 1e6, r["parent_cpu"] / n * 1e6))
            print(
                f"{label}: {n / r['seconds']:.0f} rows/s, {r['cpu'] / n * 1e6:.0f} µs/row, parent "
                f"{r['parent_cpu'] / n * 1e6:.0f} µs/row",
                flush=True,
            )
    load_end = os.getloadavg()
    print(f"load average at end: {load_end[0]:.2f} {load_end[1]:.2f} {load_end[2]:.2f}")
    print(f"verdicts identical across the three pools: {all(v == verdicts[0] for v in verdicts)}")
    base = read_rows[0][2] if read_rows else 1.0
    print("\nreading, parent CPU per row (median of rounds):")
    for label, n, us, size, unparsed in read_rows:
        print(f"  {label:<58} {us:8.1f} µs  {us / base:5.2f}× eager  {size:6.0f} B  unparsed {unparsed:,}/{n:,}")
    jsonl = screen_rows[-1] if screen_rows else ("", 1, 1.0, 1.0, 1.0)
    print("\nscreen_file, 2 workers, one action, .xlsx:")
    for label, _, rps, us, parent in screen_rows:
        print(
            f"  {label:<40} {rps:7.0f} rows/s  {us:6.0f} µs/row ({us / jsonl[3]:.2f}× JSONL)  parent {parent:5.0f} "
            f"µs/row ({parent / jsonl[4]:.2f}× JSONL)"
        )
    if args.markdown:
        print("\n| reading (parent side) | rows | CPU µs/row | ÷ eager | pickled B/row | left unparsed |")
        print("|---|---:|---:|---:|---:|---:|")
        for label, n, us, size, unparsed in read_rows:
            print(f"| {label} | {n:,} | {us:.1f} | {us / base:.2f}× | {size:.0f} | {unparsed:,} |")
        print(
            "\n| screen_file, 2 workers, appointment, .xlsx | rows | rows/s | CPU µs/row | ÷ JSONL | parent µs/row | ÷ JSONL |"
        )
        print("|---|---:|---:|---:|---:|---:|---:|")
        for label, n, rps, us, parent in screen_rows:
            print(
                f"| {label} | {n:,} | {rps:.0f} | {us:.0f} | {us / jsonl[3]:.2f}× | {parent:.0f} | "
                f"{parent / jsonl[4]:.2f}× |"
            )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
