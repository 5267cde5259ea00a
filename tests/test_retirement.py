"""Retirement age (BLLĐ 2019 Điều 169, ND 135/2020) against the official table and properties."""

from pathlib import Path

import pytest
import yaml
from hypothesis import given
from hypothesis import strategies as st

from eligibility.facts.months import format_month, month_index
from eligibility.facts.retirement import months_to_retirement, retirement, statutory_age_months

VECTORS = yaml.safe_load((Path(__file__).parent / "data" / "retirement_vectors.yaml").read_text(encoding="utf-8"))


@pytest.mark.parametrize("row", VECTORS, ids=lambda r: f"{r['sex']}-{r['born']}")
def test_official_table_rows(row: dict) -> None:
    year, month = map(int, row["born"].split("-"))
    r = retirement(row["sex"], year, month)
    assert [r.age_years_part, r.age_months_part] == row["age"]
    assert format_month(r.pension_from) == row["pension_from"]
    assert r.pension_from == r.reached + 1


@pytest.mark.parametrize(
    "sex,born,age,reached",
    [  # docs/rulebook.md §9.3, derived ends of the schedule
        ("male", (1960, 12), (60, 0), "2020-12"),
        ("male", (1961, 1), (60, 3), "2021-04"),
        ("male", (1966, 3), (61, 9), "2027-12"),
        ("male", (1966, 4), (62, 0), "2028-04"),
        ("female", (1975, 4), (59, 8), "2034-12"),
        ("female", (1975, 5), (60, 0), "2035-05"),
        ("male", (1958, 8), (60, 0), "2018-08"),  # Vương Duy Biên, retired from 1/9/2018 (§9.4)
    ],
)
def test_schedule_ends(sex: str, born: tuple[int, int], age: tuple[int, int], reached: str) -> None:
    r = retirement(sex, *born)
    assert (r.age_years_part, r.age_months_part) == age
    assert format_month(r.reached) == reached


def test_hd06_worked_example() -> None:
    """HD 06-HD/BTCTW: a man born 02/1965 has exactly 5 years (60 months) left at 08/2021."""
    r = retirement("male", 1965, 2)
    assert (r.age_years_part, r.age_months_part) == (61, 6)
    assert months_to_retirement(r, month_index(2021, 8)) == 60
    assert months_to_retirement(r, month_index(2021, 9)) == 59


def test_year_only_birth_uses_january() -> None:
    assert retirement("female", 1968, None) == retirement("female", 1968, 1)


def test_conventions() -> None:
    assert retirement("male", 1965, 2, "fixed_60_55").age_months == 720
    assert retirement("female", 1965, 2, "fixed_60_55").age_months == 660
    assert retirement("male", 1965, 2, "fixed_2021").age_months == 723
    assert retirement("female", 1965, 2, "fixed_2021").age_months == 664
    assert retirement("female", 1970, 1, "actual", override_months=720).reached == month_index(2030, 1)
    with pytest.raises(ValueError):
        retirement("male", 1965, 2, "fixed_70")


months = st.tuples(st.integers(1955, 1990), st.integers(1, 12))
sexes = st.sampled_from(["male", "female"])


@given(sexes, months, months)
def test_later_birth_never_retires_earlier(sex: str, a: tuple[int, int], b: tuple[int, int]) -> None:
    if month_index(*a) <= month_index(*b):
        assert retirement(sex, *a).reached <= retirement(sex, *b).reached
        assert retirement(sex, *a).age_months <= retirement(sex, *b).age_months


@given(sexes, months)
def test_exactly_one_scheduled_year(sex: str, born: tuple[int, int]) -> None:
    """Every birth month maps to exactly one age: the age of the year in which it is reached."""
    b = month_index(*born)
    fits = [y for y in range(born[0] + 50, born[0] + 70) if (b + statutory_age_months(sex, y)) // 12 == y]
    r = retirement(sex, *born)
    assert fits[0] == r.reached // 12
    assert statutory_age_months(sex, fits[0]) == r.age_months


def test_every_month_1955_1990_has_one_age_within_bounds() -> None:
    for sex, lo, hi in (("male", 720, 744), ("female", 660, 720)):
        prev = 0
        for y in range(1955, 1991):
            for m in range(1, 13):
                age = retirement(sex, y, m).age_months
                assert lo <= age <= hi
                assert age >= prev
                prev = age


def test_override_is_flagged_and_replaces_the_schedule() -> None:
    """A retirement age set by law for the person (armed forces, extension) is marked ``overridden`` and replaces
    the ND 135 age under every convention; the schedule itself is never marked."""
    for convention in ("actual", "fixed_60_55", "fixed_2021"):
        plain = retirement("male", 1970, 3, convention)
        assert plain.overridden is False
        assert plain.as_dict()["overridden"] is False
        r = retirement("male", 1970, 3, convention, override_months=65 * 12)
        assert r.overridden is True
        assert r.as_dict()["overridden"] is True
        assert (r.age_years_part, r.age_months_part) == (65, 0)
        assert format_month(r.reached) == "2035-03"


def test_decision_reports_the_override() -> None:
    from eligibility import evaluate

    profile = {
        "id": "OV-1",
        "sex": "nam",
        "birth_date": "1970-03-10",
        "retirement_override": {"years": 65, "reason": "kéo dài thời gian công tác theo luật"},
    }
    d = evaluate(profile, {"action": "planning", "post": "giam-doc-so", "date": "2025-11-03"})
    assert d.retirement is not None
    assert d.retirement["overridden"] is True
    assert (d.retirement["age_years"], d.retirement["reached"]) == (65, "2035-03")
    del profile["retirement_override"]
    d = evaluate(profile, {"action": "planning", "post": "giam-doc-so", "date": "2025-11-03"})
    assert d.retirement is not None and d.retirement["overridden"] is False
