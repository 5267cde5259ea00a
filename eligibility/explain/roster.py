"""Each screened person's own place in the corps, for pool targets on the ``roster`` basis.

The provincial plans' targets are about the whole corps — "bí thư cấp ủy cấp xã", "cấp ủy viên các cấp", "cán
bộ chuyên trách cấp xã" — not about the post a pool is screened for. A target on the roster basis places each row
in or out of its scope by the person's **own** current posts, active planning entries and Party committee seats
on the reference date, and measures "không là người địa phương" against the unit of the post the person holds
(the commune of a commune chair, the district of a district secretary), under both readings of the definition.

:func:`roster_of` is computed once per row (by the screen) and kept on the row's traits.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field

from eligibility.errors import RulePackError
from eligibility.explain.places import candidates_of
from eligibility.facts import locality as loc
from eligibility.model import levels as lv
from eligibility.model.profile import Profile
from eligibility.rulepack.loader import RulePack

MIN_YEARS = "locality.local_min_years_worked"


@dataclass(frozen=True)
class Held:
    """A title the person holds (a current post) or is planned for (an active planning entry)."""

    title: str
    level: str | None
    groups: frozenset[str]
    standards: Mapping[str, int] = field(default_factory=dict)  # the title's standards on the date (ranks)
    district: str | None = None  # of a post, as written
    local: tuple[bool | None, bool | None] = (None, None)  # local to the post's unit: (broad, strict)


@dataclass(frozen=True)
class Roster:
    posts: tuple[Held, ...]  # current posts (empty: none, or posts not recorded — see posts_known)
    planned: tuple[Held, ...]
    seats: tuple[tuple[str, int], ...] | None  # committee seats held: (level, role rank); None: not recorded
    posts_known: bool = True
    planning_known: bool = True
    party_member: bool | None = None
    grade_rank: int | None = None
    state_management_rank: int | None = None


def _standards(rules: RulePack, code: str, on: dt.date) -> dict[str, int]:
    t = rules.titles.get(code)
    out: dict[str, int] = {}
    if t is None:
        return out
    for st in t.standards:
        if not (st.from_ <= on and (st.until is None or on <= st.until)):
            continue
        if st.degree:
            out["degree"] = max(out.get("degree", 0), lv.DEGREE.rank(st.degree))
        if st.political_theory:
            out["political_theory"] = max(out.get("political_theory", 0), lv.POLITICAL_THEORY.rank(st.political_theory))
    return out


def roster_of(profile: Profile, on: dt.date, rules: RulePack, province: str | None = None) -> Roster:
    """The person's posts, plans and committee seats on ``on``. ``province`` (the pool's, as of ``on``) stands for
    the province of a post that does not record its own [D]."""
    candidates = candidates_of(rules, on)
    try:
        min_years: int | None = int(rules.parameter_value(MIN_YEARS, on)[0])
    except (KeyError, RulePackError):
        min_years = None
    posts: list[Held] = []
    for p in profile.current_posts(on):
        title = rules.titles.get(p.title)
        level = title.level if title else p.level
        where = province
        if p.locality is not None:
            found = candidates(p.locality)
            where = next(iter(found)) if len(found) == 1 else None
        local: tuple[bool | None, bool | None] = (None, None)
        if where is not None and level in ("province", "district", "commune") and min_years is not None:
            try:
                unit_level = str(rules.parameter_value(f"locality.unit.{level}_post", on)[0])
            except (KeyError, RulePackError):
                unit_level = None
            if unit_level is not None:
                unit = loc.Unit(unit_level, where, on, p.district, p.commune)
                local = loc.person_local(profile, unit, candidates, min_years)
        posts.append(
            Held(
                p.title,
                level,
                frozenset(title.groups) if title else frozenset(),
                _standards(rules, p.title, on),
                p.district,
                local,
            )
        )
    planned: list[Held] = []
    for e in profile.planning or []:
        if (e.approved is not None and e.approved > on) or (e.removed is not None and e.removed <= on):
            continue
        if e.term:
            parts = e.term.replace("–", "-").split("-")
            if len(parts) == 2 and parts[1].strip().isdigit() and int(parts[1]) < on.year:
                continue
        title = rules.titles.get(e.title)
        planned.append(
            Held(
                e.title,
                title.level if title else None,
                frozenset(title.groups) if title else frozenset(),
                _standards(rules, e.title, on),
            )
        )
    seats = None
    if profile.committees is not None:
        seats = tuple((c.level, lv.COMMITTEE_ROLE.rank(c.role)) for c in profile.committees if c.held_on(on))
    edu = profile.education
    return Roster(
        posts=tuple(posts),
        planned=tuple(planned),
        seats=seats,
        posts_known=profile.posts is not None,
        planning_known=profile.planning is not None,
        party_member=profile.party.member if profile.party is not None else None,
        grade_rank=lv.CIVIL_SERVICE_GRADE.rank(edu.civil_service_grade) if edu.civil_service_grade else None,
        state_management_rank=lv.STATE_MANAGEMENT.rank(edu.state_management) if edu.state_management else None,
    )
