"""Whole-month arithmetic (HD 06-HD/BTCTW counts remaining working time in whole months).

A *month index* is ``year * 12 + (month - 1)``: an integer the engine can compare.
"""

from __future__ import annotations

import calendar
import datetime as dt


def month_index(year: int, month: int) -> int:
    return year * 12 + (month - 1)


def index_of(d: dt.date) -> int:
    return month_index(d.year, d.month)


def from_index(idx: int) -> tuple[int, int]:
    return divmod(idx, 12)[0], divmod(idx, 12)[1] + 1


def format_month(idx: int) -> str:
    """``YYYY-MM`` for a month index."""
    y, m = from_index(idx)
    return f"{y:04d}-{m:02d}"


def format_month_vi(idx: int) -> str:
    """``MM/YYYY`` as Vietnamese documents write it."""
    y, m = from_index(idx)
    return f"{m:02d}/{y:04d}"


def whole_months_between(start: dt.date, end: dt.date) -> int:
    """Whole months elapsed from ``start`` to ``end`` (negative if end is earlier).

    Exactly dateutil's ``relativedelta(end, start)`` in months (checked by a property test), in
    integer arithmetic: 12 months after 2024-03-15 is reached on 2025-03-15; an end on the last
    day of its month completes the month (2024-01-31 → 2024-04-30 is 3 months).
    """
    if end < start:
        return -whole_months_between(end, start)
    months = (end.year - start.year) * 12 + (end.month - start.month)
    if end.day < start.day and end.day != calendar.monthrange(end.year, end.month)[1]:
        months -= 1
    return months


def add_months(d: dt.date, months: int) -> dt.date:
    """``d`` moved by whole months, the day clamped to the month's last day (dateutil's
    ``d + relativedelta(months=months)``, in integer arithmetic)."""
    y, m = from_index(index_of(d) + months)
    return dt.date(y, m, min(d.day, calendar.monthrange(y, m)[1]))
