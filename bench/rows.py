#!/usr/bin/env python
"""Where a screened row's CPU time goes, lean rows against full decisions, the plain-Python floor, and
several actions in one pass (issue 14). Prints every figure and every ratio of one run.

    python bench/rows.py                      # 3,000 rows, 5 rounds (~2-3 minutes on a shared 2-core box)
    python bench/rows.py --rows 1000 --rounds 3
    python bench/rows.py --markdown           # also the tables as Markdown (for RESULTS.md)

One process, no workers: CPU time (``time.process_time``) of each step over all rows of a synthetic JSONL
pool (``eligibility.batch.synthetic``, seed 101, written before timing), per row, median of the rounds;
the paths are interleaved in every round, so a change of machine load hits them alike.

Buckets (one action, the request of ``bench/run.py`` for it):

- ``read``: ``read_pool(pool.jsonl)`` to ``PoolRow`` objects (line decoding, ``json.loads``);
- ``validate``: ``parse_profile`` (pydantic) and ``Evaluator.check_inputs``;
- ``facts``: ``derive_facts``;
- ``engine``: ``DurableEngine.outcomes`` for the request and for the "local" trait;
- ``findings``: full = ``Evaluator.decide`` without its messages (Finding and Decision objects) and the
  RowResult of ``batch.screen``; lean = ``Subject.lean`` without its messages, and the same RowResult;
- ``messages``: the ``Evaluator.wording`` calls each path makes (full: every applicable criterion; lean:
  the findings shown), timed by replaying them;
- ``write``: ``PoolAccumulator.add`` and ``XlsxWriter.write``: the row's lines of the .xlsx report made as a
  worker makes them (``XlsxRow``: SpreadsheetML with a placeholder for the row number) and appended as the
  parent appends them (numbered, buffered). In a pool the first half runs in the workers.

The floor reads the same file line by line, ``json.loads`` each line and computes the months to
retirement (ND 135/2020 roadmap) from the birth date and sex in plain Python.

Several actions: the five actions of one post (planning, appointment, reappointment, rotation,
non-local placement; one request template as ``screen --action a,b,...`` would use), each row read and
validated once and evaluated for each action through one ``Subject`` (lean rows; five result rows
written), against the same five actions screened one after another (each row read, validated, derived
and evaluated five times).
"""

from __future__ import annotations

import argparse
import datetime as dt
import gc
import json
import os
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
if str(ROOT) not in sys.path:  # run from a clone without an install
    sys.path.insert(0, str(ROOT))

BASE = {"post": "giam-doc-so", "locality": "lao-cai", "date": "2025-11-03"}
ONE = "appointment"
FIVE = ["planning", "appointment", "reappointment", "rotation", "nonlocal_placement"]
BUCKETS = ["read", "validate", "facts", "engine", "findings", "messages", "write"]


# ----- the floor: plain Python ---------------------------------------------------------------------
def _birth(text: str | int) -> tuple[int, int]:
    if isinstance(text, int):  # a year alone
        return text, 1
    if "/" in text:
        parts = text.split("/")
        return int(parts[-1]), int(parts[-2]) if len(parts) > 1 else 1
    parts = text.split("-")
    return int(parts[0]), int(parts[1]) if len(parts) > 1 else 1


def _retirement_months(sex: str, year: int, month: int) -> int:
    """ND 135/2020: 60y3m (men) / 55y4m (women) for those reaching it in 2021, +3 / +4 months a year up to
    62 / 60 (age in months)."""
    male = sex.strip().lower() in ("nam", "male", "m")
    age, step, cap = (723, 3, 744) if male else (664, 4, 720)
    born = year * 12 + month - 1
    while age < cap and (born + age) // 12 > 2021 + (age - (723 if male else 664)) // step:
        age += step
    return min(age, cap)


def floor(path: Path, on: dt.date) -> int:
    """Read the JSONL pool, compute each person's months to retirement; returns a checksum."""
    ref = on.year * 12 + on.month - 1
    total = 0
    with path.open("rb") as fh:
        for raw in fh:
            obj = json.loads(raw)
            y, m = _birth(obj["birth_date"])
            total += y * 12 + m - 1 + _retirement_months(obj["sex"], y, m) - ref
    return total


# ----- the library's paths ------------------------------------------------------------------------
class Bench:
    def __init__(self, path: Path, n: int) -> None:
        from eligibility import load_rules, parse_request
        from eligibility.explain.evaluate import Evaluator
        from eligibility.explain.lean import LeanEvaluator

        self.path = path
        self.n = n
        self.rules = load_rules()
        self.ev = Evaluator(self.rules)
        self.lean = LeanEvaluator(self.ev)
        self.requests = {a: parse_request({**BASE, "action": a}) for a in FIVE}
        self.prepared = {a: self.ev.prepare(r) for a, r in self.requests.items()}
        self.tmp = Path(tempfile.mkdtemp(prefix="bench-rows-"))

    # each step: (seconds of CPU, result); the caller divides by rows
    @staticmethod
    def timed(fn: Callable[[], Any]) -> tuple[float, Any]:
        t = time.process_time()
        out = fn()
        return time.process_time() - t, out

    def read(self) -> list[Any]:
        from eligibility.batch.reader import read_pool

        return list(read_pool(self.path, titles=self.rules.titles))

    def validate(self, rows: list[Any], prepared: Any) -> list[Any]:
        from eligibility.model.load import parse_profile

        out = []
        for item in rows:
            profile = parse_profile(item.data, row=item.row)
            self.ev.check_inputs(profile, prepared)
            out.append(profile)
        return out

    def subjects(self, rows: list[Any], prepared: Any) -> list[Any]:
        from eligibility.model.load import parse_profile

        out = []
        for item in rows:
            subject = self.lean.subject(parse_profile(item.data, row=item.row))
            subject.check(prepared)
            out.append(subject)
        return out

    def writer(self, action: str, name: str = "") -> tuple[Any, Any]:
        from eligibility.batch.report import PoolAccumulator
        from eligibility.batch.writers import XlsxWriter

        out = self.tmp / f"{name or 'report'}-{action}.xlsx"
        return XlsxWriter(out), PoolAccumulator(self.rules, self.requests[action])

    def write(self, results: list[Any], action: str) -> None:
        writer, acc = self.writer(action)
        for r in results:
            acc.add(r)
            writer.write(r)
        writer.abort()

    # -- one action, full decisions (what batch.screen does today) --
    def full(self, rows: list[Any], action: str) -> dict[str, float]:
        prepared = self.prepared[action]
        ev, lean = self.ev, self.lean
        secs: dict[str, float] = {}
        secs["validate"], profiles = self.timed(lambda: self.validate(rows, prepared))
        secs["facts"], facts = self.timed(lambda: [ev.facts(p, prepared) for p in profiles])
        plan = lean.plan(prepared)
        local = lean._local_version(prepared.request.date)
        traits: list[Any] = []

        def engine() -> list[Any]:
            out = []
            for f in facts:
                out.append(ev.engine.outcomes(prepared.version, f.values))
                if local is not None:  # the "local" trait: its own engine call, as batch.screen makes it
                    traits.append(ev.engine.outcomes(local, f.values))
            return out

        secs["engine"], outcomes = self.timed(engine)

        def decide() -> list[Any]:
            return [ev.decide(p, prepared, f, o) for p, f, o in zip(profiles, facts, outcomes, strict=True)]

        t_decide, decisions = self.timed(decide)
        subjects = [lean.subject(p) for p in profiles]
        for s, f in zip(subjects, facts, strict=True):
            s._facts[plan.facts_key] = f
            s.traits(prepared)  # the same traits (from the subject's caches; their engine call is timed above)
        t_rows, results = self.timed(
            lambda: [
                row_result(item, d, s.traits(prepared)) for item, d, s in zip(rows, decisions, subjects, strict=True)
            ]
        )
        secs["messages"] = self.replay_messages(profiles, facts, outcomes, prepared, shown_only=False)
        secs["findings"] = t_decide + t_rows - secs["messages"]
        secs["write"], _ = self.timed(lambda: self.write(results, action))
        self.last_full = results
        return secs

    # -- one action, lean rows --
    def lean_path(self, rows: list[Any], action: str) -> dict[str, float]:
        prepared = self.prepared[action]
        secs: dict[str, float] = {}
        secs["validate"], subjects = self.timed(lambda: self.subjects(rows, prepared))
        profiles = [s.profile for s in subjects]
        secs["facts"], facts = self.timed(lambda: [s.facts(prepared) for s in subjects])

        def engine() -> list[Any]:
            out = []
            for s in subjects:
                out.append(s.outcomes(prepared))  # with the "local" trait's criterion, in one engine call
            return out

        secs["engine"], outcomes = self.timed(engine)
        t_lean, leans = self.timed(lambda: [s.lean(prepared) for s in subjects])
        t_rows, results = self.timed(lambda: [lean_row_result(item, r) for item, r in zip(rows, leans, strict=True)])
        secs["messages"] = self.replay_messages(profiles, facts, outcomes, prepared, shown_only=True)
        secs["findings"] = t_lean + t_rows - secs["messages"]
        secs["write"], _ = self.timed(lambda: self.write(results, action))
        self.last_lean = results
        return secs

    def replay_messages(
        self, profiles: list[Any], facts: list[Any], outcomes: list[Any], prepared: Any, shown_only: bool
    ) -> float:
        """CPU of the ``wording`` calls a path makes: the replay with them minus the replay without."""
        from collections import ChainMap

        ev = self.ev
        plan = self.lean.plan(prepared)
        work = []
        for f, o in zip(facts, outcomes, strict=True):
            for step in plan.steps:
                blocked = any(o.get(b) == "fail" for b in step.blockers)
                judged = ev.judge(step.criterion, o[step.id], f, blocked)
                if shown_only and judged.outcome == "pass":
                    continue
                work.append((step, judged, ChainMap(plan.display, step.overrides, f.values)))

        def with_words() -> None:
            for step, judged, values in work:
                ev.wording(step.criterion, judged, values, step.rank_of, step.confidence == "M")

        def noop(*args: Any) -> None:
            pass

        def without() -> None:
            for step, judged, values in work:
                noop(step.criterion, judged, values, step.rank_of, step.confidence == "M")

        a, _ = self.timed(with_words)
        b, _ = self.timed(without)
        return max(0.0, a - b)

    # -- several actions, the warm-up only --
    def one_pass(self, rows: list[Any], actions: list[str]) -> None:
        from eligibility.model.load import parse_profile

        prepared = [self.prepared[a] for a in actions]
        for item in rows:
            self.lean.subject(parse_profile(item.data, row=item.row)).leans(prepared)


class RowPaths:
    """The paths row at a time, as a pool runs them (read, validate, evaluate, RowResult, the pool
    accumulator, the .xlsx rows), each kept open across the blocks of a round (one Screener, one writer
    per path and action)."""

    def __init__(self, b: Bench) -> None:
        from eligibility.batch.screen import Screener

        self.b = b
        self.screener = Screener(b.requests[ONE], b.rules, workers=1)
        self.screener._ensure()
        self.screener._local.evaluator = b.ev  # type: ignore[union-attr]  # the warm evaluator
        self.writers: dict[tuple[str, str], tuple[Any, Any]] = {}

    def _writer(self, path: str, action: str) -> tuple[Any, Any]:
        key = (path, action)
        if key not in self.writers:
            self.writers[key] = self.b.writer(action, path)
        return self.writers[key]

    def _read(self, block: Path) -> list[Any]:
        from eligibility.batch.reader import read_pool

        return list(read_pool(block, titles=self.b.rules.titles))

    def full(self, block: Path) -> None:
        """Today's path in process: ``Screener(workers=1)`` (full Decisions and its RowResults)."""
        w, acc = self._writer("full", ONE)
        for r in self.screener.screen(self._read(block)):
            acc.add(r)
            w.write(r)

    def lean(self, block: Path, actions: list[str], tag: str) -> None:
        """Each row validated once, one Subject, a lean row per action, each written."""
        from eligibility.model.load import parse_profile

        lean = self.b.lean
        prepared = [self.b.prepared[a] for a in actions]
        writers = [self._writer(tag, a) for a in actions]
        for item in self._read(block):
            subject = lean.subject(parse_profile(item.data, row=item.row))
            for got, (w, acc) in zip(subject.leans(prepared), writers, strict=True):
                r = lean_row_result(item, got)
                acc.add(r)
                w.write(r)

    def separately(self, block: Path, actions: list[str]) -> None:
        """The actions one after another, each reading, validating and deriving again."""
        for a in actions:
            self.lean(block, [a], "separately")

    def close(self) -> None:
        for w, _ in self.writers.values():
            w.abort()
        self.writers.clear()
        self.screener.close()


def row_result(item: Any, decision: Any, traits: Any) -> Any:
    """The RowResult batch.screen builds from a full Decision (``_Worker._result``, detail "issues")."""
    from eligibility.batch.screen import Brief, RowResult, Traits

    issues = []
    for f in decision.findings:
        if f.outcome in ("not_applicable", "pass"):
            continue
        issues.append(Brief.of(f))
    return RowResult(
        row=item.row,
        status="ok",
        id=decision.profile_id,
        name=item.name,
        post=decision.request.get("post"),
        verdict=decision.verdict,
        outcomes={f.criterion: f.outcome for f in decision.findings},
        findings=issues,
        missing_inputs=[(m.input, tuple(m.criteria)) for m in decision.missing_inputs],
        traits=Traits(*_fields(traits)),
    )


def lean_row_result(item: Any, r: Any) -> Any:
    """The same RowResult from a lean result (what part 2 of issue 14 does in batch.screen)."""
    from eligibility.batch.screen import RowResult, Traits

    return RowResult(
        row=item.row,
        status="ok",
        id=r.profile_id,
        name=item.name,
        post=r.post,
        verdict=r.verdict,
        outcomes=dict(r.outcomes),
        findings=list(r.findings),  # batch.screen.Brief is explain.lean.Shown
        missing_inputs=list(r.missing_inputs),
        traits=Traits(*_fields(r.traits)),
    )


def _fields(obj: Any) -> tuple[Any, ...]:
    import dataclasses

    return tuple(getattr(obj, f.name) for f in dataclasses.fields(obj))


# ----- the run ----------------------------------------------------------------------------------------
def write_pool(path: Path, n: int, seed: int = 101) -> None:
    from eligibility.batch.synthetic import iter_profiles

    with path.open("w", encoding="utf-8") as fh:
        for d in iter_profiles(n, seed):
            fh.write(json.dumps(d, ensure_ascii=False) + "\n")


def row_round(b: Bench, blocks: list[Path], on: dt.date, shuffle: Any) -> dict[str, float]:
    """CPU seconds of each path row at a time over every block; the paths alternate block by block in a
    shuffled order, so that load from other processes hits them alike."""
    paths = RowPaths(b)
    steps: dict[str, Callable[[Path], Any]] = {
        "floor": lambda blk: floor(blk, on),
        "row.full": paths.full,
        "row.lean": lambda blk: paths.lean(blk, [ONE], "lean"),
        "five.one_pass": lambda blk: paths.lean(blk, FIVE, "five"),
        "five.separately": lambda blk: paths.separately(blk, FIVE),
    }
    spent = dict.fromkeys(steps, 0.0)
    for blk in blocks:
        order = list(steps)
        shuffle.shuffle(order)
        for name in order:
            t = time.process_time()
            steps[name](blk)
            spent[name] += time.process_time() - t
    paths.close()
    return spent


PROFILE_GROUPS = [  # (group, "path:function" fragments of the functions whose own time it sums), first match wins
    (
        "write, parent: appending the lines, accumulator",
        ("batch/xlsx.py:add", "batch/xlsx.py:_flush", "batch/writers.py:append", "batch/report.py"),
    ),
    (
        "write, worker: the .xlsx lines (XML), RowResult",
        ("batch/xlsx.py", "batch/writers.py", "saxutils", "bench/rows.py"),
    ),
    ("read: read_pool, json", ("batch/reader.py", "json/")),
    ("validate: pydantic, model/", ("pydantic", "model/", "method 'validate_python'")),
    ("facts: facts/", ("facts/",)),
    ("engine: durable adapter and C calls", ("engine/", "durable_rules_engine")),
    ("messages: wording, render", ("explain/messages.py", "_words", "wording")),
    ("findings: lean rows (plan, judge, traits)", ("explain/lean.py", "explain/evaluate.py")),
]


def profile(b: Bench, actions: list[str]) -> list[tuple[str, float]]:
    """Shares of CPU time by group (cProfile, own time of each function), lean rows row at a time."""
    import cProfile
    import pstats

    paths = RowPaths(b)
    paths.lean(b.path, actions, "profile")
    prof = cProfile.Profile()
    prof.enable()
    paths.lean(b.path, actions, "profile")
    prof.disable()
    paths.close()
    stats = pstats.Stats(prof).stats  # type: ignore[attr-defined]
    total = sum(v[2] for v in stats.values())
    other = "other"
    groups = dict.fromkeys([g for g, _ in PROFILE_GROUPS] + [other], 0.0)

    def own_group(key: tuple[str, int, str]) -> str:
        where = f"{key[0]}:{key[2]}"
        return next((g for g, frags in PROFILE_GROUPS if any(f in where for f in frags)), other)

    def share_out(key: tuple[str, int, str], secs: float, depth: int) -> None:
        """A function of no group (a builtin, collections, re, ...) counts for its callers' groups."""
        g = own_group(key)
        callers = stats[key][4]
        if g != other or depth > 4 or not callers:
            groups[g] += secs
            return
        weight = sum(edge[2] for edge in callers.values()) or 1.0
        for caller, edge in callers.items():
            share_out(caller, secs * edge[2] / weight, depth + 1)

    for key, v in stats.items():
        share_out(key, v[2], 0)
    return [(g, t / total) for g, t in groups.items()]


def main() -> int:
    import random

    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--rows", type=int, default=3000)
    ap.add_argument("--rounds", type=int, default=5)
    ap.add_argument("--block", type=int, default=250, help="rows per block (the paths alternate block by block)")
    ap.add_argument("--markdown", action="store_true")
    ap.add_argument("--profile", action="store_true", help="also where the lean row's time goes (cProfile)")
    args = ap.parse_args()
    n = args.rows
    tmp = Path(tempfile.mkdtemp(prefix="bench-rows-pool-"))
    path = tmp / "pool.jsonl"
    write_pool(path, n)
    lines = path.read_bytes().splitlines(keepends=True)
    blocks = []
    for k in range(0, n, args.block):
        blk = tmp / f"block-{k:07d}.jsonl"
        blk.write_bytes(b"".join(lines[k : k + args.block]))
        blocks.append(blk)
    b = Bench(path, n)
    on = dt.date.fromisoformat(BASE["date"])
    # warm-up: rulesets created, caches filled, first-call costs out of the figures
    rows = b.read()[: min(n, 300)]
    b.full(rows, ONE)
    b.lean_path(rows, ONE)
    b.one_pass(rows, FIVE)

    got: dict[str, list[float]] = {}

    def add(key: str, secs: float) -> None:
        got.setdefault(key, []).append(secs / n * 1e6)

    shuffle = random.Random(14)
    for i in range(args.rounds):
        t0 = time.perf_counter()
        gc.collect()
        for name, secs in row_round(b, blocks, on, shuffle).items():
            add(name, secs)
        t_read, rows = Bench.timed(b.read)
        for name, fn in (("full", b.full), ("lean", b.lean_path)):
            secs_by = fn(rows, ONE)
            add(f"{name}.read", t_read)
            for k, v in secs_by.items():
                add(f"{name}.{k}", v)
            add(f"{name}.total", t_read + sum(secs_by.values()))
        assert [r.verdict for r in b.last_full] == [r.verdict for r in b.last_lean]
        assert [[_fields(x) for x in r.findings] for r in b.last_full] == [
            [_fields(x) for x in r.findings] for r in b.last_lean
        ]
        assert [r.traits for r in b.last_full] == [r.traits for r in b.last_lean]
        print(f"round {i + 1}/{args.rounds}: {time.perf_counter() - t0:.1f} s, load {os.getloadavg()[0]:.2f}")

    med = {k: statistics.median(v) for k, v in got.items()}
    ratios = {  # per round, then the median: a ratio within one round is what load does not move
        "full": statistics.median(f / fl for f, fl in zip(got["row.full"], got["floor"], strict=True)),
        "lean": statistics.median(f / fl for f, fl in zip(got["row.lean"], got["floor"], strict=True)),
        "five": statistics.median(f / o for f, o in zip(got["five.one_pass"], got["row.lean"], strict=True)),
        "sep": statistics.median(s / f for s, f in zip(got["five.separately"], got["five.one_pass"], strict=True)),
    }
    report(med, ratios, n, args.rounds, args.markdown)
    if args.profile:
        for actions in ([ONE], FIVE):
            print(f"\nwhere a lean row's CPU goes, {len(actions)} action(s), cProfile own time by group:")
            for g, share in profile(b, actions):
                print(f"| {g} | {100 * share:.1f}% |")
    return 0


def report(med: dict[str, float], ratios: dict[str, float], n: int, rounds: int, markdown: bool) -> None:
    fl = med["floor"]
    full, lean = med["row.full"], med["row.lean"]
    print(f"\n{n:,} rows, {rounds} rounds, medians; CPU µs per row ({ONE}, {BASE})")
    print("row at a time (as a pool runs): read, validate, evaluate, RowResult, accumulator, .xlsx rows")
    print(f"  full (Screener today) {full:8.1f}   lean {lean:8.1f}   floor {fl:6.1f}")
    print(
        f"  ratio to the floor (median of the rounds' ratios): full {ratios['full']:.1f}×, lean {ratios['lean']:.1f}× "
        f"(target ≤ 30×); lean / full {lean / full:.2f}"
    )
    print("step by step over all rows (the buckets; warm caches make their sum lower than row at a time)")
    print(f"  {'bucket':<10} {'full':>9} {'lean':>9}")
    for k in [*BUCKETS, "total"]:
        print(f"  {k:<10} {med[f'full.{k}']:9.1f} {med[f'lean.{k}']:9.1f}")
    five, sep = med["five.one_pass"], med["five.separately"]
    print(
        f"five actions ({', '.join(FIVE)}): one pass {five:.0f} µs/row, separately {sep:.0f} µs/row; "
        f"one pass / one action {ratios['five']:.2f}× (target ≤ 2.5×), separately / one pass {ratios['sep']:.2f}×"
    )
    if markdown:
        print("\n| bucket (step by step) | full µs/row | lean µs/row |\n|---|---|---|")
        for k in [*BUCKETS, "total"]:
            print(f"| {k} | {med[f'full.{k}']:.1f} | {med[f'lean.{k}']:.1f} |")
        print("\n| row at a time | CPU µs/row | ratio |\n|---|---|---|")
        print(f"| floor (plain Python) | {fl:.1f} | 1 |")
        print(f"| {ONE}, full (Screener today) | {full:.1f} | {ratios['full']:.1f}× the floor |")
        print(f"| {ONE}, lean | {lean:.1f} | {ratios['lean']:.1f}× the floor |")
        print(f"| five actions, one pass (lean) | {five:.1f} | {ratios['five']:.2f}× one action |")
        print(f"| five actions, one after another (lean) | {sep:.1f} | {ratios['sep']:.2f}× one pass |")


if __name__ == "__main__":
    sys.exit(main())
