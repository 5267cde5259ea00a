"""Parquet in and out (pyarrow, the optional extra ``scale``: ``pip install 'eligibility[scale]'``).

A national extract is a Parquet file (or a folder of them, one per partition). Reading is by record
batches (:meth:`pyarrow.parquet.ParquetFile.iter_batches`), so memory holds one batch, never the file.
Two shapes are read, told apart by the column names:

* **flat** — only plain columns (no structs or lists), named as the columns of the pool template (Vietnamese headers, as in .xlsx / .csv: "Mã hồ sơ",
  "Giới tính", "Ngày sinh", …): each record is a row of cells, read by the same code as a spreadsheet
  (same columns, same conversions, same errors naming the column);
* **nested** — any other file: the profile's own fields (``id``, ``sex``, ``birth_date``, structs and lists as in
  YAML / JSON), or a ``profile`` struct with a ``request`` struct beside it: each record is what a
  JSONL line holds and is read as one (same errors).

Row numbers are record numbers, 1 for the first record (a folder: counted across its files in name
order). Dates and timestamps are given as ISO text to the profile model, as a JSONL line gives them.

:class:`ParquetWriter` writes one record per row (per row and action with several actions): row,
status, id, name, post, action, verdict, the criteria failed / waivable / unknown, the inputs missing,
the findings shown (criterion, outcome, message, source, confidence) and the input errors; written in
row groups under a temporary name and renamed when complete.
"""

from __future__ import annotations

import datetime as dt
import decimal
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from eligibility.errors import InputError, Problem

if TYPE_CHECKING:
    import pyarrow

BATCH_ROWS = 2048  # records per batch read
GROUP_ROWS = 8192  # rows per row group written


def require() -> Any:
    """``pyarrow.parquet``, or a bilingual :class:`InputError` saying how to install it."""
    try:
        import pyarrow.parquet as pq
    except ImportError:
        raise InputError(
            Problem(
                "parquet",
                "cần cài thêm pyarrow để đọc/ghi Parquet: pip install 'eligibility[scale]'",
                "Parquet needs pyarrow: pip install 'eligibility[scale]'",
            )
        ) from None
    return pq


def parquet_files(path: Path) -> list[Path]:
    """The Parquet files of ``path``: itself, or a folder's ``*.parquet`` files in name order (recursively,
    as a partitioned dataset lays them out)."""
    if path.is_dir():
        found = sorted(p for p in path.rglob("*.parquet") if p.is_file())
        if not found:
            raise InputError(Problem(str(path), "thư mục không có tệp .parquet", "the folder holds no .parquet file"))
        return found
    return [path]


def open_file(path: Path) -> Any:
    """A :class:`pyarrow.parquet.ParquetFile`, or an :class:`InputError` naming the file."""
    pq = require()
    try:
        return pq.ParquetFile(str(path))
    except PermissionError:
        raise InputError(Problem(str(path), "không có quyền đọc tệp", "no permission to read the file")) from None
    except Exception as exc:  # noqa: BLE001 - pyarrow's errors for a broken or foreign file
        raise InputError(
            Problem(
                str(path),
                f"không đọc được tệp Parquet ({type(exc).__name__})",
                f"not a readable Parquet file ({type(exc).__name__}: {str(exc)[:120]})",
            )
        ) from None


def columns(path: Path) -> tuple[str, ...]:
    """The column names of the first file of ``path`` (all files of a dataset share them)."""
    return tuple(open_file(parquet_files(path)[0]).schema_arrow.names)


def nested_columns(path: Path) -> bool:
    """Whether a column holds structs or lists (the profile's own shape, not the template's cells)."""
    import pyarrow.types as pt

    schema = open_file(parquet_files(path)[0]).schema_arrow
    return any(pt.is_struct(f.type) or pt.is_list(f.type) or pt.is_large_list(f.type) for f in schema)


def count(path: Path) -> int:
    """Records in ``path`` (from the files' footers, nothing read)."""
    return sum(int(open_file(f).metadata.num_rows) for f in parquet_files(path))


def _plain(value: Any) -> Any:
    """A Parquet value as a JSON line would give it (dates as ISO text, decimals as numbers)."""
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, decimal.Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    if isinstance(value, bytes):
        return value.decode("utf-8", errors="replace")
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items() if v is not None}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    return value


def _cell(value: Any) -> Any:
    """A flat record's value as a spreadsheet cell (python-calamine gives the same kinds)."""
    if isinstance(value, decimal.Decimal):
        return float(value)
    if isinstance(value, bytes):
        return value.decode("utf-8", errors="replace")
    if isinstance(value, list | dict):
        return str(value)
    return value


def records(path: Path, start: int = 0, stop: int | None = None) -> Iterator[tuple[int, dict[str, Any]]]:
    """(record number, record) for records ``start`` ≤ i < ``stop`` (0-based) of ``path``, batch by batch:
    only the row groups holding them are read."""
    n = 0
    for f in parquet_files(path):
        pf = open_file(f)
        meta = pf.metadata
        for g in range(meta.num_row_groups):
            rows = meta.row_group(g).num_rows
            if stop is not None and n >= stop:
                return
            if n + rows <= start:
                n += rows
                continue
            for batch in pf.iter_batches(batch_size=BATCH_ROWS, row_groups=[g]):
                for record in batch.to_pylist():
                    if start <= n and (stop is None or n < stop):
                        yield n + 1, record
                    n += 1


def flat_cells(names: Sequence[str], record: Mapping[str, Any]) -> tuple[Any, ...]:
    return tuple(_cell(record.get(name)) for name in names)


def nested(record: Mapping[str, Any]) -> dict[str, Any]:
    """A nested record as the JSON object a JSONL line would hold (absent values left out)."""
    return {k: _plain(v) for k, v in record.items() if v is not None}


# ----- writing -------------------------------------------------------------------------------------
def _schema() -> pyarrow.Schema:
    import pyarrow as pa

    finding = pa.struct(
        [
            ("criterion", pa.string()),
            ("title", pa.string()),
            ("outcome", pa.string()),
            ("message_vi", pa.string()),
            ("message_en", pa.string()),
            ("source", pa.string()),
            ("confidence", pa.string()),
            ("missing", pa.list_(pa.string())),
        ]
    )
    error = pa.struct(
        [("row", pa.int64()), ("column", pa.string()), ("value", pa.string()), ("vi", pa.string()), ("en", pa.string())]
    )
    return pa.schema(
        [
            ("row", pa.int64()),
            ("status", pa.string()),
            ("id", pa.string()),
            ("name", pa.string()),
            ("post", pa.string()),
            ("action", pa.string()),
            ("verdict", pa.string()),
            ("fail", pa.list_(pa.string())),
            ("waivable", pa.list_(pa.string())),
            ("unknown", pa.list_(pa.string())),
            ("missing_inputs", pa.list_(pa.string())),
            ("findings", pa.list_(finding)),
            ("errors", pa.list_(error)),
            ("next_change", pa.string()),
            ("next_verdict", pa.string()),
        ]
    )


@dataclass(frozen=True)
class ParquetRecords:
    """A row's records (one per action), as :class:`ParquetWriter` appends them."""

    detail: str = "issues"

    @property
    def name(self) -> str:
        return f"parquet:{self.detail}"

    def __call__(self, results: Sequence[Any]) -> list[dict[str, Any]]:
        return [self.record(r) for r in results]

    def record(self, r: Any) -> dict[str, Any]:
        shown = r.findings if self.detail == "issues" else [*r.findings, *r.passes]
        return {
            "row": r.row,
            "status": r.status,
            "id": r.id,
            "name": r.name,
            "post": None if r.post is None else str(r.post),
            "action": r.action,
            "verdict": r.verdict if r.status == "ok" else r.status,
            "fail": [b.criterion for b in r.findings if b.outcome == "fail"],
            "waivable": [b.criterion for b in r.findings if b.outcome == "waivable"],
            "unknown": [b.criterion for b in r.findings if b.outcome == "unknown"],
            "missing_inputs": [inp for inp, _ in r.missing_inputs],
            "findings": [
                {
                    "criterion": b.criterion,
                    "title": b.title_vi,
                    "outcome": b.outcome,
                    "message_vi": b.message_vi,
                    "message_en": b.message_en,
                    "source": b.source,
                    "confidence": b.confidence,
                    "missing": list(b.missing),
                }
                for b in shown
            ],
            "errors": [
                {
                    "row": p.row if p.row is not None else r.row,
                    "column": p.location,
                    "value": None if p.value is None else str(p.value),
                    "vi": p.vi,
                    "en": p.en,
                }
                for p in r.problems
            ],
            "next_change": r.next_change,
            "next_verdict": r.next_verdict,
        }


class ParquetWriter:
    """One record per row result (see the module docstring); ``write`` / ``close`` / ``abort`` as every
    report writer. Passes are among the findings with ``detail="all"``. A row's part
    (:class:`ParquetRecords`) holds a record per action."""

    needs_decision = False

    def __init__(self, path: Path, *, detail: str = "issues") -> None:
        pq = require()
        from eligibility.batch.outputs import temporary

        self.path = path
        self.detail = detail
        self.part = ParquetRecords(detail)
        self._tmp = temporary(path)
        self._schema = _schema()
        self._out = pq.ParquetWriter(str(self._tmp), self._schema, compression="zstd")
        self._rows: list[dict[str, Any]] = []

    def write(self, r: Any) -> None:
        self.append([self.part.record(r)])

    def append(self, part: list[dict[str, Any]]) -> None:
        self._rows.extend(part)
        if len(self._rows) >= GROUP_ROWS:
            self._flush()

    def _flush(self) -> None:
        import pyarrow as pa

        if self._rows:
            self._out.write_table(pa.Table.from_pylist(self._rows, schema=self._schema))
            self._rows = []

    def close(self, report: Any = None) -> None:
        from eligibility.batch.outputs import finish

        self._flush()
        self._out.close()
        finish(self._tmp, self.path)

    def abort(self) -> None:
        from eligibility.batch.outputs import discard

        self._rows = []
        try:
            self._out.close()
        finally:
            discard(self._tmp)
