"""When and where a pool target applies: its window, and why it ends.

"Đến năm Y" is read as a deadline from the plan's date (the seeds' own usage: "Thời gian hoàn thành … đến năm
2021" beside "Trong năm 2019" and "Từ năm 2025", seed 000 lines 117, 137, 143; Phụ lục 1 of Lào Cai's Đề án 18
sets "Hiện trạng" beside "Mục tiêu đến năm 2025"): a target is shown from ``from`` — the plan's date, its
documented lower bound, or the day after the previous milestone of the same series — through 31/12/Y, Y
included [D]. It ends earlier at ``until`` (a replacing document) and at the end of its province as the unit it
was: a province merged on 1/7/2025, or one that took another in, ended on 30/6/2025 as the unit whose plan it was
(rules/localities.yaml). No new province was found to have adopted an old plan's targets, so none carries on.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from eligibility.rulepack.localities import Localities
from eligibility.rulepack.schema import Merger, PoolTarget

SERIES = re.compile(r"\.(\d{4})$")


@dataclass(frozen=True)
class TargetWindow:
    start: dt.date
    end: dt.date | None  # last day shown (inclusive); None: open
    deadline: dt.date | None  # 31/12/Y of "đến năm Y"
    ended_by: Merger | None = None  # the end is the province's end in this merger

    def contains(self, d: dt.date) -> bool:
        return self.start <= d and (self.end is None or d <= self.end)


def window(t: PoolTarget, places: Localities | None) -> TargetWindow:
    deadline = dt.date(t.year, 12, 31) if t.year is not None else None
    end: dt.date | None = None
    for e in (deadline, t.until):
        if e is not None and (end is None or e < end):
            end = e
    ended_by: Merger | None = None
    if t.province is not None and places is not None:
        plan_end = places.plan_end(t.province, t.from_)
        if plan_end is not None and (end is None or plan_end[0] < end):
            end, ended_by = plan_end
    return TargetWindow(t.from_, end, deadline, ended_by)


def series(target_id: str) -> str:
    """The series a milestone belongs to: its id without the trailing year (``….nonlocal.commune_chairs``)."""
    return SERIES.sub("", target_id)
