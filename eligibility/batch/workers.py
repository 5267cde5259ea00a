"""What the pool jobs share to run rows in worker processes or in this one (``screen`` and ``compare``).

* :func:`default_workers` and :func:`start_method` — how many worker processes, and how they start;
* :func:`shipped_rules` and :func:`worker_rules` — the rule pack a worker is given (the pack itself when
  it is forked, its folder when it is spawned: a spawned worker loads it again and checks its hash);
* :func:`run_limited` — the per-row time limit when rows run in this process (an alarm, main thread
  only: a row past the limit is tried once more, then ``on_timeout()`` is its result);
* :func:`chunk_rows` — rows per task, so that every worker gets several chunks of a small pool.

Worker processes themselves are run by :class:`~eligibility.batch.supervisor.Supervisor`.
"""

from __future__ import annotations

import os
import signal
import sys
import threading
from collections.abc import Callable
from typing import TypeVar

from eligibility.errors import Problem, RulePackError
from eligibility.rulepack.loader import RulePack, load_rules

DEFAULT_CHUNK = 1000
ROW_SECONDS = 10.0  # a row running longer is stopped, retried once, then an internal fault
FAULT_NAMES = {"timeout": "quá thời gian / time limit", "died": "tiến trình dừng / worker died", "error": "error"}
_R = TypeVar("_R")


class RowTimeout(Exception):
    """A row ran past the time limit (in-process rows only; workers are stopped by the supervisor)."""


def default_workers() -> int:
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # pragma: no cover - not Linux
        return max(1, os.cpu_count() or 1)


def start_method() -> str:
    """ "fork" when it is safe — Linux, one thread, and durable_rules not yet loaded in this process
    (so no engine state or lock can be inherited) — else "spawn" (which needs the caller's script to
    guard its entry point with ``if __name__ == "__main__":``, as usual for multiprocessing)."""
    if sys.platform == "linux" and threading.active_count() == 1 and "durable_rules_engine" not in sys.modules:
        return "fork"
    return "spawn"


def shipped_rules(rules: RulePack, method: str) -> RulePack | str:
    """What a worker started by ``method`` is given: a forked worker inherits the loaded pack, a spawned one
    gets its folder (and loads it again: see :func:`worker_rules`)."""
    return rules if method == "fork" else str(rules.root)


def worker_rules(rules: RulePack | str, rules_hash: str) -> RulePack:
    """The rule pack in a worker: ``rules`` itself, or the pack loaded from the folder ``rules`` — refused
    when it is not the pack the run started with (the folder was edited during the run)."""
    if isinstance(rules, RulePack):
        return rules
    pack = load_rules(rules)
    if pack.hash != rules_hash:
        raise RulePackError(
            Problem(rules, "bộ quy tắc thay đổi trong khi đang chạy", "the rule pack changed during the run")
        )
    return pack


def chunk_rows(total: int | None, workers: int) -> int:
    """Rows per task: about 1,000, fewer for a small pool so that each worker gets about four chunks."""
    if total is None:
        return DEFAULT_CHUNK
    return max(50, min(DEFAULT_CHUNK, total // max(1, workers * 4) or 50))


def run_limited(work: Callable[[], _R], seconds: float, on_timeout: Callable[[], _R]) -> _R:
    """``work()`` in this process under a time limit of ``seconds``: past it, tried once more, then
    ``on_timeout()``. The limit needs the main thread (an alarm signal); elsewhere ``work()`` runs unbounded.
    ``work`` must let :class:`RowTimeout` through."""
    if threading.current_thread() is not threading.main_thread() or not hasattr(signal, "setitimer"):
        return work()
    for attempt in (1, 2):

        def expired(signum: int, frame: object) -> None:
            raise RowTimeout

        previous = signal.signal(signal.SIGALRM, expired)
        signal.setitimer(signal.ITIMER_REAL, seconds)
        try:
            return work()
        except RowTimeout:
            if attempt == 2:
                return on_timeout()
        finally:
            signal.setitimer(signal.ITIMER_REAL, 0)
            signal.signal(signal.SIGALRM, previous)
    raise AssertionError("unreachable")  # pragma: no cover
