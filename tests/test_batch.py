"""Batch screening of planning pools: reading, row errors, the pool report, writers and the CLI."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from pathlib import Path
from typing import Any

import openpyxl
import pytest

from eligibility import evaluate, load_rules
from eligibility.batch import synthetic
from eligibility.batch.columns import BY_KEY, COLUMNS, find_column, layout
from eligibility.batch.mapping import profile_to_row, row_to_profile
from eligibility.batch.reader import PoolRow, read_pool
from eligibility.batch.report import PoolAccumulator, pool_report, targets_for
from eligibility.batch.screen import Brief, RowResult, Traits, screen
from eligibility.batch.writers import open_writer
from eligibility.cli import main
from eligibility.errors import InputError, Problem
from eligibility.model import parse_request

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE_POOL = ROOT / "examples" / "pool.xlsx"
REQUEST = {"action": "planning", "date": "2025-10-01", "locality": "lao-cai"}


@pytest.fixture(scope="module")
def pack() -> Any:
    return load_rules()


def _write_rows(path: Path, headers: list[str], rows: list[list[Any]]) -> Path:
    if path.suffix == ".csv":
        with path.open("w", encoding="utf-8", newline="") as fh:
            w = csv.writer(fh, delimiter=";")
            w.writerow(headers)
            w.writerows(rows)
        return path
    wb = openpyxl.Workbook()  # normal mode: shared strings, styles — unlike the write-only writer
    ws = wb.active
    ws.append(headers)
    for r in rows:
        ws.append(r)
    wb.save(path)
    return path


BASE_HEADERS = [
    "Mã hồ sơ",
    "Họ và tên",
    "Giới tính",
    "Ngày sinh",
    "Trình độ chuyên môn",
    "Kỷ luật (hình thức)",
    "Loại kỷ luật",
    "Ngày quyết định kỷ luật",
    "Quy hoạch (mã chức danh)",
    "Chức vụ hiện tại (mã)",
    "Ngày giữ chức vụ",
    "Kết luận tiêu chuẩn chính trị",
    "Sức khỏe",
]


# ----- columns and rows --------------------------------------------------------------------------
def test_headers_match_without_accents_and_by_english_key() -> None:
    assert find_column("Ngay sinh") is BY_KEY["birth_date"]
    assert find_column("  NGÀY   SINH ") is BY_KEY["birth_date"]
    assert find_column("birth_date") is BY_KEY["birth_date"]
    assert find_column("Trình độ LLCT") is BY_KEY["political_theory"]
    assert find_column("STT") is None


def test_empty_cell_is_not_recorded_and_khong_is_recorded_none() -> None:
    lay, errors = layout(BASE_HEADERS)
    assert not errors
    data, post, problems = row_to_profile(
        ["A1", None, "nữ", "1980-02-03", None, "không", None, None, "không", "không", None, None, None], lay, 2
    )
    assert not problems and post is None
    assert data["discipline"] == [] and data["planning"] == [] and data["posts"] == []
    assert "degree" not in data["education"]  # empty: not recorded, never a default
    assert "political_standard" not in data and "health" not in data and "full_name" not in data


def test_row_values_officers_write() -> None:
    lay, _ = layout([*BASE_HEADERS, "Xếp loại đánh giá", "Số năm công tác theo tỉnh", "Tiếng dân tộc thiểu số"])
    data, _, problems = row_to_profile(
        [
            "A2",
            "Lò Thị Mai",
            "nữ",
            dt.datetime(1985, 4, 5),
            "ThS",
            "khiển trách; cảnh cáo",
            "đảng",
            "15/03/2021; 02/02/2024",
            "Giám đốc Sở (và tương đương)",
            "pho-giam-doc-so",
            dt.date(2020, 1, 1),
            "đạt",
            "có",
            "2023: HTTNV; 2024: HTXSNV",
            "Lào Cai: 20; Yên Bái: 3",
            "Tày; H'Mông",
        ],
        lay,
        3,
        {"giam doc so (va tuong duong)": "giam-doc-so"},
    )
    assert not problems
    assert data["birth_date"] == dt.date(1985, 4, 5)
    assert data["discipline"] == [
        {"form": "khiển trách", "kind": "đảng", "decided": "15/03/2021"},
        {"form": "cảnh cáo", "kind": "đảng", "decided": "02/02/2024"},
    ]
    assert data["planning"] == [{"title": "giam-doc-so"}]  # a title name becomes its code
    assert data["health"] == {"fit": True}
    assert data["assessments"] == {2023: "HTTNV", 2024: "HTXSNV"}
    assert data["localities_worked"] == [{"province": "Lào Cai", "years": 20}, {"province": "Yên Bái", "years": 3}]
    assert data["education"]["minority_languages"] == ["Tày", "H'Mông"]


def test_profile_to_row_round_trips_synthetic_profiles() -> None:
    lay, _ = layout([c.vi for c in COLUMNS])
    for item in synthetic.generate(40, seed=5):
        row = profile_to_row(item)
        cells = [row.get(c.key) for c in COLUMNS]
        data, _, problems = row_to_profile(cells, lay, 2)
        assert not problems
        from eligibility.model import parse_profile

        assert parse_profile(data) == parse_profile(item)


def test_duplicate_header_stops_with_a_clear_error(tmp_path: Path) -> None:
    p = _write_rows(
        tmp_path / "dup.csv", ["Mã hồ sơ", "Giới tính", "Ngày sinh", "Ngay sinh"], [["A", "nam", "1980", "1981"]]
    )
    with pytest.raises(InputError) as e:
        read_pool(p)
    assert "trùng" in e.value.render() and "duplicates" in e.value.render()


# ----- bad rows ----------------------------------------------------------------------------------
BAD_ROWS = [
    # (cells, expected column, words in the Vietnamese reason)
    (
        ["B1", None, "nam", "31/02/1980", None, None, None, None, None, None, None, None, None],
        "Ngày sinh",
        "không tồn tại",
    ),
    (
        ["B2", None, "nam", "1980", "đại học xuất sắc", None, None, None, None, None, None, None, None],
        "Trình độ chuyên môn",
        "không hợp lệ",
    ),
    (["B3", None, None, "1980", None, None, None, None, None, None, None, None, None], "Giới tính", "thiếu"),
    (
        ["B4", None, "nam", "1980", None, "khiển trách", None, None, None, None, None, None, None],
        "Loại kỷ luật",
        "loại",
    ),
    (
        ["B5", None, "nam", "1980", None, "khiển trách", "đảng", None, None, None, None, None, None],
        "Ngày quyết định kỷ luật",
        "ngày quyết định",
    ),
    (
        ["B6", None, "nam", "1980", None, None, None, None, None, "pho-giam-doc-so", None, None, None],
        "Ngày giữ chức vụ",
        "thiếu",
    ),
    (["B7", None, "nam", "1980", None, None, None, None, None, None, None, None, "bình thường"], "Sức khỏe", "có"),
    (
        ["B8", None, "nam", "1980", None, None, None, None, None, None, None, "hơi đạt", None],
        "Kết luận tiêu chuẩn chính trị",
        "không hợp lệ",
    ),
]


@pytest.mark.parametrize("suffix", [".csv", ".xlsx"])
def test_bad_rows_are_reported_never_dropped(tmp_path: Path, pack: Any, suffix: str) -> None:
    good = [
        "G1",
        "Nguyễn Văn A",
        "nam",
        "1980-05-05",
        "đại học",
        "không",
        None,
        None,
        "không",
        "truong-phong-so",
        "2020-01-01",
        "đạt",
        "có",
    ]
    rows = [good, *(r for r, _, _ in BAD_ROWS), [None] * len(BASE_HEADERS), good]
    p = _write_rows(tmp_path / f"bad{suffix}", BASE_HEADERS, rows)
    source = read_pool(p, titles=pack.titles)
    results = list(screen(source, {**REQUEST, "post": "pho-giam-doc-so"}, pack, workers=1))
    assert len(results) == len(rows) - 1 and source.blank_rows == 1  # the empty row is counted, not screened
    assert [r.row for r in results] == [2, *range(3, 3 + len(BAD_ROWS)), 3 + len(BAD_ROWS) + 1]
    assert results[0].status == results[-1].status == "ok"
    for r, (_, column, words) in zip(results[1:-1], BAD_ROWS, strict=True):
        assert r.status == "input_error", (r.row, column)
        where = {p.location: p for p in r.problems}
        assert column in where, (column, where)
        prob = where[column]
        assert prob.row == r.row and words in prob.vi and prob.en and prob.en != prob.vi
        assert "dòng" in prob.render("vi") and "row" in prob.render("en")


def test_missing_required_column_makes_every_row_an_error(tmp_path: Path, pack: Any) -> None:
    p = _write_rows(
        tmp_path / "nosex.csv",
        ["Mã hồ sơ", "Ngày sinh", "Trình độ chuyên môn"],
        [["X1", "1980", "đại học"], ["X2", "1981", "thạc sĩ"]],
    )
    source = read_pool(p)
    assert any(w.location == "Giới tính" for w in source.warnings)
    results = list(screen(source, {**REQUEST, "post": "giam-doc-so"}, pack, workers=1))
    assert [r.status for r in results] == ["input_error", "input_error"]
    assert all(r.problems[0].location == "Giới tính" for r in results)


def test_unknown_columns_are_warned_about_and_header_may_sit_below_a_title(tmp_path: Path) -> None:
    p = _write_rows(
        tmp_path / "title.xlsx",
        ["DANH SÁCH NGUỒN QUY HOẠCH 2025–2030"],
        [["STT", "Mã hồ sơ", "Giới tính", "Ngày sinh", "Ghi chú"], [1, "T1", "nữ", 1990, "x"]],
    )
    source = read_pool(p)
    assert {w.location for w in source.warnings} == {"Ghi chú"}  # STT is the row number: known, not read
    rows = list(source)
    assert (
        len(rows) == 1
        and rows[0].row == 3
        and rows[0].data == {"id": "T1", "sex": "nữ", "birth_date": 1990, "education": {}}
    )


def test_xlsx_reader_reads_what_openpyxl_reads(tmp_path: Path, pack: Any) -> None:
    """python-calamine (the reader) against openpyxl (the oracle) on a workbook openpyxl wrote: shared
    strings, dates, numbers, booleans — and a formula without a cached value is an error on its cell."""
    wb = openpyxl.Workbook()
    ws = wb.active
    headers = [
        "Mã hồ sơ",
        "Giới tính",
        "Ngày sinh",
        "Ngày giữ chức vụ",
        "Chức vụ hiện tại (mã)",
        "Đảng viên",
        "Số tháng đi nước ngoài, điều trị nội trú",
    ]
    ws.append(headers)
    ws.append(["F1", "nam", dt.date(1975, 3, 2), dt.datetime(2019, 3, 1, 0, 0), "pho-giam-doc-so", True, 3.0])
    ws.append([123, "nữ", "02/1980", "01/03/2019", "truong-phong-so", "không", 0])
    ws["D3"].number_format = "dd/mm/yyyy"
    ws.cell(row=4, column=1, value='="F"&"3"')
    ws.cell(row=4, column=2, value="nam")
    p = tmp_path / "shared.xlsx"
    wb.save(p)
    rows = list(read_pool(p))
    oracle = list(openpyxl.load_workbook(p, read_only=True, data_only=True).worksheets[0].iter_rows(values_only=True))
    lay, _ = layout(oracle[0])
    for r, cells in zip(rows[:2], oracle[1:3], strict=True):
        assert r.data == row_to_profile(cells, lay, r.row)[0]
    assert rows[0].data is not None and rows[0].data["birth_date"] == dt.date(1975, 3, 2)
    assert rows[1].id == "123"
    formula = rows[2]
    assert formula.row == 4 and any(p.location.startswith("ô A4") and "công thức" in p.vi for p in formula.problems)


def test_jsonl_rows_with_request_overrides_and_broken_lines(tmp_path: Path, pack: Any) -> None:
    prof = synthetic.generate(1, seed=3)[0]
    p = tmp_path / "pool.jsonl"
    p.write_text(
        "\n".join(
            [
                json.dumps({"profile": prof, "request": {"post": "Giám đốc Sở (và tương đương)"}}, ensure_ascii=False),
                "{not json",
                "",
                "[1, 2]",
                json.dumps(prof, ensure_ascii=False),
            ]
        )
        + "\n",
        encoding="utf-8",
    )
    source = read_pool(p, titles=pack.titles)
    results = list(screen(source, {**REQUEST, "post": "pho-giam-doc-so"}, pack, workers=1))
    assert [r.row for r in results] == [1, 2, 4, 5] and source.blank_rows == 1
    assert [r.status for r in results] == ["ok", "input_error", "input_error", "ok"]
    assert results[0].post == "giam-doc-so" and results[3].post == "pho-giam-doc-so"
    assert "JSON" in results[1].problems[0].vi


# ----- the example pool and the CLI ----------------------------------------------------------------
def test_example_pool_screens_with_every_defect_reported(tmp_path: Path) -> None:
    outs = [tmp_path / "r.xlsx", tmp_path / "r.jsonl", tmp_path / "r.html"]
    args = ["screen", str(EXAMPLE_POOL), "--action", "planning", "--date", "2025-10-01", "--locality", "lao-cai"]
    for o in outs:
        args += ["--out", str(o)]
    assert main(args) == 0
    wb = openpyxl.load_workbook(outs[0], read_only=True)
    assert wb.sheetnames == ["Danh sách trích ngang", "Kết quả", "Chi tiết", "Lỗi dữ liệu", "Tổng hợp"]
    results = list(wb["Kết quả"].iter_rows(min_row=2, values_only=True))
    n_input = sum(1 for _ in read_pool(EXAMPLE_POOL))
    assert len(results) == n_input == 300
    errors = {r[0] for r in results if r[5] == "input_error"}
    defect_rows = {i + 2 for i, *_ in synthetic.EXAMPLE_DEFECTS}
    assert errors == defect_rows
    sparse = {i + 2 for i in synthetic.EXAMPLE_SPARSE}
    assert all(r[5] != "input_error" and r[8] for r in results if r[0] in sparse)  # screened; unknowns listed
    error_rows = {r[0] for r in wb["Lỗi dữ liệu"].iter_rows(min_row=2, values_only=True) if r[0] is not None}
    assert defect_rows <= error_rows
    lines = outs[1].read_text(encoding="utf-8").splitlines()
    assert len(lines) == 300
    first = json.loads(lines[0])
    assert {"verdict", "findings", "missing_inputs", "rulepack", "request"} <= set(first)
    page = outs[2].read_text(encoding="utf-8")
    assert "<svg" in page and "sortable" in page
    assert "<script src" not in page and "<link" not in page and "https://" not in page


def test_cli_errors_are_bilingual_without_traceback(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    base = ["screen", str(EXAMPLE_POOL), "--action", "planning", "--date", "2025-10-01"]
    assert main([*base, "--post", "khong-co-chuc-danh", "--out", str(tmp_path / "x.xlsx")]) == 2
    err = capsys.readouterr().err
    assert "không có trong danh mục" in err and "not in the catalogue" in err and "Traceback" not in err
    assert main([*base, "--out", str(tmp_path / "x.pdf")]) == 2
    assert ".xlsx" in capsys.readouterr().err
    assert (
        main(
            [
                "screen",
                str(tmp_path / "missing.xlsx"),
                "--action",
                "planning",
                "--post",
                "giam-doc-so",
                "--out",
                str(tmp_path / "y.xlsx"),
            ]
        )
        == 2
    )
    assert "không tìm thấy tệp" in capsys.readouterr().err
    assert main([*base, "--post-column", "Cột không có", "--out", str(tmp_path / "z.xlsx")]) == 2
    assert "Cột không có" in capsys.readouterr().err
    assert not (tmp_path / "x.xlsx").exists()


def test_template_has_headers_and_a_guide(tmp_path: Path) -> None:
    out = tmp_path / "pool.xlsx"
    assert main(["template", "--out", str(out)]) == 0
    wb = openpyxl.load_workbook(out)
    assert wb.sheetnames[:2] == ["Danh sách", "Hướng dẫn"]
    headers = [c.value for c in wb["Danh sách"][1]]
    for h in (
        "Mã hồ sơ",
        "Họ và tên",
        "Giới tính",
        "Ngày sinh",
        "Dân tộc",
        "Quê quán (tỉnh)",
        "Nơi sinh (tỉnh)",
        "Trình độ chuyên môn",
        "Trình độ LLCT",
        "Trình độ QLNN",
        "Chức vụ hiện tại (mã)",
        "Ngày giữ chức vụ",
        "Quy hoạch (mã chức danh)",
        "Kết luận tiêu chuẩn chính trị",
        "Kỷ luật (hình thức)",
        "Ngày quyết định kỷ luật",
        "Sức khỏe",
        "Kê khai tài sản đã xác minh",
    ):
        assert h in headers
    guide = "\n".join(str(c) for row in wb["Hướng dẫn"].iter_rows(values_only=True) for c in row if c)
    assert "thạc sĩ" in guide and "cao cấp" in guide and "chuyên viên chính" in guide and "khiển trách" in guide
    # the empty template reads as an empty pool
    assert list(read_pool(out)) == []


# ----- the pool report -----------------------------------------------------------------------------
def _result(
    row: int,
    verdict: str,
    outcomes: dict[str, str],
    *,
    sex: str = "male",
    age: int = 45,
    level: str = "province",
    groups: tuple[str, ...] = ("department_head",),
    local: bool | None = True,
    missing: list[tuple[str, tuple[str, ...]]] | None = None,
) -> RowResult:
    briefs = [Brief(c, c, c, o, "", "", "", "S") for c, o in outcomes.items() if o not in ("pass", "not_applicable")]
    traits = Traits(sex, age, sex == "female", 3, 3, 0, local, level, groups)
    return RowResult(
        row,
        "ok",
        id=f"P{row}",
        post="giam-doc-so",
        verdict=verdict,
        outcomes=outcomes,
        findings=briefs,
        missing_inputs=missing or [],
        traits=traits,
    )


def test_funnel_binding_criterion_and_missing_inputs(pack: Any) -> None:
    ok = {"a": "pass", "b": "pass", "c": "pass"}
    results = [
        _result(2, "not_eligible", {**ok, "a": "fail"}),
        _result(3, "not_eligible", {**ok, "a": "fail", "b": "fail"}),
        _result(4, "not_eligible", {**ok, "b": "fail"}),
        _result(5, "not_eligible", {**ok, "b": "fail"}),
        _result(6, "not_eligible", {**ok, "a": "fail", "b": "fail", "c": "fail"}),
        _result(7, "incomplete", {**ok, "c": "unknown"}, missing=[("political_standard", ("c",))]),
        _result(8, "eligible", ok),
        RowResult(9, "input_error", id="P9", problems=[Problem("Ngày sinh", "x", "y", None, 9)]),
    ]
    rep = pool_report(results, pack, REQUEST)
    assert rep.rows == 8 and rep.errors == 1 and rep.verdicts["not_eligible"] == 5
    by = {s.criterion: s for s in rep.criteria}
    assert (by["a"].fail, by["b"].fail, by["c"].fail) == (3, 4, 1)
    assert (by["a"].alone, by["b"].alone, by["c"].alone) == (1, 2, 0)
    assert rep.binding is by["b"]  # alone fails the most people, though "a" and "b" overlap
    assert [s.criterion for s in rep.criteria] == ["b", "a", "c"]
    assert [s.remaining for s in rep.criteria] == [3, 2, 2]  # people left without a failure, cumulatively
    assert rep.missing[0].input == "political_standard" and rep.missing[0].column == "Kết luận tiêu chuẩn chính trị"
    assert rep.error_columns == [("Ngày sinh", 1)]


def test_targets_overlay_only_for_its_province_and_measured_on_known_data(pack: Any) -> None:
    central = [t for t, p in targets_for(pack, parse_request({**REQUEST, "locality": None})) if p is not None]
    assert central == []
    here = targets_for(pack, parse_request({**REQUEST, "date": "2025-03-03"}))  # Đề án 18 in force
    assert {p for _, p in here} <= {None, "lao-cai"}
    overlay_ids = {t.id for t in pack.overlays["lao-cai"].pool_targets} if "lao-cai" in pack.overlays else set()
    assert overlay_ids <= {t.id for t, _ in here}
    later = targets_for(pack, parse_request(REQUEST))  # 1/10/2025: the old province's plan ended with it
    assert not overlay_ids & {t.id for t, _ in later}
    acc = PoolAccumulator(pack, parse_request(REQUEST))
    people = [
        _result(2, "eligible", {"a": "pass"}, sex="female", age=35),
        _result(3, "eligible", {"a": "pass"}, sex="male", age=50),
        _result(4, "not_eligible", {"a": "fail"}, sex="male", age=39),
        _result(5, "eligible", {"a": "pass"}, sex="male", age=60),
    ]
    for r in people:
        acc.add(r)
    rep = acc.report()
    women = next(t for t in rep.targets if t.target.measure == "women" and t.province is None)
    assert (women.yes, women.known, women.actual) == (1, 4, 25.0)
    assert women.status()[1] == "met" and women.gap == 0.0
    assert women.eligible_actual == pytest.approx(100 / 3)
    young = next(
        t
        for t in rep.targets
        if t.target.measure == "young"
        and t.target.age_under == 40
        and t.province is None
        and t.target.levels
        and "province" in t.target.levels
    )
    assert (young.yes, young.known) == (2, 4)
    central_young = next(t for t in rep.targets if t.target.levels == ["central"])
    assert central_young.scope == 0 and central_young.status()[1] == "nobody in scope"


# ----- writers -------------------------------------------------------------------------------------
def test_writers_one_line_per_row_and_self_contained_html(tmp_path: Path, pack: Any) -> None:
    items = synthetic.generate(12, seed=9, with_request=True)
    rows: list[PoolRow] = [PoolRow(i + 2, data=it["profile"], request=it["request"]) for i, it in enumerate(items)]
    rows.append(PoolRow(99, problems=[Problem("Ngày sinh", "ngày không tồn tại", "no such date", "31/02/1980", 99)]))
    results = list(screen(rows, REQUEST, pack, workers=1, keep_decision=True))
    rep = pool_report(results, pack, REQUEST)
    for ext in ("xlsx", "jsonl", "html"):
        w = open_writer(tmp_path / f"out.{ext}")
        for r in results:
            w.write(r)
        w.close(rep)
    lines = (tmp_path / "out.jsonl").read_text(encoding="utf-8").splitlines()
    assert len(lines) == 13
    assert json.loads(lines[-1])["errors"][0]["column"] == "Ngày sinh"
    for line, r in zip(lines[:-1], results[:-1], strict=True):
        decision = evaluate(rows[results.index(r)].data, {**REQUEST, **rows[results.index(r)].request}, pack)
        assert json.loads(line) == {"row": r.row, **decision.to_dict()}  # every line carries its row number
    page = (tmp_path / "out.html").read_text(encoding="utf-8")
    assert page.count('<tr><td class="n">') == 13
    assert "addEventListener('click'" in page and "<svg" in page and "https://" not in page
    wb = openpyxl.load_workbook(tmp_path / "out.xlsx", read_only=True)
    assert len(list(wb["Kết quả"].iter_rows())) == 14
    assert any(r[0] == 99 for r in wb["Lỗi dữ liệu"].iter_rows(min_row=2, values_only=True))
    summary = [c for row in wb["Tổng hợp"].iter_rows(values_only=True) for c in row if c]
    assert "Phễu tiêu chí / Failure funnel" in summary and any("--timeline" in str(s) for s in summary)


def test_progress_only_when_enabled() -> None:
    from eligibility.cli.options import progress_bar

    quiet, loud, short, long = io.StringIO(), io.StringIO(), io.StringIO(), io.StringIO()
    with progress_bar("off", file=quiet) as hook:
        assert hook is None
    with progress_bar("on", file=loud) as hook:
        assert hook is not None
        for i in range(1, 4):
            hook(i, 3)
    with progress_bar("auto", file=short) as hook:  # not a terminal: no bar
        assert hook is None
    assert quiet.getvalue() == "" and "3/3" in loud.getvalue() and short.getvalue() == ""
    with progress_bar("on", file=long, min_rows=2) as hook:  # unknown length: a count and a rate
        assert hook is not None
        for i in range(1, 6):
            hook(i, None)
    assert "5" in long.getvalue()


# ----- the synthetic generator -----------------------------------------------------------------------
def test_synthetic_pool_is_deterministic_and_varied() -> None:
    a = synthetic.generate(400, seed=42)
    assert a == synthetic.generate(400, seed=42)
    assert a[:50] == synthetic.generate(50, seed=42)  # person i depends on (seed, i) only
    assert a != synthetic.generate(400, seed=43)
    from eligibility.model import parse_profile

    profiles = [parse_profile(p) for p in a]
    years = {p.birth_date.year for p in profiles}
    assert min(years) >= 1960 and max(years) <= 2000
    assert {p.sex for p in profiles} == {"male", "female"}
    assert {p.education.degree for p in profiles} >= {"none", "trung_cap", "cao_dang", "dai_hoc", "thac_si", "tien_si"}
    assert {p.education.political_theory for p in profiles} >= {"none", "so_cap", "trung_cap", "cao_cap"}
    assert any(p.ethnicity != "Kinh" for p in profiles)
    assert 0 < sum(p.political_standard is None for p in profiles) < 0.2 * len(profiles)
    assert 0 < sum(bool(p.discipline) for p in profiles) < 0.2 * len(profiles)
    titles = {code for code, *_ in synthetic.catalogue()}
    assert all(p.posts is None or all(x.title in titles for x in p.posts) for p in profiles)


def test_lazy_rows_resolve_like_eager_rows(pack: Any) -> None:
    def key(r: PoolRow) -> tuple[Any, ...]:
        return r.row, r.data, r.request, [vars(p) for p in r.problems], r.id, r.name

    eager = [key(r) for r in read_pool(EXAMPLE_POOL, titles=pack.titles)]
    lazy_rows = list(read_pool(EXAMPLE_POOL, titles=pack.titles, lazy=True))
    assert all(r.cells is not None and r.data is None for r in lazy_rows)
    assert [key(r.resolve()) for r in lazy_rows] == eager


def test_streaming_xlsx_writer_reads_back(tmp_path: Path) -> None:
    from eligibility.batch.xlsx import HEADER, TITLE, XlsxStream

    path = tmp_path / "s.xlsx"
    book = XlsxStream(path)
    a = book.add_sheet("Kết quả", [10, 20], freeze_header=True)
    a.autofilter = True
    a.append(["Dòng", "Tên", "Ngày", "Cờ"], HEADER)
    a.append([1, "a & b <c> \x01 'Ư'", dt.date(2024, 2, 29), True])
    a.append([2.5, "x" * 40_000, None, False])
    book.add_sheet("Tổng hợp").append(["Tiêu đề"], TITLE)
    book.save()
    wb = openpyxl.load_workbook(path)
    assert wb.sheetnames == ["Kết quả", "Tổng hợp"]
    ws = wb["Kết quả"]
    assert ws.freeze_panes == "A2" and ws.auto_filter.ref == "A1:D3" and ws["A1"].font.b
    assert ws["B2"].value == "a & b <c>  'Ư'" and ws["C2"].value.date() == dt.date(2024, 2, 29)
    assert ws["D2"].value is True and ws["D3"].value is False and ws["A3"].value == 2.5
    assert len(ws["B3"].value) == 32_767 and ws["B3"].value.endswith("…")
    assert wb["Tổng hợp"]["A1"].font.sz == 13


def test_screen_timeline_gives_next_change_like_explain(pack: Any) -> None:
    """With timeline=True each row carries the first verdict change that `eligibility explain` reports."""
    import yaml

    from eligibility.explain import timeline
    from eligibility.explain.evaluate import Evaluator
    from eligibility.model import parse_profile

    profile = yaml.safe_load((ROOT / "examples" / "profile.yaml").read_text(encoding="utf-8"))
    request = {"action": "appointment", "post": "giam-doc-so", "locality": "lao-cai", "date": "2025-11-03"}
    [result] = list(screen([(1, profile)], request, pack, workers=1, timeline=True))
    tl = timeline.build(Evaluator(pack), parse_profile(profile), parse_request(request), verify=False)
    assert tl.changes, "the example's age criterion lapses within ten years"
    assert result.next_change == tl.changes[0].date.isoformat()
    assert result.next_verdict == tl.changes[0].verdict_after


# ----- targets by year, province and merger (issue 16) ---------------------------------------------------------
@pytest.mark.parametrize(
    "date,locality,expected",
    [
        # before Đề án 18 (11/12/2020) and before QĐ 50 (27/12/2021): only CT 35's committee age structure
        ("2019-06-01", "lao-cai", {"ct35.young.committee"}),
        # Hải Dương's QĐ 676 (28/2/2019) is in force in 2019: its 2025 and 2030 targets
        (
            "2019-06-01",
            "hai-duong",
            {
                "ct35.young.committee",
                "hai-duong.district_state.grade_cvc.2025",
                "hai-duong.commune_fulltime.qualified.2025",
                "hai-duong.district_state.young35.2030",
            },
        ),
        # after the 1/7/2025 mergers: no provincial plan is found adopted; QĐ 50 until QĐ 377 (8/10/2025)
        ("2025-10-01", "lao-cai", {"qd50.young.province", "qd50.young.central", "qd50.women"}),
        ("2025-10-01", "hai-duong", {"qd50.young.province", "qd50.young.central", "qd50.women"}),
        ("2025-10-01", "long-an", {"qd50.young.province", "qd50.young.central", "qd50.women"}),
        ("2031-01-01", "lao-cai", set()),
        ("2031-01-01", "hai-duong", set()),
    ],
)
def test_example_pool_reports_only_the_targets_in_force(
    date: str, locality: str, expected: set[str], pack: Any
) -> None:
    """Screening examples/pool.xlsx on 2019, 2025 and 2031 shows only the targets in force (issue 16)."""
    request = {"action": "planning", "date": date, "locality": locality}
    source = read_pool(EXAMPLE_POOL)
    rep = pool_report(screen(source, request, pack, workers=1), pack, request)
    assert {t.target.id for t in rep.targets} == expected
    plan_notes = [vi for vi, _ in rep.notes if "không còn báo cáo" in vi]
    assert bool(plan_notes) == (date >= "2025-07-01"), "after the merger a note says the old province's plan ended"
    for t in rep.targets:
        if t.province is not None:
            assert t.target.quote is not None and t.target.quote.text in t.citation(rep.source_titles)


def test_local_trait_is_the_engines_outcome_of_the_locality_criterion(
    pack: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The pool report's "local" trait is the engine's outcome of nonlocal.not_local.qd65 (fail = local),
    the same as a non-local placement check says; unknown stays None; engine faults are not swallowed."""
    import yaml

    from eligibility.engine.durable_adapter import DurableEngine
    from eligibility.errors import EngineError

    base = yaml.safe_load((ROOT / "examples" / "profile.yaml").read_text(encoding="utf-8"))
    outside = {"hometown": {"province": "Nam Định"}, "birthplace": {"province": "Nam Định"}}
    people = {
        "local": {**base, "grew_up_in": {"province": "Lào Cai"}},
        "outsider": {**base, **outside, "grew_up_in": {"province": "Nam Định"}, "localities_worked": []},
        "unknown": {
            k: v for k, v in base.items() if k not in ("hometown", "birthplace", "grew_up_in", "localities_worked")
        },
    }
    req = {"action": "planning", "post": "giam-doc-so", "locality": "lao-cai", "date": "2025-10-01"}
    results = list(screen(list(enumerate(people.values(), start=1)), req, pack, workers=1))
    assert [r.traits.local if r.traits else "?" for r in results] == [True, False, None]
    placement = {"action": "nonlocal_placement", "post": "bi-thu-tinh-uy", "locality": "lao-cai", "date": "2025-10-01"}
    for profile, r in zip(people.values(), results, strict=True):
        outcome = evaluate(profile, placement, pack).finding("nonlocal.not_local.qd65").outcome
        assert r.traits is not None and r.traits.local == {"fail": True, "pass": False, "unknown": None}[outcome]
    no_locality = list(screen([(1, people["local"])], {**req, "locality": None}, pack, workers=1))
    assert no_locality[0].traits is not None and no_locality[0].traits.local is None

    real = DurableEngine.outcomes

    def broken(self: Any, version: Any, facts: Any) -> Any:
        # the trait's own rule version (full decisions), or the row's version it rides along in (lean rows)
        if any(c.id in ("nonlocal.not_local.qd65", "@trait.local") for c in version.criteria):
            raise EngineError("planted fault")
        return real(self, version, facts)

    monkeypatch.setattr(DurableEngine, "outcomes", broken)
    for lean in (False, True):  # the row's own fault, never a verdict
        (faulted,) = screen([(1, people["local"])], req, pack, workers=1, lean=lean)
        assert faulted.status == "internal_error" and faulted.verdict is None
        assert "planted fault" in faulted.problems[0].en and "engine" in faulted.problems[0].en
