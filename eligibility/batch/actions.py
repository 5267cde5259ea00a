"""Several actions in one pass: ``screen --action planning,appointment,...`` (or ``--action all``).

Each row is read, validated and its facts derived once, then evaluated for each action
(:meth:`eligibility.batch.screen.Screener.screen_all`); each action has its own pool report
(:class:`~eligibility.batch.report.PoolAccumulator`). The reports written here hold, in one file:

* ``.xlsx`` — "Đủ điều kiện cho việc gì" (who is eligible for what: a row per person, a column per action
  with its verdict, and the actions the person is eligible for), then per action its results, findings
  and summary sheets (the sheets of the one-action report), and one "Lỗi dữ liệu" sheet;
* ``.html`` — the same combined table and a section per action (verdicts, failure funnel, missing inputs);
* ``.jsonl`` — one line per row and action (the decision names its action in ``request.action``; an
  error line carries ``action``); ``.parquet`` — one record per row and action (its ``action`` column).

:func:`parse_actions` reads the option (names or codes, comma-separated, or ``all``) and
:func:`requests_for` builds one request per action from one set of request fields, refusing a
nomination without its event with a bilingual error.
"""

from __future__ import annotations

import datetime as dt
import json
import tempfile
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path
from typing import IO, Any, Protocol

from eligibility import templates
from eligibility.batch.outputs import check_output, discard, finish, temporary
from eligibility.batch.report import LABELS, VERDICTS, PoolReport
from eligibility.batch.screen import RowResult
from eligibility.batch.writers import (
    REPORT_FORMATS,
    JsonlWriter,
    Writer,
    errors_text,
    missing_columns,
    open_writer,
    report_context,
    short,
    summary_lines,
)
from eligibility.batch.xlsx import HEADER, TITLE, Sheet, XlsxStream
from eligibility.errors import InputError, Problem
from eligibility.explain import names
from eligibility.explain.decision import OUTCOME_LABELS
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
        raise InputError(
            Problem(
                "--event",
                "cần --event (congress-2020, elections-2021, congress-2025) khi xét cả giới thiệu ứng cử (nomination)",
                "--event (congress-2020, elections-2021, congress-2025) is required when nomination is among the actions",
            )
        )
    return [request_of({**fields, "action": a}, rules) for a in actions]


class ActionsWriter(Protocol):
    """A report of several actions: each row's results together, the pool reports at the end."""

    path: Path
    needs_decision: bool

    def write_all(self, results: Sequence[RowResult]) -> None: ...

    def close_all(self, reports: Sequence[PoolReport]) -> None: ...

    def abort(self) -> None: ...


class OneAction:
    """A one-action writer (:func:`eligibility.batch.writers.open_writer`) as an :class:`ActionsWriter`."""

    def __init__(self, writer: Writer) -> None:
        self.writer = writer
        self.path = writer.path
        self.needs_decision = bool(getattr(writer, "needs_decision", False))

    def write_all(self, results: Sequence[RowResult]) -> None:
        self.writer.write(results[0])

    def close_all(self, reports: Sequence[PoolReport]) -> None:
        self.writer.close(reports[0])

    def abort(self) -> None:
        self.writer.abort()


class EveryAction(OneAction):
    """A writer of one record per result (Parquet: it has an ``action`` column) given every action's."""

    def write_all(self, results: Sequence[RowResult]) -> None:
        for r in results:
            self.writer.write(r)


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
        return ActionsJsonlWriter(p)
    if suffix == ".parquet":
        return EveryAction(open_writer(path, detail=detail, inputs=inputs))
    return ActionsHtmlWriter(p, actions)


def _label(verdict: str | None) -> str:
    return LABELS.get(verdict or "", (verdict or "",))[0]


def _verdict(r: RowResult) -> str:
    return (r.verdict or "") if r.status == "ok" else r.status


def eligible_for(results: Sequence[RowResult]) -> list[str]:
    """The actions (codes) a person is eligible for."""
    return [r.action or "" for r in results if r.status == "ok" and r.verdict == "eligible"]


# ----- JSONL -----------------------------------------------------------------------------------
class ActionsJsonlWriter:
    """One line per row and action: the decision (its ``request.action`` names the action), or the error
    object of :class:`JsonlWriter` with ``action``."""

    needs_decision = True

    def __init__(self, path: Path) -> None:
        self.path = path
        self._one = JsonlWriter(path)

    def write_all(self, results: Sequence[RowResult]) -> None:
        for r in results:
            if r.status == "ok":
                self._one.write(r)
            else:
                self._one._fh.write(json.dumps({**r.error_dict(), "action": r.action}, ensure_ascii=False, default=str))
                self._one._fh.write("\n")

    def close_all(self, reports: Sequence[PoolReport]) -> None:
        self._one.close(reports[0])

    def abort(self) -> None:
        self._one.abort()


# ----- XLSX ------------------------------------------------------------------------------------
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
ERROR_HEADERS = ("Dòng", "Mã hồ sơ", "Họ và tên", "Việc", "Cột", "Giá trị", "Lỗi", "Error")
ERROR_WIDTHS = (7, 14, 24, 18, 30, 20, 60, 60)


class ActionsXlsxWriter:
    """Sheets "Đủ điều kiện cho việc gì" (a row per person, a column per action), then per action
    "<việc> – kết quả", "<việc> – chi tiết" and "<việc> – tổng hợp" (as in the one-action report), and
    "Lỗi dữ liệu" (each error once, with the action it concerns when it is not the row's own)."""

    needs_decision = False

    def __init__(self, path: Path, actions: Sequence[str], *, detail: str = "issues") -> None:
        self.path = path
        self.actions = tuple(actions)
        self.detail = detail
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
        first = results[0]
        self.combined.append(
            (
                first.row,
                first.id,
                first.name,
                *(_label(_verdict(r)) for r in results),
                ", ".join(names.action_name(a) for a in eligible_for(results)),
            )
        )
        seen: set[tuple[Any, ...]] = set()
        for k, r in enumerate(results):
            self._result(k, r)
            for p in r.problems:
                key = (p.row, p.location, p.value, p.vi, p.en)
                if key in seen:  # the row's own error, the same under every action: once
                    continue
                seen.add(key)
                own = all(p in other.problems for other in results)
                self.errors.append(
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

    def _result(self, k: int, r: RowResult) -> None:
        rules = _rules()
        if r.status != "ok":
            self.results[k].append(
                (r.row, r.id, r.name, r.post, LABELS[r.status][0], r.status, None, None, None, None, errors_text(r))
            )
            return
        verdict = r.verdict or ""
        self.results[k].append(
            (
                r.row,
                r.id,
                r.name,
                names.title_name(r.post, rules),
                _label(verdict),
                verdict,
                short(r, "fail"),
                short(r, "waivable"),
                short(r, "unknown"),
                missing_columns(r),
                None,
                dt.date.fromisoformat(r.next_change) if r.next_change else None,
                _label(r.next_verdict) if r.next_verdict else None,
            )
        )
        for b in r.findings if self.detail == "issues" else [*r.findings, *r.passes]:
            if self.details[k].full:  # Excel's row limit: continue on another sheet
                self._parts[k] += 1
                label = SHEET_LABELS.get(self.actions[k], self.actions[k])[:18]
                self.details[k] = self._sheet(f"{label} – chi tiết ({self._parts[k]})", DETAIL_HEADERS, DETAIL_WIDTHS)
            self.details[k].append(
                (
                    r.row,
                    r.id,
                    b.criterion,
                    b.title_vi,
                    OUTCOME_LABELS[b.outcome][0],
                    b.message_vi,
                    b.source,
                    b.confidence,
                    ", ".join(names.input_name(m) for m in b.missing),
                )
            )

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
            for kind, values in summary_lines(rep):
                if kind == "title":
                    sheet.append(values, TITLE)
                elif kind == "head":
                    sheet.append(values, HEADER)
                elif kind == "blank":
                    sheet.append(())
                else:
                    sheet.append(values)
        self.book.save()

    def abort(self) -> None:
        self.book.close()


def _rules() -> RulePack:
    from eligibility.explain.inputs import default_rules

    return default_rules()


# ----- HTML ----------------------------------------------------------------------------------------
class ActionsHtmlWriter:
    """A self-contained page (``pool_actions.html.j2``): who is eligible for what (a sortable table, a
    column per action), then a section per action. The people wait in a temporary file until the
    summaries are known (flat memory)."""

    needs_decision = False

    def __init__(self, path: Path, actions: Sequence[str]) -> None:
        self.path = path
        self.actions = tuple(actions)
        self._rows: IO[str] = tempfile.TemporaryFile("w+", encoding="utf-8")  # noqa: SIM115 - closed in close_all()

    def write_all(self, results: Sequence[RowResult]) -> None:
        first = results[0]
        person = {
            "row": first.row,
            "id": first.id,
            "name": first.name,
            "verdicts": [{"code": _verdict(r), "label": _label(_verdict(r))} for r in results],
            "eligible": ", ".join(names.action_name(a) for a in eligible_for(results)),
        }
        self._rows.write(json.dumps(person, ensure_ascii=False, default=str) + "\n")

    def _people(self) -> Iterator[dict[str, Any]]:
        self._rows.seek(0)
        for line in self._rows:
            yield json.loads(line)

    def close_all(self, reports: Sequence[PoolReport]) -> None:
        tmp = temporary(self.path)
        try:
            sections = [
                {"code": a, "name": names.action_name(a), "r": report_context(rep)}
                for a, rep in zip(self.actions, reports, strict=True)
            ]
            page = templates.stream(
                "pool_actions.html.j2",
                sections=sections,
                people=self._people(),
                lang="vi",
                stylesheets=["report.css"],
            )
            with tmp.open("w", encoding="utf-8") as out:
                out.writelines(page)
            finish(tmp, self.path)
        finally:
            discard(tmp)
            self._rows.close()

    def abort(self) -> None:
        self._rows.close()
