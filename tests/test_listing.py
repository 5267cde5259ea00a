"""The "danh sách trích ngang" a personnel board hands in: the first sheet of the pool workbook, one line
per person (STT, họ tên, ngày sinh, giới tính, chức vụ hiện tại, trình độ chuyên môn, LLCT, kết luận, lý do
chính), real date cells, printed landscape on A4, fitted to the width, the header row on every page."""

from __future__ import annotations

import datetime as dt
import re
import zipfile
from pathlib import Path

import openpyxl
import pytest
from conftest import ROOT

from eligibility import api
from eligibility.batch.listing import birth_cell, main_reason

POOL = ROOT / "examples" / "pool.xlsx"
REQUEST = {"action": "appointment", "post": "giam-doc-so", "locality": "lao-cai", "date": "2025-11-03"}


@pytest.fixture(scope="module")
def workbook(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("listing") / "report.xlsx"
    api.screen_file(POOL, REQUEST, out=[out], workers=1)
    return out


def test_the_list_is_the_first_sheet_with_a_line_per_person(workbook: Path) -> None:
    wb = openpyxl.load_workbook(workbook)
    assert wb.sheetnames[0] == "Danh sách trích ngang" and wb.sheetnames[1:] == [
        "Kết quả",
        "Chi tiết",
        "Lỗi dữ liệu",
        "Tổng hợp",
    ]
    ws = wb["Danh sách trích ngang"]
    assert ws["A1"].value == "DANH SÁCH TRÍCH NGANG"
    assert ws["A2"].value == (
        "Đề nghị — Việc: bổ nhiệm; Chức danh: Giám đốc Sở (và tương đương); Địa phương: Lào Cai; Ngày xét: 03/11/2025"
    )
    header = [c.value for c in ws[3]]
    assert header == [
        "STT",
        "Họ và tên",
        "Ngày, tháng, năm sinh",
        "Giới tính",
        "Chức vụ hiện tại",
        "Trình độ chuyên môn",
        "Lý luận chính trị",
        "Kết luận",
        "Lý do chính",
    ]
    rows = [[c.value for c in row] for row in ws.iter_rows(min_row=4)]
    results = list(wb["Kết quả"].iter_rows(min_row=2, values_only=True))
    assert len(rows) == len(results) == 300
    assert [r[0] for r in rows] == list(range(1, 301))
    assert [r[1] for r in rows] == [r[2] for r in results]  # the same people, in the same order
    dates = [r[2] for r in rows if isinstance(r[2], dt.datetime)]
    assert len(dates) > 200  # real date cells, shown dd/mm/yyyy
    assert all(ws.cell(row=i, column=3).number_format == "dd/mm/yyyy" for i in range(4, 304) if ws.cell(i, 3).is_date)
    by_verdict = {r[7]: r for r in rows}
    assert by_verdict["Không đủ điều kiện"][8].startswith("Không đạt: ")
    # issue 11: the label of `incomplete` names both causes (missing data, provisions not encoded)
    assert by_verdict["Chưa đủ căn cứ để kết luận (thiếu dữ liệu hoặc quy định chưa mã hóa)"][8].startswith(
        "Còn thiếu: "
    )
    assert by_verdict["Lỗi dữ liệu đầu vào"][8].startswith("Lỗi dữ liệu: ")
    assert {r[3] for r in rows} <= {"nam", "nữ", None}
    # no ISO dates (but the values a bad row holds are quoted as the file wrote them)
    text = " ".join(str(v) for r in rows if r[7] != "Lỗi dữ liệu đầu vào" for v in r if isinstance(v, str))
    assert not re.search(r"\b\d{4}-\d{2}-\d{2}\b", text)
    assert not re.search(r"\b(appointment|giam-doc-so|lao-cai|not_eligible|thac_si|cao_cap)\b", text)


def test_the_list_prints_landscape_on_a4_fitted_to_the_width_with_its_header_on_every_page(workbook: Path) -> None:
    ws = openpyxl.load_workbook(workbook)["Danh sách trích ngang"]
    assert ws.page_setup.orientation == "landscape" and str(ws.page_setup.paperSize) == "9"
    assert ws.sheet_properties.pageSetUpPr.fitToPage is True
    assert ws.page_setup.fitToWidth == 1 and ws.page_setup.fitToHeight == 0
    assert ws.print_title_rows == "$3:$3"
    assert ws.freeze_panes == "A4"
    with zipfile.ZipFile(workbook) as z:
        sheet = z.read("xl/worksheets/sheet1.xml").decode()
    assert "<oddHeader>&amp;CDANH SÁCH TRÍCH NGANG</oddHeader>" in sheet
    assert re.search(r'<row r="4" ht="\d+(\.\d+)?" customHeight="1">', sheet)  # wrapped rows get their height


def test_birth_cells_and_main_reasons() -> None:
    assert birth_cell("1972-05-14") == dt.date(1972, 5, 14)
    assert birth_cell("1972-05") == "05/1972" and birth_cell("1972") == "1972" and birth_cell(None) is None
    assert main_reason("eligible", [], [], []) == ""
    assert main_reason("not_eligible", ["A", "B", "C"], [], []) == "Không đạt: A; B và 1 tiêu chí khác"
    assert main_reason("needs_authority", [], ["Tuổi"], []) == "Cần cấp có thẩm quyền xem xét: Tuổi"
    assert main_reason("incomplete", [], [], ["Sức khỏe", "Quy hoạch", "Kỷ luật", "Đảng viên"]) == (
        "Còn thiếu: Sức khỏe; Quy hoạch; Kỷ luật và 1 mục khác"
    )
    assert main_reason("input_error", [], [], [], "Ngày sinh: ngày không tồn tại") == (
        "Lỗi dữ liệu: Ngày sinh: ngày không tồn tại"
    )
