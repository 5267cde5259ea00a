"""The pool report: verdict counts, the failure funnel, missing inputs, structure against targets.

Built incrementally (:class:`PoolAccumulator`) so that a pool of any length is summarised in
flat memory while the results stream to the writers; :func:`pool_report` does it in one call.

* **Funnel** — per criterion: how many people it applies to, fail, waivable, unknown; how many it
  alone fails (their only failing criterion); and, taking criteria in order of failures, how many
  people are left without a failure. The **binding** criterion is the one that alone fails the
  most people.
* **Missing inputs** — which profile fields (and so which columns) cause the most ``unknown``
  findings (from ``Decision.missing_inputs``).
* **Structure** — the pool's shares against the rule pack's pool targets (central
  ``rules/targets.yaml`` plus the overlay of the request's province only). Targets are reported,
  never applied to a person.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from eligibility.batch.mapping import input_header
from eligibility.batch.screen import RowResult
from eligibility.errors import Problem
from eligibility.explain.decision import VERDICT_LABELS
from eligibility.explain.lean import Traits
from eligibility.explain.roster import Held, Roster
from eligibility.model import levels as lv
from eligibility.model.request import Request
from eligibility.rulepack.loader import RulePack
from eligibility.rulepack.schema import PoolTarget
from eligibility.rulepack.targets import TargetWindow, window

VERDICTS = ("eligible", "needs_authority", "incomplete", "not_eligible", "input_error", "internal_error")
LABELS: dict[str, tuple[str, str]] = {
    **VERDICT_LABELS,
    "input_error": ("Lỗi dữ liệu đầu vào", "Input error"),
    "internal_error": (
        "Lỗi nội bộ, chưa xét được (không phải kết luận)",
        "Internal fault, not screened (not a verdict)",
    ),
}
MEASURES = {
    "young": ("cán bộ trẻ", "young cadres"),
    "women": ("cán bộ nữ", "women"),
    "ethnic_minority": ("người dân tộc thiểu số", "ethnic minorities"),
    "nonlocal_heads": ("không là người địa phương", "non-local"),
    "degree_at_least": ("trình độ chuyên môn", "degree"),
    "political_theory_at_least": ("lý luận chính trị", "political theory"),
    "state_management_at_least": ("quản lý nhà nước", "state management"),
    "civil_service_grade_at_least": ("ngạch công chức", "civil-service grade"),
    "minority_language": ("biết tiếng dân tộc thiểu số", "speak a minority language"),
    "party_member": ("đảng viên", "Party members"),
    "all_of": ("đạt đồng thời các tiêu chuẩn", "meet all the standards"),
    "title_standard": ("đạt tiêu chuẩn của chức danh", "meet the title's standard"),
    "concurrent_titles": ("kiêm nhiệm các chức danh", "hold the titles together"),
}
KINDS = {
    "pool": ("chỉ tiêu cơ cấu", "structure target"),
    "training": ("chỉ tiêu đào tạo (không dùng để loại người)", "training target (never a bar)"),
    "informational": (
        "tỷ lệ để tham khảo, văn bản không nêu con số",
        "share for reference; the source gives no figure",
    ),
}
RANK_VOCAB = {
    "degree_at_least": lv.DEGREE,
    "political_theory_at_least": lv.POLITICAL_THEORY,
    "state_management_at_least": lv.STATE_MANAGEMENT,
    "civil_service_grade_at_least": lv.CIVIL_SERVICE_GRADE,
}
Range = tuple[bool, bool]  # (yes under the reading that gives fewer, yes under the one that gives more)
OPS = {"ge": "≥", "gt": ">", "le": "≤"}
CHANGE_DATE_NOTE = (
    'Cột "Kết luận thay đổi từ ngày" để trống: chạy lại với --timeline để tính cho từng người (chính xác từng ngày, '
    "khoảng 0,1–0,5 giây một dòng), hoặc dùng `eligibility explain` cho một người.",
    'The "next verdict change" column is empty: run again with --timeline to compute it per person (exact to the '
    "day, about 0.1–0.5 s a row), or use `eligibility explain` for one person.",
)
CHANGE_DATE_DONE = (
    'Cột "Kết luận thay đổi từ ngày": ngày đầu tiên trong 10 năm tới mà kết luận thay đổi (tính như `eligibility '
    "explain`, theo quy định có hiệu lực vào từng ngày); để trống khi không thay đổi.",
    'Column "next verdict change": the first day within 10 years on which the verdict changes (as '
    "`eligibility explain` computes it, with the rules in force on each day); empty when it does not change.",
)


@dataclass
class CriterionStat:
    criterion: str
    title_vi: str
    title_en: str
    applies: int = 0
    passed: int = 0
    fail: int = 0
    waivable: int = 0
    unknown: int = 0
    alone: int = 0  # people for whom this is the only failing criterion
    remaining: int = 0  # people without a failure after this and all criteria above it in the funnel


@dataclass
class MissingStat:
    input: str
    column: str  # the column that records it
    people: int
    criteria: list[str]
    only_gap: int  # people for whom this is the only missing input


@dataclass
class TargetStat:
    target: PoolTarget
    province: str | None  # overlay province, None for central targets
    window: TargetWindow | None = None
    scope: int = 0  # people the target counts (screened basis: by the screened post; roster: by their own posts)
    scope_unknown: int = 0  # people who may be in scope but whose data cannot tell (e.g. committee seats not recorded)
    known: int = 0
    yes: int = 0  # people meeting the measure (for "người địa phương": under the broad reading — fewer non-local)
    yes_high: int = 0  # … under the strict reading (more non-local); equal to ``yes`` for other measures
    eligible_scope: int = 0
    eligible_known: int = 0
    eligible_yes: int = 0

    @property
    def actual(self) -> float | None:
        return 100.0 * self.yes / self.known if self.known else None

    @property
    def actual_high(self) -> float | None:
        return 100.0 * self.yes_high / self.known if self.known else None

    @property
    def eligible_actual(self) -> float | None:
        return 100.0 * self.eligible_yes / self.eligible_known if self.eligible_known else None

    @property
    def gap(self) -> float | None:
        a = self.actual
        if a is None or self.target.percent is None:
            return None
        return a - self.target.percent

    def _one(self, a: float, count: int) -> str:
        t = self.target
        if t.count_min is not None:
            if count < t.count_min:
                return "not met"
            return "above the range" if t.count_max is not None and count > t.count_max else "met"
        assert t.percent is not None
        ok = {"ge": a >= t.percent, "gt": a > t.percent, "le": a <= t.percent}[t.op]
        if ok and t.percent_max is not None and t.op != "le" and a > t.percent_max:
            return "above the range"
        return "met" if ok else "not met"

    def status(self, actual: float | None = None) -> tuple[str, str]:
        labels = {
            "met": ("đạt", "met"),
            "not met": ("chưa đạt", "not met"),
            "above the range": ("vượt mức trên của khoảng", "above the range"),
        }
        t = self.target
        if self.scope == 0:
            if self.scope_unknown:
                return ("thiếu dữ liệu để xác định phạm vi", "no data to tell who is in scope")
            return ("không có người thuộc phạm vi", "nobody in scope")
        if actual is not None:  # one share given by the caller (e.g. among eligible people)
            return labels[self._one(actual, 0)] if t.kind != "informational" else ("không có chỉ tiêu số", "no figure")
        if self.known == 0:
            return ("thiếu dữ liệu", "no data")
        if t.kind == "informational":
            return ("không có chỉ tiêu số", "no figure to compare")
        low, high = self._one(self.actual or 0.0, self.yes), self._one(self.actual_high or 0.0, self.yes_high)
        if low != high:
            return ("chưa chắc: các cách hiểu khác nhau", "uncertain: the readings differ")
        return labels[low]

    @property
    def deadline(self) -> dt.date | None:
        return self.window.deadline if self.window is not None else None

    def target_text(self) -> str:
        t = self.target
        if t.kind == "informational":
            text = "không có tỷ lệ"
        elif t.count_min is not None:
            text = f"{t.count_min}–{t.count_max} người" if t.count_max is not None else f"≥ {t.count_min} người"
        elif t.percent_max is not None:
            text = f"{t.percent}–{t.percent_max}%"
        else:
            text = f"{OPS[t.op]} {t.percent}%"
        if t.kind == "training":
            text += " (đào tạo)"
        if self.deadline is not None:
            text += f"; hạn {self.deadline:%d/%m/%Y}"
        return text

    def actual_text(self) -> str:
        """The share, or the range the two readings of "người địa phương" give."""
        a, b = self.actual, self.actual_high
        if a is None or b is None:
            return "—"
        if self.target.count_min is not None:
            return f"{self.yes}" if self.yes == self.yes_high else f"{self.yes}–{self.yes_high}"
        return f"{a:.1f}%" if self.yes == self.yes_high else f"{a:.1f}–{b:.1f}%"

    def scope_text(self, group_names: Mapping[str, str] | None = None) -> str:
        """The target's scope in words; title groups by the names of their titles (``group_names``)."""
        t = self.target
        names = group_names or {}

        def groups(codes: list[str]) -> str:
            return "; ".join(names.get(g, g) for g in codes)

        parts = []
        if t.basis == "roster":
            parts.append(
                {
                    "incumbents": "người đang giữ chức vụ",
                    "planned": "người trong quy hoạch",
                    "both": "đương chức và trong quy hoạch",
                }[t.population]
            )
        if t.levels:
            parts.append(", ".join(lv.LEVEL.labels_vi[x] for x in t.levels))
        if t.groups and t.groups != ["any"]:
            parts.append(f"chức danh: {groups(t.groups)}")
        if t.exclude_groups:
            parts.append(f"trừ: {groups(t.exclude_groups)}")
        if t.committee is not None:
            role = "ủy viên ban thường vụ" if t.committee.role == "standing" else "cấp ủy viên"
            where = ", ".join(lv.LEVEL.labels_vi[x] for x in t.committee.levels) if t.committee.levels else "các cấp"
            parts.append(f"{'hoặc ' if t.groups else ''}{role} {where}")
        if t.measure == "young" and t.age_under is not None:
            parts.append(f"dưới {t.age_under} tuổi")
        if t.rank_at_least and t.measure in RANK_VOCAB:
            vocab = RANK_VOCAB[t.measure]
            parts.append(f"từ {vocab.labels_vi.get(t.rank_at_least, t.rank_at_least)} trở lên")
        for part in t.parts:
            vocab = RANK_VOCAB[part.measure]
            parts.append(
                f"{MEASURES[part.measure][0]} từ {vocab.labels_vi.get(part.rank_at_least, part.rank_at_least)}"
            )
        return "; ".join(parts) or "toàn bộ"

    def citation(self, source_titles: Mapping[str, str]) -> str:
        """Where the target comes from: document, article, tag, and for a provincial plan the seed's words."""
        tg = self.target
        text = f"{source_titles.get(tg.source.id, tg.source.id)}, {tg.source.article} [{tg.source.tag}]"
        if tg.quote is not None:
            text += f" — trích tài liệu gốc {tg.quote.seed}, dòng {tg.quote.lines}: «{tg.quote.text}»"
        return text


@dataclass
class PoolReport:
    request: dict[str, Any]
    rulepack: str
    rows: int
    screened: int
    errors: int
    blank_rows: int
    verdicts: dict[str, int]
    criteria: list[CriterionStat]  # funnel order
    binding: CriterionStat | None
    missing: list[MissingStat]
    targets: list[TargetStat]
    warnings: list[Problem] = field(default_factory=list)
    duplicates: list[tuple[int, str, int]] = field(default_factory=list)  # (row, id, first row)
    faults: int = 0  # rows that hit an internal fault (engine, time limit, worker death): listed, never verdicts
    error_columns: list[tuple[str, int]] = field(default_factory=list)  # column → rows with an error there
    notes: list[tuple[str, str]] = field(default_factory=list)
    source_titles: dict[str, str] = field(default_factory=dict)  # source id → "number"
    group_names: dict[str, str] = field(default_factory=dict)  # title group → the names of its titles

    def percent(self, n: int, of: int | None = None) -> str:
        d = self.rows if of is None else of
        return f"{100.0 * n / d:.1f}%" if d else "—"


# every count of a TargetStat (summed when accumulators merge; a count added to TargetStat is merged too)
_TARGET_COUNTS = tuple(f.name for f in dataclasses.fields(TargetStat) if f.type == "int")


def group_names(rules: RulePack) -> dict[str, str]:
    """Each title group of the catalogue by the Vietnamese names of its titles (for the targets' scopes)."""
    found: dict[str, list[str]] = {}
    for t in rules.titles.values():
        for g in t.groups:
            found.setdefault(g, []).append(t.vi)
    return {g: ", ".join(vi) for g, vi in found.items()}


def request_province(rules: RulePack, request: Request) -> str | None:
    """The request's province on its date (a province merged in 2025 → the one it joined; None if unknown)."""
    if request.locality is None:
        return None
    places = rules.localities
    if places is None:
        return request.locality
    code = places.resolve(request.locality)
    if code is None:
        return request.locality
    found = places.candidates(code, request.date)
    return next(iter(found)) if len(found) == 1 else None


def targets_for(rules: RulePack, request: Request) -> list[tuple[PoolTarget, str | None]]:
    """The pool targets that apply to a request: those in force on its date (from the plan's date through
    31/12 of the target year, cut by a replacing document or by the end of the plan's province) — central ones,
    and the provincial ones of the request's province only."""
    return [(t, t.province) for t, _ in _selected(rules, request)]


def _selected(rules: RulePack, request: Request) -> list[tuple[PoolTarget, TargetWindow]]:
    here = request_province(rules, request)
    out: list[tuple[PoolTarget, TargetWindow]] = []
    for t in rules.targets:
        w = window(t, rules.localities)
        if not w.contains(request.date):
            continue
        if t.province is None or t.province == here:
            out.append((t, w))
    return out


def target_notes(rules: RulePack, request: Request) -> list[tuple[str, str]]:
    """Why a provincial plan's targets are no longer reported for the request's province: the plan's province ended
    in a 2025 merger and the new province was not found to have adopted them (one note per plan)."""
    here = request_province(rules, request)
    places = rules.localities
    if here is None or places is None:
        return []
    notes: list[tuple[str, str]] = []
    seen: set[tuple[str, str]] = set()
    for t in rules.targets:
        if t.province is None:
            continue
        w = window(t, places)
        m = w.ended_by
        if m is None or w.end is None or request.date <= w.end or places.as_of(t.province, request.date) != here:
            continue
        key = (t.province, t.source.id)
        if key in seen:
            continue
        seen.add(key)
        into = next(i for i, members in m.into.items() if t.province == i or t.province in members)
        members = m.into[into]
        plan = rules.sources[t.source.id].number if t.source.id in rules.sources else t.source.id
        nq = rules.sources[m.source.id].number if m.source.id in rules.sources else m.source.id
        old_vi, old_en = places.label(t.province, "vi"), places.label(t.province, "en")
        new_vi, new_en = places.label(into, "vi"), places.label(into, "en")
        if t.province == into:
            others_vi = ", ".join(places.label(x, "vi") for x in members)
            others_en = ", ".join(places.label(x, "en") for x in members)
            how_vi = f"{old_vi} và {others_vi} hợp nhất thành {new_vi} mới"
            how_en = f"{old_en} and {others_en} merged into a new {new_en}"
        else:
            how_vi, how_en = f"{old_vi} hợp nhất vào {new_vi}", f"{old_en} merged into {new_en}"
        notes.append(
            (
                f"Chỉ tiêu của {plan} ({old_vi}) không còn báo cáo: kế hoạch kết thúc cùng {old_vi} ngày "
                f"{w.end:%d/%m/%Y} — {how_vi} từ {m.from_:%d/%m/%Y} (Nghị quyết {nq}); chưa thấy {new_vi} kế thừa "
                "các chỉ tiêu này.",
                f"The targets of {plan} ({old_en}) are no longer reported: the plan ended with {old_en} on "
                f"{w.end.isoformat()} — {how_en} on {m.from_.isoformat()} (Resolution {nq}); {new_en} was not found to "
                "have adopted them.",
            )
        )
    return notes


def _rank(measure: str, rank: str | None, value: int | None) -> bool | None:
    if value is None or rank is None:
        return None
    return value >= RANK_VOCAB[measure].rank(rank)


def _kleene_and(values: list[bool | None]) -> bool | None:
    if any(v is False for v in values):
        return False
    return None if any(v is None for v in values) else True


def _rank_value(measure: str, tr: Traits) -> int | None:
    r = tr.roster
    if measure == "degree_at_least":
        return tr.degree_rank
    if measure == "political_theory_at_least":
        return tr.political_theory_rank
    if measure == "state_management_at_least":
        return r.state_management_rank if r else None
    if measure == "civil_service_grade_at_least":
        return r.grade_rank if r else None
    return None  # pragma: no cover - RANK_VOCAB closes the list


def _same(v: bool | None) -> Range | None:
    return None if v is None else (v, v)


def _measure(t: PoolTarget, tr: Traits, held: list[Held] | None = None) -> Range | None:
    """The measure for one person in scope: (yes, yes) when known, (False, True) when the two readings of
    "người địa phương" differ, None when the data cannot tell. ``held``: the titles that put the person in scope
    (roster basis)."""
    m = t.measure
    if m == "young":
        return None if t.age_under is None else _same(tr.age_years < t.age_under)
    if m == "women":
        return _same(tr.sex == "female")
    if m == "ethnic_minority":
        return _same(tr.minority)
    if m == "nonlocal_heads":
        if t.basis == "screened":
            return _same(None if tr.local is None else not tr.local)
        posts = [h for h in held or [] if h.level is not None]
        if not posts:
            return None
        broad, strict = posts[0].local
        if broad is False:  # not local even under the broad reading: not local under both
            return (True, True)
        if strict is True:  # local even under the strict reading: local under both
            return (False, False)
        if broad is True and strict is False:
            return (False, True)  # non-local only under the strict reading
        return None
    if m in RANK_VOCAB:
        return _same(_rank(m, t.rank_at_least, _rank_value(m, tr)))
    if m == "all_of":
        return _same(_kleene_and([_rank(p.measure, p.rank_at_least, _rank_value(p.measure, tr)) for p in t.parts]))
    if m == "minority_language":
        return _same(None if tr.minority_languages is None else tr.minority_languages >= 1)
    if m == "party_member":
        return _same(tr.roster.party_member if tr.roster else None)
    if m == "title_standard":
        if not held:
            return None
        standards = held[0].standards
        got = {"degree": tr.degree_rank, "political_theory": tr.political_theory_rank}
        parts: list[bool | None] = []
        for key in t.standards:
            need, have = standards.get(key), got[key]
            parts.append(None if need is None or have is None else have >= need)
        return _same(_kleene_and(parts))
    if m == "concurrent_titles":
        r = tr.roster
        if r is None or not r.posts_known:
            return None
        found = [[h for h in r.posts if h.title == code] for code in t.titles]
        if any(not f for f in found):
            return (False, False)
        districts = {lv.fold(h.district) if h.district else None for f in found for h in f}
        if None in districts:
            return None
        return _same(len(districts) == 1)
    return None  # pragma: no cover - schema closes the list


def _matches(t: PoolTarget, h: Held) -> bool:
    if t.levels and h.level not in t.levels:
        return False
    if h.groups & set(t.exclude_groups):
        return False
    return "any" in t.groups or bool(h.groups & set(t.groups))


def _roster_scope(t: PoolTarget, r: Roster) -> tuple[bool | None, list[Held]]:
    """In scope by the person's own posts, plans or committee seats (None: cannot tell); the matching titles."""
    held: list[Held] = []
    unknown = False
    if t.groups:
        if t.population in ("incumbents", "both"):
            held += [h for h in r.posts if _matches(t, h)]
            unknown = unknown or not r.posts_known
        if t.population in ("planned", "both"):
            held += [h for h in r.planned if _matches(t, h)]
            unknown = unknown or not r.planning_known
    if held:
        return True, held
    if t.committee is not None:
        if r.seats is None:
            return None, []
        rank = lv.COMMITTEE_ROLE.rank(t.committee.role)
        levels = t.committee.levels
        if any((levels is None or level in levels) and role >= rank for level, role in r.seats):
            return True, []
    return (None if unknown else False), []


def _in_scope(t: PoolTarget, tr: Traits) -> tuple[bool | None, list[Held]]:
    if t.basis == "roster":
        if tr.roster is None:
            return None, []
        return _roster_scope(t, tr.roster)
    if t.levels and tr.target_level not in t.levels:
        return False, []
    return ("any" in t.groups or bool(set(t.groups) & set(tr.target_groups))), []


class PoolAccumulator:
    """Feed it every :class:`RowResult` (``add``); ``report()`` at the end."""

    def __init__(self, rules: RulePack, request: Request, *, warnings: list[Problem] | None = None) -> None:
        self.change_dates = False  # rows carry their next verdict change (screen --timeline)
        self.rules = rules
        self.request = request
        self.warnings = list(warnings or [])
        self.rows = 0
        self.verdicts: Counter[str] = Counter()
        self.stats: dict[str, CriterionStat] = {}
        self.fail_sets: Counter[frozenset[str]] = Counter()
        self.missing_people: Counter[str] = Counter()
        self.missing_criteria: dict[str, set[str]] = {}
        self.missing_only: Counter[str] = Counter()
        self.targets = [TargetStat(t, t.province, w) for t, w in _selected(rules, request)]
        self.first_row: dict[str, int] = {}
        self.duplicates: list[tuple[int, str, int]] = []
        self.error_columns: Counter[str] = Counter()
        self.blank_rows = 0
        self.track_ids = True  # False: another accumulator of the same rows finds the duplicate ids

    def add(self, r: RowResult) -> None:
        self.rows += 1
        if r.id is not None and self.track_ids:
            first = self.first_row.setdefault(r.id, r.row)
            if first != r.row and len(self.duplicates) < 10_000:
                self.duplicates.append((r.row, r.id, first))
        if r.status != "ok":
            self.verdicts[r.status] += 1
            for col in {p.location for p in r.problems}:
                self.error_columns[col] += 1
            return
        self.verdicts[r.verdict or "?"] += 1
        titles = {b.criterion: b for b in r.findings}
        failing: set[str] = set()
        for cid, outcome in r.outcomes.items():
            if outcome == "not_applicable":
                continue
            st = self.stats.get(cid)
            if st is None:
                title = titles.get(cid)
                st = self.stats[cid] = CriterionStat(
                    cid, title.title_vi if title else "", title.title_en if title else ""
                )
            elif not st.title_vi and cid in titles:
                st.title_vi, st.title_en = titles[cid].title_vi, titles[cid].title_en
            st.applies += 1
            if outcome == "pass":
                st.passed += 1
            elif outcome == "fail":
                st.fail += 1
                failing.add(cid)
            elif outcome == "waivable":
                st.waivable += 1
            elif outcome == "unknown":
                st.unknown += 1
        self.fail_sets[frozenset(failing)] += 1
        if len(failing) == 1:
            self.stats[next(iter(failing))].alone += 1
        for inp, crits in r.missing_inputs:
            self.missing_people[inp] += 1
            self.missing_criteria.setdefault(inp, set()).update(crits)
        if len(r.missing_inputs) == 1:
            self.missing_only[r.missing_inputs[0][0]] += 1
        if r.traits is not None:
            eligible = r.verdict == "eligible"
            for ts in self.targets:
                inside, held = _in_scope(ts.target, r.traits)
                if inside is None:
                    ts.scope_unknown += 1
                    continue
                if not inside:
                    continue
                value = _measure(ts.target, r.traits, held)
                ts.scope += 1
                ts.eligible_scope += eligible
                if value is not None:
                    ts.known += 1
                    ts.yes += value[0]
                    ts.yes_high += value[1]
                    ts.eligible_known += eligible
                    ts.eligible_yes += eligible and value[0]

    def merge(self, other: PoolAccumulator) -> PoolAccumulator:
        """Add ``other`` — the accumulator of the rows that come after this one's (another partition of the
        same pool, same request and rule pack) — to this one; the report is then the one of all the rows
        fed to either, as if one accumulator had seen them in order. Returns self."""
        if other.rules.hash != self.rules.hash or other.request != self.request:
            raise ValueError("only accumulators of the same request and rule pack merge")
        self.rows += other.rows
        self.verdicts.update(other.verdicts)
        for cid, st in other.stats.items():
            mine = self.stats.get(cid)
            if mine is None:
                self.stats[cid] = dataclasses.replace(st)
                continue
            if not mine.title_vi and st.title_vi:
                mine.title_vi, mine.title_en = st.title_vi, st.title_en
            for name in ("applies", "passed", "fail", "waivable", "unknown", "alone"):
                setattr(mine, name, getattr(mine, name) + getattr(st, name))
        self.fail_sets.update(other.fail_sets)
        self.missing_people.update(other.missing_people)
        for inp, crits in other.missing_criteria.items():
            self.missing_criteria.setdefault(inp, set()).update(crits)
        self.missing_only.update(other.missing_only)
        for mine_t, theirs in zip(self.targets, other.targets, strict=True):
            for name in _TARGET_COUNTS:
                setattr(mine_t, name, getattr(mine_t, name) + getattr(theirs, name))
        # a file id first seen in the other part is a duplicate of this part's row, if this part has it
        for row, ident, first in other.duplicates:
            if len(self.duplicates) < 10_000:
                self.duplicates.append((row, ident, self.first_row.get(ident, first)))
        for ident, row in other.first_row.items():
            first = self.first_row.setdefault(ident, row)
            if first != row and len(self.duplicates) < 10_000:
                self.duplicates.append((row, ident, first))
        self.duplicates.sort()
        self.error_columns.update(other.error_columns)
        self.blank_rows += other.blank_rows
        self.change_dates = self.change_dates or other.change_dates
        for w in other.warnings:
            if w not in self.warnings:
                self.warnings.append(w)
        return self

    def report(self) -> PoolReport:
        self._fill_titles()
        order = sorted(self.stats.values(), key=lambda s: (-s.fail, -s.waivable, -s.unknown, s.criterion))
        screened = self.rows - self.verdicts["input_error"] - self.verdicts["internal_error"]
        removed: set[str] = set()
        for st in order:
            removed.add(st.criterion)
            st.remaining = sum(n for fs, n in self.fail_sets.items() if not (fs & removed))
        binding = max((s for s in order if s.alone > 0), key=lambda s: (s.alone, s.fail), default=None)
        missing = [
            MissingStat(inp, input_header(inp), n, sorted(self.missing_criteria[inp]), self.missing_only[inp])
            for inp, n in sorted(self.missing_people.items(), key=lambda kv: (-kv[1], kv[0]))
        ]
        verdicts = {v: self.verdicts.get(v, 0) for v in VERDICTS}
        for v, n in self.verdicts.items():
            verdicts.setdefault(v, n)
        notes = [
            self._coverage_note(),
            CHANGE_DATE_DONE if self.change_dates else CHANGE_DATE_NOTE,
            (
                "Chỉ tiêu cơ cấu chỉ được báo cáo, không dùng để loại từng người; tỷ lệ tính trên những người "
                "có dữ liệu.",
                "Structure targets are reported, never applied to a person; shares count people whose data is "
                "recorded.",
            ),
            (
                'Tuổi của chỉ tiêu cán bộ trẻ tính bằng số năm tròn tại ngày xét; "người địa phương" theo '
                'định nghĩa chưa xác minh của bộ quy tắc (tiêu chí "Không là người địa phương"), xét ở cấp của chức '
                "danh (tỉnh, huyện, xã); khi hai cách hiểu (rộng: quê quán, nơi sinh hoặc nơi lớn lên; chặt: sinh ra và lớn lên) "
                "cho kết quả khác nhau, tỷ lệ ghi thành khoảng.",
                'Ages for the young-cadre targets are whole years on the request date; "local" follows the rule '
                "pack's unverified definition (nonlocal.not_local.qd65) at the post's level (province, district, "
                "commune); where its two readings (broad: hometown, birthplace or place of growing up; strict: born "
                "and raised) differ, the share is a range.",
            ),
            (
                "Chỉ tiêu của kế hoạch tỉnh xét theo chính chức vụ, quy hoạch, vị trí cấp ủy của từng người tại ngày xét "
                "(không theo chức danh đang rà soát); chỉ tiêu đào tạo và tỷ lệ tham khảo không dùng để loại người.",
                "Provincial plans' targets count each person by their own posts, plans and committee seats on the "
                "date (not by the post screened for); training targets and reference shares never bar anyone.",
            ),
            *target_notes(self.rules, self.request),
        ]
        return PoolReport(
            request=self.request.model_dump(mode="json", exclude_none=True),
            rulepack=self.rules.hash,
            rows=self.rows,
            screened=screened,
            errors=self.verdicts["input_error"],
            blank_rows=self.blank_rows,
            verdicts=verdicts,
            criteria=order,
            binding=binding,
            missing=missing,
            targets=self.targets,
            warnings=self.warnings,
            duplicates=self.duplicates,
            faults=self.verdicts["internal_error"],
            error_columns=sorted(self.error_columns.items(), key=lambda kv: (-kv[1], kv[0])),
            notes=notes,
            source_titles={s.id: s.number for s in self.rules.sources.values()},
            group_names=group_names(self.rules),
        )

    def _coverage_note(self) -> tuple[str, str]:
        """The pool's coverage line, stated once: how far the rule pack was reviewed and which conditions of the
        request are not encoded for its date (rules/coverage.yaml) — the criteria that applied to some row and
        have a not-encoded window on the date (no engine call: the rows' outcomes say which applied)."""
        from eligibility.explain.coverage import criterion_gap, has_standard, standard_gap
        from eligibility.explain.decision import Coverage, NotEncoded, Text

        cov = self.rules.coverage
        reviewed = cov.reviewed_through if cov else None
        on = self.request.date
        not_encoded: list[NotEncoded] = []
        for c in self.rules.criteria:
            st = self.stats.get(c.id)
            if st is None or not st.applies:
                continue
            gap = criterion_gap(self.rules, c.spec, on)
            post = self.request.post
            known = post is not None and post in self.rules.titles
            if gap is None and c.applies_when is not None and known and has_standard(self.rules, c, str(post)):
                gap = standard_gap(self.rules, c, str(post), on)
            if gap is not None and gap.kind == "not_encoded":
                title = Text(vi=c.spec.title.vi, en=c.spec.title.en)
                not_encoded.append(
                    NotEncoded(criterion=c.id, title=title, encoded_from=gap.encoded_from, reason=gap.reason)
                )
        line = Coverage(
            reviewed_through=reviewed,
            regimes=[],
            not_encoded=not_encoded,
            after_review=reviewed is not None and on > reviewed,
        ).line
        return line("vi"), line("en")

    def _fill_titles(self) -> None:
        for st in self.stats.values():
            if not st.title_vi:
                try:
                    spec = self.rules.criterion(st.criterion).spec
                except KeyError:
                    continue
                st.title_vi, st.title_en = spec.title.vi, spec.title.en


def pool_report(results: Iterable[RowResult], rules: RulePack, request: Request | dict[str, Any]) -> PoolReport:
    """Summarise screened rows (consumes ``results``)."""
    from eligibility.model.load import parse_request

    req = request if isinstance(request, Request) else parse_request(request)
    acc = PoolAccumulator(rules, req)
    for r in results:
        acc.add(r)
    return acc.report()
