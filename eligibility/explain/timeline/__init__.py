"""Why not, and from when: how a request's outcome moves with the reference date.

For one profile and one request, :func:`build` evaluates the request on every date on which
anything it depends on can change, inside a window around the reference date (by default ten
years before and ten years after), and reports

* for each applicable criterion, the dates on which it starts and stops holding
  (``holds_from`` / ``holds_until``: the first and the last day of a run of ``pass``);
* for the decision, the periods of each verdict and the dates on which the verdict changes
  within the horizon, each with the criteria that change and why (a month count reaching a
  threshold, a parameter step, a criterion entering into force, a regime change);
* ``earliest_eligible`` (the first date on or after the reference date with verdict
  ``eligible``) and ``eligible_until`` (the last day of that eligible period, if it ends within
  the horizon);
* for the criteria that time does not fix, the change to the profile that would make them pass
  ("cần có trình độ cao cấp lý luận chính trị"), never a change to a fact that cannot change
  (birth date, sex, hometown, birthplace).

Exactness. Verdicts come from the engine (:class:`Evaluator` with the durable engine): the
timeline never re-implements a criterion. Between two consecutive *candidate dates* nothing the
engine reads can change, so the outcome is constant there. Candidates are

* the first day of every month (months to retirement and the reference month are counted in
  whole months, HD 06; assessments and plan terms change at year boundaries);
* ``anchor + k months`` for every anchor of a day-precision month count (birth date for
  ``age_months``; the start of every post for months in post; every discipline decision for
  ``months_since_*``) — the day dateutil's whole-month arithmetic
  (:func:`eligibility.facts.months.whole_months_between`) reaches ``k``: 12 months after
  2024-03-15 is reached on 2025-03-15;
* every date of the profile (post start and the day after its end, plan approval, removal and
  term end, discipline decisions);
* every date of the rule pack (criterion ``in_force`` from / the day after until, parameter
  steps, the target title's standards, regimes, the end of the district level). Each date is
  evaluated with the rules in force on it, so a regime change inside the window is taken into
  account (a reprimand of 2025-03-15 blocks a higher post until 2026-03-15 under QĐ 80, and
  until 2027-03-15 once QĐ 377 is in force).

The request is evaluated at each candidate and on the day before it; a change is reported on
the candidate only when the two differ, so every reported date is exact to the day. If the day
before a candidate differs from the previous candidate (a change the candidate list did not
foresee), the interval is bisected day by day and the dates are listed in ``unexpected``
(empty in every test). Every reported change is finally re-checked with a full
:meth:`Evaluator.evaluate` on the day and the day before.

Cost: a few hundred to a few thousand dates per profile, evaluated through a cache keyed by
rule version (``Evaluator.prepare`` is called once per rule segment and month; the engine once
per distinct rule version and facts it reads; ``decide`` once per distinct set of outcomes) —
typically 0.1–0.5 s for a 20-year window. The default ``Evaluator.evaluate`` path is untouched.

The package is split by responsibility: :mod:`.model` (the result), :mod:`.probe` (evaluating on
many dates, candidate dates), :mod:`.causes` (why an outcome changes), :mod:`.repairs` (what the
file needs), :mod:`.render` (text and the HTML section); this module builds the timeline.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Mapping

from dateutil.relativedelta import relativedelta

from eligibility.errors import EngineError, InputError, RulePackError
from eligibility.explain.decision import Decision, Text
from eligibility.explain.evaluate import Evaluator
from eligibility.explain.timeline.causes import causes, change, criterion_change
from eligibility.explain.timeline.model import (
    ABSENT,
    DAY,
    HORIZON_YEARS,
    PASS,
    REAL,
    UNAVAILABLE,
    Cause,
    Change,
    CriterionChange,
    CriterionTimeline,
    NeededChange,
    OutcomePeriod,
    Period,
    Requirement,
    RuleChange,
    Timeline,
    VerdictPeriod,
    Window,
    fmt_date,
)
from eligibility.explain.timeline.probe import Probe, State, candidate_dates, rule_breaks
from eligibility.explain.timeline.render import render_html, render_text, summary_lines, timeline_context
from eligibility.explain.timeline.repairs import needed_change, requirement_text
from eligibility.facts.months import format_month_vi
from eligibility.model.profile import Profile
from eligibility.model.request import Request

__all__ = [
    "ABSENT",
    "DAY",
    "HORIZON_YEARS",
    "PASS",
    "UNAVAILABLE",
    "Cause",
    "Change",
    "CriterionChange",
    "CriterionTimeline",
    "NeededChange",
    "OutcomePeriod",
    "Period",
    "Requirement",
    "RuleChange",
    "Timeline",
    "VerdictPeriod",
    "annotate",
    "annotate_with",
    "build",
    "candidate_dates",
    "fmt_date",
    "needed_change",
    "render_html",
    "render_text",
    "requirement_text",
    "rule_breaks",
    "summary_lines",
    "timeline_context",
]


# ----- building the timeline ----------------------------------------------------------------------
Point = tuple[dt.date, str, Text | None]


def _runs(points: list[Point], kind: type[Period]) -> list[Period]:
    """Periods from (start date, value) points sorted by date; the first starts before the window."""
    periods: list[Period] = []
    for i, (d, value, note) in enumerate(points):
        end = points[i + 1][0] - DAY if i + 1 < len(points) else None
        periods.append(kind(None if i == 0 else d, end, value, note))
    return periods


def build(
    evaluator: Evaluator,
    profile: Profile,
    request: Request,
    *,
    horizon_years: int = HORIZON_YEARS,
    lookback_years: int | None = None,
    until: dt.date | None = None,
    verify: bool = True,
) -> Timeline:
    """The timeline of ``request`` for ``profile``: ``lookback_years`` before (default: the horizon) and
    ``horizon_years`` after the reference date (or up to ``until``). Raises what
    :meth:`Evaluator.evaluate` raises on the reference date itself.

    ``verify`` (the default, and what every command that shows a timeline uses) re-checks the reference
    date and both sides of every reported change with a full :meth:`Evaluator.evaluate` and raises
    :class:`EngineError` on a disagreement; ``verify=False`` is for measurements only."""
    d0 = request.date
    decision0 = evaluator.evaluate(profile, request)  # the reference decision, by the default path
    lo = d0 - relativedelta(years=horizon_years if lookback_years is None else lookback_years)
    hi = until if until is not None else d0 + relativedelta(years=horizon_years)
    if hi < d0:
        raise ValueError("the window must end on or after the reference date")
    probe = Probe(evaluator, profile, request)
    cands = candidate_dates(evaluator, profile, request, lo, hi, probe.breaks)
    if d0 not in cands and d0 != lo:
        cands = sorted(set(cands) | {d0})

    # walk the candidates: a change is on c when state(c-1) differs from state(c)
    transitions: list[tuple[State, State]] = []
    unexpected: list[dt.date] = []
    prev = probe.state(lo)
    for c in cands:
        before = probe.state(c - DAY)
        while before.key != prev.key:  # something changed that no candidate foresaw
            a, b = probe.first_change(prev, before)
            transitions.append((a, b))
            unexpected.append(b.date)
            prev = b
        cur = probe.state(c)
        if cur.key != before.key:
            transitions.append((before, cur))
        prev = cur

    state0 = probe.state(d0)
    if verify:
        _verify(evaluator, profile, request, decision0, state0, transitions)

    # verdict periods and changes
    first = probe.state(lo)
    points: list[Point] = [(lo, _vkey(first), first.error)]
    for a, b in transitions:
        if _vkey(a) != _vkey(b) or (a.error is None) != (b.error is None):
            points.append((b.date, _vkey(b), b.error))
    periods = [p for p in _runs(points, VerdictPeriod) if isinstance(p, VerdictPeriod)]
    changes: list[Change] = []
    for a, b in transitions:
        if b.date <= d0 or (a.verdict == b.verdict and (a.error is None) == (b.error is None)):
            continue
        changes.append(change(evaluator, a, b))

    # earliest eligible and until when
    earliest: dt.date | None = None
    eligible_until: dt.date | None = None
    for p in periods:
        if p.value == "eligible" and (p.end is None or p.end >= d0):
            earliest = max(d0, p.start) if p.start is not None else d0
            eligible_until = p.end
            break

    criteria = {
        f.criterion: _criterion_timeline(
            evaluator, probe, transitions, f.criterion, f.title, f.topic, f.outcome, d0, lo, hi
        )
        for f in decision0.findings
        if f.outcome != "not_applicable"
    }

    # what time does not fix
    needed: list[NeededChange] = []
    for f in decision0.findings:
        if f.outcome in ("pass", "not_applicable"):
            continue
        ct = criteria[f.criterion]
        if ct.holds_from is not None and ct.holds_from > d0:
            continue  # time fixes it: the timeline gives the date
        needed.append(needed_change(evaluator, f.criterion, f.outcome, state0, list(f.missing), f.waivable))

    return Timeline(
        profile_id=profile.id,
        request=request.model_dump(mode="json", exclude_none=True),
        decision=annotate_with(decision0, criteria),
        reference_date=d0,
        window=Window(lo, hi),
        horizon_years=horizon_years,
        verdict=decision0.verdict,
        earliest_eligible=earliest,
        eligible_until=eligible_until,
        periods=periods,
        changes=changes,
        criteria=criteria,
        needed=needed,
        notes=_notes(request, state0, evaluator),
        unexpected=unexpected,
        dates_evaluated=len(probe.states),
        engine_calls=probe.engine_calls,
        verified=verify,
    )


def _criterion_timeline(
    evaluator: Evaluator,
    probe: Probe,
    transitions: list[tuple[State, State]],
    cid: str,
    title: Text,
    topic: str,
    outcome: str,
    d0: dt.date,
    lo: dt.date,
    hi: dt.date,
) -> CriterionTimeline:
    """One criterion applicable on the reference date, over the window."""
    cpoints: list[Point] = [(lo, probe.state(lo).outcome(cid), None)]
    cchanges: list[CriterionChange] = []
    for a, b in transitions:
        oa, ob = a.outcome(cid), b.outcome(cid)
        if oa != ob:
            cpoints.append((b.date, ob, None))
            if b.date > d0:
                cchanges.append(dataclasses.replace(criterion_change(evaluator, cid, a, b), date=b.date))
    cperiods = [p for p in _runs(cpoints, OutcomePeriod) if isinstance(p, OutcomePeriod)]
    hf, hu, run = _holds(cperiods, d0)
    window = (run.start or lo, run.end or hi) if run is not None else None
    rchanges: list[RuleChange] = []
    for brk in probe.breaks:
        if d0 < brk <= hi:
            sa, sb = probe.state(brk - DAY), probe.state(brk)
            if sa.outcome(cid) == sb.outcome(cid) and sa.outcome(cid) in ("fail", "waivable"):
                rc = tuple(c for c in causes(evaluator, cid, sa, sb) if c.kind == "parameter")
                if rc:
                    rchanges.append(RuleChange(brk, rc))
    return CriterionTimeline(
        cid, title, topic, outcome, hf, hu, window, tuple(cperiods), tuple(cchanges), tuple(rchanges)
    )


def _event_vi(evaluator: Evaluator, code: str | None) -> str:
    event = evaluator.rules.events.get(code) if code else None
    return f"sự kiện {event.vi}" if event is not None else f"sự kiện {code}"


def _notes(request: Request, state0: State, evaluator: Evaluator) -> list[Text]:
    notes: list[Text] = []
    prepared0 = state0.prepared
    if request.action == "nomination" and prepared0 is not None:
        ref = format_month_vi(prepared0.context.age_reference_month)
        notes.append(
            Text(
                vi=f"Giới thiệu ứng cử: {_event_vi(evaluator, request.event)} ấn định tháng tính tuổi ({ref}), nên ngày nhận hồ sơ không "
                f"làm thay đổi các dữ kiện về tuổi (số tháng còn lại đến tuổi nghỉ hưu); mốc thời gian dưới đây chỉ "
                f"phản ánh thời hạn kỷ luật và hiệu lực của quy định.",
                en=f"Nomination: event {request.event} fixes the month at which age is counted ({ref}), so the date "
                f"the file is received does not move the age facts (months left to retirement); the timeline below "
                f"reflects only discipline periods and which rules are in force.",
            )
        )
    if request.action == "planning" and request.term and prepared0 is not None:
        ref = format_month_vi(prepared0.context.age_reference_month)
        notes.append(
            Text(
                vi=f"Quy hoạch nhiệm kỳ {request.term}: tuổi tính từ đầu nhiệm kỳ hoặc ngày xét, lấy ngày muộn hơn "
                f"(tại ngày xét: {ref}).",
                en=f"Planning for the {request.term} term: age is counted from the start of the term or the date, "
                f"whichever is later ({ref} on the reference date).",
            )
        )
    return notes


def _vkey(s: State) -> str:
    return s.verdict if s.verdict is not None else UNAVAILABLE


def _holds(periods: list[OutcomePeriod], d0: dt.date) -> tuple[dt.date | None, dt.date | None, Period | None]:
    """The pass run containing d0, else the next one, else the latest past one.

    An edge is reported only where the criterion, in force on both sides, changes between ``pass``
    and another outcome: entering or leaving force, or the request becoming impossible to
    evaluate, is not "starting or stopping to hold" (the periods still show it).
    """
    idx = next(i for i, p in enumerate(periods) if p.contains(d0))
    target: int | None = None
    if periods[idx].value == PASS:
        target = idx
    else:
        target = next((i for i in range(idx + 1, len(periods)) if periods[i].value == PASS), None)
        if target is None:
            target = next((i for i in range(idx - 1, -1, -1) if periods[i].value == PASS), None)
    if target is None:
        return None, None, None
    p = periods[target]
    start = p.start if p.start is not None and periods[target - 1].value in REAL else None
    end = p.end if p.end is not None and periods[target + 1].value in REAL else None
    return start, end, p


def _verify(
    evaluator: Evaluator,
    profile: Profile,
    request: Request,
    decision0: Decision,
    state0: State,
    transitions: list[tuple[State, State]],
) -> None:
    """Every reported change, and the reference date, agree with a full :meth:`Evaluator.evaluate`."""

    def full(d: dt.date) -> tuple[str | None, dict[str, str]]:
        try:
            dec = evaluator.evaluate(profile, request.model_copy(update={"date": d}))
        except (InputError, RulePackError):
            return None, {}
        return dec.verdict, {f.criterion: f.outcome for f in dec.findings}

    def same(s: State, got: tuple[str | None, dict[str, str]]) -> bool:
        return s.verdict == got[0] and dict(s.outcomes) == got[1]

    if not same(state0, (decision0.verdict, {f.criterion: f.outcome for f in decision0.findings})):
        raise EngineError("timeline state disagrees with Evaluator.evaluate", {"date": state0.date.isoformat()})
    for a, b in transitions:
        for s in (a, b):
            if not same(s, full(s.date)):
                raise EngineError("timeline state disagrees with Evaluator.evaluate", {"date": s.date.isoformat()})


def annotate_with(decision: Decision, criteria: Mapping[str, CriterionTimeline]) -> Decision:
    findings = []
    for f in decision.findings:
        ct = criteria.get(f.criterion)
        if ct is not None and f.outcome != "not_applicable":
            f = f.model_copy(update={"holds_from": ct.holds_from, "holds_until": ct.holds_until})
        findings.append(f)
    return decision.model_copy(update={"findings": findings})


def annotate(decision: Decision, tl: Timeline) -> Decision:
    """A copy of ``decision`` with ``Finding.holds_from`` / ``holds_until`` filled from the timeline."""
    if decision.profile_id != tl.profile_id or decision.request.get("date") != tl.reference_date.isoformat():
        raise ValueError("the decision and the timeline are for different profiles or dates")
    return annotate_with(decision, tl.criteria)
