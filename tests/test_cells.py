"""The parent out of the hot path (issue 14): each row's report lines are made where the row is screened.

A worker process (or the one process, or a Dask worker) builds what every writer of the run needs of a row
(:class:`eligibility.batch.parts.RowParts`: the workbook's rows as SpreadsheetML with a placeholder for
the row number, the page's person, the JSONL lines, the Parquet records); the parent only numbers and
appends them. The reports must be the ones the writers make row at a time in the parent: the same bytes
for .html and .jsonl, the same XML (so the same cells) for .xlsx, the same table for .parquet, with input
errors, internal faults (one raised in the row, one the parent makes for a row past the time limit),
``detail="all"`` and the timeline, for one action and for several, with one worker and with two.
"""

from __future__ import annotations

import time
import zipfile
from pathlib import Path
from typing import Any

import pytest

from eligibility import api
from eligibility.batch import parts, synthetic, writers
from eligibility.batch.limits import Limits
from eligibility.batch.reader import read_pool
from eligibility.batch.screen import Screener
from eligibility.batch.xlsx import Seq, Sheet, row_xml
from eligibility.explain import evaluate as ev

BASE = {"date": "2025-10-01", "locality": "lao-cai", "event": "congress-2025", "level": "province"}
FORMATS = ("xlsx", "html", "jsonl", "parquet")


@pytest.fixture(scope="module")
def pool(tmp_path_factory: pytest.TempPathFactory) -> Path:
    items = synthetic.generate(16, seed=14, with_request=True)
    defects = [(3, "birth_date", "31/02/1980"), (7, "sex", "không rõ"), (11, "party_joined", "2090-01-01")]
    defects += [(14, "id", "SYN-14-000005"), (9, "full_name", "=HYPERLINK(1)")]  # a duplicate id, a formula
    return synthetic.write_pool(items, tmp_path_factory.mktemp("pool") / "pool.xlsx", cells=defects)


def _formats() -> tuple[str, ...]:
    try:
        import pyarrow  # noqa: F401
    except ImportError:
        return FORMATS[:3]
    return FORMATS


def same_reports(got: Path, want: Path, name: str) -> None:
    for ext in _formats():
        a, b = got / f"{name}.{ext}", want / f"{name}.{ext}"
        if ext == "xlsx":  # the package's members, byte for byte (zip timestamps aside)
            with zipfile.ZipFile(a) as za, zipfile.ZipFile(b) as zb:
                assert za.namelist() == zb.namelist()
                for member in za.namelist():
                    assert za.read(member) == zb.read(member), (name, member)
        elif ext == "parquet":
            import pyarrow.parquet as pq

            assert pq.read_table(a).equals(pq.read_table(b)), name
        else:
            assert a.read_bytes() == b.read_bytes(), (name, ext)


def run(pool: Path, where: Path, name: str, **options: Any) -> None:
    where.mkdir(exist_ok=True)
    action = options.pop("action", None)
    request = {**BASE, "action": action} if action else BASE
    options.setdefault("limits", Limits(row_seconds=300))  # a loaded box must not make a timeline row a fault
    api.screen_file(pool, request, out=[where / f"{name}.{ext}" for ext in _formats()], **options)


CASES = {
    "one": {"action": "appointment", "detail": "all", "timeline": True},
    "several": {"actions": "planning,appointment,nomination", "detail": "all"},
    "plain": {"actions": "appointment,rotation"},
}


@pytest.fixture(scope="module")
def row_at_a_time(pool: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The reports written by the writers themselves, row at a time in the parent (no part built elsewhere)."""
    where = tmp_path_factory.mktemp("parent")
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(parts.RowParts, "__call__", lambda self, results: None)
        for name, options in CASES.items():
            run(pool, where, name, workers=1, **options)
    return where


WORKER_CASES = ("one", "several")


@pytest.mark.parametrize("workers", [1, 2])
def test_reports_built_in_the_workers_equal_the_writers_row_at_a_time(
    pool: Path, row_at_a_time: Path, tmp_path: Path, workers: int
) -> None:
    for name in WORKER_CASES:
        run(pool, tmp_path, name, workers=workers, **CASES[name])
        same_reports(tmp_path, row_at_a_time, name)


def test_reports_built_on_dask_equal_the_local_pool(pool: Path, row_at_a_time: Path, tmp_path: Path) -> None:
    pytest.importorskip("distributed")
    run(pool, tmp_path, "plain", scheduler="local:1", **CASES["plain"])
    same_reports(tmp_path, row_at_a_time, "plain")


def test_faults_in_a_row_and_made_by_the_parent_are_written_alike(
    pool: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    real = ev.Evaluator.facts

    def faulty(self: Any, profile: Any, prepared: Any) -> Any:
        if profile.id == "SYN-14-000002":
            raise RuntimeError("planted fault")
        if profile.id == "SYN-14-000006":
            time.sleep(5)  # past the time limit: the parent makes the row's fault (twice, then given up)
        return real(self, profile, prepared)

    monkeypatch.setattr(ev.Evaluator, "facts", faulty)
    limits = Limits(row_seconds=2.0)
    run(pool, tmp_path / "workers", "plain", workers=1, limits=limits, **CASES["plain"])
    monkeypatch.setattr(parts.RowParts, "__call__", lambda self, results: None)
    run(pool, tmp_path / "parent", "plain", workers=1, limits=limits, **CASES["plain"])
    same_reports(tmp_path / "workers", tmp_path / "parent", "plain")
    text = (tmp_path / "parent" / "plain.jsonl").read_text(encoding="utf-8")
    assert "planted fault" in text and "time limit" in text


def test_a_findings_lines_are_its_cells_as_any_row_is_written(pool: Path, rules: Any) -> None:
    """The finding's cells kept between rows make the line that ``row_xml`` makes of ``detail_cells``."""
    request = {**BASE, "action": "planning", "post": "giam-doc-so"}
    with Screener(request, rules, workers=1, detail="all") as screener:
        results = list(screener.screen(read_pool(pool, titles=rules.titles)))
    assert {r.status for r in results} == {"ok", "input_error"}
    for detail in ("issues", "all"):
        lines = [line for r in results for line in writers.detail_lines(r, detail)]
        assert lines == [row_xml(values) for r in results for values in writers.detail_cells(r, detail)]
        assert len(lines) > (len(results) if detail == "all" else 0)


def test_a_row_made_elsewhere_is_numbered_where_it_is_written() -> None:
    sheet = Sheet("s")
    sheet.append(("a", 1))
    sheet.add(row_xml((Seq, "b")), 7)
    made = Sheet("t")
    made.append(("a", 1))
    made.append((7, "b"))
    out: list[str] = []
    for s in (sheet, made):
        s._flush()
        s._tmp.seek(0)
        out.append(s._tmp.read())
        s.close()
    want = (
        '<row r="1"><c r="A1" t="inlineStr"><is><t xml:space="preserve">a</t></is></c><c r="B1"><v>1</v></c></row>'
        '<row r="2"><c r="A2"><v>7</v></c><c r="B2" t="inlineStr"><is><t xml:space="preserve">b</t></is></c></row>'
    )
    assert out[0] == out[1] == want
