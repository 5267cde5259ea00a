"""Evaluating one profile and request on many dates, through the engine, with caches keyed by rule version.

:func:`candidate_dates` lists the dates on which anything a request depends on can change (see the
package docstring); :class:`Probe` evaluates the request on any date — ``Evaluator.prepare`` once per
rule segment and month, the engine once per rule version and the facts it reads, ``decide`` once per
set of outcomes — and :meth:`Probe.first_change` bisects an interval for a change no candidate foresaw.
"""

from __future__ import annotations

import bisect
import dataclasses
import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from dateutil.relativedelta import relativedelta

from eligibility.engine.compiler import RuleVersion
from eligibility.errors import InputError, RulePackError
from eligibility.explain.decision import Text
from eligibility.explain.evaluate import DISTRICT_LEVEL_ENDS, Evaluator, Prepared
from eligibility.explain.timeline.model import ABSENT, DAY, UNAVAILABLE
from eligibility.model.profile import Profile
from eligibility.model.request import Request

_NO_FACT = "\x00absent"  # cache-key placeholder for an unknown fact (never a real value)


def _add_months(d: dt.date, k: int) -> dt.date:
    result: dt.date = d + relativedelta(months=k)
    return result


def _month_starts(lo: dt.date, hi: dt.date) -> Iterable[dt.date]:
    d = dt.date(lo.year, lo.month, 1)
    while d <= hi:
        if d > lo:
            yield d
        d = _add_months(d, 1)


def _anchored(anchor: dt.date, lo: dt.date, hi: dt.date) -> Iterable[dt.date]:
    """The days on which whole months counted from ``anchor`` tick over, inside (lo, hi]."""
    if anchor > hi:
        return
    k = 1
    if anchor < lo:
        rd = relativedelta(lo, anchor)
        k = max(1, rd.years * 12 + rd.months - 1)
    while True:
        d = _add_months(anchor, k)
        if d > hi:
            return
        if d > lo:
            yield d
        k += 1


# ----- evaluation through the engine --------------------------------------------------------------
@dataclass(frozen=True)
class State:
    date: dt.date
    verdict: str | None
    outcomes: Mapping[str, str]  # criterion → final outcome, for the criteria in force (incl. not_applicable)
    facts: Mapping[str, object]
    prepared: Prepared | None
    error: Text | None = None

    @property
    def key(self) -> tuple[Any, ...]:
        return (self.verdict, tuple(sorted(self.outcomes.items())), self.error.en if self.error else None)

    def outcome(self, cid: str) -> str:
        if self.error is not None:
            return UNAVAILABLE
        return self.outcomes.get(cid, ABSENT)


def error_text(exc: InputError | RulePackError) -> Text:
    return Text(vi="; ".join(p.vi for p in exc.problems), en="; ".join(p.en for p in exc.problems))


def rule_breaks(evaluator: Evaluator, request: Request) -> list[dt.date]:
    """Every date on which what :meth:`Evaluator.prepare` decides for this request may change."""
    rules = evaluator.rules
    out: set[dt.date] = {DISTRICT_LEVEL_ENDS + DAY}

    def add(start: dt.date, until: dt.date | None) -> None:
        out.add(start)
        if until is not None:
            out.add(until + DAY)

    for c in rules.criteria:
        if request.action in c.spec.actions:
            add(c.spec.in_force.from_, c.spec.in_force.until)
            for g in (*c.spec.not_encoded, *c.spec.not_required):  # coverage windows (rules/coverage)
                add(g.from_, g.until)
            for cb in c.spec.covered_by:
                add(cb.from_, cb.until)
    for p in rules.parameters.values():
        for v in p.values:
            add(v.from_, v.until)
    if request.post is not None and request.post in rules.titles:
        for st in rules.titles[request.post].standards:
            add(st.from_, st.until)
    for r in rules.regimes:
        add(r.from_, r.until)
    return sorted(out)


class Probe:
    """Evaluates one profile and request on many dates, with caches keyed by rule version."""

    def __init__(self, evaluator: Evaluator, profile: Profile, request: Request) -> None:
        self.ev = evaluator
        self.profile = profile
        self.request = request
        self.breaks = rule_breaks(evaluator, request)
        self.states: dict[dt.date, State] = {}
        self._used: dict[str, list[str]] = {}
        self._outcomes: dict[tuple[Any, ...], dict[str, str]] = {}
        self._final: dict[tuple[Any, ...], tuple[str, dict[str, str]]] = {}
        self.engine_calls = 0

    def _prepared(self, d: dt.date) -> Prepared:
        # Within one month and one rule segment, prepare() differs only by the reference date itself
        # (same criteria, parameters, standards, convention and reference month).
        i = bisect.bisect_right(self.breaks, d) - 1
        start = max(self.breaks[i], d.replace(day=1)) if i >= 0 else d.replace(day=1)
        base = self.ev.prepare(self.request.model_copy(update={"date": start}))
        if start == d:
            return base
        return dataclasses.replace(
            base,
            request=self.request.model_copy(update={"date": d}),
            context=dataclasses.replace(base.context, reference_date=d),
        )

    def _facts_used(self, version: RuleVersion) -> list[str]:
        used = self._used.get(version.name)
        if used is None:
            used = self._used[version.name] = version.facts_used()
        return used

    def state(self, d: dt.date) -> State:
        s = self.states.get(d)
        if s is not None:
            return s
        try:
            prepared = self._prepared(d)
            self.ev.check_inputs(self.profile, prepared)  # as evaluate does: e.g. under the minimum age on d
        except (InputError, RulePackError) as exc:
            s = State(d, None, {}, {}, None, error_text(exc))
        else:
            factset = self.ev.facts(self.profile, prepared)
            values = factset.values
            version = prepared.version
            key = (version.name, tuple(values.get(f, _NO_FACT) for f in self._facts_used(version)))
            outcomes = self._outcomes.get(key)
            if outcomes is None:
                outcomes = self.ev.engine.outcomes(version, values)
                self.engine_calls += 1
                self._outcomes[key] = outcomes
            fkey = (version.name, tuple(c.id for c in prepared.applicable), tuple(sorted(outcomes.items())))
            final = self._final.get(fkey)
            if final is None:
                decision = self.ev.decide(self.profile, prepared, factset, outcomes)
                final = (decision.verdict, {f.criterion: f.outcome for f in decision.findings})
                self._final[fkey] = final
            s = State(d, final[0], final[1], values, prepared)
        self.states[d] = s
        return s

    def first_change(self, a: State, b: State) -> tuple[State, State]:
        """Bisect (a.date, b.date] for a day x with state(x-1) == a and state(x) != a (states differ)."""
        lo, hi = a, b
        while (hi.date - lo.date).days > 1:
            mid = self.state(lo.date + dt.timedelta(days=(hi.date - lo.date).days // 2))
            if mid.key == a.key:
                lo = mid
            else:
                hi = mid
        return lo, hi


def candidate_dates(
    evaluator: Evaluator,
    profile: Profile,
    request: Request,
    lo: dt.date,
    hi: dt.date,
    breaks: list[dt.date] | None = None,
) -> list[dt.date]:
    """The dates in (lo, hi] on which something the request depends on may change."""
    out: set[dt.date] = set(_month_starts(lo, hi))
    for b in breaks if breaks is not None else rule_breaks(evaluator, request):
        out.add(b)
    anchors: list[dt.date] = [profile.birth_date.first_day()]
    for post in profile.posts or []:
        out.add(post.from_)
        anchors.append(post.from_)
        if post.to is not None:
            out.add(post.to + DAY)
            anchors.append(post.to + DAY)  # months since the post ended
    for entry in profile.planning or []:
        for d in (entry.approved, entry.removed):
            if d is not None:
                out.add(d)
        if entry.term:
            parts = entry.term.replace("–", "-").split("-")
            if len(parts) == 2 and parts[1].strip().isdigit() and 1900 < int(parts[1]) < 2200:
                out.add(dt.date(int(parts[1]) + 1, 1, 1))
    for rec in profile.discipline or []:
        if rec.decided is not None:
            out.add(rec.decided)
            anchors.append(rec.decided)
    for leave in profile.maternity_leave or []:
        out.add(leave.from_)
        if leave.to is not None:
            out.add(leave.to + DAY)
    for seat in profile.committees or []:  # a committee seat is held from its first day to its last
        if seat.from_ is not None:
            out.add(seat.from_)
        if seat.to is not None:
            out.add(seat.to + DAY)
    for a in dict.fromkeys(anchors):
        out.update(_anchored(a, lo, hi))
    return sorted(d for d in out if lo < d <= hi)
