"""A request: which action, for which post or event, as of which date."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal

from pydantic import AfterValidator, BaseModel, BeforeValidator, ConfigDict, Field, field_validator

from eligibility.model import levels as lv
from eligibility.model.dates import FullDate
from eligibility.model.profile import LocalityCode

Action = Annotated[str, BeforeValidator(lv.ACTION.parse)]
Level = Annotated[str, BeforeValidator(lv.LEVEL.parse)]
Relation = Annotated[str, BeforeValidator(lv.RELATION.parse)]
CandidateSource = Annotated[str, BeforeValidator(lv.CANDIDATE_SOURCE.parse)]
RotationPurpose = Annotated[str, BeforeValidator(lv.ROTATION_PURPOSE.parse)]
PlaceName = Annotated[str, AfterValidator(lambda s: lv.nfc(s).strip())]  # kept as written, for messages


class Request(BaseModel):
    """What is asked of one profile.

    ``date`` is the reference date: the day the personnel body receives the file (HD 06); for a
    nomination, the event fixes the reference month and the age convention instead.
    """

    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True)

    action: Action
    date: FullDate
    post: str | None = None  # title code from rules/titles.yaml
    level: Level | None = None  # taken from the post when a post is given
    locality: LocalityCode | None = None  # province of the post (for overlays and locality tests)
    district: PlaceName | None = None  # district of a district post (until 30/6/2025) or of a commune post, as written
    commune: PlaceName | None = None  # commune of a commune post (for the local-person test at that level), as written
    # nomination: an id of rules/events.yaml (congress-2020, elections-2021, congress-2025, elections-2026)
    event: str | None = None
    reelection: bool = False  # nomination: tái cử
    full_time: bool = False  # nomination: đại biểu chuyên trách
    relation: Relation = "higher"  # appointment: first / higher (default) / equivalent / lower
    candidate_source: CandidateSource | None = None  # appointment: local / outside
    rotation_purpose: RotationPurpose = "training"
    rotation_months: int | None = Field(default=None, ge=1, le=240)  # planned length of the rotation
    minority_area: bool = False  # the post is in an ethnic-minority area (vùng đồng bào dân tộc thiểu số)
    term: str | None = None  # planning: the planned term, e.g. "2026-2031"
    pool_size_for_title: int | None = Field(default=None, ge=0)  # planning: others already planned for the title
    convention: str | None = None  # force a retirement-age convention (fixed_60_55, fixed_2021, actual)
    # reappointment: the last day of the current term (hết thời hạn bổ nhiệm); derived from the current
    # post's start and the term length when absent
    term_end: FullDate | None = None
    # the term of the post in years (thời hạn giữ chức vụ 05 năm / 03 năm); the title's term when absent
    term_years: Literal[3, 5] | None = None

    def reference_date(self) -> dt.date:
        return self.date

    @field_validator("term")
    @classmethod
    def _term(cls, v: str | None) -> str | None:
        if v is None:
            return v
        from eligibility.model.checks import term_problem

        why = term_problem(v)
        if why is not None:
            raise ValueError(f"{why[0]} / {why[1]}")
        return v.strip().replace("–", "-").replace("—", "-").replace(" ", "")
