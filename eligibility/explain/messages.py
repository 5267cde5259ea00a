"""Message templates: ``{fact}`` and ``{parameter}`` placeholders filled with readable values."""

from __future__ import annotations

import re
from collections.abc import Mapping
from functools import lru_cache

from eligibility.facts.catalog import FACTS, PHRASES
from eligibility.facts.months import format_month_vi
from eligibility.model import levels as lv

PLACEHOLDER = re.compile(r"\{([A-Za-z0-9_.]+)\}")


def placeholders(template: str) -> list[str]:
    return PLACEHOLDER.findall(template)


def display(name: str, value: object, lang: str, rank_of: str | None = None) -> str:
    """A fact or parameter value as an officer reads it."""
    spec = FACTS.get(name)
    kind = spec.type if spec else None
    vocab_name = rank_of or (spec.rank_of if spec else None)
    if isinstance(value, bool):
        return ("có" if value else "không") if lang == "vi" else ("yes" if value else "no")
    if kind == "month" and isinstance(value, int):
        return format_month_vi(value)
    if vocab_name in lv.RANKED and isinstance(value, int):
        vocab = lv.RANKED[vocab_name]
        if 0 <= value < len(vocab.codes):
            code = vocab.codes[value]
            return vocab.labels_vi[code] if lang == "vi" else vocab.labels_en[code]
    if isinstance(value, str):
        code_vocab = spec.vocab if spec else None  # declared in the fact catalogue
        if code_vocab and value in code_vocab.codes:
            return code_vocab.labels_vi[value] if lang == "vi" else code_vocab.labels_en[value]
    return str(value)


LOCALITY_NAME = "@locality_name"  # display value: the name of the post's province, when the evaluator knows it
_TIES = (
    ("hometown_here", "quê quán", "hometown"),
    ("birthplace_here", "nơi sinh", "birthplace"),
    ("grew_up_here", "nơi lớn lên", "place of upbringing"),
)


def _join(items: list[str], lang: str) -> str:
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + (" và " if lang == "vi" else " and ") + items[-1]


def local_ties(values: Mapping[str, object], lang: str) -> str:
    """Why a person is or is not local to the post's province, as an officer would write it.

    ``Là người địa phương: quê quán và nơi sinh ở Lào Cai`` / ``Không là người địa phương: quê quán, nơi sinh và
    nơi lớn lên đều không ở Lào Cai; đã công tác tại Lào Cai 3 năm (dưới 20 năm)``.
    """
    vi = lang == "vi"
    place = str(values.get(LOCALITY_NAME) or ("tỉnh này" if vi else "this province"))
    here = [vi_l if vi else en_l for key, vi_l, en_l in _TIES if values.get(key) is True]
    away = [vi_l if vi else en_l for key, vi_l, en_l in _TIES if values.get(key) is False]
    unknown = [vi_l if vi else en_l for key, vi_l, en_l in _TIES if values.get(key) is None]
    years = values.get("years_worked_here")
    limit = values.get("locality.local_min_years_worked")
    local_years = isinstance(years, int) and isinstance(limit, int) and years >= limit
    parts: list[str] = []
    if here:
        parts.append(f"{_join(here, lang)} ở {place}" if vi else f"{_join(here, lang)} in {place}")
    if local_years:
        parts.append(
            f"đã công tác tại {place} {years} năm (từ {limit} năm trở lên)"
            if vi
            else f"{years} years worked in {place} ({limit} or more)"
        )
    if parts:  # local: only the ties that make the person local
        return "; ".join(parts)
    if away:
        if vi:
            parts.append(f"{_join(away, lang)} {'đều ' if len(away) > 1 else ''}không ở {place}")
        else:
            parts.append(f"{_join(away, lang)} {'all ' if len(away) > 1 else ''}outside {place}")
    if isinstance(years, int):
        if vi:
            parts.append(
                f"đã công tác tại {place} {years} năm" + (f" (dưới {limit} năm)" if isinstance(limit, int) else "")
            )
        else:
            parts.append(f"{years} years worked in {place}" + (f" (under {limit})" if isinstance(limit, int) else ""))
    if unknown:
        parts.append(
            f"hồ sơ chưa ghi {_join(unknown, lang)}" if vi else f"the file does not record the {_join(unknown, lang)}"
        )
    return "; ".join(parts)


_PHRASE_RENDERERS = {"local_ties": local_ties}
assert set(_PHRASE_RENDERERS) == set(PHRASES)


@lru_cache(maxsize=4096)
def _parts(template: str) -> tuple[str, ...]:
    """The template split at its placeholders, once: text, key, text, key, …, text."""
    return tuple(PLACEHOLDER.split(template))


def render(template: str, values: Mapping[str, object], lang: str, rank_of: Mapping[str, str]) -> str:
    parts = _parts(template)
    out = [parts[0]]
    for i in range(1, len(parts), 2):
        key = parts[i]
        if key in _PHRASE_RENDERERS:
            out.append(_PHRASE_RENDERERS[key](values, lang))
        elif key not in values or values[key] is None:
            out.append("?")
        else:
            out.append(display(key, values[key], lang, rank_of.get(key)))
        out.append(parts[i + 1])
    return "".join(out)


@lru_cache(maxsize=4096)
def _counts(template: str) -> tuple[tuple[str, tuple[str, str]], ...]:
    """The template's placeholders whose fact has a sentence for a negative count, in order (once)."""
    out = []
    for key in PLACEHOLDER.findall(template):
        spec = FACTS.get(key)
        if spec is not None and spec.when_negative is not None:
            out.append((key, spec.when_negative))
    return tuple(out)


def negative_template(template: str, values: Mapping[str, object]) -> tuple[str, str] | None:
    """The replacement sentence when the template would print a count below zero (e.g. ``months_to_retirement``
    of a person past the retirement month): the fact's ``when_negative`` (vi, en), else None."""
    for key, sentence in _counts(template):
        value = values.get(key)
        if isinstance(value, int) and not isinstance(value, bool) and value < 0:
            return sentence
    return None
