"""Mutation testing of the rule pack: would the golden cases notice if a threshold moved?

Each mutant changes one thing in ``rules/`` — an integer of a parameter step, of an event parameter or of a
criterion's condition moved by ±1, or an ordered comparison made strict or non-strict (``ge``↔``gt``,
``le``↔``lt``) — and the golden cases (``cases/``) are run against it. A mutant is *killed* when at least one
case that passes on the real rules fails on the mutant; a *survivor* is a threshold the cases do not pin.

Pool targets (issue 16) are mutated too: ``percent``, ``percent_max``, ``count_min``, ``count_max``, ``age_under``
and ``year`` moved by ±1, ``op`` made strict or non-strict, ``rank_at_least`` moved one rank, and the scope
widened — excluded groups dropped, groups made "any", levels dropped (each only where that changes which catalogue
titles the scope takes in), the committee part dropped, the roster basis made "screened", a planned population
made "incumbents". They are judged by the golden pool cases that name the target (``cases/pools/``).

Only the cases a mutant can affect are run: those whose request reads the mutated parameter step (the
``ParameterUse`` of their decision), the mutated event parameter, or the mutated criterion (in force for the
request), and for ``person.min_age_months`` (read by ``Evaluator.check_inputs``) every case dated in the step.

durable_rules never frees a ruleset, and every mutant compiles new ones: mutants run in worker processes,
``batch`` mutants per process, each process replaced after its batch (``multiprocessing.Pool`` with
``maxtasksperchild=1``; fork where available, else spawn), so memory stays bounded however many mutants there
are. ``workers=0`` runs in this process (small runs; it keeps every ruleset it compiles).

Library use::

    from eligibility.mutate import run
    result = run(progress=lambda done, total: print(done, total))
    print(result.score, [m.label for m in result.survivors])
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import multiprocessing
import os
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from eligibility.golden import Case, load_cases, run_case
from eligibility.model import levels as lv
from eligibility.progress import Progress
from eligibility.rulepack import conditions as cd
from eligibility.rulepack.loader import LoadedCriterion, RulePack, default_rules_dir, load_rules
from eligibility.rulepack.schema import PoolTarget
from eligibility.rulepack.targets import window as target_window

SWAP = {"ge": "gt", "gt": "ge", "le": "lt", "lt": "le"}
SYSTEM_PARAMETERS = ("person.min_age_months",)  # read by the evaluator itself, not by a criterion


def review_date(rules: RulePack) -> dt.date:
    """The date up to which the rule pack was checked against the law (``rules/coverage.yaml``
    ``reviewed_through``): a surviving mutant of a step in force on it is a gap in today's cases. Without a
    coverage file, today."""
    return rules.coverage.reviewed_through if rules.coverage is not None else dt.date.today()


@dataclass(frozen=True)
class Mutant:
    """One change to the rule pack."""

    kind: str  # "parameter" | "event" | "constant" | "operator" | "target"
    target: str  # parameter name, "event:<id>.<parameter>", criterion id, or pool target id
    detail: str  # "60 → 61", "ge → gt" (with the position in the condition)
    window: tuple[dt.date, dt.date | None]  # when the mutated step / event / criterion is in force
    step: dt.date | None = None  # the parameter step's first day
    index: int = 0  # the comparison's position in the criterion (walk order), for constants and operators
    where: str = "condition"  # "condition" | "applies_when"
    value: Any = None  # the new value (constant, parameter), operator, or a target's changed fields ((key, value), …)

    @property
    def label(self) -> str:
        at = f"@{self.step}" if self.step else ""
        return f"{self.kind} {self.target}{at}: {self.detail}"

    def in_force_on(self, d: dt.date) -> bool:
        start, end = self.window
        return start <= d and (end is None or d <= end)


@dataclass
class MutantOutcome:
    mutant: Mutant
    killed: bool
    cases_run: int
    killed_by: str | None = None  # the first case that failed on the mutant


@dataclass
class MutationResult:
    outcomes: list[MutantOutcome]
    seconds: float
    cases: int
    baseline_failures: list[str] = field(default_factory=list)  # cases failing on the real rules (excluded)
    review_date: dt.date = field(default_factory=dt.date.today)  # rules/coverage.yaml reviewed_through

    @property
    def total(self) -> int:
        return len(self.outcomes)

    @property
    def killed(self) -> int:
        return sum(1 for o in self.outcomes if o.killed)

    @property
    def survivors(self) -> list[Mutant]:
        return [o.mutant for o in self.outcomes if not o.killed]

    @property
    def score(self) -> float:
        return self.killed / self.total if self.total else 1.0

    def survivors_in_force(self, on: dt.date | None = None) -> list[Mutant]:
        """The survivors of a step in force on ``on`` (default: the rule pack's review date)."""
        day = self.review_date if on is None else on
        return [m for m in self.survivors if m.in_force_on(day)]

    def summary(self) -> str:
        return (
            f"{self.killed} of {self.total} mutants killed ({100 * self.score:.1f}%), "
            f"{len(self.survivors)} survivors ({len(self.survivors_in_force())} in a step in force on "
            f"{self.review_date:%d/%m/%Y}); {self.cases} cases; {self.seconds:.0f} s"
        )


# ----- enumerating mutants ------------------------------------------------------------------------------------
def _int(v: object) -> bool:
    return isinstance(v, int) and not isinstance(v, bool)


def mutants(rules: RulePack) -> list[Mutant]:
    out: list[Mutant] = []
    for name, p in sorted(rules.parameters.items()):
        for v in p.values:
            if _int(v.value):
                assert isinstance(v.value, int)
                for d in (1, -1):
                    out.append(
                        Mutant(
                            "parameter",
                            name,
                            f"{v.value} → {v.value + d}",
                            (v.from_, v.until),
                            v.from_,
                            value=v.value + d,
                        )
                    )
    for eid, ev in sorted(rules.events.items()):
        end = None
        if ev.term_start:
            y, m = map(int, ev.term_start.split("-"))
            end = dt.date(y + 5, m, 1) - dt.timedelta(days=1)
        for key, ep in sorted(ev.parameters.items()):
            for d in (1, -1):
                out.append(
                    Mutant(
                        "event",
                        f"event:{eid}.{key}",
                        f"{ep.value} → {ep.value + d}",
                        (ev.from_, end),
                        value=ep.value + d,
                    )
                )
    for c in rules.criteria:
        window = (c.spec.in_force.from_, c.spec.in_force.until)
        for where, cond in (("condition", c.condition), ("applies_when", c.applies_when)):
            if cond is None:
                continue
            for i, node in enumerate(cd.walk(cond)):
                if not isinstance(node, cd.Compare):
                    continue
                if isinstance(node.right, cd.Const) and _int(node.right.value):
                    assert isinstance(node.right.value, int)
                    for d in (1, -1):
                        out.append(
                            Mutant(
                                "constant",
                                c.id,
                                f"{node.fact} {node.op} {node.right.value} → {node.right.value + d} ({where})",
                                window,
                                index=i,
                                where=where,
                                value=node.right.value + d,
                            )
                        )
                if node.op in SWAP:
                    out.append(
                        Mutant(
                            "operator",
                            c.id,
                            f"{node.fact} {node.op} → {SWAP[node.op]} ({where})",
                            window,
                            index=i,
                            where=where,
                            value=SWAP[node.op],
                        )
                    )
    out.extend(target_mutants(rules))
    return out


def _scope_titles(t: PoolTarget, rules: RulePack) -> frozenset[str]:
    """The catalogue titles a target's post-based scope takes in (to skip scope mutants that change nothing)."""
    if not t.groups:
        return frozenset()
    return frozenset(
        code
        for code, ti in rules.titles.items()
        if (not t.levels or ti.level in t.levels)
        and not set(ti.groups) & set(t.exclude_groups)
        and ("any" in t.groups or set(ti.groups) & set(t.groups))
    )


def target_mutants(rules: RulePack) -> list[Mutant]:
    out: list[Mutant] = []
    vocabs = {
        "degree_at_least": lv.DEGREE,
        "political_theory_at_least": lv.POLITICAL_THEORY,
        "state_management_at_least": lv.STATE_MANAGEMENT,
        "civil_service_grade_at_least": lv.CIVIL_SERVICE_GRADE,
    }
    for t in rules.targets:
        w = target_window(t, rules.localities)
        span = (w.start, w.end)

        def add(detail: str, *changes: tuple[str, Any], t: PoolTarget = t, span: Any = span) -> None:
            out.append(Mutant("target", t.id, detail, span, value=tuple(changes)))

        for key in ("percent", "percent_max", "count_min", "count_max", "age_under", "year"):
            v = getattr(t, key)
            if isinstance(v, int):
                for d in (1, -1):
                    add(f"{key} {v} → {v + d}", (key, v + d))
        if t.op in ("ge", "gt") and t.percent is not None:
            new_op = "gt" if t.op == "ge" else "ge"
            add(f"op {t.op} → {new_op}", ("op", new_op))
        vocab = vocabs.get(t.measure)
        if vocab is not None and t.rank_at_least in vocab.codes:
            i = vocab.codes.index(t.rank_at_least)
            for j in (i - 1, i + 1):
                if 0 <= j < len(vocab.codes):
                    add(f"rank_at_least {t.rank_at_least} → {vocab.codes[j]}", ("rank_at_least", vocab.codes[j]))
        before = _scope_titles(t, rules)
        widen: list[tuple[str, str, Any]] = []
        if t.exclude_groups:
            widen.append(("scope: exclude_groups dropped", "exclude_groups", ()))
        if t.groups and "any" not in t.groups:
            widen.append(("scope: groups → any", "groups", ("any",)))
        if t.levels:
            widen.append(("scope: levels dropped", "levels", None))
        for detail, key, value in widen:
            changed = t.model_copy(update={key: list(value) if isinstance(value, tuple) else value})
            if _scope_titles(changed, rules) != before:
                add(detail, (key, value))
        if t.committee is not None:
            add("scope: committee dropped", ("committee", None))
        if t.basis == "roster":
            add("scope: basis roster → screened", ("basis", "screened"))
        if t.population != "incumbents":
            add(f"scope: population {t.population} → incumbents", ("population", "incumbents"))
    return out


# ----- applying one -------------------------------------------------------------------------------------------
def _replace_node(cond: cd.Condition, index: int, mutant: Mutant) -> cd.Condition:
    counter = [0]

    def go(c: cd.Condition) -> cd.Condition:
        i = counter[0]
        counter[0] += 1
        if i == index:
            assert isinstance(c, cd.Compare)
            if mutant.kind == "operator":
                return cd.Compare(c.fact, str(mutant.value), c.right)
            return cd.Compare(c.fact, c.op, cd.Const(mutant.value))
        if isinstance(c, cd.All):
            return cd.All(tuple(go(p) for p in c.parts))
        if isinstance(c, cd.AnyOf):
            return cd.AnyOf(tuple(go(p) for p in c.parts))
        if isinstance(c, cd.Not):
            return cd.Not(go(c.part))
        return c

    return go(cond)


def apply(rules: RulePack, mutant: Mutant) -> RulePack:
    """A copy of the rule pack with the mutant applied (the real one is not changed)."""
    if mutant.kind == "parameter":
        p = rules.parameters[mutant.target]
        values = [v.model_copy(update={"value": mutant.value}) if v.from_ == mutant.step else v for v in p.values]
        params = {**rules.parameters, mutant.target: p.model_copy(update={"values": values})}
        return dataclasses.replace(rules, parameters=params)
    if mutant.kind == "target":
        updates = {k: list(v) if isinstance(v, tuple) else v for k, v in mutant.value}
        targets = [t.model_copy(update=updates) if t.id == mutant.target else t for t in rules.targets]
        return dataclasses.replace(rules, targets=targets)
    if mutant.kind == "event":
        eid, key = mutant.target.removeprefix("event:").split(".", 1)
        ev = rules.events[eid]
        ep = ev.parameters[key].model_copy(update={"value": mutant.value})
        events = {**rules.events, eid: ev.model_copy(update={"parameters": {**ev.parameters, key: ep}})}
        return dataclasses.replace(rules, events=events)
    criteria: list[LoadedCriterion] = []
    for c in rules.criteria:
        if c.id == mutant.target:
            if mutant.where == "condition":
                c = dataclasses.replace(c, condition=_replace_node(c.condition, mutant.index, mutant))
            else:
                assert c.applies_when is not None
                c = dataclasses.replace(c, applies_when=_replace_node(c.applies_when, mutant.index, mutant))
        criteria.append(c)
    return dataclasses.replace(rules, criteria=criteria)


# ----- which cases a mutant can affect ----------------------------------------------------------------------------
@dataclass(frozen=True)
class CaseTrace:
    """What a case's evaluation read on the real rules."""

    case_id: str
    date: dt.date | None
    event: str | None
    criteria: frozenset[str]
    parameter_steps: frozenset[tuple[str, dt.date]]  # (parameter, step first day)
    targets: frozenset[str] = frozenset()  # pool cases: the targets they name


def trace(case: Case, rules: RulePack, evaluator: Any) -> CaseTrace:
    from eligibility.errors import EligibilityError
    from eligibility.model import parse_request

    criteria: set[str] = set()
    steps: set[tuple[str, dt.date]] = set()
    date = event = None
    if case.pool is not None:  # judged only by target mutants
        return CaseTrace(case.id, None, None, frozenset(), frozenset(), frozenset(case.pool.target_ids()))
    try:
        request = parse_request(case.request)
        date, event = request.date, request.event
        prepared = evaluator.prepare(request)
        criteria = {c.id for c in prepared.applicable + prepared.not_applicable}
        steps = {(u.name, u.step_from) for uses in prepared.params.values() for u in uses}
    except EligibilityError:
        pass
    return CaseTrace(case.id, date, event, frozenset(criteria), frozenset(steps))


def affected(m: Mutant, t: CaseTrace) -> bool:
    if m.kind == "target":
        return m.target in t.targets
    if m.kind == "parameter":
        if m.target in SYSTEM_PARAMETERS:
            return t.date is not None and m.in_force_on(t.date)
        return (m.target, m.step) in t.parameter_steps
    if m.kind == "event":
        eid, key = m.target.removeprefix("event:").split(".", 1)
        return t.event == eid and any(name == f"event.{key}" for name, _ in t.parameter_steps)
    return m.target in t.criteria


# ----- running ------------------------------------------------------------------------------------------------
_STATE: dict[str, Any] = {}


def _init(rules_dir: str, cases_dir: str) -> None:
    rules = load_rules(rules_dir)
    _STATE["rules"] = rules
    _STATE["cases"] = {c.id: c for c in load_cases(cases_dir)}


def _judge(rules: RulePack, cases: Iterable[Case], mutant: Mutant) -> MutantOutcome:
    from eligibility.explain.evaluate import Evaluator

    mutated = apply(rules, mutant)
    evaluator = Evaluator(mutated)
    n = 0
    for case in cases:
        n += 1
        if not run_case(case, mutated, evaluator).ok:
            return MutantOutcome(mutant, True, n, case.id)
    return MutantOutcome(mutant, False, n)


def _work(batch: list[tuple[Mutant, list[str]]]) -> list[MutantOutcome]:
    """One worker process's share: a batch of mutants (the process then exits, freeing its rulesets)."""
    cases = _STATE["cases"]
    return [_judge(_STATE["rules"], [cases[i] for i in ids], m) for m, ids in batch]


def run(
    rules_dir: str | Path | None = None,
    cases_dir: str | Path | None = None,
    *,
    workers: int | None = None,
    batch: int = 25,
    progress: Progress | None = None,
    only: Callable[[Mutant], bool] | None = None,
) -> MutationResult:
    """Run every mutant of the rule pack against the golden cases; ``progress(done, total)`` after each mutant (:mod:`eligibility.progress`)."""
    from eligibility.explain.evaluate import Evaluator

    started = time.perf_counter()
    root = Path(rules_dir) if rules_dir else default_rules_dir()
    cases_root = Path(cases_dir) if cases_dir else root.parent / "cases"
    rules = load_rules(root)
    cases = load_cases(cases_root)
    evaluator = Evaluator(rules)
    baseline = {c.id: run_case(c, rules, evaluator) for c in cases}
    judged = [c for c in cases if baseline[c.id].ok and not c.xfail]  # an expected failure kills nothing
    failures = [c.id for c in cases if not baseline[c.id].ok and not c.xfail]
    traces = [trace(c, rules, evaluator) for c in judged]
    todo = [m for m in mutants(rules) if only is None or only(m)]
    jobs = [(m, [t.case_id for t in traces if affected(m, t)]) for m in todo]
    outcomes: list[MutantOutcome] = []
    workers = (os.cpu_count() or 1) if workers is None else workers
    if workers <= 0:
        by_id = {c.id: c for c in judged}
        for m, ids in jobs:
            outcome = _judge(rules, [by_id[i] for i in ids], m)
            outcomes.append(outcome)
            if progress:
                progress(len(outcomes), len(jobs))
    else:
        # one process per batch of mutants (maxtasksperchild=1): durable rulesets die with the process.
        # fork shares the loaded rules and cases; spawn (other platforms) loads them in each worker.
        fork = "fork" in multiprocessing.get_all_start_methods()
        ctx = multiprocessing.get_context("fork" if fork else "spawn")
        if fork:
            _STATE.update(rules=rules, cases={c.id: c for c in judged})
        batches = [jobs[i : i + batch] for i in range(0, len(jobs), batch)]
        init: Any = None if fork else _init
        args: tuple[str, ...] = () if fork else (str(root), str(cases_root))
        with ctx.Pool(workers, initializer=init, initargs=args, maxtasksperchild=1) as pool:
            for outs in pool.imap_unordered(_work, batches):
                for outcome in outs:
                    outcomes.append(outcome)
                    if progress:
                        progress(len(outcomes), len(jobs))
        _STATE.clear()
        order = {m: i for i, (m, _) in enumerate(jobs)}
        outcomes.sort(key=lambda o: order[o.mutant])
    return MutationResult(outcomes, time.perf_counter() - started, len(judged), failures, review_date(rules))
