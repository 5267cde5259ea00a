"""Screening a pool: every row through the same evaluation as a single check, in parallel.

:func:`screen` (or a :class:`Screener` kept open for many pools) turns :class:`PoolRow` objects
into :class:`RowResult` objects, one per row, in input order. Work is split into chunks of about
1,000 rows and sent to a :class:`concurrent.futures.ProcessPoolExecutor`; each worker process
builds its own :class:`~eligibility.explain.evaluate.Evaluator` (and so its own durable_rules
engine) in the pool's initializer — the engine is never shared between threads or processes.
At most ``2 × workers`` chunks are in flight, so memory stays flat however long the pool is.

A row's decision is exactly ``Evaluator.evaluate(profile, request)``: the same preparation,
facts, engine and findings as ``eligibility check``.
"""

from __future__ import annotations

import dataclasses
import json
import multiprocessing
import os
import sys
import threading
from collections import deque
from collections.abc import Iterable, Iterator, Mapping
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass, field
from itertools import islice
from typing import Any, Literal

from eligibility.batch.columns import BY_KEY, column_of
from eligibility.batch.reader import PoolRow
from eligibility.batch.roster import Roster, roster_of
from eligibility.engine.reference import evaluate as kleene
from eligibility.errors import InputError, Problem, RulePackError
from eligibility.explain.decision import Decision
from eligibility.explain.evaluate import Evaluator
from eligibility.facts.derive import FactSet
from eligibility.facts.months import whole_months_between
from eligibility.model import levels as lv
from eligibility.model.load import parse_profile, parse_request
from eligibility.model.profile import Profile
from eligibility.model.request import Request
from eligibility.rulepack import conditions as cd
from eligibility.rulepack.loader import RulePack, load_rules

DEFAULT_CHUNK = 1000
RowInput = tuple[int, Profile | dict[str, Any] | InputError]  # (row number, profile | dict | error)
NONLOCAL_CRITERION = "nonlocal.not_local.qd65"  # the rule pack's (unverified) definition of "người địa phương"


@dataclass(frozen=True)
class Brief:
    """A finding that is not a pass, in short form (for reports)."""

    criterion: str
    title_vi: str
    title_en: str
    outcome: str  # fail | waivable | unknown
    message_vi: str
    message_en: str
    source: str  # "number, article"
    confidence: str
    missing: tuple[str, ...] = ()


@dataclass(frozen=True)
class Traits:
    """What the pool-structure targets measure of one person (None = not recorded)."""

    sex: str
    age_years: int  # whole years at the request date
    minority: bool | None  # ethnicity other than Kinh
    degree_rank: int | None
    political_theory_rank: int | None
    minority_languages: int | None
    local: bool | None  # người địa phương of the request's locality (rule pack definition)
    target_level: str | None
    target_groups: tuple[str, ...]
    roster: Roster | None = None  # the person's own posts, plans and committee seats (roster-basis targets)


@dataclass
class RowResult:
    """The outcome for one input row."""

    row: int
    status: Literal["ok", "input_error"]
    id: str | None = None
    name: str | None = None
    post: str | None = None
    verdict: str | None = None
    problems: list[Problem] = field(default_factory=list)
    outcomes: dict[str, str] = field(default_factory=dict)  # criterion → outcome (all criteria considered)
    findings: list[Brief] = field(default_factory=list)  # fail / waivable / unknown findings
    passes: list[Brief] = field(default_factory=list)  # passing findings (only with detail="all")
    missing_inputs: list[tuple[str, tuple[str, ...]]] = field(default_factory=list)
    traits: Traits | None = None
    decision_json: str | None = None  # Decision.to_dict() as JSON (when kept)
    next_change: str | None = None  # the first date the verdict changes (with timeline=True), ISO
    next_verdict: str | None = None  # the verdict from that date

    @property
    def decision(self) -> Decision | None:
        """The full :class:`Decision` (only when the screen kept it: ``keep_decision=True``)."""
        if self.decision_json is None:
            return None
        return Decision.model_validate_json(self.decision_json)

    def error_dict(self) -> dict[str, Any]:
        return {
            "row": self.row,
            "status": self.status,
            "id": self.id,
            "errors": [
                {"row": p.row, "column": p.location, "value": p.value, "vi": p.vi, "en": p.en} for p in self.problems
            ],
        }


# ----- one process's state ---------------------------------------------------------------------
class _Worker:
    def __init__(
        self,
        rules: RulePack,
        request: Request,
        keep_decision: bool,
        detail: str,
        evaluator: Evaluator | None = None,
        timeline: bool = False,
    ) -> None:
        self.timeline = timeline
        self.rules = rules
        self.evaluator = evaluator or Evaluator(rules)
        self.request = request
        self.base = request.model_dump(mode="json", exclude_none=True)
        self.keep_decision = keep_decision
        self.detail = detail
        self._requests: dict[str, Request] = {}
        self._nonlocal: dict[tuple[Any, ...], cd.Condition | None] = {}

    def request_for(self, overrides: Mapping[str, Any]) -> Request:
        if not overrides:
            return self.request
        key = json.dumps(overrides, sort_keys=True, ensure_ascii=False, default=str)
        req = self._requests.get(key)
        if req is None:
            if len(self._requests) > 4096:
                self._requests.clear()
            req = parse_request({**self.base, **overrides})
            self._requests[key] = req
        return req

    def run(self, item: PoolRow) -> RowResult:
        item.resolve()
        if item.problems:
            problems = list(item.problems)
            if item.data is not None:  # report the model's findings too, for columns not already flagged
                try:
                    parse_profile(item.data, row=item.row)
                except InputError as exc:
                    seen = {p.location for p in problems}
                    problems.extend(
                        q
                        for q in (_name_column(p, item) for p in exc.problems)
                        if q.location not in seen and not _is_missing_required(q, seen)
                    )
            return RowResult(
                item.row, "input_error", id=item.id, name=item.name, post=item.request.get("post"), problems=problems
            )
        try:
            profile = item.profile if item.profile is not None else parse_profile(item.data, row=item.row)
        except InputError as exc:
            return RowResult(
                item.row,
                "input_error",
                id=item.id,
                name=item.name,
                post=item.request.get("post"),
                problems=[_name_column(p, item) for p in exc.problems],
            )
        try:
            request = self.request_for(item.request)
            prepared = self.evaluator.prepare(request)
        except InputError as exc:
            return RowResult(
                item.row,
                "input_error",
                id=profile.id,
                name=profile.full_name,
                post=item.request.get("post") or self.request.post,
                problems=[_name_request(p, item) for p in exc.problems],
            )
        ev = self.evaluator
        try:
            ev.check_inputs(profile, prepared)  # impossible dates, age below the minimum, unknown provinces
        except InputError as exc:
            return RowResult(
                item.row,
                "input_error",
                id=profile.id,
                name=profile.full_name,
                post=item.request.get("post") or self.request.post,
                problems=[dataclasses.replace(_name_column(p, item), row=item.row) for p in exc.problems],
            )
        factset = ev.facts(profile, prepared)
        outcomes = ev.engine.outcomes(prepared.version, factset.values)
        decision = ev.decide(profile, prepared, factset, outcomes)
        result = self._result(item, profile, request, decision, factset)
        if self.timeline:
            from eligibility.explain import timeline

            tl = timeline.build(ev, profile, request, verify=False)
            if tl.changes:
                result.next_change = tl.changes[0].date.isoformat()
                result.next_verdict = tl.changes[0].verdict_after
        return result

    def _result(
        self, item: PoolRow, profile: Profile, request: Request, decision: Decision, factset: FactSet
    ) -> RowResult:
        issues: list[Brief] = []
        passes: list[Brief] = []
        for f in decision.findings:
            if f.outcome == "not_applicable":
                continue
            brief = Brief(
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
            if f.outcome == "pass":
                if self.detail == "all":
                    passes.append(brief)
            else:
                issues.append(brief)
        return RowResult(
            row=item.row,
            status="ok",
            id=profile.id,
            name=profile.full_name,
            post=request.post,
            verdict=decision.verdict,
            outcomes={f.criterion: f.outcome for f in decision.findings},
            findings=issues,
            passes=passes,
            missing_inputs=[(m.input, tuple(m.criteria)) for m in decision.missing_inputs],
            traits=self._traits(profile, request, factset),
            decision_json=json.dumps(decision.to_dict(), ensure_ascii=False) if self.keep_decision else None,
        )

    def _traits(self, profile: Profile, request: Request, factset: FactSet) -> Traits:
        edu = profile.education
        minority = None
        if profile.ethnicity is not None:
            minority = "kinh" not in lv.fold(profile.ethnicity).replace("(", " ").replace(")", " ").split()
        title = self.rules.titles.get(request.post) if request.post else None
        return Traits(
            sex=profile.sex,
            age_years=whole_months_between(profile.birth_date.first_day(), request.date) // 12,
            minority=minority,
            degree_rank=lv.DEGREE.rank(edu.degree) if edu.degree else None,
            political_theory_rank=lv.POLITICAL_THEORY.rank(edu.political_theory) if edu.political_theory else None,
            minority_languages=len(edu.minority_languages) if edu.minority_languages is not None else None,
            local=self._local(request, factset),
            target_level=title.level if title else request.level,
            target_groups=tuple(title.groups) if title else (),
            roster=roster_of(profile, request.date, self.rules, self._province(request)),
        )

    def _province(self, request: Request) -> str | None:
        """The pool's province on the request date (after a merger, the new province)."""
        where = self.evaluator.prepare(request).locality
        return where.code if where is not None else None

    def _local(self, request: Request, factset: FactSet) -> bool | None:
        """Người địa phương by the rule pack's own (unverified) predicate; None when undecidable."""
        if request.locality is None:
            return None
        key = (request.date,)
        if key not in self._nonlocal:
            cond: cd.Condition | None = None
            try:
                crit = self.rules.criterion(NONLOCAL_CRITERION)
            except KeyError:
                crit = None
            if crit is not None:

                def resolve(node: cd.Compare, operand: cd.Operand) -> cd.Const:
                    assert isinstance(operand, cd.Param)
                    return cd.Const(self.rules.parameter_value(operand.name, request.date)[0])

                try:
                    cond = cd.substitute(crit.condition, resolve)
                except (RulePackError, KeyError, AssertionError):
                    cond = None
            self._nonlocal[key] = cond
        cond = self._nonlocal[key]
        if cond is None:
            return None
        outcome = kleene(cond, factset.values)  # "not local" passes
        return None if outcome == "unknown" else outcome == "fail"

    def run_chunk(self, items: list[PoolRow]) -> list[RowResult]:
        return [self.run(item) for item in items]


def _is_missing_required(q: Problem, seen: set[str]) -> bool:
    return q.en == "required field missing" and any(q.location.startswith(s) for s in seen)


def _name_column(p: Problem, item: PoolRow) -> Problem:
    """Rename a profile-model error location (``education.degree``) to the file's column header."""
    if item.layout is None:
        return p
    key, idx = column_of(p.location)
    if key == "discipline_form" and "'decided'" in p.en:
        key = "discipline_date"  # the model's check that a decided record has its date
    if key is None:
        return p
    header = item.layout.header_of(key)
    if idx is not None and BY_KEY[key].multi:
        header = f"{header} (giá trị thứ {idx + 1} / value {idx + 1})"
    return Problem(header, p.vi, p.en, p.value, item.row)


def _name_request(p: Problem, item: PoolRow) -> Problem:
    loc = p.location
    if loc == "post" and item.layout is not None and item.layout.post_index is not None:
        loc = item.layout.headers[item.layout.post_index]
    elif item.request and item.layout is None:
        loc = f"request.{loc}"
    return Problem(loc, p.vi, p.en, p.value, item.row)


# ----- worker processes ------------------------------------------------------------------------
_STATE: _Worker | None = None


def _init_worker(
    rules: RulePack | str, rules_hash: str, request: Request, keep_decision: bool, detail: str, timeline: bool = False
) -> None:
    """Build this worker process's own Evaluator — and so its own durable engine."""
    global _STATE
    if isinstance(rules, str):
        root = rules
        rules = load_rules(root)
        if rules.hash != rules_hash:
            raise RulePackError(
                Problem(root, "bộ quy tắc thay đổi trong khi đang chạy", "the rule pack changed during the run")
            )
    _STATE = _Worker(rules, request, keep_decision, detail, evaluator=Evaluator(rules), timeline=timeline)


def start_method() -> str:
    """ "fork" when it is safe — Linux, one thread, and durable_rules not yet loaded in this process
    (so no engine state or lock can be inherited) — else "spawn" (which needs the caller's script to
    guard its entry point with ``if __name__ == "__main__":``, as usual for multiprocessing)."""
    if sys.platform == "linux" and threading.active_count() == 1 and "durable_rules_engine" not in sys.modules:
        return "fork"
    return "spawn"


def _run_chunk(items: list[PoolRow]) -> list[RowResult]:
    assert _STATE is not None, "worker not initialised"
    return _STATE.run_chunk(items)


def default_workers() -> int:
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # pragma: no cover - not Linux
        return max(1, os.cpu_count() or 1)


class Screener:
    """Screens pools against one request template; keep it open to screen several pools.

    ``workers=1`` evaluates in this process (no pool). Use as a context manager, or call
    :meth:`close`.
    """

    def __init__(
        self,
        request: Request | Mapping[str, Any],
        rules: RulePack,
        *,
        workers: int | None = None,
        chunk_size: int = DEFAULT_CHUNK,
        keep_decision: bool = False,
        detail: str = "issues",
        timeline: bool = False,
    ) -> None:
        self.timeline = timeline  # also compute each row's next verdict change (eligibility.explain.timeline)
        self.request = request if isinstance(request, Request) else parse_request(dict(request))
        self.rules = rules
        self.workers = default_workers() if workers is None else max(1, workers)
        self.chunk_size = max(1, chunk_size)
        self.keep_decision = keep_decision
        self.detail = detail
        self._pool: ProcessPoolExecutor | None = None
        self._local: _Worker | None = None

    def _ensure(self) -> None:
        if self.workers <= 1:
            if self._local is None:
                self._local = _Worker(self.rules, self.request, self.keep_decision, self.detail, timeline=self.timeline)
        elif self._pool is None:
            method = start_method()
            # a forked worker inherits the loaded rule pack; a spawned one loads it again (and checks its hash)
            rules: RulePack | str = self.rules if method == "fork" else str(self.rules.root)
            self._pool = ProcessPoolExecutor(
                max_workers=self.workers,
                mp_context=multiprocessing.get_context(method),
                initializer=_init_worker,
                initargs=(rules, self.rules.hash, self.request, self.keep_decision, self.detail, self.timeline),
            )

    def screen(self, rows: Iterable[PoolRow | RowInput]) -> Iterator[RowResult]:
        """One :class:`RowResult` per row, in input order (streamed)."""
        self._ensure()
        items = (_as_row(r) for r in rows)
        chunks = iter(lambda: list(islice(items, self.chunk_size)), [])
        if self._local is not None:
            for chunk in chunks:
                yield from self._local.run_chunk(chunk)
            return
        assert self._pool is not None
        pending: deque[Future[list[RowResult]]] = deque()
        in_flight = 2 * self.workers
        try:
            for chunk in chunks:
                pending.append(self._pool.submit(_run_chunk, chunk))
                while len(pending) >= in_flight:
                    yield from pending.popleft().result()
            while pending:
                yield from pending.popleft().result()
        finally:
            for f in pending:
                f.cancel()

    def close(self) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)
            self._pool = None

    def __enter__(self) -> Screener:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _as_row(r: PoolRow | RowInput) -> PoolRow:
    if isinstance(r, PoolRow):
        return r
    n, item = r
    if isinstance(item, InputError):
        return PoolRow(n, problems=[Problem(p.location, p.vi, p.en, p.value, n) for p in item.problems])
    if isinstance(item, Profile):
        return PoolRow(n, profile=item, id=item.id, name=item.full_name)
    ident = item.get("id") if isinstance(item, dict) else None
    return PoolRow(n, data=item, id=None if ident is None else str(ident))


def screen(
    rows: Iterable[PoolRow | RowInput],
    request: Request | Mapping[str, Any],
    rules: RulePack,
    *,
    workers: int | None = None,
    chunk_size: int = DEFAULT_CHUNK,
    keep_decision: bool = False,
    detail: str = "issues",
    timeline: bool = False,
) -> Iterator[RowResult]:
    """Screen ``rows`` (from :func:`~eligibility.batch.reader.read_pool`, or ``(row, profile | dict |
    InputError)`` pairs) against ``request``; yields one :class:`RowResult` per row, in order.

    Each result's :attr:`RowResult.decision` equals ``evaluate(profile, request, rules)`` for that row.
    """
    with Screener(
        request,
        rules,
        workers=workers,
        chunk_size=chunk_size,
        keep_decision=keep_decision,
        detail=detail,
        timeline=timeline,
    ) as s:
        yield from s.screen(rows)
