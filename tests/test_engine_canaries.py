"""Canaries: every durable-rules 2.0.28 behaviour the adapter relies on, pinned.

If one of these fails after a durable upgrade (or a change of the adapter), read
docs/durable_rules.md and eligibility/engine/durable_adapter.py before touching anything:
the adapter's safety rests on exactly these behaviours. Anything that can hang (the 512-branch
limit) runs in a forked child with a timeout.
"""

from __future__ import annotations

import itertools
import json
import random
import time
import unicodedata
from typing import Any

import durable_rules_engine as dre
import pytest
from conftest import EXAMPLE, ChildFailed, ChildTimeout, run_isolated

from eligibility.engine import durable_adapter as da
from eligibility.engine import reference
from eligibility.engine.compiler import ResolvedCriterion, RuleVersion
from eligibility.errors import EngineError
from eligibility.rulepack import conditions as cd

_names = itertools.count()


def _create(rules: dict[str, Any]) -> int:
    return int(dre.create_ruleset(f"canary-{next(_names)}", da.dumps(rules)))


def _rule(expr: dict[str, Any]) -> dict[str, Any]:
    return {"all": [{"m": expr}]}


def _anchored(*tests: dict[str, Any]) -> dict[str, Any]:
    return _rule({"$and": [{"$ex": {da.ANCHOR: 1}}, *tests]})


def _fire(h: int, fact: dict[str, Any]) -> tuple[int, list[str]]:
    """assert → drain → retract, through the raw C extension; (rc, fired rule names)."""
    payload = da.dumps(fact)
    rc, state = dre.assert_fact(h, payload)
    names: list[str] = []
    res = dre.start_action_for_state(h, state)
    if res is not None:
        names.append(da._rule_name(res[1]))
        nxt = dre.complete_and_start_action(h, state)
        while nxt is not None:
            names.append(da._rule_name(nxt))
            nxt = dre.complete_and_start_action(h, state)
    if rc == da.RC_STORED:
        assert dre.retract_fact(h, payload)[0] == da.RC_STORED
    return rc, names


def _live(h: int) -> list[Any]:
    return [f for f in json.loads(dre.get_facts(h, None)) if "$s" not in f]


def _cmp(f: str, op: str, v: object) -> cd.Compare:
    return cd.Compare(f, op, cd.Const(v))  # type: ignore[arg-type]


def _ff(f: str, op: str, g: str) -> cd.Compare:
    return cd.Compare(f, op, cd.FactRef(g))


def _version(criteria: list[tuple[str, cd.Condition]], action: str = "canary") -> RuleVersion:
    return RuleVersion.build(action, [ResolvedCriterion(cid, c) for cid, c in criteria])


# ----- the C extension call sequence ------------------------------------------------------------


def test_assert_fact_return_codes() -> None:
    h = _create({"gt5": _anchored({"$gt": {"x": 5}})})
    stored = da.dumps({da.ANCHOR: 1, "x": 7})
    rc, state = dre.assert_fact(h, stored)
    assert rc == da.RC_STORED == 0
    assert isinstance(state, int)
    assert dre.assert_fact(h, stored)[0] == da.RC_OBSERVED == 2  # the identical fact is still live
    res = dre.start_action_for_state(h, state)
    assert res is not None and da._rule_name(res[1]) == "gt5"
    assert dre.complete_and_start_action(h, state) is None
    assert dre.retract_fact(h, stored)[0] == da.RC_STORED
    assert _live(h) == []
    # a fact no rule's tests match is not stored at all: nothing to retract
    assert dre.assert_fact(h, da.dumps({da.ANCHOR: 1, "x": 1}))[0] == da.RC_NOT_HANDLED == 1
    assert dre.assert_fact(h, da.dumps({"unrelated": 1}))[0] == da.RC_NOT_HANDLED
    assert _live(h) == []


def test_fired_action_message_starts_with_the_rule_name() -> None:
    name = "appointment.discipline.party_higher.khien_trach|unknown#3"
    h = _create({name: _anchored({"$nex": {"months_since": 1}})})
    rc, state = dre.assert_fact(h, da.dumps({da.ANCHOR: 1, "x": "cao cấp"}))
    assert rc == 0
    state_json, message = dre.start_action_for_state(h, state)
    assert message.startswith('{"' + name + '":{"m":{')
    assert json.loads(state_json)["sid"] == "0"
    assert da._rule_name(message) == name
    dre.complete_and_start_action(h, state)
    dre.retract_fact(h, da.dumps({da.ANCHOR: 1, "x": "cao cấp"}))
    with pytest.raises(EngineError, match="unexpected durable action message"):
        da._rule_name("[]")


def test_or_fires_once_per_true_branch() -> None:
    h = _create({"or": _anchored({"$or": [{"$gt": {"x": 5}}, {"$gt": {"x": 6}}, {"$lt": {"y": 0}}]})})
    assert _fire(h, {da.ANCHOR: 1, "x": 7, "y": -1})[1] == ["or", "or", "or"]
    assert _fire(h, {da.ANCHOR: 1, "x": 6})[1] == ["or"]


def test_adapter_counts_a_rule_that_fired_twice_as_one_outcome(monkeypatch: pytest.MonkeyPatch) -> None:
    """The compiler never emits $or, but the engine de-duplicates fired names in case one does."""
    version = _version([("k", _cmp("x", "gt", 5))])
    chunk = da.compile_rules(version)[0]
    rules = dict(chunk.definition)
    rules["k|pass#0"] = _anchored({"$or": [{"$gt": {"x": 5}}, {"$gt": {"x": 6}}]})
    patched = da.CompiledChunk(f"canary-or-{next(_names)}", rules, chunk.criteria, chunk.branches, chunk.worst_true)
    monkeypatch.setattr(da, "compile_rules", lambda v: [patched])
    engine = da.DurableEngine()
    rs = engine._load(version)[0][0]
    assert rs.fired(da.encode_fact({"x": 7})).count("k|pass#0") == 2
    assert engine.outcomes(version, {"x": 7}) == {"k": "pass"}
    assert engine.outcomes(version, {"x": 1}) == {"k": "fail"}
    assert engine.outcomes(version, {}) == {"k": "unknown"}


def test_bare_negation_fires_on_the_session_fact_the_anchor_prevents_it() -> None:
    bare = _create({"nex": _rule({"$nex": {"b": 1}}), "k": _rule({"$gt": {"a": 0}})})
    # the first assert creates the session; the bare $nex matches the session-state fact itself
    assert sorted(_fire(bare, {"a": 1, "b": 1})[1]) == ["k", "nex"]
    assert _fire(bare, {"a": 1, "b": 1})[1] == ["k"]
    anchored = _create({"nex": _anchored({"$nex": {"b": 1}}), "k": _rule({"$gt": {"a": 0}})})
    assert _fire(anchored, {da.ANCHOR: 1, "a": 1, "b": 1})[1] == ["k"]
    assert sorted(_fire(anchored, {da.ANCHOR: 1, "a": 1})[1]) == ["k", "nex"]
    # and the adapter never emits a rule without the anchor
    for c in (cd.Not(_cmp("b", "eq", True)), _ff("a", "lt", "b"), cd.AnyOf((_cmp("a", "gt", 1), _cmp("b", "lt", 1)))):
        for rule in da.compile_criterion("c", c).rules.values():
            assert rule["all"][0]["m"]["$and"][0] == {"$ex": {da.ANCHOR: 1}}


def test_field_vs_field_without_ex_guards_depends_on_history() -> None:
    unguarded = _create(
        {"ge": _anchored({"$gte": {"a": {"$m": "b"}}}), "lt": _anchored({"$lt": {"a": {"$m": "b"}}}), "k": _anchored()}
    )
    assert _fire(unguarded, {da.ANCHOR: 1, "a": 1})[1] == ["k"]
    assert sorted(_fire(unguarded, {da.ANCHOR: 1, "a": 1, "b": 5})[1]) == ["k", "lt"]
    # once a fact with b has been seen, a fact without b fires every operator at once
    assert sorted(_fire(unguarded, {da.ANCHOR: 1, "a": 1})[1]) == ["ge", "k", "lt"]
    guarded = _create(
        {
            "ge": _anchored({"$ex": {"a": 1}}, {"$ex": {"b": 1}}, {"$gte": {"a": {"$m": "b"}}}),
            "lt": _anchored({"$ex": {"a": 1}}, {"$ex": {"b": 1}}, {"$lt": {"a": {"$m": "b"}}}),
            "k": _anchored(),
        }
    )
    assert sorted(_fire(guarded, {da.ANCHOR: 1, "a": 1, "b": 5})[1]) == ["k", "lt"]
    assert _fire(guarded, {da.ANCHOR: 1, "a": 1})[1] == ["k"]
    # the adapter guards both fields of every fact-vs-fact literal
    for rule in da.compile_criterion("c", _ff("a", "ge", "b")).rules.values():
        tests = rule["all"][0]["m"]["$and"]
        if any("$m" in json.dumps(t) for t in tests):
            assert {"$ex": {"a": 1}} in tests and {"$ex": {"b": 1}} in tests


def test_missing_and_null_fields_match_nothing_and_ex_is_true_for_null() -> None:
    h = _create({"ne": _anchored({"$neq": {"x": 1}}), "ex": _anchored({"$ex": {"x": 1}}), "k": _anchored()})
    assert _fire(h, {da.ANCHOR: 1})[1] == ["k"]
    assert sorted(_fire(h, {da.ANCHOR: 1, "x": None})[1]) == ["ex", "k"]  # why encode_fact drops None
    assert json.loads(da.encode_fact({"x": None, "y": 0})) == {da.ANCHOR: 1, "y": 0}


def test_types_are_coerced_silently_so_only_ints_bools_and_codes_reach_the_engine() -> None:
    h = _create({"gt5": _anchored({"$gt": {"x": 5}}), "t": _anchored({"t": True})})
    assert _fire(h, {da.ANCHOR: 1, "x": "abc"})[1] == ["gt5"]
    assert _fire(h, {da.ANCHOR: 1, "t": 1})[1] == ["t"]
    with pytest.raises(EngineError, match="only integers, booleans and codes"):
        da.encode_fact({"x": 1.5})
    with pytest.raises(EngineError):
        da.encode_fact({"d": [1]})


def test_nfd_text_does_not_match_nfc_and_the_adapter_normalises() -> None:
    nfc, nfd = unicodedata.normalize("NFC", "cử nhân"), unicodedata.normalize("NFD", "cử nhân")
    assert nfc != nfd
    h = _create({"eq": _anchored({"t": nfc}), "k": _anchored()})
    assert sorted(_fire(h, {da.ANCHOR: 1, "t": nfc})[1]) == ["eq", "k"]
    assert _fire(h, {da.ANCHOR: 1, "t": nfd})[1] == ["k"]
    # the adapter NFC-normalises both the rule constants and the facts
    version = _version([("nfd_rule", _cmp("t", "eq", nfd)), ("nfc_rule", _cmp("t", "eq", nfc))])
    engine = da.DurableEngine()
    assert engine.outcomes(version, {"t": nfd}) == {"nfd_rule": "pass", "nfc_rule": "pass"}
    assert engine.outcomes(version, {"t": nfc}) == {"nfd_rule": "pass", "nfc_rule": "pass"}
    assert engine.outcomes(version, {"t": "cu nhan"}) == {"nfd_rule": "fail", "nfc_rule": "fail"}


def test_string_ordering_is_wrong_which_is_why_levels_are_integer_ranks() -> None:
    h = _create({"lt": _anchored({"$lt": {"s": "Nguyen Van"}}), "k": _anchored()})
    assert "Nguyen" < "Nguyen Van"
    assert _fire(h, {da.ANCHOR: 1, "s": "Nguyen"})[1] == ["k"]  # durable: not less
    # so the reference refuses ordered comparisons of text, and every ordered vocabulary has int ranks
    with pytest.raises(TypeError):
        reference._cmp("lt", "Nguyen", "Nguyen Van")
    from eligibility.facts.catalog import FACTS

    assert all(spec.type == "int" for spec in FACTS.values() if spec.rank_of)


def test_a_wide_or_of_ands_is_error_113_so_the_adapter_emits_one_rule_per_branch(rules: Any) -> None:
    def wide(n: int) -> dict[str, Any]:
        return {"r": _rule({"$or": [{"$and": [{"$gte": {"a": i}}, {"$lt": {"b": i}}]} for i in range(n)]})}

    _create(wide(14))
    with pytest.raises(dre.error, match="113"):
        _create(wide(15))
    # no compiled rule of the bundled rule pack holds an $or
    for c in rules.criteria:

        def resolve(node: cd.Compare, op: cd.Operand) -> cd.Const:
            return cd.Const(0 if isinstance(op, cd.Rank) else 1)

        compiled = da.compile_criterion(c.id, cd.substitute(c.condition, resolve))
        assert "$or" not in da.dumps(compiled.rules), c.id


# ----- capacity: 512 branches hang, 65 true branches are error 303 --------------------------------


def _first_assert(n: int) -> int:
    """Create n one-test rules and assert one fact (runs in a child: 512 hangs)."""
    rules = {f"r{i}": _anchored({"$gte": {"a": i}}) for i in range(n)}
    h = dre.create_ruleset(f"limit-{n}", da.dumps(rules))
    return int(dre.assert_fact(h, da.dumps({da.ANCHOR: 1, "a": -1}))[0])


def test_511_branches_work_and_512_hang_the_first_assert() -> None:
    assert run_isolated(_first_assert, 511, timeout=30) == da.RC_NOT_HANDLED
    started = time.monotonic()
    with pytest.raises(ChildTimeout):
        run_isolated(_first_assert, 512, timeout=3)
    assert time.monotonic() - started < 15
    assert da.MAX_BRANCHES_PER_RULESET < 512 and da.MAX_TRUE_BRANCHES <= 64 and da.MAX_PROPERTIES <= 252


def test_65_true_branches_are_error_303() -> None:
    h = _create({f"r{i}": _anchored({"$gte": {"a": i}}) for i in range(65)})
    assert len(_fire(h, {da.ANCHOR: 1, "a": 63})[1]) == 64
    with pytest.raises(dre.error, match="303"):
        dre.assert_fact(h, da.dumps({da.ANCHOR: 1, "a": 100}))


def _wide_version(n: int, seed: int) -> tuple[RuleVersion, list[dict[str, int]]]:
    """n criteria of three fact-vs-fact comparisons (30 branches each: 1 pass, 3 fail, 26 unknown)."""
    rnd = random.Random(seed)
    fields = [f"f{i:02d}" for i in range(24)]
    criteria = []
    for i in range(n):
        a, b, c, d, e, g = rnd.sample(fields, 6)
        criteria.append((f"w{i:03d}", cd.All((_ff(a, "ge", b), _ff(c, "lt", d), _ff(e, "ne", g)))))
    facts = [{f: rnd.randint(-2, 2) for f in fields if rnd.random() < 0.85} for _ in range(25)]
    return _version(criteria, "wide"), facts


def _evaluate_all(version: RuleVersion, facts: list[dict[str, Any]]) -> list[dict[str, str]]:
    engine = da.DurableEngine()
    return [engine.outcomes(version, f) for f in facts]


def test_compile_rules_chunks_stay_within_capacity_and_evaluate() -> None:
    version, facts = _wide_version(120, seed=7)
    chunks = da.compile_rules(version)
    total = sum(sum(da.compile_criterion(c.id, c.condition).branches) for c in version.criteria)
    assert total == 120 * 30
    assert len(chunks) >= total // da.MAX_BRANCHES_PER_RULESET + 1
    for chunk in chunks:
        assert chunk.branches == len(chunk.definition) <= da.MAX_BRANCHES_PER_RULESET < 512
        assert chunk.worst_true <= da.MAX_TRUE_BRANCHES <= 64
        assert {name.rpartition("|")[0] for name in chunk.definition} == set(chunk.criteria)
    assert [cid for chunk in chunks for cid in chunk.criteria] == [c.id for c in version.criteria]
    assert len({chunk.name for chunk in chunks}) == len(chunks)
    # and durable evaluates them (a chunk over capacity would hang: hence the child)
    results = run_isolated(_evaluate_all, version, facts, timeout=60)
    for fact, outcomes in zip(facts, results, strict=True):
        assert outcomes == {c.id: reference.evaluate(c.condition, fact) for c in version.criteria}


def test_many_criteria_true_at_once_are_split_before_error_303() -> None:
    version = _version([(f"g{i:03d}", _cmp("x", "ge", i)) for i in range(200)])
    chunks = da.compile_rules(version)
    assert len(chunks) >= 200 // da.MAX_TRUE_BRANCHES + 1
    engine = da.DurableEngine()
    assert set(engine.outcomes(version, {"x": 1000}).values()) == {"pass"}
    out = engine.outcomes(version, {"x": 99})
    assert sum(o == "pass" for o in out.values()) == 100 and sum(o == "fail" for o in out.values()) == 100


def _nested_version(n: int) -> tuple[RuleVersion, list[dict[str, int]]]:
    """n criteria all(a, any(b, c, d)) over distinct fields: their unknown rules begin with b, c or d,
    so a fact with every field set matches 4 nodes per criterion although one rule fires."""

    def ge(f: str) -> cd.Compare:
        return _cmp(f, "ge", 1)

    version = _version(
        [(f"n{j:02d}", cd.All((ge(f"a{j}"), cd.AnyOf((ge(f"b{j}"), ge(f"c{j}"), ge(f"d{j}")))))) for j in range(n)],
        "nested",
    )
    facts = [{f"{p}{j}": v for j in range(n) for p in "abcd"} for v in (5, 0)]
    rnd = random.Random(3)
    facts += [{f"{p}{j}": rnd.randint(0, 2) for j in range(n) for p in "abcd" if rnd.random() < 0.8} for _ in range(20)]
    return version, facts


def test_matching_nodes_of_rules_that_do_not_fire_count_towards_error_303() -> None:
    """Error 303 is durable's 64-entry alpha stack, not the number of rules fired: the adapter used to
    bound the fired branches (20 criteria x 3 = 60), and every fact of this version failed with 303."""
    version, facts = _nested_version(20)
    chunks = da.compile_rules(version)
    assert all(ch.worst_true <= da.MAX_TRUE_BRANCHES for ch in chunks)
    results = run_isolated(_evaluate_all, version, facts, timeout=60)
    for fact, outcomes in zip(facts, results, strict=True):
        assert outcomes == {c.id: reference.evaluate(c.condition, fact) for c in version.criteria}


def test_chunk_bound_sums_the_criteria_node_bounds() -> None:
    version, _ = _nested_version(20)
    chunks = da.compile_rules(version)
    compiled = {c.id: da.compile_criterion(c.id, c.condition) for c in version.criteria}
    for i, chunk in enumerate(chunks):
        assert chunk.worst_true == sum(compiled[cid].nodes for cid in chunk.criteria) <= da.MAX_TRUE_BRANCHES
        if i + 1 < len(chunks):  # a chunk is closed only when the next criterion would not fit
            assert chunk.worst_true + compiled[chunks[i + 1].criteria[0]].nodes > da.MAX_TRUE_BRANCHES
    # a simple comparison matches one node: its pass, fail and unknown rules exclude each other
    assert da.compile_criterion("s", _cmp("x", "ge", 3)).nodes == 1
    assert da.compile_criterion("s", cd.AnyOf((_cmp("x", "ge", 3), _cmp("x", "ge", 5)))).nodes == 2
    assert engine_outcomes(version, {f"{p}{j}": 1 for j in range(20) for p in "abcd"}) == {
        c.id: "pass" for c in version.criteria
    }


def engine_outcomes(version: RuleVersion, fact: dict[str, Any]) -> dict[str, str]:
    return da.DurableEngine().outcomes(version, fact)


def _compile(cond: cd.Condition) -> tuple[int, int, int]:
    return da.compile_criterion("big", cond).branches


def test_an_any_of_many_codes_compiles_quickly() -> None:
    """any of 24 values of one field: 24 pass branches, one fail, one unknown (no 2^24 enumeration)."""
    cond = cd.AnyOf(tuple(_cmp("code", "eq", f"v{i}") for i in range(24)))
    assert run_isolated(_compile, cond, timeout=10) == (24, 1, 1)


def test_a_criterion_beyond_one_rulesets_capacity_is_refused_at_compile_time() -> None:
    """70 branches that can all be true at once would be error 303 in any chunk: refuse it early."""
    cond = cd.AnyOf(tuple(_cmp("x", "ge", i) for i in range(70)))
    with pytest.raises(ChildFailed) as info:
        run_isolated(_compile, cond, timeout=10)
    assert info.value.kind == "EngineError"


# ----- engine faults are EngineError, never a verdict --------------------------------------------


def test_a_criterion_whose_rules_are_missing_is_an_engine_error(monkeypatch: pytest.MonkeyPatch) -> None:
    version = _version([("a", _cmp("x", "gt", 1)), ("b", _cmp("y", "eq", True))])
    real = da.compile_rules(version)

    def drop_b(v: RuleVersion) -> list[da.CompiledChunk]:
        out = []
        for ch in real:
            rules = {k: r for k, r in ch.definition.items() if not k.startswith("b|")}
            out.append(da.CompiledChunk(f"canary-drop-{next(_names)}", rules, ch.criteria, ch.branches, ch.worst_true))
        return out

    monkeypatch.setattr(da, "compile_rules", drop_b)
    with pytest.raises(EngineError, match="did not decide every criterion") as info:
        da.DurableEngine().outcomes(version, {"x": 5, "y": True})
    assert info.value.details["missing"] == ["b"]


def test_two_outcomes_for_a_criterion_is_an_engine_error(monkeypatch: pytest.MonkeyPatch) -> None:
    version = _version([("a", _cmp("x", "gt", 1))])
    ch = da.compile_rules(version)[0]
    rules = dict(ch.definition)
    rules["a|fail#9"] = _anchored({"$gt": {"x": 0}})  # overlaps the pass rule
    broken = da.CompiledChunk(f"canary-two-{next(_names)}", rules, ch.criteria, ch.branches, ch.worst_true)
    monkeypatch.setattr(da, "compile_rules", lambda v: [broken])
    engine = da.DurableEngine()
    with pytest.raises(EngineError, match="more than one outcome"):
        engine.outcomes(version, {"x": 5})
    assert engine.outcomes(version, {"x": -5}) == {"a": "fail"}


def test_a_durable_error_is_an_engine_error_and_the_engine_recovers(monkeypatch: pytest.MonkeyPatch) -> None:
    """A chunk that overflows durable's alpha stack for some facts (error 303) but not for others."""
    version = _version([("a", _cmp("x", "ge", 0))])
    rules: dict[str, Any] = {f"a|pass#{i}": _anchored({"$gte": {"x": i}}) for i in range(70)}
    rules["a|fail#0"] = _anchored({"$lt": {"x": 0}})
    rules["a|unknown#0"] = _anchored({"$nex": {"x": 1}})
    chunk = da.CompiledChunk(f"canary-303-{next(_names)}", rules, ("a",), len(rules), 72)
    monkeypatch.setattr(da, "compile_rules", lambda v: [chunk])
    engine = da.DurableEngine()
    with pytest.raises(EngineError, match="303"):
        engine.outcomes(version, {"x": 100})  # 70 matching nodes below the anchor
    assert engine.outcomes(version, {"x": 5}) == {"a": "pass"}
    assert engine.outcomes(version, {"x": -1}) == {"a": "fail"}
    with pytest.raises(EngineError):
        engine.outcomes(version, {"x": 100})
    assert engine.outcomes(version, {}) == {"a": "unknown"}
    rs = engine._load(version)[0][0]
    assert _live(rs.handle) == []


def test_a_leftover_identical_fact_is_recovered() -> None:
    version = _version([("a", _cmp("x", "gt", 1))])
    engine = da.DurableEngine()
    assert engine.outcomes(version, {"x": 5}) == {"a": "pass"}
    rs = engine._load(version)[0][0]
    payload = da.encode_fact({"x": 5}, ["x"])
    assert dre.assert_fact(rs.handle, payload)[0] == da.RC_STORED  # as if a call was interrupted
    assert engine.outcomes(version, {"x": 5}) == {"a": "pass"}
    assert _live(rs.handle) == []


def test_cli_reports_an_engine_fault_with_exit_3_and_no_verdict(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from eligibility import cli

    def broken(self: Any, version: Any, facts: Any) -> dict[str, str]:
        raise EngineError("durable did not decide every criterion", {"missing": ["x"]})

    monkeypatch.setattr(da.DurableEngine, "outcomes", broken)
    code = cli.main(
        [
            "check",
            str(EXAMPLE),
            "--action",
            "appointment",
            "--post",
            "giam-doc-so",
            "--date",
            "2025-11-03",
            "--format",
            "json",
        ]
    )
    out, err = capsys.readouterr()
    assert code == 3
    assert out == ""
    assert "engine fault (not a verdict)" in err and "Traceback" not in err
