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
        xfail: "why the rule pack is expected to disagree"   # optional: an expected failure (strict)
        expect:
          verdict: not_eligible     # optional
          outcomes: {standard.political_theory: fail}       # criterion → expected outcome
          messages: {reappointment.age.term_length: "thời hạn bổ nhiệm lại là 5 năm"}
          facts: {planning.quota.titles_per_cadre: {planned_titles_same_level: 2,
                                                    planning.max_titles_per_cadre: 3}}
          error: "minimum age"      # the evaluation must raise an input error containing this text

``messages``: the finding's message (Vietnamese or English) contains the text. It is how a case pins a
``note`` criterion, whose outcome is always ``pass`` while its message says which rule applies.
``facts``: the values the finding read — a fact (``finding.facts``) or a parameter (``finding.parameters``,
by name) — equal the given values. ``error``: the request is refused with an :class:`InputError` (or
another :class:`EligibilityError`) whose English text contains the substring.

Expected failures work as in pytest with ``strict=True``: a case with ``xfail`` whose expectations fail is
counted as *xfailed* and does not fail the run; one whose expectations hold is *xpassed* and fails the run
(the marker has to be removed). :func:`run_cases` returns the counts; ``eligibility test cases/`` exits 0
only when nothing failed and nothing xpassed.

**Pool cases** (issue 16) check the pool report's structure targets: a file may hold ``pools`` beside
``profiles`` and ``cases`` (``cases/pools/*.yaml``)::

    pools:
      - id: pool-lao-cai-commune-chairs
        description: 10 commune chairs, 7 not local to their commune
        request: {action: planning, date: 2025-03-03, locality: lao-cai}
        rows:                       # profiles (a name from `profiles`, or inline), patched, repeated
          - {profile: chair, patch: {birthplace: {province: Nam Định}}, repeat: 7}
        expect:
          targets:                  # target id → reported figures (any subset)
            lao-cai.nonlocal.commune_chairs.2025: {scope: 10, known: 10, meets: 7, meets_high: 7, status: met,
                                                   target: "≥ 70%; hạn 31/12/2025"}
          absent: [lao-cai.young40.province.2025]     # not reported on this date / for this province
          reported: [...]           # optional: exactly these targets are reported
          notes: ["Yên Bái"]        # substrings that some note of the report must contain

A pool case runs its rows through the same screening as ``eligibility screen`` (in this process) and the same
:class:`~eligibility.batch.report.PoolAccumulator`. ``status`` is the English status (met, not met, above the
range, uncertain: the readings differ, no figure to compare, nobody in scope, no data, no data to tell who is in
scope); ``target`` the target text as reported (number, kind, deadline).

Run with ``eligibility test cases/`` or pytest (``tests/test_cases.py``).
"""

from __future__ import annotations

import copy
from dataclasses import dataclass, field
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
    expect_messages: dict[str, str] = field(default_factory=dict)
    expect_facts: dict[str, dict[str, Any]] = field(default_factory=dict)
    xfail: str | None = None
    pool: PoolSpec | None = None  # a pool case: rows and the expected target figures


# "meets": people in scope who meet the measure ("yes" would read as a boolean in YAML 1.1)
TARGET_KEYS = ("scope", "scope_unknown", "known", "meets", "meets_high", "status", "target", "deadline", "gap")


@dataclass
class PoolSpec:
    """The rows of a pool case and what its report must say of the structure targets."""

    rows: list[dict[str, Any]]
    targets: dict[str, dict[str, Any]]
    absent: list[str] = field(default_factory=list)
    reported: list[str] | None = None
    notes: list[str] = field(default_factory=list)

    def target_ids(self) -> set[str]:
        return set(self.targets) | set(self.absent) | set(self.reported or [])


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
        if not isinstance(data, dict) or set(data) - {"profiles", "cases", "pools"}:
            raise InputError(
                Problem(
                    str(f),
                    "tệp ca kiểm thử chỉ có 'profiles', 'cases' và 'pools'",
                    "a case file has only 'profiles', 'cases' and 'pools'",
                )
            )
        profiles = data.get("profiles") or {}
        for i, raw in enumerate(data.get("pools") or []):
            case = _load_pool(raw, f, i, profiles)
            if case.id in seen:
                raise InputError(
                    Problem(
                        f"{f}:pools[{i}]",
                        f"trùng mã ca {case.id} (đã có ở {seen[case.id]})",
                        f"duplicate case id {case.id}",
                    )
                )
            seen[case.id] = f
            cases.append(case)
        for i, raw in enumerate(data.get("cases") or []):
            where = f"{f}:cases[{i}]"
            unknown = set(raw) - {"id", "description", "profile", "patch", "request", "expect", "xfail"}
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
            if not isinstance(expect, dict):
                raise InputError(
                    Problem(where, "'expect' phải là một bảng khóa: giá trị", "'expect' must be a mapping")
                )
            for key in ("outcomes", "messages", "facts"):
                value = expect.get(key) or {}
                nested = value.values() if key == "facts" and isinstance(value, dict) else ()
                if not isinstance(value, dict) or any(v is not None and not isinstance(v, dict) for v in nested):
                    raise InputError(
                        Problem(
                            where,
                            f"'expect.{key}' phải là một bảng mã tiêu chí: giá trị",
                            f"'expect.{key}' must map criterion ids to values"
                            + (" (each a mapping of fact or parameter names to values)" if key == "facts" else ""),
                        )
                    )
            bad_keys = set(expect) - {"verdict", "outcomes", "messages", "facts", "error"}
            if bad_keys:
                raise InputError(
                    Problem(
                        where,
                        f"khóa 'expect' không hợp lệ {sorted(bad_keys)}",
                        f"unknown 'expect' keys {sorted(bad_keys)}; use verdict, outcomes, messages, facts, error",
                    )
                )
            xfail = raw.get("xfail")
            if xfail is not None and (not isinstance(xfail, str) or not xfail.strip()):
                raise InputError(Problem(where, "'xfail' cần ghi lý do", "'xfail' needs a reason (text)"))
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
                    {str(k): str(v) for k, v in (expect.get("messages") or {}).items()},
                    {str(k): dict(v or {}) for k, v in (expect.get("facts") or {}).items()},
                    xfail,
                )
            )
    return cases


def _load_pool(raw: Any, f: Path, i: int, profiles: dict[str, Any]) -> Case:
    where = f"{f}:pools[{i}]"

    def bad(vi: str, en: str) -> InputError:
        return InputError(Problem(where, vi, en))

    if not isinstance(raw, dict):
        raise bad("ca tập hợp phải là bảng", "a pool case must be a mapping")
    unknown = set(raw) - {"id", "description", "request", "rows", "expect", "xfail"}
    if unknown or not {"id", "request", "rows", "expect"} <= set(raw):
        raise bad(
            f"ca tập hợp sai cấu trúc {sorted(unknown)}",
            f"malformed pool case {sorted(unknown)}; needs id, request, rows, expect",
        )
    rows: list[dict[str, Any]] = []
    for j, spec in enumerate(raw["rows"] or []):
        if not isinstance(spec, dict) or set(spec) - {"profile", "patch", "repeat"}:
            raise bad(f"dòng {j}: chỉ có profile, patch, repeat", f"row {j}: only profile, patch, repeat")
        prof = spec.get("profile")
        if isinstance(prof, str):
            if prof not in profiles:
                raise bad(f"không có hồ sơ mẫu {prof!r}", f"no base profile {prof!r}")
            prof = profiles[prof]
        merged = _merge(prof or {}, spec.get("patch") or {})
        repeat = spec.get("repeat", 1)
        if not isinstance(repeat, int) or repeat < 1:
            raise bad(f"dòng {j}: repeat phải là số nguyên dương", f"row {j}: repeat must be a positive integer")
        for k in range(repeat):
            row = copy.deepcopy(merged)
            row["id"] = f"{merged.get('id', 'row')}-{j}-{k}"
            rows.append(row)
    expect = raw["expect"] or {}
    bad_keys = set(expect) - {"targets", "absent", "reported", "notes"}
    targets = expect.get("targets") or {}
    if bad_keys or not isinstance(targets, dict):
        raise bad(f"khóa 'expect' không hợp lệ {sorted(bad_keys)}", f"unknown 'expect' keys {sorted(bad_keys)}")
    for tid, figures in targets.items():
        extra = set(figures or {}) - set(TARGET_KEYS)
        if extra:
            raise bad(f"{tid}: khóa không hợp lệ {sorted(extra)}", f"{tid}: unknown keys {sorted(extra)}")
    xfail = raw.get("xfail")
    if xfail is not None and (not isinstance(xfail, str) or not xfail.strip()):
        raise bad("'xfail' cần ghi lý do", "'xfail' needs a reason (text)")
    pool = PoolSpec(
        rows,
        {str(k): dict(v or {}) for k, v in targets.items()},
        [str(x) for x in expect.get("absent") or []],
        None if expect.get("reported") is None else [str(x) for x in expect["reported"]],
        [str(x) for x in expect.get("notes") or []],
    )
    return Case(str(raw["id"]), f, raw.get("description", ""), {}, raw["request"], None, {}, xfail=xfail, pool=pool)


def _run_pool(case: Case, rules: RulePack, evaluator: Evaluator) -> CaseResult:
    """Screen a pool case's rows in this process and compare the report's targets with the expectations."""
    from eligibility.batch.report import pool_report
    from eligibility.batch.screen import screen

    assert case.pool is not None
    spec = case.pool
    try:
        request = parse_request(case.request)
        rows = list(enumerate(spec.rows, start=2))
        report = pool_report(screen(rows, request, rules, workers=1, evaluator=evaluator), rules, request)
    except EligibilityError as exc:
        return CaseResult(case, False, [f"error: {exc.render('en')}"])
    problems: list[str] = []
    if report.errors or report.faults:
        problems.append(f"{report.errors + report.faults} row(s) are input errors or internal faults")
    by_id = {t.target.id: t for t in report.targets}
    for tid, figures in spec.targets.items():
        got = by_id.get(tid)
        if got is None:
            problems.append(f"{tid}: not reported (reported: {sorted(by_id)})")
            continue
        actual: dict[str, Any] = {
            "scope": got.scope,
            "scope_unknown": got.scope_unknown,
            "known": got.known,
            "meets": got.yes,
            "meets_high": got.yes_high,
            "status": got.status()[1],
            "target": got.target_text(),
            "deadline": got.deadline,
            "gap": None if got.gap is None else round(got.gap, 1),
        }
        for key, want in figures.items():
            if actual[key] != want:
                problems.append(f"{tid}: {key} = {actual[key]!r} != expected {want!r}")
    for tid in spec.absent:
        if tid in by_id:
            problems.append(f"{tid}: reported, expected absent")
    if spec.reported is not None and sorted(by_id) != sorted(spec.reported):
        problems.append(f"reported {sorted(by_id)} != expected {sorted(spec.reported)}")
    texts = [vi + " / " + en for vi, en in report.notes]
    for needle in spec.notes:
        if not any(needle in t for t in texts):
            problems.append(f"no note contains {needle!r}")
    return CaseResult(case, not problems, problems)


def run_case(case: Case, rules: RulePack, evaluator: Evaluator | None = None) -> CaseResult:
    """Evaluate one case and compare it with its expectations (``xfail`` is not applied here)."""
    if evaluator is None:
        evaluator = Evaluator(rules)
    if case.pool is not None:
        return _run_pool(case, rules, evaluator)
    problems: list[str] = []
    try:
        decision = evaluator.evaluate(parse_profile(case.profile), parse_request(case.request))
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
    for cid, text in case.expect_messages.items():
        got = by_id.get(cid)
        if got is None:
            problems.append(f"{cid}: not evaluated (expected a message with {text!r})")
        elif text not in got.message.vi and text not in got.message.en:
            problems.append(f"{cid}: message does not contain {text!r} — {got.message.vi}")
    for cid, values in case.expect_facts.items():
        got = by_id.get(cid)
        if got is None:
            problems.append(f"{cid}: not evaluated (expected facts {values})")
            continue
        read: dict[str, object] = dict(got.facts)
        read.update({u.name: u.value for u in got.parameters})
        for name, expected_value in values.items():
            if name not in read:
                problems.append(f"{cid}: does not read {name}")
            elif read[name] != expected_value:
                problems.append(f"{cid}: {name} = {read[name]!r} != expected {expected_value!r}")
    return CaseResult(case, not problems, problems, decision)


@dataclass
class SuiteResult:
    """The run of a set of cases: each result and its status (``pass``, ``fail``, ``xfail``, ``xpass``)."""

    results: list[CaseResult]

    @staticmethod
    def status(result: CaseResult) -> str:
        if result.case.xfail:
            return "xpass" if result.ok else "xfail"
        return "pass" if result.ok else "fail"

    def count(self, status: str) -> int:
        return sum(1 for r in self.results if self.status(r) == status)

    @property
    def ok(self) -> bool:
        """True when no case failed and no expected failure passed (strict xfail, as pytest)."""
        return self.count("fail") == 0 and self.count("xpass") == 0

    def summary(self) -> str:
        parts = [f"{self.count('pass')} passed", f"{self.count('fail')} failed"]
        if self.count("xfail"):
            parts.append(f"{self.count('xfail')} xfailed")
        if self.count("xpass"):
            parts.append(f"{self.count('xpass')} xpassed (strict: remove the xfail marker)")
        return ", ".join(parts)


def run_cases(cases: list[Case], rules: RulePack, evaluator: Evaluator | None = None) -> SuiteResult:
    """Run every case with one evaluator; expected failures are judged as pytest's strict xfail."""
    if evaluator is None:
        evaluator = Evaluator(rules)
    return SuiteResult([run_case(c, rules, evaluator) for c in cases])


def coverage(cases: list[Case], rules: RulePack) -> dict[str, set[str]]:
    """criterion id → outcomes the cases expect of it."""
    cov: dict[str, set[str]] = {c.id: set() for c in rules.criteria}
    for case in cases:
        for cid, outcome in case.expect_outcomes.items():
            cov.setdefault(cid, set()).add(outcome)
    return cov
