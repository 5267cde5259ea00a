"""Coverage of the rule pack on a date (issue 11): why a criterion is not evaluated on the request date.

A criterion that applies but whose rules are not encoded for the date is an ``unknown`` finding ("chưa mã hóa
cho ngày này / not encoded for this date"), never silently absent and never a pass; a window where the law of
that time had no such condition (``not_required``, with its source) is ``not_applicable``. Gaps are declared
on criteria (``not_encoded``, ``not_required``, ``covered_by``), implicit before a criterion's first date while
it is still in force on ``rules/coverage.yaml``'s ``reviewed_through``, or come from a title standard encoded
only for other dates. :class:`eligibility.explain.evaluate.Evaluator` reads them in ``prepare`` and ``decide``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

from eligibility.explain.decision import Finding, Outcome, SourceRef, Text
from eligibility.model import levels as lv
from eligibility.rulepack import conditions as cd
from eligibility.rulepack.loader import LoadedCriterion, RulePack
from eligibility.rulepack.schema import Citation, CoverageGap, Criterion

SourceOf = Callable[[Citation], SourceRef]  # the evaluator's (cached) citation → source reference

NOT_ENCODED = cd.Compare("not_encoded", "eq", cd.Const(True))  # always unknown: the fact is never known
_STANDARD_FACTS = {
    "target_required_degree_rank": "degree",
    "target_required_political_theory_rank": "political_theory",
    "target_required_state_management_rank": "state_management",
    "target_required_prior_grade": "prior_grade",
}
_STANDARD_VI = {
    "degree": ("trình độ chuyên môn", "degree"),
    "political_theory": ("lý luận chính trị", "political theory"),
    "state_management": ("quản lý nhà nước", "state management"),
    "prior_grade": ("chức vụ đã kinh qua", "prior post"),
}


@dataclass(frozen=True)
class Gap:
    """Why a criterion is not evaluated on the request date (rules/coverage: not_encoded, not_required)."""

    kind: str  # not_encoded | not_required
    reason: Text
    source: Citation | None
    encoded_from: dt.date | None = None


def criterion_gap(rules: RulePack, spec: Criterion, on: dt.date) -> Gap | None:
    """A declared or implicit coverage gap of the criterion on ``on`` (None: evaluate it, or say nothing)."""
    declared = spec.gap_on(on)
    if declared is not None:
        kind, window = declared
        if not isinstance(window, CoverageGap):
            return None  # covered_by: the same test is evaluated by another criterion
        encoded_from = encoded_after(spec, on) if kind == "not_encoded" else None
        return Gap(kind, Text(vi=window.reason.vi, en=window.reason.en), window.source, encoded_from)
    if spec.in_force.contains(on) or on >= spec.in_force.from_:
        return None
    reviewed = rules.coverage.reviewed_through if rules.coverage else None
    until = spec.in_force.until
    if until is not None and (reviewed is None or until < reviewed):
        return None  # a condition of the past only: nothing to say before it
    first = spec.in_force.from_
    return Gap(
        "not_encoded",
        Text(
            vi=f"quy định áp dụng trước ngày {first:%d/%m/%Y} chưa được mã hóa",
            en=f"the rules before {first.isoformat()} are not encoded",
        ),
        None,
        first,
    )


def encoded_after(spec: Criterion, on: dt.date) -> dt.date | None:
    """The first date after ``on`` on which the criterion is evaluated again, if any."""
    window = next((g for g in spec.not_encoded if g.contains(on)), None)
    if window is None or window.until is None:
        return None
    nxt = window.until + dt.timedelta(days=1)
    if spec.in_force.contains(nxt) or any(cb.contains(nxt) for cb in spec.covered_by):
        return nxt
    return spec.in_force.from_ if spec.in_force.from_ > on else None


def has_standard(rules: RulePack, c: LoadedCriterion, post: str) -> bool:
    """The criterion reads a title standard (applies_when) that the title encodes on some date."""
    assert c.applies_when is not None
    keys = [_STANDARD_FACTS[f] for f in cd.facts_of(c.applies_when) if f in _STANDARD_FACTS]
    return any(getattr(st, key) is not None for key in keys for st in rules.titles[post].standards)


def standard_gap(rules: RulePack, c: LoadedCriterion, post: str, on: dt.date) -> Gap | None:
    """A title standard that is encoded for the title, but not for this date (before its first step)."""
    assert c.applies_when is not None
    keys = [_STANDARD_FACTS[f] for f in cd.facts_of(c.applies_when) if f in _STANDARD_FACTS]
    if not keys:
        return None
    title = rules.titles[post]
    for key in keys:
        steps = [st for st in title.standards if getattr(st, key) is not None]
        if not steps or any(st.from_ <= on and (st.until is None or on <= st.until) for st in steps):
            continue
        later = [st.from_ for st in steps if st.from_ > on]
        first = min(later) if later else None
        vi, en = _STANDARD_VI[key]
        when_vi = f" từ ngày {first:%d/%m/%Y}" if first else " cho thời gian khác"
        when_en = f" from {first.isoformat()}" if first else " for other dates"
        return Gap(
            "not_encoded",
            Text(
                vi=f"tiêu chuẩn {vi} của chức danh {title.vi} chỉ được mã hóa{when_vi}",
                en=f"the {en} standard of {title.en} is encoded only{when_en}",
            ),
            steps[0].source,
            first,
        )
    return None


def gap_finding(c: LoadedCriterion, gap: Gap, on: dt.date, source_ref: SourceOf) -> Finding:
    """The finding of a criterion not evaluated on this date: not encoded (unknown) or not required then."""
    spec = c.spec
    cite = gap.source or spec.citation_on(max(on, spec.in_force.from_))
    if gap.kind == "not_encoded":
        since_vi = f" Tiêu chí được mã hóa từ ngày {gap.encoded_from:%d/%m/%Y}." if gap.encoded_from else ""
        since_en = f" Encoded from {gap.encoded_from.isoformat()}." if gap.encoded_from else ""
        msg = Text(
            vi=f"Chưa mã hóa quy định cho ngày này: {gap.reason.vi}.{since_vi}",
            en=f"Not encoded for this date: {gap.reason.en}.{since_en}",
        )
        outcome: Outcome = "unknown"
    else:
        msg = Text(
            vi=f"Không áp dụng vào ngày này: {gap.reason.vi}.", en=f"Not required on this date: {gap.reason.en}."
        )
        outcome = "not_applicable"
    return Finding(
        criterion=c.id,
        title=Text(vi=spec.title.vi, en=spec.title.en),
        topic=spec.topic,
        outcome=outcome,
        message=msg,
        source=source_ref(cite),
        confidence=cite.tag,
        waivable=spec.waivable,
        overlay=c.overlay,
    )


def status_finding(c: LoadedCriterion, status: str, on: dt.date, source_ref: SourceOf) -> Finding:
    """A criterion for another status than the person's (công chức / viên chức …): not applicable."""
    spec = c.spec
    cite = spec.citation_on(on)
    wanted = spec.staff_status or []
    return Finding(
        criterion=c.id,
        title=Text(vi=spec.title.vi, en=spec.title.en),
        topic=spec.topic,
        outcome="not_applicable",
        message=Text(
            vi=f"Không áp dụng: tiêu chí dành cho {', '.join(lv.STAFF_STATUS.labels_vi[x] for x in wanted)}; "
            f"hồ sơ ghi {lv.STAFF_STATUS.labels_vi[status]}.",
            en=f"Not applicable: the criterion is for {', '.join(lv.STAFF_STATUS.labels_en[x] for x in wanted)}; "
            f"the file records {lv.STAFF_STATUS.labels_en[status]}.",
        ),
        source=source_ref(cite),
        confidence=cite.tag,
        overlay=c.overlay,
    )
