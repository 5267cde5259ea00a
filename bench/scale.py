#!/usr/bin/env python
"""Pools through the real pipeline, at scale (issue 14, part 2). One run prints every figure and every ratio.

    python bench/scale.py                  # 10,000 and 100,000 rows (~20 minutes on a shared 2-core box)
    python bench/scale.py --sizes 2000     # a short run while developing
    python bench/scale.py --markdown       # also the tables as Markdown (for RESULTS.md)
    python bench/scale.py --memory --sizes 10000,100000 --cold-rounds 0   # peak memory only (~12 minutes)

Every configuration is ``eligibility.screen_file`` on a synthetic JSONL pool (``eligibility.batch.synthetic``,
seed 101, the request of ``bench/rows.py``: post giam-doc-so, Lào Cai, 2025-11-03; written before timing), run
as a fresh child process and measured from outside with ``os.wait4``: CPU seconds of the child and all its
reaped descendants (the worker processes, the Dask nanny and worker processes), peak RSS of the child
(``VmHWM``: the parent of the run — reading, merging, writing) and of its largest descendant (a worker:
``ru_maxrss`` of the reaped children; for spawned Dask workers it includes the image of the process that
started them, so it is an upper bound), and wall time.
The box is shared: figures are given as ratios within the run; CPU per row is not inflated by other load
the way wall time is.

- **floor**: plain Python reading the same JSONL and computing months to retirement (``bench/rows.py``).
- **one action**: ``--action appointment`` with an .xlsx report (lean rows), ``workers`` 1 (in process) and 2
  (at 100,000 rows: 2 only; the five-action pass and Dask at 10,000 only, ``--dask-max``: the box is shared).
- **five / all actions in one pass**: the five actions of one post, and all six (nomination for the
  congress-2025 event), with an .xlsx report (a sheet set per action).
- **full decisions**: one action with a .jsonl report (every Decision serialised; the memory case).
- **Dask**: one action, a ``LocalCluster`` of 2 worker processes (``--scheduler local:2``) against the local
  pool of 2 workers; JSONL read by the parent, and the same pool as Parquet read by the workers.
- **cold start**: ``eligibility check`` against ``python -c "import pydantic"`` (``bench/coldstart.py``), CPU.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import measured

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))
if str(HERE) not in sys.path:
    sys.path.insert(0, str(HERE))

BASE = {"post": "giam-doc-so", "locality": "lao-cai", "date": "2025-11-03"}
FIVE = "planning,appointment,reappointment,rotation,nonlocal_placement"


# ----- children ------------------------------------------------------------------------------------
def child(spec: dict[str, Any]) -> dict[str, Any]:
    import resource

    if spec["kind"] == "floor":
        from rows import floor

        t = time.process_time()
        floor(Path(spec["pool"]), dt.date(2025, 11, 3))
        return {"cpu_inner": time.process_time() - t}
    from eligibility import api

    request = dict(BASE)
    if spec.get("event"):
        request.update(event=spec["event"], level="province")
    out = Path(spec["outdir"]) / f"report.{spec['out']}"
    t = time.perf_counter()
    run = api.screen_file(
        spec["pool"],
        request,
        out=[out],
        actions=spec["actions"],
        workers=spec.get("workers"),
        scheduler=spec.get("scheduler"),
    )
    seconds = time.perf_counter() - t
    out.unlink()
    own = resource.getrusage(resource.RUSAGE_SELF)
    return {
        "parent_cpu": own.ru_utime + own.ru_stime,  # this process alone: start-up, reading, merging, writing
        "rows": run.report.rows,
        "seconds": seconds,
        "verdicts": [r.verdicts for r in run.reports],
        "self_peak_mb": vm_hwm_mb(),
        "children_peak_mb": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024,
    }


def vm_hwm_mb() -> float:
    """This process's peak RSS since its exec (``VmHWM``; ``ru_maxrss`` would include the forking image)."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def measure(spec: dict[str, Any]) -> dict[str, Any]:
    """Run ``spec`` in a fresh process: its result, CPU with its descendants, wall time, peak RSS (:func:`measured.measure`)."""
    return measured.measure(__file__, spec, "bench-scale-")


# ----- the run -------------------------------------------------------------------------------------
def pools(sizes: list[int], where: Path) -> dict[int, dict[str, Path]]:
    from eligibility.batch import synthetic

    out: dict[int, dict[str, Path]] = {}
    for n in sizes:
        jsonl = where / f"pool-{n}.jsonl"
        synthetic.write_pool(synthetic.iter_profiles(n, seed=101), jsonl)
        out[n] = {"jsonl": jsonl, "parquet": to_parquet(jsonl, where / f"pool-{n}.parquet")}
    return out


def to_parquet(jsonl: Path, path: Path) -> Path:
    """The JSONL pool as a nested Parquet file (numbers as text: a column has one type), row groups of 5,000."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    def strings(v: Any) -> Any:
        if isinstance(v, dict):
            return {k: strings(x) for k, x in v.items()}
        if isinstance(v, list):
            return [strings(x) for x in v]
        return str(v) if isinstance(v, int | float) and not isinstance(v, bool) else v

    with jsonl.open(encoding="utf-8") as fh:
        records = [strings(json.loads(line)) for line in fh]
    pq.write_table(pa.Table.from_pylist(records), path, row_group_size=5000)
    return path


def coldstart(rounds: int) -> dict[str, float]:
    import compileall

    import coldstart as cs

    compileall.compile_dir(str(ROOT / "eligibility"), quiet=1)
    cmds = cs.commands()
    for cmd, env in cmds.values():
        cs.run(cmd, env)
    ratios: list[float] = []
    cpu: dict[str, list[float]] = {"check": [], "import_pydantic": []}
    for _ in range(rounds):
        a = cs.run(*cmds["check"])[0]
        b = cs.run(*cmds["import_pydantic"])[0]
        cpu["check"].append(a)
        cpu["import_pydantic"].append(b)
        ratios.append(a / b)
    return {
        "check_cpu": statistics.median(cpu["check"]),
        "pydantic_cpu": statistics.median(cpu["import_pydantic"]),
        "ratio": statistics.median(ratios),
    }


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--sizes", default="10000,100000")
    ap.add_argument("--markdown", action="store_true")
    ap.add_argument("--no-dask", action="store_true")
    ap.add_argument(
        "--memory", action="store_true", help="only the runs whose memory may grow: one action, all six, JSONL"
    )
    ap.add_argument("--dask-max", type=int, default=10_000, help="Dask runs only for pools up to this size")
    ap.add_argument("--cold-rounds", type=int, default=7)
    ap.add_argument("--child", help=argparse.SUPPRESS)
    ap.add_argument("--make", help=argparse.SUPPRESS)
    ap.add_argument("--result", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.child:
        Path(args.result).write_text(json.dumps(child(json.loads(args.child))))
        return 0
    if args.make:
        pools([int(x) for x in args.make.split(",")], Path(args.result))
        return 0
    sizes = [int(x) for x in args.sizes.split(",")]
    tmp = Path(tempfile.mkdtemp(prefix="bench-scale-"))
    started = time.perf_counter()
    made = {n: {"jsonl": tmp / f"pool-{n}.jsonl", "parquet": tmp / f"pool-{n}.parquet"} for n in sizes}
    subprocess.run([sys.executable, __file__, "--make", args.sizes, "--result", str(tmp)], check=True)  # apart:
    # the pools' memory must not be in this process when it forks the runs (ru_maxrss counts the forking image)
    print(f"pools written in {time.perf_counter() - started:.0f} s; load average {os.getloadavg()[0]:.2f}")
    rows: list[tuple[str, int, dict[str, Any]]] = []
    floors: dict[int, float] = {}

    def go(label: str, n: int, **spec: Any) -> dict[str, Any]:
        spec.setdefault("pool", str(made[n]["jsonl"]))
        spec.setdefault("outdir", str(tmp))
        r = measure(spec)
        rows.append((label, n, r))
        if "rows" in r:
            per = r["cpu"] / (r["rows"]) * 1e6
            print(
                f"{label:<34} {n:>7}  {r['rows'] / r['wall']:8.0f} rows/s  CPU {per:7.0f} µs/row  "
                f"({per / floors[n]:5.1f}× floor)  parent CPU {r['parent_cpu'] / r['rows'] * 1e6:6.0f} µs/row  "
                f"parent peak {r['self_peak_mb']:6.0f} MB  "
                f"worker peak {r['children_peak_mb']:6.0f} MB",
                flush=True,
            )
        return r

    one: dict[tuple[int, int], float] = {}
    for n in sizes:
        if args.memory:  # the configurations whose memory may grow with the pool
            floors[n] = measure({"kind": "floor", "pool": str(made[n]["jsonl"])})["cpu_inner"] / n * 1e6
            go("one action, xlsx, 2 worker(s)", n, kind="screen", actions="appointment", out="xlsx", workers=2)
            go(
                "all six actions, xlsx, 2 worker(s)",
                n,
                kind="screen",
                actions="all",
                event="congress-2025",
                out="xlsx",
                workers=2,
            )
            go("one action, jsonl (full), 2 workers", n, kind="screen", actions="appointment", out="jsonl", workers=2)
            continue
        f = measure({"kind": "floor", "pool": str(made[n]["jsonl"])})
        floors[n] = f["cpu_inner"] / n * 1e6
        print(f"{'floor (json.loads + retirement)':<34} {n:>7}  CPU {floors[n]:7.1f} µs/row", flush=True)
        workers = (1, 2) if n <= 10_000 else (2,)
        for w in workers:
            r = go(f"one action, xlsx, {w} worker(s)", n, kind="screen", actions="appointment", out="xlsx", workers=w)
            one[(n, w)] = r["cpu"] / r["rows"]
            r5 = (
                go(f"five actions, xlsx, {w} worker(s)", n, kind="screen", actions=FIVE, out="xlsx", workers=w)
                if n <= 10_000
                else None
            )
            r6 = go(
                f"all six actions, xlsx, {w} worker(s)",
                n,
                kind="screen",
                actions="all",
                event="congress-2025",
                out="xlsx",
                workers=w,
            )
            five = f"{r5['cpu'] / r5['rows'] / one[(n, w)]:.2f}×" if r5 else "not run at this size"
            print(
                f"  → five in one pass ÷ one action (CPU/row): {five}; "
                f"all six ÷ one: {r6['cpu'] / r6['rows'] / one[(n, w)]:.2f}×",
                flush=True,
            )
        go("one action, jsonl (full), 2 workers", n, kind="screen", actions="appointment", out="jsonl", workers=2)
        if not args.no_dask and n <= args.dask_max:
            local = go(
                "one action, jsonl in, local pool 2", n, kind="screen", actions="appointment", out="xlsx", workers=2
            )
            dask = go(
                "one action, Dask local:2 (parent reads)",
                n,
                kind="screen",
                actions="appointment",
                out="xlsx",
                scheduler="local:2",
            )
            pq_local = go(
                "one action, parquet in, local pool 2",
                n,
                kind="screen",
                actions="appointment",
                out="xlsx",
                workers=2,
                pool=str(made[n]["parquet"]),
            )
            pq_dask = go(
                "one action, Dask local:2 (workers read)",
                n,
                kind="screen",
                actions="appointment",
                out="xlsx",
                scheduler="local:2",
                pool=str(made[n]["parquet"]),
            )
            same = dask["verdicts"] == local["verdicts"] == pq_local["verdicts"] == pq_dask["verdicts"]
            print(
                f"  → Dask ÷ local pool, CPU/row: {dask['cpu'] / local['cpu']:.2f}× (JSONL), "
                f"{pq_dask['cpu'] / pq_local['cpu']:.2f}× (Parquet); wall {dask['wall'] / local['wall']:.2f}×, "
                f"{pq_dask['wall'] / pq_local['wall']:.2f}×; verdicts identical: {same}",
                flush=True,
            )
    cold = coldstart(args.cold_rounds) if args.cold_rounds else {"check_cpu": 0.0, "pydantic_cpu": 0.0, "ratio": 0.0}
    print(
        f"cold start: eligibility check {cold['check_cpu']:.3f} s CPU, import pydantic {cold['pydantic_cpu']:.3f} s: "
        f"{cold['ratio']:.2f}× (median of {args.cold_rounds} rounds)"
    )
    print(f"total {time.perf_counter() - started:.0f} s; load average {os.getloadavg()[0]:.2f}")
    if args.markdown:
        print(
            "\n| configuration | rows | rows/s | CPU µs/row | ÷ floor | parent CPU µs/row | parent peak MB "
            "| worker peak MB |"
        )
        print("|---|---:|---:|---:|---:|---:|---:|---:|")
        for label, n, r in rows:
            if "rows" in r:
                per = r["cpu"] / r["rows"] * 1e6
                print(
                    f"| {label} | {n:,} | {r['rows'] / r['wall']:,.0f} | {per:,.0f} | {per / floors[n]:.1f}× | "
                    f"{r['parent_cpu'] / r['rows'] * 1e6:,.0f} | {r['self_peak_mb']:.0f} | {r['children_peak_mb']:.0f} |"
                )
    return 0


if __name__ == "__main__":
    sys.exit(main())
