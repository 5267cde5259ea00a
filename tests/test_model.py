"""Profiles: Vietnamese values, partial birth dates, missing data, and bilingual errors."""

from __future__ import annotations

import datetime as dt
import subprocess
import sys
import unicodedata
from pathlib import Path
from typing import Any

import pytest
import yaml
from conftest import EXAMPLE, ROOT

from eligibility import InputError, Request, evaluate, load_profile, parse_profile
from eligibility.cli import main
from eligibility.explain.evaluate import Evaluator
from eligibility.model.dates import PartialDate, parse_partial_date

BASE = {"id": "T-1", "sex": "nam", "birth_date": "1970-05"}


def _profile(**patch: Any) -> Any:
    return parse_profile({**BASE, **patch})


def _problems(data: dict[str, Any]) -> list[Any]:
    with pytest.raises(InputError) as info:
        parse_profile(data)
    return info.value.problems


# ----- Vietnamese values -----------------------------------------------------------------------


@pytest.mark.parametrize(
    "raw,code",
    [
        ("nam", "male"),
        ("Nam", "male"),
        ("NAM", "male"),
        ("male", "male"),
        ("nữ", "female"),
        ("Nữ", "female"),
        (unicodedata.normalize("NFD", "nữ"), "female"),
        ("nu", "female"),
        ("female", "female"),
    ],
)
def test_sex(raw: str, code: str) -> None:
    assert _profile(sex=raw).sex == code


@pytest.mark.parametrize(
    "raw,code",
    [
        ("Đại học", "dai_hoc"),
        ("đại học", "dai_hoc"),
        ("dai hoc", "dai_hoc"),
        ("cử nhân", "dai_hoc"),
        ("Thạc sĩ", "thac_si"),
        ("thạc sỹ", "thac_si"),
        ("tiến sĩ", "tien_si"),
        ("trung cấp", "trung_cap"),
        ("cao đẳng", "cao_dang"),
        ("dai_hoc", "dai_hoc"),
    ],
)
def test_degree(raw: str, code: str) -> None:
    assert _profile(education={"degree": raw}).education.degree == code


@pytest.mark.parametrize(
    "raw,code",
    [
        ("cao cấp", "cao_cap"),
        ("Cao cấp", "cao_cap"),
        ("cử nhân chính trị", "cao_cap"),
        ("Cử nhân chính trị", "cao_cap"),
        ("cao cấp lý luận chính trị", "cao_cap"),
        ("trung cấp", "trung_cap"),
        ("sơ cấp", "so_cap"),
        ("chưa qua đào tạo", "none"),
    ],
)
def test_political_theory(raw: str, code: str) -> None:
    assert _profile(education={"political_theory": raw}).education.political_theory == code


def test_discipline_and_other_vietnamese_values() -> None:
    p = _profile(
        discipline=[
            {"kind": "đảng", "form": "khiển trách", "decided": "15/03/2024"},
            {"kind": "chính quyền", "form": "Cảnh cáo", "decided": "2023-01-02", "status": "hết hiệu lực"},
            {"kind": "đảng", "form": "cách chức", "status": "đang xem xét"},
        ],
        investigation="không",
        political_standard={"result": "đạt"},
        hometown={"province": "Lào Cai"},
        posts=[{"title": "pho-giam-doc-so", "level": "cấp tỉnh", "from": "01/03/2019", "relation": "cao hơn"}],
    )
    assert [(r.kind, r.form, r.status) for r in p.discipline or []] == [
        ("party", "khien_trach", "decided"),
        ("state", "canh_cao", "expired"),
        ("party", "cach_chuc", "pending"),
    ]
    assert p.discipline and p.discipline[0].decided == dt.date(2024, 3, 15)
    assert p.investigation == "none"
    assert p.political_standard and p.political_standard.result == "dat"
    assert p.hometown and p.hometown.province == "lao-cai"
    assert p.posts and (p.posts[0].level, p.posts[0].relation, p.posts[0].from_) == (
        "province",
        "higher",
        dt.date(2019, 3, 1),
    )


def test_text_is_nfc() -> None:
    p = _profile(full_name=unicodedata.normalize("NFD", "Nguyễn Thị Hằng"))
    assert p.full_name == unicodedata.normalize("NFC", "Nguyễn Thị Hằng")


def test_the_example_profile() -> None:
    p = load_profile(EXAMPLE)
    assert (p.id, p.sex, p.birth_date.isoformat()) == ("LC-0001", "male", "1972-05-14")
    assert (p.education.degree, p.education.political_theory, p.education.state_management) == (
        "thac_si",
        "cao_cap",
        "chuyen_vien_chinh",
    )
    assert p.discipline == [] and p.assessments and p.assessments[2022] == "HTXSNV"


# ----- birth dates -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "raw,iso,precision,month",
    [
        ("1965-02-14", "1965-02-14", "day", 2),
        (dt.date(1965, 2, 14), "1965-02-14", "day", 2),  # what YAML gives for an unquoted date
        ("14/02/1965", "1965-02-14", "day", 2),
        ("14.02.1965", "1965-02-14", "day", 2),
        ("4/2/1965", "1965-02-04", "day", 2),
        ("1965-02", "1965-02", "month", 2),
        ("02/1965", "1965-02", "month", 2),
        ("1965", "1965", "year", 1),  # ND 135 Điều 3: year only → January
        (1965, "1965", "year", 1),
        (" 1965-2 ", "1965-02", "month", 2),
    ],
)
def test_birth_date_forms(raw: object, iso: str, precision: str, month: int) -> None:
    p = _profile(birth_date=raw)
    assert p.birth_date.isoformat() == iso
    assert p.birth_date.precision == precision
    assert p.birth_date.effective_month == month


def test_birth_date_from_yaml_file(tmp_path: Path) -> None:
    for text, iso in (
        ("1965-02-14", "1965-02-14"),
        ("'1965-02'", "1965-02"),
        ("1965", "1965"),
        ("14/02/1965", "1965-02-14"),
    ):
        path = tmp_path / "p.yaml"
        path.write_text(f"id: Y\nsex: nữ\nbirth_date: {text}\n", encoding="utf-8")
        assert load_profile(path).birth_date.isoformat() == iso


def test_year_only_birth_retires_as_january(rules: Any) -> None:
    ev = Evaluator(rules)
    prepared = ev.prepare(Request(action="appointment", post="giam-doc-so", date="2024-01-10"))
    year = ev.facts(_profile(birth_date="1968", sex="nữ"), prepared)
    january = ev.facts(_profile(birth_date="1968-01", sex="nữ"), prepared)
    assert year.values["months_to_retirement"] == january.values["months_to_retirement"]
    assert year.values["retirement_month"] == january.values["retirement_month"]


def test_partial_date_equality_and_validation() -> None:
    assert parse_partial_date("1965-02") == PartialDate(1965, 2)
    assert parse_partial_date("1965-02") != parse_partial_date("1965-02-01")
    with pytest.raises(ValueError):
        PartialDate(1965, None, 3)


# ----- missing optional data -------------------------------------------------------------------


def test_missing_optional_data_stays_none() -> None:
    p = parse_profile(BASE)
    assert p.education.degree is None and p.education.political_theory is None
    for name in (
        "posts",
        "planning",
        "discipline",
        "health",
        "party",
        "hometown",
        "assessments",
        "investigation",
        "political_standard",
        "asset_declaration",
        "file_verified",
    ):
        assert getattr(p, name) is None, name
    assert parse_profile({**BASE, "discipline": []}).discipline == []  # recorded: none


def test_missing_inputs_make_facts_absent_and_reported(rules: Any) -> None:
    ev = Evaluator(rules)
    prepared = ev.prepare(Request(action="appointment", post="giam-doc-so", date="2025-11-03"))
    facts = ev.facts(parse_profile(BASE), prepared)
    for fact, needs in (
        ("degree_rank", "education.degree"),
        ("political_theory_rank", "education.political_theory"),
        ("health_fit", "health"),
        ("has_any_discipline", "discipline"),
        ("months_in_current_post", "posts"),
        ("party_member", "party"),
    ):
        assert fact not in facts.values, fact
        assert needs in facts.missing[fact], fact
    assert None not in facts.values.values()
    assert "months_to_retirement" in facts.values  # sex and birth date are required and present


def test_missing_input_is_reported_by_the_decision() -> None:
    data = yaml.safe_load(EXAMPLE.read_text(encoding="utf-8"))
    del data["education"]["degree"]
    del data["health"]
    d = evaluate(data, {"action": "appointment", "post": "giam-doc-so", "locality": "lao-cai", "date": "2025-11-03"})
    assert d.verdict == "incomplete"
    assert d.finding("standard.degree").outcome == "unknown"
    assert d.finding("standard.degree").missing == ["education.degree"]
    assert d.finding("appointment.health").outcome == "unknown"
    missing = {m.input: m.criteria for m in d.missing_inputs}
    assert "standard.degree" in missing["education.degree"]
    assert "appointment.health" in missing["health"]
    assert d.finding("standard.political_theory").outcome == "pass"  # what is known is still decided


# ----- malformed profiles: bilingual errors naming the field and the value -----------------------


@pytest.mark.parametrize(
    "patch,location,value,vi,en",
    [
        ({"birth_date": "1965-13-01"}, "birth_date", "1965-13-01", "ngày không tồn tại", "no such date"),
        ({"birth_date": "30/02/1965"}, "birth_date", "30/02/1965", "ngày không tồn tại", "no such date"),
        ({"birth_date": "sinh năm 65"}, "birth_date", "sinh năm 65", "ngày không hợp lệ", "invalid date"),
        ({"birth_date": "1865-01-01"}, "birth_date", "1865-01-01", "năm ngoài khoảng", "year outside"),
        ({"education": {"degree": "siêu cấp"}}, "education.degree", "siêu cấp", "trình độ chuyên môn", "degree"),
        (
            {"education": {"political_theory": "cao cấp nhất"}},
            "education.political_theory",
            "cao cấp nhất",
            "lý luận chính trị",
            "political_theory",
        ),
        ({"sex": "khác"}, "sex", "khác", "giới tính", "sex"),
        ({"hometwon": {"province": "Nam Định"}}, "hometwon", None, "trường không được biết đến", "unknown field"),
        (
            {"posts": [{"title": "pho-giam-doc-so", "from": "2019-03"}]},
            "posts.0.from",
            "2019-03",
            "ngày đầy đủ",
            "full date",
        ),
        (
            {"discipline": [{"kind": "đảng", "form": "khiển trách mạnh", "decided": "2024-01-01"}]},
            "discipline.0.form",
            "khiển trách mạnh",
            "hình thức kỷ luật",
            "discipline_form",
        ),
        (
            {"discipline": [{"kind": "đảng", "form": "khiển trách"}]},
            "discipline",
            None,
            "thiếu ngày quyết định",
            "'decided' date missing",
        ),
    ],
)
def test_malformed_profile(patch: dict[str, Any], location: str, value: object, vi: str, en: str) -> None:
    problems = _problems({**BASE, **patch})
    assert len(problems) == 1
    p = problems[0]
    assert p.location == location
    assert p.value == value
    assert vi in p.vi and en in p.en
    both = p.render("vi")
    assert vi in both and en in both and " / " in both
    if value is not None:
        assert repr(value) in both
    assert vi not in p.render("en")


def test_missing_required_fields_are_named() -> None:
    problems = _problems({"id": "X"})
    assert {p.location for p in problems} == {"sex", "birth_date"}
    assert all("thiếu trường bắt buộc" in p.vi and "required field missing" in p.en for p in problems)


def test_every_problem_is_reported_at_once() -> None:
    problems = _problems({**BASE, "sex": "x", "birth_date": "1965-13", "education": {"degree": "?"}})
    assert {p.location for p in problems} == {"sex", "birth_date", "education.degree"}


def test_not_a_mapping() -> None:
    with pytest.raises(InputError, match="must be a mapping"):
        parse_profile(["id", "X"])


def test_profile_file_errors(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="file not found"):
        load_profile(tmp_path / "none.yaml")
    bad = tmp_path / "bad.yaml"
    bad.write_text("id: [unclosed\n", encoding="utf-8")
    with pytest.raises(InputError, match="syntax error"):
        load_profile(bad)


# ----- the CLI on malformed profiles ----------------------------------------------------------------

CHECK = ["--action", "appointment", "--post", "giam-doc-so", "--date", "2025-11-03"]


@pytest.mark.parametrize(
    "patch,needle",
    [
        ({"birth_date": "31/02/1972"}, "birth_date ('31/02/1972')"),
        ({"sex": "không rõ"}, "sex ('không rõ')"),
        ({"education": {"degree": "giỏi"}}, "education.degree ('giỏi')"),
        ({"hometwon": {"province": "X"}}, "hometwon"),
    ],
)
def test_cli_check_malformed_profile_exits_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], patch: dict[str, Any], needle: str
) -> None:
    data = yaml.safe_load(EXAMPLE.read_text(encoding="utf-8"))
    data.update(patch)
    path = tmp_path / "bad.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    assert main(["check", str(path), *CHECK]) == 2
    out, err = capsys.readouterr()
    assert out == ""
    assert "Dữ liệu không hợp lệ / Invalid input" in err
    assert needle in err
    assert "Traceback" not in err
    assert main(["check", str(path), *CHECK, "--lang", "en"]) == 2
    err_en = capsys.readouterr().err
    assert err_en.startswith("Invalid input:") and needle in err_en


def test_cli_process_exit_code_and_no_traceback(tmp_path: Path) -> None:
    path = tmp_path / "bad.yaml"
    path.write_text("id: X\nsex: nam\nbirth_date: 1972-02-30\n", encoding="utf-8")
    exe = Path(sys.executable).with_name("eligibility")
    proc = subprocess.run([str(exe), "check", str(path), *CHECK], capture_output=True, text=True, timeout=120, cwd=ROOT)
    assert proc.returncode == 2
    assert "birth_date" in proc.stderr and "ngày không tồn tại / no such date" in proc.stderr
    assert "Traceback" not in proc.stderr and proc.stdout == ""
