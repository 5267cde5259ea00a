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

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from eligibility.batch.mapping import input_header
from eligibility.batch.screen import RowResult, Traits
from eligibility.errors import Problem
from eligibility.explain.decision import VERDICT_LABELS
from eligibility.model import levels as lv
from eligibility.model.request import Request
from eligibility.rulepack.loader import RulePack
from eligibility.rulepack.schema import PoolTarget

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
    "minority_language": ("biết tiếng dân tộc thiểu số", "speak a minority language"),
}
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
    scope: int = 0  # people the target counts (level and group of the screened title)
    known: int = 0
    yes: int = 0
    eligible_scope: int = 0
    eligible_known: int = 0
    eligible_yes: int = 0

    @property
    def actual(self) -> float | None:
        return 100.0 * self.yes / self.known if self.known else None

    @property
    def eligible_actual(self) -> float | None:
        return 100.0 * self.eligible_yes / self.eligible_known if self.eligible_known else None

    @property
    def gap(self) -> float | None:
        a = self.actual
        return None if a is None else a - self.target.percent

    def status(self, actual: float | None = None) -> tuple[str, str]:
        a = self.actual if actual is None else actual
        t = self.target
        if self.scope == 0:
            return ("không có người thuộc phạm vi", "nobody in scope")
        if a is None:
            return ("thiếu dữ liệu", "no data")
        ok = {"ge": a >= t.percent, "gt": a > t.percent, "le": a <= t.percent}[t.op]
        if ok and t.percent_max is not None and t.op != "le" and a > t.percent_max:
            return ("vượt mức trên của khoảng", "above the range")
        return ("đạt", "met") if ok else ("chưa đạt", "not met")

    def target_text(self) -> str:
        t = self.target
        if t.percent_max is not None:
            return f"{t.percent}–{t.percent_max}%"
        return f"{OPS[t.op]} {t.percent}%"

    def scope_text(self) -> str:
        t = self.target
        parts = []
        if t.levels:
            parts.append(", ".join(lv.LEVEL.labels_vi[x] for x in t.levels))
        if t.group != "any":
            parts.append(f"nhóm {t.group}")
        if t.measure == "young" and t.age_under is not None:
            parts.append(f"dưới {t.age_under} tuổi")
        if t.rank_at_least:
            vocab = lv.DEGREE if t.measure == "degree_at_least" else lv.POLITICAL_THEORY
            parts.append(f"từ {vocab.labels_vi.get(t.rank_at_least, t.rank_at_least)} trở lên")
        return "; ".join(parts) or "toàn bộ"


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

    def percent(self, n: int, of: int | None = None) -> str:
        d = self.rows if of is None else of
        return f"{100.0 * n / d:.1f}%" if d else "—"


def targets_for(rules: RulePack, request: Request) -> list[tuple[PoolTarget, str | None]]:
    """The pool targets that apply to a request: every central target, and the overlay targets of
    the request's province only."""
    overlay_of: dict[int, str] = {}
    for code, ov in rules.overlays.items():
        for t in ov.pool_targets:
            overlay_of[id(t)] = code
    out: list[tuple[PoolTarget, str | None]] = []
    for t in rules.targets:
        province = overlay_of.get(id(t))
        if province is None or province == request.locality:
            out.append((t, province))
    return out


def _measure(t: PoolTarget, tr: Traits) -> bool | None:
    m = t.measure
    if m == "young":
        return None if t.age_under is None else tr.age_years < t.age_under
    if m == "women":
        return tr.sex == "female"
    if m == "ethnic_minority":
        return tr.minority
    if m == "nonlocal_heads":
        return None if tr.local is None else not tr.local
    if m == "degree_at_least":
        if tr.degree_rank is None or t.rank_at_least is None:
            return None
        return tr.degree_rank >= lv.DEGREE.rank(t.rank_at_least)
    if m == "political_theory_at_least":
        if tr.political_theory_rank is None or t.rank_at_least is None:
            return None
        return tr.political_theory_rank >= lv.POLITICAL_THEORY.rank(t.rank_at_least)
    if m == "minority_language":
        return None if tr.minority_languages is None else tr.minority_languages >= 1
    return None  # pragma: no cover - schema closes the list


def _in_scope(t: PoolTarget, tr: Traits) -> bool:
    if t.levels and tr.target_level not in t.levels:
        return False
    return t.group == "any" or t.group in tr.target_groups


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
        self.targets = [TargetStat(t, p) for t, p in targets_for(rules, request)]
        self.first_row: dict[str, int] = {}
        self.duplicates: list[tuple[int, str, int]] = []
        self.error_columns: Counter[str] = Counter()
        self.blank_rows = 0

    def add(self, r: RowResult) -> None:
        self.rows += 1
        if r.id is not None:
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
                if not _in_scope(ts.target, r.traits):
                    continue
                value = _measure(ts.target, r.traits)
                ts.scope += 1
                ts.eligible_scope += eligible
                if value is not None:
                    ts.known += 1
                    ts.yes += value
                    ts.eligible_known += eligible
                    ts.eligible_yes += eligible and value

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
                "định nghĩa chưa xác minh của bộ quy tắc (nonlocal.not_local.qd65).",
                'Ages for the young-cadre targets are whole years on the request date; "local" follows the rule '
                "pack's unverified definition (nonlocal.not_local.qd65).",
            ),
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
