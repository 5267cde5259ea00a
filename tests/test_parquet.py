"""Parquet in and out (issue 14): a pool in Parquet is read as its CSV or JSONL twin is (same results, same
validation errors naming the same column), with record numbers as row numbers; reading goes by row groups;
the Parquet report holds one record per row (and action)."""

from __future__ import annotations

import csv
import dataclasses
import json
from pathlib import Path
from typing import Any

import pytest
from conftest import with_2026_and_roster_fields

pa = pytest.importorskip("pyarrow")
pq = pytest.importorskip("pyarrow.parquet")

from eligibility import api  # noqa: E402
from eligibility.batch import parquet, synthetic  # noqa: E402
from eligibility.batch.reader import read_pool  # noqa: E402
from eligibility.batch.screen import RowResult, Screener  # noqa: E402
from eligibility.errors import InputError  # noqa: E402

REQUEST = {"action": "appointment", "date": "2025-10-01", "locality": "lao-cai"}
DEFECTS = [(3, "birth_date", "31/02/1980"), (8, "sex", "không rõ")]


def _strings(v: Any) -> Any:
    """Numbers as text: a Parquet column has one type (the synthetic profiles mix years and dates)."""
    if isinstance(v, dict):
        return {k: _strings(x) for k, x in v.items()}
    if isinstance(v, list):
        return [_strings(x) for x in v]
    if isinstance(v, int | float) and not isinstance(v, bool):
        return str(v)
    return v


@pytest.fixture(scope="module")
def files(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    d = tmp_path_factory.mktemp("parquet")
    items = with_2026_and_roster_fields(synthetic.generate(40, seed=5, with_request=True))  # seeds', law's columns
    items[12]["profile"]["birth_date"] = "31/02/1980"
    out = {
        "csv": synthetic.write_pool(items, d / "pool.csv", cells=DEFECTS),
        "jsonl": synthetic.write_pool(items, d / "pool.jsonl"),
    }
    with out["csv"].open(encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.reader(fh))
    header, data = rows[0], rows[1:]
    flat = pa.table({h: [(r[i] or None) if i < len(r) else None for r in data] for i, h in enumerate(header)})
    out["flat"] = d / "flat.parquet"
    pq.write_table(flat, out["flat"], row_group_size=7)
    records = [_strings(json.loads(line)) for line in out["jsonl"].read_text(encoding="utf-8").splitlines()]
    out["nested"] = d / "nested.parquet"
    pq.write_table(pa.Table.from_pylist(records), out["nested"], row_group_size=9)
    folder = d / "dataset.parquet"
    folder.mkdir()
    pq.write_table(pa.Table.from_pylist(records[:25]), folder / "part-0.parquet")
    pq.write_table(pa.Table.from_pylist(records[25:]), folder / "part-1.parquet")
    out["folder"] = folder
    people = synthetic.generate(25, seed=6)  # the profile's own fields as columns (structs, lists)
    out["people.jsonl"] = synthetic.write_pool(people, d / "people.jsonl")
    out["people"] = d / "people.parquet"
    lines = out["people.jsonl"].read_text(encoding="utf-8").splitlines()
    pq.write_table(pa.Table.from_pylist([_strings(json.loads(x)) for x in lines]), out["people"], row_group_size=10)
    return out


def screened(path: Path, rules: Any, request: dict[str, Any] = REQUEST) -> list[RowResult]:
    with Screener(request, rules, workers=1, detail="all") as s:
        return list(s.screen(read_pool(path, titles=rules.titles)))


def shifted(r: RowResult, by: int) -> RowResult:
    problems = [dataclasses.replace(p, row=None if p.row is None else p.row + by) for p in r.problems]
    return dataclasses.replace(r, row=r.row + by, problems=problems)


def test_flat_parquet_reads_as_its_csv(files: dict[str, Path], rules: Any) -> None:
    got = screened(files["flat"], rules)
    want = screened(files["csv"], rules)
    assert [r.row for r in got] == list(range(1, 41))  # record numbers
    assert [shifted(r, 1) for r in got] == want  # the CSV's row = the record + its header line
    errors = [r for r in got if r.status == "input_error"]
    assert [(r.row, r.problems[0].location) for r in errors] == [(4, "Ngày sinh"), (9, "Giới tính"), (13, "Ngày sinh")]


@pytest.mark.parametrize("date", ["2025-03-01", "2026-11-03"])
def test_the_2026_and_seed_columns_read_as_from_csv(files: dict[str, Path], rules: Any, date: str) -> None:
    """The 2026 law's columns (staff status, bars, acting, the post left, maternity leave) and the seeds'
    (committee seats) read from Parquet as from CSV: on 3/11/2026 (NĐ 300 in force) and on 1/3/2025 (Lào Cai's
    roster-basis targets, which read the committee seats)."""
    request = {**REQUEST, "date": date}
    got, want = screened(files["flat"], rules, request), screened(files["csv"], rules, request)
    assert [shifted(r, 1) for r in got] == want
    assert any(r.traits and r.traits.roster and r.traits.roster.seats for r in got)
    assert screened(files["nested"], rules, request) == screened(files["jsonl"], rules, request)


def test_nested_parquet_reads_as_its_jsonl(files: dict[str, Path], rules: Any) -> None:
    want = screened(files["jsonl"], rules)
    assert screened(files["nested"], rules) == want
    assert screened(files["folder"], rules) == want  # a dataset: its files in name order, numbered on
    assert want[12].status == "input_error" and want[12].problems[0].location == "birth_date"


def test_profile_fields_as_columns_read_as_jsonl(files: dict[str, Path], rules: Any) -> None:
    """Columns named like the template's English aliases (sex, birth_date) but holding structs are the
    profile's shape, read as JSONL lines."""
    with Screener({**REQUEST, "post": "giam-doc-so"}, rules, workers=1) as s:
        want = list(s.screen(read_pool(files["people.jsonl"], titles=rules.titles)))
        got = list(s.screen(read_pool(files["people"], titles=rules.titles)))
    assert got == want and {r.status for r in got} == {"ok"}


def test_reading_goes_by_row_groups(files: dict[str, Path], monkeypatch: pytest.MonkeyPatch) -> None:
    read: list[int] = []
    real = pq.ParquetFile.iter_batches

    def spy(self: Any, *args: Any, **kwargs: Any) -> Any:
        read.extend(kwargs["row_groups"])
        return real(self, *args, **kwargs)

    monkeypatch.setattr(pq.ParquetFile, "iter_batches", spy)
    got = list(parquet.records(files["flat"], 15, 22))  # groups of 7: records 16–22 are in group 2 and 3
    assert [n for n, _ in got] == list(range(16, 23))
    assert read == [2, 3]
    assert parquet.count(files["folder"]) == 40


def test_a_broken_or_foreign_file_is_refused_by_name(tmp_path: Path) -> None:
    bad = tmp_path / "bad.parquet"
    bad.write_bytes(b"PAR1 not really")
    with pytest.raises(InputError) as exc:
        read_pool(bad)
    assert exc.value.problems[0].location == str(bad) and "Parquet" in exc.value.problems[0].en
    empty = tmp_path / "empty.parquet"
    empty.mkdir()
    with pytest.raises(InputError, match="no .parquet file"):
        read_pool(empty)


def test_parquet_report(files: dict[str, Path], tmp_path: Path) -> None:
    out = tmp_path / "r.parquet"
    run = api.screen_file(files["flat"], REQUEST, out=[out], workers=1)
    table = pq.read_table(out).to_pylist()
    assert [r["row"] for r in table] == list(range(1, 41))
    counts: dict[str, int] = {}
    for r in table:
        counts[r["verdict"]] = counts.get(r["verdict"], 0) + 1
    assert counts == {k: v for k, v in run.report.verdicts.items() if v}
    assert table[3]["errors"][0]["column"] == "Ngày sinh" and table[3]["status"] == "input_error"
    assert any(r["findings"] and r["findings"][0]["message_vi"] for r in table)
    both = tmp_path / "both.parquet"
    api.screen_file(files["flat"], {**REQUEST, "event": "congress-2025"}, out=[both], actions="planning,rotation")
    rows = pq.read_table(both).to_pylist()
    assert [(r["row"], r["action"]) for r in rows[:4]] == [
        (1, "planning"),
        (1, "rotation"),
        (2, "planning"),
        (2, "rotation"),
    ]
