"""Screening a pool file end to end: read it, screen every row, summarise, write the reports.

:func:`screen_file` is what ``eligibility screen`` calls (and what a program or the web page calls):
it checks the request once, opens the pool (streamed), screens the rows in worker processes
(:class:`~eligibility.batch.screen.Screener`), each row's report lines made where it is screened
(:class:`~eligibility.batch.writers.RowParts`), feeds the pool report and every writer as results
come (the writers only append and number the lines), and returns a :class:`ScreenRun`. Progress is reported through a plain callable
(:data:`eligibility.progress.Progress`), so that a command line, a web page or a test can show it
their own way.

**How a run ends** (:attr:`ScreenRun.exit_code`, the command line's exit code):

* ``0`` — the report was written and every row has a verdict or an input error (bad values, absurd
  numbers, nesting past the cap are input errors, each listed with its row);
* ``1`` — the report was written but some rows hit an internal fault (an engine fault, the per-row time
  limit, a worker that died — each retried once, then listed as ``internal_error``);
* ``2`` — the run could not start or the file was refused (:class:`~eligibility.errors.InputError`:
  the request, an unreadable file, a file beyond :class:`~eligibility.batch.limits.Limits`); no report;
* ``3`` — the report was written but the engine failed on every row it was given (no verdict at all).

SIGTERM (and SIGINT, as ``KeyboardInterrupt``) stop the run: the workers are killed, partial report
files are removed, and :class:`~eligibility.errors.Stopped` is raised for the caller to report.
"""

from __future__ import annotations

import contextlib
import signal
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from eligibility.batch.actions import open_actions_writer, parse_actions, requests_for
from eligibility.batch.limits import Limits
from eligibility.batch.mapping import title_code_map
from eligibility.batch.outputs import check_output, remove_partial_files
from eligibility.batch.parts import row_parts
from eligibility.batch.reader import read_pool
from eligibility.batch.report import PoolAccumulator, PoolReport
from eligibility.batch.screen import DEFAULT_CHUNK, RowResult, Screener, default_workers
from eligibility.errors import InputError, Problem, Stopped
from eligibility.explain.evaluate import Evaluator
from eligibility.explain.inputs import RequestLike, RulesLike, request_of, rules_of
from eligibility.model import levels as lv
from eligibility.model.request import Request
from eligibility.progress import Progress
from eligibility.rulepack.loader import RulePack

IN_PROCESS_MAX_ROWS = 500  # below this, spawning worker processes costs more than it saves
KEEP_CHUNK = 200  # rows per chunk when a row travels back with its report lines or its full decision: the parent
# holds 2 x workers chunks (10,000 rows, 2 workers, .xlsx: parent peak 205 MB with chunks of 1,000, 101 MB with 200)


@dataclass
class ScreenRun:
    """What a screening produced: the pool report, the files written, the file's warnings, the time taken."""

    report: PoolReport  # the first action's (the only one's, for one action)
    outputs: list[Path]
    warnings: list[Problem] = field(default_factory=list)
    seconds: float = 0.0
    reports: list[PoolReport] = field(default_factory=list)  # one per action, in the order asked

    @property
    def rate(self) -> float:
        return self.report.rows / self.seconds if self.seconds > 0 else 0.0

    @property
    def exit_code(self) -> int:
        """0 every row has a verdict or an input error; 1 some rows hit an internal fault; 3 the engine failed
        on every row it was given (no verdict at all: every row an internal fault or an input error)."""
        reports = self.reports or [self.report]
        if any(r.faults for r in reports) and all(r.faults == r.rows - r.errors for r in reports):
            return 3
        return 1 if any(r.faults for r in reports) else 0


@dataclass
class _Read:
    blank_rows: int = 0
    late_warnings: list[Problem] = field(default_factory=list)


@contextlib.contextmanager
def stop_on_sigterm() -> Iterator[None]:
    """While inside, SIGTERM raises :class:`Stopped` (main thread only; elsewhere a no-op)."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def stop(signum: int, frame: Any) -> None:
        raise Stopped(signum)

    previous = signal.signal(signal.SIGTERM, stop)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


def screen_file(
    pool: str | Path,
    request: RequestLike,
    rules: RulesLike = None,
    *,
    out: Sequence[str | Path] = (),
    post_column: str | None = None,
    detail: str = "issues",
    timeline: bool = False,
    workers: int | None = None,
    chunk_size: int | None = None,
    progress: Progress | None = None,
    on_warning: Callable[[Problem], None] | None = None,
    limits: Limits | None = None,
    actions: str | Sequence[str] | None = None,
    scheduler: str | None = None,
) -> ScreenRun:
    """Screen the pool file ``pool`` (.xlsx, .csv, .jsonl) for ``request`` and write a report to each path
    of ``out`` (.xlsx, .jsonl, .html). ``request`` may name a post by its title's name; without a post,
    each row's title comes from ``post_column`` (or the documented title column). Raises
    :class:`InputError` when the run cannot start (file, request); rows that cannot be read are in the
    report, never dropped. ``progress(done, total)`` is called as rows are screened; ``on_warning`` for
    each problem of the file as a whole (before the rows are screened, and the rows skipped after).
    ``limits`` bound what the file may hold and how long a row may take (:class:`Limits`). How the run
    ends is :attr:`ScreenRun.exit_code`; SIGTERM raises :class:`Stopped` after removing partial files.

    ``actions`` (codes or names, comma-separated, or ``"all"``) screens every row for several actions in
    one pass (the request's own ``action`` is then ignored; a nomination among them needs ``event``): one
    report per ``out`` path with a part per action and who is eligible for what
    (:mod:`eligibility.batch.actions`), and :attr:`ScreenRun.reports` one pool report per action. Reports
    that do not need full decisions (.xlsx, .html) are built from lean rows; .jsonl keeps decisions.

    ``scheduler`` runs the rows on Dask instead of local worker processes: ``"local"`` / ``"local:N"`` (a
    LocalCluster) or ``"tcp://host:8786"`` (:mod:`eligibility.batch.distributed`; results identical; a
    Parquet pool is read by the workers, partition by partition)."""
    started = time.perf_counter()
    lim = limits or Limits()
    for path in out:
        check_output(path, "--out", [pool])
    rules = rules_of(rules)
    if actions is None:
        reqs = [_request(request_of(request, rules), rules)]
    else:
        fields = request if isinstance(request, Request) else {k: v for k, v in request.items() if k != "action"}
        reqs = [_request(r, rules) for r in requests_for(fields, parse_actions(actions), rules)]
    req = reqs[0]
    evaluator = Evaluator(rules)
    for one in reqs:
        if one.post is not None or post_column is None:
            # check the request once (unknown title, district level after 2025-07-01, a missing post) —
            # unless each row names its own title (which also gives a nomination its level)
            try:
                evaluator.prepare(one)
            except InputError as exc:
                if not (one.post is None and all(p.location in ("post", "level") for p in exc.problems)):
                    raise
    source = read_pool(
        pool, post_column=post_column, titles=rules.titles, use_default_post=req.post is None, lazy=True, limits=lim
    )
    lay = source.layout
    no_post = lay is None or lay.post_index is None
    tabular = lay is not None  # rows of cells (a JSONL line or a nested Parquet record may carry its request)
    if req.post is None and tabular and no_post:  # nobody's post is known: the request must say enough
        if any(r.action != "nomination" for r in reqs):
            problem = Problem(
                "--post",
                "cần --post MÃ cho cả danh sách hoặc --post-column CỘT cho từng người",
                "--post CODE for everyone or --post-column COLUMN per person is needed",
            )
        elif req.level is None:  # a nomination's level comes from --level (or from each row's post)
            problem = Problem(
                "--level",
                "cần --level (tỉnh, huyện, xã, trung ương) hoặc --post cho cả danh sách, hoặc cột chức danh cho "
                "từng người",
                "--level (province, district, commune, central) or --post for everyone, or a post column per "
                "person, is needed",
            )
        else:
            problem = None
        if problem is not None:
            raise InputError(problem)
    warnings = list(source.warnings)
    for warning in warnings:
        if on_warning is not None:
            on_warning(warning)
    with stop_on_sigterm():
        codes = [r.action for r in reqs]
        writers = [open_actions_writer(path, codes, detail=detail, inputs=[pool]) for path in out]
        keep = any(w.needs_decision for w in writers)
        cells = row_parts(writers)  # built where each row is screened: the parent only appends them
        total = source.total_estimate
        n_workers = workers if workers is not None else default_workers()
        if workers is None and total is not None and total < IN_PROCESS_MAX_ROWS:
            n_workers = 1
        chunk = chunk_size or (
            DEFAULT_CHUNK if total is None else max(50, min(DEFAULT_CHUNK, total // max(1, n_workers * 4) or 50))
        )
        if chunk_size is None:  # what is in flight (2 x workers chunks) stays small: a row's results per action,
            chunk = max(50, chunk // len(reqs))  # its report lines (~12 kB a row in SpreadsheetML), full decisions
            chunk = min(chunk, KEEP_CHUNK) if keep or cells.parts else chunk  # (~25 kB a row in JSON)
        accs = [PoolAccumulator(rules, r, warnings=warnings) for r in reqs]
        for acc in accs[1:]:  # the same rows under every action: their file ids kept once, the duplicates shared
            acc.track_ids, acc.duplicates = False, accs[0].duplicates
        for acc in accs:
            acc.change_dates = timeline
        done = 0
        ok = False
        extra = _Read()  # what workers that read their own partitions found (blank rows, skipped rows)
        try:
            with contextlib.ExitStack() as stack:
                stream: Iterator[tuple[RowResult, ...]]
                if scheduler is None:
                    screener = stack.enter_context(
                        Screener(
                            reqs,
                            rules,
                            workers=n_workers,
                            chunk_size=chunk,
                            keep_decision=keep,
                            detail=detail,
                            timeline=timeline,
                            row_seconds=lim.row_seconds,
                            cells=cells,
                        )
                    )
                    stream = screener.screen_all(source)
                else:
                    from eligibility.batch.distributed import DaskScreener, ReadOptions

                    cluster = stack.enter_context(
                        DaskScreener(
                            reqs,
                            rules,
                            scheduler=scheduler,
                            workers=workers,
                            chunk_size=chunk_size or DEFAULT_CHUNK,
                            keep_decision=keep,
                            detail=detail,
                            timeline=timeline,
                            cells=cells,
                        )
                    )
                    if source.kind == "parquet":  # each worker reads its own partitions
                        read = ReadOptions(post_column, use_default_post=req.post is None)
                        stream = cluster.screen_parquet(pool, total or 0, read, extra)
                    else:
                        stream = cluster.screen_all(source)
                for results in stream:
                    for acc, result in zip(accs, results, strict=True):
                        acc.add(result)
                    for w in writers:
                        w.write_all(results)
                    done += 1
                    if progress is not None:
                        progress(done, total)
            for warning in [*source.late_warnings, *extra.late_warnings]:
                for acc in accs:
                    acc.warnings.append(warning)
                if on_warning is not None:
                    on_warning(warning)
            for acc in accs:
                acc.blank_rows = source.blank_rows + extra.blank_rows
            reports = [acc.report() for acc in accs]
            for w in writers:
                w.close_all(reports)
            ok = True
        finally:
            if not ok:
                for w in writers:
                    w.abort()
                remove_partial_files()
    return ScreenRun(
        reports[0], [Path(p) for p in out], accs[0].warnings, time.perf_counter() - started, reports=reports
    )


def _request(req: Request, rules: RulePack) -> Request:
    """The request, with a post given by its title's name turned into its code."""
    if req.post is not None and req.post not in rules.titles:
        code = title_code_map(rules.titles).get(lv.fold(req.post))
        if code is not None:
            return req.model_copy(update={"post": code})
    return req
