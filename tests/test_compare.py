"""Comparing a pool at two dates or under two rule packs: who flips, and which change caused it."""

from __future__ import annotations

import csv
import datetime as dt
import json
import shutil
from pathlib import Path
from typing import Any

import pytest

from eligibility.batch.compare import Side, compare_pool, read_items
from eligibility.cli import main
from eligibility.explain.evaluate import Evaluator
from eligibility.rulepack import load_rules

KT = "appointment.discipline.party_higher.khien_trach"
# A public-employee manager (a division of a public service unit): between the two dates compared (6/2025 and
# 11/2025) NĐ 115/2020 governs such posts and is encoded, while the civil servants' NĐ 170/2025 original wording is
# not (issue 11) — the Party parameter change of QĐ 377 is then the only cause of a flip.
POST = "truong-phong-dvsncl"
BASE: dict[str, Any] = dict(
    sex="nam",
    birth_date="1975-05-10",
    staff_status="viên chức",
    party={"member": True},
    education={"degree": "đại học", "political_theory": "cao cấp", "state_management": "chuyên viên chính"},
    posts=[{"title": "pho-truong-phong-dvsncl", "from": "2019-01-01"}],
    planning=[{"title": POST, "term": "2025-2030", "approved": "2024-10-01"}],
    barred_from_office=False,
    discipline=[],
    investigation="không",
    political_standard={"result": "đạt"},
    health={"fit": True},
    asset_declaration={"verified": True},
    file_verified=True,
)


@pytest.fixture()
def pool(tmp_path: Path) -> Path:
    rows = [
        {**BASE, "id": "P1"},
        {**BASE, "id": "P2", "discipline": [{"kind": "đảng", "form": "khiển trách", "decided": "2024-03-15"}]},
        {**BASE, "id": "P3", "birth_date": "1966-02-01"},
        {**BASE, "id": "P4", "discipline": [{"kind": "đảng", "form": "cảnh cáo", "decided": "2023-01-10"}]},
    ]
    path = tmp_path / "pool.jsonl"
    lines = [json.dumps(r, ensure_ascii=False) for r in rows] + ['{"id": "BAD", "sex": "x"}']
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def sides(rules_a: Any, rules_b: Any, date_a: str, date_b: str) -> tuple[Side, Side]:
    ev_a = Evaluator(rules_a)
    ev_b = ev_a if rules_b is rules_a else Evaluator(rules_b)
    req = {"action": "appointment", "post": POST}
    return (
        Side(ev_a, dt.date.fromisoformat(date_a), req, date_a),
        Side(ev_b, dt.date.fromisoformat(date_b), req, date_b),
    )


def test_two_dates_name_the_parameter_and_the_day(rules: Any, pool: Path) -> None:
    a, b = sides(rules, rules, "2025-06-01", "2025-11-03")
    result = compare_pool(read_items(pool, rules.titles), a, b, when=True)
    assert result.total == 5 and len(result.errors) == 1  # the unreadable row is kept
    assert [r.profile_id for r in result.flips] == ["P2"]
    flip = result.flips[0]
    assert (flip.verdict_a, flip.verdict_b) == ("eligible", "not_eligible")
    assert [c.criterion for c in flip.causes] == [KT]  # criteria leaving force (pass → absent) are not causes
    cause = flip.causes[0]
    assert "parameter" in cause.kinds and "12 → 24" in cause.reasons[0].vi
    assert flip.flip_dates == (dt.date(2025, 10, 8),)  # QĐ 377 in force
    assert [r.row for r in result.errors] == [5]
    assert any("khien_trach_months: 12 → 24" in r.vi for c in result.rule_changes for r in c.reasons)
    text = result.render_text("en")
    assert "P2" in text and "2025-10-08" in text and "row 5" in text


def test_two_rule_packs(rules: Any, pool: Path, tmp_path: Path) -> None:
    other = tmp_path / "rules-b"
    shutil.copytree(rules.root, other)
    path = other / "parameters" / "discipline.yaml"
    text = path.read_text(encoding="utf-8")
    old = (
        "        value: 24\n"
        '        source: {id: qd-377-2025, article: "trường hợp bị kỷ luật khiển trách: sau 24 tháng"'
    )
    assert old in text
    path.write_text(text.replace(old, old.replace("value: 24", "value: 18")), encoding="utf-8")
    rules_b = load_rules(other)
    a, b = sides(rules, rules_b, "2025-11-03", "2025-11-03")
    result = compare_pool(read_items(pool, rules.titles), a, b)
    assert [r.profile_id for r in result.flips] == ["P2"]
    flip = result.flips[0]
    assert (flip.verdict_a, flip.verdict_b) == ("not_eligible", "eligible")
    assert flip.causes[0].criterion == KT and "24 → 18" in flip.causes[0].reasons[0].en
    assert [c.criterion for c in result.rule_changes] == [KT]


def test_cli_compare_csv_json_and_errors(pool: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    args = [
        "compare",
        str(pool),
        "--action",
        "appointment",
        "--post",
        POST,
        "--date",
        "2025-06-01",
        "--date",
        "2025-11-03",
    ]
    assert main(args + ["--lang", "en"]) == 0
    out = capsys.readouterr().out
    assert "5 profiles; 1 change verdict; 1 unreadable rows" in out and KT in out
    out_csv = tmp_path / "flips.csv"
    assert main(args + ["--out", str(out_csv)]) == 0
    rows = list(csv.DictReader(out_csv.read_text(encoding="utf-8-sig").splitlines()))
    assert [(r["profile_id"], r["criterion"]) for r in rows if r["verdict_a"] != "input_error"] == [("P2", KT)]
    assert [r["row"] for r in rows if r["verdict_a"] == "input_error"] == ["5"]
    out_json = tmp_path / "flips.json"
    assert main(args + ["--out", str(out_json)]) == 0
    data = json.loads(out_json.read_text(encoding="utf-8"))
    assert data["flipped"] == 1 and data["flips"][0]["profile_id"] == "P2"
    assert data["transitions"] == {"eligible→not_eligible": 1}
    capsys.readouterr()
    # one date and one rule pack: nothing to compare
    assert main(["compare", str(pool), "--action", "appointment", "--post", POST, "--date", "2025-06-01"]) == 2
    assert "--date" in capsys.readouterr().err
