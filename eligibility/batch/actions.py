"""Several actions in one pass: ``screen --action planning,appointment,...`` (or ``--action all``).

Each row is read, validated and its facts derived once, then evaluated for each action
(:meth:`eligibility.batch.screen.Screener.screen_all`); each action has its own pool report
(:class:`~eligibility.batch.report.PoolAccumulator`). The reports written here hold, in one file:

* ``.xlsx`` — "Đủ điều kiện cho việc gì" (who is eligible for what: a row per person, a column per action
  with its verdict, and the actions the person is eligible for), then per action its results, findings
  and summary sheets (the one-action report's cells, written by the same functions of
  :mod:`eligibility.batch.writers`), and one "Lỗi dữ liệu" sheet;
* ``.html`` — the same combined table and a section per action (verdicts, failure funnel, missing inputs,
  targets with their citations, the action's own notes such as its coverage line: the one-action page's
  parts, ``_pool_parts.html.j2``), the notes common to all actions once;
* ``.jsonl`` — one line per row and action (the decision names its action in ``request.action``; an
  error line carries ``action``); ``.parquet`` — one record per row and action (its ``action`` column).

:func:`parse_actions` reads the option (names or codes, comma-separated, or ``all``) and
:func:`requests_for` builds one request per action from one set of request fields, refusing a
nomination without its event with a bilingual error.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

from eligibility.batch.outputs import check_output
from eligibility.batch.parts import Part, part_of
from eligibility.batch.report import LABELS, VERDICTS, PoolReport
from eligibility.batch.screen import RowResult
from eligibility.batch.writers import (
    REPORT_FORMATS,
    JsonlWriter,
    PagePerson,
    Spool,
    Writer,
    XlsxWriter,
    detail_lines,
    open_writer,
    report_context,
    result_cells,
    write_page,
    write_summary,
)
from eligibility.batch.xlsx import HEADER, TITLE, Line, Sheet, XlsxStream, row_xml
from eligibility.errors import InputError, Problem
from eligibility.explain import names
from eligibility.explain.inputs import RequestLike, request_of
from eligibility.model import levels as lv
from eligibility.model.request import Request
from eligibility.rulepack.loader import RulePack

ALL = tuple(lv.ACTION.codes)
# sheet-name labels (Excel allows 31 characters a sheet name)
SHEET_LABELS = {
    "planning": "Quy hoạch",
    "appointment": "Bổ nhiệm",
    "reappointment": "Bổ nhiệm lại",
    "nomination": "Giới thiệu ƯC",
    "rotation": "Luân chuyển",
    "nonlocal_placement": "Bố trí ngoài ĐP",
}


def parse_actions(value: str | Sequence[str]) -> tuple[str, ...]:
    """The actions asked for: codes or names (Vietnamese or English), comma-separated, or ``all``; in the
    order given, each once. :class:`InputError` (naming ``--action``) for an unknown one."""
    parts = value.split(",") if isinstance(value, str) else list(value)
    texts = [p.strip() for p in parts if p and p.strip()]
    if any(lv.fold(t) in ("all", "tat ca") for t in texts):
        return ALL
    out: list[str] = []
    problems: list[Problem] = []
    for text in texts:
        try:
            code = lv.ACTION.parse(text)
        except ValueError:
            problems.append(
                Problem(
                    "--action",
                    f"không có việc này; dùng: {', '.join(ALL)} hoặc all",
                    f"no such action; use: {', '.join(ALL)} or all",
                    text,
                )
            )
            continue
        if code not in out:
            out.append(code)
    if problems:
        raise InputError(problems)
    if not out:
        raise InputError(Problem("--action", "cần ít nhất một việc", "at least one action is needed"))
    return tuple(out)


def requests_for(request: RequestLike, actions: Sequence[str], rules: RulePack) -> list[Request]:
    """One request per action from the same fields (a date left out is each action's own default: today,
    or a nomination's reference month). A nomination among several actions needs its ``event``."""
    fields: dict[str, Any] = (
        request.model_dump(mode="json", exclude_none=True) if isinstance(request, Request) else dict(request)
    )
    if "nomination" in actions and len(actions) > 1 and not fields.get("event"):
        events = ", ".join(rules.events)  # the rule pack's nomination events
        raise InputError(
            Problem(
                "--event",
                f"cần --event ({events}) khi xét cả giới thiệu ứng cử",
                f"--event ({events}) is required when nomination is among the actions",
            )
        )
    return [request_of({**fields, "action": a}, rules) for a in actions]


class ActionsWriter(Protocol):
    """A report of several actions: each row's results together, the pool reports at the end. ``part`` makes
    what it needs of a row (built where the row is screened, :class:`eligibility.batch.writers.RowParts`);
    ``write_all`` appends it."""

    path: Path
    needs_decision: bool

    @property
    def part(self) -> Part: ...

    def write_all(self, results: Sequence[RowResult]) -> None: ...

    def close_all(self, reports: Sequence[PoolReport]) -> None: ...

    def abort(self) -> None: ...


class OneAction:
    """A writer of :func:`eligibility.batch.writers.open_writer` as an :class:`ActionsWriter`: the one-action
    report, or a report whose part holds every action's results (.jsonl lines, Parquet records)."""

    def __init__(self, writer: Writer) -> None:
        self.writer = writer
        self.path = writer.path
        self.part = writer.part
        self.needs_decision = bool(getattr(writer, "needs_decision", False))

    def write_all(self, results: Sequence[RowResult]) -> None:
        self.writer.append(part_of(results, self.part))

    def close_all(self, reports: Sequence[PoolReport]) -> None:
        self.writer.close(reports[0])

    def abort(self) -> None:
        self.writer.abort()


def open_actions_writer(
    path: str | Path, actions: Sequence[str], *, detail: str = "issues", inputs: Iterable[str | Path] = ()
) -> ActionsWriter:
    """A writer of ``path`` by its extension: the one-action report for one action, else the report of
    several actions (.xlsx, .jsonl, .html)."""
    if len(actions) == 1:
        return OneAction(open_writer(path, detail=detail, inputs=inputs))
    p = Path(path)
    suffix = p.suffix.lower()
    if suffix not in REPORT_FORMATS:
        return OneAction(open_writer(path, detail=detail, inputs=inputs))  # its error names the formats
    check_output(p, "--out", inputs)
    if suffix == ".xlsx":
        return ActionsXlsxWriter(p, actions, detail=detail)
    if suffix == ".jsonl":
        return OneAction(JsonlWriter(p, several=True))
    if suffix == ".parquet":
        return OneAction(open_writer(path, detail=detail, inputs=inputs))  # a record per row and action
    return ActionsHtmlWriter(p, actions)


def _label(verdict: str | None) -> str:
    return LABELS.get(verdict or "", (verdict or "",))[0]


def _verdict(r: RowResult) -> str:
    return (r.verdict or "") if r.status == "ok" else r.status


def eligible_for(results: Sequence[RowResult]) -> list[str]:
    """The actions (codes) a person is eligible for."""
    return [r.action or "" for r in results if r.status == "ok" and r.verdict == "eligible"]


# ----- XLSX ------------------------------------------------------------------------------------
RESULT_HEADERS, RESULT_WIDTHS = XlsxWriter.RESULT_HEADERS, XlsxWriter.RESULT_WIDTHS  # the one-action sheets
DETAIL_HEADERS, DETAIL_WIDTHS = XlsxWriter.DETAIL_HEADERS, XlsxWriter.DETAIL_WIDTHS
ERROR_HEADERS = ("Dòng", "Mã hồ sơ", "Họ và tên", "Việc", "Cột", "Giá trị", "Lỗi", "Error")
ERROR_WIDTHS = (7, 14, 24, 18, 30, 20, 60, 60)


def combined_cells(results: Sequence[RowResult]) -> tuple[Any, ...]:
    """A row's line of "Đủ điều kiện cho việc gì": its verdict under each action, the actions it is eligible for."""
    first = results[0]
    return (
        first.row,
        first.id,
        first.name,
        *(_label(_verdict(r)) for r in results),
        ", ".join(names.action_name(a) for a in eligible_for(results)),
    )


def actions_error_cells(results: Sequence[RowResult]) -> list[tuple[Any, ...]]:
    """A row's lines of "Lỗi dữ liệu": each error once, with the action it concerns when it is not the row's own."""
    out: list[tuple[Any, ...]] = []
    seen: set[tuple[Any, ...]] = set()
    for r in results:
        for p in r.problems:
            key = (p.row, p.location, p.value, p.vi, p.en)
            if key in seen:  # the row's own error, the same under every action: once
                continue
            seen.add(key)
            own = all(p in other.problems for other in results)
            out.append(
                (
                    p.row if p.row is not None else r.row,
                    r.id,
                    r.name,
                    None if own else names.action_name(r.action),
                    p.location,
                    None if p.value is None else str(p.value),
                    p.vi,
                    p.en,
                )
            )
    return out


ActionsXlsxPart = tuple[Line, tuple[tuple[Line, tuple[Line, ...]], ...], tuple[Line, ...]]


@dataclass(frozen=True)
class ActionsXlsxRow:
    """A row's lines of the several-action workbook (:class:`ActionsXlsxWriter`), as SpreadsheetML: the
    combined line, each action's result and findings (the one-action report's cells:
    :func:`~eligibility.batch.writers.result_cells`, :func:`~eligibility.batch.writers.detail_cells`), the
    input errors."""

    actions: tuple[str, ...]
    detail: str = "issues"

    @property
    def name(self) -> str:
        return f"xlsx:{self.detail}:{','.join(self.actions)}"

    def __call__(self, results: Sequence[RowResult]) -> ActionsXlsxPart:
        return (
            row_xml(combined_cells(results)),
            tuple((row_xml(result_cells(r)), detail_lines(r, self.detail)) for r in results),
            tuple([row_xml(values) for values in actions_error_cells(results)]),
        )


class ActionsXlsxWriter:
    """Sheets "Đủ điều kiện cho việc gì" (a row per person, a column per action), then per action
    "<việc> – kết quả", "<việc> – chi tiết" and "<việc> – tổng hợp" (as in the one-action report), and
    "Lỗi dữ liệu" (each error once, with the action it concerns when it is not the row's own)."""

    needs_decision = False

    def __init__(self, path: Path, actions: Sequence[str], *, detail: str = "issues") -> None:
        self.path = path
        self.actions = tuple(actions)
        self.detail = detail
        self.part = ActionsXlsxRow(self.actions, detail)
        self.book = XlsxStream(path)
        widths = (7, 14, 24, *(20 for _ in self.actions), 40)
        self.combined = self._sheet(
            "Đủ điều kiện cho việc gì",
            ("Dòng", "Mã hồ sơ", "Họ và tên", *(names.action_name(a) for a in self.actions), "Đủ điều kiện cho"),
            widths,
        )
        self.results: list[Sheet] = []
        self.details: list[Sheet] = []
        self.summaries: list[Sheet] = []
        self._parts = [1] * len(self.actions)
        for a in self.actions:
            label = SHEET_LABELS.get(a, a)[:18]
            self.results.append(self._sheet(f"{label} – kết quả", RESULT_HEADERS, RESULT_WIDTHS))
            self.details.append(self._sheet(f"{label} – chi tiết", DETAIL_HEADERS, DETAIL_WIDTHS))
            self.summaries.append(self.book.add_sheet(f"{label} – tổng hợp", (60, 16, 16, 16, 16, 16, 16, 16, 16, 40)))
        self.errors = self._sheet("Lỗi dữ liệu", ERROR_HEADERS, ERROR_WIDTHS)

    def _sheet(self, title: str, headers: Iterable[str], widths: Iterable[float]) -> Sheet:
        ws = self.book.add_sheet(title, list(widths), freeze_header=True)
        ws.autofilter = True
        ws.append(headers, HEADER)
        return ws

    def write_all(self, results: Sequence[RowResult]) -> None:
        self.append(part_of(results, self.part))

    def append(self, part: ActionsXlsxPart) -> None:
        """A row's part (:class:`ActionsXlsxRow`): its lines appended, numbered here."""
        combined, actions, errors = part
        self.combined.add(combined)
        for k, (result, details) in enumerate(actions):
            self.results[k].add(result)
            for line in details:
                if self.details[k].full:  # Excel's row limit: continue on another sheet
                    self._parts[k] += 1
                    label = SHEET_LABELS.get(self.actions[k], self.actions[k])[:18]
                    self.details[k] = self._sheet(
                        f"{label} – chi tiết ({self._parts[k]})", DETAIL_HEADERS, DETAIL_WIDTHS
                    )
                self.details[k].add(line)
        for line in errors:
            self.errors.add(line)

    def close_all(self, reports: Sequence[PoolReport]) -> None:
        first = reports[0]
        for w in first.warnings:
            where = None if w.value is None else str(w.value)
            self.errors.append(
                (w.row, None, None, None, w.location, where, "(toàn tệp) " + w.vi, "(whole file) " + w.en)
            )
        for row, ident, other in first.duplicates:
            self.errors.append(
                (
                    row,
                    ident,
                    None,
                    None,
                    "Mã hồ sơ",
                    ident,
                    f"trùng mã hồ sơ với dòng {other} (vẫn được xét)",
                    f"same file id as row {other} (still screened)",
                )
            )
        self.combined.append(())
        self.combined.append(("Số người theo kết luận / people by verdict",), TITLE)
        self.combined.append(("Kết luận", "", "", *(names.action_name(a) for a in self.actions)), HEADER)
        for v in VERDICTS:
            self.combined.append((LABELS[v][0], None, None, *(rep.verdicts.get(v, 0) for rep in reports)))
        for sheet, rep in zip(self.summaries, reports, strict=True):
            write_summary(sheet, rep)  # the one-action report's "Tổng hợp": targets, citations, coverage line
        self.book.save()

    def abort(self) -> None:
        self.book.close()


# ----- HTML ----------------------------------------------------------------------------------------
def person_verdicts(results: Sequence[RowResult]) -> dict[str, Any]:
    """A row's person on the several-action page: its verdict under each action, what it is eligible for."""
    first = results[0]
    return {
        "row": first.row,
        "id": first.id,
        "name": first.name,
        "verdicts": [{"code": _verdict(r), "label": _label(_verdict(r))} for r in results],
        "eligible": ", ".join(names.action_name(a) for a in eligible_for(results)),
    }


class ActionsHtmlWriter:
    """A self-contained page (``pool_actions.html.j2``): who is eligible for what (a sortable table, a
    column per action), then a section per action. The people wait in a temporary file until the
    summaries are known (flat memory)."""

    needs_decision = False

    part = PagePerson("html+actions", person_verdicts)

    def __init__(self, path: Path, actions: Sequence[str]) -> None:
        self.path = path
        self.actions = tuple(actions)
        self._people = Spool()

    def write_all(self, results: Sequence[RowResult]) -> None:
        self._people.append(part_of(results, self.part))

    def close_all(self, reports: Sequence[PoolReport]) -> None:
        try:
            contexts = [report_context(rep) for rep in reports]
        except BaseException:
            self._people.close()
            raise
        # notes every report has are shown once; the others (the coverage line of each action's request, …)
        # in the action's section
        common = [n for n in contexts[0]["notes"] if all(n in c["notes"] for c in contexts)]
        sections = [
            {
                "code": a,
                "name": names.action_name(a),
                "r": c,
                "notes": [n for n in c["notes"] if n not in common],
            }
            for a, c in zip(self.actions, contexts, strict=True)
        ]
        write_page(self.path, "pool_actions.html.j2", self._people, sections=sections, notes=common)

    def abort(self) -> None:
        self._people.close()
