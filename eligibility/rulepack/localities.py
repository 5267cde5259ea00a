"""Provinces (rules/localities.yaml): resolving what a request or a file writes, and mergers over time.

A locality may be written as the code (``lao-cai``), the Vietnamese name with or without accents and with
or without "tỉnh", "thành phố", "TP" (``Tỉnh Lào Cai``, ``LAO CAI``), or an alias (``TP.HCM``). A province
absorbed by a merger (Nghị quyết 202/2025/QH15: Hải Dương into Hải Phòng from 1/7/2025) is read, on a date
from the merger on, as the province it became part of; before it, as itself.
"""

from __future__ import annotations

import datetime as dt
import difflib
from dataclasses import dataclass, field

from eligibility.model.levels import fold
from eligibility.rulepack.schema import LocalitiesFile, Merger, Province

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

    @staticmethod
    def build(data: LocalitiesFile) -> Localities:
        provinces = {p.code: p for p in data.provinces}
        lookup: dict[str, str] = {}
        for p in data.provinces:
            for name in (p.code, p.vi, *p.aliases):
                lookup.setdefault(_key(name), p.code)
        absorbed: dict[str, tuple[str, Merger]] = {}
        for m in data.mergers:
            for into, members in m.into.items():
                for member in members:
                    absorbed[member] = (into, m)
        return Localities(provinces, tuple(data.mergers), lookup, absorbed)

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

    def is_place(self, code: str) -> bool:
        return code in self.provinces

    def is_province(self, code: str) -> bool:
        p = self.provinces.get(code)
        return p is not None and p.kind != "abroad"

    def name(self, code: str) -> str:
        p = self.provinces.get(code)
        return p.vi if p is not None else code

    def label(self, code: str, lang: str = "vi") -> str:
        """'tỉnh Lào Cai' / 'thành phố Hải Phòng' (vi), 'Lào Cai province' / 'Hải Phòng city' (en)."""
        p = self.provinces.get(code)
        if p is None:
            return code
        if lang == "vi":
            return f"{'thành phố' if p.kind == 'thanh_pho' else 'tỉnh'} {p.vi}"
        return f"{p.vi} {'city' if p.kind == 'thanh_pho' else 'province'}"
