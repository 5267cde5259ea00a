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

import importlib
import sys
from collections.abc import Sequence

import click

from eligibility.errors import EligibilityError, EngineError, Stopped

# command → the module that defines it: a command's module is imported when that command runs (or when the
# help lists them all), so ``check`` does not build the pool, rules and web commands (issue 14, cold start)
COMMANDS = {
    "check": "eligibility.cli.person",
    "explain": "eligibility.cli.person",
    "facts": "eligibility.cli.person",
    "retirement": "eligibility.cli.person",
    "rules": "eligibility.cli.rules",
    "test": "eligibility.cli.rules",
    "screen": "eligibility.cli.pool",
    "template": "eligibility.cli.pool",
    "compare": "eligibility.cli.pool",
    "serve": "eligibility.cli.serve",
}


class _LazyGroup(click.Group):
    """A group whose commands are imported on first use (click's documented lazy-loading pattern)."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted({*super().list_commands(ctx), *COMMANDS})

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name in COMMANDS and cmd_name not in self.commands:
            command = getattr(importlib.import_module(COMMANDS[cmd_name]), cmd_name)
            assert isinstance(command, click.Command), cmd_name
            self.add_command(command, cmd_name)
        return super().get_command(ctx, cmd_name)

    def resolve_command(
        self, ctx: click.Context, args: list[str]
    ) -> tuple[str | None, click.Command | None, list[str]]:
        if args and args[0] not in COMMANDS:  # a mistyped command: click suggests the nearest of all of them
            for name in COMMANDS:
                self.get_command(ctx, name)
        return super().resolve_command(ctx, args)


@click.group(
    cls=_LazyGroup,
    help=(
        "Kiểm tra điều kiện, tiêu chuẩn cán bộ (quy hoạch, bổ nhiệm, bổ nhiệm lại, giới thiệu ứng cử, luân chuyển, "
        "bố trí không là người địa phương) — personnel eligibility checks with legal sources."
    ),
    context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 110},
)
@click.version_option(package_name="eligibility", prog_name="eligibility")
def cli() -> None:
    pass


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
