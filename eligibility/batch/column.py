"""One documented column of the pool spreadsheet (:class:`Column`); the columns are :mod:`eligibility.batch.columns`."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from eligibility.model import levels as lv

Cell = Any  # what a spreadsheet cell may hold: None, str, int, float, bool, date, datetime


@dataclass(frozen=True)
class Column:
    """One documented column of the pool spreadsheet."""

    key: str  # English alias (also the canonical key)
    vi: str  # Vietnamese header
    path: str  # profile field it fills (for messages), "request.post" for the request column
    kind: str  # text | date | birth_date | vocab | bool | int | list | assessments | localities
    help_vi: str
    help_en: str
    example: str = ""
    vocab: lv.Vocabulary | None = None
    required: bool = False
    multi: bool = False  # several values separated by ";"
    none_word: bool = False  # "không" means recorded: none (an empty list)
    aliases: tuple[str, ...] = ()
    opens: bool = False  # opens its record (party, a post, a plan, a discipline decision …): the others need it
    title_code: bool = False  # a title code or a title's name (mapped to its code)
    needed: tuple[str, str] | None = None  # the record needs this column too: the problem (vi, en) if absent
    fill: str = ""  # written for an item that lacks this value in a cell of several values
    extra_paths: tuple[str, ...] = ()  # other profile paths whose errors belong to this column
    # the record's name when a second record fills the same list field (``left_post`` for the latest post left,
    # an item of ``posts`` like the current post's record); empty: the record is named by its field
    record: str = ""

    @property
    def group(self) -> str | None:
        """The record this column belongs to (``party`` for ``party.member``, or its ``record`` name)."""
        return self.record or self.path.rpartition(".")[0] or None

    @property
    def target(self) -> str | None:
        """The profile field holding the record (``posts`` for both the current post and the post left)."""
        return self.path.rpartition(".")[0] or None

    @property
    def field(self) -> str:
        """The field it fills in its record, or in the profile."""
        return self.path.rpartition(".")[2]

    def allowed_vi(self) -> str:
        if self.vocab is not None:
            return "; ".join(f"{self.vocab.labels_vi[c]} ({c})" for c in self.vocab.codes)
        return {
            "date": "ngày đầy đủ: YYYY-MM-DD hoặc DD/MM/YYYY (hoặc ô kiểu ngày của Excel)",
            "birth_date": "YYYY-MM-DD, DD/MM/YYYY, MM/YYYY, YYYY-MM hoặc chỉ năm YYYY",
            "bool": "có / không (đúng / sai, x, 1 / 0)",
            "int": "số nguyên không âm",
            "assessments": "năm: mức; năm: mức — ví dụ 2023: HTTNV; 2024: HTXSNV",
            "localities": "tỉnh[ / huyện[ / xã]][ (ngày của địa danh)]: số năm; … — ví dụ Lào Cai: 20; "
            "Lào Cai / Bảo Thắng: 5",
        }.get(self.kind, "văn bản tự do")

    def allowed_en(self) -> str:
        if self.vocab is not None:
            return "; ".join(f"{c} ({self.vocab.labels_en[c]})" for c in self.vocab.codes)
        return {
            "date": "a full date: YYYY-MM-DD or DD/MM/YYYY (or an Excel date cell)",
            "birth_date": "YYYY-MM-DD, DD/MM/YYYY, MM/YYYY, YYYY-MM or only the year YYYY",
            "bool": "yes / no (có / không, x, 1 / 0)",
            "int": "a whole number, 0 or more",
            "assessments": "year: rating; year: rating — e.g. 2023: HTTNV; 2024: HTXSNV",
            "localities": "province[ / district[ / commune]][ (date of the map)]: years; … — e.g. Lào Cai: 20; "
            "Lào Cai / Bảo Thắng: 5",
        }.get(self.kind, "free text")


def _c(key: str, vi: str, path: str, kind: str, help_vi: str, help_en: str, example: str = "", **kw: Any) -> Column:
    return Column(key, vi, path, kind, help_vi, help_en, example, **kw)
