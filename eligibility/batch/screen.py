"""Screening a pool: every row through the same evaluation as a single check, in parallel.

:func:`screen` (or a :class:`Screener` kept open for many pools) turns :class:`PoolRow` objects
into :class:`RowResult` objects, one per row, in input order. Work is split into chunks of about
1,000 rows and run by a :class:`~eligibility.batch.supervisor.Supervisor` of worker processes; each
worker builds its own :class:`~eligibility.explain.evaluate.Evaluator` (and so its own durable_rules
engine) when it starts — the engine is never shared between threads or processes. At most
``2 × workers`` chunks are in flight, so memory stays flat however long the pool is.

A row's decision is exactly ``Evaluator.evaluate(profile, request)``: the same preparation,
facts, engine and findings as ``eligibility check``.

**Every row gets a result.** Whatever happens while one row is read, validated, derived or evaluated
stays in that row (:meth:`_Worker.run`): an :class:`InputError`, an absurd number (``OverflowError``)
or nesting too deep (``RecursionError``) makes it an ``input_error`` row; an engine fault
(:class:`EngineError`) or any other exception makes it an ``internal_error`` row naming the fault —
never a verdict, never the end of the pool. A worker that dies on a row, or a row that runs past
``row_seconds`` (default 10 s), is retried once in a fresh worker and then reported as an
``internal_error`` row (the supervisor's contract). With ``workers=1`` rows run in this process: an
exception is isolated the same way and a row past the time limit is stopped by an alarm (main thread
only); a crash of this process itself cannot be isolated there.
"""

from __future__ import annotations

import contextlib
import dataclasses
import datetime as dt
import functools
import json
import multiprocessing
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from itertools import islice
from typing import Any, Literal, Protocol, TypeVar

from eligibility.batch.columns import BY_KEY
from eligibility.batch.listing import PersonBrief, person_brief
from eligibility.batch.mapping import column_of
from eligibility.batch.reader import PoolRow
from eligibility.batch.supervisor import Supervisor
from eligibility.batch.workers import DEFAULT_CHUNK as DEFAULT_CHUNK  # re-exported: screen's names since issue 13
from eligibility.batch.workers import FAULT_NAMES, run_limited, shipped_rules, worker_rules
from eligibility.batch.workers import ROW_SECONDS as ROW_SECONDS
from eligibility.batch.workers import RowTimeout as RowTimeout
from eligibility.batch.workers import default_workers as default_workers
from eligibility.batch.workers import start_method as start_method
from eligibility.engine.compiler import ResolvedCriterion, RuleVersion
from eligibility.errors import EngineError, InputError, Problem
from eligibility.explain.decision import Decision
from eligibility.explain.evaluate import Evaluator, Prepared
from eligibility.explain.lean import LeanEvaluator, LeanResult, Shown, Subject, Traits
from eligibility.explain.roster import roster_of
from eligibility.facts.derive import FactSet
from eligibility.facts.months import whole_months_between
from eligibility.model import levels as lv
from eligibility.model.load import parse_profile, parse_request
from eligibility.model.profile import Profile
from eligibility.model.request import Request
from eligibility.rulepack.loader import RulePack

RowInput = tuple[int, Profile | dict[str, Any] | InputError]  # (row number, profile | dict | error)
NONLOCAL_CRITERION = "nonlocal.not_local.qd65"  # the rule pack's (unverified) definition of "người địa phương"
_T = TypeVar("_T")


Brief = Shown  # a finding in short form for reports (fail / waivable / unknown, and passes with detail "all")


@dataclass
class RowResult:
    """The outcome for one input row."""

    row: int
    status: Literal["ok", "input_error", "internal_error"]
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
    person: PersonBrief | None = None  # what the "danh sách trích ngang" shows of the person
    action: str | None = None  # the request's action (several actions in one pass: which one)
    # what the report writers need of the row (its results under every action), built where the row was
    # screened (Screener's ``cells``; on the first action's result): writer part name → part
    cells: dict[str, Any] | None = None

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


class RowCells(Protocol):
    """What builds the report writers' parts of a row where the row is screened (a worker process, a Dask
    worker, or this process with one worker): it sets ``results[0].cells``. Picklable, since it is sent to
    the workers (:class:`eligibility.batch.writers.RowParts`)."""

    def __call__(self, results: tuple[RowResult, ...]) -> None: ...


# ----- one process's state ---------------------------------------------------------------------
class _Worker:
    """One process's screening state. ``request`` may be several requests (one per action, ``screen
    --action a,b``): each row is then read, validated and its facts derived once, and evaluated for each
    (:meth:`run_all`). ``lean`` (the default unless decisions are kept) builds each row's result straight
    from the engine's outcomes (:mod:`eligibility.explain.lean`, equal on every field a report shows);
    otherwise from the full :class:`Decision`."""

    def __init__(
        self,
        rules: RulePack,
        request: Request | Sequence[Request],
        keep_decision: bool,
        detail: str,
        evaluator: Evaluator | None = None,
        timeline: bool = False,
        lean: bool | None = None,
        cells: RowCells | None = None,
    ) -> None:
        self.timeline = timeline
        self.cells = cells
        self.rules = rules
        self.evaluator = evaluator or Evaluator(rules)
        self.requests = (request,) if isinstance(request, Request) else tuple(request)
        self.request = self.requests[0]
        self.bases = [r.model_dump(mode="json", exclude_none=True) for r in self.requests]
        self.base = self.bases[0]
        self.keep_decision = keep_decision
        self.detail = detail
        self.lean = not keep_decision if lean is None else lean
        self.lean_evaluator = LeanEvaluator(self.evaluator)
        self._requests: dict[tuple[int, str], Request] = {}
        self._nonlocal: dict[dt.date, RuleVersion | None] = {}  # the "local" criterion, resolved per date

    def request_for(self, overrides: Mapping[str, Any], k: int = 0) -> Request:
        """The ``k``-th request with a row's own fields (its post) over it."""
        if not overrides:
            return self.requests[k]
        key = (k, json.dumps(overrides, sort_keys=True, ensure_ascii=False, default=str))
        req = self._requests.get(key)
        if req is None:
            if len(self._requests) > 4096:
                self._requests.clear()
            req = parse_request({**self.bases[k], **overrides})
            self._requests[key] = req
        return req

    def run(self, item: PoolRow) -> RowResult:
        """The row's result under the first request, whatever happens: nothing raised here ends the pool."""
        return self.run_all(item)[0]

    def run_all(self, item: PoolRow) -> tuple[RowResult, ...]:
        """The row's result under each request, in order, whatever happens: a fault under one request
        stays in that request's result. With ``cells``, the results carry the writers' parts of the row."""
        results = self._run_all(item)
        if self.cells is not None:
            try:
                self.cells(results)
            except RowTimeout:
                raise
            except Exception:  # noqa: BLE001 - a writer's fault: left to the parent, whose writer builds the part
                results[0].cells = None  # again and raises it there, whichever path screened the row
        return results

    def _run_all(self, item: PoolRow) -> tuple[RowResult, ...]:
        got = self._guard(item, lambda: self._profile(item))
        if isinstance(got, RowResult):
            return tuple(dataclasses.replace(got, action=r.action) for r in self.requests)
        profile = got
        subject = self.lean_evaluator.subject(profile)
        steps = [
            self._guard(item, functools.partial(self._prepare, item, subject, k)) for k in range(len(self.requests))
        ]
        ready = [p for p in steps if not isinstance(p, RowResult)]
        if len(ready) > 1:
            try:  # requests sharing a fact context: one engine call for all (cached in the subject)
                subject.decide_together(ready)
            except RowTimeout:
                raise
            except Exception:  # noqa: BLE001, S110 - each request is asked again below, its fault its own
                pass
        return tuple(
            step
            if isinstance(step, RowResult)
            else self._guard(item, functools.partial(self._one, item, subject, step))
            for step in steps
        )

    def _guard(self, item: PoolRow, work: Callable[[], _T]) -> _T | RowResult:
        """``work()``, or the row's error result for what it raised."""
        try:
            return work()
        except InputError as exc:
            return _input_error(item, [Problem(p.location, p.vi, p.en, p.value, item.row) for p in exc.problems])
        except (OverflowError, RecursionError) as exc:
            return _input_error(
                item,
                [
                    Problem(
                        "(dòng / row)",
                        "có giá trị vượt phạm vi tính toán (số hoặc năm quá lớn) hoặc lồng quá sâu",
                        f"holds a value out of range (a number or year too large) or nesting too deep ({type(exc).__name__})",
                        None,
                        item.row,
                    )
                ],
            )
        except RowTimeout:
            raise
        except Exception as exc:  # noqa: BLE001 - an engine fault or a bug: this row's internal error
            kind = "engine" if isinstance(exc, EngineError) else type(exc).__name__
            return internal_error(item, kind, str(exc))

    def _profile(self, item: PoolRow) -> Profile | RowResult:
        """The row's validated profile, or its input-error result."""
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
            return _input_error(item, problems)
        try:
            return item.profile if item.profile is not None else parse_profile(item.data, row=item.row)
        except InputError as exc:
            return _input_error(item, [_name_column(p, item) for p in exc.problems])

    def _prepare(self, item: PoolRow, subject: Subject, k: int) -> Prepared | RowResult:
        """The ``k``-th request prepared for the row with the profile's inputs checked, or its error result."""
        profile = subject.profile
        try:
            request = self.request_for(item.request, k)
            prepared = self.evaluator.prepare(request)
        except InputError as exc:
            problems = [_name_request(p, item) for p in exc.problems]
            post = item.request.get("post") or self.requests[k].post
            return dataclasses.replace(_input_error(item, problems, profile, post), action=self.requests[k].action)
        try:
            subject.check(prepared)  # impossible dates, age below the minimum, unknown provinces
        except InputError as exc:
            return RowResult(
                item.row,
                "input_error",
                id=profile.id,
                name=profile.full_name,
                post=item.request.get("post") or self.requests[k].post,
                problems=[dataclasses.replace(_name_column(p, item), row=item.row) for p in exc.problems],
                action=request.action,
            )
        return prepared

    def _one(self, item: PoolRow, subject: Subject, prepared: Prepared) -> RowResult:
        """One request's result for a row whose profile and request are valid."""
        profile, request = subject.profile, prepared.request
        if self.lean:
            result = self._lean_result(item, profile, subject.lean(prepared, passes=self.detail == "all"), request)
        else:
            decision = subject.decision(prepared)
            result = self._result(item, profile, request, decision, subject.facts(prepared))
        if self.timeline:
            from eligibility.explain import timeline

            tl = timeline.build(self.evaluator, profile, request)  # verified against evaluate, like every timeline
            if tl.changes:
                result.next_change = tl.changes[0].date.isoformat()
                result.next_verdict = tl.changes[0].verdict_after
        return result

    def _lean_result(self, item: PoolRow, profile: Profile, lean: LeanResult, request: Request) -> RowResult:
        """The row's result from a lean result (the same fields as :meth:`_result` from the Decision)."""
        return self._ok(
            item,
            profile,
            request,
            verdict=lean.verdict,
            outcomes=dict(lean.outcomes),
            findings=list(lean.findings),
            passes=list(lean.passes),
            missing_inputs=list(lean.missing_inputs),
            traits=lean.traits,  # the same class, roster included (explain.lean.Traits)
        )

    def _ok(self, item: PoolRow, profile: Profile, request: Request, **outcome: Any) -> RowResult:
        """A screened row's result: who, for what, and ``outcome`` (verdict, findings, traits…)."""
        return RowResult(
            row=item.row,
            status="ok",
            id=profile.id,
            name=profile.full_name,
            post=request.post,
            person=person_brief(profile, request.date, self.rules),
            action=request.action,
            **outcome,
        )

    def _result(
        self, item: PoolRow, profile: Profile, request: Request, decision: Decision, factset: FactSet
    ) -> RowResult:
        issues: list[Brief] = []
        passes: list[Brief] = []
        for f in decision.findings:
            if f.outcome == "not_applicable":
                continue
            brief = Brief.of(f)
            if f.outcome == "pass":
                if self.detail == "all":
                    passes.append(brief)
            else:
                issues.append(brief)
        return self._ok(
            item,
            profile,
            request,
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
        where = self.evaluator.prepare(request).locality  # cached per request
        return where.code if where is not None else None

    def _local(self, request: Request, factset: FactSet) -> bool | None:
        """Người địa phương by the rule pack's own (unverified) criterion, decided by the engine like any
        outcome; None when there is no locality, when the rule pack has no such criterion in force on the
        date, or when the profile does not tell (the criterion is unknown)."""
        if request.locality is None:
            return None
        version = self._nonlocal.get(request.date, False)
        if version is False:
            version = self._nonlocal[request.date] = self._local_version(request.date)
        if version is None:
            return None
        outcome = self.evaluator.engine.outcomes(version, factset.values)[NONLOCAL_CRITERION]  # "not local" passes
        return None if outcome == "unknown" else outcome == "fail"

    def _local_version(self, on: dt.date) -> RuleVersion | None:
        try:
            crit = self.rules.criterion(NONLOCAL_CRITERION)
        except KeyError:
            return None
        if not crit.spec.in_force.contains(on):
            return None
        condition = self.evaluator.resolve(crit.condition, on)
        return RuleVersion.build("local", [ResolvedCriterion(crit.id, condition)])

    def run_chunk(self, items: list[PoolRow]) -> list[RowResult]:
        return [self.run(item) for item in items]


def _input_error(item: PoolRow, problems: list[Problem], profile: Profile | None = None, post: Any = None) -> RowResult:
    """The result of a row that cannot be screened, named as well as the row allows."""
    return RowResult(
        item.row,
        "input_error",
        id=profile.id if profile else item.id,
        name=profile.full_name if profile else item.name,
        post=post if profile else item.request.get("post"),
        problems=problems,
    )


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


def internal_error(item: PoolRow, kind: str, text: str) -> RowResult:
    """The result of a row whose screening failed inside the program (not the user's input): never a verdict."""
    text = " ".join(text.split())[:300]
    if item.id is None and (item.cells is not None or item.text is not None):
        with contextlib.suppress(Exception):  # a row still in raw cells (the worker died on it): name it if we can
            item.resolve()
    return RowResult(
        item.row,
        "internal_error",
        id=item.id,
        name=item.name,
        post=item.request.get("post") if item.request else None,
        problems=[
            Problem(
                "(hệ thống / system)",
                f"lỗi nội bộ khi xét dòng này, không phải kết luận ({kind}): {text}",
                f"internal fault while screening this row, not a verdict ({kind}): {text}",
                None,
                item.row,
            )
        ],
    )


def _on_fault(item: PoolRow, kind: str, text: str) -> RowResult:
    return internal_error(item, FAULT_NAMES.get(kind, kind), text)


@dataclass(frozen=True)
class _FaultAll:
    """The supervisor's ``on_fault`` for rows screened under several requests: the fault in each."""

    actions: tuple[str, ...]

    def __call__(self, item: PoolRow, kind: str, text: str) -> tuple[RowResult, ...]:
        fault = _on_fault(item, kind, text)
        return tuple(dataclasses.replace(fault, action=a) for a in self.actions)


def _init_worker(
    rules: RulePack | str,
    rules_hash: str,
    request: Request | Sequence[Request],
    keep_decision: bool,
    detail: str,
    timeline: bool = False,
    lean: bool | None = None,
    cells: RowCells | None = None,
) -> None:
    """Build this worker process's own Evaluator — and so its own durable engine."""
    global _STATE
    rules = worker_rules(rules, rules_hash)
    _STATE = _Worker(
        rules, request, keep_decision, detail, evaluator=Evaluator(rules), timeline=timeline, lean=lean, cells=cells
    )


def _run_one(item: PoolRow) -> tuple[RowResult, ...]:
    assert _STATE is not None, "worker not initialised"
    return _STATE.run_all(item)


class Screener:
    """Screens pools against one request template; keep it open to screen several pools.

    ``request`` may be several requests (one per action): :meth:`screen_all` then gives each row's
    results under all of them, the row read, validated and its facts derived once. ``workers=1``
    evaluates in this process (no pool), with ``evaluator`` when one is given (an :class:`Evaluator` of
    ``rules`` kept by the caller). ``row_seconds`` is the time limit of one row. ``lean`` (default:
    unless ``keep_decision``) builds results from the engine's outcomes without a full ``Decision``
    (equal on every field of a :class:`RowResult`). ``cells`` builds the report writers' parts of each row
    where it is screened (:attr:`RowResult.cells`). Use as a context manager, or call :meth:`close`.
    """

    def __init__(
        self,
        request: Request | Mapping[str, Any] | Sequence[Request],
        rules: RulePack,
        *,
        workers: int | None = None,
        chunk_size: int = DEFAULT_CHUNK,
        keep_decision: bool = False,
        detail: str = "issues",
        timeline: bool = False,
        row_seconds: float = ROW_SECONDS,
        lean: bool | None = None,
        evaluator: Evaluator | None = None,
        cells: RowCells | None = None,
    ) -> None:
        self.cells = cells
        self.timeline = timeline  # also compute each row's next verdict change (eligibility.explain.timeline)
        if isinstance(request, Request):
            self.requests: tuple[Request, ...] = (request,)
        elif isinstance(request, Mapping):
            self.requests = (parse_request(dict(request)),)
        else:
            self.requests = tuple(request)
            if not self.requests:
                raise ValueError("at least one request")
        self.request = self.requests[0]
        self.rules = rules
        self.workers = default_workers() if workers is None else max(1, workers)
        self.chunk_size = max(1, chunk_size)
        self.keep_decision = keep_decision
        self.detail = detail
        self.row_seconds = row_seconds
        self.lean = lean
        self._pool: Supervisor[PoolRow, tuple[RowResult, ...]] | None = None
        self._local: _Worker | None = None
        self.faults = 0  # rows that ended in an internal fault (engine, time limit, worker death)
        self.evaluator = evaluator  # with workers=1: evaluate with this one (its caches kept between pools)

    def _ensure(self) -> None:
        if self.workers <= 1:
            if self._local is None:
                self._local = _Worker(
                    self.rules,
                    self.requests,
                    self.keep_decision,
                    self.detail,
                    evaluator=self.evaluator,
                    timeline=self.timeline,
                    lean=self.lean,
                    cells=self.cells,
                )
        elif self._pool is None:
            method = start_method()
            rules = shipped_rules(self.rules, method)  # a spawned worker loads it again (and checks its hash)
            self._pool = Supervisor(
                _run_one,
                _FaultAll(tuple(r.action for r in self.requests)),
                workers=self.workers,
                initializer=_init_worker,
                initargs=(
                    rules,
                    self.rules.hash,
                    self.requests,
                    self.keep_decision,
                    self.detail,
                    self.timeline,
                    self.lean,
                    self.cells,
                ),
                item_seconds=self.row_seconds,
                context=multiprocessing.get_context(method),
            )

    def screen(self, rows: Iterable[PoolRow | RowInput]) -> Iterator[RowResult]:
        """One :class:`RowResult` per row, in input order (streamed); with several requests, one per row
        and request, row by row (:meth:`screen_all` keeps them together)."""
        for results in self.screen_all(rows):
            yield from results

    def screen_all(self, rows: Iterable[PoolRow | RowInput]) -> Iterator[tuple[RowResult, ...]]:
        """Each row's results, one per request in the order of the requests; rows in input order (streamed)."""
        self._ensure()
        items = (_as_row(r) for r in rows)
        chunks = iter(lambda: list(islice(items, self.chunk_size)), [])
        if self._local is not None:
            for chunk in chunks:
                for item in chunk:
                    results = self._run_local(item)
                    self.faults += any(r.status == "internal_error" for r in results)
                    yield results
            return
        assert self._pool is not None
        for results in self._pool.map(chunks):
            self.faults += any(r.status == "internal_error" for r in results)
            yield results

    def _run_local(self, item: PoolRow) -> tuple[RowResult, ...]:
        local = self._local
        assert local is not None
        fault = _FaultAll(tuple(r.action for r in self.requests))
        return run_limited(
            lambda: local.run_all(item),
            self.row_seconds,
            lambda: fault(item, "timeout", "quá thời gian cho phép / over the time limit"),
        )

    def close(self) -> None:
        if self._pool is not None:
            self._pool.close()
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
    rows: Iterable[PoolRow | RowInput], request: Request | Mapping[str, Any], rules: RulePack, **options: Any
) -> Iterator[RowResult]:
    """Screen ``rows`` (from :func:`~eligibility.batch.reader.read_pool`, or ``(row, profile | dict |
    InputError)`` pairs) against ``request``; yields one :class:`RowResult` per row, in order. The options
    are those of :class:`Screener` (``workers``, ``chunk_size``, ``keep_decision``, ``detail``, ``timeline``).

    Each result's :attr:`RowResult.decision` equals ``evaluate(profile, request, rules)`` for that row.
    """
    with Screener(request, rules, **options) as s:
        yield from s.screen(rows)
