"""Schema of the rule-pack files in ``rules/`` (pydantic, strict: unknown keys are errors)."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, field_validator

from eligibility.facts.catalog import TOPICS

Tag = Literal["P", "S", "D", "M"]
TAG_ORDER = {"P": 0, "S": 1, "D": 2, "M": 3}  # higher = weaker evidence


def weakest(tags: list[str]) -> str:
    return max(tags, key=lambda t: TAG_ORDER[t]) if tags else "M"


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True)


class Bilingual(Strict):
    vi: str
    en: str


class Source(Strict):
    """A legal document (văn bản)."""

    id: str
    number: str
    title_vi: str
    title_en: str
    issuer: str
    issued: dt.date | None = None
    effective: dt.date | None = None
    replaced_by: list[str] = Field(default_factory=list)
    urls: list[str] = Field(default_factory=list)
    note: str | None = None


class SourcesFile(Strict):
    sources: list[Source]


class Regime(Strict):
    """A window during which a set of documents governed personnel work."""

    id: str
    vi: str
    en: str
    from_: dt.date = Field(alias="from")
    until: dt.date | None = None  # last day in force (inclusive)
    documents: list[str]
    side: Literal["party", "state", "both"]
    note: str | None = None

    def in_force(self, d: dt.date) -> bool:
        return self.from_ <= d and (self.until is None or d <= self.until)


class RegimesFile(Strict):
    regimes: list[Regime]


class Citation(Strict):
    id: str  # source id
    article: str  # điều, khoản, mục
    tag: Tag
    note: str | None = None


class DatedCitation(Citation):
    """The legal basis of a criterion from a date on (the same test under a later document)."""

    from_: dt.date = Field(alias="from")


class ParameterValue(Strict):
    from_: dt.date = Field(alias="from")
    until: dt.date | None = None
    value: int | bool | str
    source: Citation

    @field_validator("value", mode="before")
    @classmethod
    def _no_float(cls, v: Any) -> Any:
        if isinstance(v, float):
            raise ValueError("parameters are integers, booleans or codes (no floats)")
        return v


class Parameter(Strict):
    """A threshold as a step function of time."""

    vi: str
    en: str
    unit: Literal["months", "years", "count", "rank", "code", "flag", "percent"]
    values: list[ParameterValue]

    @field_validator("values")
    @classmethod
    def _ordered(cls, values: list[ParameterValue]) -> list[ParameterValue]:
        if not values:
            raise ValueError("a parameter needs at least one dated value")
        for a, b in zip(values, values[1:], strict=False):
            if b.from_ <= a.from_:
                raise ValueError("values must be in increasing 'from' order")
            if a.until is not None and a.until >= b.from_:
                raise ValueError(f"value from {a.from_} overlaps the next one")
        return values


class ParametersFile(Strict):
    parameters: dict[str, Parameter]


class Window(Strict):
    from_: dt.date = Field(alias="from")
    until: dt.date | None = None

    def contains(self, d: dt.date) -> bool:
        return self.from_ <= d and (self.until is None or d <= self.until)


class Messages(Strict):
    pass_: Bilingual = Field(alias="pass")
    fail: Bilingual
    unknown: Bilingual | None = None


def _known_topic(value: str) -> str:
    if value not in TOPICS:
        raise ValueError(f"unknown topic {value!r}; known: {', '.join(TOPICS)}")
    return value


Topic = Annotated[str, AfterValidator(_known_topic)]  # the topics are declared in eligibility.facts.catalog

Action = Literal["planning", "appointment", "reappointment", "nomination", "rotation", "nonlocal_placement"]
StaffStatus = Literal["can_bo", "cong_chuc", "vien_chuc", "other"]


class CoverageGap(Strict):
    """A window in which the criterion is not evaluated: either the law of that time had no such
    condition (``not_required``, with the source that says so) or it had one that is not encoded
    (``not_encoded``, with the document whose text was not read)."""

    from_: dt.date = Field(alias="from")
    until: dt.date | None = None  # last day, inclusive
    reason: Bilingual
    source: Citation | None = None

    def contains(self, d: dt.date) -> bool:
        return self.from_ <= d and (self.until is None or d <= self.until)


class CoveredBy(Strict):
    """A window in which the same test is evaluated by another criterion (no second finding)."""

    from_: dt.date = Field(alias="from")
    until: dt.date
    criterion: str
    note: str | None = None

    def contains(self, d: dt.date) -> bool:
        return self.from_ <= d <= self.until


class Criterion(Strict):
    """One legal condition, with the text it encodes and its messages."""

    id: str
    actions: list[Action]
    topic: Topic
    title: Bilingual
    groups: list[str] = Field(default_factory=lambda: ["any"])  # title groups it applies to
    exclude_groups: list[str] = Field(default_factory=list)  # title groups it does not apply to
    levels: list[str] | None = None  # post levels it applies to
    events: list[str] | None = None  # nomination events it applies to
    province: str | None = None  # overlays: the province it applies to
    in_force: Window
    applies_when: Any = None  # condition over request facts
    condition: Any
    waivable: bool = False  # "trường hợp đặc biệt do cấp có thẩm quyền xem xét, quyết định"
    # criteria whose failure takes the waiver away: no competent authority can waive a requirement of working
    # time left for a person who is already past the retirement age (a fail of common.not_past_retirement)
    waiver_blocked_by: list[str] = Field(default_factory=list)
    note: bool = False  # informational: says which rule applies, never blocks (fail is reported as pass)
    source: Citation
    later_sources: list[DatedCitation] = Field(default_factory=list)  # same test, later legal basis
    legal_text: str | None = None  # paraphrase of the provision, Catala-style, beside the rule
    message: Messages
    # the person's status (profile) the criterion applies to; an unknown status leaves a failing test unknown
    staff_status: list[StaffStatus] | None = None
    not_required: list[CoverageGap] = Field(default_factory=list)
    not_encoded: list[CoverageGap] = Field(default_factory=list)
    covered_by: list[CoveredBy] = Field(default_factory=list)

    @field_validator("not_required")
    @classmethod
    def _sourced(cls, gaps: list[CoverageGap]) -> list[CoverageGap]:
        for g in gaps:
            if g.source is None or g.until is None:
                raise ValueError("a not_required window needs 'until' and the 'source' that says so")
        return gaps

    def gap_on(self, d: dt.date) -> tuple[str, CoverageGap | CoveredBy] | None:
        """The declared coverage window containing ``d``: ("not_encoded" | "not_required" | "covered_by", window)."""
        for g in self.not_encoded:
            if g.contains(d):
                return "not_encoded", g
        if self.in_force.contains(d):
            return None
        for g in self.not_required:
            if g.contains(d):
                return "not_required", g
        for cb in self.covered_by:
            if cb.contains(d):
                return "covered_by", cb
        return None

    def citation_on(self, d: dt.date) -> Citation:
        current: Citation = self.source
        for later in sorted(self.later_sources, key=lambda c: c.from_):
            if later.from_ <= d:
                current = later
        return current


class CriteriaFile(Strict):
    criteria: list[Criterion]


class TitleStandard(Strict):
    """A title's standard over a window; levels are codes of the model vocabularies."""

    from_: dt.date = Field(alias="from")
    until: dt.date | None = None
    degree: str | None = None
    political_theory: str | None = None
    state_management: str | None = None
    prior_grade: int | None = None
    minority_language: bool | None = None
    source: Citation


class Title(Strict):
    code: str
    vi: str
    en: str
    level: Literal["commune", "district", "province", "central"]
    grade: int = Field(ge=1, le=100)
    groups: list[str] = Field(default_factory=list)
    standards: list[TitleStandard] = Field(default_factory=list)
    term_years: Literal[3, 5] = 5  # thời hạn giữ chức vụ mỗi lần bổ nhiệm
    note: str | None = None


class NonlocalList(Strict):
    from_: dt.date = Field(alias="from")
    source: Citation


class TitlesFile(Strict):
    grade_note: str
    nonlocal_lists: dict[str, NonlocalList] = Field(default_factory=dict)
    titles: list[Title]


class EventParameter(Strict):
    value: int
    source: Citation


class Event(Strict):
    """A nomination event: congresses, elections. Fixes the reference month and age convention."""

    vi: str
    en: str
    from_: dt.date = Field(alias="from")  # the directive or guidance that governs it applies from this date
    convention: Literal["actual", "fixed_60_55", "fixed_2021"]
    convention_source: Citation
    reference_months: dict[str, str]  # level → YYYY-MM
    reference_source: Citation
    parameters: dict[str, EventParameter]
    term_start: str | None = None  # YYYY-MM of the term this event opens (for planning)


class EventsFile(Strict):
    events: dict[str, Event]


class PoolTarget(Strict):
    """A share target for a pool (cơ cấu): reported by the batch, never an individual test."""

    id: str
    vi: str
    en: str
    measure: Literal[
        "young",
        "women",
        "ethnic_minority",
        "nonlocal_heads",
        "degree_at_least",
        "political_theory_at_least",
        "minority_language",
    ]
    group: str  # title group or "any"
    levels: list[str] | None = None
    age_under: int | None = None
    rank_at_least: str | None = None
    op: Literal["ge", "gt", "le"] = "ge"
    percent_max: int | None = Field(default=None, ge=0, le=100)  # upper end of a range target ("15–20%")
    percent: int = Field(ge=0, le=100)
    year: int
    binding: bool = True
    source: Citation


class Overlay(Strict):
    province: str
    vi: str
    en: str
    documents: list[str]
    criteria: list[Criterion] = Field(default_factory=list)
    pool_targets: list[PoolTarget] = Field(default_factory=list)


class CentralTargetsFile(Strict):
    pool_targets: list[PoolTarget]


class ActionCoverage(Strict):
    """The earliest date an action is encoded for, and the regime that starts it."""

    from_: dt.date = Field(alias="from")
    source: Citation
    note: str | None = None


class CoverageFile(Strict):
    """rules/coverage.yaml: how far the pack was checked against the law, and where each action begins."""

    reviewed_through: dt.date
    actions: dict[Action, ActionCoverage]
    note: str | None = None


class Claim(Strict):
    """One checked statement of a source, with where it was read (rules/verification.yaml)."""

    article: str
    claim: str
    tag: Tag
    agrees_with_rulebook: Literal["true", "false", "partly", "none"]
    value: str | None = None
    url: str | None = None
    quote_vi: str | None = None
    note: str | None = None


class VerificationFile(Strict):
    claims: dict[str, list[Claim]]


class Province(Strict):
    """A province or centrally run city (or the marker for a place abroad) — rules/localities.yaml."""

    code: str
    vi: str
    kind: Literal["tinh", "thanh_pho", "abroad"]
    until: dt.date | None = None  # last day it existed as a unit (absorbed by a merger the next day)
    aliases: list[str] = Field(default_factory=list)
    note: str | None = None


class Merger(Strict):
    """Provinces absorbed into others from a date: into → the members absorbed (the unit keeps its own code)."""

    from_: dt.date = Field(alias="from")
    source: Citation
    into: dict[str, list[str]]


class LocalitiesFile(Strict):
    provinces: list[Province]
    mergers: list[Merger] = Field(default_factory=list)
