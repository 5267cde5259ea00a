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
"""

from __future__ import annotations

import bisect
import dataclasses
import datetime as dt
import html
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from dateutil.relativedelta import relativedelta

from eligibility.engine.compiler import RuleVersion
from eligibility.engine.reference import evaluate as kleene
from eligibility.errors import EngineError, InputError, RulePackError
from eligibility.explain.decision import OUTCOME_LABELS, VERDICT_LABELS, Decision, ParameterUse, Text
from eligibility.explain.evaluate import DISTRICT_LEVEL_ENDS, Evaluator, Prepared
from eligibility.explain.messages import display
from eligibility.facts.catalog import FACTS
from eligibility.facts.months import format_month_vi
from eligibility.model import levels as lv
from eligibility.model.profile import Profile
from eligibility.model.request import Request
from eligibility.rulepack import conditions as cd

DAY = dt.timedelta(days=1)
HORIZON_YEARS = 10
PASS = "pass"
ABSENT = "absent"  # the criterion is not in force on that date (for this action)
UNAVAILABLE = "unavailable"  # the request cannot be evaluated on that date (no rules, no district level)
_NO_FACT = "\x00absent"  # cache-key placeholder for an unknown fact (never a real value)

TOPIC_LABELS: dict[str, tuple[str, str]] = {
    "age": ("tuổi", "age"),
    "planning": ("quy hoạch", "planning"),
    "tenure": ("thời gian giữ chức vụ", "time in post"),
    "degree": ("trình độ chuyên môn", "degree"),
    "political_theory": ("lý luận chính trị", "political theory"),
    "state_management": ("quản lý nhà nước", "state management"),
    "political_clearance": ("tiêu chuẩn chính trị", "political standard"),
    "discipline": ("kỷ luật", "discipline"),
    "health": ("sức khỏe", "health"),
    "assets": ("hồ sơ, kê khai tài sản", "file and asset declaration"),
    "assessment": ("đánh giá, xếp loại", "assessments"),
    "locality": ("người địa phương", "locality"),
    "language": ("tiếng dân tộc thiểu số", "minority language"),
    "investigation": ("điều tra, truy tố, xét xử", "investigation"),
    "quota": ("số lượng quy hoạch", "planning quota"),
}

# Profile inputs that cannot change: a criterion that needs them changed is not fixable by the file.
IMMUTABLE_INPUTS: dict[str, tuple[str, str]] = {
    "birth_date": ("ngày sinh", "birth date"),
    "sex": ("giới tính", "sex"),
    "hometown": ("quê quán", "hometown"),
    "birthplace": ("nơi sinh", "birthplace"),
    "grew_up_in": ("nơi lớn lên, trưởng thành", "where the person grew up"),
    "localities_worked": ("thời gian đã công tác tại địa phương", "years already worked in the province"),
}
# Facts set by the past or moved only by time (the timeline covers them): never a suggestion.
_RECORD_INPUTS: dict[str, tuple[str, str]] = {
    "discipline": ("quyết định kỷ luật đã có", "discipline decisions on file"),
    "posts": ("quá trình công tác", "posts held"),
    "assessments": ("kết quả đánh giá các năm", "past annual assessments"),
}
_TIME_FACT_PREFIXES = ("months_since_", "months_in_", "has_")
_TIME_FACTS = {
    "age_months",
    "months_to_retirement",
    "retirement_month",
    "reference_month",
    "term_years_completed",
    "term_years_failed",
    "consecutive_failed_years",
    "has_any_discipline",
    "years_worked_here",
}


# ----- dates ------------------------------------------------------------------------------------
def fmt_date(d: dt.date | None, lang: str) -> str:
    if d is None:
        return "…"
    return d.strftime("%d/%m/%Y") if lang == "vi" else d.isoformat()


def _iso(d: dt.date | None) -> str | None:
    return d.isoformat() if d is not None else None


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


# ----- the result ---------------------------------------------------------------------------------
@dataclass(frozen=True)
class Cause:
    """Why a criterion's outcome changed on a date."""

    kind: str  # fact | parameter | convention | in_force | applicability | unavailable
    name: str
    before: Any
    after: Any
    text: Text

    def to_dict(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "name": self.name,
            "before": self.before,
            "after": self.after,
            "text": {"vi": self.text.vi, "en": self.text.en},
        }


@dataclass(frozen=True)
class CriterionChange:
    criterion: str
    title: Text
    topic: str
    before: str  # outcome, or "absent" (not in force) / "unavailable"
    after: str
    causes: tuple[Cause, ...]

    def to_dict(self) -> dict[str, Any]:
        return {
            "criterion": self.criterion,
            "title": {"vi": self.title.vi, "en": self.title.en},
            "topic": self.topic,
            "before": self.before,
            "after": self.after,
            "causes": [c.to_dict() for c in self.causes],
        }


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

    def to_dict(self) -> dict[str, Any]:
        return {
            "date": self.date.isoformat(),
            "verdict_before": self.verdict_before,
            "verdict_after": self.verdict_after,
            "criteria": [c.to_dict() for c in self.criteria],
            "regimes_started": list(self.regimes_started),
            "regimes_ended": list(self.regimes_ended),
            "unavailable": {"vi": self.unavailable.vi, "en": self.unavailable.en} if self.unavailable else None,
        }


@dataclass(frozen=True)
class Period:
    """A run of one value: ``start`` None = since before the window, ``end`` None = beyond it."""

    start: dt.date | None
    end: dt.date | None  # last day, inclusive
    value: str  # a verdict, an outcome, "absent" or "unavailable"
    note: Text | None = None

    def contains(self, d: dt.date) -> bool:
        return (self.start is None or self.start <= d) and (self.end is None or d <= self.end)

    def to_dict(self, key: str) -> dict[str, Any]:
        out: dict[str, Any] = {"from": _iso(self.start), "until": _iso(self.end), key: self.value}
        if self.note is not None:
            out["note"] = {"vi": self.note.vi, "en": self.note.en}
        return out


@dataclass(frozen=True)
class Requirement:
    """One change to the profile (or the request) that a failing condition needs."""

    fact: str
    op: str
    value: int | bool | str
    kind: str  # profile | request
    current: int | bool | str | None  # None: not recorded in the profile
    text: Text

    def to_dict(self) -> dict[str, Any]:
        return {
            "fact": self.fact,
            "op": self.op,
            "value": self.value,
            "kind": self.kind,
            "current": self.current,
            "text": {"vi": self.text.vi, "en": self.text.en},
        }


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

    def to_dict(self) -> dict[str, Any]:
        return {
            "criterion": self.criterion,
            "title": {"vi": self.title.vi, "en": self.title.en},
            "topic": self.topic,
            "outcome": self.outcome,
            "fixable": self.fixable,
            "requirements": [r.to_dict() for r in self.requirements],
            "blocked_by": list(self.blocked_by),
            "missing": list(self.missing),
            "waivable": self.waivable,
            "text": {"vi": self.text.vi, "en": self.text.en},
        }


@dataclass(frozen=True)
class CriterionTimeline:
    criterion: str
    title: Text
    topic: str
    outcome: str  # at the reference date
    holds_from: dt.date | None
    holds_until: dt.date | None
    periods: tuple[Period, ...]
    changes: tuple[tuple[dt.date, CriterionChange], ...]
    rule_changes: tuple[tuple[dt.date, tuple[Cause, ...]], ...] = ()  # parameter steps that leave the outcome
    # the pass run that holds_from / holds_until describe, clipped to the window (None: no pass run).
    # holds_from is None when the run starts before the window or when the criterion came into force
    # (was not yet law) on that day; holds_until likewise.
    pass_window: tuple[dt.date, dt.date] | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "title": {"vi": self.title.vi, "en": self.title.en},
            "topic": self.topic,
            "outcome": self.outcome,
            "holds_from": _iso(self.holds_from),
            "holds_until": _iso(self.holds_until),
            "pass_window": [d.isoformat() for d in self.pass_window] if self.pass_window else None,
            "periods": [p.to_dict("outcome") for p in self.periods],
            "changes": [dict(c.to_dict(), date=d.isoformat()) for d, c in self.changes],
            "rule_changes": [
                {"date": d.isoformat(), "causes": [c.to_dict() for c in rc]} for d, rc in self.rule_changes
            ],
        }


@dataclass
class Timeline:
    profile_id: str
    request: dict[str, Any]
    reference_date: dt.date
    window_start: dt.date
    window_end: dt.date
    horizon_years: int
    verdict: str
    decision: Decision  # the decision on the reference date, with holds_from / holds_until filled
    periods: list[Period]
    changes: list[Change]  # verdict changes after the reference date, within the horizon
    earliest_eligible: dt.date | None
    eligible_until: dt.date | None
    criteria: dict[str, CriterionTimeline]
    needed: list[NeededChange]
    notes: list[Text] = field(default_factory=list)
    unexpected: list[dt.date] = field(default_factory=list)
    dates_evaluated: int = 0
    engine_calls: int = 0

    def verdict_on(self, d: dt.date) -> str | None:
        """The verdict the timeline reports for a date inside the window (None: not evaluable)."""
        for p in self.periods:
            if p.contains(d):
                return None if p.value == UNAVAILABLE else p.value
        raise ValueError(f"{d} is outside the window {self.window_start}…{self.window_end}")

    def to_dict(self) -> dict[str, Any]:
        return {
            "reference_date": self.reference_date.isoformat(),
            "window": {"from": self.window_start.isoformat(), "until": self.window_end.isoformat()},
            "horizon_years": self.horizon_years,
            "verdict": self.verdict,
            "earliest_eligible": _iso(self.earliest_eligible),
            "eligible_until": _iso(self.eligible_until),
            "periods": [p.to_dict("verdict") for p in self.periods],
            "changes": [c.to_dict() for c in self.changes],
            "criteria": {cid: ct.to_dict() for cid, ct in self.criteria.items()},
            "needed_changes": [n.to_dict() for n in self.needed],
            "notes": [{"vi": n.vi, "en": n.en} for n in self.notes],
            "unexpected_changes": [d.isoformat() for d in self.unexpected],
            "dates_evaluated": self.dates_evaluated,
        }

    # ----- rendering ------------------------------------------------------------------------------
    def summary_lines(self, lang: str = "vi") -> list[str]:
        vi = lang != "en"
        d0 = self.reference_date
        lines: list[str] = []
        current = self._period_at(d0)
        if self.verdict == "eligible":
            since = current.start if current is not None else None
            if since is not None:
                lines.append(
                    f"Đủ điều kiện từ ngày {fmt_date(since, lang)}."
                    if vi
                    else f"Eligible since {fmt_date(since, lang)}."
                )
            else:
                lines.append(
                    f"Đủ điều kiện (ít nhất từ ngày {fmt_date(self.window_start, lang)})."
                    if vi
                    else f"Eligible (at least since {fmt_date(self.window_start, lang)})."
                )
        elif self.earliest_eligible is not None:
            first = self._change_on(self.earliest_eligible)
            why = _gain_reason(first, lang) if first else ""
            lines.append(
                f"Từ ngày {fmt_date(self.earliest_eligible, lang)} đủ điều kiện{why}."
                if vi
                else f"Eligible from {fmt_date(self.earliest_eligible, lang)}{why}."
            )
        else:
            lines.append(
                f"Không có ngày nào đủ điều kiện đến ngày {fmt_date(self.window_end, lang)} "
                f"({self.horizon_years} năm) nếu hồ sơ không thay đổi."
                if vi
                else f"Never eligible up to {fmt_date(self.window_end, lang)} ({self.horizon_years} years) "
                f"unless the file changes."
            )
        if self.eligible_until is not None:
            lapse = self._change_on(self.eligible_until + DAY)
            topics = _topics_lost(lapse, lang) if lapse else ""
            if vi:
                about = f" về {topics}" if topics else ""
                lines.append(
                    f"Đủ điều kiện đến hết ngày {fmt_date(self.eligible_until, lang)}; đến ngày "
                    f"{fmt_date(self.eligible_until + DAY, lang)} hết điều kiện{about}."
                )
            else:
                lines.append(
                    f"Eligible until {fmt_date(self.eligible_until, lang)}; from "
                    f"{fmt_date(self.eligible_until + DAY, lang)} no longer meets the "
                    f"{topics or 'conditions'}{' condition' if topics else ''}."
                )
        return lines

    def _moving(self) -> list[CriterionTimeline]:
        """Criteria that do not pass on the reference date or stop passing later in the window."""
        d0 = self.reference_date
        return [
            ct
            for ct in self.criteria.values()
            if ct.outcome != PASS
            or any(
                p.value in ("fail", "waivable", "unknown") for p in ct.periods if p.start is not None and p.start > d0
            )
        ]

    def _period_at(self, d: dt.date) -> Period | None:
        for p in self.periods:
            if p.contains(d):
                return p
        return None

    def _change_on(self, d: dt.date) -> Change | None:
        for c in self.changes:
            if c.date == d:
                return c
        return None

    def render_text(self, lang: str = "vi") -> str:
        vi = lang != "en"
        out: list[str] = []
        out.append(
            ("Mốc thời gian" if vi else "Timeline") + f" ({fmt_date(self.window_start, lang)} – "
            f"{fmt_date(self.window_end, lang)}; "
            + (
                "mỗi ngày được xét theo quy định có hiệu lực vào ngày đó"
                if vi
                else "each date judged by the rules in force on it"
            )
            + ")"
        )
        for note in self.notes:
            out.append("  * " + (note.vi if vi else note.en))
        for line in self.summary_lines(lang):
            out.append("  " + line)
        if self.changes:
            out.append("")
            out.append(
                f"Các ngày kết luận thay đổi (trong {self.horizon_years} năm tới):"
                if vi
                else f"Dates on which the verdict changes (next {self.horizon_years} years):"
            )
            for ch in self.changes:
                out.extend("  " + s for s in _change_lines(ch, lang))
        else:
            out.append("")
            end = fmt_date(self.window_end, lang)
            out.append(
                f"Kết luận không thay đổi trong {self.horizon_years} năm tới (đến {end})."
                if vi
                else f"The verdict does not change in the next {self.horizon_years} years (to {end})."
            )
        moving = self._moving()
        if moving:
            out.append("")
            out.append("Từng tiêu chí theo thời gian:" if vi else "Criteria over time:")
            for ct in moving:
                phrase = _holds_phrase(ct, lang, self.reference_date)
                out.append(f"  {_mark(ct.outcome)} {ct.title.vi if vi else ct.title.en}: {phrase}")
        if self.needed:
            out.append("")
            out.append(
                "Cần thay đổi hồ sơ để đạt (thời gian không tự khắc phục):"
                if vi
                else "Changes needed (time alone does not fix these):"
            )
            for n in self.needed:
                out.append(f"  - {n.title.vi if vi else n.title.en}: {n.text.vi if vi else n.text.en}")
        if self.unexpected:
            out.append("")
            out.append(
                (
                    "Ngày thay đổi ngoài danh sách dự kiến (đã dò từng ngày): "
                    if vi
                    else "Change dates outside the candidate list (found by bisection): "
                )
                + ", ".join(fmt_date(d, lang) for d in self.unexpected)
            )
        return "\n".join(out)

    def render_html(self, lang: str = "vi") -> str:
        """An HTML fragment (a <section>) for :func:`eligibility.explain.render.render_html`."""
        e = html.escape
        vi = lang != "en"
        parts: list[str] = ['<section class="timeline">']
        parts.append(f"<h2>{'Mốc thời gian' if vi else 'Timeline'}</h2>")
        judged = (
            "mỗi ngày được xét theo quy định có hiệu lực vào ngày đó"
            if vi
            else "each date judged by the rules in force on it"
        )
        parts.append(
            f"<p><small>{e(fmt_date(self.window_start, lang))} – {e(fmt_date(self.window_end, lang))}; "
            f"{judged}</small></p>"
        )
        for note in self.notes:
            parts.append(f"<p><i>{e(note.vi if vi else note.en)}</i></p>")
        parts.append("<ul>" + "".join(f"<li>{e(s)}</li>" for s in self.summary_lines(lang)) + "</ul>")
        head = (
            ["Ngày", "Kết luận", "Tiêu chí thay đổi", "Lý do"]
            if vi
            else ["Date", "Verdict", "Criteria that change", "Why"]
        )
        rows: list[str] = []
        for ch in self.changes:
            crit = "<br>".join(
                e(
                    f"{c.title.vi if vi else c.title.en}: {_outcome_label(c.before, lang)} → "
                    f"{_outcome_label(c.after, lang)}"
                )
                for c in ch.criteria
            )
            why = "<br>".join(e("; ".join(x.text.vi if vi else x.text.en for x in c.causes)) for c in ch.criteria)
            if ch.unavailable is not None:
                why = e(ch.unavailable.vi if vi else ch.unavailable.en)
            rows.append(
                f"<tr><td>{e(fmt_date(ch.date, lang))}</td><td>{e(_verdict_label(ch.verdict_before, lang))} → "
                f"{e(_verdict_label(ch.verdict_after, lang))}</td><td>{crit}</td><td>{why}</td></tr>"
            )
        if rows:
            parts.append(
                '<table class="f"><tr>' + "".join(f"<th>{h}</th>" for h in head) + "</tr>" + "".join(rows) + "</table>"
            )
        moving = self._moving()
        if moving:
            parts.append(f"<h3>{'Từng tiêu chí theo thời gian' if vi else 'Criteria over time'}</h3><ul>")
            for ct in moving:
                phrase = _holds_phrase(ct, lang, self.reference_date)
                parts.append(f"<li>{e(ct.title.vi if vi else ct.title.en)}: {e(phrase)}</li>")
            parts.append("</ul>")
        if self.needed:
            parts.append(f"<h3>{'Cần thay đổi hồ sơ để đạt' if vi else 'Changes needed'}</h3><ul>")
            for n in self.needed:
                title, text = (n.title.vi, n.text.vi) if vi else (n.title.en, n.text.en)
                parts.append(f"<li><b>{e(title)}</b>: {e(text)}</li>")
            parts.append("</ul>")
        parts.append("</section>")
        return "\n".join(parts)


def _mark(outcome: str) -> str:
    return {"pass": "✓", "fail": "✗", "waivable": "!", "unknown": "?"}.get(outcome, "–")


def _verdict_label(v: str | None, lang: str) -> str:
    if v is None:
        return "không xét được" if lang != "en" else "cannot be evaluated"
    pair = VERDICT_LABELS[v]
    return pair[1] if lang == "en" else pair[0]


def _outcome_label(o: str, lang: str) -> str:
    if o == ABSENT:
        return "chưa/không còn hiệu lực" if lang != "en" else "not in force"
    if o == UNAVAILABLE:
        return "không xét được" if lang != "en" else "cannot be evaluated"
    pair = OUTCOME_LABELS[o]
    return pair[1] if lang == "en" else pair[0]


def _topic(topic: str, lang: str) -> str:
    pair = TOPIC_LABELS.get(topic, (topic, topic))
    return pair[1] if lang == "en" else pair[0]


def _topics_lost(ch: Change, lang: str) -> str:
    topics = [c.topic for c in ch.criteria if c.before == PASS and c.after != PASS]
    return ", ".join(dict.fromkeys(_topic(t, lang) for t in topics))


def _gain_reason(ch: Change, lang: str) -> str:
    gained = [c for c in ch.criteria if c.before != PASS and c.after == PASS]
    if not gained:
        return ""
    topics = ", ".join(dict.fromkeys(_topic(c.topic, lang) for c in gained))
    return f" (đạt điều kiện về {topics})" if lang != "en" else f" (meets the {topics} condition)"


def _change_lines(ch: Change, lang: str) -> list[str]:
    vi = lang != "en"
    d = fmt_date(ch.date, lang)
    head = f"{d}: {_verdict_label(ch.verdict_before, lang)} → {_verdict_label(ch.verdict_after, lang)}"
    lines = [head]
    if ch.unavailable is not None:
        lines.append("    " + (ch.unavailable.vi if vi else ch.unavailable.en))
    for c in ch.criteria:
        why = "; ".join(x.text.vi if vi else x.text.en for x in c.causes)
        lines.append(
            f"    {c.title.vi if vi else c.title.en}: {_outcome_label(c.before, lang)} → "
            f"{_outcome_label(c.after, lang)}" + (f" — {why}" if why else "")
        )
    if ch.regimes_started:
        lines.append("    " + ("chế độ bắt đầu: " if vi else "regimes starting: ") + ", ".join(ch.regimes_started))
    return lines


def _holds_phrase(ct: CriterionTimeline, lang: str, d0: dt.date, limit: int = 4) -> str:
    """The criterion's outcome on the reference date (since when), then each later change."""
    vi = lang != "en"
    idx = next(i for i, p in enumerate(ct.periods) if p.contains(d0))
    cur = ct.periods[idx]
    text = _outcome_label(cur.value, lang)
    if cur.start is not None and ct.periods[idx - 1].value in _REAL:
        text += f" từ ngày {fmt_date(cur.start, lang)}" if vi else f" since {fmt_date(cur.start, lang)}"
    later = ct.periods[idx + 1 : idx + 1 + limit]
    for p in later:
        assert p.start is not None
        value = ("hết hiệu lực" if vi else "no longer in force") if p.value == ABSENT else _outcome_label(p.value, lang)
        text += f"; từ ngày {fmt_date(p.start, lang)}: {value}" if vi else f"; from {fmt_date(p.start, lang)}: {value}"
    if len(ct.periods) > idx + 1 + limit:
        text += "; …"
    if not later:
        text += " (không đổi đến hết khoảng xét)" if vi else " (unchanged to the end of the window)"
    for d, rc in ct.rule_changes:
        head = f"; từ ngày {fmt_date(d, lang)} quy định đổi: " if vi else f"; rules change on {fmt_date(d, lang)}: "
        text += head + "; ".join(c.text.vi if vi else c.text.en for c in rc)
    return text


# ----- evaluation through the engine --------------------------------------------------------------
@dataclass(frozen=True)
class _State:
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


def _error_text(exc: InputError | RulePackError) -> Text:
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


class _Probe:
    """Evaluates one profile and request on many dates, with caches keyed by rule version."""

    def __init__(self, evaluator: Evaluator, profile: Profile, request: Request) -> None:
        self.ev = evaluator
        self.profile = profile
        self.request = request
        self.breaks = rule_breaks(evaluator, request)
        self.states: dict[dt.date, _State] = {}
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

    def state(self, d: dt.date) -> _State:
        s = self.states.get(d)
        if s is not None:
            return s
        try:
            prepared = self._prepared(d)
        except (InputError, RulePackError) as exc:
            s = _State(d, None, {}, {}, None, _error_text(exc))
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
            s = _State(d, final[0], final[1], values, prepared)
        self.states[d] = s
        return s

    def first_change(self, a: _State, b: _State) -> tuple[_State, _State]:
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
    for a in dict.fromkeys(anchors):
        out.update(_anchored(a, lo, hi))
    return sorted(d for d in out if lo < d <= hi)


# ----- causes -------------------------------------------------------------------------------------
def _thresholds(version: RuleVersion, cid: str, fact: str, lang: str) -> list[str]:
    out: list[str] = []
    for rc in version.criteria:
        if rc.id != cid:
            continue
        for node in cd.walk(rc.condition):
            if (
                isinstance(node, cd.Compare)
                and node.fact == fact
                and isinstance(node.right, cd.Const)
                and node.op in cd.ORDERED
            ):
                out.append(f"{cd.SYMBOL[node.op]} {display(fact, node.right.value, lang)}")
    return list(dict.fromkeys(out))


def _param_uses(state: _State, cid: str) -> dict[str, ParameterUse]:
    if state.prepared is None:
        return {}
    return {u.name: u for u in state.prepared.params.get(cid, [])}


def _causes(evaluator: Evaluator, cid: str, before: _State, after: _State) -> tuple[Cause, ...]:
    if after.error is not None:
        return (Cause("unavailable", "request", None, None, after.error),)
    if before.error is not None:
        return (
            Cause(
                "unavailable",
                "request",
                None,
                None,
                Text(
                    vi="trước ngày này yêu cầu không xét được: " + before.error.vi,
                    en="before this date the request could not be evaluated: " + before.error.en,
                ),
            ),
        )
    ob, oa = before.outcome(cid), after.outcome(cid)
    spec = evaluator.rules.criterion(cid).spec
    causes: list[Cause] = []
    if ob == ABSENT:
        article = spec.citation_on(after.date).article
        start = spec.in_force.from_
        causes.append(
            Cause(
                "in_force",
                cid,
                None,
                after.date.isoformat(),
                Text(
                    vi=f"tiêu chí có hiệu lực từ ngày {fmt_date(start, 'vi')} ({article})",
                    en=f"criterion in force from {fmt_date(start, 'en')} ({article})",
                ),
            )
        )
        return tuple(causes)
    if oa == ABSENT:
        until = spec.in_force.until
        causes.append(
            Cause(
                "in_force",
                cid,
                until.isoformat() if until else None,
                None,
                Text(
                    vi=f"tiêu chí hết hiệu lực sau ngày {fmt_date(until, 'vi')}",
                    en=f"criterion no longer in force after {fmt_date(until, 'en')}",
                ),
            )
        )
        return tuple(causes)
    if (ob == "not_applicable") != (oa == "not_applicable"):
        causes.append(
            Cause(
                "applicability",
                cid,
                ob,
                oa,
                Text(
                    vi="tiêu chí bắt đầu áp dụng cho yêu cầu này"
                    if oa != "not_applicable"
                    else "tiêu chí không còn áp dụng cho yêu cầu này",
                    en="the criterion starts to apply to this request"
                    if oa != "not_applicable"
                    else "the criterion no longer applies to this request",
                ),
            )
        )
    pb, pa = _param_uses(before, cid), _param_uses(after, cid)
    for name in dict.fromkeys(list(pb) + list(pa)):
        ub, ua = pb.get(name), pa.get(name)
        vb = ub.value if ub else None
        va = ua.value if ua else None
        if vb != va:
            src = f"{ua.source.number}, {ua.source.article}" if ua else ""
            causes.append(
                Cause(
                    "parameter",
                    name,
                    vb,
                    va,
                    Text(
                        vi=f"tham số {name}: {vb} → {va}" + (f" ({src})" if src else ""),
                        en=f"parameter {name}: {vb} → {va}" + (f" ({src})" if src else ""),
                    ),
                )
            )
    assert before.prepared is not None and after.prepared is not None
    cb, ca = before.prepared.context.convention, after.prepared.context.convention
    if cb != ca:
        causes.append(
            Cause(
                "convention",
                "age.retirement_convention",
                cb,
                ca,
                Text(vi=f"cách tính tuổi nghỉ hưu: {cb} → {ca}", en=f"retirement-age convention: {cb} → {ca}"),
            )
        )
    names = cd.facts_of(evaluator.rules.criterion(cid).condition)
    for n in names:
        fb, fa = before.facts.get(n), after.facts.get(n)
        if fb == fa:
            continue
        thr_vi = _thresholds(after.prepared.version, cid, n, "vi")
        thr_en = _thresholds(after.prepared.version, cid, n, "en")
        spec_f = FACTS[n]
        causes.append(
            Cause(
                "fact",
                n,
                fb,
                fa,
                Text(
                    vi=f"{spec_f.vi}: {_show(n, fb, 'vi')} → {_show(n, fa, 'vi')}"
                    + (f" (ngưỡng {', '.join(thr_vi)})" if thr_vi else ""),
                    en=f"{spec_f.en}: {_show(n, fb, 'en')} → {_show(n, fa, 'en')}"
                    + (f" (threshold {', '.join(thr_en)})" if thr_en else ""),
                ),
            )
        )
    return tuple(causes)


def _show(name: str, value: object, lang: str) -> str:
    if value is None:
        return "?"
    return display(name, value, lang)


# ----- what would make a criterion pass -----------------------------------------------------------
def _fact_kind(fact: str) -> str:
    if fact == "not_encoded":  # a provision not encoded: no change to the file can make it pass
        return "fixed"
    spec = FACTS[fact]
    if spec.request or fact == "planned_rotation_months":
        return "request"
    if set(spec.inputs) & set(IMMUTABLE_INPUTS):
        return "fixed"
    if fact in _TIME_FACTS or fact.startswith(_TIME_FACT_PREFIXES):
        return "fixed"
    return "profile"


def _nnf(c: cd.Condition, negate: bool = False) -> cd.Condition:
    if isinstance(c, cd.Compare):
        return cd.Compare(c.fact, cd.NEGATE[c.op], c.right) if negate else c
    if isinstance(c, cd.All):
        parts = tuple(_nnf(p, negate) for p in c.parts)
        return cd.AnyOf(parts) if negate else cd.All(parts)
    if isinstance(c, cd.AnyOf):
        parts = tuple(_nnf(p, negate) for p in c.parts)
        return cd.All(parts) if negate else cd.AnyOf(parts)
    if isinstance(c, cd.Not):
        return _nnf(c.part, not negate)
    return c


def _repairs(c: cd.Condition, facts: Mapping[str, object]) -> list[tuple[str, str, Any]] | None:
    """Atomic requirements (fact, op, value) that make ``c`` pass; None if only unchangeable facts would."""
    if kleene(c, facts) == PASS:
        return []
    if isinstance(c, cd.Compare):
        if isinstance(c.right, cd.Const):
            value: Any = c.right.value
        elif isinstance(c.right, cd.FactRef):
            if c.right.name not in facts or _fact_kind(c.right.name) != "request":
                return None
            value = facts[c.right.name]
        else:
            return None
        if _fact_kind(c.fact) == "fixed":
            return None
        return [(c.fact, c.op, value)]
    if isinstance(c, cd.All):
        reqs: list[tuple[str, str, Any]] = []
        for p in c.parts:
            r = _repairs(p, facts)
            if r is None:
                return None
            reqs.extend(r)
        return reqs
    if isinstance(c, cd.AnyOf):
        options = [r for p in c.parts if (r := _repairs(p, facts)) is not None]
        if not options:
            return None
        return min(options, key=lambda r: (len(r), sum(1 for f, _, _ in r if _fact_kind(f) == "request")))
    return None


def _rank_label(vocab: lv.Vocabulary, value: int, lang: str) -> str:
    code = vocab.codes[max(0, min(value, len(vocab.codes) - 1))]
    return vocab.labels_en[code] if lang == "en" else vocab.labels_vi[code]


def requirement_text(fact: str, op: str, value: Any, current: Any) -> Text:
    """What a requirement asks, as an officer writes it ("cần có trình độ cao cấp lý luận chính trị")."""
    ranked = {
        "political_theory_rank": (
            lv.POLITICAL_THEORY,
            "cần có trình độ {} lý luận chính trị",
            "needs {} political theory",
        ),
        "degree_rank": (lv.DEGREE, "cần có trình độ chuyên môn {}", "needs a {} degree"),
        "state_management_rank": (
            lv.STATE_MANAGEMENT,
            "cần có trình độ quản lý nhà nước ngạch {}",
            "needs the state-management {}",
        ),
    }
    if fact in ranked and op in ("ge", "gt") and isinstance(value, int):
        vocab, tpl_vi, tpl_en = ranked[fact]
        v = value + (1 if op == "gt" else 0)
        top = v >= len(vocab.codes) - 1
        return Text(
            vi=tpl_vi.format(_rank_label(vocab, v, "vi")) + ("" if top else " trở lên"),
            en=tpl_en.format(_rank_label(vocab, v, "en")) + ("" if top else " or higher"),
        )
    if fact == "minority_language_count" and op in ("ge", "gt"):
        n = value + (1 if op == "gt" else 0)
        return Text(
            vi=f"cần sử dụng được ít nhất {n} tiếng dân tộc thiểu số",
            en=f"needs at least {n} ethnic-minority language{'s' if n != 1 else ''}",
        )
    fixed: dict[tuple[str, Any], tuple[str, str]] = {
        ("political_standard", "dat"): (
            "cần có kết luận tiêu chuẩn chính trị: đạt",
            "needs a political-standard conclusion: met",
        ),
        ("health_fit", True): (
            "cần có kết luận đủ sức khỏe để hoàn thành nhiệm vụ",
            "needs to be certified fit for duty",
        ),
        ("asset_declaration_verified", True): (
            "cần bản kê khai tài sản, thu nhập được cơ quan có thẩm quyền xác minh",
            "needs the asset declaration verified by the competent body",
        ),
        ("file_verified", True): (
            "cần hồ sơ, lý lịch được thẩm định, xác minh rõ ràng",
            "needs the personal file verified",
        ),
        ("planned_for_target_or_higher", True): (
            "cần có trong quy hoạch (được phê duyệt) chức danh này hoặc chức danh tương đương, cao hơn",
            "needs an approved plan for this title or an equivalent or higher one",
        ),
        ("planned_any", True): ("cần có trong quy hoạch", "needs to be in an approved plan"),
        ("under_investigation", False): (
            "chỉ xem xét khi không còn bị điều tra, truy tố, xét xử",
            "only once no longer under investigation, prosecution or trial",
        ),
        ("under_discipline_consideration", False): (
            "chỉ xem xét khi đã kết thúc việc xem xét kỷ luật",
            "only once the disciplinary consideration has ended",
        ),
        ("party_member", True): ("cần là đảng viên", "needs to be a Party member"),
        ("target_is_higher", True): (
            "chức danh đề nghị phải cao hơn chức vụ hiện tại",
            "the proposed title must be higher than the current post",
        ),
        ("has_current_post", True): ("cần đang giữ chức vụ", "needs to hold a post"),
    }
    if op == "eq" and (fact, value) in fixed:
        vi, en = fixed[(fact, value)]
        return Text(vi=vi, en=en)
    if op == "ne" and isinstance(value, bool) and (fact, not value) in fixed:
        vi, en = fixed[(fact, not value)]
        return Text(vi=vi, en=en)
    spec = FACTS[fact]
    cur_vi = f" (hiện: {_show(fact, current, 'vi')})" if current is not None else " (hồ sơ chưa ghi)"
    cur_en = f" (now: {_show(fact, current, 'en')})" if current is not None else " (not recorded)"
    if spec.type == "bool" and op in ("eq", "ne"):
        want = value if op == "eq" else not value
        return Text(
            vi=f"cần: {spec.vi} — {display(fact, want, 'vi')}{cur_vi}",
            en=f"needs: {spec.en} — {display(fact, want, 'en')}{cur_en}",
        )
    sym = cd.SYMBOL[op]
    prefix_vi = "đề nghị cần " if _fact_kind(fact) == "request" else "cần "
    prefix_en = "the request needs " if _fact_kind(fact) == "request" else "needs "
    return Text(
        vi=f"{prefix_vi}{spec.vi} {sym} {display(fact, value, 'vi')}{cur_vi}",
        en=f"{prefix_en}{spec.en} {sym} {display(fact, value, 'en')}{cur_en}",
    )


def needed_change(
    evaluator: Evaluator, cid: str, outcome: str, state: _State, missing: list[str], waivable: bool
) -> NeededChange:
    """What change to the profile would make criterion ``cid`` pass on the state's date."""
    assert state.prepared is not None
    crit = evaluator.rules.criterion(cid)
    spec = crit.spec
    resolved = next(rc.condition for rc in state.prepared.version.criteria if rc.id == cid)
    cond = _nnf(resolved)
    reqs = _repairs(cond, state.facts)
    title = Text(vi=spec.title.vi, en=spec.title.en)
    tail_vi = " Hoặc cấp có thẩm quyền xem xét, quyết định (trường hợp đặc biệt)." if waivable else ""
    tail_en = " Or the competent authority decides (special case)." if waivable else ""
    miss_vi = f" Cần bổ sung dữ liệu: {', '.join(missing)}." if missing else ""
    miss_en = f" Data to record: {', '.join(missing)}." if missing else ""
    if reqs:
        requirements = tuple(
            Requirement(
                f, op, v, _fact_kind(f), _plain(state.facts.get(f)), requirement_text(f, op, v, state.facts.get(f))
            )
            for f, op, v in dict.fromkeys(reqs)
        )
        text = Text(
            vi="; ".join(r.text.vi for r in requirements) + "." + miss_vi + tail_vi,
            en="; ".join(r.text.en for r in requirements) + "." + miss_en + tail_en,
        )
        return NeededChange(cid, title, spec.topic, outcome, True, requirements, (), tuple(missing), waivable, text)
    if reqs == [] and missing:  # unknown: the data decides
        text = Text(vi=miss_vi.strip() + tail_vi, en=miss_en.strip() + tail_en)
        return NeededChange(cid, title, spec.topic, outcome, True, (), (), tuple(missing), waivable, text)
    blocked: list[str] = []
    for n in cd.facts_of(resolved):
        if _fact_kind(n) == "fixed":
            for inp in FACTS[n].inputs:
                if inp not in blocked and (inp in IMMUTABLE_INPUTS or inp in _RECORD_INPUTS):
                    blocked.append(inp)
    labels = {**IMMUTABLE_INPUTS, **_RECORD_INPUTS}
    vi_l = ", ".join(labels[b][0] for b in blocked) or "dữ kiện không đổi được"
    en_l = ", ".join(labels[b][1] for b in blocked) or "facts that cannot change"
    text = Text(
        vi=f"không khắc phục được bằng thay đổi hồ sơ (phụ thuộc {vi_l}); thời gian cũng không khắc phục "
        f"trong khoảng xét.{miss_vi}{tail_vi}",
        en=f"no change to the file can fix this (it depends on {en_l}); time does not fix it within the "
        f"window either.{miss_en}{tail_en}",
    )
    return NeededChange(cid, title, spec.topic, outcome, False, (), tuple(blocked), tuple(missing), waivable, text)


def _plain(v: object) -> int | bool | str | None:
    return v if isinstance(v, int | bool | str) else None


# ----- building the timeline ----------------------------------------------------------------------
def _runs(points: list[tuple[dt.date, str, Text | None]]) -> list[Period]:
    """Periods from (start date, value) points sorted by date; the first starts before the window."""
    periods: list[Period] = []
    for i, (d, value, note) in enumerate(points):
        end = points[i + 1][0] - DAY if i + 1 < len(points) else None
        periods.append(Period(None if i == 0 else d, end, value, note))
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
    :meth:`Evaluator.evaluate` raises on the reference date itself."""
    d0 = request.date
    decision0 = evaluator.evaluate(profile, request)  # the reference decision, by the default path
    lo = d0 - relativedelta(years=horizon_years if lookback_years is None else lookback_years)
    hi = until if until is not None else d0 + relativedelta(years=horizon_years)
    if hi < d0:
        raise ValueError("the window must end on or after the reference date")
    probe = _Probe(evaluator, profile, request)
    cands = candidate_dates(evaluator, profile, request, lo, hi, probe.breaks)
    if d0 not in cands and d0 != lo:
        cands = sorted(set(cands) | {d0})

    # walk the candidates: a change is on c when state(c-1) differs from state(c)
    transitions: list[tuple[_State, _State]] = []
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
    points: list[tuple[dt.date, str, Text | None]] = [(lo, _vkey(probe.state(lo)), probe.state(lo).error)]
    for a, b in transitions:
        if _vkey(a) != _vkey(b) or (a.error is None) != (b.error is None):
            points.append((b.date, _vkey(b), b.error))
    periods = _runs(points)
    changes: list[Change] = []
    for a, b in transitions:
        if b.date <= d0 or (a.verdict == b.verdict and (a.error is None) == (b.error is None)):
            continue
        changes.append(_change(evaluator, a, b))

    # earliest eligible and until when
    earliest: dt.date | None = None
    eligible_until: dt.date | None = None
    for p in periods:
        if p.value == "eligible" and (p.end is None or p.end >= d0):
            earliest = max(d0, p.start) if p.start is not None else d0
            eligible_until = p.end
            break

    # criteria applicable on the reference date
    criteria: dict[str, CriterionTimeline] = {}
    for f in decision0.findings:
        if f.outcome == "not_applicable":
            continue
        cid = f.criterion
        cpoints: list[tuple[dt.date, str, Text | None]] = [(lo, probe.state(lo).outcome(cid), None)]
        cchanges: list[tuple[dt.date, CriterionChange]] = []
        for a, b in transitions:
            oa, ob = a.outcome(cid), b.outcome(cid)
            if oa != ob:
                cpoints.append((b.date, ob, None))
                if b.date > d0:
                    cchanges.append((b.date, _criterion_change(evaluator, cid, a, b)))
        cperiods = _runs(cpoints)
        hf, hu, run = _holds(cperiods, d0)
        window = (run.start or lo, run.end or hi) if run is not None else None
        rchanges: list[tuple[dt.date, tuple[Cause, ...]]] = []
        for brk in probe.breaks:
            if d0 < brk <= hi:
                sa, sb = probe.state(brk - DAY), probe.state(brk)
                if sa.outcome(cid) == sb.outcome(cid) and sa.outcome(cid) in ("fail", "waivable"):
                    rc = tuple(c for c in _causes(evaluator, cid, sa, sb) if c.kind == "parameter")
                    if rc:
                        rchanges.append((brk, rc))
        criteria[cid] = CriterionTimeline(
            cid, f.title, f.topic, f.outcome, hf, hu, tuple(cperiods), tuple(cchanges), tuple(rchanges), window
        )

    # what time does not fix
    needed: list[NeededChange] = []
    for f in decision0.findings:
        if f.outcome in ("pass", "not_applicable"):
            continue
        ct = criteria[f.criterion]
        if ct.holds_from is not None and ct.holds_from > d0:
            continue  # time fixes it: the timeline gives the date
        needed.append(needed_change(evaluator, f.criterion, f.outcome, state0, list(f.missing), f.waivable))

    notes: list[Text] = []
    prepared0 = state0.prepared
    if request.action == "nomination" and prepared0 is not None:
        ref = format_month_vi(prepared0.context.age_reference_month)
        notes.append(
            Text(
                vi=f"Giới thiệu ứng cử: sự kiện {request.event} ấn định tháng tính tuổi ({ref}), nên ngày nhận hồ sơ không "
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

    decision = annotate_with(decision0, criteria)
    return Timeline(
        profile_id=profile.id,
        request=request.model_dump(mode="json", exclude_none=True),
        reference_date=d0,
        window_start=lo,
        window_end=hi,
        horizon_years=horizon_years,
        verdict=decision0.verdict,
        decision=decision,
        periods=periods,
        changes=changes,
        earliest_eligible=earliest,
        eligible_until=eligible_until,
        criteria=criteria,
        needed=needed,
        notes=notes,
        unexpected=unexpected,
        dates_evaluated=len(probe.states),
        engine_calls=probe.engine_calls,
    )


def _vkey(s: _State) -> str:
    return s.verdict if s.verdict is not None else UNAVAILABLE


_REAL = ("pass", "fail", "waivable", "unknown")


def _holds(periods: list[Period], d0: dt.date) -> tuple[dt.date | None, dt.date | None, Period | None]:
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
    start = p.start if p.start is not None and periods[target - 1].value in _REAL else None
    end = p.end if p.end is not None and periods[target + 1].value in _REAL else None
    return start, end, p


def _criterion_change(evaluator: Evaluator, cid: str, a: _State, b: _State) -> CriterionChange:
    spec = evaluator.rules.criterion(cid).spec
    return CriterionChange(
        cid,
        Text(vi=spec.title.vi, en=spec.title.en),
        spec.topic,
        a.outcome(cid),
        b.outcome(cid),
        _causes(evaluator, cid, a, b),
    )


def _change(evaluator: Evaluator, a: _State, b: _State) -> Change:
    ids = [cid for cid in dict.fromkeys(list(a.outcomes) + list(b.outcomes)) if a.outcome(cid) != b.outcome(cid)]
    # only a criterion moving into or out of fail / waivable / unknown can move the verdict
    ids = [cid for cid in ids if {a.outcome(cid), b.outcome(cid)} & {"fail", "waivable", "unknown"}]
    if a.error is not None or b.error is not None:
        ids = []
    crit = tuple(_criterion_change(evaluator, cid, a, b) for cid in ids)
    rules = evaluator.rules
    started = tuple(r.id for r in rules.regimes if r.from_ == b.date)
    ended = tuple(r.id for r in rules.regimes if r.until is not None and r.until == a.date)
    return Change(b.date, a.verdict, b.verdict, crit, started, ended, b.error)


def _verify(
    evaluator: Evaluator,
    profile: Profile,
    request: Request,
    decision0: Decision,
    state0: _State,
    transitions: list[tuple[_State, _State]],
) -> None:
    """Every reported change, and the reference date, agree with a full :meth:`Evaluator.evaluate`."""

    def full(d: dt.date) -> tuple[str | None, dict[str, str]]:
        try:
            dec = evaluator.evaluate(profile, request.model_copy(update={"date": d}))
        except (InputError, RulePackError):
            return None, {}
        return dec.verdict, {f.criterion: f.outcome for f in dec.findings}

    def same(s: _State, got: tuple[str | None, dict[str, str]]) -> bool:
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
