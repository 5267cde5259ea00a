"""Golden cases (``cases/*.yaml``): a profile, a request, and the expected verdict and outcomes.

File format::

    profiles:                       # optional named base profiles for this file
      base: {id: X, sex: nam, birth_date: 1970-01, ...}
    cases:
      - id: unique-case-id
        description: what boundary this case sits on
        profile: base               # a name from `profiles`, or an inline profile mapping
        patch: {education: {political_theory: trung cấp}}   # optional deep merge into the profile
        request: {action: appointment, post: giam-doc-so, date: 2025-11-03}
        expect:
          verdict: not_eligible     # optional
          outcomes: {standard.political_theory: fail}       # criterion → expected outcome

Run with ``eligibility test cases/`` or pytest (``tests/test_cases.py``).
"""

from __future__ import annotations

import copy
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from eligibility.errors import EligibilityError, InputError, Problem
from eligibility.explain.decision import Decision
from eligibility.explain.evaluate import Evaluator
from eligibility.model import parse_profile, parse_request
from eligibility.rulepack.loader import RulePack


@dataclass
class Case:
    id: str
    file: Path
    description: str
    profile: dict[str, Any]
    request: dict[str, Any]
    expect_verdict: str | None
    expect_outcomes: dict[str, str]
    expect_error: str | None = None


@dataclass
class CaseResult:
    case: Case
    ok: bool
    problems: list[str]
    decision: Decision | None = None


def _merge(base: Any, patch: Any) -> Any:
    if isinstance(base, dict) and isinstance(patch, dict):
        out = dict(base)
        for k, v in patch.items():
            out[k] = _merge(base.get(k), v) if k in base else copy.deepcopy(v)
        return out
    return copy.deepcopy(patch)


def load_cases(root: str | Path) -> list[Case]:
    root = Path(root)
    files = [root] if root.is_file() else sorted(root.rglob("*.yaml"))
    cases: list[Case] = []
    seen: dict[str, Path] = {}
    for f in files:
        try:
            data = yaml.safe_load(f.read_text(encoding="utf-8")) or {}
        except yaml.YAMLError as exc:
            raise InputError(Problem(str(f), f"lỗi cú pháp YAML: {exc}", f"YAML syntax error: {exc}")) from None
        except ValueError as exc:  # e.g. an impossible date such as 2022-02-30
            raise InputError(Problem(str(f), f"giá trị không hợp lệ: {exc}", f"invalid value: {exc}")) from None
        if not isinstance(data, dict) or set(data) - {"profiles", "cases"}:
            raise InputError(
                Problem(
                    str(f),
                    "tệp ca kiểm thử chỉ có 'profiles' và 'cases'",
                    "a case file has only 'profiles' and 'cases'",
                )
            )
        profiles = data.get("profiles") or {}
        for i, raw in enumerate(data.get("cases") or []):
            where = f"{f}:cases[{i}]"
            unknown = set(raw) - {"id", "description", "profile", "patch", "request", "expect"}
            if unknown or "id" not in raw or "request" not in raw or "expect" not in raw:
                raise InputError(
                    Problem(
                        where,
                        f"ca kiểm thử sai cấu trúc {sorted(unknown)}",
                        f"malformed case {sorted(unknown)}; needs id, profile, request, expect",
                    )
                )
            prof = raw.get("profile")
            if isinstance(prof, str):
                if prof not in profiles:
                    raise InputError(Problem(where, f"không có hồ sơ mẫu {prof!r}", f"no base profile {prof!r}"))
                prof = profiles[prof]
            prof = _merge(prof or {}, raw.get("patch") or {})
            expect = raw["expect"] or {}
            cid = str(raw["id"])
            if cid in seen:
                raise InputError(Problem(where, f"trùng mã ca {cid} (đã có ở {seen[cid]})", f"duplicate case id {cid}"))
            seen[cid] = f
            cases.append(
                Case(
                    cid,
                    f,
                    raw.get("description", ""),
                    prof,
                    raw["request"],
                    expect.get("verdict"),
                    dict(expect.get("outcomes") or {}),
                    expect.get("error"),
                )
            )
    return cases


def run_case(case: Case, rules: RulePack) -> CaseResult:
    problems: list[str] = []
    try:
        decision = Evaluator(rules).evaluate(parse_profile(case.profile), parse_request(case.request))
    except EligibilityError as exc:
        if case.expect_error and case.expect_error in exc.render("en"):
            return CaseResult(case, True, [])
        return CaseResult(case, False, [f"error: {exc.render('en')}"])
    if case.expect_error:
        return CaseResult(case, False, [f"expected an error containing {case.expect_error!r}"], decision)
    if case.expect_verdict and decision.verdict != case.expect_verdict:
        problems.append(f"verdict {decision.verdict} != expected {case.expect_verdict}")
    by_id = {f.criterion: f for f in decision.findings}
    for cid, expected in case.expect_outcomes.items():
        got = by_id.get(cid)
        if got is None:
            problems.append(f"{cid}: not evaluated (expected {expected})")
        elif got.outcome != expected:
            problems.append(f"{cid}: {got.outcome} != expected {expected} — {got.message.en}")
    return CaseResult(case, not problems, problems, decision)


def coverage(cases: list[Case], rules: RulePack) -> dict[str, set[str]]:
    """criterion id → outcomes the cases expect of it."""
    cov: dict[str, set[str]] = {c.id: set() for c in rules.criteria}
    for case in cases:
        for cid, outcome in case.expect_outcomes.items():
            cov.setdefault(cid, set()).add(outcome)
    return cov
