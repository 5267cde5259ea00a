"""Evaluate one request: profile → facts → engine → Decision.

This module prepares the facts and the rule version, asks the engine for every outcome, and
turns the outcomes into findings with messages, parameters and sources.
"""

from __future__ import annotations

import contextlib
import datetime as dt
from collections import ChainMap, defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, NamedTuple, cast

from eligibility.engine.compiler import ResolvedCriterion, RuleVersion
from eligibility.errors import InputError, Problem, RulePackError
from eligibility.explain.coverage import (
    NOT_ENCODED,
    Gap,
    criterion_gap,
    gap_finding,
    has_standard,
    standard_gap,
    status_finding,
)
from eligibility.explain.decision import (
    Coverage,
    Decision,
    Finding,
    LocalityRef,
    MissingInput,
    NotEncoded,
    Outcome,
    ParameterUse,
    RegimeRef,
    SourceRef,
    Text,
    combine,
)
from eligibility.explain.messages import (
    LOCALITY_NAME,
    UNKNOWN_MISSING,
    UNKNOWN_MISSING_FACTS,
    UNKNOWN_NOTES,
    words,
)
from eligibility.explain.places import candidates_of, province_name, resolve_locality
from eligibility.facts import locality as unit_locality
from eligibility.facts.catalog import FACTS
from eligibility.facts.derive import FactContext, FactSet, TitleInfo, derive_facts, request_facts
from eligibility.facts.months import format_month, index_of, month_index, whole_months_between
from eligibility.model import levels as lv
from eligibility.model.checks import profile_problems
from eligibility.model.profile import Profile
from eligibility.model.request import Request
from eligibility.rulepack import conditions as cd
from eligibility.rulepack.loader import LoadedCriterion, RulePack
from eligibility.rulepack.schema import Citation, weakest

MIN_AGE_PARAMETER = "person.min_age_months"  # read by check_inputs, not by a criterion
DISTRICT_LEVEL_ENDS = dt.date(2025, 6, 30)  # Luật Tổ chức chính quyền địa phương 2025: two-level government
# facts compared at the unit of the post (province, district or commune): criteria reading them cite the
# parameter that fixes the unit, locality.unit.<level>_post
LOCALITY_FACTS = frozenset({"hometown_here", "birthplace_here", "grew_up_here", "origin_here", "years_worked_here"})


class Judged(NamedTuple):
    """A criterion's engine outcome as it reads for the person (:meth:`Evaluator.judge`)."""

    outcome: str  # pass | fail | waivable | unknown | not_applicable
    worded: str  # the outcome whose message is shown (a note's fail: "fail" while the outcome is "pass")
    missing: list[str]  # inputs absent from the file (unknown outcomes)
    unclear: list[str]  # inputs recorded but not deciding (unknown outcomes)
    waivable: bool
    unread: tuple[str, ...] = ()  # facts the criterion reads that are unknown (unknown outcomes)
    notes: tuple[tuple[str, str], ...] = ()  # why some of them are unknown when no input can tell (vi, en)


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
    locality: LocalityRef | None = None  # the post's province as evaluated (after a merger, the new province)
    # the unit of the "local person" test as a message names it ("Bảo Thắng, Lào Cai"; (vi, en) for a phrase)
    unit_name: str | tuple[str, str] | None = None

    def display(self) -> dict[str, object]:
        """Display-only values of messages: the name of the post's unit (or province)."""
        if self.unit_name is not None:
            return {LOCALITY_NAME: self.unit_name}
        if self.locality is not None:
            return {LOCALITY_NAME: self.locality.name}
        return {}


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
        self._title_names: dict[str, str] = {}  # folded code / Vietnamese / English name → title code

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

    def _resolve_post(self, text: str) -> str:
        """A title code from a code or a Vietnamese or English name ("Giám đốc Sở"), or an InputError with
        the closest codes ("did you mean giam-doc-so")."""
        titles = self.rules.titles
        if text in titles:
            return text
        names = self._title_names
        if not names:
            for code, t in titles.items():
                for name in (code, t.vi, t.en):
                    names.setdefault(lv.fold(name), code)
        found = names.get(lv.fold(text))
        if found is not None:
            return found
        import difflib  # only for a post that is not in the rule pack

        close = list(dict.fromkeys(names[k] for k in difflib.get_close_matches(lv.fold(text), list(names), 3, 0.85)))
        if close:
            vi = f"không có chức danh này; có phải là: {', '.join(close)}? (danh sách: eligibility rules titles)"
            en = f"no such title; did you mean {', '.join(close)}? (list: eligibility rules titles)"
        else:
            known = ", ".join(sorted(titles)[:12])
            vi = f"mã chức danh không có trong danh mục (ví dụ: {known}, …)"
            en = f"title code not in the catalogue (e.g. {known}, …)"
        raise InputError(Problem("post", vi, en, text))

    def _unit(
        self, request: Request, level: str | None, locality: str | None
    ) -> tuple[unit_locality.Unit | None, str | tuple[str, str] | None]:
        """The unit of the "local person" test: by the post's level, through the dated parameter
        ``locality.unit.<level>_post`` (province, district or commune); the province when the level is central or
        unknown. With the name a message gives it."""
        if locality is None:
            return None, None
        on = request.date
        unit_level = "province"  # also before the parameter's first step: no local-person rule is in force then
        if level in ("province", "district", "commune"):
            with contextlib.suppress(KeyError, RulePackError):
                unit_level = str(self._param(f"locality.unit.{level}_post", on)[0])
        places = self.rules.localities
        province_name = places.name(locality) if places is not None else locality
        unit = unit_locality.Unit(unit_level, locality, on, request.district, request.commune)
        if unit_level == "district":
            if request.district:
                return unit, f"{request.district}, {province_name}"
            return unit, (
                f"huyện nơi bố trí (chưa ghi) của {province_name}",
                f"the post's district in {province_name} (not given)",
            )
        if unit_level == "commune":
            if request.commune:
                return unit, ", ".join(x for x in (request.commune, request.district, province_name) if x)
            return unit, (
                f"xã nơi bố trí (chưa ghi) của {province_name}",
                f"the post's commune in {province_name} (not given)",
            )
        return unit, province_name

    def _unit_uses(self, c: LoadedCriterion, request: Request, level: str | None) -> list[ParameterUse]:
        """The unit parameter a criterion reading locality facts depends on, cited like a parameter."""
        if level not in ("province", "district", "commune") or not (set(cd.facts_of(c.condition)) & LOCALITY_FACTS):
            return []
        name = f"locality.unit.{level}_post"
        value, cite, step = self._param(name, request.date)
        return [
            ParameterUse(
                name=name,
                value=value,
                read_on=request.date,
                step_from=step,
                source=self._source_ref(cite),
                confidence=cite.tag,
            )
        ]

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
        if request.post is not None and request.post not in rules.titles:
            request = request.model_copy(update={"post": self._resolve_post(request.post)})
        locality_ref: LocalityRef | None = None
        if request.locality is not None and rules.localities is not None:
            locality_ref = resolve_locality(self.rules, request.locality, on)
        locality = locality_ref.code if locality_ref is not None else request.locality
        if request.post is not None:
            assert request.post in rules.titles
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
        unit, unit_name = self._unit(request, level, locality)
        ctx = FactContext(
            on,
            ref_month,
            convention,
            target,
            locality,
            self._lookup,
            candidates_of(self.rules, on),
            unit,
            province_name(self.rules),
        )

        candidates = [c for c in rules.criteria if request.action in c.spec.actions]
        candidates = [c for c in candidates if c.spec.events is None or request.event in c.spec.events]
        # a criterion not in force is kept when a coverage gap says something about the date (rules/coverage)
        gaps_on = {c.id: criterion_gap(rules, c.spec, on) for c in candidates}
        candidates = [c for c in candidates if c.spec.in_force.contains(on) or gaps_on[c.id] is not None]
        groups = set(rules.titles[request.post].groups) if request.post else set()
        scoped = [c for c in candidates if self._scoped(c, locality, level, groups)]
        applies = self._applies(request, scoped, ctx)
        in_scope = {c.id for c in scoped}
        applicable: list[LoadedCriterion] = []
        not_applicable: list[LoadedCriterion] = []
        resolved: list[ResolvedCriterion] = []
        params: dict[str, list[ParameterUse]] = {}
        gaps: dict[str, Gap] = {}
        for c in candidates:
            gap = gaps_on[c.id]
            ok = c.id in applies
            standard = not ok and c.id in in_scope and c.applies_when is not None and request.post is not None
            if standard and request.post is not None and has_standard(rules, c, request.post):
                # a title standard the title has, but not on this date: not encoded (unless a window says so)
                if gap is None:
                    gap = standard_gap(rules, c, request.post, on)
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
            if unit is not None:
                uses.extend(self._unit_uses(c, request, level))
            resolved.append(ResolvedCriterion(c.id, self.resolve(c.condition, on, request.event, uses)))
            params[c.id] = uses
            (applicable if c.id in applies else not_applicable).append(c)
        version = RuleVersion.build(request.action, resolved)
        return Prepared(
            request, level, target, ctx, version, applicable, not_applicable, params, gaps, locality_ref, unit_name
        )

    @staticmethod
    def _scoped(c: LoadedCriterion, locality: str | None, level: str | None, groups: set[str]) -> bool:
        """The criterion's scope (province — the post's province on the date, after any merger —, levels,
        title groups) covers the request."""
        spec = c.spec
        if spec.province is not None and spec.province != locality:
            return False
        if spec.levels is not None and level not in spec.levels:
            return False
        if "any" not in spec.groups and not groups & set(spec.groups):
            return False
        return not groups & set(spec.exclude_groups)

    def _applies(self, request: Request, scoped: list[LoadedCriterion], ctx: FactContext) -> set[str]:
        """The ids of the criteria that apply to the request: in scope and, for a criterion with
        ``applies_when``, that condition passes — decided by the engine (a ruleset of the conditions,
        named by their content, asserted with the request's facts; cached with the prepared request)."""
        conditional = [c for c in scoped if c.applies_when is not None]
        passed: set[str] = set()
        if conditional:
            version = RuleVersion.build(
                f"{request.action}-applies",
                [ResolvedCriterion(c.id, c.applies_when) for c in conditional if c.applies_when],
            )
            outcomes = self.engine.outcomes(version, request_facts(request, ctx))
            passed = {cid for cid, outcome in outcomes.items() if outcome == "pass"}
        return {c.id for c in scoped if c.applies_when is None or c.id in passed}

    def resolve(
        self, condition: cd.Condition, on: dt.date, event: str | None = None, uses: list[ParameterUse] | None = None
    ) -> cd.Condition:
        """``condition`` with its parameters read on ``on`` (and the event's) and its ranks as integers;
        each parameter read is appended to ``uses`` with its value, step and source."""

        def resolve(node: cd.Compare, operand: cd.Operand) -> cd.Const:
            if isinstance(operand, cd.Rank):
                vocab = lv.RANKED[FACTS[node.fact].rank_of or ""]
                return cd.Const(vocab.rank(operand.code))
            assert isinstance(operand, cd.Param)
            value, cite, step = self._param(operand.name, on, event)
            if uses is not None:
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

        return cd.substitute(condition, resolve)

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
        spec = self.rules.parameters.get(name)
        if spec is not None and not any(v.from_ <= on and (v.until is None or on <= v.until) for v in spec.values):
            # a date the rule pack does not cover is the user's input, not a fault of the rule pack (issue 13); the
            # earliest date of each action (rules/coverage.yaml) is checked first in _prepare, this is the safety net
            first = min(v.from_ for v in spec.values)
            raise InputError(
                Problem(
                    "date",
                    f"bộ quy tắc chưa mã hóa quy định áp dụng vào ngày này (tham số {name} có giá trị từ "
                    f"{first:%d/%m/%Y}); chọn ngày xét trong khoảng bộ quy tắc có",
                    f"the rule pack does not encode the rules in force on this date (parameter {name} has values "
                    f"from {first.isoformat()}); choose a date the rule pack covers",
                    on.isoformat(),
                )
            )
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

    def check_inputs(self, profile: Profile, prepared: Prepared) -> None:
        """Refuse a profile that is impossible on the request's date (:class:`InputError` naming the field).

        The date orderings of :mod:`eligibility.model.checks` (again, for profiles built in code), and the
        minimum age of a cadre or civil servant on the reference date (``person.min_age_months``; no check on
        dates the rule pack does not cover). Called by :meth:`evaluate`; batch and other callers that run the
        steps themselves call it after :meth:`prepare`.
        """
        problems = profile_problems(profile)
        on = prepared.request.date
        problems.extend(self._place_problems(profile))
        born = profile.birth_date.first_day()
        if not problems:
            try:
                minimum, cite, _ = self.rules.parameter_value(MIN_AGE_PARAMETER, on)
            except (KeyError, RulePackError):
                minimum = None
            if isinstance(minimum, int):
                age = whole_months_between(born, on)
                shown = profile.birth_date.isoformat()
                if born > on:
                    problems.append(
                        Problem(
                            "birth_date",
                            f"ngày sinh sau ngày xét {on:%d/%m/%Y}",
                            f"the birth date is after the reference date {on.isoformat()}",
                            shown,
                        )
                    )
                elif age < minimum:
                    law = self._source_ref(cite)
                    problems.append(
                        Problem(
                            "birth_date",
                            f"chưa đủ {minimum // 12} tuổi vào ngày xét {on:%d/%m/%Y}: tuổi tối thiểu của cán bộ, công chức "
                            f"là {minimum // 12} ({law.number}, {law.article}) — kiểm tra ngày sinh hoặc ngày xét",
                            f"under the minimum age of {minimum // 12} on the reference date {on.isoformat()}: cadres "
                            f"and civil servants are at least {minimum // 12} ({law.number}) — check the birth date or "
                            f"the date",
                            shown,
                        )
                    )
        if problems:
            raise InputError(problems)

    def _place_problems(self, profile: Profile) -> list[Problem]:
        """Places in the profile that name no known province (a misspelt hometown would make a local person
        look non-local): an error with the closest names, never a silent mismatch."""
        places = self.rules.localities
        if places is None:
            return []
        found: list[tuple[str, str]] = []
        for key in ("hometown", "birthplace", "grew_up_in"):
            place = getattr(profile, key)
            if place is not None:
                found.append((f"{key}.province", place.province))
        for i, w in enumerate(profile.localities_worked or []):
            found.append((f"localities_worked.{i}.province", w.province))
        for i, p in enumerate(profile.posts or []):
            if p.locality is not None:
                found.append((f"posts.{i}.locality", p.locality))
        out: list[Problem] = []
        for loc, code in found:
            if places.resolve(code) is None:
                close = places.suggest(code)
                out.append(
                    Problem(
                        loc,
                        "không có tỉnh, thành phố này"
                        + (f"; có phải là: {', '.join(close)}?" if close else " (nơi ở nước ngoài: ghi 'nước ngoài')"),
                        "not a known province or city"
                        + (f"; did you mean {', '.join(close)}?" if close else " (a place abroad: write 'abroad')"),
                        code,
                    )
                )
        return out

    def evaluate(self, profile: Profile, request: Request) -> Decision:
        prepared = self.prepare(request)
        self.check_inputs(profile, prepared)
        factset = self.facts(profile, prepared)
        outcomes = self.engine.outcomes(prepared.version, factset.values)
        return self.decide(profile, prepared, factset, outcomes)

    def decide(self, profile: Profile, prepared: Prepared, factset: FactSet, outcomes: dict[str, str]) -> Decision:
        rules = self.rules
        on = prepared.request.date
        findings: list[Finding] = []
        missing_map: dict[str, list[str]] = defaultdict(list)
        not_encoded: list[NotEncoded] = []
        staff_status = factset.values.get("staff_status")
        applicable_ids = {c.id for c in prepared.applicable}
        display = prepared.display()
        for c in prepared.applicable:
            gap = prepared.gaps.get(c.id)
            if c.spec.staff_status and staff_status is not None and staff_status not in c.spec.staff_status:
                findings.append(status_finding(c, str(staff_status), on, self._source_ref))
            elif gap is not None:
                finding = gap_finding(c, gap, on, self._source_ref)
                findings.append(finding)
                not_encoded.append(
                    NotEncoded(criterion=c.id, title=finding.title, encoded_from=gap.encoded_from, reason=gap.reason)
                )
            else:
                outcome = outcomes[c.id]
                blocked = any(b in applicable_ids and outcomes.get(b) == "fail" for b in c.spec.waiver_blocked_by)
                finding = self._finding(c, outcome, factset, prepared.params[c.id], missing_map, on, blocked, display)
                findings.append(finding)
                if outcome == "unknown" and not finding.missing and "not_encoded" in self._static(c)[0]:
                    not_encoded.append(
                        NotEncoded(criterion=c.id, title=finding.title, encoded_from=None, reason=finding.message)
                    )
        for c in prepared.not_applicable:
            gap = prepared.gaps.get(c.id)
            if gap is not None:
                findings.append(gap_finding(c, gap, on, self._source_ref))
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
            locality=prepared.locality,
            coverage=coverage,
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
        waiver_blocked: bool = False,
        display: Mapping[str, object] | None = None,
    ) -> Finding:
        spec = c.spec
        names, rank_of, title = self._static(c)
        known = factset.values
        facts = {n: known.get(n) for n in names}
        judged = self.judge(c, outcome, factset, waiver_blocked)
        if missing_map is not None:
            for inp in judged.missing:
                missing_map[inp].append(c.id)
        cite = spec.citation_on(on)
        tag = weakest([cite.tag] + [u.confidence for u in uses])
        overrides: dict[str, object] = {u.name: u.value for u in uses}
        values: Mapping[str, object] = ChainMap(overrides, cast(dict[str, object], known)) if uses else known
        if display:
            values = ChainMap(dict(display), cast(dict[str, object], values))
        vi, en = self.wording(c, judged, values, rank_of, tag == "M")
        return Finding(
            criterion=c.id,
            title=title,
            topic=spec.topic,
            outcome=cast(Outcome, judged.outcome),
            message=Text(vi=vi, en=en),
            facts=facts,
            parameters=uses,
            source=self._source_ref(cite),
            confidence=tag,
            unverified=tag == "M",
            waivable=judged.waivable,
            missing=judged.missing,
            holds_from=None,
            holds_until=None,
            overlay=c.overlay,
        )

    def judge(self, c: LoadedCriterion, outcome: str, factset: FactSet, waiver_blocked: bool = False) -> Judged:
        """What the engine's outcome of a criterion means for the person (shared by :meth:`decide` and the
        lean rows of :mod:`eligibility.explain.lean`): a note's fail is a pass worded as its fail message, a
        waivable criterion's fail (unless a blocking criterion fails: ``waiver_blocked``) is ``waivable``, and an
        unknown outcome lists the inputs missing (absent from the file) or unclear (recorded, not deciding)."""
        spec = c.spec
        missing: list[str] = []
        unclear: list[str] = []
        unread: list[str] = []
        notes: list[tuple[str, str]] = []
        if outcome == "unknown":
            known = factset.values
            unread = [n for n in self._static(c)[0] if n not in known]
            notes = [factset.notes[n] for n in unread if n in factset.notes]
            for n in self._static(c)[0]:
                if n not in known:
                    for inp in factset.missing.get(n, ()):
                        if inp not in missing:
                            missing.append(inp)
                    for inp in factset.unclear.get(n, ()):
                        if inp not in unclear:
                            unclear.append(inp)
        worded = outcome
        if outcome == "fail" and spec.note:
            outcome = "pass"  # a note never blocks; its fail message says which rule applies
        waivable = spec.waivable and not waiver_blocked
        if outcome == "fail" and waivable:
            outcome = worded = "waivable"
        return Judged(outcome, worded, missing, unclear, waivable, tuple(unread), tuple(notes))

    def wording(
        self,
        c: LoadedCriterion,
        judged: Judged,
        values: Mapping[str, object],
        rank_of: dict[str, str],
        unverified: bool,
    ) -> tuple[str, str]:
        """The finding's message (Vietnamese, English) for a judged outcome, with "[chưa xác minh]" when the
        criterion rests on an unverified source."""
        if judged.worded == "unknown":  # what the message may say of the data that could not decide it
            extra: dict[str, object] = {UNKNOWN_MISSING: judged.missing, UNKNOWN_MISSING_FACTS: list(judged.unread)}
            if judged.notes:
                extra[UNKNOWN_NOTES] = list(judged.notes)
            values = ChainMap(extra, cast(dict[str, object], values))
        vi, en = words(c.spec, judged.worded, values, rank_of, judged.missing, judged.unclear)
        if unverified:
            return vi + " [chưa xác minh]", en + " [unverified]"
        return vi, en

    def _message(
        self,
        spec: Any,
        outcome: str,
        values: Mapping[str, object],
        rank_of: dict[str, str],
        missing: list[str],
        unclear: list[str] | None = None,
    ) -> Text:
        vi, en = words(spec, outcome, values, rank_of, missing, unclear)
        return Text(vi=vi, en=en)
