"""Batch screening of planning pools.

``eligibility screen POOL --action planning --date … [--post CODE | --post-column COLUMN] --out REPORT``,
``eligibility compare`` and ``eligibility template --out pool.xlsx`` are thin shells
(:mod:`eligibility.cli.pool`) over this library — :func:`eligibility.batch.pipeline.screen_file` does the
whole screening job, :func:`eligibility.batch.compare.compare_files` the comparison:

* :func:`eligibility.batch.reader.read_pool` — open a pool (.xlsx, .csv, .jsonl); iterate it for
  one :class:`~eligibility.batch.reader.PoolRow` per input row (profile dict, per-row request
  overrides, or the row's problems with row number and column), streamed in file order. The
  columns are declared in :mod:`eligibility.batch.columns` (Vietnamese headers, English keys) and
  read into profiles by :mod:`eligibility.batch.mapping`.
* :func:`eligibility.batch.screen.screen` / :class:`~eligibility.batch.screen.Screener` — one
  :class:`~eligibility.batch.screen.RowResult` per row, in input order, from a process pool (an
  Evaluator, and so a durable engine, per worker process); a row's decision equals ``evaluate``.
* :func:`eligibility.batch.report.pool_report` / :class:`~eligibility.batch.report.PoolAccumulator`
  — verdict counts, the failure funnel and binding criterion, missing inputs, and the pool's
  structure against the rule pack's pool targets (reported, never applied to a person).
* :func:`eligibility.batch.writers.open_writer` — .xlsx (four sheets), .jsonl (one Decision per
  line), .html (self-contained, inline SVG charts, sortable table).
* :mod:`eligibility.batch.synthetic` — a deterministic fictional pool (``generate(n, seed=…)``,
  ``write_pool``) for examples, tests and benchmarks.
"""
