"""Lean rows equal the full path on every field a report shows, and several actions evaluated for one
profile equal separate ``evaluate`` calls (issue 14).

The reference is the full path as it is used today: ``Evaluator.evaluate`` (the Decision), and the
``RowResult`` that ``batch.screen`` builds from that Decision (its ``Brief`` findings, outcomes, missing
inputs and traits). Profiles are synthetic people with fields dropped at random (so unknown outcomes and
missing inputs occur), under every action, several dates (before and after the 2025 rules and the
merger of provinces), any post of the catalogue and several provinces; and every golden case.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from typing import Any

import pytest
from conftest import ROOT
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from eligibility import load_rules, parse_profile, parse_request
from eligibility.batch import synthetic
from eligibility.batch.screen import Screener
from eligibility.errors import InputError
from eligibility.explain.decision import Decision
from eligibility.explain.evaluate import Evaluator
from eligibility.explain.lean import LeanEvaluator, LeanResult, Shown
from eligibility.golden import load_cases
from eligibility.model.profile import Profile
from eligibility.model.request import Request

ACTIONS = ["planning", "appointment", "reappointment", "nomination", "rotation", "nonlocal_placement"]
# 2019-06-01: before NĐ 138/2020 and QĐ 27/2003's uncoded conditions (issue 11: not encoded findings);
# 2026-08-15: NĐ 300/2026 and the viên chức rules in force
DATES = ["2025-11-03", "2025-06-15", "2024-09-14", "2021-03-01", "2026-12-01", "2026-08-15", "2019-06-01"]
LOCALITIES = [None, "lao-cai", "Hải Dương", "hai-phong", "ha-noi", "ha-giang"]
EVENTS = ["congress-2020", "elections-2021", "congress-2025"]
OPTIONAL = [
    "full_name",
    "ethnicity",
    "hometown",
    "birthplace",
    "grew_up_in",
    "party",
    "education",
    "posts",
    "planning",
    "localities_worked",
    "assessments",
    "discipline",
    "investigation",
    "political_standard",
    "health",
    "asset_declaration",
    "file_verified",
    "abroad_or_inpatient_months",
]


@pytest.fixture(scope="module")
def pack() -> Any:
    return load_rules()


@pytest.fixture(scope="module")
def lean(pack: Any) -> LeanEvaluator:
    return LeanEvaluator(Evaluator(pack))


@pytest.fixture(scope="module")
def screeners(pack: Any) -> Iterator[dict[Request, Screener]]:
    found: dict[Request, Screener] = {}
    yield found
    for s in found.values():
        s.close()


# ----- what a report shows, from a full Decision (as batch.screen.RowResult takes it) -----------------
def shown_of(decision: Decision, passes: bool) -> dict[str, Any]:
    issues: list[Shown] = []
    passed: list[Shown] = []
    for f in decision.findings:
        if f.outcome == "not_applicable":
            continue
        brief = Shown(
            f.criterion,
            f.title.vi,
            f.title.en,
            f.outcome,
            f.message.vi,
            f.message.en,
            f"{f.source.number}, {f.source.article}",
            f.confidence,
            tuple(f.missing),
        )
        if f.outcome != "pass":
            issues.append(brief)
        elif passes:
            passed.append(brief)
    return {
        "profile_id": decision.profile_id,
        "verdict": decision.verdict,
        "outcomes": list({f.criterion: f.outcome for f in decision.findings}.items()),
        "findings": issues,
        "passes": passed,
        "missing_inputs": [(m.input, tuple(m.criteria)) for m in decision.missing_inputs],
        "not_encoded": [x.criterion for x in decision.coverage.not_encoded] if decision.coverage else [],
    }


def view(r: LeanResult) -> dict[str, Any]:
    return {
        "profile_id": r.profile_id,
        "verdict": r.verdict,
        "outcomes": list(r.outcomes.items()),  # the order of Decision.findings, too
        "findings": list(r.findings),
        "passes": list(r.passes),
        "missing_inputs": list(r.missing_inputs),
        "not_encoded": list(r.not_encoded),
    }


def problems_of(exc: InputError) -> list[tuple[Any, ...]]:
    return [dataclasses.astuple(p) for p in exc.problems]


# ----- strategies -------------------------------------------------------------------------------------
@st.composite
def profiles(draw: Any) -> Profile:
    seed = draw(st.integers(0, 50))
    i = draw(st.integers(0, 400))
    data, _ = synthetic.person(i, seed)
    dropped = draw(st.sets(st.sampled_from(OPTIONAL), max_size=5))
    for key in dropped:
        data.pop(key, None)
    return parse_profile(data)


@st.composite
def requests(draw: Any, pack: Any, action: str | None = None) -> dict[str, Any]:
    action = action or draw(st.sampled_from(ACTIONS))
    req: dict[str, Any] = {"action": action, "date": draw(st.sampled_from(DATES))}
    if action == "nomination":
        req["event"] = draw(st.sampled_from(EVENTS))
        req["level"] = "province"
        req["reelection"] = draw(st.booleans())
    else:
        req["post"] = draw(st.sampled_from(sorted(pack.titles)))
    locality = draw(st.sampled_from(LOCALITIES))
    if locality is not None:
        req["locality"] = locality
    if action == "planning" and draw(st.booleans()):
        req["term"] = "2026-2031"
    if action == "rotation":
        req["rotation_months"] = draw(st.sampled_from([12, 36]))
    if action == "appointment":
        req["relation"] = draw(st.sampled_from(["higher", "equivalent", "first"]))
    return req


def _full(lean: LeanEvaluator, profile: Profile, request: Request) -> Decision | InputError:
    try:
        return lean.evaluator.evaluate(profile, request)
    except InputError as exc:
        return exc


def _lean(lean: LeanEvaluator, profile: Profile, request: Request, passes: bool) -> LeanResult | InputError:
    try:
        return lean.subject(profile).lean(lean.prepare(request), passes=passes)
    except InputError as exc:
        return exc


def assert_same(full: Decision | InputError, got: LeanResult | InputError, passes: bool) -> None:
    if isinstance(full, InputError):
        assert isinstance(got, InputError), got
        assert problems_of(got) == problems_of(full)
    else:
        assert not isinstance(got, InputError), got.render("en")
        assert view(got) == shown_of(full, passes)


# ----- lean = full ------------------------------------------------------------------------------------
@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data(), profile=profiles(), passes=st.booleans())
def test_lean_equals_the_decision(data: Any, profile: Profile, passes: bool, pack: Any, lean: LeanEvaluator) -> None:
    request = parse_request(data.draw(requests(pack)))
    assert_same(_full(lean, profile, request), _lean(lean, profile, request, passes), passes)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data(), profile=profiles())
def test_lean_equals_the_row_result_of_screen(
    data: Any, profile: Profile, pack: Any, lean: LeanEvaluator, screeners: dict[Request, Screener]
) -> None:
    """Against batch.screen as it builds a row from the full Decision: findings (Brief), passes (detail
    "all"), outcomes, missing inputs and the traits of the pool-structure targets."""
    request = parse_request(data.draw(requests(pack)))
    if request not in screeners:
        screeners[request] = Screener(request, pack, workers=1, detail="all", lean=False)  # the full path
    (row,) = list(screeners[request].screen([(1, profile)]))
    got = _lean(lean, profile, request, passes=True)
    if row.status != "ok":
        assert isinstance(got, InputError)
        assert [(p.vi, p.en, p.value) for p in got.problems] == [(p.vi, p.en, p.value) for p in row.problems]
        return
    assert isinstance(got, LeanResult)
    assert got.verdict == row.verdict
    assert got.outcomes == row.outcomes and list(got.outcomes) == list(row.outcomes)
    assert [dataclasses.astuple(b) for b in row.findings] == [dataclasses.astuple(s) for s in got.findings]
    assert [dataclasses.astuple(b) for b in row.passes] == [dataclasses.astuple(s) for s in got.passes]
    assert list(got.missing_inputs) == row.missing_inputs
    assert row.traits is not None
    assert dataclasses.astuple(got.traits) == dataclasses.astuple(row.traits)
    assert got.post == row.post


def test_lean_equals_the_decision_on_every_golden_case(lean: LeanEvaluator) -> None:
    """The golden cases pin the rare paths (notes, blocked waivers, unverified sources, merged provinces,
    impossible dates)."""
    cases = load_cases(ROOT / "cases")
    assert len(cases) > 100
    for case in cases:
        try:
            profile = parse_profile(case.profile)
            request = parse_request(case.request)
        except InputError:
            continue  # a case of bad input: no evaluation to compare
        for passes in (False, True):
            assert_same(_full(lean, profile, request), _lean(lean, profile, request, passes), passes)


def test_the_comparison_can_fail(lean: LeanEvaluator, example_data: dict[str, Any]) -> None:
    """Different requests give different shown fields (the views compare something)."""
    profile = parse_profile(example_data)
    base = {"post": "giam-doc-so", "locality": "lao-cai", "date": "2025-11-03"}
    a = parse_request({**base, "action": "appointment"})
    b = parse_request({**base, "action": "rotation"})
    full_a = _full(lean, profile, a)
    assert isinstance(full_a, Decision)
    got_b = _lean(lean, profile, b, passes=True)
    assert isinstance(got_b, LeanResult)
    assert view(got_b) != shown_of(full_a, True)
    got_a = _lean(lean, profile, a, passes=False)
    assert isinstance(got_a, LeanResult) and got_a.passes == ()
    assert view(got_a) != shown_of(full_a, True) or not any(f.outcome == "pass" for f in full_a.findings)


# ----- several actions per profile, once ---------------------------------------------------------------
@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    data=st.data(),
    profile=profiles(),
    actions=st.lists(st.sampled_from(ACTIONS), min_size=2, max_size=6, unique=True),
    shared=st.booleans(),
)
def test_several_actions_equal_separate_evaluations(
    data: Any, profile: Profile, actions: list[str], shared: bool, pack: Any, lean: LeanEvaluator
) -> None:
    """One Subject (inputs checked once per date, facts once per fact context) gives, for each action, the
    Decision or the InputError of a separate ``evaluate`` and the lean result of a separate lean call."""
    first = data.draw(requests(pack, actions[0]))
    reqs = []
    for action in actions:
        req = data.draw(requests(pack, action))
        if shared and action != "nomination":  # one request template for all: the screen --action a,b,... case
            req = {**first, "action": action}
            req.pop("event", None)
            req.pop("reelection", None)
            if "post" not in req:
                req["post"] = data.draw(st.sampled_from(sorted(pack.titles)))
        reqs.append(parse_request(req))
    prepared: list[Any] = []
    for r in reqs:
        try:
            prepared.append(lean.prepare(r))
        except InputError as exc:
            prepared.append(exc)
    subject = lean.subject(profile)
    ready = [p for p in prepared if not isinstance(p, InputError)]
    together = dict(zip(map(id, ready), subject.leans(ready, passes=True), strict=True))  # shared engine calls
    for r, p in zip(reqs, prepared, strict=True):
        full = _full(lean, profile, r)
        if isinstance(p, InputError):
            assert isinstance(full, InputError) and problems_of(full) == problems_of(p)
            continue
        assert_same(full, together[id(p)], True)
        try:
            got: Decision | InputError = subject.decision(p)
        except InputError as exc:
            got = exc
        if isinstance(full, InputError):
            assert isinstance(got, InputError) and problems_of(got) == problems_of(full)
            continue
        assert isinstance(got, Decision) and got == full
        assert subject.facts(p) == lean.evaluator.facts(profile, p)  # a shared derivation is the same
        assert together[id(p)] == _lean(lean, profile, r, True)  # = a separate lean call
    assert len(subject.decisions(ready)) == len(ready)


def test_facts_are_derived_once_for_actions_sharing_a_fact_context(
    lean: LeanEvaluator, example_data: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    profile = parse_profile(example_data)
    base = {"post": "giam-doc-so", "locality": "lao-cai", "date": "2025-11-03"}
    prepared = [
        lean.prepare(parse_request({**base, "action": a}))
        for a in ("planning", "appointment", "reappointment", "rotation", "nonlocal_placement")
    ]
    prepared.append(
        lean.prepare(parse_request({"action": "nomination", "event": "congress-2025", "level": "province", **base}))
    )
    calls: list[str] = []
    real = lean.evaluator.facts

    def counting(profile: Profile, p: Any) -> Any:
        calls.append(p.request.action)
        return real(profile, p)

    monkeypatch.setattr(lean.evaluator, "facts", counting)
    engine_calls: list[str] = []
    real_outcomes = lean.evaluator.engine.outcomes

    def counting_engine(version: Any, facts: Any) -> Any:
        engine_calls.append(version.name.split("-")[0])
        return real_outcomes(version, facts)

    monkeypatch.setattr(lean.evaluator.engine, "outcomes", counting_engine)
    subject = lean.subject(profile)
    results = subject.leans(prepared)
    assert calls == ["planning", "nomination"]  # the nomination's event has its own reference month
    assert engine_calls == ["together", "nomination+row"]  # five actions in one engine call
    assert [r.action for r in results if isinstance(r, LeanResult)] == [p.request.action for p in prepared]
    alone = lean.subject(profile)
    assert results == [alone.lean(p) for p in prepared]


# ----- message rendering (templates split once) equals the regular-expression substitution ------------
def _render_by_sub(template: str, values: Any, lang: str, rank_of: Any) -> str:
    import re

    from eligibility.explain import messages

    def sub(m: re.Match[str]) -> str:
        key = m.group(1)
        if key in messages._PHRASE_RENDERERS:
            return messages._PHRASE_RENDERERS[key](values, lang)
        if key not in values or values[key] is None:
            return "?"
        return messages.display(key, values[key], lang, rank_of.get(key))

    return messages.PLACEHOLDER.sub(sub, template)


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data(), profile=profiles())
def test_rendering_equals_the_substitution(data: Any, profile: Profile, pack: Any, lean: LeanEvaluator) -> None:
    from collections import ChainMap

    from eligibility.explain.messages import render

    request = parse_request(data.draw(requests(pack)))
    try:
        prepared = lean.prepare(request)
        facts = lean.evaluator.facts(profile, prepared).values
    except InputError:
        return
    plan = lean.plan(prepared)
    for step in plan.steps:
        values = ChainMap(plan.display, step.overrides, facts)
        m = step.criterion.spec.message
        for tpl in (m.pass_, m.fail, m.unknown):
            if tpl is None:
                continue
            for lang, text in (("vi", tpl.vi), ("en", tpl.en)):
                assert render(text, values, lang, step.rank_of) == _render_by_sub(text, values, lang, step.rank_of)
    assert render("{a} và {b}{a}", {"a": 1}, "vi", {}) == "1 và ?1"
