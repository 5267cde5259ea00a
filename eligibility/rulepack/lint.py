"""``eligibility rules lint``: everything the loader checks, plus compilation, coverage by cases,
and parameters resting only on unverified [M] sources."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import yaml

from eligibility.errors import EligibilityError, EngineError
from eligibility.rulepack import conditions as cd
from eligibility.rulepack.loader import LoadedCriterion, RulePack, default_rules_dir, evaluated_windows, load_rules


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
    from eligibility.engine.durable_adapter import compile_criterion
    from eligibility.golden import load_cases

    problems: list[str] = []
    warnings: list[str] = []
    root = Path(rules_dir) if rules_dir else default_rules_dir()
    try:
        rules = load_rules(root)
    except EligibilityError as exc:
        return [p.render("en") for p in exc.problems], warnings

    # every criterion compiles to three explicit outcomes within durable's capacity, at every step
    for c in rules.criteria:
        events: list[str | None] = [*c.spec.events] if c.spec.events else [None]
        for on in _step_dates(c, rules):
            for event in events:

                def resolve(node: cd.Compare, op: cd.Operand, on: dt.date = on, event: str | None = event) -> cd.Const:
                    if isinstance(op, cd.Rank):
                        return cd.Const(0)
                    assert isinstance(op, cd.Param)
                    if op.name.startswith("event."):
                        assert event is not None
                        return cd.Const(rules.events[event].parameters[op.name.removeprefix("event.")].value)
                    return cd.Const(rules.parameter_value(op.name, on)[0])

                try:
                    compile_criterion(c.id, cd.substitute(c.condition, resolve))
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
            if set(facts) - {"not_encoded", "status"} and "pass" not in got:
                problems.append(f"{c.origin}: {c.id} has no case where it passes")
            continue
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
