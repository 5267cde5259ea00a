"""Provinces (rules/localities.yaml): resolving what a request or a file writes, and mergers over time.

A locality may be written as the code (``lao-cai``), the Vietnamese name with or without accents and with
or without "tỉnh", "thành phố", "TP" (``Tỉnh Lào Cai``, ``LAO CAI``), or an alias (``TP.HCM``). A province
absorbed by a merger (Nghị quyết 202/2025/QH15: Hải Dương into Hải Phòng from 1/7/2025) is read, on a date
from the merger on, as the province it became part of; before it, as itself.

A historical province (Hà Tây, Nghệ Tĩnh, Hải Hưng …, split or absorbed between 1978 and 2008) is a known
place: :meth:`Localities.candidates` gives the units it may be today — one for Hà Tây (Hà Nội), one for
Vĩnh Phú from 1/7/2025 (Vĩnh Phúc and Phú Thọ are both Phú Thọ now), two for Nghệ Tĩnh (Nghệ An, Hà Tĩnh).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from eligibility.model.levels import fold
from eligibility.rulepack.schema import HistoricalProvince, LocalitiesFile, Merger, Province

_PREFIXES = ("thanh pho truc thuoc trung uong ", "thanh pho ", "tinh ", "tp. ", "tp ")


def _key(text: str) -> str:
    k = fold(text).replace(".", " ").strip()
    k = " ".join(k.split())
    for p in _PREFIXES:
        p = " ".join(p.replace(".", " ").split()) + " "
        if k.startswith(p) and len(k) > len(p):
            return k[len(p) :]
    return k


@dataclass(frozen=True)
class Localities:
    provinces: dict[str, Province]
    mergers: tuple[Merger, ...]
    _lookup: dict[str, str] = field(default_factory=dict)
    _absorbed: dict[str, tuple[str, Merger]] = field(default_factory=dict)
    _resolved: dict[str, str | None] = field(default_factory=dict)  # cache: text → code (bounded below)
    historical: dict[str, HistoricalProvince] = field(default_factory=dict)

    @staticmethod
    def build(data: LocalitiesFile) -> Localities:
        provinces = {p.code: p for p in data.provinces}
        lookup: dict[str, str] = {}
        for p in data.provinces:
            for name in (p.code, p.vi, *p.aliases):
                lookup.setdefault(_key(name), p.code)
        for h in data.historical:  # a current name always wins over a historical one
            for name in (h.code, h.vi, *h.aliases):
                lookup.setdefault(_key(name), h.code)
        absorbed: dict[str, tuple[str, Merger]] = {}
        for m in data.mergers:
            for into, members in m.into.items():
                for member in members:
                    absorbed[member] = (into, m)
        historical = {h.code: h for h in data.historical}
        return Localities(provinces, tuple(data.mergers), lookup, absorbed, historical=historical)

    def resolve(self, text: str) -> str | None:
        """The province code a text names, or None (cached: a pool repeats a few dozen spellings)."""
        try:
            return self._resolved[text]
        except KeyError:
            pass
        code = self._lookup.get(_key(text))
        if len(self._resolved) > 10_000:
            self._resolved.clear()
        self._resolved[text] = code
        return code

    def suggest(self, text: str) -> list[str]:
        """Close province codes for a misspelt name (difflib on folded names), best first."""
        import difflib  # only for a misspelt province

        hits = difflib.get_close_matches(_key(text), list(self._lookup), n=3, cutoff=0.75)
        return list(dict.fromkeys(self._lookup[h] for h in hits))

    def as_of(self, code: str, on: dt.date) -> str:
        """The province a code means on a date: a province absorbed by a merger in force is the one it joined."""
        hit = self._absorbed.get(code)
        while hit is not None and hit[1].from_ <= on:
            code = hit[0]
            hit = self._absorbed.get(code)
        return code

    def merger_of(self, code: str, on: dt.date) -> Merger | None:
        hit = self._absorbed.get(code)
        return hit[1] if hit is not None and hit[1].from_ <= on else None

    def plan_end(self, code: str, after: dt.date) -> tuple[dt.date, Merger] | None:
        """The last day of the province *as the unit it was on* ``after``: the day before the first merger from
        ``after`` on that absorbs it or that it absorbs (Lào Cai took in Yên Bái on 1/7/2025, so the Lào Cai of
        Đề án 18 ended on 30/6/2025 although the code goes on). None when no merger touches it."""
        ends: list[tuple[dt.date, Merger]] = []
        for m in self.mergers:
            if m.from_ <= after:
                continue
            if code in m.into or any(code in members for members in m.into.values()):
                ends.append((m.from_ - dt.timedelta(days=1), m))
        return min(ends, key=lambda e: e[0]) if ends else None

    def candidates(self, code: str, on: dt.date) -> frozenset[str]:
        """The provinces a recorded place may be on ``on``: itself (or the province it merged into) for a current
        or 2025-merged code; for a historical province, every unit its territory went to, as of ``on`` (so one
        unit when they have since merged again). An unknown code is returned as it is."""
        hist = self.historical.get(code)
        if hist is None:
            return frozenset({self.as_of(code, on)})
        out: set[str] = set()
        for s in hist.successors:
            out |= self.candidates(s, on)
        return frozenset(out)

    def is_historical(self, code: str) -> bool:
        return code in self.historical

    def is_place(self, code: str) -> bool:
        return code in self.provinces or code in self.historical

    def is_province(self, code: str) -> bool:
        p = self.provinces.get(code)
        return p is not None and p.kind != "abroad"

    def name(self, code: str) -> str:
        p = self.provinces.get(code)
        if p is not None:
            return p.vi
        h = self.historical.get(code)
        return h.vi if h is not None else code

    def label(self, code: str, lang: str = "vi") -> str:
        """'tỉnh Lào Cai' / 'thành phố Hải Phòng' (vi), 'Lào Cai province' / 'Hải Phòng city' (en)."""
        p = self.provinces.get(code)
        if p is None:
            h = self.historical.get(code)
            if h is not None:
                return f"tỉnh {h.vi} (cũ)" if lang == "vi" else f"former {h.vi} province"
            return code
        if lang == "vi":
            return f"{'thành phố' if p.kind == 'thanh_pho' else 'tỉnh'} {p.vi}"
        return f"{p.vi} {'city' if p.kind == 'thanh_pho' else 'province'}"
