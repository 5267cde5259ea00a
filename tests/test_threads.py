"""Concurrent calls from several threads give the same decisions as sequential calls.

The C extension of durable_rules is not safe to share between threads (wrong results, silently);
the engine holds one lock. These tests would catch a missing or misplaced lock.
"""

from __future__ import annotations

import random
import sys
import threading
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest
from test_engine_soak import _profiles, _requests

import eligibility
from eligibility.engine.durable_adapter import DurableEngine
from eligibility.explain.evaluate import Evaluator


def _key(decision: Any) -> tuple[Any, ...]:
    findings = tuple((f.criterion, f.outcome, f.message.vi) for f in decision.findings)
    return (
        decision.profile_id,
        decision.verdict,
        findings,
        tuple((m.input, tuple(m.criteria)) for m in decision.missing_inputs),
    )


@pytest.fixture(autouse=True)
def frequent_switches() -> Iterator[None]:
    """Switch threads often, so that an unlocked engine would interleave inside a call."""
    before = sys.getswitchinterval()
    sys.setswitchinterval(1e-4)
    yield
    sys.setswitchinterval(before)


@pytest.fixture(scope="module")
def jobs(rules: Any) -> list[tuple[Any, Any]]:
    import yaml
    from conftest import EXAMPLE

    rnd = random.Random(8)
    base = yaml.safe_load(EXAMPLE.read_text(encoding="utf-8"))
    profiles = _profiles(base, rnd, 120)
    requests = _requests(rnd)
    return [(profiles[i % len(profiles)], requests[(i * 5) % len(requests)]) for i in range(1200)]


@pytest.mark.parametrize("threads", [4, 8])
def test_threads_match_sequential(rules: Any, jobs: list[tuple[Any, Any]], threads: int) -> None:
    expected = [_key(eligibility.evaluate(p, r, rules)) for p, r in jobs]
    order = list(range(len(jobs)))
    random.Random(threads).shuffle(order)
    start = threading.Barrier(threads)

    def work(part: list[int]) -> list[tuple[int, tuple[Any, ...]]]:
        start.wait()
        return [(i, _key(eligibility.evaluate(jobs[i][0], jobs[i][1], rules))) for i in part]

    with ThreadPoolExecutor(threads) as pool:
        parts = [order[k::threads] for k in range(threads)]
        results = [item for fut in [pool.submit(work, part) for part in parts] for item in fut.result()]
    assert len(results) == len(jobs)
    for i, key in results:
        assert key == expected[i], (i, jobs[i][1])


def test_threads_compiling_new_rule_versions_at_once(rules: Any, jobs: list[tuple[Any, Any]]) -> None:
    """Fresh engines: the threads race to compile and create the rulesets of every rule version."""
    expected = [_key(eligibility.evaluate(p, r, rules)) for p, r in jobs[:400]]
    for _ in range(2):
        evaluator = Evaluator(rules, engine=DurableEngine())
        start = threading.Barrier(6)

        def work(
            k: int, evaluator: Evaluator = evaluator, start: threading.Barrier = start
        ) -> list[tuple[int, tuple[Any, ...]]]:
            start.wait()
            return [(i, _key(evaluator.evaluate(*jobs[i]))) for i in range(k, 400, 6)]

        with ThreadPoolExecutor(6) as pool:
            results = [item for fut in [pool.submit(work, k) for k in range(6)] for item in fut.result()]
        assert sorted(results) == sorted(enumerate(expected))


def test_separate_evaluators_share_the_process_engine(rules: Any, jobs: list[tuple[Any, Any]]) -> None:
    expected = [_key(eligibility.evaluate(p, r, rules)) for p, r in jobs[:300]]

    def work(k: int) -> list[tuple[int, tuple[Any, ...]]]:
        ev = Evaluator(rules)  # each thread its own Evaluator, one shared DurableEngine
        return [(i, _key(ev.evaluate(*jobs[i]))) for i in range(k, 300, 5)]

    with ThreadPoolExecutor(5) as pool:
        results = [item for fut in [pool.submit(work, k) for k in range(5)] for item in fut.result()]
    assert sorted(results) == sorted(enumerate(expected))
