"""Report writers: .xlsx (four sheets), .jsonl (one Decision per line) and .html (self-contained).

Every writer takes results one at a time (``write``) and the pool report at the end
(``close``), so a pool of any length is written in flat memory: workbook sheets and the HTML
table rows go to temporary files until the summary is known (:mod:`eligibility.batch.xlsx`).
What a writer needs of a row is its ``part`` (:class:`~eligibility.batch.parts.Part`: the workbook's lines as
SpreadsheetML, the page's person, the JSONL lines), which a screening run builds where the row is screened —
in the worker processes (:class:`~eligibility.batch.parts.RowParts`) — so the writer itself only numbers and appends (``append``).

Every file is written under a temporary name beside its target and renamed over it when complete
(:mod:`eligibility.batch.outputs`): an interrupted run leaves no partial report. Text cells of the
workbook are neutralised (a leading ``'`` before ``=``, ``+``, ``-``, ``@``, tab, CR); the HTML page
is autoescaped by Jinja2. Every JSONL line carries its row number (``row``).
"""

from __future__ import annotations

import datetime as dt
import functools
import json
import tempfile
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any, Protocol

from eligibility import templates
from eligibility.batch.listing import birth_cell, main_reason
from eligibility.batch.mapping import input_header
from eligibility.batch.outputs import check_output, discard, finish, temporary
from eligibility.batch.parts import Part
from eligibility.batch.report import LABELS, MEASURES, VERDICTS, PoolReport
from eligibility.batch.screen import Brief, RowResult
from eligibility.batch.xlsx import (
    BOXED,
    BOXED_DATE,
    BOXED_HEADER,
    HEADER,
    NORMAL,
    ROW,
    TITLE,
    Line,
    PrintSetup,
    Seq,
    Sheet,
    XlsxStream,
    cells_xml,
    row_xml,
)
from eligibility.errors import InputError, Problem
from eligibility.explain import names
from eligibility.explain.decision import OUTCOME_LABELS
from eligibility.model import levels as lv
from eligibility.rulepack.loader import RulePack

REPORT_FORMATS = (".xlsx", ".jsonl", ".html", ".parquet")
SHORT = {"fail": "Không đạt", "waivable": "Cấp có thẩm quyền xem xét", "unknown": "Chưa rõ"}


class Writer(Protocol):
    path: Path

    @property
    def part(self) -> Part: ...

    def write(self, r: RowResult) -> None: ...

    def append(self, part: Any) -> None: ...

    def close(self, report: PoolReport) -> None: ...

    def abort(self) -> None: ...


def open_writer(path: str | Path, *, detail: str = "issues", inputs: Iterable[str | Path] = ()) -> Writer:
    """A writer for ``path`` by its extension (.xlsx, .jsonl, .html); ``inputs`` may not be overwritten."""
    p = Path(path)
    suffix = p.suffix.lower()
    if suffix not in REPORT_FORMATS:
        raise InputError(
            Problem(
                "--out",
                "định dạng báo cáo không hỗ trợ; dùng .xlsx, .jsonl, .html hoặc .parquet",
                "unsupported report type; use .xlsx, .jsonl, .html or .parquet",
                str(p),
            )
        )
    check_output(p, "--out", inputs)
    if suffix == ".xlsx":
        return XlsxWriter(p, detail=detail)
    if suffix == ".jsonl":
        return JsonlWriter(p)
    if suffix == ".parquet":
        from eligibility.batch.parquet import ParquetWriter  # pyarrow: the optional extra "scale"

        return ParquetWriter(p, detail=detail)
    return HtmlWriter(p)


def _rules() -> RulePack:
    """The rule pack whose names the reports use for codes (the bundled one)."""
    from eligibility.explain.inputs import default_rules

    return default_rules()


def row_height(values: tuple[Any, ...], widths: tuple[float, ...], line: float = 15.0) -> float:
    """The height (points) a row of wrapped text needs: its longest cell in lines of its column's width."""
    lines = 1
    for v, w in zip(values, widths, strict=False):
        if isinstance(v, str) and v:
            per_line = max(1.0, w * 1.2 - 1)
            lines = max(lines, sum(-(-max(1, len(part)) // int(per_line)) for part in v.split("\n")))
    return line * lines + 2


def missing_columns(r: RowResult) -> str:
    """The columns to fill in for a row's unknown findings, most decisive first."""
    out: list[str] = []
    for inp, _ in r.missing_inputs:
        name = input_header(inp)
        if name not in out:
            out.append(name)
    return "; ".join(out)


def short(r: RowResult, outcome: str) -> str:
    return "; ".join(b.title_vi for b in r.findings if b.outcome == outcome)


def errors_text(r: RowResult) -> str:
    return "; ".join(f"{p.location}: {p.vi}" + (f" ({p.value})" if p.value is not None else "") for p in r.problems)


def _fmt_pct(x: float | None) -> str:
    return "—" if x is None else f"{x:.1f}%"


def _fmt_gap(x: float | None) -> str:
    return "—" if x is None else f"{x:+.1f}"


# ----- JSONL -----------------------------------------------------------------------------------
@dataclass(frozen=True)
class JsonlLines:
    """A row's lines: for each result ``Decision.to_dict()`` with its row number first, or the error object
    (with ``action`` when several actions are screened)."""

    several: bool = False

    @property
    def name(self) -> str:
        return "jsonl+action" if self.several else "jsonl"

    def __call__(self, results: Sequence[RowResult]) -> str:
        return "".join([self.line(r) for r in results])

    def line(self, r: RowResult) -> str:
        if r.status == "ok":
            if r.decision_json is None:
                raise ValueError("the JSONL report needs decisions (screen with keep_decision=True)")
            return f'{{"row": {int(r.row)}, ' + r.decision_json.lstrip()[1:] + "\n"
        error = {**r.error_dict(), "action": r.action} if self.several else r.error_dict()
        return json.dumps(error, ensure_ascii=False, default=str) + "\n"


class JsonlWriter:
    """One line per input row: ``Decision.to_dict()``, or an error object for a bad row
    (``{"row", "status": "input_error", "id", "errors": [{row, column, value, vi, en}]}``). ``several``:
    one line per row and action (an error object also names its ``action``)."""

    needs_decision = True

    def __init__(self, path: Path, *, several: bool = False) -> None:
        self.path = path
        self.part = JsonlLines(several)
        self._tmp = temporary(path)
        self._fh: IO[str] = self._tmp.open("w", encoding="utf-8")

    def write(self, r: RowResult) -> None:
        self.append(self.part((r,)))

    def append(self, part: str) -> None:
        self._fh.write(part)

    def close(self, report: PoolReport) -> None:
        self._fh.close()
        finish(self._tmp, self.path)

    def abort(self) -> None:
        self._fh.close()
        discard(self._tmp)


# ----- XLSX ------------------------------------------------------------------------------------
def result_cells(r: RowResult) -> tuple[Any, ...]:
    """A row's line of the "Kết quả" sheet (the one-action report's, and each action's of several)."""
    if r.status != "ok":
        return (r.row, r.id, r.name, r.post, LABELS[r.status][0], r.status, None, None, None, None, errors_text(r))
    verdict = r.verdict or ""
    return (
        r.row,
        r.id,
        r.name,
        names.title_name(r.post, _rules()),
        LABELS.get(verdict, (verdict,))[0],
        verdict,
        short(r, "fail"),
        short(r, "waivable"),
        short(r, "unknown"),
        missing_columns(r),
        None,
        dt.date.fromisoformat(r.next_change) if r.next_change else None,
        LABELS.get(r.next_verdict, (r.next_verdict,))[0] if r.next_verdict else None,
    )


def detail_cells(r: RowResult, detail: str = "issues") -> list[tuple[Any, ...]]:
    """A row's lines of the "Chi tiết" sheet: its findings (``detail="all"``: and its passes)."""
    if r.status != "ok":
        return []
    return [(r.row, r.id, *finding_cells(b)) for b in (r.findings if detail == "issues" else [*r.findings, *r.passes])]


def finding_cells(b: Brief) -> tuple[Any, ...]:
    """A finding's cells on its line of the "Chi tiết" sheet (after the row number and the file id)."""
    return (
        b.criterion,
        b.title_vi,
        OUTCOME_LABELS[b.outcome][0],
        b.message_vi,
        b.source,
        b.confidence,
        ", ".join(names.input_name(m) for m in b.missing),
    )


@functools.lru_cache(maxsize=4096)
def _finding_xml(b: Brief) -> str:
    """A finding's cells as SpreadsheetML: a pool shows the same few hundred findings again and again."""
    return cells_xml(finding_cells(b), 2)


def detail_lines(r: RowResult, detail: str = "issues") -> tuple[Line, ...]:
    """:func:`detail_cells` as rows of SpreadsheetML (:func:`~eligibility.batch.xlsx.row_xml`), each
    finding's cells made once."""
    if r.status != "ok":
        return ()
    shown = r.findings if detail == "issues" else [*r.findings, *r.passes]
    if not shown:
        return ()
    start = f'<row r="{ROW}">' + cells_xml((r.row, r.id))
    n = 2 + len(finding_cells(shown[0]))
    return tuple([(start + _finding_xml(b) + "</row>", n) for b in shown])


def listing_cells(r: RowResult) -> tuple[Any, ...]:
    """A row's line of the "Danh sách trích ngang" (its STT, the running number, is :class:`Seq`)."""
    p = r.person
    verdict = r.verdict if r.status == "ok" else "input_error"
    post = None
    if p is not None:
        post = p.current_post
        if post and p.unit and lv.fold(p.unit) not in lv.fold(post):
            post = f"{post}, {p.unit}"
    missing = list(dict.fromkeys(input_header(inp) for inp, _ in r.missing_inputs))
    fails = [b.title_vi for b in r.findings if b.outcome == "fail"]
    waivable = [b.title_vi for b in r.findings if b.outcome == "waivable"]
    return (
        Seq,
        r.name,
        birth_cell(p.birth) if p else None,
        p.sex if p else None,
        post,
        p.degree if p else None,
        p.political_theory if p else None,
        LABELS.get(verdict or "", (verdict,))[0],
        main_reason(verdict, fails, waivable, missing, errors_text(r)),
    )


def error_cells(r: RowResult) -> list[tuple[Any, ...]]:
    """A row's lines of the "Lỗi dữ liệu" sheet (the one-action report's)."""
    if r.status == "ok":
        return []
    return [
        (
            p.row if p.row is not None else r.row,
            r.id,
            r.name,
            p.location,
            None if p.value is None else str(p.value),
            p.vi,
            p.en,
        )
        for p in r.problems
    ]


XlsxPart = tuple[Line, Line, tuple[Line, ...], tuple[Line, ...]]


@dataclass(frozen=True)
class XlsxRow:
    """A row's lines of the one-action workbook (:class:`XlsxWriter`), as SpreadsheetML: the list's line
    (:func:`listing_cells`), the result, its findings (:func:`detail_cells`), its input errors."""

    detail: str = "issues"

    @property
    def name(self) -> str:
        return f"xlsx:{self.detail}"

    def __call__(self, results: Sequence[RowResult]) -> XlsxPart:
        r = results[0]
        listing = listing_cells(r)
        return (
            row_xml(listing, BOXED, row_height(listing, XlsxWriter.LISTING_WIDTHS), BOXED_DATE),
            row_xml(result_cells(r)),
            detail_lines(r, self.detail),
            tuple([row_xml(values) for values in error_cells(r)]),
        )


class XlsxWriter:
    """Sheets "Danh sách trích ngang" (the list a board hands in: one line per person, printed landscape on
    A4 with the header on every page), "Kết quả" (one row per person), "Chi tiết" (findings, long form),
    "Lỗi dữ liệu" (input errors and warnings) and "Tổng hợp" (the pool report)."""

    needs_decision = False
    LISTING_HEADERS = (
        "STT",
        "Họ và tên",
        "Ngày, tháng, năm sinh",
        "Giới tính",
        "Chức vụ hiện tại",
        "Trình độ chuyên môn",
        "Lý luận chính trị",
        "Kết luận",
        "Lý do chính",
    )
    LISTING_WIDTHS = (6, 24, 12, 8, 34, 22, 11, 20, 52)
    RESULT_HEADERS = (
        "Dòng",
        "Mã hồ sơ",
        "Họ và tên",
        "Chức danh xem xét",
        "Kết luận",
        "Mã kết luận",
        "Tiêu chí không đạt",
        "Cần cấp có thẩm quyền xem xét",
        "Tiêu chí chưa rõ (thiếu dữ liệu)",
        "Cột cần bổ sung",
        "Lỗi dữ liệu",
        "Kết luận thay đổi từ ngày",
        "Kết luận từ ngày đó",
    )
    RESULT_WIDTHS = (7, 14, 24, 22, 22, 14, 50, 36, 40, 36, 50, 16, 22)
    DETAIL_HEADERS = (
        "Dòng",
        "Mã hồ sơ",
        "Mã tiêu chí",
        "Tiêu chí",
        "Kết quả",
        "Nội dung",
        "Căn cứ",
        "Độ tin cậy",
        "Dữ liệu còn thiếu",
    )
    DETAIL_WIDTHS = (7, 14, 36, 44, 18, 70, 40, 10, 30)
    ERROR_HEADERS = ("Dòng", "Mã hồ sơ", "Họ và tên", "Cột", "Giá trị", "Lỗi", "Error")
    ERROR_WIDTHS = (7, 14, 24, 30, 20, 60, 60)

    def __init__(self, path: Path, *, detail: str = "issues") -> None:
        self.path = path
        self.detail = detail
        self.part = XlsxRow(detail)
        self.book = XlsxStream(path)
        self.listing = self.book.add_sheet("Danh sách trích ngang", self.LISTING_WIDTHS, freeze_header=True, top_rows=2)
        self.listing.print_setup = PrintSetup(landscape=True, header="DANH SÁCH TRÍCH NGANG")
        self.listing.date_style = BOXED_DATE
        self.listing.append(self.LISTING_HEADERS, BOXED_HEADER, 32)
        self.results = self._sheet("Kết quả", self.RESULT_HEADERS, self.RESULT_WIDTHS)
        self._detail_parts = 1
        self.details = self._sheet("Chi tiết", self.DETAIL_HEADERS, self.DETAIL_WIDTHS)
        self.errors = self._sheet("Lỗi dữ liệu", self.ERROR_HEADERS, self.ERROR_WIDTHS)
        self.summary = self.book.add_sheet("Tổng hợp", (60, 16, 16, 16, 16, 16, 16, 16, 16, 40))

    def _sheet(self, title: str, headers: Iterable[str], widths: Iterable[float]) -> Sheet:
        ws = self.book.add_sheet(title, list(widths), freeze_header=True)
        ws.autofilter = True
        ws.append(headers, HEADER)
        return ws

    def write(self, r: RowResult) -> None:
        self.append(self.part((r,)))

    def append(self, part: XlsxPart) -> None:
        """A row's part (:class:`XlsxRow`): its lines appended, numbered here."""
        listing, result, details, errors = part
        self.listing.add(listing, self.listing.rows - self.listing.header_row + 1)
        self.results.add(result)
        for line in details:
            if self.details.full:  # Excel's row limit: continue on another sheet
                self._detail_parts += 1
                self.details = self._sheet(f"Chi tiết ({self._detail_parts})", self.DETAIL_HEADERS, self.DETAIL_WIDTHS)
            self.details.add(line)
        for line in errors:
            self.errors.add(line)

    def close(self, report: PoolReport) -> None:
        request = "; ".join(f"{k}: {v}" for k, v in names.request_items(report.request, _rules()))
        self.listing.set_top([(("DANH SÁCH TRÍCH NGANG",), TITLE), (("Đề nghị — " + request,), NORMAL)])
        for w in report.warnings:
            self.errors.append(
                (
                    w.row,
                    None,
                    None,
                    w.location,
                    None if w.value is None else str(w.value),
                    "(toàn tệp) " + w.vi,
                    "(whole file) " + w.en,
                )
            )
        for row, ident, first in report.duplicates:
            self.errors.append(
                (
                    row,
                    ident,
                    None,
                    "Mã hồ sơ",
                    ident,
                    f"trùng mã hồ sơ với dòng {first} (vẫn được xét)",
                    f"same file id as row {first} (still screened)",
                )
            )
        write_summary(self.summary, report)
        self.book.save()

    def abort(self) -> None:
        self.book.close()


def write_summary(sheet: Sheet, rep: PoolReport) -> None:
    """The "Tổng hợp" sheet of a pool report (:func:`summary_lines`, titles and headers styled)."""
    for kind, values in summary_lines(rep):
        if kind == "title":
            sheet.append(values, TITLE)
        elif kind == "head":
            sheet.append(values, HEADER)
        elif kind == "blank":
            sheet.append(())
        else:
            sheet.append(values)


def summary_lines(rep: PoolReport) -> list[tuple[str, tuple[Any, ...]]]:
    """The summary as rows (kind, values): shared by the workbook and, in spirit, the HTML page."""
    out: list[tuple[str, tuple[Any, ...]]] = []
    add = out.append
    req = rep.request
    add(("title", ("Tổng hợp kết quả rà soát nguồn quy hoạch / Pool screening summary",)))
    rules = _rules()
    add(("row", ("Việc / action", names.action_name(req.get("action")))))
    add(("row", ("Chức danh / post", names.title_name(req.get("post"), rules) or "(theo từng dòng / per row)")))
    add(("row", ("Địa phương / locality", names.locality_name(req.get("locality"), rules) or "—")))
    add(("row", ("Ngày xét / date", names.date_text(req.get("date")))))
    if req.get("term"):
        add(("row", ("Nhiệm kỳ / term", req.get("term"))))
    add(("row", ("Bộ quy tắc / rule pack", rep.rulepack)))
    add(("row", ("Số dòng / rows", rep.rows)))
    add(("row", ("Dòng trống bỏ qua / blank rows skipped", rep.blank_rows)))
    add(("blank", ()))
    add(("title", ("Kết luận / Verdicts",)))
    add(("head", ("Kết luận", "Số người", "Tỷ lệ", "Mã")))
    for v in VERDICTS:
        add(("row", (LABELS[v][0], rep.verdicts.get(v, 0), rep.percent(rep.verdicts.get(v, 0)), v)))
    add(("blank", ()))
    add(("title", ("Phễu tiêu chí / Failure funnel",)))
    add(
        (
            "head",
            (
                "Tiêu chí",
                "Áp dụng",
                "Đạt",
                "Không đạt",
                "Cấp có thẩm quyền xem xét",
                "Chưa rõ",
                "Chỉ vướng tiêu chí này",
                "Còn lại sau bước này",
                "",
                "Mã tiêu chí",
            ),
        )
    )
    for s in rep.criteria:
        mark = "  ← ràng buộc nhất / binding" if rep.binding is s else ""
        add(
            (
                "row",
                (
                    s.title_vi + mark,
                    s.applies,
                    s.passed,
                    s.fail,
                    s.waivable,
                    s.unknown,
                    s.alone,
                    s.remaining,
                    None,
                    s.criterion,
                ),
            )
        )
    if rep.binding is None:
        add(("row", ("Không có tiêu chí nào một mình loại người nào / no criterion alone fails anyone",)))
    add(("blank", ()))
    add(("title", ('Dữ liệu còn thiếu gây "chưa rõ" / Missing inputs behind unknowns',)))
    add(("head", ("Cột cần bổ sung", "Số người", "Chỉ thiếu cột này", "Trường hồ sơ", "Tiêu chí bị ảnh hưởng")))
    for m in rep.missing:
        add(("row", (m.column, m.people, m.only_gap, m.input, ", ".join(m.criteria))))
    if not rep.missing:
        add(("row", ("Không thiếu dữ liệu / nothing missing",)))
    add(("blank", ()))
    add(("title", ("Cơ cấu nguồn so với chỉ tiêu / Pool structure against targets",)))
    add(
        (
            "head",
            (
                "Chỉ tiêu",
                "Chỉ tiêu %",
                "Thực tế (toàn nguồn)",
                "Chênh lệch (điểm %)",
                "Kết quả",
                "Số người có / có dữ liệu",
                "Thuộc phạm vi",
                "Thực tế (đủ điều kiện)",
                "Năm",
                "Căn cứ",
            ),
        )
    )
    for t in rep.targets:
        tg = t.target
        src = t.citation(rep.source_titles)
        aim = "" if tg.binding else " (phấn đấu / aim)"
        where = f" — {names.locality_name(t.province, _rules())}" if t.province else " — trung ương / central"
        add(
            (
                "row",
                (
                    f"{tg.vi}{where}{aim} [{MEASURES[tg.measure][0]}; {t.scope_text(rep.group_names)}]",
                    t.target_text(),
                    t.actual_text(),
                    _fmt_gap(t.gap),
                    t.status()[0],
                    f"{t.yes} / {t.known}",
                    t.scope,
                    _fmt_pct(t.eligible_actual),
                    tg.year or "",
                    src,
                ),
            )
        )
    if not rep.targets:
        add(
            (
                "row",
                (
                    "Bộ quy tắc không có chỉ tiêu cơ cấu nào áp dụng cho yêu cầu này (ngày xét, địa phương); chỉ tiêu "
                    "cơ cấu của QĐ 377-QĐ/TW (từ 08/10/2025) chưa được mã hóa / no target applies to this request; "
                    "QĐ 377's structure targets (from 8/10/2025) are not encoded",
                ),
            )
        )
    add(("blank", ()))
    if rep.error_columns:
        add(("title", ("Lỗi dữ liệu theo cột / Input errors by column",)))
        add(("head", ("Cột", "Số dòng lỗi")))
        for col, n in rep.error_columns:
            add(("row", (col, n)))
        add(("blank", ()))
    add(("title", ("Ghi chú / Notes",)))
    for vi, en in rep.notes:
        add(("row", (vi,)))
        add(("row", (en,)))
    for w in rep.warnings:
        add(("row", (f"Cảnh báo / warning: {w.location}: {w.vi} / {w.en}",)))
    return out


# ----- HTML ----------------------------------------------------------------------------------------
_COLORS = {
    "eligible": "#2e9e4f",
    "needs_authority": "#7a5cd6",
    "incomplete": "#e0a82e",
    "not_eligible": "#d64545",
    "input_error": "#8a4b2a",
    "internal_error": "#555555",
}


def report_context(rep: PoolReport) -> dict[str, Any]:
    """What ``pool_report.html.j2`` shows of a pool report (everything but the people)."""
    req = rep.request
    rules = _rules()
    shown = [t for t in rep.targets if t.actual is not None]
    return {
        "action": names.action_name(req.get("action")),
        "post": names.title_name(req.get("post"), rules) or "theo từng dòng",
        "locality": names.locality_name(req.get("locality"), rules) or "—",
        "date": names.date_text(req.get("date")),
        "rulepack": rep.rulepack,
        "rows": rep.rows,
        "blank_rows": rep.blank_rows,
        "verdict_bars": [(LABELS[v][0], rep.verdicts.get(v, 0), _COLORS[v]) for v in VERDICTS],
        "verdicts": [
            {
                "code": v,
                "vi": LABELS[v][0],
                "en": LABELS[v][1],
                "count": rep.verdicts.get(v, 0),
                "share": rep.percent(rep.verdicts.get(v, 0)),
            }
            for v in VERDICTS
        ],
        "binding": rep.binding,
        "criteria": rep.criteria,
        "fail_bars": [(s.title_vi, s.fail, "#d64545") for s in rep.criteria if s.fail],
        "unknown_bars": [(s.title_vi, s.unknown, "#e0a82e") for s in rep.criteria if s.unknown],
        "missing": rep.missing,
        "missing_bars": [(m.column, m.people, "#e0a82e") for m in rep.missing[:15]],
        "target_bars": [(t.target.vi, round(t.actual or 0, 1), "#3b73b9") for t in shown],
        "target_marks": [None if t.target.percent is None else float(t.target.percent) for t in shown],
        "targets": [
            {
                "name": t.target.vi,
                "binding": t.target.binding,
                "where": names.locality_name(t.province, rules) if t.province else "trung ương",
                "scope": t.scope_text(rep.group_names),
                "year": t.target.year or "",
                "target": t.target_text(),
                "actual": t.actual_text(),
                "gap": _fmt_gap(t.gap),
                "status": t.status()[0],
                "yes": t.yes,
                "known": t.known,
                "eligible_actual": _fmt_pct(t.eligible_actual),
                "source": t.citation(rep.source_titles),
            }
            for t in rep.targets
        ],
        "notes": rep.notes,
        "warnings": rep.warnings,
        "duplicates": rep.duplicates[:50],
    }


def person_row(r: RowResult) -> dict[str, Any]:
    """One person's line in the report's table."""
    v = r.verdict if r.status == "ok" else r.status
    return {
        "row": r.row,
        "id": r.id,
        "name": r.name,
        "post": names.title_name(r.post, _rules()),
        "verdict": v,
        "label": LABELS.get(v or "", (v,))[0],
        "text": errors_text(r) if r.status != "ok" else short(r, "fail"),
        "waivable": short(r, "waivable"),
        "unknown": short(r, "unknown"),
        "missing": missing_columns(r),
    }


def spool_line(item: dict[str, Any]) -> str:
    """A person of a pool page as a line of its :class:`Spool`."""
    return json.dumps(item, ensure_ascii=False, default=str) + "\n"


def first_person_row(results: Sequence[RowResult]) -> dict[str, Any]:
    """A row's person on the one-action page (:func:`person_row` of its only result)."""
    return person_row(results[0])


@dataclass(frozen=True)
class PagePerson:
    """A row's person on a pool page, made by ``person`` of the row's results, as a line of the page's spool."""

    name: str
    person: Callable[[Sequence[RowResult]], dict[str, Any]]

    def __call__(self, results: Sequence[RowResult]) -> str:
        return spool_line(self.person(results))


class Spool:
    """People waiting for a page's summary: one JSON line each in a temporary file (flat memory for any pool),
    read back in order while the page streams."""

    def __init__(self) -> None:
        self._fh: IO[str] = tempfile.TemporaryFile("w+", encoding="utf-8")  # noqa: SIM115 - closed in close()

    def write(self, item: dict[str, Any]) -> None:
        self._fh.write(spool_line(item))

    def append(self, line: str) -> None:
        """A person already made a line (:func:`spool_line`)."""
        self._fh.write(line)

    def __iter__(self) -> Iterator[dict[str, Any]]:
        self._fh.seek(0)
        for line in self._fh:
            yield json.loads(line)

    def close(self) -> None:
        self._fh.close()


def write_page(path: Path, template: str, people: Spool, **context: Any) -> None:
    """Stream a pool page with its spooled people to a temporary file beside ``path``, renamed over it only
    when complete; the spool is closed either way."""
    tmp = temporary(path)
    try:
        page = templates.stream(template, people=iter(people), lang="vi", stylesheets=["report.css"], **context)
        with tmp.open("w", encoding="utf-8") as out:
            out.writelines(page)
        finish(tmp, path)
    finally:
        discard(tmp)
        people.close()


class HtmlWriter:
    """A self-contained page (``pool_report.html.j2``): the summary with SVG bar charts and a sortable
    table of people. The people are kept in a temporary file (one JSON line each) until the summary is
    known, then streamed into the page, so memory stays flat for any pool."""

    needs_decision = False

    part = PagePerson("html", first_person_row)

    def __init__(self, path: Path) -> None:
        self.path = path
        self._people = Spool()

    def write(self, r: RowResult) -> None:
        self.append(self.part((r,)))

    def append(self, part: str) -> None:
        self._people.append(part)

    def close(self, rep: PoolReport) -> None:
        write_page(self.path, "pool_report.html.j2", self._people, r=report_context(rep))

    def abort(self) -> None:
        self._people.close()
