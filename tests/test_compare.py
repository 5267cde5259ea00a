"""Comparing a pool at two dates or under two rule packs: who flips, and which change caused it."""

from __future__ import annotations

import csv
import datetime as dt
import json
import shutil
import signal
from collections.abc import Iterator
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
        Side(ev_a, dt.date.fromisoformat(date_a), dict(req), date_a),
        Side(ev_b, dt.date.fromisoformat(date_b), dict(req), date_b),
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
    rules_b = _rules_b(rules, tmp_path)
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


# ----- on the screen's machinery (issue 14): workers, Dask, faults, signals, streamed results -------------
def _rules_b(rules: Any, where: Path) -> Any:
    """The bundled pack with QĐ 377's khiển trách wait at 18 months instead of 24 (side B's own rule)."""
    other = where / "rules-b"
    shutil.copytree(rules.root, other)
    path = other / "parameters" / "discipline.yaml"
    text = path.read_text(encoding="utf-8")
    old = (
        "        value: 24\n"
        '        source: {id: qd-377-2025, article: "trường hợp bị kỷ luật khiển trách: sau 24 tháng"'
    )
    assert old in text
    path.write_text(text.replace(old, old.replace("value: 24", "value: 18")), encoding="utf-8")
    return load_rules(other)


@pytest.fixture(scope="module")
def varied(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """60 synthetic people (each with its post), three lines that cannot be read, and three people with a Party
    reprimand for the module's post (QĐ 377 changed the wait after it; side B's rule pack changes it again)."""
    from eligibility.batch import synthetic

    items: list[Any] = synthetic.generate(60, seed=11, with_request=True)
    items[1]["profile"]["birth_date"] = "31/02/1980"
    items[30]["profile"]["sex"] = "x"
    for ident, decided in (("KT1", "2024-03-15"), ("KT2", "2024-04-20"), ("KT3", "2023-01-10")):
        reprimand = [{"kind": "đảng", "form": "khiển trách", "decided": decided}]
        items.append({"profile": {**BASE, "id": ident, "discipline": reprimand}, "request": {"post": POST}})
    lines = [json.dumps(item, ensure_ascii=False) for item in items]
    lines.insert(9, "{not json")
    path = tmp_path_factory.mktemp("varied") / "pool.jsonl"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def _three_ways(rows_of: Any, cluster: Any) -> list[list[Any]]:
    serial = list(rows_of(workers=1))
    pooled = list(rows_of(workers=2, chunk_size=7))
    dask = list(rows_of(scheduler=cluster.scheduler_address, chunk_size=9))
    return [serial, pooled, dask]


@pytest.fixture(scope="module")
def cluster() -> Iterator[Any]:
    """Two worker threads in this process, reached over TCP as a remote cluster is (as tests/test_distributed.py,
    which is skipped without Dask, as the tests using this are)."""
    distributed = pytest.importorskip("distributed")
    with distributed.LocalCluster(
        n_workers=2, threads_per_worker=1, processes=False, protocol="tcp://", dashboard_address=None
    ) as c:
        yield c


@pytest.mark.parametrize("case", ["dates", "packs"])
def test_serial_worker_processes_and_dask_compare_alike(
    rules: Any, varied: Path, tmp_path: Path, cluster: Any, case: str
) -> None:
    from eligibility.batch.compare import compare_rows
    from eligibility.batch.reader import read_pool

    if case == "dates":  # one pack, two dates, the day of each flip
        a, b = sides(rules, rules, "2025-06-01", "2025-11-03")
        when = True
    else:  # two packs on one date: the parameter differs between the sides
        a, b = sides(rules, _rules_b(rules, tmp_path), "2025-11-03", "2025-11-03")
        when = False
    a.request.pop("post"), b.request.pop("post")  # each row's own post

    def rows_of(**options: Any) -> Iterator[Any]:
        return compare_rows(read_pool(varied, titles=rules.titles, lazy=True), a, b, when=when, **options)

    serial, pooled, dask = _three_ways(rows_of, cluster)
    assert pooled == serial and dask == serial
    assert [r.row for r in serial] == list(range(1, 65))  # every line, in order
    errors = [r for r in serial if r.problems]
    assert [r.row for r in errors] == [2, 10, 32] and not any(r.fault for r in errors)
    flips = {r.profile_id: r for r in serial if r.flipped}
    assert "KT1" in flips and any(c.criterion == KT for c in flips["KT1"].causes)
    cause = next(c for c in flips["KT1"].causes if c.criterion == KT)
    assert "parameter" in cause.kinds
    if case == "dates":
        assert "12 → 24" in cause.reasons[0].vi and flips["KT1"].flip_dates == (dt.date(2025, 10, 8),)
        assert any(r.profile_id.startswith("SYN") for r in flips.values())  # a synthetic person flips too
        assert any("fact" in c.kinds for r in flips.values() for c in r.causes)  # a fact moved with the date
    else:
        assert "24 → 18" in cause.reasons[0].vi and set(flips) == {"KT1", "KT2"}


def test_compare_files_with_workers_and_dask_write_the_serial_files(
    rules: Any, varied: Path, tmp_path: Path, cluster: Any
) -> None:
    from eligibility import api

    request = {"action": "appointment", "locality": "lao-cai"}
    dates = ["2025-06-01", "2025-11-03"]
    options: list[dict[str, Any]] = [
        {"workers": 1},
        {"workers": 2, "chunk_size": 5},
        {"scheduler": cluster.scheduler_address},
    ]
    texts = []
    for i, opts in enumerate(options):
        outs = [tmp_path / f"r{i}.{ext}" for ext in ("json", "csv", "txt")]
        result = api.compare_files(varied, request, dates, when=True, out=outs[0], lang="en", **opts)
        assert result.exit_code == 0 and result.total == 64
        for out in outs[1:]:
            result.write(out, "en")
        texts.append([o.read_text(encoding="utf-8") for o in outs])
    assert all(t == texts[0] for t in texts)
    data = json.loads(texts[0][0])
    assert data["total"] == 64 and data["input_errors"] == 3 and data["internal_faults"] == 0
    assert data["flipped"] == len(data["flips"]) == 3


def test_kept_rows_spill_to_a_file_and_read_back_alike(
    rules: Any, varied: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Flips and error rows beyond KEEP_IN_MEMORY go to a temporary file: the same rows, the same reports."""
    from eligibility.batch import compare as cmp

    a, b = sides(rules, rules, "2024-01-01", "2029-06-01")
    a.request.pop("post"), b.request.pop("post")
    in_memory = compare_pool(read_items(varied, rules.titles), a, b)
    monkeypatch.setattr(cmp, "KEEP_IN_MEMORY", 2)
    spilled = compare_pool(read_items(varied, rules.titles), a, b)
    assert spilled.flips._file is not None and in_memory.flips._file is None
    assert len(spilled.flips) == len(in_memory.flips) > 2 and list(spilled.flips) == list(in_memory.flips)
    assert list(spilled.errors) == list(in_memory.errors) and len(spilled.errors) == 3
    assert spilled.flips[1] == in_memory.flips[1] and spilled.flips[-1] == in_memory.flips[-1]
    pairs = [(x.row, y.row) for x in spilled.flips for y in spilled.flips]  # two readings at once
    assert len(pairs) == len(spilled.flips) ** 2
    for lang in ("vi", "en"):
        assert spilled.render_text(lang) == in_memory.render_text(lang)
        assert spilled.to_csv(lang) == in_memory.to_csv(lang)
    assert spilled.to_json() == in_memory.to_json()
    assert json.loads(spilled.to_json()) == spilled.to_dict()
    with pytest.raises(IndexError):
        spilled.flips[len(spilled.flips)]
    spilled.close()


def test_in_process_a_row_that_raises_or_hangs_is_a_fault_row(
    rules: Any, pool: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import time

    from eligibility.explain import evaluate as ev

    real = ev.Evaluator.evaluate
    calls: list[str] = []

    def planted(self: Any, profile: Any, request: Any) -> Any:
        calls.append(profile.id)
        if profile.id == "P1":
            raise KeyError("planted bug")
        if profile.id == "P3":
            time.sleep(30)
        return real(self, profile, request)

    monkeypatch.setattr(ev.Evaluator, "evaluate", planted)
    a, b = sides(rules, rules, "2025-06-01", "2025-11-03")
    started = time.monotonic()
    result = compare_pool(read_items(pool, rules.titles), a, b, row_seconds=0.5)
    assert time.monotonic() - started < 10
    assert result.total == 5 and [r.profile_id for r in result.flips] == ["P2"]
    faults = {r.profile_id: r for r in result.errors if r.fault}
    assert set(faults) == {"P1", "P3"} and result.faults == 2 and result.exit_code == 1
    assert "planted bug" in faults["P1"].problems[0].en and "time limit" in faults["P3"].problems[0].en
    assert calls.count("P3") == 2  # tried twice, then a fault
    assert "internal_error" in result.to_csv() and json.loads(result.to_json())["internal_faults"] == 2


COMPARE = ["--action", "planning", "--post", "giam-doc-so", "--locality", "lao-cai", "--date", "2025-10-01"]
COMPARE += ["--date", "2031-01-01"]


def test_a_worker_that_dies_or_hangs_costs_one_row_never_lost(tmp_path: Path) -> None:
    from hostile import run_cli
    from test_robust import _planted, _pool  # faults planted in every interpreter of the run (sitecustomize)

    plan = {"H0004": "bug", "H0031": "die", "H0077": "hang", "H0090": "engine"}
    env = _planted(tmp_path, plan)
    pool = _pool(tmp_path, 120)
    out = tmp_path / "flips.json"
    args = ["compare", str(pool), *COMPARE, "--workers", "2", "--chunk-size", "10", "--row-timeout", "2"]
    run = run_cli([*args, "--out", str(out), "--lang", "en"], tmp_path, env=env, timeout=240)
    assert not run.traceback, run.err[-3000:]
    assert run.code == 1, (run.code, run.err[-2000:])
    data = json.loads(out.read_text(encoding="utf-8"))
    assert data["total"] == 120 and data["internal_faults"] == 4 and data["input_errors"] == 0
    faults = {e["profile_id"]: e for e in data["errors"]}
    assert set(faults) == set(plan) and all(e["fault"] for e in faults.values())
    assert "planted bug" in faults["H0004"]["problems"][0]["en"]
    assert "died" in faults["H0031"]["problems"][0]["en"] and "time limit" in faults["H0077"]["problems"][0]["en"]
    assert "planted engine fault" in faults["H0090"]["problems"][0]["en"]
    assert data["flipped"] > 0 and "4 rows hit an internal fault" in run.out + run.err


def test_sigterm_stops_the_comparison_and_leaves_no_partial_file(tmp_path: Path) -> None:
    from hostile import run_cli
    from test_robust import _pool

    pool = _pool(tmp_path, 6000)
    args = ["compare", str(pool), *COMPARE, "--workers", "2", "--out", str(tmp_path / "r.json")]
    run = run_cli(args, tmp_path, stop_after=4.0, stop_signal=signal.SIGTERM, timeout=60)
    assert run.code == 143, (run.code, run.err[-2000:])
    assert not run.traceback and "still alive" not in run.err, run.err[-2000:]
    assert run.err.strip().splitlines()[-1].startswith("Đã dừng")
    left = sorted(p.name for p in tmp_path.iterdir() if p.name.startswith(("r.", ".r.")))
    assert left == [], left
