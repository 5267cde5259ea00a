"""Schema of the rule-pack files in ``rules/`` (pydantic, strict: unknown keys are errors)."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any, Literal, get_args

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, field_validator, model_validator

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


class SeedQuote(Strict):
    """Where a provincial target stands in its seed (the provincial plan numbered ``NNN`` among the five the
    rule pack's provincial items were read from; its source is the overlay's document) and the seed's own words."""

    seed: str  # "004"
    lines: str  # "105" or "96; Phụ lục 1 dòng 263–266"
    text: str


class CommitteeScope(Strict):
    """Party committee seats a target counts (cấp ủy viên, ủy viên ban thường vụ), at some levels."""

    levels: list[str] | None = None  # None: every level
    role: Literal["member", "standing"] = "member"  # standing: ủy viên ban thường vụ (and the secretaries)


class MeasurePart(Strict):
    """One condition of an ``all_of`` measure (Hải Dương: đại học **and** trung cấp LLCT **and** QLNN)."""

    measure: Literal["degree_at_least", "political_theory_at_least", "state_management_at_least"]
    rank_at_least: str


Measure = Literal[
    "young",
    "women",
    "ethnic_minority",
    "nonlocal_heads",
    "degree_at_least",
    "political_theory_at_least",
    "state_management_at_least",
    "civil_service_grade_at_least",
    "minority_language",
    "party_member",
    "all_of",
    "title_standard",
    "concurrent_titles",
]
MEASURES: tuple[str, ...] = get_args(Measure)


class PoolTarget(Strict):
    """A share target for a pool (cơ cấu): reported by the batch, never an individual test.

    ``kind``: ``pool`` (a share of a group), ``training`` (people to be trained: reported, never a bar) or
    ``informational`` (a share reported with no number, where the source gives none). ``basis``: ``screened``
    counts every screened row by the post the pool is screened for (the structure of a planning pool, QĐ 50);
    ``roster`` places each row in or out of scope by its **own** current posts, active planning entries
    (``population``) and committee seats (the seeds' targets are about the whole corps). The target is shown
    from ``from`` (the plan's date, or its documented lower bound) through 31/12/``year`` ("đến năm Y"), cut at
    ``until`` (a replacing document) and at the end of its province as the unit it was (a 2025 merger).
    """

    id: str
    vi: str
    en: str
    kind: Literal["pool", "training", "informational"] = "pool"
    measure: Measure
    # scope
    basis: Literal["screened", "roster"] = "screened"
    population: Literal["incumbents", "planned", "both"] = "incumbents"
    groups: list[str] = Field(default_factory=lambda: ["any"])  # title groups; [] = no post-based scope
    exclude_groups: list[str] = Field(default_factory=list)
    levels: list[str] | None = None
    committee: CommitteeScope | None = None  # also counts people holding such a seat (roster only)
    # what is measured
    age_under: int | None = None
    rank_at_least: str | None = None
    parts: list[MeasurePart] = Field(default_factory=list)  # all_of
    standards: list[Literal["degree", "political_theory"]] = Field(default_factory=list)  # title_standard
    titles: list[str] = Field(default_factory=list)  # concurrent_titles: held together, in the same district
    # the number
    op: Literal["ge", "gt", "le"] = "ge"
    percent: int | None = Field(default=None, ge=0, le=100)
    percent_max: int | None = Field(default=None, ge=0, le=100)  # upper end of a range target ("15–20%")
    count_min: int | None = Field(default=None, ge=0)  # count targets ("từ 2 đến 3 địa phương")
    count_max: int | None = Field(default=None, ge=0)
    binding: bool = True  # False: "phấn đấu", "khoảng" — an aim
    # when and where
    from_: dt.date = Field(alias="from")
    year: int | None = None  # "đến năm Y": the horizon
    until: dt.date | None = None  # the last day, when a document ends it before its horizon
    province: str | None = None  # overlay targets: the province of the plan
    source: Citation
    quote: SeedQuote | None = None  # provincial targets: the seed's words

    @model_validator(mode="after")
    def _shape(self) -> PoolTarget:
        numbered = self.percent is not None or self.count_min is not None
        if self.kind == "informational" and numbered:
            raise ValueError("an informational target has no number (percent, count_min)")
        if self.kind != "informational" and not numbered:
            raise ValueError("a pool or training target needs percent or count_min")
        if self.percent is not None and self.count_min is not None:
            raise ValueError("percent or count_min, not both")
        if self.basis == "screened" and (self.committee is not None or self.population != "incumbents"):
            raise ValueError("committee and population need basis: roster")
        return self


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


class HistoricalProvince(Strict):
    """A province that no longer exists and was split (or absorbed) before the 2025 arrangement — Hà Tây,
    Nghệ Tĩnh, Hải Hưng … Profiles still name them (quê quán recorded long ago); a place recorded so is read as
    the unit(s) it became: one unit → that unit; several → the comparison needs a place recorded today."""

    code: str
    vi: str
    until: dt.date  # the last day it existed (or, where that day was not read, the resolution that ended it)
    successors: list[str]  # the units its territory went to (current or other historical codes)
    source: Citation
    aliases: list[str] = Field(default_factory=list)
    note: str | None = None


class LocalitiesFile(Strict):
    provinces: list[Province]
    mergers: list[Merger] = Field(default_factory=list)
    historical: list[HistoricalProvince] = Field(default_factory=list)
