"""Pool screening for the benchmark, through the library's ``eligibility.batch`` API.

One screening run is what ``eligibility screen pool.jsonl`` does, minus the report writers:
``read_pool(pool.jsonl)`` (streamed: JSON decoding in the parent) → one
``Screener(request, rules, workers=w)`` per action → every ``RowResult`` consumed and counted.
Rows are validated by pydantic in the workers and each row gets its full Decision with every
three-valued finding (``keep_decision=True``, the API default, also serialises it to JSON for the
parent; ``keep_decision=False`` is what the .xlsx/.html writers ask for). ``workers=1``
evaluates in the calling process (the Screener starts no pool); more workers use the Screener's
spawn process pool (the engine is rebuilt in each worker by the pool's initializer).

The input file is written once per benchmark from the synthetic generator (not timed).
"""

from __future__ import annotations

import json
import os
import time
from collections import Counter
from pathlib import Path
from typing import Any


def describe() -> dict[str, Any]:
    try:
        from eligibility.batch.reader import read_pool  # noqa: F401
        from eligibility.batch.screen import DEFAULT_CHUNK, Screener  # noqa: F401
    except ImportError as exc:
        raise SystemExit(f"the pool section needs eligibility.batch (reader, screen): {exc}") from None
    return {
        "api": f"eligibility.batch.reader.read_pool(jsonl) -> eligibility.batch.screen.Screener(request, rules, "
        f"workers=w, chunk_size={DEFAULT_CHUNK}) per action; results consumed, no report writer"
    }


def write_pools(directory: Path, sizes: list[int], seed: int = 101) -> tuple[dict[int, Path], float, str]:
    """JSONL pools of each size (a larger pool starts with the smaller one's rows); seconds taken."""
    from eligibility.batch.synthetic import iter_profiles

    source = "eligibility.batch.synthetic.iter_profiles (seeded; person i depends only on (seed, i))"
    biggest = max(sizes)
    t = time.perf_counter()
    items = iter_profiles(biggest, seed)
    paths = {n: directory / f"pool-{n}.jsonl" for n in sizes}
    handles = {n: p.open("w", encoding="utf-8") for n, p in paths.items()}
    try:
        for i, d in enumerate(items):
            line = json.dumps(d, ensure_ascii=False) + "\n"
            for n, fh in handles.items():
                if i < n:
                    fh.write(line)
    finally:
        for fh in handles.values():
            fh.close()
    return paths, time.perf_counter() - t, source


def run(
    actions: list[str],
    path: str,
    workers: int,
    requests: dict[str, dict[str, Any]],
    keep_decision: bool = True,
    cap_s: float | None = None,
) -> dict[str, Any]:
    """Screen ``path`` for each action; stop early (``capped``) once ``cap_s`` seconds have passed."""
    from eligibility import load_rules
    from eligibility.batch.reader import read_pool
    from eligibility.batch.screen import DEFAULT_CHUNK, Screener

    chunk = DEFAULT_CHUNK
    rules = load_rules()
    verdicts: Counter[str] = Counter()
    statuses: Counter[str] = Counter()
    per_action: dict[str, dict[str, float]] = {}
    n = 0
    capped = False
    t_break: float | None = None
    firsts: list[float] = []  # per action: worker start-up plus the first chunk
    steady_rows = 0  # rows after each action's first chunk ...
    steady_time = 0.0  # ... and the time they took
    c0 = os.times()
    t0 = time.perf_counter()
    for a in actions:
        ta = time.perf_counter()
        na = 0
        t_first: float | None = None
        t_last = ta
        with Screener(requests[a], rules, workers=workers, keep_decision=keep_decision) as s:
            for r in s.screen(read_pool(path, titles=rules.titles)):
                n += 1
                na += 1
                t_last = time.perf_counter()
                if t_first is None:
                    t_first = t_last
                statuses[r.status] += 1
                if r.verdict:
                    verdicts[r.verdict] += 1
                if cap_s is not None and na % 500 == 0 and t_last - t0 > cap_s:
                    capped = True
                    t_break = t_last
                    break
        per_action[a] = {"rows": na, "wall_s": time.perf_counter() - ta}
        if t_first is not None:
            firsts.append(t_first - ta)
            per_action[a]["first_result_s"] = t_first - ta
            if na > chunk:
                steady_rows += na - chunk
                steady_time += t_last - t_first
        if capped:
            break
    wall = time.perf_counter() - t0
    c1 = os.times()
    if t_break is not None:  # rows/s up to the cap; closing the pool (in-flight chunks finish) is not counted
        wall = t_break - t0
    cpu_self = (c1.user - c0.user) + (c1.system - c0.system)
    cpu_children = (c1.children_user - c0.children_user) + (c1.children_system - c0.children_system)
    steady = steady_rows / steady_time if steady_rows and steady_time > 0 else None
    t_first_mean = sum(firsts) / len(firsts) if firsts else None
    return {
        "rows": n,
        "wall_s": wall,
        "first_result_s": t_first_mean,
        "steady_rows_per_s": steady,
        "per_action": per_action,
        "verdicts": dict(verdicts),
        "statuses": dict(statuses),
        "keep_decision": keep_decision,
        "capped": capped,
        "cpu_parent_s": cpu_self,
        "cpu_workers_s": cpu_children,
        "cpu_us_per_row": (cpu_self + cpu_children) / max(1, n) * 1e6,
        "cpu_note": "includes chunks in flight when capped" if capped else "",
    }
