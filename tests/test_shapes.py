"""Spreadsheets as officers make them, and CSV as people edit it (issue 13): what is a person, what is
skipped and reported, and what each error names.

Reproduced on main before the fix: a two-row header made the sub-header a person and left degree and
political theory unread; the signature block became two people; a stray quote swallowed the next rows;
a title line with ";" made a CSV unreadable."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from hostile import HEADERS, csv_text, person
from test_hostile import csv_stray_quote, xlsx_officer_sheet

from eligibility.batch.reader import read_pool
from eligibility.batch.report import pool_report
from eligibility.batch.screen import screen


def test_an_officers_sheet_is_read_as_the_officer_means_it(tmp_path: Path) -> None:
    source = read_pool(xlsx_officer_sheet(tmp_path))
    rows = list(source)
    assert [r.row for r in rows] == [*range(6, 16), 17, 18]
    first = rows[0]
    assert first.data is not None and first.data["education"] == {"degree": "thạc sĩ", "political_theory": "cao cấp"}
    assert [w.location for w in source.warnings] == ["Cột lạ"]  # the header cell not understood, by name
    skipped = {w.location: w for w in source.late_warnings}
    assert "dòng 1–2 / rows 1–2" in skipped and "title" in skipped["dòng 1–2 / rows 1–2"].en
    footer = [w for w in source.late_warnings if "signature" in w.en]
    assert footer and footer[0].location.startswith("dòng 21–27")
    assert source.blank_rows == 6 and source.skipped_rows == 6  # blank: 16, 19–20, 24–26; two titles, four footer rows


def test_numbering_rows_section_headings_and_unnamed_columns(tmp_path: Path) -> None:
    rows = [
        ["DANH SÁCH; NĂM 2025"],
        HEADERS + ["", ""],
        ["(1)", "(2)", "(3)", "(4)", "(5)", "(6)"],
        ["I.", "KHỐI ĐẢNG"],
        person(1) + ["", "ghi chú lạ"],
        ["", "", "", "", "", ""],
        person(2),
        ["5"],
    ]
    pool = tmp_path / "pool.csv"
    pool.write_text(csv_text(rows, ";"), encoding="utf-8")
    source = read_pool(pool)
    got = list(source)
    assert [r.row for r in got] == [5, 7]
    kinds = {w.location: w.en for w in source.late_warnings}
    assert any("numbering" in en for en in kinds.values()) and any("section heading" in en for en in kinds.values())
    assert any("only the row number" in en for en in kinds.values())
    assert any(loc.startswith("cột H") and "without a header" in en for loc, en in kinds.items())


def test_a_stray_quote_is_an_error_on_its_line_and_the_lines_after_it_are_read(tmp_path: Path, rules: Any) -> None:
    source = read_pool(csv_stray_quote(tmp_path), titles=rules.titles)
    rows = list(source)
    assert [r.row for r in rows] == list(range(2, 52))
    bad = rows[9]
    assert bad.row == 11 and bad.problems and "dòng 11" in bad.problems[0].location
    assert "quote" in bad.problems[0].en and '"' in bad.problems[0].vi
    assert all(not r.problems for r in rows if r.row != 11)


def test_excel_quoting_and_multi_line_cells_are_read_as_written(tmp_path: Path) -> None:
    rows = [HEADERS] + [person(i) for i in range(1, 4)]
    rows[1][2] = 'Nguyễn "Bé", An'
    rows[2][2] = "Trần\nThị Hoa"  # a cell with a line break (Alt+Enter in Excel)
    pool = tmp_path / "pool.csv"
    pool.write_text("\ufeff" + csv_text(rows, ";"), encoding="utf-8")
    got = list(read_pool(pool))
    assert [r.row for r in got] == [2, 3, 5]  # the record of line 3 spans lines 3–4
    assert [r.name for r in got] == ['Nguyễn "Bé", An', "Trần\nThị Hoa", "Nguyễn Văn 3"]


def test_duplicate_ids_are_flagged_in_the_report(tmp_path: Path, rules: Any) -> None:
    rows = [HEADERS] + [person(i) for i in range(1, 5)]
    rows[3][1] = rows[1][1]
    pool = tmp_path / "pool.csv"
    pool.write_text(csv_text(rows), encoding="utf-8")
    request = {"action": "planning", "post": "giam-doc-so", "locality": "lao-cai", "date": "2025-10-01"}
    rep = pool_report(screen(read_pool(pool), request, rules, workers=1), rules, request)
    assert rep.duplicates == [(4, "H0001", 2)]
