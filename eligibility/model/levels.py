"""Ordered levels and code lists, with the Vietnamese words officers write.

Each vocabulary maps many spellings ("Đại học", "dai hoc", "university") to one code, and each
ordered vocabulary gives its codes an integer rank so that the engine compares integers, never
strings (durable_rules orders strings wrongly; see docs/DESIGN.md §5).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache


def nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text)


@lru_cache(maxsize=8192)  # pools repeat a few hundred spellings (levels, provinces, ethnicities) row after row
def fold(text: str) -> str:
    """Lower-case, strip accents (đ → d), collapse spaces, hyphens, dashes and underscores to one space."""
    text = unicodedata.normalize("NFD", nfc(text).strip().lower().replace("đ", "d"))
    text = "".join(c for c in text if unicodedata.category(c) != "Mn")
    return re.sub(r"[\s_\-\u2013\u2014]+", " ", text).strip()


@dataclass(frozen=True)
class Vocabulary:
    """A closed list of codes with Vietnamese and English labels and accepted spellings."""

    name: str
    name_vi: str
    codes: tuple[str, ...]
    labels_vi: dict[str, str]
    labels_en: dict[str, str]
    aliases: dict[str, str]
    ordered: bool = False

    def parse(self, raw: object) -> str:
        if not isinstance(raw, str):
            raise ValueError(self._error(raw))
        code = self._lookup().get(fold(raw))
        if code is None:
            raise ValueError(self._error(raw))
        return code

    def _lookup(self) -> dict[str, str]:
        """Folded spelling → code: codes and labels first, then aliases (built once)."""
        table: dict[str, str] | None = self.__dict__.get("_table")
        if table is None:
            table = {}
            for code in reversed(self.codes):
                for name in (self.labels_en[code], self.labels_vi[code], code):
                    table[fold(name)] = code
            for alias, code in self.aliases.items():
                table.setdefault(alias, code)
            object.__setattr__(self, "_table", table)
        return table

    def rank(self, code: str) -> int:
        if not self.ordered:
            raise TypeError(f"{self.name} is not ordered")
        return self.codes.index(code)

    def allowed_vi(self) -> str:
        return ", ".join(self.labels_vi[c] for c in self.codes)

    def _error(self, raw: object) -> str:
        return (
            f"giá trị không hợp lệ cho {self.name_vi}; chấp nhận: {self.allowed_vi()}"
            f" / invalid value for {self.name}; accepted: {', '.join(self.codes)}"
        )


def _vocab(name: str, name_vi: str, rows: list[tuple[str, str, str, list[str]]], ordered: bool) -> Vocabulary:
    codes = tuple(r[0] for r in rows)
    aliases: dict[str, str] = {}
    for code, _vi, _en, extra in rows:
        for a in extra:
            aliases[fold(a)] = code
    return Vocabulary(
        name=name,
        name_vi=name_vi,
        codes=codes,
        labels_vi={r[0]: r[1] for r in rows},
        labels_en={r[0]: r[2] for r in rows},
        aliases=aliases,
        ordered=ordered,
    )


SEX = _vocab(
    "sex",
    "giới tính",
    [("male", "nam", "male", ["m", "men", "man"]), ("female", "nữ", "female", ["f", "nu", "woman", "women"])],
    ordered=False,
)

# trung cấp < cao đẳng < đại học < thạc sĩ < tiến sĩ (rank 0 = none)
DEGREE = _vocab(
    "degree",
    "trình độ chuyên môn",
    [
        ("none", "chưa qua đào tạo", "none", ["không", "khong co", "chua co", "sơ cấp", "phổ thông"]),
        ("trung_cap", "trung cấp", "vocational secondary", ["tc"]),
        ("cao_dang", "cao đẳng", "college", ["cđ"]),
        ("dai_hoc", "đại học", "university", ["cử nhân", "kỹ sư", "bác sĩ", "dh", "bachelor", "engineer"]),
        ("thac_si", "thạc sĩ", "master", ["thạc sỹ", "ths", "masters", "chuyên khoa i", "ck1"]),
        ("tien_si", "tiến sĩ", "doctorate", ["tiến sỹ", "ts", "phd", "doctor", "tiến sĩ khoa học", "tskh"]),
    ],
    ordered=True,
)

# sơ cấp < trung cấp < cao cấp; cử nhân chính trị counts as cao cấp (docs/rulebook.md §11.2)
POLITICAL_THEORY = _vocab(
    "political_theory",
    "trình độ lý luận chính trị",
    [
        ("none", "chưa qua đào tạo", "none", ["không", "chua co"]),
        ("so_cap", "sơ cấp", "elementary", ["sơ cấp lý luận chính trị"]),
        ("trung_cap", "trung cấp", "intermediate", ["trung cấp lý luận chính trị", "trung cap llct", "tc llct"]),
        (
            "cao_cap",
            "cao cấp",
            "advanced",
            [
                "cao cấp lý luận chính trị",
                "cao cap llct",
                "cử nhân",
                "cử nhân chính trị",
                "cử nhân lý luận chính trị",
                "cao cấp lý luận chính trị hành chính",
                "cao cấp llct hc",
                "bachelor of politics",
            ],
        ),
    ],
    ordered=True,
)

# chuyên viên < chuyên viên chính < chuyên viên cao cấp (state-management training programmes)
STATE_MANAGEMENT = _vocab(
    "state_management",
    "trình độ quản lý nhà nước",
    [
        ("none", "chưa qua bồi dưỡng", "none", ["không", "chua co"]),
        ("chuyen_vien", "chuyên viên", "officer programme", ["cv", "qlnn chuyên viên"]),
        ("chuyen_vien_chinh", "chuyên viên chính", "principal officer programme", ["cvc", "qlnn chuyên viên chính"]),
        (
            "chuyen_vien_cao_cap",
            "chuyên viên cao cấp",
            "senior officer programme",
            ["cvcc", "qlnn chuyên viên cao cấp"],
        ),
    ],
    ordered=True,
)

CIVIL_SERVICE_GRADE = _vocab(
    "civil_service_grade",
    "ngạch công chức",
    [
        ("nhan_vien", "nhân viên", "staff", []),
        ("can_su", "cán sự", "assistant officer", []),
        ("chuyen_vien", "chuyên viên", "officer", ["cv"]),
        ("chuyen_vien_chinh", "chuyên viên chính", "principal officer", ["cvc"]),
        ("chuyen_vien_cao_cap", "chuyên viên cao cấp", "senior officer", ["cvcc"]),
    ],
    ordered=True,
)

# Annual assessment ratings (đánh giá, xếp loại chất lượng hằng năm); rank 0 = failed
ASSESSMENT = _vocab(
    "assessment",
    "xếp loại đánh giá",
    [
        ("KHTNV", "không hoàn thành nhiệm vụ", "did not complete duties", ["khtnv"]),
        ("HTNV", "hoàn thành nhiệm vụ", "completed duties", ["htnv"]),
        ("HTTNV", "hoàn thành tốt nhiệm vụ", "completed duties well", ["httnv"]),
        ("HTXSNV", "hoàn thành xuất sắc nhiệm vụ", "completed duties excellently", ["htxsnv"]),
    ],
    ordered=True,
)

DISCIPLINE_FORM = _vocab(
    "discipline_form",
    "hình thức kỷ luật",
    [
        ("khien_trach", "khiển trách", "reprimand", []),
        ("canh_cao", "cảnh cáo", "warning", []),
        ("ha_bac_luong", "hạ bậc lương", "salary-step reduction", []),
        ("giang_chuc", "giáng chức", "demotion", []),
        ("cach_chuc", "cách chức", "dismissal from post", []),
        ("bai_nhiem", "bãi nhiệm", "removal from elected office", []),
        ("buoc_thoi_viec", "buộc thôi việc", "forced resignation", []),
        ("khai_tru", "khai trừ", "expulsion from the Party", []),
    ],
    ordered=True,
)

DISCIPLINE_KIND = _vocab(
    "discipline_kind",
    "loại kỷ luật",
    [
        ("party", "kỷ luật đảng", "Party discipline", ["đảng", "dang"]),
        (
            "state",
            "kỷ luật chính quyền",
            "State (administrative) discipline",
            ["chính quyền", "hành chính", "nhà nước"],
        ),
        ("mass", "kỷ luật đoàn thể", "mass-organisation discipline", ["đoàn thể"]),
    ],
    ordered=False,
)

DISCIPLINE_STATUS = _vocab(
    "discipline_status",
    "tình trạng kỷ luật",
    [
        ("pending", "đang xem xét", "under consideration", ["đang xem xét kỷ luật", "chưa quyết định"]),
        ("decided", "đã quyết định", "decided", ["có hiệu lực", "đang thi hành"]),
        ("expired", "hết hiệu lực", "expired", ["đã hết thời hạn", "het hieu luc"]),
    ],
    ordered=False,
)

INVESTIGATION = _vocab(
    "investigation",
    "tình trạng điều tra, truy tố, xét xử",
    [
        ("none", "không", "none", ["không bị điều tra", "khong"]),
        ("investigated", "đang bị điều tra", "under investigation", ["điều tra"]),
        ("prosecuted", "đang bị truy tố", "being prosecuted", ["truy tố"]),
        ("on_trial", "đang bị xét xử", "on trial", ["xét xử"]),
        # NĐ 170/2025 Điều 29 khoản 9 điểm đ (NĐ 300/2026): tạm giữ, tạm giam, khởi tố
        (
            "detained",
            "đang bị tạm giữ, tạm giam",
            "held or detained",
            ["tạm giữ", "tạm giam", "bị tạm giữ", "bị tạm giam"],
        ),
        ("charged", "đang bị khởi tố", "charged (prosecution opened)", ["khởi tố", "bị khởi tố", "khởi tố bị can"]),
    ],
    ordered=False,
)

POLITICAL_STANDARD = _vocab(
    "political_standard",
    "kết luận tiêu chuẩn chính trị",
    [
        ("dat", "đạt", "met", ["đạt tiêu chuẩn chính trị", "yes", "ok"]),
        ("khong_dat", "không đạt", "not met", ["không đạt tiêu chuẩn chính trị", "no"]),
        ("chua_co", "chưa có", "no conclusion yet", ["chưa có kết luận", "chưa kết luận", "pending"]),
    ],
    ordered=False,
)

LEVEL = _vocab(
    "level",
    "cấp",
    [
        ("commune", "cấp xã", "commune", ["xã", "phường", "thị trấn", "đặc khu", "cơ sở"]),
        ("district", "cấp huyện", "district", ["huyện", "quận", "thị xã", "thành phố thuộc tỉnh"]),
        ("province", "cấp tỉnh", "province", ["tỉnh", "thành phố trực thuộc trung ương"]),
        ("central", "trung ương", "central", ["tw", "cấp trung ương"]),
    ],
    ordered=True,
)

RELATION = _vocab(
    "relation",
    "tương quan chức vụ",
    [
        ("first", "bổ nhiệm lần đầu", "first appointment", ["lần đầu"]),
        ("higher", "chức vụ cao hơn", "higher post", ["cao hơn"]),
        ("equivalent", "chức vụ tương đương", "equivalent post", ["tương đương", "ngang"]),
        ("lower", "chức vụ thấp hơn", "lower post", ["thấp hơn"]),
    ],
    ordered=False,
)

CANDIDATE_SOURCE = _vocab(
    "candidate_source",
    "nguồn nhân sự",
    [
        ("local", "nguồn tại chỗ", "local source", ["tại chỗ"]),
        ("outside", "nguồn từ nơi khác", "outside source", ["nơi khác", "từ nơi khác"]),
    ],
    ordered=False,
)

ROTATION_PURPOSE = _vocab(
    "rotation_purpose",
    "mục đích luân chuyển",
    [
        ("training", "đào tạo, rèn luyện theo quy hoạch", "training under the plan", ["quy hoạch", "đào tạo"]),
        (
            "nonlocal",
            "bố trí không là người địa phương",
            "non-local placement",
            ["không là người địa phương", "bố trí cán bộ không là người địa phương"],
        ),
        ("two_term", "không giữ quá hai nhiệm kỳ", "two-consecutive-terms rule", ["hai nhiệm kỳ", "2 nhiệm kỳ"]),
    ],
    ordered=False,
)

ACTION = _vocab(
    "action",
    "việc",
    [
        ("planning", "quy hoạch", "planning", []),
        ("appointment", "bổ nhiệm", "appointment", []),
        ("reappointment", "bổ nhiệm lại", "re-appointment", ["kéo dài thời gian giữ chức vụ"]),
        ("nomination", "giới thiệu ứng cử", "nomination", ["tái cử", "ứng cử"]),
        ("rotation", "luân chuyển", "rotation", []),
        (
            "nonlocal_placement",
            "bố trí không là người địa phương",
            "non-local placement",
            ["không là người địa phương"],
        ),
    ],
    ordered=False,
)

# Party committee seats (cấp ủy): a member of the standing committee is a committee member too, and so on up
COMMITTEE_ROLE = _vocab(
    "committee_role",
    "vị trí trong cấp ủy",
    [
        ("member", "cấp ủy viên", "committee member", ["ủy viên", "ủy viên ban chấp hành", "uv bch", "ubch", "cấp ủy"]),
        (
            "standing",
            "ủy viên ban thường vụ",
            "standing committee member",
            ["thường vụ", "ủy viên thường vụ", "btv", "ubtv", "uv btv"],
        ),
        ("deputy_secretary", "phó bí thư", "deputy secretary", ["pbt"]),
        ("secretary", "bí thư", "secretary", ["bt"]),
    ],
    ordered=True,
)

# The person's status (Luật Cán bộ, công chức 2025; Luật Viên chức 2025): which State rules govern them.
STAFF_STATUS = _vocab(
    "staff_status",
    "đối tượng",
    [
        ("can_bo", "cán bộ", "cadre (elected or appointed by term)", ["can bo"]),
        ("cong_chuc", "công chức", "civil servant", ["cong chuc", "civil servant"]),
        ("vien_chuc", "viên chức", "public employee", ["vien chuc", "public employee"]),
        (
            "other",
            "khác",
            "other (armed forces, enterprise, not in the civil service)",
            ["lực lượng vũ trang", "doanh nghiệp", "người lao động"],
        ),
    ],
    ordered=False,
)

# How a post held ended (NĐ 170/2025 Điều 52–55 as amended by NĐ 300/2026; NĐ 115/2020 Điều 54–55).
END_REASON = _vocab(
    "end_reason",
    "lý do thôi giữ chức vụ",
    [
        (
            "completed",
            "kết thúc bình thường",
            "ended normally",
            [
                "hết thời hạn",
                "hết nhiệm kỳ",
                "hoàn thành",
                "điều động",
                "luân chuyển",
                "bổ nhiệm chức vụ khác",
                "nghỉ hưu",
                "chuyển công tác",
                "transferred",
                "term completed",
            ],
        ),
        ("thoi_giu_chuc_vu", "cho thôi giữ chức vụ", "relieved of the post", ["thôi giữ chức vụ", "stepped down"]),
        ("tu_chuc", "từ chức", "resigned", ["xin từ chức"]),
        (
            "tu_chuc_thay_mien_nhiem",
            "từ chức thay cho miễn nhiệm",
            "resigned instead of being removed",
            ["tự nguyện từ chức (thuộc trường hợp miễn nhiệm)", "từ chức (trường hợp miễn nhiệm)"],
        ),
        ("mien_nhiem", "miễn nhiệm", "removed from the post", ["bị miễn nhiệm"]),
        ("cach_chuc", "cách chức", "dismissed from the post (discipline)", ["bị cách chức", "kỷ luật cách chức"]),
        ("bai_nhiem", "bãi nhiệm", "recalled from elected office", ["bị bãi nhiệm"]),
    ],
    ordered=False,
)

# vocabularies whose ranks int facts hold (FactSpec.rank_of names one of these)
RANKED = {"degree": DEGREE, "political_theory": POLITICAL_THEORY, "state_management": STATE_MANAGEMENT, "level": LEVEL}

VOCABULARIES = {
    v.name: v
    for v in (
        SEX,
        DEGREE,
        POLITICAL_THEORY,
        STATE_MANAGEMENT,
        CIVIL_SERVICE_GRADE,
        ASSESSMENT,
        DISCIPLINE_FORM,
        DISCIPLINE_KIND,
        DISCIPLINE_STATUS,
        INVESTIGATION,
        POLITICAL_STANDARD,
        LEVEL,
        COMMITTEE_ROLE,
        RELATION,
        CANDIDATE_SOURCE,
        ROTATION_PURPOSE,
        ACTION,
        STAFF_STATUS,
        END_REASON,
    )
}
