"""Coverage (issue 11): rules/coverage.yaml, not-encoded and not-required findings, the coverage line in JSON, text
and HTML, the earliest date of each action, the person's status, and the 2026 profile fields."""

from __future__ import annotations

import datetime as dt
import json
import shutil
from pathlib import Path
from typing import Any

import pytest
import yaml

from eligibility import evaluate
from eligibility.cli import main
from eligibility.errors import InputError, RulePackError
from eligibility.explain import timeline
from eligibility.explain.evaluate import Evaluator
from eligibility.explain.render import render_html, render_text
from eligibility.linter import coverage_gaps, lint
from eligibility.model import parse_profile, parse_request
from eligibility.rulepack import load_rules

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "examples" / "profile.yaml"
REQ = {"action": "appointment", "post": "giam-doc-so", "locality": "lao-cai"}


@pytest.fixture(scope="module")
def example() -> dict[str, Any]:
    data: dict[str, Any] = yaml.safe_load(EXAMPLE.read_text(encoding="utf-8"))
    return data


def test_rule_pack_has_coverage(rules: Any) -> None:
    assert rules.coverage is not None
    assert rules.coverage.reviewed_through == dt.date(2026, 11, 30)
    assert set(rules.coverage.actions) == {
        "planning",
        "appointment",
        "reappointment",
        "nomination",
        "rotation",
        "nonlocal_placement",
    }


def test_decision_json_carries_coverage(example: dict[str, Any]) -> None:
    d = evaluate(example, {**REQ, "date": "2026-11-03"})
    data = json.loads(d.to_json())
    cov = data["coverage"]
    assert cov["reviewed_through"] == "2026-11-30" and cov["after_review"] is False
    assert cov["not_encoded"] == [] and "nd300-amendment" in cov["regimes"]
    assert d.verdict == "eligible"


def test_not_encoded_window_is_unknown_never_eligible(example: dict[str, Any]) -> None:
    """On 2025-11-03 NĐ 170's original Điều 29 applies and was not read: unknown, listed, never eligible."""
    d = evaluate(example, {**REQ, "date": "2025-11-03"})
    assert d.verdict == "incomplete"
    listed = {n.criterion: n for n in d.coverage.not_encoded} if d.coverage else {}
    assert "appointment.state.tenure" in listed
    assert listed["appointment.state.tenure"].encoded_from == dt.date(2026, 8, 1)
    f = d.finding("appointment.state.tenure")
    assert f.outcome == "unknown" and f.missing == []
    assert f.message.vi.startswith("Chưa mã hóa quy định cho ngày này") and "01/08/2026" in f.message.vi
    assert f.message.en.startswith("Not encoded for this date")
    assert f.source.id == "nd-170-2025"
    assert all(m.input != "" for m in d.missing_inputs)  # not-encoded findings name no missing input


def test_not_required_window_is_not_applicable_with_its_source(example: dict[str, Any]) -> None:
    d = evaluate(example, {**REQ, "date": "2022-05-10"})
    f = d.finding("appointment.state.tenure")
    assert f.outcome == "not_applicable" and f.source.id == "nd-138-2020"
    assert f.message.vi.startswith("Không áp dụng vào ngày này") and "Điều 42" in f.message.vi


def test_covered_by_gives_no_second_finding(example: dict[str, Any]) -> None:
    d = evaluate(example, {**REQ, "date": "2022-05-10"})
    ids = {f.criterion for f in d.findings}
    assert "appointment.planning.in_plan" in ids and "appointment.state.planning" not in ids


def test_after_review_warning_in_json_text_and_html(example: dict[str, Any]) -> None:
    d = evaluate(example, {**REQ, "date": "2026-12-01"})
    assert d.coverage is not None and d.coverage.after_review
    text = render_text(d)
    assert "Phạm vi: Bộ quy tắc đã rà soát đến 30/11/2026" in text
    assert "LƯU Ý: quy định sau ngày 30/11/2026 chưa được rà soát" in text
    assert "law after 30/11/2026 was not checked" in render_text(d, "en")
    page = render_html(d)
    assert 'class="coverage warn"' in page and "chưa được rà soát" in page


def test_text_and_html_list_not_encoded_conditions(example: dict[str, Any]) -> None:
    d = evaluate(example, {**REQ, "date": "2025-11-03"})
    text = render_text(d)
    line = next(ln for ln in text.splitlines() if ln.startswith("Phạm vi:"))
    assert "điều kiện chưa mã hóa cho ngày này" in line and "NĐ 170 Điều 29 khoản 3" in line
    assert 'class="coverage warn"' in render_html(d)
    ok = render_text(evaluate(example, {**REQ, "date": "2026-11-03"}))
    assert "mọi điều kiện áp dụng đều đã được mã hóa cho ngày này" in ok


@pytest.mark.parametrize(
    "action,date,post",
    [
        ("appointment", "2003-02-28", "giam-doc-so"),
        ("planning", "2009-12-31", "giam-doc-so"),  # planning from Luật CBCC 2008 (2010; was QĐ 50, 2021)
        ("reappointment", "2017-08-03", "giam-doc-so"),
        ("rotation", "2017-10-06", "giam-doc-so"),
    ],
)
def test_date_before_the_action_is_encoded_is_an_input_error(
    example: dict[str, Any], action: str, date: str, post: str
) -> None:
    with pytest.raises(InputError) as err:
        evaluate(example, {"action": action, "post": post, "date": date})
    [problem] = err.value.problems
    assert problem.location == "date" and "chưa được mã hóa" in problem.vi and "is encoded from" in problem.en


def test_cli_date_before_coverage_exits_2(capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["check", str(EXAMPLE), "--action", "appointment", "--post", "giam-doc-so", "--date", "2003-02-28"])
    err = capsys.readouterr().err
    assert code == 2 and "date" in err and "Traceback" not in err


def test_status_decides_applicability(example: dict[str, Any]) -> None:
    """Luật Viên chức Điều 56 applies to a viên chức: công chức → not applicable; status missing and a recent
    State reprimand → unknown naming `staff_status`; viên chức → fail."""
    base = dict(example, discipline=[{"kind": "state", "form": "khiển trách", "decided": "2025-10-01"}])
    req = {"action": "appointment", "post": "hieu-truong-thpt", "date": "2026-03-01"}
    assert evaluate(base, req).finding("vc.discipline.reprimand").outcome == "not_applicable"  # example: công chức
    unknown = evaluate({k: v for k, v in base.items() if k != "staff_status"}, req)
    f = unknown.finding("vc.discipline.reprimand")
    assert f.outcome == "unknown" and "staff_status" in f.missing
    assert "staff_status" in {m.input for m in unknown.missing_inputs}
    assert evaluate(dict(base, staff_status="viên chức"), req).finding("vc.discipline.reprimand").outcome == "fail"


def test_partly_not_encoded_passes_or_stays_unknown(example: dict[str, Any]) -> None:
    req = {**REQ, "date": "2026-11-03"}
    clean = evaluate(example, req).finding("appointment.state.not_serving_discipline")
    assert clean.outcome == "pass"
    old = dict(example, discipline=[{"kind": "party", "form": "khiển trách", "decided": "2019-01-10"}])
    d = evaluate(old, req)
    f = d.finding("appointment.state.not_serving_discipline")
    assert f.outcome == "unknown" and f.missing == [] and "chưa mã hóa" in f.message.vi
    assert "appointment.state.not_serving_discipline" in {n.criterion for n in d.coverage.not_encoded}  # type: ignore[union-attr]
    expired = dict(
        example,
        discipline=[{"kind": "party", "form": "khiển trách", "decided": "2019-01-10", "status": "hết hiệu lực"}],
    )
    assert evaluate(expired, req).finding("appointment.state.not_serving_discipline").outcome == "pass"


def test_elections_2026_reelection_is_not_encoded(example: dict[str, Any]) -> None:
    d = evaluate(
        example,
        {
            "action": "nomination",
            "event": "elections-2026",
            "level": "province",
            "reelection": True,
            "date": "2026-01-10",
        },
    )
    f = d.finding("nomination.elections2026.reelection")
    assert f.outcome == "unknown" and "Hướng dẫn 36" in f.message.vi and d.verdict == "incomplete"
    assert d.reference_month == "2026-03" and d.convention == "actual"


def test_new_profile_fields_parse_vietnamese_and_name_bad_values() -> None:
    p = parse_profile(
        {
            "id": "X",
            "sex": "nữ",
            "birth_date": "1980-01-01",
            "staff_status": "Viên chức",
            "posts": [
                {
                    "title": "truong-phong-so",
                    "from": "2015-01-01",
                    "to": "2020-12-31",
                    "end_reason": "Thôi giữ chức vụ",
                },
                {"title": "pho-giam-doc-so", "from": "2021-01-01", "to": "2022-12-31", "end_reason": "tu chuc"},
                {"title": "truong-phong-so", "from": "2023-01-01", "acting": True},
            ],
            "maternity_leave": [{"from": "2024-01-01", "to": "2024-06-30"}],
            "investigation": "tạm giam",
        }
    )
    assert p.staff_status == "vien_chuc" and p.investigation == "detained"
    assert [q.end_reason for q in p.posts or []] == ["thoi_giu_chuc_vu", "tu_chuc", None]
    with pytest.raises(InputError) as err:
        parse_profile(
            {
                "id": "X",
                "sex": "nam",
                "birth_date": "1980",
                "posts": [{"title": "t", "from": "2020-01-01", "end_reason": "nghỉ phép"}],
            }
        )
    assert err.value.problems[0].location == "posts.0.end_reason"
    with pytest.raises(InputError) as err:
        parse_profile(
            {
                "id": "X",
                "sex": "nam",
                "birth_date": "1980",
                "maternity_leave": [{"from": "2024-05-01", "to": "2024-04-01"}],
            }
        )
    assert err.value.problems[0].location == "maternity_leave.0.to"
    with pytest.raises(InputError):
        parse_request({"action": "reappointment", "post": "giam-doc-so", "date": "2026-08-01", "term_years": 4})


def test_missing_new_fields_stay_missing() -> None:
    """A profile without the 2026 fields: the NĐ 300 bars are unknown and name their inputs."""
    d = evaluate({"id": "M", "sex": "nam", "birth_date": "1975"}, {**REQ, "date": "2026-11-03"})
    missing = {m.input for m in d.missing_inputs}
    assert {"barred_from_office", "under_inspection", "suspended", "assessments"} <= missing
    assert d.verdict == "incomplete"


def test_timeline_breaks_at_coverage_windows(rules: Any, example: dict[str, Any]) -> None:
    ev = Evaluator(rules)
    breaks = timeline.rule_breaks(ev, parse_request({**REQ, "date": "2026-11-03"}))
    for d in (dt.date(2025, 7, 1), dt.date(2026, 8, 1), dt.date(2024, 9, 17), dt.date(2020, 12, 1)):
        assert d in breaks
    tl = timeline.build(ev, parse_profile(example), parse_request({**REQ, "date": "2026-07-15"}), verify=True)
    assert tl.unexpected == []
    assert tl.verdict_on(dt.date(2026, 7, 31)) == "incomplete" and tl.verdict_on(dt.date(2026, 8, 1)) == "eligible"


def _copy(tmp_path: Path) -> Path:
    dest = tmp_path / "rules"
    shutil.copytree(ROOT / "rules", dest)
    return dest


def test_loader_checks_coverage_windows(tmp_path: Path) -> None:
    root = _copy(tmp_path)
    path = root / "criteria" / "state_2026.yaml"
    text = path.read_text(encoding="utf-8")
    path.write_text(
        text.replace("criterion: appointment.planning.in_plan,", "criterion: appointment.planning.nope,", 1),
        encoding="utf-8",
    )
    with pytest.raises(RulePackError) as err:
        load_rules(root)
    assert "covered_by names an unknown criterion appointment.planning.nope" in err.value.render("en")
    path.write_text(
        text.replace(
            "covered_by:\n      - {from: 2020-12-01, until: 2025-06-30, criterion: appointment.planning.in_plan,",
            "covered_by:\n      - {from: 2019-12-01, until: 2025-06-30, criterion: appointment.planning.in_plan,",
            1,
        ),
        encoding="utf-8",
    )
    with pytest.raises(RulePackError) as err:
        load_rules(root)
    assert "overlap" in err.value.render("en") or "not in force over the whole covered_by window" in err.value.render(
        "en"
    )


def test_not_required_needs_a_source(tmp_path: Path) -> None:
    root = _copy(tmp_path)
    path = root / "criteria" / "state_2026.yaml"
    text = path.read_text(encoding="utf-8")
    old = '        source: {id: nd-138-2020, article: "Điều 42 (danh mục điều kiện bổ nhiệm, bản dịch tiếng Anh)", tag: D,\n                 note: "derived from the list of Điều 42\'s conditions as read (docs/rulebook.md §2.3, lawnet EN 104736)"}\n'
    assert old in text
    path.write_text(text.replace(old, ""), encoding="utf-8")
    with pytest.raises(RulePackError) as err:
        load_rules(root)
    assert "not_required window needs" in err.value.render("en")


def test_lint_reports_missing_coverage_file_and_gaps(tmp_path: Path, rules: Any) -> None:
    assert coverage_gaps(rules), "existing criteria still have undeclared gaps (visible as warnings)"
    root = _copy(tmp_path)
    (root / "coverage.yaml").unlink()
    problems, warnings = lint(root, ROOT / "cases")
    assert any("coverage.yaml: missing" in w for w in warnings)
    assert problems == [] or all("coverage" not in p for p in problems)
