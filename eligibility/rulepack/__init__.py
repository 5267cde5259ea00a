"""Rule packs (``rules/``): schema, loader, linter."""

from eligibility.rulepack.loader import LoadedCriterion, RulePack, default_rules_dir, load_rules

__all__ = ["LoadedCriterion", "RulePack", "default_rules_dir", "load_rules"]
