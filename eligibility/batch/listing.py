"""The "danh sách trích ngang": one line per person, as a personnel board hands a list in.

:func:`person_brief` takes from a profile what the list shows of the person — birth date, sex, current post
and unit, degree, political theory — in Vietnamese; :func:`main_reason` says in a few words why the verdict
is what it is. The xlsx writer puts them on the first sheet of the report
(:class:`eligibility.batch.writers.XlsxWriter`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from eligibility.explain import names
from eligibility.model import levels as lv
from eligibility.model.profile import Profile
from eligibility.rulepack.loader import RulePack


@dataclass(frozen=True)
class PersonBrief:
    """What the list shows of a person (Vietnamese labels; None = not recorded)."""

    birth: str  # ISO partial date: 1972-05-14, 1972-05 or 1972
    sex: str  # nam / nữ
    current_post: str | None  # by name
    unit: str | None  # cơ quan, đơn vị
    degree: str | None  # "thạc sĩ Luật"
    political_theory: str | None


def person_brief(profile: Profile, on: dt.date, rules: RulePack | None = None) -> PersonBrief:
    edu = profile.education
    current = sorted(profile.current_posts(on), key=lambda p: p.from_, reverse=True)
    post = unit = None
    if current:
        p = current[0]
        post = p.name or names.title_name(p.title, rules)
        unit = p.body
    elif profile.posts is not None:
        post = "chưa giữ chức vụ"
    degree = names.vocab_label(lv.DEGREE, edu.degree) if edu.degree else None
    if degree and edu.field:
        degree = f"{degree} {edu.field}"
    return PersonBrief(
        birth=profile.birth_date.isoformat(),
        sex=names.vocab_label(lv.SEX, profile.sex),
        current_post=post,
        unit=unit,
        degree=degree,
        political_theory=names.vocab_label(lv.POLITICAL_THEORY, edu.political_theory) if edu.political_theory else None,
    )


def birth_cell(iso: str | None) -> dt.date | str | None:
    """A birth date as a cell: a real date when the day is known, ``mm/yyyy`` text for a month, the year
    as text (the column stays left-aligned)."""
    if not iso:
        return None
    parts = iso.split("-")
    if len(parts) == 3:
        return dt.date(int(parts[0]), int(parts[1]), int(parts[2]))
    if len(parts) == 2:
        return f"{parts[1]}/{parts[0]}"
    return parts[0]


def _few(items: Sequence[str], limit: int = 2) -> str:
    shown = "; ".join(items[:limit])
    return shown + (f" và {len(items) - limit} tiêu chí khác" if len(items) > limit else "")


def main_reason(
    verdict: str | None, fails: Sequence[str], waivable: Sequence[str], missing: Sequence[str], errors: str = ""
) -> str:
    """Why, in a few words: the criteria not met (not eligible), those left to the authority (special case),
    the data to record (incomplete); the input errors of a row that could not be read."""
    if verdict == "not_eligible":
        return "Không đạt: " + _few(fails)
    if verdict == "needs_authority":
        return "Cần cấp có thẩm quyền xem xét: " + _few(waivable)
    if verdict == "incomplete":
        return "Còn thiếu: " + _few(missing, 3).replace("tiêu chí khác", "mục khác")
    if verdict == "eligible":
        return ""
    return "Lỗi dữ liệu: " + errors if errors else "Lỗi dữ liệu"
