"""Reading a CSV pool: the standard csv module with the Excel dialect, every physical line accounted for.

* UTF-8 with or without a byte-order mark; a file whose first lines are not UTF-8 is refused (Excel's
  "CSV UTF-8" is asked for); a later line that is not is that row's input error.
* The delimiter (``,`` ``;`` or tab) is the one under which a header row is found in the first lines —
  not whatever line 1 looks like (a title line may hold a ``;``).
* Quotes as Excel writes them (a field in quotes, a quote inside doubled) are read strictly. A quote left
  open (``"Út Nguyễn`` typed by hand) would swallow the lines after it; instead the record it opens is an
  error naming its line, and reading starts again on the next line — no row disappears. A record that
  spans several lines (a cell with line breaks, as Excel writes them) is kept only when it has as many
  fields as the header; otherwise it too is an open quote.
* Limits (:class:`~eligibility.batch.limits.Limits`): a line or record longer than ``line_chars`` and a
  cell longer than ``cell_chars`` are that row's error; more than ``columns`` header fields or more than
  ``rows`` records refuse the file.
* Split here, parsed elsewhere (``records(..., raw=...)``): a line that is a whole record by itself is
  recognised without parsing it (:func:`complete`: its quotes split it into pieces that must alternate
  between quoted text and delimiters) and handed on as its text; :func:`one_line` turns it into the same
  :class:`Record` that reading it here would have given, in the worker process that screens it. A line
  that cannot be told so cheaply (an open quote, a quote inside an unquoted field, a carriage return
  inside the line, a line that is not UTF-8) is read here as before.
"""

from __future__ import annotations

import csv
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO

from eligibility.batch.limits import Limits, number, refuse
from eligibility.errors import InputError, Problem

SAMPLE_LINES = 40
DELIMITERS = (",", ";", "\t")


@dataclass
class Record:
    """One CSV record: the physical line it starts on, its fields, and what is wrong with it (if anything)."""

    line: int
    fields: list[str] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    lines: int = 1  # physical lines it spans
    text: str | None = None  # a whole record on one line, not yet parsed (``records(..., raw=...)``)
    count: int = 0  # with ``text``: the number of fields it holds (known from its quotes and delimiters)
    delimiter: str = ","  # with ``text``: the file's


class _Lines:
    """Physical lines of a binary file, numbered from 1, decoded as UTF-8, with push-back."""

    def __init__(self, fh: IO[bytes], limit: int) -> None:
        self.fh = fh
        self.limit = limit
        self.no = 0
        self.back: list[tuple[int, str | None]] = []

    def next(self) -> tuple[int, str | None] | None:
        """(line number, text) — text None for a line that is not UTF-8 or longer than the limit."""
        if self.back:
            return self.back.pop()
        raw = self.fh.readline(4 * self.limit + 1)
        if not raw:
            return None
        self.no += 1
        if len(raw) > 4 * self.limit and not raw.endswith(b"\n"):
            while True:  # skip the rest of an over-long line without holding it
                more = self.fh.readline(1 << 20)
                if not more or more.endswith(b"\n"):
                    break
            return self.no, None
        if self.no == 1 and raw.startswith(b"\xef\xbb\xbf"):
            raw = raw[3:]
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError:
            return self.no, None
        if len(text) > self.limit:
            return self.no, None
        return self.no, text

    def push(self, lines: list[tuple[int, str | None]]) -> None:
        self.back.extend(reversed(lines))


def sniff(path: Path, limits: Limits, recognised: object) -> str:
    """The delimiter under which a header row appears in the first lines (``recognised(cells)`` counts the
    documented columns a row names); refuses a file whose first lines are not UTF-8."""
    with path.open("rb") as fh:
        head = fh.read(256 * 1024)
    if head.startswith(b"\xef\xbb\xbf"):
        head = head[3:]
    cut = head.rfind(b"\n")
    sample = head if cut < 0 or len(head) < 256 * 1024 else head[: cut + 1]
    try:
        text = sample.decode("utf-8")
    except UnicodeDecodeError as exc:
        if exc.start < len(sample) - 4:
            raise InputError(
                Problem(
                    str(path),
                    'tệp CSV không phải UTF-8 (trong Excel chọn "CSV UTF-8")',
                    'the CSV file is not UTF-8 (in Excel choose "CSV UTF-8")',
                )
            ) from None
        text = sample[: exc.start].decode("utf-8")
    lines = text.splitlines(keepends=True)[:SAMPLE_LINES]
    best, best_score = ",", (-1, 0)
    for d in DELIMITERS:
        try:
            rows = list(csv.reader(lines, delimiter=d))
        except csv.Error:
            continue
        named = max((recognised(r) for r in rows), default=0)  # type: ignore[operator]
        fields = max((len(r) for r in rows), default=0)
        score = (named, fields)
        if score > best_score:
            best, best_score = d, score
    return best


def records(
    path: Path, delimiter: str, limits: Limits, header_fields: list[int], raw: list[bool] | None = None
) -> Iterator[Record]:
    """Every record of the file in order. ``header_fields`` holds one number, the header's field count, once
    the caller knows it (multi-line records are judged against it). While ``raw`` holds ``True``, a line that
    is a whole record by itself (:func:`complete`) is yielded unparsed: ``Record.text`` and ``Record.count``,
    for :func:`one_line` to parse where the row is screened."""
    csv.field_size_limit(max(csv.field_size_limit(), limits.line_chars))
    where = str(path)
    with path.open("rb") as fh:
        src = _Lines(fh, limits.line_chars)
        count = 0
        while True:
            rec = _raw(src, delimiter) if raw and raw[0] else None
            if rec is None:
                rec = _record(src, delimiter, limits, header_fields)
            if rec is None:
                return
            count += 1
            if count > limits.rows:
                raise refuse(
                    where,
                    f"rows = {limits.rows}",
                    f"tệp có hơn {number(limits.rows)} dòng dữ liệu, giới hạn của Excel",
                    f"the file has more than {number(limits.rows)} records, Excel's limit",
                )
            yield rec


def complete(text: str, delimiter: str) -> int | None:
    """The number of fields of ``text`` (one physical line) if the csv module reads it, strictly, as one
    whole record without error — found without parsing it — or None if that cannot be told cheaply.

    Split at its quotes, a well-formed line alternates between the text outside quotes and the text inside
    them. Each piece outside must open and close at a field's edge: the first ends with the delimiter (or is
    empty: a quote opens the line), the last starts with it (or is empty), a middle one does both, or is
    empty (a doubled quote inside a quoted field). An odd number of quotes (a field left open: perhaps a
    record over several lines), a quote inside an unquoted field (``5"``, which the csv module keeps as
    text) and a carriage return inside the line give None: :func:`_record` reads such a line."""
    body = text[:-1] if text.endswith("\n") else text
    body = body.rstrip("\r")
    if "\r" in body:
        return None
    if '"' not in body:
        return body.count(delimiter) + 1 if body else 0
    parts = body.split('"')
    if not len(parts) % 2:
        return None
    outside = parts[::2]
    head, tail = outside[0], outside[-1]
    if (head and head[-1] != delimiter) or (tail and tail[0] != delimiter):
        return None
    for piece in outside[1:-1]:
        if piece and (piece[0] != delimiter or piece[-1] != delimiter):
            return None
    return "".join(outside).count(delimiter) + 1


def one_line(line: int, text: str, delimiter: str, limits: Limits) -> Record:
    """The record of ``text``, a line :func:`complete` accepted, parsed and checked as :func:`records`
    would have read it (wherever it is called: a worker process screening the row). A line it did not
    accept and that is not one record is the quote error (what :func:`records` says of a line it cannot
    continue)."""
    csv.field_size_limit(max(csv.field_size_limit(), limits.line_chars))
    try:
        rows = list(csv.reader(_split(text), delimiter=delimiter, strict=True))
    except csv.Error:
        rows = [[], []]
    if len(rows) > 1:
        return Record(line, problems=[_quote_problem(line)])
    return _checked(Record(line, rows[0] if rows else []), limits)


def _raw(src: _Lines, delimiter: str) -> Record | None:
    """The next line as an unparsed record, if it is one by itself (else it is pushed back)."""
    nxt = src.next()
    if nxt is None:
        return None
    start, text = nxt
    fields = None if text is None else complete(text, delimiter)
    if text is None or fields is None:
        src.push([nxt])
        return None
    return Record(start, text=text, count=fields, delimiter=delimiter)


def _split(buf: str) -> list[str]:
    """Physical lines of ``buf`` (only "\n" ends a line here: a cell may hold other separators)."""
    parts = buf.split("\n")
    out = [p + "\n" for p in parts[:-1]]
    if parts[-1]:
        out.append(parts[-1])
    return out


def _problem(line: int, vi: str, en: str) -> Problem:
    return Problem(f"dòng {line} của tệp / line {line} of the file", vi, en, None, line)


def _record(src: _Lines, delimiter: str, limits: Limits, header_fields: list[int]) -> Record | None:
    first = src.next()
    if first is None:
        return None
    consumed = [first]
    start, text = first
    if text is None:
        return Record(
            start,
            problems=[
                _problem(
                    start,
                    f"dòng không đọc được: không phải UTF-8, hoặc dài quá {number(limits.line_chars)} ký tự",
                    f"unreadable line: not UTF-8, or longer than {number(limits.line_chars)} characters",
                )
            ],
        )
    buf = text
    while True:
        try:
            rows = list(csv.reader(_split(buf), delimiter=delimiter, strict=True))
            error = None
        except csv.Error as exc:
            rows, error = [], str(exc)
        if error is None and len(rows) <= 1:
            fields = rows[0] if rows else []
            break
        open_quote = error is not None and ("unexpected end of data" in error or "newline inside string" in error)
        if open_quote and len(buf) < limits.line_chars:
            nxt = src.next()
            if nxt is not None and nxt[1] is not None:
                consumed.append(nxt)
                buf += nxt[1]
                continue
            if nxt is not None:
                consumed.append(nxt)
        # an open quote (or a quote out of place): this record is an error, the next line starts afresh
        src.push(consumed[1:])
        return Record(start, problems=[_quote_problem(start)])
    if len(consumed) > 1 and header_fields and len(fields) != header_fields[0]:
        src.push(consumed[1:])  # a record over several lines that does not fit the header: an open quote
        return Record(
            start,
            problems=[
                _problem(
                    start,
                    'dấu ngoặc kép (") mở ở dòng này nhưng không đóng đúng chỗ; sửa ô trên dòng này (các dòng sau vẫn '
                    "được đọc)",
                    'a double quote (") opened on this line is not closed where it should be; fix the cell on this line '
                    "(the lines after it are still read)",
                )
            ],
        )
    return _checked(Record(start, fields, lines=len(consumed)), limits)


def _quote_problem(line: int) -> Problem:
    return _problem(
        line,
        'dấu ngoặc kép (") mở mà không đóng, hoặc đặt sai chỗ; sửa ô trên dòng này (các dòng sau vẫn được đọc)',
        'a double quote (") opened and never closed, or out of place; fix the cell on this line (the '
        "lines after it are still read)",
    )


def _checked(rec: Record, limits: Limits) -> Record:
    """``rec`` with a cell past ``cell_chars`` (then its fields are dropped) or fields past ``columns``
    as its problem."""
    start, fields = rec.line, rec.fields
    long = (
        [i for i, f in enumerate(fields) if len(f) > limits.cell_chars]
        if sum(map(len, fields)) > limits.cell_chars
        else []
    )
    if long:
        rec.problems.append(
            _problem(
                start,
                f"ô thứ {long[0] + 1} dài quá {number(limits.cell_chars)} ký tự (giới hạn của Excel); dòng không được đọc",
                f"field {long[0] + 1} is longer than {number(limits.cell_chars)} characters (Excel's limit); the row "
                "is not read",
            )
        )
        rec.fields = []
    elif len(fields) > limits.columns:
        rec.problems.append(
            _problem(
                start,
                f"dòng có quá {number(limits.columns)} cột (giới hạn của Excel)",
                f"the line has more than {number(limits.columns)} fields (Excel's limit)",
            )
        )
    return rec
