"""What every command shares: the request options (declared once), the common options, output and progress.

A command declares ``@request_options()`` and gets the request's fields back with
:func:`request_fields`; a new request field is one line in :data:`REQUEST_OPTIONS`.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any, TextIO, TypeVar

import click

from eligibility.progress import Progress

F = TypeVar("F", bound=Callable[..., Any])

ACTIONS = "planning | appointment | reappointment | nomination | rotation | nonlocal_placement"
PROGRESS_MIN_ROWS = 300  # "auto" shows a bar only for pools longer than this


@dataclass(frozen=True)
class RequestOption:
    flags: str  # the option as typed
    field: str  # the Request field it fills
    help: str
    flag: bool = False  # a switch (True when given)
    type: Any = None


REQUEST_OPTIONS: tuple[RequestOption, ...] = (
    RequestOption("--post", "post", "mã chức danh / title code (eligibility rules titles), or the title's name"),
    RequestOption("--level", "level", "cấp: province | district | commune | central (a nomination without --post)"),
    RequestOption("--locality", "locality", "tỉnh nơi bố trí / province of the post, e.g. lao-cai"),
    RequestOption(
        "--district", "district", "huyện nơi bố trí (chức danh cấp huyện, cấp xã đến 30/6/2025) / the post's district"
    ),
    RequestOption("--commune", "commune", "xã nơi bố trí (chức danh cấp xã) / the post's commune"),
    RequestOption(
        "--event",
        "event",
        "nomination event: congress-2020 | elections-2021 | congress-2025 | elections-2026 (rules/events.yaml)",
    ),
    RequestOption("--reelection", "reelection", "tái cử / re-election", flag=True),
    RequestOption("--full-time", "full_time", "đại biểu chuyên trách / full-time deputy", flag=True),
    RequestOption("--relation", "relation", "first | higher (default) | equivalent | lower"),
    RequestOption("--source", "candidate_source", "nguồn nhân sự: local | outside"),
    RequestOption("--rotation-purpose", "rotation_purpose", "training (default) | nonlocal | two_term"),
    RequestOption("--rotation-months", "rotation_months", "planned length of the rotation", type=int),
    RequestOption("--term", "term", "planning: the planned term, e.g. 2026-2031"),
    RequestOption("--pool-size", "pool_size_for_title", "planning: people already planned for the title", type=int),
    RequestOption(
        "--minority-area",
        "minority_area",
        "the post is in an ethnic-minority area (vùng đồng bào dân tộc thiểu số)",
        flag=True,
    ),
    RequestOption("--convention", "convention", "force a retirement-age convention: actual | fixed_60_55 | fixed_2021"),
)
DATE_HELP = (
    "ngày xét (YYYY-MM-DD) — the date the file is received; default: today, or the event's reference month for a "
    "nomination"
)


def _param(o: RequestOption) -> str:
    return o.flags.removeprefix("--").replace("-", "_")


def request_options(*, action_required: bool = True, dates: int = 1) -> Callable[[F], F]:
    """``--action``, ``--date`` (``dates=2``: given once or twice) and every option of :data:`REQUEST_OPTIONS`."""

    def decorate(fn: F) -> F:
        for o in reversed(REQUEST_OPTIONS):
            if o.flag:
                fn = click.option(o.flags, _param(o), is_flag=True, default=False, help=o.help)(fn)
            else:
                fn = click.option(o.flags, _param(o), type=o.type, default=None, help=o.help)(fn)
        if dates == 1:
            fn = click.option("--date", "date", default=None, help=DATE_HELP)(fn)
        else:
            fn = click.option(
                "--date", "date", multiple=True, help="ngày xét A (và B) / date A (and B): once or twice"
            )(fn)
        return click.option("--action", required=action_required, default=None, help=ACTIONS)(fn)

    return decorate


def request_fields(options: dict[str, Any]) -> dict[str, Any]:
    """The request's fields from a command's options (absent options and unset switches left out)."""
    fields: dict[str, Any] = {}
    if options.get("action") is not None:
        fields["action"] = options["action"]
    if isinstance(options.get("date"), str):
        fields["date"] = options["date"]
    for o in REQUEST_OPTIONS:
        value = options.get(_param(o))
        if value is not None and value is not False:
            fields[o.field] = value
    return fields


def rules_option(fn: F) -> F:
    return click.option("--rules", default=None, help="rule-pack directory (default: the bundled rules/)")(fn)


def lang_option(fn: F) -> F:
    return click.option("--lang", type=click.Choice(["vi", "en"]), default="vi", help="vi (default) | en")(fn)


def format_option(*choices: str) -> Callable[[F], F]:
    return click.option(
        "--format", "fmt", type=click.Choice(list(choices)), default=choices[0], help=" | ".join(choices)
    )


def out_option(fn: F) -> F:
    return click.option("--out", default=None, help="write to this file instead of standard output")(fn)


def progress_option(fn: F) -> F:
    return click.option(
        "--progress",
        type=click.Choice(["auto", "on", "off"]),
        default="auto",
        help="progress bar on stderr (auto: when stderr is a terminal and the work is long)",
    )(fn)


def emit(text: str, out: str | None = None) -> None:
    """Write ``text`` (and a final newline) to ``out`` or to standard output."""
    text = text if text.endswith("\n") else text + "\n"
    if out:
        from eligibility.batch.outputs import atomic, check_output

        with atomic(check_output(out), "w", encoding="utf-8") as fh:  # all or nothing, never a folder
            fh.write(text)
    else:
        click.echo(text, nl=False)


def warn(text: str) -> None:
    click.echo(text, err=True)


@contextmanager
def progress_bar(
    mode: str = "auto", *, unit: str = "dòng", file: TextIO | None = None, min_rows: int = PROGRESS_MIN_ROWS
) -> Iterator[Progress | None]:
    """A :data:`~eligibility.progress.Progress` hook drawing a tqdm bar on standard error, for any long call
    (``screen_file``, ``compare_files``, and so a future ``rules mutate``). ``mode``: ``on``, ``off`` or
    ``auto`` — a terminal, and only once the work is known (or proved) to be longer than ``min_rows``."""
    stream = file if file is not None else sys.stderr
    if mode == "off" or (mode == "auto" and not stream.isatty()):
        yield None
        return
    from tqdm import tqdm

    bar: Any = None

    def hook(done: int, total: int | None) -> None:
        nonlocal bar
        if bar is None:
            if mode == "auto" and (total or done) <= min_rows:
                return
            bar = tqdm(total=total, unit=unit, file=stream, mininterval=0.2, dynamic_ncols=True)
        bar.update(done - bar.n)

    try:
        yield hook
    finally:
        if bar is not None:
            bar.close()
