"""Dates as officers write them: full, month-only or year-only.

A birth date is often known only to the month (``1965-02``) or the year (``1965``); the
regulation (ND 135/2020 Điều 3) then uses 1 January of that year. Other dates (decisions,
approvals) may be written ``2024-03-15`` or ``15/03/2024``.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Annotated, Literal

from pydantic import BeforeValidator, PlainSerializer, PlainValidator, WithJsonSchema

from eligibility.model.levels import nfc

Precision = Literal["day", "month", "year"]

_ISO = re.compile(r"^(\d{4})(?:-(\d{1,2})(?:-(\d{1,2}))?)?$")
_VN = re.compile(r"^(?:(\d{1,2})[/.])?(\d{1,2})[/.](\d{4})$")


class PartialDate:
    """A date known to the day, the month or only the year."""

    __slots__ = ("year", "month", "day", "precision")

    def __init__(self, year: int, month: int | None = None, day: int | None = None) -> None:
        if day is not None and month is None:
            raise ValueError("a day without a month")
        if not 1900 <= year <= 2100:  # before the calendar check: a year past 2³¹ overflows dt.date
            raise ValueError("năm ngoài khoảng 1900–2100 / year outside 1900–2100")
        dt.date(year, month or 1, day or 1)  # validates the calendar
        self.year = year
        self.month = month
        self.day = day
        self.precision: Precision = "day" if day is not None else "month" if month is not None else "year"

    @property
    def effective_month(self) -> int:
        """The month used for calculations: the month itself, or January for a year-only date."""
        return self.month or 1

    def first_day(self) -> dt.date:
        return dt.date(self.year, self.month or 1, self.day or 1)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, PartialDate) and (self.year, self.month, self.day) == (
            other.year,
            other.month,
            other.day,
        )

    def __hash__(self) -> int:
        return hash((self.year, self.month, self.day))

    def __repr__(self) -> str:
        return f"PartialDate({self.isoformat()!r})"

    def isoformat(self) -> str:
        if self.day is not None:
            return f"{self.year:04d}-{self.month:02d}-{self.day:02d}"
        if self.month is not None:
            return f"{self.year:04d}-{self.month:02d}"
        return f"{self.year:04d}"


_FORMATS = "YYYY-MM-DD, YYYY-MM, YYYY, DD/MM/YYYY, MM/YYYY"


def parse_partial_date(raw: object) -> PartialDate:
    if isinstance(raw, PartialDate):
        return raw
    if isinstance(raw, dt.datetime):
        raw = raw.date()
    if isinstance(raw, dt.date):
        return PartialDate(raw.year, raw.month, raw.day)
    if isinstance(raw, bool):
        raise ValueError(f"ngày không hợp lệ; định dạng: {_FORMATS} / invalid date; formats: {_FORMATS}")
    if isinstance(raw, int):
        return PartialDate(raw)
    if isinstance(raw, str):
        text = nfc(raw).strip()
        try:
            m = _ISO.match(text)
            if m:
                y, mo, d = m.groups()
                return PartialDate(int(y), int(mo) if mo else None, int(d) if d else None)
            m = _VN.match(text)
            if m:
                d, mo, y = m.groups()
                return PartialDate(int(y), int(mo), int(d) if d else None)
        except ValueError as exc:
            if " / " in str(exc):  # already bilingual (a year outside 1900–2100)
                raise ValueError(str(exc)) from None
            raise ValueError(f"ngày không tồn tại / no such date: {exc}") from None
    raise ValueError(f"ngày không hợp lệ; định dạng: {_FORMATS} / invalid date; formats: {_FORMATS}")


def parse_full_date(raw: object) -> dt.date:
    pd = parse_partial_date(raw)
    if pd.precision != "day":
        raise ValueError(
            "cần ngày đầy đủ (YYYY-MM-DD hoặc DD/MM/YYYY) / a full date is needed (YYYY-MM-DD or DD/MM/YYYY)"
        )
    return pd.first_day()


def parse_month(raw: object) -> PartialDate:
    pd = parse_partial_date(raw)
    if pd.precision == "year":
        raise ValueError("cần tháng và năm (YYYY-MM) / month and year needed (YYYY-MM)")
    return PartialDate(pd.year, pd.month)


BirthDate = Annotated[
    PartialDate,
    PlainValidator(parse_partial_date),
    PlainSerializer(lambda d: d.isoformat(), return_type=str),
    WithJsonSchema({"type": "string", "examples": ["1965-02-14", "1965-02", "1965"]}),
]
FullDate = Annotated[dt.date, BeforeValidator(parse_full_date)]
Month = Annotated[
    PartialDate,
    PlainValidator(parse_month),
    PlainSerializer(lambda d: d.isoformat(), return_type=str),
    WithJsonSchema({"type": "string", "examples": ["2021-05"]}),
]
