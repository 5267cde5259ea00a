"""One row of a comparison: a profile evaluated under side A and side B, and why its verdict differs.

A :class:`Side` is a rule pack (through its :class:`Evaluator`), a reference date and the request
fields. :func:`compare_row` evaluates a pool row on both sides and, when the verdicts differ, names the
criteria whose outcome differs and why (:func:`explain_difference`): a parameter read with another value
(QĐ 80 → QĐ 377: 12 → 24 months), a criterion in force on one side only, a condition rewritten between two
rule packs, or a fact that moved with the date (months to retirement, months since a discipline decision).
With ``when`` (same rule pack, two dates) the exact days of the flip are found with
:mod:`eligibility.explain.timeline`. :func:`rule_changes` is what differs for the request itself.

Whatever happens in a row stays in that row: a row that cannot be read or evaluated is a
:class:`RowComparison` with its problems, an exception an internal fault named in it (:func:`fault_row`),
never a verdict. The pool — in this process, in worker processes or on Dask — is
:mod:`eligibility.batch.compare`.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
from dataclasses import dataclass, field
from typing import Any

from eligibility.batch.reader import PoolRow
from eligibility.batch.workers import FAULT_NAMES, RowTimeout
from eligibility.errors import InputError, Problem, RulePackError
from eligibility.explain.decision import Decision, Finding, Text
from eligibility.explain.evaluate import Evaluator, Prepared
from eligibility.explain.timeline.causes import show
from eligibility.facts.catalog import FACTS
from eligibility.model.load import parse_profile, parse_request
from eligibility.model.profile import Profile
from eligibility.rulepack import conditions as cd
from eligibility.serialize import json_meta

ABSENT = "absent"
BLOCKING = {"fail", "waivable", "unknown"}  # the outcomes that make a verdict other than eligible


@dataclass
class Side:
    """One side of a comparison: a rule pack (through its evaluator), a date and the request fields."""

    evaluator: Evaluator
    date: dt.date
    request: dict[str, Any]  # request fields without the date (row overrides are merged in)
    label: str

    def request_for(self, overrides: dict[str, Any] | None = None) -> Any:
        return parse_request({**self.request, **(overrides or {}), "date": self.date.isoformat()})


@dataclass(frozen=True)
class FlipCause:
    criterion: str
    title: Text
    topic: str
    outcome_a: str  # outcome, "absent" (not in force on that side) or "not_applicable"
    outcome_b: str
    reasons: tuple[Text, ...]
    kinds: tuple[str, ...]  # parameter | in_force | condition | applicability | fact | waiver


@dataclass(frozen=True)
class RowComparison:
    row: int
    profile_id: str | None
    name: str | None = field(metadata=json_meta(skip=True))
    verdict_a: str | None  # None: the row could not be evaluated on that side
    verdict_b: str | None
    causes: tuple[FlipCause, ...] = ()
    problems: tuple[Problem, ...] = field(default=(), metadata=json_meta(omit_empty=True))
    flip_dates: tuple[dt.date, ...] = field(default=(), metadata=json_meta(omit_empty=True))
    fault: bool = field(default=False, metadata=json_meta(omit_empty=True))  # an internal fault, not the input's

    @property
    def flipped(self) -> bool:
        return not self.problems and self.verdict_a != self.verdict_b


def _outcomes(decision: Decision) -> dict[str, Finding]:
    return {f.criterion: f for f in decision.findings}


def explain_difference(a: Side, b: Side, cid: str, fa: Finding | None, fb: Finding | None) -> FlipCause:
    """Why criterion ``cid`` has another outcome under B than under A."""
    reasons: list[Text] = []
    kinds: list[str] = []
    oa = fa.outcome if fa else ABSENT
    ob = fb.outcome if fb else ABSENT
    rules_a, rules_b = a.evaluator.rules, b.evaluator.rules
    spec = None
    for rules in (rules_b, rules_a):
        try:
            spec = rules.criterion(cid).spec
            break
        except KeyError:
            continue
    assert spec is not None
    same_pack = rules_a.hash == rules_b.hash
    if fa is None or fb is None:
        kinds.append("in_force")
        side, rules = ("B", rules_b) if fa is None else ("A", rules_a)
        try:
            window = rules.criterion(cid).spec.in_force
            span = f"{window.from_.isoformat()}…{window.until.isoformat() if window.until else ''}"
        except KeyError:
            span = "?"
        if same_pack or cid in {c.id for c in rules_a.criteria} & {c.id for c in rules_b.criteria}:
            reasons.append(
                Text(
                    vi=f"tiêu chí chỉ có hiệu lực ở {side} (hiệu lực {span})",
                    en=f"criterion in force on side {side} only (in force {span})",
                )
            )
        else:
            reasons.append(
                Text(vi=f"tiêu chí chỉ có trong bộ quy tắc {side}", en=f"criterion exists in rule pack {side} only")
            )
    else:
        if (oa == "not_applicable") != (ob == "not_applicable"):
            kinds.append("applicability")
            reasons.append(
                Text(
                    vi=f"áp dụng ở {'B' if oa == 'not_applicable' else 'A'}, không áp dụng ở "
                    f"{'A' if oa == 'not_applicable' else 'B'}",
                    en=f"applies on side {'B' if oa == 'not_applicable' else 'A'} only",
                )
            )
        pa = {u.name: u for u in fa.parameters}
        pb = {u.name: u for u in fb.parameters}
        for name in dict.fromkeys(list(pa) + list(pb)):
            ua, ub = pa.get(name), pb.get(name)
            va = ua.value if ua else None
            vb = ub.value if ub else None
            if va != vb:
                kinds.append("parameter")
                src = f" ({ub.source.number}, {ub.source.article})" if ub else ""
                reasons.append(Text(vi=f"tham số {name}: {va} → {vb}{src}", en=f"parameter {name}: {va} → {vb}{src}"))
        if not same_pack:
            try:
                ca = cd.to_data(rules_a.criterion(cid).condition)
                cb = cd.to_data(rules_b.criterion(cid).condition)
                if ca != cb:
                    kinds.append("condition")
                    reasons.append(
                        Text(
                            vi=f"điều kiện của tiêu chí khác nhau: {json.dumps(ca, ensure_ascii=False)} → "
                            f"{json.dumps(cb, ensure_ascii=False)}",
                            en=f"the criterion's condition differs: {json.dumps(ca, ensure_ascii=False)} → "
                            f"{json.dumps(cb, ensure_ascii=False)}",
                        )
                    )
                sa, sb = rules_a.criterion(cid).spec, rules_b.criterion(cid).spec
                if (sa.waivable, sa.note) != (sb.waivable, sb.note):
                    kinds.append("waiver")
                    reasons.append(
                        Text(
                            vi=f"khả năng cấp có thẩm quyền xem xét: {sa.waivable} → {sb.waivable}",
                            en=f"waivable by the competent authority: {sa.waivable} → {sb.waivable}",
                        )
                    )
            except KeyError:
                pass
        for name in dict.fromkeys(list(fa.facts) + list(fb.facts)):
            xa, xb = fa.facts.get(name), fb.facts.get(name)
            if xa != xb:
                kinds.append("fact")
                label = FACTS[name].vi if name in FACTS else name
                label_en = FACTS[name].en if name in FACTS else name
                reasons.append(
                    Text(
                        vi=f"{label}: {show(name, xa, 'vi')} → {show(name, xb, 'vi')}",
                        en=f"{label_en}: {show(name, xa, 'en')} → {show(name, xb, 'en')}",
                    )
                )
    if not reasons:
        reasons.append(
            Text(
                vi="kết quả khác nhau (không tìm thấy khác biệt về tham số, dữ kiện)",
                en="the outcome differs (no parameter or fact difference found)",
            )
        )
    return FlipCause(
        cid, Text(vi=spec.title.vi, en=spec.title.en), spec.topic, oa, ob, tuple(reasons), tuple(dict.fromkeys(kinds))
    )


def rule_changes(a: Side, b: Side) -> list[FlipCause]:
    """Criteria whose rules differ between A and B for the base request (no profile needed)."""
    try:
        pa = a.evaluator.prepare(a.request_for())
        pb = b.evaluator.prepare(b.request_for())
    except (InputError, RulePackError):
        return []  # e.g. the post comes from each row
    return _prepared_changes(a, b, pa, pb)


def _prepared_changes(a: Side, b: Side, pa: Prepared, pb: Prepared) -> list[FlipCause]:
    out: list[FlipCause] = []
    ids_a = {c.id: c for c in pa.applicable}
    ids_b = {c.id: c for c in pb.applicable}
    conds_a = {rc.id: cd.to_data(rc.condition) for rc in pa.version.criteria}
    conds_b = {rc.id: cd.to_data(rc.condition) for rc in pb.version.criteria}
    for cid in sorted(set(ids_a) | set(ids_b)):
        c = ids_b.get(cid) or ids_a[cid]
        reasons: list[Text] = []
        kinds: list[str] = []
        if cid not in ids_a or cid not in ids_b:
            side = "B" if cid not in ids_a else "A"
            kinds.append("in_force")
            reasons.append(Text(vi=f"chỉ áp dụng ở {side}", en=f"applies on side {side} only"))
        else:
            ua = {u.name: u.value for u in pa.params.get(cid, [])}
            ub = {u.name: u for u in pb.params.get(cid, [])}
            for name in dict.fromkeys(list(ua) + list(ub)):
                va = ua.get(name)
                vb = ub[name].value if name in ub else None
                if va != vb:
                    kinds.append("parameter")
                    src = f" ({ub[name].source.number}, {ub[name].source.article})" if name in ub else ""
                    reasons.append(
                        Text(vi=f"tham số {name}: {va} → {vb}{src}", en=f"parameter {name}: {va} → {vb}{src}")
                    )
            if not kinds and conds_a.get(cid) != conds_b.get(cid):
                kinds.append("condition")
                reasons.append(
                    Text(vi="điều kiện (sau khi thay tham số) khác nhau", en="the resolved condition differs")
                )
        if reasons:
            out.append(
                FlipCause(
                    cid,
                    Text(vi=c.spec.title.vi, en=c.spec.title.en),
                    c.spec.topic,
                    "applies" if cid in ids_a else ABSENT,
                    "applies" if cid in ids_b else ABSENT,
                    tuple(reasons),
                    tuple(dict.fromkeys(kinds)),
                )
            )
    return out


# ----- one row ------------------------------------------------------------------------------------
@dataclass
class PoolItem:
    row: int
    profile: Profile | None = None
    data: dict[str, Any] | None = None
    request: dict[str, Any] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)
    id: str | None = None
    name: str | None = None


def fault_row(item: PoolItem | PoolRow, kind: str, text: str) -> RowComparison:
    """The row of a comparison that failed inside the program (an exception, a worker that died, a row past
    the time limit): an error row naming the fault, never a verdict."""
    text = " ".join(text.split())[:200]
    if isinstance(item, PoolRow) and item.id is None and (item.cells is not None or item.text is not None):
        with contextlib.suppress(Exception):  # a row still in raw cells (the worker died on it): name it if we can
            item.resolve()
    fault = Problem(
        "(hệ thống / system)",
        f"lỗi nội bộ khi so sánh dòng này, không phải kết luận ({FAULT_NAMES.get(kind, kind)}): {text}",
        f"internal fault while comparing this row, not a verdict ({FAULT_NAMES.get(kind, kind)}): {text}",
        None,
        item.row,
    )
    return RowComparison(item.row, item.id, item.name, None, None, problems=(fault,), fault=True)


def compare_row(item: PoolItem | PoolRow, a: Side, b: Side, *, when: bool = False) -> RowComparison:
    """The row under A and under B: its verdicts, and for a flip its causes (and with ``when`` the days of
    the flip). An exception raised here is the row's internal fault (:func:`fault_row`), never the pool's end."""
    try:
        if isinstance(item, PoolRow):
            item.resolve()
            item = PoolItem(
                item.row, item.profile, item.data, dict(item.request), list(item.problems), item.id, item.name
            )
        return _compare(item, a, b, when=when)
    except RowTimeout:
        raise
    except Exception as exc:  # noqa: BLE001 - one row's fault stays in that row (issue 13)
        return fault_row(item, type(exc).__name__, str(exc))


def _compare(item: PoolItem, a: Side, b: Side, *, when: bool) -> RowComparison:
    if item.problems:
        return RowComparison(item.row, item.id, item.name, None, None, problems=tuple(item.problems))
    try:
        profile = item.profile if item.profile is not None else parse_profile(item.data, row=item.row)
    except InputError as exc:
        return RowComparison(item.row, item.id, item.name, None, None, problems=tuple(exc.problems))
    decisions: list[Decision | None] = []
    problems: list[Problem] = []
    for side in (a, b):
        try:
            decisions.append(side.evaluator.evaluate(profile, side.request_for(item.request)))
        except (InputError, RulePackError) as exc:
            decisions.append(None)
            problems.extend(
                Problem(p.location, f"{side.label}: {p.vi}", f"{side.label}: {p.en}", p.value, item.row)
                for p in exc.problems
            )
    da, db = decisions
    va = da.verdict if da else None
    vb = db.verdict if db else None
    if da is None and db is None:
        return RowComparison(item.row, profile.id, profile.full_name, None, None, problems=tuple(problems))
    causes: list[FlipCause] = []
    flip_dates: tuple[dt.date, ...] = ()
    if va != vb and da is not None and db is not None:
        fa, fb = _outcomes(da), _outcomes(db)
        for cid in dict.fromkeys(list(fa) + list(fb)):
            oa = fa[cid].outcome if cid in fa else ABSENT
            ob = fb[cid].outcome if cid in fb else ABSENT
            if oa != ob and {oa, ob} & BLOCKING:  # pass ↔ absent cannot move a verdict
                causes.append(explain_difference(a, b, cid, fa.get(cid), fb.get(cid)))
        if when:
            flip_dates = _flip_dates(a, b, profile, item.request)
    elif va != vb:
        missing = "B" if db is None else "A"
        causes.append(
            FlipCause(
                "(request)",
                Text(vi="Yêu cầu", en="Request"),
                "request",
                va or "unavailable",
                vb or "unavailable",
                tuple(Text(vi=p.vi, en=p.en) for p in problems)
                or (Text(vi=f"không xét được ở {missing}", en=f"cannot be evaluated on side {missing}"),),
                ("unavailable",),
            )
        )
    return RowComparison(item.row, profile.id, profile.full_name, va, vb, tuple(causes), flip_dates=flip_dates)


def _flip_dates(a: Side, b: Side, profile: Profile, overrides: dict[str, Any]) -> tuple[dt.date, ...]:
    from eligibility.explain import timeline

    first, second = (a, b) if a.date <= b.date else (b, a)
    try:
        tl = timeline.build(first.evaluator, profile, first.request_for(overrides), lookback_years=0, until=second.date)
    except (InputError, RulePackError):
        return ()
    return tuple(c.date for c in tl.changes)
