"""A small streaming .xlsx writer: values, bold headers, column widths, frozen header, filter.

openpyxl's write-only mode serialises every cell through an incremental XML tree (about
0.6 ms per report row — the main process's largest cost when screening 100,000 rows); this
writes the same SpreadsheetML with string joins, a few microseconds per cell. Each sheet's rows
go to a temporary file as they come (flat memory); :meth:`XlsxStream.save` assembles the zip
package. Strings are inline (no shared-string table), dates are serial numbers with a date
format, text longer than Excel's 32,767-character cell limit is cut with "…", and characters
XML 1.0 forbids are dropped. Text that a spreadsheet would run as a formula (``=``, ``+``, ``-``, ``@``,
tab, CR first) is written with a leading ``'`` (:func:`eligibility.batch.outputs.neutralize`), and the
package is written to a temporary file beside the target, renamed over it only when complete.
"""

from __future__ import annotations

import datetime as dt
import re
import tempfile
import zipfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any
from xml.sax.saxutils import escape, quoteattr

from eligibility.batch.outputs import discard, finish, neutralize, temporary

NORMAL, HEADER, TITLE, DATE = 0, 1, 2, 3  # cell styles (cellXfs indexes); dates print as dd/mm/yyyy
BOXED, BOXED_DATE, BOXED_HEADER = 4, 5, 6  # bordered and wrapped: a list meant for printing
MAX_ROWS = 1_048_576
MAX_CELL = 32_767
_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
_EPOCH = dt.date(1899, 12, 30)
_NS = (
    'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
    'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"'
)

_STYLES = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
    '<numFmts count="1"><numFmt numFmtId="164" formatCode="dd/mm/yyyy"/></numFmts>'
    '<fonts count="3"><font><sz val="11"/><name val="Calibri"/><family val="2"/></font>'
    '<font><b/><sz val="11"/><name val="Calibri"/><family val="2"/></font>'
    '<font><b/><sz val="13"/><name val="Calibri"/><family val="2"/></font></fonts>'
    '<fills count="3"><fill><patternFill patternType="none"/></fill><fill><patternFill patternType="gray125"/></fill>'
    '<fill><patternFill patternType="solid"><fgColor rgb="FFDDE7F0"/><bgColor indexed="64"/></patternFill></fill>'
    "</fills>"
    '<borders count="2"><border><left/><right/><top/><bottom/><diagonal/></border>'
    '<border><left style="thin"><color auto="1"/></left><right style="thin"><color auto="1"/></right>'
    '<top style="thin"><color auto="1"/></top><bottom style="thin"><color auto="1"/></bottom><diagonal/></border>'
    "</borders>"
    '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>'
    '<cellXfs count="7"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>'
    '<xf numFmtId="0" fontId="1" fillId="2" borderId="0" xfId="0" applyFont="1" applyFill="1"/>'
    '<xf numFmtId="0" fontId="2" fillId="0" borderId="0" xfId="0" applyFont="1"/>'
    '<xf numFmtId="164" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>'
    # 4: a bordered, wrapped, top-aligned cell; 5: the same for a date; 6: a bordered, wrapped column header
    '<xf numFmtId="0" fontId="0" fillId="0" borderId="1" xfId="0" applyBorder="1" applyAlignment="1">'
    '<alignment vertical="top" wrapText="1"/></xf>'
    '<xf numFmtId="164" fontId="0" fillId="0" borderId="1" xfId="0" applyNumberFormat="1" applyBorder="1" '
    'applyAlignment="1"><alignment horizontal="left" vertical="top"/></xf>'
    '<xf numFmtId="0" fontId="1" fillId="2" borderId="1" xfId="0" applyFont="1" applyFill="1" applyBorder="1" '
    'applyAlignment="1"><alignment horizontal="center" vertical="center" wrapText="1"/></xf>'
    "</cellXfs>"
    '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>'
    "</styleSheet>"
)


@dataclass(frozen=True)
class PrintSetup:
    """How a sheet prints: A4 (paper size 9), the orientation, fitted to the page width (as many pages
    down as needed), the header row repeated on every page, and a page number in the footer."""

    landscape: bool = True
    fit_width: bool = True
    repeat_header: bool = True
    header: str | None = None  # text centred at the top of every printed page
    margins: tuple[float, float, float, float] = (0.4, 0.4, 0.55, 0.55)  # left, right, top, bottom (inches)


def column_letter(i: int) -> str:
    """0 → A, 25 → Z, 26 → AA."""
    out = ""
    i += 1
    while i:
        i, r = divmod(i - 1, 26)
        out = chr(65 + r) + out
    return out


_LETTERS = [column_letter(i) for i in range(256)]


_TEXTS: dict[str, str] = {}  # text → its cell text: a report repeats its titles, labels, sources, messages
_TEXTS_MAX = 20_000


def _text(value: str) -> str:
    got = _TEXTS.get(value)
    if got is not None:
        return got
    text = neutralize(_ILLEGAL.sub("", value))
    if len(text) > MAX_CELL:
        text = text[: MAX_CELL - 1] + "…"
    text = escape(text)
    if len(value) <= 500:
        if len(_TEXTS) >= _TEXTS_MAX:
            _TEXTS.clear()
        _TEXTS[value] = text
    return text


ROW = "\x00"  # the row number's place in a row made by row_xml (XML 1.0 forbids the character in text)
SEQ = "\x01"  # a running number's place (the list's STT), filled in by Sheet.add
_REFS = [letter + ROW for letter in _LETTERS]
Line = tuple[str, int]  # a row's XML with ROW for its number, and its number of columns


class Seq:
    """A cell holding the running number :meth:`Sheet.add` fills in (an int cell)."""


def row_xml(values: Sequence[Any], style: int = NORMAL, height: float | None = None, date_style: int = DATE) -> Line:
    """A row's SpreadsheetML with :data:`ROW` in place of its row number (so that it can be made where the
    row is screened and numbered where it is written), and its number of columns. A cell whose value is
    the class :class:`Seq` holds :data:`SEQ`."""
    start = f'<row r="{ROW}" ht="{height:g}" customHeight="1">' if height else f'<row r="{ROW}">'
    return start + cells_xml(values, 0, style, date_style) + "</row>", len(values)


def cells_xml(values: Sequence[Any], first: int = 0, style: int = NORMAL, date_style: int = DATE) -> str:
    """The cells of ``values`` from column ``first`` (0: A) of a row made by :func:`row_xml`: a row may be
    put together from parts made apart (and kept: a finding's cells are the same in every row showing it)."""
    s = f' s="{style}"' if style else ""
    parts = []
    for i, v in enumerate(values, first):
        if v is None or v == "":
            continue
        ref = _REFS[i] if i < 256 else column_letter(i) + ROW
        if type(v) is str:
            parts.append(f'<c r="{ref}"{s} t="inlineStr"><is><t xml:space="preserve">{_text(v)}</t></is></c>')
        elif isinstance(v, bool):
            parts.append(f'<c r="{ref}"{s} t="b"><v>{int(v)}</v></c>')
        elif isinstance(v, int | float):
            parts.append(f'<c r="{ref}"{s}><v>{v!r}</v></c>')
        elif isinstance(v, dt.date):
            day = v.date() if isinstance(v, dt.datetime) else v
            parts.append(f'<c r="{ref}" s="{date_style}"><v>{(day - _EPOCH).days}</v></c>')
        elif v is Seq:
            parts.append(f'<c r="{ref}"{s}><v>{SEQ}</v></c>')
        else:
            parts.append(f'<c r="{ref}"{s} t="inlineStr"><is><t xml:space="preserve">{_text(str(v))}</t></is></c>')
    return "".join(parts)


class Sheet:
    """One worksheet being written: ``append`` rows, then the workbook assembles it."""

    def __init__(
        self, name: str, widths: Sequence[float] = (), *, freeze_header: bool = False, top_rows: int = 0
    ) -> None:
        if len(name) > 31 or any(ch in name for ch in "[]:*?/\\"):
            raise ValueError(f"invalid sheet name {name!r}")
        self.name = name
        self.widths = list(widths)
        self.freeze_header = freeze_header
        self.autofilter = False
        self.print_setup: PrintSetup | None = None
        self.date_style = DATE
        # rows above the header (a title), written when the workbook is saved: set them with set_top()
        self.top_rows = top_rows
        self._top: list[tuple[tuple[str, ...], int]] = []
        self.rows = top_rows
        self.cols = 0
        self._tmp: IO[str] = tempfile.TemporaryFile("w+", encoding="utf-8")  # noqa: SIM115 - closed in save()
        self._buf: list[str] = []  # rows not yet in the file (written a block at a time)

    @property
    def full(self) -> bool:
        return self.rows >= MAX_ROWS

    def append(self, values: Iterable[Any], style: int = NORMAL, height: float | None = None) -> None:
        """Add a row; ``height`` in points sets its height (wrapped text: Excel and LibreOffice do not all
        grow a row to fit when they open a file)."""
        self.add(row_xml(tuple(values), style, height, self.date_style))

    def add(self, line: Line, number: int | None = None) -> None:
        """Add a row made by :func:`row_xml` (anywhere: a worker process): its row number filled in, and
        ``number`` in place of :data:`SEQ` (a running number only the writer knows)."""
        self.rows += 1
        xml, cols = line
        if cols > self.cols:
            self.cols = cols
        xml = xml.replace(ROW, str(self.rows))
        self._buf.append(xml if number is None else xml.replace(SEQ, str(number)))
        if len(self._buf) >= 256:
            self._flush()

    def _flush(self) -> None:
        self._tmp.write("".join(self._buf))
        self._buf.clear()

    @property
    def header_row(self) -> int:
        """The row of the column headers (1 unless title rows are reserved above it)."""
        return self.top_rows + 1

    def set_top(self, rows: Sequence[tuple[Sequence[str], int]]) -> None:
        """The text of the title rows reserved above the header: (values, style) each."""
        if len(rows) > self.top_rows:
            raise ValueError(f"{len(rows)} title rows, {self.top_rows} reserved")
        self._top = [(tuple(str(v) for v in values), style) for values, style in rows]

    def _top_xml(self) -> str:
        out = []
        for i, (values, style) in enumerate(self._top, start=1):
            s = f' s="{style}"' if style else ""
            cells = "".join(
                f'<c r="{column_letter(j)}{i}"{s} t="inlineStr"><is><t xml:space="preserve">{_text(v)}</t></is></c>'
                for j, v in enumerate(values)
                if v
            )
            out.append(f'<row r="{i}">{cells}</row>')
        return "".join(out)

    def _head(self) -> str:
        last = f"{column_letter(max(self.cols, 1) - 1)}{max(self.rows, 1)}"
        out = ['<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n', f"<worksheet {_NS}>"]
        if self.print_setup is not None and self.print_setup.fit_width:
            out.append('<sheetPr><pageSetUpPr fitToPage="1"/></sheetPr>')
        out.append(f'<dimension ref="A1:{last}"/>')
        if self.freeze_header:
            first = self.header_row + 1
            out.append(
                f'<sheetViews><sheetView workbookViewId="0"><pane ySplit="{self.header_row}" topLeftCell="A{first}" '
                f'activePane="bottomLeft" state="frozen"/><selection pane="bottomLeft" activeCell="A{first}" '
                f'sqref="A{first}"/></sheetView></sheetViews>'
            )
        else:
            out.append('<sheetViews><sheetView workbookViewId="0"/></sheetViews>')
        out.append('<sheetFormatPr defaultRowHeight="15"/>')
        if self.widths:
            out.append(
                "<cols>"
                + "".join(
                    f'<col min="{i}" max="{i}" width="{w}" customWidth="1"/>'
                    for i, w in enumerate(self.widths, start=1)
                )
                + "</cols>"
            )
        out.append("<sheetData>")
        out.append(self._top_xml())
        return "".join(out)

    def filter_ref(self) -> str:
        return f"A{self.header_row}:{column_letter(max(self.cols, 1) - 1)}{max(self.rows, self.header_row)}"

    def print_titles(self) -> str | None:
        """The rows repeated at the top of every printed page (``$3:$3``), when the print setup asks for it."""
        if self.print_setup is None or not self.print_setup.repeat_header:
            return None
        return f"${self.header_row}:${self.header_row}"

    def _tail(self) -> str:
        tail = "</sheetData>"
        if self.autofilter and self.rows > self.top_rows:
            tail += f'<autoFilter ref="{self.filter_ref()}"/>'
        ps = self.print_setup
        if ps is not None:
            left, right, top, bottom = ps.margins
            tail += (
                '<printOptions horizontalCentered="1"/>'
                f'<pageMargins left="{left}" right="{right}" top="{top}" bottom="{bottom}" header="0.3" footer="0.3"/>'
                f'<pageSetup paperSize="9" orientation="{"landscape" if ps.landscape else "portrait"}"'
                + (' fitToWidth="1" fitToHeight="0"' if ps.fit_width else "")
                + "/>"
                + "<headerFooter>"
                + (f"<oddHeader>{escape('&C' + ps.header.replace('&', '&&'))}</oddHeader>" if ps.header else "")
                + f"<oddFooter>{escape('&CTrang &P / &N')}</oddFooter></headerFooter>"
            )
        return tail + "</worksheet>"

    def write_to(self, out: IO[bytes]) -> None:
        out.write(self._head().encode("utf-8"))
        self._flush()
        self._tmp.seek(0)
        while True:
            block = self._tmp.read(1 << 20)
            if not block:
                break
            out.write(block.encode("utf-8"))
        out.write(self._tail().encode("utf-8"))

    def close(self) -> None:
        self._tmp.close()


class XlsxStream:
    """A workbook written sheet by sheet, row by row; ``save`` writes the package."""

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        self.sheets: list[Sheet] = []

    def add_sheet(
        self, name: str, widths: Sequence[float] = (), *, freeze_header: bool = False, top_rows: int = 0
    ) -> Sheet:
        if any(s.name == name for s in self.sheets):
            raise ValueError(f"duplicate sheet name {name!r}")
        sheet = Sheet(name, widths, freeze_header=freeze_header, top_rows=top_rows)
        self.sheets.append(sheet)
        return sheet

    def save(self) -> Path:
        n = len(self.sheets)
        sheets_xml = "".join(
            f'<sheet name={quoteattr(s.name)} sheetId="{i}" r:id="rId{i}"/>' for i, s in enumerate(self.sheets, start=1)
        )
        names = "".join(
            f'<definedName name="_xlnm._FilterDatabase" localSheetId="{i}" hidden="1">'
            f"{escape(_quote_sheet(s.name))}!{_absolute(s.filter_ref())}</definedName>"
            for i, s in enumerate(self.sheets)
            if s.autofilter and s.rows > s.top_rows
        ) + "".join(
            f'<definedName name="_xlnm.Print_Titles" localSheetId="{i}">'
            f"{escape(_quote_sheet(s.name))}!{s.print_titles()}</definedName>"
            for i, s in enumerate(self.sheets)
            if s.print_titles()
        )
        workbook = (
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
            f"<workbook {_NS}><bookViews><workbookView/></bookViews><sheets>{sheets_xml}</sheets>"
            + (f"<definedNames>{names}</definedNames>" if names else "")
            + "</workbook>"
        )
        rels = (
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
            '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            + "".join(
                f'<Relationship Id="rId{i}" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
                f'relationships/worksheet" Target="worksheets/sheet{i}.xml"/>'
                for i in range(1, n + 1)
            )
            + f'<Relationship Id="rId{n + 1}" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
            'relationships/styles" Target="styles.xml"/></Relationships>'
        )
        types = (
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
            '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
            '<Default Extension="xml" ContentType="application/xml"/>'
            '<Override PartName="/xl/workbook.xml" '
            'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
            + "".join(
                f'<Override PartName="/xl/worksheets/sheet{i}.xml" ContentType="application/'
                'vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
                for i in range(1, n + 1)
            )
            + '<Override PartName="/xl/styles.xml" '
            'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/></Types>'
        )
        root_rels = (
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
            '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
            'relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>'
        )
        tmp = temporary(self.path)
        try:
            with zipfile.ZipFile(tmp, "w", zipfile.ZIP_DEFLATED, compresslevel=5) as z:
                z.writestr("[Content_Types].xml", types)
                z.writestr("_rels/.rels", root_rels)
                z.writestr("xl/workbook.xml", workbook)
                z.writestr("xl/_rels/workbook.xml.rels", rels)
                z.writestr("xl/styles.xml", _STYLES)
                for i, s in enumerate(self.sheets, start=1):
                    with z.open(f"xl/worksheets/sheet{i}.xml", "w", force_zip64=True) as out:
                        s.write_to(out)
            finish(tmp, self.path)
        finally:
            discard(tmp)
            self.close()
        return self.path

    def close(self) -> None:
        for s in self.sheets:
            s.close()


def _quote_sheet(name: str) -> str:
    return "'" + name.replace("'", "''") + "'"


def _absolute(ref: str) -> str:
    return ":".join(re.sub(r"([A-Z]+)(\d+)", r"$\1$\2", part) for part in ref.split(":"))
