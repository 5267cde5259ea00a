"""The shape of an officer's sheet: title rows above the table, a header over one or two rows, an STT
column, a row numbering the columns, blank rows, section headings and the signature block under the table
(:mod:`eligibility.batch.reader` reads .xlsx, .csv and flat Parquet pools through it).

:func:`find_layout` finds the header among the first rows and the columns it names; :func:`classify` says
why a row after it is not a person (or None); :class:`Shape` keeps what was skipped, to be reported.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from eligibility.batch.columns import POST_COLUMN, REQUIRED, Cell, Layout, find_column, layout
from eligibility.batch.limits import Limits, number, refuse
from eligibility.batch.mapping import as_text, clean
from eligibility.errors import InputError, Problem
from eligibility.model import levels as lv

HEADER_SCAN_ROWS = 20  # the header may sit under a few title rows
STT_HEADERS = {"stt", "tt", "so tt", "so thu tu", "thu tu", "no", "no."}
_FOOTER = re.compile(
    r"ngay\s+\d{1,2}\s+thang\s+\d{1,2}\s+nam\s+\d{4}|nguoi lap( bieu)?|thu truong|giam doc|chu tich|bi thu|"
    r"truong ban|truong phong|xac nhan|ky,? ghi ro ho ten|ky ten|dong dau|noi nhan|^tm\.|^kt\.|^tl\.|^q\."
)
_HEADING = re.compile(r"^(?:[ivxlc]+|[a-z]|\d{1,2})[.)]\s+\S")
_NUMBERING = re.compile(r"^\(?(?:\d{1,3}|[a-z])\)?$")


def recognised(cells: Sequence[Cell]) -> int:
    return sum(1 for c in cells if isinstance(c, str) and c.strip() and find_column(c) not in (None, POST_COLUMN))


def _combine(group: Sequence[Cell], sub: Sequence[Cell]) -> tuple[str, ...]:
    """One header from a group row and its sub-header row ("Trình độ" over "Chuyên môn" | "Lý luận chính
    trị" → "Trình độ chuyên môn", "Trình độ lý luận chính trị"). A group's text sits in the first column
    of its merged cells; it carries to the right while the sub-header row has text under it."""
    n = max(len(group), len(sub))
    out: list[str] = []
    carry = ""
    for i in range(n):
        g = clean(group[i]) if i < len(group) else None
        s = clean(sub[i]) if i < len(sub) else None
        g_text = "" if g is None else as_text(g)
        s_text = "" if s is None else as_text(s)
        if g_text:
            carry = g_text if s_text else ""
        elif s_text and carry:
            g_text = carry
        else:
            carry = ""
        if not s_text:
            out.append(g_text)
            continue
        if not g_text:
            out.append(s_text)
            continue
        options = (f"{g_text} {s_text}", s_text, f"{s_text} {g_text}")
        out.append(next((o for o in options if find_column(o) not in (None,)), options[0]))
    return tuple(out)


def find_header(rows: list[tuple[Cell, ...]]) -> tuple[int, int, tuple[Cell, ...]] | None:
    """(first row of the header, rows it takes: 1 or 2, the header cells) among the first rows."""
    for i, cells in enumerate(rows):
        single = recognised(cells)
        pair = _combine(cells, rows[i + 1]) if i + 1 < len(rows) else None
        paired = recognised(pair) if pair is not None else 0
        beats = pair is not None and paired > max(single, recognised(rows[i + 1]))
        if pair is not None and beats and paired >= 2 and not _looks_like_person(rows[i + 1]):
            return i, 2, pair
        if single >= 2:
            return i, 1, cells
    return None


def _looks_like_person(cells: Sequence[Cell]) -> bool:
    """A row with a date or a number past a short one (an STT) is data, not a sub-header."""
    values = [clean(c) for c in cells]
    return any(
        isinstance(v, dt.date) or (isinstance(v, int | float) and not isinstance(v, bool) and v > 999) for v in values
    )


@dataclass
class Shape:
    """What the reader learnt of a sheet's layout, and what it skipped (reported, never silent)."""

    stt: int | None = None
    required: tuple[int, ...] = ()  # positions of the required columns (a value there: a person)
    personal: tuple[int, ...] = ()  # positions of sex and birth date (what a signature block never has)
    skipped: list[tuple[int, int, str, str, str]] = field(default_factory=list)  # first, last, vi, en, text
    footer: bool = False
    unnamed: dict[int, int] = field(default_factory=dict)  # position of a column without a header → rows
    rows: int = 0  # rows skipped (title rows above the header included)

    def skip(self, n: int, vi: str, en: str, text: str) -> None:
        self.rows += 1
        near = self.skipped and (self.footer or self.skipped[-1][1] >= n - 3)  # one block: the footer, or close rows
        if near and self.skipped[-1][2] == vi:
            first, _, _, _, old = self.skipped[-1]
            self.skipped[-1] = (first, n, vi, en, old if len(old) > 60 else f"{old} · {text}"[:120])
        else:
            self.skipped.append((n, n, vi, en, text[:120]))

    def problems(self, headers: Sequence[str]) -> list[Problem]:
        out = []
        for first, last, vi, en, text in self.skipped:
            where = f"dòng {first}" if first == last else f"dòng {first}–{last}"
            where_en = f"row {first}" if first == last else f"rows {first}–{last}"
            out.append(Problem(f"{where} / {where_en}", f"bỏ qua, {vi}", f"skipped, {en}", text or None))
        for pos, n in sorted(self.unnamed.items()):
            letter = _column_letters(pos + 1)
            out.append(
                Problem(
                    f"cột {letter} / column {letter}",
                    f"cột không có tiêu đề nhưng có dữ liệu ở {n} dòng; không được đọc",
                    f"column without a header holds data in {n} rows; not read",
                )
            )
        return out


def _column_letters(i: int) -> str:
    out = ""
    while i:
        i, r = divmod(i - 1, 26)
        out = chr(65 + r) + out
    return out


def values_of(cells: Sequence[Cell]) -> list[tuple[int, Cell]]:
    return [(i, v) for i, c in enumerate(cells) if (v := clean(c)) is not None]


def find_layout(
    p: Path,
    head: list[tuple[Cell, ...]],
    numbers: list[int],
    post_column: str | None,
    use_default_post: bool,
    limits: Limits,
) -> tuple[int, Layout, list[Problem], Shape]:
    """The header (index into ``head`` of its last row), the layout, the file's warnings and its shape."""
    found = find_header(head)
    if found is None:
        raise InputError(
            Problem(
                str(p),
                'không tìm thấy dòng tiêu đề (ví dụ "Mã hồ sơ", "Giới tính", '
                f'"Ngày sinh") trong {HEADER_SCAN_ROWS} dòng đầu; dùng `eligibility '
                "template` để có mẫu",
                f'no header row (e.g. "Mã hồ sơ", "Giới tính", "Ngày sinh") in the first '
                f"{HEADER_SCAN_ROWS} rows; `eligibility template` writes one",
            )
        )
    h, height, headers = found
    if len(headers) > limits.columns:
        raise refuse(
            str(p),
            f"columns = {limits.columns}",
            f"dòng tiêu đề có {len(headers)} cột, quá {number(limits.columns)} cột (giới hạn của Excel)",
            f"the header has {len(headers)} columns, more than {number(limits.columns)} (Excel's limit)",
        )
    last = h + height - 1
    header_row = numbers[h]
    shape = Shape()
    for i in range(h):
        texts = values_of(head[i])
        if texts:
            shape.skip(
                numbers[i],
                "dòng tiêu đề phía trên bảng",
                "a title above the table",
                " ".join(as_text(v) for _, v in texts),
            )
    header_texts = [str(c).strip() if c is not None else "" for c in headers]
    stt = [i for i, t in enumerate(header_texts) if t and lv.fold(t) in STT_HEADERS]
    shape.stt = stt[0] if stt else None
    named = tuple("" if i in stt else t for i, t in enumerate(header_texts))
    lay, errors = layout(named, post_column, use_default_post=use_default_post, where=str(p))
    if errors:
        raise InputError(errors)
    shape.required = tuple(lay.index[c.key] for c in REQUIRED if c.key in lay.index)
    shape.personal = tuple(lay.index[k] for k in ("sex", "birth_date") if k in lay.index)
    warnings = [
        Problem(u, "cột không thuộc mẫu, không được đọc", "column not in the template; not read", None, header_row)
        for u in lay.unknown
    ]
    if lay.ignored_post is not None:
        warnings.append(
            Problem(
                lay.ignored_post,
                "không đọc cột này vì đã có --post cho cả danh sách",
                "this column is not read because --post was given for everyone",
                None,
                header_row,
            )
        )
    for key, vi in (("id", "Mã hồ sơ"), ("sex", "Giới tính"), ("birth_date", "Ngày sinh")):
        if key not in lay.index:
            warnings.append(
                Problem(
                    vi,
                    "tệp thiếu cột bắt buộc: mọi dòng sẽ là lỗi dữ liệu",
                    "the file lacks this required column: every row will be an input error",
                    None,
                    header_row,
                )
            )
    return last, lay, warnings, shape


def filled(cells: Sequence[Cell], i: int) -> bool:
    if i >= len(cells):
        return False
    v = cells[i]
    return v is not None and (not isinstance(v, str) or bool(v.strip()))


def classify(cells: tuple[Cell, ...], lay: Layout, shape: Shape, first: bool) -> tuple[str, str] | None:
    """Why a row is not a person (vi, en), or None: it is one (or an error that names what it lacks)."""
    personal = any(filled(cells, i) for i in shape.personal)
    if personal and not shape.footer and not first:
        return None  # the usual row: a person (checked without cleaning every cell)
    texts = values_of(cells)
    if not texts:
        return ("dòng trống", "blank row")
    words = [lv.fold(as_text(v)) for i, v in texts if i != shape.stt]
    if first and len(texts) >= 2 and all(_NUMBERING.match(lv.fold(as_text(v))) for _, v in texts):
        return ("dòng đánh số cột", "a row numbering the columns")
    if not personal and (shape.footer or any(_FOOTER.search(w) for w in words)):
        shape.footer = True  # the signature block: names and titles, possibly under any column, no sex or birth date
        return ("phần ký tên cuối bảng", "the signature block under the table")
    values = [v for i, v in texts if i != shape.stt]
    if not values:
        return ("chỉ có số thứ tự", "only the row number is filled")
    stt_value = clean(cells[shape.stt]) if shape.stt is not None and shape.stt < len(cells) else None
    if not personal and len(values) <= 2 and not isinstance(stt_value, int) and all(isinstance(v, str) for v in values):
        text = " ".join(([lv.fold(as_text(stt_value))] if stt_value is not None else []) + words)
        if _HEADING.match(text) or all(_shouted(as_text(v)) for v in values):
            return ("dòng tiêu đề mục", "a section heading")
    return None


def _shouted(text: str) -> bool:
    """Several words in capitals and no digit ("KHỐI ĐẢNG"): a heading, never an id such as "LC-0001"."""
    return text.upper() == text and " " in text.strip() and not any(ch.isdigit() for ch in text)
