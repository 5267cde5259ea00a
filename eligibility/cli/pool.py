"""``eligibility screen`` and ``eligibility template``: a thin shell over :mod:`eligibility.batch`.

Exit codes: 0 when the report was written (rows with input errors are in the report, with
status ``input_error``), 2 when the run could not start (file, request or rule-pack problem),
3 for an engine fault.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Iterable, Iterator
from typing import Any, TextIO

from eligibility.errors import InputError, Problem

PROGRESS_MIN_ROWS = 300
IN_PROCESS_MAX_ROWS = 500  # below this, spawning worker processes costs more than it saves


def add_commands(sub: Any) -> None:
    p = sub.add_parser(
        "screen",
        help="rà soát danh sách nguồn quy hoạch / screen a planning pool (.xlsx, .csv, .jsonl)",
        description="Rà soát cả danh sách: mỗi dòng một người, báo cáo .xlsx / .jsonl / .html. "
        "Screen a whole pool: one person per row; reports by --out extension.",
    )
    p.add_argument("pool", help="tệp danh sách / pool file: .xlsx, .csv or .jsonl (see `eligibility template`)")
    p.add_argument(
        "--action",
        required=True,
        help="planning | appointment | reappointment | nomination | rotation | nonlocal_placement",
    )
    p.add_argument("--date", help="ngày xét (YYYY-MM-DD); default: today")
    group = p.add_mutually_exclusive_group()
    group.add_argument("--post", help="mã chức danh cho cả danh sách / one title code for everyone")
    group.add_argument(
        "--post-column",
        dest="post_column",
        help="cột ghi chức danh của từng người / column holding each person's title "
        '(default: "Chức danh đề nghị quy hoạch (mã)" when present)',
    )
    p.add_argument("--locality", help="tỉnh / province, e.g. lao-cai (overlay criteria and targets of that province)")
    p.add_argument("--level", help="cấp (nomination without a post)")
    p.add_argument("--event", help="nomination event")
    p.add_argument("--term", help="planning: the planned term, e.g. 2026-2031")
    p.add_argument("--pool-size", dest="pool_size", type=int, help="planning: people already planned for the title")
    p.add_argument("--relation", help="first | higher (default) | equivalent | lower")
    p.add_argument("--minority-area", dest="minority_area", action="store_true")
    p.add_argument("--convention", help="actual | fixed_60_55 | fixed_2021")
    p.add_argument("--rules", help="rule-pack directory (default: the bundled rules/)")
    p.add_argument(
        "--out", action="append", required=True, help="báo cáo / report: .xlsx, .jsonl or .html (repeat for several)"
    )
    p.add_argument(
        "--detail",
        choices=["issues", "all"],
        default="issues",
        help='sheet "Chi tiết": only fail / waivable / unknown findings (default) or all findings',
    )
    p.add_argument(
        "--timeline",
        action="store_true",
        help="ngày kết luận thay đổi của từng người / each person's next verdict change "
        "(eligibility explain per row: exact but ~0.1–0.5 s a row)",
    )
    p.add_argument("--workers", type=int, help="worker processes (default: all cores; 1 = in this process)")
    p.add_argument("--chunk-size", dest="chunk_size", type=int, help="rows per task (default ~1,000)")
    p.add_argument(
        "--progress",
        choices=["auto", "on", "off"],
        default="auto",
        help="progress bar on stderr (auto: when stderr is a terminal and the pool is large)",
    )
    p.add_argument("--lang", choices=["vi", "en"], default="vi")
    p.set_defaults(func=cmd_screen)

    t = sub.add_parser(
        "template",
        help="mẫu danh sách nguồn quy hoạch / empty pool workbook with a guide",
        description="Viết tệp mẫu .xlsx: dòng tiêu đề và trang hướng dẫn. Writes the empty pool "
        "workbook: headers and a guide sheet.",
    )
    t.add_argument("--out", required=True, help="tệp .xlsx (or .csv: headers only)")
    t.add_argument("--rules", help="rule-pack directory (for the title codes sheet)")
    t.add_argument("--lang", choices=["vi", "en"], default="vi")
    t.set_defaults(func=cmd_template)


def cmd_template(args: argparse.Namespace) -> int:
    from eligibility.batch.template import write_template
    from eligibility.rulepack import load_rules

    rules = load_rules(args.rules)
    path = write_template(args.out, rules.titles)
    sys.stderr.write(f"Đã ghi mẫu / template written: {path}\n")
    return 0


class Progress:
    """A one-line progress bar on a terminal (rows, share, rows/s); silent when not enabled."""

    def __init__(self, total: int | None, stream: TextIO, enabled: bool) -> None:
        self.total = total
        self.stream = stream
        self.enabled = enabled
        self.n = 0
        self.start = time.perf_counter()
        self._last = 0.0

    def wrap(self, it: Iterable[Any]) -> Iterator[Any]:
        for x in it:
            self.n += 1
            # a pool of unknown length shows the bar only once it has proved long
            if self.enabled and (self.total is not None or self.n > PROGRESS_MIN_ROWS):
                now = time.perf_counter()
                if now - self._last > 0.2:
                    self._last = now
                    self._draw(now)
            yield x
        if self.enabled and self._last:
            self._draw(time.perf_counter())
            self.stream.write("\n")
            self.stream.flush()

    def _draw(self, now: float) -> None:
        rate = self.n / max(1e-9, now - self.start)
        if self.total:
            frac = min(1.0, self.n / self.total)
            bar = "█" * int(frac * 30) + "░" * (30 - int(frac * 30))
            self.stream.write(f"\r{bar} {self.n}/{self.total} dòng ({frac:.0%}), {rate:,.0f} dòng/s ")
        else:
            self.stream.write(f"\r{self.n} dòng, {rate:,.0f} dòng/s ")
        self.stream.flush()


def cmd_screen(args: argparse.Namespace) -> int:
    from eligibility.batch.reader import read_pool
    from eligibility.batch.report import LABELS, VERDICTS, PoolAccumulator
    from eligibility.batch.screen import DEFAULT_CHUNK, Screener, default_workers
    from eligibility.batch.writers import open_writer
    from eligibility.cli import request_from_args
    from eligibility.explain.evaluate import Evaluator
    from eligibility.rulepack import load_rules

    rules = load_rules(args.rules)
    if args.post is not None and args.post not in rules.titles:
        from eligibility.batch.mapping import title_code_map
        from eligibility.model import levels as lv

        args.post = title_code_map(rules.titles).get(lv.fold(args.post), args.post)
    request = request_from_args(args, rules)
    if request.post is not None or args.post_column is None:
        # check the request once (unknown title, district level after 2025-07-01, a missing post) —
        # unless each row names its own title
        try:
            Evaluator(rules, engine=_NoEngine()).prepare(request)
        except InputError as exc:
            if not (request.post is None and _only_post_missing(exc)):
                raise
    source = read_pool(
        args.pool, post_column=args.post_column, titles=rules.titles, use_default_post=args.post is None, lazy=True
    )
    lay = source.layout
    if (
        request.post is None
        and source.kind != "jsonl"
        and (lay is None or lay.post_index is None)
        and request.action != "nomination"
    ):
        raise InputError(
            Problem(
                "--post",
                "cần --post MÃ cho cả danh sách hoặc --post-column CỘT cho từng người",
                "--post CODE for everyone or --post-column COLUMN per person is needed",
            )
        )
    warnings = list(source.warnings)
    for warning in warnings:
        sys.stderr.write(f"Cảnh báo / warning: {warning.render(args.lang)}\n")
    writers = [open_writer(path, detail=args.detail) for path in args.out]
    keep = any(getattr(w, "needs_decision", False) for w in writers)
    total = source.total_estimate
    workers = args.workers if args.workers is not None else default_workers()
    if args.workers is None and total is not None and total < IN_PROCESS_MAX_ROWS:
        workers = 1
    chunk = args.chunk_size or (
        DEFAULT_CHUNK if total is None else max(50, min(DEFAULT_CHUNK, total // max(1, workers * 4) or 50))
    )
    show = args.progress == "on" or (
        args.progress == "auto" and sys.stderr.isatty() and (total is None or total > PROGRESS_MIN_ROWS)
    )
    progress = Progress(total, sys.stderr, show)
    acc = PoolAccumulator(rules, request, warnings=warnings)
    ok = False
    try:
        acc.change_dates = args.timeline
        with Screener(
            request,
            rules,
            workers=workers,
            chunk_size=chunk,
            keep_decision=keep,
            detail=args.detail,
            timeline=args.timeline,
        ) as screener:
            for result in progress.wrap(screener.screen(source)):
                acc.add(result)
                for w in writers:
                    w.write(result)
        acc.blank_rows = source.blank_rows
        report = acc.report()
        for w in writers:
            w.close(report)
        ok = True
    finally:
        if not ok:
            for w in writers:
                w.abort()
    elapsed = time.perf_counter() - progress.start
    counts = ", ".join(
        f"{LABELS[v][0] if args.lang == 'vi' else LABELS[v][1]}: {report.verdicts.get(v, 0)}" for v in VERDICTS
    )
    rate = report.rows / elapsed if elapsed > 0 else 0.0
    sys.stderr.write(
        f"{report.rows} dòng / rows ({counts}) — {elapsed:.1f} s, {rate:,.0f} dòng/s; "
        f"báo cáo / report: {', '.join(args.out)}\n"
    )
    return 0


def _only_post_missing(exc: InputError) -> bool:
    return all(p.location == "post" for p in exc.problems)


class _NoEngine:
    def outcomes(self, version: Any, facts: Any) -> dict[str, str]:  # pragma: no cover - never called
        raise RuntimeError("prepare only")
