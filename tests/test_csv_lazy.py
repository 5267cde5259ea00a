"""A CSV pool read lazily (the reading process splits records, the workers parse them) gives exactly what
reading it eagerly gives: the same rows in the same order, each row (once resolved where it is screened)
equal field by field, and the same file-level warnings, blank and skipped rows, and refusals.

The corpus is the hostile CSV files of ``test_hostile`` and the officers' shapes of ``test_shapes``,
plus hand-made lines that go past the first rows (the header is looked for in the first 20 records, which
are always parsed by the reader; the records after them are the ones left to the workers), and a
hypothesis property over lines of quotes, delimiters, carriage returns and blanks."""

from __future__ import annotations

import csv
import io
import pickle
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import test_hostile
from hostile import HEADERS, csv_text, person
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from eligibility.batch import csvfile
from eligibility.batch.limits import Limits
from eligibility.batch.reader import PoolRow, read_pool
from eligibility.errors import InputError

FIELDS = ("row", "data", "profile", "request", "problems", "layout", "id", "name", "pre")
FRESH_FIELD_LIMIT = csv.field_size_limit()  # what a freshly started worker process has


def _read(path: Path, lazy: bool, limits: Limits | None = None) -> tuple[Any, list[PoolRow] | None, int]:
    """(what the file gives: rows as field tuples and the source's warnings, or the refusal; the rows;
    how many rows were left unparsed to resolve)."""
    try:
        source = read_pool(path, lazy=lazy, limits=limits)
        rows = list(source)
    except InputError as exc:
        return ("refused", exc.problems, str(exc)), None, 0
    unparsed = sum(1 for r in rows if r.text is not None)
    if lazy:  # as a worker gets them: pickled, in a process where the reader never widened the csv module's limit
        rows = pickle.loads(pickle.dumps(rows))
        wide = csv.field_size_limit(FRESH_FIELD_LIMIT)
        try:
            for r in rows:
                r.resolve()
        finally:
            csv.field_size_limit(wide)
    got = [tuple(getattr(r, f) for f in FIELDS) for r in rows]
    summary = (source.kind, source.layout, source.warnings, source.late_warnings, source.blank_rows)
    return (got, summary, source.skipped_rows, source.total_estimate), rows, unparsed


def assert_same(path: Path, limits: Limits | None = None) -> int:
    """Eager and lazy agree on ``path``; the number of rows the lazy reading left unparsed."""
    eager, _, _ = _read(path, False, limits)
    lazy, rows, unparsed = _read(path, True, limits)
    if eager != lazy and eager[0] != "refused":
        for a, b in zip(eager[0], lazy[0], strict=False):
            assert a == b
        assert eager[1:] == lazy[1:]
    assert eager == lazy
    return unparsed


def _file(tmp: Path, text: str, name: str = "pool.csv") -> Path:
    p = tmp / name
    p.write_bytes(text.encode("utf-8"))
    return p


def _people(n: int, start: int = 1) -> list[list[str]]:
    return [person(i) for i in range(start, start + n)]


def _after_head(tmp: Path, lines: list[str], delimiter: str = ",", end: str = "\r\n") -> Path:
    """The header and 25 people, then ``lines`` as written (so they fall past the header search)."""
    head = csv_text([HEADERS, *_people(25)], delimiter).replace("\r\n", end)
    return _file(tmp, head + "".join(lines))


HOSTILE: list[Callable[[Path], Path]] = [
    build
    for name, build in vars(test_hostile).items()
    if name.startswith("csv_") and callable(build) and build.__module__ == test_hostile.__name__
]


@pytest.mark.parametrize("build", HOSTILE, ids=lambda b: b.__name__)
def test_the_hostile_csv_files_read_the_same_eagerly_and_lazily(tmp_path: Path, build: Callable[[Path], Path]) -> None:
    assert_same(build(tmp_path))


def test_the_corpus_is_read_lazily_past_the_header_search(tmp_path: Path) -> None:
    # the equality above is not vacuous: past the first 20 records, well-formed lines are left to the workers
    assert assert_same(test_hostile.csv_stray_quote(tmp_path)) == 51 - 20  # lines 21–51; 1–20: the header search
    assert assert_same(test_hostile.csv_excel_quotes(tmp_path)) > 0


ODD_LINES = {
    "quoted cells with delimiters and doubled quotes": [
        '26,H0026,"Nguyễn ""Bé"", An",nam,1970-01-01,đại học\r\n',
        '"27","H0027","Lê, Văn","nữ","1971-02-02","thạc sĩ"\r\n',
        '28,H0028,"",nam,1972-03-03,""\r\n',
        '29,H0029,x,nam,1973-04-04,""""\r\n',
    ],
    "a cell over several lines, then one that does not fit the header": [
        '26,H0026,"Trần\r\nThị Hoa",nữ,1970-01-01,đại học\r\n',
        '27,H0027,"Lê\r\n,x,y\r\n28,H0028,Z,nam,1970-01-01,đại học\r\n',
        "29,H0029,Z,nam,1970-01-01,đại học\r\n",
    ],
    "open and misplaced quotes": [
        '26,H0026,"Út Nguyễn,nam,1970-01-01,đại học\r\n',
        '27,H0027,Út" Nguyễn,nam,1970-01-01,đại học\r\n',
        '28,H0028,"Út" Nguyễn,nam,1970-01-01,đại học\r\n',
        '29,H0029,"Út"x,nam,1970-01-01,"đại học\r\n',
        "30,H0030,A,nam,1970-01-01,đại học\r\n",
        '31,"H0031,A,nam,1970-01-01,đại học\r\n',
        '32,H0032,A,nam,1970-01-01,"đại" học"\r\n',
        '"\r\n',
        '""\r\n',
    ],
    "quotes in the personal columns": [
        '26,H0026,A,"nam","1970-01-01",đại học\r\n',
        '27,H0027,A,"",1970,đại học\r\n',
        '28,H0028,A,"nam"\r\n',
        '29,H0029,A,"   ",""\r\n',
    ],
    "carriage returns and blank lines": [
        "\r\n",
        "\n",
        "\r",
        ",,,,,\r\n",
        "26,H0026,A\rB,nam,1970-01-01,đại học\r\n",
        "27,H0027,A,nam,1970-01-01,đại học\r\r\n",
        "28,H0028,A,nam,1970-01-01,đại học\n",
        '29,H0029,"A\rB",nam,1970-01-01,đại học\r\n',
        " ,  ,\t, ,\u00a0,\r\n",
    ],
    "short, long and odd records": [
        "26,H0026\r\n",
        "27,H0027,A,nam\r\n",
        "28,H0028,A,,\r\n",
        "29,H0029,A,nữ,1970-01-01,đại học,thừa,nữa\r\n",
        "30,H0030,A,nữ,1970-01-01,đại học,,\r\n",
        "31,,,,1970\r\n",
        "32,H\x0032,A\x00,nam,1970-01-01,x\r\n",
        "33,H0033,A,nam,\u20281970-01-01,x\r\n",
        "34,H0034,A,nam,1970-01-01,đại học",  # no line end at the end of the file
    ],
    "headings, numbering and the signature block": [
        "I.,KHỐI ĐẢNG\r\n",
        "26,H0026,A,nam,1970-01-01,đại học\r\n",
        "27\r\n",
        ",,,,,\r\n",
        "II. KHỐI CHÍNH QUYỀN\r\n",
        "28,H0028,A,nam,1970-01-01,đại học\r\n",
        ",Lào Cai, ngày 15 tháng 10 năm 2025\r\n",
        ",NGƯỜI LẬP BIỂU\r\n",
        ",Nguyễn Văn X\r\n",
        "29,H0029,A,nam,1970-01-01,đại học\r\n",
        ",Trần Thị Y\r\n",
    ],
    "formula-like cells": [
        '26,=HYPERLINK("x"),A,nam,1970-01-01,đại học\r\n',
        '27,H0027,"=1+2",nam,1970-01-01,@SUM(A1)\r\n',
        "28,+H0028,-A,nam,1970-01-01,đại học\r\n",
    ],
}


@pytest.mark.parametrize("name", list(ODD_LINES))
def test_odd_lines_past_the_head_read_the_same(tmp_path: Path, name: str) -> None:
    assert_same(_after_head(tmp_path, ODD_LINES[name]))


@pytest.mark.parametrize("delimiter", [",", ";", "\t"])
@pytest.mark.parametrize("end", ["\r\n", "\n"])
def test_every_delimiter_and_line_end(tmp_path: Path, delimiter: str, end: str) -> None:
    lines = [csv_text([r], delimiter).replace("\r\n", end) for r in _people(10, 26)]
    lines[3] = csv_text([["29", "H0029", f'a{delimiter}"b"', "nam", "1970", "x"]], delimiter)
    assert assert_same(_after_head(tmp_path, lines, delimiter, end)) >= 9


def test_a_bom_a_title_line_and_a_two_row_header(tmp_path: Path) -> None:
    rows = [
        ["DANH SÁCH; NĂM 2025"],
        ["", "", "", "Trình độ", "", ""],
        ["STT", "Mã hồ sơ", "Họ và tên", "Giới tính", "Ngày sinh", "Chuyên môn"],
    ]
    text = "\ufeff" + csv_text(rows + _people(30), ";")
    assert assert_same(_file(tmp_path, text)) > 0


def test_unnamed_columns_and_an_stt_column_are_counted_the_same(tmp_path: Path) -> None:
    rows = [[*HEADERS, "", "Ghi chú", ""]] + [
        [*p, "x" if i % 3 else "", "y", '"q"' if i % 5 else ""] for i, p in enumerate(_people(40))
    ]
    rows[30][6] = 'có "ngoặc", và phẩy'
    text = csv_text(rows)
    assert assert_same(_file(tmp_path, text)) > 0


def test_lines_that_are_not_utf8_and_lines_over_the_limits(tmp_path: Path) -> None:
    head = csv_text([HEADERS, *_people(25)]).encode("utf-8")
    tail = b"26,H0026,\xff\xfe,nam,1970,x\r\n27,H0027,A,nam,1970,x\r\n" + b"28,H0028," + b"B" * 300 + b",nam,1970,x\r\n"
    tail += b'29,H0029,"' + b"C" * 300 + b'",nam,1970,x\r\n' + b"30,H0030,A,nam,1970,x" + b",y" * 20 + b"\r\n"
    p = tmp_path / "pool.csv"
    p.write_bytes(head + tail)
    assert_same(p)
    assert_same(p, Limits(cell_chars=200, line_chars=1000, columns=12))
    assert_same(p, Limits(cell_chars=200, line_chars=250))


def test_the_row_limit_refuses_the_same(tmp_path: Path) -> None:
    p = _file(tmp_path, csv_text([HEADERS, *_people(40)]))
    assert assert_same(p, Limits(rows=30)) == 0  # refused either way
    assert_same(p, Limits(rows=40))


def test_complete_never_accepts_a_line_the_csv_module_reads_otherwise() -> None:
    for line in ['a"b,c\n', 'a,"b"c\n', '"a', '"a""', 'x,"a\rb"\n', "a\rb\n", '"a" ,b\n', ' "a",b\n']:
        n = csvfile.complete(line, ",")
        if n is not None:
            assert [len(r) for r in csv.reader([line], strict=True)] == [n]
    assert csvfile.complete('1,"Lê, Văn",nam\r\n', ",") == 3
    assert csvfile.complete("\r\n", ",") == 0


alphabet = st.sampled_from(list('ab,;\t" \r\u00a0đ1/-') + ["nam", "1970-01-01", "\x00", '""'])
line = st.lists(alphabet, max_size=24).map("".join)


@settings(max_examples=300, deadline=None, suppress_health_check=list(HealthCheck))
@given(
    lines=st.lists(line, min_size=1, max_size=10),
    ends=st.lists(st.sampled_from(["\r\n", "\n", "\r\r\n"]), min_size=10, max_size=10),
    delimiter=st.sampled_from([",", ";", "\t"]),
    last=st.booleans(),
)
def test_any_lines_past_the_head_read_the_same(
    tmp_path_factory: pytest.TempPathFactory, lines: list[str], ends: list[str], delimiter: str, last: bool
) -> None:
    buf = io.StringIO()
    csv.writer(buf, delimiter=delimiter, lineterminator="\r\n").writerows([HEADERS, *_people(22)])
    tail = "".join(text + ends[i] for i, text in enumerate(lines))
    if not last:
        tail = tail.rstrip("\r\n")
    path = tmp_path_factory.mktemp("csv") / "pool.csv"
    path.write_bytes((buf.getvalue() + tail).encode("utf-8"))
    assert_same(path)


@settings(max_examples=2000, deadline=None)
@given(
    body=st.lists(st.sampled_from(list('a,;\t" \r\x00é')), max_size=16).map("".join),
    end=st.sampled_from(["", "\n", "\r\n"]),
    delimiter=st.sampled_from([",", ";", "\t"]),
)
def test_complete_is_sound(body: str, end: str, delimiter: str) -> None:
    text = body + end
    n = csvfile.complete(text, delimiter) if text else None
    if n is not None:  # what it accepts, the csv module reads as one record of n fields, without error
        assert [len(r) for r in csv.reader([text], delimiter=delimiter, strict=True)] == [n]


def test_a_header_at_the_end_of_the_search_and_a_numbering_row_after_it(tmp_path: Path) -> None:
    # record 21 is the first row under the header and is left unparsed: a row numbering the columns there is
    # skipped as the eager reading skips it, not taken for a person because its sex and birth columns hold "(4)"
    titles = [[f"DÒNG TIÊU ĐỀ {i}"] for i in range(19)]
    numbering = [f"({i})" for i in range(1, 7)]
    text = csv_text([*titles, HEADERS, numbering, *_people(10)])
    assert assert_same(_file(tmp_path, text)) == 10
