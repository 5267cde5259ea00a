"""Lean rows: what a pool report shows of an evaluation, built straight from the engine's outcomes.

A pool report (xlsx, html, the pool summary) shows per person the verdict, every criterion's outcome, the
findings that are not a pass (title, outcome, message, "number, article" of the source, confidence, missing
inputs), on request the passes, the inputs missing and a few traits for the pool's structure targets. A full
:class:`~eligibility.explain.decision.Decision` carries much more (a pydantic ``Finding`` with facts,
parameters and sources for every criterion, a message for each) and costs more than the rest of a row.
This module builds the shown fields directly, with the same code as the full path:

- once per prepared request (:class:`RowPlan`): each applicable criterion's title, the citation in force
  on the date, the confidence (weakest of the criterion's and its parameters' tags), the source as the
  report prints it, the parameter values messages may name, the criteria that block its waiver;
- per row: the facts (:func:`~eligibility.facts.derive.derive_facts`), the outcomes (durable, through the
  evaluator's engine: durable decides every outcome), each outcome read by :meth:`Evaluator.judge` (the
  method :meth:`Evaluator.decide` uses), and messages rendered by :meth:`Evaluator.wording` **only for the
  findings shown** (not for passes unless asked, never for criteria that do not apply).

``tests/test_lean.py`` holds every field equal to the full path: to the ``Decision`` of
:meth:`Evaluator.evaluate`, and to the ``RowResult`` that :mod:`eligibility.batch.screen` builds from it.
Full decisions stay for ``check``, JSONL reports and timelines.

**Several actions per profile.** :class:`Subject` is one validated profile under one evaluator: its inputs are
checked once per date, its facts derived once per *fact context* (date, age reference month, convention,
target post, locality and the request's own facts: the action does not enter, so planning, appointment,
reappointment, rotation and non-local placement for one post share one derivation; a nomination's event sets
its own reference month and convention), and each action is then evaluated with its own prepared request.
``Subject.decision(prepared)`` equals ``Evaluator.evaluate(profile, prepared.request)`` (same value, or the
same ``InputError``), ``Subject.lean(prepared)`` the lean form of it.

Use (a pool worker; one :class:`LeanEvaluator` per process, it caches a plan per prepared request)::

    lean = LeanEvaluator(Evaluator(rules))
    prepared = [lean.prepare(r) for r in requests]          # InputError: the request is wrong
    subject = lean.subject(profile)                        # profile: a validated Profile
    for p in prepared:
        result = subject.lean(p, passes=detail == "all")   # InputError: impossible profile on that date
"""

from __future__ import annotations

import datetime as dt
from collections import ChainMap
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, cast

from eligibility.engine.compiler import ResolvedCriterion, RuleVersion
from eligibility.errors import InputError
from eligibility.explain.coverage import gap_finding
from eligibility.explain.decision import Decision, Finding, Verdict, combine
from eligibility.explain.evaluate import Evaluator, Prepared
from eligibility.explain.roster import Roster, roster_of
from eligibility.facts.derive import FactSet
from eligibility.facts.months import whole_months_between
from eligibility.model import levels as lv
from eligibility.model.profile import Profile
from eligibility.model.request import Request
from eligibility.rulepack.loader import LoadedCriterion
from eligibility.rulepack.schema import weakest

NONLOCAL_CRITERION = "nonlocal.not_local.qd65"  # the rule pack's (unverified) definition of "người địa phương"
LOCAL_TRAIT = "@trait.local"  # the locality criterion's id when it rides along in a request's rule version


@dataclass(frozen=True, slots=True)
class Shown:
    """A finding as a report shows it (``batch.screen.Brief`` is this class)."""

    criterion: str
    title_vi: str
    title_en: str
    outcome: str  # fail | waivable | unknown (or pass, for the passes)
    message_vi: str
    message_en: str
    source: str  # "number, article"
    confidence: str
    missing: tuple[str, ...] = ()

    @classmethod
    def of(cls, f: Finding) -> Shown:
        """How a report shows a full decision's finding (the lean path builds the same from engine outcomes)."""
        return cls(
            f.criterion,
            f.title.vi,
            f.title.en,
            f.outcome,
            f.message.vi,
            f.message.en,
            f"{f.source.number}, {f.source.article}",
            f.confidence,
            tuple(f.missing),
        )


@dataclass(frozen=True, slots=True)
class Traits:
    """What the pool-structure targets measure of one person (None = not recorded)."""

    sex: str
    age_years: int  # whole years at the request date
    minority: bool | None  # ethnicity other than Kinh
    degree_rank: int | None
    political_theory_rank: int | None
    minority_languages: int | None
    local: bool | None  # người địa phương of the request's locality (rule pack definition)
    target_level: str | None
    target_groups: tuple[str, ...]
    roster: Roster | None = None  # the person's own posts, plans and committee seats (roster-basis targets)


@dataclass(frozen=True, slots=True)
class LeanResult:
    """One profile under one request, as a pool report shows it.

    ``outcomes`` has every criterion considered (applicable ones first, then those that do not apply, in the
    order of ``Decision.findings``); ``findings`` the fail / waivable / unknown ones with their messages;
    ``passes`` the passing ones, only when asked for (``passes=True``); ``missing_inputs`` (input, criteria
    needing it), most needed first, as ``Decision.missing_inputs``; ``not_encoded`` the criteria that apply but
    could not be decided because their rules are not encoded for the date, as ``Decision.coverage.not_encoded``.
    """

    profile_id: str
    action: str
    post: str | None  # the prepared request's post (a title code)
    verdict: Verdict
    outcomes: Mapping[str, str]
    findings: tuple[Shown, ...]
    passes: tuple[Shown, ...]
    missing_inputs: tuple[tuple[str, tuple[str, ...]], ...]
    traits: Traits
    not_encoded: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class _Step:
    """One applicable criterion under one prepared request: everything the row does not change."""

    criterion: LoadedCriterion
    id: str
    names: tuple[str, ...]  # facts the condition reads
    rank_of: dict[str, str]
    title_vi: str
    title_en: str
    overrides: dict[str, object]  # parameters read (name → value), for messages
    source: str  # "number, article"
    confidence: str  # weakest tag of the citation and the parameters
    blockers: tuple[str, ...]  # applicable criteria whose fail takes the waiver away
    gap: Shown | None  # not encoded for the date (rules/coverage): the finding, whatever the profile
    staff_status: tuple[str, ...]  # the statuses the criterion is for (another recorded status: not applicable)
    reads_not_encoded: bool  # part of the condition is the reserved fact not_encoded


@dataclass(frozen=True)
class RowPlan:
    """What a prepared request fixes for every row (built once by :meth:`LeanEvaluator.plan`)."""

    prepared: Prepared
    steps: tuple[_Step, ...]
    not_applicable: tuple[str, ...]
    display: dict[str, object]  # display-only values of messages (the post's province name)
    facts_key: tuple[Any, ...]  # rows share a derivation between requests with the same key
    version: RuleVersion  # the applicable criteria, and the locality criterion of the "local" trait
    local_id: str | None  # the outcome in ``version`` that decides the "local" trait
    local: RuleVersion | None  # else the trait's own rule version (None: no locality or no such criterion)
    target_level: str | None
    target_groups: tuple[str, ...]


@dataclass(frozen=True)
class _Together:
    """Requests sharing a fact context, decided in one rule version (:meth:`LeanEvaluator.together`)."""

    plans: tuple[RowPlan, ...]
    version: RuleVersion
    names: tuple[dict[str, str], ...]  # per plan: its criterion id → the id in ``version``


class LeanEvaluator:
    """An :class:`Evaluator` for reports: lean rows, several actions per profile. One per process (it
    holds the evaluator's engine); the plans of prepared requests are cached."""

    def __init__(self, evaluator: Evaluator) -> None:
        self.evaluator = evaluator
        self.rules = evaluator.rules
        self._plans: dict[int, tuple[Prepared, RowPlan]] = {}  # id(prepared) → (prepared, plan): kept alive
        self._local: dict[dt.date, RuleVersion | None] = {}
        self._together: dict[tuple[int, ...], tuple[tuple[Prepared, ...], tuple[_Together, ...]]] = {}

    def prepare(self, request: Request) -> Prepared:
        """:meth:`Evaluator.prepare` (cached; an :class:`InputError` for a request that cannot be evaluated)."""
        return self.evaluator.prepare(request)

    def subject(self, profile: Profile) -> Subject:
        """A validated profile to evaluate under one or more prepared requests."""
        return Subject(self, profile)

    def lean(self, profile: Profile, prepared: Prepared, *, passes: bool = False) -> LeanResult:
        """One profile, one request: ``self.subject(profile).lean(prepared, passes=passes)``."""
        return Subject(self, profile).lean(prepared, passes=passes)

    def plan(self, prepared: Prepared) -> RowPlan:
        """Citations, confidence, source strings and parameter values of the prepared request's criteria,
        computed once (cached with the prepared request)."""
        hit = self._plans.get(id(prepared))
        if hit is not None and hit[0] is prepared:
            return hit[1]
        plan = self._plan(prepared)
        if len(self._plans) > 4096:
            self._plans.clear()
        self._plans[id(prepared)] = (prepared, plan)
        return plan

    def _plan(self, prepared: Prepared) -> RowPlan:
        ev = self.evaluator
        on = prepared.request.date
        applicable = {c.id for c in prepared.applicable}
        steps: list[_Step] = []
        for c in prepared.applicable:
            spec = c.spec
            names, rank_of, title = ev._static(c)
            uses = prepared.params[c.id]
            cite = spec.citation_on(on)
            ref = ev._source_ref(cite)
            gap = prepared.gaps.get(c.id)
            shown_gap = None if gap is None else Shown.of(gap_finding(c, gap, on, ev._source_ref))
            steps.append(
                _Step(
                    criterion=c,
                    id=c.id,
                    names=tuple(names),
                    rank_of=rank_of,
                    title_vi=title.vi,
                    title_en=title.en,
                    overrides={u.name: u.value for u in uses},
                    source=f"{ref.number}, {ref.article}",
                    confidence=weakest([cite.tag] + [u.confidence for u in uses]),
                    blockers=tuple(b for b in spec.waiver_blocked_by if b in applicable),
                    gap=shown_gap,
                    staff_status=tuple(spec.staff_status or ()),
                    reads_not_encoded="not_encoded" in names,
                )
            )
        display = prepared.display()
        request = prepared.request
        ctx = prepared.context
        own = tuple(sorted((k, v) for k, v in request.__dict__.items() if k != "action"))
        facts_key = (
            ctx.reference_date,
            ctx.age_reference_month,
            ctx.convention,
            ctx.target.code if ctx.target is not None else None,
            ctx.locality,
            own,
        )
        post = self.rules.titles.get(request.post) if request.post else None
        # the engine decides what the row reads: the applicable criteria (a decision reads no outcome of the
        # others), and the locality criterion of the "local" trait along with them (one engine call a row)
        criteria = [c for c in prepared.version.criteria if c.id in applicable]
        local_id = None
        local = self._local_version(on) if request.locality is not None else None
        if local is not None:
            (crit,) = local.criteria
            ids = {c.id: c for c in criteria}
            if crit.id in ids and ids[crit.id].condition == crit.condition:
                local_id = crit.id  # the request decides it already
            elif LOCAL_TRAIT not in ids:
                criteria.append(ResolvedCriterion(LOCAL_TRAIT, crit.condition))
                local_id = LOCAL_TRAIT
            # else (a rule pack criterion named like the trait): the trait asks the engine separately
        version = RuleVersion.build(f"{request.action}+row", criteria)
        return RowPlan(
            prepared=prepared,
            steps=tuple(steps),
            not_applicable=tuple(c.id for c in prepared.not_applicable),
            display=display,
            facts_key=facts_key,
            version=version,
            local_id=local_id,
            local=local if local_id is None else None,
            target_level=post.level if post else request.level,
            target_groups=tuple(post.groups) if post else (),
        )

    def together(self, prepared: Sequence[Prepared]) -> tuple[_Together, ...]:
        """How several requests are decided for one profile in as few engine calls as possible: the
        requests that share a fact context (see :class:`Subject`) are asked together, in one rule version
        holding each of their criteria once (cached per list of prepared requests)."""
        key = tuple(id(p) for p in prepared)
        hit = self._together.get(key)
        if hit is not None and all(a is b for a, b in zip(hit[0], prepared, strict=True)):
            return hit[1]
        groups: dict[tuple[Any, ...], list[RowPlan]] = {}
        for p in prepared:
            plan = self.plan(p)
            groups.setdefault(plan.facts_key, []).append(plan)
        out: list[_Together] = []
        for plans in groups.values():
            if len(plans) < 2:
                continue
            criteria: dict[str, ResolvedCriterion] = {}
            names: list[dict[str, str]] = []  # per plan: criterion id in the plan → id in the shared version
            for k, plan in enumerate(plans):
                mine: dict[str, str] = {}
                for c in plan.version.criteria:
                    cid = c.id
                    if cid in criteria and criteria[cid].condition != c.condition:
                        cid = f"{c.id}@{k}"  # the same criterion resolved otherwise for this request
                    criteria.setdefault(cid, ResolvedCriterion(cid, c.condition))
                    mine[c.id] = cid
                names.append(mine)
            version = RuleVersion.build("together", list(criteria.values()))
            out.append(_Together(tuple(plans), version, tuple(names)))
        found = tuple(out)
        if len(self._together) > 1024:
            self._together.clear()
        self._together[key] = (tuple(prepared), found)
        return found

    def _local_version(self, on: dt.date) -> RuleVersion | None:
        """The rule pack's own definition of "người địa phương" on ``on`` (None when it has none in force)."""
        if on in self._local:
            return self._local[on]
        version: RuleVersion | None = None
        try:
            crit = self.rules.criterion(NONLOCAL_CRITERION)
        except KeyError:
            crit = None
        if crit is not None and crit.spec.in_force.contains(on):
            condition = self.evaluator.resolve(crit.condition, on)
            version = RuleVersion.build("local", [ResolvedCriterion(crit.id, condition)])
        self._local[on] = version
        return version


class Subject:
    """One validated profile under one :class:`LeanEvaluator`: inputs checked once per date, facts derived
    once per fact context, outcomes once per prepared request; then a full :class:`Decision` or a
    :class:`LeanResult` for each prepared request asked for."""

    def __init__(self, lean: LeanEvaluator, profile: Profile) -> None:
        self.lean_evaluator = lean
        self.evaluator = lean.evaluator
        self.profile = profile
        self._checked: dict[dt.date, InputError | None] = {}
        self._facts: dict[tuple[Any, ...], FactSet] = {}
        self._engine: dict[tuple[str, tuple[Any, ...]], tuple[dict[str, str], str | None]] = {}
        self._local: dict[tuple[str, tuple[Any, ...]], str] = {}

    def check(self, prepared: Prepared) -> None:
        """:meth:`Evaluator.check_inputs` once per date (the profile's own problems do not depend on the
        action); raises the same :class:`InputError`."""
        on = prepared.request.date
        if on not in self._checked:
            try:
                self.evaluator.check_inputs(self.profile, prepared)
                self._checked[on] = None
            except InputError as exc:
                self._checked[on] = exc
        error = self._checked[on]
        if error is not None:
            raise InputError(list(error.problems), title_vi=error.title_vi, title_en=error.title_en)

    def facts(self, prepared: Prepared) -> FactSet:
        """The profile's facts under the request (shared between requests with the same fact context)."""
        key = self.lean_evaluator.plan(prepared).facts_key
        found = self._facts.get(key)
        if found is None:
            found = self._facts[key] = self.evaluator.facts(self.profile, prepared)
        return found

    def outcomes(self, prepared: Prepared) -> dict[str, str]:
        """pass / fail / unknown of every applicable criterion of the request, decided by durable (one engine
        call with the locality criterion of the "local" trait, when there is one)."""
        return self._run(self.lean_evaluator.plan(prepared))[0]

    def _run(self, plan: RowPlan) -> tuple[dict[str, str], str | None]:
        """(outcomes of the request's criteria, outcome of the locality criterion or None)."""
        key = (plan.version.name, plan.facts_key)
        found = self._engine.get(key)
        if found is None:
            raw = self.evaluator.engine.outcomes(plan.version, self.facts(plan.prepared).values)
            local = raw.get(plan.local_id) if plan.local_id is not None else None
            if plan.local_id == LOCAL_TRAIT:
                del raw[LOCAL_TRAIT]
            found = self._engine[key] = (raw, local)
        return found

    def decision(self, prepared: Prepared) -> Decision:
        """The full Decision: equal to ``Evaluator.evaluate(profile, prepared.request)``."""
        self.check(prepared)
        return self.evaluator.decide(self.profile, prepared, self.facts(prepared), self.outcomes(prepared))

    def decisions(self, prepared: Sequence[Prepared]) -> list[Decision | InputError]:
        """One Decision per prepared request, or the InputError ``evaluate`` would raise for it."""
        out: list[Decision | InputError] = []
        for p in prepared:
            try:
                out.append(self.decision(p))
            except InputError as exc:
                out.append(exc)
        return out

    def leans(self, prepared: Sequence[Prepared], *, passes: bool = False) -> list[LeanResult | InputError]:
        """:meth:`lean` for each prepared request (or the InputError it raises), the requests that share a
        fact context decided by the engine together, in one call."""
        self.decide_together(prepared)
        out: list[LeanResult | InputError] = []
        for p in prepared:
            try:
                out.append(self.lean(p, passes=passes))
            except InputError as exc:
                out.append(exc)
        return out

    def decide_together(self, prepared: Sequence[Prepared]) -> None:
        """Ask the engine once for each group of requests sharing a fact context (their outcomes are then
        cached for :meth:`lean` and :meth:`decision`); requests whose inputs are refused are left out."""
        for group in self.lean_evaluator.together(prepared):
            try:
                self.check(group.plans[0].prepared)  # the same date for the whole group
            except InputError:
                continue
            self._run_together(group)

    def _run_together(self, group: _Together) -> None:
        facts_key = group.plans[0].facts_key
        if all((plan.version.name, facts_key) in self._engine for plan in group.plans):
            return
        raw = self.evaluator.engine.outcomes(group.version, self.facts(group.plans[0].prepared).values)
        for plan, names in zip(group.plans, group.names, strict=True):
            outcomes = {cid: raw[names[cid]] for cid in names if cid != LOCAL_TRAIT}
            local = raw[names[plan.local_id]] if plan.local_id is not None else None
            self._engine[(plan.version.name, facts_key)] = (outcomes, local)

    def lean(self, prepared: Prepared, *, passes: bool = False) -> LeanResult:
        """What a report shows of ``decision(prepared)``; messages only for the findings shown (passes only
        with ``passes=True``)."""
        self.check(prepared)
        plan = self.lean_evaluator.plan(prepared)
        factset = self.facts(prepared)
        outcomes = self.outcomes(prepared)
        ev = self.evaluator
        known = cast(dict[str, object], factset.values)
        result: dict[str, str] = {}
        issues: list[Shown] = []
        passed: list[Shown] = []
        missing_map: dict[str, list[str]] = {}
        not_encoded: list[str] = []
        staff_status = known.get("staff_status")
        for step in plan.steps:
            if step.staff_status and staff_status is not None and staff_status not in step.staff_status:
                result[step.id] = "not_applicable"  # the criterion is for another status (as Evaluator.decide)
                continue
            if step.gap is not None:
                result[step.id] = step.gap.outcome
                issues.append(step.gap)
                not_encoded.append(step.id)
                continue
            raw = outcomes[step.id]
            if raw == "pass" and not passes:  # judge() leaves a pass as it is, and a pass is not shown
                result[step.id] = "pass"
                continue
            blocked = False
            for b in step.blockers:
                if outcomes.get(b) == "fail":
                    blocked = True
                    break
            judged = ev.judge(step.criterion, raw, factset, blocked)
            outcome = judged.outcome
            result[step.id] = outcome
            for inp in judged.missing:
                missing_map.setdefault(inp, []).append(step.id)
            if raw == "unknown" and step.reads_not_encoded and not judged.missing:
                not_encoded.append(step.id)
            if outcome == "pass" and not passes:
                continue
            values: Mapping[str, object] = ChainMap(plan.display, step.overrides, known)
            vi, en = ev.wording(step.criterion, judged, values, step.rank_of, step.confidence == "M")
            shown = Shown(
                step.id,
                step.title_vi,
                step.title_en,
                outcome,
                vi,
                en,
                step.source,
                step.confidence,
                tuple(judged.missing),
            )
            (passed if outcome == "pass" else issues).append(shown)
        for cid in plan.not_applicable:
            result[cid] = "not_applicable"
        missing = sorted(missing_map.items(), key=lambda kv: (-len(kv[1]), kv[0]))
        return LeanResult(
            profile_id=self.profile.id,
            action=prepared.request.action,
            post=prepared.request.post,
            verdict=combine(list(result.values())),
            outcomes=result,
            findings=tuple(issues),
            passes=tuple(passed),
            missing_inputs=tuple((k, tuple(sorted(set(v)))) for k, v in missing),
            traits=self.traits(prepared),
            not_encoded=tuple(not_encoded),
        )

    def traits(self, prepared: Prepared) -> Traits:
        """The person's traits for the pool-structure targets under the request."""
        profile = self.profile
        plan = self.lean_evaluator.plan(prepared)
        edu = profile.education
        minority = None
        if profile.ethnicity is not None:
            minority = "kinh" not in lv.fold(profile.ethnicity).replace("(", " ").replace(")", " ").split()
        return Traits(
            sex=profile.sex,
            age_years=whole_months_between(profile.birth_date.first_day(), prepared.request.date) // 12,
            minority=minority,
            degree_rank=lv.DEGREE.rank(edu.degree) if edu.degree else None,
            political_theory_rank=lv.POLITICAL_THEORY.rank(edu.political_theory) if edu.political_theory else None,
            minority_languages=len(edu.minority_languages) if edu.minority_languages is not None else None,
            local=self._is_local(plan),
            target_level=plan.target_level,
            target_groups=plan.target_groups,
            roster=roster_of(
                profile,
                prepared.request.date,
                self.evaluator.rules,
                prepared.locality.code if prepared.locality is not None else None,
            ),
        )

    def _is_local(self, plan: RowPlan) -> bool | None:
        """Người địa phương by the rule pack's own (unverified) criterion, decided by the engine like any
        outcome; None without a locality, without such a criterion in force on the date, or when the profile
        does not tell (the criterion is unknown)."""
        if plan.local_id is not None:
            outcome = self._run(plan)[1]
        elif plan.local is not None:
            key = (plan.local.name, plan.facts_key)
            if key not in self._local:
                facts = self.facts(plan.prepared).values
                self._local[key] = self.evaluator.engine.outcomes(plan.local, facts)[NONLOCAL_CRITERION]
            outcome = self._local[key]
        else:
            return None
        return None if outcome == "unknown" else outcome == "fail"  # "not local" passes
