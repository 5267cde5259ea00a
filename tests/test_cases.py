"""Golden cases (``cases/*.yaml``) as tests, and their coverage of every criterion in the rule pack.

Each case is run through :func:`eligibility.golden.run_case`, one parametrized test per case (the test id
is the case id).

A case with an ``xfail`` key (a reason) encodes the regulation where the rule pack or the code is suspected
to be wrong (the description gives the evidence). It is a strict expected failure, here as in
``eligibility test`` (:class:`eligibility.golden.SuiteResult`): it is kept as the regulation says, it does
not break the suite, and once the rules are fixed it passes, the strict xfail turns into a failure, and the
marker has to be removed.

Coverage: every criterion needs a case where it passes and one where it fails (``fail`` or, for a waivable
criterion, ``waivable``; a ``note`` criterion never fails; a criterion that reads the reserved fact
``not_encoded`` needs a case where it is unknown instead, and a passing one unless it is wholly not encoded). ``test_rules_lint_is_clean`` asks
``eligibility rules lint`` (which counts what cases *expect*); ``test_criterion_covered_by_verified_cases``
is stricter: it counts only cases that are not expected failures and that actually pass.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from eligibility import default_rules
from eligibility.golden import Case, CaseResult, coverage, load_cases, run_case
from eligibility.linter import lint
from eligibility.rulepack import conditions as cd

ROOT = Path(__file__).resolve().parents[1]
CASES_DIR = ROOT / "cases"
FAILING = {"fail", "waivable"}

RULES = default_rules()
CASES: list[Case] = load_cases(CASES_DIR)
BY_ID: dict[str, Case] = {c.id: c for c in CASES}


def _suspected(case: Case) -> bool:
    return case.xfail is not None


VERIFIED = [c for c in CASES if not _suspected(c)]
NOTES = {c.id for c in RULES.criteria if c.spec.note}
COVERED = coverage(VERIFIED, RULES)  # criterion → outcomes expected by cases that are not expected failures
CLAIMED = coverage(CASES, RULES)  # the same, counting expected failures too (what lint sees)


# criteria that read the reserved fact `not_encoded` (partly or wholly not encoded) pass or stay unknown, never fail
PARTLY = {c.id: set(cd.facts_of(c.condition)) - {"not_encoded", "staff_status"} for c in RULES.criteria}
PARTLY = {cid: rest for cid, rest in PARTLY.items() if "not_encoded" in cd.facts_of(RULES.criterion(cid).condition)}


def _sides(criterion: str) -> list[set[str]]:
    if criterion in PARTLY:
        return [{"unknown"}] + ([{"pass"}] if PARTLY[criterion] else [])
    return [{"pass"}] + ([] if criterion in NOTES else [FAILING])


def _missing_sides(outcomes: set[str], criterion: str) -> list[str]:
    return ["/".join(sorted(side)) for side in _sides(criterion) if not outcomes & side]


@pytest.fixture(scope="session")
def results() -> dict[str, CaseResult]:
    """Every case run once (the engine is shared; a run takes about 20 ms)."""
    return {c.id: run_case(c, RULES) for c in CASES}


def _case_param(case: Case) -> Any:
    marks = []
    if _suspected(case):
        marks.append(pytest.mark.xfail(strict=True, reason=f"{case.file.name}: {case.xfail}"))
    return pytest.param(case.id, id=case.id, marks=marks)


@pytest.mark.parametrize("case_id", [_case_param(c) for c in CASES])
def test_case(case_id: str, results: dict[str, CaseResult]) -> None:
    case = BY_ID[case_id]
    result = results[case_id]
    assert result.ok, f"{case.file.name}: {case_id}: " + "; ".join(result.problems)


def _criterion_param(criterion: str) -> Any:
    marks = []
    if _missing_sides(COVERED.get(criterion, set()), criterion) and not _missing_sides(
        CLAIMED.get(criterion, set()), criterion
    ):
        marks.append(
            pytest.mark.xfail(strict=True, reason="covered only by expected failures (the criterion cannot apply)")
        )
    return pytest.param(criterion, id=criterion, marks=marks)


@pytest.mark.parametrize("criterion", [_criterion_param(c.id) for c in RULES.criteria])
def test_criterion_covered_by_verified_cases(criterion: str, results: dict[str, CaseResult]) -> None:
    missing = _missing_sides(COVERED.get(criterion, set()), criterion)
    assert not missing, f"{criterion}: no verified case where it is {' / '.join(missing)}"
    # and on each side at least one case that expects it also passes
    for side in _sides(criterion):
        supporting = [c.id for c in VERIFIED if c.expect_outcomes.get(criterion) in side]
        assert any(results[cid].ok for cid in supporting), (
            f"{criterion}: every case expecting {sorted(side)} fails: {supporting}"
        )


def test_cases_name_only_known_criteria() -> None:
    known = {c.id for c in RULES.criteria}
    unknown = sorted({(c.id, cid) for c in CASES for cid in c.expect_outcomes if cid not in known})
    assert not unknown, unknown


def test_every_action_has_full_profiles() -> None:
    """For each action: an eligible case, a not_eligible case naming ≥ 2 failing criteria, an incomplete case."""
    actions = {"planning", "appointment", "reappointment", "nomination", "rotation", "nonlocal_placement"}
    for action in sorted(actions):
        mine = [c for c in VERIFIED if c.request.get("action") == action]
        assert any(c.expect_verdict == "eligible" for c in mine), f"{action}: no eligible case"
        assert any(
            c.expect_verdict == "not_eligible" and sum(o == "fail" for o in c.expect_outcomes.values()) >= 2
            for c in mine
        ), f"{action}: no case failing for two reasons"
        assert any(c.expect_verdict == "incomplete" for c in mine), f"{action}: no incomplete case"


def test_rules_lint_is_clean() -> None:
    problems, _warnings = lint(cases_dir=CASES_DIR)
    assert problems == [], "\n".join(problems)
