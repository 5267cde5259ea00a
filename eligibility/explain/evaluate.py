"""Evaluate one request: profile → facts → engine → Decision.

This module prepares the facts and the rule version, asks the engine for every outcome, and
turns the outcomes into findings with messages, parameters and sources.
"""

from __future__ import annotations

import datetime as dt
from collections import ChainMap, defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, cast

from eligibility.engine.compiler import ResolvedCriterion, RuleVersion
from eligibility.engine.reference import evaluate as kleene
from eligibility.errors import InputError, Problem, RulePackError
from eligibility.explain.decision import (
    Coverage,
    Decision,
    Finding,
    MissingInput,
    NotEncoded,
    Outcome,
    ParameterUse,
    RegimeRef,
    SourceRef,
    Text,
    combine,
)
from eligibility.explain.messages import render
from eligibility.facts.catalog import FACTS
from eligibility.facts.derive import FactContext, FactSet, TitleInfo, derive_facts, request_facts
from eligibility.facts.months import format_month, index_of, month_index
from eligibility.model import levels as lv
from eligibility.model.profile import Profile
from eligibility.model.request import Request
from eligibility.rulepack import conditions as cd
from eligibility.rulepack.loader import LoadedCriterion, RulePack
from eligibility.rulepack.schema import Citation, CoverageGap, Criterion, weakest

DISTRICT_LEVEL_ENDS = dt.date(2025, 6, 30)  # Luật Tổ chức chính quyền địa phương 2025: two-level government
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


@dataclass
class Prepared:
    """Everything decided before the engine runs (shared by evaluate, timelines and benchmarks)."""

    request: Request
    level: str | None
    target: TitleInfo | None
    context: FactContext
    version: RuleVersion
    applicable: list[LoadedCriterion]
    not_applicable: list[LoadedCriterion]
    params: dict[str, list[ParameterUse]]  # criterion id → parameters read
    gaps: dict[str, Gap] = field(default_factory=dict)  # criterion id → why it is not evaluated on this date


class Evaluator:
    """Holds a rule pack and an engine; evaluates requests."""

    def __init__(self, rules: RulePack, engine: Any = None) -> None:
        self.rules = rules
        if engine is None:
            from eligibility.engine.durable_adapter import shared_engine

            engine = shared_engine()
        self.engine = engine
        self._titles = {code: self._title_info(code) for code in rules.titles}
        self._prepared: dict[Request, Prepared] = {}  # requests repeat (a pool shares one request)
        self._statics: dict[str, tuple[list[str], dict[str, str], Text]] = {}
        self._sources: dict[tuple[str, str], SourceRef] = {}
        self._regimes: dict[dt.date, list[RegimeRef]] = {}

    # ----- the target post and the context -------------------------------------------------
    def _title_info(self, code: str, on: dt.date | None = None) -> TitleInfo:
        t = self.rules.titles[code]
        standards: dict[str, int] = {}
        minority = False
        for st in t.standards:
            if on is not None and not (st.from_ <= on and (st.until is None or on <= st.until)):
                continue
            if st.degree:
                standards["degree"] = max(standards.get("degree", 0), lv.DEGREE.rank(st.degree))
            if st.political_theory:
                standards["political_theory"] = max(
                    standards.get("political_theory", 0), lv.POLITICAL_THEORY.rank(st.political_theory)
                )
            if st.state_management:
                standards["state_management"] = max(
                    standards.get("state_management", 0), lv.STATE_MANAGEMENT.rank(st.state_management)
                )
            if st.prior_grade:
                standards["prior_grade"] = max(standards.get("prior_grade", 0), st.prior_grade)
            minority = minority or bool(st.minority_language)
        lists = self.rules.nonlocal_lists
        listed = on is not None and any(g in lists and lists[g].from_ <= on for g in t.groups)
        return TitleInfo(code, t.level, t.grade, standards if on else {}, minority, listed, t.term_years)

    def _lookup(self, code: str) -> TitleInfo | None:
        return self._titles.get(code)

    def prepare(self, request: Request) -> Prepared:
        """Resolve the target post, reference month, convention and rule version of a request (cached)."""
        cached = self._prepared.get(request)
        if cached is None:
            cached = self._prepare(request)
            if len(self._prepared) > 4096:
                self._prepared.clear()
            self._prepared[request] = cached
        return cached

    def _prepare(self, request: Request) -> Prepared:
        rules = self.rules
        on = request.date
        problems: list[Problem] = []
        start = rules.coverage.actions.get(request.action) if rules.coverage else None  # type: ignore[call-overload]
        if start is not None and on < start.from_:
            raise InputError(
                Problem(
                    "date",
                    f"việc '{lv.ACTION.labels_vi[request.action]}' chỉ được mã hóa từ ngày {start.from_:%d/%m/%Y}; "
                    "quy định trước đó chưa được mã hóa",
                    f"action '{request.action}' is encoded from {start.from_.isoformat()}; earlier rules are not encoded",
                    on.isoformat(),
                )
            )
        target: TitleInfo | None = None
        level = request.level
        if request.post is not None:
            if request.post not in rules.titles:
                known = ", ".join(sorted(rules.titles)[:12])
                raise InputError(
                    Problem(
                        "post",
                        f"mã chức danh không có trong danh mục (ví dụ: {known}, …)",
                        f"title code not in the catalogue (e.g. {known}, …)",
                        request.post,
                    )
                )
            target = self._title_info(request.post, on)
            level = rules.titles[request.post].level
        if level == "district" and on > DISTRICT_LEVEL_ENDS:
            raise InputError(
                Problem(
                    "post" if request.post else "level",
                    "cấp huyện không còn tồn tại từ ngày 01/7/2025 (chính quyền địa phương hai cấp)",
                    "the district level no longer exists from 1 July 2025 (two-level local government)",
                    request.post or level,
                )
            )
        if (
            request.action in ("appointment", "reappointment", "rotation", "nonlocal_placement", "planning")
            and target is None
        ):
            problems.append(
                Problem(
                    "post",
                    f"việc '{lv.ACTION.labels_vi[request.action]}' cần mã chức danh",
                    f"action '{request.action}' needs a post (title code)",
                )
            )
        convention = request.convention
        ref_month = index_of(on)
        event = None
        if request.action == "nomination":
            if request.event is None or request.event not in rules.events:
                problems.append(
                    Problem(
                        "event",
                        f"cần sự kiện: {', '.join(sorted(rules.events))}",
                        f"an event is needed: {', '.join(sorted(rules.events))}",
                        request.event,
                    )
                )
            elif level is None:
                problems.append(
                    Problem(
                        "level",
                        "cần cấp (tỉnh, huyện, xã, trung ương)",
                        "a level is needed (province, district, commune, central)",
                    )
                )
            else:
                event = rules.events[request.event]
                if on < event.from_:
                    problems.append(
                        Problem(
                            "date",
                            f"sự kiện {request.event} áp dụng từ {event.from_:%d/%m/%Y}; văn bản trước đó chưa được mã hóa",
                            f"event {request.event} applies from {event.from_.isoformat()}; the earlier guidance is not encoded",
                            on.isoformat(),
                        )
                    )
                elif level not in event.reference_months:
                    problems.append(
                        Problem(
                            "level",
                            f"sự kiện {request.event} không có tháng tính tuổi cho cấp này",
                            f"event {request.event} has no reference month for this level",
                            level,
                        )
                    )
                else:
                    y, m = map(int, event.reference_months[level].split("-"))
                    ref_month = month_index(y, m)
                    convention = convention or event.convention
        if request.action == "planning" and request.term:
            start = self._term_start(request.term)
            if start is None:
                problems.append(
                    Problem("term", "nhiệm kỳ phải có dạng YYYY-YYYY", "term must look like YYYY-YYYY", request.term)
                )
            else:
                ref_month = max(start, index_of(on))
        if problems:
            raise InputError(problems)
        if convention is None:
            convention = str(self._param("age.retirement_convention", on)[0])
        ctx = FactContext(on, ref_month, convention, target, request.locality, self._lookup)

        applicable: list[LoadedCriterion] = []
        not_applicable: list[LoadedCriterion] = []
        resolved: list[ResolvedCriterion] = []
        params: dict[str, list[ParameterUse]] = {}
        gaps: dict[str, Gap] = {}
        probe = request_facts(request, ctx)
        for c in rules.criteria:
            spec = c.spec
            if request.action not in spec.actions:
                continue
            if spec.events is not None and (request.event not in spec.events):
                continue  # belongs to another event's rule version
            gap = self._gap(spec, on)
            if gap is None and not spec.in_force.contains(on):
                continue  # not in force and nothing to say (covered by another criterion, or past only)
            ok = True
            if spec.province is not None and spec.province != request.locality:
                ok = False
            if ok and spec.levels is not None and level not in spec.levels:
                ok = False
            groups = set(rules.titles[request.post].groups) if request.post else set()
            if ok and "any" not in spec.groups:
                ok = bool(groups & set(spec.groups))
            if ok and groups & set(spec.exclude_groups):
                ok = False
            if ok and c.applies_when is not None:
                ok = kleene(c.applies_when, probe) == "pass"
                if not ok and request.post is not None and self._has_standard(c, request.post):
                    # a title standard the title has, but not on this date: not encoded (unless a window says so)
                    if gap is None:
                        gap = self._standard_gap(c, request.post, on)
                    ok = gap is not None
            if gap is not None:
                params[c.id] = []
                if ok and gap.kind == "not_encoded":  # applies, but its rules for this date are not encoded
                    gaps[c.id] = gap
                    resolved.append(ResolvedCriterion(c.id, NOT_ENCODED))
                    applicable.append(c)
                else:  # does not apply to this request, or the law of that time had no such condition
                    if ok:
                        gaps[c.id] = gap
                    not_applicable.append(c)
                continue
            uses: list[ParameterUse] = list(self._standard_uses(c, request, on))

            def resolve(node: cd.Compare, operand: cd.Operand, uses: list[ParameterUse] = uses) -> cd.Const:
                if isinstance(operand, cd.Rank):
                    vocab = lv.RANKED[FACTS[node.fact].rank_of or ""]
                    return cd.Const(vocab.rank(operand.code))
                assert isinstance(operand, cd.Param)
                value, cite, step = self._param(operand.name, on, request.event)
                uses.append(
                    ParameterUse(
                        name=operand.name,
                        value=value,
                        read_on=on,
                        step_from=step,
                        source=self._source_ref(cite),
                        confidence=cite.tag,
                    )
                )
                return cd.Const(value)

            cond = cd.substitute(c.condition, resolve)
            resolved.append(ResolvedCriterion(c.id, cond))
            params[c.id] = uses
            (applicable if ok else not_applicable).append(c)
        version = RuleVersion.build(request.action, resolved)
        return Prepared(request, level, target, ctx, version, applicable, not_applicable, params, gaps)

    # ----- coverage ---------------------------------------------------------------------------
    def _gap(self, spec: Criterion, on: dt.date) -> Gap | None:
        """A declared or implicit coverage gap of the criterion on ``on`` (None: evaluate it, or say nothing)."""
        declared = spec.gap_on(on)
        if declared is not None:
            kind, window = declared
            if not isinstance(window, CoverageGap):
                return None  # covered_by: the same test is evaluated by another criterion
            encoded_from = self._encoded_after(spec, on) if kind == "not_encoded" else None
            return Gap(kind, Text(vi=window.reason.vi, en=window.reason.en), window.source, encoded_from)
        if spec.in_force.contains(on) or on >= spec.in_force.from_:
            return None
        reviewed = self.rules.coverage.reviewed_through if self.rules.coverage else None
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

    @staticmethod
    def _encoded_after(spec: Criterion, on: dt.date) -> dt.date | None:
        """The first date after ``on`` on which the criterion is evaluated again, if any."""
        window = next((g for g in spec.not_encoded if g.contains(on)), None)
        if window is None or window.until is None:
            return None
        nxt = window.until + dt.timedelta(days=1)
        if spec.in_force.contains(nxt) or any(cb.contains(nxt) for cb in spec.covered_by):
            return nxt
        return spec.in_force.from_ if spec.in_force.from_ > on else None

    def _has_standard(self, c: LoadedCriterion, post: str) -> bool:
        """The criterion reads a title standard (applies_when) that the title encodes on some date."""
        assert c.applies_when is not None
        keys = [_STANDARD_FACTS[f] for f in cd.facts_of(c.applies_when) if f in _STANDARD_FACTS]
        return any(getattr(st, key) is not None for key in keys for st in self.rules.titles[post].standards)

    def _standard_gap(self, c: LoadedCriterion, post: str, on: dt.date) -> Gap | None:
        """A title standard that is encoded for the title, but not for this date (before its first step)."""
        assert c.applies_when is not None
        keys = [_STANDARD_FACTS[f] for f in cd.facts_of(c.applies_when) if f in _STANDARD_FACTS]
        if not keys:
            return None
        title = self.rules.titles[post]
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

    def _standard_uses(self, c: LoadedCriterion, request: Request, on: dt.date) -> list[ParameterUse]:
        """The title standards a criterion reads (target_required_*), cited like parameters."""
        if request.post is None:
            return []
        uses: list[ParameterUse] = []
        facts = set(cd.facts_of(c.condition))
        title = self.rules.titles[request.post]
        for key, fact in (
            ("degree", "target_required_degree_rank"),
            ("political_theory", "target_required_political_theory_rank"),
            ("state_management", "target_required_state_management_rank"),
            ("prior_grade", "target_required_prior_grade"),
        ):
            if fact not in facts:
                continue
            for st in title.standards:
                value = getattr(st, key)
                if value is None or not (st.from_ <= on and (st.until is None or on <= st.until)):
                    continue
                uses.append(
                    ParameterUse(
                        name=f"{request.post}.{key}",
                        value=value,
                        read_on=on,
                        step_from=st.from_,
                        source=self._source_ref(st.source),
                        confidence=st.source.tag,
                    )
                )
        return uses

    def _term_start(self, term: str) -> int | None:
        for ev in self.rules.events.values():
            if ev.term_start and term.startswith(ev.term_start[:4]):
                y, m = map(int, ev.term_start.split("-"))
                return month_index(y, m)
        parts = term.split("-")
        if len(parts) == 2 and all(p.isdigit() and len(p) == 4 for p in parts):
            return month_index(int(parts[0]), 1)
        return None

    def _param(self, name: str, on: dt.date, event: str | None = None) -> tuple[Any, Citation, dt.date]:
        if name.startswith("event."):
            if event is None:
                raise RulePackError(Problem(name, "tham số sự kiện cần sự kiện", "event parameter needs an event"))
            ev = self.rules.events[event]
            p = ev.parameters[name.removeprefix("event.")]
            y, m = map(int, ev.reference_months[min(ev.reference_months)].split("-"))
            return p.value, p.source, dt.date(y, m, 1)
        return self.rules.parameter_value(name, on)

    def _source_ref(self, cite: Citation) -> SourceRef:
        key = (cite.id, cite.article)
        ref = self._sources.get(key)
        if ref is None:
            ref = self._make_source_ref(cite)
            self._sources[key] = ref
        return ref

    def _make_source_ref(self, cite: Citation) -> SourceRef:
        s = self.rules.sources[cite.id]
        return SourceRef(
            id=s.id, number=s.number, title_vi=s.title_vi, article=cite.article, url=s.urls[0] if s.urls else None
        )

    # ----- evaluation ---------------------------------------------------------------------
    def facts(self, profile: Profile, prepared: Prepared) -> FactSet:
        return derive_facts(profile, prepared.request, prepared.context)

    def evaluate(self, profile: Profile, request: Request) -> Decision:
        prepared = self.prepare(request)
        factset = self.facts(profile, prepared)
        outcomes = self.engine.outcomes(prepared.version, factset.values)
        return self.decide(profile, prepared, factset, outcomes)

    def decide(self, profile: Profile, prepared: Prepared, factset: FactSet, outcomes: dict[str, str]) -> Decision:
        rules = self.rules
        on = prepared.request.date
        findings: list[Finding] = []
        missing_map: dict[str, list[str]] = defaultdict(list)
        not_encoded: list[NotEncoded] = []
        status = factset.values.get("status")
        for c in prepared.applicable:
            gap = prepared.gaps.get(c.id)
            if c.spec.status and status is not None and status not in c.spec.status:
                findings.append(self._status_finding(c, str(status), on))
            elif gap is not None:
                finding = self._gap_finding(c, gap, on)
                findings.append(finding)
                not_encoded.append(
                    NotEncoded(criterion=c.id, title=finding.title, encoded_from=gap.encoded_from, reason=gap.reason)
                )
            else:
                outcome = outcomes[c.id]
                finding = self._finding(c, outcome, factset, prepared.params[c.id], missing_map, on)
                findings.append(finding)
                if outcome == "unknown" and not finding.missing and "not_encoded" in self._static(c)[0]:
                    not_encoded.append(
                        NotEncoded(criterion=c.id, title=finding.title, encoded_from=None, reason=finding.message)
                    )
        for c in prepared.not_applicable:
            gap = prepared.gaps.get(c.id)
            if gap is not None:
                findings.append(self._gap_finding(c, gap, on))
            else:
                findings.append(self._finding(c, "not_applicable", factset, prepared.params[c.id], None, on))
        verdict = combine([f.outcome for f in findings])
        missing = sorted(missing_map.items(), key=lambda kv: (-len(kv[1]), kv[0]))
        regimes = self._regimes.get(on)
        if regimes is None:
            regimes = [RegimeRef(id=r.id, vi=r.vi, en=r.en) for r in rules.regimes_at(on)]
            self._regimes[on] = regimes
        reviewed = rules.coverage.reviewed_through if rules.coverage else None
        coverage = Coverage(
            reviewed_through=reviewed,
            regimes=[r.id for r in regimes],
            not_encoded=not_encoded,
            after_review=reviewed is not None and on > reviewed,
        )
        return Decision(
            profile_id=profile.id,
            request=prepared.request.model_dump(mode="json", exclude_none=True),
            verdict=verdict,
            findings=findings,
            missing_inputs=[MissingInput(input=k, criteria=sorted(set(v))) for k, v in missing],
            regime=list(regimes),
            rulepack=rules.hash,
            convention=prepared.context.convention,
            reference_month=format_month(prepared.context.age_reference_month),
            retirement=factset.retirement.as_dict() if factset.retirement else None,
            coverage=coverage,
        )

    def _gap_finding(self, c: LoadedCriterion, gap: Gap, on: dt.date) -> Finding:
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
            source=self._source_ref(cite),
            confidence=cite.tag,
            waivable=spec.waivable,
            overlay=c.overlay,
        )

    def _status_finding(self, c: LoadedCriterion, status: str, on: dt.date) -> Finding:
        """A criterion for another status than the person's (công chức / viên chức …): not applicable."""
        spec = c.spec
        cite = spec.citation_on(on)
        wanted = spec.status or []
        return Finding(
            criterion=c.id,
            title=Text(vi=spec.title.vi, en=spec.title.en),
            topic=spec.topic,
            outcome="not_applicable",
            message=Text(
                vi=f"Không áp dụng: tiêu chí dành cho {', '.join(lv.STATUS.labels_vi[x] for x in wanted)}; "
                f"hồ sơ ghi {lv.STATUS.labels_vi[status]}.",
                en=f"Not applicable: the criterion is for {', '.join(lv.STATUS.labels_en[x] for x in wanted)}; "
                f"the file records {lv.STATUS.labels_en[status]}.",
            ),
            source=self._source_ref(cite),
            confidence=cite.tag,
            overlay=c.overlay,
        )

    def _static(self, c: LoadedCriterion) -> tuple[list[str], dict[str, str], Text]:
        """Per-criterion data that does not depend on the profile: facts read, rank vocabularies, title."""
        cached = self._statics.get(c.id)
        if cached is None:
            rank_of: dict[str, str] = {}
            for node in cd.walk(c.condition):
                if isinstance(node, cd.Compare) and isinstance(node.right, cd.Param) and FACTS[node.fact].rank_of:
                    rank_of[node.right.name] = FACTS[node.fact].rank_of or ""
            title = Text(vi=c.spec.title.vi, en=c.spec.title.en)
            cached = (cd.facts_of(c.condition), rank_of, title)
            self._statics[c.id] = cached
        return cached

    def _finding(
        self,
        c: LoadedCriterion,
        outcome: str,
        factset: FactSet,
        uses: list[ParameterUse],
        missing_map: dict[str, list[str]] | None,
        on: dt.date,
    ) -> Finding:
        spec = c.spec
        names, rank_of, title = self._static(c)
        known = factset.values
        facts = {n: known.get(n) for n in names}
        missing: list[str] = []
        if outcome == "unknown":
            for n in names:
                if n not in known:
                    for inp in FACTS[n].inputs:
                        if inp not in missing:
                            missing.append(inp)
            if missing_map is not None:
                for inp in missing:
                    missing_map[inp].append(c.id)
        note_text = spec.note and outcome == "fail"
        if outcome == "fail" and spec.note:
            outcome = "pass"  # a note never blocks; its fail message says which rule applies
        if outcome == "fail" and spec.waivable:
            outcome = "waivable"
        cite = spec.citation_on(on)
        tag = weakest([cite.tag] + [u.confidence for u in uses])
        overrides: dict[str, object] = {u.name: u.value for u in uses}
        values: Mapping[str, object] = ChainMap(overrides, cast(dict[str, object], known)) if uses else known
        msg = self._message(spec, "fail" if note_text else outcome, values, rank_of, missing)
        if tag == "M":
            msg = Text(vi=msg.vi + " [chưa xác minh]", en=msg.en + " [unverified]")
        return Finding(
            criterion=c.id,
            title=title,
            topic=spec.topic,
            outcome=cast(Outcome, outcome),
            message=msg,
            facts=facts,
            parameters=uses,
            source=self._source_ref(cite),
            confidence=tag,
            unverified=tag == "M",
            waivable=spec.waivable,
            missing=missing,
            holds_from=None,
            holds_until=None,
            overlay=c.overlay,
        )

    def _message(
        self, spec: Any, outcome: str, values: Mapping[str, object], rank_of: dict[str, str], missing: list[str]
    ) -> Text:
        m = spec.message
        if outcome == "not_applicable":
            return Text(vi="Không áp dụng cho yêu cầu này.", en="Does not apply to this request.")
        if outcome == "unknown":
            if m.unknown is not None:
                tpl = m.unknown
                return Text(vi=render(tpl.vi, values, "vi", rank_of), en=render(tpl.en, values, "en", rank_of))
            need = ", ".join(missing) or "?"
            return Text(
                vi=f"Chưa đủ dữ liệu để kết luận; cần bổ sung: {need}.", en=f"Cannot be decided; missing: {need}."
            )
        tpl = m.pass_ if outcome == "pass" else m.fail
        vi = render(tpl.vi, values, "vi", rank_of)
        en = render(tpl.en, values, "en", rank_of)
        if outcome == "waivable":
            vi += " Trường hợp đặc biệt do cấp có thẩm quyền xem xét, quyết định."
            en += " Special cases are decided by the competent authority."
        return Text(vi=vi, en=en)
