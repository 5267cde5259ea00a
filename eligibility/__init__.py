"""eligibility — a rule engine for Vietnamese personnel work (công tác cán bộ).

>>> from eligibility import load_rules, load_profile, evaluate, Request
>>> rules = load_rules()
>>> decision = evaluate(load_profile("examples/profile.yaml"),
...                     Request(action="appointment", post="giam-doc-so", locality="lao-cai", date="2026-11-03"),
...                     rules)
>>> decision.verdict
'eligible'
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from eligibility.errors import EligibilityError, EngineError, InputError, RulePackError
from eligibility.explain.decision import Decision, Finding
from eligibility.explain.evaluate import Evaluator
from eligibility.model import Profile, Request, load_profile, parse_profile, parse_request
from eligibility.rulepack import RulePack, load_rules

__version__ = "0.1.0"


@lru_cache(maxsize=8)
def _evaluator(rules: RulePack) -> Evaluator:
    return Evaluator(rules)


def evaluate(
    profile: Profile | dict[str, Any], request: Request | dict[str, Any], rules: RulePack | None = None
) -> Decision:
    """Evaluate one request for one profile; returns a :class:`Decision`.

    ``profile`` and ``request`` may be models or plain dicts (validated, with bilingual errors).
    ``rules`` defaults to the bundled ``rules/`` directory.
    """
    if not isinstance(profile, Profile):
        profile = parse_profile(profile)
    if not isinstance(request, Request):
        request = parse_request(request)
    pack = rules if rules is not None else default_rules()
    return _evaluator(pack).evaluate(profile, request)


@lru_cache(maxsize=1)
def default_rules() -> RulePack:
    return load_rules()


__all__ = [
    "Decision",
    "EligibilityError",
    "EngineError",
    "Evaluator",
    "Finding",
    "InputError",
    "Profile",
    "Request",
    "RulePack",
    "RulePackError",
    "default_rules",
    "evaluate",
    "load_profile",
    "load_rules",
    "parse_profile",
    "parse_request",
]
