"""Command line: a thin shell over the library (:mod:`eligibility.api`), on click.

Each command parses its options, calls one library function and renders the result; the request
options are declared once (:mod:`eligibility.cli.options`). Vietnamese output by default, ``--lang en``
for English. Exit codes: 0 for any verdict, 1 for failing lint or cases (or, for ``screen``, a report
with rows that hit an internal fault), 2 for bad input (a bilingual message naming the field, never a
traceback; also a file error such as a missing folder), 3 for an engine fault (never a verdict),
130 / 143 when stopped by Ctrl-C / SIGTERM (one line, no traceback, no partial file).

click, not typer: click is the toolkit typer is built on, with no type-annotation magic; its option
decorators can be generated from one table (the request options), it parses exactly what argparse
parsed here, and it is already well-kept and widely used (sqlite-utils and datasette are built on it).
"""

from __future__ import annotations

import sys
from collections.abc import Sequence

import click

from eligibility.cli.person import check, explain, facts, retirement
from eligibility.cli.pool import compare, screen, template
from eligibility.cli.rules import rules, test
from eligibility.cli.serve import serve
from eligibility.errors import EligibilityError, EngineError, Stopped


@click.group(
    help=(
        "Kiểm tra điều kiện, tiêu chuẩn cán bộ (quy hoạch, bổ nhiệm, bổ nhiệm lại, giới thiệu ứng cử, luân chuyển, "
        "bố trí không là người địa phương) — personnel eligibility checks with legal sources."
    ),
    context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 110},
)
@click.version_option(package_name="eligibility", prog_name="eligibility")
def cli() -> None:
    pass


for command in (check, explain, facts, retirement, rules, test, screen, template, compare, serve):
    cli.add_command(command)


def _lang(argv: Sequence[str]) -> str:
    for i, a in enumerate(argv):
        if a == "--lang" and i + 1 < len(argv):
            return argv[i + 1]
        if a.startswith("--lang="):
            return a.partition("=")[2]
    return "vi"


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line on ``argv`` (default: ``sys.argv[1:]``); returns the exit code."""
    args = list(sys.argv[1:] if argv is None else argv)
    lang = _lang(args)
    try:
        code = cli.main(args=args, prog_name="eligibility", standalone_mode=False)
        return code if isinstance(code, int) else 0
    except click.exceptions.Exit as exc:
        return exc.exit_code
    except click.ClickException as exc:
        exc.show()
        return exc.exit_code
    except (click.exceptions.Abort, KeyboardInterrupt):
        sys.stderr.write("Đã dừng (Ctrl-C); không ghi báo cáo dở dang / stopped (Ctrl-C); no partial report left\n")
        return 130
    except Stopped as exc:
        sys.stderr.write(
            "Đã dừng theo yêu cầu; không ghi báo cáo dở dang / stopped on request; no partial report left\n"
        )
        return 128 + exc.signum
    except EligibilityError as exc:
        sys.stderr.write(exc.render(lang) + "\n")
        return 2
    except EngineError as exc:
        sys.stderr.write(f"Lỗi bộ máy suy luận (không phải kết luận) / engine fault (not a verdict): {exc}\n")
        return 3
    except BrokenPipeError:  # pragma: no cover
        return 0
    except OSError as exc:  # a folder that vanished, a disk full, no permission: the user's to fix
        where = exc.filename or ""
        sys.stderr.write(
            f"Lỗi tệp / file error: {where}: {exc.strerror or exc} (kiểm tra đường dẫn, quyền ghi, dung lượng đĩa / "
            "check the path, the permissions, the free space)\n"
        )
        return 2


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
