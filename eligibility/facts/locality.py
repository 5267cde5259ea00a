"""Người địa phương at the level of the post: is a recorded place inside the post's unit, and does the person
count as local under the two readings of the definition.

The unit follows the level of the post (a dated rule-pack parameter, ``locality.unit.<level>_post``): the
province for a provincial post, the district for a district post (until 30/6/2025), the commune for a commune
post. Places nest: a place in another province is in no district or commune of this one, so a person from
elsewhere is certainly not local even when the district or commune is not recorded.

The definition of "người địa phương" in QĐ 65-QĐ/TW was not found. Two readings are computed:

* **broad** [D]: quê quán, nơi sinh or nơi lớn lên in the unit, or ≥ N years worked there;
* **strict** [S, the only written definition found — Đắk Nông]: born **and** grew up there, or ≥ N years.

:func:`origin` gives the origin half of both (quê quán / nơi sinh / nơi lớn lên); the years half is the same in
both and stays in the criterion's condition (``years_worked_here`` ≥ the parameter). When the readings
disagree the answer is unknown, with a note saying so — never "not local" and never "local".

Pure functions: the province candidates of a recorded place (a province merged in 2025, or a historical one
split before 2009) come from :mod:`eligibility.rulepack.localities` through a callable.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from eligibility.model.levels import fold
from eligibility.model.profile import Profile

COMMUNES_REARRANGED = dt.date(2025, 7, 1)  # communes merged with the two-level government (no mapping held)

_PREFIXES = {
    "district": ("thanh pho thuoc tinh ", "thanh pho ", "thi xa ", "huyen ", "quan ", "tp "),
    "commune": ("thi tran ", "phuong ", "dac khu ", "xa "),
}

# why a membership is unknown: the input that would decide it, or a reason that no input in the file can fix
WHY_TEXT: dict[str, tuple[str, str]] = {
    "ambiguous": (
        "{place} đã chia thành nhiều tỉnh ({now}); cần ghi tỉnh theo địa danh hiện nay",
        "{place} was split into several provinces ({now}); record the province as it is named today",
    ),
    "mapping": (
        "xã, phường đã sắp xếp lại từ 01/7/2025 và bộ quy tắc chưa có bảng đối chiếu xã cũ – xã mới; cần ghi xã theo "
        "cùng một bản đồ hành chính với xã nơi bố trí (kèm ngày của địa danh)",
        "communes were rearranged on 1 July 2025 and the rule pack holds no old → new commune mapping; record the "
        "commune as named from that date (as_of)",
    ),
}


def unit_key(name: str, level: str) -> str:
    """A district or commune name as compared: folded, without its kind ("Huyện Bảo Thắng" → "bao thang")."""
    k = fold(name)
    for p in _PREFIXES.get(level, ()):
        if k.startswith(p) and len(k) > len(p):
            return k[len(p) :]
    return k


@dataclass(frozen=True)
class Unit:
    """The unit a post's "local person" test is made at, on a date."""

    level: str  # province | district | commune
    province: str  # province code on ``on``
    on: dt.date
    district: str | None = None  # as the request writes it (None: not given)
    commune: str | None = None


@dataclass(frozen=True)
class Membership:
    """Whether a recorded place is inside the unit: ``value`` True / False / None, and for None why: the
    missing input (``district``, ``commune``, ``request.district``, ``request.commune``) or a reason
    (``ambiguous``: a historical province split among several; ``mapping``: a commune across the 2025
    rearrangement)."""

    value: bool | None
    why: str | None = None
    candidates: frozenset[str] = frozenset()


def in_unit(
    province: str,
    district: str | None,
    commune: str | None,
    as_of: dt.date | None,
    unit: Unit,
    candidates_of: Callable[[str], frozenset[str]],
) -> Membership:
    cands = candidates_of(province)
    if unit.province not in cands:
        return Membership(False, candidates=cands)
    ambiguous = len(cands) > 1
    certain = Membership(None, "ambiguous", cands) if ambiguous else Membership(True, candidates=cands)
    if unit.level == "province":
        return certain
    same_district: bool | None = None
    if unit.district is not None and district is not None:
        same_district = unit_key(unit.district, "district") == unit_key(district, "district")
    if unit.level == "district":
        if unit.district is None:
            return Membership(None, "request.district", cands)
        if district is None:
            return Membership(None, "district", cands)
        return certain if same_district else Membership(False, candidates=cands)
    # commune
    before = unit.on < COMMUNES_REARRANGED
    if before and same_district is False:
        return Membership(False, candidates=cands)  # another district holds none of this district's communes
    if unit.commune is None:
        return Membership(None, "request.commune", cands)
    if commune is None:
        return Membership(None, "commune", cands)
    written_after = as_of is not None and as_of >= COMMUNES_REARRANGED
    if before == written_after:  # the place and the post are named on different commune maps
        return Membership(None, "mapping", cands)
    if unit_key(unit.commune, "commune") != unit_key(commune, "commune"):
        return Membership(False, candidates=cands)
    if before and same_district is None:
        return Membership(None, "request.district" if unit.district is None else "district", cands)
    return certain


def kleene_or(values: Iterable[bool | None]) -> bool | None:
    vals = list(values)
    if any(v is True for v in vals):
        return True
    return False if all(v is False for v in vals) else None


def kleene_and(values: Iterable[bool | None]) -> bool | None:
    vals = list(values)
    if any(v is False for v in vals):
        return False
    return True if all(v is True for v in vals) else None


@dataclass(frozen=True)
class Origin:
    """The origin half of "local" under both readings: ``value`` when they agree (and are known), else None;
    ``differ`` when they are known and disagree (broad: local; strict: not)."""

    broad: bool | None
    strict: bool | None

    @property
    def value(self) -> bool | None:
        if self.broad is False:
            return False
        if self.strict is True:
            return True
        return None

    @property
    def differ(self) -> bool:
        return self.broad is True and self.strict is False


def origin(hometown: bool | None, birthplace: bool | None, grew_up: bool | None) -> Origin:
    """broad = quê quán ∨ nơi sinh ∨ nơi lớn lên; strict = nơi sinh ∧ nơi lớn lên (three-valued)."""
    return Origin(kleene_or((hometown, birthplace, grew_up)), kleene_and((birthplace, grew_up)))


def local_range(origin_: Origin, years: int | None, min_years: int) -> tuple[bool | None, bool | None]:
    """(local under the broad reading, local under the strict one), each None when the data cannot tell."""
    by_years: bool | None = None if years is None else years >= min_years
    return kleene_or((origin_.broad, by_years)), kleene_or((origin_.strict, by_years))


def person_local(
    profile: Profile,
    unit: Unit,
    candidates_of: Callable[[str], frozenset[str]],
    min_years: int,
) -> tuple[bool | None, bool | None]:
    """(local under the broad reading, local under the strict one) for a person and a unit (None: cannot tell)."""
    ties: list[bool | None] = []
    for place in (profile.hometown, profile.birthplace, profile.grew_up_in):
        if place is None:
            ties.append(None)
        else:
            ties.append(in_unit(place.province, place.district, place.commune, place.as_of, unit, candidates_of).value)
    years: int | None = None
    if profile.localities_worked is not None:
        years = 0
        for w in profile.localities_worked:
            m = in_unit(w.province, w.district, w.commune, w.as_of, unit, candidates_of)
            if m.value is None:
                years = None
                break
            if m.value:
                years += w.years
    return local_range(origin(ties[0], ties[1], ties[2]), years, min_years)
