"""Pools: ``screen``, ``template`` and ``compare``.

Exit codes of ``screen`` and ``compare`` (:attr:`eligibility.batch.pipeline.ScreenRun.exit_code`,
:attr:`eligibility.batch.compare.Comparison.exit_code`): 0 — the report was written and every row has a
verdict or an input error; 1 — the report was written but some rows hit an internal fault (engine fault,
time limit, worker death), each listed; 2 — the run could not start or the file was refused (request,
unreadable file, a limit); 3 — the engine failed on every row. 130 / 143 — stopped by Ctrl-C / SIGTERM
(workers stopped, partial files removed).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

import click

from eligibility import api
from eligibility.cli.options import (
    lang_option,
    progress_bar,
    progress_option,
    request_fields,
    request_options,
    rules_option,
    warn,
)
from eligibility.errors import InputError, Problem

F = TypeVar("F", bound=Callable[..., Any])


_RUN_OPTIONS = [
    click.option(
        "--workers", type=int, default=None, help="worker processes (default: all cores; 1 = in this process)"
    ),
    click.option("--chunk-size", type=int, default=None, help="rows per task (default ~1,000)"),
    click.option(
        "--scheduler",
        default=None,
        help="chạy trên Dask / run on Dask: local, local:N (a LocalCluster of N processes) or tcp://host:8786 "
        "(a running `dask scheduler`); needs pip install 'eligibility[scale]'",
    ),
    click.option(
        "--max-unzipped-mb",
        type=click.IntRange(1, 1 << 20),
        default=512,
        show_default=True,
        help="giới hạn kích thước .xlsx sau giải nén / limit on an .xlsx once decompressed (and once read), MB",
    ),
    click.option(
        "--row-timeout",
        type=click.FloatRange(0.1, 3600),
        default=10.0,
        show_default=True,
        help="giây tối đa cho một dòng / seconds one row may take (then retried once, then an internal fault)",
    ),
]


def run_options(command: F) -> F:
    """How a pool's rows run, the same for ``screen`` and ``compare``: --workers, --chunk-size, --scheduler,
    --max-unzipped-mb, --row-timeout."""
    for option in reversed(_RUN_OPTIONS):
        command = option(command)
    return command


@click.command(
    help="rà soát danh sách nguồn quy hoạch / screen a planning pool (.xlsx, .csv, .jsonl, .parquet); "
    "mỗi dòng một người, báo cáo .xlsx / .jsonl / .html / .parquet theo đuôi tệp --out. "
    "Nhiều việc một lượt / several actions in one pass: --action planning,appointment,... or --action all "
    "(--event needed when nomination is among them)"
)
@click.argument("pool")
@request_options()
@click.option(
    "--post-column",
    default=None,
    help="cột ghi chức danh của từng người / column holding each person's title (default: \"Chức danh đề nghị "
    'quy hoạch (mã)" when present)',
)
@rules_option
@click.option(
    "--out",
    multiple=True,
    required=True,
    help="báo cáo / report: .xlsx, .jsonl, .html or .parquet (repeat for several)",
)
@click.option(
    "--detail",
    type=click.Choice(["issues", "all"]),
    default="issues",
    help='sheet "Chi tiết": only fail / waivable / unknown findings (default) or all findings',
)
@click.option(
    "--timeline",
    is_flag=True,
    help="ngày kết luận thay đổi của từng người / each person's next verdict change (exact, verified; ~0.1–0.5 s a row)",
)
@run_options
@progress_option
@lang_option
def screen(
    pool: str,
    post_column: str | None,
    rules: str | None,
    out: tuple[str, ...],
    detail: str,
    timeline: bool,
    workers: int | None,
    chunk_size: int | None,
    scheduler: str | None,
    max_unzipped_mb: int,
    row_timeout: float,
    progress: str,
    lang: str,
    **opts: Any,
) -> int:
    from eligibility.batch.limits import Limits
    from eligibility.batch.report import LABELS, VERDICTS
    from eligibility.explain import names

    fields = request_fields(opts)
    actions = fields.pop("action")
    if fields.get("post") is not None and post_column is not None:
        raise InputError(
            Problem(
                "--post-column",
                "dùng --post hoặc --post-column, không cả hai",
                "give --post or --post-column, not both",
            )
        )
    with progress_bar(progress) as hook:
        run = api.screen_file(
            pool,
            fields,
            rules,
            out=out,
            post_column=post_column,
            detail=detail,
            timeline=timeline,
            workers=workers,
            chunk_size=chunk_size,
            progress=hook,
            on_warning=lambda w: warn(f"Cảnh báo / warning: {w.render(lang)}"),
            limits=Limits(unzipped_bytes=max_unzipped_mb << 20, row_seconds=row_timeout),
            actions=actions,
            scheduler=scheduler,
        )
    rep = run.report
    for each in run.reports if len(run.reports) > 1 else []:
        counts = ", ".join(f"{LABELS[v][0 if lang == 'vi' else 1]}: {each.verdicts.get(v, 0)}" for v in VERDICTS)
        warn(f"{names.action_name(each.request.get('action'), lang)}: {counts}")
    counts = ", ".join(f"{LABELS[v][0 if lang == 'vi' else 1]}: {rep.verdicts.get(v, 0)}" for v in VERDICTS)
    if len(run.reports) > 1:
        counts = f"{len(run.reports)} việc / actions"
    warn(
        f"{rep.rows} dòng / rows ({counts}) — {run.seconds:.1f} s, {run.rate:,.0f} dòng/s; "
        f"báo cáo / report: {', '.join(out)}"
    )
    faults = max((r.faults for r in run.reports), default=rep.faults)
    if faults:
        warn(
            f"{faults} dòng lỗi nội bộ, chưa xét được (xem báo cáo, trạng thái internal_error) / "
            f"{faults} rows hit an internal fault (see the report, status internal_error)"
        )
    return run.exit_code


@click.command(help="mẫu danh sách nguồn quy hoạch / empty pool workbook with a guide (or a header-only .csv)")
@click.option("--out", required=True, help="tệp .xlsx (or .csv: headers only)")
@rules_option
@lang_option
def template(out: str, rules: str | None, lang: str) -> int:
    path = api.write_template(out, rules)
    warn(f"Đã ghi mẫu / template written: {path}")
    return 0


@click.command(
    help="so sánh một danh sách ở hai ngày hoặc hai bộ quy tắc / who flips between two dates or rule packs. "
    "Chạy như screen / runs like screen: --workers, --chunk-size, --row-timeout, --scheduler"
)
@click.argument("pool")
@request_options(dates=2)
@click.option("--rules-a", default=None, help="rule-pack directory for side A (default: --rules or the bundled one)")
@click.option("--rules-b", default=None, help="rule-pack directory for side B (default: --rules or the bundled one)")
@rules_option
@click.option("--when", is_flag=True, help="find the day of each flip between the two dates (same rule pack; slower)")
@click.option("--out", default=None, help="write the table to x.csv, x.json or a text file")
@run_options
@progress_option
@lang_option
def compare(
    pool: str,
    date: tuple[str, ...],
    rules_a: str | None,
    rules_b: str | None,
    rules: str | None,
    when: bool,
    out: str | None,
    workers: int | None,
    chunk_size: int | None,
    scheduler: str | None,
    max_unzipped_mb: int,
    row_timeout: float,
    progress: str,
    lang: str,
    **opts: Any,
) -> int:
    from eligibility.batch.limits import Limits

    side_a = rules_a or rules
    side_b = rules_b or rules
    with progress_bar(progress, unit="hồ sơ") as hook:
        result = api.compare_files(
            pool,
            request_fields(opts),
            list(date),
            side_a,
            rules_b=side_b if side_b != side_a else None,
            when=when,
            progress=hook,
            out=out,
            lang=lang,
            workers=workers,
            chunk_size=chunk_size,
            limits=Limits(unzipped_bytes=max_unzipped_mb << 20, row_seconds=row_timeout),
            scheduler=scheduler,
        )
    for line in result.summary_lines(lang) if out else result.text_lines(lang):
        click.echo(line)
    if result.faults:
        warn(
            f"{result.faults} dòng lỗi nội bộ, chưa so sánh được (xem danh sách dòng lỗi) / "
            f"{result.faults} rows hit an internal fault (see the rows that could not be compared)"
        )
    return result.exit_code
