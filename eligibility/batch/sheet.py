"""Reading the first sheet of an .xlsx: checked by us, then read by python-calamine.

python-calamine (Rust's calamine) reads a sheet about 14 times faster than openpyxl's read-only mode
(``bench/xlsx_readers.py``: 100,000 rows), never expands XML entities (quick-xml refuses them) and
gives cached formula results, dates and numbers as Python values. It reads the whole sheet into one
dense grid before giving the first row, and a failed allocation in Rust ends the process — so the
file is checked here first, by streaming its zip members through a few byte-level scans, and refused
with a named limit (:mod:`eligibility.batch.limits`) before calamine allocates anything:

* every XML part: its declared size and its actual decompressed size (counted while decompressing:
  a zip header may lie), together at most ``unzipped_bytes``; no ``<!DOCTYPE`` or ``<!ENTITY``;
* the shared strings and every cell: at most ``cell_chars`` characters;
* every row number and cell reference: rows ≤ ``rows``, columns ≤ ``columns``, row numbers that are
  numbers; at most ``rows`` row elements;
* the sheet as calamine will hold it — 32 bytes for every cell of the used range, 40 for every filled
  cell, each shared string counted once per cell that uses it — at most ``unzipped_bytes``;
* cells with a formula and no cached value (a file written by a program and never opened in Excel):
  calamine reads them as empty, so they are found here and reported as errors on their cells.
"""

from __future__ import annotations

import contextlib
import html
import re
import zipfile
from array import array
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path, PurePosixPath
from typing import IO, Any

from eligibility.batch.limits import Limits, damaged, number, refuse
from eligibility.errors import InputError

Cell = Any
CHUNK = 1 << 20
MAX_ELEMENT = 4 << 20  # one cell or shared string element, in bytes (rich text runs included)
_NS_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_NS_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_NS_PKG = "http://schemas.openxmlformats.org/package/2006/relationships"

_ROW = re.compile(rb"<(?:\w+:)?row\b([^>]*)>")
_ROW_R = re.compile(rb'\br\s*=\s*["\']([^"\']*)["\']')
_CELL_FAST = re.compile(rb'<c r="([A-Z]{1,3})(\d{1,7})"')
_ROW_NUMBERS = re.compile(rb'<row r="(\d{1,7})"[^>]*>\s*<c ')
_ODD_ROW = re.compile(rb'<row(?=[\s/>])(?! r="[1-9]\d{0,6}")|<row r="[1-9]\d{6}')
_CELL_OPEN = re.compile(rb"<(?:\w+:)?c[\s/>]")
_REF = re.compile(rb"^\$?([A-Za-z]+)\$?(\d+)$")
_SHARED_FAST = re.compile(rb't="s"><v>(\d{1,9})</v>')
_SHARED_CELL = re.compile(rb'<(?:\w+:)?c\b[^>]*\bt="s"[^>]*>\s*<(?:\w+:)?v>\s*(\d+)\s*</(?:\w+:)?v>')
_FORMULA_CELL = re.compile(
    rb"<(?:\w+:)?c\b([^>]*)>\s*<(?:\w+:)?f\b[^>]*?(?:/>|>[^<]*</(?:\w+:)?f>)\s*(?:<(?:\w+:)?v\b[^>]*?(/?)>([^<]*))?"
)
_SI = re.compile(rb"<(?:\w+:)?si\b")
_TAG = re.compile(rb"<[^>]*>")
_RPH = re.compile(rb"<(?:\w+:)?rPh\b.*?</(?:\w+:)?rPh>", re.S)


def column_index(letters: str) -> int:
    """A → 1, Z → 26, AA → 27, XFD → 16384."""
    n = 0
    for ch in letters.upper():
        n = n * 26 + ord(ch) - 64
    return n


def column_letters(i: int) -> str:
    out = ""
    while i:
        i, r = divmod(i - 1, 26)
        out = chr(65 + r) + out
    return out


@dataclass
class Scan:
    """What the checks found: the sheet to read, its used range and the formulas without a value."""

    sheet: str  # the first sheet's name
    member: str  # its zip member
    unzipped: int = 0
    row_elements: int = 0
    first_row: int = 0  # 1-based, 0 = no cell
    last_row: int = 0
    first_col: int = 0
    last_col: int = 0
    cells: int = 0
    shared_bytes: int = 0  # shared text as repeated into cells
    formulas: dict[int, list[tuple[int, str]]] = field(default_factory=dict)  # row → [(column, ref)]

    @property
    def area(self) -> int:
        """Cells of the grid calamine allocates: its rows from the first of the sheet (python-calamine yields
        them from row 1), its columns from the first used one."""
        if not self.last_row:
            return 0
        return self.last_row * (self.last_col - self.first_col + 1)

    @property
    def read_size(self) -> int:
        """Bytes calamine holds for the sheet, about: the dense grid, the filled cells, shared text."""
        return 32 * self.area + 40 * self.cells + self.shared_bytes


class _Checker:
    def __init__(self, path: Path, limits: Limits) -> None:
        self.where = str(path)
        self.limits = limits
        self.unzipped = 0

    def too_big(self, what_vi: str, what_en: str) -> InputError:
        lim = self.limits.unzipped_bytes
        return refuse(
            self.where,
            f"unzipped_bytes = {lim // (1 << 20)} MB",
            f"{what_vi} vượt {lim // (1 << 20)} MB (giới hạn kích thước giải nén; chia nhỏ tệp, lưu dạng CSV, "
            "hoặc tăng --max-unzipped-mb)",
            f"{what_en} exceeds {lim // (1 << 20)} MB (the decompressed-size limit; split the file, save it as "
            "CSV, or raise --max-unzipped-mb)",
        )

    def stream(self, z: zipfile.ZipFile, info: zipfile.ZipInfo) -> Iterator[bytes]:
        """The member's bytes in chunks, counted against the limit as they are decompressed."""
        tail = b""
        try:
            with z.open(info) as fh:
                while True:
                    block = _read(fh)
                    if not block:
                        break
                    self.unzipped += len(block)
                    if self.unzipped > self.limits.unzipped_bytes:
                        raise self.too_big("dữ liệu XML sau khi giải nén", "the XML once decompressed")
                    probe = tail + block[:16]
                    if b"<!DOCTYPE" in probe or b"<!ENTITY" in probe or b"<!DOCTYPE" in block or b"<!ENTITY" in block:
                        raise refuse(
                            self.where,
                            "DOCTYPE",
                            f"phần {info.filename} có khai báo DOCTYPE/ENTITY (Excel không bao giờ ghi); tệp bị từ chối",
                            f"part {info.filename} declares a DOCTYPE/ENTITY (Excel never writes one); file refused",
                        )
                    tail = block[-16:]
                    yield block
        except (zipfile.BadZipFile, zlib_error, EOFError, OSError, NotImplementedError, RuntimeError) as exc:
            raise damaged(self.where, f"{info.filename}: {exc}") from None


try:
    from zlib import error as zlib_error
except ImportError:  # pragma: no cover
    zlib_error = OSError  # type: ignore[misc,assignment]


def _read(fh: IO[bytes]) -> bytes:
    return fh.read(CHUNK)


def _complete(blocks: Iterator[bytes], cuts: re.Pattern[bytes], where: str, limits: Limits) -> Iterator[bytes]:
    """Regroup blocks so that no element is cut in two: each piece ends where ``cuts`` last matched (after a
    closing tag, or before an opening one: group ``open``); the rest is carried over (≤ ``MAX_ELEMENT``)."""
    carry = b""
    for block in blocks:
        buf = carry + block if carry else block
        fast = buf.rfind(b"</row>")
        if fast >= 0 and len(buf) - fast < 65536:
            yield buf[: fast + 6]
            carry = buf[fast + 6 :]
            continue
        last = None
        for start in (max(0, len(buf) - 65536), 0):
            for m in cuts.finditer(buf, start):
                last = m
            if last is not None or start == 0:
                break
        cut = 0 if last is None else (last.start() if last.group("open") else last.end())
        if cut > 0:
            yield buf[:cut]
            carry = buf[cut:]
        else:
            carry = buf
        if len(carry) > MAX_ELEMENT:
            raise _cell_too_long(where, limits, None)
    if carry:
        yield carry


_SHEET_CUTS = re.compile(rb"</(?:\w+:)?(?:c|row)>|(?P<open><(?:\w+:)?row\b)")
_SHARED_CUTS = re.compile(rb"</(?:\w+:)?si>|(?P<open><(?:\w+:)?si\b)")


def _cell_too_long(where: str, limits: Limits, ref: str | None) -> InputError:
    at = f" (ô {ref})" if ref else ""
    at_en = f" (cell {ref})" if ref else ""
    return refuse(
        where,
        f"cell_chars = {limits.cell_chars}",
        f"một ô dài quá {number(limits.cell_chars)} ký tự, giới hạn của Excel{at}",
        f"a cell is longer than {number(limits.cell_chars)} characters, Excel's limit{at_en}",
    )


def _text_chars(element: bytes) -> int:
    """Characters of text in an element (tags and phonetic runs left out, entities counted as one)."""
    text = _TAG.sub(b"", _RPH.sub(b"", element)).decode("utf-8", "replace")
    return len(html.unescape(text))


def _parse_xml(z: zipfile.ZipFile, name: str, checker: _Checker) -> Any:
    from defusedxml import DefusedXmlException
    from defusedxml.ElementTree import fromstring

    try:
        info = z.getinfo(name)
    except KeyError:
        raise damaged(checker.where, f"thiếu / missing {name}") from None
    data = b"".join(checker.stream(z, info))
    try:
        return fromstring(data, forbid_dtd=True)
    except DefusedXmlException:
        raise refuse(
            checker.where, "DOCTYPE", f"{name}: có DOCTYPE/ENTITY", f"{name}: declares a DOCTYPE/ENTITY"
        ) from None
    except Exception as exc:  # noqa: BLE001 - any parse error of a part means a damaged file
        raise damaged(checker.where, f"{name}: {exc}") from None


def _first_sheet(z: zipfile.ZipFile, names: set[str], checker: _Checker) -> tuple[str, str, str | None]:
    """(sheet name, its member, the shared-strings member) from the workbook and its relationships."""
    root = _parse_xml(z, "xl/workbook.xml", checker) if "xl/workbook.xml" in names else None
    if root is None:
        raise damaged(checker.where, "thiếu / missing xl/workbook.xml")
    first = root.find(f"{{{_NS_MAIN}}}sheets/{{{_NS_MAIN}}}sheet")
    if first is None:
        raise damaged(checker.where, "không có trang tính / no worksheet")
    rid = first.get(f"{{{_NS_REL}}}id")
    rels = _parse_xml(z, "xl/_rels/workbook.xml.rels", checker)
    target = None
    shared = None
    for rel in rels.iter(f"{{{_NS_PKG}}}Relationship"):
        t = rel.get("Target") or ""
        member = t.lstrip("/") if t.startswith("/") else str(PurePosixPath("xl") / t)
        if rel.get("Id") == rid:
            target = member
        if (rel.get("Type") or "").endswith("/sharedStrings"):
            shared = member
    if target is None or target not in names:
        raise damaged(checker.where, f"không thấy trang tính đầu / first worksheet not found ({target})")
    if shared is None and "xl/sharedStrings.xml" in names:
        shared = "xl/sharedStrings.xml"  # where Excel puts it (and calamine looks) when no relationship says
    return first.get("name") or "", target, shared if shared in names else None


def check_xlsx(path: Path, limits: Limits) -> Scan:
    """Check an .xlsx against ``limits`` without letting anything allocate past them; raise InputError."""
    checker = _Checker(path, limits)
    try:
        z = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise damaged(str(path), f"không phải tệp zip / not a zip file: {exc}") from None
    with z:
        infos = [i for i in z.infolist() if i.filename.endswith((".xml", ".rels", ".vml")) and not i.is_dir()]
        declared = sum(i.file_size for i in infos)
        if declared > limits.unzipped_bytes:
            raise checker.too_big("các phần XML (kích thước khai báo)", "the XML parts (declared size)")
        names = {i.filename for i in infos}
        sheet, member, shared_member = _first_sheet(z, names, checker)
        scan = Scan(sheet, member)
        lengths = array("I")
        if shared_member is not None:
            lengths = _scan_shared(z, z.getinfo(shared_member), checker)
        _scan_sheet(z, z.getinfo(member), checker, scan, lengths)
        for info in infos:  # every other XML part: sizes and DOCTYPE only
            if info.filename not in (member, shared_member, "xl/workbook.xml", "xl/_rels/workbook.xml.rels"):
                for _ in checker.stream(z, info):
                    pass
        scan.unzipped = checker.unzipped
    if scan.read_size > limits.unzipped_bytes:
        raise checker.too_big(
            f"trang tính khi đọc ({scan.area:,} ô trong vùng dữ liệu, {scan.cells:,} ô có giá trị)".replace(",", "."),
            f"the sheet once read ({scan.area:,} cells in its used range, {scan.cells:,} filled)",
        )
    return scan


def _scan_shared(z: zipfile.ZipFile, info: zipfile.ZipInfo, checker: _Checker) -> array[int]:
    """Byte length of every shared string (its element), checking each against the cell limit."""
    lengths: array[int] = array("I")
    limits = checker.limits
    for piece in _complete(checker.stream(z, info), _SHARED_CUTS, checker.where, limits):
        for part in _SI.split(piece)[1:]:
            n = len(part)
            if n > limits.cell_chars and _text_chars(b"<si" + part) > limits.cell_chars:
                raise _cell_too_long(checker.where, limits, f"chuỗi dùng chung số {len(lengths)}")
            lengths.append(n)
    return lengths


def _scan_sheet(z: zipfile.ZipFile, info: zipfile.ZipInfo, checker: _Checker, scan: Scan, shared: array[int]) -> None:
    limits = checker.limits
    where = checker.where
    for piece in _complete(checker.stream(z, info), _SHEET_CUTS, where, limits):
        # rows: numbers, count
        n_rows = piece.count(b"<row") + (piece.count(b":row") if b":row" in piece else 0)
        scan.row_elements += n_rows
        if scan.row_elements > limits.rows:
            raise _too_many_rows(where, limits, f"{scan.row_elements:,}+ dòng / rows")
        if _ODD_ROW.search(piece) or (b":row" in piece):
            for attrs in _ROW.findall(piece):  # rows written otherwise than <row r="12">: each checked
                m = _ROW_R.search(attrs)
                raw = m.group(1) if m is not None else b"1"
                if not raw.isdigit() or int(raw) < 1:
                    text = raw.decode("utf-8", "replace")[:20]
                    raise damaged(where, f'số dòng không hợp lệ / bad row number "{text}"')
                if len(raw) > 8 or int(raw) > limits.rows:
                    raise _too_many_rows(where, limits, raw.decode())
        # cells: references. The usual form (<c r="B12") is checked by a few searches for a reference
        # outside the range seen so far; any other form, or a hit, is read cell by cell.
        opened = piece.count(b"<c")  # also <col, <cfRule … outside the cells: then the piece is read exactly
        if b":c" in piece:
            opened = len(_CELL_OPEN.findall(piece))
        usual = piece.count(b'<c r="')
        scan.cells += opened
        tags = [int(r) for r in _ROW_NUMBERS.findall(piece)]
        if usual and usual == opened and scan.first_col:
            lo_row, hi_row = min(tags, default=scan.first_row), max(tags, default=scan.last_row)
            lo_row, hi_row = min(lo_row, scan.first_row), max(hi_row, scan.last_row)
            if _outside(piece, scan.first_col, scan.last_col, lo_row, hi_row):
                _exact(piece, where, limits, scan)
            else:
                scan.first_row, scan.last_row = lo_row, hi_row
        elif opened:
            _exact(piece, where, limits, scan)
        # cell text: a cell element longer than the limit in bytes is measured exactly
        if len(piece) > limits.cell_chars and max(map(len, piece.split(b"</c>"))) > limits.cell_chars:
            for element in piece.split(b"</c>"):
                if len(element) > limits.cell_chars:
                    start = element.rfind(b"<c")
                    body = element[start:] if start >= 0 else element
                    if len(body) > limits.cell_chars and _text_chars(body) > limits.cell_chars:
                        m = _CELL_FAST.search(body)
                        raise _cell_too_long(where, limits, (m.group(1) + m.group(2)).decode() if m else None)
        # shared text repeated into cells
        n_shared = piece.count(b't="s"')
        if n_shared:
            idx = _SHARED_FAST.findall(piece)  # the usual form; any other: every cell by the general pattern
            if len(idx) != n_shared:
                idx = _SHARED_CELL.findall(piece)
            try:
                scan.shared_bytes += sum(map(shared.__getitem__, map(int, idx)))
            except IndexError:
                raise damaged(where, "chỉ số chuỗi dùng chung / shared string index out of range") from None
        if 32 * scan.area + 40 * scan.cells + scan.shared_bytes > limits.unzipped_bytes:
            raise checker.too_big("trang tính khi đọc", "the sheet once read")
        # formulas without a cached value
        if b"<f" in piece or b":f" in piece:
            for m in _FORMULA_CELL.finditer(piece):
                attrs, slash, text = m.group(1), m.group(2), m.group(3)
                if m.group(2) is not None and not slash and (text.strip() or b't="str"' in attrs):
                    continue  # a cached value (a formula whose text result is empty is one too)
                r = re.search(rb'\br="([A-Za-z]+)(\d+)"', attrs)
                if r is not None:
                    ref = (r.group(1) + r.group(2)).decode()
                    scan.formulas.setdefault(int(r.group(2)), []).append((column_index(r.group(1).decode()), ref))


def _exact(piece: bytes, where: str, limits: Limits, scan: Scan) -> None:
    """Every cell reference of ``piece``, whatever its form, into the used range (checked against limits)."""
    refs = _slow_refs(piece, where)
    if not refs:
        return
    letters = {c for c, _ in refs}
    rows = {r for _, r in refs}
    hi_col = max(column_index(c.decode()) for c in letters)
    lo_col = min(column_index(c.decode()) for c in letters)
    hi_row, lo_row = max(int(r) for r in rows), min(int(r) for r in rows)
    if hi_col > limits.columns:
        raise _too_many_columns(where, limits, column_letters(hi_col))
    if hi_row > limits.rows or lo_row < 1:
        raise _too_many_rows(where, limits, str(hi_row))
    scan.first_col = min(scan.first_col or lo_col, lo_col)
    scan.last_col = max(scan.last_col, hi_col)
    scan.first_row = min(scan.first_row or lo_row, lo_row)
    scan.last_row = max(scan.last_row, hi_row)


def _alternatives(bound: str, alphabet: str, greater: bool) -> list[str]:
    """Regex alternatives for the strings of ``alphabet`` (digits or capitals, no leading zero) that are
    greater (or smaller) than ``bound`` as numbers in that base."""
    first = alphabet[1:] if alphabet[0] == "0" else alphabet
    any_ = f"[{alphabet[0]}-{alphabet[-1]}]"
    n = len(bound)
    out: list[str] = []
    if greater:
        out.append(f"[{first[0]}-{first[-1]}]{any_}{{{n},}}")
    elif n > 1:
        out.append(f"{any_}{{1,{n - 1}}}")
    for i, ch in enumerate(bound):
        pool = first if i == 0 else alphabet
        pos = pool.find(ch)
        chars = pool[pos + 1 :] if greater else pool[:pos]
        if chars:
            rest = n - i - 1
            out.append(re.escape(bound[:i]) + f"[{chars[0]}-{chars[-1]}]" + (f"{any_}{{{rest}}}" if rest else ""))
    return out


_DIGITS = "0123456789"
_CAPITALS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"


def _outside(piece: bytes, lo_col: int, hi_col: int, lo_row: int, hi_row: int) -> bool:
    """Whether a usual-form cell reference of ``piece`` lies outside columns lo..hi or rows lo..hi."""
    cols = _alternatives(column_letters(hi_col), _CAPITALS, True) + _alternatives(
        column_letters(lo_col), _CAPITALS, False
    )
    rows = _alternatives(str(hi_row), _DIGITS, True) + _alternatives(str(lo_row), _DIGITS, False)
    pattern = _range_pattern("|".join(cols), "|".join(rows))
    return pattern.search(piece) is not None


@lru_cache(maxsize=64)
def _range_pattern(cols: str, rows: str) -> re.Pattern[bytes]:
    """A reference not of the usual form, or outside the columns / rows (one scan of the piece)."""
    parts = ['(?![A-Z]{1,3}[1-9]\\d{0,6}")']
    if cols:
        parts.append(f"(?:{cols})\\d")
    if rows:
        parts.append(f'[A-Z]{{1,3}}(?:{rows})"')
    return re.compile(('<c r="(?:' + "|".join(parts) + ")").encode())


def _slow_refs(piece: bytes, where: str) -> list[tuple[bytes, bytes]]:
    """Every cell's reference, whatever its form; a cell without one follows the previous (as calamine)."""
    out: list[tuple[bytes, bytes]] = []
    row = 0
    col = 0
    pos = 0
    for m in re.finditer(rb"<(?:\w+:)?(row|c)(?=[\s/>])([^>]*)>", piece):
        kind, attrs = m.group(1), m.group(2)
        pos = m.end()
        r = _ROW_R.search(attrs)
        if kind == b"row":
            row = int(r.group(1)) if r is not None and r.group(1).isdigit() else row + 1
            col = 0
            continue
        if r is not None:
            ref = _REF.match(r.group(1).strip())
            if ref is None:
                raise damaged(
                    where,
                    f'tham chiếu ô không hợp lệ / bad cell reference "{r.group(1)[:20].decode("utf-8", "replace")}"',
                )
            letters, digits = ref.group(1).upper(), ref.group(2)
            if len(letters) > 4 or len(digits) > 8:
                return [(b"ZZZZ", b"1")] if len(letters) > 4 else [(b"A", b"99999999")]
            col = column_index(letters.decode())
            out.append((letters, digits))
        else:
            col += 1
            out.append((column_letters(col).encode(), str(max(row, 1)).encode()))
    del pos
    return out


def _too_many_rows(where: str, limits: Limits, found: str) -> InputError:
    return refuse(
        where,
        f"rows = {limits.rows}",
        f"trang tính vượt {number(limits.rows)} dòng, giới hạn của Excel (thấy {found})",
        f"the sheet goes past {number(limits.rows)} rows, Excel's limit (found {found})",
    )


def _too_many_columns(where: str, limits: Limits, found: str) -> InputError:
    return refuse(
        where,
        f"columns = {limits.columns}",
        f"trang tính vượt {number(limits.columns)} cột (XFD), giới hạn của Excel (thấy cột {found})",
        f"the sheet goes past {number(limits.columns)} columns (XFD), Excel's limit (found column {found})",
    )


# ----- reading, once checked --------------------------------------------------------------------
class SheetRows:
    """The rows of a checked sheet, read by calamine: (row number, cell values) from the first used row."""

    def __init__(self, path: Path, limits: Limits) -> None:
        self.path = path
        self.scan = check_xlsx(path, limits)
        self.limits = limits
        import python_calamine

        try:
            self._book = python_calamine.CalamineWorkbook.from_path(str(path))
            self._sheet = self._book.get_sheet_by_name(self.scan.sheet)
        except Exception as exc:  # noqa: BLE001 - calamine's errors: a damaged part, a bad index, …
            raise damaged(str(path), _calamine_message(exc)) from None
        start, end = self._sheet.start, self._sheet.end
        self.first_col = (start[1] + 1) if start else 1  # rows are yielded from row 1, cells from the first column
        self._rows_expected = (end[0] + 1) if end else 0

    @property
    def last_row(self) -> int:
        return max(self.scan.last_row, max(self.scan.formulas, default=0))

    def formula_cells(self, row: int) -> list[tuple[int, str]]:
        """(0-based position in the row's cells, reference) of the row's formulas without a value."""
        return [(c - self.first_col, ref) for c, ref in self.scan.formulas.get(row, [])]

    def rows(self) -> Iterator[tuple[int, tuple[Cell, ...]]]:
        n = 0
        try:
            for raw in self._sheet.iter_rows():
                n += 1
                yield n, tuple(raw)  # "" for an empty cell: the reader's clean() reads it as None
        except Exception as exc:  # noqa: BLE001
            raise damaged(str(self.path), _calamine_message(exc)) from None
        if n != self._rows_expected:  # row numbers would be wrong: refuse rather than misnumber
            raise damaged(str(self.path), f"{n} dòng / rows read, {self._rows_expected} expected")
        for extra in sorted(r for r in self.scan.formulas if r > n):  # rows holding only such formulas
            yield extra, ()

    def close(self) -> None:
        with contextlib.suppress(Exception):  # closing twice
            self._book.close()


def _calamine_message(exc: Exception) -> str:
    text = str(exc).strip().splitlines()[0] if str(exc).strip() else ""
    return f"{type(exc).__name__}: {text}"[:200] if text else type(exc).__name__
