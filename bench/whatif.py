"""What the proposed fixes would buy, measured without editing eligibility/ (bench only).

    python bench/whatif.py            # ~1-2 minutes; prints a table, writes bench/whatif.json

Every fix is swapped in and out of one process at run time, and the variants are measured in
interleaved rounds (A B A B …), so that load from other processes hits both alike; figures are the
median over rounds of the mean CPU time per call (``time.process_time``). The fixes:

* ``months``: ``facts.months.whole_months_between`` by integer arithmetic (dateutil's end-of-month
  rule kept; checked equal on 200,000 random date pairs) instead of two ``relativedelta`` objects.
* ``encode_set``: ``DurableEngine`` keeps a version's used fact names as a frozenset
  (``encode_fact`` tests ``name not in used`` for every fact; a list makes that a scan).
* ``finding``: ``Evaluator._finding`` computes the per-criterion static parts once (fact names,
  rank vocabularies, the SourceRef model) instead of walking the condition and building a SourceRef
  for every finding. (Reading message values through a ChainMap instead of copying the facts into
  a new dict per finding was tried and is slower: the copy is one C call.)
* ``construct``: the explanation layer builds Finding, Text, SourceRef, … with pydantic's
  ``model_construct`` (no validation of data it produced itself).
* a micro-benchmark of pydantic's validated constructor (Rust) against ``model_construct``
  (Python) on the explanation models, for a library that already uses ``model_construct``
  (a run-time swap would add a wrapper call per model and bias the A/B).
* ``all``: months + encode_set + finding; ``all+construct`` adds construct. Decisions must be
  identical to the baseline's (checked, as JSON).

The screening rows also compare ``keep_decision=True`` (the API default: each row's Decision
serialised to JSON and pickled back to the parent) with ``keep_decision=False``.
"""

from __future__ import annotations

import calendar
import datetime as dt
import hashlib
import json
import random
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path[:0] = [str(ROOT), str(HERE)]


def fast_months(start: dt.date, end: dt.date) -> int:
    if end < start:
        return -fast_months(end, start)
    n = (end.year - start.year) * 12 + end.month - start.month
    # start + n months, clipped to the end of that month (dateutil), must not pass end
    if min(start.day, calendar.monthrange(end.year, end.month)[1]) > end.day:
        n -= 1
    return n


class Fixes:
    def __init__(self, ev: Any) -> None:
        from eligibility.explain import evaluate as evm
        from eligibility.facts import months

        self.ev = ev
        self.evm = evm
        self.orig_months = months.whole_months_between
        self.orig_finding = evm.Evaluator._finding
        self._static: dict[int, tuple[list[str], dict[str, str]]] = {}
        self._refs: dict[tuple[str, Any], Any] = {}
        rng = random.Random(5)
        base = dt.date(1950, 1, 1)
        for _ in range(200_000):
            a = base + dt.timedelta(days=rng.randint(0, 40_000))
            b = a + dt.timedelta(days=rng.randint(-800, 800))
            assert fast_months(a, b) == self.orig_months(a, b), (a, b)

    def months(self, on: bool) -> None:
        new, old = (fast_months, self.orig_months) if on else (self.orig_months, fast_months)
        for mod in list(sys.modules.values()):
            if getattr(mod, "__name__", "").startswith("eligibility") and getattr(mod, "whole_months_between",
                                                                                   None) is old:
                mod.whole_months_between = new

    def encode_set(self, on: bool) -> None:
        versions = self.ev.engine._versions  # noqa: SLF001
        for name, (sets, used) in list(versions.items()):
            versions[name] = (sets, frozenset(used) if on else sorted(used))

    def finding(self, on: bool) -> None:
        fixes = self

        def _finding(ev: Any, *args: Any) -> Any:
            return Fixes._finding(fixes, ev, *args)

        self.evm.Evaluator._finding = _finding if on else self.orig_finding  # type: ignore[method-assign]

    def construct(self, on: bool) -> None:
        """The explanation layer builds its pydantic models with ``model_construct`` (no validation of
        data it produced itself)."""
        from eligibility.explain import decision as dm

        for name in ("Finding", "Text", "SourceRef", "RegimeRef", "MissingInput", "Decision"):
            model = getattr(dm, name)
            setattr(self.evm, name, model.model_construct if on else model)

    def already_done(self) -> set[str]:
        """The fixes the library already has (the code is changing under this script)."""
        import inspect

        done = set()
        if "relativedelta" not in self.orig_months.__code__.co_names:
            done.add("months")
        if any(not isinstance(used, list) for _, used in self.ev.engine._versions.values()):  # noqa: SLF001
            done.add("encode_set")
        if hasattr(self.evm.Evaluator, "_static"):
            done.add("finding")
        if "model_construct" in inspect.getsource(self.evm):
            done.add("construct")
        self.done = done
        return done

    def all(self, on: bool) -> None:
        for part in ("months", "encode_set", "finding"):
            if part not in getattr(self, "done", set()):
                getattr(self, part)(on)

    def _finding(self_fixes: Fixes, self: Any, c: Any, outcome: str, factset: Any, uses: list[Any],  # noqa: N805
                 missing_map: Any, on: dt.date) -> Any:
        from eligibility.explain.decision import Finding, Text
        from eligibility.facts.catalog import FACTS
        from eligibility.rulepack import conditions as cd
        from eligibility.rulepack.schema import weakest

        spec = c.spec
        st = self_fixes._static.get(id(c))
        if st is None:
            rank_of: dict[str, str] = {}
            for node in cd.walk(c.condition):
                if isinstance(node, cd.Compare) and isinstance(node.right, cd.Param) and FACTS[node.fact].rank_of:
                    rank_of[node.right.name] = FACTS[node.fact].rank_of or ""
            st = self_fixes._static[id(c)] = (cd.facts_of(c.condition), rank_of)
        names, rank_of = st
        fv = factset.values
        facts = {n: fv.get(n) for n in names}
        missing: list[str] = []
        if outcome == "unknown":
            for n in names:
                if n not in fv:
                    for inp in FACTS[n].inputs:
                        if inp not in missing:
                            missing.append(inp)
            if missing_map is not None:
                for inp in missing:
                    missing_map[inp].append(c.id)
        note_text = spec.note and outcome == "fail"
        if outcome == "fail" and spec.note:
            outcome = "pass"
        if outcome == "fail" and spec.waivable:
            outcome = "waivable"
        cite = spec.citation_on(on)
        tag = weakest([cite.tag] + [u.confidence for u in uses])
        values = dict(fv)  # a C-level copy; a ChainMap was measured slower (render looks keys up twice)
        for u in uses:
            values[u.name] = u.value
        msg = self._message(spec, "fail" if note_text else outcome, values, rank_of, missing)
        if tag == "M":
            msg = Text(vi=msg.vi + " [chưa xác minh]", en=msg.en + " [unverified]")
        key = (cite.id, cite.article)
        src = self_fixes._refs.get(key)
        if src is None:
            src = self_fixes._refs[key] = self._source_ref(cite)
        return Finding(criterion=c.id, title=Text(vi=spec.title.vi, en=spec.title.en), topic=spec.topic,
                       outcome=outcome, message=msg, facts=facts, parameters=uses, source=src, confidence=tag,
                       unverified=tag == "M", waivable=spec.waivable, missing=missing, overlay=c.overlay)


def cpu_per_call(fn: Callable[[Any], Any], items: list[Any]) -> float:
    cpu = time.process_time
    spent = 0.0
    for x in items:  # results are not kept (keeping them would time the garbage collector)
        c = cpu()
        fn(x)
        spent += cpu() - c
    return spent / len(items) * 1e6


def main() -> int:
    from run import REQUESTS

    from eligibility import Evaluator, load_rules, parse_profile, parse_request
    from eligibility.batch.screen import Screener
    from eligibility.batch.synthetic import generate

    n, rounds = 1000, 5
    rules = load_rules()
    ev = Evaluator(rules)
    dicts = generate(n, seed=77)
    profiles = [parse_profile(d) for d in dicts]
    actions = ("appointment", "planning", "nomination")
    reqs = {a: parse_request(dict(REQUESTS[a])) for a in actions}
    for a in actions:
        for p in profiles[:200]:
            ev.evaluate(p, reqs[a])
    fx = Fixes(ev)
    done = fx.already_done()
    variants = ["baseline"] + [v for v in ("months", "encode_set", "finding", "construct") if v not in done]
    parts = [v for v in ("months", "encode_set", "finding") if v not in done]
    if len(parts) > 1:
        variants.append("all")
    if "construct" not in done and parts:
        variants.append("all+construct")

    for v in sorted(done):
        print(f"{v}: already in the library (not measured)", file=sys.stderr)

    def decisions_digest() -> str:
        h = hashlib.sha256()
        for a in actions:
            for p in profiles:
                d = ev.evaluate(p, reqs[a])
                h.update(json.dumps(d.to_dict(), sort_keys=True, ensure_ascii=False, default=str).encode())
        return h.hexdigest()[:16]

    base_digest = decisions_digest()
    fx.all(True)
    all_digest = decisions_digest()
    construct_digest = all_digest
    if "construct" not in done:
        fx.construct(True)
        construct_digest = decisions_digest()
        fx.construct(False)
    fx.all(False)

    samples: dict[str, dict[str, list[float]]] = {v: {a: [] for a in actions} for v in variants}
    for r in range(rounds):
        for v in variants:
            for part in v.split("+"):
                if part != "baseline":
                    getattr(fx, part)(True)
            for a in actions:
                q = reqs[a]
                samples[v][a].append(cpu_per_call(lambda p, q=q: ev.evaluate(p, q), profiles))
            for part in v.split("+"):
                if part != "baseline":
                    getattr(fx, part)(False)
        print(f"round {r + 1}/{rounds}", file=sys.stderr)
    evaluate = {v: {a: statistics.median(xs) for a, xs in per.items()} for v, per in samples.items()}

    # screening rows in process (the workers' work), appointment: baseline vs all fixes, keep True/False
    rows = [(i + 2, d) for i, d in enumerate(dicts)]
    screen: dict[str, list[float]] = {}
    for _ in range(3):
        for keep in (True, False):
            for v in ("baseline", "all"):
                with Screener(REQUESTS["appointment"], rules, workers=1, keep_decision=keep) as s:
                    list(s.screen(rows[:100]))  # the in-process evaluator shares this process's engine
                    fx.all(v == "all")
                    c = time.process_time()
                    for _ in s.screen(rows):
                        pass
                    screen.setdefault(f"{v} keep_decision={keep}", []).append((time.process_time() - c) / n * 1e6)
                    fx.all(False)
    screen_med = {k: statistics.median(v) for k, v in screen.items()}

    print(f"\nevaluate, mean CPU µs per call (median of {rounds} interleaved rounds, {n} profiles):\n")
    print("| variant | " + " | ".join(actions) + " | gain vs baseline (appointment) |")
    print("|---" * (len(actions) + 2) + "|")
    for v in variants:
        gain = 1 - evaluate[v]["appointment"] / evaluate["baseline"]["appointment"]
        print(f"| {v} | " + " | ".join(f"{evaluate[v][a]:.0f}" for a in actions) + f" | {gain:+.0%} |")
    print(f"\ndecisions identical to the baseline with every fix measured here: {base_digest == all_digest}"
          + ("" if "construct" in done else f" (and with construct: {base_digest == construct_digest})"))
    print("\nscreening row (in process, appointment), mean CPU µs per row:\n")
    print("| variant | µs/row |\n|---|---|")
    for k, v in screen_med.items():
        print(f"| {k} | {v:.0f} |")
    # pydantic: the validated constructor (Rust) vs model_construct (Python), on the explanation models
    import timeit

    from eligibility.explain.decision import Finding, SourceRef, Text

    t = Text(vi="a", en="b")
    src = SourceRef(id="x", number="1", title_vi="t", article="a", url=None)
    kw = {"criterion": "c", "title": t, "topic": "age", "outcome": "pass", "message": t,
          "facts": {"a": 1, "b": True, "c": "x", "d": None}, "parameters": [], "source": src, "confidence": "S",
          "unverified": False, "waivable": False, "missing": [], "holds_from": None, "holds_until": None,
          "overlay": None}
    micro = {}
    for name, fn in (("Text(...)", lambda: Text(vi="a", en="b")),
                     ("Text.model_construct(...)", lambda: Text.model_construct(vi="a", en="b")),
                     ("Finding(...)", lambda: Finding(**kw)),
                     ("Finding.model_construct(...)", lambda: Finding.model_construct(**kw))):
        micro[name] = min(timeit.repeat(fn, number=20_000, repeat=7)) / 20_000 * 1e6
    print("\npydantic construction, µs per call (best of 7 × 20,000):\n")
    print("| call | µs |\n|---|---|")
    for k, v in micro.items():
        print(f"| `{k}` | {v:.2f} |")
    (HERE / "whatif.json").write_text(json.dumps({"n": n, "rounds": rounds, "already_in_library": sorted(done),
                                                   "evaluate_cpu_us": evaluate,
                                                   "screen_row_cpu_us": screen_med, "pydantic_construction_us": micro,
                                                   "decisions_identical": base_digest == all_digest,
                                                   "decisions_identical_construct": base_digest == construct_digest}, indent=1))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
