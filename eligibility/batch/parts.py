"""What a report writer needs of a row, built where the row is screened (issue 14: the parent out of the hot path).

Each writer (:mod:`eligibility.batch.writers`, :mod:`eligibility.batch.actions`, the Parquet writer) has a
:class:`Part`: a picklable function of a row's results (one per action) that makes what the writer appends —
the workbook's lines as SpreadsheetML with a placeholder for the row number, the page's person, the JSONL
lines, the Parquet records. :func:`row_parts` gathers a run's parts into :class:`RowParts`, which the
screening runs on every row where it is screened (a worker process, the one process, a Dask worker:
``Screener(cells=...)``), storing them in :attr:`~eligibility.batch.screen.RowResult.cells`; a writer takes
them with :func:`part_of`, which builds the part there when the row has none (a fault the parent made).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from eligibility.batch.screen import RowResult


class Part(Protocol):
    """What one report writer needs of a row, made from the row's results (one per action, in the order of
    the actions): cheap for the writer to append. ``name`` keys it in :attr:`RowResult.cells`."""

    @property
    def name(self) -> str: ...

    def __call__(self, results: Sequence[RowResult]) -> Any: ...


def part_of(results: Sequence[RowResult], part: Part) -> Any:
    """A writer's part of a row: as it was built where the row was screened (:class:`RowParts`), or built
    now (a row made here: a fault the supervisor reported, results from a caller without parts)."""
    cells = results[0].cells
    if cells is not None:
        got = cells.get(part.name)
        if got is not None:
            return got
    return part(results)


@dataclass(frozen=True)
class RowParts:
    """The parts of every writer of a run, built where each row is screened (a worker process, a Dask
    worker, or the one process): the parent only appends them. What only the parts needed is dropped once
    they are built — the decision (a .jsonl report's lines hold it), the passes, the person's brief — so
    it does not travel back twice; the pool report's fields stay (:class:`PoolAccumulator`)."""

    parts: tuple[Part, ...]

    def __call__(self, results: Sequence[RowResult]) -> None:
        results[0].cells = {p.name: p(results) for p in self.parts}
        for r in results:
            r.decision_json, r.person = None, None
            if r.passes:
                r.passes = []


def row_parts(writers: Iterable[Any]) -> RowParts:
    """The parts ``writers`` (each with its ``part``) need, each once."""
    parts: dict[str, Part] = {}
    for w in writers:
        parts.setdefault(w.part.name, w.part)
    return RowParts(tuple(parts.values()))
