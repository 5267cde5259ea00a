"""The command line, called in-process: documented JSON keys, HTML page, English, incomplete profiles,
and requests that must be refused (exit 2, bilingual, no traceback)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import yaml
from conftest import EXAMPLE

from eligibility.cli import main

CHECK = [
    "check",
    str(EXAMPLE),
    "--action",
    "appointment",
    "--post",
    "giam-doc-so",
    "--locality",
    "lao-cai",
    "--date",
    "2026-11-03",  # the example is eligible under NĐ 300/2026 (on 2025-11-03 NĐ 170's original text is not encoded)
]


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def run_json(capsys: pytest.CaptureFixture[str], *argv: str) -> Any:
    code, out, err = run(capsys, *argv, "--format", "json")
    assert code == 0, err
    return json.loads(out)


# ----- retirement -----------------------------------------------------------------------------


def test_retirement_json(capsys: pytest.CaptureFixture[str]) -> None:
    data = run_json(capsys, "retirement", "--sex", "male", "--born", "1965-02")
    assert data == {
        "age_years": 61,
        "age_months": 6,
        "reached": "2026-08",
        "pension_from": "2026-09",
        "convention": "actual",
    }


@pytest.mark.parametrize("sex,born", [("nam", "02/1965"), ("Nam", "1965-02-20"), ("m", "20/02/1965")])
def test_retirement_accepts_vietnamese_and_other_forms(capsys: pytest.CaptureFixture[str], sex: str, born: str) -> None:
    data = run_json(capsys, "retirement", "--sex", sex, "--born", born)
    assert (data["age_years"], data["age_months"], data["reached"], data["pension_from"]) == (
        61,
        6,
        "2026-08",
        "2026-09",
    )


def test_retirement_conventions_and_women(capsys: pytest.CaptureFixture[str]) -> None:
    assert run_json(capsys, "retirement", "--sex", "nữ", "--born", "1975-05")["age_years"] == 60
    fixed = run_json(capsys, "retirement", "--sex", "male", "--born", "1965-02", "--convention", "fixed_60_55")
    assert (fixed["age_years"], fixed["age_months"], fixed["reached"]) == (60, 0, "2025-02")
    year_only = run_json(capsys, "retirement", "--sex", "female", "--born", "1968")
    assert year_only == run_json(capsys, "retirement", "--sex", "female", "--born", "1968-01")


def test_retirement_text(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "retirement", "--sex", "male", "--born", "1965-02")
    assert code == 0 and "61 tuổi 6 tháng" in out and "2026-08" in out and "2026-09" in out
    code, out, _ = run(capsys, "retirement", "--sex", "male", "--born", "1965-02", "--lang", "en")
    assert code == 0 and "61 years 6 months" in out and "pension from 2026-09" in out


@pytest.mark.parametrize(
    "args,needle",
    [
        (["--sex", "x", "--born", "1965-02"], "--sex ('x')"),
        (["--sex", "male", "--born", "1965-13"], "--born ('1965-13')"),
        (["--sex", "male", "--born", "1965-02", "--convention", "fixed_70"], "--convention ('fixed_70')"),
    ],
)
def test_retirement_bad_input(capsys: pytest.CaptureFixture[str], args: list[str], needle: str) -> None:
    code, out, err = run(capsys, "retirement", *args)
    assert code == 2 and out == ""
    assert "Dữ liệu không hợp lệ / Invalid input" in err and needle in err and "Traceback" not in err


# ----- check: JSON --------------------------------------------------------------------------------

FINDING_KEYS = {
    "criterion",
    "topic",
    "outcome",
    "message",
    "facts",
    "parameters",
    "source",
    "confidence",
    "holds_from",
    "holds_until",
}


def test_check_json_documented_keys(capsys: pytest.CaptureFixture[str]) -> None:
    data = run_json(capsys, *CHECK)
    assert {"verdict", "findings", "missing_inputs", "regime", "rulepack", "request"} <= set(data)
    assert data["verdict"] == "eligible"
    assert data["missing_inputs"] == []
    assert data["request"]["action"] == "appointment" and data["request"]["post"] == "giam-doc-so"
    assert data["request"]["date"] == "2026-11-03" and data["request"]["locality"] == "lao-cai"
    assert isinstance(data["rulepack"], str) and len(data["rulepack"]) == 16
    assert data["regime"] and all({"id", "vi", "en"} <= set(r) for r in data["regime"])
    assert data["findings"]
    outcomes = {"pass", "fail", "waivable", "unknown", "not_applicable"}
    for f in data["findings"]:
        assert set(f) >= FINDING_KEYS, f["criterion"]
        assert set(f["message"]) == {"vi", "en"} and f["message"]["vi"] and f["message"]["en"]
        assert f["outcome"] in outcomes
        assert f["confidence"] in {"P", "S", "D", "M"}
        assert {"id", "number", "article"} <= set(f["source"])
        assert isinstance(f["facts"], dict) and isinstance(f["parameters"], list)
        for p in f["parameters"]:
            assert {"name", "value", "read_on", "step_from", "source", "confidence"} <= set(p)
    age = next(f for f in data["findings"] if f["criterion"] == "appointment.age.months_to_retirement")
    assert age["outcome"] == "pass" and age["facts"]["months_to_retirement"] == 90  # 05/2034 − 11/2026
    assert [p["value"] for p in age["parameters"]] == [60]
    json.dumps(data, ensure_ascii=False)  # plain JSON types only


def test_check_json_is_utf8_vietnamese(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, *CHECK, "--format", "json")
    assert code == 0 and "Đủ sức khỏe" in out and "\\u" not in out


def test_check_out_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    target = tmp_path / "phieu.json"
    code, out, _ = run(capsys, *CHECK, "--format", "json", "--out", str(target))
    assert code == 0 and out == ""
    assert json.loads(target.read_text(encoding="utf-8"))["verdict"] == "eligible"


# ----- check: HTML and English --------------------------------------------------------------------


def test_check_html_is_a_full_page(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, *CHECK, "--format", "html")
    assert code == 0
    page = out.strip()
    assert page.startswith("<!DOCTYPE html>") and page.endswith("</html>")
    for tag in (
        '<html lang="vi">',
        '<meta charset="utf-8">',
        "<title>",
        "</head>",
        "<body>",
        "</body>",
        "<style>",
        "<table",
        "</table>",
    ):
        assert tag in page, tag
    assert "LC-0001" in page and "Nguyễn Văn An" in page and "Đủ điều kiện" in page
    assert (
        "(eligible)" not in page and "giam-doc-so" not in page and "Giám đốc Sở" in page and "03/11/2026" in page
    )  # CHECK is dated 2026-11-03 (issue 11)
    assert page.count("<tr class=") >= 10
    assert "<script" not in page


def test_check_html_escapes_profile_text(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    data = yaml.safe_load(EXAMPLE.read_text(encoding="utf-8"))
    data["id"] = "<b>X&Y</b>"
    path = tmp_path / "p.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    code, out, _ = run(capsys, "check", str(path), *CHECK[2:], "--format", "html")
    assert code == 0 and "&lt;b&gt;X&amp;Y&lt;/b&gt;" in out and "<b>X&Y</b>" not in out


def test_check_lang_en(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, *CHECK, "--lang", "en")
    assert code == 0
    assert "Verdict: Eligible  [eligible]" in out
    assert "Source:" in out and "Rule pack:" in out
    assert "Kết luận" not in out and "Căn cứ" not in out
    code, page, _ = run(capsys, *CHECK, "--lang", "en", "--format", "html")
    assert code == 0 and '<html lang="en">' in page and "Eligibility record" in page and ">Outcome<" in page


def test_check_text_vi(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, *CHECK)
    assert code == 0 and "Kết luận: Đủ điều kiện\n" in out and "Căn cứ:" in out and "[eligible]" not in out
    assert "việc: bổ nhiệm, chức danh: Giám đốc Sở (và tương đương), địa phương: Lào Cai, ngày xét: 03/11/2026" in out


# ----- incomplete profiles ------------------------------------------------------------------------


def test_incomplete_profile(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    data = yaml.safe_load(EXAMPLE.read_text(encoding="utf-8"))
    for key in ("health", "political_standard", "discipline"):
        del data[key]
    path = tmp_path / "incomplete.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    decision = run_json(capsys, "check", str(path), *CHECK[2:])
    assert decision["verdict"] == "incomplete"
    missing = {m["input"]: m["criteria"] for m in decision["missing_inputs"]}
    assert {"health", "political_standard", "discipline"} <= set(missing)
    assert "appointment.health" in missing["health"]
    unknown = {f["criterion"] for f in decision["findings"] if f["outcome"] == "unknown"}
    assert unknown == {c for cs in missing.values() for c in cs}
    counts = [len(m["criteria"]) for m in decision["missing_inputs"]]
    assert counts == sorted(counts, reverse=True)  # most decisive first
    code, out, _ = run(capsys, "check", str(path), *CHECK[2:])
    assert code == 0 and "Chưa đủ dữ liệu để kết luận" in out and "Dữ liệu còn thiếu" in out and "- sức khỏe:" in out
    assert "- health:" not in out and "appointment.health" not in out
    code, out, _ = run(capsys, "check", str(path), *CHECK[2:], "--lang", "en")
    assert "Missing inputs (most decisive first):" in out


def test_minimal_profile_is_incomplete_not_failed(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "min.yaml"
    path.write_text("id: M-1\nsex: nữ\nbirth_date: 1975\n", encoding="utf-8")
    decision = run_json(capsys, "check", str(path), *CHECK[2:])
    assert decision["verdict"] == "incomplete"
    assert all(f["outcome"] in ("pass", "unknown", "not_applicable") for f in decision["findings"])
    assert decision["missing_inputs"]


# ----- requests that must be refused --------------------------------------------------------------


def test_district_post_after_the_two_level_reform(capsys: pytest.CaptureFixture[str]) -> None:
    args = ["check", str(EXAMPLE), "--action", "appointment", "--post", "chu-tich-ubnd-huyen"]
    code, out, err = run(capsys, *args, "--date", "2025-07-01")
    assert code == 2 and out == ""
    assert "cấp huyện không còn tồn tại" in err and "district level no longer exists" in err
    assert "chu-tich-ubnd-huyen" in err and "Traceback" not in err
    code, _, err = run(capsys, *args, "--date", "2025-07-01", "--lang", "en")
    assert code == 2 and "district level no longer exists" in err and "cấp huyện" not in err
    code, out, _ = run(capsys, *args, "--date", "2025-06-30", "--format", "json")  # the last day it existed
    assert code == 0 and json.loads(out)["verdict"]


def test_district_level_nomination_after_the_reform(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(
        capsys,
        "check",
        str(EXAMPLE),
        "--action",
        "nomination",
        "--event",
        "congress-2025",
        "--level",
        "huyện",
        "--date",
        "2025-11-03",
    )
    assert code == 2 and "district level no longer exists" in err


@pytest.mark.parametrize(
    "args,needle",
    [
        (["--post", "giam-doc-so-xyz"], "title code not in the catalogue"),
        (["--post", "giam-doc-so", "--relation", "sideways"], "relation"),
        (["--post", "giam-doc-so", "--date", "2025-13-01"], "date"),
    ],
)
def test_bad_requests_exit_2(capsys: pytest.CaptureFixture[str], args: list[str], needle: str) -> None:
    argv = ["check", str(EXAMPLE), "--action", "appointment", *args]
    if "--date" not in args:
        argv += ["--date", "2025-11-03"]
    code, out, err = run(capsys, *argv)
    assert code == 2 and out == "" and needle in err and "Traceback" not in err
    assert " / " in err  # bilingual


def test_appointment_needs_a_post(capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(capsys, "check", str(EXAMPLE), "--action", "appointment", "--date", "2025-11-03")
    assert code == 2 and "needs a post" in err and "cần mã chức danh" in err


def test_missing_profile_file(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    code, _, err = run(capsys, "check", str(tmp_path / "none.yaml"), "--action", "appointment", "--post", "giam-doc-so")
    assert code == 2 and "không tìm thấy tệp / file not found" in err
