"""The post's province and the places a profile records, as the rule pack's map has them on a date.

:func:`resolve_locality` reads the request's province (a code or a name) into the province it is on the
request date — after a 2025 merger the province it joined, for a province that no longer exists the one it
became — with a note saying so, or an :class:`InputError` with "did you mean". :func:`candidates_of` maps a
recorded place to the provinces it may be on a date (several for a historical province split since), for the
"local person" facts (:mod:`eligibility.facts.locality`) and the pool roster (:mod:`eligibility.explain.roster`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from eligibility.errors import InputError, Problem
from eligibility.explain.decision import LocalityRef, Text
from eligibility.rulepack.loader import RulePack


def resolve_locality(rules: RulePack, text: str, on: dt.date) -> LocalityRef:
    """The post's province on the request date: a known province (or an InputError with "did you mean"),
    mapped to the province it became part of when a merger is in force on that date, with a note."""
    places = rules.localities
    assert places is not None
    code = places.resolve(text)
    if code is not None and places.is_historical(code):
        return _historical_locality(rules, text, code, on)
    if code is None or not places.is_province(code):
        close = [c for c in places.suggest(text) if places.is_province(c)]
        hint_vi = f"; có phải là: {', '.join(close)}?" if close else " (xem rules/localities.yaml)"
        hint_en = f"; did you mean {', '.join(close)}?" if close else " (see rules/localities.yaml)"
        raise InputError(
            Problem(
                "locality",
                f"không có tỉnh, thành phố trực thuộc trung ương này{hint_vi}",
                f"not a known province or centrally run city{hint_en}",
                text,
            )
        )
    current = places.as_of(code, on)
    note = None
    if current != code:
        merger = places.merger_of(code, on)
        assert merger is not None
        number = rules.sources[merger.source.id].number
        old = places.label(code, "vi")
        note = Text(
            vi=f"{old[:1].upper()}{old[1:]} đã hợp nhất vào {places.label(current, 'vi')} từ ngày "
            f"{merger.from_:%d/%m/%Y} (Nghị quyết {number}); xét theo {places.label(current, 'vi')}.",
            en=f"{places.label(code, 'en')} merged into {places.label(current, 'en')} on "
            f"{merger.from_.isoformat()} (Resolution {number}); evaluated as {places.label(current, 'en')}.",
        )
    return LocalityRef(requested=text, code=current, name=places.name(current), note=note)


def _historical_locality(rules: RulePack, text: str, code: str, on: dt.date) -> LocalityRef:
    """A post's province written as a province that no longer exists (Hà Tây): the unit it became, with a note;
    an error when it became several (Nghệ Tĩnh: Nghệ An or Hà Tĩnh)."""
    places = rules.localities
    assert places is not None
    now = sorted(places.candidates(code, on))
    hist = places.historical[code]
    if len(now) != 1:
        names = ", ".join(places.name(c) for c in now)
        raise InputError(
            Problem(
                "locality",
                f"tỉnh {hist.vi} không còn từ {hist.until:%d/%m/%Y} và nay thuộc nhiều tỉnh ({names}); ghi tỉnh "
                "nơi bố trí theo địa danh hiện nay",
                f"{hist.vi} province ended on {hist.until.isoformat()} and is now part of several ({names}); write "
                "the post's province as it is named today",
                text,
            )
        )
    current = now[0]
    note = Text(
        vi=f"Tỉnh {hist.vi} không còn từ {hist.until:%d/%m/%Y}; xét theo {places.label(current, 'vi')}.",
        en=f"{hist.vi} province ended on {hist.until.isoformat()}; evaluated as {places.label(current, 'en')}.",
    )
    return LocalityRef(requested=text, code=current, name=places.name(current), note=note)


def candidates_of(rules: RulePack, on: dt.date) -> Callable[[str], frozenset[str]]:
    """Recorded place (folded code or name) → the provinces it may be on ``on`` (unknown text stays as it is):
    one for a current province or one merged in 2025, several for a historical province split since."""
    places = rules.localities
    if places is None:
        return lambda code: frozenset({code})

    def candidates(code: str) -> frozenset[str]:
        resolved = places.resolve(code)
        return frozenset({code}) if resolved is None else places.candidates(resolved, on)

    return candidates


def province_name(rules: RulePack) -> Callable[[str], str]:
    """A province code → its name (the code itself when the rule pack does not know it)."""
    places = rules.localities
    if places is None:
        return lambda code: code
    return places.name
