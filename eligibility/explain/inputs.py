"""What the library accepts as a profile, a request and a rule pack, and how it reads each.

Profiles may be a :class:`Profile`, a plain dict (validated) or a path to a YAML/JSON file; requests a
:class:`Request` or a dict — without a ``date``, the request is for today, or for a nomination the
event's reference month; a rule pack a loaded :class:`RulePack`, a directory, or ``None`` for the
bundled one.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from functools import lru_cache
from pathlib import Path
from typing import Any

from eligibility.model import levels as lv
from eligibility.model.load import load_profile, parse_profile, parse_request
from eligibility.model.profile import Profile
from eligibility.model.request import Request
from eligibility.rulepack.cache import load_rules_cached
from eligibility.rulepack.loader import RulePack, load_rules

ProfileLike = Profile | Mapping[str, Any] | str | Path
RequestLike = Request | Mapping[str, Any]
RulesLike = RulePack | str | Path | None


@lru_cache(maxsize=1)
def default_rules() -> RulePack:
    """The bundled rule pack (``rules/`` of a checkout, or the copy inside the installed package), through the
    per-user cache of :mod:`eligibility.rulepack.cache` (the YAML files are read again whenever they change)."""
    return load_rules_cached()


def rules_of(rules: RulesLike) -> RulePack:
    if isinstance(rules, RulePack):
        return rules
    return default_rules() if rules is None else load_rules(rules)


def profile_of(profile: ProfileLike) -> Profile:
    if isinstance(profile, Profile):
        return profile
    if isinstance(profile, str | Path):
        return load_profile(profile)
    return parse_profile(dict(profile))


def request_of(request: RequestLike, rules: RulePack) -> Request:
    """A :class:`Request`; a dict without ``date`` is for today, or a nomination's reference month."""
    if isinstance(request, Request):
        return request
    data = {k: v for k, v in request.items() if v is not None}
    if "date" not in data:
        data["date"] = default_date(data, rules)
    return parse_request(data)


def default_date(data: Mapping[str, Any], rules: RulePack) -> str:
    """Today, or for a nomination the event's reference month for the post's level."""
    try:
        action = lv.ACTION.parse(data.get("action"))
    except ValueError:
        action = None
    if action == "nomination" and data.get("event") in rules.events:
        event = rules.events[data["event"]]
        level = data.get("level")
        if level is None and data.get("post") in rules.titles:
            level = rules.titles[data["post"]].level
        try:
            level = lv.LEVEL.parse(level) if level else None
        except ValueError:
            level = None
        if level in event.reference_months:
            return str(event.reference_months[level]) + "-01"
    return dt.date.today().isoformat()
