"""The cadre profile (hồ sơ cán bộ): what the personnel file says about one person.

Keys are English; values may be Vietnamese as officers write them ("nữ", "Đại học",
"cao cấp", "khiển trách"). Every field that the file may not record is optional and stays
``None`` when absent: the engine then reports the criteria that need it as ``unknown``,
never as a pass or a fail. An empty list means "recorded: none" (e.g. ``discipline: []`` — no
discipline on file), which is different from a missing list (not recorded).
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from pydantic import AfterValidator, BaseModel, BeforeValidator, ConfigDict, Field, field_validator

from eligibility.model import levels as lv
from eligibility.model.dates import BirthDate, FullDate


def _code(vocab: lv.Vocabulary) -> Any:
    return BeforeValidator(vocab.parse)


def _text(raw: object) -> object:
    return lv.nfc(raw).strip() if isinstance(raw, str) else raw


def _locality_code(raw: object) -> object:
    """Locality codes are folded ("Lào Cai", "lao-cai" and "LAO CAI" are the same province)."""
    if isinstance(raw, str):
        return lv.fold(raw).replace(" ", "-")
    return raw


Text = Annotated[str, AfterValidator(lv.nfc)]
LocalityCode = Annotated[str, BeforeValidator(_locality_code)]
Sex = Annotated[str, _code(lv.SEX)]
Degree = Annotated[str, _code(lv.DEGREE)]
PoliticalTheory = Annotated[str, _code(lv.POLITICAL_THEORY)]
StateManagement = Annotated[str, _code(lv.STATE_MANAGEMENT)]
CivilServiceGrade = Annotated[str, _code(lv.CIVIL_SERVICE_GRADE)]
Assessment = Annotated[str, _code(lv.ASSESSMENT)]
DisciplineForm = Annotated[str, _code(lv.DISCIPLINE_FORM)]
DisciplineKind = Annotated[str, _code(lv.DISCIPLINE_KIND)]
DisciplineStatus = Annotated[str, _code(lv.DISCIPLINE_STATUS)]
Investigation = Annotated[str, _code(lv.INVESTIGATION)]
PoliticalStandard = Annotated[str, _code(lv.POLITICAL_STANDARD)]
Level = Annotated[str, _code(lv.LEVEL)]
CommitteeRole = Annotated[str, _code(lv.COMMITTEE_ROLE)]
Relation = Annotated[str, _code(lv.RELATION)]
StaffStatus = Annotated[str, _code(lv.STAFF_STATUS)]
EndReason = Annotated[str, _code(lv.END_REASON)]


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True, defer_build=True)


class _Period(Strict):
    """A record with ``from`` and ``to`` (a post, a committee seat, a leave): ``to`` may not be before ``from``."""

    @field_validator("to", check_fields=False)
    @classmethod
    def _after_from(cls, v: dt.date | None, info: Any) -> dt.date | None:
        start = info.data.get("from_")
        if v is not None and start is not None and v < start:
            raise ValueError("ngày kết thúc trước ngày bắt đầu / 'to' is before 'from'")
        return v


class Place(Strict):
    """A place: province (tỉnh, thành phố) and optionally the units below it — district (huyện, quận, thị xã,
    thành phố thuộc tỉnh; until 30/6/2025) and commune (xã, phường, thị trấn, đặc khu). Names are folded like
    province codes ("Huyện Bảo Thắng" and "bao-thang" are compared as the same district).

    ``as_of``: the date whose map the place is written in, when the file says so. Communes were merged on
    1/7/2025 and the project has no old → new commune mapping: a commune written before then cannot be matched
    with a commune of today, so such a comparison stays unknown unless the place is written as of 1/7/2025 or
    later."""

    province: LocalityCode
    district: LocalityCode | None = None
    commune: LocalityCode | None = None
    as_of: FullDate | None = None


class CommitteeSeat(_Period):
    """A seat on a Party committee (cấp ủy): its level, where, and the role (member, standing committee member,
    deputy secretary, secretary); the current seat has no ``to`` date."""

    level: Level
    role: CommitteeRole = "member"
    province: LocalityCode | None = None
    district: LocalityCode | None = None
    commune: LocalityCode | None = None
    term: Text | None = None  # e.g. "2020-2025"
    from_: FullDate | None = Field(default=None, alias="from")
    to: FullDate | None = None

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True, str_strip_whitespace=True)

    def held_on(self, on: dt.date) -> bool:
        """Held on ``on``: from ``from`` (or, if absent, assumed held) to ``to``; a seat of a term that has
        ended (``term`` "2015-2020" on a date after 2020) is not held."""
        if self.from_ is not None and self.from_ > on:
            return False
        if self.to is not None and self.to < on:
            return False
        if self.to is None and self.term:
            parts = self.term.replace("–", "-").split("-")
            if len(parts) == 2 and parts[1].strip().isdigit() and int(parts[1]) < on.year:
                return False
        return True


class PartyMembership(Strict):
    """Party membership (đảng viên): ``member: false`` for a non-member."""

    member: bool
    joined: FullDate | None = None  # ngày vào Đảng
    official: FullDate | None = None  # ngày chính thức


class Language(Strict):
    language: Text
    level: Text | None = None


class Education(Strict):
    degree: Degree | None = None  # trình độ chuyên môn cao nhất
    field: Text | None = None  # chuyên ngành
    political_theory: PoliticalTheory | None = None  # lý luận chính trị
    state_management: StateManagement | None = None  # quản lý nhà nước
    civil_service_grade: CivilServiceGrade | None = None  # ngạch
    foreign_languages: list[Language] | None = None
    minority_languages: list[Text] | None = None  # tiếng dân tộc thiểu số


class Post(_Period):
    """A post held (chức vụ): the current one has no ``to`` date."""

    title: Text  # title code from rules/titles.yaml, or free text for posts outside the catalogue
    name: Text | None = None
    level: Level | None = None
    locality: LocalityCode | None = None  # the province of the post
    district: LocalityCode | None = None  # the district of a district or commune post (until 30/6/2025)
    commune: LocalityCode | None = None  # the commune of a commune post
    body: Text | None = None  # cơ quan, đơn vị
    from_: FullDate = Field(alias="from")
    to: FullDate | None = None
    relation: Relation | None = None  # compared with the previous post: higher / equivalent / lower
    head: bool | None = None  # người đứng đầu
    # how the post ended (with ``to``): completed, thôi giữ chức vụ, từ chức, miễn nhiệm, cách chức…;
    # None = not recorded
    end_reason: EndReason | None = None
    acting: bool = False  # giao quyền (quyền trưởng): not counted as time in post from 1/8/2026 (NĐ 300 Điều 14)

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)


class PlanningEntry(Strict):
    """An approved planning entry (quy hoạch): title, term and approval date."""

    title: Text
    term: Text | None = None  # e.g. "2025-2030"
    approved: FullDate | None = None
    removed: FullDate | None = None  # đưa ra khỏi quy hoạch


class LocalityWorked(Strict):
    """Years worked in a place (the province, and when known the district or commune)."""

    province: LocalityCode
    years: int = Field(ge=0, le=60)
    district: LocalityCode | None = None
    commune: LocalityCode | None = None
    as_of: FullDate | None = None  # the date whose map the place is written in (see Place)


class DisciplineRecord(Strict):
    """A discipline record (kỷ luật): Party or State, the form, the decision date and status."""

    kind: DisciplineKind
    form: DisciplineForm
    decided: FullDate | None = None  # ngày quyết định (required unless pending)
    status: DisciplineStatus = "decided"
    note: Text | None = None


class PoliticalConclusion(Strict):
    """Kết luận tiêu chuẩn chính trị (QĐ 58-QĐ/TW): result đạt / không đạt / chưa có."""

    result: PoliticalStandard
    date: FullDate | None = None
    authority: Text | None = None


class Health(Strict):
    fit: bool  # đủ sức khỏe để hoàn thành nhiệm vụ
    date: FullDate | None = None


class AssetDeclaration(Strict):
    """Kê khai tài sản, thu nhập."""

    date: FullDate | None = None
    verified: bool


class Leave(_Period):
    """A period of leave (nghỉ chế độ thai sản): ``to`` is the last day, inclusive; open while ``to`` is absent."""

    from_: FullDate = Field(alias="from")
    to: FullDate | None = None

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)

    def contains(self, d: dt.date) -> bool:
        return self.from_ <= d and (self.to is None or d <= self.to)


class RetirementOverride(Strict):
    """A retirement age set by law for this person (later or earlier than ND 135, armed forces)."""

    years: int = Field(ge=40, le=75)
    months: int = Field(default=0, ge=0, le=11)
    reason: Text


class Profile(Strict):
    """One cadre's file. Only ``id``, ``sex`` and ``birth_date`` are required."""

    id: Text
    full_name: Text | None = None
    sex: Sex
    birth_date: BirthDate
    staff_status: StaffStatus | None = None  # cán bộ / công chức / viên chức / khác; None = not recorded
    ethnicity: Text | None = None
    hometown: Place | None = None  # quê quán
    birthplace: Place | None = None  # nơi sinh
    grew_up_in: Place | None = None  # nơi lớn lên, trưởng thành
    party: PartyMembership | None = None
    education: Education = Field(default_factory=Education)
    posts: list[Post] | None = None  # quá trình công tác (chức vụ); [] = never held a post
    planning: list[PlanningEntry] | None = None  # [] = in no plan
    localities_worked: list[LocalityWorked] | None = None
    assessments: dict[int, Assessment] | None = None  # year → rating
    discipline: list[DisciplineRecord] | None = None  # [] = no discipline on file
    investigation: Investigation | None = None  # điều tra, truy tố, xét xử
    political_standard: PoliticalConclusion | None = None
    health: Health | None = None
    asset_declaration: AssetDeclaration | None = None
    file_verified: bool | None = None  # hồ sơ, lý lịch được thẩm định, xác minh rõ ràng
    abroad_or_inpatient_months: int | None = Field(default=None, ge=0)  # đi nước ngoài / điều trị nội trú
    maternity_leave: list[Leave] | None = None  # nghỉ chế độ thai sản; [] = none on file
    barred_from_office: bool | None = None  # bị cấm đảm nhiệm chức vụ (Đảng, pháp luật)
    # đang giải quyết tố cáo, khiếu nại kỷ luật, kiểm tra khi có dấu hiệu vi phạm, bị kiến nghị xử lý theo
    # kết luận thanh tra, kiểm toán (NĐ 170/2025 Điều 29 khoản 9 điểm d, NĐ 300/2026)
    under_inspection: bool | None = None
    suspended: bool | None = None  # đang bị tạm đình chỉ công tác
    # có thông tin của cơ quan chức năng về trách nhiệm cá nhân trong vụ án, vụ việc chưa có kết luận
    # (NĐ 170/2025 Điều 36 khoản 3 điểm d, NĐ 300/2026)
    responsibility_review: bool | None = None
    retirement_override: RetirementOverride | None = None
    committees: list[CommitteeSeat] | None = None  # cấp ủy: seats held or held before; [] = none

    @field_validator("discipline")
    @classmethod
    def _decided_dates(cls, v: list[DisciplineRecord] | None) -> list[DisciplineRecord] | None:
        for i, rec in enumerate(v or []):
            if rec.status != "pending" and rec.decided is None:
                raise ValueError(
                    f"bản ghi kỷ luật {i}: thiếu ngày quyết định / discipline record {i}: 'decided' date missing"
                )
        return v

    def current_posts(self, on: dt.date) -> list[Post]:
        return [p for p in self.posts or [] if p.from_ <= on and (p.to is None or p.to >= on)]
