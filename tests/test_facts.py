"""Derived facts: months in post, cumulative equivalent posts, discipline periods at day precision,
the HD 06 worked example through the CLI, and monotonicity properties."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import pytest
import yaml
from conftest import EXAMPLE
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from eligibility import Request, default_rules, evaluate, parse_profile
from eligibility.cli import main
from eligibility.explain.evaluate import Evaluator
from eligibility.facts.months import month_index, whole_months_between
from eligibility.model import levels as lv

BASE: dict[str, Any] = {"id": "F-1", "sex": "nam", "birth_date": "1972-05-14"}


@pytest.fixture(scope="module")
def facts_of(rules: Any) -> Any:
    ev = Evaluator(rules)  # facts only (prepare asks the engine which criteria apply)

    def facts(
        profile: dict[str, Any], date: str, action: str = "appointment", post: str = "giam-doc-so", **request: Any
    ) -> dict[str, Any]:
        prepared = ev.prepare(Request(action=action, post=post, date=date, **request))
        return ev.facts(parse_profile({**BASE, **profile}), prepared).values

    return facts


# ----- whole months ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "start,end,months",
    [
        ("2023-05-10", "2024-05-09", 11),
        ("2023-05-10", "2024-05-10", 12),
        ("2023-05-10", "2023-05-10", 0),
        ("2023-01-31", "2023-02-27", 0),
        ("2023-01-31", "2023-02-28", 1),  # the 31st reaches its month-end
        ("2024-02-29", "2025-02-28", 12),
        ("2019-03-01", "2021-08-01", 29),
        ("2024-05-10", "2023-05-10", -12),
    ],
)
def test_whole_months_between(start: str, end: str, months: int) -> None:
    assert whole_months_between(dt.date.fromisoformat(start), dt.date.fromisoformat(end)) == months


# ----- months in post --------------------------------------------------------------------------


def test_months_in_current_post(facts_of: Any) -> None:
    posts = [{"title": "pho-giam-doc-so", "from": "2019-03-01"}]
    assert facts_of({"posts": posts}, "2021-08-01")["months_in_current_post"] == 29
    assert facts_of({"posts": posts}, "2021-02-28")["months_in_current_post"] == 23
    assert facts_of({"posts": posts}, "2021-03-01")["months_in_current_post"] == 24
    v = facts_of({"posts": posts}, "2019-02-28")  # before the post began: no current post
    assert v["has_current_post"] is False and "months_in_current_post" not in v


def test_months_in_equivalent_posts_are_cumulative(facts_of: Any) -> None:
    posts = [
        {"title": "pho-chu-tich-ubnd-huyen", "from": "2014-01-01", "to": "2016-12-31"},  # grade 65: 36 months
        {"title": "truong-phong-so", "from": "2017-01-01", "to": "2019-02-28"},  # grade 55: lower, not counted
        {"title": "pho-giam-doc-so", "from": "2019-03-01"},  # grade 65, current
    ]
    v = facts_of({"posts": posts}, "2021-08-01")
    assert v["months_in_current_post"] == 29
    assert v["months_in_equivalent_posts"] == 29 + 36
    assert v["max_grade_held"] == 65
    assert v["target_is_higher"] is True  # giam-doc-so is grade 75


def test_concurrent_equivalent_posts_count_once(facts_of: Any) -> None:
    posts = [
        {"title": "pho-chu-tich-ubnd-huyen", "from": "2019-01-01", "to": "2019-06-30"},
        {"title": "pho-giam-doc-so", "from": "2019-03-01"},  # overlaps the first for four months
    ]
    v = facts_of({"posts": posts}, "2021-08-01")
    assert v["months_in_equivalent_posts"] == whole_months_between(dt.date(2019, 1, 1), dt.date(2021, 8, 1)) == 31


def test_back_to_back_posts_join(facts_of: Any) -> None:
    """'to' is the last day held: 2020-12-31 then 2021-01-01 is one continuous stretch."""
    posts = [
        {"title": "pho-giam-doc-so", "from": "2019-01-15", "to": "2020-12-31"},
        {"title": "pho-giam-doc-so", "from": "2021-01-01"},
    ]
    v = facts_of({"posts": posts}, "2021-01-15")
    assert v["months_in_current_post"] == 0
    assert v["months_in_equivalent_posts"] == 24


def test_no_posts_recorded_vs_none_held(facts_of: Any) -> None:
    unknown = facts_of({}, "2024-01-01")
    assert "months_in_equivalent_posts" not in unknown and "has_current_post" not in unknown
    none = facts_of({"posts": []}, "2024-01-01")
    assert none["has_current_post"] is False and none["max_grade_held"] == 0


# ----- discipline at day precision ---------------------------------------------------------------


def _reprimand(decided: str, kind: str = "đảng") -> dict[str, Any]:
    return {
        "discipline": [{"kind": kind, "form": "khiển trách", "decided": decided}],
        "posts": [{"title": "pho-giam-doc-so", "from": "2019-03-01"}],
    }


@pytest.mark.parametrize(
    "date,months", [("2024-05-09", 11), ("2024-05-10", 12), ("2024-06-09", 12), ("2024-06-10", 13)]
)
def test_months_since_reprimand(facts_of: Any, date: str, months: int) -> None:
    v = facts_of(_reprimand("2023-05-10"), date)
    assert v["has_khien_trach"] is True and v["has_party_khien_trach"] is True and v["has_state_khien_trach"] is False
    assert v["months_since_khien_trach"] == months
    assert v["months_since_party_khien_trach"] == months
    assert v["months_since_latest_discipline"] == months
    assert "months_since_state_khien_trach" not in v


def test_reprimand_blocks_a_higher_post_for_12_months_to_the_day(example_data: dict[str, Any]) -> None:
    """QĐ 80 (2022-08-18 – 2025-10-07): 12 months after a reprimand; 11 months and 30 days is not enough."""
    example_data["discipline"] = [{"kind": "đảng", "form": "khiển trách", "decided": "2023-05-10"}]
    cid = "appointment.discipline.party_higher.khien_trach"
    request = {"action": "appointment", "post": "giam-doc-so", "locality": "lao-cai"}
    before = evaluate(example_data, {**request, "date": "2024-05-09"})
    after = evaluate(example_data, {**request, "date": "2024-05-10"})
    assert before.finding(cid).outcome == "fail"
    assert before.finding(cid).facts["months_since_khien_trach_for_higher"] == 11
    assert "11" in before.finding(cid).message.vi and "12" in before.finding(cid).message.vi
    assert before.verdict == "not_eligible"
    assert after.finding(cid).outcome == "pass"
    # no discipline recorded: the same criterion passes; discipline not recorded: unknown
    example_data["discipline"] = []
    assert evaluate(example_data, {**request, "date": "2024-05-09"}).finding(cid).outcome == "pass"
    del example_data["discipline"]
    assert evaluate(example_data, {**request, "date": "2024-05-09"}).finding(cid).outcome == "unknown"


def test_pending_and_future_discipline(facts_of: Any) -> None:
    pending = facts_of({"discipline": [{"kind": "đảng", "form": "cảnh cáo", "status": "đang xem xét"}]}, "2024-01-01")
    assert pending["under_discipline_consideration"] is True and pending["has_any_discipline"] is False
    later = facts_of(_reprimand("2024-06-01"), "2024-01-01")  # decided after the reference date
    assert later["has_khien_trach"] is False and "months_since_khien_trach" not in later


# ----- HD 06 worked example through the CLI ------------------------------------------------------


def _facts_json(capsys: pytest.CaptureFixture[str], path: Path, *args: str) -> dict[str, Any]:
    assert main(["facts", str(path), *args, "--format", "json"]) == 0
    data: dict[str, Any] = json.loads(capsys.readouterr().out)
    return data


@pytest.mark.parametrize("born", ["02/1965", "1965-02", "1965-02-20", "20/02/1965"])
def test_hd06_example_through_the_cli(tmp_path: Path, capsys: pytest.CaptureFixture[str], born: str) -> None:
    """HD 06-HD/BTCTW: a man born 02/1965 has exactly 5 years (60 months) left at 08/2021."""
    path = tmp_path / "hd06.yaml"
    path.write_text(f"id: HD06\nsex: nam\nbirth_date: '{born}'\n", encoding="utf-8")
    data = _facts_json(capsys, path, "--date", "2021-08-01")
    assert data["profile"] == "HD06" and data["date"] == "2021-08-01" and data["convention"] == "actual"
    assert data["facts"]["months_to_retirement"] == 60
    assert data["facts"]["retirement_month"] == month_index(2026, 8)
    assert data["facts"]["reference_month"] == month_index(2021, 8)
    r = data["retirement"]
    assert (r["age_years"], r["age_months"], r["reached"], r["pension_from"]) == (61, 6, "2026-08", "2026-09")
    assert data["unknown"]["degree_rank"] == ["education.degree"]  # missing inputs are listed
    assert "degree_rank" not in data["facts"]
    assert _facts_json(capsys, path, "--date", "2021-09-30")["facts"]["months_to_retirement"] == 59


def test_facts_text_output(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["facts", str(EXAMPLE), "--date", "2021-08-01", "--lang", "en"]) == 0
    out = capsys.readouterr().out
    assert "months_to_retirement" in out and "Unknown — inputs to record, most decisive first:" in out


# ----- properties ------------------------------------------------------------------------------

DATES = ["2019-06-03", "2021-03-15", "2021-08-01", "2023-02-01", "2024-09-30", "2025-11-03", "2027-01-05"]
birth = st.dates(min_value=dt.date(1955, 1, 1), max_value=dt.date(1995, 12, 31))


def _as_written(d: dt.date, precision: int) -> str:
    return [d.isoformat(), f"{d.month:02d}/{d.year}", d.strftime("%d/%m/%Y")][precision]


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    sex=st.sampled_from(["nam", "nữ"]),
    a=birth,
    b=birth,
    pa=st.integers(0, 2),
    pb=st.integers(0, 2),
    date=st.sampled_from(DATES),
    action=st.sampled_from(["appointment", "planning", "reappointment"]),
)
def test_a_later_birth_date_never_gives_fewer_months_to_retirement(
    facts_of: Any, sex: str, a: dt.date, b: dt.date, pa: int, pb: int, date: str, action: str
) -> None:
    """Born later (younger) never leaves less working time, whatever the date, action and convention."""
    coverage = default_rules().coverage
    assume(coverage is None or dt.date.fromisoformat(date) >= coverage.actions[action].from_)  # else an input error
    if a > b:
        a, b, pa, pb = b, a, pb, pa
    fa = facts_of({"sex": sex, "birth_date": _as_written(a, pa)}, date, action)
    fb = facts_of({"sex": sex, "birth_date": _as_written(b, pb)}, date, action)
    assert fa["months_to_retirement"] <= fb["months_to_retirement"]
    assert fa["retirement_month"] <= fb["retirement_month"]
    if (pa == 1) == (pb == 1):  # a month-only date counts from the 1st: compare ages at one precision
        assert fa["age_months"] >= fb["age_months"]


DEGREES = list(lv.DEGREE.codes)
THEORIES = list(lv.POLITICAL_THEORY.codes)
WORSE = {"pass": 0, "not_applicable": 0, "waivable": 1, "unknown": 2, "fail": 3}
VERDICT = {"eligible": 0, "needs_authority": 1, "incomplete": 2, "not_eligible": 3}
POSTS = [
    "giam-doc-so",
    "pho-giam-doc-so",
    "pho-chu-tich-ubnd-tinh",
    "truong-phong-so",
    "bi-thu-dang-uy-xa",
    "chu-tich-ubnd-xa",
]


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    deg=st.tuples(st.integers(0, len(DEGREES) - 1), st.integers(0, len(DEGREES) - 1)),
    theory=st.tuples(st.integers(0, len(THEORIES) - 1), st.integers(0, len(THEORIES) - 1)),
    post=st.sampled_from(POSTS),
    date=st.sampled_from(["2019-06-03", "2023-02-01", "2025-11-03"]),
    action=st.sampled_from(["appointment", "reappointment", "rotation"]),
)
def test_more_education_never_turns_a_pass_into_a_fail(
    example_data: dict[str, Any], deg: tuple[int, int], theory: tuple[int, int], post: str, date: str, action: str
) -> None:
    lo, hi = (dict(example_data, education=dict(example_data["education"])) for _ in range(2))
    lo["education"].update(degree=DEGREES[min(deg)], political_theory=THEORIES[min(theory)])
    hi["education"].update(degree=DEGREES[max(deg)], political_theory=THEORIES[max(theory)])
    request = {"action": action, "post": post, "locality": "lao-cai", "date": date}
    if action == "rotation":
        request["rotation_months"] = 36
    d_lo, d_hi = evaluate(lo, request), evaluate(hi, request)
    for cid in ("standard.degree", "standard.political_theory"):
        try:
            o_lo, o_hi = d_lo.finding(cid).outcome, d_hi.finding(cid).outcome
        except KeyError:
            continue  # not in force for this action and date
        assert WORSE[o_hi] <= WORSE[o_lo], (cid, o_lo, o_hi)
    for f in d_lo.findings:
        assert WORSE[d_hi.finding(f.criterion).outcome] <= WORSE[f.outcome], f.criterion
    assert VERDICT[d_hi.verdict] <= VERDICT[d_lo.verdict]


def test_education_ladder_on_the_example(example_data: dict[str, Any]) -> None:
    """giam-doc-so needs đại học and cao cấp: each level below fails, each level at or above passes."""
    request = {"action": "appointment", "post": "giam-doc-so", "locality": "lao-cai", "date": "2025-11-03"}
    outcomes = []
    for degree in DEGREES:
        data = dict(example_data, education=dict(example_data["education"], degree=degree))
        outcomes.append(evaluate(data, request).finding("standard.degree").outcome)
    first_pass = outcomes.index("pass")
    assert set(outcomes[:first_pass]) <= {"fail"} and set(outcomes[first_pass:]) == {"pass"}
    assert DEGREES[first_pass] == "dai_hoc"
    for theory, expected in (("trung cấp", "fail"), ("cao cấp", "pass"), ("cử nhân chính trị", "pass")):
        data = dict(example_data, education=dict(example_data["education"], political_theory=theory))
        assert evaluate(data, request).finding("standard.political_theory").outcome == expected, theory


def test_example_profile_as_dict_equals_file(example_data: dict[str, Any]) -> None:
    request = {"action": "appointment", "post": "giam-doc-so", "locality": "lao-cai", "date": "2026-11-03"}
    from eligibility import load_profile

    a = evaluate(example_data, request)
    b = evaluate(load_profile(EXAMPLE), request)
    assert a.verdict == b.verdict == "eligible"
    assert [(f.criterion, f.outcome) for f in a.findings] == [(f.criterion, f.outcome) for f in b.findings]
    assert yaml.safe_load(EXAMPLE.read_text(encoding="utf-8"))["id"] == a.profile_id


@given(
    st.dates(min_value=dt.date(1950, 1, 1), max_value=dt.date(2080, 12, 31)),
    st.dates(min_value=dt.date(1950, 1, 1), max_value=dt.date(2080, 12, 31)),
)
def test_whole_months_matches_relativedelta(start: dt.date, end: dt.date) -> None:
    """The integer month count is exactly dateutil's relativedelta (month ends included)."""
    from dateutil.relativedelta import relativedelta

    if end >= start:
        rd = relativedelta(end, start)
        expected = rd.years * 12 + rd.months
    else:
        rd = relativedelta(start, end)
        expected = -(rd.years * 12 + rd.months)
    assert whole_months_between(start, end) == expected


# ----- the fields of the 2026 law (staff status, maternity leave, how a post ended) --------------------
def test_status_leave_and_exit_facts(example_data: dict[str, Any]) -> None:
    """Added by following docs/ARCHITECTURE.md ("a new profile field"): model, catalogue, derivation, column."""
    from eligibility import derive

    data = {
        **example_data,
        "staff_status": "viên chức",
        "maternity_leave": [{"from": "2026-01-01", "to": "2026-06-30"}],
        "posts": [
            {"title": "pho-giam-doc-so", "from": "2018-01-01", "to": "2024-05-31", "end_reason": "từ chức"},
            {"title": "truong-phong-so", "from": "2024-06-01"},
        ],
    }
    request = {"action": "appointment", "post": "giam-doc-so", "date": "2026-06-30"}
    got = derive(data, request).facts
    assert got["staff_status"] == "vien_chuc" and got["on_maternity_leave"] is True
    # NĐ 170/2025 Điều 55 (NĐ 300/2026): the resignation is confirmed by the file, counted from the day after `to`
    assert got["left_by_tu_chuc"] is True and got["left_by_tu_chuc_confirmed"] is True
    assert got["months_since_left_by_tu_chuc"] == 24 and got["left_by_mien_nhiem"] is False  # from 2024-06-01
    later = derive(data, {**request, "date": "2026-07-01"}).facts
    assert later["on_maternity_leave"] is False and later["months_since_left_by_tu_chuc"] == 25
    bare = derive({k: v for k, v in data.items() if k not in ("staff_status", "maternity_leave")}, request)
    assert "staff_status" not in bare.facts and "on_maternity_leave" not in bare.facts  # missing stays missing
    assert bare.unknown["staff_status"] == ("staff_status",)
    no_reason = {**data, "posts": [{k: v for k, v in data["posts"][0].items() if k != "end_reason"}, data["posts"][1]]}
    unrecorded = derive(no_reason, request).facts  # the reason not recorded: possible, never confirmed
    assert unrecorded["left_by_tu_chuc"] is True and "left_by_tu_chuc_confirmed" not in unrecorded


def test_status_and_leave_columns_round_trip() -> None:
    from eligibility.batch.columns import COLUMNS, layout
    from eligibility.batch.mapping import column_of, profile_to_row, row_to_profile
    from eligibility.model import parse_profile

    profile = {
        "id": "X",
        "sex": "nữ",
        "birth_date": "1985-03-01",
        "staff_status": "công chức",
        "maternity_leave": [{"from": "2026-01-01"}],
    }
    row = profile_to_row(profile)
    assert row["staff_status"] == "công chức" and row["maternity_leave_from"] == "2026-01-01"
    lay, _ = layout([c.vi for c in COLUMNS])
    data, _, problems = row_to_profile([row.get(c.key) for c in COLUMNS], lay, 2)
    assert not problems and parse_profile(data) == parse_profile(profile)
    assert column_of("maternity_leave.0.to") == ("maternity_leave_to", 0)
    none = row_to_profile(
        ["X", "nữ", "1985", "không"], layout(["Mã hồ sơ", "Giới tính", "Ngày sinh", "Nghỉ thai sản từ ngày"])[0], 2
    )
    assert none[0]["maternity_leave"] == [] and not none[2]


def test_2026_law_columns_round_trip() -> None:
    """issue 11: the pool columns of the fields the 2026 law reads — the person's status, maternity leave, an acting
    current post, the latest post left with how it ended, and the NĐ 300 bars — row → profile → row."""
    from eligibility.batch.columns import COLUMNS, layout
    from eligibility.batch.mapping import column_of, profile_to_row, row_to_profile
    from eligibility.errors import InputError
    from eligibility.model import parse_profile

    profile = {
        "id": "X",
        "sex": "nữ",
        "birth_date": "1980-03-01",
        "staff_status": "công chức",
        "maternity_leave": [{"from": "2026-01-01", "to": "2026-06-30"}],
        "posts": [
            {"title": "truong-phong-so", "level": "province", "from": "2024-06-01", "acting": True},
            {"title": "pho-giam-doc-so", "from": "2018-01-01", "to": "2024-05-31", "end_reason": "từ chức"},
        ],
        "barred_from_office": False,
        "under_inspection": True,
        "suspended": False,
        "responsibility_review": False,
    }
    row = profile_to_row(profile)
    assert row["current_post"] == "truong-phong-so" and row["current_post_acting"] == "có"
    assert row["left_post"] == "pho-giam-doc-so" and row["left_post_to"] == "2024-05-31"
    assert row["left_post_end_reason"] == "từ chức" and row["under_inspection"] == "có"
    lay, _ = layout([c.vi for c in COLUMNS])
    data, _, problems = row_to_profile([row.get(c.key) for c in COLUMNS], lay, 2)
    assert not problems, problems
    back = parse_profile(data)
    assert back == parse_profile(profile)
    assert [p.end_reason for p in back.posts or []] == [None, "tu_chuc"]
    assert profile_to_row(data) == row
    assert column_of("posts.1.end_reason") == ("left_post_end_reason", 1)
    # an error in the post left is reported under the post left's own columns, the current post's under its own
    assert column_of("posts.1.from") == ("left_post_from", 1) and column_of("posts.1.to") == ("left_post_to", 1)
    assert column_of("posts.0.from") == ("current_post_from", 0) and column_of("posts.0.to") == ("current_post_from", 0)
    bad = {**row, "left_post_from": "32/13/2015"}
    data, _, problems = row_to_profile([bad.get(c.key) for c in COLUMNS], lay, 2)
    assert not problems
    with pytest.raises(InputError) as err:
        parse_profile(data)
    assert [column_of(p.location)[0] for p in err.value.problems] == ["left_post_from"]
    assert column_of("posts.0.acting") == ("current_post_acting", 0)
    # the post left needs the current-post column (written "không" when the person holds no post now)
    headers = ["Mã hồ sơ", "Giới tính", "Ngày sinh", "Chức vụ đã thôi gần nhất (mã)", "Ngày thôi giữ chức vụ"]
    _, _, problems = row_to_profile(["X", "nữ", "1980", "pho-giam-doc-so", "31/05/2024"], layout(headers)[0], 2)
    assert [p.location for p in problems] == ["Chức vụ đã thôi gần nhất (mã)"]
    headers = [
        "Mã hồ sơ",
        "Giới tính",
        "Ngày sinh",
        "Chức vụ hiện tại (mã)",
        *headers[3:],
        "Ngày bắt đầu giữ chức vụ đã thôi",
    ]
    cells = ["X", "nữ", "1980", "không", "pho-giam-doc-so", "31/05/2024", "01/01/2018"]
    data, _, problems = row_to_profile(cells, layout(headers)[0], 2)
    assert not problems and [p["title"] for p in data["posts"]] == ["pho-giam-doc-so"]
    none = row_to_profile(["X", "nữ", "1980", "không", "không"], layout(headers[:5])[0], 2)
    assert none[0]["posts"] == [] and not none[2]
