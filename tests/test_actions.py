"""Lean rows in the pool pipeline, and several actions in one pass (issue 14).

A pool file screened for reports that do not need full decisions (.xlsx, .html) goes through lean rows;
the same file screened with a .jsonl report too keeps full decisions. Every cell of every sheet of the
workbook is the same either way. Screening for several actions in one pass gives, for each action, what
a separate one-action run gives: the same results (every field), the same pool report, the same cells of
its sheets, the same JSONL lines.
"""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path
from typing import Any

import pytest
from conftest import with_2026_and_roster_fields
from markupsafe import escape
from python_calamine import CalamineWorkbook

from eligibility import api
from eligibility.batch import synthetic
from eligibility.batch.actions import parse_actions, requests_for
from eligibility.batch.reader import read_pool
from eligibility.batch.screen import Screener
from eligibility.errors import InputError

BASE = {"date": "2025-10-01", "locality": "lao-cai", "event": "congress-2025", "level": "province"}
# the 2026 law in force (NĐ 300/2026, staff status, coverage windows) / Lào Cai's plan with roster-basis targets
LAW = {"date": "2026-11-03", "locality": "lao-cai", "event": "elections-2026", "level": "province"}
ROSTER = {"date": "2025-03-01", "locality": "lao-cai", "event": "congress-2020", "level": "province"}
SCENARIOS = {"2025": ("pool", BASE), "law-2026": ("pool2026", LAW), "roster": ("pool2026", ROSTER)}
ACTIONS = ("planning", "appointment", "reappointment", "nomination", "rotation", "nonlocal_placement")


@pytest.fixture(scope="module")
def pool(tmp_path_factory: pytest.TempPathFactory) -> Path:
    items = synthetic.generate(48, seed=14, with_request=True)
    defects = [(3, "birth_date", "31/02/1980"), (7, "sex", "không rõ"), (11, "party_joined", "2090-01-01")]
    defects.append((20, "id", "SYN-14-000005"))  # a duplicate file id
    return synthetic.write_pool(items, tmp_path_factory.mktemp("pool") / "pool.xlsx", cells=defects)


@pytest.fixture(scope="module")
def pool2026(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """People with the 2026 law's and the provincial seeds' fields, in the template's columns."""
    items = with_2026_and_roster_fields(synthetic.generate(48, seed=14, with_request=True))
    return synthetic.write_pool(items, tmp_path_factory.mktemp("pool2026") / "pool.xlsx", cells=[(3, "sex", "?")])


@pytest.fixture(params=sorted(SCENARIOS))
def scenario(request: pytest.FixtureRequest) -> tuple[Path, dict[str, Any]]:
    name, base = SCENARIOS[request.param]
    return request.getfixturevalue(name), base


def cells(path: Path) -> dict[str, list[list[Any]]]:
    book = CalamineWorkbook.from_path(str(path))
    return {name: book.get_sheet_by_name(name).to_python() for name in book.sheet_names}


def jsonl(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def test_lean_report_equals_the_full_decision_report(scenario: tuple[Path, dict[str, Any]], tmp_path: Path) -> None:
    pool, base = scenario
    lean, full = tmp_path / "lean.xlsx", tmp_path / "full.xlsx"
    a = api.screen_file(pool, {**base, "action": "appointment"}, out=[lean, tmp_path / "lean.html"], workers=1)
    b = api.screen_file(pool, {**base, "action": "appointment"}, out=[full, tmp_path / "full.jsonl"], workers=1)
    assert a.report == b.report
    got, want = cells(lean), cells(full)
    assert got == want
    assert len(want["Chi tiết"]) > 48 and any(r[4] == "Lỗi dữ liệu đầu vào" for r in want["Kết quả"])


def test_the_lean_rows_equal_full_rows_field_by_field(scenario: tuple[Path, dict[str, Any]], rules: Any) -> None:
    """Every field, the traits of the targets (their roster too) and the findings of the 2026 law included."""
    pool, base = scenario
    request = requests_for(base, ["planning"], rules)[0]
    for detail in ("issues", "all"):
        with (
            Screener(request, rules, workers=1, detail=detail, lean=True) as lean,
            Screener(request, rules, workers=1, detail=detail, lean=False) as full,
        ):
            got = list(lean.screen(read_pool(pool, titles=rules.titles)))
            want = list(full.screen(read_pool(pool, titles=rules.titles)))
        assert got == want
        assert {r.status for r in want} == {"ok", "input_error"}


def test_several_actions_equal_separate_runs(scenario: tuple[Path, dict[str, Any]], tmp_path: Path) -> None:
    pool, base = scenario
    multi = [tmp_path / "all.xlsx", tmp_path / "all.jsonl", tmp_path / "all.html"]
    run = api.screen_file(pool, base, out=multi, actions="all", workers=1)
    assert [r.request["action"] for r in run.reports] == list(ACTIONS)
    if base is BASE:
        assert all(r.duplicates == [(22, "SYN-14-000005", 6)] for r in run.reports)
    page = multi[2].read_text(encoding="utf-8")
    book = cells(multi[0])
    lines = jsonl(multi[1])
    assert len(lines) == 48 * len(ACTIONS)
    combined = book["Đủ điều kiện cho việc gì"]
    for k, action in enumerate(ACTIONS):
        one = [tmp_path / f"{action}.xlsx", tmp_path / f"{action}.jsonl"]
        one.append(tmp_path / f"{action}.html")
        single = api.screen_file(pool, {**base, "action": action}, out=one, workers=1)
        assert run.reports[k] == single.report
        # the section shows what the one-action page shows of its report: targets (citations, quotes, ranges)
        # and notes (the coverage line of the action's request)
        alone = one[2].read_text(encoding="utf-8")
        for part in ("Cơ cấu nguồn so với chỉ tiêu", "Phễu tiêu chí"):
            table = _section(alone, f"<h2>{part}</h2>")
            assert table and table in _section(page, f'<h2 id="{action}">')
        for vi, _ in single.report.notes:
            assert str(escape(vi)) in page
        sheets = cells(one[0])
        label = {
            "planning": "Quy hoạch",
            "appointment": "Bổ nhiệm",
            "reappointment": "Bổ nhiệm lại",
            "nomination": "Giới thiệu ƯC",
            "rotation": "Luân chuyển",
            "nonlocal_placement": "Bố trí ngoài ĐP",
        }[action]
        assert book[f"{label} – kết quả"] == sheets["Kết quả"]
        assert book[f"{label} – chi tiết"] == sheets["Chi tiết"]
        assert book[f"{label} – tổng hợp"] == sheets["Tổng hợp"]
        mine = [x for x in lines if x.get("action", (x.get("request") or {}).get("action")) == action]
        assert [{k: v for k, v in x.items() if not (k == "action" and "errors" in x)} for x in mine] == jsonl(one[1])
        verdicts = [row[4] for row in sheets["Kết quả"][1:]]
        assert [row[3 + k] for row in combined[1 : 1 + 48]] == verdicts
    eligible = [row[3 + len(ACTIONS)] for row in combined[1 : 1 + 48]]
    assert any(eligible) and not all(eligible)
    assert "Đủ điều kiện cho việc gì" in page and page.count("<h2 id=") == len(ACTIONS)
    if base is ROSTER:  # the roster-basis targets of Lào Cai's plan are counted and cited with the seed's words
        roster = [t for t in run.reports[0].targets if t.target.basis == "roster" and t.province == "lao-cai"]
        assert roster and any(t.scope for t in roster) and "trích tài liệu gốc" in page
    if base is LAW:  # the coverage line of each action's request
        assert all(any("mã hóa" in vi or "rà soát" in vi for vi, _ in r.notes) for r in run.reports)


def _section(page: str, start: str) -> str:
    """From ``start`` to the next heading of its level or higher, headings dropped (levels differ)."""
    import re

    at = page.find(start)
    if at < 0:
        return ""
    level = int(start[2])
    rest = page[at + len(start) :]
    end = re.search(rf"<h[1-{level}][ >]", rest)
    body = rest[: end.start()] if end else rest
    body = re.sub(r"<h\d[^>]*>[^<]*</h\d>", "", body)
    return re.sub(r"\s+", " ", body).strip()


def test_screen_all_equals_one_screener_per_request(pool: Path, rules: Any) -> None:
    requests = requests_for(BASE, ACTIONS, rules)
    for workers in (1, 2):
        with Screener(requests, rules, workers=workers, chunk_size=10, detail="all") as s:
            together = list(s.screen_all(read_pool(pool, titles=rules.titles)))
        for k, request in enumerate(requests):
            with Screener(request, rules, workers=1, detail="all") as one:
                alone = list(one.screen(read_pool(pool, titles=rules.titles)))
            assert [t[k] for t in together] == alone
            assert len(alone) == 48 and [r.row for r in alone] == sorted({r.row for r in alone})


def test_actions_are_parsed_and_a_nomination_needs_its_event(rules: Any) -> None:
    assert parse_actions("all") == ACTIONS
    assert parse_actions("bổ nhiệm, planning,appointment") == ("appointment", "planning")
    with pytest.raises(InputError) as bad:
        parse_actions("planning,foo")
    assert bad.value.problems[0].location == "--action" and bad.value.problems[0].value == "foo"
    with pytest.raises(InputError) as no_event:
        requests_for({"date": "2025-10-01", "post": "giam-doc-so"}, ("planning", "nomination"), rules)
    problem = no_event.value.problems[0]
    assert problem.location == "--event" and "nomination" in problem.en and "giới thiệu ứng cử" in problem.vi
    assert [r.action for r in requests_for({"post": "giam-doc-so", "date": "2025-10-01"}, ["rotation"], rules)] == [
        "rotation"
    ]


def test_cli_several_actions(pool: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from eligibility.cli import main

    out = tmp_path / "r.xlsx"
    args = ["screen", str(pool), "--action", "planning,appointment", "--date", "2025-10-01", "--out", str(out)]
    assert main([*args, "--workers", "1", "--progress", "off"]) == 0
    err = capsys.readouterr().err
    assert "quy hoạch:" in err and "bổ nhiệm:" in err
    assert list(cells(out))[:3] == ["Đủ điều kiện cho việc gì", "Quy hoạch – kết quả", "Quy hoạch – chi tiết"]
    refused = ["screen", str(pool), "--action", "all", "--out", str(tmp_path / "x.xlsx"), "--progress", "off"]
    assert main(refused) == 2
    err = capsys.readouterr().err
    assert "--event" in err and "nomination" in err and not (tmp_path / "x.xlsx").exists()


def test_jsonl_lines_parsed_in_the_workers_equal_lines_parsed_on_reading(tmp_path: Path, rules: Any) -> None:
    """read_pool(lazy=True) leaves JSONL lines as text for the workers (the parent only splits lines):
    every row, blank line and error is the same as when the reader parses them."""
    good = json.dumps(synthetic.generate(1, seed=3)[0], ensure_ascii=False)
    deep = "[" * 40 + "]" * 40
    lines = ["\ufeff" + good, "{broken", "", "\u00a0", "[1, 2]", deep, good.replace('"id": "', '"id": "X'), "12"]
    path = tmp_path / "pool.jsonl"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    eager = read_pool(path, titles=rules.titles)
    lazy = read_pool(path, titles=rules.titles, lazy=True)
    got = [dataclasses.replace(r.resolve(), limits=None, codes=None) for r in lazy]  # carried for resolve()
    assert got == list(eager) and len(got) == 6
    assert lazy.blank_rows == eager.blank_rows == 2
    with Screener({**BASE, "action": "planning", "post": "giam-doc-so"}, rules, workers=2, chunk_size=2) as s:
        screened = list(s.screen(read_pool(path, titles=rules.titles, lazy=True)))
    assert [r.row for r in screened] == [1, 2, 5, 6, 7, 8]
    assert [r.status for r in screened] == ["ok", "input_error", "input_error", "input_error", "ok", "input_error"]


def test_a_nomination_takes_its_level_from_each_rows_post(tmp_path: Path) -> None:
    """Screening a pool for nomination: each row's post gives its level, so --level is not asked for when the file
    has a post column; without one (and without --post or --level) the run is refused once, naming --level, rather
    than every row failing."""
    import csv

    from conftest import ROOT

    request = {"action": "nomination", "event": "elections-2026", "locality": "lao-cai", "date": "2026-11-03"}
    pool = ROOT / "examples" / "pool.xlsx"
    leveled = api.screen_file(pool, {**request, "level": "province"}, workers=1)
    by_row = api.screen_file(pool, request, workers=1)
    assert by_row.report.verdicts == leveled.report.verdicts and by_row.report.rows == 300

    rows = CalamineWorkbook.from_path(str(pool)).get_sheet_by_index(0).to_python()
    keep = [i for i, h in enumerate(rows[0]) if "Chức danh đề nghị" not in str(h)]
    assert len(keep) == len(rows[0]) - 1
    no_post = tmp_path / "no-post.csv"
    with no_post.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh)
        for row in rows[:6]:
            writer.writerow([row[i].strftime("%d/%m/%Y") if hasattr(row[i], "strftime") else row[i] for i in keep])
    with pytest.raises(InputError) as refused:
        api.screen_file(no_post, request, workers=1)
    assert refused.value.problems[0].location == "--level"
    assert api.screen_file(no_post, {**request, "level": "province"}, workers=1).report.rows == 5
