"""Reading a pool: .xlsx, .csv or .jsonl, one person per row, streamed.

:func:`read_pool` yields one :class:`PoolRow` per input row, in file order, whether the row
could be read or not: a bad row carries its problems (row number, column, reason in Vietnamese
and English) and is reported as ``input_error``; it never stops the run and never disappears.
Only rows with no value in any cell (and blank JSONL lines) are skipped; they are counted in
:attr:`PoolSource.blank_rows` and shown in the summary.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
import re
import xml.etree.ElementTree as ET
import zipfile
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from itertools import chain
from pathlib import Path
from typing import Any

from eligibility.batch.columns import POST_COLUMN, Cell, Layout, find_column, layout
from eligibility.batch.mapping import clean, row_to_profile, title_code_map
from eligibility.errors import InputError, Problem
from eligibility.model.profile import Profile

FORMATS = (".xlsx", ".csv", ".jsonl")
HEADER_SCAN_ROWS = 10  # the header row may sit under a title row or two


@dataclass
class PoolRow:
    """One input row: a profile (as a dict to validate, or a model), its request overrides, and the
    problems already found while reading it (a row with problems is an ``input_error``; its
    ``data``, when present, is still validated so that every problem of the row is reported).

    ``row`` is the number a person sees: the spreadsheet row (header = its own row) or the JSONL line.
    """

    row: int
    data: dict[str, Any] | None = None
    profile: Profile | None = None
    request: dict[str, Any] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)
    layout: Layout | None = None  # for naming columns in errors found later
    id: str | None = None  # best effort, shown for rows that fail
    name: str | None = None
    cells: tuple[Cell, ...] | None = None  # raw cells not yet converted (``read_pool(..., lazy=True)``)
    codes: Mapping[str, str] | None = None

    def resolve(self) -> PoolRow:
        """Convert raw cells into ``data``, ``request`` and ``problems`` (once; a no-op otherwise)."""
        if self.cells is not None and self.layout is not None:
            done = _row_from_cells(self.cells, self.layout, self.row, self.codes)
            self.data, self.request, self.problems = done.data, done.request, done.problems
            self.id, self.name, self.cells = done.id, done.name, None
        return self

    @property
    def ok(self) -> bool:
        return not self.resolve().problems


@dataclass
class PoolSource:
    """A pool file being read: its rows (an iterator, read once) and what the header said."""

    path: Path
    kind: str  # xlsx | csv | jsonl
    layout: Layout | None
    warnings: list[Problem]
    total_estimate: int | None  # rows expected (for progress), None if unknown
    blank_rows: int = 0
    _rows: Iterator[PoolRow] | None = None

    def __iter__(self) -> Iterator[PoolRow]:
        if self._rows is None:
            raise RuntimeError("a pool source is read once")
        rows, self._rows = self._rows, None
        return rows


def read_pool(
    path: str | Path,
    *,
    post_column: str | None = None,
    titles: Mapping[str, Any] | None = None,
    use_default_post: bool = True,
    lazy: bool = False,
) -> PoolSource:
    """Open a pool file. Iterate the result for :class:`PoolRow` objects (streamed, file order).

    ``post_column`` names the column holding each person's title (``--post-column``); without it
    the documented column "Chức danh đề nghị quy hoạch (mã)" is used when present and
    ``use_default_post``. ``titles`` (``rules.titles``) lets cells name titles by their Vietnamese
    name instead of the code. File-level problems (not found, wrong format, duplicate headers,
    no header row) raise :class:`InputError`; row-level problems are carried by the rows.
    ``lazy=True`` leaves spreadsheet rows as raw cells (:meth:`PoolRow.resolve` converts them) so
    that the screen's worker processes do the conversion instead of the reading process.
    """
    p = Path(path)
    suffix = p.suffix.lower()
    if suffix not in FORMATS:
        hint = " (lưu lại dưới dạng .xlsx / save it as .xlsx)" if suffix == ".xls" else ""
        raise InputError(
            Problem(
                str(p),
                f"định dạng tệp không hỗ trợ{hint}; dùng .xlsx, .csv hoặc .jsonl",
                "unsupported file type; use .xlsx, .csv or .jsonl",
                p.suffix,
            )
        )
    if not p.is_file():
        raise InputError(Problem(str(p), "không tìm thấy tệp", "file not found"))
    codes = title_code_map(titles) if titles else None
    if suffix == ".jsonl":
        return _read_jsonl(p, codes)
    if suffix == ".csv":
        return _read_csv(p, post_column, codes, use_default_post, lazy)
    return _read_xlsx(p, post_column, codes, use_default_post, lazy)


def _make_row(cells: tuple[Cell, ...], lay: Layout, row: int, codes: Mapping[str, str] | None, lazy: bool) -> PoolRow:
    if lazy:
        return PoolRow(row, layout=lay, cells=cells, codes=codes)
    return _row_from_cells(cells, lay, row, codes)


def _row_from_cells(cells: tuple[Cell, ...], lay: Layout, row: int, codes: Mapping[str, str] | None) -> PoolRow:
    ident = _cell(cells, lay.index.get("id"))
    name = _cell(cells, lay.index.get("full_name"))
    data, post, problems = row_to_profile(cells, lay, row, codes)
    request: dict[str, Any] = {}
    if lay.post_index is not None:
        if post is None:
            problems.append(
                Problem(
                    lay.headers[lay.post_index],
                    "thiếu chức danh xem xét cho người này",
                    "no title to screen this person for",
                    None,
                    row,
                )
            )
        else:
            request["post"] = post
    return PoolRow(row, data=data, request=request, problems=problems, layout=lay, id=ident, name=name)


def _cell(cells: tuple[Cell, ...], pos: int | None) -> str | None:
    if pos is None or pos >= len(cells):
        return None
    v = clean(cells[pos])
    return None if v is None else str(v)


def _find_header(rows: list[tuple[Cell, ...]]) -> int | None:
    """Index of the header row among the first rows: the first naming a documented column."""
    for i, cells in enumerate(rows):
        named = [c for c in cells if isinstance(c, str) and c.strip() and find_column(c) not in (None, POST_COLUMN)]
        if len(named) >= 2:
            return i
    return None


def _start(
    p: Path, kind: str, head: list[tuple[Cell, ...]], post_column: str | None, use_default_post: bool
) -> tuple[int, Layout, list[Problem]]:
    h = _find_header(head)
    if h is None:
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
    lay, errors = layout(head[h], post_column, use_default_post=use_default_post, where=str(p))
    if errors:
        raise InputError(errors)
    warnings = [
        Problem(u, "cột không thuộc mẫu, không được đọc", "column not in the template; not read", None, h + 1)
        for u in lay.unknown
    ]
    if lay.ignored_post is not None:
        warnings.append(
            Problem(
                lay.ignored_post,
                "không đọc cột này vì đã có --post cho cả danh sách",
                "this column is not read because --post was given for everyone",
                None,
                h + 1,
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
                    h + 1,
                )
            )
    return h, lay, warnings


def _blank(cells: tuple[Cell, ...]) -> bool:
    return all(clean(c) is None for c in cells)


def _rows(
    source: PoolSource,
    numbered: Iterable[tuple[int, tuple[Cell, ...]]],
    lay: Layout,
    codes: Mapping[str, str] | None,
    lazy: bool,
) -> Iterator[PoolRow]:
    """The rows of a spreadsheet after its header, by row number; empty rows counted, not yielded."""
    for n, cells in numbered:
        if _blank(cells):
            source.blank_rows += 1
            continue
        yield _make_row(cells, lay, n, codes, lazy)


def _read_xlsx(
    p: Path, post_column: str | None, codes: Mapping[str, str] | None, use_default_post: bool, lazy: bool = False
) -> PoolSource:
    try:
        sheet = FastSheet(p)
    except Exception:  # noqa: BLE001 - any surprise in the fast path: let openpyxl read the file
        return _read_xlsx_openpyxl(p, post_column, codes, use_default_post, lazy)
    it = sheet.rows()
    head: list[tuple[Cell, ...]] = []
    numbers: list[int] = []
    for n, cells in it:
        head.append(cells)
        numbers.append(n)
        if len(head) >= HEADER_SCAN_ROWS:
            break
    h, lay, warnings = _start(p, "xlsx", head, post_column, use_default_post)
    total = max(0, sheet.last_row - numbers[h]) if sheet.last_row else None
    source = PoolSource(p, "xlsx", lay, warnings, total)

    def rows() -> Iterator[PoolRow]:
        try:
            yield from _rows(source, chain(zip(numbers[h + 1 :], head[h + 1 :], strict=True), it), lay, codes, lazy)
        except ET.ParseError as exc:
            raise InputError(Problem(str(p), f"tệp Excel hỏng: {exc}", f"the Excel file is damaged: {exc}")) from None
        finally:
            sheet.close()

    source._rows = rows()
    return source


def _read_xlsx_openpyxl(
    p: Path, post_column: str | None, codes: Mapping[str, str] | None, use_default_post: bool, lazy: bool = False
) -> PoolSource:
    import openpyxl

    try:
        wb = openpyxl.load_workbook(p, read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError) as exc:
        raise InputError(
            Problem(str(p), f"không đọc được tệp Excel (.xlsx): {exc}", f"cannot read the Excel (.xlsx) file: {exc}")
        ) from None
    ws = wb.worksheets[0]
    it = ws.iter_rows(values_only=True)
    head: list[tuple[Cell, ...]] = []
    for cells in it:
        head.append(tuple(cells))
        if len(head) >= HEADER_SCAN_ROWS:
            break
    h, lay, warnings = _start(p, "xlsx", head, post_column, use_default_post)
    total = None
    if ws.max_row is not None:
        total = max(0, ws.max_row - (h + 1))
    source = PoolSource(p, "xlsx", lay, warnings, total)

    def rows() -> Iterator[PoolRow]:
        try:
            numbered = enumerate(chain(head[h + 1 :], (tuple(cells) for cells in it)), start=h + 2)
            yield from _rows(source, numbered, lay, codes, lazy)
        finally:
            wb.close()

    source._rows = rows()
    return source


_NS = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_REL = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
_PKG_REL = "{http://schemas.openxmlformats.org/package/2006/relationships}"
_DATE_FMT_IDS = {*range(14, 23), *range(27, 37), 45, 46, 47, *range(50, 59)}
_CELL_REF = re.compile(r"([A-Z]+)(\d*)")


def _is_date_format(code: str) -> bool:
    code = re.sub(r'"[^"]*"|\[[^\]]*\]|\\.', "", code).lower()
    return any(ch in code for ch in "dmyhs") and "general" not in code


def _col_index(letters: str) -> int:
    n = 0
    for ch in letters:
        n = n * 26 + ord(ch) - 64
    return n - 1


class FastSheet:
    """The first worksheet of an .xlsx, streamed with the standard library's XML parser.

    About seven times faster than openpyxl's read-only mode (which the reader falls back to if
    anything here is unexpected): values only, like ``data_only=True`` — shared and inline
    strings, numbers, booleans, formula results, and dates for cells with a date format.
    """

    def __init__(self, path: Path) -> None:
        self.zip = zipfile.ZipFile(path)
        try:
            names = set(self.zip.namelist())
            wb = ET.fromstring(self.zip.read("xl/workbook.xml"))
            pr = wb.find(f"{_NS}workbookPr")
            self.epoch = (
                dt.date(1904, 1, 1) if pr is not None and pr.get("date1904") in ("1", "true") else dt.date(1899, 12, 30)
            )
            first = wb.find(f"{_NS}sheets/{_NS}sheet")
            if first is None:
                raise ValueError("no sheet")
            rid = first.get(f"{_REL}id")
            rels = ET.fromstring(self.zip.read("xl/_rels/workbook.xml.rels"))
            target = next(r.get("Target") for r in rels.iter(f"{_PKG_REL}Relationship") if r.get("Id") == rid)
            assert target is not None
            self.sheet = target.lstrip("/") if target.startswith("/") else "xl/" + target
            if self.sheet not in names:
                raise ValueError(f"missing {self.sheet}")
            self.strings: list[str] = []
            if "xl/sharedStrings.xml" in names:
                with self.zip.open("xl/sharedStrings.xml") as fh:
                    for _, el in ET.iterparse(fh):
                        if el.tag == f"{_NS}si":
                            self.strings.append("".join(t.text or "" for t in el.iter(f"{_NS}t")))
                            el.clear()
            self.date_styles: set[int] = set()
            if "xl/styles.xml" in names:
                st = ET.fromstring(self.zip.read("xl/styles.xml"))
                custom = {int(f.get("numFmtId", "0")): f.get("formatCode", "") for f in st.iter(f"{_NS}numFmt")}
                xfs = st.find(f"{_NS}cellXfs")
                for i, xf in enumerate(xfs if xfs is not None else []):
                    fid = int(xf.get("numFmtId", "0"))
                    if fid in _DATE_FMT_IDS or (fid in custom and _is_date_format(custom[fid])):
                        self.date_styles.add(i)
            self.last_row = 0
            with self.zip.open(self.sheet) as fh:
                head = fh.read(4096).decode("utf-8", "replace")
            m = re.search(r'<(?:\w+:)?dimension ref="[A-Z]*\d*:?[A-Z]*(\d+)"', head)
            if m:
                self.last_row = int(m.group(1))
        except Exception:
            self.zip.close()
            raise

    def _value(self, c: ET.Element) -> Cell:
        t = c.get("t")
        if t == "inlineStr":
            return "".join(x.text or "" for x in c.iter(f"{_NS}t"))
        v = c.find(f"{_NS}v")
        if v is None or v.text is None:
            return None
        text = v.text
        if t == "s":
            return self.strings[int(text)]
        if t in ("str", "e"):
            return text
        if t == "b":
            return text == "1"
        if t == "d":  # an ISO 8601 date cell
            try:
                return dt.datetime.fromisoformat(text.rstrip("Z")).date()
            except ValueError:
                return text
        try:
            num = float(text)
        except ValueError:
            return text
        style = c.get("s")
        if style is not None and int(style) in self.date_styles:
            day = self.epoch + dt.timedelta(days=int(num))
            if self.epoch.year == 1899 and num < 61:
                day += dt.timedelta(days=1)  # Excel's 1900 leap-year bug
            return day
        return int(num) if num.is_integer() else num

    def rows(self) -> Iterator[tuple[int, tuple[Cell, ...]]]:
        """(row number, cell values) for every row element in the sheet."""
        row_tag, cell_tag = f"{_NS}row", f"{_NS}c"
        n = 0
        with self.zip.open(self.sheet) as fh:
            for _, el in ET.iterparse(fh):
                if el.tag != row_tag:
                    continue
                r = el.get("r")
                n = int(r) if r else n + 1
                cells: list[Cell] = []
                for c in el.iter(cell_tag):
                    ref = c.get("r")
                    if ref:
                        m = _CELL_REF.match(ref)
                        pos = _col_index(m.group(1)) if m else len(cells)
                    else:
                        pos = len(cells)
                    if pos > len(cells):
                        cells.extend([None] * (pos - len(cells)))
                    cells.append(self._value(c))
                el.clear()
                yield n, tuple(cells)

    def close(self) -> None:
        self.zip.close()


def _count_lines(p: Path) -> int:
    n = 0
    with p.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            n += block.count(b"\n")
    return n


def _read_csv(
    p: Path, post_column: str | None, codes: Mapping[str, str] | None, use_default_post: bool, lazy: bool = False
) -> PoolSource:
    fh = p.open(encoding="utf-8-sig", newline="")
    try:
        sample = fh.read(64 * 1024)
        fh.seek(0)
    except UnicodeDecodeError:
        fh.close()
        raise InputError(
            Problem(
                str(p),
                'tệp CSV không phải UTF-8 (trong Excel chọn "CSV UTF-8")',
                'the CSV file is not UTF-8 (in Excel choose "CSV UTF-8")',
            )
        ) from None
    try:
        dialect: Any = csv.Sniffer().sniff(sample.split("\n", 1)[0], delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    reader = csv.reader(fh, dialect)
    head: list[tuple[Cell, ...]] = []
    try:
        for cells in reader:
            head.append(tuple(cells))
            if len(head) >= HEADER_SCAN_ROWS:
                break
    except (UnicodeDecodeError, csv.Error) as exc:
        fh.close()
        raise InputError(
            Problem(str(p), f"không đọc được tệp CSV: {exc}", f"cannot read the CSV file: {exc}")
        ) from None
    try:
        h, lay, warnings = _start(p, "csv", head, post_column, use_default_post)
    except InputError:
        fh.close()
        raise
    source = PoolSource(p, "csv", lay, warnings, max(0, _count_lines(p) - (h + 1)))

    def numbered() -> Iterator[tuple[int, tuple[Cell, ...]]]:
        n = h + 1
        for cells in head[h + 1 :]:
            n += 1
            yield n, cells
        while True:
            try:
                raw = next(reader)
            except StopIteration:
                return
            except (UnicodeDecodeError, csv.Error) as exc:
                raise InputError(
                    Problem(
                        str(p),
                        f"không đọc được tệp CSV sau dòng {n}: {exc}",
                        f"cannot read the CSV file after row {n}: {exc}",
                    )
                ) from None
            n += 1
            yield n, tuple(raw)

    def rows() -> Iterator[PoolRow]:
        try:
            yield from _rows(source, numbered(), lay, codes, lazy)
        finally:
            fh.close()

    source._rows = rows()
    return source


def _read_jsonl(p: Path, codes: Mapping[str, str] | None) -> PoolSource:
    source = PoolSource(p, "jsonl", None, [], _count_lines(p))

    def rows() -> Iterator[PoolRow]:
        with p.open("rb") as fh:
            for n, raw in enumerate(fh, start=1):
                try:
                    line = raw.decode("utf-8-sig" if n == 1 else "utf-8").strip()
                except UnicodeDecodeError:
                    yield PoolRow(
                        n, problems=[Problem("(dòng JSON)", "dòng không phải UTF-8", "line is not UTF-8", None, n)]
                    )
                    continue
                if not line:
                    source.blank_rows += 1
                    continue
                try:
                    obj = json.loads(line)
                except json.JSONDecodeError as exc:
                    yield PoolRow(
                        n,
                        problems=[
                            Problem(
                                "(dòng JSON)",
                                f"lỗi cú pháp JSON: {exc.msg} (cột {exc.colno})",
                                f"JSON syntax error: {exc.msg} (column {exc.colno})",
                                None,
                                n,
                            )
                        ],
                    )
                    continue
                yield _jsonl_row(obj, n, codes)

    source._rows = rows()
    return source


def _jsonl_row(obj: Any, n: int, codes: Mapping[str, str] | None) -> PoolRow:
    if not isinstance(obj, dict):
        return PoolRow(
            n,
            problems=[
                Problem(
                    "(dòng JSON)", "phải là một đối tượng JSON (hồ sơ)", "must be a JSON object (a profile)", None, n
                )
            ],
        )
    request: dict[str, Any] = {}
    if "profile" in obj and "id" not in obj:
        extra = sorted(set(obj) - {"profile", "request"})
        profile = obj["profile"]
        req = obj.get("request") or {}
        if extra:
            return PoolRow(
                n,
                problems=[
                    Problem(
                        extra[0],
                        "khóa không được biết đến (chỉ có profile, request)",
                        "unknown key (only profile and request)",
                        None,
                        n,
                    )
                ],
            )
        if not isinstance(req, dict):
            return PoolRow(n, problems=[Problem("request", "phải là đối tượng JSON", "must be a JSON object", None, n)])
        request = dict(req)
        if codes and isinstance(request.get("post"), str):
            from eligibility.model import levels as lv

            request["post"] = codes.get(lv.fold(request["post"]), request["post"])
    else:
        profile = obj
    ident = profile.get("id") if isinstance(profile, dict) else None
    name = profile.get("full_name") if isinstance(profile, dict) else None
    if not isinstance(profile, dict):
        return PoolRow(n, problems=[Problem("profile", "phải là đối tượng JSON", "must be a JSON object", None, n)])
    return PoolRow(
        n,
        data=profile,
        request=request,
        id=None if ident is None else str(ident),
        name=None if name is None else str(name),
    )
