"""The page in a real browser: Debian's chromium driven by Playwright (never a downloaded browser).

An officer fills the form for a realistic person, submits it and reads the verdict; the record prints on
one A4 page; a pool is uploaded, screened with a progress bar and its workbook downloaded; the rules pages
and the API docs load with nothing from another site. Screenshots of every page go to the test's temporary
folder (and to ``$ELIGIBILITY_SCREENSHOTS`` when set, to look at them)."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

import openpyxl
import pytest
from conftest import ROOT
from web_server import live_server

CHROMIUM = "/usr/bin/chromium"
pytestmark = pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="Debian's chromium is not installed")
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
]


@pytest.fixture(scope="module")
def base_url() -> Iterator[str]:
    with live_server() as url:
        yield url


@pytest.fixture()
def page(tmp_path: Path) -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        context = p.chromium.launch_persistent_context(
            str(tmp_path / "profile"),
            executable_path=CHROMIUM,
            headless=True,
            args=ARGS,
            viewport={"width": 1200, "height": 900},
            accept_downloads=True,
            locale="vi-VN",
        )
        pg = context.new_page()
        hosts: list[str] = []
        pg.on("request", lambda r: hosts.append(urlparse(r.url).hostname or ""))
        pg.hosts = hosts  # every host the page asked for
        try:
            yield pg
        finally:
            context.close()


def shot(page: Any, tmp_path: Path, name: str, full: bool = True) -> Path:
    path = tmp_path / f"{name}.png"
    page.screenshot(path=str(path), full_page=full)
    keep = os.environ.get("ELIGIBILITY_SCREENSHOTS")
    if keep:
        Path(keep).mkdir(parents=True, exist_ok=True)
        shutil.copy(path, Path(keep) / path.name)
    return path


def fill_realistic_person(page: Any) -> None:
    """Bà Hoàng Thị Mai, Phó Giám đốc Sở Y tế tỉnh Tuyên Quang, proposed as Giám đốc Sở."""
    page.fill("input[name=full_name]", "Hoàng Thị Mai")
    page.select_option("select[name=sex]", "female")
    page.fill("input[name=birth_date]", "12/08/1976")
    page.fill("input[name=id]", "TQ-0142")
    page.fill("input[name=ethnicity]", "Tày")
    page.select_option("select[name=staff_status]", label="công chức")
    page.select_option("select[name=hometown]", label="Tuyên Quang")
    page.select_option("select[name=birthplace]", label="Tuyên Quang")
    page.select_option("select[name=grew_up_in]", label="Tuyên Quang")
    page.select_option("select[name=party_member]", "yes")
    page.fill("input[name=party_joined]", "19/05/2002")
    page.fill("input[name=party_official]", "19/05/2003")
    page.select_option("select[name=degree]", label="thạc sĩ")
    page.fill("input[name=field]", "Quản lý bệnh viện")
    page.select_option("select[name=political_theory]", label="cao cấp")
    page.select_option("select[name=state_management]", label="chuyên viên chính")
    page.select_option("select[name=civil_service_grade]", label="chuyên viên chính")
    page.fill("input[name='post-0-title']", "Trưởng phòng thuộc Sở")
    page.fill("input[name='post-0-body']", "Phòng Nghiệp vụ Y, Sở Y tế")
    page.select_option("select[name='post-0-locality']", label="Tuyên Quang")
    page.fill("input[name='post-0-from']", "03/2014")
    page.fill("input[name='post-0-to']", "06/2019")
    page.fill("input[name='post-1-title']", "Phó Giám đốc Sở")
    page.fill("input[name='post-1-body']", "Sở Y tế")
    page.select_option("select[name='post-1-level']", label="cấp tỉnh")
    page.select_option("select[name='post-1-locality']", label="Tuyên Quang")
    page.fill("input[name='post-1-from']", "01/07/2019")
    page.fill("input[name='plan-0-title']", "Giám đốc Sở (và tương đương)")
    page.fill("input[name='plan-0-term']", "2025-2030")
    page.fill("input[name='plan-0-approved']", "20/11/2023")
    page.select_option("select[name='lw-0-province']", label="Tuyên Quang")
    page.fill("input[name='lw-0-years']", "23")
    for i, (year, rating) in enumerate(
        [(2020, "hoàn thành tốt nhiệm vụ"), (2021, "hoàn thành tốt nhiệm vụ"), (2022, "hoàn thành xuất sắc nhiệm vụ")]
    ):
        page.fill(f"input[name='as-{i}-year']", str(year))
        page.select_option(f"select[name='as-{i}-rating']", label=rating)
    page.click("button[data-add=as]")  # a fourth, fifth and sixth year, on rows the page adds
    page.click("button[data-add=as]")
    page.click("button[data-add=as]")
    for i, year in ((3, 2023), (4, 2024), (5, 2025)):
        page.fill(f"input[name='as-{i}-year']", str(year))
        page.select_option(f"select[name='as-{i}-rating']", label="hoàn thành tốt nhiệm vụ")
    page.check("input[name=discipline_none]")
    page.select_option("select[name=investigation]", label="không")
    page.select_option("select[name=ps_result]", label="đạt")
    page.fill("input[name=ps_date]", "10/09/2025")
    page.fill("input[name=ps_authority]", "Ban Thường vụ Tỉnh ủy Tuyên Quang")
    page.select_option("select[name=health_fit]", "yes")
    page.select_option("select[name=asset_verified]", "yes")
    page.select_option("select[name=file_verified]", "yes")
    page.fill("input[name=abroad_months]", "0")
    for key in ("barred_from_office", "under_inspection", "suspended", "responsibility_review"):
        page.select_option(f"select[name={key}]", "no")  # the bars of NĐ 170/2025 as amended by NĐ 300/2026
    page.select_option("select[name=action]", label="bổ nhiệm")
    page.fill("input[name=post]", "Giám đốc Sở (và tương đương)")
    page.select_option("select[name=locality]", label="Tuyên Quang")
    # issue 11: on 03/11/2025 NĐ 170/2025's original conditions are not encoded (incomplete); the law of today
    page.fill("input[name=date]", "03/11/2026")


def test_an_officer_checks_a_person_and_prints_the_record_on_one_a4_page(
    page: Any, base_url: str, tmp_path: Path
) -> None:
    from pypdf import PdfReader

    page.goto(base_url + "/")
    assert page.title() == "Kiểm tra điều kiện, tiêu chuẩn một cán bộ"
    fill_realistic_person(page)
    assert page.locator("select[name=relation]").is_visible()  # the appointment's options are shown
    assert not page.locator("select[name=rotation_purpose]").is_visible()  # a rotation's are not
    shot(page, tmp_path, "1-form")
    page.click("button.primary[type=submit]")
    page.wait_for_selector(".verdict")
    verdict = page.inner_text(".verdict .v-label")
    assert verdict == "Kết luận: Đủ điều kiện", verdict
    record = page.inner_text("article.record")
    for text in (
        "Hoàng Thị Mai",
        "12/08/1976",
        "nữ",
        "Phó Giám đốc Sở",
        "Sở Y tế, Tuyên Quang",
        "bổ nhiệm",
        "Giám đốc Sở (và tương đương)",
        "03/11/2026",
        "Người lập phiếu",
        "Lãnh đạo duyệt",
    ):
        assert text in record, text
    assert page.locator("article.record svg.timeline-chart").count() == 1
    shot(page, tmp_path, "2-result")
    pdf = tmp_path / "record.pdf"
    page.pdf(path=str(pdf), prefer_css_page_size=True, print_background=True)
    pages = PdfReader(str(pdf)).pages
    # issue 11: under NĐ 170/2025 as amended by NĐ 300/2026 a civil servant's appointment is judged by the Party and
    # the State conditions, each its own finding (about 30 rows instead of 16): the record now takes two A4 pages
    assert len(pages) <= 2, f"the record printed on {len(pages)} pages"
    box = pages[0].mediabox
    assert abs(float(box.width) - 595.3) < 2 and abs(float(box.height) - 841.9) < 2  # A4 in points
    page.emulate_media(media="print")
    shot(page, tmp_path, "3-record-print")
    assert set(page.hosts) <= {"127.0.0.1"}, page.hosts


def test_an_officer_screens_a_pool_and_downloads_the_workbook(page: Any, base_url: str, tmp_path: Path) -> None:
    page.goto(base_url + "/screen")
    page.set_input_files("input[name=file]", str(ROOT / "examples" / "pool.xlsx"))
    page.select_option("select[name=action]", label="bổ nhiệm")
    page.fill("input[name=post]", "Giám đốc Sở (và tương đương)")
    page.select_option("select[name=locality]", label="Lào Cai")
    page.fill("input[name=date]", "03/11/2025")
    shot(page, tmp_path, "4-screen-form")
    page.click("button.primary[type=submit]")
    page.wait_for_selector("progress")
    page.wait_for_selector("text=Tải báo cáo Excel", timeout=120_000)
    assert "Đã rà soát 300 người" in page.inner_text("main")
    shot(page, tmp_path, "5-pool-report")
    with page.expect_download() as info:
        page.click("text=Tải báo cáo Excel")
    path = tmp_path / "bao-cao.xlsx"
    info.value.save_as(str(path))
    wb = openpyxl.load_workbook(path, read_only=True)
    assert wb.sheetnames[0] == "Danh sách trích ngang"
    rows = list(wb["Danh sách trích ngang"].iter_rows(min_row=4, values_only=True))
    assert len(rows) == 300
    page.goto(page.url + "/bao-cao.html")
    page.wait_for_selector("svg")
    shot(page, tmp_path, "6-pool-html")
    assert set(page.hosts) <= {"127.0.0.1"}, page.hosts


def test_the_rules_pages_and_the_api_docs_load_from_this_machine(page: Any, base_url: str, tmp_path: Path) -> None:
    page.goto(base_url + "/rules")
    assert page.locator(".rules-list tbody tr").count() > 50
    page.fill("#rule-filter", "lý luận chính trị")
    visible = page.locator(".rules-list tbody tr:visible").count()
    assert 0 < visible < 30
    shot(page, tmp_path, "7-rules")
    page.fill("#rule-filter", "")
    page.click("text=Có trong quy hoạch chức danh bổ nhiệm hoặc chức danh tương đương, cao hơn >> nth=0")
    page.wait_for_selector("h2:has-text('Ca mẫu kiểm chứng')")
    body = page.inner_text("main")
    assert "Căn cứ" in body and "377-QĐ/TW" in body and "Ngưỡng theo thời gian" in body
    shot(page, tmp_path, "8-rule")
    page.goto(base_url + "/docs")
    page.wait_for_selector(".swagger-ui .opblock", timeout=30_000)
    assert "/api/check" in page.inner_text(".swagger-ui")
    shot(page, tmp_path, "9-api-docs")
    assert set(page.hosts) <= {"127.0.0.1"}, page.hosts


def test_the_form_works_without_javascript(tmp_path: Path, base_url: str) -> None:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        context = p.chromium.launch_persistent_context(
            str(tmp_path / "nojs"), executable_path=CHROMIUM, headless=True, args=ARGS, java_script_enabled=False
        )
        page = context.new_page()
        page.goto(base_url + "/")
        page.set_input_files("form.prefill input[name=file]", str(ROOT / "examples" / "profile.yaml"))
        page.click("form.prefill button")
        page.wait_for_selector("text=Đã nạp")
        assert page.input_value("input[name=full_name]") == "Nguyễn Văn An"
        assert page.input_value("input[name='post-1-from']") == "01/03/2019"
        page.select_option("select[name=action]", "appointment")
        page.fill("input[name=post]", "Giám đốc Sở (và tương đương)")
        page.select_option("select[name=locality]", "lao-cai")
        page.fill("input[name=date]", "03/11/2026")  # issue 11: eligible under NĐ 300/2026 (2025: not encoded)
        page.click("button.primary[type=submit]")
        page.wait_for_selector(".verdict")
        assert "Đủ điều kiện" in page.inner_text(".verdict")
        shot(page, tmp_path, "10-result-nojs")
        context.close()
