"""Errors the user can act on, always bilingual (Vietnamese first, English second).

Every error raised for a user mistake is an :class:`EligibilityError`; the CLI prints it
without a traceback and exits with code 2. Engine faults (a durable_rules misbehaviour) are
:class:`EngineError` and are never turned into a verdict.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class Problem:
    """One thing wrong with an input: where it is, what value was there, and why."""

    location: str
    vi: str
    en: str
    value: object = None
    row: int | None = None

    def render(self, lang: str = "vi") -> str:
        where = self.location
        if self.row is not None:
            where = f"dòng {self.row}, {where}" if lang == "vi" else f"row {self.row}, {where}"
        value = "" if self.value is None else f" ({self.value!r})"
        if lang == "en":
            return f"{where}{value}: {self.en}"
        return f"{where}{value}: {self.vi} / {self.en}"


class EligibilityError(Exception):
    """Base class of errors caused by the user's input or rule files."""

    def __init__(self, problems: list[Problem] | Problem, *, title_vi: str = "", title_en: str = "") -> None:
        self.problems = problems if isinstance(problems, list) else [problems]
        self.title_vi = title_vi or "Dữ liệu không hợp lệ"
        self.title_en = title_en or "Invalid input"
        super().__init__(self.render("en"))

    def render(self, lang: str = "vi") -> str:
        head = self.title_en if lang == "en" else f"{self.title_vi} / {self.title_en}"
        lines = [head + ":"] + ["  - " + p.render(lang) for p in self.problems]
        return "\n".join(lines)


class InputError(EligibilityError):
    """A profile, request or pool row that cannot be read."""


class RulePackError(EligibilityError):
    """A rule pack (rules/*.yaml) that fails its schema or cross-references."""

    def __init__(self, problems: list[Problem] | Problem) -> None:
        super().__init__(problems, title_vi="Bộ quy tắc không hợp lệ", title_en="Invalid rule pack")


class Stopped(BaseException):
    """The run was stopped by a signal (SIGTERM); like KeyboardInterrupt, not an error of the input.

    Raised by long library calls (``screen_file``) after they have stopped their workers and removed
    their partial files; the command line prints one line and exits 128 + the signal number."""

    def __init__(self, signum: int = 15) -> None:
        self.signum = signum
        super().__init__(f"stopped by signal {signum}")


@dataclass
class EngineError(Exception):
    """The rule engine misbehaved (e.g. durable_rules fired no rule or two rules for a criterion).

    This is a bug or an engine fault, never a verdict: callers must not catch it to produce one.
    """

    message: str
    details: dict[str, object] = field(default_factory=dict)

    def __str__(self) -> str:
        return f"engine error: {self.message} {self.details if self.details else ''}".strip()
