"""Retirement age (tuổi nghỉ hưu) and the month it is reached.

Law: Bộ luật Lao động 2019 Điều 169 khoản 2 and Nghị định 135/2020/NĐ-CP Điều 3–4 (from
1/1/2021): men 60 years 3 months in 2021, +3 months a year up to 62 (2028); women 55 years
4 months in 2021, +4 months a year up to 60 (2035). Before 2021: 60 / 55. The retirement age
is reached in a month; the pension starts the month after (ND 135 Điều 3). A birth date known
only to the year counts from 1 January.

The age that applies to a birth month is the one scheduled for the calendar year in which the
person would reach it; of the candidate years, the first one whose scheduled age falls inside
it (docs/rulebook.md §9.1 [D], checked against every row of ND 135 Phụ lục I in the tests).

Conventions (how personnel work counted it at the time, docs/rulebook.md §10):
- ``actual``: the ND 135 schedule above (HD 06-HD/BTCTW, from 1/8/2021);
- ``fixed_60_55``: 60 / 55, as for the 2020–2025 party congresses (KL 60, HD 26/2019);
- ``fixed_2021``: 60y3m / 55y4m, as for the 2021 National Assembly and People's Council
  elections (HD 36-HD/BTCTW);
- a per-person override (``Profile.retirement_override``) set by law for that person (armed
  forces, later or earlier retirement) replaces the age under every convention.
"""

from __future__ import annotations

from dataclasses import dataclass

from eligibility.facts.months import format_month, month_index

CONVENTIONS = ("actual", "fixed_60_55", "fixed_2021")

CONVENTION_LABELS = {
    "actual": ("tuổi nghỉ hưu thực tế theo BLLĐ 2019 và NĐ 135/2020", "actual retirement age (BLLĐ 2019, ND 135/2020)"),
    "fixed_60_55": ("quy ước 60 (nam) / 55 (nữ)", "fixed 60 (men) / 55 (women)"),
    "fixed_2021": ("quy ước 60 tuổi 3 tháng (nam) / 55 tuổi 4 tháng (nữ)", "fixed 60y3m (men) / 55y4m (women)"),
    "override": ("tuổi nghỉ hưu riêng theo luật", "retirement age set by law for this person"),
}


def statutory_age_months(sex: str, year: int) -> int:
    """Retirement age in months scheduled for calendar ``year`` under normal working conditions."""
    if sex == "male":
        if year < 2021:
            return 60 * 12
        return min(60 * 12 + 3 + 3 * (year - 2021), 62 * 12)
    if sex == "female":
        if year < 2021:
            return 55 * 12
        return min(55 * 12 + 4 + 4 * (year - 2021), 60 * 12)
    raise ValueError(f"unknown sex {sex!r}")


def actual_age_months(sex: str, birth_year: int, birth_month: int) -> int:
    born = month_index(birth_year, birth_month)
    for year in range(birth_year + 50, birth_year + 70):
        age = statutory_age_months(sex, year)
        if (born + age) // 12 == year:
            return age
    raise AssertionError("no retirement year found")  # unreachable: the schedule rises < 12 months a year


@dataclass(frozen=True)
class Retirement:
    """When a person reaches retirement age: the age, the month reached, the first pension month."""

    convention: str
    age_months: int
    reached: int  # month index of the month the age is reached
    overridden: bool = False

    @property
    def age_years_part(self) -> int:
        return self.age_months // 12

    @property
    def age_months_part(self) -> int:
        return self.age_months % 12

    @property
    def pension_from(self) -> int:
        return self.reached + 1

    def as_dict(self) -> dict[str, object]:
        return {
            "convention": self.convention,
            "age_years": self.age_years_part,
            "age_months": self.age_months_part,
            "reached": format_month(self.reached),
            "pension_from": format_month(self.pension_from),
            "overridden": self.overridden,
        }


def retirement(
    sex: str,
    birth_year: int,
    birth_month: int | None,
    convention: str = "actual",
    override_months: int | None = None,
) -> Retirement:
    """Retirement under ``convention``; ``birth_month`` None means year only (1 January)."""
    month = birth_month or 1
    born = month_index(birth_year, month)
    if override_months is not None:
        return Retirement(convention, override_months, born + override_months, overridden=True)
    if convention == "actual":
        age = actual_age_months(sex, birth_year, month)
    elif convention == "fixed_60_55":
        age = 720 if sex == "male" else 660
    elif convention == "fixed_2021":
        age = 723 if sex == "male" else 664
    else:
        raise ValueError(f"unknown retirement convention {convention!r}; known: {', '.join(CONVENTIONS)}")
    return Retirement(convention, age, born + age)


def months_to_retirement(ret: Retirement, reference_month: int) -> int:
    """Whole months from the reference month to the month the retirement age is reached (HD 06).

    HD 06's example: a man born 02/1965 (61y6m, reached 08/2026) has exactly 60 months at 08/2021.
    """
    return ret.reached - reference_month
