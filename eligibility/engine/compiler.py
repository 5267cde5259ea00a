"""Resolve criteria for one rule version: parameters and ranks become constants.

A *rule version* is the set of an action's criteria in force on a date, with every parameter
read at that date (and, for a nomination, the event's parameters). Two dates with the same
resolved content share one compiled ruleset: the ruleset is named by the content hash.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass

from eligibility.rulepack import conditions as cd


@dataclass(frozen=True)
class ResolvedCriterion:
    id: str
    condition: cd.Condition  # constants only (no Param, no Rank)

    def canonical(self) -> object:
        return {"id": self.id, "condition": cd.to_data(self.condition)}


@dataclass(frozen=True)
class RuleVersion:
    name: str  # "<action>-<content hash>"
    criteria: tuple[ResolvedCriterion, ...]

    @staticmethod
    def build(action: str, criteria: list[ResolvedCriterion]) -> RuleVersion:
        ordered = tuple(sorted(criteria, key=lambda c: c.id))
        blob = json.dumps([c.canonical() for c in ordered], ensure_ascii=False, sort_keys=True, separators=(",", ":"))
        digest = hashlib.sha256(blob.encode("utf-8")).hexdigest()[:16]
        return RuleVersion(f"{action}-{digest}", ordered)

    def facts_used(self) -> list[str]:
        names: list[str] = []
        for c in self.criteria:
            names.extend(cd.facts_of(c.condition))
        return sorted(set(names))
