"""Reading a pool: .xlsx, .csv, .jsonl or .parquet, one person per row, streamed.

:func:`read_pool` yields one :class:`PoolRow` per input row, in file order, whether the row
could be read or not: a bad row carries its problems (row number, column, reason in Vietnamese
and English) and is reported as ``input_error``; it never stops the run and never disappears.
Only rows with no value in any cell (and blank JSONL lines) are skipped; they are counted in
:attr:`PoolSource.blank_rows` and shown in the summary.

Spreadsheets as officers make them are read as such: title rows above the table, a header over two
rows (a group such as "Trình độ" over "Chuyên môn" | "Lý luận chính trị"), an STT column, a row
numbering the columns, blank rows, section headings ("I. KHỐI ĐẢNG") and the signature block under the
table ("Lào Cai, ngày 15 tháng 10 năm 2025", "NGƯỜI LẬP BIỂU") are recognised and skipped — never
turned into people — and every skipped row is reported (:attr:`PoolSource.late_warnings`), as is a
column without a header that holds data. A row is taken as a person as soon as it has a value in a
required column (id, sex, birth date), so nothing that may be a person is ever skipped.

The formats are read by :mod:`eligibility.batch.sheet` (.xlsx: checked, then python-calamine) and
:mod:`eligibility.batch.csvfile` (.csv), within :class:`~eligibility.batch.limits.Limits`.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from eligibility.batch import csvfile
from eligibility.batch.columns import Cell, Layout
from eligibility.batch.limits import DEFAULT_LIMITS, Limits, number
from eligibility.batch.mapping import as_text, clean, row_to_profile, title_code_map
from eligibility.batch.shape import HEADER_SCAN_ROWS, Shape, classify, filled, find_layout, recognised, values_of
from eligibility.batch.sheet import SheetRows
from eligibility.errors import InputError, Problem
from eligibility.model.profile import Profile

FORMATS = (".xlsx", ".csv", ".jsonl", ".parquet")
MAX_DEPTH = 32  # nesting of a JSONL line (a profile is 4 deep)
Cells = tuple[Cell, ...] | csvfile.Record  # a row's cells, or a CSV record not yet parsed into them


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
    pre: list[Problem] = field(default_factory=list)  # found while reading (a formula without a value)
    text: str | None = None  # a JSONL line, or a CSV record (with ``delimiter``), not yet parsed (``lazy=True``)
    limits: Limits | None = None  # what a JSONL line or a CSV record may hold, checked when parsed
    delimiter: str | None = None  # ``text`` is a CSV record on one line, fields split by this

    def resolve(self) -> PoolRow:
        """Convert raw cells (or a JSONL line, or a CSV record) into ``data``, ``request`` and ``problems``
        (once; a no-op otherwise)."""
        if self.text is not None:
            if self.delimiter is not None:
                done = _csv_row(self.row, self.text, self.delimiter, self.layout, self.codes, self.limits)
                self.layout, self.pre = done.layout, done.pre
            else:
                done = _parse_line(self.text, self.row, self.codes, self.limits or DEFAULT_LIMITS)
            self.data, self.request, self.problems = done.data, done.request, done.problems
            self.id, self.name, self.text = done.id, done.name, None
            return self
        if self.cells is not None and self.layout is not None:
            done = _row_from_cells(self.cells, self.layout, self.row, self.codes)
            self.data, self.request, self.problems = done.data, done.request, done.problems + self.pre
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
    late_warnings: list[Problem] = field(default_factory=list)  # rows skipped, unnamed columns (once read)
    shape: Any = None

    @property
    def skipped_rows(self) -> int:
        """Rows that are not people and not blank (titles, numbering, headings, the signature block)."""
        return self.shape.rows if self.shape is not None else 0

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
    limits: Limits | None = None,
    records: tuple[int, int] | None = None,
) -> PoolSource:
    """Open a pool file. Iterate the result for :class:`PoolRow` objects (streamed, file order).

    ``post_column`` names the column holding each person's title (``--post-column``); without it
    the documented column "Chức danh đề nghị quy hoạch (mã)" is used when present and
    ``use_default_post``. ``titles`` (``rules.titles``) lets cells name titles by their Vietnamese
    name instead of the code. File-level problems (not found, wrong format, duplicate headers,
    no header row) raise :class:`InputError`; row-level problems are carried by the rows.
    ``lazy=True`` leaves rows unconverted (:meth:`PoolRow.resolve` converts them) so that the screen's
    worker processes do the conversion instead of the reading process: spreadsheet rows as raw cells,
    JSONL lines as text, and CSV records past the header search as text, split from the file but not parsed
    (the reader only looks at the fields up to the sex and birth-date columns, to tell a person from a blank,
    heading or signature row; see ``_Unparsed``). What the rows and the source report is the same either way.
    ``limits`` (default :data:`~eligibility.batch.limits.DEFAULT_LIMITS`): a file beyond them is refused.
    ``records=(start, stop)`` reads only the records start ≤ i < stop (0-based) of a Parquet pool (a
    partition read where it is screened); row numbers stay the file's record numbers.
    """
    lim = limits or DEFAULT_LIMITS
    p = Path(path)
    suffix = p.suffix.lower()
    if suffix not in FORMATS:
        hint = " (lưu lại dưới dạng .xlsx / save it as .xlsx)" if suffix == ".xls" else ""
        raise InputError(
            Problem(
                str(p),
                f"định dạng tệp không hỗ trợ{hint}; dùng .xlsx, .csv, .jsonl hoặc .parquet",
                "unsupported file type; use .xlsx, .csv, .jsonl or .parquet",
                p.suffix,
            )
        )
    if p.is_dir() and suffix != ".parquet":  # a Parquet dataset may be a folder of files
        raise InputError(Problem(str(p), "là một thư mục, không phải tệp", "is a folder, not a file"))
    if not p.is_file() and not p.is_dir():
        raise InputError(Problem(str(p), "không tìm thấy tệp", "file not found"))
    codes = title_code_map(titles) if titles else None
    if records is not None and suffix != ".parquet":
        raise ValueError("records=(start, stop) reads a part of a Parquet pool only")
    try:
        if suffix == ".jsonl":
            return _read_jsonl(p, codes, lim, lazy)
        if suffix == ".parquet":
            return _read_parquet(p, post_column, codes, use_default_post, lazy, lim, records)
        if suffix == ".csv":
            return _read_csv(p, post_column, codes, use_default_post, lazy, lim)
        return _read_xlsx(p, post_column, codes, use_default_post, lazy, lim)
    except PermissionError:
        raise InputError(Problem(str(p), "không có quyền đọc tệp", "no permission to read the file")) from None


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


def _csv_row(
    n: int, text: str, delimiter: str, lay: Layout | None, codes: Mapping[str, str] | None, limits: Limits | None
) -> PoolRow:
    """A CSV record left unparsed by the reading process (:class:`_Unparsed`), as reading it there would
    have made it: parsed and checked (:func:`~eligibility.batch.csvfile.one_line`), then converted."""
    rec = csvfile.one_line(n, text, delimiter, limits or DEFAULT_LIMITS)
    if (rec.problems and not rec.fields) or lay is None:
        return PoolRow(n, problems=rec.problems)  # a record that could not be read at all
    row = _row_from_cells(tuple(rec.fields), lay, n, codes)
    row.pre = list(rec.problems)
    row.problems.extend(row.pre)
    return row


def _cell(cells: tuple[Cell, ...], pos: int | None) -> str | None:
    if pos is None or pos >= len(cells):
        return None
    v = clean(cells[pos])
    return None if v is None else str(v)


class _Unparsed:
    """The rows of CSV records left unparsed (``Record.text``), to be parsed where they are screened.

    :meth:`row` takes a record only when it is surely a person's: no cell can be too long and no field lies
    past the header or the column limit (its length and field count say so), and a personal column (sex,
    birth date) is filled — read from the fields up to it, split at the delimiter when none of them holds
    a quote. Otherwise None: the record is parsed here and classified (blank, heading, signature block, …)
    as any other. The columns without a header are counted from the same fields."""

    def __init__(
        self, lay: Layout, shape: Shape, unnamed: list[int], codes: Mapping[str, str] | None, limits: Limits
    ) -> None:
        self.lay, self.shape, self.unnamed, self.codes, self.limits = lay, shape, unnamed, codes, limits
        self.need = max((*shape.personal, *unnamed), default=-1)  # the last field looked at
        self.fit = min(limits.columns, len(lay.headers))

    def row(self, rec: csvfile.Record) -> PoolRow | None:
        text, need = rec.text, self.need
        if text is None or not self.shape.personal or len(text) > self.limits.cell_chars or rec.count > self.fit:
            return None
        parts = text.split(rec.delimiter, need + 1)
        if len(parts) > need + 1:
            end = len(text) - len(parts.pop())  # the rest of the record, not looked at
        else:
            end = len(text)
            parts[-1] = parts[-1].rstrip("\r\n")  # the record's last field, before the line's end
        if text.find('"', 0, end) >= 0 or not any(filled(parts, i) for i in self.shape.personal):
            return None
        for i in self.unnamed:
            if i < len(parts) and clean(parts[i]) is not None:
                self.shape.unnamed[i] = self.shape.unnamed.get(i, 0) + 1
        return PoolRow(
            rec.line, layout=self.lay, text=text, codes=self.codes, limits=self.limits, delimiter=rec.delimiter
        )


def _rows(
    source: PoolSource,
    numbered: Iterable[tuple[int, Cells, list[Problem]]],
    lay: Layout,
    shape: Shape,
    codes: Mapping[str, str] | None,
    lazy: bool,
    limits: Limits,
) -> Iterator[PoolRow]:
    """The rows after the header, by row number: people (or their errors); everything else counted."""
    width = len(lay.headers)
    unnamed = [i for i, t in enumerate(lay.headers) if not t and i != shape.stt]
    unparsed = _Unparsed(lay, shape, unnamed, codes, limits)
    first = True
    for n, item, found in numbered:
        if isinstance(item, csvfile.Record):
            raw = None if first or shape.footer else unparsed.row(item)
            if raw is not None:
                first = False
                yield raw
                continue
            cells, problems = _parse(item, limits)
        else:
            cells, problems = item, found
        if problems and not cells:
            yield PoolRow(n, problems=problems)  # a record that could not be read at all
            first = False
            continue
        why = None if problems else classify(cells, lay, shape, first)
        first = False
        if why is not None:
            if why[0] == "dòng trống":
                source.blank_rows += 1
            else:
                shape.skip(n, why[0], why[1], " ".join(as_text(v) for _, v in values_of(cells)))
            continue
        for i in unnamed:
            if i < len(cells) and clean(cells[i]) is not None:
                shape.unnamed[i] = shape.unnamed.get(i, 0) + 1
        if len(cells) > width and any(clean(c) is not None for c in cells[width:]):
            for i in range(width, len(cells)):
                if clean(cells[i]) is not None:
                    shape.unnamed[i] = shape.unnamed.get(i, 0) + 1
        row = _make_row(cells, lay, n, codes, lazy)
        row.pre = list(problems)
        if not lazy:
            row.problems.extend(row.pre)
        yield row


def _parse(rec: csvfile.Record, limits: Limits) -> tuple[tuple[Cell, ...], list[Problem]]:
    """The cells and problems of a CSV record left unparsed (parsed here after all)."""
    done = csvfile.one_line(rec.line, rec.text or "", rec.delimiter, limits)
    return tuple(done.fields), done.problems


def _spreadsheet(
    p: Path,
    kind: str,
    rows: Iterator[tuple[int, Cells, list[Problem]]],
    total: Callable[[int], int | None],
    close: Callable[[], None],
    post_column: str | None,
    codes: Mapping[str, str] | None,
    use_default_post: bool,
    lazy: bool,
    limits: Limits,
    on_header: Callable[[Layout], None] = lambda lay: None,
) -> PoolSource:
    head: list[tuple[Cell, ...]] = []
    numbers: list[int] = []
    extra: list[list[Problem]] = []
    try:
        for n, item, found in rows:
            cells, problems = _parse(item, limits) if isinstance(item, csvfile.Record) else (item, found)
            head.append(cells)
            numbers.append(n)
            extra.append(problems)
            if len(head) >= HEADER_SCAN_ROWS:
                break
        last, lay, warnings, shape = find_layout(p, head, numbers, post_column, use_default_post, limits)
    except BaseException:
        close()
        raise
    on_header(lay)
    source = PoolSource(p, kind, lay, warnings, total(numbers[last]))
    source.shape = shape

    def numbered() -> Iterator[tuple[int, Cells, list[Problem]]]:
        yield from zip(numbers[last + 1 :], head[last + 1 :], extra[last + 1 :], strict=True)
        yield from rows

    def gen() -> Iterator[PoolRow]:
        try:
            yield from _rows(source, numbered(), lay, shape, codes, lazy, limits)
        finally:
            close()
        source.late_warnings.extend(shape.problems(lay.headers))

    source._rows = gen()
    return source


def _formula_problems(sheet: SheetRows, n: int, cells: tuple[Cell, ...]) -> list[Problem]:
    out = []
    for pos, ref in sheet.formula_cells(n):
        out.append(
            Problem(
                f"ô {ref} / cell {ref}",
                "ô có công thức nhưng không có giá trị tính sẵn (tệp chưa được mở và lưu bằng Excel); mở bằng Excel "
                "rồi lưu lại",
                "the cell holds a formula without a computed value (the file was never opened and saved in Excel); "
                "open it in Excel and save it",
                None,
                n,
            )
        )
        del pos
    return out


def _read_xlsx(
    p: Path,
    post_column: str | None,
    codes: Mapping[str, str] | None,
    use_default_post: bool,
    lazy: bool,
    limits: Limits,
) -> PoolSource:
    sheet = SheetRows(p, limits)
    last_row = sheet.last_row

    def rows() -> Iterator[tuple[int, tuple[Cell, ...], list[Problem]]]:
        for n, cells in sheet.rows():
            yield n, cells, _formula_problems(sheet, n, cells) if sheet.scan.formulas else []

    return _spreadsheet(
        p,
        "xlsx",
        rows(),
        lambda header: max(0, last_row - header) if last_row else None,
        sheet.close,
        post_column,
        codes,
        use_default_post,
        lazy,
        limits,
    )


def _count_lines(p: Path) -> int:
    n = 0
    with p.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            n += block.count(b"\n")
    return n


def _read_csv(
    p: Path,
    post_column: str | None,
    codes: Mapping[str, str] | None,
    use_default_post: bool,
    lazy: bool,
    limits: Limits,
) -> PoolSource:
    delimiter = csvfile.sniff(p, limits, recognised)
    header_fields: list[int] = []
    raw: list[bool] = []  # lazy: once the header is known, whole-line records are left to the workers

    def rows() -> Iterator[tuple[int, Cells, list[Problem]]]:
        for rec in csvfile.records(p, delimiter, limits, header_fields, raw):
            yield rec.line, rec if rec.text is not None else tuple(rec.fields), rec.problems

    def on_header(lay: Layout) -> None:
        header_fields.append(len(lay.headers))
        raw.append(lazy)

    lines = _count_lines(p)
    return _spreadsheet(
        p,
        "csv",
        rows(),
        lambda header: max(0, lines - header),
        lambda: None,
        post_column,
        codes,
        use_default_post,
        lazy,
        limits,
        on_header=on_header,
    )


def _read_parquet(
    p: Path,
    post_column: str | None,
    codes: Mapping[str, str] | None,
    use_default_post: bool,
    lazy: bool,
    limits: Limits,
    records: tuple[int, int] | None = None,
) -> PoolSource:
    """A Parquet file or dataset (:mod:`eligibility.batch.parquet`): the template's columns are read as a
    spreadsheet's, the profile's own fields as JSONL lines; record numbers are the row numbers."""
    from eligibility.batch import parquet

    names = parquet.columns(p)
    start, stop = records if records is not None else (0, None)
    total = parquet.count(p) if stop is None else max(0, stop - start)
    if not parquet.nested_columns(p) and recognised(names) >= 2:  # flat: the pool template's columns

        def rows() -> Iterator[tuple[int, tuple[Cell, ...], list[Problem]]]:
            yield 0, tuple(names), []  # the header, before record 1
            for n, record in parquet.records(p, start, stop):
                yield n, parquet.flat_cells(names, record), []

        return _spreadsheet(
            p, "parquet", rows(), lambda header: total, lambda: None, post_column, codes, use_default_post, lazy, limits
        )
    source = PoolSource(p, "parquet", None, [], total)

    def nested() -> Iterator[PoolRow]:
        for n, record in parquet.records(p, start, stop):
            obj = parquet.nested(record)
            bad = _shape_problem(obj, limits)
            if bad is not None:
                yield PoolRow(n, problems=[Problem("(bản ghi / record)", bad[0], bad[1], None, n)])
                continue
            yield _jsonl_row(obj, n, codes)

    source._rows = nested()
    return source


def _jsonl_problem(n: int, vi: str, en: str) -> PoolRow:
    return PoolRow(n, problems=[Problem("(dòng JSON)", vi, en, None, n)])


def _shape_problem(obj: Any, limits: Limits) -> tuple[str, str] | None:
    """Nesting past :data:`MAX_DEPTH` or a text past the cell limit, found without recursion."""
    stack: list[tuple[Any, int]] = [(obj, 1)]
    while stack:
        value, depth = stack.pop()
        if isinstance(value, str):
            if len(value) > limits.cell_chars:
                return (
                    f"có giá trị dài quá {number(limits.cell_chars)} ký tự (giới hạn của một ô Excel)",
                    f"holds a value longer than {number(limits.cell_chars)} characters (an Excel cell's limit)",
                )
            continue
        if isinstance(value, dict | list):
            if depth > MAX_DEPTH:
                return (f"lồng nhau quá {MAX_DEPTH} tầng", f"nested more than {MAX_DEPTH} levels deep")
            items = value.values() if isinstance(value, dict) else value
            stack.extend((v, depth + 1) for v in items)
            if isinstance(value, dict):
                stack.extend((k, depth + 1) for k in value)
    return None


def _read_jsonl(p: Path, codes: Mapping[str, str] | None, limits: Limits, lazy: bool = False) -> PoolSource:
    source = PoolSource(p, "jsonl", None, [], _count_lines(p))
    cap = 4 * limits.line_chars  # bytes

    def rows() -> Iterator[PoolRow]:
        with p.open("rb") as fh:
            n = 0
            while True:
                raw = fh.readline(cap + 1)
                if not raw:
                    return
                n += 1
                if len(raw) > cap and not raw.endswith(b"\n"):
                    while True:  # the rest of an over-long line, read and dropped
                        more = fh.readline(1 << 20)
                        if not more or more.endswith(b"\n"):
                            break
                    yield _jsonl_problem(
                        n,
                        f"dòng dài quá {number(limits.line_chars)} ký tự; không được đọc",
                        f"line longer than {number(limits.line_chars)} characters; not read",
                    )
                    continue
                try:
                    line = raw.decode("utf-8-sig" if n == 1 else "utf-8").strip()
                except UnicodeDecodeError:
                    yield _jsonl_problem(n, "dòng không phải UTF-8", "line is not UTF-8")
                    continue
                if not line:
                    source.blank_rows += 1
                    continue
                # lazy: the line is parsed where it is screened (a worker), not in the reading process
                yield PoolRow(n, text=line, codes=codes, limits=limits) if lazy else _parse_line(line, n, codes, limits)

    source._rows = rows()
    return source


def _parse_line(line: str, n: int, codes: Mapping[str, str] | None, limits: Limits) -> PoolRow:
    """A JSONL line (decoded, stripped, not blank) as a row, or the row's problem."""
    try:
        obj = json.loads(line)
    except json.JSONDecodeError as exc:
        return _jsonl_problem(
            n,
            f"lỗi cú pháp JSON: {exc.msg} (cột {exc.colno})",
            f"JSON syntax error: {exc.msg} (column {exc.colno})",
        )
    except (RecursionError, ValueError, MemoryError):
        return _jsonl_problem(
            n,
            f"lồng nhau quá sâu hoặc số quá lớn (tối đa {MAX_DEPTH} tầng)",
            f"nested too deeply or a number too large (at most {MAX_DEPTH} levels)",
        )
    bad = _shape_problem(obj, limits)
    if bad is not None:
        row = _jsonl_problem(n, *bad)
        if isinstance(obj, dict):
            ident = (
                obj.get("id")
                if "id" in obj
                else (obj.get("profile") or {}).get("id")
                if isinstance(obj.get("profile"), dict)
                else None
            )
            row.id = None if ident is None else str(ident)[:100]
        return row
    return _jsonl_row(obj, n, codes)


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
