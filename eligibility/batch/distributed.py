"""Screening on Dask: ``screen … --scheduler local[:N]`` (a ``LocalCluster`` of N worker processes) or
``--scheduler tcp://host:8786`` (a running cluster: ``dask scheduler`` and ``dask worker`` on each machine).

The seam is :func:`screen_partition` — rows in, one result per row and request out, in order — run by
any Dask worker (or any other process). Each process keeps what it builds: the rule pack (by its hash)
and one screening state per request set (:class:`~eligibility.batch.screen._Worker`: its ``Evaluator``
and durable engine, the compiled rule versions, the lean plans), so a worker pays the compilation once,
not once per partition. Its results equal the local pool's (the same :class:`_Worker`), which
``tests/test_distributed.py`` checks on a ``LocalCluster``.

:class:`DaskPool` is the cluster (or the client of a running one) with at most ``2 × workers`` tasks in flight,
used by the screen and by ``compare`` (:mod:`eligibility.batch.compare`). :class:`DaskScreener` is the
:class:`~eligibility.batch.screen.Screener` of a cluster: ``screen_all``
with the same contract — one result tuple per row, in input order, a row's exception is its own
``input_error`` / ``internal_error`` row. At most ``2 × workers`` partitions are in flight. For a
Parquet pool the workers read their own partitions (:func:`screen_records`: a record range, read row
group by row group where the worker runs), so the parent only merges and writes; other formats are read
by the parent and shipped as rows.

What differs from the local pool: a Dask task cannot be interrupted, so the per-row time limit is not
enforced on a cluster, and a worker that dies takes its partition with it — Dask reruns the partition
elsewhere (``distributed.scheduler.allowed-failures``), and when it gives up every row of the partition
becomes an ``internal_error`` row naming the fault (never lost, never a verdict).

Needs the optional extra ``scale`` (``pip install 'eligibility[scale]'``).
"""

from __future__ import annotations

import contextlib
import dataclasses
import threading
from collections import deque
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from itertools import islice
from pathlib import Path
from typing import Any, Protocol, Self

from eligibility.batch.reader import PoolRow, read_pool
from eligibility.batch.screen import DEFAULT_CHUNK, RowCells, RowInput, RowResult, _as_row, _FaultAll, _Worker
from eligibility.errors import InputError, Problem, RulePackError
from eligibility.explain.evaluate import Evaluator
from eligibility.model.load import parse_request
from eligibility.model.request import Request
from eligibility.rulepack.loader import RulePack, load_rules


@dataclass(frozen=True)
class PartitionOptions:
    """How a partition is screened. ``rules``: the rule pack itself (Dask ships it once per worker when
    scattered), a rule-pack folder every worker can read, or None for the bundled one; ``rules_hash``,
    when given, must match what the worker loads (a folder edited during the run is refused)."""

    rules: RulePack | str | None = None
    rules_hash: str | None = None
    keep_decision: bool = False
    detail: str = "issues"
    timeline: bool = False
    lean: bool | None = None
    cells: RowCells | None = None  # the report writers' parts of each row, built here (RowResult.cells)


@dataclass(frozen=True)
class ReadOptions:
    """How a worker reads its own part of a pool file (:func:`screen_records`)."""

    post_column: str | None = None
    use_default_post: bool = True


@dataclass
class Partition:
    """A partition's results (one tuple per row), with what its reading found (added up by the parent)."""

    results: list[tuple[RowResult, ...]]
    blank_rows: int = 0
    late_warnings: list[Problem] = field(default_factory=list)


class Found(Protocol):
    """What the reading of partitions found, added up (blank rows, rows skipped)."""

    blank_rows: int
    late_warnings: list[Problem]


# ----- per process -----------------------------------------------------------------------------------
_LOCK = threading.Lock()  # a Dask worker may run tasks in several threads: one engine each process, in turn
_PACKS: dict[str, RulePack] = {}  # rule-pack hash → the pack
_FOLDERS: dict[str | None, RulePack] = {}  # folder (None: bundled) → the pack loaded from it
_STATES: dict[tuple[Any, ...], _Worker] = {}


def _pack(options: PartitionOptions) -> RulePack:
    given = options.rules
    if isinstance(given, RulePack):
        pack = _PACKS.setdefault(given.hash, given)
    else:
        found = _FOLDERS.get(given)
        if found is None:
            if given is None:
                from eligibility.explain.inputs import default_rules

                found = default_rules()
            else:
                found = load_rules(given)
            _FOLDERS[given] = found = _PACKS.setdefault(found.hash, found)
        pack = found
    if options.rules_hash is not None and pack.hash != options.rules_hash:
        raise RulePackError(
            Problem(
                str(given or "rules"),
                "bộ quy tắc trên máy này khác bộ quy tắc của lượt rà soát",
                f"the rule pack on this machine ({pack.hash}) differs from the run's ({options.rules_hash})",
            )
        )
    return pack


def _requests(request: Request | Sequence[Request] | Mapping[str, Any]) -> tuple[Request, ...]:
    if isinstance(request, Request):
        return (request,)
    if isinstance(request, Mapping):
        return (parse_request(dict(request)),)
    return tuple(request)


def _state(requests: tuple[Request, ...], options: PartitionOptions) -> _Worker:
    pack = _pack(options)
    key = (pack.hash, requests, options.keep_decision, options.detail, options.timeline, options.lean, options.cells)
    state = _STATES.get(key)
    if state is None:
        if len(_STATES) > 64:
            _STATES.clear()
        evaluator = next((s.evaluator for s in _STATES.values() if s.rules is pack), None) or Evaluator(pack)
        state = _STATES[key] = _Worker(
            pack,
            requests,
            options.keep_decision,
            options.detail,
            evaluator=evaluator,
            timeline=options.timeline,
            lean=options.lean,
            cells=options.cells,
        )
    return state


def screen_partition(
    rows: Iterable[PoolRow | RowInput],
    request: Request | Sequence[Request] | Mapping[str, Any],
    options: PartitionOptions | None = None,
) -> list[tuple[RowResult, ...]]:
    """Screen ``rows`` (:class:`PoolRow` objects, or ``(row, profile | dict | InputError)`` pairs) for
    ``request`` (or several requests: one per action): one tuple per row, one :class:`RowResult` per
    request, in order — what :meth:`Screener.screen_all` gives for the same rows. A row's exception is its
    own error row. The rule pack and the compiled rule versions are kept in the process between calls."""
    opts = options or PartitionOptions()
    requests = _requests(request)
    with _LOCK:
        state = _state(requests, opts)
        return [state.run_all(_as_row(r)) for r in rows]


def screen_records(
    path: str,
    start: int,
    stop: int,
    request: Request | Sequence[Request] | Mapping[str, Any],
    options: PartitionOptions | None = None,
    read: ReadOptions | None = None,
) -> Partition:
    """Read records ``start`` ≤ i < ``stop`` of the Parquet pool ``path`` here (only the row groups that
    hold them) and screen them (:func:`screen_partition`); row numbers are the file's record numbers."""
    opts = options or PartitionOptions()
    how = read or ReadOptions()
    pack = _pack(opts)
    source = read_pool(
        path,
        post_column=how.post_column,
        titles=pack.titles,
        use_default_post=how.use_default_post,
        lazy=True,
        records=(start, stop),
    )
    results = screen_partition(source, request, opts)
    return Partition(results, source.blank_rows, list(source.late_warnings))


def _partition(
    rows: list[PoolRow], requests: tuple[Request, ...], options: PartitionOptions, rules: RulePack
) -> list[tuple[RowResult, ...]]:
    """:func:`screen_partition` with the rule pack Dask scattered (a future is resolved only as an argument)."""
    return screen_partition(rows, requests, dataclasses.replace(options, rules=rules))


def _records(
    path: str,
    start: int,
    stop: int,
    requests: tuple[Request, ...],
    options: PartitionOptions,
    read: ReadOptions,
    rules: RulePack,
) -> Partition:
    return screen_records(path, start, stop, requests, dataclasses.replace(options, rules=rules), read)


# ----- the parent -----------------------------------------------------------------------------------
def parse_scheduler(text: str) -> tuple[str, int | None]:
    """("local", N or None) for ``local`` / ``local:N``, ("address", None) for ``tcp://…`` (or tls://…)."""
    value = text.strip()
    if value == "local" or value.startswith("local:"):
        n = value.partition(":")[2]
        if n and (not n.isdigit() or int(n) < 1):
            raise InputError(
                Problem("--scheduler", "số tiến trình sau local: phải là số dương", "local:N needs a positive N", text)
            )
        return "local", int(n) if n else None
    if "://" in value:
        return value, None
    raise InputError(
        Problem(
            "--scheduler",
            "dùng local, local:N hoặc địa chỉ tcp://máy:8786 của dask scheduler",
            "use local, local:N or the tcp://host:8786 address of a dask scheduler",
            text,
        )
    )


def _dask() -> Any:
    try:
        import distributed
    except ImportError:
        raise InputError(
            Problem(
                "--scheduler",
                "cần cài thêm Dask để chạy trên cụm máy: pip install 'eligibility[scale]'",
                "a Dask cluster needs Dask: pip install 'eligibility[scale]'",
            )
        ) from None
    return distributed


class DaskPool:
    """A Dask client (and the ``LocalCluster`` it started, for ``local[:N]``) that runs tasks with at most
    ``2 × workers`` in flight, results in submission order. ``scheduler``: ``local``, ``local:N`` or an
    address; ``workers`` is the size of a local cluster (default: all cores). ``packs`` are scattered once to
    every worker (:attr:`packs`, in order: pass them as task arguments). Use as a context manager."""

    def __init__(self, scheduler: str = "local", workers: int | None = None, packs: Sequence[RulePack] = ()) -> None:
        from eligibility.batch.workers import default_workers

        where, n = parse_scheduler(scheduler)
        dd = _dask()
        self.cluster: Any = None
        if where == "local":
            self.cluster = dd.LocalCluster(
                n_workers=n or workers or default_workers(),
                threads_per_worker=1,
                processes=True,
                dashboard_address=":0",  # any free port: never a clash with a running cluster's 8787
                silence_logs=40,
            )
            self.client: Any = dd.Client(self.cluster)
        else:
            try:
                self.client = dd.Client(where, timeout="20s")
            except (OSError, TimeoutError) as exc:
                raise InputError(
                    Problem(
                        "--scheduler",
                        f"không kết nối được dask scheduler ({type(exc).__name__})",
                        f"cannot reach the dask scheduler ({type(exc).__name__}: {exc})",
                        where,
                    )
                ) from None
        try:  # the rule packs once per worker, not per partition
            self.packs = [self.client.scatter(p, broadcast=True, hash=False) for p in packs]
            self.workers = max(1, len(self.client.scheduler_info(n_workers=-1)["workers"]))
        except BaseException:
            self.close()
            raise

    def bounded(self, tasks: Iterator[tuple[Any, ...]]) -> Iterator[tuple[Any, Any]]:
        """(task, result) in submission order, at most 2 × workers in flight."""
        flight: deque[tuple[Any, Any]] = deque()
        limit = 2 * self.workers
        for task in tasks:
            flight.append((task, self.client.submit(*task, pure=False)))
            if len(flight) >= limit:
                yield self._take(flight.popleft())
        while flight:
            yield self._take(flight.popleft())

    def _take(self, pair: tuple[Any, Any]) -> tuple[Any, Any]:
        task, future = pair
        try:
            return task, future.result()
        except Exception as exc:  # noqa: BLE001 - the partition's fault (a worker died, Dask gave up): its rows
            return task, exc

    def close(self) -> None:
        with contextlib.suppress(Exception):
            self.client.close()
        if self.cluster is not None:
            with contextlib.suppress(Exception):
                self.cluster.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


class DaskScreener(DaskPool):
    """Screens rows on a Dask cluster (see the module docstring and :class:`DaskPool`)."""

    def __init__(
        self,
        request: Request | Sequence[Request] | Mapping[str, Any],
        rules: RulePack,
        *,
        scheduler: str = "local",
        workers: int | None = None,
        chunk_size: int = DEFAULT_CHUNK,
        keep_decision: bool = False,
        detail: str = "issues",
        timeline: bool = False,
        lean: bool | None = None,
        cells: RowCells | None = None,
    ) -> None:
        self.requests = _requests(request)
        self.rules = rules
        self.chunk_size = max(1, chunk_size)
        super().__init__(scheduler, workers, [rules])
        self.pack = self.packs[0]
        self.options = PartitionOptions(None, rules.hash, keep_decision, detail, timeline, lean, cells)
        self.faults = 0

    def _faults(self, items: Sequence[PoolRow], exc: BaseException) -> list[tuple[RowResult, ...]]:
        fault = _FaultAll(tuple(r.action for r in self.requests))
        return [fault(item, "dask", f"{type(exc).__name__}: {exc}") for item in items]

    def screen_all(self, rows: Iterable[PoolRow | RowInput]) -> Iterator[tuple[RowResult, ...]]:
        """One result tuple per row (one result per request), rows in input order."""
        items = (_as_row(r) for r in rows)
        chunks = iter(lambda: list(islice(items, self.chunk_size)), [])
        tasks = ((_partition, chunk, self.requests, self.options, self.pack) for chunk in chunks)
        for task, got in self.bounded(tasks):
            results = got if not isinstance(got, BaseException) else self._faults(task[1], got)
            for r in results:
                self.faults += any(x.status == "internal_error" for x in r)
                yield r

    def screen_parquet(
        self, path: str | Path, total: int, read: ReadOptions, into: Found
    ) -> Iterator[tuple[RowResult, ...]]:
        """The rows of a Parquet pool, each partition read by the worker that screens it; blank rows and
        late warnings are added to ``into``."""
        bounds = [(s, min(total, s + self.chunk_size)) for s in range(0, total, self.chunk_size)]
        where = str(Path(path).resolve())
        tasks = ((_records, where, s, e, self.requests, self.options, read, self.pack) for s, e in bounds)
        for task, got in self.bounded(tasks):
            if isinstance(got, BaseException):
                start, stop = task[2], task[3]
                lost = [PoolRow(n) for n in range(start + 1, stop + 1)]  # record numbers
                results = self._faults(lost, got)
            else:
                into.blank_rows += got.blank_rows
                into.late_warnings.extend(got.late_warnings)
                results = got.results
            for r in results:
                self.faults += any(x.status == "internal_error" for x in r)
                yield r
