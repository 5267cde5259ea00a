"""``eligibility rules lint``: everything the loader checks, plus compilation, coverage by cases,
and parameters resting only on unverified [M] sources.

It sits above ``explain`` and the golden cases (it resolves parameters like ``Evaluator`` and reads
``cases/``), not inside ``rulepack``."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import yaml

from eligibility.engine.durable_adapter import compile_criterion
from eligibility.errors import EligibilityError, EngineError
from eligibility.explain.evaluate import Evaluator
from eligibility.golden import load_cases
from eligibility.rulepack import conditions as cd
from eligibility.rulepack.loader import LoadedCriterion, RulePack, default_rules_dir, load_rules
from eligibility.rulepack.windows import evaluated_windows


def _step_dates(c: LoadedCriterion, rules: RulePack) -> list[dt.date]:
    """Every date on which the criterion's resolved content can change (outside its not-encoded windows)."""
    windows = evaluated_windows(c.spec)
    dates = {start for start, _ in windows}
    for name in cd.params_of(c.condition):
        if name.startswith("event."):
            continue
        for v in rules.parameters[name].values:
            if any(a <= v.from_ <= b for a, b in windows):
                dates.add(v.from_)
    return sorted(dates)


def coverage_gaps(rules: RulePack) -> list[tuple[LoadedCriterion, dt.date, dt.date]]:
    """Criteria in force on ``reviewed_through`` whose window starts after their action's earliest date, with
    the part of the gap that no ``not_required`` / ``not_encoded`` / ``covered_by`` window declares: the
    engine reports those dates "not encoded" too, but nobody has looked at them."""
    cov = rules.coverage
    if cov is None:
        return []
    out: list[tuple[LoadedCriterion, dt.date, dt.date]] = []
    for c in rules.criteria:
        spec = c.spec
        if spec.in_force.until is not None and spec.in_force.until < cov.reviewed_through:
            continue
        starts = [cov.actions[a].from_ for a in spec.actions if a in cov.actions]
        if spec.events:  # an event's criteria start with its event
            starts = [min(rules.events[e].from_ for e in spec.events)]
        if not starts:
            continue
        cursor, end = min(starts), spec.in_force.from_ - dt.timedelta(days=1)
        windows = sorted(
            [(g.from_, g.until or end) for g in (*spec.not_required, *spec.not_encoded)]
            + [(cb.from_, cb.until) for cb in spec.covered_by]
        )
        for a, b in windows:
            if a > cursor:
                break
            cursor = max(cursor, b + dt.timedelta(days=1))
        if cursor <= end:
            out.append((c, cursor, end))
    return out


def lint(rules_dir: str | Path | None = None, cases_dir: str | Path | None = None) -> tuple[list[str], list[str]]:
    problems: list[str] = []
    warnings: list[str] = []
    root = Path(rules_dir) if rules_dir else default_rules_dir()
    try:
        rules = load_rules(root)
    except EligibilityError as exc:
        return [p.render("en") for p in exc.problems], warnings

    # every criterion compiles to three explicit outcomes within durable's capacity, at every step
    evaluator = Evaluator(rules)
    for c in rules.criteria:
        events: list[str | None] = [*c.spec.events] if c.spec.events else [None]
        for on in _step_dates(c, rules):
            for event in events:
                try:
                    compile_criterion(c.id, evaluator.resolve(c.condition, on, event))
                except (EngineError, EligibilityError) as exc:
                    problems.append(f"{c.origin}: {c.id}: {exc}")

    # coverage: reviewed_through, and gaps nobody declared (reported "not encoded" by the engine)
    if rules.coverage is None:
        warnings.append(f"{root / 'coverage.yaml'}: missing — no reviewed_through, no earliest date per action")
    gaps = coverage_gaps(rules)
    for c, a, b in gaps:
        warnings.append(f"{c.origin}: {c.id} is not encoded {a} … {b} (undeclared gap: reported 'not encoded')")
    if gaps:
        warnings.append(f"{len(gaps)} criteria have undeclared coverage gaps")

    # parameters resting only on [M]
    for name, p in rules.parameters.items():
        if all(v.source.tag == "M" for v in p.values):
            warnings.append(f"{rules.origins.get(name, name)}: parameter {name} rests only on [M] (unverified) sources")

    # coverage: each criterion has a case on each side
    cases_root = Path(cases_dir) if cases_dir else root.parent / "cases"
    if not cases_root.exists():
        problems.append(f"{cases_root}: no cases directory")
        return problems, warnings
    try:
        cases = load_cases(cases_root)
    except (EligibilityError, yaml.YAMLError) as exc:
        problems.append(f"{cases_root}: {exc}")
        return problems, warnings
    seen: dict[str, set[str]] = {}
    for case in cases:
        for cid, outcome in case.expect_outcomes.items():
            seen.setdefault(cid, set()).add(outcome)
            if not any(c.id == cid for c in rules.criteria):
                problems.append(f"{case.file}: case {case.id} names unknown criterion {cid}")
    for c in rules.criteria:
        got = seen.get(c.id, set())
        facts = cd.facts_of(c.condition)
        if "not_encoded" in facts:  # partly or wholly not encoded: it passes or stays unknown, never fails
            if "unknown" not in got:
                problems.append(f"{c.origin}: {c.id} has no case where it is unknown (not encoded)")
            if set(facts) - {"not_encoded", "staff_status"} and "pass" not in got:
                problems.append(f"{c.origin}: {c.id} has no case where it passes")
            continue
        if "pass" not in got:
            problems.append(f"{c.origin}: {c.id} has no case where it passes")
        if not c.spec.note and not got & {"fail", "waivable"}:
            problems.append(f"{c.origin}: {c.id} has no case where it fails")
    problems.extend(step_coverage(rules, cases))
    return problems, warnings


# the side of a threshold a value is on, when it is at the threshold: (value at which the comparison just holds,
# value at which it just fails), for "fact OP threshold"
_TIGHT = {"ge": (0, -1), "gt": (1, 0), "le": (0, 1), "lt": (-1, 0)}
SYSTEM_PARAMETERS = ("person.min_age_months",)  # read by Evaluator.check_inputs: the failing side is an input error


def required_steps(rules: RulePack) -> dict[tuple[str, dt.date], tuple[str, int]]:
    """Every integer threshold step a criterion (or the evaluator) compares with: (name, step first day) →
    (where it is defined, value). Event parameters are keyed by the event's first reference month."""
    out: dict[tuple[str, dt.date], tuple[str, int]] = {}
    used: set[str] = set(SYSTEM_PARAMETERS)
    events: set[tuple[str, str]] = set()
    for c in rules.criteria:
        for node in cd.walk(c.condition):
            if isinstance(node, cd.Compare) and isinstance(node.right, cd.Param) and node.op in _TIGHT:
                if node.right.name.startswith("event."):
                    events.update((e, node.right.name.removeprefix("event.")) for e in c.spec.events or [])
                else:
                    used.add(node.right.name)
    for name in sorted(used):
        p = rules.parameters.get(name)
        for v in p.values if p else []:
            if isinstance(v.value, int) and not isinstance(v.value, bool):
                out[(name, v.from_)] = (rules.origins.get(name, name), v.value)
    for eid, key in sorted(events):
        ev = rules.events[eid]
        y, m = map(int, ev.reference_months[min(ev.reference_months)].split("-"))
        out[(f"event.{key}", dt.date(y, m, 1))] = (f"events.yaml ({eid})", ev.parameters[key].value)
    return out


def step_coverage(rules: RulePack, cases: list[Any]) -> list[str]:
    """Every threshold step needs a case on each side of it, dated inside the step's window: one where the
    compared fact just meets the threshold and one where it just misses it (59 and 60 months), in a case that
    checks the criterion (its outcome, message or facts). ``eligibility rules mutate`` checks the same from the
    other end: moving the threshold by one must fail a case."""
    from eligibility.explain.evaluate import Evaluator
    from eligibility.facts.months import whole_months_between
    from eligibility.golden import run_case
    from eligibility.model import parse_profile, parse_request

    required = required_steps(rules)
    sides: dict[tuple[str, dt.date], set[str]] = {k: set() for k in required}
    evaluator = Evaluator(rules)
    compares: dict[str, list[tuple[str, str, str]]] = {
        c.id: [
            (n.fact, n.op, n.right.name)
            for n in cd.walk(c.condition)
            if isinstance(n, cd.Compare) and isinstance(n.right, cd.Param) and n.op in _TIGHT
        ]
        for c in rules.criteria
    }
    for case in cases:
        if case.xfail:
            continue
        result = run_case(case, rules, evaluator)
        if not result.ok:
            continue
        for name in SYSTEM_PARAMETERS:
            try:
                on = parse_request(case.request).date
                value, _, step = rules.parameter_value(name, on)
                born = parse_profile(case.profile).birth_date.first_day()
            except (EligibilityError, KeyError):
                continue
            age = whole_months_between(born, on)
            if case.expect_error is None and age == value:
                sides[(name, step)].add("meets")
            if case.expect_error and "minimum age" in case.expect_error and age == value - 1:
                sides[(name, step)].add("misses")
        if result.decision is None:
            continue
        checked = set(case.expect_outcomes) | set(case.expect_messages) | set(case.expect_facts)
        for f in result.decision.findings:
            if f.criterion not in checked or f.outcome == "not_applicable":
                continue
            uses = {u.name: u for u in f.parameters}
            for fact, op, pname in compares.get(f.criterion, []):
                u = uses.get(pname)
                value = f.facts.get(fact)
                if u is None or not isinstance(value, int) or not isinstance(u.value, int):
                    continue
                key = (pname, u.step_from)
                if key not in sides:
                    continue
                meets, misses = _TIGHT[op]
                if value == u.value + meets:
                    sides[key].add("meets")
                if value == u.value + misses:
                    sides[key].add("misses")
    out: list[str] = []
    for key, (origin, value) in required.items():
        for side in ("meets", "misses"):
            if side not in sides[key]:
                out.append(
                    f"{origin}: {key[0]} step from {key[1]} (= {value}): no golden case dated in the step where the "
                    f"compared fact just {'meets' if side == 'meets' else 'misses'} it"
                )
    return out


def render_criterion(c: LoadedCriterion, rules: RulePack, lang: str = "vi") -> str:
    s = c.spec
    lines = [
        f"{c.id}  ({c.origin})",
        f"  {s.title.en if lang == 'en' else s.title.vi}",
        f"  actions: {', '.join(s.actions)}; topic: {s.topic}; groups: {', '.join(s.groups)}"
        + (f"; except {', '.join(s.exclude_groups)}" if s.exclude_groups else "")
        + (f"; events: {', '.join(s.events)}" if s.events else "")
        + (f"; province: {s.province}" if s.province else ""),
        f"  in force: {s.in_force.from_} … {s.in_force.until or '(open)'}; waivable: {s.waivable}; note: {s.note}",
        f"  source: {rules.sources[s.source.id].number} — {s.source.article} [{s.source.tag}]",
    ]
    for later in s.later_sources:
        lines.append(f"          from {later.from_}: {rules.sources[later.id].number} — {later.article} [{later.tag}]")
    if c.applies_when is not None:
        lines.append(
            "  applies when: "
            + yaml.safe_dump(cd.to_data(c.applies_when), allow_unicode=True, default_flow_style=True).strip()
        )
    lines.append("  condition:")
    lines.extend(
        "    " + ln for ln in yaml.safe_dump(cd.to_data(c.condition), allow_unicode=True, sort_keys=False).splitlines()
    )
    for name in cd.params_of(c.condition):
        if name.startswith("event."):
            key = name.removeprefix("event.")
            for eid in s.events or []:
                ep = rules.events[eid].parameters[key]
                lines.append(
                    f"  {name} [{eid}] = {ep.value}  ({rules.sources[ep.source.id].number}, "
                    f"{ep.source.article} [{ep.source.tag}])"
                )
            continue
        lines.append(f"  parameter {name}:")
        for v in rules.parameters[name].values:
            lines.append(
                f"    {v.from_} … {v.until or ''}: {v.value}  ({rules.sources[v.source.id].number}, "
                f"{v.source.article} [{v.source.tag}])"
            )
    if s.legal_text:
        lines.append("  legal text (paraphrase): " + " ".join(s.legal_text.split()))
    cited = [s.source.id] + [later.id for later in s.later_sources]
    checked = [(sid, cl) for sid in dict.fromkeys(cited) for cl in rules.claims.get(sid, [])]
    if checked:
        lines.append("  source check (rules/verification.yaml):")
        for sid, cl in checked:
            lines.append(
                f"    {rules.sources[sid].number} {cl.article}: {cl.claim} [{cl.tag}; agrees: {cl.agrees_with_rulebook}]"
            )
            if cl.quote_vi:
                lines.append(f"      « {cl.quote_vi} » {cl.url or ''}")
    return "\n".join(lines)
