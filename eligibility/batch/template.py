"""``eligibility template``: an empty pool workbook with the documented headers and a guide.

Sheet 1 "Danh sách" holds the headers (and drop-down lists for the single-valued coded columns,
as a warning only: officers' spellings such as "ThS" are accepted too); sheet 2 "Hướng dẫn"
explains every column and its allowed values (from ``eligibility/model/levels.py``); sheet 3
"Mã chức danh" lists the title codes of the rule pack.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from eligibility.batch.columns import COLUMNS, POST_COLUMN, Column
from eligibility.batch.outputs import atomic, check_output, neutralize_row
from eligibility.errors import InputError, Problem

DATA_SHEET = "Danh sách"
GUIDE_SHEET = "Hướng dẫn"
TITLES_SHEET = "Mã chức danh"

GUIDE_INTRO = (
    (
        'Mỗi dòng là một người. Ô để trống nghĩa là hồ sơ chưa ghi (không phải "không"): tiêu chí cần thông tin '
        'đó sẽ là "chưa rõ", không bao giờ được tự điền mặc định.',
        'One row per person. An empty cell means "not recorded" (not "no"): criteria that need it come out '
        '"unknown"; nothing is filled in by default.',
    ),
    (
        'Ghi "không" trong các cột danh sách (kỷ luật, quy hoạch, chức vụ, tiếng dân tộc thiểu số) nghĩa là đã ghi nhận '
        "là không có.",
        'Write "không" in list columns (discipline, planning, post, minority languages) for "recorded: none".',
    ),
    (
        'Nhiều giá trị trong một ô cách nhau bởi dấu chấm phẩy ";" (ví dụ hai quyết định kỷ luật và hai ngày '
        "tương ứng).",
        'Several values in one cell are separated by ";" (e.g. two discipline decisions and their two dates).',
    ),
    (
        'Tiêu đề cột có thể viết không dấu hoặc dùng tên tiếng Anh (cột "Tên tiếng Anh"). Cột không có trong mẫu được '
        "báo là cảnh báo và không được đọc.",
        "Headers may be written without accents or as the English key. Columns not in the template are reported as "
        "warnings and not read.",
    ),
    (
        'Chức danh xem xét: dùng --post MÃ cho cả danh sách, hoặc cột "Chức danh đề nghị quy hoạch (mã)" '
        "(hoặc cột khác qua --post-column) cho từng người.",
        'The title screened for: --post CODE for everyone, or the column "Chức danh đề nghị quy hoạch (mã)" '
        "(or another via --post-column) per person.",
    ),
)


def write_template(path: str | Path, titles: Mapping[str, Any] | None = None) -> Path:
    """Write the empty pool workbook (or a header-only CSV for a ``.csv`` path)."""
    p = check_output(path)
    columns: list[Column] = [*COLUMNS, POST_COLUMN]
    if p.suffix.lower() == ".csv":
        import csv

        with atomic(p, "w", encoding="utf-8-sig", newline="") as fh:
            csv.writer(fh).writerow(neutralize_row(c.vi for c in columns))
        return p
    if p.suffix.lower() != ".xlsx":
        raise InputError(
            Problem("--out", "mẫu phải là .xlsx (hoặc .csv)", "the template must be .xlsx (or .csv)", str(p))
        )
    from openpyxl import Workbook
    from openpyxl.comments import Comment
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.datavalidation import DataValidation

    wb = Workbook()
    ws = wb.active
    ws.title = DATA_SHEET
    bold = Font(bold=True)
    required_fill = PatternFill("solid", fgColor="F9D9A8")
    fill = PatternFill("solid", fgColor="DDE7F0")
    for i, c in enumerate(columns, start=1):
        cell = ws.cell(row=1, column=i, value=c.vi)
        cell.font = bold
        cell.fill = required_fill if c.required else fill
        cell.alignment = Alignment(wrap_text=True, vertical="top")
        cell.comment = Comment(f"{c.help_vi}\n{c.help_en}\nVí dụ / e.g.: {c.example}", "eligibility")
        ws.column_dimensions[get_column_letter(i)].width = max(14, min(34, len(c.vi) + 4))
        if c.vocab is not None and not c.multi:
            formula = '"' + ",".join(c.vocab.labels_vi[code] for code in c.vocab.codes) + '"'
            if len(formula) <= 255:
                dv = DataValidation(
                    type="list",
                    formula1=formula,
                    allow_blank=True,
                    errorStyle="warning",
                    showErrorMessage=True,
                    error=f"Giá trị thường dùng: {c.allowed_vi()}",
                    errorTitle=c.vi,
                )
                dv.add(f"{get_column_letter(i)}2:{get_column_letter(i)}10000")
                ws.add_data_validation(dv)
    ws.freeze_panes = "B2"
    ws.row_dimensions[1].height = 45

    g = wb.create_sheet(GUIDE_SHEET)
    g.append(["Hướng dẫn điền danh sách nguồn quy hoạch / How to fill in the pool"])
    g["A1"].font = Font(bold=True, size=13)
    for vi, en in GUIDE_INTRO:
        g.append([vi])
        g.append([en])
    g.append([])
    heads = [
        "Cột (tiêu đề)",
        "Tên tiếng Anh",
        "Bắt buộc",
        "Ý nghĩa",
        "Meaning",
        "Giá trị cho phép",
        "Allowed values",
        "Ví dụ",
        "Trường hồ sơ",
    ]
    g.append(heads)
    head_row = g.max_row
    for cell in g[head_row]:
        cell.font = bold
        cell.fill = fill
    for c in columns:
        g.append(
            [
                c.vi,
                c.key,
                "có" if c.required else "",
                c.help_vi,
                c.help_en,
                c.allowed_vi(),
                c.allowed_en(),
                c.example,
                c.path,
            ]
        )
    for col, width in zip("ABCDEFGHI", (34, 26, 9, 60, 60, 60, 60, 22, 30), strict=True):
        g.column_dimensions[col].width = width
    for row in g.iter_rows(min_row=head_row + 1):
        for cell in row:
            cell.alignment = Alignment(wrap_text=True, vertical="top")

    t = wb.create_sheet(TITLES_SHEET)
    t.append(["Mã chức danh", "Tên chức danh", "Cấp", "Title"])
    for cell in t[1]:
        cell.font = bold
        cell.fill = fill
    for code, title in (titles or {}).items():
        t.append([code, title.vi, title.level, title.en])
    for col, width in zip("ABCD", (26, 56, 12, 50), strict=True):
        t.column_dimensions[col].width = width
    with atomic(p, "wb") as fh:
        wb.save(fh)
    return p
