"""Coverage windows of a criterion (rules/coverage, issue 11): where its condition is evaluated, and the checks
the loader makes of its ``not_required`` / ``not_encoded`` / ``covered_by`` windows."""

from __future__ import annotations

import datetime as dt
from typing import Any

from eligibility.rulepack.schema import Criterion, Source

FAR_FUTURE = dt.date(2100, 1, 1)


def evaluated_windows(c: Criterion) -> list[tuple[dt.date, dt.date]]:
    """The parts of the criterion's ``in_force`` window where its condition is evaluated (not ``not_encoded``)."""
    start, end = c.in_force.from_, c.in_force.until or FAR_FUTURE
    out: list[tuple[dt.date, dt.date]] = []
    cursor = start
    for g in sorted(c.not_encoded, key=lambda g: g.from_):
        g_end = g.until or FAR_FUTURE
        if g_end < cursor or g.from_ > end:
            continue
        if g.from_ > cursor:
            out.append((cursor, min(end, g.from_ - dt.timedelta(days=1))))
        cursor = g_end + dt.timedelta(days=1)
        if cursor > end:
            return out
    if cursor <= end:
        out.append((cursor, end))
    return out


def check_windows(c: Criterion, sources: dict[str, Source], bad: Any) -> None:
    windows: list[tuple[dt.date, dt.date, str]] = []
    for key, gaps in (("not_required", c.not_required), ("not_encoded", c.not_encoded)):
        for g in gaps:
            if g.source is not None and g.source.id not in sources:
                bad(
                    f"văn bản {g.source.id!r} không có trong sources.yaml",
                    f"source {g.source.id!r} is not in sources.yaml",
                    (key,),
                )
            if g.until is not None and g.until < g.from_:
                bad(f"{key}: 'until' trước 'from'", f"{key}: 'until' is before 'from'", (key,))
            windows.append((g.from_, g.until or FAR_FUTURE, key))
    for cb in c.covered_by:
        if cb.until < cb.from_:
            bad("covered_by: 'until' trước 'from'", "covered_by: 'until' is before 'from'", ("covered_by",))
        windows.append((cb.from_, cb.until, "covered_by"))
    for a, b, key in windows:
        if key != "not_encoded" and a <= (c.in_force.until or FAR_FUTURE) and b >= c.in_force.from_:
            bad(
                f"{key} phải nằm ngoài thời gian hiệu lực của tiêu chí",
                f"a {key} window must lie outside the criterion's in_force window",
                (key,),
            )
    windows.sort()
    for (_a1, b1, k1), (a2, _b2, k2) in zip(windows, windows[1:], strict=False):
        if a2 <= b1:
            bad(f"khoảng {k1} và {k2} chồng lên nhau (từ {a2})", f"{k1} and {k2} windows overlap (from {a2})", (k2,))
