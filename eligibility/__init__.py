"""eligibility — a rule engine for Vietnamese personnel work (công tác cán bộ).

>>> from eligibility import evaluate
>>> decision = evaluate("examples/profile.yaml",
...                     {"action": "appointment", "post": "giam-doc-so", "locality": "lao-cai", "date": "2025-11-03"})
>>> decision.verdict
'eligible'

One function per job (each CLI command calls one): :func:`evaluate` (``check``), :func:`explain`
(``explain``), :func:`derive` (``facts``), :func:`retirement`, :func:`screen_file` and
:class:`Screener` (``screen``), :func:`compare_files` (``compare``), :func:`write_template`
(``template``), :func:`load_rules` (``rules list|titles|show``), :func:`lint` (``rules lint``),
:func:`run_cases` (``test``), :func:`mutate` (``rules mutate``). See :mod:`eligibility.api`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from eligibility.api import (
    DerivedFacts,
    compare_files,
    default_rules,
    derive,
    evaluate,
    explain,
    lint,
    mutate,
    retirement,
    run_cases,
    screen_file,
    screen_partition,
    write_template,
)
from eligibility.errors import EligibilityError, EngineError, InputError, Problem, RulePackError
from eligibility.explain.decision import Decision, Finding
from eligibility.explain.evaluate import Evaluator
from eligibility.model import Profile, Request, load_profile, parse_profile, parse_request
from eligibility.rulepack import RulePack, load_rules

if TYPE_CHECKING:
    from eligibility.batch.compare import Comparison
    from eligibility.batch.pipeline import ScreenRun
    from eligibility.batch.report import PoolReport
    from eligibility.batch.screen import RowResult, Screener
    from eligibility.explain.timeline import Timeline
    from eligibility.golden import CaseResult, SuiteResult
    from eligibility.mutate import MutationResult

__version__ = "0.1.0"

# classes of the pool and timeline machinery, imported on first use (``check`` does not need them)
_LAZY = {
    "Comparison": "eligibility.batch.compare",
    "ScreenRun": "eligibility.batch.pipeline",
    "PoolReport": "eligibility.batch.report",
    "RowResult": "eligibility.batch.screen",
    "Screener": "eligibility.batch.screen",
    "Timeline": "eligibility.explain.timeline",
    "CaseResult": "eligibility.golden",
    "SuiteResult": "eligibility.golden",
    "MutationResult": "eligibility.mutate",
}


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        import importlib

        return getattr(importlib.import_module(_LAZY[name]), name)
    raise AttributeError(f"module 'eligibility' has no attribute {name!r}")


__all__ = [
    "CaseResult",
    "Comparison",
    "Decision",
    "DerivedFacts",
    "EligibilityError",
    "EngineError",
    "Evaluator",
    "Finding",
    "InputError",
    "MutationResult",
    "PoolReport",
    "Problem",
    "Profile",
    "Request",
    "RowResult",
    "RulePack",
    "RulePackError",
    "ScreenRun",
    "Screener",
    "SuiteResult",
    "Timeline",
    "compare_files",
    "default_rules",
    "derive",
    "evaluate",
    "explain",
    "lint",
    "load_profile",
    "load_rules",
    "mutate",
    "parse_profile",
    "parse_request",
    "retirement",
    "run_cases",
    "screen_file",
    "screen_partition",
    "write_template",
]
