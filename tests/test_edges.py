"""Issue 10: answers at the edges — people past the retirement age (and the messages about them)."""

from __future__ import annotations

import datetime as dt
import json
import re
from typing import Any

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from eligibility import Evaluator, default_rules, parse_profile, parse_request
from eligibility.explain import timeline
from eligibility.explain.messages import UNKNOWN_NOTES
from eligibility.explain.render import render_html, render_json, render_text
from eligibility.explain.timeline import render as tl_render
from eligibility.serialize import to_json

NEGATIVE_MONTHS = re.compile(r"-\s?\d+\s*(tháng|months?)\b")

RETIRED: dict[str, Any] = {
    "id": "RT-1",
    "sex": "nam",
    "birth_date": "1963-01-20",  # 60y9m → reached 10/2023
    "hometown": {"province": "Nam Định"},
    "birthplace": {"province": "Nam Định"},
    "grew_up_in": {"province": "Nam Định"},
    "party": {"member": True},
    "education": {"degree": "thạc sĩ", "political_theory": "cao cấp", "state_management": "chuyên viên cao cấp"},
    "posts": [{"title": "pho-giam-doc-so", "level": "province", "locality": "Lào Cai", "from": "2015-03-01"}],
    "planning": [{"title": "giam-doc-so", "term": "2020-2025", "approved": "2021-06-15"}],
    "localities_worked": [{"province": "Lào Cai", "years": 10}],
    "assessments": {2021: "HTTNV", 2022: "HTXSNV", 2023: "HTTNV", 2024: "HTTNV"},
    "discipline": [],
    "investigation": "không",
    "political_standard": {"result": "đạt"},
    "health": {"fit": True},
    "asset_declaration": {"verified": True},
    "file_verified": True,
    "abroad_or_inpatient_months": 0,
}
REQUESTS = [
    {"action": "appointment", "post": "giam-doc-so", "locality": "lao-cai"},
    {"action": "reappointment", "post": "pho-giam-doc-so", "locality": "lao-cai"},
    {"action": "rotation", "post": "giam-doc-so", "locality": "lao-cai", "rotation_months": 36},
    {"action": "planning", "post": "giam-doc-so", "locality": "lao-cai"},
    {"action": "nonlocal_placement", "post": "giam-doc-so-tai-chinh", "locality": "nghe-an"},
    {"action": "nomination", "event": "congress-2025", "level": "province"},
]


@pytest.fixture(scope="module")
def evaluator() -> Evaluator:
    return Evaluator(default_rules())


@pytest.mark.parametrize("req", REQUESTS, ids=[r["action"] for r in REQUESTS])
def test_past_retirement_is_a_hard_fail_in_every_renderer(evaluator: Evaluator, req: dict[str, Any]) -> None:
    profile = parse_profile(RETIRED)
    date = "2025-09-01" if req["action"] == "nomination" else "2025-11-03"
    request = parse_request({**req, "date": date})
    d = evaluator.evaluate(profile, request)
    assert d.verdict == "not_eligible"
    f = d.finding("common.not_past_retirement")
    assert f.outcome == "fail" and not f.waivable
    assert "Đã quá tuổi nghỉ hưu từ 10/2023" in f.message.vi
    assert "Past retirement age since 10/2023" in f.message.en
    assert not d.findings_with("waivable") or all(x.topic != "age" for x in d.findings_with("waivable"))
    messages = [x.message.vi + " " + x.message.en for x in d.findings]
    rendered = [
        render_text(d, "vi", show_not_applicable=True),
        render_text(d, "en", show_not_applicable=True),
        render_html(d, "vi"),
        render_html(d, "en"),
        *messages,
        json.dumps(
            [m for x in json.loads(render_json(d))["findings"] for m in x["message"].values()], ensure_ascii=False
        ),
    ]
    for text in rendered:
        assert not NEGATIVE_MONTHS.search(text), NEGATIVE_MONTHS.search(text)
    assert "2023)" not in " ".join(x.message.vi for x in d.findings if "kéo dài" in x.message.vi)


def test_explain_does_not_keep_a_retired_person_waivable(evaluator: Evaluator) -> None:
    profile = parse_profile(RETIRED)
    request = parse_request({**REQUESTS[0], "date": "2025-11-03"})
    tl = timeline.build(evaluator, profile, request)
    assert tl.verdict == "not_eligible"
    d0 = dt.date(2025, 11, 3)
    assert all(p.value == "not_eligible" for p in tl.periods if p.end is None or p.end >= d0)
    assert tl.earliest_eligible is None
    for text in (
        tl_render.render_text(tl, "vi"),
        tl_render.render_text(tl, "en"),
        tl_render.render_html(tl, "vi"),
        to_json(tl),
    ):
        assert not NEGATIVE_MONTHS.search(text)
    age = [n for n in tl.needed if n.criterion == "appointment.age.months_to_retirement"]
    assert age and "cấp có thẩm quyền" not in age[0].text.vi


_births = st.tuples(st.integers(1940, 1990), st.integers(1, 12), st.integers(1, 28))
_dates = st.dates(dt.date(2018, 1, 1), dt.date(2032, 12, 31))


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(born=_births, on=_dates, sex=st.sampled_from(["nam", "nữ"]), which=st.integers(0, 3))
def test_no_message_prints_a_negative_month_count(
    evaluator: Evaluator, born: tuple[int, int, int], on: dt.date, sex: str, which: int
) -> None:
    profile = parse_profile({**RETIRED, "sex": sex, "birth_date": dt.date(*born).isoformat()})
    req = REQUESTS[which]
    coverage = evaluator.rules.coverage  # issue 11: a date before its action's earliest encoded date is an input error
    assume(coverage is None or on >= coverage.actions[req["action"]].from_)
    d = evaluator.evaluate(profile, parse_request({**req, "date": on.isoformat()}))
    for f in d.findings:
        for text in (f.message.vi, f.message.en):
            assert not NEGATIVE_MONTHS.search(text), (f.criterion, text)
    past = d.finding("common.not_past_retirement")
    if past.outcome == "fail":
        assert d.verdict == "not_eligible"
        assert all(x.outcome != "waivable" for x in d.findings if x.topic == "age")


# ----- impossible inputs (defect 2) ---------------------------------------------------------------------------
def _profile_file(tmp_path: Any, **changes: Any) -> str:
    import yaml

    f = tmp_path / "p.yaml"
    f.write_text(yaml.safe_dump({**RETIRED, **changes}, allow_unicode=True), encoding="utf-8")
    return str(f)


@pytest.mark.parametrize(
    "changes,extra,needle",
    [
        ({"birth_date": "2100-12-31"}, [], "birth_date"),
        (
            {"birth_date": "2010-02-01", "posts": [], "assessments": None, "planning": []},
            [],
            "birth_date ('2010-02-01')",
        ),
        ({}, ["--term", "2031-2026"], "term"),
        ({}, ["--term", "2026/2031"], "term"),
        (
            {"birth_date": "1990-05-01", "posts": [{"title": "truong-phong-so", "from": "2004-01-01"}]},
            [],
            "posts.0.from",
        ),
        (
            {"discipline": [{"kind": "party", "form": "khiển trách", "decided": "1950-01-01"}]},
            [],
            "discipline.0.decided",
        ),
    ],
)
def test_impossible_inputs_exit_2_naming_the_field(
    tmp_path: Any, capsys: pytest.CaptureFixture[str], changes: dict[str, Any], extra: list[str], needle: str
) -> None:
    from eligibility.cli import main

    path = _profile_file(tmp_path, **changes)
    code = main(["check", path, "--action", "planning", "--post", "giam-doc-so", "--date", "2025-11-03", *extra])
    err = capsys.readouterr().err
    assert code == 2
    assert needle in err and "Traceback" not in err


def test_a_profile_built_in_code_is_checked_too(evaluator: Evaluator) -> None:
    from eligibility.errors import InputError
    from eligibility.model.profile import Profile

    p = Profile.model_validate(
        {**RETIRED, "discipline": [{"kind": "party", "form": "cảnh cáo", "decided": "1950-01-01"}]}
    )
    with pytest.raises(InputError) as exc:
        evaluator.evaluate(p, parse_request({**REQUESTS[0], "date": "2025-11-03"}))
    assert exc.value.problems[0].location == "discipline.0.decided"


def test_year_only_birth_is_never_made_impossible(evaluator: Evaluator) -> None:
    """Born '2007' (1 January, the oldest possible): 18 on 2025-01-01, so a request on 2025-11-03 is accepted."""
    d = evaluator.evaluate(
        parse_profile({"id": "Y", "sex": "nam", "birth_date": "2007"}),
        parse_request({"action": "planning", "post": "giam-doc-so", "date": "2025-11-03"}),
    )
    assert d.finding("common.not_past_retirement").outcome == "pass"


# ----- missing inputs are only the absent ones, ranked (defect 7) ----------------------------------------------
def test_missing_inputs_list_only_absent_fields(evaluator: Evaluator) -> None:
    profile = parse_profile({**RETIRED, "birth_date": "1975-06-20", "discipline": None})
    d = evaluator.evaluate(profile, parse_request({**REQUESTS[0], "date": "2025-11-03"}))
    inputs = [m.input for m in d.missing_inputs]
    # posts are recorded: never asked for. issue 11: staff_status too — with discipline unknown, whether Luật Viên chức
    # Điều 56 (a viên chức's discipline) applies depends on the person's status, which this profile does not record
    assert inputs == ["discipline", "staff_status"]
    not_encoded = {n.criterion for n in d.coverage.not_encoded} if d.coverage else set()
    for f in d.findings_with("unknown"):
        if f.criterion in not_encoded:  # issue 11: not encoded for 2025-11-03 (NĐ 170 before NĐ 300): no input asked
            assert f.missing == [], f.criterion
            continue
        assert "discipline" in f.missing and set(f.missing) <= {"discipline", "staff_status"}, (f.criterion, f.missing)
    # ranked: the input deciding most criteria first
    profile = parse_profile({**RETIRED, "birth_date": "1975-06-20", "discipline": None, "health": None})
    d = evaluator.evaluate(profile, parse_request({**REQUESTS[0], "date": "2025-11-03"}))
    counts = [len(m.criteria) for m in d.missing_inputs]
    assert [m.input for m in d.missing_inputs][0] == "discipline" and counts == sorted(counts, reverse=True)


def test_facts_command_lists_only_absent_inputs(tmp_path: Any, capsys: pytest.CaptureFixture[str]) -> None:
    from eligibility.cli import main

    path = _profile_file(tmp_path, birth_date="1975-06-20")  # discipline: [] (recorded: none)
    args = ["--post", "giam-doc-so", "--locality", "lao-cai", "--date", "2025-11-03"]
    assert main(["facts", path, *args, "--format", "json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert "months_since_cach_chuc" not in out["unknown"]  # no dismissal on file: nothing is missing
    recorded = {"discipline", "posts", "birth_date", "sex", "planning", "hometown", "request.locality"}
    assert not {i for inputs in out["unknown"].values() for i in inputs} & recorded
    # issue 11: the 2026 law also reads how past posts ended and the NĐ 300 bars, which this profile does not record
    assert {m["input"] for m in out["missing_inputs"]} == {
        "education.minority_languages",
        "request.rotation_months",
        "committees",  # cấp ủy seats (issue 16): read by Long An's committee-member standards
        "staff_status",
        "maternity_leave",
        "posts.end_reason",
        "barred_from_office",
        "under_inspection",
        "suspended",
        "responsibility_review",
    }
    path = _profile_file(tmp_path, birth_date="1975-06-20", discipline=None, health=None)
    assert main(["facts", path, *args]) == 0
    text = capsys.readouterr().out
    unknown = text.split("Chưa biết")[1]
    # posts are recorded (issue 11: how a past post ended, posts.end_reason, is a field of its own)
    assert "discipline ←" in unknown and not re.search(r"^\s*posts ←", unknown, re.M)


# ----- the non-local message reads as a sentence (defect 6) ------------------------------------------------------
@pytest.mark.parametrize(
    "values,vi,en",
    [
        (
            {"hometown_here": False, "birthplace_here": True, "grew_up_here": True, "origin_here": True},
            "nơi sinh và nơi lớn lên ở Lào Cai",
            "birthplace and place of upbringing in Lào Cai",
        ),
        (  # the two readings disagree (issue 16): the facts layer's note says so, the phrase names the place
            {
                "hometown_here": True,
                "birthplace_here": True,
                "grew_up_here": False,
                "years_worked_here": 3,
                UNKNOWN_NOTES: [("các cách hiểu khác nhau: …", "the readings differ: …")],
            },
            "các cách hiểu khác nhau: có quê quán và nơi sinh ở Lào Cai nhưng không vừa sinh ra vừa lớn lên ở đó — theo "
            "cách hiểu rộng (quê quán, nơi sinh hoặc nơi lớn lên) là người địa phương, theo cách hiểu chặt (sinh ra và "
            "lớn lên, như quy định của Đắk Nông) thì không; nơi lớn lên không ở Lào Cai; đã công tác tại Lào Cai 3 năm "
            "(dưới 20 năm)",
            "the readings differ: hometown and birthplace in Lào Cai, but not both born and raised there — local under "
            "the broad reading (hometown, birthplace or place of growing up), not under the strict one (born and raised, "
            "as Đắk Nông's rule says); place of upbringing outside Lào Cai; 3 years worked in Lào Cai (under 20)",
        ),
        (
            {"hometown_here": False, "birthplace_here": False, "grew_up_here": False, "years_worked_here": 3},
            "quê quán, nơi sinh và nơi lớn lên đều không ở Lào Cai; đã công tác tại Lào Cai 3 năm (dưới 20 năm)",
            "hometown, birthplace and place of upbringing all outside Lào Cai; 3 years worked in Lào Cai (under 20)",
        ),
        (
            {"hometown_here": False, "birthplace_here": False, "grew_up_here": False, "years_worked_here": 24},
            "đã công tác tại Lào Cai 24 năm (từ 20 năm trở lên)",
            "24 years worked in Lào Cai (20 or more)",
        ),
        (
            {"hometown_here": False, "birthplace_here": False, "years_worked_here": 3},
            "quê quán và nơi sinh đều không ở Lào Cai; đã công tác tại Lào Cai 3 năm (dưới 20 năm); chưa xác định được "
            "nơi lớn lên có ở Lào Cai hay không",
            "hometown and birthplace both outside Lào Cai; 3 years worked in Lào Cai (under 20); whether the place of "
            "upbringing is in Lào Cai is not known",
        ),
    ],
)
def test_local_ties_phrase(values: dict[str, Any], vi: str, en: str) -> None:
    from eligibility.explain.messages import LOCALITY_NAME, local_ties

    full = {**values, "locality.local_min_years_worked": 20, LOCALITY_NAME: "Lào Cai"}
    assert local_ties(full, "vi") == vi
    assert local_ties(full, "en") == en
    for text in (local_ties(full, "vi"), local_ties(full, "en")):
        assert "không không" not in text and " có," not in text and "True" not in text


# ----- provinces (defect 3) --------------------------------------------------------------------------------------
def test_merged_province_maps_with_a_note_in_every_form(
    evaluator: Evaluator, capsys: pytest.CaptureFixture[str]
) -> None:
    profile = parse_profile({**RETIRED, "birth_date": "1975-06-20"})
    after = evaluator.evaluate(profile, parse_request({**REQUESTS[0], "locality": "Hải Dương", "date": "2025-11-03"}))
    assert after.locality is not None and after.locality.code == "hai-phong" and after.locality.requested == "hai-duong"
    assert after.locality.note is not None
    assert "Tỉnh Hải Dương đã hợp nhất vào thành phố Hải Phòng từ ngày 01/07/2025" in after.locality.note.vi
    assert "Hải Dương province merged into Hải Phòng city on 2025-07-01" in after.locality.note.en
    data = json.loads(after.to_json())
    assert data["locality"]["code"] == "hai-phong" and data["locality"]["note"]["vi"] == after.locality.note.vi
    assert after.locality.note.vi in render_text(after, "vi") and after.locality.note.en in render_text(after, "en")
    assert "Hải Phòng" in render_html(after, "vi")
    before = evaluator.evaluate(profile, parse_request({**REQUESTS[0], "locality": "hai-duong", "date": "2025-06-30"}))
    assert before.locality is not None and before.locality.code == "hai-duong" and before.locality.note is None


def test_localities_data() -> None:
    places = default_rules().localities
    assert places is not None
    provinces = [p for p in places.provinces.values() if p.kind != "abroad"]
    assert len(provinces) == 63
    assert len([p for p in provinces if p.until is None]) == 34
    on = dt.date(2025, 7, 1)
    assert {places.as_of(p.code, on) for p in provinces} == {p.code for p in provinces if p.until is None}
    assert places.suggest("lao-kai") == ["lao-cai"] and places.suggest("atlantis") == []
    for text in ("Tỉnh Lào Cai", "LÀO CAI", "lao cai", "TP. Hồ Chí Minh", "Thừa Thiên Huế", "Đắc Lắc"):
        assert places.resolve(text) is not None, text


@pytest.mark.parametrize(
    "extra,needle",
    [
        (["--locality", "lao-kai"], "did you mean lao-cai"),
        (["--locality", "atlantis"], "not a known province"),
        (["--post", "giam-doc-soo"], "did you mean giam-doc-so"),
    ],
)
def test_unknown_locality_or_post_exits_2(
    tmp_path: Any, capsys: pytest.CaptureFixture[str], extra: list[str], needle: str
) -> None:
    from eligibility.cli import main

    path = _profile_file(tmp_path, birth_date="1975-06-20")
    args = ["check", path, "--action", "appointment", "--date", "2025-11-03", "--lang", "en"]
    if "--post" not in extra:
        args += ["--post", "Giám đốc Sở"]
    assert main(args + extra) == 2
    err = capsys.readouterr().err
    assert needle in err and "Traceback" not in err
