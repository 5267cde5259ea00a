"""Screening on Dask (issue 14): a LocalCluster gives exactly the local pool's results — rows read by the
parent and shipped, or a Parquet pool read by the workers partition by partition — and pool reports of
partitions merge into the report of the whole pool."""

from __future__ import annotations

import csv
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from conftest import with_2026_and_roster_fields

distributed = pytest.importorskip("distributed")
pa = pytest.importorskip("pyarrow")
pq = pytest.importorskip("pyarrow.parquet")

from eligibility import api  # noqa: E402
from eligibility.batch import synthetic  # noqa: E402
from eligibility.batch.actions import requests_for  # noqa: E402
from eligibility.batch.distributed import (  # noqa: E402
    DaskScreener,
    PartitionOptions,
    parse_scheduler,
    screen_partition,
)
from eligibility.batch.reader import read_pool  # noqa: E402
from eligibility.batch.report import PoolAccumulator  # noqa: E402
from eligibility.batch.screen import Screener  # noqa: E402
from eligibility.errors import InputError  # noqa: E402

BASE = {"date": "2025-10-01", "locality": "lao-cai", "event": "congress-2025", "level": "province"}
DEFECTS = [(2, "birth_date", "31/02/1980"), (9, "id", "SYN-7-000004"), (20, "id", "SYN-7-000004")]


@pytest.fixture(scope="module")
def pools(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    d = tmp_path_factory.mktemp("dask")
    items = with_2026_and_roster_fields(synthetic.generate(45, seed=7, with_request=True))  # seeds' and law's columns
    path = synthetic.write_pool(items, d / "pool.csv", cells=DEFECTS)
    with path.open(encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.reader(fh))
    header, data = rows[0], rows[1:]
    table = pa.table({h: [(r[i] or None) if i < len(r) else None for r in data] for i, h in enumerate(header)})
    pq.write_table(table, d / "pool.parquet", row_group_size=6)
    return {"csv": path, "parquet": d / "pool.parquet"}


@pytest.fixture(scope="module")
def cluster() -> Iterator[Any]:
    """Two worker threads in this process, reached over TCP as a remote cluster is."""
    with distributed.LocalCluster(
        n_workers=2, threads_per_worker=1, processes=False, protocol="tcp://", dashboard_address=None
    ) as c:
        yield c


def local(path: Path, requests: Any, rules: Any) -> list[Any]:
    with Screener(requests, rules, workers=1, detail="all") as s:
        return list(s.screen_all(read_pool(path, titles=rules.titles, lazy=True)))


def test_a_cluster_gives_the_local_pools_results(pools: dict[str, Path], rules: Any, cluster: Any) -> None:
    requests = requests_for(BASE, ["planning", "nomination", "rotation"], rules)
    want = local(pools["csv"], requests, rules)
    assert {r[0].status for r in want} == {"ok", "input_error"}
    with DaskScreener(requests, rules, scheduler=cluster.scheduler_address, chunk_size=7, detail="all") as s:
        assert s.workers == 2
        got = list(s.screen_all(read_pool(pools["csv"], titles=rules.titles, lazy=True)))
    assert got == want


def test_workers_read_their_own_parquet_partitions(
    pools: dict[str, Path], rules: Any, cluster: Any, tmp_path: Path
) -> None:
    request = {**BASE, "action": "appointment"}
    one = api.screen_file(pools["parquet"], request, out=[tmp_path / "a.xlsx"], workers=1)
    on_dask = api.screen_file(
        pools["parquet"], request, out=[tmp_path / "b.xlsx"], scheduler=cluster.scheduler_address, chunk_size=10
    )
    assert on_dask.report == one.report
    assert on_dask.report.duplicates == [(10, "SYN-7-000004", 4), (21, "SYN-7-000004", 4)]
    assert (tmp_path / "a.xlsx").read_bytes() != b""
    from python_calamine import CalamineWorkbook

    def cells(p: Path) -> list[Any]:
        book = CalamineWorkbook.from_path(str(p))
        return [book.get_sheet_by_name(n).to_python() for n in book.sheet_names]

    assert cells(tmp_path / "b.xlsx") == cells(tmp_path / "a.xlsx")


def test_a_local_cluster_of_processes(pools: dict[str, Path], rules: Any, tmp_path: Path) -> None:
    request = {**BASE, "action": "planning"}
    one = api.screen_file(pools["csv"], request, out=[tmp_path / "a.jsonl"], workers=1)
    on_dask = api.screen_file(pools["csv"], request, out=[tmp_path / "b.jsonl"], scheduler="local:2", chunk_size=16)
    assert on_dask.report == one.report and on_dask.exit_code == 0
    assert (tmp_path / "b.jsonl").read_text(encoding="utf-8") == (tmp_path / "a.jsonl").read_text(encoding="utf-8")


def test_screen_partition_keeps_the_rule_pack_per_process(pools: dict[str, Path], rules: Any) -> None:
    from eligibility.batch import distributed as dist

    requests = requests_for(BASE, ["appointment"], rules)
    rows = list(read_pool(pools["csv"], titles=rules.titles, lazy=True))
    options = PartitionOptions(rules, rules.hash, detail="all")
    first = screen_partition(rows[:20], requests, options)
    state = next(s for k, s in dist._STATES.items() if k[0] == rules.hash and k[1] == tuple(requests))
    second = screen_partition(rows[20:], requests, options)
    assert next(s for k, s in dist._STATES.items() if k[1] == tuple(requests)) is state  # built once
    assert first + second == local(pools["csv"], requests, rules)
    with pytest.raises(Exception, match="differs"):
        screen_partition(rows[:1], requests, PartitionOptions(None, "not-the-hash"))


ROSTER = {**BASE, "date": "2025-03-01", "event": "congress-2020"}  # Lào Cai's plan: roster-basis targets
LAW = {**BASE, "date": "2026-11-03", "event": "elections-2026"}  # NĐ 300/2026, coverage windows


@pytest.mark.parametrize("base", [BASE, ROSTER, LAW], ids=["2025", "roster", "law-2026"])
def test_partition_reports_merge_into_the_pools(pools: dict[str, Path], rules: Any, base: dict[str, Any]) -> None:
    request = requests_for(base, ["appointment"], rules)[0]
    results = [r[0] for r in local(pools["csv"], [request], rules)]
    whole = PoolAccumulator(rules, request)
    for r in results:
        whole.add(r)
    parts = []
    for a, b in ((0, 8), (8, 15), (15, 45)):
        part = PoolAccumulator(rules, request)
        for r in results[a:b]:
            part.add(r)
        parts.append(part)
    merged = parts[0].merge(parts[1]).merge(parts[2])
    assert merged.report() == whole.report()
    assert whole.report().duplicates and whole.report().criteria
    if base is ROSTER:  # the seeds' counts (scope, people not known to be in scope, both readings) merge too
        roster = [t for t in whole.targets if t.target.basis == "roster"]
        assert any(t.scope for t in roster) and any(t.scope_unknown for t in roster)


def test_schedulers_are_named_clearly() -> None:
    assert parse_scheduler("local") == ("local", None)
    assert parse_scheduler("local:3") == ("local", 3)
    assert parse_scheduler("tcp://10.0.0.5:8786") == ("tcp://10.0.0.5:8786", None)
    for bad in ("local:0", "local:x", "10.0.0.5"):
        with pytest.raises(InputError) as exc:
            parse_scheduler(bad)
        assert exc.value.problems[0].location == "--scheduler"
