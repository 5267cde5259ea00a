"""Compare a pool under two dates or two rule-pack versions: who flips, and which change caused it.

``compare_pool`` evaluates every profile of a pool twice — side A and side B, each a rule pack
(an :class:`Evaluator`) and a reference date — and reports the profiles whose verdict differs.
For each flip it names the criteria whose outcome differs and why (:mod:`eligibility.batch.flips`): a
parameter read with another value (QĐ 80 → QĐ 377: 12 → 24 months), a criterion in force on one side
only, a condition rewritten between two rule packs, or a fact that moved with the date. With
``when=True`` (same rule pack, two dates) the exact days of the flip between A and B are found with
:mod:`eligibility.explain.timeline`.

**On the screen's machinery.** Rows run in worker processes under a
:class:`~eligibility.batch.supervisor.Supervisor` (``workers``; each worker builds its own evaluators,
the rule packs shipped or loaded as for the screen: :mod:`eligibility.batch.workers`), or in this process
(``workers=1``; :func:`compare_files` does so for a pool under
:data:`~eligibility.batch.pipeline.IN_PROCESS_MAX_ROWS` rows), or on Dask (``scheduler``: ``local[:N]`` or
``tcp://…``, :class:`~eligibility.batch.distributed.DaskPool`). The results are the same whichever runs
them: one :class:`RowComparison` per row, in input order. A row that raises is an error row naming the
fault; a row that kills its worker or runs past the time limit (``row_seconds``, 10 s) is retried once,
then an error row (``fault``) — never a lost row, never a verdict. On Dask the time limit is not enforced
(a task cannot be interrupted).

**Streamed.** :func:`compare_rows` yields every row's comparison as it comes. A :class:`Comparison` keeps
only what its outputs show: the counts, the transitions, and the rows they list — the flips and the error
rows (:class:`Kept`: in memory up to 1,000 rows, then in a temporary file read back in order) — so its
memory does not grow with the pool or with the number of flips; its reports (text, .csv, .json) are
written as streams. A profile that does not flip is counted, not kept.

Pools are read with :func:`eligibility.batch.reader.read_pool` (.xlsx, .csv, .jsonl, .parquet). A row that
cannot be read is reported as an input error with its row number, never dropped. :func:`compare_files`
is the whole job (what ``eligibility compare`` calls); SIGTERM stops it with no partial file.
"""

from __future__ import annotations

import csv
import datetime as dt
import functools
import io
import json
import multiprocessing
import pickle
import tempfile
import threading
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from itertools import islice
from pathlib import Path
from typing import IO, Any

from eligibility.batch.flips import (
    ABSENT,
    BLOCKING,
    FlipCause,
    PoolItem,
    RowComparison,
    Side,
    compare_row,
    explain_difference,
    fault_row,
    rule_changes,
)
from eligibility.batch.limits import Limits
from eligibility.batch.outputs import atomic, check_output, neutralize
from eligibility.batch.reader import PoolRow, read_pool
from eligibility.batch.supervisor import Supervisor
from eligibility.batch.workers import (
    DEFAULT_CHUNK,
    ROW_SECONDS,
    chunk_rows,
    default_workers,
    run_limited,
    shipped_rules,
    start_method,
    worker_rules,
)
from eligibility.errors import InputError, Problem
from eligibility.explain.decision import VERDICT_LABELS
from eligibility.explain.evaluate import Evaluator
from eligibility.explain.inputs import RulesLike, rules_of
from eligibility.model.load import parse_request
from eligibility.model.profile import Profile
from eligibility.progress import Progress
from eligibility.rulepack.loader import RulePack
from eligibility.serialize import to_data

__all__ = [
    "ABSENT",
    "BLOCKING",
    "Comparison",
    "FlipCause",
    "Kept",
    "Plan",
    "PoolItem",
    "RowComparison",
    "Side",
    "compare_files",
    "compare_pool",
    "compare_rows",
    "compare_row",
    "explain_difference",
    "read_items",
    "rule_changes",
]

KEEP_IN_MEMORY = 1000  # kept rows (flips, errors) beyond this go to a temporary file
CSV_COLUMNS = [
    "row",
    "profile_id",
    "verdict_a",
    "verdict_b",
    "criterion",
    "outcome_a",
    "outcome_b",
    "cause",
    "flip_dates",
]


class Kept:
    """Rows a comparison lists, in order: in memory up to ``limit`` rows, then all in a temporary file (each
    row pickled, length-prefixed; the file is this process's own and has no name), read back as often as
    needed. Iterate it, take its ``len``, or index it (an index reads the file up to that row)."""

    def __init__(self, limit: int | None = None) -> None:
        self.limit = KEEP_IN_MEMORY if limit is None else limit
        self._rows: list[RowComparison] = []
        self._file: IO[bytes] | None = None
        self._n = 0

    def append(self, row: RowComparison) -> None:
        self._n += 1
        if self._file is None:
            self._rows.append(row)
            if len(self._rows) <= self.limit:
                return
            self._file = tempfile.TemporaryFile()  # noqa: SIM115 - closed in close() or with the object
            rows, self._rows = self._rows, []
            for r in rows:
                self._write(r)
            return
        self._write(row)

    def _write(self, row: RowComparison) -> None:
        assert self._file is not None
        data = pickle.dumps(row, protocol=pickle.HIGHEST_PROTOCOL)
        self._file.seek(0, 2)
        self._file.write(len(data).to_bytes(8, "little") + data)

    def __len__(self) -> int:
        return self._n

    def __bool__(self) -> bool:
        return self._n > 0

    def __iter__(self) -> Iterator[RowComparison]:
        if self._file is None:
            yield from list(self._rows)
            return
        fh, pos = self._file, 0
        fh.flush()
        while True:  # each iteration reads at its own position: two can run at once
            fh.seek(pos)
            head = fh.read(8)
            if len(head) < 8:
                return
            size = int.from_bytes(head, "little")
            data = fh.read(size)
            pos += 8 + size
            yield pickle.loads(data)  # noqa: S301 - written by this process to its own unnamed temporary file

    def __getitem__(self, index: int) -> RowComparison:
        if self._file is None:
            return self._rows[index]
        i = index + self._n if index < 0 else index
        if 0 <= i < self._n:
            return next(islice(iter(self), i, None))
        raise IndexError(index)

    def close(self) -> None:
        if self._file is not None:
            self._file.close()
            self._file = None
            self._n = 0


@dataclass
class Comparison:
    """Who flips between A and B: the counts, the transitions, the flips and the error rows (see the module
    docstring: unflipped rows are counted, not kept). :meth:`add` takes each row's comparison."""

    a: Side
    b: Side
    rule_changes: list[FlipCause] = field(default_factory=list)  # what differs for the base request itself
    source: Path | None = None  # the pool file (never overwritten)
    total: int = 0  # rows compared
    faults: int = 0  # error rows that are internal faults (not the input's)
    flips: Kept = field(default_factory=Kept)
    errors: Kept = field(default_factory=Kept)  # rows that could not be compared: input errors and faults
    counts: Counter[tuple[str | None, str | None]] = field(default_factory=Counter)  # flips by (A, B) verdicts
    dated: bool = False  # some flip has its dates (``when``)

    def add(self, row: RowComparison) -> None:
        self.total += 1
        if row.problems:
            self.errors.append(row)
            self.faults += row.fault
        elif row.flipped:
            self.flips.append(row)
            self.counts[row.verdict_a, row.verdict_b] += 1
            self.dated = self.dated or bool(row.flip_dates)

    def transitions(self) -> Counter[tuple[str | None, str | None]]:
        return Counter(self.counts)

    @property
    def exit_code(self) -> int:
        """0 every row compared or an input error; 1 some rows hit an internal fault; 3 every row that could
        be read hit one (as ``screen``)."""
        if not self.faults:
            return 0
        return 3 if self.faults == self.total - (len(self.errors) - self.faults) else 1

    def _head(self) -> dict[str, Any]:
        def side(s: Side) -> dict[str, str]:
            pack = s.evaluator.rules
            return {"label": s.label, "date": s.date.isoformat(), "rulepack": pack.hash, "rules": str(pack.root)}

        return {
            "a": side(self.a),
            "b": side(self.b),
            "total": self.total,
            "flipped": len(self.flips),
            "input_errors": len(self.errors) - self.faults,
            "internal_faults": self.faults,
            "transitions": {f"{a}→{b}": n for (a, b), n in sorted(self.counts.items(), key=str)},
            "rule_changes": to_data(self.rule_changes),
        }

    def to_dict(self) -> dict[str, Any]:
        """The whole comparison as data (every flip and error row: for a large pool, :meth:`write` a .json)."""
        return {**self._head(), "flips": [to_data(r) for r in self.flips], "errors": [to_data(r) for r in self.errors]}

    def json_chunks(self) -> Iterator[str]:
        """:meth:`to_json`, piece by piece (a row at a time)."""
        head = json.dumps(self._head(), ensure_ascii=False, indent=2)
        yield head[: -len("\n}")]
        for key, rows in (("flips", self.flips), ("errors", self.errors)):
            yield f',\n  "{key}": ['
            first = True
            for r in rows:
                item = json.dumps(to_data(r), ensure_ascii=False, indent=2).replace("\n", "\n    ")
                yield ("\n    " if first else ",\n    ") + item
                first = False
            yield "]" if first else "\n  ]"
        yield "\n}"

    def to_json(self) -> str:
        return "".join(self.json_chunks())

    def table(self, lang: str = "vi") -> Iterator[dict[str, str]]:
        """One row per (flipped profile, criterion) and per row that could not be compared."""
        vi = lang != "en"
        for r in self.flips:
            when = ", ".join(d.isoformat() for d in r.flip_dates)
            causes: tuple[FlipCause | None, ...] = r.causes or (None,)
            for c in causes:
                yield {
                    "row": str(r.row),
                    "profile_id": r.profile_id or "",
                    "verdict_a": r.verdict_a or "",
                    "verdict_b": r.verdict_b or "",
                    "criterion": c.criterion if c else "",
                    "outcome_a": c.outcome_a if c else "",
                    "outcome_b": c.outcome_b if c else "",
                    "cause": "; ".join(x.vi if vi else x.en for x in c.reasons) if c else "",
                    "flip_dates": when,
                }
        for r in self.errors:
            status = "internal_error" if r.fault else "input_error"
            yield {
                "row": str(r.row),
                "profile_id": r.profile_id or "",
                "verdict_a": status,
                "verdict_b": status,
                "criterion": "",
                "outcome_a": "",
                "outcome_b": "",
                "cause": "; ".join(p.render(lang) for p in r.problems),
                "flip_dates": "",
            }

    def table_rows(self, lang: str = "vi") -> list[dict[str, str]]:
        return list(self.table(lang))

    def _write_csv(self, fh: IO[str], lang: str) -> None:
        w = csv.DictWriter(fh, fieldnames=CSV_COLUMNS)
        w.writeheader()
        for row in self.table(lang):
            w.writerow({k: neutralize(v) for k, v in row.items()})  # ids such as =HYPERLINK(…) stay text

    def to_csv(self, lang: str = "vi") -> str:
        buf = io.StringIO()
        self._write_csv(buf, lang)
        return buf.getvalue()

    def summary_lines(self, lang: str = "vi") -> list[str]:
        """The sides, the counts and the transitions (the head of :meth:`text_lines`)."""
        vi = lang != "en"
        flipped, errors = len(self.flips), len(self.errors)
        out = [f"A: {self.a.label}", f"B: {self.b.label}"]
        if vi:
            line = f"{self.total} hồ sơ; {flipped} thay đổi kết luận; {errors - self.faults} dòng lỗi dữ liệu"
            line += f"; {self.faults} dòng lỗi nội bộ (không phải kết luận)" if self.faults else ""
        else:
            line = f"{self.total} profiles; {flipped} change verdict; {errors - self.faults} unreadable rows"
            line += f"; {self.faults} rows hit an internal fault (not a verdict)" if self.faults else ""
        out.append(line)
        for (va, vb), n in sorted(self.counts.items(), key=str):
            out.append(f"  {_verdict(va, lang)} → {_verdict(vb, lang)}: {n}")
        return out

    def text_lines(self, lang: str = "vi") -> Iterator[str]:
        """The text report, line by line (the flips' table is read twice: once for its column widths)."""
        vi = lang != "en"
        yield from self.summary_lines(lang)
        if self.rule_changes:
            yield ""
            yield (
                "Quy định khác nhau giữa A và B (cho yêu cầu này):"
                if vi
                else "Rules that differ between A and B (for this request):"
            )
            for c in self.rule_changes:
                yield f"  - {c.title.vi if vi else c.title.en} ({c.criterion}): " + "; ".join(
                    x.vi if vi else x.en for x in c.reasons
                )
        if self.flips:
            yield ""
            head = (
                ["Hồ sơ", "A", "B", "Tiêu chí", "A→B", "Nguyên nhân"]
                if vi
                else ["Profile", "A", "B", "Criterion", "A→B", "Cause"]
            )
            if self.dated:
                head.append("Ngày đổi" if vi else "Flip date")
            yield from _table(head, functools.partial(self._flip_cells, lang, len(head)))
        if self.errors:
            yield ""
            if self.faults:
                yield "Dòng không so sánh được:" if vi else "Rows that could not be compared:"
            else:
                yield "Dòng không đọc được:" if vi else "Rows that could not be read:"
            for r in self.errors:
                for p in r.problems:
                    yield f"  - {p.render(lang)}"

    def _flip_cells(self, lang: str, columns: int) -> Iterator[list[str]]:
        vi = lang != "en"
        for r in self.flips:
            first = True
            row_causes: tuple[FlipCause | None, ...] = r.causes or (None,)
            for fc in row_causes:
                line = [
                    r.profile_id or f"#{r.row}" if first else "",
                    r.verdict_a or "" if first else "",
                    r.verdict_b or "" if first else "",
                    fc.criterion if fc else "",
                    f"{fc.outcome_a}→{fc.outcome_b}" if fc else "",
                    "; ".join(x.vi if vi else x.en for x in fc.reasons) if fc else "",
                ]
                if columns == 7:
                    line.append(", ".join(d.isoformat() for d in r.flip_dates) if first else "")
                yield line
                first = False

    def render_text(self, lang: str = "vi") -> str:
        return "\n".join(self.text_lines(lang))

    def write(self, path: str | Path, lang: str = "vi") -> None:
        """Write the report to ``path`` — .json, .csv (with a BOM so that Excel reads UTF-8) or text — as a
        stream, under a temporary name renamed over ``path`` only when complete."""
        p = check_output(path, "--out", [self.source] if self.source is not None else [])
        suffix = p.suffix.lower()
        encoding = "utf-8-sig" if suffix == ".csv" else "utf-8"
        with atomic(p, "w", encoding=encoding, newline="") as fh:
            if suffix == ".json":
                fh.writelines(self.json_chunks())
                fh.write("\n")
            elif suffix == ".csv":
                self._write_csv(fh, lang)
            else:
                fh.writelines(line + "\n" for line in self.text_lines(lang))

    def close(self) -> None:
        """Drop the kept rows (and their temporary file)."""
        self.flips.close()
        self.errors.close()


def _table(head: list[str], rows: Callable[[], Iterable[list[str]]]) -> Iterator[str]:
    """A text table; ``rows()`` is called twice (column widths, then the lines)."""
    widths = [len(h) for h in head]
    for r in rows():
        widths = [max(w, len(c)) for w, c in zip(widths, r, strict=True)]
    widths[-1] = len(head[-1])  # the last column is free text
    if len(head) == 7:
        widths[5] = min(widths[5], 90)
    yield "  ".join(h.ljust(w) for h, w in zip(head, widths, strict=True)).rstrip()
    yield "  ".join("-" * w for w in widths)
    for r in rows():
        yield "  ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)).rstrip()


def _verdict(v: str | None, lang: str) -> str:
    if v is None:
        return "không xét được" if lang != "en" else "cannot be evaluated"
    return VERDICT_LABELS[v][1 if lang == "en" else 0]


# ----- where the rows run -----------------------------------------------------------------------------
@dataclass(frozen=True)
class Plan:
    """What a worker needs to build both sides itself (picklable: rule packs or their folders, no evaluator).
    ``rules_b`` None: one rule pack for both sides."""

    rules_a: RulePack | str | None
    hash_a: str
    rules_b: RulePack | str | None
    hash_b: str
    dates: tuple[str, str]
    requests: tuple[str, str]  # each side's request fields, as JSON
    labels: tuple[str, str]
    when: bool

    @classmethod
    def of(cls, a: Side, b: Side, when: bool, ship: Callable[[RulePack], RulePack | str | None]) -> Plan:
        pack_a, pack_b = a.evaluator.rules, b.evaluator.rules
        one = pack_b is pack_a
        return cls(
            ship(pack_a),
            pack_a.hash,
            None if one else ship(pack_b),
            pack_b.hash,
            (a.date.isoformat(), b.date.isoformat()),
            (json.dumps(a.request, sort_keys=True, default=str), json.dumps(b.request, sort_keys=True, default=str)),
            (a.label, b.label),
            when,
        )

    def key(self) -> tuple[Any, ...]:
        return (self.hash_a, self.hash_b, self.rules_b is None, self.dates, self.requests, self.labels)


_LOCK = threading.Lock()  # a Dask worker may run tasks in several threads: one engine each process, in turn
_SIDES: dict[tuple[Any, ...], tuple[Side, Side]] = {}  # per process: the sides of each plan seen
_PLAN: Plan | None = None  # the plan of this worker process (Supervisor)


def _sides(plan: Plan, pack_a: RulePack | None = None, pack_b: RulePack | None = None) -> tuple[Side, Side]:
    """This process's sides for ``plan`` (built once: evaluators, durable engines, compiled rule versions)."""
    key = plan.key()
    got = _SIDES.get(key)
    if got is None:
        rules_a = worker_rules(_given(pack_a, plan.rules_a), plan.hash_a)
        one = plan.rules_b is None and pack_b is None
        rules_b = rules_a if one else worker_rules(_given(pack_b, plan.rules_b), plan.hash_b)
        ev_a = Evaluator(rules_a)
        ev_b = ev_a if rules_b is rules_a else Evaluator(rules_b)
        sides = [
            Side(ev, dt.date.fromisoformat(day), json.loads(req), label)
            for ev, day, req, label in zip((ev_a, ev_b), plan.dates, plan.requests, plan.labels, strict=True)
        ]
        if len(_SIDES) > 16:
            _SIDES.clear()
        got = _SIDES[key] = (sides[0], sides[1])
    return got


def _given(pack: RulePack | None, planned: RulePack | str | None) -> RulePack | str:
    found = pack if pack is not None else planned
    if found is None:
        raise ValueError("no rule pack given to the worker")
    return found


def _init_worker(plan: Plan) -> None:
    global _PLAN
    _PLAN = plan
    _sides(plan)  # load and compile now: a rule pack that cannot be loaded stops the pool at once


def _run_one(item: PoolItem | PoolRow) -> RowComparison:
    assert _PLAN is not None, "worker not initialised"
    a, b = _sides(_PLAN)
    return compare_row(item, a, b, when=_PLAN.when)


def compare_partition(
    rows: Sequence[PoolItem | PoolRow], plan: Plan, pack_a: RulePack | None = None, pack_b: RulePack | None = None
) -> list[RowComparison]:
    """Compare ``rows`` where this runs (a Dask worker, or any process), one result per row in order; the
    sides are kept in the process between calls (by the rule packs' hashes and the plan)."""
    with _LOCK:
        a, b = _sides(plan, pack_a, pack_b)
        return [compare_row(r, a, b, when=plan.when) for r in rows]


def _in_process(item: PoolItem | PoolRow, a: Side, b: Side, when: bool, seconds: float) -> RowComparison:
    return run_limited(
        functools.partial(compare_row, item, a, b, when=when),
        seconds,
        functools.partial(fault_row, item, "timeout", "quá thời gian cho phép / over the time limit"),
    )


def _item(i: int, x: PoolItem | PoolRow | Profile) -> PoolItem | PoolRow:
    return PoolItem(i, profile=x, id=x.id) if isinstance(x, Profile) else x


def compare_rows(
    items: Iterable[PoolItem | PoolRow | Profile],
    a: Side,
    b: Side,
    *,
    when: bool = False,
    workers: int | None = 1,
    chunk_size: int | None = None,
    row_seconds: float = ROW_SECONDS,
    scheduler: str | None = None,
    total: int | None = None,
) -> Iterator[RowComparison]:
    """Every item's comparison, one per item, in input order (streamed). ``workers`` (None: all cores; 1:
    in this process), ``chunk_size`` (rows per task; default from ``total`` and the workers), ``row_seconds``
    (a row's time limit) and ``scheduler`` (Dask: ``local``, ``local:N``, ``tcp://host:8786``) are those of
    the screen. With worker processes, a script must guard its entry point (``if __name__ == "__main__":``)."""
    when = when and a.evaluator.rules.hash == b.evaluator.rules.hash and a.date != b.date
    rows = (_item(i, x) for i, x in enumerate(items, start=1))
    n = default_workers() if workers is None else max(1, workers)
    if scheduler is None and n == 1:
        for row in rows:
            yield _in_process(row, a, b, when, row_seconds)
        return
    size = max(1, chunk_size or (DEFAULT_CHUNK if scheduler else chunk_rows(total, n)))
    chunks = iter(lambda: list(islice(rows, size)), [])
    if scheduler is not None:
        yield from _on_dask(chunks, a, b, when, scheduler, workers)
        return
    method = start_method()
    plan = Plan.of(a, b, when, functools.partial(shipped_rules, method=method))
    with Supervisor(
        _run_one,
        fault_row,
        workers=n,
        initializer=_init_worker,
        initargs=(plan,),
        item_seconds=row_seconds,
        context=multiprocessing.get_context(method),
    ) as pool:
        yield from pool.map(chunks)


def _on_dask(
    chunks: Iterator[list[PoolItem | PoolRow]], a: Side, b: Side, when: bool, scheduler: str, workers: int | None
) -> Iterator[RowComparison]:
    from eligibility.batch.distributed import DaskPool

    pack_a, pack_b = a.evaluator.rules, b.evaluator.rules
    plan = Plan.of(a, b, when, lambda pack: None)  # the packs travel scattered, once per worker
    packs = [pack_a] if pack_b is pack_a else [pack_a, pack_b]
    with DaskPool(scheduler, workers, packs) as pool:
        tasks = ((compare_partition, chunk, plan, *pool.packs) for chunk in chunks)
        for task, got in pool.bounded(tasks):
            if isinstance(got, BaseException):  # the partition's fault (a worker died, Dask gave up): its rows
                got = [fault_row(item, "dask", f"{type(got).__name__}: {got}") for item in task[1]]
            yield from got


def read_items(path: str | Path, titles: Any = None) -> Iterator[PoolItem]:
    """Rows of a pool file (.xlsx, .csv, .jsonl), through :func:`eligibility.batch.reader.read_pool`."""
    for row in read_pool(path, titles=titles):
        yield PoolItem(row.row, row.profile, row.data, dict(row.request), list(row.problems), row.id, row.name)


def compare_pool(
    items: Iterable[PoolItem | PoolRow | Profile],
    a: Side,
    b: Side,
    *,
    when: bool = False,
    progress: Progress | None = None,
    total: int | None = None,
    **options: Any,
) -> Comparison:
    """Evaluate every item under A and under B; record the flips and their causes. ``options`` are those of
    :func:`compare_rows` (``workers`` — default 1, in this process —, ``chunk_size``, ``row_seconds``,
    ``scheduler``); ``progress(done, total)`` is called as rows are compared."""
    result = Comparison(a, b, rule_changes=rule_changes(a, b))
    for i, row in enumerate(compare_rows(items, a, b, when=when, total=total, **options), start=1):
        result.add(row)
        if progress is not None:
            progress(i, total)
    return result


def compare_files(
    pool: str | Path,
    request: Mapping[str, Any],
    dates: Sequence[str | dt.date],
    rules: RulesLike = None,
    *,
    rules_b: RulesLike = None,
    when: bool = False,
    progress: Progress | None = None,
    out: str | Path | None = None,
    lang: str = "vi",
    workers: int | None = None,
    chunk_size: int | None = None,
    limits: Limits | None = None,
    scheduler: str | None = None,
) -> Comparison:
    """Compare the pool file ``pool`` for ``request`` (its fields; the dates come from ``dates``) at
    ``dates[0]`` under ``rules`` and at ``dates[-1]`` under ``rules_b`` (default: the same pack).
    Give two dates, or one date and two rule packs. ``when`` finds the day of each flip between two
    dates (same rule pack; each timeline verified against ``evaluate``). ``out`` (.json, .csv or text) is
    written when the comparison is complete (checked before it starts).

    Rows run as the screen's do: ``workers`` processes (default: all cores; a pool under
    :data:`~eligibility.batch.pipeline.IN_PROCESS_MAX_ROWS` rows in this process), ``chunk_size`` rows per
    task, ``limits.row_seconds`` a row's time limit (``limits`` also bound the file), or on Dask with
    ``scheduler`` (``local``, ``local:N``, ``tcp://host:8786``). SIGTERM raises
    :class:`~eligibility.errors.Stopped` after stopping the workers, leaving no partial file."""
    from eligibility.batch.outputs import remove_partial_files
    from eligibility.batch.pipeline import IN_PROCESS_MAX_ROWS, stop_on_sigterm

    lim = limits or Limits()
    if out is not None:
        check_output(out, "--out", [pool])
    days = [str(d) for d in dates]
    rules_a = rules_of(rules)
    pack_b = rules_of(rules_b) if rules_b is not None else rules_a
    two_packs = (pack_b.root, pack_b.hash) != (rules_a.root, rules_a.hash)
    if not days or len(days) > 2:
        raise InputError(Problem("--date", "cần một hoặc hai ngày xét", "one or two dates are needed", ", ".join(days)))
    if len(days) == 1 and not two_packs:
        raise InputError(
            Problem(
                "--date",
                "cần hai ngày (--date A --date B) hoặc hai bộ quy tắc (--rules-a, --rules-b)",
                "give two dates (--date A --date B) or two rule packs (--rules-a, --rules-b)",
            )
        )
    evaluator_a = Evaluator(rules_a)
    evaluator_b = Evaluator(pack_b) if two_packs else evaluator_a
    sides: list[Side] = []
    for evaluator, day in ((evaluator_a, days[0]), (evaluator_b, days[-1])):
        req = parse_request({**request, "date": day})
        fields = req.model_dump(mode="json", exclude_none=True, exclude_defaults=True)
        fields["action"] = req.action
        fields.pop("date", None)
        pack = evaluator.rules
        label = req.date.isoformat() + (f", {pack.root} ({pack.hash})" if two_packs else "")
        sides.append(Side(evaluator, req.date, fields, label))
    source = read_pool(pool, titles=rules_a.titles, lazy=True, limits=lim)
    total = source.total_estimate
    if workers is None and total is not None and total < IN_PROCESS_MAX_ROWS:
        workers = 1
    with stop_on_sigterm():
        ok = False
        try:
            run = {"workers": workers, "chunk_size": chunk_size, "row_seconds": lim.row_seconds, "scheduler": scheduler}
            result = compare_pool(source, sides[0], sides[1], when=when, progress=progress, total=total, **run)
            result.source = Path(pool)
            if out is not None:
                result.write(out, lang)
            ok = True
        finally:
            if not ok:
                remove_partial_files()
    return result
