"""A small supervisor around worker processes: every item gets exactly one result, whatever a worker does.

:class:`Supervisor` runs ``handle(item)`` for chunks of items in worker processes and yields the
results in input order, one per item. Its contract (what :mod:`eligibility.batch.screen` relies on,
and what any other pool — a faster one, Dask — must keep to carry it over):

* **One result per item, in order.** ``map(chunks)`` yields, for each chunk in the order given, one
  result per item in the chunk's order. Nothing is dropped, nothing is duplicated.
* **Exceptions stay inside the item.** ``handle`` is expected to turn an item's own exceptions into
  its result (the screen makes an error row); if it raises anyway, ``on_fault(item, "error", text)``
  makes the result, and the worker goes on with the next item.
* **A dead worker or a hang costs one item, retried once.** Each worker reports every result as it
  is made, so the parent knows which item is running and since when. A worker that dies (a crash in
  a C extension, ``os._exit``, the kernel's OOM killer) or whose item runs past ``item_seconds`` is
  killed; the item it was on is retried alone in a fresh worker, and if that fails the same way its
  result is ``on_fault(item, "died" | "timeout", text)``. The rest of the chunk goes on in another
  worker. A worker whose initializer fails is a fault of the whole pool: :class:`PoolFailed`.
* **Bounded memory.** At most ``2 × workers`` chunks are in flight; results wait only for the chunks
  before them.
* **Clean stop.** ``close()`` (also on an exception or a signal in the parent, e.g. KeyboardInterrupt)
  kills and reaps every worker, so nothing outlives the run or holds its output streams. Workers ignore
  SIGINT (Ctrl-C reaches the whole process group; the parent decides) and exit when the parent's end
  of their pipe closes, so a parent killed outright does not leave them behind either.

Timing starts when a chunk reaches a worker that has finished its initializer, and restarts at every
result, so start-up and queueing never count against an item.
"""

from __future__ import annotations

import contextlib
import multiprocessing
import signal
import time
import traceback
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from multiprocessing.connection import Connection, wait
from typing import Any, Generic, TypeVar

from eligibility.errors import EngineError

T = TypeVar("T")
R = TypeVar("R")


class PoolFailed(EngineError):
    """A worker could not start (its initializer raised): no item can be handled (the CLI exits 3)."""


@dataclass
class _Job(Generic[T]):
    seq: int  # position of its chunk
    items: list[T]
    offset: int = 0  # index in the chunk's results of items[0]
    retry: bool = False  # a single item being retried


@dataclass
class _Slot(Generic[T]):
    proc: Any
    conn: Connection
    ready: bool = False
    job: _Job[T] | None = None
    done: int = 0  # results received for the current job
    since: float = 0.0  # when the running item started


@dataclass
class _Chunk(Generic[R]):
    results: list[Any] = field(default_factory=list)
    missing: int = 0


_UNSET = object()


def _worker_main(
    conn: Connection, handle: Callable[[Any], Any], initializer: Callable[..., None] | None, initargs: tuple[Any, ...]
) -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        if initializer is not None:
            initializer(*initargs)
    except BaseException as exc:  # noqa: BLE001 - reported to the parent
        conn.send(("init_failed", f"{type(exc).__name__}: {exc}"))
        return
    conn.send(("ready", None))
    while True:
        try:
            msg = conn.recv()
        except (EOFError, OSError):
            return  # the parent has gone
        if msg is None:
            return
        for item in msg:
            try:
                out = ("ok", handle(item))
            except BaseException as exc:  # noqa: BLE001 - one item's exception is that item's result
                out = ("error", f"{type(exc).__name__}: {exc}".strip() + "\n" + traceback.format_exc(limit=6))
            try:
                conn.send(out)
            except (EOFError, OSError):
                return


class Supervisor(Generic[T, R]):
    """Worker processes that run ``handle(item)``; see the module docstring for the contract."""

    def __init__(
        self,
        handle: Callable[[T], R],
        on_fault: Callable[[T, str, str], R],
        *,
        workers: int,
        initializer: Callable[..., None] | None = None,
        initargs: tuple[Any, ...] = (),
        item_seconds: float = 10.0,
        context: Any = None,
    ) -> None:
        self.handle = handle
        self.on_fault = on_fault
        self.workers = max(1, workers)
        self.initializer = initializer
        self.initargs = initargs
        self.item_seconds = item_seconds
        self.ctx = context or multiprocessing.get_context()
        self._slots: list[_Slot[T]] = []
        self.faults = 0

    # ----- workers ----------------------------------------------------------------------------
    def _spawn(self) -> _Slot[T]:
        parent, child = self.ctx.Pipe(duplex=True)
        proc = self.ctx.Process(
            target=_worker_main, args=(child, self.handle, self.initializer, self.initargs), daemon=True
        )
        proc.start()
        child.close()
        slot: _Slot[T] = _Slot(proc, parent)
        self._slots.append(slot)
        return slot

    def _kill(self, slot: _Slot[T]) -> None:
        if slot in self._slots:
            self._slots.remove(slot)
        with contextlib.suppress(OSError):
            slot.conn.close()
        if slot.proc.is_alive():
            slot.proc.kill()
        slot.proc.join(5)

    def close(self) -> None:
        """Stop every worker now (kill, reap)."""
        for slot in list(self._slots):
            self._kill(slot)

    def __enter__(self) -> Supervisor[T, R]:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # ----- the work ---------------------------------------------------------------------------
    def map(self, chunks: Iterable[list[T]]) -> Iterator[R]:
        """One result per item, chunk by chunk, in order (see the contract above)."""
        source = iter(chunks)
        exhausted = False
        queue: deque[_Job[T]] = deque()  # jobs waiting for a worker (retries first)
        chunks_out: dict[int, _Chunk[R]] = {}
        next_seq = 0
        emit = 0
        limit = 2 * self.workers
        try:
            while True:
                while not exhausted and len(chunks_out) < limit:
                    chunk = next(source, None)
                    if chunk is None:
                        exhausted = True
                        break
                    chunks_out[next_seq] = _Chunk([_UNSET] * len(chunk), len(chunk))
                    if chunk:
                        queue.append(_Job(next_seq, list(chunk)))
                    next_seq += 1
                while emit in chunks_out and chunks_out[emit].missing == 0:  # in order, as soon as whole
                    yield from chunks_out.pop(emit).results
                    emit += 1
                if exhausted and not chunks_out:
                    return
                self._dispatch(queue)
                self._collect(queue, chunks_out)
        finally:
            self.close()

    def _dispatch(self, queue: deque[_Job[T]]) -> None:
        while queue and len(self._slots) < self.workers:
            self._spawn()
        for slot in self._slots:
            if queue and slot.ready and slot.job is None:
                job = queue.popleft()
                slot.job, slot.done, slot.since = job, 0, time.monotonic()
                with contextlib.suppress(OSError):  # a dead worker is found on the next collect
                    slot.conn.send(job.items)

    def _collect(self, queue: deque[_Job[T]], chunks_out: dict[int, _Chunk[R]]) -> None:
        now = time.monotonic()
        running = [s for s in self._slots if s.job is not None]
        deadline = min((s.since + self.item_seconds for s in running), default=now + 1.0)
        waitables: list[Any] = [s.conn for s in self._slots] + [s.proc.sentinel for s in self._slots]
        ready = wait(waitables, timeout=max(0.0, min(deadline - now, 1.0))) if waitables else []
        for slot in list(self._slots):
            if slot.conn in ready or slot.proc.sentinel in ready:
                self._drain(slot, queue, chunks_out)
        now = time.monotonic()
        for slot in list(self._slots):
            if slot.job is not None and now - slot.since > self.item_seconds:
                self._lost(slot, "timeout", queue, chunks_out)

    def _drain(self, slot: _Slot[T], queue: deque[_Job[T]], chunks_out: dict[int, _Chunk[R]]) -> None:
        while True:
            try:
                if not slot.conn.poll():
                    if not slot.proc.is_alive():
                        raise EOFError
                    return
                kind, value = slot.conn.recv()
            except (EOFError, OSError):
                if slot.job is None and slot.ready:
                    self._kill(slot)
                    return
                if not slot.ready:
                    self._kill(slot)
                    raise PoolFailed("a worker process died while starting") from None
                self._lost(slot, "died", queue, chunks_out)
                return
            if kind == "ready":
                slot.ready = True
                continue
            if kind == "init_failed":
                self._kill(slot)
                raise PoolFailed(str(value))
            job = slot.job
            if job is None:  # pragma: no cover - a result nobody asked for
                continue
            item = job.items[slot.done]
            result = value if kind == "ok" else self._fault(item, "error", str(value))
            self._store(chunks_out, job, slot.done, result)
            slot.done += 1
            slot.since = time.monotonic()
            if slot.done == len(job.items):
                slot.job = None

    def _lost(self, slot: _Slot[T], kind: str, queue: deque[_Job[T]], chunks_out: dict[int, _Chunk[R]]) -> None:
        """The worker died or hung on its current item: retry the item once alone, requeue the rest."""
        job = slot.job
        self._kill(slot)
        if job is None:
            return
        i = slot.done
        item = job.items[i]
        if job.retry:
            what = (
                "quá thời gian cho phép / over the time limit"
                if kind == "timeout"
                else "tiến trình dừng đột ngột / the worker died"
            )
            self._store(chunks_out, job, i, self._fault(item, kind, what))
        else:
            queue.appendleft(_Job(job.seq, [item], job.offset + i, retry=True))
        rest = job.items[i + 1 :]
        if rest:
            queue.append(_Job(job.seq, rest, job.offset + i + 1, retry=False))

    def _fault(self, item: T, kind: str, text: str) -> R:
        self.faults += 1
        return self.on_fault(item, kind, text)

    @staticmethod
    def _store(chunks_out: dict[int, _Chunk[R]], job: _Job[T], index: int, result: R) -> None:
        chunk = chunks_out[job.seq]
        pos = job.offset + index
        if chunk.results[pos] is _UNSET:
            chunk.missing -= 1
        chunk.results[pos] = result
