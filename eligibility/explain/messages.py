"""Message templates: ``{fact}`` and ``{parameter}`` placeholders filled with readable values."""

from __future__ import annotations

import re
from collections.abc import Mapping

from eligibility.facts.catalog import FACTS
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


def render(template: str, values: Mapping[str, object], lang: str, rank_of: Mapping[str, str]) -> str:
    def sub(m: re.Match[str]) -> str:
        key = m.group(1)
        if key not in values or values[key] is None:
            return "?"
        return display(key, values[key], lang, rank_of.get(key))

    return PLACEHOLDER.sub(sub, template)
