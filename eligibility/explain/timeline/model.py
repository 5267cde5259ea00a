"""What a timeline reports: periods, verdict changes and their causes, criteria over time, changes needed.

Plain dataclasses; their JSON comes from :func:`eligibility.serialize.to_data` (``Timeline.to_dict``),
shaped by the field declarations below.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any, ClassVar, NamedTuple

from eligibility.explain.decision import Decision, Text
from eligibility.serialize import json_meta, to_data

DAY = dt.timedelta(days=1)
HORIZON_YEARS = 10
PASS = "pass"
ABSENT = "absent"  # the criterion is not in force on that date (for this action)
UNAVAILABLE = "unavailable"  # the request cannot be evaluated on that date (no rules, no district level)
REAL = ("pass", "fail", "waivable", "unknown")  # outcomes of a criterion in force and evaluable


@dataclass(frozen=True)
class Cause:
    """Why a criterion's outcome changed on a date."""

    kind: str  # fact | parameter | convention | in_force | applicability | unavailable
    name: str
    before: Any
    after: Any
    text: Text


@dataclass(frozen=True)
class CriterionChange:
    criterion: str
    title: Text
    topic: str
    before: str  # outcome, or "absent" (not in force) / "unavailable"
    after: str
    causes: tuple[Cause, ...]
    date: dt.date | None = field(default=None, metadata=json_meta(omit_none=True))  # set in a criterion's own timeline


@dataclass(frozen=True)
class Change:
    """The verdict changes on ``date`` (the first day of the new verdict)."""

    date: dt.date
    verdict_before: str | None  # None: the request could not be evaluated
    verdict_after: str | None
    criteria: tuple[CriterionChange, ...]
    regimes_started: tuple[str, ...] = ()
    regimes_ended: tuple[str, ...] = ()
    unavailable: Text | None = None  # why the request cannot be evaluated after the change


@dataclass(frozen=True)
class Period:
    """A run of one value: ``start`` None = since before the window, ``end`` None = beyond it."""

    start: dt.date | None = field(metadata=json_meta(name="from"))
    end: dt.date | None = field(metadata=json_meta(name="until"))  # last day, inclusive
    value: str  # a verdict, an outcome, "absent" or "unavailable"
    note: Text | None = field(default=None, metadata=json_meta(omit_none=True))

    def contains(self, d: dt.date) -> bool:
        return (self.start is None or self.start <= d) and (self.end is None or d <= self.end)


@dataclass(frozen=True)
class VerdictPeriod(Period):
    __json_names__: ClassVar[dict[str, str]] = {"value": "verdict"}


@dataclass(frozen=True)
class OutcomePeriod(Period):
    __json_names__: ClassVar[dict[str, str]] = {"value": "outcome"}


@dataclass(frozen=True)
class Requirement:
    """One change to the profile (or the request) that a failing condition needs."""

    fact: str
    op: str
    value: int | bool | str
    kind: str  # profile | request
    current: int | bool | str | None  # None: not recorded in the profile
    text: Text


@dataclass(frozen=True)
class NeededChange:
    """A criterion that does not pass and that time will not fix within the horizon."""

    criterion: str
    title: Text
    topic: str
    outcome: str
    fixable: bool  # a change to the profile or the request can make it pass
    requirements: tuple[Requirement, ...]
    blocked_by: tuple[str, ...]  # inputs that cannot change (when not fixable)
    missing: tuple[str, ...]  # inputs to record (unknown outcomes)
    waivable: bool
    text: Text


class RuleChange(NamedTuple):
    """A parameter step on ``date`` that leaves the criterion's outcome as it is."""

    date: dt.date
    causes: tuple[Cause, ...]


@dataclass(frozen=True)
class CriterionTimeline:
    criterion: str = field(metadata=json_meta(skip=True))  # the key of Timeline.criteria
    title: Text
    topic: str
    outcome: str  # at the reference date
    holds_from: dt.date | None
    holds_until: dt.date | None
    # the pass run that holds_from / holds_until describe, clipped to the window (None: no pass run).
    # holds_from is None when the run starts before the window or when the criterion came into force
    # (was not yet law) on that day; holds_until likewise.
    pass_window: tuple[dt.date, dt.date] | None
    periods: tuple[OutcomePeriod, ...]
    changes: tuple[CriterionChange, ...]  # each with its date
    rule_changes: tuple[RuleChange, ...]  # parameter steps that leave the outcome


@dataclass(frozen=True)
class Window:
    start: dt.date = field(metadata=json_meta(name="from"))
    end: dt.date = field(metadata=json_meta(name="until"))


@dataclass
class Timeline:
    profile_id: str = field(metadata=json_meta(skip=True))
    request: dict[str, Any] = field(metadata=json_meta(skip=True))
    # the decision on the reference date, with holds_from / holds_until filled
    decision: Decision = field(metadata=json_meta(skip=True))
    reference_date: dt.date
    window: Window
    horizon_years: int
    verdict: str
    earliest_eligible: dt.date | None
    eligible_until: dt.date | None
    periods: list[VerdictPeriod]
    changes: list[Change]  # verdict changes after the reference date, within the horizon
    criteria: dict[str, CriterionTimeline]
    needed: list[NeededChange] = field(metadata=json_meta(name="needed_changes"))
    notes: list[Text] = field(default_factory=list)
    unexpected: list[dt.date] = field(default_factory=list, metadata=json_meta(name="unexpected_changes"))
    dates_evaluated: int = 0
    engine_calls: int = field(default=0, metadata=json_meta(skip=True))
    verified: bool = field(
        default=False, metadata=json_meta(skip=True)
    )  # every change checked against Evaluator.evaluate

    @property
    def window_start(self) -> dt.date:
        return self.window.start

    @property
    def window_end(self) -> dt.date:
        return self.window.end

    def verdict_on(self, d: dt.date) -> str | None:
        """The verdict the timeline reports for a date inside the window (None: not evaluable)."""
        for p in self.periods:
            if p.contains(d):
                return None if p.value == UNAVAILABLE else p.value
        raise ValueError(f"{d} is outside the window {self.window_start}…{self.window_end}")

    def period_at(self, d: dt.date) -> Period | None:
        for p in self.periods:
            if p.contains(d):
                return p
        return None

    def change_on(self, d: dt.date) -> Change | None:
        for c in self.changes:
            if c.date == d:
                return c
        return None

    def to_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = to_data(self)
        return data


def fmt_date(d: dt.date | None, lang: str) -> str:
    """A date as the reader's language writes it (dd/mm/yyyy in Vietnamese, ISO in English)."""
    if d is None:
        return "…"
    return d.strftime("%d/%m/%Y") if lang == "vi" else d.isoformat()
