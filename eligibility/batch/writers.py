"""Report writers: .xlsx (four sheets), .jsonl (one Decision per line) and .html (self-contained).

Every writer takes results one at a time (``write``) and the pool report at the end
(``close``), so a pool of any length is written in flat memory: workbook sheets and the HTML
table rows go to temporary files until the summary is known (:mod:`eligibility.batch.xlsx`).
"""

from __future__ import annotations

import html
import json
import shutil
import tempfile
from collections.abc import Iterable
from pathlib import Path
from typing import IO, Any, Protocol

from eligibility.batch.columns import BY_KEY, column_of
from eligibility.batch.report import LABELS, MEASURES, VERDICTS, PoolReport
from eligibility.batch.screen import RowResult
from eligibility.batch.xlsx import HEADER, TITLE, Sheet, XlsxStream
from eligibility.errors import InputError, Problem
from eligibility.explain.decision import OUTCOME_LABELS

REPORT_FORMATS = (".xlsx", ".jsonl", ".html")
SHORT = {"fail": "Không đạt", "waivable": "Cấp có thẩm quyền xem xét", "unknown": "Chưa rõ"}


class Writer(Protocol):
    path: Path

    def write(self, r: RowResult) -> None: ...

    def close(self, report: PoolReport) -> None: ...

    def abort(self) -> None: ...


def open_writer(path: str | Path, *, detail: str = "issues") -> Writer:
    """A writer for ``path`` by its extension (.xlsx, .jsonl, .html)."""
    p = Path(path)
    suffix = p.suffix.lower()
    if suffix not in REPORT_FORMATS:
        raise InputError(
            Problem(
                "--out",
                "định dạng báo cáo không hỗ trợ; dùng .xlsx, .jsonl hoặc .html",
                "unsupported report type; use .xlsx, .jsonl or .html",
                str(p),
            )
        )
    if not p.parent.exists():
        raise InputError(Problem("--out", "thư mục không tồn tại", "the folder does not exist", str(p.parent)))
    if suffix == ".xlsx":
        return XlsxWriter(p, detail=detail)
    if suffix == ".jsonl":
        return JsonlWriter(p)
    return HtmlWriter(p)


def missing_columns(r: RowResult) -> str:
    """The columns to fill in for a row's unknown findings, most decisive first."""
    out: list[str] = []
    for inp, _ in r.missing_inputs:
        key, _i = column_of(inp)
        name = BY_KEY[key].vi if key else inp
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
class JsonlWriter:
    """One line per input row: ``Decision.to_dict()``, or an error object for a bad row
    (``{"row", "status": "input_error", "id", "errors": [{row, column, value, vi, en}]}``)."""

    needs_decision = True

    def __init__(self, path: Path) -> None:
        self.path = path
        self._tmp = path.with_name(path.name + ".part")
        self._fh: IO[str] = self._tmp.open("w", encoding="utf-8")

    def write(self, r: RowResult) -> None:
        if r.status == "ok":
            if r.decision_json is None:
                raise ValueError("the JSONL report needs decisions (screen with keep_decision=True)")
            self._fh.write(r.decision_json)
        else:
            self._fh.write(json.dumps(r.error_dict(), ensure_ascii=False, default=str))
        self._fh.write("\n")

    def close(self, report: PoolReport) -> None:
        self._fh.close()
        self._tmp.replace(self.path)

    def abort(self) -> None:
        self._fh.close()
        self._tmp.unlink(missing_ok=True)


# ----- XLSX ------------------------------------------------------------------------------------
class XlsxWriter:
    """Sheets "Kết quả" (one row per person), "Chi tiết" (findings, long form), "Lỗi dữ liệu"
    (input errors and warnings) and "Tổng hợp" (the pool report)."""

    needs_decision = False
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
        self.book = XlsxStream(path)
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
        if r.status == "ok":
            verdict = r.verdict or ""
            self.results.append(
                (
                    r.row,
                    r.id,
                    r.name,
                    r.post,
                    LABELS.get(verdict, (verdict,))[0],
                    verdict,
                    short(r, "fail"),
                    short(r, "waivable"),
                    short(r, "unknown"),
                    missing_columns(r),
                    None,
                    r.next_change,
                    LABELS.get(r.next_verdict, (r.next_verdict,))[0] if r.next_verdict else None,
                )
            )
            rows = r.findings if self.detail == "issues" else [*r.findings, *r.passes]
            for b in rows:
                self._detail(
                    (
                        r.row,
                        r.id,
                        b.criterion,
                        b.title_vi,
                        OUTCOME_LABELS[b.outcome][0],
                        b.message_vi,
                        b.source,
                        b.confidence,
                        ", ".join(b.missing),
                    )
                )
        else:
            self.results.append(
                (
                    r.row,
                    r.id,
                    r.name,
                    r.post,
                    LABELS["input_error"][0],
                    "input_error",
                    None,
                    None,
                    None,
                    None,
                    errors_text(r),
                )
            )
            for p in r.problems:
                self.errors.append(
                    (
                        p.row if p.row is not None else r.row,
                        r.id,
                        r.name,
                        p.location,
                        None if p.value is None else str(p.value),
                        p.vi,
                        p.en,
                    )
                )

    def _detail(self, values: tuple[Any, ...]) -> None:
        if self.details.full:  # Excel's row limit: continue on another sheet
            self._detail_parts += 1
            self.details = self._sheet(f"Chi tiết ({self._detail_parts})", self.DETAIL_HEADERS, self.DETAIL_WIDTHS)
        self.details.append(values)

    def close(self, report: PoolReport) -> None:
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
        for kind, values in summary_lines(report):
            if kind == "title":
                self.summary.append(values, TITLE)
            elif kind == "head":
                self.summary.append(values, HEADER)
            elif kind == "blank":
                self.summary.append(())
            else:
                self.summary.append(values)
        self.book.save()

    def abort(self) -> None:
        self.book.close()


def summary_lines(rep: PoolReport) -> list[tuple[str, tuple[Any, ...]]]:
    """The summary as rows (kind, values): shared by the workbook and, in spirit, the HTML page."""
    out: list[tuple[str, tuple[Any, ...]]] = []
    add = out.append
    req = rep.request
    add(("title", ("Tổng hợp kết quả rà soát nguồn quy hoạch / Pool screening summary",)))
    add(("row", ("Việc / action", req.get("action"))))
    add(("row", ("Chức danh / post", req.get("post") or "(theo từng dòng / per row)")))
    add(("row", ("Địa phương / locality", req.get("locality") or "—")))
    add(("row", ("Ngày xét / date", req.get("date"))))
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
        where = f" — {t.province}" if t.province else " — trung ương / central"
        add(
            (
                "row",
                (
                    f"{tg.vi}{where}{aim} [{MEASURES[tg.measure][0]}; {t.scope_text()}]",
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
        add(("row", ("Bộ quy tắc không có chỉ tiêu cơ cấu cho yêu cầu này / no targets apply",)))
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


# ----- HTML ------------------------------------------------------------------------------------
_CSS = """
body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,Arial,sans-serif;margin:24px;color:#1d2733;max-width:1400px}
h1{font-size:22px}h2{font-size:17px;margin-top:28px;border-bottom:1px solid #cfd8e3;padding-bottom:4px}
table{border-collapse:collapse;font-size:13px;margin:8px 0}th,td{border:1px solid #d5dde6;padding:4px 8px;
text-align:left;vertical-align:top}th{background:#e8eef5}td.n{text-align:right}
table.sortable th{cursor:pointer;user-select:none}table.sortable th:after{content:" \\2195";color:#8a99ab}
.v-eligible{color:#1d7a33}.v-not_eligible{color:#b42318}.v-incomplete{color:#9a6700}.v-needs_authority{color:#5b3fb5}
.v-input_error{color:#7a2e0e;font-weight:600}.muted{color:#5f6b7a;font-size:12px}svg text{font-size:12px}
"""
_JS = """
document.querySelectorAll('table.sortable').forEach(function(t){
 t.querySelectorAll('th').forEach(function(th,i){th.addEventListener('click',function(){
  var b=t.tBodies[0],rows=Array.prototype.slice.call(b.rows),asc=th.dataset.asc!=='1';th.dataset.asc=asc?'1':'0';
  rows.sort(function(x,y){var a=x.cells[i].textContent,c=y.cells[i].textContent,p=parseFloat(a),q=parseFloat(c);
   var r=(!isNaN(p)&&!isNaN(q))?p-q:a.localeCompare(c,'vi');return asc?r:-r;});
  rows.forEach(function(r){b.appendChild(r);});});});});
"""
_COLORS = {
    "eligible": "#2e9e4f",
    "needs_authority": "#7a5cd6",
    "incomplete": "#e0a82e",
    "not_eligible": "#d64545",
    "input_error": "#8a4b2a",
}


def _e(x: Any) -> str:
    return html.escape("" if x is None else str(x))


def bar_chart(
    items: list[tuple[str, float, str]],
    *,
    width: int = 640,
    unit: str = "",
    maximum: float | None = None,
    markers: list[float | None] | None = None,
) -> str:
    """A horizontal bar chart as inline SVG: (label, value, colour) per bar; optional target markers."""
    if not items:
        return ""
    label_w, bar_w, h = 300, width - 300 - 60, 20
    top = maximum if maximum is not None else max((v for _, v, _ in items), default=0) or 1
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{len(items) * (h + 6) + 6}" role="img">']
    for i, (label, value, colour) in enumerate(items):
        y = 6 + i * (h + 6)
        w = 0 if top <= 0 else max(0.0, min(1.0, value / top)) * bar_w
        shown = label if len(label) <= 46 else label[:45].rstrip() + "…"
        parts.append(
            f'<text x="{label_w - 6}" y="{y + 14}" text-anchor="end"><title>{_e(label)}</title>{_e(shown)}</text>'
        )
        parts.append(f'<rect x="{label_w}" y="{y}" width="{w:.1f}" height="{h}" fill="{colour}"/>')
        parts.append(f'<text x="{label_w + w + 4:.1f}" y="{y + 14}">{value:g}{unit}</text>')
        if markers is not None and markers[i] is not None:
            mx = label_w + max(0.0, min(1.0, (markers[i] or 0) / top)) * bar_w
            parts.append(
                f'<line x1="{mx:.1f}" x2="{mx:.1f}" y1="{y - 2}" y2="{y + h + 2}" stroke="#1d2733" '
                f'stroke-width="2"><title>chỉ tiêu / target</title></line>'
            )
    parts.append("</svg>")
    return "".join(parts)


class HtmlWriter:
    """A self-contained page: summary with inline-SVG bar charts and a sortable table (vanilla JS)."""

    needs_decision = False

    def __init__(self, path: Path) -> None:
        self.path = path
        self._rows: IO[str] = tempfile.TemporaryFile("w+", encoding="utf-8")  # noqa: SIM115 - closed in close()

    def write(self, r: RowResult) -> None:
        v = r.verdict if r.status == "ok" else "input_error"
        text = errors_text(r) if r.status != "ok" else short(r, "fail")
        self._rows.write(
            f'<tr><td class="n">{r.row}</td><td>{_e(r.id)}</td><td>{_e(r.name)}</td><td>{_e(r.post)}</td>'
            f'<td class="v-{v}">{_e(LABELS.get(v or "", (v,))[0])}</td><td>{_e(text)}</td>'
            f"<td>{_e(short(r, 'waivable'))}</td><td>{_e(short(r, 'unknown'))}</td><td>{_e(missing_columns(r))}</td>"
            "</tr>\n"
        )

    def close(self, rep: PoolReport) -> None:
        tmp = self.path.with_name(self.path.name + ".part")
        with tmp.open("w", encoding="utf-8") as out:
            out.write(self._head(rep))
            self._rows.seek(0)
            shutil.copyfileobj(self._rows, out)
            out.write(f"</tbody></table>\n<script>{_JS}</script>\n</body></html>\n")
        self._rows.close()
        tmp.replace(self.path)

    def abort(self) -> None:
        self._rows.close()

    def _head(self, rep: PoolReport) -> str:
        req = rep.request
        w: list[str] = [
            '<!DOCTYPE html><html lang="vi"><head><meta charset="utf-8">',
            "<title>Rà soát nguồn quy hoạch / Pool screening</title>",
            f"<style>{_CSS}</style></head><body>",
            "<h1>Rà soát nguồn quy hoạch <span class=muted>/ Pool screening</span></h1>",
            f"<p>Việc: <b>{_e(req.get('action'))}</b> · chức danh: "
            f"<b>{_e(req.get('post') or 'theo từng dòng')}</b> · địa phương: "
            f"<b>{_e(req.get('locality') or '—')}</b> · ngày xét: <b>{_e(req.get('date'))}"
            f"</b> · bộ quy tắc <code>{_e(rep.rulepack)}</code> · {rep.rows} dòng"
            + (f" · {rep.blank_rows} dòng trống bỏ qua" if rep.blank_rows else "")
            + "</p>",
        ]
        w.append("<h2>Kết luận <span class=muted>/ Verdicts</span></h2>")
        w.append(bar_chart([(f"{LABELS[v][0]}", rep.verdicts.get(v, 0), _COLORS[v]) for v in VERDICTS]))
        w.append("<table><tr><th>Kết luận</th><th>Số người</th><th>Tỷ lệ</th></tr>")
        for v in VERDICTS:
            n = rep.verdicts.get(v, 0)
            w.append(
                f'<tr><td class="v-{v}">{_e(LABELS[v][0])} <span class=muted>/ {_e(LABELS[v][1])}</span></td>'
                f'<td class="n">{n}</td><td class="n">{rep.percent(n)}</td></tr>'
            )
        w.append("</table>")
        w.append("<h2>Phễu tiêu chí <span class=muted>/ Failure funnel</span></h2>")
        if rep.binding is not None:
            w.append(
                f"<p>Tiêu chí ràng buộc nhất (một mình loại nhiều người nhất): <b>{_e(rep.binding.title_vi)}</b> "
                f"— {rep.binding.alone} người <span class=muted>/ binding criterion: "
                f"{_e(rep.binding.criterion)}</span></p>"
            )
        w.append(bar_chart([(s.title_vi, s.fail, "#d64545") for s in rep.criteria if s.fail]))
        w.append(bar_chart([(s.title_vi, s.unknown, "#e0a82e") for s in rep.criteria if s.unknown]))
        w.append(
            '<table class="sortable"><thead><tr><th>Tiêu chí</th><th>Áp dụng</th><th>Không đạt</th>'
            "<th>Cấp có thẩm quyền xem xét</th><th>Chưa rõ</th><th>Chỉ vướng tiêu chí này</th>"
            "<th>Còn lại</th></tr></thead><tbody>"
        )
        for s in rep.criteria:
            star = " ★" if rep.binding is s else ""
            w.append(
                f"<tr><td>{_e(s.title_vi)}{star}<br><span class=muted>{_e(s.criterion)}</span></td>"
                f'<td class="n">{s.applies}</td><td class="n">{s.fail}</td><td class="n">{s.waivable}</td>'
                f'<td class="n">{s.unknown}</td><td class="n">{s.alone}</td><td class="n">{s.remaining}</td></tr>'
            )
        w.append("</tbody></table>")
        w.append("<h2>Dữ liệu còn thiếu <span class=muted>/ Missing inputs</span></h2>")
        if rep.missing:
            w.append(bar_chart([(m.column, m.people, "#e0a82e") for m in rep.missing[:15]]))
            w.append(
                "<table><tr><th>Cột cần bổ sung</th><th>Số người</th><th>Chỉ thiếu cột này</th>"
                "<th>Tiêu chí bị ảnh hưởng</th></tr>"
            )
            for m in rep.missing:
                w.append(
                    f'<tr><td>{_e(m.column)} <span class=muted>({_e(m.input)})</span></td><td class="n">{m.people}'
                    f'</td><td class="n">{m.only_gap}</td><td>{_e(", ".join(m.criteria))}</td></tr>'
                )
            w.append("</table>")
        else:
            w.append("<p>Không thiếu dữ liệu.</p>")
        w.append("<h2>Cơ cấu nguồn so với chỉ tiêu <span class=muted>/ Structure against targets</span></h2>")
        if rep.targets:
            shown = [t for t in rep.targets if t.actual is not None]
            w.append(
                bar_chart(
                    [(t.target.vi, round(t.actual or 0, 1), "#3b73b9") for t in shown],
                    unit="%",
                    maximum=100,
                    markers=[float(t.target.percent or 0) for t in shown],
                )
            )
            w.append(
                '<table class="sortable"><thead><tr><th>Chỉ tiêu</th><th>Chỉ tiêu %</th><th>Thực tế</th>'
                "<th>Chênh lệch</th><th>Kết quả</th><th>Có / có dữ liệu</th><th>Thực tế (đủ điều kiện)</th>"
                "<th>Căn cứ</th></tr></thead><tbody>"
            )
            for t in rep.targets:
                tg = t.target
                src = t.citation(rep.source_titles)
                where = t.province or "trung ương"
                aim = "" if tg.binding else " (phấn đấu)"
                w.append(
                    f"<tr><td>{_e(tg.vi)}{aim}<br><span class=muted>{_e(where)} · {_e(t.scope_text())} · "
                    f'{tg.year or ""}</span></td><td>{_e(t.target_text())}</td><td class="n">{_e(t.actual_text())}</td>'
                    f'<td class="n">{_fmt_gap(t.gap)}</td><td>{_e(t.status()[0])}</td>'
                    f'<td class="n">{t.yes} / {t.known}</td><td class="n">{_fmt_pct(t.eligible_actual)}</td>'
                    f"<td>{_e(src)}</td></tr>"
                )
            w.append("</tbody></table>")
        else:
            w.append("<p>Không có chỉ tiêu cơ cấu cho yêu cầu này.</p>")
        w.append("<h2>Ghi chú <span class=muted>/ Notes</span></h2><ul>")
        for vi, en in rep.notes:
            w.append(f"<li>{_e(vi)}<br><span class=muted>{_e(en)}</span></li>")
        for warn in rep.warnings:
            w.append(f"<li>Cảnh báo: {_e(warn.location)}: {_e(warn.vi)} <span class=muted>/ {_e(warn.en)}</span></li>")
        for row, ident, first in rep.duplicates[:50]:
            w.append(f"<li>Dòng {row}: mã hồ sơ {_e(ident)} trùng dòng {first}</li>")
        w.append("</ul>")
        w.append("<h2>Danh sách <span class=muted>/ People</span></h2>")
        w.append("<p class=muted>Bấm vào tiêu đề cột để sắp xếp / click a header to sort.</p>")
        w.append(
            '<table class="sortable"><thead><tr><th>Dòng</th><th>Mã hồ sơ</th><th>Họ và tên</th><th>Chức danh</th>'
            "<th>Kết luận</th><th>Không đạt / lỗi</th><th>Cấp có thẩm quyền xem xét</th><th>Chưa rõ</th>"
            "<th>Cột cần bổ sung</th></tr></thead><tbody>\n"
        )
        return "\n".join(w)
