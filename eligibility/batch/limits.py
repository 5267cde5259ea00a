"""What a pool file may hold, and the time a row may take: the limits, checked before anything is allocated.

A file beyond a limit is refused with an :class:`~eligibility.errors.InputError` naming the limit (the
command line exits 2); a row beyond a per-row limit (a CSV or JSONL line too long, a cell too long in a
CSV or JSONL row) is that row's input error, and the other rows are screened. The spreadsheet limits are
Excel's own, so that a file Excel can save is never refused for its shape.

============================  ===================  =================================================
limit                         default              applies to
============================  ===================  =================================================
``rows``                      1,048,576            rows of an .xlsx sheet or a CSV file (Excel's)
``columns``                   16,384               columns of a sheet or a CSV header (Excel's, XFD)
``cell_chars``                32,767               characters in one cell (Excel's)
``unzipped_bytes``            512 MB               the parts of an .xlsx that are read, decompressed
                                                   (declared and actual sizes); also the sheet's size
                                                   once read (cells × 32 bytes of its used range,
                                                   40 bytes a filled cell, shared text repeated)
``line_chars``                4,194,304            one CSV record or JSONL line (4 Mi characters)
``row_seconds``               10 s                 screening one row (then it is retried once in a
                                                   fresh worker, then reported as an internal fault)
============================  ===================  =================================================
"""

from __future__ import annotations

from dataclasses import dataclass

from eligibility.errors import InputError, Problem

MB = 1 << 20


@dataclass(frozen=True)
class Limits:
    rows: int = 1_048_576
    columns: int = 16_384
    cell_chars: int = 32_767
    unzipped_bytes: int = 512 * MB
    line_chars: int = 4 * MB
    row_seconds: float = 10.0


DEFAULT_LIMITS = Limits()


def number(n: float) -> str:
    """1048576 → "1.048.576 (1,048,576)": the Vietnamese grouping, then the English."""
    text = f"{n:,.0f}"
    return f"{text.replace(',', '.')} ({text})" if "," in text else text


def refuse(where: str, limit: str, vi: str, en: str, value: object = None) -> InputError:
    """The error for a file beyond a limit: what was found, and the limit by name and value."""
    return InputError(
        Problem(where, vi, en, value),
        title_vi=f"Tệp vượt giới hạn ({limit})",
        title_en=f"File over a limit ({limit})",
    )


def damaged(where: str, detail: str) -> InputError:
    return InputError(
        Problem(
            where,
            f"tệp Excel bị hỏng hoặc không phải .xlsx ({detail}); mở bằng Excel và lưu lại",
            f"the Excel file is damaged or not an .xlsx ({detail}); open it in Excel and save it again",
        )
    )
