"""A pool row ⇄ a profile, driven by the :class:`~eligibility.batch.columns.Column` declarations alone.

* :func:`row_to_profile` — the cells of a row → a profile dict (English keys, officers' values), the
  row's post and the problems the cells alone show (a missing required column, an unreadable yes/no or
  number, lists that do not line up, a value whose record is missing); the profile model checks the rest.
* :func:`profile_to_row` — the inverse, for profiles the flat format can hold (one current post).
* :func:`column_of` — a profile error's location (``posts.0.from``) → the column that holds it.

How a column is read follows from its declaration: a ``path`` without a dot fills a field of the
profile; ``record.field`` fills a field of a record (``party``, ``health``, ``posts``, …) that the
column marked ``opens`` creates — a list of records when that column takes several values (or, for
``posts``, a one-item list). A record's other columns need the opening column (and say so when it is
empty), and are refused when it says "không" (recorded: none).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, get_args, get_origin

from eligibility.batch.columns import BY_KEY, COLUMNS, REQUIRED, Cell, Column, Layout
from eligibility.errors import Problem
from eligibility.facts.catalog import INPUTS
from eligibility.model import levels as lv
from eligibility.model.profile import Profile

_NONE_WORDS = {"khong", "khong co", "chua co", "none", "no"}
_TRUE = {
    "co",
    "dung",
    "x",
    "true",
    "yes",
    "y",
    "1",
    "da",
    "da xac minh",
    "dat",
    "du",
    "du suc khoe",
    "tot",
    "da tham dinh",
}
_FALSE = {
    "khong",
    "sai",
    "false",
    "no",
    "n",
    "0",
    "chua",
    "chua xac minh",
    "khong dat",
    "khong du",
    "khong du suc khoe",
    "chua tham dinh",
}


# ----- cell values ----------------------------------------------------------------------------
def clean(value: Cell) -> Cell:
    """A cell's value: None for empty, NFC-stripped text, ints for integral floats, dates for datetimes."""
    if value is None:
        return None
    if isinstance(value, str):
        text = lv.nfc(value).strip()
        return text or None
    if isinstance(value, bool):
        return value
    if isinstance(value, float):
        if value.is_integer():
            return int(value)
        return value
    if isinstance(value, dt.datetime):
        return value.date()
    return value


def as_text(value: Cell) -> str:
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


def split(value: Cell) -> list[Cell]:
    if isinstance(value, str):
        return [p.strip() for p in re.split(r"[;\n]", value) if p.strip()]
    return [value]


def is_none_word(value: Cell) -> bool:
    return isinstance(value, str) and lv.fold(value) in _NONE_WORDS


def read_bool(value: Cell) -> bool:
    if isinstance(value, bool):
        return value
    if isinstance(value, int) and value in (0, 1):
        return bool(value)
    if isinstance(value, str):
        k = lv.fold(value)
        if k in _TRUE:
            return True
        if k in _FALSE:
            return False
    raise ValueError('phải là "có" hoặc "không" (đúng, sai, x, 1, 0) / must be yes or no (có, không, x, 1, 0)')


def read_int(value: Cell) -> int:
    if isinstance(value, bool):
        raise ValueError("phải là số nguyên / must be a whole number")
    if isinstance(value, int):
        return value
    if isinstance(value, str) and re.fullmatch(r"\d+", value.strip()):
        return int(value)
    raise ValueError("phải là số nguyên không âm / must be a whole number, 0 or more")


def read_assessments(value: Cell) -> dict[int, str]:
    out: dict[int, str] = {}
    for part in split(value):
        m = re.fullmatch(r"(\d{4})\s*[:=\-]\s*(.+)", str(part))
        if not m:
            raise ValueError(
                f'"{part}" không có dạng năm: mức (ví dụ 2024: HTTNV) / "{part}" is not year: rating (e.g. 2024: HTTNV)'
            )
        out[int(m.group(1))] = m.group(2).strip()
    return out


_WORKED = re.compile(r"(?P<place>[^():=]+?)\s*(?:\((?P<as_of>[^()]*)\))?\s*[:=]\s*(?P<years>\d+)\s*(?:năm|nam)?")


def read_localities(value: Cell) -> list[dict[str, Any]]:
    """``tỉnh[ / huyện[ / xã]][ (ngày của địa danh)]: số năm; …`` → places worked (``Lào Cai / Bảo Thắng: 5``;
    ``Lào Cai / / Gia Phú (01/07/2025): 2`` for a commune on the map from 1/7/2025, without district)."""
    out: list[dict[str, Any]] = []
    for i, part in enumerate(split(value), start=1):
        m = _WORKED.fullmatch(str(part))
        names = [p.strip() for p in m.group("place").split("/")] if m else []
        if not m or len(names) > 3 or not names[0]:
            raise ValueError(
                f"nơi thứ {i} không có dạng tỉnh: số năm hoặc tỉnh/huyện/xã: số năm (ví dụ Lào Cai: 20; Lào Cai/Bảo "
                f"Thắng: 5) / place {i} is not province: years or province/district/commune: years (e.g. Lào Cai: "
                "20; Lào Cai/Bảo Thắng: 5)"
            )
        item: dict[str, Any] = {"province": names[0], "years": int(m.group("years"))}
        for key, name in zip(("district", "commune"), names[1:], strict=False):
            if name:
                item[key] = name
        if m.group("as_of") and m.group("as_of").strip():
            item["as_of"] = m.group("as_of").strip()
        out.append(item)
    return out


def _worked_text(w: Mapping[str, Any]) -> str:
    """One place worked as :func:`read_localities` reads it."""
    names = [str(w["province"]), str(w.get("district") or ""), str(w.get("commune") or "")]
    while len(names) > 1 and not names[-1]:
        names.pop()
    text = " / ".join(names).replace("/  /", "/ /")
    if w.get("as_of") is not None:
        text += f" ({as_text(w['as_of'])})"
    return f"{text}: {w['years']}"


# converters that can refuse a value (their problem names the column); other kinds pass the cell on
_READERS: dict[str, Callable[[Cell], Any]] = {
    "bool": read_bool,
    "int": read_int,
    "assessments": read_assessments,
    "localities": read_localities,
}


def title_code_map(titles: Mapping[str, Any]) -> dict[str, str]:
    """Folded code, Vietnamese and English names of the catalogue's titles → code."""
    out: dict[str, str] = {}
    for code, t in titles.items():
        for name in (code, t.vi, t.en):
            out.setdefault(lv.fold(name), code)
    return out


def title_code(text: str, title_codes: Mapping[str, str] | None) -> str:
    if title_codes:
        return title_codes.get(lv.fold(text), text)
    return text


# ----- records: what the declarations say about the profile's shape -------------------------------
@dataclass(frozen=True)
class Record:
    """The columns of one record of the profile (``party``, ``posts``, …), the opening one first."""

    name: str
    opener: Column | None  # None: a plain mapping (``education``) that is always there
    members: tuple[Column, ...]  # the other columns
    many: bool  # a list of records
    field: str = ""  # the profile field it fills, when not its name (the post left is an item of ``posts``)

    @property
    def target(self) -> str:
        return self.field or self.name

    @property
    def columns(self) -> tuple[Column, ...]:
        return ((self.opener,) if self.opener else ()) + self.members


def _is_list(name: str) -> bool:
    """The profile field holds a list of records (the profile model says so)."""
    info = Profile.model_fields.get(name)
    return info is not None and any(get_origin(a) is list for a in (info.annotation, *get_args(info.annotation)))


def _records() -> dict[str, Record]:
    groups: dict[str, list[Column]] = {}
    for c in COLUMNS:
        if c.group is not None:
            groups.setdefault(c.group, []).append(c)
    out: dict[str, Record] = {}
    for name, cols in groups.items():
        opener = next((c for c in cols if c.opens), None)
        target = cols[0].target or name
        many = opener is not None and _is_list(target)  # a list: one item a row, or one per value (multi)
        field = target if target != name else ""
        out[name] = Record(name, opener, tuple(c for c in cols if c is not opener), many, field)
    return out


def _is_left(item: Mapping[str, Any]) -> bool:
    """A post that has ended (``to`` recorded): the flat format holds it in the columns of the post left."""
    return item.get("to") is not None


RECORDS = _records()
_ORDER: list[Column | Record] = [  # the order of the columns, a record where its first column is
    c if c.group is None else RECORDS[c.group] for c in COLUMNS if c.group is None or RECORDS[c.group].columns[0] is c
]


# ----- row → profile ----------------------------------------------------------------------------
class _Row:
    """One row being read: its cell values by column key, and the problems found."""

    def __init__(self, values: dict[str, Cell], lay: Layout, row: int | None, codes: Mapping[str, str] | None):
        self.values = values
        self.lay = lay
        self.row = row
        self.codes = codes
        self.problems: list[Problem] = []

    def problem(self, c: Column, vi: str, en: str, value: Cell = None) -> None:
        text = as_text(value) if value is not None else None
        self.problems.append(Problem(self.lay.header_of(c.key), vi, en, text, self.row))

    def one(self, c: Column, v: Cell) -> Any:
        """One value of column ``c`` as the profile model takes it (None: refused, with a problem)."""
        reader = _READERS.get(c.kind)
        if reader is not None:
            try:
                return reader(v)
            except ValueError as exc:
                vi, _, en = str(exc).partition(" / ")
                self.problem(c, vi, en or vi, v)
                return None
        if c.title_code:
            return title_code(as_text(v), self.codes)
        if c.kind in ("text", "list"):
            return as_text(v)
        return v

    def value(self, c: Column) -> Any:
        """The whole cell of ``c``: a list for a column of several values, [] for "không"."""
        v = self.values[c.key]
        if c.none_word and is_none_word(v):
            return []
        if c.kind in ("list", "localities") or (c.multi and c.group is None):
            got = self.one(c, v) if c.kind == "localities" else [self.one(c, p) for p in split(v)]
            return got
        return self.one(c, v)

    def needs(self, parent: Column, cols: Iterable[Column]) -> None:
        for c in cols:
            if c.key in self.values:
                self.problem(
                    c,
                    f'có giá trị nhưng cột "{self.lay.header_of(parent.key)}" để trống',
                    f'has a value but column "{self.lay.header_of(parent.key)}" is empty',
                    self.values[c.key],
                )

    def forbid(self, parent: Column, cols: Iterable[Column]) -> None:
        for c in cols:
            if c.key in self.values:
                self.problem(
                    c,
                    f'có giá trị nhưng cột "{self.lay.header_of(parent.key)}" ghi "không"',
                    f'has a value but column "{self.lay.header_of(parent.key)}" says none',
                    self.values[c.key],
                )

    def aligned(self, c: Column, n: int) -> list[Any] | None:
        """A column of several values lined up with ``n`` items: one value (for all) or exactly ``n``."""
        v = self.values.get(c.key)
        if v is None:
            return None
        parts = split(v)
        if len(parts) == 1:
            parts = parts * n
        if len(parts) != n:
            self.problem(
                c,
                f'có {len(parts)} giá trị, cần 1 hoặc {n} (cách nhau bởi ";")',
                f'has {len(parts)} values; 1 or {n} needed (separated by ";")',
                v,
            )
            return None
        return [self.one(c, p) for p in parts]

    def record(self, rec: Record, data: dict[str, Any]) -> None:
        if rec.opener is None:  # a plain mapping of optional fields
            data[rec.name] = {c.field: self.value(c) for c in rec.members if c.key in self.values}
            return
        opener = rec.opener
        if opener.key not in self.values:
            self.needs(opener, rec.members)
            return
        raw = self.values[opener.key]
        if rec.field and rec.field not in data:  # the post left is read beside the current post, never alone
            main = RECORDS[rec.field].opener
            assert main is not None
            self.problem(
                opener,
                f'có giá trị nhưng cột "{self.lay.header_of(main.key)}" để trống (ghi "không" nếu không giữ chức vụ)',
                f'has a value but column "{self.lay.header_of(main.key)}" is empty (write "không" for no post)',
                raw,
            )
            return
        if opener.none_word and is_none_word(raw):
            data.setdefault(rec.target, [])
            self.forbid(opener, rec.members)
            return
        heads = [self.one(opener, p) for p in split(raw)] if opener.multi else [self.one(opener, raw)]
        if any(h is None for h in heads):
            return  # refused (a problem names the column)
        items: list[dict[str, Any]] = [{opener.field: h} for h in heads]
        for c in rec.members:
            if rec.many and c.multi:
                values = self.aligned(c, len(items))
                if values is not None:
                    for item, v in zip(items, values, strict=True):
                        item[c.field] = v
            elif c.key in self.values:
                for item in items:
                    item[c.field] = self.one(c, self.values[c.key])
        for c in rec.members:
            if c.needed is not None and c.key not in self.values:
                self.problems.append(Problem(self.lay.header_of(c.key), *c.needed, None, self.row))
        if rec.field:
            data[rec.field] = [*data[rec.field], *items]
        else:
            data[rec.name] = items if rec.many else items[0]


def row_to_profile(
    cells: Sequence[Cell], lay: Layout, row: int | None = None, title_codes: Mapping[str, str] | None = None
) -> tuple[dict[str, Any], str | None, list[Problem]]:
    """A profile dict (English keys, officers' values), the row's post and the problems the cells alone
    show; the profile model checks the rest (dates, levels) when the dict is parsed. ``title_codes``
    maps folded title names to codes so that "Giám đốc Sở" may be written for ``giam-doc-so``."""
    values: dict[str, Cell] = {}
    for key, pos in lay.index.items():
        v = clean(cells[pos]) if pos < len(cells) else None
        if v is not None:
            values[key] = v
    post: str | None = None
    if lay.post_index is not None and lay.post_index < len(cells):
        pv = clean(cells[lay.post_index])
        post = title_code(as_text(pv), title_codes) if pv is not None else None
    r = _Row(values, lay, row, title_codes)
    for col in REQUIRED:
        if col.key not in values:
            if col.key in lay.index:
                r.problem(col, "thiếu giá trị bắt buộc", "required value missing")
            else:
                r.problems.append(
                    Problem(col.vi, "tệp thiếu cột bắt buộc này", "the file lacks this required column", None, row)
                )
    data: dict[str, Any] = {}
    for part in _ORDER:
        if isinstance(part, Record):
            r.record(part, data)
        elif part.key in values:
            v = r.value(part)
            if v is not None:
                data[part.path] = v
    return data, post, r.problems


# ----- profile → row ----------------------------------------------------------------------------
def _cell(c: Column, value: Any) -> Any:
    """What an officer types for ``value`` in column ``c``."""
    if c.kind == "bool":
        return "có" if value else "không"
    if c.kind == "assessments":
        return "; ".join(f"{y}: {v}" for y, v in sorted(value.items()))
    if c.kind == "localities":
        return "; ".join(_worked_text(w) for w in value) or "không"
    if isinstance(value, list):
        return "; ".join(as_text(v) for v in value) or ("không" if c.none_word else "")
    return value


def profile_to_row(profile: Mapping[str, Any], post: str | None = None) -> dict[str, Any]:
    """The inverse of :func:`row_to_profile` for profiles the flat format can hold (one current
    post). Keys are column keys; values are what an officer would type."""
    r: dict[str, Any] = {}
    for part in _ORDER:
        if isinstance(part, Column):
            if profile.get(part.path) is not None:
                r[part.key] = _cell(part, profile[part.path])
            continue
        got: Any = profile.get(part.target)
        if got is None:
            continue
        if part.target == "posts":  # the current post, and the post left (ended: ``to`` recorded)
            got = [p for p in got if _is_left(p) == bool(part.field)]
            if part.field and not got:
                continue
        if part.opener is None:
            for c in part.members:
                if got.get(c.field) is not None:
                    r[c.key] = _cell(c, got[c.field])
            continue
        items: list[Mapping[str, Any]] = got if isinstance(got, list) else [got]
        if part.many and not items:
            r[part.opener.key] = "không"
            continue
        if part.many and not part.opener.multi and len(items) > 1:
            raise ValueError(f"the flat format holds one item of {part.name}")
        for c in part.columns:
            values = [item.get(c.field) for item in items]
            if all(v is None for v in values):
                continue
            if c.multi:
                r[c.key] = "; ".join(c.fill if v is None else as_text(_cell(c, v)) for v in values)
            else:
                r[c.key] = _cell(c, values[0])
    if post is not None:
        r["post"] = post
    return r


# ----- error locations: profile field path → column --------------------------------------------
_LIST_PATHS = {rec.target for rec in RECORDS.values() if rec.many} | {
    c.path for c in COLUMNS if c.kind in ("list", "localities") and not (c.group in RECORDS and RECORDS[c.group].many)
}
_SECOND_COLUMNS = {c.key for rec in RECORDS.values() if rec.field for c in rec.columns}
_FIRST_PATHS = {p for c in COLUMNS if c.key not in _SECOND_COLUMNS for p in (c.path, *c.extra_paths)}
# a column of the second record names an error without an item only when no column of the first has its path
_SECOND_KEYS = {c.key for c in COLUMNS if c.key in _SECOND_COLUMNS and c.path in _FIRST_PATHS}
_PATHS: list[tuple[str, str]] = sorted(
    [(c.path, c.key) for c in COLUMNS if c.key not in _SECOND_KEYS]
    + [(p, c.key) for c in COLUMNS if c.key not in _SECOND_KEYS for p in c.extra_paths]
    + [(rec.target, rec.columns[0].key) for rec in RECORDS.values() if not rec.field],
    key=lambda pc: -len(pc[0]),
)


# a record read after another one into the same list (the post left, after the current post): its own columns
_SECOND: dict[str, list[tuple[str, str]]] = {
    rec.target: sorted(
        [(c.path, c.key) for c in rec.columns] + [(p, c.key) for c in rec.columns for p in c.extra_paths],
        key=lambda pc: -len(pc[0]),
    )
    for rec in RECORDS.values()
    if rec.field
}


def column_of(location: str) -> tuple[str | None, int | None]:
    """The column key a profile error location belongs to, and the list item (0-based) if any."""
    item: int | None = None
    plain: list[str] = []
    for p in location.split("."):
        if p.isdigit() and item is None and ".".join(plain) in _LIST_PATHS:
            item = int(p)
            continue
        plain.append(p)
    path = ".".join(plain)
    paths = _PATHS
    if item is not None and item >= 1 and plain[0] in _SECOND:  # posts.1: the post left, read after the current one
        paths = _SECOND[plain[0]]
    for cpath, key in paths:
        if path == cpath or path.startswith(cpath + "."):
            return key, item
    return None, item


def input_header(name: str) -> str:
    """The header of the column that records a profile input (``education.degree`` → "Trình độ chuyên
    môn"), as the fact catalogue declares it (:data:`eligibility.facts.catalog.INPUTS`); the input's own
    name when no column records it."""
    spec = INPUTS.get(name)
    if spec is None or spec.column is None:
        return name
    return BY_KEY[spec.column].vi
