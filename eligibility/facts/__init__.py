"""Facts as of a reference date (layer 2): pure functions of profile, request and context."""

from eligibility.facts.catalog import FACTS, FactSpec
from eligibility.facts.derive import FactContext, FactSet, TitleInfo, derive_facts, retirement_of
from eligibility.facts.retirement import CONVENTIONS, Retirement, months_to_retirement, retirement

__all__ = [
    "CONVENTIONS",
    "FACTS",
    "FactContext",
    "FactSet",
    "FactSpec",
    "Retirement",
    "TitleInfo",
    "derive_facts",
    "months_to_retirement",
    "retirement",
    "retirement_of",
]
