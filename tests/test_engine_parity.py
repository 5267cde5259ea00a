"""Parity: durable_rules (through the adapter) against the pure-Python Kleene evaluator.

Hypothesis generates conditions (all / any / not over comparisons with int constants, code
strings including Vietnamese text, booleans, fact-vs-fact) and facts (every field optional,
some given as None, some text in NFD). The durable side runs in a long-lived forked worker:
a generated ruleset that hits one of durable's hangs (512 branches) fails the example on a
timeout instead of hanging the suite; the worker is then replaced.

Per fact the test asserts that exactly one outcome rule group fired for every criterion and
that the outcome equals the reference evaluator's.
"""

from __future__ import annotations

import contextlib
import multiprocessing as mp
import time
import unicodedata
from collections import defaultdict
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from eligibility.engine import reference
from eligibility.engine.compiler import ResolvedCriterion, RuleVersion
from eligibility.engine.durable_adapter import (
    ANCHOR,
    _nodes,
    _ordered,
    compile_criterion,
    compile_rules,
    three,
)
from eligibility.errors import EngineError
from eligibility.rulepack import conditions as cd

INTS = ("i0", "i1", "i2", "i3")
CODES = ("c0", "c1")
BOOLS = ("b0", "b1")
FIELDS = INTS + CODES + BOOLS
# Vietnamese words (NFC), prefixes of each other (durable orders strings wrongly), an empty string
TEXTS = ("cao cấp", "cử nhân", "đạt", "không đạt", "Nguyễn", "Nguyễn Văn", "Lào Cai", "", "a", "A")
BIG = (24259, 24412, 739000, -5000, 720, 1_000_000)
OPS = ("eq", "ne", "lt", "le", "gt", "ge")

int_values = st.one_of(st.integers(-3, 3), st.sampled_from(BIG))


def _leaf() -> st.SearchStrategy[cd.Condition]:
    int_const = st.builds(cd.Compare, st.sampled_from(INTS), st.sampled_from(OPS), st.builds(cd.Const, int_values))
    code_const = st.builds(
        cd.Compare, st.sampled_from(CODES), st.sampled_from(("eq", "ne")), st.builds(cd.Const, st.sampled_from(TEXTS))
    )
    bool_const = st.builds(
        cd.Compare, st.sampled_from(BOOLS), st.sampled_from(("eq", "ne")), st.builds(cd.Const, st.booleans())
    )
    int_fact = st.builds(
        cd.Compare, st.sampled_from(INTS), st.sampled_from(OPS), st.builds(cd.FactRef, st.sampled_from(INTS))
    )
    code_fact = st.builds(
        cd.Compare, st.sampled_from(CODES), st.sampled_from(("eq", "ne")), st.builds(cd.FactRef, st.sampled_from(CODES))
    )
    bool_fact = st.builds(
        cd.Compare, st.sampled_from(BOOLS), st.sampled_from(("eq", "ne")), st.builds(cd.FactRef, st.sampled_from(BOOLS))
    )
    return st.one_of(int_const, int_const, code_const, bool_const, int_fact, code_fact, bool_fact)


conditions = st.recursive(
    _leaf(),
    lambda sub: st.one_of(
        st.builds(cd.All, st.lists(sub, min_size=1, max_size=3).map(tuple)),
        st.builds(cd.AnyOf, st.lists(sub, min_size=1, max_size=3).map(tuple)),
        st.builds(cd.Not, sub),
    ),
    max_leaves=5,
)


@st.composite
def fact_dicts(draw: Any) -> dict[str, Any]:
    """A fact as derive_facts gives it: typed fields, each one possibly absent or None."""
    out: dict[str, Any] = {}
    for f in FIELDS:
        kind = draw(st.sampled_from(("value", "value", "value", "absent", "none")))
        if kind == "absent":
            continue
        if kind == "none":
            out[f] = None
        elif f in INTS:
            out[f] = draw(int_values)
        elif f in CODES:
            out[f] = draw(st.sampled_from(TEXTS))
        else:
            out[f] = draw(st.booleans())
    return out


def _nfd_variant(facts: dict[str, Any]) -> dict[str, Any]:
    """The engine must NFC-normalise text: give it decomposed Vietnamese."""
    return {k: unicodedata.normalize("NFD", v) if isinstance(v, str) else v for k, v in facts.items()}


def _nfd_condition(c: cd.Condition) -> cd.Condition:
    if isinstance(c, cd.Compare):
        if isinstance(c.right, cd.Const) and isinstance(c.right.value, str):
            return cd.Compare(c.fact, c.op, cd.Const(unicodedata.normalize("NFD", c.right.value)))
        return c
    if isinstance(c, cd.All):
        return cd.All(tuple(_nfd_condition(p) for p in c.parts))
    if isinstance(c, cd.AnyOf):
        return cd.AnyOf(tuple(_nfd_condition(p) for p in c.parts))
    assert isinstance(c, cd.Not)
    return cd.Not(_nfd_condition(c.part))


def _compiles(c: cd.Condition) -> bool:
    """Within what one durable ruleset holds (compile_criterion refuses the rest: split them)."""
    try:
        compile_criterion("x", c)
    except EngineError:
        return False
    return True


# ----- the durable side, in a forked worker ----------------------------------------------------


def _worker_loop(conn: Any) -> None:
    import durable_rules_engine as dre

    from eligibility.engine.durable_adapter import DurableEngine, encode_fact
    from eligibility.errors import EngineError

    while True:
        job = conn.recv()
        if job is None:
            return
        version, facts = job
        engine = DurableEngine()
        try:
            sets, used = engine._load(version)
            results = []
            for fact in facts:
                payload = encode_fact(fact, used)
                fired = [name for rs in sets for name in rs.fired(payload)]
                try:
                    outcomes: dict[str, str] | str = engine.outcomes(version, fact)
                except EngineError as exc:
                    outcomes = f"EngineError: {exc}"
                results.append((fired, outcomes))
            conn.send(("ok", results))
        except Exception as exc:  # noqa: BLE001
            conn.send(("err", f"{type(exc).__name__}: {exc}"))
        finally:
            for rs in engine._rulesets.values():  # keep the worker's memory bounded
                dre.delete_ruleset(rs.handle)


class Worker:
    def __init__(self) -> None:
        self.proc: Any = None
        self.conn: Any = None
        self.batches = 0
        self.facts = 0

    def _start(self) -> None:
        ctx = mp.get_context("fork")
        self.conn, child = ctx.Pipe()
        self.proc = ctx.Process(target=_worker_loop, args=(child,), daemon=True)
        self.proc.start()
        child.close()

    def run(self, version: RuleVersion, facts: list[dict[str, Any]], timeout: float = 20.0) -> Any:
        if self.proc is None or not self.proc.is_alive():
            self._start()
        self.conn.send((version, facts))
        if not self.conn.poll(timeout):
            self.stop(kill=True)
            raise AssertionError(
                f"durable hung for {timeout} s on {version.name}: {[cd.to_data(c.condition) for c in version.criteria]}"
            )
        kind, value = self.conn.recv()
        if kind == "err":
            raise AssertionError(f"durable worker failed: {value}")
        self.batches += 1
        self.facts += len(facts)
        return value

    def stop(self, kill: bool = False) -> None:
        if self.proc is None:
            return
        if kill:
            self.proc.kill()
        else:
            with contextlib.suppress(BrokenPipeError, OSError):
                self.conn.send(None)
        self.proc.join(10)
        if self.proc.is_alive():
            self.proc.kill()
            self.proc.join()
        self.proc = None


@pytest.fixture(scope="module")
def worker() -> Any:
    w = Worker()
    started = time.monotonic()
    yield w
    w.stop()
    print(f"\nparity: {w.batches} rulesets, {w.facts} facts in {time.monotonic() - started:.1f} s")


def _check(criteria: list[cd.Condition], facts: list[dict[str, Any]], worker: Worker, nfd: bool) -> int:
    """Evaluate through durable (in the worker) and the reference; return the verdicts compared."""
    resolved = [ResolvedCriterion(f"c{i}", _nfd_condition(c) if nfd else c) for i, c in enumerate(criteria)]
    version = RuleVersion.build("parity", resolved)
    sent = [_nfd_variant(f) if nfd and i % 2 else f for i, f in enumerate(facts)]
    results = worker.run(version, sent)
    compared = 0
    for fact, (fired, outcomes) in zip(facts, results, strict=True):
        known = {k: v for k, v in fact.items() if v is not None}
        by_criterion: dict[str, set[str]] = defaultdict(set)
        for name in fired:
            cid, _, branch = name.rpartition("|")
            by_criterion[cid].add(branch.partition("#")[0])
        assert not isinstance(outcomes, str), (outcomes, fact, [cd.to_data(c) for c in criteria])
        for i, cond in enumerate(criteria):
            cid = f"c{i}"
            expected = reference.evaluate(cond, known)
            got = by_criterion.get(cid, set())
            assert len(got) == 1, (cid, sorted(got), fact, cd.to_data(cond))
            assert got == {expected}, (cid, got, expected, fact, cd.to_data(cond))
            assert outcomes[cid] == expected
            compared += 1
        assert set(by_criterion) == {f"c{i}" for i in range(len(criteria))}
    return compared


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(
    criteria=st.lists(conditions.filter(_compiles), min_size=1, max_size=6),
    facts=st.lists(fact_dicts(), min_size=10, max_size=40),
    nfd=st.booleans(),
)
def test_durable_matches_reference(
    worker: Worker, criteria: list[cd.Condition], facts: list[dict[str, Any]], nfd: bool
) -> None:
    # a fact with every field present first, then the rest: durable's field-vs-field matching
    # is history-dependent (a field once seen and then missing fired every operator)
    full = {"i0": 1, "i1": 2, "i2": 2, "i3": -1, "c0": "cao cấp", "c1": "Nguyễn", "b0": True, "b1": False}
    _check(criteria, [full, *facts, full, {}], worker, nfd)


def test_parity_fixed_examples(worker: Worker) -> None:
    """Hand-picked shapes the random search might reach late: every trap of docs/durable_rules.md."""
    i0, i1 = cd.FactRef("i0"), cd.FactRef("i1")
    criteria: list[cd.Condition] = [
        cd.Compare("i0", "ge", i1),
        cd.Compare("i0", "eq", i1),
        cd.Not(cd.Compare("i0", "lt", i0)),
        cd.Compare("c0", "eq", cd.Const("cao cấp")),
        cd.Compare("c0", "ne", cd.FactRef("c1")),
        cd.Compare("b0", "eq", cd.Const(True)),
        cd.Compare("b0", "ne", cd.FactRef("b1")),
        cd.AnyOf((cd.Compare("i1", "gt", cd.Const(5)), cd.Compare("i2", "lt", cd.Const(0)))),
        cd.All((cd.Compare("i1", "ge", cd.Const(3)), cd.Compare("i1", "le", cd.Const(9)))),
        cd.AnyOf((cd.Not(cd.Compare("i3", "eq", cd.Const(0))), cd.Compare("c1", "eq", cd.Const("")))),
        cd.Compare("i2", "ge", cd.Const(1_000_000)),
    ]
    facts = [
        {},
        {"i0": 1},
        {"i0": 1, "i1": 1},
        {"i0": 1},
        {"i1": 1},
        {"i0": 0, "i1": 1},
        {"c0": "cao cấp"},
        {"c0": unicodedata.normalize("NFD", "cao cấp")},
        {"c0": "cao", "c1": "cao"},
        {"b0": True, "b1": True},
        {"b0": False},
        {"b0": True, "b1": None},
        {"i1": 7, "i2": 0},
        {"i1": 2, "i2": -1},
        {"i1": 9},
        {"i1": 10},
        {"i3": 0, "c1": ""},
        {"i2": 999_999},
        {"i2": 1_000_000},
        {"i3": None, "c1": None},
    ]
    reference_facts = [
        {k: unicodedata.normalize("NFC", v) if isinstance(v, str) else v for k, v in f.items()} for f in facts
    ]
    resolved = [ResolvedCriterion(f"c{i:02d}", c) for i, c in enumerate(criteria)]
    version = RuleVersion.build("parity", resolved)
    results = worker.run(version, facts)
    for fact, (_fired, outcomes) in zip(reference_facts, results, strict=True):
        known = {k: v for k, v in fact.items() if v is not None}
        assert not isinstance(outcomes, str), outcomes
        for rc in resolved:
            assert outcomes[rc.id] == reference.evaluate(rc.condition, known), (rc.id, fact)


# ----- the compiled DNFs themselves, in pure Python ----------------------------------------------


def _lit_true(lit: tuple[Any, ...], facts: dict[str, Any]) -> bool:
    kind = lit[0]
    if kind == "ex":
        return lit[1] in facts
    if kind == "nex":
        return lit[1] not in facts
    if kind == "cmp":
        return lit[1] in facts and reference._cmp(lit[2], facts[lit[1]], lit[3])
    return lit[1] in facts and lit[3] in facts and reference._cmp(lit[2], facts[lit[1]], facts[lit[3]])


@settings(max_examples=400, deadline=None)
@given(cond=conditions, facts=st.lists(fact_dicts(), min_size=5, max_size=20))
def test_three_dnfs_are_exclusive_exhaustive_and_the_node_bound_holds(
    cond: cd.Condition, facts: list[dict[str, Any]]
) -> None:
    """Exactly one of the pass / fail / unknown DNFs holds, the reference's; and no fact matches more
    alpha nodes (literal prefixes of the rules, in durable's order) than compile_rules assumed."""
    p, f, u = three(cond)
    prefixes = {
        tuple(lits[:i])
        for dnf in (p, f, u)
        for conj in dnf
        for lits in [_ordered(conj)]
        for i in range(1, len(lits) + 1)
    }
    bound = _nodes((p, f, u))
    for fact in facts:
        known = {k: v for k, v in fact.items() if v is not None}
        counts = [sum(1 for conj in dnf if all(_lit_true(lit, known) for lit in conj)) for dnf in (p, f, u)]
        fired = [o for o, n in zip(("pass", "fail", "unknown"), counts, strict=True) if n]
        assert fired == [reference.evaluate(cond, known)], (fired, counts, known, cd.to_data(cond))
        matching = sum(1 for prefix in prefixes if all(_lit_true(lit, known) for lit in prefix))
        assert matching <= bound, (matching, bound, known, cd.to_data(cond))


def test_every_rule_has_the_anchor_and_guards_fact_comparisons() -> None:
    cond = cd.AnyOf((cd.Compare("i0", "lt", cd.FactRef("i1")), cd.Not(cd.Compare("c0", "eq", cd.Const("đạt")))))
    cc = compile_criterion("k", cond)
    for name, rule in cc.rules.items():
        parts = rule["all"][0]["m"]["$and"]
        assert parts[0] == {"$ex": {ANCHOR: 1}}, name
        text = repr(parts)
        if "$m" in text:
            assert {"$ex": {"i0": 1}} in parts and {"$ex": {"i1": 1}} in parts, name
        assert "$or" not in text  # one rule per DNF branch: an $or of ~15 $ands is error 113
    assert cc.branches == tuple(len(d) for d in three(cond))
    chunks = compile_rules(RuleVersion.build("k", [ResolvedCriterion("k", cond)]))
    assert len(chunks) == 1 and chunks[0].criteria == ("k",)


# ----- applicability (applies_when) is decided by the engine, exactly as the reference would ----------
def test_applicability_by_the_engine_equals_the_reference(rules: Any) -> None:
    """Every ``applies_when`` of the rule pack, on every combination of the request facts it reads
    (each absent or each of its values): durable's outcome equals the reference evaluator's."""
    import itertools

    from eligibility.engine.durable_adapter import DurableEngine
    from eligibility.facts.catalog import FACTS

    def domain(name: str) -> list[object]:
        spec = FACTS[name]
        values: list[object] = {"bool": [True, False], "code": list(spec.codes)}.get(spec.type, [0, 1, 3])
        return [None, *values]

    engine = DurableEngine()
    checked = 0
    for c in rules.criteria:
        if c.applies_when is None:
            continue
        names = cd.facts_of(c.applies_when)
        version = RuleVersion.build("applies-parity", [ResolvedCriterion(c.id, c.applies_when)])
        for combo in itertools.product(*(domain(n) for n in names)):
            facts = {n: v for n, v in zip(names, combo, strict=True) if v is not None}
            assert engine.outcomes(version, facts)[c.id] == reference.evaluate(c.applies_when, facts), (c.id, facts)
            checked += 1
    assert checked > 50
