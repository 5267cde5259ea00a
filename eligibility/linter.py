"""``eligibility rules lint``: everything the loader checks, plus compilation, coverage by cases,
and parameters resting only on unverified [M] sources.

It sits above ``explain`` and the golden cases (it resolves parameters like ``Evaluator`` and reads
``cases/``), not inside ``rulepack``."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import yaml

from eligibility.engine.durable_adapter import compile_criterion
from eligibility.errors import EligibilityError, EngineError
from eligibility.explain.evaluate import Evaluator
from eligibility.golden import load_cases
from eligibility.rulepack import conditions as cd
from eligibility.rulepack.loader import LoadedCriterion, RulePack, default_rules_dir, load_rules


def _step_dates(c: LoadedCriterion, rules: RulePack) -> list[dt.date]:
    """Every date on which the criterion's resolved content can change."""
    dates = {c.spec.in_force.from_}
    for name in cd.params_of(c.condition):
        if name.startswith("event."):
            continue
        for v in rules.parameters[name].values:
            if c.spec.in_force.contains(v.from_):
                dates.add(v.from_)
    return sorted(dates)


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
        if "pass" not in got:
            problems.append(f"{c.origin}: {c.id} has no case where it passes")
        if not c.spec.note and not got & {"fail", "waivable"}:
            problems.append(f"{c.origin}: {c.id} has no case where it fails")
    return problems, warnings


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
