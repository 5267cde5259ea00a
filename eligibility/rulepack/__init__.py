"""Rule packs (``rules/``): schema and loader (the linter, which compiles and runs cases, is eligibility.linter)."""

from eligibility.rulepack.loader import LoadedCriterion, RulePack, default_rules_dir, load_rules

__all__ = ["LoadedCriterion", "RulePack", "default_rules_dir", "load_rules"]
