"""Impossible inputs: dates that contradict each other or the calendar, named by field (issue 10).

A profile can be well-formed field by field and still describe no real person: born in the future, holding
a post before the age of fifteen, disciplined before being born. Such a file must be corrected, not
evaluated (an impossible file can only give a meaningless verdict), so these checks raise
:class:`~eligibility.errors.InputError` with one :class:`~eligibility.errors.Problem` per field, in
Vietnamese and English. They run when a profile is read (:func:`eligibility.model.load.validate`) and again
when a profile object is evaluated (``Evaluator.check_inputs``), so a profile built in code is checked too.

Checks that need the rule pack — the minimum age of a cadre or civil servant on the reference date, known
provinces — live in the evaluator (``eligibility.explain.evaluate``), which owns the rules.
"""

from __future__ import annotations

import datetime as dt
import re

from eligibility.errors import Problem
from eligibility.model.profile import Profile

# Bộ luật Lao động 2019 Điều 3 khoản 1: the minimum working age is 15 (below it only the light work of
# Chương XI Mục 1). No post (chức vụ) can start before it; this is a bound on possible data, not an
# eligibility threshold (the minimum age of a cadre or civil servant, 18, is a rule-pack parameter).
MIN_WORKING_AGE_YEARS = 15

TERM = re.compile(r"^\s*(\d{4})\s*[-–—]\s*(\d{4})\s*$")


def parse_term(term: str) -> tuple[int, int] | None:
    """``"2026-2031"`` → (2026, 2031); None when malformed or when it does not end after it starts."""
    m = TERM.match(term)
    if not m:
        return None
    start, end = int(m.group(1)), int(m.group(2))
    return (start, end) if end > start else None


def term_problem(term: str) -> tuple[str, str] | None:
    """Why a term is not acceptable (vi, en), or None."""
    m = TERM.match(term)
    if not m:
        return ("nhiệm kỳ phải có dạng YYYY-YYYY (ví dụ 2026-2031)", "a term must look like YYYY-YYYY (e.g. 2026-2031)")
    if int(m.group(2)) <= int(m.group(1)):
        return ("năm kết thúc nhiệm kỳ phải sau năm bắt đầu", "the term must end after it starts")
    return None


def _years_after(d: dt.date, years: int) -> dt.date:
    try:
        return d.replace(year=d.year + years)
    except ValueError:  # 29 February
        return d.replace(year=d.year + years, day=28)


def profile_problems(profile: Profile, today: dt.date | None = None, row: int | None = None) -> list[Problem]:
    """Every impossible ordering of dates in the profile (empty when the profile is possible).

    A birth date known only to the month or year is taken at its earliest possible day (the first of the
    month or of January), so that a partial date never makes a possible file look impossible.
    """
    today = today or dt.date.today()
    out: list[Problem] = []
    born = profile.birth_date.first_day()
    shown = profile.birth_date.isoformat()

    def bad(loc: str, value: object, vi: str, en: str) -> None:
        out.append(Problem(loc, vi, en, value, row))

    if born > today:
        bad("birth_date", shown, "ngày sinh ở tương lai", "the birth date is in the future")
        return out  # every other ordering would repeat this one
    working_age = _years_after(born, MIN_WORKING_AGE_YEARS)

    def before_birth(loc: str, d: dt.date | None) -> None:
        if d is not None and d < born:
            bad(
                loc,
                d.isoformat(),
                f"ngày này trước ngày sinh ({shown})",
                f"this date is before the birth date ({shown})",
            )

    for i, p in enumerate(profile.posts or []):
        if p.from_ < working_age:
            bad(
                f"posts.{i}.from",
                p.from_.isoformat(),
                f"bắt đầu giữ chức vụ trước khi đủ {MIN_WORKING_AGE_YEARS} tuổi (sinh {shown}; BLLĐ 2019 Điều 3)",
                f"the post starts before the person was {MIN_WORKING_AGE_YEARS} (born {shown}; Labour Code 2019 Art. 3)",
            )
    for i, r in enumerate(profile.discipline or []):
        before_birth(f"discipline.{i}.decided", r.decided)
    if profile.party is not None:
        before_birth("party.joined", profile.party.joined)
        before_birth("party.official", profile.party.official)
        j, o = profile.party.joined, profile.party.official
        if j is not None and o is not None and o < j:
            bad(
                "party.official",
                o.isoformat(),
                f"ngày chính thức trước ngày vào Đảng ({j.isoformat()})",
                f"full membership is dated before joining ({j.isoformat()})",
            )
    for i, e in enumerate(profile.planning or []):
        before_birth(f"planning.{i}.approved", e.approved)
        if e.approved is not None and e.removed is not None and e.removed < e.approved:
            bad(
                f"planning.{i}.removed",
                e.removed.isoformat(),
                f"ngày đưa ra khỏi quy hoạch trước ngày phê duyệt ({e.approved.isoformat()})",
                f"removed from the plan before it was approved ({e.approved.isoformat()})",
            )
        if e.term is not None:
            why = term_problem(e.term)
            if why is not None:
                bad(f"planning.{i}.term", e.term, why[0], why[1])
    if profile.political_standard is not None:
        before_birth("political_standard.date", profile.political_standard.date)
    if profile.health is not None:
        before_birth("health.date", profile.health.date)
    if profile.asset_declaration is not None:
        before_birth("asset_declaration.date", profile.asset_declaration.date)
    for year in sorted(profile.assessments or {}):
        if year < working_age.year:
            bad(
                f"assessments.{year}",
                year,
                f"năm đánh giá trước khi đủ {MIN_WORKING_AGE_YEARS} tuổi (sinh {shown})",
                f"an assessment year before the person was {MIN_WORKING_AGE_YEARS} (born {shown})",
            )
    return out
