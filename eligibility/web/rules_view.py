"""What the rules pages show: every criterion with its legal text, its sources (with links), the
parameters it reads by date, its confidence tag and the golden cases that pin it — read from the rule pack
and the cases, never restated.
"""

from __future__ import annotations

from collections import defaultdict
from functools import lru_cache
from pathlib import Path
from typing import Any

from eligibility.errors import EligibilityError
from eligibility.explain import names
from eligibility.explain.decision import OUTCOME_LABELS, TAG_LABELS
from eligibility.facts.catalog import TOPICS
from eligibility.golden import Case, load_cases
from eligibility.model import levels as lv
from eligibility.rulepack import conditions as cd
from eligibility.rulepack.loader import LoadedCriterion, RulePack
from eligibility.rulepack.schema import Citation

ACTION_ORDER = ("planning", "appointment", "reappointment", "nomination", "rotation", "nonlocal_placement")
_UNITS = {"months": "tháng", "years": "năm", "percent": "%", "count": "", "rank": "", "code": "", "flag": ""}


def default_cases_dir(rules: RulePack) -> Path | None:
    """The golden cases next to the rule pack (``cases/`` of a checkout); None for an installed package."""
    folder = rules.root.parent / "cases"
    return folder if folder.is_dir() else None


@lru_cache(maxsize=4)
def _cases(folder: str) -> tuple[Case, ...]:
    try:
        return tuple(load_cases(folder))
    except EligibilityError:
        return ()


def cases_by_criterion(rules: RulePack, folder: Path | None) -> dict[str, list[dict[str, str]]]:
    out: dict[str, list[dict[str, str]]] = defaultdict(list)
    if folder is None:
        return out
    for case in _cases(str(folder)):
        for cid, outcome in case.expect_outcomes.items():
            out[cid].append(
                {
                    "id": case.id,
                    "file": case.file.name,
                    "description": case.description,
                    "outcome": OUTCOME_LABELS.get(outcome, (outcome,))[0],
                    "date": names.date_text(str(case.request.get("date", ""))),
                    "xfail": case.xfail or "",
                }
            )
    return out


def _source(rules: RulePack, c: Citation) -> dict[str, Any]:
    src = rules.sources.get(c.id)
    return {
        "number": src.number if src else c.id,
        "title": src.title_vi if src else "",
        "article": c.article,
        "tag": c.tag,
        "tag_label": TAG_LABELS.get(c.tag, ("",))[0],
        "urls": list(src.urls) if src else [],
        "note": c.note or "",
        "claims": [
            {"article": k.article, "claim": k.claim, "quote": k.quote_vi or "", "url": k.url or "", "tag": k.tag}
            for k in rules.claims.get(c.id, [])
        ],
    }


def _value(value: object, unit: str) -> str:
    if isinstance(value, bool):
        return "có" if value else "không"
    suffix = _UNITS.get(unit, "")
    return f"{value} {suffix}".strip() if suffix != "%" else f"{value}%"


def criterion_summary(c: LoadedCriterion) -> dict[str, Any]:
    spec = c.spec
    return {
        "id": spec.id,
        "title": spec.title.vi,
        "topic": TOPICS.get(spec.topic, (spec.topic,))[0],
        "actions": [names.action_name(a) for a in spec.actions],
        "from": names.date_text(spec.in_force.from_),
        "until": names.date_text(spec.in_force.until) if spec.in_force.until else "",
        "tag": spec.source.tag,
        "waivable": spec.waivable,
        "overlay": c.overlay,
    }


def index_context(rules: RulePack) -> dict[str, Any]:
    """The list of criteria, by action (a criterion of several actions is listed under each)."""
    groups: dict[str, list[dict[str, Any]]] = {a: [] for a in ACTION_ORDER}
    for c in rules.criteria:
        for a in c.spec.actions:
            groups.setdefault(a, []).append(criterion_summary(c))
    return {
        "groups": [
            {
                "action": names.action_name(a),
                "code": a,
                "criteria": sorted(items, key=lambda x: (x["topic"], x["title"])),
            }
            for a, items in groups.items()
            if items
        ],
        "count": len(rules.criteria),
        "rulepack": rules.hash,
        "tags": [(t, TAG_LABELS[t][0]) for t in ("P", "S", "D", "M")],
    }


def criterion_context(rules: RulePack, cid: str, cases_dir: Path | None) -> dict[str, Any]:
    """One criterion: its legal text, sources, parameters by date, and golden cases."""
    c = rules.criterion(cid)
    spec = c.spec
    params = []
    for name in cd.params_of(c.condition):
        p = rules.parameters.get(name)
        if p is None:
            continue
        params.append(
            {
                "name": p.vi,
                "steps": [
                    {
                        "from": names.date_text(v.from_),
                        "until": names.date_text(v.until) if v.until else "",
                        "value": _value(v.value, p.unit),
                        "source": _source(rules, v.source),
                    }
                    for v in p.values
                ],
            }
        )
    scope = []
    if spec.levels:
        scope.append("cấp: " + ", ".join(names.vocab_label(lv.LEVEL, x) for x in spec.levels))
    if spec.province:
        scope.append("tỉnh: " + names.locality_name(spec.province, rules))
    if spec.events:
        scope.append("sự kiện: " + ", ".join(names.event_name(e, rules) for e in spec.events))
    return {
        **criterion_summary(c),
        "legal_text": spec.legal_text or "",
        "messages": {"pass": spec.message.pass_.vi, "fail": spec.message.fail.vi},
        "source": _source(rules, spec.source),
        "later_sources": [{**_source(rules, s), "from": names.date_text(s.from_)} for s in spec.later_sources],
        "parameters": params,
        "scope": scope,
        "note": spec.note,
        "cases": cases_by_criterion(rules, cases_dir).get(cid, []),
        "cases_shipped": cases_dir is not None,
    }
