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

import sys
import types
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
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
    from eligibility.batch.compare import Comparison
    from eligibility.batch.pipeline import ScreenRun
    from eligibility.batch.report import PoolReport
    from eligibility.batch.screen import RowResult, Screener
    from eligibility.errors import EligibilityError, EngineError, InputError, Problem, RulePackError
    from eligibility.explain.decision import Decision, Finding
    from eligibility.explain.evaluate import Evaluator
    from eligibility.explain.timeline import Timeline
    from eligibility.golden import CaseResult, SuiteResult
    from eligibility.model import Profile, Request, load_profile, parse_profile, parse_request
    from eligibility.mutate import MutationResult
    from eligibility.rulepack import RulePack, load_rules

__version__ = "0.1.0"

# Every public name is imported on first use (PEP 562): ``import eligibility`` costs nothing, and a command
# imports only the layers it uses — ``check`` never the pool, timeline or web machinery (issue 14, cold start).
_LAZY = {
    **dict.fromkeys(
        (
            "DerivedFacts",
            "compare_files",
            "default_rules",
            "derive",
            "evaluate",
            "explain",
            "lint",
            "mutate",
            "retirement",
            "run_cases",
            "screen_file",
            "screen_partition",
            "write_template",
        ),
        "eligibility.api",
    ),
    **dict.fromkeys(
        ("EligibilityError", "EngineError", "InputError", "Problem", "RulePackError"), "eligibility.errors"
    ),
    "Decision": "eligibility.explain.decision",
    "Finding": "eligibility.explain.decision",
    "Evaluator": "eligibility.explain.evaluate",
    **dict.fromkeys(("Profile", "Request", "load_profile", "parse_profile", "parse_request"), "eligibility.model"),
    "RulePack": "eligibility.rulepack",
    "load_rules": "eligibility.rulepack",
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

        value = getattr(importlib.import_module(_LAZY[name]), name)
        globals()[name] = value  # the next access is a plain attribute
        return value
    if name in SUBMODULES:
        import importlib

        return importlib.import_module(f"{__name__}.{name}")
    raise AttributeError(f"module 'eligibility' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted({*globals(), *__all__})


# the subpackages the package bound when it imported them eagerly: ``import eligibility; eligibility.api`` works
SUBMODULES = ("api", "engine", "errors", "facts", "model", "rulepack", "serialize")


class _Package(types.ModuleType):
    """The package's module type: importing ``eligibility.explain.*`` (or ``eligibility.mutate``) binds that
    module to the package's attribute of the same name, which here is the public function :func:`explain`
    (:func:`mutate`): the function stays what ``eligibility.explain`` names, whatever was imported first."""

    def __setattr__(self, name: str, value: Any) -> None:
        if name in ("explain", "mutate") and isinstance(value, types.ModuleType):
            return
        super().__setattr__(name, value)


sys.modules[__name__].__class__ = _Package


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
