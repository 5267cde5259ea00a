"""Never lose a row, never crash (issue 13): the supervisor's contract, faults planted in workers, signals,
outputs that cannot be written or must not be, cells a spreadsheet would run, HTML escaping.

Reproduced on main before the fix: an engine fault, any exception, a worker that died or a hang in one
row lost all 2,000 rows; SIGTERM left the workers running and a .part file behind; ``--out`` equal to the
input overwrote it; ``compare --out x.csv`` wrote ``=HYPERLINK(…)`` as a live formula; OS errors and a
folder given as the profile printed tracebacks."""

from __future__ import annotations

import csv
import json
import multiprocessing
import os
import signal
import time
from pathlib import Path
from typing import Any

import pytest
from hostile import HEADERS, REQUEST, csv_text, jsonl_rows, person, run_cli

from eligibility.batch.outputs import neutralize
from eligibility.batch.supervisor import PoolFailed, Supervisor

FORK = multiprocessing.get_context("fork")


# ----- the supervisor's contract ------------------------------------------------------------------
def _handle(x: int) -> int:
    if x == 13:
        raise ValueError("unlucky")
    if x == 21:
        os._exit(7)  # the worker dies on this item, every time
    if x == 34:
        time.sleep(60)  # hangs, every time
    if x == 55 and os.environ.get("SUPERVISOR_FLAKY") == str(os.getppid()):
        os.environ["SUPERVISOR_FLAKY"] = "done"
        os._exit(9)
    return x * 2


def _fault(x: int, kind: str, text: str) -> int:
    return -{"error": 1, "died": 2, "timeout": 3}[kind]


def test_supervisor_gives_one_result_per_item_in_order_whatever_the_workers_do() -> None:
    items = list(range(60))
    chunks = [items[i : i + 7] for i in range(0, 60, 7)]
    with Supervisor(_handle, _fault, workers=2, item_seconds=1.5, context=FORK) as sup:
        started = time.monotonic()
        got = list(sup.map(chunks))
        elapsed = time.monotonic() - started
        assert sup.faults == 3
    expected = [x * 2 for x in items]
    expected[13], expected[21], expected[34] = -1, -2, -3
    assert got == expected
    assert elapsed < 20  # the hang cost two time limits (first try, retry), not 60 s


def _init_fails() -> None:
    raise RuntimeError("no rule pack")


def test_supervisor_reports_a_worker_that_cannot_start_and_leaves_no_process() -> None:
    sup: Supervisor[int, int] = Supervisor(_handle, _fault, workers=2, initializer=_init_fails, context=FORK)
    with pytest.raises(PoolFailed, match="no rule pack"):
        list(sup.map([[1, 2, 3]]))
    assert not multiprocessing.active_children()


def test_supervisor_stops_its_workers_when_the_consumer_stops() -> None:
    sup: Supervisor[int, int] = Supervisor(_handle, _fault, workers=2, context=FORK)
    gen = sup.map([list(range(i, i + 5)) for i in range(100, 200, 5)])
    assert next(gen) == 200
    gen.close()
    assert not multiprocessing.active_children()


# ----- faults planted in the screen's workers, through the command line ------------------------------
PLANT = """
# planted by tests/test_robust.py: runs in every interpreter of the run (the CLI and its spawned workers)
import os, time
from eligibility.errors import EngineError
from eligibility.explain import evaluate as ev
PLAN = {PLAN}
real = ev.Evaluator.facts
def planted(self, profile, prepared):
    kind = PLAN.get(profile.id)
    if kind == "engine":
        raise EngineError("planted engine fault")
    if kind == "bug":
        raise KeyError("planted bug")
    if kind == "die":
        os._exit(3)
    if kind == "hang":
        time.sleep(600)
    return real(self, profile, prepared)
ev.Evaluator.facts = planted
"""


def _planted(tmp: Path, plan: dict[str, str]) -> dict[str, str]:
    site = tmp / "site"
    site.mkdir()
    (site / "sitecustomize.py").write_text(PLANT.replace("{PLAN}", repr(plan)), encoding="utf-8")
    return {"PYTHONPATH": os.pathsep.join([str(site), os.environ.get("PYTHONPATH", "")])}


def _pool(tmp: Path, n: int) -> Path:
    p = tmp / "pool.csv"
    p.write_text(csv_text([HEADERS] + [person(i) for i in range(1, n + 1)]), encoding="utf-8")
    return p


def test_a_fault_in_one_row_never_ends_the_pool(tmp_path: Path) -> None:
    plan = {"H0005": "engine", "H0700": "bug", "H1200": "die", "H1900": "hang"}
    pool = _pool(tmp_path, 2000)
    report = tmp_path / "r.jsonl"
    args = ["screen", str(pool), *REQUEST, "--out", str(report), "--workers", "2", "--row-timeout", "3"]
    run = run_cli(args, tmp_path, env=_planted(tmp_path, plan), timeout=240)
    assert not run.traceback, run.err[-3000:]
    assert run.code == 1, run.err[-2000:]  # a report, with internal faults listed
    rows = jsonl_rows(report)
    assert [r["row"] for r in rows] == list(range(2, 2002))  # every row accounted for, in order
    faulted = {r["id"]: r for r in rows if r.get("status") == "internal_error"}
    assert set(faulted) == set(plan)
    assert "planted engine fault" in faulted["H0005"]["errors"][0]["en"]
    assert "time limit" in faulted["H1900"]["errors"][0]["en"] and "died" in faulted["H1200"]["errors"][0]["en"]
    assert "4 " in run.err and "internal" in run.err


def test_an_engine_failing_on_every_row_exits_3(tmp_path: Path) -> None:
    plan = {f"H{i:04d}": "engine" for i in range(1, 31)}
    pool = _pool(tmp_path, 30)
    report = tmp_path / "r.jsonl"
    run = run_cli(["screen", str(pool), *REQUEST, "--out", str(report)], tmp_path, env=_planted(tmp_path, plan))
    assert run.code == 3 and not run.traceback, run.err[-2000:]
    assert len(jsonl_rows(report)) == 30


# ----- signals ----------------------------------------------------------------------------------------
@pytest.mark.parametrize(("signum", "code"), [(signal.SIGTERM, 143), (signal.SIGINT, 130)])
def test_a_signal_stops_the_workers_and_leaves_no_partial_file(tmp_path: Path, signum: int, code: int) -> None:
    pool = _pool(tmp_path, 6000)
    outs = [tmp_path / "r.jsonl", tmp_path / "r.xlsx", tmp_path / "r.html"]
    args = ["screen", str(pool), *REQUEST, "--workers", "2"] + [a for o in outs for a in ("--out", str(o))]
    run = run_cli(args, tmp_path, stop_after=4.0, stop_signal=signum, timeout=60)
    assert run.code == code, (run.code, run.err[-2000:])
    assert not run.traceback and "still alive" not in run.err, run.err[-2000:]
    assert run.err.strip().splitlines()[-1].startswith("Đã dừng")
    left = sorted(p.name for p in tmp_path.iterdir() if p.name.startswith(("r.", ".r.")))
    assert left == [], left


# ----- outputs ----------------------------------------------------------------------------------------
def test_outputs_that_cannot_or_must_not_be_written_are_refused(tmp_path: Path) -> None:
    pool = _pool(tmp_path, 5)
    before = pool.read_bytes()
    cases = {
        "same": [str(pool)],
        "folder": [str(tmp_path)],
        "missing": [str(tmp_path / "no" / "r.xlsx")],
    }
    for name, out in cases.items():
        run = run_cli(["screen", str(pool), *REQUEST, "--out", out[0]], tmp_path)
        assert run.code == 2 and not run.traceback, (name, run.err)
        assert " / " in run.err  # bilingual
    assert pool.read_bytes() == before
    xlsx = tmp_path / "pool.xlsx"
    xlsx.write_bytes(b"PK")
    run = run_cli(["screen", str(xlsx), *REQUEST, "--out", str(xlsx)], tmp_path)
    assert run.code == 2 and xlsx.read_bytes() == b"PK"
    run = run_cli(["check", str(tmp_path), "--action", "appointment", "--post", "giam-doc-so"], tmp_path)
    assert run.code == 2 and not run.traceback and "folder" in run.err


def test_every_text_cell_a_spreadsheet_would_run_is_neutralised(tmp_path: Path) -> None:
    assert [neutralize(v) for v in ("=1+1", "+1", "-1", "@SUM(1)", "\tx", "\rx", "a=b", 5, None)] == [
        "'=1+1",
        "'+1",
        "'-1",
        "'@SUM(1)",
        "'\tx",
        "'\rx",
        "a=b",
        5,
        None,
    ]
    rows = [HEADERS] + [person(i) for i in range(1, 5)]
    ids = ['=HYPERLINK("http://x","y")', "=1+1", "@SUM(1)", "+cmd"]
    for r, ident in zip(rows[1:], ids, strict=True):
        r[1] = ident
        r[3] = "?"  # an input error: listed in the comparison with its id
    pool = tmp_path / "pool.csv"
    pool.write_text(csv_text(rows), encoding="utf-8")
    out = tmp_path / "flips.csv"
    run = run_cli(
        ["compare", str(pool), "--action", "appointment", "--post", "giam-doc-so", "--locality", "lao-cai",
         "--date", "2024-01-01", "--date", "2031-01-01", "--out", str(out)],
        tmp_path,
    )  # fmt: skip
    assert run.code == 0, run.err
    cells = [c for row in csv.reader(out.read_text(encoding="utf-8-sig").splitlines()) for c in row]
    assert not [c for c in cells if c[:1] in ("=", "+", "-", "@", "\t", "\r")], cells
    assert '\'=HYPERLINK("http://x","y")' in cells
    report = tmp_path / "r.xlsx"
    run = run_cli(["screen", str(pool), *REQUEST, "--out", str(report)], tmp_path)
    import openpyxl

    wb = openpyxl.load_workbook(report, read_only=True)
    values = [v for ws in wb.worksheets for row in ws.iter_rows(values_only=True) for v in row if isinstance(v, str)]
    assert not [v for v in values if v[:1] in ("=", "+", "-", "@", "\t", "\r")]
    assert "'@SUM(1)" in values


def test_the_screen_report_escapes_what_the_pool_holds(tmp_path: Path) -> None:
    rows = [HEADERS] + [person(i) for i in range(1, 4)]
    rows[1][2] = '<script>alert("x")</script>'
    rows[2][1] = "<img src=x onerror=alert(1)>"
    rows[3][1] = rows[2][1]  # a duplicate id
    pool = tmp_path / "pool.csv"
    pool.write_text(csv_text(rows), encoding="utf-8")
    report = tmp_path / "r.html"
    run = run_cli(["screen", str(pool), *REQUEST, "--out", str(report), "--out", str(tmp_path / "r.jsonl")], tmp_path)
    assert run.code == 0, run.err
    page = report.read_text(encoding="utf-8")
    assert "<script>alert" not in page and "<img src=x" not in page
    assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;" in page or "&lt;script&gt;alert(" in page
    assert "trùng mã hồ sơ" in page or "&lt;img src=x onerror=alert(1)&gt;" in page
    dup = json.loads((tmp_path / "r.jsonl").read_text(encoding="utf-8").splitlines()[2])
    assert dup["row"] == 4


def test_in_process_screening_stops_a_row_past_the_time_limit(monkeypatch: pytest.MonkeyPatch, rules: Any) -> None:
    from eligibility.batch.screen import screen
    from eligibility.explain import evaluate as ev

    real = ev.Evaluator.facts
    calls: list[str] = []

    def slow(self: Any, profile: Any, prepared: Any) -> Any:
        calls.append(profile.id)
        if profile.id == "SLOW":
            time.sleep(30)
        return real(self, profile, prepared)

    monkeypatch.setattr(ev.Evaluator, "facts", slow)
    people = [(i, {"id": ident, "sex": "nam", "birth_date": "1970"}) for i, ident in enumerate(["A", "SLOW", "B"], 2)]
    request = {"action": "planning", "post": "giam-doc-so", "locality": "lao-cai", "date": "2025-10-01"}
    started = time.monotonic()
    results = list(screen(people, request, rules, workers=1, row_seconds=0.5))
    assert time.monotonic() - started < 10
    assert [r.status for r in results] == ["ok", "internal_error", "ok"]
    assert calls.count("SLOW") == 2 and "time limit" in results[1].problems[0].en  # tried twice, then a fault


@pytest.mark.parametrize("suffix", [".xlsx", ".html", ".jsonl"])
def test_a_report_gets_the_permissions_of_a_file_written_directly(tmp_path: Path, suffix: str) -> None:
    """Reports are written to a private temporary file and renamed: the finished file must not keep mkstemp's
    0600 (colleagues on a shared folder could not open it) — a new file gets 0666 less the umask, and a
    file written over keeps its own mode."""
    from conftest import ROOT

    from eligibility import api

    EXAMPLES = ROOT / "examples"
    new, old = tmp_path / f"new{suffix}", tmp_path / f"old{suffix}"
    old.write_text("")
    os.chmod(old, 0o640)
    mask = os.umask(0o022)
    os.umask(mask)
    for out in (new, old):
        request = {"action": "planning", "post": "giam-doc-so", "locality": "lao-cai", "date": "2026-11-03"}
        api.screen_file(EXAMPLES / "pool.xlsx", request, out=[out], workers=1)
    assert new.stat().st_mode & 0o777 == 0o666 & ~mask
    assert old.stat().st_mode & 0o777 == 0o640


def test_atomic_outputs_get_ordinary_permissions(tmp_path: Path) -> None:
    """`check --out`, `compare --out` and the template go through outputs.atomic: the same rule as reports."""
    from eligibility.batch.outputs import atomic

    mask = os.umask(0o022)
    os.umask(mask)
    with atomic(tmp_path / "phieu.html", "w", encoding="utf-8") as fh:
        fh.write("<p>x</p>")
    assert (tmp_path / "phieu.html").stat().st_mode & 0o777 == 0o666 & ~mask
