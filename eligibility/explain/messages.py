"""Message templates: ``{fact}`` and ``{parameter}`` placeholders filled with readable values."""

from __future__ import annotations

import re
from collections.abc import Mapping
from functools import lru_cache
from typing import Any, cast

from eligibility.facts.catalog import FACTS, PHRASES, input_label
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


LOCALITY_NAME = "@locality_name"  # display value: the unit of the post (province, or district / commune), when known
READINGS_DIFFER = "các cách hiểu khác nhau"  # how the facts layer's note on the two readings begins
UNKNOWN_NOTES = "@unknown_notes"
UNKNOWN_MISSING = "@unknown_missing"  # display value: the absent inputs that would decide an unknown finding
UNKNOWN_MISSING_FACTS = "@unknown_facts"  # display value: the facts an unknown finding could not read  # display value: [(vi, en)] why facts read by an unknown finding are unknown
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
    """Why a person is or is not local to the post's locality, as an officer would write it.

    ``Là người địa phương: quê quán và nơi sinh ở Lào Cai`` / ``Không là người địa phương: quê quán, nơi sinh và
    nơi lớn lên đều không ở Lào Cai; đã công tác tại Lào Cai 3 năm (dưới 20 năm)``; when the two readings of the
    definition disagree, says so (``có quê quán ở … nhưng không vừa sinh ra vừa lớn lên ở đó: …``); when the data
    cannot tell, which data and why.
    """
    vi = lang == "vi"
    named = values.get(LOCALITY_NAME)
    if isinstance(named, tuple):  # (vi, en) when the name is a phrase, not a proper name
        named = named[0] if vi else named[1]
    place = str(named or ("địa phương này" if vi else "this locality"))
    here = [vi_l if vi else en_l for key, vi_l, en_l in _TIES if values.get(key) is True]
    away = [vi_l if vi else en_l for key, vi_l, en_l in _TIES if values.get(key) is False]
    unknown = [vi_l if vi else en_l for key, vi_l, en_l in _TIES if values.get(key) is None]
    years = values.get("years_worked_here")
    limit = values.get("locality.local_min_years_worked")
    local_years = isinstance(years, int) and isinstance(limit, int) and years >= limit
    parts: list[str] = []
    if values.get("origin_here") is True and here:
        parts.append(f"{_join(here, lang)} ở {place}" if vi else f"{_join(here, lang)} in {place}")
    if local_years:
        parts.append(
            f"đã công tác tại {place} {years} năm (từ {limit} năm trở lên)"
            if vi
            else f"{years} years worked in {place} ({limit} or more)"
        )
    if parts:  # local under both readings: only the ties that make the person local
        return "; ".join(parts)
    raw = values.get(UNKNOWN_NOTES)
    notes: list[tuple[str, str]] = list(raw) if isinstance(raw, list) else []
    differ = any(n[0].startswith(READINGS_DIFFER) for n in notes)
    if differ:  # some tie here, but not both born and raised here
        if vi:
            parts.append(
                f"các cách hiểu khác nhau: có {_join(here, lang)} ở {place} nhưng không vừa sinh ra vừa lớn lên ở đó — "
                "theo cách hiểu rộng (quê quán, nơi sinh hoặc nơi lớn lên) là người địa phương, theo cách hiểu chặt "
                "(sinh ra và lớn lên, như quy định của Đắk Nông) thì không"
            )
        else:
            parts.append(
                f"the readings differ: {_join(here, lang)} in {place}, but not both born and raised there — local under "
                "the broad reading (hometown, birthplace or place of growing up), not under the strict one (born and "
                "raised, as Đắk Nông's rule says)"
            )
    elif here:
        parts.append(f"{_join(here, lang)} ở {place}" if vi else f"{_join(here, lang)} in {place}")
    if away:
        if vi:
            parts.append(f"{_join(away, lang)} {'đều ' if len(away) > 1 else ''}không ở {place}")
        else:
            both = {1: "", 2: "both "}.get(len(away), "all ")
            parts.append(f"{_join(away, lang)} {both}outside {place}")
    if isinstance(years, int):
        if vi:
            parts.append(
                f"đã công tác tại {place} {years} năm" + (f" (dưới {limit} năm)" if isinstance(limit, int) else "")
            )
        else:
            parts.append(f"{years} years worked in {place}" + (f" (under {limit})" if isinstance(limit, int) else ""))
    if years is None and "years_worked_here" in values.get(UNKNOWN_MISSING_FACTS, ()):  # type: ignore[operator]
        parts.append(f"chưa rõ số năm công tác tại {place}" if vi else f"years worked in {place} not known")
    others = [n for n in notes if not n[0].startswith(READINGS_DIFFER)]
    if unknown and not differ and not others:
        parts.append(
            f"chưa xác định được {_join(unknown, lang)} có ở {place} hay không"
            if vi
            else f"whether the {_join(unknown, lang)} {'is' if len(unknown) == 1 else 'are'} in {place} is not known"
        )
    parts.extend(n[0] if vi else n[1] for n in others)
    need = values.get(UNKNOWN_MISSING)
    if isinstance(need, list) and need:
        parts.append(
            ("cần bổ sung: " if vi else "needed: ") + ", ".join(input_label(str(x)) if vi else str(x) for x in need)
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


def words(
    spec: Any,
    outcome: str,
    values: Mapping[str, object],
    rank_of: dict[str, str],
    missing: list[str],
    unclear: list[str] | None = None,
) -> tuple[str, str]:
    """A finding's message (Vietnamese, English) for an outcome: the criterion's template rendered, a
    count below zero replaced by its fact's sentence, an unknown outcome naming the inputs to record."""
    m = spec.message
    if outcome == "not_applicable":
        return "Không áp dụng cho yêu cầu này.", "Does not apply to this request."
    if outcome == "unknown":
        notes = cast(list[tuple[str, str]], values.get(UNKNOWN_NOTES) or [])
        if m.unknown is not None:
            tpl = m.unknown
            vi, en = render(tpl.vi, values, "vi", rank_of), render(tpl.en, values, "en", rank_of)
            if notes and "{local_ties}" not in tpl.vi:
                vi += " (" + "; ".join(n[0] for n in notes) + ")"
                en += " (" + "; ".join(n[1] for n in notes) + ")"
            return vi, en
        if notes and not missing:
            return (
                "Chưa kết luận được: " + "; ".join(n[0] for n in notes) + ".",
                "Cannot be decided: " + "; ".join(n[1] for n in notes) + ".",
            )
        if missing:
            need = ", ".join(missing)
            need_vi = ", ".join(input_label(i) for i in missing)
            return f"Chưa đủ dữ liệu để kết luận; cần bổ sung: {need_vi}.", f"Cannot be decided; missing: {need}."
        have = ", ".join(unclear or []) or "?"
        have_vi = ", ".join(input_label(i) for i in unclear or []) or "?"
        return (
            f"Chưa đủ dữ liệu để kết luận: {have_vi} đã có nhưng chưa đủ để xác định (ví dụ chức vụ ngoài danh mục "
            "chức danh: ghi tương quan với chức vụ hiện tại hoặc mã chức danh).",
            f"Cannot be decided: {have} is recorded but does not decide it (e.g. a post outside the title "
            "catalogue: record its relation or a title code).",
        )
    tpl = m.pass_ if outcome == "pass" else m.fail
    negative = negative_template(tpl.vi + tpl.en, values)
    if negative is not None:  # a count below zero is never printed: the fact's own sentence replaces it
        vi = render(negative[0], values, "vi", rank_of)
        en = render(negative[1], values, "en", rank_of)
    else:
        vi = render(tpl.vi, values, "vi", rank_of)
        en = render(tpl.en, values, "en", rank_of)
    if outcome == "waivable":
        vi += " Trường hợp đặc biệt do cấp có thẩm quyền xem xét, quyết định."
        en += " Special cases are decided by the competent authority."
    return vi, en
