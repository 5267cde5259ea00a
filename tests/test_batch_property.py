"""Screening a pool gives, for every row, the same Decision as ``evaluate`` on that row alone —
whatever the row order, the file format, and whether rows run in this process or in workers."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from eligibility import evaluate, load_rules
from eligibility.batch import synthetic
from eligibility.batch.reader import read_pool
from eligibility.batch.screen import Screener

REQUEST = {"action": "planning", "date": "2025-10-01", "locality": "lao-cai"}
DATES = ["2025-10-01", "2025-10-08", "2024-09-14"]  # under QĐ 50 + QĐ 80, under QĐ 377, before QĐ 296


@pytest.fixture(scope="module")
def pack() -> Any:
    return load_rules()


@pytest.fixture(scope="module")
def pool_screener(pack: Any) -> Iterator[dict[str, Screener]]:
    """Worker pools kept open across examples (two processes, tiny chunks so rows cross workers)."""
    screeners: dict[str, Screener] = {}
    yield screeners
    for s in screeners.values():
        s.close()


pools = st.tuples(st.integers(0, 10_000), st.integers(1, 9)).flatmap(
    lambda seed_n: st.permutations(synthetic.generate(seed_n[1], seed=seed_n[0], with_request=True))
)


def _expected(items: list[dict[str, Any]], request: dict[str, Any], pack: Any) -> list[dict[str, Any]]:
    return [evaluate(it["profile"], {**request, **it["request"]}, pack).to_dict() for it in items]


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(items=pools, fmt=st.sampled_from([".jsonl", ".csv", ".xlsx"]), date=st.sampled_from(DATES))
def test_screen_equals_evaluate_in_process(
    items: list[dict[str, Any]], fmt: str, date: str, pack: Any, tmp_path_factory: pytest.TempPathFactory
) -> None:
    request = {**REQUEST, "date": date}
    path = synthetic.write_pool(items, tmp_path_factory.mktemp("pool") / f"pool{fmt}")
    with Screener(request, pack, workers=1, chunk_size=4, keep_decision=True) as s:
        results = list(s.screen(read_pool(path, titles=pack.titles)))
    assert [r.status for r in results] == ["ok"] * len(items)
    assert [r.decision.to_dict() for r in results if r.decision] == _expected(items, request, pack)


@settings(max_examples=8, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(items=pools, date=st.sampled_from(DATES))
def test_screen_equals_evaluate_in_worker_processes(
    items: list[dict[str, Any]],
    date: str,
    pack: Any,
    pool_screener: dict[str, Screener],
    tmp_path_factory: pytest.TempPathFactory,
) -> None:
    request = {**REQUEST, "date": date}
    if date not in pool_screener:
        pool_screener[date] = Screener(request, pack, workers=2, chunk_size=2, keep_decision=True)
    path = synthetic.write_pool(items, tmp_path_factory.mktemp("pool") / "pool.jsonl")
    results = list(pool_screener[date].screen(read_pool(path, titles=pack.titles)))
    assert [r.row for r in results] == list(range(1, len(items) + 1))  # input order kept across workers
    assert [r.decision.to_dict() for r in results if r.decision] == _expected(items, request, pack)


def test_property_can_fail(pack: Any, tmp_path: Path) -> None:
    """The comparison is not vacuous: a different request gives different decisions."""
    items = synthetic.generate(5, seed=1, with_request=True)
    path = synthetic.write_pool(items, tmp_path / "pool.jsonl")
    with Screener({**REQUEST, "locality": "long-an"}, pack, workers=1, keep_decision=True) as s:
        got = [r.decision.to_dict() for r in s.screen(read_pool(path)) if r.decision]
    assert got != _expected(items, REQUEST, pack)
