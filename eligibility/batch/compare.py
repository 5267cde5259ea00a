"""Compare a pool under two dates or two rule-pack versions: who flips, and which change caused it.

``compare_pool`` evaluates every profile of a pool twice — side A and side B, each a rule pack
(an :class:`Evaluator`) and a reference date — and reports the profiles whose verdict differs.
For each flip it names the criteria whose outcome differs and why: a parameter read with another
value (QĐ 80 → QĐ 377: 12 → 24 months), a criterion in force on one side only, a condition
rewritten between two rule packs, or a fact that moved with the date (months to retirement,
months since a discipline decision). With ``when=True`` (same rule pack, two dates) the exact
days of the flip between A and B are found with :mod:`eligibility.explain.timeline`.

Pools are read with :func:`eligibility.batch.reader.read_pool` (.xlsx, .csv, .jsonl). A row that
cannot be read is reported as an input error with its row number, never dropped. :func:`compare_files`
is the whole job (what ``eligibility compare`` calls); the JSON of a comparison comes from
:func:`eligibility.serialize.to_data`.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from collections import Counter
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from eligibility.batch.outputs import atomic, check_output, neutralize
from eligibility.batch.reader import read_pool
from eligibility.errors import InputError, Problem, RulePackError
from eligibility.explain.decision import VERDICT_LABELS, Decision, Finding, Text
from eligibility.explain.evaluate import Evaluator, Prepared
from eligibility.explain.inputs import RulesLike, rules_of
from eligibility.explain.timeline.causes import show
from eligibility.facts.catalog import FACTS
from eligibility.model.load import parse_profile, parse_request
from eligibility.model.profile import Profile
from eligibility.progress import Progress
from eligibility.rulepack import conditions as cd
from eligibility.serialize import json_meta, to_data

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

    @property
    def flipped(self) -> bool:
        return not self.problems and self.verdict_a != self.verdict_b


@dataclass
class Comparison:
    a: Side
    b: Side
    rows: list[RowComparison] = field(default_factory=list)
    rule_changes: list[FlipCause] = field(default_factory=list)  # what differs for the base request itself
    source: Path | None = field(default=None, metadata=json_meta(skip=True))  # the pool file (never overwritten)

    @property
    def flips(self) -> list[RowComparison]:
        return [r for r in self.rows if r.flipped]

    @property
    def errors(self) -> list[RowComparison]:
        return [r for r in self.rows if r.problems]

    def transitions(self) -> Counter[tuple[str | None, str | None]]:
        return Counter((r.verdict_a, r.verdict_b) for r in self.flips)

    def to_dict(self) -> dict[str, Any]:
        return {
            "a": {
                "label": self.a.label,
                "date": self.a.date.isoformat(),
                "rulepack": self.a.evaluator.rules.hash,
                "rules": str(self.a.evaluator.rules.root),
            },
            "b": {
                "label": self.b.label,
                "date": self.b.date.isoformat(),
                "rulepack": self.b.evaluator.rules.hash,
                "rules": str(self.b.evaluator.rules.root),
            },
            "total": len(self.rows),
            "flipped": len(self.flips),
            "input_errors": len(self.errors),
            "transitions": {f"{a}→{b}": n for (a, b), n in sorted(self.transitions().items(), key=str)},
            "rule_changes": to_data(self.rule_changes),
            "flips": to_data(self.flips),
            "errors": to_data(self.errors),
        }

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), ensure_ascii=False, indent=2)

    def table_rows(self, lang: str = "vi") -> list[dict[str, str]]:
        """One row per (flipped profile, criterion) and per unreadable input row."""
        out: list[dict[str, str]] = []
        vi = lang != "en"
        for r in self.flips:
            when = ", ".join(d.isoformat() for d in r.flip_dates)
            causes: tuple[FlipCause | None, ...] = r.causes or (None,)
            for c in causes:
                out.append(
                    {
                        "row": str(r.row),
                        "profile_id": r.profile_id or "",
                        "verdict_a": r.verdict_a or "",
                        "verdict_b": r.verdict_b or "",
                        "criterion": c.criterion if c else "",
                        "outcome_a": c.outcome_a if c else "",
                        "outcome_b": c.outcome_b if c else "",
                        "cause": "; ".join(x.vi if vi else x.en for x in c.reasons) if c else "",
                        "flip_dates": when,
                    }
                )
        for r in self.errors:
            out.append(
                {
                    "row": str(r.row),
                    "profile_id": r.profile_id or "",
                    "verdict_a": "input_error",
                    "verdict_b": "input_error",
                    "criterion": "",
                    "outcome_a": "",
                    "outcome_b": "",
                    "cause": "; ".join(p.render(lang) for p in r.problems),
                    "flip_dates": "",
                }
            )
        return out

    def to_csv(self, lang: str = "vi") -> str:
        buf = io.StringIO()
        cols = [
            "row",
            "profile_id",
            "verdict_a",
            "verdict_b",
            "criterion",
            "outcome_a",
            "outcome_b",
            "cause",
            "flip_dates",
        ]
        w = csv.DictWriter(buf, fieldnames=cols)
        w.writeheader()
        for row in self.table_rows(lang):
            w.writerow({k: neutralize(v) for k, v in row.items()})  # ids such as =HYPERLINK(…) stay text
        return buf.getvalue()

    def render_text(self, lang: str = "vi") -> str:
        vi = lang != "en"
        out: list[str] = []
        out.append(f"A: {self.a.label}")
        out.append(f"B: {self.b.label}")
        flips = self.flips
        out.append(
            f"{len(self.rows)} hồ sơ; {len(flips)} thay đổi kết luận; {len(self.errors)} dòng lỗi dữ liệu"
            if vi
            else f"{len(self.rows)} profiles; {len(flips)} change verdict; {len(self.errors)} unreadable rows"
        )
        for (va, vb), n in sorted(self.transitions().items(), key=str):
            out.append(f"  {_verdict(va, lang)} → {_verdict(vb, lang)}: {n}")
        if self.rule_changes:
            out.append("")
            out.append(
                "Quy định khác nhau giữa A và B (cho yêu cầu này):"
                if vi
                else "Rules that differ between A and B (for this request):"
            )
            for c in self.rule_changes:
                out.append(
                    f"  - {c.title.vi if vi else c.title.en} ({c.criterion}): "
                    + "; ".join(x.vi if vi else x.en for x in c.reasons)
                )
        if flips:
            out.append("")
            head = (
                ["Hồ sơ", "A", "B", "Tiêu chí", "A→B", "Nguyên nhân"]
                if vi
                else ["Profile", "A", "B", "Criterion", "A→B", "Cause"]
            )
            if any(r.flip_dates for r in flips):
                head.append("Ngày đổi" if vi else "Flip date")
            table: list[list[str]] = []
            for r in flips:
                first = True
                row_causes: tuple[FlipCause | None, ...] = r.causes or (None,)
                for fc in row_causes:
                    line = [
                        r.profile_id or f"#{r.row}" if first else "",
                        r.verdict_a or "" if first else "",
                        r.verdict_b or "" if first else "",
                        fc.criterion if fc else "",
                        f"{fc.outcome_a}→{fc.outcome_b}" if fc else "",
                        "; ".join(x.vi if vi else x.en for x in fc.reasons) if fc else "",
                    ]
                    if len(head) == 7:
                        line.append(", ".join(d.isoformat() for d in r.flip_dates) if first else "")
                    table.append(line)
                    first = False
            out.extend(_table(head, table))
        if self.errors:
            out.append("")
            out.append("Dòng không đọc được:" if vi else "Rows that could not be read:")
            for r in self.errors:
                for p in r.problems:
                    out.append(f"  - {p.render(lang)}")
        return "\n".join(out)

    def write(self, path: str | Path, lang: str = "vi") -> None:
        p = check_output(path, "--out", [self.source] if self.source is not None else [])
        suffix = p.suffix.lower()
        if suffix == ".json":
            text = self.to_json()
        elif suffix == ".csv":
            text = self.to_csv(lang)
        else:
            text = self.render_text(lang)
        encoding = "utf-8-sig" if suffix == ".csv" else "utf-8"  # a BOM so that Excel reads UTF-8
        with atomic(p, "w", encoding=encoding, newline="") as fh:
            fh.write(text if text.endswith("\n") else text + "\n")


def _table(head: list[str], rows: list[list[str]]) -> list[str]:
    widths = [max(len(h), *(len(r[i]) for r in rows)) if rows else len(h) for i, h in enumerate(head)]
    widths[-1] = len(head[-1])  # the last column is free text
    if len(head) == 7:
        widths[5] = min(widths[5], 90)
    lines = ["  ".join(h.ljust(w) for h, w in zip(head, widths, strict=True)).rstrip()]
    lines.append("  ".join("-" * w for w in widths))
    for r in rows:
        lines.append("  ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)).rstrip())
    return lines


def _verdict(v: str | None, lang: str) -> str:
    if v is None:
        return "không xét được" if lang != "en" else "cannot be evaluated"
    return VERDICT_LABELS[v][1 if lang == "en" else 0]


# ----- why a criterion differs ---------------------------------------------------------------------
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


# ----- the pool --------------------------------------------------------------------------------------
@dataclass
class PoolItem:
    row: int
    profile: Profile | None = None
    data: dict[str, Any] | None = None
    request: dict[str, Any] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)
    id: str | None = None
    name: str | None = None


def read_items(path: str | Path, titles: Any = None) -> Iterator[PoolItem]:
    """Rows of a pool file (.xlsx, .csv, .jsonl), through :func:`eligibility.batch.reader.read_pool`."""
    for row in read_pool(path, titles=titles):
        yield PoolItem(row.row, row.profile, row.data, dict(row.request), list(row.problems), row.id, row.name)


def compare_pool(
    items: Iterable[PoolItem | Profile], a: Side, b: Side, *, when: bool = False, progress: Progress | None = None
) -> Comparison:
    """Evaluate every item under A and under B; record the flips and their causes."""
    result = Comparison(a, b, rule_changes=rule_changes(a, b))
    same_pack = a.evaluator.rules.hash == b.evaluator.rules.hash
    for i, item in enumerate(items, start=1):
        if isinstance(item, Profile):
            item = PoolItem(i, profile=item, id=item.id)
        try:
            row = _compare_one(item, a, b, when=when and same_pack and a.date != b.date)
        except Exception as exc:  # noqa: BLE001 - one row's fault stays in that row (issue 13)
            text = " ".join(str(exc).split())[:200]
            fault = Problem(
                "(hệ thống / system)",
                f"lỗi nội bộ khi so sánh dòng này, không phải kết luận ({type(exc).__name__}): {text}",
                f"internal fault while comparing this row, not a verdict ({type(exc).__name__}): {text}",
                None,
                item.row,
            )
            row = RowComparison(item.row, item.id, item.name, None, None, problems=(fault,))
        result.rows.append(row)
        if progress is not None:
            progress(i, None)
    return result


def compare_files(
    pool: str | Path,
    request: Mapping[str, Any],
    dates: Sequence[str | dt.date],
    rules: RulesLike = None,
    *,
    rules_b: RulesLike = None,
    when: bool = False,
    progress: Progress | None = None,
) -> Comparison:
    """Compare the pool file ``pool`` for ``request`` (its fields; the dates come from ``dates``) at
    ``dates[0]`` under ``rules`` and at ``dates[-1]`` under ``rules_b`` (default: the same pack).
    Give two dates, or one date and two rule packs. ``when`` finds the day of each flip between two
    dates (same rule pack; each timeline verified against ``evaluate``)."""
    days = [str(d) for d in dates]
    rules_a = rules_of(rules)
    pack_b = rules_of(rules_b) if rules_b is not None else rules_a
    two_packs = (pack_b.root, pack_b.hash) != (rules_a.root, rules_a.hash)
    if not days or len(days) > 2:
        raise InputError(Problem("--date", "cần một hoặc hai ngày xét", "one or two dates are needed", ", ".join(days)))
    if len(days) == 1 and not two_packs:
        raise InputError(
            Problem(
                "--date",
                "cần hai ngày (--date A --date B) hoặc hai bộ quy tắc (--rules-a, --rules-b)",
                "give two dates (--date A --date B) or two rule packs (--rules-a, --rules-b)",
            )
        )
    evaluator_a = Evaluator(rules_a)
    evaluator_b = Evaluator(pack_b) if two_packs else evaluator_a
    sides: list[Side] = []
    for evaluator, day in ((evaluator_a, days[0]), (evaluator_b, days[-1])):
        req = parse_request({**request, "date": day})
        fields = req.model_dump(mode="json", exclude_none=True, exclude_defaults=True)
        fields["action"] = req.action
        fields.pop("date", None)
        pack = evaluator.rules
        label = req.date.isoformat() + (f", {pack.root} ({pack.hash})" if two_packs else "")
        sides.append(Side(evaluator, req.date, fields, label))
    result = compare_pool(read_items(pool, rules_a.titles), sides[0], sides[1], when=when, progress=progress)
    result.source = Path(pool)
    return result


def _compare_one(item: PoolItem, a: Side, b: Side, *, when: bool) -> RowComparison:
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
