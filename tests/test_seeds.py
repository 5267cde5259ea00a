"""Issue 16: the local-person test at the level of the post (two readings), historical provinces, and the windows
of the seed plans' targets and standards."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path
from typing import Any

import pytest

from eligibility import default_rules
from eligibility.errors import RulePackError
from eligibility.facts import locality as loc
from eligibility.rulepack.loader import load_rules
from eligibility.rulepack.targets import window

ROOT = Path(__file__).resolve().parents[1]
BEFORE = dt.date(2025, 3, 3)
AFTER = dt.date(2025, 11, 3)


def _same(code: str) -> frozenset[str]:
    return frozenset({code})


@pytest.mark.parametrize(
    "place,unit,expected",
    [
        # province posts: the province; another province is never local
        (("lao-cai", None, None, None), loc.Unit("province", "lao-cai", BEFORE), (True, None)),
        (("nam-dinh", None, None, None), loc.Unit("province", "lao-cai", BEFORE), (False, None)),
        # district posts: the district, names compared without their kind
        (("lao-cai", "Huyện Bát Xát", None, None), loc.Unit("district", "lao-cai", BEFORE, "bat-xat"), (True, None)),
        (("lao-cai", "Bảo Thắng", None, None), loc.Unit("district", "lao-cai", BEFORE, "Bát Xát"), (False, None)),
        (("lao-cai", None, None, None), loc.Unit("district", "lao-cai", BEFORE, "Bát Xát"), (None, "district")),
        (("lao-cai", "Bát Xát", None, None), loc.Unit("district", "lao-cai", BEFORE), (None, "request.district")),
        (("nam-dinh", None, None, None), loc.Unit("district", "lao-cai", BEFORE), (False, None)),  # places nest
        # commune posts: the commune; another district holds none of its communes
        (
            ("lao-cai", "Bát Xát", "Mường Hum", None),
            loc.Unit("commune", "lao-cai", BEFORE, "Bát Xát", "Xã Mường Hum"),
            (True, None),
        ),
        (
            ("lao-cai", "Sa Pa", "Mường Hum", None),
            loc.Unit("commune", "lao-cai", BEFORE, "Bát Xát", "Mường Hum"),
            (False, None),
        ),
        (
            ("lao-cai", None, "Mường Hum", None),
            loc.Unit("commune", "lao-cai", BEFORE, "Bát Xát", "Mường Hum"),
            (None, "district"),
        ),
        (
            ("lao-cai", "Bát Xát", "Bản Vược", None),
            loc.Unit("commune", "lao-cai", BEFORE, "Bát Xát", "Mường Hum"),
            (False, None),
        ),
        # across the 1/7/2025 rearrangement of communes: no mapping is held, none is invented
        (
            ("lao-cai", "Bát Xát", "Mường Hum", None),
            loc.Unit("commune", "lao-cai", AFTER, None, "Mường Hum"),
            (None, "mapping"),
        ),
        (
            ("lao-cai", None, "Mường Hum", dt.date(2025, 8, 1)),
            loc.Unit("commune", "lao-cai", AFTER, None, "Mường Hum"),
            (True, None),
        ),
        (
            ("lao-cai", None, "Mường Hum", dt.date(2025, 8, 1)),
            loc.Unit("commune", "lao-cai", BEFORE, "Bát Xát", "Mường Hum"),
            (None, "mapping"),
        ),
        (("nam-dinh", None, "Giao Lâm", None), loc.Unit("commune", "lao-cai", AFTER, None, "Mường Hum"), (False, None)),
    ],
)
def test_in_unit(
    place: tuple[str, str | None, str | None, dt.date | None], unit: loc.Unit, expected: tuple[bool | None, str | None]
) -> None:
    m = loc.in_unit(*place, unit, _same)
    assert (m.value, m.why) == expected


def test_a_split_province_is_ambiguous_only_where_it_matters() -> None:
    def nghe_tinh(code: str) -> frozenset[str]:
        return frozenset({"nghe-an", "ha-tinh"}) if code == "nghe-tinh" else frozenset({code})

    assert loc.in_unit("nghe-tinh", None, None, None, loc.Unit("province", "lao-cai", AFTER), nghe_tinh).value is False
    m = loc.in_unit("nghe-tinh", None, None, None, loc.Unit("province", "nghe-an", AFTER), nghe_tinh)
    assert (m.value, m.why) == (None, "ambiguous")


@pytest.mark.parametrize(
    "hometown,birthplace,grew_up,value,differ",
    [
        (True, True, True, True, False),
        (False, True, True, True, False),  # born and raised: local under both readings
        (True, False, False, None, True),  # quê quán only: broad local, strict not
        (False, True, False, None, True),
        (False, False, True, None, True),
        (False, False, False, False, False),
        (None, False, False, None, False),  # missing data, not a disagreement
        (True, None, False, None, True),  # strict is already false: they disagree whatever the birthplace
    ],
)
def test_two_readings(
    hometown: bool | None, birthplace: bool | None, grew_up: bool | None, value: bool | None, differ: bool
) -> None:
    o = loc.origin(hometown, birthplace, grew_up)
    assert (o.value, o.differ) == (value, differ)


def test_local_range_years_decide_both_readings() -> None:
    differ = loc.origin(True, False, False)
    assert loc.local_range(differ, 20, 20) == (True, True)
    assert loc.local_range(differ, 19, 20) == (True, False)


def test_historical_provinces() -> None:
    places = default_rules().localities
    assert places is not None
    assert places.resolve("Hà Tây") == "ha-tay" and places.candidates("ha-tay", AFTER) == {"ha-noi"}
    assert places.candidates("nghe-tinh", AFTER) == {"nghe-an", "ha-tinh"}
    assert places.candidates("vinh-phu", BEFORE) == {"vinh-phuc", "phu-tho"}
    assert places.candidates("vinh-phu", AFTER) == {"phu-tho"}  # Vĩnh Phúc joined Phú Thọ on 1/7/2025
    assert places.resolve("Hậu Giang") == "hau-giang"  # a current name wins over the 1976–1991 province
    assert places.candidates("hau-giang-1976", AFTER) == {"can-tho"}
    assert "ha-tay" in places.suggest("Hà Tâyy")


def test_plan_end_is_the_province_as_the_plans_unit() -> None:
    places = default_rules().localities
    assert places is not None
    end = places.plan_end("lao-cai", dt.date(2020, 12, 11))  # the code goes on; the unit of Đề án 18 does not
    assert end is not None and end[0] == dt.date(2025, 6, 30)
    assert places.plan_end("quang-ninh", dt.date(2018, 8, 29)) is None  # not merged


def test_target_windows() -> None:
    rules = default_rules()
    by_id = {t.id: t for t in rules.targets}
    w = window(by_id["lao-cai.nonlocal.commune_chairs.2025"], rules.localities)
    assert (w.start, w.end, w.deadline) == (dt.date(2020, 12, 11), dt.date(2025, 6, 30), dt.date(2025, 12, 31))
    assert w.ended_by is not None
    w = window(by_id["quang-ngai.nonlocal.district_secretaries.2021"], rules.localities)
    assert (w.end, w.ended_by) == (dt.date(2021, 12, 31), None)  # "đến năm 2021", Y included
    w = window(by_id["qd50.women"], rules.localities)
    assert w.end == dt.date(2025, 10, 7)  # QĐ 377 replaced QĐ 50 on 8/10/2025
    for t in rules.targets:  # every provincial target states its seed's words
        assert t.province is None or (t.quote is not None and t.quote.text)


def _copy_rules(tmp_path: Path) -> Path:
    dst = tmp_path / "rules"
    shutil.copytree(ROOT / "rules", dst)
    return dst


def test_an_overlay_criterion_cannot_outlive_its_province(tmp_path: Path) -> None:
    """Đề án 18's standards ran to 31/12/2025 and so reached former Yên Bái from July 2025: the loader refuses it."""
    rules = _copy_rules(tmp_path)
    f = rules / "overlays" / "lao-cai.yaml"
    f.write_text(f.read_text(encoding="utf-8").replace("until: 2025-06-30}", "until: 2025-12-31}", 1), encoding="utf-8")
    with pytest.raises(RulePackError, match="must not run into the new province"):
        load_rules(rules)


def test_a_provincial_target_needs_its_quote_and_province(tmp_path: Path) -> None:
    rules = _copy_rules(tmp_path)
    f = rules / "overlays" / "tay-ninh.yaml"
    text = f.read_text(encoding="utf-8")
    f.write_text(text.replace("    province: tay-ninh\n    source:", "    source:"), encoding="utf-8")
    with pytest.raises(RulePackError, match="must say province: tay-ninh"):
        load_rules(rules)


# ----- the pool columns of the issue-16 fields ---------------------------------------------------------------
LOCAL_FIELDS_PROFILE: dict[str, Any] = {
    "id": "X",
    "sex": "nam",
    "birth_date": "1975-03-01",
    "hometown": {"province": "Lào Cai", "district": "Bảo Thắng", "commune": "Phong Niên", "as_of": "2020-01-01"},
    "birthplace": {"province": "Lào Cai", "district": "Bảo Thắng"},
    "grew_up_in": {"province": "Lào Cai", "commune": "Gia Phú", "as_of": "2025-07-01"},
    "localities_worked": [
        {"province": "Lào Cai", "years": 12},
        {"province": "Lào Cai", "district": "Bảo Thắng", "years": 5},
        {"province": "Lào Cai", "commune": "Gia Phú", "as_of": "2025-07-01", "years": 1},
        {"province": "Yên Bái", "district": "Văn Yên", "commune": "An Thịnh", "years": 2},
    ],
    "posts": [
        {
            "title": "chu-tich-ubnd-huyen",
            "name": "Chủ tịch Ủy ban nhân dân huyện",
            "level": "district",
            "locality": "Lào Cai",
            "district": "Bảo Thắng",
            "commune": "Phong Niên",
            "from": "2021-05-01",
        }
    ],
    "committees": [
        {
            "level": "huyện",
            "role": "thường vụ",
            "province": "Lào Cai",
            "district": "Bảo Thắng",
            "term": "2020-2025",
            "from": "2020-10-15",
            "to": "2025-06-30",
        },
        {
            "level": "tỉnh",
            "role": "cấp ủy viên",
            "province": "Lào Cai",
            "district": "Lào Cai",
            "term": "2025-2030",
            "from": "2025-10-01",
            "to": "2030-10-01",
        },
    ],
}


def test_the_new_place_post_and_committee_fields_round_trip_through_the_pool_columns() -> None:
    """Place.district / commune / as_of, LocalityWorked.district / commune / as_of, Post.district / commune and
    Profile.committees are read from and written to the flat pool format with Vietnamese headers."""
    from eligibility.batch.columns import BY_KEY, COLUMNS, layout
    from eligibility.batch.mapping import column_of, input_header, profile_to_row, row_to_profile
    from eligibility.model import parse_profile

    row = profile_to_row(LOCAL_FIELDS_PROFILE)
    assert row["hometown_district"] == "Bảo Thắng" and row["current_post_district"] == "Bảo Thắng"
    assert row["localities_worked"].startswith("Lào Cai: 12; Lào Cai / Bảo Thắng: 5; Lào Cai / / Gia Phú (2025-07-01)")
    lay, problems = layout([c.vi for c in COLUMNS])
    assert not problems
    data, _, problems = row_to_profile([row.get(c.key) for c in COLUMNS], lay, 2)
    assert not problems
    assert parse_profile(data) == parse_profile(LOCAL_FIELDS_PROFILE)
    # headers are Vietnamese, errors land on their column, and the missing-input names lead to a column
    assert BY_KEY["committee_level"].vi == "Cấp ủy (cấp)" and BY_KEY["hometown_district"].vi == "Quê quán (huyện)"
    assert column_of("committees.1.to") == ("committee_to", 1)
    assert column_of("hometown.as_of") == ("hometown_as_of", None)
    assert input_header("hometown.district") == "Quê quán (huyện)"
    assert input_header("localities_worked.commune") == BY_KEY["localities_worked"].vi
    none = row_to_profile(
        ["X", "nam", "1975", "không"], layout(["Mã hồ sơ", "Giới tính", "Ngày sinh", "Cấp ủy (cấp)"])[0]
    )
    assert none[0]["committees"] == [] and not none[2]
    bad = row_to_profile(
        ["X", "nam", "1975", "Lào Cai / a / b / c: 3"],
        layout(["Mã hồ sơ", "Giới tính", "Ngày sinh", "Số năm công tác theo tỉnh"])[0],
        2,
    )
    assert bad[2] and "tỉnh/huyện/xã" in bad[2][0].vi and "province/district" in bad[2][0].en


def test_the_web_form_keeps_the_new_fields_and_takes_the_posts_district() -> None:
    """The check form keeps what it does not show (committee seats, districts, communes and map dates of places,
    places worked and posts) and drops a kept district when the officer changes the province; the request takes
    the post's district and commune."""
    from eligibility import api
    from eligibility.web import form as fm

    rules = api.default_rules()
    profile = api.profile_of(LOCAL_FIELDS_PROFILE)
    request = {
        "action": "nonlocal_placement",
        "post": "chu-tich-ubnd-huyen",
        "locality": "lao-cai",
        "district": "Bảo Thắng",
        "date": "2025-03-01",
    }
    form = fm.from_profile(profile, request, rules)
    assert api.profile_of(fm.profile_dict(form, rules)) == profile
    assert fm.request_dict(form, rules) == {**request, "date": "01/03/2025"}
    form.values["hometown"] = "Yên Bái"
    moved = api.profile_of(fm.profile_dict(form, rules))
    assert moved.hometown is not None and moved.hometown.district is None


@pytest.mark.parametrize(
    "patch,request_",
    [
        ({}, {"post": "chu-tich-ubnd-huyen", "district": "Bảo Thắng", "date": "2025-03-01"}),
        # broad reading local (hometown here), strict not (born elsewhere): the readings differ
        (
            {"birthplace": {"province": "Yên Bái"}, "localities_worked": []},
            {"post": "chu-tich-ubnd-huyen", "district": "Bảo Thắng", "date": "2025-03-01"},
        ),
        ({}, {"post": "chu-tich-ubnd-huyen", "date": "2025-03-01"}),  # no district given: unknown
        # born and raised in the district: local under both readings
        (
            {"grew_up_in": {"province": "Lào Cai", "district": "Bảo Thắng"}},
            {"post": "chu-tich-ubnd-huyen", "district": "Bảo Thắng", "date": "2025-03-01"},
        ),
        # from another district of the same province, never worked there: not local at district level
        (
            {
                "hometown": {"province": "Lào Cai", "district": "Sa Pa"},
                "birthplace": {"province": "Lào Cai", "district": "Sa Pa"},
                "grew_up_in": {"province": "Lào Cai", "district": "Sa Pa"},
                "localities_worked": [{"province": "Lào Cai", "district": "Sa Pa", "years": 20}],
            },
            {"post": "chu-tich-ubnd-huyen", "district": "Bảo Thắng", "date": "2025-03-01"},
        ),
        ({}, {"post": "chu-tich-ubnd-xa", "commune": "Gia Phú", "date": "2025-10-01"}),
    ],
)
def test_lean_rows_equal_the_screen_with_the_local_person_at_the_posts_level(
    patch: dict[str, Any], request_: dict[str, Any]
) -> None:
    """Lean rows (explain/lean.py) equal the screen's rows for the local-person test at the post's level, under
    both readings, with the roster traits (posts, committee seats) of roster-basis targets."""
    import dataclasses

    from eligibility import Evaluator
    from eligibility.batch.screen import Screener
    from eligibility.explain.lean import LeanEvaluator
    from eligibility.model import parse_profile, parse_request

    rules = default_rules()
    lean = LeanEvaluator(Evaluator(rules))
    profile = parse_profile({**LOCAL_FIELDS_PROFILE, **patch})
    for action in ("nonlocal_placement", "planning", "appointment"):
        request = parse_request({"action": action, "locality": "lao-cai", **request_})
        with Screener(request, rules, workers=1, detail="all") as s:
            (row,) = list(s.screen([(1, profile)]))
        got = lean.subject(profile).lean(lean.prepare(request), passes=True)
        assert row.status == "ok" and row.traits is not None
        assert got.verdict == row.verdict and dict(got.outcomes) == row.outcomes
        assert [dataclasses.astuple(b) for b in row.findings] == [dataclasses.astuple(x) for x in got.findings]
        assert [dataclasses.astuple(b) for b in row.passes] == [dataclasses.astuple(x) for x in got.passes]
        assert dataclasses.astuple(got.traits) == dataclasses.astuple(row.traits)
        assert got.traits.roster is not None and got.traits.roster.seats is not None


def test_a_timeline_sees_a_committee_seat_end_on_its_day() -> None:
    """A district committee seat that ends on 20/5/2025 stops Long An's cao cấp standard for committee members
    from 21/5/2025, and the timeline finds that day exactly (the seat's dates are candidate dates)."""
    from eligibility import api
    from eligibility.golden import load_cases

    (case,) = [c for c in load_cases(ROOT / "cases") if c.id == "overlay-long-an-committee-member-advanced-fail"]
    profile = {**case.profile, "committees": [{"level": "huyện", "from": "2020-10-15", "to": "2025-05-20"}]}
    tl = api.explain(profile, case.request)
    first = tl.changes[0]
    assert first.date == dt.date(2025, 5, 21) and first.verdict_after == "eligible"


def test_the_command_line_takes_the_posts_district_and_commune(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """--district / --commune (cli/options.py): the local-person test is made at the post's level."""
    import json

    import yaml

    from eligibility.cli import main

    person = {**LOCAL_FIELDS_PROFILE, "grew_up_in": {"province": "Lào Cai", "district": "Bảo Thắng"}}
    person["localities_worked"] = [{"province": "Lào Cai", "district": "Bảo Thắng", "years": 3}]
    path = tmp_path / "p.yaml"
    path.write_text(yaml.safe_dump(person, allow_unicode=True), encoding="utf-8")
    base = ["check", str(path), "--action", "nonlocal_placement", "--post", "chu-tich-ubnd-huyen", "--locality"]
    base += ["lao-cai", "--date", "2025-03-01", "--format", "json"]
    seen = {}
    for extra in ([], ["--district", "Sa Pa"], ["--district", "Bảo Thắng"]):
        assert main([*base, *extra]) in (0, 1)
        data = json.loads(capsys.readouterr().out)
        assert data["request"].get("district") == (extra[1] if extra else None)
        (finding,) = [f for f in data["findings"] if f["criterion"] == "nonlocal.not_local.qd65"]
        seen[extra[1] if extra else None] = (finding["outcome"], finding["message"]["vi"])
    # no district: cannot tell; another district of the province: not local; born and raised there: local
    assert seen[None][0] == "unknown" and "huyện nơi bố trí (chưa ghi)" in seen[None][1]
    assert seen["Sa Pa"][0] == "pass" and "Sa Pa, Lào Cai" in seen["Sa Pa"][1]
    assert seen["Bảo Thắng"][0] == "fail"
